/* async_sink.c - the writer thread: events copied into a ring (spsc_ring.h),
 * written in order on the other side. */
#include "wirestate/async_sink.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "wirestate/spsc_ring.h"
#include "wirestate/thread.h"

struct slot {
    struct ws_event ev;
    struct ws_flow_record record;   /* ev.record points here when it had one */
};

struct ws_async_sink {
    struct ws_sink inner;
    struct ws_ring *ring;
    pthread_t thread;
};

static void *writer_main(void *arg)
{
    struct ws_async_sink *a = arg;
    struct slot *s;
    while ((s = ws_ring_next(a->ring)) != NULL) {
        if (s->ev.record)
            s->ev.record = &s->record;
        a->inner.emit(a->inner.ctx, &s->ev);
        ws_ring_release(a->ring);
    }
    return NULL;
}

static void emit_async(void *ctx, const struct ws_event *ev)
{
    struct ws_async_sink *a = ctx;
    struct slot *s = ws_ring_slot(a->ring);   /* never abandoned: the writer reads to the end */
    s->ev = *ev;
    if (ev->record)
        s->record = *ev->record;   /* the writer points ev.record at it */
    ws_ring_push(a->ring);
}

struct ws_sink ws_async_sink_as_sink(struct ws_async_sink *a)
{
    return (struct ws_sink){ emit_async, a };
}

void ws_async_sink_drain(struct ws_async_sink *a)
{
    if (a)
        ws_ring_wait_consumed(a->ring);
}

struct ws_async_sink *ws_async_sink_start(struct ws_sink inner, size_t slots, struct ws_error *err)
{
    struct ws_async_sink *a = calloc(1, sizeof *a);
    struct ws_ring *ring = ws_ring_new(sizeof(struct slot), slots ? slots : WS_ASYNC_DEFAULT_SLOTS);
    if (!a || !ring) {
        free(a);
        ws_ring_free(ring);
        ws_fail(err, WS_ERR_RUNTIME, "out of memory for the writer thread's ring");
        return NULL;
    }
    a->inner = inner;
    a->ring = ring;

    int rc = ws_thread_start(&a->thread, writer_main, a);
    if (rc != 0) {
        ws_fail(err, WS_ERR_RUNTIME, "cannot start the writer thread: %s", strerror(rc));
        ws_ring_free(ring);
        free(a);
        return NULL;
    }
    return a;
}

void ws_async_sink_stop(struct ws_async_sink *a)
{
    if (!a)
        return;
    ws_ring_close(a->ring);
    pthread_join(a->thread, NULL);
    ws_ring_free(a->ring);
    free(a);
}
