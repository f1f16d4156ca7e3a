/* report_internal.h - helpers shared by the reporter files, not public API. */
#ifndef WIRESTATE_REPORT_INTERNAL_H
#define WIRESTATE_REPORT_INTERNAL_H

#include <stdio.h>

#include "wirestate/community_id.h"
#include "wirestate/config.h"
#include "wirestate/report.h"

struct ws_line;

/* The time a text line starts with and the space after it (nothing for -t):
 * appended to a line, or into buf (48 bytes are enough). */
void ws_report_time_text(struct ws_reporter *r, struct ws_line *l, int64_t ts_us);
void ws_report_time_prefix(struct ws_reporter *r, int64_t ts_us, char *buf, size_t len);
void ws_report_line_done(struct ws_reporter *r);
const char *ws_role_name(enum ws_role role);

void ws_report_text_event(struct ws_reporter *r, const struct ws_event *ev);
void ws_report_json_event(struct ws_reporter *r, const struct ws_event *ev);
/* Makes the tables the JSON lines are copied from; ws_reporter_init calls it. */
void ws_report_json_prepare(void);
/* Makes the tables the text lines are copied from; ws_reporter_init calls it. */
void ws_report_text_prepare(void);

#endif
