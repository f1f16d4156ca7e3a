/* flow_table.h - the connections the tap knows, keyed by 4-tuple.
 *
 * A flow holds two endpoints ("sides").  Side 0 is the endpoint whose
 * (address, port) sorts first, so both directions of a connection find the
 * same record.  Records live in one array with room for max_flows of them
 * (big_alloc.h: address space, taken as memory only where written), handed
 * out a chunk at a time; nothing is allocated per packet.  Each record has a
 * 32-bit index (its place in the pool), which is how the activity lists and
 * the timer wheel link records: half the size of pointers.  Intrusive lists
 * keep flows ordered by last activity, one list per eviction tier, so the
 * least recently active flow of each tier is found in O(1) when the table is
 * full. */
#ifndef WIRESTATE_FLOW_TABLE_H
#define WIRESTATE_FLOW_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Running out of memory must not exit the process: uthash reports it instead
 * (growing the bucket array fails) and the flow is simply not tracked. */
#ifndef HASH_NONFATAL_OOM
#define HASH_NONFATAL_OOM 1
#endif

/* uthash compares keys with memcmp(), a library call per record on a chain.
 * Packed keys are 12 or 36 bytes (WS_PACKED_KEY_V4/V6 below), so the
 * comparison is done inline in 8-byte words; any other length falls back. */
static inline int ws_packed_key_differs(const void *a, const void *b, size_t len)
{
    const unsigned char *p = a, *q = b;
    uint64_t x, y, diff = 0;
    uint32_t u, v;
    if (len != 12 && len != 36)
        return memcmp(a, b, len);
    for (size_t i = 0; i + 8 <= len; i += 8) {
        memcpy(&x, p + i, 8);
        memcpy(&y, q + i, 8);
        diff |= x ^ y;
    }
    memcpy(&u, p + len - 4, 4);
    memcpy(&v, q + len - 4, 4);
    diff |= u ^ v;
    return diff != 0;
}
#define HASH_KEYCMP(a, b, n) ws_packed_key_differs((a), (b), (size_t)(n))
#include <uthash.h>

#include "wirestate/segment.h"
#include "wirestate/tcp_state.h"
#include "wirestate/config.h"
#include "wirestate/timers.h"
#include "wirestate/zeek_conn.h"

/* A connection's 4-tuple, side 0 the endpoint whose (address, port) sorts
 * first: the form reports and Community IDs work from. */
struct ws_flow_key {
    uint8_t addr[2][16];
    uint16_t port[2];
    uint8_t family;        /* 4 or 6 */
    uint8_t pad[3];        /* always zero */
};

/* The same 4-tuple as the table hashes and stores it: both ports, then both
 * addresses at their own length.  12 bytes for IPv4 (kept inside the flow
 * record), 36 for IPv6 (kept beside it); the length tells the family. */
#define WS_PACKED_KEY_V4 12
#define WS_PACKED_KEY_V6 36
_Static_assert(WS_PACKED_KEY_V4 == 12 && WS_PACKED_KEY_V6 == 36,
               "ws_packed_key_differs() knows these two lengths");

/* What the tap has seen one endpoint send, and the state that follows: what
 * the state machine reads.  What only a flow record reports (packet and byte
 * counts, Zeek's history) is in struct ws_flow_tally.  Packed to 4-byte
 * alignment: 28 bytes instead of 32 (state_since may sit off its natural
 * alignment, which costs nothing on the machines this runs on). */
struct __attribute__((packed, aligned(4))) ws_side {
    int64_t state_since;   /* when the current state was entered (µs) */
    uint32_t isn;          /* sequence number of its SYN */
    uint32_t snd_max;      /* highest seq + length (+1 per SYN/FIN) it sent */
    uint32_t ack_max;      /* highest ACK it sent: its receive point as last told */
    uint32_t fin_seq;      /* sequence number its FIN occupies */
    uint8_t state;         /* enum ws_tcp_state */
    uint8_t syn_seen : 1;      /* it sent a SYN (isn valid) */
    uint8_t passive_open : 1;  /* its first SYN carried ACK: it answered a SYN */
    uint8_t seq_seen : 1;      /* snd_max valid */
    uint8_t ack_seen : 1;      /* ack_max valid */
    uint8_t fin_seen : 1;      /* fin_seq valid */
    uint8_t half_closed_reported : 1;
};

/* Which flows a full table gives up first (the tracker decides the tier).
 * EXPENDABLE: no side has reached a synchronized state, or all are done
 * (handshakes in progress, SYN floods, scans, closed flows lingering).
 * ESTABLISHED: some side is ESTABLISHED or closing (including the half-closed
 * endpoints users hunt for). */
enum ws_flow_tier { WS_TIER_EXPENDABLE = 0, WS_TIER_ESTABLISHED, WS_TIER_COUNT };

#define WS_FLOW_NIL UINT32_MAX   /* no flow: the end of a list */
/* Indices (and so --max-flows) stay below this; the timer wheel names flows
 * by index too and keeps a few values above it for itself. */
#define WS_FLOW_MAX_INDEX (WS_TIMER_MAX_ID - WS_FLOW_CHUNK_RECORDS)

struct ws_flow {
    /* uthash's handle.  Two of its words, hh.prev and hh.next, keep the
     * insertion order of uthash's HASH_ADD and HASH_DELETE, which this table
     * does not use (it adds and removes with uthash's bucket macros and
     * orders flows by activity itself): they hold the IPv4 key and the pool
     * index instead, so a record spends 56 bytes on the handle, not 72. */
    union {
        UT_hash_handle hh;               /* hh.key: the packed key, key4 or an IPv6 key entry */
        struct {
            void *hh_tbl_word;               /* hh.tbl: uthash's */
            uint8_t key4[WS_PACKED_KEY_V4];  /* an IPv4 flow's packed key */
            uint32_t idx;                    /* its place in the pool, for ws_flow_at() */
        };
    };
    uint32_t older, newer;           /* activity list of its tier (indices); also the free list */
    struct ws_timer timer;
    uint8_t client;        /* index of the client side */
    uint8_t tier;          /* enum ws_flow_tier */
    bool midstream;        /* the capture joined after the connection began */
    uint64_t id;
    int64_t first_ts, last_ts;
    struct ws_side side[2];
};

/* What only a connection's flow record reports, counted per packet: kept
 * right behind each record, and only by a table made to keep it (flow
 * records written), so that tracking alone costs neither the memory nor the
 * work.  packets and bytes are indexed by flow side. */
struct ws_flow_tally {
    uint64_t packets[2];   /* every segment the side sent on this connection */
    uint64_t bytes[2];     /* TCP payload it sent, retransmissions included */
    struct ws_zeek_conn zeek;   /* Zeek's conn_state and history */
};

_Static_assert(offsetof(struct ws_flow, key4) == offsetof(UT_hash_handle, prev) &&
               offsetof(struct ws_flow, idx) + sizeof(uint32_t) <= offsetof(UT_hash_handle, hh_prev),
               "key4 and idx fill exactly the handle's insertion-order words");

/* An IPv6 flow's packed key, from a pool of its own so that the nine flows in
 * ten that are IPv4 do not carry 24 unused bytes each. */
union ws_v6_key {
    uint8_t bytes[WS_PACKED_KEY_V6];
    union ws_v6_key *next_free;
};

struct ws_flow_list {
    uint32_t newest, oldest;         /* indices, WS_FLOW_NIL when empty */
};

struct ws_flow_table {
    UT_hash_table *tbl;              /* uthash's buckets; NULL until the first flow */
    struct ws_flow_list tier[WS_TIER_COUNT];
    uint32_t free_list;
    unsigned char *records;          /* room for max_flows records of record_size bytes each */
    size_t records_bytes;            /* what ws_big_alloc() was asked for */
    size_t pool_size;                /* records handed out so far (whole chunks), the rest untouched */
    size_t record_size;              /* a struct ws_flow, and its tally if kept */
    bool keep_tally;
    union ws_v6_key *v6_free;         /* IPv6 key pool, in chunks allocated as IPv6 flows come */
    union ws_v6_key **v6_chunks;
    size_t v6_chunk_count, v6_chunk_capacity;
    size_t count, max_flows;
    uint64_t hash_seed;              /* per table: see flow_key_hash() */
};

/* The limit a table asked for max_flows keeps: 0 means 1, and indices stay
 * below WS_FLOW_MAX_INDEX. */
size_t ws_flow_table_max_flows(size_t max_flows);

/* The address space such a table reserves for its records. */
size_t ws_flow_table_reserve_bytes(size_t max_flows, bool keep_tally);

/* keep_tally: give every flow a struct ws_flow_tally (ws_flow_tally()).
 * False when the address space for max_flows records cannot be had. */
bool ws_flow_table_init(struct ws_flow_table *t, size_t max_flows, uint64_t hash_seed,
                        bool keep_tally);
void ws_flow_table_free(struct ws_flow_table *t);

/* Builds the canonical key for a segment and says which side sent it. */
void ws_flow_key_from_segment(const struct ws_segment *seg, struct ws_flow_key *key,
                              int *sender_side);

/* A segment's place in the table, worked out once per packet: its packed
 * key, the side that sent it, and the key's hash in this table. */
struct ws_flow_ref {
    uint8_t key[WS_PACKED_KEY_V6];
    uint8_t key_len;                 /* WS_PACKED_KEY_V4 or WS_PACKED_KEY_V6 */
    int sender;
    unsigned hash;
};

/* The table's hash of a packed key (what a ref's hash is). */
unsigned ws_flow_key_hash(const struct ws_flow_table *t, const uint8_t *key, size_t len);

void ws_flow_ref_of_segment(const struct ws_flow_table *t, const struct ws_segment *seg,
                            struct ws_flow_ref *ref);
/* The same given only the table's hash seed: for a thread that decodes
 * packets while another owns the table. */
void ws_flow_ref_with_seed(uint64_t hash_seed, const struct ws_segment *seg, struct ws_flow_ref *ref);
void ws_flow_ref_of_key(const struct ws_flow_table *t, const struct ws_flow_key *key,
                        struct ws_flow_ref *ref);
struct ws_flow *ws_flow_find(struct ws_flow_table *t, const struct ws_flow_ref *ref);

/* The same by key alone (the hash computed here). */
struct ws_flow *ws_flow_lookup(struct ws_flow_table *t, const struct ws_flow_key *key);

static inline bool ws_flow_table_full(const struct ws_flow_table *t)
{
    return t->count >= t->max_flows;
}

/* Adds a zeroed flow for key, the newest of the expendable tier.  NULL if the
 * table is full or memory ran out: the caller evicts first. */
struct ws_flow *ws_flow_add(struct ws_flow_table *t, const struct ws_flow_ref *ref);
struct ws_flow *ws_flow_insert(struct ws_flow_table *t, const struct ws_flow_key *key);

/* Removes victim and adds the flow of ref in its record, which keeps its pool
 * index and its timer fields: a timer armed for the victim (in the caller's
 * wheel, which names it by index) is inherited, untouched, by the new flow.
 * NULL without memory: victim is removed all the same, its timer fields
 * intact for the caller to cancel. */
struct ws_flow *ws_flow_reuse(struct ws_flow_table *t, struct ws_flow *victim, const struct ws_flow_ref *ref);

/* Marks f the most recently active flow of its tier. */
void ws_flow_touch(struct ws_flow_table *t, struct ws_flow *f);

/* Moves f to another tier (as its most recently active flow). */
void ws_flow_set_tier(struct ws_flow_table *t, struct ws_flow *f, enum ws_flow_tier tier);

/* Unlinks f and returns its record to the pool (the caller cancels its timer). */
void ws_flow_remove(struct ws_flow_table *t, struct ws_flow *f);

/* The record at a pool index (any index a record of this table carries). */
static inline struct ws_flow *ws_flow_at(const struct ws_flow_table *t, uint32_t idx)
{
    return (struct ws_flow *)(void *)(t->records + (size_t)idx * t->record_size);
}

/* A flow's tally, NULL if its table keeps none. */
static inline struct ws_flow_tally *ws_flow_tally(const struct ws_flow_table *t, struct ws_flow *f)
{
    _Static_assert(sizeof(struct ws_flow) % _Alignof(struct ws_flow_tally) == 0,
                   "a tally right behind its record is aligned");
    return t->keep_tally ? (struct ws_flow_tally *)(void *)(f + 1) : NULL;
}

/* ---- prefetch hints -----------------------------------------------------
 * Looking a flow up costs a cache miss for the hash bucket and one for each
 * record on its chain, and updating it a few more for the rest of the record.
 * A caller holding several packets starts those loads early, in passes over
 * the batch, each once the previous pass's loads have had time to arrive:
 * first the buckets; then (depth 1) the lookup fields of each chain's first
 * record; then (depth 2) the whole of that record if its stored hash is the
 * packet's, else the lookup fields of the second (chains average one to two
 * records); then the flow's neighbours in the activity list.
 *
 * Removing a flow costs a cache miss for its record and one for each
 * neighbour it is unlinked from, which only the record names.  A caller that
 * knows which flows go next (the next eviction victim, the timers' due heap)
 * starts those loads early: the whole record first, then, once it has
 * arrived, its hash bucket and its neighbours in uthash's lists and the
 * activity list.
 *
 * Only hints: nothing is read that could change a lookup, and any record of
 * the table may be passed, removed ones included.
 *
 * GCC 12's mod/ref analysis takes __builtin_prefetch for no effect at all, so
 * it deletes a call to a function that only reads memory and prefetches as
 * dead code, prefetches and all (-fno-ipa-modref keeps them).  That had
 * silently removed the eviction and expiry prefetches.  An empty volatile asm
 * is an effect the optimiser must keep; it emits no instruction.  Every
 * function whose only work is prefetching starts with WS_KEEP_HINTS(). */
#define WS_KEEP_HINTS() __asm__ volatile("")

/* The bucket a hash falls in; NULL before the table's first flow. */
static inline const UT_hash_bucket *ws_flow_bucket_of(const struct ws_flow_table *t, unsigned hash)
{
    if (!t->tbl)
        return NULL;
    return &t->tbl->buckets[hash & (t->tbl->num_buckets - 1U)];
}

static inline void ws_flow_prefetch_bucket(const struct ws_flow_table *t, unsigned hash)
{
    WS_KEEP_HINTS();
    const UT_hash_bucket *b = ws_flow_bucket_of(t, hash);
    if (b)
        __builtin_prefetch(b);
}

/* What a chain walk reads of a record: uthash's chain link, key pointer, key
 * length and stored hash, and an IPv4 key (inside the handle); all in the
 * handle's 56 bytes, two lines at most.  Computed from the record's address
 * alone: following hh.key would wait for the very load being requested. */
static inline void ws_flow_prefetch_lookup_fields(const UT_hash_handle *h)
{
    WS_KEEP_HINTS();
    _Static_assert(offsetof(struct ws_flow, hh) == 0, "a record starts with its handle");
    const char *p = (const char *)h;
    __builtin_prefetch(p);
    __builtin_prefetch(p + sizeof(UT_hash_handle) - 1);
}

/* All of a record (and its tally), for the tracker about to update it. */
static inline void ws_flow_prefetch_record(const struct ws_flow_table *t, const struct ws_flow *f)
{
    WS_KEEP_HINTS();
    const char *p = (const char *)f;
    for (size_t off = 0; off < t->record_size; off += 64)
        __builtin_prefetch(p + off);
    __builtin_prefetch(p + t->record_size - 1);
}

/* The links of f's neighbours in the activity list, which unlinking f
 * (touching or removing it) rewrites. */
static inline void ws_flow_prefetch_activity_neighbours(const struct ws_flow_table *t,
                                                        const struct ws_flow *f)
{
    WS_KEEP_HINTS();
    if (f->older != WS_FLOW_NIL)
        __builtin_prefetch(&ws_flow_at(t, f->older)->newer, 1);
    if (f->newer != WS_FLOW_NIL)
        __builtin_prefetch(&ws_flow_at(t, f->newer)->older, 1);
}

static inline void ws_flow_prefetch_chain(const struct ws_flow_table *t, unsigned hash, unsigned depth)
{
    WS_KEEP_HINTS();
    const UT_hash_bucket *b = ws_flow_bucket_of(t, hash);
    if (!b || depth == 0)
        return;
    const UT_hash_handle *h = b->hh_head;
    /* The records before `depth` were requested by the earlier passes, so
     * reading them here should not wait. */
    for (unsigned i = 1; h && i < depth; i++) {
        if (h->hashv == hash) {   /* most likely the flow itself */
            const struct ws_flow *f = (const struct ws_flow *)(const void *)h;
            ws_flow_prefetch_record(t, f);
            if (h->keylen != WS_PACKED_KEY_V4) {   /* an IPv6 key lives in its own pool */
                __builtin_prefetch(h->key);
                __builtin_prefetch((const char *)h->key + WS_PACKED_KEY_V6 - 1);
            }
            /* Its activity links came with the lookup fields (the two
             * words right after the handle, in the same line). */
            ws_flow_prefetch_activity_neighbours(t, f);
            return;
        }
        h = h->hh_next;
    }
    if (h)
        ws_flow_prefetch_lookup_fields(h);
}

static inline void ws_flow_prefetch_removal(const struct ws_flow_table *t, const struct ws_flow *f)
{
    WS_KEEP_HINTS();
    const UT_hash_bucket *b = ws_flow_bucket_of(t, f->hh.hashv);
    if (!b)
        return;
    /* The bucket and the neighbours on the chain (their links sit in the
     * handle, the record's first line). */
    __builtin_prefetch(b, 1);
    if (f->hh.hh_prev)
        __builtin_prefetch(f->hh.hh_prev, 1);
    if (f->hh.hh_next)
        __builtin_prefetch(f->hh.hh_next, 1);
    ws_flow_prefetch_activity_neighbours(t, f);
}

static inline struct ws_flow *ws_flow_at_or_null(const struct ws_flow_table *t, uint32_t idx)
{
    return idx == WS_FLOW_NIL ? NULL : ws_flow_at(t, idx);
}

/* Neighbours in the activity list of f's tier, NULL at the ends. */
static inline struct ws_flow *ws_flow_older(const struct ws_flow_table *t, const struct ws_flow *f)
{
    return ws_flow_at_or_null(t, f->older);
}

static inline struct ws_flow *ws_flow_newer(const struct ws_flow_table *t, const struct ws_flow *f)
{
    return ws_flow_at_or_null(t, f->newer);
}

static inline struct ws_flow *ws_flow_newest_in(const struct ws_flow_table *t, enum ws_flow_tier tier)
{
    return ws_flow_at_or_null(t, t->tier[tier].newest);
}

/* The least recently active flow of a tier, or NULL. */
static inline struct ws_flow *ws_flow_oldest_in(const struct ws_flow_table *t, enum ws_flow_tier tier)
{
    return ws_flow_at_or_null(t, t->tier[tier].oldest);
}

/* The least recently active flow, expendable ones first. */
static inline struct ws_flow *ws_flow_least_recent(const struct ws_flow_table *t)
{
    struct ws_flow *f = ws_flow_oldest_in(t, WS_TIER_EXPENDABLE);
    return f ? f : ws_flow_oldest_in(t, WS_TIER_ESTABLISHED);
}

/* Every flow, in flow id order, in a malloc'd array the caller frees; *n gets
 * the count.  NULL when the table is empty or memory ran out (*n is 0). */
struct ws_flow **ws_flow_table_by_id(const struct ws_flow_table *t, size_t *n);

/* The flow's 4-tuple, read from its packed key. */
static inline int ws_flow_family(const struct ws_flow *f)
{
    return f->hh.keylen == WS_PACKED_KEY_V6 ? 6 : 4;
}

static inline uint16_t ws_flow_port(const struct ws_flow *f, int side)
{
    uint16_t port;
    memcpy(&port, (const uint8_t *)f->hh.key + 2 * side, sizeof port);
    return port;
}

/* Address of one side as a struct ws_addr. */
void ws_flow_side_addr(const struct ws_flow *f, int side, struct ws_addr *out);
void ws_flow_key_of(const struct ws_flow *f, struct ws_flow_key *out);

/* A flow record that never enters the table (a stray segment's one-line
 * record) takes its key from a ref, which must outlive it. */
void ws_flow_use_key(struct ws_flow *f, const struct ws_flow_ref *ref);

#endif
