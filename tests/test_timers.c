/* test_timers.c - unit tests for the timer heap (timer_heap.c) and for the
 * per-flow deadline choice (deadline.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wirestate/deadline.h"
#include "wirestate/timers.h"
#include "wirestate/tracker.h"

/* ---- helpers ------------------------------------------------------------ */

static bool fires_before(const struct ws_timer *a, const struct ws_timer *b)
{
    if (a->deadline != b->deadline)
        return a->deadline < b->deadline;
    return a->tiebreak < b->tiebreak;
}

/* Every parent fires no later than its children, and every heap_slot points
 * back at the index holding it. */
static void check_heap(const struct ws_timer_heap *h)
{
    assert_true(h->count <= h->capacity);
    for (size_t i = 0; i < h->count; i++) {
        const struct ws_timer *t = h->items[i];
        assert_non_null(t);
        assert_int_equal(t->heap_slot, i + 1);
        if (i > 0)
            assert_false(fires_before(t, h->items[(i - 1) / 2]));
    }
}

/* Removes and returns the earliest timer (the tracker pops this way). */
static struct ws_timer *pop_min(struct ws_timer_heap *h)
{
    struct ws_timer *t = ws_timers_peek(h);
    if (t)
        ws_timers_cancel(h, t);
    return t;
}

static void timer_init(struct ws_timer *t, uint64_t tiebreak)
{
    memset(t, 0, sizeof *t);
    t->tiebreak = tiebreak;
}

static uint64_t xorshift64(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* ---- basics ------------------------------------------------------------- */

static void test_empty_heap(void **state)
{
    (void)state;
    struct ws_timer_heap h;
    assert_true(ws_timers_init(&h, 16));
    assert_int_equal(h.count, 0);
    assert_int_equal(h.capacity, 16);
    assert_null(ws_timers_peek(&h));
    assert_null(pop_min(&h));
    ws_timers_free(&h);
    assert_null(h.items);
    assert_int_equal(h.count, 0);
    assert_int_equal(h.capacity, 0);
}

static void test_schedule_peek_cancel(void **state)
{
    (void)state;
    struct ws_timer_heap h;
    struct ws_timer a;
    timer_init(&a, 7);
    assert_true(ws_timers_init(&h, 4));
    assert_false(ws_timer_scheduled(&a));

    assert_true(ws_timers_schedule(&h, &a, 1000));
    assert_true(ws_timer_scheduled(&a));
    assert_int_equal(a.heap_slot, 1);
    assert_int_equal(a.deadline, 1000);
    assert_int_equal(a.tiebreak, 7);
    assert_int_equal(h.count, 1);
    assert_ptr_equal(ws_timers_peek(&h), &a);
    /* peek does not remove */
    assert_ptr_equal(ws_timers_peek(&h), &a);
    assert_int_equal(h.count, 1);

    ws_timers_cancel(&h, &a);
    assert_false(ws_timer_scheduled(&a));
    assert_int_equal(h.count, 0);
    assert_null(ws_timers_peek(&h));

    /* A cancelled timer can be scheduled again. */
    assert_true(ws_timers_schedule(&h, &a, -5));
    assert_ptr_equal(ws_timers_peek(&h), &a);
    assert_int_equal(a.deadline, -5);
    ws_timers_cancel(&h, &a);
    ws_timers_free(&h);
}

static void test_order_by_deadline(void **state)
{
    (void)state;
    static const int64_t deadlines[] = { 50, 10, 40, 30, 20, 60, 0, -10, 45, 35 };
    enum { N = sizeof deadlines / sizeof deadlines[0] };
    struct ws_timer t[N];
    struct ws_timer_heap h;
    assert_true(ws_timers_init(&h, N));
    for (size_t i = 0; i < N; i++) {
        timer_init(&t[i], 100 - i); /* tiebreak opposite to index: must not matter */
        assert_true(ws_timers_schedule(&h, &t[i], deadlines[i]));
        check_heap(&h);
    }
    int64_t prev = INT64_MIN;
    for (size_t i = 0; i < N; i++) {
        struct ws_timer *m = pop_min(&h);
        assert_non_null(m);
        assert_false(ws_timer_scheduled(m));
        assert_true(m->deadline > prev);
        prev = m->deadline;
        check_heap(&h);
    }
    assert_int_equal(prev, 60);
    assert_null(pop_min(&h));
    ws_timers_free(&h);
}

static void test_order_tiebreak(void **state)
{
    (void)state;
    struct ws_timer t[6];
    struct ws_timer_heap h;
    assert_true(ws_timers_init(&h, 8));
    /* Three timers due at 100 (tiebreaks 3, 1, 2), two at 50 (9, 4), one at 200 (0). */
    timer_init(&t[0], 3);
    timer_init(&t[1], 1);
    timer_init(&t[2], 2);
    timer_init(&t[3], 9);
    timer_init(&t[4], 4);
    timer_init(&t[5], 0);
    assert_true(ws_timers_schedule(&h, &t[0], 100));
    assert_true(ws_timers_schedule(&h, &t[1], 100));
    assert_true(ws_timers_schedule(&h, &t[2], 100));
    assert_true(ws_timers_schedule(&h, &t[3], 50));
    assert_true(ws_timers_schedule(&h, &t[4], 50));
    assert_true(ws_timers_schedule(&h, &t[5], 200));
    check_heap(&h);
    const struct ws_timer *expect[] = { &t[4], &t[3], &t[1], &t[2], &t[0], &t[5] };
    for (size_t i = 0; i < 6; i++) {
        assert_ptr_equal(pop_min(&h), expect[i]);
        check_heap(&h);
    }
    assert_null(ws_timers_peek(&h));
    ws_timers_free(&h);
}

static void test_tiebreak_extremes(void **state)
{
    (void)state;
    struct ws_timer a, b, c;
    struct ws_timer_heap h;
    assert_true(ws_timers_init(&h, 4));
    timer_init(&a, UINT64_MAX);
    timer_init(&b, 0);
    timer_init(&c, UINT64_MAX - 1);
    assert_true(ws_timers_schedule(&h, &a, INT64_MAX));
    assert_true(ws_timers_schedule(&h, &b, INT64_MAX));
    assert_true(ws_timers_schedule(&h, &c, INT64_MIN));
    assert_ptr_equal(pop_min(&h), &c);
    assert_ptr_equal(pop_min(&h), &b);
    assert_ptr_equal(pop_min(&h), &a);
    ws_timers_free(&h);
}

static void test_move_earlier_and_later(void **state)
{
    (void)state;
    enum { N = 15 };
    struct ws_timer t[N];
    struct ws_timer_heap h;
    assert_true(ws_timers_init(&h, N));
    for (size_t i = 0; i < N; i++) {
        timer_init(&t[i], i);
        assert_true(ws_timers_schedule(&h, &t[i], (int64_t)(i + 1) * 10));
    }
    check_heap(&h);
    assert_ptr_equal(ws_timers_peek(&h), &t[0]);

    /* The latest timer (a leaf) moves before everything: it becomes the root. */
    assert_true(ws_timers_schedule(&h, &t[N - 1], 5));
    assert_int_equal(h.count, N);
    check_heap(&h);
    assert_ptr_equal(ws_timers_peek(&h), &t[N - 1]);
    assert_int_equal(t[N - 1].deadline, 5);

    /* The root moves after everything. */
    assert_true(ws_timers_schedule(&h, &t[N - 1], 1000));
    assert_int_equal(h.count, N);
    check_heap(&h);
    assert_ptr_equal(ws_timers_peek(&h), &t[0]);

    /* A middle timer moves earlier but not to the front, then later. */
    assert_true(ws_timers_schedule(&h, &t[9], 25));   /* between t[1]=20 and t[2]=30 */
    check_heap(&h);
    assert_true(ws_timers_schedule(&h, &t[3], 95));   /* between t[8]=90 and t[10]=110 */
    check_heap(&h);
    /* Same deadline again: no change of order. */
    assert_true(ws_timers_schedule(&h, &t[5], 60));
    check_heap(&h);
    assert_int_equal(h.count, N);

    const struct ws_timer *expect[N] = {
        &t[0], &t[1], &t[9], &t[2], &t[4], &t[5], &t[6], &t[7], &t[8], &t[3],
        &t[10], &t[11], &t[12], &t[13], &t[N - 1],
    };
    for (size_t i = 0; i < N; i++) {
        assert_ptr_equal(pop_min(&h), expect[i]);
        check_heap(&h);
    }
    assert_null(ws_timers_peek(&h));
    ws_timers_free(&h);
}

/* Moving a timer to an equal deadline behind a smaller tiebreak. */
static void test_move_to_tie(void **state)
{
    (void)state;
    struct ws_timer a, b;
    struct ws_timer_heap h;
    assert_true(ws_timers_init(&h, 2));
    timer_init(&a, 1);
    timer_init(&b, 2);
    assert_true(ws_timers_schedule(&h, &a, 100));
    assert_true(ws_timers_schedule(&h, &b, 10));
    assert_ptr_equal(ws_timers_peek(&h), &b);
    assert_true(ws_timers_schedule(&h, &b, 100));   /* later, ties with a: a first */
    check_heap(&h);
    assert_ptr_equal(ws_timers_peek(&h), &a);
    assert_true(ws_timers_schedule(&h, &a, 100));   /* unchanged */
    assert_ptr_equal(ws_timers_peek(&h), &a);
    assert_true(ws_timers_schedule(&h, &a, 101));
    check_heap(&h);
    assert_ptr_equal(ws_timers_peek(&h), &b);
    ws_timers_free(&h);
}

/* Heap built so that items[] is exactly { 1, 50, 2, 60, 70, 3, 4 }. */
static void build_seven(struct ws_timer_heap *h, struct ws_timer t[7])
{
    static const int64_t d[7] = { 1, 50, 2, 60, 70, 3, 4 };
    assert_true(ws_timers_init(h, 7));
    for (size_t i = 0; i < 7; i++) {
        timer_init(&t[i], i);
        assert_true(ws_timers_schedule(h, &t[i], d[i]));
    }
    for (size_t i = 0; i < 7; i++)
        assert_ptr_equal(h->items[i], &t[i]);
    check_heap(h);
}

static void drain_sorted(struct ws_timer_heap *h, size_t expect_count)
{
    size_t n = 0;
    const struct ws_timer *prev = NULL;
    struct ws_timer *m;
    while ((m = pop_min(h)) != NULL) {
        if (prev)
            assert_true(fires_before(prev, m));
        prev = m;
        n++;
        check_heap(h);
    }
    assert_int_equal(n, expect_count);
}

static void test_cancel_last(void **state)
{
    (void)state;
    struct ws_timer t[7];
    struct ws_timer_heap h;
    build_seven(&h, t);
    ws_timers_cancel(&h, &t[6]);
    assert_false(ws_timer_scheduled(&t[6]));
    assert_int_equal(h.count, 6);
    check_heap(&h);
    for (size_t i = 0; i < 6; i++)
        assert_ptr_equal(h.items[i], &t[i]);
    drain_sorted(&h, 6);
    ws_timers_free(&h);
}

static void test_cancel_root(void **state)
{
    (void)state;
    struct ws_timer t[7];
    struct ws_timer_heap h;
    build_seven(&h, t);
    ws_timers_cancel(&h, &t[0]);
    assert_false(ws_timer_scheduled(&t[0]));
    assert_int_equal(h.count, 6);
    check_heap(&h);
    assert_ptr_equal(ws_timers_peek(&h), &t[2]);
    drain_sorted(&h, 6);
    ws_timers_free(&h);
}

static void test_cancel_middle_sift_up(void **state)
{
    (void)state;
    struct ws_timer t[7];
    struct ws_timer_heap h;
    build_seven(&h, t);
    /* Cancelling 60 (index 3) moves the last timer (4) there; 4 fires before
     * its new parent 50, so it has to climb. */
    ws_timers_cancel(&h, &t[3]);
    assert_false(ws_timer_scheduled(&t[3]));
    assert_int_equal(h.count, 6);
    check_heap(&h);
    assert_ptr_equal(h.items[1], &t[6]);
    assert_ptr_equal(h.items[3], &t[1]);
    drain_sorted(&h, 6);
    ws_timers_free(&h);
}

static void test_cancel_middle_sift_down(void **state)
{
    (void)state;
    struct ws_timer t[7];
    struct ws_timer_heap h;
    build_seven(&h, t);
    /* Cancelling 2 (index 2) moves 4 there; it must sink below 3. */
    ws_timers_cancel(&h, &t[2]);
    assert_int_equal(h.count, 6);
    check_heap(&h);
    assert_ptr_equal(h.items[2], &t[5]);
    drain_sorted(&h, 6);
    ws_timers_free(&h);
}

static void test_cancel_unscheduled_is_noop(void **state)
{
    (void)state;
    struct ws_timer t[7], stray;
    struct ws_timer_heap h;
    build_seven(&h, t);
    timer_init(&stray, 0);
    stray.deadline = 0;
    ws_timers_cancel(&h, &stray);
    assert_int_equal(h.count, 7);
    for (size_t i = 0; i < 7; i++)
        assert_ptr_equal(h.items[i], &t[i]);

    /* Cancel twice: the second is a no-op. */
    ws_timers_cancel(&h, &t[4]);
    assert_int_equal(h.count, 6);
    ws_timers_cancel(&h, &t[4]);
    assert_int_equal(h.count, 6);
    check_heap(&h);
    drain_sorted(&h, 6);

    /* On an empty heap, too. */
    ws_timers_cancel(&h, &t[4]);
    assert_int_equal(h.count, 0);
    ws_timers_free(&h);
}

static void test_growth(void **state)
{
    (void)state;
    enum { N = 1000 };
    struct ws_timer *t = calloc(N, sizeof *t);
    assert_non_null(t);
    struct ws_timer_heap h;
    assert_true(ws_timers_init(&h, 0));  /* zero means one */
    assert_int_equal(h.capacity, 1);
    uint64_t seed = 0x1234567;
    for (size_t i = 0; i < N; i++) {
        t[i].tiebreak = i;
        assert_true(ws_timers_schedule(&h, &t[i], (int64_t)(xorshift64(&seed) % 5000)));
        assert_int_equal(h.count, i + 1);
        assert_true(h.capacity >= h.count);
    }
    assert_true(h.capacity >= N);
    check_heap(&h);
    drain_sorted(&h, N);
    for (size_t i = 0; i < N; i++)
        assert_false(ws_timer_scheduled(&t[i]));
    ws_timers_free(&h);
    free(t);
}

/* ---- randomized, against a linear-scan model ----------------------------- */

struct model {
    bool scheduled;
    int64_t deadline;
};

/* Index of the timer the model says fires first, or -1. */
static long model_min(const struct model *m, const struct ws_timer *t, size_t n)
{
    long best = -1;
    for (size_t i = 0; i < n; i++) {
        if (!m[i].scheduled)
            continue;
        if (best < 0 || m[i].deadline < m[best].deadline ||
            (m[i].deadline == m[best].deadline && t[i].tiebreak < t[best].tiebreak))
            best = (long)i;
    }
    return best;
}

static void check_against_model(const struct ws_timer_heap *h, const struct model *m,
                                const struct ws_timer *t, size_t n)
{
    size_t scheduled = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(ws_timer_scheduled(&t[i]), m[i].scheduled);
        if (m[i].scheduled) {
            scheduled++;
            assert_int_equal(t[i].deadline, m[i].deadline);
            assert_ptr_equal(h->items[t[i].heap_slot - 1], &t[i]);
        }
    }
    assert_int_equal(h->count, scheduled);
    check_heap(h);
}

static void test_randomized(void **state)
{
    (void)state;
    enum { N = 2000, OPS = 200000 };
    struct ws_timer *t = calloc(N, sizeof *t);
    struct model *m = calloc(N, sizeof *m);
    assert_non_null(t);
    assert_non_null(m);
    /* Tiebreaks are a permutation of 0..N-1, unrelated to the index. */
    for (size_t i = 0; i < N; i++)
        t[i].tiebreak = (i * 7919) % N;

    struct ws_timer_heap h;
    assert_true(ws_timers_init(&h, 16));
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    int64_t now = 0;
    size_t pops = 0, cancels = 0, moves = 0, inserts = 0, max_count = 0;

    for (size_t op = 0; op < OPS; op++) {
        uint64_t r = xorshift64(&seed);
        size_t i = (size_t)(xorshift64(&seed) % N);
        /* Deadlines near now, from a narrow range so ties are common. */
        int64_t d = now + (int64_t)(xorshift64(&seed) % 512);
        /* Weights 7:4:3:2 keep about half of the timers scheduled. */
        switch (r % 16) {
        case 0: case 1: case 2: case 3: case 4: case 5: case 6:  /* schedule or reschedule */
            if (m[i].scheduled)
                moves++;
            else
                inserts++;
            assert_true(ws_timers_schedule(&h, &t[i], d));
            m[i].scheduled = true;
            m[i].deadline = d;
            assert_true(ws_timer_scheduled(&t[i]));
            assert_int_equal(t[i].deadline, d);
            break;
        case 7: case 8: case 9: case 10:  /* move a scheduled timer a little */
            if (m[i].scheduled) {
                int64_t nd = m[i].deadline + (int64_t)(xorshift64(&seed) % 64) - 32;
                assert_true(ws_timers_schedule(&h, &t[i], nd));
                m[i].deadline = nd;
                moves++;
            }
            break;
        case 11: case 12: case 13:        /* cancel, scheduled or not */
            ws_timers_cancel(&h, &t[i]);
            m[i].scheduled = false;
            assert_false(ws_timer_scheduled(&t[i]));
            cancels++;
            break;
        default: {                        /* pop the minimum */
            long want = model_min(m, t, N);
            struct ws_timer *got = pop_min(&h);
            if (want < 0) {
                assert_null(got);
            } else {
                assert_ptr_equal(got, &t[want]);
                assert_int_equal(got->deadline, m[want].deadline);
                m[want].scheduled = false;
                if (got->deadline > now)
                    now = got->deadline;
            }
            pops++;
            break;
        }
        }
        if (h.count > max_count)
            max_count = h.count;
        if (op % 1000 == 0)
            check_against_model(&h, m, t, N);
    }
    check_against_model(&h, m, t, N);
    assert_true(pops > 10000 && cancels > 10000 && moves > 10000 && inserts > 10000);
    assert_true(max_count > N / 3);   /* the heap grew well past its initial 16 */

    /* Drain: the model and the heap agree to the end. */
    long want;
    while ((want = model_min(m, t, N)) >= 0) {
        assert_ptr_equal(pop_min(&h), &t[want]);
        m[want].scheduled = false;
    }
    assert_null(pop_min(&h));
    assert_int_equal(h.count, 0);
    ws_timers_free(&h);
    free(t);
    free(m);
}

/* ---- deadlines ------------------------------------------------------------ */

static struct ws_tracker_config test_cfg(void)
{
    struct ws_tracker_config cfg;
    ws_tracker_config_defaults(&cfg);
    return cfg;
}

/* A flow at time base whose sides are both ESTABLISHED since base. */
static void flow_init(struct ws_flow *f, int64_t base)
{
    memset(f, 0, sizeof *f);
    f->first_ts = base;
    f->last_ts = base;
    f->client = 0;
    for (int i = 0; i < 2; i++) {
        f->side[i].state = WS_ESTABLISHED;
        f->side[i].state_since = base;
    }
}

static void test_config_defaults(void **state)
{
    (void)state;
    struct ws_tracker_config cfg = test_cfg();
    assert_int_equal(cfg.msl_us, WS_SECONDS(WS_DEFAULT_MSL_S));
    assert_int_equal(cfg.half_closed_us, WS_SECONDS(WS_DEFAULT_HALF_CLOSED_S));
    assert_int_equal(cfg.syn_timeout_us, WS_SECONDS(WS_DEFAULT_SYN_TIMEOUT_S));
    assert_int_equal(cfg.idle_timeout_us, WS_SECONDS(WS_DEFAULT_IDLE_TIMEOUT_S));
    assert_int_equal(cfg.linger_us, WS_SECONDS(WS_CLOSED_LINGER_S));
}

static void test_due_idle(void **state)
{
    (void)state;
    struct ws_tracker_config cfg = test_cfg();
    struct ws_flow f;
    flow_init(&f, WS_SECONDS(1000));
    f.last_ts = WS_SECONDS(1500);
    struct ws_due d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_IDLE);
    assert_int_equal(d.at, WS_SECONDS(1500) + cfg.idle_timeout_us);
}

static void test_due_time_wait(void **state)
{
    (void)state;
    struct ws_tracker_config cfg = test_cfg();
    struct ws_flow f;
    flow_init(&f, WS_SECONDS(1000));
    f.side[1].state = WS_TIME_WAIT;
    f.side[1].state_since = WS_SECONDS(1010);
    f.side[0].state = WS_CLOSED;
    f.side[0].state_since = WS_SECONDS(1012);
    f.last_ts = WS_SECONDS(1012);   /* a late ACK: TIME_WAIT still counts from state_since */
    struct ws_due d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_TIME_WAIT);
    assert_int_equal(d.side, 1);
    assert_int_equal(d.at, WS_SECONDS(1010) + 2 * cfg.msl_us);
    assert_int_equal(d.at, WS_SECONDS(1070));

    /* Other side, custom MSL. */
    flow_init(&f, 0);
    f.side[0].state = WS_TIME_WAIT;
    f.side[0].state_since = 777;
    f.side[1].state = WS_LAST_ACK;
    cfg.msl_us = 1000;
    d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_TIME_WAIT);
    assert_int_equal(d.side, 0);
    assert_int_equal(d.at, 777 + 2000);
}

static void test_due_syn_timeout(void **state)
{
    (void)state;
    struct ws_tracker_config cfg = test_cfg();
    struct ws_flow f;
    flow_init(&f, WS_SECONDS(100));
    f.side[0].state = WS_SYN_SENT;
    f.side[0].state_since = WS_SECONDS(100);
    f.side[1].state = WS_NONE;
    f.side[1].state_since = 0;
    f.last_ts = WS_SECONDS(131);    /* the last retransmitted SYN */
    struct ws_due d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_SYN_TIMEOUT);
    assert_int_equal(d.side, 0);
    assert_int_equal(d.at, WS_SECONDS(131) + cfg.syn_timeout_us);

    /* SYN_RECEIVED on the other side. */
    f.client = 1;
    f.side[0].state = WS_SYN_RECEIVED;
    f.side[1].state = WS_ESTABLISHED;
    d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_SYN_TIMEOUT);
    assert_int_equal(d.side, 0);
    assert_int_equal(d.at, WS_SECONDS(131) + cfg.syn_timeout_us);
}

static void test_due_half_closed(void **state)
{
    (void)state;
    struct ws_tracker_config cfg = test_cfg();
    struct ws_flow f;
    flow_init(&f, WS_SECONDS(10));
    f.side[0].state = WS_FIN_WAIT_1;   /* no timer of its own */
    f.side[0].state_since = WS_SECONDS(20);
    f.side[1].state = WS_CLOSE_WAIT;
    f.side[1].state_since = WS_SECONDS(20);
    f.last_ts = WS_SECONDS(25);
    struct ws_due d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_HALF_CLOSED);
    assert_int_equal(d.side, 1);
    assert_int_equal(d.at, WS_SECONDS(20) + cfg.half_closed_us);

    /* Already reported: falls back to idle. */
    f.side[1].half_closed_reported = 1;
    d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_IDLE);
    assert_int_equal(d.at, WS_SECONDS(25) + cfg.idle_timeout_us);

    /* Disabled: idle as well, reported or not. */
    f.side[1].half_closed_reported = 0;
    cfg.half_closed_us = 0;
    d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_IDLE);
    assert_int_equal(d.at, WS_SECONDS(25) + cfg.idle_timeout_us);

    /* FIN_WAIT_2 is watched too. */
    cfg = test_cfg();
    f.side[0].state = WS_FIN_WAIT_2;
    f.side[0].state_since = WS_SECONDS(22);
    f.side[1].half_closed_reported = 1;
    d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_HALF_CLOSED);
    assert_int_equal(d.side, 0);
    assert_int_equal(d.at, WS_SECONDS(22) + cfg.half_closed_us);
}

static void test_due_both_closed_linger(void **state)
{
    (void)state;
    struct ws_tracker_config cfg = test_cfg();
    struct ws_flow f;
    flow_init(&f, WS_SECONDS(5));
    f.side[0].state = WS_CLOSED;
    f.side[1].state = WS_CLOSED;
    f.last_ts = WS_SECONDS(9);
    struct ws_due d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_FLOW_DONE);
    assert_int_equal(d.at, WS_SECONDS(9) + cfg.linger_us);

    /* CLOSED and LISTEN (a refused SYN) count as gone too. */
    f.side[1].state = WS_LISTEN;
    d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_FLOW_DONE);

    /* One side still in TIME_WAIT: not done yet. */
    f.side[1].state = WS_TIME_WAIT;
    f.side[1].state_since = WS_SECONDS(9);
    d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_TIME_WAIT);
    assert_int_equal(d.side, 1);
}

static void test_due_earliest_wins(void **state)
{
    (void)state;
    struct ws_tracker_config cfg = test_cfg();
    struct ws_flow f;
    flow_init(&f, 0);
    cfg.msl_us = WS_SECONDS(30);          /* TIME_WAIT: state_since + 60 s */
    cfg.half_closed_us = WS_SECONDS(60);  /* half closed: state_since + 60 s */

    f.side[0].state = WS_TIME_WAIT;
    f.side[0].state_since = WS_SECONDS(100);   /* due 160 */
    f.side[1].state = WS_CLOSE_WAIT;
    f.side[1].state_since = WS_SECONDS(90);    /* due 150 */
    f.last_ts = WS_SECONDS(100);
    struct ws_due d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_HALF_CLOSED);
    assert_int_equal(d.side, 1);
    assert_int_equal(d.at, WS_SECONDS(150));

    f.side[1].state_since = WS_SECONDS(110);   /* due 170 */
    d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_TIME_WAIT);
    assert_int_equal(d.side, 0);
    assert_int_equal(d.at, WS_SECONDS(160));

    /* A short idle timeout beats both. */
    cfg.idle_timeout_us = WS_SECONDS(10);
    d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_IDLE);
    assert_int_equal(d.at, WS_SECONDS(110));

    /* SYN timeout against TIME_WAIT. */
    cfg = test_cfg();
    flow_init(&f, 0);
    f.side[0].state = WS_SYN_SENT;
    f.side[1].state = WS_TIME_WAIT;
    f.side[1].state_since = WS_SECONDS(1);     /* due 61 */
    f.last_ts = WS_SECONDS(2);                 /* SYN due 66 */
    d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_TIME_WAIT);
    assert_int_equal(d.side, 1);
    assert_int_equal(d.at, WS_SECONDS(61));
    f.side[1].state_since = WS_SECONDS(10);    /* due 70 */
    d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_SYN_TIMEOUT);
    assert_int_equal(d.side, 0);
    assert_int_equal(d.at, WS_SECONDS(66));
}

/* Equal deadlines on both sides: the client's fires first. */
static void test_due_tie_client_first(void **state)
{
    (void)state;
    struct ws_tracker_config cfg = test_cfg();
    struct ws_flow f;
    flow_init(&f, WS_SECONDS(3));
    for (int i = 0; i < 2; i++) {
        f.side[i].state = WS_TIME_WAIT;
        f.side[i].state_since = WS_SECONDS(3);
    }
    f.client = 0;
    struct ws_due d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_TIME_WAIT);
    assert_int_equal(d.side, 0);
    f.client = 1;
    d = ws_flow_next_due(&f, &cfg);
    assert_int_equal(d.kind, WS_DUE_TIME_WAIT);
    assert_int_equal(d.side, 1);
    assert_int_equal(d.at, WS_SECONDS(3) + 2 * cfg.msl_us);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_heap),
        cmocka_unit_test(test_schedule_peek_cancel),
        cmocka_unit_test(test_order_by_deadline),
        cmocka_unit_test(test_order_tiebreak),
        cmocka_unit_test(test_tiebreak_extremes),
        cmocka_unit_test(test_move_earlier_and_later),
        cmocka_unit_test(test_move_to_tie),
        cmocka_unit_test(test_cancel_last),
        cmocka_unit_test(test_cancel_root),
        cmocka_unit_test(test_cancel_middle_sift_up),
        cmocka_unit_test(test_cancel_middle_sift_down),
        cmocka_unit_test(test_cancel_unscheduled_is_noop),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_randomized),
        cmocka_unit_test(test_config_defaults),
        cmocka_unit_test(test_due_idle),
        cmocka_unit_test(test_due_time_wait),
        cmocka_unit_test(test_due_syn_timeout),
        cmocka_unit_test(test_due_half_closed),
        cmocka_unit_test(test_due_both_closed_linger),
        cmocka_unit_test(test_due_earliest_wins),
        cmocka_unit_test(test_due_tie_client_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
