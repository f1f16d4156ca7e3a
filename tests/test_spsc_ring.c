/* test_spsc_ring.c - the ring between two threads: items arrive once, in
 * order, intact; reading ahead keeps unreleased slots valid; closing ends
 * the stream after the last item; abandoning frees a waiting producer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
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

/* The producer's view of how far ahead it is: what it pushed minus what the
 * consumer gave back, as of the last hand-over (one thread plays both). */
static void test_backlog_as_of_last_hand_over(void **state)
{
    (void)state;
    struct ws_ring *r = ws_ring_new(sizeof(struct item), 6);   /* rounds up to 8 */
    assert_non_null(r);
    assert_int_equal(ws_ring_size(r), 8);
    assert_int_equal(ws_ring_backlog(r), 0);
    for (uint64_t n = 0; n < 3; n++) {
        struct item *it = ws_ring_slot(r);
        it->n = n;
        ws_ring_push(r);
    }
    assert_int_equal(ws_ring_backlog(r), 3);   /* nothing given back yet */
    ws_ring_flush(r);
    assert_non_null(ws_ring_next(r));
    assert_non_null(ws_ring_next(r));
    ws_ring_release(r);
    ws_ring_release(r);
    /* Released items count as given back once they are handed over, which
     * the consumer does every quarter of the ring (here every 2). */
    ws_ring_flush(r);
    assert_int_equal(ws_ring_backlog(r), 1);
    ws_ring_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_items_arrive_in_order),
        cmocka_unit_test(test_read_ahead_keeps_held_slots),
        cmocka_unit_test(test_abandon_frees_the_producer),
        cmocka_unit_test(test_wait_consumed),
        cmocka_unit_test(test_backlog_as_of_last_hand_over),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
