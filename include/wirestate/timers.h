/* timers.h - deadlines ordered in a binary min-heap.
 *
 * A struct ws_timer is embedded in whatever owns the deadline (a flow), so
 * scheduling never allocates once the heap has grown to the flow limit.
 * Ties are broken by a caller-given 64-bit key (the flow id), so timers that
 * fall due together always fire in the same order. */
#ifndef WIRESTATE_TIMERS_H
#define WIRESTATE_TIMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ws_timer {
    int64_t deadline;      /* microseconds; meaningful while scheduled */
    uint64_t tiebreak;     /* smaller fires first among equal deadlines */
    uint32_t heap_slot;    /* 0 = not scheduled, else index + 1 */
};

struct ws_timer_heap {
    struct ws_timer **items;
    size_t count, capacity;
};

/* Returns false if memory for `capacity` entries could not be reserved. */
bool ws_timers_init(struct ws_timer_heap *h, size_t capacity);
void ws_timers_free(struct ws_timer_heap *h);

/* Insert, or move an already scheduled timer to its new deadline. */
bool ws_timers_schedule(struct ws_timer_heap *h, struct ws_timer *t, int64_t deadline);
void ws_timers_cancel(struct ws_timer_heap *h, struct ws_timer *t);
/* Earliest timer, or NULL when none is scheduled. */
struct ws_timer *ws_timers_peek(const struct ws_timer_heap *h);

static inline bool ws_timer_scheduled(const struct ws_timer *t) { return t->heap_slot != 0; }

#endif
