/* fuzz_common.h - shared by the fuzz harnesses: a reporter writing into
 * memory, checks on what it wrote, and the invariants every run must keep.
 *
 * Any broken check prints what it saw and aborts, so libFuzzer (or the
 * replay driver) reports it like a crash.  Header-only: each harness is one
 * translation unit plus the library. */
#ifndef WIRESTATE_FUZZ_COMMON_H
#define WIRESTATE_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirestate/capture.h"
#include "wirestate/report.h"
#include "wirestate/tracker.h"

/* Packet times the library can be given: ws_capture_time_us() clamps every
 * record's time into [0, WS_CAPTURE_MAX_TIME_US]. */
#define FUZZ_TS_MAX WS_CAPTURE_MAX_TIME_US
/* The largest time a classic pcap record can carry: 32-bit seconds and a
 * 32-bit microsecond field that libpcap does not range-check. */
#define FUZZ_PCAP_TS_MAX ((int64_t)UINT32_MAX * 1000000 + (int64_t)UINT32_MAX)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static void fuzz_fail(const char *what, const char *text, size_t len)
{
    fprintf(stderr, "fuzz check failed: %s\n", what);
    if (text) {
        fprintf(stderr, "--- output (%zu bytes) ---\n", len);
        fwrite(text, 1, len > 4096 ? 4096 : len, stderr);
        fprintf(stderr, "\n--- end ---\n");
    }
    abort();
}

/* ---- a strict little JSON checker (one value per line) --------------- */

struct fuzz_json {
    const char *p, *end;
    int depth;
};

static bool fj_value(struct fuzz_json *j);

static void fj_ws(struct fuzz_json *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t'))
        j->p++;
}

static bool fj_lit(struct fuzz_json *j, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
        return false;
    j->p += n;
    return true;
}

static bool fj_digits(struct fuzz_json *j)
{
    const char *start = j->p;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
        j->p++;
    return j->p > start;
}

/* RFC 8259 numbers only: no NaN, inf, leading zeros, bare dots or '+'. */
static bool fj_number(struct fuzz_json *j)
{
    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p < j->end && *j->p == '0')
        j->p++;
    else if (!fj_digits(j))
        return false;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (!fj_digits(j))
            return false;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (!fj_digits(j))
            return false;
    }
    return true;
}

static bool fj_string(struct fuzz_json *j)
{
    if (j->p >= j->end || *j->p != '"')
        return false;
    j->p++;
    while (j->p < j->end) {
        unsigned char c = (unsigned char)*j->p++;
        if (c == '"')
            return true;
        if (c < 0x20)
            return false;   /* raw control character */
        if (c == '\\') {
            if (j->p >= j->end)
                return false;
            c = (unsigned char)*j->p++;
            if (c == 'u') {
                for (int i = 0; i < 4; i++, j->p++) {
                    if (j->p >= j->end)
                        return false;
                    char h = *j->p;
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
                        return false;
                }
            } else if (!strchr("\"\\/bfnrt", c) || c == '\0') {
                return false;
            }
        }
    }
    return false;
}

static bool fj_container(struct fuzz_json *j, char open, char close)
{
    if (++j->depth > 16)
        return false;
    j->p++;   /* open */
    (void)open;
    fj_ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return true;
    }
    for (;;) {
        fj_ws(j);
        if (close == '}') {
            if (!fj_string(j))
                return false;
            fj_ws(j);
            if (j->p >= j->end || *j->p != ':')
                return false;
            j->p++;
            fj_ws(j);
        }
        if (!fj_value(j))
            return false;
        fj_ws(j);
        if (j->p >= j->end)
            return false;
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p != close)
            return false;
        j->p++;
        j->depth--;
        return true;
    }
}

static bool fj_value(struct fuzz_json *j)
{
    if (j->p >= j->end)
        return false;
    switch (*j->p) {
    case '{':
        return fj_container(j, '{', '}');
    case '[':
        return fj_container(j, '[', ']');
    case '"':
        return fj_string(j);
    case 't':
        return fj_lit(j, "true");
    case 'f':
        return fj_lit(j, "false");
    case 'n':
        return fj_lit(j, "null");
    default:
        return fj_number(j);
    }
}

/* Every line of JSON Lines output is one object starting {"ts":<number>,"type":"... */
static void fuzz_check_json_lines(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            fuzz_fail("JSON output does not end with a newline", buf, len);
        struct fuzz_json j = { p, nl, 0 };
        if (!fj_lit(&j, "{\"ts\":") || !fj_number(&j) || !fj_lit(&j, ",\"type\":\""))
            fuzz_fail("JSON line does not start with {\"ts\":NUMBER,\"type\":", p, (size_t)(nl - p));
        j.p = p;
        if (!fj_value(&j) || j.p != nl || *p != '{')
            fuzz_fail("JSON line is not one well-formed object", p, (size_t)(nl - p));
        p = nl + 1;
    }
}

/* Text output: printable ASCII lines, each ending in a newline.  Nothing a
 * packet holds may reach a terminal as a control character. */
static void fuzz_check_text(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c != '\n' && (c < 0x20 || c > 0x7e))
            fuzz_fail("text output holds a byte that is not printable ASCII", buf, len);
    }
    if (len > 0 && buf[len - 1] != '\n')
        fuzz_fail("text output does not end with a newline", buf, len);
}

/* ---- output streams --------------------------------------------------- */

struct fuzz_out {
    FILE *f;
    char *buf;
    size_t len;
};

static void fuzz_out_open(struct fuzz_out *o)
{
    o->buf = NULL;
    o->len = 0;
    o->f = open_memstream(&o->buf, &o->len);
    if (!o->f)
        abort();
}

/* Closes the stream, runs the check for its kind, frees the memory. */
static void fuzz_out_close(struct fuzz_out *o, bool json)
{
    if (fclose(o->f) != 0)
        abort();
    if (json)
        fuzz_check_json_lines(o->buf, o->len);
    else
        fuzz_check_text(o->buf, o->len);
    free(o->buf);
    o->buf = NULL;
}

/* ---- invariants of the tracker ---------------------------------------- */

static void fuzz_check_tracker(const struct ws_tracker *tr)
{
    if (tr->flows.count > tr->cfg.max_flows)
        fuzz_fail("flow table holds more flows than max_flows", NULL, 0);
    if (tr->timers.count > tr->flows.count)
        fuzz_fail("more timers armed than flows in the table", NULL, 0);
}

/* ---- a sink in front of the reporter, checking every event ----------- */

struct fuzz_sink {
    struct ws_reporter *reporter;
    int64_t last_ts;
    uint64_t events;
};

static bool fuzz_terminated(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

/* Events come in time order (timers fire in deadline order, before the
 * segment that moved the clock), transitions, half-closed and expired
 * events name a flow, a transition changes something, and a flow record is
 * complete, its first packet no later than its last. */
static void fuzz_emit(void *ctx, const struct ws_event *ev)
{
    struct fuzz_sink *fs = ctx;
    if ((unsigned)ev->type > WS_EV_FLOW)
        fuzz_fail("event of an unknown type", NULL, 0);
    if (fs->events && ev->ts_us < fs->last_ts) {
        char msg[160];
        snprintf(msg, sizeof msg, "event time went backwards: %lld after %lld (event type %d)",
                 (long long)ev->ts_us, (long long)fs->last_ts, (int)ev->type);
        fuzz_fail(msg, NULL, 0);
    }
    if ((ev->type == WS_EV_TRANSITION || ev->type == WS_EV_HALF_CLOSED ||
         ev->type == WS_EV_EXPIRED) && ev->flow_id == 0)
        fuzz_fail("event without a flow", NULL, 0);
    if (ev->type == WS_EV_TRANSITION && ev->from == ev->to)
        fuzz_fail("transition from a state to itself", NULL, 0);
    if (!fuzz_terminated(ev->text, sizeof ev->text))
        fuzz_fail("event text not terminated", NULL, 0);
    if (ev->type == WS_EV_FLOW) {
        const struct ws_flow_record *rec = ev->record;
        if (!rec || !rec->conn_state)
            fuzz_fail("flow record missing", NULL, 0);
        if (!fuzz_terminated(rec->history, sizeof rec->history))
            fuzz_fail("flow record string not terminated", NULL, 0);
        if (rec->start_us > rec->end_us)
            fuzz_fail("flow record ends before it starts", NULL, 0);
    }
    fs->last_ts = ev->ts_us;
    fs->events++;
    if (fs->reporter)
        ws_report_emit(fs->reporter, ev);
}

/* Timer profiles: [0] the CLI's defaults, [1] short ones so packets a few
 * seconds apart fire them, [2] the smallest the CLI accepts (1 us), [3] the
 * largest (1e9 s).  msl, half-closed, syn timeout, idle timeout. */
static void fuzz_timer_profile(struct ws_tracker_config *cfg, unsigned profile)
{
    static const int64_t us[4][4] = {
        { WS_SECONDS(WS_DEFAULT_MSL_S), WS_SECONDS(WS_DEFAULT_HALF_CLOSED_S),
          WS_SECONDS(WS_DEFAULT_SYN_TIMEOUT_S), WS_SECONDS(WS_DEFAULT_IDLE_TIMEOUT_S) },
        { WS_SECONDS(1), WS_SECONDS(2), WS_SECONDS(3), WS_SECONDS(10) },
        { 1, 1, 1, 1 },
        { WS_SECONDS(1000000000), WS_SECONDS(1000000000), WS_SECONDS(1000000000),
          WS_SECONDS(1000000000) },
    };
    profile &= 3;
    cfg->msl_us = us[profile][0];
    cfg->half_closed_us = us[profile][1];
    cfg->syn_timeout_us = us[profile][2];
    cfg->idle_timeout_us = us[profile][3];
}

#endif
