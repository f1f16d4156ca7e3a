/* test_tracker.c - the tracker end to end on hand-built segments: transitions
 * and their causes, special cases, timers, eviction and the memory bound. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

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
    assert_int_equal(fx->tr.flows.chunk_count, 1);
    fx_free(fx);
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
        cmocka_unit_test(test_eviction_is_reported),
        cmocka_unit_test(test_flood_does_not_evict_established_flows),
        cmocka_unit_test(test_stale_established_flow_goes_before_fresh_half_open),
        cmocka_unit_test(test_idle_flow_expires),
        cmocka_unit_test(test_syn_timeout_counts_from_last_retransmission),
        cmocka_unit_test(test_midstream_marks_flow_and_picks_server_by_port),
        cmocka_unit_test(test_time_going_backwards_is_clamped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
