/* async_sink.h - events written by a second thread.
 *
 * Formatting and writing a JSON or text line costs about as much as tracking
 * the packet that caused it.  Reading a capture file, nothing waits for the
 * lines, so they can be written on the machine's other core: the tracker's
 * thread copies each event into a ring and goes on; a writer thread takes
 * them out in order and hands them to the real sink (the reporter).
 *
 * Order is kept exactly: one producer, one consumer, one ring.  Events are
 * self-contained (struct ws_event carries its addresses; a flow record is
 * copied with it), so the writer never looks at the flow table.
 *
 * While the writer runs, only it may use the inner sink's context (the
 * reporter and its FILE).  ws_async_sink_drain() waits until every queued
 * event has been written; until the next event is queued, the calling thread
 * may then use the reporter itself (a --table print, SIGUSR1).
 *
 * Live capture does not use it: there a transition line leaves the moment its
 * packet is handled, and a hand-off between threads would only add delay. */
#ifndef WIRESTATE_ASYNC_SINK_H
#define WIRESTATE_ASYNC_SINK_H

#include <stdbool.h>
#include <stddef.h>

#include "wirestate/error.h"
#include "wirestate/event.h"

struct ws_async_sink;

/* Events in the ring (rounded up to a power of two); 0 means the default. */
#define WS_ASYNC_DEFAULT_SLOTS 4096

/* Starts the writer thread in front of `inner`.  NULL with *err set when
 * memory or the thread cannot be had; the caller then writes synchronously. */
struct ws_async_sink *ws_async_sink_start(struct ws_sink inner, size_t slots, struct ws_error *err);

/* The sink the tracker is given: its emit queues a copy of the event. */
struct ws_sink ws_async_sink_as_sink(struct ws_async_sink *a);

/* Waits until the writer has passed every queued event to the inner sink. */
void ws_async_sink_drain(struct ws_async_sink *a);

/* Drains, stops the writer and frees everything.  NULL is fine. */
void ws_async_sink_stop(struct ws_async_sink *a);

#endif
