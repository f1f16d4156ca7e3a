/* spsc_ring.c - single producer, single consumer, handed over in runs.
 *
 * Positions count items since the start (64-bit, they do not wrap); an
 * item's slot is its position & mask.
 *   producer's own:  pushed (filled), published_local, consumed_seen,
 *                    consumer_starved
 *   consumer's own:  read, released, released_reported, published_seen
 *   under the lock:  published (handed to the consumer), consumed (handed
 *                    back to the producer), closed, abandoned,
 *                    consumer_waited
 * The producer writes only slots in [pushed, consumed_seen + size), which the
 * consumer has given back; the consumer reads only [read, published_seen),
 * which the producer has handed over.  The lock's release and acquire order
 * the slot contents with the positions. */
#include "wirestate/spsc_ring.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Each side's own positions sit in a cache line of their own: sharing one,
 * every item's update on one side took the line from the other core (large
 * capture with --json: 73 % of the producer's ws_ring_slot samples were on
 * that load). */
#define WS_CACHE_LINE 64

struct ws_ring {
    unsigned char *slots;
    size_t item_size, mask, every;

    _Alignas(WS_CACHE_LINE) uint64_t pushed, published_local, consumed_seen;   /* producer */
    bool consumer_starved;                                                     /* producer */
    _Alignas(WS_CACHE_LINE) uint64_t read, released, released_reported, published_seen;   /* consumer */

    _Alignas(WS_CACHE_LINE) pthread_mutex_t lock;
    pthread_cond_t work;   /* the consumer waits for items */
    pthread_cond_t room;   /* the producer waits for slots given back */
    uint64_t published, consumed;
    bool closed;
    bool consumer_waited;   /* since the last hand-over, the consumer waited for items */
    atomic_bool abandoned;
};

static void *slot_at(const struct ws_ring *r, uint64_t pos)
{
    return r->slots + (size_t)(pos & r->mask) * r->item_size;
}

struct ws_ring *ws_ring_new(size_t item_size, size_t items)
{
    size_t n = 4;
    while (n < items)
        n *= 2;
    size_t ring_size = (sizeof(struct ws_ring) + WS_CACHE_LINE - 1) / WS_CACHE_LINE * WS_CACHE_LINE;
    struct ws_ring *r = aligned_alloc(WS_CACHE_LINE, ring_size);
    if (r)
        memset(r, 0, ring_size);
    unsigned char *slots = calloc(n, item_size);
    if (!r || !slots) {
        free(r);
        free(slots);
        return NULL;
    }
    r->slots = slots;
    r->item_size = item_size;
    r->mask = n - 1;
    r->every = n / 4;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->work, NULL);
    pthread_cond_init(&r->room, NULL);
    atomic_init(&r->abandoned, false);
    return r;
}

void ws_ring_free(struct ws_ring *r)
{
    if (!r)
        return;
    pthread_cond_destroy(&r->room);
    pthread_cond_destroy(&r->work);
    pthread_mutex_destroy(&r->lock);
    free(r->slots);
    free(r);
}

/* ---- producer ---------------------------------------------------------- */

static void hand_over_locked(struct ws_ring *r)
{
    if (r->published != r->pushed) {
        r->published = r->pushed;
        pthread_cond_signal(&r->work);
    }
    r->published_local = r->pushed;
    r->consumed_seen = r->consumed;
    r->consumer_starved = r->consumer_waited;
    r->consumer_waited = false;
}

void *ws_ring_slot(struct ws_ring *r)
{
    if (r->pushed - r->consumed_seen > r->mask) {   /* full, as last seen */
        pthread_mutex_lock(&r->lock);
        hand_over_locked(r);
        while (r->pushed - r->consumed > r->mask && !atomic_load(&r->abandoned))
            pthread_cond_wait(&r->room, &r->lock);
        r->consumed_seen = r->consumed;
        pthread_mutex_unlock(&r->lock);
    }
    if (atomic_load_explicit(&r->abandoned, memory_order_relaxed))
        return NULL;
    return slot_at(r, r->pushed);
}

void ws_ring_push(struct ws_ring *r)
{
    r->pushed++;
    if (r->pushed - r->published_local >= r->every)
        ws_ring_flush(r);
}

void ws_ring_flush(struct ws_ring *r)
{
    pthread_mutex_lock(&r->lock);
    hand_over_locked(r);
    pthread_mutex_unlock(&r->lock);
}

void ws_ring_close(struct ws_ring *r)
{
    pthread_mutex_lock(&r->lock);
    hand_over_locked(r);
    r->closed = true;
    pthread_cond_signal(&r->work);
    pthread_mutex_unlock(&r->lock);
}

void ws_ring_wait_consumed(struct ws_ring *r)
{
    pthread_mutex_lock(&r->lock);
    hand_over_locked(r);
    while (r->consumed < r->pushed && !atomic_load(&r->abandoned))
        pthread_cond_wait(&r->room, &r->lock);
    r->consumed_seen = r->consumed;
    pthread_mutex_unlock(&r->lock);
}

bool ws_ring_abandoned(const struct ws_ring *r)
{
    return atomic_load_explicit(&r->abandoned, memory_order_relaxed);
}

bool ws_ring_consumer_starved(const struct ws_ring *r)
{
    return r->consumer_starved;
}

/* ---- consumer ---------------------------------------------------------- */

static void give_back_locked(struct ws_ring *r)
{
    if (r->consumed != r->released) {
        r->consumed = r->released;
        pthread_cond_signal(&r->room);
    }
    r->released_reported = r->released;
}

/* Looks for newly handed-over items, waiting for some if `wait`. */
static bool refill(struct ws_ring *r, bool wait)
{
    pthread_mutex_lock(&r->lock);
    give_back_locked(r);   /* before sleeping, or a full ring would never drain */
    while (wait && r->published == r->read && !r->closed) {
        r->consumer_waited = true;
        pthread_cond_wait(&r->work, &r->lock);
    }
    r->published_seen = r->published;
    pthread_mutex_unlock(&r->lock);
    return r->read != r->published_seen;
}

void *ws_ring_next(struct ws_ring *r)
{
    if (r->read == r->published_seen && !refill(r, true))
        return NULL;
    return slot_at(r, r->read++);
}

void *ws_ring_next_ready(struct ws_ring *r)
{
    if (r->read == r->published_seen && !refill(r, false))
        return NULL;
    return slot_at(r, r->read++);
}

void ws_ring_release(struct ws_ring *r)
{
    r->released++;
    if (r->released - r->released_reported >= r->every) {
        pthread_mutex_lock(&r->lock);
        give_back_locked(r);
        pthread_mutex_unlock(&r->lock);
    }
}

void ws_ring_abandon(struct ws_ring *r)
{
    pthread_mutex_lock(&r->lock);
    atomic_store(&r->abandoned, true);
    pthread_cond_signal(&r->room);
    pthread_mutex_unlock(&r->lock);
}
