/* test_tracker.c - the tracker end to end on hand-built segments: transitions
 * and their causes, special cases, timers, eviction and the memory bound. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirestate/community_id.h"
#include "wirestate/config.h"
#include "wirestate/tracker.h"

#define MAX_EVENTS 256

struct recorder {
    struct ws_event ev[MAX_EVENTS];
    struct ws_flow_record records[MAX_EVENTS];   /* flow records outlive emit() only as copies */
    int n;
};

static void record(void *ctx, const struct ws_event *ev)
{
    struct recorder *r = ctx;
    if (r->n < MAX_EVENTS) {
        r->ev[r->n] = *ev;
        if (ev->record) {
            r->records[r->n] = *ev->record;
            r->ev[r->n].record = &r->records[r->n];
        }
    }
    r->n++;
}

struct fixture {
    struct ws_tracker tr;
    struct recorder rec;
};

static struct fixture *fx_new(size_t max_flows)
{
    struct fixture *fx = test_calloc(1, sizeof *fx);
    struct ws_tracker_config cfg;
    ws_tracker_config_defaults(&cfg);
    cfg.max_flows = max_flows;
    assert_true(ws_tracker_init(&fx->tr, &cfg, (struct ws_sink){ record, &fx->rec }));
    return fx;
}

static void fx_free(struct fixture *fx)
{
    ws_tracker_free(&fx->tr);
    test_free(fx);
}

/* Client 192.0.2.1:40000, server 192.0.2.2:80. */
static struct ws_segment seg(bool from_client, int64_t t_ms, uint16_t flags, uint32_t seq,
                             uint32_t ack, uint32_t len)
{
    struct ws_segment s;
    memset(&s, 0, sizeof s);
    s.ts_us = 1700000000LL * WS_USEC_PER_SEC + t_ms * 1000;
    struct ws_addr c = { .family = 4, .bytes = { 192, 0, 2, 1 } };
    struct ws_addr v = { .family = 4, .bytes = { 192, 0, 2, 2 } };
    s.src = from_client ? c : v;
    s.dst = from_client ? v : c;
    s.sport = from_client ? 40000 : 80;
    s.dport = from_client ? 80 : 40000;
    s.flags = flags;
    s.seq = seq;
    s.ack = ack;
    s.payload_len = len;
    s.window = 65535;
    s.has_window = true;
    return s;
}

static void feed(struct fixture *fx, struct ws_segment s) { ws_tracker_segment(&fx->tr, &s); }

enum { A = WS_TCP_ACK, S = WS_TCP_SYN, F = WS_TCP_FIN, R = WS_TCP_RST };
#define CISN 1000u
#define SISN 5000u

static void handshake(struct fixture *fx)
{
    feed(fx, seg(true, 0, S, CISN, 0, 0));
    feed(fx, seg(false, 1, S | A, SISN, CISN + 1, 0));
    feed(fx, seg(true, 2, A, CISN + 1, SISN + 1, 0));
}

static void expect_transition(const struct fixture *fx, int i, uint16_t port, enum ws_tcp_state from,
                              enum ws_tcp_state to, const char *cause)
{
    assert_true(i < fx->rec.n);
    const struct ws_event *e = &fx->rec.ev[i];
    assert_int_equal(e->type, WS_EV_TRANSITION);
    assert_int_equal(e->endpoint.port, port);
    assert_string_equal(ws_tcp_state_name(e->from, WS_NAMES_RFC), ws_tcp_state_name(from, WS_NAMES_RFC));
    assert_string_equal(ws_tcp_state_name(e->to, WS_NAMES_RFC), ws_tcp_state_name(to, WS_NAMES_RFC));
    if (cause) {
        char text[128];
        assert_string_equal(ws_event_cause_text(e, text, sizeof text), cause);
    }
}

static void test_handshake_roles_and_causes(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(16);
    handshake(fx);
    assert_int_equal(fx->rec.n, 4);
    expect_transition(fx, 0, 40000, WS_CLOSED, WS_SYN_SENT, "SYN to peer");
    expect_transition(fx, 1, 80, WS_LISTEN, WS_SYN_RECEIVED, "SYN+ACK to peer");
    expect_transition(fx, 2, 40000, WS_SYN_SENT, WS_ESTABLISHED, "SYN+ACK from peer");
    expect_transition(fx, 3, 80, WS_SYN_RECEIVED, WS_ESTABLISHED, "ACK from peer");
    assert_int_equal(fx->rec.ev[0].role, WS_ROLE_CLIENT);
    assert_int_equal(fx->rec.ev[1].role, WS_ROLE_SERVER);
    assert_false(fx->rec.ev[0].midstream);
    assert_int_equal(fx->rec.ev[0].flow_id, 1);
    fx_free(fx);
}

static void test_refused_closes_client_and_names_the_port_closed(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(16);
    feed(fx, seg(true, 0, S, CISN, 0, 0));
    feed(fx, seg(false, 1, R | A, 0, CISN + 1, 0));
    assert_int_equal(fx->rec.n, 3);
    expect_transition(fx, 1, 80, WS_NONE, WS_CLOSED, "RST+ACK to peer (nothing listens)");
    expect_transition(fx, 2, 40000, WS_SYN_SENT, WS_CLOSED, "RST+ACK from peer (connection refused)");
    fx_free(fx);
}

static void test_rst_not_acking_syn_is_anomaly(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(16);
    feed(fx, seg(true, 0, S, CISN, 0, 0));
    feed(fx, seg(false, 1, R | A, 0, CISN + 77, 0));
    assert_int_equal(fx->rec.n, 2);
    assert_int_equal(fx->rec.ev[1].type, WS_EV_ANOMALY);
    assert_string_equal(fx->rec.ev[1].kind, "rst_out_of_window");
    assert_int_equal(fx->tr.stats.anomalies, 1);
    fx_free(fx);
}

static void test_blind_rst_does_not_close(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(16);
    handshake(fx);
    feed(fx, seg(true, 3, A, CISN + 1, SISN + 1, 100));
    feed(fx, seg(false, 4, R, 123456789u, 0, 0));    /* far outside the window */
    assert_int_equal(fx->rec.n, 5);
    assert_int_equal(fx->rec.ev[4].type, WS_EV_ANOMALY);
    /* The exact next sequence number is believed. */
    feed(fx, seg(false, 5, R, SISN + 1, 0, 0));
    assert_int_equal(fx->rec.n, 7);
    expect_transition(fx, 5, 80, WS_ESTABLISHED, WS_CLOSED, "RST to peer");
    expect_transition(fx, 6, 40000, WS_ESTABLISHED, WS_CLOSED, "RST from peer");
    fx_free(fx);
}

static void test_time_wait_expires_on_the_clock(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(16);
    handshake(fx);
    feed(fx, seg(true, 10, F | A, CISN + 1, SISN + 1, 0));
    feed(fx, seg(false, 11, F | A, SISN + 1, CISN + 2, 0));   /* acks our FIN: straight to TIME_WAIT */
    feed(fx, seg(true, 12, A, CISN + 2, SISN + 2, 0));
    int before = fx->rec.n;
    expect_transition(fx, before - 3, 80, WS_CLOSE_WAIT, WS_LAST_ACK, "FIN+ACK to peer");
    expect_transition(fx, before - 2, 40000, WS_FIN_WAIT_1, WS_TIME_WAIT, "FIN+ACK from peer");
    int64_t tw_start = fx->rec.ev[before - 2].ts_us;
    ws_tracker_advance(&fx->tr, tw_start + WS_SECONDS(60) - 1);
    assert_int_equal(fx->rec.n, before);
    ws_tracker_advance(&fx->tr, tw_start + WS_SECONDS(61));
    assert_int_equal(fx->rec.n, before + 1);
    expect_transition(fx, before, 40000, WS_TIME_WAIT, WS_CLOSED, "2MSL timer expired (60s)");
    assert_int_equal(fx->rec.ev[before].ts_us, tw_start + WS_SECONDS(60));
    /* Both closed: the flow lingers 10 s from the last close, then leaves the
     * table with its record. */
    ws_tracker_advance(&fx->tr, tw_start + WS_SECONDS(200));
    assert_int_equal(fx->tr.flows.count, 0);
    assert_int_equal(fx->rec.n, before + 2);
    const struct ws_event *e = &fx->rec.ev[before + 1];
    assert_int_equal(e->type, WS_EV_FLOW);
    assert_int_equal(e->ts_us, tw_start + WS_SECONDS(70));
    assert_int_equal(e->record->reason, WS_END_CLOSED);
    assert_string_equal(e->record->conn_state, "SF");
    assert_int_equal(e->record->orig.port, 40000);
    assert_int_equal(e->record->orig_packets, 4);   /* SYN, ACK, FIN, ACK */
    assert_int_equal(e->record->resp_packets, 2);   /* SYN+ACK, FIN+ACK */
    assert_int_equal(e->record->orig_state, WS_CLOSED);
    fx_free(fx);
}

static void test_half_closed_reported_once(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(16);
    handshake(fx);
    feed(fx, seg(true, 10, F | A, CISN + 1, SISN + 1, 0));
    feed(fx, seg(false, 11, A, SISN + 1, CISN + 2, 0));
    int n = fx->rec.n;
    for (int t = 1; t <= 5; t++)   /* the server keeps sending into the half-closed connection */
        feed(fx, seg(false, 11 + t * 30000, A, SISN + 1 + (uint32_t)(t - 1) * 10, CISN + 2, 10));
    int half = 0;
    for (int i = n; i < fx->rec.n; i++)
        half += fx->rec.ev[i].type == WS_EV_HALF_CLOSED;
    assert_int_equal(half, 2);   /* client FIN_WAIT_2 and server CLOSE_WAIT, once each */
    assert_int_equal(fx->tr.stats.half_closed, 2);
    fx_free(fx);
}

static void test_scan_segments_create_no_flow(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(16);
    feed(fx, seg(true, 0, F, 1, 0, 0));            /* FIN scan */
    feed(fx, seg(true, 1, 0, 1, 0, 0));            /* NULL scan */
    feed(fx, seg(true, 2, R | A, 1, 1, 0));        /* backscatter */
    assert_int_equal(fx->tr.flows.count, 0);
    assert_int_equal(fx->tr.stats.segments_no_flow, 3);
    /* Each is recorded once, as Zeek logs it, and nothing is kept. */
    assert_int_equal(fx->rec.n, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(fx->rec.ev[i].type, WS_EV_FLOW);
        assert_int_equal(fx->rec.ev[i].record->reason, WS_END_STRAY);
    }
    assert_string_equal(fx->rec.ev[0].record->history, "F");
    assert_string_equal(fx->rec.ev[2].record->history, "R");
    assert_string_equal(fx->rec.ev[2].record->conn_state, "OTH");
    feed(fx, seg(true, 3, S | F, 1, 0, 0));        /* SYN+FIN: an anomaly, still no flow */
    assert_int_equal(fx->rec.n, 5);
    assert_string_equal(fx->rec.ev[3].kind, "invalid_flags");
    assert_int_equal(fx->rec.ev[4].record->reason, WS_END_STRAY);
    assert_int_equal(fx->tr.flows.count, 0);
    fx_free(fx);
}

static struct ws_segment flood_syn(uint32_t i)
{
    struct ws_segment s = seg(true, i, S, i * 7919u, 0, 0);
    s.src.bytes[0] = 10;
    s.src.bytes[1] = (uint8_t)(i >> 16);
    s.src.bytes[2] = (uint8_t)(i >> 8);
    s.src.bytes[3] = (uint8_t)i;
    return s;
}

static void test_syn_flood_stays_within_max_flows(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(100);
    for (uint32_t i = 0; i < 20000; i++) {
        struct ws_segment s = flood_syn(i);
        ws_tracker_segment(&fx->tr, &s);
        assert_true(fx->tr.flows.count <= 100);
    }
    assert_int_equal(fx->tr.stats.flows, 20000);
    assert_int_equal(fx->tr.stats.evicted, 20000 - 100);
    /* The pool never grew past the chunk that holds 100 records. */
    assert_int_equal(fx->tr.flows.pool_size, WS_FLOW_CHUNK_RECORDS);
    fx_free(fx);
}

/* Events must come in (time, flow id) order, the order timers fire in. */
struct order_check {
    int64_t ts;
    uint64_t flow_id;
    size_t records;
    bool in_order;
};

static void check_order(void *ctx, const struct ws_event *ev)
{
    struct order_check *c = ctx;
    if (ev->ts_us < c->ts || (ev->ts_us == c->ts && ev->flow_id < c->flow_id))
        c->in_order = false;
    c->ts = ev->ts_us;
    c->flow_id = ev->flow_id;
    c->records += ev->type == WS_EV_FLOW;
}

/* Enough flows for the tracker to prefetch ahead of expiring ones: SYNs four
 * to a millisecond, a third retransmitted (their timeouts move later and are
 * corrected lazily), all left to time out, close and linger out of the
 * table while the clock steps on.  Every timer fires, in exact order. */
static void test_many_timers_fire_in_order(void **state)
{
    (void)state;
    enum { N = 30000 };
    struct ws_tracker_config cfg;
    ws_tracker_config_defaults(&cfg);
    struct order_check c = { .in_order = true };
    struct ws_tracker tr;
    assert_true(ws_tracker_init(&tr, &cfg, (struct ws_sink){ check_order, &c }));
    int64_t t0 = seg(true, 0, S, 0, 0, 0).ts_us;
    for (uint32_t i = 0; i < N; i++) {
        struct ws_segment s = flood_syn(i);
        s.ts_us = t0 + (int64_t)(i / 4) * 1000;
        ws_tracker_segment(&tr, &s);
    }
    for (uint32_t i = 0; i < N; i += 3) {
        struct ws_segment s = flood_syn(i);
        s.ts_us = t0 + WS_SECONDS(8) + (int64_t)(i / 12) * 1000;
        ws_tracker_segment(&tr, &s);
    }
    assert_int_equal(tr.flows.count, N);
    assert_int_equal(c.records, 0);
    for (int64_t t = t0 + WS_SECONDS(10); t <= t0 + WS_SECONDS(200); t += 250000)
        ws_tracker_advance(&tr, t);
    assert_true(c.in_order);
    assert_int_equal(c.records, N);
    assert_int_equal(tr.flows.count, 0);
    assert_int_equal(tr.timers.count, 0);
    ws_tracker_free(&tr);
}

/* Client 192.0.2.1:(40000 + i) to 192.0.2.2:80, handshake done at t_ms. */
static void establish(struct fixture *fx, uint16_t i, int64_t t_ms)
{
    struct ws_segment s[3] = {
        seg(true, t_ms, S, CISN, 0, 0),
        seg(false, t_ms + 1, S | A, SISN, CISN + 1, 0),
        seg(true, t_ms + 2, A, CISN + 1, SISN + 1, 0),
    };
    for (int k = 0; k < 3; k++) {
        if (s[k].sport == 40000)
            s[k].sport = (uint16_t)(40000 + i);
        else
            s[k].dport = (uint16_t)(40000 + i);
        ws_tracker_segment(&fx->tr, &s[k]);
    }
}

static bool tracked(struct fixture *fx, uint16_t i)
{
    struct ws_segment s = seg(true, 0, A, 0, 0, 0);
    s.sport = (uint16_t)(40000 + i);
    struct ws_flow_key key;
    int side;
    ws_flow_key_from_segment(&s, &key, &side);
    return ws_flow_lookup(&fx->tr.flows, &key) != NULL;
}

static void test_flood_does_not_evict_established_flows(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(100);
    for (uint16_t i = 0; i < 10; i++)
        establish(fx, i, i * 10);
    for (uint32_t i = 0; i < 10000; i++) {
        struct ws_segment s = flood_syn(i);
        s.ts_us += WS_SECONDS(1);
        ws_tracker_segment(&fx->tr, &s);
    }
    for (uint16_t i = 0; i < 10; i++)
        assert_true(tracked(fx, i));
    assert_int_equal(fx->tr.stats.evicted, 10000 - 90);
    assert_int_equal(fx->tr.flows.count, 100);
    fx_free(fx);
}

static void test_stale_established_flow_goes_before_fresh_half_open(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(2);
    establish(fx, 1, 0);                             /* then silent for 10 minutes */
    struct ws_segment s = flood_syn(1);
    s.ts_us += WS_SECONDS(590);
    ws_tracker_segment(&fx->tr, &s);                 /* a half-open flow, fresh */
    s = flood_syn(2);
    s.ts_us += WS_SECONDS(600);
    ws_tracker_segment(&fx->tr, &s);                 /* table full: who goes? */
    assert_false(tracked(fx, 1));
    assert_int_equal(fx->tr.stats.evicted, 1);
    fx_free(fx);
}

static void test_eviction_is_reported(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(1);
    handshake(fx);
    struct ws_segment other = flood_syn(1);
    other.ts_us += 10000;
    ws_tracker_segment(&fx->tr, &other);
    const struct ws_event *e = &fx->rec.ev[4];
    assert_int_equal(e->type, WS_EV_EXPIRED);
    assert_string_equal(e->kind, "evicted");
    assert_int_equal(e->from, WS_ESTABLISHED);
    assert_int_equal(e->to, WS_ESTABLISHED);
    assert_int_equal(fx->tr.stats.evicted, 1);
    fx_free(fx);
}

/* The flow that takes an evicted flow's record inherits its armed timer:
 * armed later than the new flow needs (an established victim's idle
 * deadline), it is moved earlier; armed earlier (an older SYN's timeout), it
 * comes up early and is put off.  Either way the new flow's SYN timeout
 * fires at its own time, exactly once, and nothing fires for the victim. */
static void test_evicted_flows_timer_serves_the_next_flow(void **state)
{
    (void)state;
    for (int victim_established = 0; victim_established < 2; victim_established++) {
        struct fixture *fx = fx_new(1);
        if (victim_established)
            handshake(fx);   /* idle deadline an hour on */
        else
            feed(fx, seg(true, 0, S, CISN, 0, 0));   /* SYN timeout 64 s on */
        int before = fx->rec.n;
        struct ws_segment other = flood_syn(1);
        other.ts_us = seg(true, 10000, 0, 0, 0, 0).ts_us;   /* 10 s later */
        ws_tracker_segment(&fx->tr, &other);
        assert_int_equal(fx->tr.stats.evicted, 1);
        assert_true(ws_timer_armed(&ws_flow_least_recent(&fx->tr.flows)->timer));
        int after_syn = fx->rec.n;
        assert_true(after_syn > before);
        ws_tracker_advance(&fx->tr, other.ts_us + WS_SECONDS(64) - 1);
        assert_int_equal(fx->rec.n, after_syn);   /* not at the victim's deadline */
        ws_tracker_advance(&fx->tr, other.ts_us + WS_SECONDS(64));
        assert_int_equal(fx->rec.n, after_syn + 1);
        const struct ws_event *e = &fx->rec.ev[after_syn];
        assert_int_equal(e->type, WS_EV_TRANSITION);
        assert_int_equal(e->to, WS_CLOSED);
        assert_int_equal(e->ts_us, other.ts_us + WS_SECONDS(64));
        assert_int_equal(e->flow_id, fx->tr.next_flow_id - 1);
        /* Then it lingers out of the table; nothing else ever fires. */
        ws_tracker_advance(&fx->tr, other.ts_us + WS_SECONDS(2 * 3600));
        assert_int_equal(fx->tr.flows.count, 0);
        assert_int_equal(fx->tr.timers.count, 0);
        for (int i = after_syn + 1; i < fx->rec.n; i++)
            assert_int_equal(fx->rec.ev[i].flow_id, fx->tr.next_flow_id - 1);
        fx_free(fx);
    }
}

/* A new SYN on a 4-tuple in TIME_WAIT starts a new connection in the same
 * record: the old one's flow record counts its own packets and bytes, the
 * new one's only what came after. */
static void test_reused_4tuple_counts_afresh(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(16);
    handshake(fx);
    feed(fx, seg(true, 3, A, CISN + 1, SISN + 1, 100));
    feed(fx, seg(true, 4, F | A, CISN + 101, SISN + 1, 0));
    feed(fx, seg(false, 5, F | A, SISN + 1, CISN + 102, 0));
    feed(fx, seg(true, 6, A, CISN + 102, SISN + 2, 0));
    feed(fx, seg(true, 1000, S, CISN + 50000, 0, 0));   /* the client port reused */
    feed(fx, seg(false, 1001, S | A, SISN + 70000, CISN + 50001, 0));
    ws_tracker_finish(&fx->tr);
    const struct ws_flow_record *old = NULL, *now = NULL;
    for (int i = 0; i < fx->rec.n; i++) {
        const struct ws_event *e = &fx->rec.ev[i];
        if (e->type != WS_EV_FLOW)
            continue;
        if (e->record->reason == WS_END_REUSED)
            old = e->record;
        else if (e->record->reason == WS_END_CAPTURE)
            now = e->record;
    }
    assert_non_null(old);
    assert_non_null(now);
    assert_int_equal(old->orig_packets, 5);
    assert_int_equal(old->resp_packets, 2);
    assert_int_equal(old->orig_bytes, 100);
    assert_int_equal(now->orig_packets, 1);
    assert_int_equal(now->resp_packets, 1);
    assert_int_equal(now->orig_bytes, 0);
    assert_string_equal(now->history, "Sh");
    fx_free(fx);
}

static void test_idle_flow_expires(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(16);
    handshake(fx);
    ws_tracker_advance(&fx->tr, seg(true, 2, 0, 0, 0, 0).ts_us + WS_SECONDS(3600) + 1);
    assert_int_equal(fx->rec.ev[fx->rec.n - 2].type, WS_EV_EXPIRED);
    assert_string_equal(fx->rec.ev[fx->rec.n - 2].kind, "idle");
    const struct ws_event *e = &fx->rec.ev[fx->rec.n - 1];
    assert_int_equal(e->type, WS_EV_FLOW);
    assert_int_equal(e->record->reason, WS_END_IDLE);
    assert_string_equal(e->record->conn_state, "S1");
    assert_string_equal(e->record->history, "ShA");
    assert_int_equal(fx->tr.flows.count, 0);
    assert_int_equal(fx->tr.stats.expired_idle, 1);
    fx_free(fx);
}

static void test_syn_timeout_counts_from_last_retransmission(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(16);
    feed(fx, seg(true, 0, S, CISN, 0, 0));
    feed(fx, seg(true, 1000, S, CISN, 0, 0));
    feed(fx, seg(true, 3000, S, CISN, 0, 0));
    assert_int_equal(fx->rec.n, 1);    /* retransmissions change nothing */
    int64_t last = seg(true, 3000, 0, 0, 0, 0).ts_us;
    ws_tracker_advance(&fx->tr, last + WS_SECONDS(64) - 1);
    assert_int_equal(fx->rec.n, 1);
    ws_tracker_advance(&fx->tr, last + WS_SECONDS(65));
    assert_int_equal(fx->rec.n, 2);
    expect_transition(fx, 1, 40000, WS_SYN_SENT, WS_CLOSED, "connect gave up: no answer (64s)");
    assert_int_equal(fx->rec.ev[1].ts_us, last + WS_SECONDS(64));
    fx_free(fx);
}

static void test_midstream_marks_flow_and_picks_server_by_port(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(16);
    feed(fx, seg(false, 0, A, SISN + 100, CISN + 50, 20));   /* server speaks first */
    assert_int_equal(fx->rec.n, 2);
    assert_true(fx->rec.ev[0].midstream);
    assert_int_equal(fx->rec.ev[0].endpoint.port, 80);
    assert_int_equal(fx->rec.ev[0].role, WS_ROLE_SERVER);
    assert_int_equal(fx->rec.ev[0].from, WS_NONE);
    assert_int_equal(fx->rec.ev[0].to, WS_ESTABLISHED);
    fx_free(fx);
}

static void test_time_going_backwards_is_clamped(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(16);
    feed(fx, seg(true, 100, S, CISN, 0, 0));
    feed(fx, seg(false, 50, S | A, SISN, CISN + 1, 0));   /* stamped earlier than the SYN */
    assert_int_equal(fx->rec.ev[1].ts_us, fx->rec.ev[0].ts_us);
    fx_free(fx);
}

/* ---- batched feeding (ws_tracker_prepare / _prefetch_flow / _segment_prepared) */

/* Every event as one line of text holding every field, so that two event
 * streams compare as two strings. */
struct transcript {
    char *buf;
    size_t len, cap;
    size_t events;            /* written */
    size_t flow_events;       /* WS_EV_FLOW, written or not */
    bool leave_out_flows;     /* WS_EV_FLOW counted, not written */
};

static void tx_printf(struct transcript *tx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char line[1024];
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof line);
    if (tx->len + (size_t)n + 1 > tx->cap) {
        size_t cap = tx->cap ? tx->cap * 2 : 65536;
        while (cap < tx->len + (size_t)n + 1)
            cap *= 2;
        char *buf = realloc(tx->buf, cap);
        assert_non_null(buf);
        tx->buf = buf;
        tx->cap = cap;
    }
    memcpy(tx->buf + tx->len, line, (size_t)n + 1);
    tx->len += (size_t)n;
}

static void tx_endpoint(struct transcript *tx, const char *name, const struct ws_endpoint *e)
{
    tx_printf(tx, " %s=%u/", name, e->addr.family);
    for (int i = 0; i < 16; i++)
        tx_printf(tx, "%02x", e->addr.bytes[i]);
    tx_printf(tx, ":%u", e->port);
}

static void transcribe(void *ctx, const struct ws_event *ev)
{
    struct transcript *tx = ctx;
    if (ev->type == WS_EV_FLOW)
        tx->flow_events++;
    if (ev->type == WS_EV_FLOW && tx->leave_out_flows)
        return;
    tx->events++;
    char cause[160] = "";
    if (ev->type == WS_EV_TRANSITION)
        ws_event_cause_text(ev, cause, sizeof cause);
    tx_printf(tx, "type=%d ts=%lld flow=%llu", (int)ev->type, (long long)ev->ts_us,
              (unsigned long long)ev->flow_id);
    tx_endpoint(tx, "ep", &ev->endpoint);
    tx_endpoint(tx, "peer", &ev->peer);
    tx_printf(tx, " role=%d mid=%d from=%d to=%d sec=%lld kind=%s cause=%d/%u/%d/%s/%lld [%s] text=[%s]",
              (int)ev->role, (int)ev->midstream, (int)ev->from, (int)ev->to, (long long)ev->seconds,
              ev->kind ? ev->kind : "-", (int)ev->cause.kind, ev->cause.flags, (int)ev->cause.dir,
              ev->cause.note ? ev->cause.note : "-", (long long)ev->cause.seconds, cause, ev->text);
    const struct ws_flow_record *r = ev->record;
    if (r) {
        char cid[WS_COMMUNITY_ID_STRLEN];
        tx_printf(tx, " rec=%llu", (unsigned long long)r->flow_id);
        tx_endpoint(tx, "orig", &r->orig);
        tx_endpoint(tx, "resp", &r->resp);
        tx_printf(tx, " %lld-%lld pk=%llu/%llu by=%llu/%llu st=%d/%d mid=%d why=%d conn=%s hist=%s cid=%s",
                  (long long)r->start_us, (long long)r->end_us,
                  (unsigned long long)r->orig_packets, (unsigned long long)r->resp_packets,
                  (unsigned long long)r->orig_bytes, (unsigned long long)r->resp_bytes,
                  (int)r->orig_state, (int)r->resp_state, (int)r->midstream, (int)r->reason,
                  r->conn_state ? r->conn_state : "-", r->history,
                  ws_community_id_of_endpoints(&r->orig, &r->resp, 0, cid, sizeof cid));
    }
    tx_printf(tx, "\n");
}

/* A segment, or (tick) only the passing of time: a packet that is not TCP. */
struct step {
    struct ws_segment seg;
    bool tick;
};

struct script {
    struct step *steps;
    size_t n, cap;
};

static void add_step(struct script *sc, struct ws_segment s, bool tick)
{
    if (sc->n == sc->cap) {
        sc->cap = sc->cap ? sc->cap * 2 : 1024;
        sc->steps = realloc(sc->steps, sc->cap * sizeof *sc->steps);
        assert_non_null(sc->steps);
    }
    sc->steps[sc->n++] = (struct step){ .seg = s, .tick = tick };
}

/* seg() on client port 40000 + i (and, for v6, the same flow over IPv6). */
static struct ws_segment seg_on(uint16_t i, bool v6, bool from_client, int64_t t_ms, uint16_t flags,
                                uint32_t seq, uint32_t ack, uint32_t len)
{
    struct ws_segment s = seg(from_client, t_ms, flags, seq, ack, len);
    if (from_client)
        s.sport = (uint16_t)(40000 + i);
    else
        s.dport = (uint16_t)(40000 + i);
    if (v6) {
        struct ws_addr *c = from_client ? &s.src : &s.dst, *v = from_client ? &s.dst : &s.src;
        uint8_t cb = c->bytes[3], vb = v->bytes[3];
        *c = (struct ws_addr){ .family = 6, .bytes = { 0x20, 0x01, 0x0d, 0xb8, [15] = cb } };
        *v = (struct ws_addr){ .family = 6, .bytes = { 0x20, 0x01, 0x0d, 0xb8, [15] = vb } };
    }
    return s;
}

static uint64_t next_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* Everything the tracker does, several times over: handshakes, data, every
 * way of closing, half-closed endpoints, strays, anomalies, 4-tuple reuse,
 * SYN floods through a full table (evictions), idle expiry, timers, time
 * going backwards, the table emptying and refilling, IPv4 and IPv6, and
 * random segments on a few 4-tuples. */
static void build_script(struct script *sc)
{
    int64_t t = 0;
    uint64_t rng = 0x853c49e6748fea9bULL;
    for (int epoch = 0; epoch < 3; epoch++) {
        /* Connections 0..39, their steps interleaved. */
        enum { CONNS = 40 };
        int step_of[CONNS] = { 0 };
        for (int left = CONNS * 9; left > 0;) {
            uint16_t i = (uint16_t)(next_rand(&rng) % CONNS);
            if (step_of[i] >= 9)
                continue;
            bool v6 = i % 5 == 4;
            uint32_t c = CISN + i * 100000u, s = SISN + i * 100000u;
            int how = (i + epoch) % 4;   /* client closes, server closes, RST, stays open */
            t += 1 + (int64_t)(next_rand(&rng) % 7);
            struct ws_segment g;
            switch (step_of[i]++) {
            case 0: g = seg_on(i, v6, true, t, S, c, 0, 0); break;
            case 1: g = seg_on(i, v6, false, t, S | A, s, c + 1, 0); break;
            case 2: g = seg_on(i, v6, true, t, A, c + 1, s + 1, 0); break;
            case 3: g = seg_on(i, v6, true, t, A, c + 1, s + 1, 100 + i); break;
            case 4: g = seg_on(i, v6, false, t, A, s + 1, c + 101 + i, 1000); break;
            case 5:
                g = how == 0 ? seg_on(i, v6, true, t, F | A, c + 101 + i, s + 1001, 0)
                  : how == 1 ? seg_on(i, v6, false, t, F | A, s + 1001, c + 101 + i, 0)
                  : how == 2 ? seg_on(i, v6, true, t, R, c + 101 + i, 0, 0)
                             : seg_on(i, v6, true, t, A, c + 101 + i, s + 1001, 0);
                break;
            case 6:
                g = how == 0 ? seg_on(i, v6, false, t, A, s + 1001, c + 102 + i, 0)
                  : how == 1 ? seg_on(i, v6, true, t, A, c + 101 + i, s + 1002, 0)
                             : seg_on(i, v6, true, t, R | A, 77, 0, 0);   /* out of window, or stray */
                break;
            case 7:   /* the other side closes too, a while later (or not) */
                g = how == 0 ? seg_on(i, v6, false, t + 70000, F | A, s + 1001, c + 102 + i, 0)
                  : how == 1 ? seg_on(i, v6, true, t + 70000, F | A, c + 101 + i, s + 1002, 0)
                             : seg_on(i, v6, false, t, A, s + 1001, c + 101 + i, 0);
                break;
            default:
                g = how == 0 ? seg_on(i, v6, true, t + 70001, A, c + 102 + i, s + 1002, 0)
                  : how == 1 ? seg_on(i, v6, false, t + 70001, A, s + 1002, c + 102 + i, 0)
                             : seg_on(i, v6, true, t, 0, 1, 0, 0);        /* NULL probe */
                break;
            }
            add_step(sc, g, false);
            left--;
        }
        /* Time passes on packets that are not TCP: half-closed reports, 2MSL. */
        for (int k = 0; k < 5; k++) {
            t += 40000;
            add_step(sc, seg(true, t, 0, 0, 0, 0), true);
        }
        /* A new connection on a 4-tuple in TIME_WAIT, and strays. */
        add_step(sc, seg_on(0, false, true, t + 1, S, 9999999u, 0, 0), false);
        add_step(sc, seg(true, t + 2, F, 1, 0, 0), false);
        add_step(sc, seg(false, t + 3, R | A, 5, 6, 0), false);
        add_step(sc, seg(true, t + 4, S | F, 1, 0, 0), false);
        /* A SYN flood far larger than the table: every SYN evicts. */
        for (uint32_t k = 0; k < 700; k++) {
            struct ws_segment f = flood_syn(k + (uint32_t)epoch * 1000);
            f.ts_us = seg(true, t + 5 + k / 10, 0, 0, 0, 0).ts_us;
            add_step(sc, f, false);
        }
        t += 200;
        /* Random segments on a few 4-tuples, time sometimes going backwards. */
        for (int k = 0; k < 1500; k++) {
            uint64_t r = next_rand(&rng);
            static const uint16_t flag_set[] = { S, S | A, A, F | A, R, R | A, 0, F, A | WS_TCP_PSH, S | F };
            uint16_t i = (uint16_t)(100 + r % 6);
            bool from_client = (r >> 8) & 1;
            uint16_t flags = flag_set[(r >> 9) % (sizeof flag_set / sizeof flag_set[0])];
            uint32_t base = from_client ? CISN : SISN;
            uint32_t seq = base + (uint32_t)((r >> 16) % 4000);
            uint32_t ack = (from_client ? SISN : CISN) + (uint32_t)((r >> 28) % 4000);
            int64_t when = (r >> 40) % 50 == 0 ? t - 500 : (t += (int64_t)((r >> 48) % 300));
            add_step(sc, seg_on(i, i % 2 == 1, from_client, when, flags, seq, ack,
                                (uint32_t)((r >> 56) % 3) * 500), false);
        }
        /* Two hours of silence: every flow expires, the table empties. */
        t += 2 * 3600 * 1000;
        add_step(sc, seg(true, t, 0, 0, 0, 0), true);
        t += 1000;
    }
}

struct replay {
    struct ws_tracker tr;
    struct transcript tx;
};

static void replay_init_with(struct replay *rp, size_t max_flows, bool with_sink, bool flow_records)
{
    memset(rp, 0, sizeof *rp);
    struct ws_tracker_config cfg;
    ws_tracker_config_defaults(&cfg);
    cfg.flow_records = flow_records;
    cfg.max_flows = max_flows;
    cfg.hash_seed = 0x243f6a8885a308d3ULL;
    struct ws_sink sink = { with_sink ? transcribe : NULL, &rp->tx };
    assert_true(ws_tracker_init(&rp->tr, &cfg, sink));
}

static void replay_init(struct replay *rp, size_t max_flows, bool with_sink)
{
    replay_init_with(rp, max_flows, with_sink, true);
}

static void replay_end(struct replay *rp)
{
    ws_tracker_finish(&rp->tr);
    ws_tracker_free(&rp->tr);
}

/* One segment at a time. */
static void replay_plain(struct replay *rp, const struct script *sc)
{
    for (size_t i = 0; i < sc->n; i++) {
        if (sc->steps[i].tick)
            ws_tracker_advance(&rp->tr, sc->steps[i].seg.ts_us);
        else
            ws_tracker_segment(&rp->tr, &sc->steps[i].seg);
    }
    replay_end(rp);
}

/* As the CLI does: prepare a batch, prefetch (depth 1, then 2), then feed
 * the batch in order. */
static void replay_batched(struct replay *rp, const struct script *sc, size_t batch)
{
    struct ws_flow_ref *ref = malloc(batch * sizeof *ref);
    assert_non_null(ref);
    for (size_t at = 0; at < sc->n; at += batch) {
        size_t n = sc->n - at < batch ? sc->n - at : batch;
        const struct step *st = &sc->steps[at];
        for (size_t i = 0; i < n; i++)
            if (!st[i].tick)
                ws_tracker_prepare(&rp->tr, &st[i].seg, &ref[i]);
        for (unsigned depth = 1; depth <= 2; depth++)
            for (size_t i = 0; i < n; i++)
                if (!st[i].tick)
                    ws_tracker_prefetch_flow(&rp->tr, &ref[i], depth);
        for (size_t i = 0; i < n; i++) {
            if (st[i].tick)
                ws_tracker_advance(&rp->tr, st[i].seg.ts_us);
            else
                ws_tracker_segment_prepared(&rp->tr, &st[i].seg, &ref[i]);
        }
    }
    free(ref);
    replay_end(rp);
}

static void expect_same_run(const struct replay *a, const struct replay *b)
{
    assert_int_equal(a->tx.events, b->tx.events);
    assert_int_equal(a->tx.len, b->tx.len);
    if (a->tx.len)
        assert_memory_equal(a->tx.buf, b->tx.buf, a->tx.len);
    const struct ws_tracker_stats *x = &a->tr.stats, *y = &b->tr.stats;
    assert_int_equal(x->segments, y->segments);
    assert_int_equal(x->segments_no_flow, y->segments_no_flow);
    assert_int_equal(x->flows, y->flows);
    assert_int_equal(x->transitions, y->transitions);
    assert_int_equal(x->half_closed, y->half_closed);
    assert_int_equal(x->anomalies, y->anomalies);
    assert_int_equal(x->expired_idle, y->expired_idle);
    assert_int_equal(x->evicted, y->evicted);
    assert_int_equal(x->alloc_failures, y->alloc_failures);
    assert_int_equal(x->flow_records, y->flow_records);
    assert_memory_equal(x, y, sizeof *x);
    assert_int_equal(a->tr.next_flow_id, b->tr.next_flow_id);
    assert_int_equal(a->tr.now, b->tr.now);
}

static void test_batched_feeding_matches_one_at_a_time(void **state)
{
    (void)state;
    struct script sc = { 0 };
    build_script(&sc);
    static const size_t batches[] = { 1, 2, 15, 16, 17, 64 };
    static const size_t tables[] = { 64, 4096 };
    for (size_t m = 0; m < sizeof tables / sizeof tables[0]; m++) {
        struct replay *ref = calloc(1, sizeof *ref), *got = calloc(1, sizeof *got);
        assert_non_null(ref);
        assert_non_null(got);
        replay_init(ref, tables[m], true);
        replay_plain(ref, &sc);
        /* The script does what it is meant to. */
        const struct ws_tracker_stats *st = &ref->tr.stats;
        assert_int_equal(st->segments + 3 * 6, sc.n);
        assert_true(st->transitions > 1000);
        assert_true(st->anomalies > 10);
        assert_true(st->half_closed > 0);
        assert_true(st->segments_no_flow > 10);
        assert_true(st->expired_idle > 0);
        if (tables[m] == 64)
            assert_true(st->evicted > 1500);
        else
            assert_int_equal(st->evicted, 0);
        for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++) {
            replay_init(got, tables[m], true);
            replay_batched(got, &sc, batches[b]);
            expect_same_run(ref, got);
            free(got->tx.buf);
        }
        /* Without a sink (--no-events) the counts agree too. */
        struct replay *quiet_ref = calloc(1, sizeof *quiet_ref);
        assert_non_null(quiet_ref);
        replay_init(quiet_ref, tables[m], false);
        replay_plain(quiet_ref, &sc);
        replay_init(got, tables[m], false);
        replay_batched(got, &sc, 16);
        expect_same_run(quiet_ref, got);
        assert_int_equal(got->tx.events, 0);
        free(quiet_ref);
        free(ref->tx.buf);
        free(ref);
        free(got);
    }
    free(sc.steps);
}

/* Without flow records (text output without --flows, --no-events) the table
 * keeps no tallies: every other event, count, id and time is the same, and
 * no flow record is described, only counted. */
static void test_tracking_without_tallies_changes_nothing_else(void **state)
{
    (void)state;
    struct script sc = { 0 };
    build_script(&sc);
    static const size_t tables[] = { 64, 4096 };
    for (size_t m = 0; m < sizeof tables / sizeof tables[0]; m++) {
        struct replay *full = calloc(1, sizeof *full), *lean = calloc(1, sizeof *lean);
        assert_non_null(full);
        assert_non_null(lean);
        replay_init_with(full, tables[m], true, true);
        full->tx.leave_out_flows = true;
        replay_plain(full, &sc);
        assert_true(full->tx.flow_events > 100);
        assert_int_equal(full->tx.flow_events, full->tr.stats.flow_records);

        replay_init_with(lean, tables[m], true, false);
        assert_int_equal(lean->tr.flows.record_size, sizeof(struct ws_flow));
        replay_plain(lean, &sc);
        assert_int_equal(lean->tx.flow_events, 0);
        expect_same_run(full, lean);
        free(lean->tx.buf);

        replay_init_with(lean, tables[m], true, false);
        replay_batched(lean, &sc, 16);
        expect_same_run(full, lean);
        free(lean->tx.buf);
        free(full->tx.buf);
        free(full);
        free(lean);
    }
    free(sc.steps);
}

/* The ids flows get (the table's Flow column, JSON "flow") must not depend
 * on whether anybody listens to the events: --table and --no-events --table
 * should name the same flow the same.  (Fails: record_stray() in
 * src/state/tracker.c takes a flow id for a stray segment's record only when
 * there is a sink, so with no sink every later flow's id is one lower per
 * stray; e.g. pcaps/scenarios/midstream.pcap: flow 5 with events, 4 with
 * --no-events.) */
static void test_flow_ids_do_not_depend_on_the_sink(void **state)
{
    (void)state;
    struct ws_tracker_config cfg;
    ws_tracker_config_defaults(&cfg);
    cfg.max_flows = 16;
    struct recorder *rec = test_calloc(1, sizeof *rec);
    struct ws_tracker loud, quiet;
    assert_true(ws_tracker_init(&loud, &cfg, (struct ws_sink){ record, rec }));
    assert_true(ws_tracker_init(&quiet, &cfg, (struct ws_sink){ NULL, NULL }));
    struct ws_segment steps[] = {
        seg(false, 0, R, 77, 0, 0),                 /* a stray RST: recorded, not tracked */
        seg(true, 1, S, CISN, 0, 0),                /* then a connection */
        seg(false, 2, S | A, SISN, CISN + 1, 0),
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        ws_tracker_segment(&loud, &steps[i]);
        ws_tracker_segment(&quiet, &steps[i]);
    }
    struct ws_flow_key key;
    int side;
    ws_flow_key_from_segment(&steps[1], &key, &side);
    const struct ws_flow *a = ws_flow_lookup(&loud.flows, &key), *b = ws_flow_lookup(&quiet.flows, &key);
    assert_non_null(a);
    assert_non_null(b);
    uint64_t id_loud = a->id, id_quiet = b->id, next_loud = loud.next_flow_id, next_quiet = quiet.next_flow_id;
    ws_tracker_free(&loud);
    ws_tracker_free(&quiet);
    test_free(rec);
    assert_int_equal(id_quiet, id_loud);
    assert_int_equal(next_quiet, next_loud);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake_roles_and_causes),
        cmocka_unit_test(test_refused_closes_client_and_names_the_port_closed),
        cmocka_unit_test(test_rst_not_acking_syn_is_anomaly),
        cmocka_unit_test(test_blind_rst_does_not_close),
        cmocka_unit_test(test_time_wait_expires_on_the_clock),
        cmocka_unit_test(test_half_closed_reported_once),
        cmocka_unit_test(test_scan_segments_create_no_flow),
        cmocka_unit_test(test_syn_flood_stays_within_max_flows),
        cmocka_unit_test(test_many_timers_fire_in_order),
        cmocka_unit_test(test_eviction_is_reported),
        cmocka_unit_test(test_flood_does_not_evict_established_flows),
        cmocka_unit_test(test_stale_established_flow_goes_before_fresh_half_open),
        cmocka_unit_test(test_evicted_flows_timer_serves_the_next_flow),
        cmocka_unit_test(test_reused_4tuple_counts_afresh),
        cmocka_unit_test(test_idle_flow_expires),
        cmocka_unit_test(test_syn_timeout_counts_from_last_retransmission),
        cmocka_unit_test(test_midstream_marks_flow_and_picks_server_by_port),
        cmocka_unit_test(test_time_going_backwards_is_clamped),
        cmocka_unit_test(test_batched_feeding_matches_one_at_a_time),
        cmocka_unit_test(test_flow_ids_do_not_depend_on_the_sink),
        cmocka_unit_test(test_tracking_without_tallies_changes_nothing_else),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
