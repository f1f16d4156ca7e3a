/* test_spsc_ring.c - the ring between two threads: items arrive once, in
 * order, intact; reading ahead keeps unreleased slots valid; closing ends
 * the stream after the last item; abandoning frees a waiting producer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "wirestate/spsc_ring.h"

struct item {
    uint64_t n;
    uint64_t check;   /* a function of n: a torn or stale slot shows */
    char pad[40];
};

static uint64_t check_of(uint64_t n)
{
    return n * 0x9e3779b97f4a7c15ULL ^ 0x5bd1e995;
}

struct producer {
    struct ws_ring *ring;
    uint64_t count;
    uint64_t pushed;       /* how many went in before the end or abandonment */
    unsigned flush_every;  /* 0: never flush by hand */
};

static void *produce(void *arg)
{
    struct producer *p = arg;
    for (uint64_t n = 0; n < p->count; n++) {
        struct item *it = ws_ring_slot(p->ring);
        if (!it)
            break;
        it->n = n;
        it->check = check_of(n);
        memset(it->pad, (int)(n & 0x7f), sizeof it->pad);
        ws_ring_push(p->ring);
        p->pushed++;
        if (p->flush_every && n % p->flush_every == 0)
            ws_ring_flush(p->ring);
    }
    ws_ring_close(p->ring);
    return NULL;
}

static void expect_item(const struct item *it, uint64_t n)
{
    assert_non_null(it);
    assert_int_equal(it->n, n);
    assert_int_equal(it->check, check_of(n));
    assert_int_equal(it->pad[39], (char)(n & 0x7f));
}

static void run_in_order(size_t slots, uint64_t count, unsigned flush_every)
{
    struct ws_ring *r = ws_ring_new(sizeof(struct item), slots);
    assert_non_null(r);
    struct producer p = { .ring = r, .count = count, .flush_every = flush_every };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, produce, &p), 0);
    uint64_t n = 0;
    const struct item *it;
    while ((it = ws_ring_next(r)) != NULL) {
        expect_item(it, n++);
        ws_ring_release(r);
    }
    pthread_join(t, NULL);
    assert_int_equal(n, count);
    assert_null(ws_ring_next(r));   /* the end stays the end */
    ws_ring_free(r);
}

static void test_items_arrive_in_order(void **state)
{
    (void)state;
    run_in_order(1024, 200000, 0);
    run_in_order(4, 50000, 0);       /* the smallest ring: a hand-over per item */
    run_in_order(64, 50000, 7);      /* flushes between the automatic hand-overs */
    run_in_order(16, 0, 0);          /* nothing at all */
}

/* The consumer holds a window of items before releasing the oldest (what the
 * tracker does to prefetch ahead): held slots are never overwritten. */
static void test_read_ahead_keeps_held_slots(void **state)
{
    (void)state;
    enum { WINDOW = 3, COUNT = 100000 };
    struct ws_ring *r = ws_ring_new(sizeof(struct item), 8);
    struct producer p = { .ring = r, .count = COUNT };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, produce, &p), 0);
    const struct item *held[WINDOW];
    uint64_t first = 0, next = 0;
    size_t n_held = 0;
    for (;;) {
        while (n_held < WINDOW) {
            const struct item *it = ws_ring_next_ready(r);
            if (!it)
                it = ws_ring_next(r);
            if (!it)
                break;
            expect_item(it, next++);
            held[(first + n_held++) % WINDOW] = it;
        }
        if (n_held == 0)
            break;
        expect_item(held[first % WINDOW], first);   /* still intact */
        first++;
        n_held--;
        ws_ring_release(r);
    }
    pthread_join(t, NULL);
    assert_int_equal(first, COUNT);
    ws_ring_free(r);
}

/* A producer blocked on a full ring is freed by ws_ring_abandon(). */
static void test_abandon_frees_the_producer(void **state)
{
    (void)state;
    struct ws_ring *r = ws_ring_new(sizeof(struct item), 16);
    struct producer p = { .ring = r, .count = 1000000 };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, produce, &p), 0);
    for (uint64_t n = 0; n < 10; n++) {
        expect_item(ws_ring_next(r), n);
        ws_ring_release(r);
    }
    nanosleep(&(struct timespec){ .tv_nsec = 2 * 1000 * 1000 }, NULL);   /* let it fill up */
    ws_ring_abandon(r);
    assert_true(ws_ring_abandoned(r));
    pthread_join(t, NULL);   /* returns: the producer got NULL */
    assert_true(p.pushed < p.count);
    ws_ring_free(r);
}

/* ws_ring_wait_consumed() returns once everything pushed is released. */
struct slow_consumer {
    struct ws_ring *ring;
    uint64_t seen;
};

static void *consume_slowly(void *arg)
{
    struct slow_consumer *c = arg;
    const struct item *it;
    while ((it = ws_ring_next(c->ring)) != NULL) {
        expect_item(it, c->seen);
        if (c->seen % 64 == 0)
            nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 }, NULL);
        __atomic_store_n(&c->seen, c->seen + 1, __ATOMIC_RELEASE);
        ws_ring_release(c->ring);
    }
    return NULL;
}

static void test_wait_consumed(void **state)
{
    (void)state;
    struct ws_ring *r = ws_ring_new(sizeof(struct item), 128);
    struct slow_consumer c = { .ring = r };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, consume_slowly, &c), 0);
    uint64_t n = 0;
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 300 + round; i++, n++) {
            struct item *it = ws_ring_slot(r);
            it->n = n;
            it->check = check_of(n);
            memset(it->pad, (int)(n & 0x7f), sizeof it->pad);
            ws_ring_push(r);
        }
        ws_ring_wait_consumed(r);
        assert_int_equal(__atomic_load_n(&c.seen, __ATOMIC_ACQUIRE), n);
    }
    ws_ring_wait_consumed(r);   /* nothing new: returns at once */
    ws_ring_close(r);
    pthread_join(t, NULL);
    assert_int_equal(c.seen, n);
    ws_ring_free(r);
}

/* A consumer that always finds items never counts as starved (one thread
 * plays both sides, so nobody ever waits). */
static void test_busy_consumer_not_starved(void **state)
{
    (void)state;
    struct ws_ring *r = ws_ring_new(sizeof(struct item), 8);
    assert_non_null(r);
    assert_false(ws_ring_consumer_starved(r));
    for (int run = 0; run < 3; run++) {
        for (int k = 0; k < 2; k++) {
            struct item *it = ws_ring_slot(r);
            it->n = (uint64_t)k;
            ws_ring_push(r);
        }
        ws_ring_flush(r);
        assert_non_null(ws_ring_next(r));
        ws_ring_release(r);
        assert_non_null(ws_ring_next(r));
        ws_ring_release(r);
        assert_false(ws_ring_consumer_starved(r));
    }
    ws_ring_free(r);
}

struct starving {
    struct ws_ring *r;
    atomic_bool got;
};

static void *read_one(void *arg)
{
    struct starving *s = arg;
    struct item *it = ws_ring_next(s->r);
    atomic_store(&s->got, it != NULL && it->n == 7);
    ws_ring_release(s->r);
    return NULL;
}

/* A consumer that waits for the producer makes the producer's next
 * hand-over say so, and only that one. */
static void test_waiting_consumer_starved(void **state)
{
    (void)state;
    struct starving s = { .r = ws_ring_new(sizeof(struct item), 8) };
    assert_non_null(s.r);
    atomic_init(&s.got, false);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, read_one, &s), 0);
    /* The reader thread finds the ring empty and waits; give it the time
     * to get there (if it has not, the first check below fails loudly). */
    struct timespec pause = { .tv_sec = 0, .tv_nsec = 200 * 1000 * 1000 };
    nanosleep(&pause, NULL);
    struct item *it = ws_ring_slot(s.r);
    it->n = 7;
    ws_ring_push(s.r);
    ws_ring_flush(s.r);
    assert_true(ws_ring_consumer_starved(s.r));
    pthread_join(t, NULL);
    assert_true(atomic_load(&s.got));
    /* Nobody waited since: the next hand-over clears it. */
    ws_ring_flush(s.r);
    assert_false(ws_ring_consumer_starved(s.r));
    ws_ring_free(s.r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_items_arrive_in_order),
        cmocka_unit_test(test_read_ahead_keeps_held_slots),
        cmocka_unit_test(test_abandon_frees_the_producer),
        cmocka_unit_test(test_wait_consumed),
        cmocka_unit_test(test_busy_consumer_not_starved),
        cmocka_unit_test(test_waiting_consumer_starved),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
