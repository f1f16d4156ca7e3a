/* async_sink.c - a ring of event copies between the tracker and a writer thread.
 *
 * Positions count events since the start and never wrap in practice (64-bit);
 * a position's slot is position & mask.  Three of them:
 *   queued     written by the producer, private to it
 *   published  the producer hands [consumed, published) over, under the lock
 *   consumed   the writer gives back [.., consumed), under the lock
 * The producer fills slots in [published, consumed + slots) without the lock,
 * and the writer reads [consumed, published) without it: the lock is taken
 * once per hand-over of many events, not per event.  Handing over every
 * event would wake the writer for each one, a system call per line. */
#include "wirestate/async_sink.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct slot {
    struct ws_event ev;
    struct ws_flow_record record;   /* ev.record points here when it had one */
};

struct ws_async_sink {
    struct ws_sink inner;
    struct slot *ring;
    size_t mask;
    size_t hand_over_every;         /* events queued before the writer is woken */

    uint64_t queued;                /* producer only */
    uint64_t consumed_seen;         /* producer's last look at `consumed` */

    pthread_mutex_t lock;
    pthread_cond_t work;            /* writer waits: nothing published, not stopping */
    pthread_cond_t progress;        /* producer waits: ring full, or draining */
    uint64_t published, consumed;   /* under lock */
    bool stopping;                  /* under lock */
    pthread_t thread;
};

static struct slot *slot_at(const struct ws_async_sink *a, uint64_t pos)
{
    return &a->ring[pos & a->mask];
}

/* ---- the writer thread -------------------------------------------------- */

static void write_range(struct ws_async_sink *a, uint64_t from, uint64_t to)
{
    for (uint64_t pos = from; pos != to; pos++)
        a->inner.emit(a->inner.ctx, &slot_at(a, pos)->ev);
}

static void *writer_main(void *arg)
{
    struct ws_async_sink *a = arg;
    pthread_mutex_lock(&a->lock);
    for (;;) {
        while (a->published == a->consumed && !a->stopping)
            pthread_cond_wait(&a->work, &a->lock);
        if (a->published == a->consumed)   /* stopping, and nothing left */
            break;
        uint64_t from = a->consumed, to = a->published;
        pthread_mutex_unlock(&a->lock);
        write_range(a, from, to);
        pthread_mutex_lock(&a->lock);
        a->consumed = to;
        pthread_cond_signal(&a->progress);
    }
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

/* ---- the producer side ------------------------------------------------- */

/* Hands everything queued to the writer. */
static void hand_over(struct ws_async_sink *a)
{
    pthread_mutex_lock(&a->lock);
    if (a->published != a->queued) {
        a->published = a->queued;
        pthread_cond_signal(&a->work);
    }
    a->consumed_seen = a->consumed;
    pthread_mutex_unlock(&a->lock);
}

/* Waits until the writer has consumed up to `pos`. */
static void wait_consumed(struct ws_async_sink *a, uint64_t pos)
{
    pthread_mutex_lock(&a->lock);
    while (a->consumed < pos)
        pthread_cond_wait(&a->progress, &a->lock);
    a->consumed_seen = a->consumed;
    pthread_mutex_unlock(&a->lock);
}

static void emit_async(void *ctx, const struct ws_event *ev)
{
    struct ws_async_sink *a = ctx;
    size_t slots = a->mask + 1;
    if (a->queued - a->consumed_seen == slots) {   /* full as last seen: look again */
        hand_over(a);
        if (a->queued - a->consumed_seen == slots)
            wait_consumed(a, a->queued - slots + a->hand_over_every);
    }
    struct slot *s = slot_at(a, a->queued);
    s->ev = *ev;
    if (ev->record) {
        s->record = *ev->record;
        s->ev.record = &s->record;
    }
    a->queued++;
    if (a->queued - a->published >= a->hand_over_every)   /* `published` is only written here */
        hand_over(a);
}

struct ws_sink ws_async_sink_as_sink(struct ws_async_sink *a)
{
    return (struct ws_sink){ emit_async, a };
}

void ws_async_sink_drain(struct ws_async_sink *a)
{
    if (!a)
        return;
    hand_over(a);
    wait_consumed(a, a->queued);
}

/* ---- life cycle -------------------------------------------------------- */

static size_t round_up_pow2(size_t n)
{
    size_t p = 64;
    while (p < n)
        p *= 2;
    return p;
}

struct ws_async_sink *ws_async_sink_start(struct ws_sink inner, size_t slots, struct ws_error *err)
{
    slots = round_up_pow2(slots ? slots : WS_ASYNC_DEFAULT_SLOTS);
    struct ws_async_sink *a = calloc(1, sizeof *a);
    struct slot *ring = calloc(slots, sizeof *ring);
    if (!a || !ring) {
        free(a);
        free(ring);
        ws_fail(err, WS_ERR_RUNTIME, "out of memory for the writer thread's ring");
        return NULL;
    }
    a->inner = inner;
    a->ring = ring;
    a->mask = slots - 1;
    a->hand_over_every = slots / 4;
    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->work, NULL);
    pthread_cond_init(&a->progress, NULL);

    /* Signals (SIGINT, SIGUSR1, ...) stay with the thread that reads packets
     * and checks the flags their handlers set. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&a->thread, NULL, writer_main, a);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        ws_fail(err, WS_ERR_RUNTIME, "cannot start the writer thread: %s", strerror(rc));
        pthread_cond_destroy(&a->progress);
        pthread_cond_destroy(&a->work);
        pthread_mutex_destroy(&a->lock);
        free(ring);
        free(a);
        return NULL;
    }
    return a;
}

void ws_async_sink_stop(struct ws_async_sink *a)
{
    if (!a)
        return;
    hand_over(a);
    pthread_mutex_lock(&a->lock);
    a->stopping = true;
    pthread_cond_signal(&a->work);
    pthread_mutex_unlock(&a->lock);
    pthread_join(a->thread, NULL);
    pthread_cond_destroy(&a->progress);
    pthread_cond_destroy(&a->work);
    pthread_mutex_destroy(&a->lock);
    free(a->ring);
    free(a);
}
