/* format.c - addresses, times and JSON strings, shared by every reporter. */
#include "report_internal.h"

#include "line.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

/* The buffer versions below spell things exactly as the line appenders do. */
static const char *line_to_buf(const struct ws_line *l, char *buf, size_t len)
{
    snprintf(buf, len, "%.*s", (int)l->len, l->buf);
    return buf;
}

const char *ws_format_endpoint(const struct ws_endpoint *e, char *buf, size_t len)
{
    struct ws_line l;
    ws_line_reset(&l);
    ws_line_endpoint(&l, e);
    return line_to_buf(&l, buf, len);
}

/* Floor division keeps pre-1970 or negative deltas printable. */
static void split_us(int64_t us, long long *sec, long long *frac)
{
    *sec = us / WS_USEC_PER_SEC;
    *frac = us % WS_USEC_PER_SEC;
    if (*frac < 0) {
        *frac += WS_USEC_PER_SEC;
        *sec -= 1;
    }
}

/* Signed values print as a sign and a magnitude: -1.500000, not -2.500000. */
static const char *sign_and_magnitude(int64_t us, uint64_t *mag)
{
    *mag = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
    return us < 0 ? "-" : "";
}

const char *ws_format_epoch(int64_t ts_us, char *buf, size_t len)
{
    struct ws_line l;
    ws_line_reset(&l);
    ws_line_epoch(&l, ts_us);
    return line_to_buf(&l, buf, len);
}

static void format_duration(int64_t us, char *buf, size_t len)
{
    uint64_t mag;
    const char *sign = sign_and_magnitude(us, &mag);
    unsigned long long sec = mag / WS_USEC_PER_SEC;
    snprintf(buf, len, "%s%02llu:%02llu:%02llu.%06llu", sign, sec / 3600, sec / 60 % 60, sec % 60,
             (unsigned long long)(mag % WS_USEC_PER_SEC));
}

static void format_wall(int64_t ts_us, bool with_date, char *buf, size_t len)
{
    long long sec, frac;
    split_us(ts_us, &sec, &frac);
    time_t t = (time_t)sec;
    struct tm tm;
    if (!localtime_r(&t, &tm)) {
        ws_format_epoch(ts_us, buf, len);
        return;
    }
    char base[40];
    strftime(base, sizeof base, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%06lld", base, frac);
}

void ws_report_time_prefix(struct ws_reporter *r, int64_t ts_us, char *buf, size_t len)
{
    if (!r->have_first) {
        r->first_ts = r->prev_ts = ts_us;
        r->have_first = true;
    }
    switch (r->time_format) {
    case WS_TIME_NONE:
        buf[0] = '\0';
        return;
    case WS_TIME_EPOCH:
        ws_format_epoch(ts_us, buf, len);
        break;
    case WS_TIME_DELTA:
        format_duration(ts_us - r->prev_ts, buf, len);
        break;
    case WS_TIME_DATE:
        format_wall(ts_us, true, buf, len);
        break;
    case WS_TIME_SINCE_FIRST:
        format_duration(ts_us - r->first_ts, buf, len);
        break;
    case WS_TIME_CLOCK:
    default:
        format_wall(ts_us, false, buf, len);
        break;
    }
    r->prev_ts = ts_us;
    size_t used = strlen(buf);
    if (used + 1 < len) {
        buf[used] = ' ';
        buf[used + 1] = '\0';
    }
}

void ws_report_line_done(struct ws_reporter *r)
{
    if (r->flush_each)
        fflush(r->out);
#ifdef __GLIBC__
    bool failed = ferror_unlocked(r->out);   /* one thread writes: no lock needed */
#else
    bool failed = ferror(r->out);
#endif
    if (failed) {
        r->write_errors++;
        clearerr(r->out);
    }
}

const char *ws_role_name(enum ws_role role)
{
    return role == WS_ROLE_CLIENT ? "client" : "server";
}

void ws_reporter_init(struct ws_reporter *r, FILE *out, bool json)
{
    memset(r, 0, sizeof *r);
    r->out = out;
    r->json = json;
    r->names = WS_NAMES_RFC;
    r->time_format = WS_TIME_CLOCK;
    ws_line_prepare();
    ws_report_json_prepare();
}

void ws_report_emit(void *ctx, const struct ws_event *ev)
{
    struct ws_reporter *r = ctx;
    if (ev->type == WS_EV_FLOW && !r->json && !r->text_flows)
        return;   /* text shows flow records only with --flows */
    if (r->json)
        ws_report_json_event(r, ev);
    else
        ws_report_text_event(r, ev);
    ws_report_line_done(r);
}

const char *ws_flow_end_name(enum ws_flow_end reason)
{
    switch (reason) {
    case WS_END_CLOSED: return "closed";
    case WS_END_IDLE: return "idle";
    case WS_END_EVICTED: return "evicted";
    case WS_END_REUSED: return "reused";
    case WS_END_CAPTURE: return "end";
    case WS_END_STRAY: return "stray";
    }
    return "unknown";
}

const char *ws_event_cause_text(const struct ws_event *ev, char *buf, size_t len)
{
    struct ws_line l;
    ws_line_reset(&l);
    ws_line_cause(&l, ev);
    return line_to_buf(&l, buf, len);
}
