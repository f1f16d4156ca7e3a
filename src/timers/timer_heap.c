/* timer_heap.c - binary min-heap of embedded timers, ordered by (deadline, tiebreak). */
#include "wirestate/timers.h"

#include <stdlib.h>

static bool fires_before(const struct ws_timer *a, const struct ws_timer *b)
{
    if (a->deadline != b->deadline)
        return a->deadline < b->deadline;
    return a->tiebreak < b->tiebreak;
}

static void place(struct ws_timer_heap *h, size_t i, struct ws_timer *t)
{
    h->items[i] = t;
    t->heap_slot = (uint32_t)(i + 1);
}

static void sift_up(struct ws_timer_heap *h, size_t i)
{
    struct ws_timer *t = h->items[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!fires_before(t, h->items[parent]))
            break;
        place(h, i, h->items[parent]);
        i = parent;
    }
    place(h, i, t);
}

static void sift_down(struct ws_timer_heap *h, size_t i)
{
    struct ws_timer *t = h->items[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->count)
            break;
        if (child + 1 < h->count && fires_before(h->items[child + 1], h->items[child]))
            child++;
        if (!fires_before(h->items[child], t))
            break;
        place(h, i, h->items[child]);
        i = child;
    }
    place(h, i, t);
}

bool ws_timers_init(struct ws_timer_heap *h, size_t capacity)
{
    h->count = 0;
    h->capacity = capacity ? capacity : 1;
    h->items = malloc(h->capacity * sizeof *h->items);
    return h->items != NULL;
}

void ws_timers_free(struct ws_timer_heap *h)
{
    free(h->items);
    h->items = NULL;
    h->count = h->capacity = 0;
}

static bool grow(struct ws_timer_heap *h)
{
    size_t capacity = h->capacity * 2;
    struct ws_timer **items = realloc(h->items, capacity * sizeof *items);
    if (!items)
        return false;
    h->items = items;
    h->capacity = capacity;
    return true;
}

bool ws_timers_schedule(struct ws_timer_heap *h, struct ws_timer *t, int64_t deadline)
{
    if (ws_timer_scheduled(t)) {
        size_t i = t->heap_slot - 1;
        bool earlier = deadline < t->deadline;
        t->deadline = deadline;
        if (earlier)
            sift_up(h, i);
        else
            sift_down(h, i);
        return true;
    }
    if (h->count == h->capacity && !grow(h))
        return false;
    t->deadline = deadline;
    place(h, h->count++, t);
    sift_up(h, h->count - 1);
    return true;
}

void ws_timers_cancel(struct ws_timer_heap *h, struct ws_timer *t)
{
    if (!ws_timer_scheduled(t))
        return;
    size_t i = t->heap_slot - 1;
    t->heap_slot = 0;
    struct ws_timer *last = h->items[--h->count];
    if (i == h->count)
        return;
    place(h, i, last);
    /* The moved timer may belong above or below its new slot. */
    if (i > 0 && fires_before(last, h->items[(i - 1) / 2]))
        sift_up(h, i);
    else
        sift_down(h, i);
}

struct ws_timer *ws_timers_peek(const struct ws_timer_heap *h)
{
    return h->count ? h->items[0] : NULL;
}
