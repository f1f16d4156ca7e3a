/* test_async_sink.c - the writer thread: every event arrives, once, in order,
 * with its record and text intact, whatever the ring size and however slow
 * the writer; drain and stop leave nothing behind. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wirestate/async_sink.h"

/* The inner sink: checks each event against what the producer sent. */
struct seen {
    uint64_t count;
    uint64_t out_of_order;
    uint64_t bad_record;
    uint64_t bad_text;
    unsigned slow_every;   /* sleep on every n-th event (0: never) */
};

static void make_event(uint64_t i, struct ws_event *ev, struct ws_flow_record *rec)
{
    memset(ev, 0, sizeof *ev);
    ev->type = i % 3 == 0 ? WS_EV_FLOW : WS_EV_TRANSITION;
    ev->ts_us = (int64_t)i;
    ev->flow_id = i + 1;
    snprintf(ev->text, sizeof ev->text, "event %llu", (unsigned long long)i);
    if (ev->type == WS_EV_FLOW) {
        memset(rec, 0, sizeof *rec);
        rec->flow_id = i + 1;
        rec->orig_packets = i * 7;
        snprintf(rec->history, sizeof rec->history, "ShAD%llu", (unsigned long long)i % 1000);
        ev->record = rec;
    }
}

static void check_event(void *ctx, const struct ws_event *ev)
{
    struct seen *s = ctx;
    uint64_t i = s->count++;
    struct ws_event want;
    struct ws_flow_record want_rec;
    make_event(i, &want, &want_rec);
    if (ev->ts_us != want.ts_us || ev->flow_id != want.flow_id || ev->type != want.type)
        s->out_of_order++;
    if (strcmp(ev->text, want.text) != 0)
        s->bad_text++;
    if ((want.record == NULL) != (ev->record == NULL) ||
        (ev->record && (ev->record->flow_id != want_rec.flow_id ||
                        ev->record->orig_packets != want_rec.orig_packets ||
                        strcmp(ev->record->history, want_rec.history) != 0)))
        s->bad_record++;
    if (s->slow_every && i % s->slow_every == 0)
        nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000 }, NULL);
}

static void send_events(struct ws_sink sink, uint64_t from, uint64_t to)
{
    for (uint64_t i = from; i < to; i++) {
        struct ws_event ev;
        struct ws_flow_record rec;   /* gone when emit returns: the sink must copy it */
        make_event(i, &ev, &rec);
        sink.emit(sink.ctx, &ev);
        memset(&rec, 0xa5, sizeof rec);
        memset(&ev, 0xa5, sizeof ev);
    }
}

static struct ws_async_sink *start(struct seen *s, size_t slots)
{
    struct ws_error err = { 0 };
    struct ws_async_sink *a = ws_async_sink_start((struct ws_sink){ check_event, s }, slots, &err);
    assert_non_null(a);
    return a;
}

static void expect_all(const struct seen *s, uint64_t n)
{
    assert_int_equal(s->count, n);
    assert_int_equal(s->out_of_order, 0);
    assert_int_equal(s->bad_record, 0);
    assert_int_equal(s->bad_text, 0);
}

static void test_stop_writes_everything_in_order(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct ws_async_sink *a = start(&s, 0);
    send_events(ws_async_sink_as_sink(a), 0, 100000);
    ws_async_sink_stop(a);
    expect_all(&s, 100000);
}

/* A ring far smaller than the stream: the producer waits for room again and again. */
static void test_small_ring_wraps_many_times(void **state)
{
    (void)state;
    struct seen s = { 0 };
    struct ws_async_sink *a = start(&s, 64);
    send_events(ws_async_sink_as_sink(a), 0, 20000);
    ws_async_sink_stop(a);
    expect_all(&s, 20000);
}

static void test_slow_writer_loses_nothing(void **state)
{
    (void)state;
    struct seen s = { .slow_every = 97 };
    struct ws_async_sink *a = start(&s, 64);
    send_events(ws_async_sink_as_sink(a), 0, 5000);
    ws_async_sink_stop(a);
    expect_all(&s, 5000);
}

/* After a drain the writer has passed on exactly what was sent, and is idle:
 * the caller may use the inner sink's context itself. */
static void test_drain_hands_back_the_reporter(void **state)
{
    (void)state;
    struct seen s = { .slow_every = 50 };
    struct ws_async_sink *a = start(&s, 128);
    struct ws_sink sink = ws_async_sink_as_sink(a);
    uint64_t sent = 0;
    for (uint64_t n = 1; n <= 700; n += 233) {   /* fewer and more than a hand-over */
        send_events(sink, sent, sent + n);
        sent += n;
        ws_async_sink_drain(a);
        assert_int_equal(s.count, sent);
    }
    ws_async_sink_drain(a);   /* nothing queued: returns at once */
    assert_int_equal(s.count, sent);
    ws_async_sink_stop(a);
    expect_all(&s, sent);
}

static void test_empty_run_and_null(void **state)
{
    (void)state;
    struct seen s = { 0 };
    ws_async_sink_stop(start(&s, 0));
    assert_int_equal(s.count, 0);
    ws_async_sink_drain(NULL);
    ws_async_sink_stop(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stop_writes_everything_in_order),
        cmocka_unit_test(test_small_ring_wraps_many_times),
        cmocka_unit_test(test_slow_writer_loses_nothing),
        cmocka_unit_test(test_drain_hands_back_the_reporter),
        cmocka_unit_test(test_empty_run_and_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
