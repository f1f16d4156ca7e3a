/* timer_wheel.c - a hashed timing wheel feeding a small exact-order due heap.
 *
 * Where a timer is, and what its fields mean there:
 *   unarmed     prev = WS_TIMER_AT_NOWHERE
 *   wheel       tick = armed tick, in list ws_timers_list_of(tick, id): the slot
 *               tick % WS_WHEEL_SLOTS, the lane id % WS_WHEEL_LANES;
 *               prev/next = neighbours in that list (WS_TIMER_NIL at the ends)
 *   due heap    prev = WS_TIMER_AT_DUE, tick = the sequence number of its entry
 * Invariant: a timer in the wheel has tick > now_tick, so everything that can
 * be due by the clock's current tick is in the due heap.  Which lane a timer
 * is in changes nothing about when it fires: a slot's timers all go through
 * the due heap, which orders them by (deadline, tiebreak) alone.
 *
 * The due heap never writes to the timers: an entry is valid while its timer
 * is still AT_DUE with the entry's sequence number, and cancelling or moving
 * a timer there just leaves a stale entry behind, dropped when it reaches the
 * top.  Sifting therefore stays inside the heap's own array instead of
 * touching a random flow record at every level.  Entries hold deadlines up to
 * the end of the current tick (until the year 2106, when every later deadline
 * shares the last tick), so stale ones leave within a tick; a stale entry is
 * left per cancel or move-earlier of a due timer in that tick, bounded by the
 * packets of one tick, and 32-bit numbers cannot wrap onto a live one. */
#include "wirestate/timers.h"

#include <stdlib.h>

static struct ws_timer *timer_of(const struct ws_timers *w, uint32_t id)
{
    return w->owner.timer(w->owner.ctx, id);
}

bool ws_timers_init(struct ws_timers *w, struct ws_timer_owner owner)
{
    *w = (struct ws_timers){ .owner = owner };
    size_t lists = (size_t)WS_WHEEL_SLOTS * WS_WHEEL_LANES;
    w->head = malloc(lists * sizeof *w->head);
    if (!w->head)
        return false;
    for (size_t i = 0; i < lists; i++)
        w->head[i] = WS_TIMER_NIL;
    return true;
}

void ws_timers_free(struct ws_timers *w)
{
    free(w->head);
    free(w->due);
    *w = (struct ws_timers){ 0 };
}

/* ---- the wheel's lists ------------------------------------------------- */

static void wheel_link(struct ws_timers *w, uint32_t id, struct ws_timer *t, uint32_t tick)
{
    uint32_t *head = &w->head[ws_timers_list_of(tick, id)];
    t->tick = tick;
    t->prev = WS_TIMER_NIL;
    t->next = *head;
    if (*head != WS_TIMER_NIL)
        timer_of(w, *head)->prev = id;
    *head = id;
}

static void wheel_unlink(struct ws_timers *w, uint32_t id, struct ws_timer *t)
{
    if (t->prev == WS_TIMER_NIL)
        w->head[ws_timers_list_of(t->tick, id)] = t->next;
    else
        timer_of(w, t->prev)->next = t->next;
    if (t->next != WS_TIMER_NIL)
        timer_of(w, t->next)->prev = t->prev;
}

/* ---- the due heap ------------------------------------------------------ */

static bool due_before(const struct ws_due_entry *a, const struct ws_due_entry *b)
{
    if (a->deadline != b->deadline)
        return a->deadline < b->deadline;
    return a->tiebreak < b->tiebreak;
}

static void due_sift_up(struct ws_timers *w, size_t i)
{
    struct ws_due_entry e = w->due[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!due_before(&e, &w->due[parent]))
            break;
        w->due[i] = w->due[parent];
        i = parent;
    }
    w->due[i] = e;
}

static void due_sift_down(struct ws_timers *w, size_t i)
{
    struct ws_due_entry e = w->due[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= w->due_count)
            break;
        if (child + 1 < w->due_count && due_before(&w->due[child + 1], &w->due[child]))
            child++;
        if (!due_before(&w->due[child], &e))
            break;
        w->due[i] = w->due[child];
        i = child;
    }
    w->due[i] = e;
}

/* Room for one more entry. */
static bool due_reserve(struct ws_timers *w)
{
    if (w->due_count < w->due_capacity)
        return true;
    size_t cap = w->due_capacity ? w->due_capacity * 2 : 64;
    struct ws_due_entry *due = realloc(w->due, cap * sizeof *due);
    if (!due)
        return false;
    w->due = due;
    w->due_capacity = cap;
    return true;
}

static bool due_push(struct ws_timers *w, uint32_t id, struct ws_timer *t, int64_t deadline,
                     uint64_t tiebreak)
{
    if (!due_reserve(w))
        return false;
    t->prev = WS_TIMER_AT_DUE;
    t->tick = ++w->due_seq;
    w->due[w->due_count] = (struct ws_due_entry){ deadline, tiebreak, id, t->tick };
    due_sift_up(w, w->due_count++);
    return true;
}

static void due_pop_top(struct ws_timers *w)
{
    w->due[0] = w->due[--w->due_count];
    if (w->due_count > 0)
        due_sift_down(w, 0);
}

static bool due_entry_valid(const struct ws_timers *w, const struct ws_due_entry *e)
{
    const struct ws_timer *t = timer_of(w, e->id);
    return t->prev == WS_TIMER_AT_DUE && t->tick == e->seq;
}

/* The earliest valid entry, after dropping stale ones; NULL when none. */
static const struct ws_due_entry *due_top(struct ws_timers *w)
{
    while (w->due_count > 0) {
        if (due_entry_valid(w, &w->due[0]))
            return &w->due[0];
        due_pop_top(w);
    }
    return NULL;
}

/* The valid entry of a timer known to be AT_DUE (its entry is in the heap). */
static const struct ws_due_entry *due_entry_of(const struct ws_timers *w, uint32_t id,
                                               const struct ws_timer *t)
{
    for (size_t i = 0; i < w->due_count; i++)
        if (w->due[i].id == id && w->due[i].seq == t->tick)
            return &w->due[i];
    return NULL;
}

/* ---- arming ------------------------------------------------------------ */

/* Puts an unarmed timer where its deadline belongs. */
static bool place_timer(struct ws_timers *w, uint32_t id, struct ws_timer *t, int64_t deadline,
                        uint64_t tiebreak)
{
    uint32_t tick = ws_timers_tick_for(deadline);
    if (tick <= w->now_tick)
        return due_push(w, id, t, deadline, tiebreak);
    wheel_link(w, id, t, tick);
    return true;
}

/* Disarms a timer; an entry it had in the due heap goes stale. */
static void take_out(struct ws_timers *w, uint32_t id, struct ws_timer *t)
{
    if (t->prev != WS_TIMER_AT_DUE)
        wheel_unlink(w, id, t);
    t->prev = WS_TIMER_AT_NOWHERE;
    t->next = WS_TIMER_NIL;
    w->count--;
}

bool ws_timers_arm(struct ws_timers *w, uint32_t id, int64_t deadline, uint64_t tiebreak)
{
    struct ws_timer *t = timer_of(w, id);
    if (t->prev == WS_TIMER_AT_DUE) {
        /* Its entry is due by the end of the current tick: a deadline in a
         * later tick is later, and needs no search for the entry. */
        if (ws_timers_tick_for(deadline) > w->now_tick)
            return true;
        /* Rare (a deadline moving earlier within the current tick), so a
         * scan of the small heap is fine; the old entry goes stale. */
        const struct ws_due_entry *e = due_entry_of(w, id, t);
        struct ws_due_entry wanted = { deadline, tiebreak, id, 0 };
        if (e && !due_before(&wanted, e))
            return true;
        /* On failure the old entry stays valid: still armed, just later. */
        return due_push(w, id, t, deadline, tiebreak);
    }
    if (ws_timer_armed(t)) {
        /* Same tick or later: the owner corrects it when it comes up. */
        uint32_t tick = ws_timers_tick_for(deadline);
        if (tick >= t->tick)
            return true;
        /* Headed for the due heap: make room first, so that a failure
         * leaves the timer armed where it was. */
        if (tick <= w->now_tick && !due_reserve(w))
            return false;
        take_out(w, id, t);
    }
    if (!place_timer(w, id, t, deadline, tiebreak)) {
        t->prev = WS_TIMER_AT_NOWHERE;
        return false;
    }
    w->count++;
    return true;
}

void ws_timers_cancel(struct ws_timers *w, uint32_t id)
{
    struct ws_timer *t = timer_of(w, id);
    if (ws_timer_armed(t))
        take_out(w, id, t);
}

/* ---- the clock --------------------------------------------------------- */

/* One timer of a slot being drained, whose tick is at most `upto`, into the
 * due heap with the exact deadline its owner now gives; one whose tick is in
 * a later turn, or whose real deadline is in a later tick, goes to that
 * tick's list instead. */
static void drain_one(struct ws_timers *w, uint32_t id, struct ws_timer *t, uint64_t upto)
{
    if (t->tick > upto) {            /* a later turn of the wheel */
        wheel_link(w, id, t, t->tick);
        return;
    }
    int64_t deadline;
    uint64_t tiebreak;
    w->owner.deadline(w->owner.ctx, id, &deadline, &tiebreak);
    uint32_t tick = ws_timers_tick_for(deadline);
    if (tick > upto) {
        wheel_link(w, id, t, tick);
    } else if (!due_push(w, id, t, deadline, tiebreak)) {
        /* No memory for the heap: the timer is lost, as a failed
         * ws_timers_arm() would lose it; counted for the owner. */
        t->prev = WS_TIMER_AT_NOWHERE;
        w->count--;
        w->alloc_failures++;
    }
}

/* Drains every lane of one slot.  Each step of a list walk is a cache miss
 * that cannot start before the previous one ends (the next id is inside the
 * record just loaded), so the lanes are walked side by side: one timer from
 * each in turn, its successor prefetched, so that the lanes' misses overlap.
 * Timers that stay in the wheel are linked back one by one into lists
 * emptied first, so none is visited twice. */
static void drain_slot(struct ws_timers *w, size_t slot, uint64_t upto)
{
    uint32_t *head = &w->head[ws_timers_list_of((uint32_t)slot, 0)];   /* lane 0; the rest follow */
    uint32_t cur[WS_WHEEL_LANES];
    size_t walking = 0;
    for (size_t l = 0; l < WS_WHEEL_LANES; l++) {
        if (head[l] == WS_TIMER_NIL)
            continue;
        cur[walking++] = head[l];
        __builtin_prefetch(timer_of(w, head[l]));
        head[l] = WS_TIMER_NIL;
    }
    while (walking > 0) {
        for (size_t l = 0; l < walking;) {
            uint32_t id = cur[l];
            struct ws_timer *t = timer_of(w, id);
            uint32_t next = t->next;
            if (next != WS_TIMER_NIL)
                __builtin_prefetch(timer_of(w, next));
            drain_one(w, id, t, upto);
            if (next != WS_TIMER_NIL)
                cur[l++] = next;
            else
                cur[l] = cur[--walking];   /* a lane ran out: the last takes its place */
        }
    }
}

static void advance_to(struct ws_timers *w, uint64_t tick)
{
    if (tick <= w->now_tick)
        return;
    uint64_t from = w->now_tick + 1;
    /* A jump of a whole turn or more visits every slot once. */
    if (tick - from >= WS_WHEEL_SLOTS)
        from = tick - (WS_WHEEL_SLOTS - 1);
    w->now_tick = tick;
    for (uint64_t k = from; k <= tick; k++)
        drain_slot(w, k % WS_WHEEL_SLOTS, tick);
}

uint32_t ws_timers_pop_due(struct ws_timers *w, int64_t now, int64_t *armed_for)
{
    advance_to(w, ws_timers_tick_of(now));
    const struct ws_due_entry *e = due_top(w);
    if (!e || e->deadline > now)
        return WS_TIMER_NIL;
    struct ws_due_entry top = *e;
    due_pop_top(w);
    /* The next to come up is now at the top; its record is about to be read. */
    if (w->due_count > 0)
        __builtin_prefetch(timer_of(w, w->due[0].id));
    take_out(w, top.id, timer_of(w, top.id));
    *armed_for = top.deadline;
    return top.id;
}
