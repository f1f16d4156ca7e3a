/* summary.c - the closing counters: on stderr for people, as a record for scripts. */
#include "report_internal.h"

#include <inttypes.h>

static const char *const skip_labels[WS_DECODE_RESULT_COUNT] = {
    [WS_DECODE_NOT_TCP] = "not TCP",
    [WS_DECODE_TRUNCATED] = "truncated",
    [WS_DECODE_BAD_HEADER] = "bad header",
    [WS_DECODE_FRAGMENT] = "non-first fragment",
    [WS_DECODE_UNSUPPORTED_LINK] = "unsupported link type",
};

static void human_summary(const struct ws_summary *s, FILE *out)
{
    const struct ws_tracker_stats *t = s->tracker;
    fprintf(out, "%" PRIu64 " packets read, %" PRIu64 " TCP segments\n", s->packets, t->segments);
    fprintf(out, "skipped:");
    for (int i = WS_DECODE_OK + 1; i < WS_DECODE_RESULT_COUNT; i++)
        fprintf(out, "%s %" PRIu64 " %s", i == WS_DECODE_OK + 1 ? "" : ",", s->skipped[i], skip_labels[i]);
    fprintf(out, "\n");
    fprintf(out, "%" PRIu64 " flows seen, %zu still tracked, %" PRIu64 " transitions, %" PRIu64
                 " half-closed, %" PRIu64 " anomalies\n",
            t->flows, s->flows_in_table, t->transitions, t->half_closed, t->anomalies);
    fprintf(out, "%" PRIu64 " flows expired idle, %" PRIu64 " evicted (table full), peak memory %.1f MiB",
            t->expired_idle, t->evicted, (double)s->peak_rss_kib / 1024.0);
    if (t->alloc_failures)
        fprintf(out, ", %" PRIu64 " not tracked (out of memory)", t->alloc_failures);
    fprintf(out, "\n");
    if (s->live)
        fprintf(out, "%" PRIu64 " packets received by filter, %" PRIu64 " dropped by kernel, %" PRIu64
                     " dropped by interface\n",
                s->kernel_received, s->kernel_dropped, s->interface_dropped);
}

static void json_summary(struct ws_reporter *r, const struct ws_summary *s)
{
    const struct ws_tracker_stats *t = s->tracker;
    char when[32];
    FILE *out = r->out;
    fprintf(out, "{\"ts\":%s,\"type\":\"summary\",\"packets\":%" PRIu64 ",\"tcp_segments\":%" PRIu64
                 ",\"skipped\":{",
            ws_format_epoch(s->ts_us, when, sizeof when), s->packets, t->segments);
    for (int i = WS_DECODE_OK + 1; i < WS_DECODE_RESULT_COUNT; i++)
        fprintf(out, "%s\"%s\":%" PRIu64, i == WS_DECODE_OK + 1 ? "" : ",",
                ws_decode_result_name((enum ws_decode_result)i), s->skipped[i]);
    fprintf(out, "},\"flows\":%" PRIu64 ",\"flows_tracked\":%zu,\"transitions\":%" PRIu64
                 ",\"half_closed\":%" PRIu64 ",\"anomalies\":%" PRIu64 ",\"expired\":%" PRIu64
                 ",\"evicted\":%" PRIu64 ",\"untracked_no_memory\":%" PRIu64
                 ",\"peak_rss_kib\":%" PRIu64,
            t->flows, s->flows_in_table, t->transitions, t->half_closed, t->anomalies,
            t->expired_idle, t->evicted, t->alloc_failures, s->peak_rss_kib);
    if (s->live)
        fprintf(out, ",\"kernel\":{\"received\":%" PRIu64 ",\"dropped\":%" PRIu64
                     ",\"interface_dropped\":%" PRIu64 "}",
                s->kernel_received, s->kernel_dropped, s->interface_dropped);
    fputs("}\n", out);
}

void ws_report_summary(struct ws_reporter *r, const struct ws_summary *s, FILE *human)
{
    if (r->json) {
        json_summary(r, s);
        ws_report_line_done(r);
    }
    /* The lines go out before the human summary: with both streams on one
     * terminal or file, it comes last, as tcpdump's does. */
    fflush(r->out);
    if (human)
        human_summary(s, human);
}

void ws_report_capture_stats(struct ws_reporter *r, const struct ws_summary *s)
{
    char when[48];
    if (r->json) {
        fprintf(r->out, "{\"ts\":%s,\"type\":\"capture_stats\",\"packets\":%" PRIu64
                        ",\"received\":%" PRIu64 ",\"dropped\":%" PRIu64
                        ",\"interface_dropped\":%" PRIu64 ",\"flows_tracked\":%zu}\n",
                ws_format_epoch(s->ts_us, when, sizeof when), s->packets, s->kernel_received,
                s->kernel_dropped, s->interface_dropped, s->flows_in_table);
    } else {
        ws_report_time_prefix(r, s->ts_us, when, sizeof when);
        fprintf(r->out, "%scapture_stats %" PRIu64 " packets, %" PRIu64 " received by filter, %" PRIu64
                        " dropped by kernel, %" PRIu64 " dropped by interface, %zu flows tracked\n",
                when, s->packets, s->kernel_received, s->kernel_dropped, s->interface_dropped,
                s->flows_in_table);
    }
    ws_report_line_done(r);
}
