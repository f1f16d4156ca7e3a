/* report_internal.h - helpers shared by the reporter files, not public API. */
#ifndef WIRESTATE_REPORT_INTERNAL_H
#define WIRESTATE_REPORT_INTERNAL_H

#include <stdio.h>

#include "wirestate/community_id.h"
#include "wirestate/config.h"
#include "wirestate/report.h"

void ws_report_time_prefix(struct ws_reporter *r, int64_t ts_us, char *buf, size_t len);
void ws_report_line_done(struct ws_reporter *r);
const char *ws_role_name(enum ws_role role);

void ws_report_text_event(struct ws_reporter *r, const struct ws_event *ev);
void ws_report_json_event(struct ws_reporter *r, const struct ws_event *ev);
/* Makes the tables the JSON lines are copied from; ws_reporter_init calls it. */
void ws_report_json_prepare(void);

#endif
