/* test_report.c - unit tests for the reporters (the files in src/report): the text
 * line of every event type in every time format, the JSON Lines records with
 * their exact key order, escaping and "ts" formatting, netstat vs RFC state
 * spelling, the --table snapshot (text and JSON) and the closing summary.
 *
 * Output is captured with open_memstream, so every expectation below is the
 * exact byte string the reporter wrote. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wirestate/community_id.h"
#include "wirestate/config.h"
#include "wirestate/flow_table.h"
#include "wirestate/report.h"

/* 2023-11-14 22:13:20 UTC */
#define T0 (1700000000LL * WS_USEC_PER_SEC)

/* ---- capturing a reporter's output -------------------------------------- */

struct sink {
    FILE *f;
    char *buf;
    size_t len;
    struct ws_reporter r;
};

static void sink_open(struct sink *s, bool json)
{
    memset(s, 0, sizeof *s);
    s->f = open_memstream(&s->buf, &s->len);
    assert_non_null(s->f);
    ws_reporter_init(&s->r, s->f, json);
}

/* Everything written since the last call (the stream is flushed first). */
static const char *sink_text(struct sink *s)
{
    assert_int_equal(fflush(s->f), 0);
    return s->buf;
}

static void sink_reset(struct sink *s)
{
    /* a fresh stream; the reporter keeps its state (first and previous time) */
    fclose(s->f);
    free(s->buf);
    s->buf = NULL;
    s->len = 0;
    s->f = open_memstream(&s->buf, &s->len);
    assert_non_null(s->f);
    s->r.out = s->f;
}

static void sink_close(struct sink *s)
{
    fclose(s->f);
    free(s->buf);
    s->buf = NULL;
}

/* ---- building events ---------------------------------------------------- */

static struct ws_endpoint ep4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
    struct ws_endpoint e;
    memset(&e, 0, sizeof e);
    e.addr.family = 4;
    e.addr.bytes[0] = a;
    e.addr.bytes[1] = b;
    e.addr.bytes[2] = c;
    e.addr.bytes[3] = d;
    e.port = port;
    return e;
}

static struct ws_endpoint ep6(const char *text, uint16_t port)
{
    struct ws_endpoint e;
    memset(&e, 0, sizeof e);
    e.addr.family = 6;
    assert_int_equal(inet_pton(AF_INET6, text, e.addr.bytes), 1);
    e.port = port;
    return e;
}

/* 192.0.2.1:40000 (client) -> 192.0.2.10:8080, flow 3, FIN_WAIT_1 -> FIN_WAIT_2. */
static struct ws_event transition(int64_t ts)
{
    struct ws_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = WS_EV_TRANSITION;
    ev.ts_us = ts;
    ev.flow_id = 3;
    ev.endpoint = ep4(192, 0, 2, 1, 40000);
    ev.peer = ep4(192, 0, 2, 10, 8080);
    ev.role = WS_ROLE_CLIENT;
    ev.from = WS_FIN_WAIT_1;
    ev.to = WS_FIN_WAIT_2;
    snprintf(ev.text, sizeof ev.text, "ACK from peer");
    return ev;
}

static struct ws_event half_closed(int64_t ts)
{
    struct ws_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = WS_EV_HALF_CLOSED;
    ev.ts_us = ts;
    ev.flow_id = 3;
    ev.endpoint = ep4(192, 0, 2, 10, 8080);
    ev.peer = ep4(192, 0, 2, 1, 40000);
    ev.role = WS_ROLE_SERVER;
    ev.to = WS_CLOSE_WAIT;
    ev.seconds = 60;
    return ev;
}

static struct ws_event anomaly(int64_t ts, uint64_t flow_id)
{
    struct ws_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = WS_EV_ANOMALY;
    ev.ts_us = ts;
    ev.flow_id = flow_id;
    ev.endpoint = ep4(192, 0, 2, 1, 40000);
    ev.peer = ep4(192, 0, 2, 10, 8080);
    ev.role = WS_ROLE_CLIENT;
    ev.kind = "rst_out_of_window";
    snprintf(ev.text, sizeof ev.text, "RST seq 123 outside [1001, 1101]");
    return ev;
}

static struct ws_event expired(int64_t ts, const char *reason)
{
    struct ws_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = WS_EV_EXPIRED;
    ev.ts_us = ts;
    ev.flow_id = 9;
    ev.endpoint = ep4(192, 0, 2, 1, 40000);
    ev.peer = ep4(192, 0, 2, 10, 8080);
    ev.role = WS_ROLE_CLIENT;
    ev.kind = reason;
    ev.from = WS_ESTABLISHED;
    ev.to = WS_CLOSE_WAIT;
    ev.midstream = true;
    return ev;
}

static void emit(struct sink *s, struct ws_event ev)
{
    ws_report_emit(&s->r, &ev);
}

static int setup_utc(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    return 0;
}

/* ---- formatting helpers -------------------------------------------------- */

static void test_format_endpoint(void **state)
{
    (void)state;
    char buf[WS_ENDPOINT_STRLEN];
    struct ws_endpoint e = ep4(192, 0, 2, 1, 80);
    assert_string_equal(ws_format_endpoint(&e, buf, sizeof buf), "192.0.2.1:80");
    e = ep4(0, 0, 0, 0, 0);
    assert_string_equal(ws_format_endpoint(&e, buf, sizeof buf), "0.0.0.0:0");
    e = ep4(255, 255, 255, 255, 65535);
    assert_string_equal(ws_format_endpoint(&e, buf, sizeof buf), "255.255.255.255:65535");
    e = ep6("2001:db8::1", 443);
    assert_string_equal(ws_format_endpoint(&e, buf, sizeof buf), "[2001:db8::1]:443");
    e = ep6("::ffff:192.0.2.1", 8080);
    assert_string_equal(ws_format_endpoint(&e, buf, sizeof buf), "[::ffff:192.0.2.1]:8080");
    /* ports of every length */
    static const uint16_t ports[] = { 9, 10, 99, 100, 999, 1000, 9999, 10000, 10001, 65535 };
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        char want[WS_ENDPOINT_STRLEN];
        e = ep4(10, 0, 0, 1, ports[i]);
        snprintf(want, sizeof want, "10.0.0.1:%u", ports[i]);
        assert_string_equal(ws_format_endpoint(&e, buf, sizeof buf), want);
        e = ep6("::1", ports[i]);
        snprintf(want, sizeof want, "[::1]:%u", ports[i]);
        assert_string_equal(ws_format_endpoint(&e, buf, sizeof buf), want);
    }
    /* the longest IPv6 text form still fits WS_ENDPOINT_STRLEN */
    e = ep6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535);
    assert_string_equal(ws_format_endpoint(&e, buf, sizeof buf),
                        "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
}

/* Every octet value in every position, against inet_ntop. */
static void test_format_ipv4_every_octet(void **state)
{
    (void)state;
    for (unsigned v = 0; v < 256; v++) {
        struct ws_endpoint e = ep4((uint8_t)v, (uint8_t)(255 - v), (uint8_t)(v * 7), (uint8_t)(v / 3), (uint16_t)v);
        char ip[INET_ADDRSTRLEN], want[WS_ENDPOINT_STRLEN], buf[WS_ENDPOINT_STRLEN];
        assert_non_null(inet_ntop(AF_INET, e.addr.bytes, ip, sizeof ip));
        snprintf(want, sizeof want, "%s:%u", ip, v);
        assert_string_equal(ws_format_endpoint(&e, buf, sizeof buf), want);
    }
}

/* IPv6 text is wirestate's own (RFC 5952); where the RFC leaves a choice, the
 * embedded IPv4 forms, it spells addresses as glibc's inet_ntop does, so the
 * output did not change when wirestate stopped calling inet_ntop. */
static void expect_v6(const char *in, const char *text)
{
    char buf[WS_ENDPOINT_STRLEN], want[WS_ENDPOINT_STRLEN];
    struct ws_endpoint e = ep6(in, 7);
    snprintf(want, sizeof want, "[%s]:7", text);
    assert_string_equal(ws_format_endpoint(&e, buf, sizeof buf), want);
}

static void test_format_ipv6_rfc5952(void **state)
{
    (void)state;
    expect_v6("0:0:0:0:0:0:0:0", "::");
    expect_v6("0:0:0:0:0:0:0:1", "::1");                         /* loopback */
    expect_v6("1:0:0:0:0:0:0:0", "1::");                         /* run at the end */
    expect_v6("0:0:1:0:0:0:0:0", "0:0:1::");                     /* the longer run wins */
    expect_v6("0:0:1:0:0:1:0:0", "::1:0:0:1:0:0");               /* three equal runs: the first */
    expect_v6("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");      /* a tie: the first */
    expect_v6("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");   /* one zero group stays */
    expect_v6("2001:0DB8:000a:0b00:0:0:0:00C0", "2001:db8:a:b00::c0");   /* lowercase, no leading zeros */
    expect_v6("1:0:0:2:0:0:3:4", "1::2:0:0:3:4");
    expect_v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    /* IPv4-mapped and IPv4-compatible addresses end in a dotted quad ... */
    expect_v6("::ffff:192.0.2.1", "::ffff:192.0.2.1");
    expect_v6("::ffff:0:0", "::ffff:0.0.0.0");
    expect_v6("::192.0.2.1", "::192.0.2.1");
    expect_v6("0:0:0:0:0:0:1:0", "::0.1.0.0");
    /* ... but only when the zero run is exactly their first 80 or 96 bits */
    expect_v6("::0.0.1.2", "::102");
    expect_v6("0:0:0:0:0:1:0:0", "::1:0:0");
    expect_v6("::ffff:0:1.2.3.4", "::ffff:0:102:304");
    expect_v6("1::ffff:192.0.2.1", "1::ffff:c000:201");
    expect_v6("0:0:0:0:0:fffe:102:304", "::fffe:102:304");
}

/* A group: zero half the time, else small or large, sometimes the ffff of an
 * IPv4-mapped address, so that runs, ties and every group width turn up. */
static unsigned random_group(uint64_t *rng, int i)
{
    *rng ^= *rng << 13;
    *rng ^= *rng >> 7;
    *rng ^= *rng << 17;
    unsigned r = (unsigned)(*rng >> 16);
    if (r & 1)
        return 0;
    if (i == 5 && (r & 6) == 0)
        return 0xffff;
    return (r >> 3) >> ((r >> 1) & 3) * 4 & 0xffff;
}

/* Thousands of addresses against glibc's inet_ntop; the first 256 go through
 * every pattern of zero groups. */
static void test_format_ipv6_matches_inet_ntop(void **state)
{
    (void)state;
#ifndef __GLIBC__
    skip();   /* other C libraries spell the IPv4 forms their own way */
#endif
    uint64_t rng = 0x9e3779b97f4a7c15ULL;
    for (unsigned k = 0; k < 5000; k++) {
        struct ws_endpoint e = ep6("::", (uint16_t)k);
        for (int i = 0; i < 8; i++) {
            unsigned g = random_group(&rng, i);
            if (k < 256)
                g = (k >> i & 1) ? (g ? g : 0x1234u >> i) : 0;
            e.addr.bytes[2 * i] = (uint8_t)(g >> 8);
            e.addr.bytes[2 * i + 1] = (uint8_t)g;
        }
        char ip[INET6_ADDRSTRLEN], want[WS_ENDPOINT_STRLEN], buf[WS_ENDPOINT_STRLEN];
        assert_non_null(inet_ntop(AF_INET6, e.addr.bytes, ip, sizeof ip));
        snprintf(want, sizeof want, "[%s]:%u", ip, k);
        assert_string_equal(ws_format_endpoint(&e, buf, sizeof buf), want);
    }
}

static void test_format_epoch(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(ws_format_epoch(T0, buf, sizeof buf), "1700000000.000000");
    assert_string_equal(ws_format_epoch(T0 + 123456, buf, sizeof buf), "1700000000.123456");
    assert_string_equal(ws_format_epoch(T0 + 100, buf, sizeof buf), "1700000000.000100");
    assert_string_equal(ws_format_epoch(T0 + 1, buf, sizeof buf), "1700000000.000001");
    assert_string_equal(ws_format_epoch(T0 + 999999, buf, sizeof buf), "1700000000.999999");
    assert_string_equal(ws_format_epoch(0, buf, sizeof buf), "0.000000");
    assert_string_equal(ws_format_epoch(INT64_MAX, buf, sizeof buf), "9223372036854.775807");
    /* seconds of every length, with zeros inside and at either end */
    int64_t sec = 1;
    for (int digits = 1; digits <= 13; digits++, sec *= 10) {
        char want[32];
        snprintf(want, sizeof want, "%lld.000000", (long long)sec);
        assert_string_equal(ws_format_epoch(sec * WS_USEC_PER_SEC, buf, sizeof buf), want);
        snprintf(want, sizeof want, "%lld.000000", (long long)(sec * 9 + 1));
        assert_string_equal(ws_format_epoch((sec * 9 + 1) * WS_USEC_PER_SEC, buf, sizeof buf), want);
    }
}

/* A negative time (before 1970) must still be the same number as a decimal:
 * -1 us is -0.000001, not -1.999999 (which is what floor division + "%lld.%06lld"
 * prints).  JSON readers take the text as a number, so this is a wrong value. */
static void test_format_epoch_negative(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(ws_format_epoch(-1500000, buf, sizeof buf), "-1.500000");
    assert_string_equal(ws_format_epoch(-1, buf, sizeof buf), "-0.000001");
}

/* A segment's cause for every combination of the flags it names (others,
 * like PSH, are left out), both directions, with and without a note: spelled
 * the same before ws_reporter_init made the table of them and after. */
static void expected_cause(uint16_t f, enum ws_direction dir, const char *note, char *buf, size_t len)
{
    static const struct { uint16_t bit; const char *name; } order[] = {
        { WS_TCP_SYN, "SYN" }, { WS_TCP_FIN, "FIN" }, { WS_TCP_RST, "RST" }, { WS_TCP_ACK, "ACK" },
    };
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (f & order[i].bit)
            snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? "+" : "", order[i].name);
    snprintf(buf + strlen(buf), len - strlen(buf), "%s%s%s%s", buf[0] ? "" : "no flags",
             dir == WS_DIR_SENT ? " to peer" : " from peer", note ? " (" : "", note ? note : "");
    if (note)
        snprintf(buf + strlen(buf), len - strlen(buf), ")");
}

static void check_segment_causes(void)
{
    struct ws_event ev;
    memset(&ev, 0, sizeof ev);
    ev.cause.kind = WS_CAUSE_SEGMENT;
    for (unsigned f = 0; f < 64; f++)
        for (int dir = 0; dir < 2; dir++)
            for (int noted = 0; noted < 2; noted++) {
                ev.cause.flags = (uint16_t)f;
                ev.cause.dir = dir ? WS_DIR_RCVD : WS_DIR_SENT;
                ev.cause.note = noted ? "retransmitted" : NULL;
                char want[96], got[96];
                expected_cause(ev.cause.flags, ev.cause.dir, ev.cause.note, want, sizeof want);
                assert_string_equal(ws_event_cause_text(&ev, got, sizeof got), want);
            }
}

static void test_segment_cause_every_flag_combination(void **state)
{
    (void)state;
    check_segment_causes();
    struct ws_reporter r;
    ws_reporter_init(&r, stdout, true);
    check_segment_causes();
}

/* ---- text lines ---------------------------------------------------------- */

static void test_reporter_init_defaults(void **state)
{
    (void)state;
    struct ws_reporter r;
    memset(&r, 0xa5, sizeof r);
    ws_reporter_init(&r, stdout, true);
    assert_ptr_equal(r.out, stdout);
    assert_true(r.json);
    assert_false(r.flush_each);
    assert_int_equal(r.names, WS_NAMES_RFC);
    assert_int_equal(r.time_format, WS_TIME_CLOCK);
    assert_false(r.have_first);
    assert_int_equal(r.write_errors, 0);
}

static void test_text_transition_clock(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, false);
    emit(&s, transition(T0 + 1000300));
    assert_string_equal(sink_text(&s),
        "22:13:21.000300 192.0.2.1:40000 client FIN_WAIT_1 -> FIN_WAIT_2  ACK from peer "
        "(peer 192.0.2.10:8080, flow 3)\n");
    sink_close(&s);
}

static void test_text_transition_midstream_server(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, false);
    s.r.time_format = WS_TIME_NONE;
    struct ws_event ev = transition(T0);
    ev.endpoint = ep4(192, 0, 2, 10, 8080);
    ev.peer = ep4(192, 0, 2, 1, 40000);
    ev.role = WS_ROLE_SERVER;
    ev.from = WS_NONE;
    ev.to = WS_ESTABLISHED;
    ev.midstream = true;
    snprintf(ev.text, sizeof ev.text, "data from peer");
    emit(&s, ev);
    assert_string_equal(sink_text(&s),
        "192.0.2.10:8080 server UNKNOWN -> ESTABLISHED  data from peer "
        "(peer 192.0.2.1:40000, flow 3, midstream)\n");
    sink_close(&s);
}

static void test_text_half_closed(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, false);
    emit(&s, half_closed(T0 + 61000300));
    assert_string_equal(sink_text(&s),
        "22:14:21.000300 192.0.2.10:8080 server half_closed CLOSE_WAIT for 60s "
        "(peer 192.0.2.1:40000, flow 3)\n");
    sink_close(&s);
}

static void test_text_anomaly_with_flow(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, false);
    s.r.time_format = WS_TIME_EPOCH;
    emit(&s, anomaly(T0 + 5, 5));
    assert_string_equal(sink_text(&s),
        "1700000000.000005 192.0.2.1:40000 client anomaly rst_out_of_window: "
        "RST seq 123 outside [1001, 1101] (peer 192.0.2.10:8080, flow 5)\n");
    sink_close(&s);
}

static void test_text_anomaly_without_flow(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, false);
    s.r.time_format = WS_TIME_EPOCH;
    struct ws_event ev = anomaly(T0, 0);
    ev.role = WS_ROLE_SERVER;   /* must be ignored: no flow, no role */
    ev.kind = "invalid_flags";
    snprintf(ev.text, sizeof ev.text, "SYN+FIN");
    emit(&s, ev);
    assert_string_equal(sink_text(&s),
        "1700000000.000000 192.0.2.1:40000 - anomaly invalid_flags: SYN+FIN "
        "(peer 192.0.2.10:8080, no flow)\n");
    sink_close(&s);
}

static void test_text_expired(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, false);
    s.r.time_format = WS_TIME_NONE;
    emit(&s, expired(T0, "idle"));
    struct ws_event ev = expired(T0, "evicted");
    ev.midstream = false;
    emit(&s, ev);
    assert_string_equal(sink_text(&s),
        "192.0.2.1:40000 client expired idle: client ESTABLISHED, server CLOSE_WAIT "
        "(peer 192.0.2.10:8080, flow 9, midstream)\n"
        "192.0.2.1:40000 client expired evicted: client ESTABLISHED, server CLOSE_WAIT "
        "(peer 192.0.2.10:8080, flow 9)\n");
    sink_close(&s);
}

static void test_text_ipv6(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, false);
    s.r.time_format = WS_TIME_NONE;
    struct ws_event ev = transition(T0);
    ev.endpoint = ep6("2001:db8::1", 443);
    ev.peer = ep6("2001:db8::2", 50000);
    ev.role = WS_ROLE_SERVER;
    ev.from = WS_LISTEN;
    ev.to = WS_SYN_RECEIVED;
    snprintf(ev.text, sizeof ev.text, "SYN+ACK to peer");
    emit(&s, ev);
    assert_string_equal(sink_text(&s),
        "[2001:db8::1]:443 server LISTEN -> SYN_RECEIVED  SYN+ACK to peer "
        "(peer [2001:db8::2]:50000, flow 3)\n");
    sink_close(&s);
}

/* The five -t variants on the same four events: T0, +2.5 s, +100 us, +1 h 2 m 2.499901 s. */
static const int64_t times4[4] = { T0, T0 + 2500000, T0 + 2500100, T0 + 3725000001LL };

static void check_time_format(enum ws_time_format fmt, const char *const want[4])
{
    struct sink s;
    sink_open(&s, false);
    s.r.time_format = fmt;
    for (int i = 0; i < 4; i++) {
        sink_reset(&s);
        emit(&s, transition(times4[i]));
        char line[256];
        snprintf(line, sizeof line,
                 "%s192.0.2.1:40000 client FIN_WAIT_1 -> FIN_WAIT_2  ACK from peer "
                 "(peer 192.0.2.10:8080, flow 3)\n", want[i]);
        assert_string_equal(sink_text(&s), line);
    }
    sink_close(&s);
}

static void test_text_time_none(void **state)
{
    (void)state;
    static const char *const want[4] = { "", "", "", "" };
    check_time_format(WS_TIME_NONE, want);
}

static void test_text_time_clock(void **state)
{
    (void)state;
    static const char *const want[4] = { "22:13:20.000000 ", "22:13:22.500000 ",
                                         "22:13:22.500100 ", "23:15:25.000001 " };
    check_time_format(WS_TIME_CLOCK, want);
}

static void test_text_time_epoch(void **state)
{
    (void)state;
    static const char *const want[4] = { "1700000000.000000 ", "1700000002.500000 ",
                                         "1700000002.500100 ", "1700003725.000001 " };
    check_time_format(WS_TIME_EPOCH, want);
}

static void test_text_time_delta(void **state)
{
    (void)state;
    static const char *const want[4] = { "00:00:00.000000 ", "00:00:02.500000 ",
                                         "00:00:00.000100 ", "01:02:02.499901 " };
    check_time_format(WS_TIME_DELTA, want);
}

static void test_text_time_date(void **state)
{
    (void)state;
    static const char *const want[4] = { "2023-11-14 22:13:20.000000 ", "2023-11-14 22:13:22.500000 ",
                                         "2023-11-14 22:13:22.500100 ", "2023-11-14 23:15:25.000001 " };
    check_time_format(WS_TIME_DATE, want);
}

static void test_text_time_since_first(void **state)
{
    (void)state;
    static const char *const want[4] = { "00:00:00.000000 ", "00:00:02.500000 ",
                                         "00:00:02.500100 ", "01:02:05.000001 " };
    check_time_format(WS_TIME_SINCE_FIRST, want);
}

/* Every event type advances the delta reference, not only transitions. */
static void test_text_delta_across_event_types(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, false);
    s.r.time_format = WS_TIME_DELTA;
    emit(&s, transition(T0));
    emit(&s, anomaly(T0 + 250000, 0));
    emit(&s, half_closed(T0 + 60250000));
    emit(&s, expired(T0 + 60250000, "idle"));
    assert_string_equal(sink_text(&s),
        "00:00:00.000000 192.0.2.1:40000 client FIN_WAIT_1 -> FIN_WAIT_2  ACK from peer "
        "(peer 192.0.2.10:8080, flow 3)\n"
        "00:00:00.250000 192.0.2.1:40000 - anomaly rst_out_of_window: RST seq 123 outside "
        "[1001, 1101] (peer 192.0.2.10:8080, no flow)\n"
        "00:01:00.000000 192.0.2.10:8080 server half_closed CLOSE_WAIT for 60s "
        "(peer 192.0.2.1:40000, flow 3)\n"
        "00:00:00.000000 192.0.2.1:40000 client expired idle: client ESTABLISHED, "
        "server CLOSE_WAIT (peer 192.0.2.10:8080, flow 9, midstream)\n");
    sink_close(&s);
}

/* tcpdump -ttt prints a negative delta with a leading '-' (an out-of-order
 * timestamp); the reporter's floor division prints "00:00:-1.500000" instead. */
static void test_text_time_delta_negative(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, false);
    s.r.time_format = WS_TIME_DELTA;
    emit(&s, transition(T0 + 1000000));
    sink_reset(&s);
    emit(&s, transition(T0 + 500000));
    char got[256];
    snprintf(got, sizeof got, "%s", sink_text(&s));
    sink_close(&s);   /* before asserting: a failure must not leak the stream */
    assert_string_equal(got,
        "-00:00:00.500000 192.0.2.1:40000 client FIN_WAIT_1 -> FIN_WAIT_2  ACK from peer "
        "(peer 192.0.2.10:8080, flow 3)\n");
}

static void test_text_netstat_names(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, false);
    s.r.time_format = WS_TIME_NONE;
    s.r.names = WS_NAMES_NETSTAT;
    struct ws_event ev = transition(T0);
    ev.from = WS_LISTEN;
    ev.to = WS_SYN_RECEIVED;
    emit(&s, ev);
    ev.from = WS_ESTABLISHED;
    ev.to = WS_FIN_WAIT_1;
    emit(&s, ev);
    ev.from = WS_FIN_WAIT_1;
    ev.to = WS_FIN_WAIT_2;
    emit(&s, ev);
    ev.from = WS_LAST_ACK;
    ev.to = WS_CLOSED;
    emit(&s, ev);
    struct ws_event hc = half_closed(T0);
    hc.to = WS_FIN_WAIT_2;
    emit(&s, hc);
    struct ws_event ex = expired(T0, "idle");
    ex.from = WS_FIN_WAIT_2;
    ex.to = WS_CLOSED;
    emit(&s, ex);
    assert_string_equal(sink_text(&s),
        "192.0.2.1:40000 client LISTEN -> SYN_RECV  ACK from peer (peer 192.0.2.10:8080, flow 3)\n"
        "192.0.2.1:40000 client ESTABLISHED -> FIN_WAIT1  ACK from peer (peer 192.0.2.10:8080, flow 3)\n"
        "192.0.2.1:40000 client FIN_WAIT1 -> FIN_WAIT2  ACK from peer (peer 192.0.2.10:8080, flow 3)\n"
        "192.0.2.1:40000 client LAST_ACK -> CLOSE  ACK from peer (peer 192.0.2.10:8080, flow 3)\n"
        "192.0.2.10:8080 server half_closed FIN_WAIT2 for 60s (peer 192.0.2.1:40000, flow 3)\n"
        "192.0.2.1:40000 client expired idle: client FIN_WAIT2, server CLOSE "
        "(peer 192.0.2.10:8080, flow 9, midstream)\n");
    sink_close(&s);
}

/* ---- text times kept per second and flow records ------------------------- */

/* The line for each time in turn, time text only (what precedes the endpoint). */
static void check_time_texts(struct sink *s, const int64_t *ts, const char *const *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sink_reset(s);
        emit(s, transition(ts[i]));
        char line[256];
        snprintf(line, sizeof line,
                 "%s192.0.2.1:40000 client FIN_WAIT_1 -> FIN_WAIT_2  ACK from peer "
                 "(peer 192.0.2.10:8080, flow 3)\n", want[i]);
        assert_string_equal(sink_text(s), line);
    }
}

/* The clock's whole seconds are made once per second and kept: the last
 * microsecond of a second, the next second, and a time back in the first
 * again each get their own second, never the kept one. */
static void test_text_clock_second_boundary(void **state)
{
    (void)state;
    static const int64_t ts[] = { T0 + 999999, T0 + 1000000, T0 + 1000001, T0 + 999998,
                                  T0 + 61000000, T0 + 3600000000LL, T0 + 999999 };
    static const char *const want[] = { "22:13:20.999999 ", "22:13:21.000000 ", "22:13:21.000001 ",
                                        "22:13:20.999998 ", "22:14:21.000000 ", "23:13:20.000000 ",
                                        "22:13:20.999999 " };
    struct sink s;
    sink_open(&s, false);
    check_time_texts(&s, ts, want, sizeof ts / sizeof ts[0]);
    sink_close(&s);
}

/* -tttt across midnight: the date changes with the second. */
static void test_text_date_midnight(void **state)
{
    (void)state;
    /* 2023-11-14 23:59:59 UTC */
    static const int64_t ts[] = { 1700006399LL * WS_USEC_PER_SEC + 999999, 1700006400LL * WS_USEC_PER_SEC,
                                  1700006399LL * WS_USEC_PER_SEC };
    static const char *const want[] = { "2023-11-14 23:59:59.999999 ", "2023-11-15 00:00:00.000000 ",
                                        "2023-11-14 23:59:59.000000 " };
    struct sink s;
    sink_open(&s, false);
    s.r.time_format = WS_TIME_DATE;
    check_time_texts(&s, ts, want, sizeof ts / sizeof ts[0]);
    sink_close(&s);
}

/* A kept second belongs to its format: switching formats within one second
 * (the reporter allows it) spells the second again. */
static void test_text_kept_second_follows_format(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, false);
    static const int64_t ts[] = { T0 + 5 };
    check_time_texts(&s, ts, (const char *const[]){ "22:13:20.000005 " }, 1);
    s.r.time_format = WS_TIME_DATE;
    check_time_texts(&s, ts, (const char *const[]){ "2023-11-14 22:13:20.000005 " }, 1);
    s.r.time_format = WS_TIME_SINCE_FIRST;
    check_time_texts(&s, ts, (const char *const[]){ "00:00:00.000000 " }, 1);
    s.r.time_format = WS_TIME_CLOCK;
    check_time_texts(&s, ts, (const char *const[]){ "22:13:20.000005 " }, 1);
    sink_close(&s);
}

/* Before 1970 the clock counts back from midnight: floor seconds, positive
 * microseconds. */
static void test_text_clock_before_1970(void **state)
{
    (void)state;
    static const int64_t ts[] = { 0, -1, -1000000, -1000001, -86400000000LL };
    static const char *const want[] = { "00:00:00.000000 ", "23:59:59.999999 ", "23:59:59.000000 ",
                                        "23:59:58.999999 ", "00:00:00.000000 " };
    struct sink s;
    sink_open(&s, false);
    check_time_texts(&s, ts, want, sizeof ts / sizeof ts[0]);
    sink_close(&s);
}

/* The sign is part of a kept duration: -0.5 s and +0.5 s share the magnitude's
 * second and still print differently; hours take more than two digits. */
static void test_text_delta_kept_second_sign(void **state)
{
    (void)state;
    static const int64_t ts[] = { T0 + 1000000, T0 + 500000, T0 + 1000000, T0 + 1000000 + 360000000000000LL };
    static const char *const want[] = { "00:00:00.000000 ", "-00:00:00.500000 ", "00:00:00.500000 ",
                                        "100000:00:00.000000 " };
    struct sink s;
    sink_open(&s, false);
    s.r.time_format = WS_TIME_DELTA;
    check_time_texts(&s, ts, want, sizeof ts / sizeof ts[0]);
    sink_close(&s);
}

static int restore_utc(void **state)
{
    return setup_utc(state);
}

/* New York falls back at 2023-11-05 06:00:00 UTC: the wall clock repeats an
 * hour, so the text of a second is made from the second, never matched by
 * its look. */
static void test_text_clock_dst_fall_back(void **state)
{
    (void)state;
    setenv("TZ", "America/New_York", 1);
    tzset();
    const int64_t fall = 1699164000LL * WS_USEC_PER_SEC;   /* 06:00:00 UTC */
    const int64_t ts[] = { fall - 500000, fall + 250000, fall + 3600000000LL - 500000, fall + 3600000000LL };
    static const char *const want[] = { "01:59:59.500000 ", "01:00:00.250000 ", "01:59:59.500000 ",
                                        "02:00:00.000000 " };
    struct sink s;
    sink_open(&s, false);
    check_time_texts(&s, ts, want, 4);
    s.r.time_format = WS_TIME_DATE;
    check_time_texts(&s, ts, (const char *const[]){ "2023-11-05 01:59:59.500000 ", "2023-11-05 01:00:00.250000 ",
                                                    "2023-11-05 01:59:59.500000 ", "2023-11-05 02:00:00.000000 " }, 4);
    sink_close(&s);
}

/* Half-closed seconds are signed ("%lld"), to the most negative. */
static void test_text_half_closed_signed_seconds(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, false);
    s.r.time_format = WS_TIME_NONE;
    struct ws_event ev = half_closed(T0);
    ev.seconds = 0;
    emit(&s, ev);
    ev.seconds = -5;
    emit(&s, ev);
    ev.seconds = INT64_MIN;
    emit(&s, ev);
    ev.seconds = INT64_MAX;
    emit(&s, ev);
    assert_string_equal(sink_text(&s),
        "192.0.2.10:8080 server half_closed CLOSE_WAIT for 0s (peer 192.0.2.1:40000, flow 3)\n"
        "192.0.2.10:8080 server half_closed CLOSE_WAIT for -5s (peer 192.0.2.1:40000, flow 3)\n"
        "192.0.2.10:8080 server half_closed CLOSE_WAIT for -9223372036854775808s (peer 192.0.2.1:40000, flow 3)\n"
        "192.0.2.10:8080 server half_closed CLOSE_WAIT for 9223372036854775807s (peer 192.0.2.1:40000, flow 3)\n");
    sink_close(&s);
}

/* Numbers are written straight into the line after their digits are
 * counted: each count from 1 to 20 digits, at both edges (10^k - 1 and
 * 10^k), in a flow id and in a port, against printf. */
static void test_text_numbers_every_length(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, false);
    s.r.time_format = WS_TIME_NONE;
    struct ws_event ev = half_closed(T0);
    char want[256];
    uint64_t power = 1;
    for (int k = 0; k <= 20; k++) {
        uint64_t ids[2] = { power - 1, power };
        for (int i = 0; i < 2; i++) {
            if (k == 0 && i == 0)
                continue;   /* 0 is a flow with no id: "no flow" */
            sink_reset(&s);
            ev.flow_id = k == 20 ? UINT64_MAX - (uint64_t)i : ids[i];
            ev.seconds = (int64_t)(ev.flow_id >> 1);
            ev.endpoint.port = (uint16_t)(k < 5 ? ids[i] : 65535u - (unsigned)i);
            emit(&s, ev);
            snprintf(want, sizeof want,
                     "192.0.2.10:%u server half_closed CLOSE_WAIT for %llds (peer 192.0.2.1:40000, flow %llu)\n",
                     (unsigned)ev.endpoint.port, (long long)ev.seconds, (unsigned long long)ev.flow_id);
            assert_string_equal(sink_text(&s), want);
        }
        if (k < 19)
            power *= 10;
    }
    sink_close(&s);
}

/* A flow record with numbers of every width, zeros inside them and 20-digit
 * counts, on IPv6 and IPv4 ends: shared by the text and JSON tests. */
static struct ws_flow_record flow_record(void)
{
    struct ws_flow_record rec;
    memset(&rec, 0, sizeof rec);
    rec.flow_id = 10000;
    rec.orig = ep6("2001:db8::1", 40000);
    rec.resp = ep4(192, 0, 2, 10, 443);
    rec.start_us = T0;
    rec.end_us = T0 + 100000001;
    rec.resp_packets = 100000000;
    rec.orig_bytes = 1000000000000000009ULL;
    rec.resp_bytes = UINT64_MAX;
    rec.orig_state = WS_TIME_WAIT;
    rec.resp_state = WS_CLOSED;
    rec.reason = WS_END_CLOSED;
    rec.conn_state = "SF";
    snprintf(rec.history, sizeof rec.history, "ShADadFf");
    return rec;
}

static void emit_flow(struct sink *s, const struct ws_flow_record *rec, int64_t ts)
{
    struct ws_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = WS_EV_FLOW;
    ev.ts_us = ts;
    ev.endpoint = rec->orig;
    ev.record = rec;
    ws_report_emit(&s->r, &ev);
}

/* The flow record's text as it was printed with fprintf, the reference. */
static void printf_flow_line(const struct ws_flow_record *f, enum ws_state_names names, char *buf, size_t len)
{
    char orig[WS_ENDPOINT_STRLEN], resp[WS_ENDPOINT_STRLEN], cid[WS_COMMUNITY_ID_STRLEN];
    snprintf(buf, len, "%s orig flow %s %s %s/%s (resp %s, flow %llu, %llu+%llu packets, %llu+%llu bytes, "
                       "%.6fs, %s, %s)\n",
             ws_format_endpoint(&f->orig, orig, sizeof orig), f->conn_state, f->history[0] ? f->history : "-",
             ws_tcp_state_name(f->orig_state, names), ws_tcp_state_name(f->resp_state, names),
             ws_format_endpoint(&f->resp, resp, sizeof resp), (unsigned long long)f->flow_id,
             (unsigned long long)f->orig_packets, (unsigned long long)f->resp_packets,
             (unsigned long long)f->orig_bytes, (unsigned long long)f->resp_bytes,
             (double)(f->end_us - f->start_us) / WS_USEC_PER_SEC, ws_flow_end_name(f->reason),
             ws_community_id_of_endpoints(&f->orig, &f->resp, 0, cid, sizeof cid));
}

/* Flow records show only with --flows; spelled in full, then with netstat
 * names, no history ("-") and IPv4 on both sides. */
static void test_text_flow_record(void **state)
{
    (void)state;
    struct ws_flow_record rec = flow_record();
    struct sink s;
    sink_open(&s, false);
    s.r.time_format = WS_TIME_NONE;
    emit_flow(&s, &rec, T0 + 160000000);
    const char *none = sink_text(&s);
    assert_true(none == NULL || none[0] == '\0');
    s.r.text_flows = true;
    s.r.time_format = WS_TIME_EPOCH;
    emit_flow(&s, &rec, T0 + 160000000);
    char cid[WS_COMMUNITY_ID_STRLEN], want[1024];
    ws_community_id_of_endpoints(&rec.orig, &rec.resp, 0, cid, sizeof cid);
    snprintf(want, sizeof want,
        "1700000160.000000 [2001:db8::1]:40000 orig flow SF ShADadFf TIME_WAIT/CLOSED (resp 192.0.2.10:443, "
        "flow 10000, 0+100000000 packets, 1000000000000000009+18446744073709551615 bytes, 100.000001s, "
        "closed, %s)\n", cid);
    assert_string_equal(sink_text(&s), want);

    sink_reset(&s);
    s.r.time_format = WS_TIME_NONE;
    s.r.names = WS_NAMES_NETSTAT;
    rec.orig = ep4(10, 0, 0, 1, 1);
    rec.history[0] = '\0';
    rec.conn_state = "OTH";
    rec.orig_state = WS_SYN_RECEIVED;
    rec.resp_state = WS_FIN_WAIT_2;
    rec.midstream = true;
    rec.reason = WS_END_STRAY;
    emit_flow(&s, &rec, T0);
    printf_flow_line(&rec, WS_NAMES_NETSTAT, want, sizeof want);
    assert_string_equal(sink_text(&s), want);
    assert_non_null(strstr(want, " OTH - SYN_RECV/FIN_WAIT2 (resp "));
    sink_close(&s);
}

/* Fields the tracker always fills, which a reporter still must not trust:
 * a missing anomaly kind is "-" in text and null in JSON; a missing Zeek
 * conn_state is "-" in both, Zeek's own mark for an unset field.  Never a
 * crash. */
static void test_missing_strings_text_and_json(void **state)
{
    (void)state;
    struct sink s;
    struct ws_event ev = anomaly(T0, 0);
    ev.kind = NULL;
    snprintf(ev.text, sizeof ev.text, "SYN+FIN");
    struct ws_flow_record rec = flow_record();
    rec.conn_state = NULL;

    sink_open(&s, false);
    s.r.time_format = WS_TIME_NONE;
    s.r.text_flows = true;
    emit(&s, ev);
    emit_flow(&s, &rec, T0);
    assert_non_null(strstr(sink_text(&s), "192.0.2.1:40000 - anomaly -: SYN+FIN (peer 192.0.2.10:8080, no flow)\n"));
    assert_non_null(strstr(sink_text(&s), " orig flow - ShADadFf TIME_WAIT/CLOSED (resp "));
    sink_close(&s);

    sink_open(&s, true);
    emit(&s, ev);
    emit_flow(&s, &rec, T0);
    assert_non_null(strstr(sink_text(&s), "\"kind\":null,\"detail\":\"SYN+FIN\"}\n"));
    assert_non_null(strstr(sink_text(&s), "\"conn_state\":\"-\",\"history\":\"ShADadFf\""));
    sink_close(&s);
}

/* A duration is "%.6f" of a double, exactly as before: zero, negative ones
 * (a record never has them, the text still must), either side of 2^32 s
 * where the reporter stops printing the microseconds itself, and a sweep of
 * magnitudes from microseconds to centuries. */
static void check_flow_duration(struct sink *s, struct ws_flow_record *rec, int64_t start, int64_t end)
{
    rec->start_us = start;
    rec->end_us = end;
    sink_reset(s);
    emit_flow(s, rec, T0);
    char want[1024];
    printf_flow_line(rec, WS_NAMES_RFC, want, sizeof want);
    assert_string_equal(sink_text(s), want);
}

static void test_text_flow_duration_as_printf(void **state)
{
    (void)state;
    struct ws_flow_record rec = flow_record();
    struct sink s;
    sink_open(&s, false);
    s.r.text_flows = true;
    s.r.time_format = WS_TIME_NONE;
    const int64_t limit = WS_USEC_PER_SEC << 32;
    static const int64_t durations[] = { 0, 1, -1, 999999, -999999, 1000000, -1500000, 86399999999LL };
    for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++)
        check_flow_duration(&s, &rec, T0, T0 + durations[i]);
    for (int64_t d = -3; d <= 3; d++) {
        check_flow_duration(&s, &rec, 0, limit + d);
        check_flow_duration(&s, &rec, 0, -limit + d);
        check_flow_duration(&s, &rec, 0, 2 * limit + d);
    }
    check_flow_duration(&s, &rec, 0, INT64_MAX);
    check_flow_duration(&s, &rec, -1, INT64_MAX - 1);
    check_flow_duration(&s, &rec, 0, INT64_MIN + 1);
    uint64_t rng = 0x243f6a8885a308d3ULL;
    for (int i = 0; i < 20000; i++) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        int64_t d = (int64_t)(rng >> (8 + rng % 56));   /* 2^0 to 2^56 us: up to 2000 years */
        check_flow_duration(&s, &rec, 0, i & 1 ? -d : d);
    }
    sink_close(&s);
}

/* ws_report_capture_stats' text line starts with the same time as events,
 * through ws_report_time_prefix, and advances -ttt's reference as they do. */
static void test_text_capture_stats(void **state)
{
    (void)state;
    struct ws_summary sum;
    struct ws_tracker_stats st;
    memset(&st, 0, sizeof st);
    memset(&sum, 0, sizeof sum);
    sum.tracker = &st;
    sum.ts_us = T0 + 2000123;
    sum.packets = 25;
    sum.kernel_received = 1000;
    sum.kernel_dropped = 12;
    sum.interface_dropped = 13;
    sum.flows_in_table = 7;
    struct sink s;
    sink_open(&s, false);
    ws_report_capture_stats(&s.r, &sum);
    s.r.time_format = WS_TIME_DELTA;
    emit(&s, transition(T0 + 2500123));
    sum.ts_us = T0 + 2600123;
    ws_report_capture_stats(&s.r, &sum);
    assert_string_equal(sink_text(&s),
        "22:13:22.000123 capture_stats 25 packets, 1000 received by filter, 12 dropped by kernel, "
        "13 dropped by interface, 7 flows tracked\n"
        "00:00:00.500000 192.0.2.1:40000 client FIN_WAIT_1 -> FIN_WAIT_2  ACK from peer "
        "(peer 192.0.2.10:8080, flow 3)\n"
        "00:00:00.100000 capture_stats 25 packets, 1000 received by filter, 12 dropped by kernel, "
        "13 dropped by interface, 7 flows tracked\n");
    sink_close(&s);
}

/* ---- JSON Lines ---------------------------------------------------------- */

static void test_json_transition(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, true);
    struct ws_event ev = transition(1700000000123456LL);
    ev.from = WS_SYN_SENT;
    ev.to = WS_ESTABLISHED;
    ev.flow_id = 17;
    snprintf(ev.text, sizeof ev.text, "SYN+ACK from peer");
    emit(&s, ev);
    ev.ts_us = T0 + 100;      /* small microseconds keep their leading zeros */
    ev.midstream = true;
    emit(&s, ev);
    assert_string_equal(sink_text(&s),
        "{\"ts\":1700000000.123456,\"type\":\"transition\",\"flow\":17,\"endpoint\":\"192.0.2.1:40000\","
        "\"peer\":\"192.0.2.10:8080\",\"role\":\"client\",\"from\":\"SYN_SENT\",\"to\":\"ESTABLISHED\","
        "\"cause\":\"SYN+ACK from peer\",\"midstream\":false}\n"
        "{\"ts\":1700000000.000100,\"type\":\"transition\",\"flow\":17,\"endpoint\":\"192.0.2.1:40000\","
        "\"peer\":\"192.0.2.10:8080\",\"role\":\"client\",\"from\":\"SYN_SENT\",\"to\":\"ESTABLISHED\","
        "\"cause\":\"SYN+ACK from peer\",\"midstream\":true}\n");
    sink_close(&s);
}

/* A state out of range is spelled INVALID, as the text output does. */
static void test_json_invalid_state(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, true);
    struct ws_event ev = transition(T0);
    ev.from = (enum ws_tcp_state)WS_STATE_COUNT;
    emit(&s, ev);
    assert_non_null(strstr(sink_text(&s), ",\"from\":\"INVALID\",\"to\":\"FIN_WAIT_2\","));
    sink_close(&s);
}

/* A mid-stream endpoint's from is UNKNOWN; ts 0 is "0.000000". */
static void test_json_unknown_from_zero_ts(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, true);
    struct ws_event ev = transition(0);
    ev.from = WS_NONE;
    ev.to = WS_ESTABLISHED;
    ev.role = WS_ROLE_SERVER;
    ev.midstream = true;
    emit(&s, ev);
    assert_string_equal(sink_text(&s),
        "{\"ts\":0.000000,\"type\":\"transition\",\"flow\":3,\"endpoint\":\"192.0.2.1:40000\","
        "\"peer\":\"192.0.2.10:8080\",\"role\":\"server\",\"from\":\"UNKNOWN\",\"to\":\"ESTABLISHED\","
        "\"cause\":\"ACK from peer\",\"midstream\":true}\n");
    sink_close(&s);
}

static void test_json_half_closed(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, true);
    emit(&s, half_closed(T0 + 61000300));
    assert_string_equal(sink_text(&s),
        "{\"ts\":1700000061.000300,\"type\":\"half_closed\",\"flow\":3,\"endpoint\":\"192.0.2.10:8080\","
        "\"peer\":\"192.0.2.1:40000\",\"role\":\"server\",\"state\":\"CLOSE_WAIT\",\"seconds\":60}\n");
    sink_close(&s);
}

static void test_json_anomaly_with_flow(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, true);
    emit(&s, anomaly(T0 + 999999, 5));
    assert_string_equal(sink_text(&s),
        "{\"ts\":1700000000.999999,\"type\":\"anomaly\",\"flow\":5,\"endpoint\":\"192.0.2.1:40000\","
        "\"peer\":\"192.0.2.10:8080\",\"role\":\"client\",\"kind\":\"rst_out_of_window\","
        "\"detail\":\"RST seq 123 outside [1001, 1101]\"}\n");
    sink_close(&s);
}

/* A line longer than the line buffer (1024 bytes) is cut there, never
 * overrun: here a kind and a detail of control characters, each escaped to six. */
static void test_json_overlong_line_is_cut(void **state)
{
    (void)state;
    char kind[96];
    memset(kind, '\x01', sizeof kind - 1);
    kind[sizeof kind - 1] = '\0';
    struct ws_event ev = anomaly(T0, 5);
    ev.kind = kind;
    memset(ev.text, '\x02', sizeof ev.text - 1);
    ev.text[sizeof ev.text - 1] = '\0';
    struct sink s;
    sink_open(&s, true);
    emit(&s, ev);
    const char *out = sink_text(&s);
    const char *head = "{\"ts\":1700000000.000000,\"type\":\"anomaly\",\"flow\":5,\"endpoint\":\"192.0.2.1:40000\","
                       "\"peer\":\"192.0.2.10:8080\",\"role\":\"client\",\"kind\":\"";
    assert_int_equal(s.len, 1024);
    assert_memory_equal(out, head, strlen(head));
    const char *p = out + strlen(head);
    for (int i = 0; i < 95; i++, p += 6)
        assert_memory_equal(p, "\\u0001", 6);
    const char *mid = "\",\"detail\":\"";
    assert_memory_equal(p, mid, strlen(mid));
    for (p += strlen(mid); p + 6 <= out + 1024; p += 6)
        assert_memory_equal(p, "\\u0002", 6);
    assert_memory_equal(p, "\\u0002", (size_t)(out + 1024 - p));   /* cut inside an escape */
    sink_close(&s);
}

static void test_json_anomaly_without_flow(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, true);
    struct ws_event ev = anomaly(T0, 0);
    ev.kind = "invalid_flags";
    snprintf(ev.text, sizeof ev.text, "SYN+RST");
    emit(&s, ev);
    assert_string_equal(sink_text(&s),
        "{\"ts\":1700000000.000000,\"type\":\"anomaly\",\"flow\":null,\"endpoint\":\"192.0.2.1:40000\","
        "\"peer\":\"192.0.2.10:8080\",\"kind\":\"invalid_flags\",\"detail\":\"SYN+RST\"}\n");
    assert_null(strstr(s.buf, "\"role\""));
    sink_close(&s);
}

static void test_json_expired(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, true);
    emit(&s, expired(T0 + 3600000000LL, "idle"));
    struct ws_event ev = expired(T0 + 3600000001LL, "evicted");
    ev.midstream = false;
    emit(&s, ev);
    assert_string_equal(sink_text(&s),
        "{\"ts\":1700003600.000000,\"type\":\"expired\",\"flow\":9,\"endpoint\":\"192.0.2.1:40000\","
        "\"peer\":\"192.0.2.10:8080\",\"role\":\"client\",\"reason\":\"idle\","
        "\"client_state\":\"ESTABLISHED\",\"server_state\":\"CLOSE_WAIT\",\"midstream\":true}\n"
        "{\"ts\":1700003600.000001,\"type\":\"expired\",\"flow\":9,\"endpoint\":\"192.0.2.1:40000\","
        "\"peer\":\"192.0.2.10:8080\",\"role\":\"client\",\"reason\":\"evicted\","
        "\"client_state\":\"ESTABLISHED\",\"server_state\":\"CLOSE_WAIT\",\"midstream\":false}\n");
    sink_close(&s);
}

static void test_json_ipv6(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, true);
    struct ws_event ev = transition(T0);
    ev.endpoint = ep6("2001:db8::1", 443);
    ev.peer = ep6("2001:db8::2", 50000);
    ev.role = WS_ROLE_SERVER;
    ev.from = WS_SYN_RECEIVED;
    ev.to = WS_ESTABLISHED;
    emit(&s, ev);
    assert_string_equal(sink_text(&s),
        "{\"ts\":1700000000.000000,\"type\":\"transition\",\"flow\":3,\"endpoint\":\"[2001:db8::1]:443\","
        "\"peer\":\"[2001:db8::2]:50000\",\"role\":\"server\",\"from\":\"SYN_RECEIVED\","
        "\"to\":\"ESTABLISHED\",\"cause\":\"ACK from peer\",\"midstream\":false}\n");
    sink_close(&s);
}

/* JSON keeps the RFC spelling whatever --names says, and ignores -t. */
/* A flow record, its numbers of every width: digits are written four at a
 * time, so zeros inside a number and 20-digit counts must come out whole. */
static void test_json_flow_record(void **state)
{
    (void)state;
    struct ws_flow_record rec = flow_record();
    struct ws_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = WS_EV_FLOW;
    ev.ts_us = T0 + 160000000;
    ev.record = &rec;
    struct sink s;
    sink_open(&s, true);
    emit(&s, ev);
    /* The Community ID is the reporter's to compute (test_community_id.c checks its values). */
    char cid[WS_COMMUNITY_ID_STRLEN], want[1024];
    ws_community_id_of_endpoints(&rec.orig, &rec.resp, 0, cid, sizeof cid);
    assert_int_equal(strlen(cid), 30);
    snprintf(want, sizeof want,
        "{\"ts\":1700000160.000000,\"type\":\"flow\",\"flow\":10000,\"orig\":\"[2001:db8::1]:40000\","
        "\"resp\":\"192.0.2.10:443\",\"start\":1700000000.000000,\"end\":1700000100.000001,"
        "\"duration\":100.000001,\"orig_packets\":0,\"resp_packets\":100000000,"
        "\"orig_bytes\":1000000000000000009,\"resp_bytes\":18446744073709551615,"
        "\"orig_state\":\"TIME_WAIT\",\"resp_state\":\"CLOSED\",\"midstream\":false,\"conn_state\":\"SF\","
        "\"history\":\"ShADadFf\",\"community_id\":\"%s\",\"reason\":\"closed\"}\n", cid);
    assert_string_equal(sink_text(&s), want);
    sink_close(&s);
}

static void test_json_ignores_names_and_time_format(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, true);
    s.r.names = WS_NAMES_NETSTAT;
    s.r.time_format = WS_TIME_DELTA;
    struct ws_event ev = transition(T0 + 7);
    ev.from = WS_SYN_RECEIVED;
    ev.to = WS_FIN_WAIT_1;
    emit(&s, ev);
    ev.from = WS_FIN_WAIT_1;
    ev.to = WS_CLOSED;
    emit(&s, ev);
    struct ws_event hc = half_closed(T0 + 7);
    hc.to = WS_FIN_WAIT_2;
    emit(&s, hc);
    struct ws_event ex = expired(T0 + 7, "idle");
    ex.from = WS_SYN_RECEIVED;
    ex.to = WS_CLOSED;
    emit(&s, ex);
    assert_string_equal(sink_text(&s),
        "{\"ts\":1700000000.000007,\"type\":\"transition\",\"flow\":3,\"endpoint\":\"192.0.2.1:40000\","
        "\"peer\":\"192.0.2.10:8080\",\"role\":\"client\",\"from\":\"SYN_RECEIVED\",\"to\":\"FIN_WAIT_1\","
        "\"cause\":\"ACK from peer\",\"midstream\":false}\n"
        "{\"ts\":1700000000.000007,\"type\":\"transition\",\"flow\":3,\"endpoint\":\"192.0.2.1:40000\","
        "\"peer\":\"192.0.2.10:8080\",\"role\":\"client\",\"from\":\"FIN_WAIT_1\",\"to\":\"CLOSED\","
        "\"cause\":\"ACK from peer\",\"midstream\":false}\n"
        "{\"ts\":1700000000.000007,\"type\":\"half_closed\",\"flow\":3,\"endpoint\":\"192.0.2.10:8080\","
        "\"peer\":\"192.0.2.1:40000\",\"role\":\"server\",\"state\":\"FIN_WAIT_2\",\"seconds\":60}\n"
        "{\"ts\":1700000000.000007,\"type\":\"expired\",\"flow\":9,\"endpoint\":\"192.0.2.1:40000\","
        "\"peer\":\"192.0.2.10:8080\",\"role\":\"client\",\"reason\":\"idle\","
        "\"client_state\":\"SYN_RECEIVED\",\"server_state\":\"CLOSED\",\"midstream\":true}\n");
    sink_close(&s);
}

static void test_json_escaping(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, true);
    struct ws_event ev = anomaly(T0, 0);
    snprintf(ev.text, sizeof ev.text, "q\"b\\s/t\tn\nr\r%c%c%cend~%c", 0x01, 0x08, 0x1f, 0x7f);
    emit(&s, ev);
    struct ws_event tr = transition(T0);
    snprintf(tr.text, sizeof tr.text, "\"quoted\" \\\\server\\share");
    emit(&s, tr);
    assert_string_equal(sink_text(&s),
        "{\"ts\":1700000000.000000,\"type\":\"anomaly\",\"flow\":null,\"endpoint\":\"192.0.2.1:40000\","
        "\"peer\":\"192.0.2.10:8080\",\"kind\":\"rst_out_of_window\","
        "\"detail\":\"q\\\"b\\\\s/t\\tn\\nr\\u000d\\u0001\\u0008\\u001fend~\x7f\"}\n"
        "{\"ts\":1700000000.000000,\"type\":\"transition\",\"flow\":3,\"endpoint\":\"192.0.2.1:40000\","
        "\"peer\":\"192.0.2.10:8080\",\"role\":\"client\",\"from\":\"FIN_WAIT_1\",\"to\":\"FIN_WAIT_2\","
        "\"cause\":\"\\\"quoted\\\" \\\\\\\\server\\\\share\",\"midstream\":false}\n");
    sink_close(&s);
}

static void test_json_empty_text(void **state)
{
    (void)state;
    struct sink s;
    sink_open(&s, true);
    struct ws_event ev = transition(T0);
    ev.text[0] = '\0';
    emit(&s, ev);
    assert_non_null(strstr(sink_text(&s), ",\"cause\":\"\",\"midstream\":false}\n"));
    sink_close(&s);
}

/* A write error is counted, not fatal: run.c turns it into exit status 1. */
static void test_write_error_counted(void **state)
{
    (void)state;
    FILE *full = fopen("/dev/full", "w");
    if (!full) {
        skip();
        return;
    }
    struct ws_reporter r;
    ws_reporter_init(&r, full, true);
    r.flush_each = true;
    struct ws_event ev = transition(T0);
    ws_report_emit(&r, &ev);
    assert_int_equal(r.write_errors, 1);
    ws_report_emit(&r, &ev);
    assert_int_equal(r.write_errors, 2);
    fclose(full);
}

/* ---- the table ----------------------------------------------------------- */

#define NOW (T0 + 100 * WS_USEC_PER_SEC)

static struct ws_flow *add_flow(struct ws_flow_table *t, struct ws_endpoint e0, struct ws_endpoint e1,
                                uint64_t id, int client)
{
    struct ws_flow_key key;
    memset(&key, 0, sizeof key);
    key.family = e0.addr.family;
    memcpy(key.addr[0], e0.addr.bytes, 16);
    memcpy(key.addr[1], e1.addr.bytes, 16);
    key.port[0] = e0.port;
    key.port[1] = e1.port;
    struct ws_flow *f = ws_flow_insert(t, &key);
    assert_non_null(f);
    f->id = id;
    f->client = (uint8_t)client;
    f->first_ts = f->last_ts = T0;
    return f;
}

static void set_side(struct ws_flow *f, int side, enum ws_tcp_state st, int64_t since)
{
    f->side[side].state = (uint8_t)st;
    f->side[side].state_since = since;
}

/* Inserted in the order 7, 3, 5 so that activity order is not id order.
 * flow 3: server 192.0.2.1:80 is side 0, client 198.51.100.7:50000 side 1, midstream.
 * flow 5: IPv6, the server side never showed itself (WS_NONE): one row only.
 * flow 7: client 192.0.2.1:40000 side 0 in FIN_WAIT_2, server CLOSE_WAIT. */
static void build_table(struct ws_flow_table *t)
{
    assert_true(ws_flow_table_init(t, 16, 12345, true));
    struct ws_flow *f = add_flow(t, ep4(192, 0, 2, 1, 40000), ep4(192, 0, 2, 10, 8080), 7, 0);
    set_side(f, 0, WS_FIN_WAIT_2, NOW - 93200000);
    set_side(f, 1, WS_CLOSE_WAIT, NOW - 94000000);
    f = add_flow(t, ep4(192, 0, 2, 1, 80), ep4(198, 51, 100, 7, 50000), 3, 1);
    set_side(f, 0, WS_ESTABLISHED, NOW - 1500000);
    set_side(f, 1, WS_ESTABLISHED, NOW - 1500000);
    f->midstream = true;
    f = add_flow(t, ep6("2001:db8::1", 443), ep6("2001:db8::2", 50001), 5, 1);
    set_side(f, 0, WS_NONE, 0);
    set_side(f, 1, WS_SYN_SENT, NOW - 2000000);
}

static void test_table_text(void **state)
{
    (void)state;
    struct ws_flow_table t;
    build_table(&t);
    struct sink s;
    sink_open(&s, false);
    ws_report_table(&s.r, &t, NOW);
    assert_string_equal(sink_text(&s),
        "Proto Role   Local Address       Foreign Address     State           Age(s)     Flow\n"
        "tcp   client 198.51.100.7:50000  192.0.2.1:80        ESTABLISHED        1.5        3 midstream\n"
        "tcp   server 192.0.2.1:80        198.51.100.7:50000  ESTABLISHED        1.5        3 midstream\n"
        "tcp6  client [2001:db8::2]:50001 [2001:db8::1]:443   SYN_SENT           2.0        5\n"
        "tcp   client 192.0.2.1:40000     192.0.2.10:8080     FIN_WAIT_2        93.2        7\n"
        "tcp   server 192.0.2.10:8080     192.0.2.1:40000     CLOSE_WAIT        94.0        7\n");
    sink_close(&s);
    ws_flow_table_free(&t);
}

static void test_table_text_netstat(void **state)
{
    (void)state;
    struct ws_flow_table t;
    build_table(&t);
    struct sink s;
    sink_open(&s, false);
    s.r.names = WS_NAMES_NETSTAT;
    ws_report_table(&s.r, &t, NOW);
    assert_non_null(strstr(sink_text(&s),
        "tcp   client 192.0.2.1:40000     192.0.2.10:8080     FIN_WAIT2         93.2        7\n"));
    assert_null(strstr(s.buf, "FIN_WAIT_2"));
    sink_close(&s);
    ws_flow_table_free(&t);
}

static void test_table_json(void **state)
{
    (void)state;
    struct ws_flow_table t;
    build_table(&t);
    struct sink s;
    sink_open(&s, true);
    s.r.names = WS_NAMES_NETSTAT;   /* JSON ignores it */
    ws_report_table(&s.r, &t, NOW);
    assert_string_equal(sink_text(&s),
        "{\"ts\":1700000100.000000,\"type\":\"endpoint\",\"flow\":3,\"endpoint\":\"198.51.100.7:50000\","
        "\"peer\":\"192.0.2.1:80\",\"role\":\"client\",\"state\":\"ESTABLISHED\","
        "\"since\":1700000098.500000,\"age\":1.500000,\"midstream\":true}\n"
        "{\"ts\":1700000100.000000,\"type\":\"endpoint\",\"flow\":3,\"endpoint\":\"192.0.2.1:80\","
        "\"peer\":\"198.51.100.7:50000\",\"role\":\"server\",\"state\":\"ESTABLISHED\","
        "\"since\":1700000098.500000,\"age\":1.500000,\"midstream\":true}\n"
        "{\"ts\":1700000100.000000,\"type\":\"endpoint\",\"flow\":5,\"endpoint\":\"[2001:db8::2]:50001\","
        "\"peer\":\"[2001:db8::1]:443\",\"role\":\"client\",\"state\":\"SYN_SENT\","
        "\"since\":1700000098.000000,\"age\":2.000000,\"midstream\":false}\n"
        "{\"ts\":1700000100.000000,\"type\":\"endpoint\",\"flow\":7,\"endpoint\":\"192.0.2.1:40000\","
        "\"peer\":\"192.0.2.10:8080\",\"role\":\"client\",\"state\":\"FIN_WAIT_2\","
        "\"since\":1700000006.800000,\"age\":93.200000,\"midstream\":false}\n"
        "{\"ts\":1700000100.000000,\"type\":\"endpoint\",\"flow\":7,\"endpoint\":\"192.0.2.10:8080\","
        "\"peer\":\"192.0.2.1:40000\",\"role\":\"server\",\"state\":\"CLOSE_WAIT\","
        "\"since\":1700000006.000000,\"age\":94.000000,\"midstream\":false}\n");
    sink_close(&s);
    ws_flow_table_free(&t);
}

/* An empty table is the header alone (text) or nothing (JSON).  Known bug:
 * report_table.c passes sorted == NULL to qsort when t->count == 0; qsort's
 * base is declared nonnull, so UBSan stops the program here. */
static void test_table_empty(void **state)
{
    (void)state;
    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, 4, 1, true));
    struct sink s;
    sink_open(&s, false);
    ws_report_table(&s.r, &t, NOW);
    assert_string_equal(sink_text(&s),
        "Proto Role   Local Address   Foreign Address State           Age(s)     Flow\n");
    sink_close(&s);
    sink_open(&s, true);
    ws_report_table(&s.r, &t, NOW);
    const char *text = sink_text(&s);
    assert_true(text == NULL || text[0] == '\0');
    sink_close(&s);
    ws_flow_table_free(&t);
}

/* A flow removed from the table is no longer listed, and the rest keep id order. */
static void test_table_after_remove(void **state)
{
    (void)state;
    struct ws_flow_table t;
    build_table(&t);
    struct ws_flow_key key;
    memset(&key, 0, sizeof key);
    key.family = 4;
    memcpy(key.addr[0], (const uint8_t[]){ 192, 0, 2, 1 }, 4);
    memcpy(key.addr[1], (const uint8_t[]){ 198, 51, 100, 7 }, 4);
    key.port[0] = 80;
    key.port[1] = 50000;
    struct ws_flow *f = ws_flow_lookup(&t, &key);
    assert_non_null(f);
    assert_int_equal(f->id, 3);
    ws_flow_remove(&t, f);
    struct sink s;
    sink_open(&s, false);
    s.r.time_format = WS_TIME_NONE;
    ws_report_table(&s.r, &t, NOW);
    const char *text = sink_text(&s);
    assert_null(strstr(text, " 3 midstream"));
    const char *five = strstr(text, "        5\n");
    const char *seven = strstr(text, "        7\n");
    assert_non_null(five);
    assert_non_null(seven);
    assert_true(five < seven);
    sink_close(&s);
    ws_flow_table_free(&t);
}

/* ---- the summary --------------------------------------------------------- */

static void fill_summary(struct ws_summary *s, struct ws_tracker_stats *st, bool live)
{
    memset(st, 0, sizeof *st);
    st->segments = 10;
    st->segments_no_flow = 99;
    st->flows = 4;
    st->transitions = 11;
    st->half_closed = 2;
    st->anomalies = 3;
    st->expired_idle = 5;
    st->evicted = 6;
    st->alloc_failures = 0;
    memset(s, 0, sizeof *s);
    s->ts_us = T0 + 70016000;
    s->packets = 25;
    s->skipped[WS_DECODE_NOT_TCP] = 1;
    s->skipped[WS_DECODE_TRUNCATED] = 2;
    s->skipped[WS_DECODE_BAD_HEADER] = 3;
    s->skipped[WS_DECODE_FRAGMENT] = 4;
    s->skipped[WS_DECODE_UNSUPPORTED_LINK] = 5;
    s->tracker = st;
    s->flows_in_table = 7;
    s->peak_rss_kib = 56832;
    s->live = live;
    s->kernel_received = 1000;
    s->kernel_dropped = 12;
    s->interface_dropped = 13;
}

static void test_summary_text_offline(void **state)
{
    (void)state;
    struct ws_summary sum;
    struct ws_tracker_stats st;
    fill_summary(&sum, &st, false);
    struct sink out, human;
    sink_open(&out, false);
    sink_open(&human, false);
    ws_report_summary(&out.r, &sum, human.f);
    assert_string_equal(sink_text(&human),
        "25 packets read, 10 TCP segments\n"
        "skipped: 1 not TCP, 2 truncated, 3 bad header, 4 non-first fragment, 5 unsupported link type\n"
        "4 flows seen, 7 still tracked, 11 transitions, 2 half-closed, 3 anomalies\n"
        "5 flows expired idle, 6 evicted (table full), peak memory 55.5 MiB\n");
    const char *o = sink_text(&out);
    assert_true(o == NULL || o[0] == '\0');   /* text mode: nothing on stdout */
    sink_close(&out);
    sink_close(&human);
}

static void test_summary_text_live_oom(void **state)
{
    (void)state;
    struct ws_summary sum;
    struct ws_tracker_stats st;
    fill_summary(&sum, &st, true);
    st.alloc_failures = 8;
    struct sink out, human;
    sink_open(&out, false);
    sink_open(&human, false);
    ws_report_summary(&out.r, &sum, human.f);
    assert_string_equal(sink_text(&human),
        "25 packets read, 10 TCP segments\n"
        "skipped: 1 not TCP, 2 truncated, 3 bad header, 4 non-first fragment, 5 unsupported link type\n"
        "4 flows seen, 7 still tracked, 11 transitions, 2 half-closed, 3 anomalies\n"
        "5 flows expired idle, 6 evicted (table full), peak memory 55.5 MiB, 8 not tracked (out of memory)\n"
        "1000 packets received by filter, 12 dropped by kernel, 13 dropped by interface\n");
    sink_close(&out);
    sink_close(&human);
}

static void test_summary_json_offline(void **state)
{
    (void)state;
    struct ws_summary sum;
    struct ws_tracker_stats st;
    fill_summary(&sum, &st, false);
    struct sink out, human;
    sink_open(&out, true);
    sink_open(&human, false);
    ws_report_summary(&out.r, &sum, human.f);
    assert_string_equal(sink_text(&out),
        "{\"ts\":1700000070.016000,\"type\":\"summary\",\"packets\":25,\"tcp_segments\":10,"
        "\"skipped\":{\"not_tcp\":1,\"truncated\":2,\"bad_header\":3,\"fragment\":4,\"unsupported_link\":5},"
        "\"flows\":4,\"flows_tracked\":7,\"transitions\":11,\"half_closed\":2,\"anomalies\":3,"
        "\"expired\":5,\"evicted\":6,\"untracked_no_memory\":0,\"peak_rss_kib\":56832}\n");
    assert_null(strstr(out.buf, "kernel"));
    /* the human lines still go to their own stream */
    assert_non_null(strstr(sink_text(&human), "25 packets read, 10 TCP segments\n"));
    sink_close(&out);
    sink_close(&human);
}

static void test_summary_json_live_quiet(void **state)
{
    (void)state;
    struct ws_summary sum;
    struct ws_tracker_stats st;
    fill_summary(&sum, &st, true);
    st.alloc_failures = 8;
    struct sink out;
    sink_open(&out, true);
    ws_report_summary(&out.r, &sum, NULL);   /* -q: no human summary at all */
    assert_string_equal(sink_text(&out),
        "{\"ts\":1700000070.016000,\"type\":\"summary\",\"packets\":25,\"tcp_segments\":10,"
        "\"skipped\":{\"not_tcp\":1,\"truncated\":2,\"bad_header\":3,\"fragment\":4,\"unsupported_link\":5},"
        "\"flows\":4,\"flows_tracked\":7,\"transitions\":11,\"half_closed\":2,\"anomalies\":3,"
        "\"expired\":5,\"evicted\":6,\"untracked_no_memory\":8,\"peak_rss_kib\":56832,"
        "\"kernel\":{\"received\":1000,\"dropped\":12,\"interface_dropped\":13}}\n");
    sink_close(&out);
}

static void test_summary_text_quiet_writes_nothing(void **state)
{
    (void)state;
    struct ws_summary sum;
    struct ws_tracker_stats st;
    fill_summary(&sum, &st, true);
    struct sink out;
    sink_open(&out, false);
    ws_report_summary(&out.r, &sum, NULL);
    const char *o = sink_text(&out);
    assert_true(o == NULL || o[0] == '\0');
    sink_close(&out);
}

static void test_summary_large_counters(void **state)
{
    (void)state;
    struct ws_summary sum;
    struct ws_tracker_stats st;
    fill_summary(&sum, &st, false);
    sum.packets = UINT64_MAX;
    st.segments = UINT64_MAX - 1;
    struct sink out;
    sink_open(&out, true);
    ws_report_summary(&out.r, &sum, NULL);
    assert_non_null(strstr(sink_text(&out),
        "\"packets\":18446744073709551615,\"tcp_segments\":18446744073709551614,"));
    sink_close(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* first: before any reporter is made, causes are spelled without the table */
        cmocka_unit_test(test_segment_cause_every_flag_combination),
        cmocka_unit_test(test_format_endpoint),
        cmocka_unit_test(test_format_ipv4_every_octet),
        cmocka_unit_test(test_format_ipv6_rfc5952),
        cmocka_unit_test(test_format_ipv6_matches_inet_ntop),
        cmocka_unit_test(test_format_epoch),
        cmocka_unit_test(test_format_epoch_negative),
        cmocka_unit_test(test_reporter_init_defaults),
        cmocka_unit_test(test_text_transition_clock),
        cmocka_unit_test(test_text_transition_midstream_server),
        cmocka_unit_test(test_text_half_closed),
        cmocka_unit_test(test_text_anomaly_with_flow),
        cmocka_unit_test(test_text_anomaly_without_flow),
        cmocka_unit_test(test_text_expired),
        cmocka_unit_test(test_text_ipv6),
        cmocka_unit_test(test_text_time_none),
        cmocka_unit_test(test_text_time_clock),
        cmocka_unit_test(test_text_time_epoch),
        cmocka_unit_test(test_text_time_delta),
        cmocka_unit_test(test_text_time_date),
        cmocka_unit_test(test_text_time_since_first),
        cmocka_unit_test(test_text_delta_across_event_types),
        cmocka_unit_test(test_text_time_delta_negative),
        cmocka_unit_test(test_text_netstat_names),
        cmocka_unit_test(test_text_clock_second_boundary),
        cmocka_unit_test(test_text_date_midnight),
        cmocka_unit_test(test_text_kept_second_follows_format),
        cmocka_unit_test(test_text_clock_before_1970),
        cmocka_unit_test(test_text_delta_kept_second_sign),
        cmocka_unit_test_teardown(test_text_clock_dst_fall_back, restore_utc),
        cmocka_unit_test(test_text_half_closed_signed_seconds),
        cmocka_unit_test(test_text_numbers_every_length),
        cmocka_unit_test(test_text_flow_record),
        cmocka_unit_test(test_missing_strings_text_and_json),
        cmocka_unit_test(test_text_flow_duration_as_printf),
        cmocka_unit_test(test_text_capture_stats),
        cmocka_unit_test(test_json_transition),
        cmocka_unit_test(test_json_unknown_from_zero_ts),
        cmocka_unit_test(test_json_invalid_state),
        cmocka_unit_test(test_json_half_closed),
        cmocka_unit_test(test_json_anomaly_with_flow),
        cmocka_unit_test(test_json_anomaly_without_flow),
        cmocka_unit_test(test_json_overlong_line_is_cut),
        cmocka_unit_test(test_json_expired),
        cmocka_unit_test(test_json_ipv6),
        cmocka_unit_test(test_json_flow_record),
        cmocka_unit_test(test_json_ignores_names_and_time_format),
        cmocka_unit_test(test_json_escaping),
        cmocka_unit_test(test_json_empty_text),
        cmocka_unit_test(test_write_error_counted),
        cmocka_unit_test(test_table_text),
        cmocka_unit_test(test_table_text_netstat),
        cmocka_unit_test(test_table_json),
        cmocka_unit_test(test_table_after_remove),
        cmocka_unit_test(test_summary_text_offline),
        cmocka_unit_test(test_summary_text_live_oom),
        cmocka_unit_test(test_summary_json_offline),
        cmocka_unit_test(test_summary_json_live_quiet),
        cmocka_unit_test(test_summary_text_quiet_writes_nothing),
        cmocka_unit_test(test_summary_large_counters),
        /* last: with an empty table ws_report_table calls qsort(NULL, 0, ...), which
         * UBSan (WS_SANITIZE=ON) aborts on; the tests above still run first */
        cmocka_unit_test(test_table_empty),
    };
    return cmocka_run_group_tests_name("report", tests, setup_utc, NULL);
}
