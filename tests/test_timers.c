/* test_timers.c - unit tests for the timer wheel (timer_wheel.c) and for the
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

/* ---- a tiny owner ---------------------------------------------------------
 *
 * The wheel never stores a deadline for a timer in its lists, only the tick:
 * it asks the owner for the exact deadline when the tick comes.  The tests
 * play the owner with plain arrays: real[id] is the deadline id's timer stands
 * for now, tb[id] its tiebreak.  arm() sets real[] and arms, as the tracker's
 * schedule() does; a test that writes real[] without arming simulates a
 * deadline that moved later and was left lazily where it was armed. */

struct fixture {
    size_t n;
    struct ws_timer *t;
    int64_t *real;
    uint64_t *tb;
    size_t asked;            /* deadline callbacks so far */
    struct ws_timers w;
};

static struct ws_timer *fx_timer(void *ctx, uint32_t id)
{
    struct fixture *fx = ctx;
    assert_true(id < fx->n);
    return &fx->t[id];
}

static void fx_deadline(void *ctx, uint32_t id, int64_t *deadline, uint64_t *tiebreak)
{
    struct fixture *fx = ctx;
    assert_true(id < fx->n);
    *deadline = fx->real[id];
    *tiebreak = fx->tb[id];
    fx->asked++;
}

/* n unarmed timers whose tiebreak is their id. */
static struct fixture *fx_new(size_t n)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->n = n;
    fx->t = calloc(n, sizeof *fx->t);
    fx->real = calloc(n, sizeof *fx->real);
    fx->tb = calloc(n, sizeof *fx->tb);
    assert_non_null(fx->t);
    assert_non_null(fx->real);
    assert_non_null(fx->tb);
    for (size_t i = 0; i < n; i++) {
        fx->t[i] = WS_TIMER_UNARMED;
        fx->tb[i] = i;
    }
    struct ws_timer_owner owner = { .ctx = fx, .timer = fx_timer, .deadline = fx_deadline };
    assert_true(ws_timers_init(&fx->w, owner));
    return fx;
}

static void fx_free(struct fixture *fx)
{
    ws_timers_free(&fx->w);
    free(fx->t);
    free(fx->real);
    free(fx->tb);
    free(fx);
}

/* The owner's deadline becomes d and the timer is armed for it. */
static void arm(struct fixture *fx, uint32_t id, int64_t d)
{
    fx->real[id] = d;
    assert_true(ws_timers_arm(&fx->w, id, d, fx->tb[id]));
    assert_true(ws_timer_armed(&fx->t[id]));
}

static void expect_pop(struct fixture *fx, int64_t now, uint32_t id, int64_t armed_for)
{
    int64_t got_for = -12345;
    uint32_t got = ws_timers_pop_due(&fx->w, now, &got_for);
    assert_int_equal(got, id);
    assert_int_equal(got_for, armed_for);
    assert_false(ws_timer_armed(&fx->t[id]));
}

static void expect_nothing(struct fixture *fx, int64_t now)
{
    int64_t armed_for;
    assert_int_equal(ws_timers_pop_due(&fx->w, now, &armed_for), WS_TIMER_NIL);
}

static bool in_due_heap(const struct fixture *fx, uint32_t id)
{
    return fx->t[id].prev == WS_TIMER_AT_DUE;
}

static bool in_wheel(const struct fixture *fx, uint32_t id)
{
    return ws_timer_armed(&fx->t[id]) && !in_due_heap(fx, id);
}

static bool due_before(const struct ws_due_entry *a, const struct ws_due_entry *b)
{
    if (a->deadline != b->deadline)
        return a->deadline < b->deadline;
    return a->tiebreak < b->tiebreak;
}

/* Every armed timer is in exactly one place: once in the list of the slot of
 * its tick and the lane of its id (a tick after the clock's, with consistent
 * prev/next links), or
 * tagged as in the due heap and named by an entry there.  The heap is
 * ordered; unarmed timers are nowhere; count is the number of armed ones.
 * (How a due timer finds its entry is the wheel's business, not checked.) */
static void check_wheel(const struct fixture *fx)
{
    const struct ws_timers *w = &fx->w;
    unsigned char *seen = calloc(fx->n ? fx->n : 1, 1);
    assert_non_null(seen);
    size_t listed = 0;
    for (size_t list = 0; list < (size_t)WS_WHEEL_SLOTS * WS_WHEEL_LANES; list++) {
        uint32_t prev = WS_TIMER_NIL;
        for (uint32_t id = w->head[list]; id != WS_TIMER_NIL; id = fx->t[id].next) {
            assert_true(id < fx->n);
            assert_int_equal(seen[id], 0);
            seen[id] = 1;
            const struct ws_timer *t = &fx->t[id];
            assert_int_equal(t->prev, prev);
            assert_int_equal(t->tick % WS_WHEEL_SLOTS, list / WS_WHEEL_LANES);
            assert_int_equal(id % WS_WHEEL_LANES, list % WS_WHEEL_LANES);
            assert_int_equal(ws_timers_list_of(t->tick, id), list);
            assert_true(t->tick > w->now_tick);
            prev = id;
            listed++;
            assert_true(listed <= fx->n);   /* no cycles */
        }
    }
    assert_true(w->due_count <= w->due_capacity);
    for (size_t i = 0; i < w->due_count; i++) {
        uint32_t id = w->due[i].id;
        assert_true(id < fx->n);
        if (fx->t[id].prev == WS_TIMER_AT_DUE)
            seen[id] |= 2;
        if (i > 0)
            assert_false(due_before(&w->due[i], &w->due[(i - 1) / 2]));
    }
    size_t at_due = 0;
    for (size_t id = 0; id < fx->n; id++) {
        const struct ws_timer *t = &fx->t[id];
        if (t->prev == WS_TIMER_AT_DUE) {
            assert_int_equal(seen[id], 2);
            at_due++;
        } else if (ws_timer_armed(t)) {
            assert_int_equal(seen[id], 1);
        } else {
            assert_int_equal(seen[id] & 1, 0);
        }
    }
    assert_int_equal(w->count, listed + at_due);
    free(seen);
}

/* Ids of one lane of a slot, head first; returns how many. */
static size_t lane_ids(const struct fixture *fx, size_t slot, size_t lane, uint32_t *out,
                       size_t max)
{
    size_t k = 0;
    const uint32_t *head = &fx->w.head[slot * WS_WHEEL_LANES + lane];
    for (uint32_t id = *head; id != WS_TIMER_NIL; id = fx->t[id].next) {
        assert_true(k < max);
        out[k++] = id;
    }
    return k;
}

/* Ids of a slot's lanes, lane after lane, each head first; returns how many. */
static size_t slot_ids(const struct fixture *fx, size_t slot, uint32_t *out, size_t max)
{
    size_t k = 0;
    for (size_t lane = 0; lane < WS_WHEEL_LANES; lane++)
        k += lane_ids(fx, slot, lane, out + k, max - k);
    return k;
}

static uint64_t xorshift64(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* Start of tick k, and one turn of the wheel, in µs. */
#define TICK(k) ((int64_t)(k) * WS_WHEEL_TICK_US)
#define TURN ((int64_t)WS_WHEEL_SLOTS * WS_WHEEL_TICK_US)
/* An arbitrary realistic clock (late 2023), not on a tick boundary. */
#define EPOCH INT64_C(1700000000123457)
/* The k-th id of lane 0: timers with these ids share one list per slot. */
#define SAME_LANE(k) ((uint32_t)(k) * WS_WHEEL_LANES)

/* ---- basics ------------------------------------------------------------- */

static void test_wheel_empty(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(4);
    assert_int_equal(fx->w.count, 0);
    assert_int_equal(fx->w.due_count, 0);
    for (size_t list = 0; list < (size_t)WS_WHEEL_SLOTS * WS_WHEEL_LANES; list++)
        assert_int_equal(fx->w.head[list], WS_TIMER_NIL);
    assert_false(ws_timer_armed(&fx->t[0]));
    check_wheel(fx);
    expect_nothing(fx, INT64_MIN);
    expect_nothing(fx, 0);
    expect_nothing(fx, EPOCH);
    expect_nothing(fx, EPOCH + 10 * TURN);
    assert_int_equal(fx->asked, 0);
    check_wheel(fx);
    ws_timers_free(&fx->w);
    assert_null(fx->w.head);
    assert_null(fx->w.due);
    assert_int_equal(fx->w.count, 0);
    /* fx_free frees the wheel again: that must be harmless after a free. */
    fx_free(fx);
}

static void test_arm_pop_basic(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(4);
    expect_nothing(fx, EPOCH);
    arm(fx, 2, EPOCH + 3000000);
    arm(fx, 0, EPOCH + 7000000);
    arm(fx, 1, EPOCH + 1000000);
    assert_int_equal(fx->w.count, 3);
    check_wheel(fx);
    /* Arming never asks the owner anything: only a tick coming up does. */
    assert_int_equal(fx->asked, 0);

    /* One µs early is too early; on the deadline it fires, and only it. */
    expect_nothing(fx, EPOCH + 1000000 - 1);
    expect_pop(fx, EPOCH + 1000000, 1, EPOCH + 1000000);
    expect_nothing(fx, EPOCH + 1000000);
    assert_int_equal(fx->w.count, 2);
    check_wheel(fx);

    /* Late: everything up to now fires, earliest first. */
    expect_pop(fx, EPOCH + 8000000, 2, EPOCH + 3000000);
    expect_pop(fx, EPOCH + 8000000, 0, EPOCH + 7000000);
    expect_nothing(fx, EPOCH + 8000000);
    assert_int_equal(fx->w.count, 0);
    check_wheel(fx);

    /* A popped timer can be armed again. */
    arm(fx, 1, EPOCH + 9000000);
    assert_int_equal(fx->w.count, 1);
    expect_pop(fx, EPOCH + 9000000, 1, EPOCH + 9000000);
    check_wheel(fx);
    fx_free(fx);
}

/* Deadlines on tick boundaries: the last µs of the previous tick must not
 * pull the next tick's slot in early, and the boundary itself must. */
static void test_tick_boundaries(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(3);
    int64_t k = EPOCH / WS_WHEEL_TICK_US + 5;
    expect_nothing(fx, EPOCH);
    arm(fx, 0, TICK(k));
    arm(fx, 1, TICK(k + 1) - 1);
    arm(fx, 2, TICK(k + 1));
    expect_nothing(fx, TICK(k) - 1);
    assert_true(in_wheel(fx, 0));
    expect_pop(fx, TICK(k), 0, TICK(k));
    expect_nothing(fx, TICK(k + 1) - 2);
    expect_pop(fx, TICK(k + 1) - 1, 1, TICK(k + 1) - 1);
    expect_nothing(fx, TICK(k + 1) - 1);
    assert_true(in_wheel(fx, 2));
    expect_pop(fx, TICK(k + 1), 2, TICK(k + 1));
    check_wheel(fx);
    fx_free(fx);
}

static void test_tiebreak_order(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(8);
    /* Tiebreaks unrelated to ids, including the extremes. */
    static const uint64_t tb[8] = { 3, 1, 2, 9, 4, 0, UINT64_MAX, UINT64_MAX - 1 };
    memcpy(fx->tb, tb, sizeof tb);
    expect_nothing(fx, EPOCH);
    int64_t d = EPOCH + 5 * WS_WHEEL_TICK_US + 77;   /* in the wheel */
    for (uint32_t id = 0; id < 8; id++)
        arm(fx, id, d);
    check_wheel(fx);
    expect_nothing(fx, d - 1);
    static const uint32_t order[8] = { 5, 1, 2, 0, 4, 3, 7, 6 };
    for (size_t i = 0; i < 8; i++)
        expect_pop(fx, d, order[i], d);
    expect_nothing(fx, d);

    /* The same when armed straight into the due heap (deadline in the
     * clock's own tick), armed in reverse order this time. */
    int64_t d2 = d + 100;
    for (uint32_t id = 8; id-- > 0;) {
        arm(fx, id, d2);
        assert_true(in_due_heap(fx, id));
    }
    check_wheel(fx);
    expect_nothing(fx, d2 - 1);
    for (size_t i = 0; i < 8; i++)
        expect_pop(fx, d2, order[i], d2);
    check_wheel(fx);
    fx_free(fx);
}

/* ---- within a tick, across ticks and turns ------------------------------- */

/* A tick is about a second: timers sharing one must still fire in exact
 * µs order, popping one at a time as the clock crawls through the tick. */
static void test_same_tick_exact_order(void **state)
{
    (void)state;
    enum { N = 1000 };
    struct fixture *fx = fx_new(N);
    int64_t k = EPOCH / WS_WHEEL_TICK_US + 3;
    expect_nothing(fx, EPOCH);
    uint64_t seed = 0x5eed;
    /* Distinct µs offsets: a random permutation of a stride through the tick. */
    int64_t *off = malloc(N * sizeof *off);
    assert_non_null(off);
    for (size_t i = 0; i < N; i++)
        off[i] = (int64_t)i * 1048;           /* < 2^20 */
    for (size_t i = N - 1; i > 0; i--) {
        size_t j = (size_t)(xorshift64(&seed) % (i + 1));
        int64_t x = off[i];
        off[i] = off[j];
        off[j] = x;
    }
    for (uint32_t id = 0; id < N; id++)
        arm(fx, id, TICK(k) + off[id]);
    check_wheel(fx);
    assert_int_equal(fx->w.count, N);

    /* Walk the clock to each deadline in turn: the one for it and nothing else. */
    for (size_t i = 0; i < N; i++) {
        int64_t d = TICK(k) + (int64_t)i * 1048;
        uint32_t id = 0;
        while (off[id] != (int64_t)i * 1048)
            id++;
        if (i > 0)
            expect_nothing(fx, d - 1);
        expect_pop(fx, d, id, d);
        expect_nothing(fx, d);
        if (i % 100 == 0)
            check_wheel(fx);
    }
    /* The due heap grew past its first allocation on the way. */
    assert_true(fx->w.due_capacity >= N);
    assert_int_equal(fx->w.count, 0);
    /* Each timer's exact deadline was asked for once, when its tick came. */
    assert_int_equal(fx->asked, N);
    check_wheel(fx);
    free(off);
    fx_free(fx);
}

/* Timers in the same slot but different turns, and timers spread over several
 * turns: each fires in its own turn, in order, however the clock steps. */
static void test_across_ticks_and_turns(void **state)
{
    (void)state;
    enum { N = 12 };
    struct fixture *fx = fx_new(N);
    int64_t base = EPOCH;
    expect_nothing(fx, base);
    int64_t k = base / WS_WHEEL_TICK_US + 10;
    /* Deadlines in increasing order by id, several sharing a slot. */
    const int64_t d[N] = {
        TICK(k) + 5,
        TICK(k) + 900000,
        TICK(k + 1) + 1,
        TICK(k + 700) + 12345,
        TICK(k + WS_WHEEL_SLOTS - 1) + 3,
        TICK(k + WS_WHEEL_SLOTS) + 4,           /* slot of k, one turn later */
        TICK(k + WS_WHEEL_SLOTS) + 6,
        TICK(k + WS_WHEEL_SLOTS + 1),
        TICK(k + 2 * WS_WHEEL_SLOTS) + 4,       /* slot of k, two turns later */
        TICK(k + 3 * WS_WHEEL_SLOTS) + 2,
        TICK(k + 5 * WS_WHEEL_SLOTS + 17),
        TICK(k + 5 * WS_WHEEL_SLOTS + 17) + 1,
    };
    /* Armed in a scrambled order so the lists are not sorted. */
    static const uint32_t arm_order[N] = { 7, 2, 11, 0, 9, 5, 1, 10, 3, 8, 4, 6 };
    for (size_t i = 0; i < N; i++)
        arm(fx, arm_order[i], d[arm_order[i]]);
    check_wheel(fx);

    /* Stepping a second at a time through the first turn and a bit. */
    uint32_t next = 0;
    int64_t now = base;
    while (now < TICK(k + WS_WHEEL_SLOTS + 2)) {
        now += 1000003;
        int64_t armed_for;
        uint32_t id;
        while ((id = ws_timers_pop_due(&fx->w, now, &armed_for)) != WS_TIMER_NIL) {
            assert_int_equal(id, next);
            assert_int_equal(armed_for, d[next]);
            assert_true(armed_for <= now);
            next++;
        }
        /* Everything due by now has fired. */
        assert_true(next == N || d[next] > now);
    }
    assert_int_equal(next, 8);
    check_wheel(fx);

    /* Then by a third of a turn at a time. */
    while (next < N) {
        now += TURN / 3;
        int64_t armed_for;
        uint32_t id;
        while ((id = ws_timers_pop_due(&fx->w, now, &armed_for)) != WS_TIMER_NIL) {
            assert_int_equal(id, next);
            assert_int_equal(armed_for, d[next]);
            next++;
        }
        assert_true(next == N || d[next] > now);
        check_wheel(fx);
    }
    assert_int_equal(fx->w.count, 0);
    fx_free(fx);
}

/* One pop_due several turns ahead: every slot is visited once and exactly
 * the timers due by then come out, in order; the rest stay for later. */
static void test_clock_jump_turns(void **state)
{
    (void)state;
    enum { N = 400 };
    struct fixture *fx = fx_new(N);
    expect_nothing(fx, EPOCH);
    uint64_t seed = 42;
    int64_t *d = malloc(N * sizeof *d);
    assert_non_null(d);
    for (uint32_t id = 0; id < N; id++) {
        /* Over six turns, with a few clustered in a handful of ticks. */
        if (id % 4 == 0)
            d[id] = TICK(EPOCH / WS_WHEEL_TICK_US + 1 + (id % 5) * WS_WHEEL_SLOTS) +
                    (int64_t)(xorshift64(&seed) % WS_WHEEL_TICK_US);
        else
            d[id] = EPOCH + 1 + (int64_t)(xorshift64(&seed) % (uint64_t)(6 * TURN));
        arm(fx, id, d[id]);
    }
    check_wheel(fx);

    int64_t stops[] = { EPOCH + 3 * TURN + TURN / 2, EPOCH + 3 * TURN + TURN / 2 + 1,
                        EPOCH + 5 * TURN, EPOCH + 7 * TURN };
    int64_t last = INT64_MIN;
    uint64_t last_tb = 0;
    size_t fired = 0;
    for (size_t s = 0; s < sizeof stops / sizeof stops[0]; s++) {
        int64_t armed_for;
        uint32_t id;
        while ((id = ws_timers_pop_due(&fx->w, stops[s], &armed_for)) != WS_TIMER_NIL) {
            assert_int_equal(armed_for, d[id]);
            assert_true(armed_for <= stops[s]);
            assert_true(armed_for > last || (armed_for == last && fx->tb[id] > last_tb));
            last = armed_for;
            last_tb = fx->tb[id];
            fired++;
        }
        /* Nothing due by this stop is left armed; everything later is. */
        for (uint32_t i = 0; i < N; i++)
            assert_int_equal(ws_timer_armed(&fx->t[i]), d[i] > stops[s]);
        check_wheel(fx);
    }
    assert_int_equal(fired, N);
    free(d);
    fx_free(fx);
}

/* ---- arming only moves earlier -------------------------------------------- */

/* Arming for a later deadline while the owner's deadline stays put (a stale
 * re-arm) changes nothing: the timer fires at the first deadline. */
static void test_arm_later_is_noop(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(3);
    int64_t k = EPOCH / WS_WHEEL_TICK_US;
    expect_nothing(fx, EPOCH);

    /* In the wheel: later in the same tick, and in a later tick. */
    arm(fx, 0, TICK(k + 10) + 500);
    assert_true(ws_timers_arm(&fx->w, 0, TICK(k + 10) + 900, 0));
    assert_true(ws_timers_arm(&fx->w, 0, TICK(k + 99) + 7, 0));
    assert_true(ws_timers_arm(&fx->w, 0, INT64_MAX, 0));
    assert_int_equal(fx->t[0].tick, (uint32_t)(k + 10));
    /* In the due heap (the clock's own tick). */
    arm(fx, 1, EPOCH + 1000);
    assert_true(in_due_heap(fx, 1));
    assert_true(ws_timers_arm(&fx->w, 1, EPOCH + 2000, 1));
    assert_true(ws_timers_arm(&fx->w, 1, TICK(k + 50), 1));
    assert_true(ws_timers_arm(&fx->w, 1, EPOCH + 1000, 2));   /* same deadline, later tie */
    assert_int_equal(fx->w.count, 2);
    check_wheel(fx);

    expect_nothing(fx, EPOCH + 999);
    expect_pop(fx, EPOCH + 1000, 1, EPOCH + 1000);
    expect_nothing(fx, TICK(k + 10) + 499);
    expect_pop(fx, TICK(k + 10) + 500, 0, TICK(k + 10) + 500);
    expect_nothing(fx, TICK(k + 200));
    assert_int_equal(fx->w.count, 0);
    check_wheel(fx);
    fx_free(fx);
}

/* Arming earlier moves the timer, from any position in a slot's list, into
 * an earlier slot or straight into the due heap.  The ids share a lane, so
 * that the slot's timers are one list with a head, a middle and a tail. */
static void test_arm_earlier_in_wheel(void **state)
{
    (void)state;
    enum { N = 6 };
    struct fixture *fx = fx_new(N * WS_WHEEL_LANES);
    int64_t k = EPOCH / WS_WHEEL_TICK_US;
    size_t slot = (size_t)(k + 100) % WS_WHEEL_SLOTS;
    expect_nothing(fx, EPOCH);
    /* Five timers in one slot (tick k+100 and the same slot a turn later). */
    arm(fx, SAME_LANE(0), TICK(k + 100) + 10);
    arm(fx, SAME_LANE(1), TICK(k + 100) + 20);
    arm(fx, SAME_LANE(2), TICK(k + 100 + WS_WHEEL_SLOTS) + 30);
    arm(fx, SAME_LANE(3), TICK(k + 100) + 40);
    arm(fx, SAME_LANE(4), TICK(k + 100) + 50);
    arm(fx, SAME_LANE(5), TICK(k + 300));
    uint32_t list[N];
    assert_int_equal(lane_ids(fx, slot, 0, list, N), 5);

    /* Move the middle of the list, then its head, then its tail, earlier. */
    uint32_t mid = list[2], head = list[0], tail = list[4];
    arm(fx, mid, TICK(k + 40) + 1);
    check_wheel(fx);
    arm(fx, head, TICK(k + 20) + 2);
    check_wheel(fx);
    arm(fx, tail, TICK(k + 60) + 3);
    check_wheel(fx);
    assert_int_equal(lane_ids(fx, slot, 0, list, N), 2);
    uint32_t rest[2] = { list[0], list[1] };
    /* Into the due heap: a deadline already in the past. */
    arm(fx, SAME_LANE(5), EPOCH - 5);
    assert_true(in_due_heap(fx, SAME_LANE(5)));
    assert_int_equal(fx->w.count, N);
    check_wheel(fx);

    expect_pop(fx, EPOCH, SAME_LANE(5), EPOCH - 5);
    expect_nothing(fx, TICK(k + 20) + 1);
    expect_pop(fx, TICK(k + 20) + 2, head, TICK(k + 20) + 2);
    expect_nothing(fx, TICK(k + 40));
    expect_pop(fx, TICK(k + 40) + 1, mid, TICK(k + 40) + 1);
    expect_pop(fx, TICK(k + 60) + 3, tail, TICK(k + 60) + 3);
    expect_nothing(fx, TICK(k + 100) + 9);
    /* The two left in the slot were not disturbed by the moves. */
    if (fx->real[rest[0]] > fx->real[rest[1]]) {
        uint32_t x = rest[0];
        rest[0] = rest[1];
        rest[1] = x;
    }
    for (size_t i = 0; i < 2; i++) {
        expect_nothing(fx, fx->real[rest[i]] - 1);
        expect_pop(fx, fx->real[rest[i]], rest[i], fx->real[rest[i]]);
    }
    expect_nothing(fx, TICK(k + 100 + 3 * WS_WHEEL_SLOTS));
    check_wheel(fx);
    fx_free(fx);
}

/* Earlier within the timer's own tick: the wheel keeps only the tick, so it
 * leaves the timer where it is, and the owner's exact deadline decides. */
static void test_arm_earlier_same_tick_in_wheel(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(2);
    int64_t k = EPOCH / WS_WHEEL_TICK_US + 7;
    expect_nothing(fx, EPOCH);
    arm(fx, 0, TICK(k) + 800000);
    arm(fx, 1, TICK(k) + 500000);
    arm(fx, 0, TICK(k) + 100);
    assert_int_equal(fx->t[0].tick, (uint32_t)k);
    check_wheel(fx);
    expect_nothing(fx, TICK(k) + 99);
    expect_pop(fx, TICK(k) + 100, 0, TICK(k) + 100);
    expect_pop(fx, TICK(k + 1), 1, TICK(k) + 500000);
    fx_free(fx);
}

/* Already in the due heap (deadline in the clock's tick): moving earlier
 * reorders it there, past other due timers; moving later does nothing. */
static void test_arm_earlier_in_due_heap(void **state)
{
    (void)state;
    enum { N = 7 };
    struct fixture *fx = fx_new(N);
    int64_t k = EPOCH / WS_WHEEL_TICK_US + 1;
    int64_t now = TICK(k) + 10;
    expect_nothing(fx, now);
    /* id i at 1000 * (7 - i): 6 first, 0 last. */
    for (uint32_t id = 0; id < N; id++) {
        arm(fx, id, TICK(k) + 1000 * (N - id));
        assert_true(in_due_heap(fx, id));
    }
    check_wheel(fx);
    /* The last becomes the earliest. */
    arm(fx, 0, TICK(k) + 500);
    check_wheel(fx);
    /* To a tie with 4 (at 3000), with the smaller tiebreak: before it. */
    arm(fx, 1, TICK(k) + 3000);
    check_wheel(fx);
    /* Stale later arms change nothing, nor does the same deadline again. */
    assert_true(ws_timers_arm(&fx->w, 3, TICK(k + 9), fx->tb[3]));
    assert_true(ws_timers_arm(&fx->w, 6, TICK(k) + 1000, fx->tb[6]));
    assert_true(ws_timers_arm(&fx->w, 5, TICK(k) + 2001, fx->tb[5]));
    check_wheel(fx);
    assert_int_equal(fx->w.count, N);

    static const uint32_t order[N] = { 0, 6, 5, 1, 4, 3, 2 };
    static const int64_t at[N] = { 500, 1000, 2000, 3000, 3000, 4000, 5000 };
    expect_nothing(fx, TICK(k) + 499);
    for (size_t i = 0; i < N; i++)
        expect_pop(fx, TICK(k) + at[i], order[i], TICK(k) + at[i]);
    expect_nothing(fx, TICK(k + 20));
    check_wheel(fx);
    fx_free(fx);
}

/* ---- lazy correction ------------------------------------------------------ */

/* The owner's deadline moved to a later tick without re-arming: when the
 * armed tick comes the timer moves there instead of popping. */
static void test_lazy_later_tick(void **state)
{
    (void)state;
    enum { N = 4 };
    struct fixture *fx = fx_new(N);
    int64_t k = EPOCH / WS_WHEEL_TICK_US + 100;
    expect_nothing(fx, EPOCH);
    arm(fx, 0, TICK(k) + 10);
    arm(fx, 1, TICK(k) + 20);
    arm(fx, 2, TICK(k) + 30);
    arm(fx, 3, TICK(k) + 40);
    fx->real[0] = TICK(k + 50) + 5;                   /* a later slot */
    fx->real[1] = TICK(k + WS_WHEEL_SLOTS) + 6;       /* the same slot, next turn */
    fx->real[3] = TICK(k + 3 * WS_WHEEL_SLOTS) + 7;   /* three turns on */
    size_t asked = fx->asked;

    expect_nothing(fx, TICK(k) + 29);
    assert_int_equal(fx->asked - asked, 4);   /* the whole slot was asked once */
    expect_pop(fx, TICK(k + 1) - 1, 2, TICK(k) + 30);
    expect_nothing(fx, TICK(k + 1) - 1);
    assert_true(in_wheel(fx, 0) && in_wheel(fx, 1) && in_wheel(fx, 3));
    assert_int_equal(fx->t[1].tick, (uint32_t)(k + WS_WHEEL_SLOTS));
    check_wheel(fx);

    expect_nothing(fx, TICK(k + 50) + 4);
    expect_pop(fx, TICK(k + 50) + 5, 0, TICK(k + 50) + 5);
    expect_nothing(fx, TICK(k + WS_WHEEL_SLOTS) + 5);
    expect_pop(fx, TICK(k + WS_WHEEL_SLOTS) + 6, 1, TICK(k + WS_WHEEL_SLOTS) + 6);
    /* Moved again while waiting, across a multi-turn jump. */
    fx->real[3] = TICK(k + 3 * WS_WHEEL_SLOTS + 1);
    expect_nothing(fx, TICK(k + 3 * WS_WHEEL_SLOTS + 1) - 1);
    expect_pop(fx, TICK(k + 3 * WS_WHEEL_SLOTS + 1), 3, TICK(k + 3 * WS_WHEEL_SLOTS + 1));
    assert_int_equal(fx->w.count, 0);
    check_wheel(fx);
    fx_free(fx);
}

/* Moved later but within the same tick: it is put in the due heap at its
 * real deadline, pops in exact order among the others and reports the real
 * deadline as armed_for, so the owner need not re-arm it. */
static void test_lazy_same_tick(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(3);
    int64_t k = EPOCH / WS_WHEEL_TICK_US + 9;
    expect_nothing(fx, EPOCH);
    arm(fx, 0, TICK(k) + 1000);
    arm(fx, 1, TICK(k) + 500000);
    arm(fx, 2, TICK(k) + 600000);
    fx->real[0] = TICK(k) + 900000;
    fx->real[1] = TICK(k) + 550000;
    expect_nothing(fx, TICK(k) + 1000);
    assert_true(in_due_heap(fx, 0));
    expect_nothing(fx, TICK(k) + 549999);
    expect_pop(fx, TICK(k) + 550000, 1, TICK(k) + 550000);
    expect_pop(fx, TICK(k + 1) - 1, 2, TICK(k) + 600000);
    expect_pop(fx, TICK(k + 1) - 1, 0, TICK(k) + 900000);
    check_wheel(fx);
    fx_free(fx);
}

/* A timer armed straight into the due heap keeps the deadline it was armed
 * for: if the owner's moved later meanwhile, it pops at the armed one with
 * that as armed_for, and the owner re-arms (what the tracker does). */
static void test_lazy_in_due_heap(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(2);
    int64_t k = EPOCH / WS_WHEEL_TICK_US + 1;
    expect_nothing(fx, TICK(k));
    arm(fx, 0, TICK(k) + 100);
    arm(fx, 1, TICK(k) + 200);
    fx->real[0] = TICK(k + 3) + 1;
    expect_pop(fx, TICK(k) + 150, 0, TICK(k) + 100);
    assert_true(fx->real[0] > TICK(k) + 100);
    arm(fx, 0, fx->real[0]);
    assert_true(in_wheel(fx, 0));
    expect_pop(fx, TICK(k) + 200, 1, TICK(k) + 200);
    expect_nothing(fx, TICK(k + 3));
    expect_pop(fx, TICK(k + 3) + 1, 0, TICK(k + 3) + 1);
    check_wheel(fx);
    fx_free(fx);
}

/* ---- cancelling ------------------------------------------------------------ */

/* Cancelling from a slot's list at the head, the tail and in the middle (the
 * ids share a lane, so the slot's timers are one list). */
static void test_cancel_from_slot(void **state)
{
    (void)state;
    enum { N = 8 };
    struct fixture *fx = fx_new(N * WS_WHEEL_LANES);
    int64_t k = EPOCH / WS_WHEEL_TICK_US + 200;
    size_t slot = (size_t)k % WS_WHEEL_SLOTS;
    expect_nothing(fx, EPOCH);
    /* Seven in one slot (six this turn, one a turn later), one elsewhere. */
    for (uint32_t i = 0; i < 6; i++)
        arm(fx, SAME_LANE(i), TICK(k) + 100 * (i + 1));
    arm(fx, SAME_LANE(6), TICK(k + WS_WHEEL_SLOTS) + 1);
    arm(fx, SAME_LANE(7), TICK(k + 1) + 1);
    uint32_t list[N];
    assert_int_equal(lane_ids(fx, slot, 0, list, N), 7);
    assert_int_equal(fx->w.count, 8);

    /* Head, tail, then the middle of what is left. */
    uint32_t gone[3] = { list[0], list[6], list[3] };
    for (size_t i = 0; i < 3; i++) {
        ws_timers_cancel(&fx->w, gone[i]);
        assert_false(ws_timer_armed(&fx->t[gone[i]]));
        assert_int_equal(fx->w.count, 8 - (i + 1));
        check_wheel(fx);
    }
    uint32_t left[N];
    size_t nleft = lane_ids(fx, slot, 0, left, N);
    assert_int_equal(nleft, 4);
    /* The survivors keep their relative list order. */
    size_t j = 0;
    for (size_t i = 0; i < 7; i++)
        if (list[i] != gone[0] && list[i] != gone[1] && list[i] != gone[2])
            assert_int_equal(left[j++], list[i]);

    /* Cancelling again is a no-op. */
    ws_timers_cancel(&fx->w, gone[0]);
    ws_timers_cancel(&fx->w, gone[1]);
    assert_int_equal(fx->w.count, 5);
    check_wheel(fx);

    /* Cancel everything left in the slot, one by one from the head. */
    for (size_t i = 0; i < nleft; i++)
        ws_timers_cancel(&fx->w, left[i]);
    assert_int_equal(slot_ids(fx, slot, left, N), 0);
    assert_int_equal(fx->w.count, 1);
    check_wheel(fx);
    expect_nothing(fx, TICK(k + 1));
    expect_pop(fx, TICK(k + 1) + 1, SAME_LANE(7), TICK(k + 1) + 1);
    expect_nothing(fx, TICK(k + 3 * WS_WHEEL_SLOTS));
    fx_free(fx);
}

static void test_cancel_from_due_heap(void **state)
{
    (void)state;
    enum { N = 15 };
    struct fixture *fx = fx_new(N);
    int64_t k = EPOCH / WS_WHEEL_TICK_US + 1;
    expect_nothing(fx, TICK(k));
    /* id i at 1 + 61 * ((i * 7) % N) µs into the clock's tick: a scrambled
     * order, all straight into the due heap. */
    uint32_t by_time[N];
    for (uint32_t id = 0; id < N; id++) {
        uint32_t rank = (id * 7) % N;
        arm(fx, id, TICK(k) + 1 + 61 * rank);
        by_time[rank] = id;
        assert_true(in_due_heap(fx, id));
    }
    check_wheel(fx);
    bool cancelled[N] = { false };

    /* The earliest (the heap's root), the latest (a leaf), one in the
     * middle, and the one after the earliest (a child of the root). */
    static const size_t ranks[] = { 0, N - 1, N / 2, 1 };
    for (size_t i = 0; i < sizeof ranks / sizeof ranks[0]; i++) {
        uint32_t id = by_time[ranks[i]];
        ws_timers_cancel(&fx->w, id);
        cancelled[id] = true;
        assert_false(ws_timer_armed(&fx->t[id]));
        assert_int_equal(fx->w.count, N - (i + 1));
        check_wheel(fx);
    }
    ws_timers_cancel(&fx->w, by_time[0]);   /* twice: no-op */
    assert_int_equal(fx->w.count, N - 4);

    /* A cancelled timer armed again counts once and fires at its new time. */
    uint32_t again = by_time[N / 2];
    arm(fx, again, TICK(k) + 1 + 61 * (N - 1));   /* the latest's old place */
    cancelled[again] = false;
    by_time[N - 1] = again;
    by_time[N / 2] = WS_TIMER_NIL;
    assert_int_equal(fx->w.count, N - 3);
    check_wheel(fx);

    size_t fired = 0;
    for (size_t rank = 0; rank < N; rank++) {
        uint32_t id = by_time[rank];
        if (id == WS_TIMER_NIL || cancelled[id])
            continue;
        int64_t at = fx->real[id];
        expect_nothing(fx, at - 1);
        expect_pop(fx, at, id, at);
        fired++;
    }
    assert_int_equal(fired, N - 3);
    expect_nothing(fx, TICK(k + 5));
    assert_int_equal(fx->w.count, 0);
    check_wheel(fx);
    fx_free(fx);
}

static void test_cancel_unarmed_and_count(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(4);
    expect_nothing(fx, EPOCH);
    ws_timers_cancel(&fx->w, 0);             /* never armed */
    assert_int_equal(fx->w.count, 0);
    arm(fx, 0, EPOCH + TURN);
    arm(fx, 1, EPOCH + 5);
    assert_int_equal(fx->w.count, 2);
    arm(fx, 1, EPOCH + 3);                   /* re-arming does not count twice */
    arm(fx, 0, EPOCH + 2 * TURN);
    assert_int_equal(fx->w.count, 2);
    ws_timers_cancel(&fx->w, 3);
    assert_int_equal(fx->w.count, 2);
    expect_pop(fx, EPOCH + 3, 1, EPOCH + 3);
    assert_int_equal(fx->w.count, 1);
    ws_timers_cancel(&fx->w, 1);             /* already popped */
    assert_int_equal(fx->w.count, 1);
    ws_timers_cancel(&fx->w, 0);
    assert_int_equal(fx->w.count, 0);
    check_wheel(fx);
    expect_nothing(fx, EPOCH + 3 * TURN);
    assert_int_equal(fx->asked, 0);
    fx_free(fx);
}

/* ---- extreme times --------------------------------------------------------- */

/* Negative, zero and huge deadlines, including both sides of the point where
 * ticks stop fitting 32 bits (they share the last tick): nothing crashes and
 * each fires exactly when the clock reaches it. */
static void test_extreme_deadlines(void **state)
{
    (void)state;
    const int64_t clamp = (int64_t)UINT32_MAX << WS_WHEEL_TICK_SHIFT;   /* tick 2^32-1 */
    const int64_t d[] = {
        INT64_MIN, -TURN, -5, 0, 1,
        clamp - 1, clamp, clamp + 1,
        clamp + WS_WHEEL_TICK_US,                      /* tick 2^32 */
        clamp + TURN + 3,
        INT64_C(1) << 60, INT64_MAX - 1, INT64_MAX,
    };
    enum { N = sizeof d / sizeof d[0] };
    struct fixture *fx = fx_new(N);
    /* Armed from the highest down, so no order is accidental. */
    for (uint32_t id = N; id-- > 0;)
        arm(fx, id, d[id]);
    check_wheel(fx);

    expect_pop(fx, INT64_MIN, 0, INT64_MIN);
    expect_nothing(fx, -TURN - 1);
    expect_pop(fx, -TURN, 1, -TURN);
    expect_nothing(fx, -6);
    expect_pop(fx, -5, 2, -5);
    expect_nothing(fx, -1);
    expect_pop(fx, 0, 3, 0);
    expect_pop(fx, 1, 4, 1);
    expect_nothing(fx, clamp - 2);
    check_wheel(fx);
    expect_pop(fx, clamp - 1, 5, clamp - 1);
    expect_nothing(fx, clamp - 1);
    expect_pop(fx, clamp, 6, clamp);
    expect_nothing(fx, clamp);
    expect_pop(fx, clamp + 1, 7, clamp + 1);
    expect_nothing(fx, clamp + WS_WHEEL_TICK_US - 1);
    expect_pop(fx, clamp + WS_WHEEL_TICK_US, 8, clamp + WS_WHEEL_TICK_US);
    expect_nothing(fx, clamp + TURN + 2);
    expect_pop(fx, clamp + TURN + 3, 9, clamp + TURN + 3);
    check_wheel(fx);
    expect_nothing(fx, (INT64_C(1) << 60) - 1);
    expect_pop(fx, INT64_C(1) << 60, 10, INT64_C(1) << 60);
    expect_nothing(fx, INT64_MAX - 2);
    expect_pop(fx, INT64_MAX, 11, INT64_MAX - 1);
    expect_pop(fx, INT64_MAX, 12, INT64_MAX);
    expect_nothing(fx, INT64_MAX);
    assert_int_equal(fx->w.count, 0);

    /* With the clock at the very end, arming anything is due at once, and a
     * second pop at INT64_MAX is harmless. */
    arm(fx, 3, 0);
    arm(fx, 12, INT64_MAX);
    check_wheel(fx);
    expect_pop(fx, INT64_MAX, 3, 0);
    expect_pop(fx, INT64_MAX, 12, INT64_MAX);
    expect_nothing(fx, INT64_MAX);
    check_wheel(fx);
    fx_free(fx);
}

/* Past the 32-bit ticks, lazy moves and earlier arms still work exactly. */
static void test_beyond_clamp_lazy(void **state)
{
    (void)state;
    const int64_t clamp = (int64_t)UINT32_MAX << WS_WHEEL_TICK_SHIFT;
    struct fixture *fx = fx_new(3);
    expect_nothing(fx, clamp - TURN);
    arm(fx, 0, INT64_MAX);
    arm(fx, 1, clamp + 5 * TURN);
    arm(fx, 2, clamp + 3 * TURN);
    /* Earlier but still beyond the clamp: same stored tick, owner decides. */
    arm(fx, 0, clamp + 4 * TURN);
    /* Later, lazily. */
    fx->real[2] = clamp + 6 * TURN;
    expect_nothing(fx, clamp + 3 * TURN);
    expect_pop(fx, clamp + 4 * TURN, 0, clamp + 4 * TURN);
    expect_pop(fx, clamp + 5 * TURN, 1, clamp + 5 * TURN);
    expect_nothing(fx, clamp + 6 * TURN - 1);
    expect_pop(fx, clamp + 6 * TURN, 2, clamp + 6 * TURN);
    check_wheel(fx);
    fx_free(fx);
}

/* The clock never runs backwards: an earlier now only pops what was already
 * due at that earlier time, never pulls in later ticks. */
static void test_time_backwards(void **state)
{
    (void)state;
    struct fixture *fx = fx_new(4);
    int64_t k = EPOCH / WS_WHEEL_TICK_US + 10;
    expect_nothing(fx, EPOCH);
    arm(fx, 0, TICK(k) + 5);
    arm(fx, 1, TICK(k + 1) + 5);
    arm(fx, 2, TICK(k + 2) + 5);
    expect_pop(fx, TICK(k + 1), 0, TICK(k) + 5);
    uint64_t now_tick = fx->w.now_tick;
    expect_nothing(fx, TICK(k + 1) - 1);
    expect_nothing(fx, EPOCH);
    expect_nothing(fx, INT64_MIN);
    assert_int_equal(fx->w.now_tick, now_tick);
    assert_true(in_wheel(fx, 2));
    /* Armed into the past of the current clock: an earlier now still pops it
     * once that earlier now reaches its deadline. */
    arm(fx, 3, TICK(k) + 100);
    assert_true(in_due_heap(fx, 3));
    expect_nothing(fx, TICK(k) + 99);
    expect_pop(fx, TICK(k) + 100, 3, TICK(k) + 100);
    expect_nothing(fx, TICK(k + 1) + 4);
    expect_pop(fx, TICK(k + 1) + 5, 1, TICK(k + 1) + 5);
    expect_nothing(fx, TICK(k + 2) + 4);
    expect_pop(fx, TICK(k + 2) + 5, 2, TICK(k + 2) + 5);
    check_wheel(fx);
    fx_free(fx);
}

/* ---- randomized, against a linear-scan model ----------------------------- */

/* The model knows nothing of ticks: an armed timer fires at the owner's real
 * deadline, in (deadline, tiebreak) order.  The wheel side pops the way the
 * tracker does, re-arming a timer that comes up before its real deadline,
 * and the sequence of real firings must be the same. */

/* Armed id the model fires next by now, or -1. */
static long model_next(const struct fixture *fx, const bool *armed, int64_t now)
{
    long best = -1;
    for (size_t i = 0; i < fx->n; i++) {
        if (!armed[i] || fx->real[i] > now)
            continue;
        if (best < 0 || fx->real[i] < fx->real[best] ||
            (fx->real[i] == fx->real[best] && fx->tb[i] < fx->tb[best]))
            best = (long)i;
    }
    return best;
}

/* The wheel's next real firing by now, or WS_TIMER_NIL. */
static uint32_t wheel_next(struct fixture *fx, int64_t now, int64_t *at, size_t *rearmed)
{
    for (;;) {
        int64_t armed_for;
        uint32_t id = ws_timers_pop_due(&fx->w, now, &armed_for);
        if (id == WS_TIMER_NIL)
            return id;
        assert_true(id < fx->n);
        assert_false(ws_timer_armed(&fx->t[id]));
        assert_true(armed_for <= now);
        assert_true(armed_for <= fx->real[id]);   /* never later than the real one */
        if (fx->real[id] > armed_for) {
            assert_true(ws_timers_arm(&fx->w, id, fx->real[id], fx->tb[id]));
            (*rearmed)++;
            continue;
        }
        *at = armed_for;
        return id;
    }
}

struct random_stats {
    size_t arms, raises, cancels, advances, jumps, backwards, fired, rearmed, refired;
    size_t max_armed;
};

/* Fires everything due by now on both sides in lock step; a fired timer is
 * sometimes armed again a little later, as a flow changing state would be. */
static void advance_both(struct fixture *fx, bool *armed, int64_t now, uint64_t *seed,
                         bool rearm, struct random_stats *st)
{
    for (;;) {
        long want = model_next(fx, armed, now);
        int64_t at = 0;
        uint32_t got = wheel_next(fx, now, &at, &st->rearmed);
        if (want < 0) {
            assert_int_equal(got, WS_TIMER_NIL);
            return;
        }
        assert_int_equal(got, (uint32_t)want);
        assert_int_equal(at, fx->real[want]);
        armed[want] = false;
        st->fired++;
        if (rearm && xorshift64(seed) % 3 == 0) {
            int64_t d = now + 1 + (int64_t)(xorshift64(seed) % (2 * WS_WHEEL_TICK_US));
            arm(fx, got, d);
            armed[want] = true;
            st->refired++;
        }
    }
}

static void check_model(const struct fixture *fx, const bool *armed)
{
    size_t n_armed = 0;
    for (size_t i = 0; i < fx->n; i++) {
        assert_int_equal(ws_timer_armed(&fx->t[i]), armed[i]);
        n_armed += armed[i];
    }
    assert_int_equal(fx->w.count, n_armed);
    check_wheel(fx);
}

/* A deadline relative to the clock: mostly within a few hours, often in a
 * few crowded ticks, sometimes past, exactly turns ahead, or "never". */
static int64_t random_deadline(uint64_t *seed, int64_t clk)
{
    uint64_t r = xorshift64(seed);
    uint64_t x = xorshift64(seed);
    int64_t tick = clk >> WS_WHEEL_TICK_SHIFT;
    static const int64_t cluster[] = { 0, 1, 2, 5, 60, WS_WHEEL_SLOTS, WS_WHEEL_SLOTS + 1,
                                       2 * WS_WHEEL_SLOTS };
    switch (r % 10) {
    case 0: case 1: case 2:
        return clk + (int64_t)(x % (uint64_t)(3 * INT64_C(3600000000)));
    case 3: case 4:
        return TICK(tick + cluster[(r >> 8) % 8]) + (int64_t)(x % WS_WHEEL_TICK_US);
    case 5:
        return clk - WS_WHEEL_TICK_US + (int64_t)(x % (2 * WS_WHEEL_TICK_US));
    case 6:
        return clk + TURN * (1 + (int64_t)((r >> 8) % 2)) + (int64_t)(x % 4) - 2;
    case 7:
        return clk - (int64_t)(x % INT64_C(3600000000));
    case 8:
        if ((r >> 8) % 16 == 0)
            return (r >> 12) % 2 ? INT64_MAX : INT64_MAX - (int64_t)(x % 1000);
        /* fall through */
    default:
        return clk + (int64_t)(x % INT64_C(600000000));
    }
}

/* The k-th (mod how many) armed id due by the end of the clock's tick, or -1. */
static long pick_soon(const struct fixture *fx, const bool *armed, int64_t clk, uint64_t k)
{
    int64_t end = TICK((clk >> WS_WHEEL_TICK_SHIFT) + 1);
    size_t count = 0;
    for (size_t i = 0; i < fx->n; i++)
        count += armed[i] && fx->real[i] < end;
    if (count == 0)
        return -1;
    k %= count;
    for (size_t i = 0; i < fx->n; i++)
        if (armed[i] && fx->real[i] < end && k-- == 0)
            return (long)i;
    return -1;
}

static void run_randomized(uint64_t seed, int64_t start, size_t n, size_t ops)
{
    struct fixture *fx = fx_new(n);
    bool *armed = calloc(n, sizeof *armed);
    assert_non_null(armed);
    /* Tiebreaks are a permutation of 0..n-1, unrelated to the id. */
    for (size_t i = 0; i < n; i++)
        fx->tb[i] = (i * 7919) % n;
    struct random_stats st = { 0 };
    int64_t clk = start;
    uint32_t last_cancelled = WS_TIMER_NIL;
    advance_both(fx, armed, clk, &seed, false, &st);

    for (size_t op = 0; op < ops; op++) {
        uint64_t r = xorshift64(&seed);
        uint32_t id = (uint32_t)(xorshift64(&seed) % n);
        switch (r % 20) {
        case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
            /* Arm: the owner's deadline becomes d, earlier or later than
             * what the timer is armed for (later is left to laziness).
             * Sometimes the timer just cancelled, to catch leftovers of
             * where it was before. */
            if ((r >> 8) % 4 == 0 && last_cancelled != WS_TIMER_NIL)
                id = last_cancelled;
            arm(fx, id, random_deadline(&seed, clk));
            armed[id] = true;
            st.arms++;
            break;
        case 8: case 9: case 10:
            /* The owner's deadline moves later without re-arming.  Half the
             * time it is one due by the end of the clock's tick, so likely
             * already in the due heap, where a timer pops before its real
             * deadline and has to be re-armed. */
            if ((r >> 8) % 2) {
                long soon = pick_soon(fx, armed, clk, r >> 9);
                if (soon >= 0)
                    id = (uint32_t)soon;
            }
            if (armed[id] && fx->real[id] < INT64_MAX - 2 * TURN) {
                uint64_t x = xorshift64(&seed);
                switch (x % 4) {
                case 0: fx->real[id] += (int64_t)((x >> 2) % 1000); break;
                case 1: fx->real[id] += (int64_t)((x >> 2) % (4 * WS_WHEEL_TICK_US)); break;
                case 2: fx->real[id] += (int64_t)((x >> 2) % INT64_C(3600000000)); break;
                default: fx->real[id] += TURN; break;
                }
                st.raises++;
            }
            break;
        case 11: case 12: case 13:
            /* Half the time one due by the end of the tick. */
            if ((r >> 8) % 2) {
                long soon = pick_soon(fx, armed, clk, r >> 9);
                if (soon >= 0)
                    id = (uint32_t)soon;
            }
            ws_timers_cancel(&fx->w, id);
            last_cancelled = id;
            armed[id] = false;
            st.cancels++;
            break;
        default: {
            /* Mostly small steps, so timers pile up (several hundred
             * armed, spread over a few turns) before one of the rare
             * jumps of one to three turns sweeps part of them. */
            uint64_t x = xorshift64(&seed);
            uint64_t pick = x % 1000;
            x >>= 10;
            int64_t now;
            if (pick < 2) {
                clk += TURN + (int64_t)(x % (uint64_t)(2 * TURN));
                now = clk;
                st.jumps++;
            } else if (pick < 40) {   /* backwards: the clock stays, now looks earlier */
                now = clk - (int64_t)(x % INT64_C(3600000000));
                st.backwards++;
            } else if (pick < 55) {   /* minutes */
                clk += (int64_t)(x % INT64_C(300000000));
                now = clk;
            } else if (pick < 180) {  /* the same now again */
                now = clk;
            } else {                  /* within a tick or a few */
                clk += (int64_t)(x % (3 * WS_WHEEL_TICK_US));
                now = clk;
            }
            advance_both(fx, armed, now, &seed, true, &st);
            st.advances++;
            break;
        }
        }
        assert_int_equal(ws_timer_armed(&fx->t[id]), armed[id]);
        if (fx->w.count > st.max_armed)
            st.max_armed = fx->w.count;
        if (op % 250 == 0)
            check_model(fx, armed);
    }
    check_model(fx, armed);

    /* Everything left, including the "never"s, fires at the end of time. */
    advance_both(fx, armed, INT64_MAX, &seed, false, &st);
    check_model(fx, armed);
    assert_int_equal(fx->w.count, 0);

    /* Every kind of event happened often enough to mean something. */
    assert_true(st.arms > ops / 4 && st.cancels > ops / 20 && st.raises > ops / 50);
    assert_true(st.fired > ops / 10 && st.refired > ops / 100 && st.rearmed > ops / 100);
    assert_true(st.jumps >= 5 && st.backwards > ops / 200);
    assert_true(st.max_armed > n / 8);
    free(armed);
    fx_free(fx);
}

static void test_randomized_realistic_clock(void **state)
{
    (void)state;
    run_randomized(0x9e3779b97f4a7c15ULL, EPOCH, 2000, 20000);
}

/* The clock starting at zero, so deadlines go negative too. */
static void test_randomized_from_zero(void **state)
{
    (void)state;
    run_randomized(0x0123456789abcdefULL, 0, 2000, 20000);
}

/* Few ids, so the same timers are moved, raised and cancelled over and over. */
static void test_randomized_crowded(void **state)
{
    (void)state;
    run_randomized(0xfeedfacecafebeefULL, EPOCH + 777, 40, 20000);
}

/* ---- lanes ------------------------------------------------------------------
 *
 * A slot is WS_WHEEL_LANES lists, a timer's lane chosen by its id, drained
 * side by side.  Which lane a timer is in must never show in when it fires. */

/* Ids in a slot's lane are exactly want[0..n), head first. */
static void expect_lane(const struct fixture *fx, size_t slot, size_t lane, const uint32_t *want,
                        size_t n)
{
    uint32_t got[64];
    assert_true(n <= 64);
    assert_int_equal(lane_ids(fx, slot, lane, got, 64), n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(got[i], want[i]);
}

/* Drops want[i] from a lane's expected list, keeping the others' order. */
static void drop_at(uint32_t *want, size_t *n, size_t i)
{
    memmove(want + i, want + i + 1, (*n - i - 1) * sizeof *want);
    (*n)--;
}

/* Pops everything due by now, checking that it comes out in the model's
 * (deadline, tiebreak) order and that nothing else is due. */
static void expect_model_order(struct fixture *fx, bool *armed, int64_t now)
{
    long want;
    while ((want = model_next(fx, armed, now)) >= 0) {
        expect_pop(fx, now, (uint32_t)want, fx->real[want]);
        armed[want] = false;
    }
    expect_nothing(fx, now);
}

/* Ids sorted by the owner's (deadline, tiebreak): the order they must fire in. */
static void sort_by_deadline(const struct fixture *fx, uint32_t *ids, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t x = ids[i];
        size_t j = i;
        for (; j > 0; j--) {
            uint32_t y = ids[j - 1];
            if (fx->real[y] < fx->real[x] || (fx->real[y] == fx->real[x] && fx->tb[y] < fx->tb[x]))
                break;
            ids[j] = y;
        }
        ids[j] = x;
    }
}

/* One slot's timers over every lane but one, the lanes of very different
 * lengths, with few distinct deadlines so the tiebreak decides most of the
 * order; some moved lazily to later ticks, one to the same slot a turn later.
 * Walking the lanes side by side changes nothing: the timers fire in exact
 * (deadline, tiebreak) order, each deadline asked for once. */
static void test_lanes_exact_order(void **state)
{
    (void)state;
    enum { PER_LANE = 40, N = PER_LANE * WS_WHEEL_LANES, EMPTY_LANE = 5 };
    struct fixture *fx = fx_new(N);
    int64_t k = EPOCH / WS_WHEEL_TICK_US + 20;
    size_t slot = (size_t)k % WS_WHEEL_SLOTS;
    uint64_t seed = 0x1a7e5;
    for (size_t i = 0; i < N; i++)
        fx->tb[i] = (i * 7919) % N;   /* a permutation unrelated to ids and lanes */
    expect_nothing(fx, EPOCH);

    uint32_t ids[N], moved[N];
    size_t n = 0, n_moved = 0, per_lane[WS_WHEEL_LANES] = { 0 };
    for (uint32_t id = 0; id < N; id++) {
        size_t lane = id % WS_WHEEL_LANES, rank = id / WS_WHEEL_LANES;
        /* Lane 0 full, lane l holds 2 + l, one lane empty. */
        if (lane == EMPTY_LANE || (lane > 0 && rank >= 2 + lane))
            continue;
        arm(fx, id, TICK(k) + (int64_t)(xorshift64(&seed) % 8) * 1000);
        per_lane[lane]++;
        if (n % 9 == 4) {
            fx->real[id] = n % 2 ? TICK(k + 1 + n % 3) + (int64_t)n : TICK(k + WS_WHEEL_SLOTS) + (int64_t)n;
            moved[n_moved++] = id;
        } else {
            ids[n++] = id;
        }
    }
    for (size_t lane = 0; lane < WS_WHEEL_LANES; lane++) {
        uint32_t list[PER_LANE];
        assert_int_equal(lane_ids(fx, slot, lane, list, PER_LANE), per_lane[lane]);
    }
    assert_int_equal(per_lane[EMPTY_LANE], 0);
    assert_int_equal(per_lane[0], PER_LANE);
    check_wheel(fx);

    sort_by_deadline(fx, ids, n);
    size_t asked = fx->asked;
    for (size_t i = 0; i < n; i++) {
        int64_t d = fx->real[ids[i]];
        if (i == 0 || d != fx->real[ids[i - 1]])
            expect_nothing(fx, d - 1);
        expect_pop(fx, d, ids[i], d);
        if (i == 0) {
            /* The whole slot was drained at once: every timer asked once,
             * the moved ones back in the wheel, in their own lanes. */
            assert_int_equal(fx->asked - asked, n + n_moved);
            for (size_t j = 0; j < n_moved; j++)
                assert_true(in_wheel(fx, moved[j]));
            check_wheel(fx);
        }
    }
    expect_nothing(fx, TICK(k + 1) - 1);
    assert_int_equal(fx->w.count, n_moved);

    /* The moved ones, in order, in their later ticks and turn. */
    sort_by_deadline(fx, moved, n_moved);
    for (size_t j = 0; j < n_moved; j++) {
        expect_nothing(fx, fx->real[moved[j]] - 1);
        expect_pop(fx, fx->real[moved[j]], moved[j], fx->real[moved[j]]);
    }
    assert_int_equal(fx->asked - asked, n + 2 * n_moved);
    assert_int_equal(fx->w.count, 0);
    check_wheel(fx);
    fx_free(fx);
}

/* Cancelling and moving timers at the head, middle and tail of some lanes
 * leaves the slot's other lanes exactly as they were; a timer moved to
 * another slot lands in the same lane there; everything then fires in
 * order. */
static void test_lanes_cancel_and_move(void **state)
{
    (void)state;
    enum { PER_LANE = 4, N = PER_LANE * WS_WHEEL_LANES };
    struct fixture *fx = fx_new(N);
    bool armed[N] = { false };
    int64_t k = EPOCH / WS_WHEEL_TICK_US + 50;
    size_t slot = (size_t)k % WS_WHEEL_SLOTS, early = (size_t)(k - 30) % WS_WHEEL_SLOTS;
    expect_nothing(fx, EPOCH);
    for (uint32_t id = 0; id < N; id++) {
        arm(fx, id, TICK(k) + 1000 * (int64_t)((id * 13) % N));
        armed[id] = true;
    }
    uint32_t want[WS_WHEEL_LANES][PER_LANE];
    size_t len[WS_WHEEL_LANES];
    for (size_t lane = 0; lane < WS_WHEEL_LANES; lane++)
        len[lane] = lane_ids(fx, slot, lane, want[lane], PER_LANE);

    /* Lane 3's head cancelled, lane 6's tail, lane 1's middle. */
    static const size_t cancel[][2] = { { 3, 0 }, { 6, PER_LANE - 1 }, { 1, 2 } };
    uint32_t cancelled[3];
    for (size_t c = 0; c < 3; c++) {
        size_t lane = cancel[c][0];
        uint32_t id = want[lane][cancel[c][1]];
        ws_timers_cancel(&fx->w, id);
        armed[id] = false;
        cancelled[c] = id;
        drop_at(want[lane], &len[lane], cancel[c][1]);
        for (size_t l = 0; l < WS_WHEEL_LANES; l++)
            expect_lane(fx, slot, l, want[l], len[l]);
        check_wheel(fx);
    }

    /* Lane 2's middle and lane 7's tail to an earlier slot: each the only
     * timer of its own lane there. */
    uint32_t m2 = want[2][1], t7 = want[7][len[7] - 1];
    arm(fx, m2, TICK(k - 30) + 5);
    drop_at(want[2], &len[2], 1);
    arm(fx, t7, TICK(k - 30) + 5);   /* the same deadline: the tiebreak decides */
    drop_at(want[7], &len[7], len[7] - 1);
    for (size_t l = 0; l < WS_WHEEL_LANES; l++) {
        expect_lane(fx, slot, l, want[l], len[l]);
        uint32_t only = l == 2 ? m2 : t7;
        expect_lane(fx, early, l, &only, l == 2 || l == 7);
    }
    /* Lane 4's head earlier within its own tick: it stays where it is. */
    arm(fx, want[4][0], TICK(k) + 1);
    expect_lane(fx, slot, 4, want[4], len[4]);
    /* Lane 0's head straight into the due heap. */
    uint32_t h0 = want[0][0];
    arm(fx, h0, EPOCH);
    assert_true(in_due_heap(fx, h0));
    drop_at(want[0], &len[0], 0);
    for (size_t l = 0; l < WS_WHEEL_LANES; l++)
        expect_lane(fx, slot, l, want[l], len[l]);
    check_wheel(fx);

    /* Lane 5 emptied from the head, then a cancelled timer of lane 3 armed
     * again becomes its lane's head. */
    while (len[5] > 0) {
        ws_timers_cancel(&fx->w, want[5][0]);
        armed[want[5][0]] = false;
        drop_at(want[5], &len[5], 0);
    }
    arm(fx, cancelled[0], TICK(k) + 77);
    armed[cancelled[0]] = true;
    memmove(want[3] + 1, want[3], len[3] * sizeof want[3][0]);
    want[3][0] = cancelled[0];
    len[3]++;
    for (size_t l = 0; l < WS_WHEEL_LANES; l++)
        expect_lane(fx, slot, l, want[l], len[l]);
    check_wheel(fx);

    expect_model_order(fx, armed, EPOCH);
    expect_model_order(fx, armed, TICK(k - 30) + 5);
    expect_model_order(fx, armed, TICK(k + 1) - 1);
    for (uint32_t id = 0; id < N; id++)
        assert_false(armed[id]);
    assert_int_equal(fx->w.count, 0);
    check_wheel(fx);
    fx_free(fx);
}

/* Every timer of a slot in one lane, the others empty: a single list walked
 * alone, still in exact µs order; and one lane in several slots drained by
 * one jump of the clock. */
static void test_lanes_one_used(void **state)
{
    (void)state;
    enum { M = 200, LANE = 3 };
    struct fixture *fx = fx_new(M * WS_WHEEL_LANES);
    int64_t k = EPOCH / WS_WHEEL_TICK_US + 9;
    size_t slot = (size_t)k % WS_WHEEL_SLOTS;
    uint64_t seed = 0x0e1a;
    expect_nothing(fx, EPOCH);
    uint32_t ids[M];
    for (uint32_t i = 0; i < M; i++) {
        ids[i] = i * WS_WHEEL_LANES + LANE;
        arm(fx, ids[i], TICK(k) + (int64_t)(xorshift64(&seed) % WS_WHEEL_TICK_US));
    }
    uint32_t list[M];
    for (size_t lane = 0; lane < WS_WHEEL_LANES; lane++)
        assert_int_equal(lane_ids(fx, slot, lane, list, M), lane == LANE ? M : 0);
    check_wheel(fx);
    sort_by_deadline(fx, ids, M);
    for (size_t i = 0; i < M; i++) {
        int64_t d = fx->real[ids[i]];
        if (i == 0 || d != fx->real[ids[i - 1]])
            expect_nothing(fx, d - 1);
        expect_pop(fx, d, ids[i], d);
    }
    assert_int_equal(fx->asked, M);

    /* The same lane over ten slots, then one jump past them all. */
    for (uint32_t i = 0; i < M; i++)
        arm(fx, ids[i], TICK(k + 2 + i % 10) + (int64_t)(xorshift64(&seed) % WS_WHEEL_TICK_US));
    check_wheel(fx);
    sort_by_deadline(fx, ids, M);
    for (size_t i = 0; i < M; i++)
        expect_pop(fx, TICK(k + 20), ids[i], fx->real[ids[i]]);
    expect_nothing(fx, TICK(k + 20));
    assert_int_equal(fx->w.count, 0);
    check_wheel(fx);
    fx_free(fx);
}

/* The due heap's hints name the next timer to pop, and the one after among
 * the next two; past the heap's end, or with nothing due, WS_TIMER_NIL.  A
 * cancelled timer's entry may stay named: only a hint. */
static void test_due_hint(void **state)
{
    (void)state;
    enum { N = 12 };
    struct fixture *fx = fx_new(N);
    int64_t k = EPOCH / WS_WHEEL_TICK_US + 6;
    expect_nothing(fx, EPOCH);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(ws_timers_due_hint(&fx->w, i), WS_TIMER_NIL);
    /* In the wheel only: nothing in the due heap to name until the tick. */
    bool armed[N];
    for (uint32_t id = 0; id < N; id++) {
        arm(fx, id, TICK(k) + 100 + 100 * (int64_t)((id * 5) % N));
        armed[id] = true;
    }
    assert_int_equal(ws_timers_due_hint(&fx->w, 0), WS_TIMER_NIL);
    expect_nothing(fx, TICK(k));

    int64_t now = TICK(k + 1) - 1;
    for (size_t popped = 0; popped < N; popped++) {
        long want = model_next(fx, armed, now);
        assert_int_equal(ws_timers_due_hint(&fx->w, 0), (uint32_t)want);
        armed[want] = false;
        long after = model_next(fx, armed, now);
        if (after >= 0)
            assert_true(ws_timers_due_hint(&fx->w, 1) == (uint32_t)after ||
                        ws_timers_due_hint(&fx->w, 2) == (uint32_t)after);
        else
            assert_int_equal(ws_timers_due_hint(&fx->w, 1), WS_TIMER_NIL);
        expect_pop(fx, now, (uint32_t)want, fx->real[want]);
    }
    expect_nothing(fx, now);
    assert_int_equal(ws_timers_due_hint(&fx->w, 0), WS_TIMER_NIL);

    /* Two straight into the due heap, the first cancelled: still named. */
    arm(fx, 3, now - 10);
    arm(fx, 4, now - 5);
    assert_int_equal(ws_timers_due_hint(&fx->w, 0), 3);
    ws_timers_cancel(&fx->w, 3);
    assert_int_equal(ws_timers_due_hint(&fx->w, 0), 3);
    expect_pop(fx, now, 4, now - 5);
    assert_int_equal(ws_timers_due_hint(&fx->w, 0), WS_TIMER_NIL);
    fx_free(fx);
}

/* ---- ids differing only in their high bits ----
 *
 * The lane comes from an id's low bits, so such ids share a lane.  Ids up to
 * WS_TIMER_MAX_ID need an owner that is not an array indexed by id. */

enum { SPARSE_N = 7 };

struct sparse_owner {
    uint32_t id[SPARSE_N];
    struct ws_timer t[SPARSE_N];
    int64_t real[SPARSE_N];
};

static size_t sparse_index(const struct sparse_owner *o, uint32_t id)
{
    for (size_t i = 0; i < SPARSE_N; i++)
        if (o->id[i] == id)
            return i;
    fail_msg("unknown id %u", (unsigned)id);
    return 0;
}

static struct ws_timer *sparse_timer(void *ctx, uint32_t id)
{
    struct sparse_owner *o = ctx;
    return &o->t[sparse_index(o, id)];
}

static void sparse_deadline(void *ctx, uint32_t id, int64_t *deadline, uint64_t *tiebreak)
{
    struct sparse_owner *o = ctx;
    size_t i = sparse_index(o, id);
    *deadline = o->real[i];
    *tiebreak = i;
}

static void test_lanes_high_bits(void **state)
{
    (void)state;
    /* All ≡ WS_TIMER_MAX_ID modulo the lanes; the last ends in the same
     * bits but is the largest id there is. */
    const uint32_t low = WS_TIMER_MAX_ID & (WS_WHEEL_LANES - 1);
    struct sparse_owner o = { 0 };
    const uint32_t ids[SPARSE_N] = {
        low, low + WS_WHEEL_LANES, low + (UINT32_C(1) << 12), low + (UINT32_C(1) << 20),
        low + (UINT32_C(1) << 31), low + (UINT32_C(0xffffff) << 8), WS_TIMER_MAX_ID,
    };
    int64_t k = EPOCH / WS_WHEEL_TICK_US + 4;
    size_t slot = (size_t)k % WS_WHEEL_SLOTS;
    for (size_t i = 0; i < SPARSE_N; i++) {
        assert_int_equal(ids[i] % WS_WHEEL_LANES, low);
        o.id[i] = ids[i];
        o.t[i] = WS_TIMER_UNARMED;
        o.real[i] = TICK(k) + 100 * (int64_t)(SPARSE_N - i);   /* the last first */
    }
    struct ws_timers w;
    struct ws_timer_owner owner = { .ctx = &o, .timer = sparse_timer, .deadline = sparse_deadline };
    assert_true(ws_timers_init(&w, owner));
    int64_t armed_for;
    assert_int_equal(ws_timers_pop_due(&w, EPOCH, &armed_for), WS_TIMER_NIL);
    for (size_t i = 0; i < SPARSE_N; i++)
        assert_true(ws_timers_arm(&w, ids[i], o.real[i], i));

    /* One list, newest first, every id intact. */
    uint32_t id = w.head[ws_timers_list_of((uint32_t)k, ids[0])];
    for (size_t i = SPARSE_N; i-- > 0;) {
        assert_int_equal(id, ids[i]);
        id = o.t[i].next;
    }
    assert_int_equal(id, WS_TIMER_NIL);
    for (size_t lane = 0; lane < WS_WHEEL_LANES; lane++)
        if (lane != low)
            assert_int_equal(w.head[slot * WS_WHEEL_LANES + lane], WS_TIMER_NIL);

    /* The middle one cancelled, the list's tail moved earlier. */
    ws_timers_cancel(&w, ids[3]);
    assert_true(ws_timers_arm(&w, ids[0], TICK(k - 1), 0));
    o.real[0] = TICK(k - 1);
    assert_int_equal(w.count, SPARSE_N - 1);
    assert_int_equal(ws_timers_pop_due(&w, TICK(k - 1), &armed_for), ids[0]);
    assert_int_equal(armed_for, TICK(k - 1));
    for (size_t i = SPARSE_N; i-- > 1;) {
        if (i == 3)
            continue;
        assert_int_equal(ws_timers_pop_due(&w, TICK(k + 1), &armed_for), ids[i]);
        assert_int_equal(armed_for, o.real[i]);
    }
    assert_int_equal(ws_timers_pop_due(&w, TICK(k + 1), &armed_for), WS_TIMER_NIL);
    assert_int_equal(w.count, 0);
    ws_timers_free(&w);
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
        cmocka_unit_test(test_wheel_empty),
        cmocka_unit_test(test_arm_pop_basic),
        cmocka_unit_test(test_tick_boundaries),
        cmocka_unit_test(test_tiebreak_order),
        cmocka_unit_test(test_same_tick_exact_order),
        cmocka_unit_test(test_across_ticks_and_turns),
        cmocka_unit_test(test_clock_jump_turns),
        cmocka_unit_test(test_arm_later_is_noop),
        cmocka_unit_test(test_arm_earlier_in_wheel),
        cmocka_unit_test(test_arm_earlier_same_tick_in_wheel),
        cmocka_unit_test(test_arm_earlier_in_due_heap),
        cmocka_unit_test(test_lazy_later_tick),
        cmocka_unit_test(test_lazy_same_tick),
        cmocka_unit_test(test_lazy_in_due_heap),
        cmocka_unit_test(test_cancel_from_slot),
        cmocka_unit_test(test_cancel_from_due_heap),
        cmocka_unit_test(test_cancel_unarmed_and_count),
        cmocka_unit_test(test_extreme_deadlines),
        cmocka_unit_test(test_beyond_clamp_lazy),
        cmocka_unit_test(test_time_backwards),
        cmocka_unit_test(test_randomized_realistic_clock),
        cmocka_unit_test(test_randomized_from_zero),
        cmocka_unit_test(test_randomized_crowded),
        cmocka_unit_test(test_lanes_exact_order),
        cmocka_unit_test(test_lanes_cancel_and_move),
        cmocka_unit_test(test_lanes_one_used),
        cmocka_unit_test(test_lanes_high_bits),
        cmocka_unit_test(test_due_hint),
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
