/* report.h - turning events, the flow table and counters into text or JSON Lines.
 *
 * The reporter is the tracker's sink: ws_report_emit() matches
 * struct ws_sink's emit.  Text follows tcpdump's habits (time first, -t
 * variants); JSON Lines follows the schema in the README, which is stable. */
#ifndef WIRESTATE_REPORT_H
#define WIRESTATE_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "wirestate/decode.h"
#include "wirestate/event.h"
#include "wirestate/flow_table.h"
#include "wirestate/tracker.h"

/* How text lines start, as tcpdump's -t options. */
enum ws_time_format {
    WS_TIME_CLOCK = 0,   /* default: 13:21:05.123456 (local time) */
    WS_TIME_NONE,        /* -t */
    WS_TIME_EPOCH,       /* -tt: 1700000000.123456 */
    WS_TIME_DELTA,       /* -ttt: since the previous line */
    WS_TIME_DATE,        /* -tttt: 2023-11-14 22:13:20.123456 */
    WS_TIME_SINCE_FIRST, /* -ttttt: since the first line */
};

/* The part of a text line's time that names a whole second, "22:13:20." or
 * "-00:00:01.", kept for the lines that follow within the same second:
 * localtime_r and strftime then run once a second, not once a line. */
struct ws_second_text {
    bool kept;
    enum ws_time_format format;   /* the format it is spelled in */
    bool negative;                /* durations: before their reference */
    int64_t second;               /* clock, date: the time's floor; durations: the magnitude's */
    uint8_t len;
    char text[31];
};

struct ws_reporter {
    FILE *out;
    bool json;
    bool flush_each;               /* every line leaves at once (tests; live flushes per batch) */
    bool text_flows;               /* text: also print flow records (--flows) */
    enum ws_state_names names;     /* text only; JSON always uses RFC names */
    enum ws_time_format time_format;
    int64_t first_ts, prev_ts;     /* for the delta time formats */
    bool have_first;
    struct ws_second_text second_text;   /* text: the latest second's time (format.c) */
    uint64_t write_errors;
};

void ws_reporter_init(struct ws_reporter *r, FILE *out, bool json);

/* struct ws_sink entry point; ctx is a struct ws_reporter. */
void ws_report_emit(void *ctx, const struct ws_event *ev);

/* One row per endpoint that has shown itself, flows in id order. */
void ws_report_table(struct ws_reporter *r, const struct ws_flow_table *t, int64_t now);

struct ws_summary {
    int64_t ts_us;
    uint64_t packets;
    uint64_t skipped[WS_DECODE_RESULT_COUNT];   /* index WS_DECODE_OK unused */
    const struct ws_tracker_stats *tracker;
    size_t flows_in_table;
    uint64_t peak_rss_kib;     /* the process's peak resident memory */
    bool live;
    uint64_t kernel_received, kernel_dropped, interface_dropped;
};

/* Live, every --interval: the kernel's capture counters so far. */
void ws_report_capture_stats(struct ws_reporter *r, const struct ws_summary *s);

/* Human summary (several lines) on `human`, and with --json a summary record. */
void ws_report_summary(struct ws_reporter *r, const struct ws_summary *s, FILE *human);

/* "192.0.2.1:80" or "[2001:db8::1]:443"; buf needs WS_ENDPOINT_STRLEN bytes. */
#define WS_ENDPOINT_STRLEN 56
const char *ws_format_endpoint(const struct ws_endpoint *e, char *buf, size_t len);
/* "1700000000.123456"; buf needs 32 bytes. */
const char *ws_format_epoch(int64_t ts_us, char *buf, size_t len);

#endif
