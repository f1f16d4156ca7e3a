/* spsc_ring.h - a ring of fixed-size items between two threads, in order.
 *
 * One producer fills slots and pushes them; one consumer reads them in the
 * same order and releases them for reuse.  Both sides work on the slots
 * without a lock and take the ring's lock only to hand over a run of items
 * (every quarter of the ring, or when told to), so a thread is woken once
 * per run rather than once per item.  Either side waits (sleeps) when the
 * ring is full or empty.
 *
 * The consumer may read a few items ahead before releasing the oldest: a
 * released slot is refilled, an unreleased one stays valid.  Used for the
 * packets a reader thread decodes for the tracker (src/cli/run.c) and for
 * the events the tracker hands to the writer thread (async_sink.c). */
#ifndef WIRESTATE_SPSC_RING_H
#define WIRESTATE_SPSC_RING_H

#include <stdbool.h>
#include <stddef.h>

struct ws_ring;

/* items is rounded up to a power of two, at least 4.  NULL without memory. */
struct ws_ring *ws_ring_new(size_t item_size, size_t items);
void ws_ring_free(struct ws_ring *r);

/* ---- producer ---- */

/* The slot to fill next; waits while the ring is full.  NULL once the
 * consumer has abandoned the ring. */
void *ws_ring_slot(struct ws_ring *r);
/* The slot ws_ring_slot() gave is filled: it goes to the consumer with the
 * next hand-over. */
void ws_ring_push(struct ws_ring *r);
/* Hands everything pushed to the consumer now. */
void ws_ring_flush(struct ws_ring *r);
/* Hands over the rest: after it the consumer reads the end of the ring. */
void ws_ring_close(struct ws_ring *r);
/* Hands over everything pushed and waits until the consumer has released
 * it all (the consumer must be reading). */
void ws_ring_wait_consumed(struct ws_ring *r);
/* The consumer wants nothing more (ws_ring_abandon). */
bool ws_ring_abandoned(const struct ws_ring *r);
/* Whether the consumer ran out of items and waited for them between the
 * last two hand-overs (no lock): the producer is then the slower side. */
bool ws_ring_consumer_starved(const struct ws_ring *r);

/* ---- consumer ---- */

/* The next unread item, waiting until one is handed over; NULL at the end
 * (closed and all read). */
void *ws_ring_next(struct ws_ring *r);
/* The same without waiting: NULL when nothing more is handed over yet. */
void *ws_ring_next_ready(struct ws_ring *r);
/* The oldest item read and not yet released may be refilled. */
void ws_ring_release(struct ws_ring *r);
/* No more items wanted: a producer waiting for room, or asking for a slot
 * from now on, gets NULL. */
void ws_ring_abandon(struct ws_ring *r);

#endif
