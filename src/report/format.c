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

const char *ws_format_epoch(int64_t ts_us, char *buf, size_t len)
{
    struct ws_line l;
    ws_line_reset(&l);
    ws_line_epoch(&l, ts_us);
    return line_to_buf(&l, buf, len);
}

/* ---- the time a text line starts with ----------------------------------
 *
 * Its whole seconds, "22:13:20." or "00:00:02.", are made once per second and
 * kept in the reporter (struct ws_second_text); each line adds only its six
 * digits of microseconds.  The text is made again whenever the second, the
 * sign or the format differs, so a kept second is never printed for another.
 * A kept local time is the one localtime_r would give again: it reads TZ
 * once (glibc; again only when tzset is called). */

/* Floor division keeps pre-1970 times printable: -1 us is 23:59:59.999999
 * of the day before (UTC). */
static void split_us(int64_t us, int64_t *sec, int64_t *frac)
{
    *sec = us / WS_USEC_PER_SEC;
    *frac = us % WS_USEC_PER_SEC;
    if (*frac < 0) {
        *frac += WS_USEC_PER_SEC;
        *sec -= 1;
    }
}

static bool second_text_is(const struct ws_second_text *s, enum ws_time_format format, bool negative,
                           int64_t second)
{
    return s->kept && s->format == format && s->negative == negative && s->second == second;
}

static void keep_second_text(struct ws_second_text *s, enum ws_time_format format, bool negative,
                             int64_t second, const struct ws_line *text)
{
    size_t n = text->len < sizeof s->text ? text->len : sizeof s->text;   /* 27 bytes at most */
    memcpy(s->text, text->buf, n);
    s->len = (uint8_t)n;
    s->format = format;
    s->negative = negative;
    s->second = second;
    s->kept = true;
}

/* "22:13:20." or "2023-11-14 22:13:20.": a second in local time, as
 * strftime spells it; false when localtime_r cannot place the second. */
static bool wall_second_text(struct ws_line *l, int64_t sec, bool with_date)
{
    time_t t = (time_t)sec;
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return false;
    char base[40];   /* an int's year is 11 characters: 26 at most */
    if (!strftime(base, sizeof base, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm))
        base[0] = '\0';
    ws_line_str(l, base);
    ws_line_char(l, '.');
    return true;
}

/* "00:00:02." or "-01:02:03.": hours take as many digits as they need, two
 * at least ("%02llu:%02llu:%02llu"), so a long capture's -ttttt still adds up. */
static void duration_second_text(struct ws_line *l, bool negative, uint64_t sec)
{
    if (negative)
        ws_line_char(l, '-');
    uint64_t hours = sec / 3600;
    if (hours < 100)
        ws_line_2digits(l, (unsigned)hours);
    else
        ws_line_u64(l, hours);
    ws_line_char(l, ':');
    ws_line_2digits(l, (unsigned)(sec / 60 % 60));
    ws_line_char(l, ':');
    ws_line_2digits(l, (unsigned)(sec % 60));
    ws_line_char(l, '.');
}

/* Clock (default) and date (-tttt) times, in local time. */
static void wall_time(struct ws_reporter *r, struct ws_line *l, int64_t ts_us, bool with_date)
{
    int64_t sec, frac;
    split_us(ts_us, &sec, &frac);
    struct ws_second_text *kept = &r->second_text;
    if (!second_text_is(kept, r->time_format, false, sec)) {
        struct ws_line text;
        ws_line_reset(&text);
        if (!wall_second_text(&text, sec, with_date)) {
            ws_line_epoch(l, ts_us);   /* no local time for it: the epoch time instead */
            return;
        }
        keep_second_text(kept, r->time_format, false, sec, &text);
    }
    ws_line_padded(l, kept->text, sizeof kept->text, kept->len);
    ws_line_micros(l, (unsigned)frac);
}

/* -ttt and -ttttt: a sign and a magnitude, -00:00:01.500000, never
 * 00:00:-2.500000. */
static void duration_time(struct ws_reporter *r, struct ws_line *l, int64_t us)
{
    bool negative = us < 0;
    uint64_t mag = negative ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
    uint64_t sec = mag / WS_USEC_PER_SEC;
    struct ws_second_text *kept = &r->second_text;
    if (!second_text_is(kept, r->time_format, negative, (int64_t)sec)) {
        struct ws_line text;
        ws_line_reset(&text);
        duration_second_text(&text, negative, sec);
        keep_second_text(kept, r->time_format, negative, (int64_t)sec, &text);
    }
    ws_line_padded(l, kept->text, sizeof kept->text, kept->len);
    ws_line_micros(l, (unsigned)(mag - sec * WS_USEC_PER_SEC));
}

void ws_report_time_text(struct ws_reporter *r, struct ws_line *l, int64_t ts_us)
{
    if (!r->have_first) {
        r->first_ts = r->prev_ts = ts_us;
        r->have_first = true;
    }
    switch (r->time_format) {
    case WS_TIME_NONE:
        return;
    case WS_TIME_EPOCH:
        ws_line_epoch(l, ts_us);
        break;
    case WS_TIME_DELTA:
        duration_time(r, l, ts_us - r->prev_ts);
        break;
    case WS_TIME_DATE:
        wall_time(r, l, ts_us, true);
        break;
    case WS_TIME_SINCE_FIRST:
        duration_time(r, l, ts_us - r->first_ts);
        break;
    case WS_TIME_CLOCK:
    default:
        wall_time(r, l, ts_us, false);
        break;
    }
    r->prev_ts = ts_us;
    ws_line_char(l, ' ');
}

void ws_report_time_prefix(struct ws_reporter *r, int64_t ts_us, char *buf, size_t len)
{
    struct ws_line l;
    ws_line_reset(&l);
    ws_report_time_text(r, &l, ts_us);
    line_to_buf(&l, buf, len);
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
    ws_report_text_prepare();
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
