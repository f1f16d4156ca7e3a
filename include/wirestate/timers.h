/* timers.h - when each flow next needs attention: a hashed timing wheel.
 *
 * Every owner (a flow) has at most one timer, embedded in its record and named
 * by a 32-bit id (the flow's index in its table).  Armed timers wait in a wheel
 * of WS_WHEEL_SLOTS lists, one per tick of WS_WHEEL_TICK_US: arming, moving and
 * cancelling cost O(1) and touch only the timer and its list neighbours, and
 * nothing at all happens per packet while the clock stays inside one tick.
 *
 * Each slot is WS_WHEEL_LANES separate lists, a timer's lane chosen by its id.
 * A list walk misses the cache at every step (the next id is inside the record
 * just reached), so one list per slot would take its misses one at a time;
 * walking the lanes side by side keeps one miss per lane in flight.
 *
 * When the clock enters a tick, that slot's timers move into a small "due"
 * heap ordered by exact (deadline, tiebreak), asking the owner for each one's
 * exact deadline on the way.  Timers therefore fire in the order one global
 * heap would give them, to the microsecond, while the heap only ever holds
 * about a tick's worth of timers instead of every flow.
 *
 * Arming is lazy by design: ws_timers_arm() only ever moves a timer earlier.
 * A deadline that moved later (a flow's idle clock after every packet) stays
 * where it was armed; when it comes up the owner sees the real deadline is
 * later and arms it again.  ws_timers_pop_due() hands back the deadline the
 * timer was armed for so the owner can tell the two cases apart. */
#ifndef WIRESTATE_TIMERS_H
#define WIRESTATE_TIMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WS_WHEEL_TICK_SHIFT 20                       /* one tick = 2^20 µs, about 1 s */
/* Ticks are kept in 32 bits (struct ws_timer): that holds times since the
 * epoch until 2106 with ticks this long, and not at all with much shorter
 * ones (every deadline would share the last tick). */
_Static_assert(WS_WHEEL_TICK_SHIFT >= 20, "32-bit ticks need ticks of at least 2^20 us");
#define WS_WHEEL_TICK_US (INT64_C(1) << WS_WHEEL_TICK_SHIFT)
#define WS_WHEEL_SLOTS 4096                          /* one turn: about 71 minutes */
#define WS_WHEEL_LANES 8                             /* lists per slot; a power of two */

#define WS_TIMER_NIL UINT32_MAX                      /* "no timer": end of a list, nothing due */

/* Embedded in the owner; set to WS_TIMER_UNARMED before first use.  Which
 * fields mean what depends on where the timer is (see timer_wheel.c). */
struct ws_timer {
    uint32_t tick;   /* in the wheel: the tick it is armed for; in the due heap: its entry's number */
    uint32_t next;   /* in the wheel: next timer of the slot's lane */
    uint32_t prev;   /* in the wheel: previous timer or WS_TIMER_NIL; else a WS_TIMER_AT_* tag */
};

#define WS_TIMER_AT_NOWHERE (UINT32_MAX - 1)
#define WS_TIMER_AT_DUE (UINT32_MAX - 2)
/* Ids must stay below this so they never collide with the tags above. */
#define WS_TIMER_MAX_ID (UINT32_MAX - 16)
#define WS_TIMER_UNARMED ((struct ws_timer){ .tick = 0, .next = WS_TIMER_NIL, .prev = WS_TIMER_AT_NOWHERE })

/* How the wheel reaches the timers it holds, and learns their real deadlines. */
struct ws_timer_owner {
    void *ctx;
    struct ws_timer *(*timer)(void *ctx, uint32_t id);
    /* The deadline the id's timer stands for now (never earlier than armed),
     * and the tiebreak: smaller fires first among equal deadlines. */
    void (*deadline)(void *ctx, uint32_t id, int64_t *deadline, uint64_t *tiebreak);
};

struct ws_due_entry {
    int64_t deadline;
    uint64_t tiebreak;
    uint32_t id;
    uint32_t seq;    /* valid while the timer is in the due heap with this number */
};

struct ws_timers {
    struct ws_timer_owner owner;
    uint32_t *head;                 /* list heads (ids): ws_timers_list_of() */
    struct ws_due_entry *due;       /* binary min-heap of timers whose tick has come */
    size_t due_count, due_capacity;  /* entries, stale ones included */
    uint32_t due_seq;               /* numbers due-heap entries */
    uint64_t now_tick;              /* every tick up to this one has moved into the due heap */
    size_t count;                   /* armed timers, wheel and heap */
    uint64_t alloc_failures;        /* timers dropped because the due heap could not grow */
};

bool ws_timers_init(struct ws_timers *w, struct ws_timer_owner owner);
void ws_timers_free(struct ws_timers *w);

static inline bool ws_timer_armed(const struct ws_timer *t)
{
    return t->prev != WS_TIMER_AT_NOWHERE;
}

/* Armed and waiting in the wheel (not yet in the due heap). */
static inline bool ws_timer_in_wheel(const struct ws_timer *t)
{
    return t->prev != WS_TIMER_AT_NOWHERE && t->prev != WS_TIMER_AT_DUE;
}

static inline uint64_t ws_timers_tick_of(int64_t t)
{
    return t < 0 ? 0 : (uint64_t)t >> WS_WHEEL_TICK_SHIFT;
}

/* Which of the WS_WHEEL_SLOTS * WS_WHEEL_LANES lists holds a timer armed in
 * the wheel for tick: a slot's lanes are neighbours, so that draining a slot
 * reads its heads from one cache line. */
static inline size_t ws_timers_list_of(uint32_t tick, uint32_t id)
{
    _Static_assert((WS_WHEEL_LANES & (WS_WHEEL_LANES - 1)) == 0, "lanes: a power of two");
    return (size_t)(tick % WS_WHEEL_SLOTS) * WS_WHEEL_LANES + (id & (WS_WHEEL_LANES - 1));
}

/* Ticks beyond 32 bits (deadlines past the year 2106, or "never") share the
 * last tick; they only come up if the clock gets there too. */
static inline uint32_t ws_timers_stored_tick(uint64_t tick)
{
    return tick > UINT32_MAX ? UINT32_MAX : (uint32_t)tick;
}

/* The tick a deadline is armed for. */
static inline uint32_t ws_timers_tick_for(int64_t deadline)
{
    return ws_timers_stored_tick(ws_timers_tick_of(deadline));
}

/* Arming t for deadline would change nothing: it waits in the wheel for
 * deadline's tick or an earlier one.  The check every packet makes, inline. */
static inline bool ws_timers_arm_is_noop(const struct ws_timer *t, int64_t deadline)
{
    return ws_timer_in_wheel(t) && ws_timers_tick_for(deadline) >= t->tick;
}

/* Makes id's timer come up no later than deadline: arms it if unarmed, moves
 * it earlier if armed later, leaves it alone otherwise.  False only when the
 * due heap could not grow: an unarmed timer then stays unarmed, an armed one
 * keeps its (later) deadline. */
bool ws_timers_arm(struct ws_timers *w, uint32_t id, int64_t deadline, uint64_t tiebreak);

void ws_timers_cancel(struct ws_timers *w, uint32_t id);

/* The timer that comes up first at or before now, in (deadline, tiebreak)
 * order, disarmed; *armed_for gets the deadline it was armed for.  Returns
 * WS_TIMER_NIL when nothing is due.  The clock never runs backwards here: an
 * earlier now than before only looks at what is already due. */
uint32_t ws_timers_pop_due(struct ws_timers *w, int64_t now, int64_t *armed_for);

/* Surely nothing to pop at now: the clock is still inside the tick already
 * moved into the due heap, and the heap's earliest entry is later.  What the
 * caller checks every packet before calling ws_timers_pop_due(). */
static inline bool ws_timers_nothing_due(const struct ws_timers *w, int64_t now)
{
    return ws_timers_tick_of(now) <= w->now_tick && (w->due_count == 0 || w->due[0].deadline > now);
}

/* The id of the due heap's entry k, or WS_TIMER_NIL: entry 0 is the next
 * timer to pop, 1 and 2 the candidates for the one after, as long as
 * nothing is armed in between.  A hint for an owner that prefetches what it
 * will need: the entry may be stale, or not due yet. */
static inline uint32_t ws_timers_due_hint(const struct ws_timers *w, size_t k)
{
    return k < w->due_count ? w->due[k].id : WS_TIMER_NIL;
}

#endif
