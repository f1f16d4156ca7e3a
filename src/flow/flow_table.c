/* flow_table.c - uthash table of flows, their record pool and the activity lists. */
#include "wirestate/flow_table.h"

#include "wirestate/big_alloc.h"

#include <stdlib.h>
#include <string.h>

/* The records a table of up to ~13000 flows (2 MiB of them) uses stay in
 * small pages: no 2 MiB page is taken for a capture of a few connections. */
#define RECORDS_SMALL_HEAD WS_BIG_ALLOC_MIN

/* Bucket arrays are read at random like the records: in huge pages once big
 * enough (big_alloc.h).  Every bucket is written when the array is made, so
 * none of it is kept in small pages. */
static UT_hash_bucket *alloc_buckets(size_t n)
{
    return ws_big_alloc(n * sizeof(UT_hash_bucket), 0);
}

static void free_buckets(UT_hash_bucket *b, size_t n)
{
    ws_big_free(b, n * sizeof(UT_hash_bucket));
}

/* uthash's default hash is unseeded; anyone who can send packets past the tap
 * could then aim many flows at one bucket.  Each table has its own seed, so
 * the hash is computed here and handed to uthash's *_BYHASHVALUE macros.  The
 * mix is a multiply-xorshift over the packed key in 8-byte words (and the
 * last 4 bytes: packed keys are 12 or 36 bytes long). */
#define WS_DEFAULT_HASH_SEED 0x6a09e667f3bcc908ULL

static uint64_t mix(uint64_t h, uint64_t w)
{
    h ^= w;
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 31);
}

static uint64_t hash_start(uint64_t seed, size_t len)
{
    return seed ^ (len * 0x9e3779b97f4a7c15ULL);
}

static unsigned hash_finish(uint64_t h)
{
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 29;
    return (unsigned)(h ^ (h >> 32));
}

static unsigned key_hash(uint64_t seed, const uint8_t *key, size_t len)
{
    uint64_t h = hash_start(seed, len);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, key + i, 8);
        h = mix(h, w);
    }
    if (i < len) {
        uint32_t w;
        memcpy(&w, key + i, 4);
        h = mix(h, w);
    }
    return hash_finish(h);
}

unsigned ws_flow_key_hash(const struct ws_flow_table *t, const uint8_t *key, size_t len)
{
    return key_hash(t->hash_seed, key, len);
}

_Static_assert(WS_PACKED_KEY_V4 % 4 == 0 && WS_PACKED_KEY_V6 % 4 == 0,
               "packed keys are hashed in 8-byte words and a 4-byte tail");

static size_t record_size_for(bool keep_tally)
{
    return sizeof(struct ws_flow) + (keep_tally ? sizeof(struct ws_flow_tally) : 0);
}

size_t ws_flow_table_max_flows(size_t asked)
{
    if (asked == 0)
        return 1;
    return asked > WS_FLOW_MAX_INDEX ? WS_FLOW_MAX_INDEX : asked;
}

/* Whole chunks, so that add_chunk() never needs a partial one. */
size_t ws_flow_table_reserve_bytes(size_t max_flows, bool keep_tally)
{
    size_t chunks = (ws_flow_table_max_flows(max_flows) + WS_FLOW_CHUNK_RECORDS - 1) / WS_FLOW_CHUNK_RECORDS;
    return chunks * WS_FLOW_CHUNK_RECORDS * record_size_for(keep_tally);
}

bool ws_flow_table_init(struct ws_flow_table *t, size_t max_flows, uint64_t hash_seed,
                        bool keep_tally)
{
    memset(t, 0, sizeof *t);
    t->keep_tally = keep_tally;
    t->record_size = record_size_for(keep_tally);
    t->max_flows = ws_flow_table_max_flows(max_flows);
    t->free_list = WS_FLOW_NIL;
    for (int i = 0; i < WS_TIER_COUNT; i++)
        t->tier[i].newest = t->tier[i].oldest = WS_FLOW_NIL;
    t->hash_seed = hash_seed ? hash_seed : WS_DEFAULT_HASH_SEED;
    t->records_bytes = ws_flow_table_reserve_bytes(t->max_flows, keep_tally);
    t->records = ws_big_alloc(t->records_bytes, RECORDS_SMALL_HEAD);
    return t->records != NULL;
}

void ws_flow_table_free(struct ws_flow_table *t)
{
    if (t->tbl)
        free_buckets(t->tbl->buckets, t->tbl->num_buckets);
    free(t->tbl);
    ws_big_free(t->records, t->records_bytes);
    for (size_t i = 0; i < t->v6_chunk_count; i++)
        free(t->v6_chunks[i]);
    free(t->v6_chunks);
    memset(t, 0, sizeof *t);
}

/* Big-endian 8-byte word: compares like the bytes it holds. */
static uint64_t be64_at(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return __builtin_bswap64(w);
}

/* Negative, zero or positive as (src address, port) sorts before, equal to or
 * after (dst address, port); addresses as bytes, as memcmp() would, inline. */
static int compare_endpoint(const struct ws_segment *seg)
{
    for (int i = 0; i < 16; i += 8) {
        uint64_t s = be64_at(seg->src.bytes + i), d = be64_at(seg->dst.bytes + i);
        if (s != d)
            return s < d ? -1 : 1;
    }
    return (int)seg->sport - (int)seg->dport;
}

void ws_flow_key_from_segment(const struct ws_segment *seg, struct ws_flow_key *key,
                              int *sender_side)
{
    memset(key, 0, sizeof *key);
    key->family = seg->src.family;
    int s = compare_endpoint(seg) <= 0 ? 0 : 1;
    memcpy(key->addr[s], seg->src.bytes, 16);
    key->port[s] = seg->sport;
    memcpy(key->addr[!s], seg->dst.bytes, 16);
    key->port[!s] = seg->dport;
    *sender_side = s;
}

/* Packs (addr, port) pairs already in canonical order: ports, then
 * addresses; and hashes the result. */
static void pack_key(uint64_t seed, struct ws_flow_ref *ref, int family,
                     const uint8_t *addr0, uint16_t port0, const uint8_t *addr1, uint16_t port1)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (family != 6) {
        /* The same bytes and hash as below, but the hash is fed from
         * registers: reading back 8 bytes just stored as 2+2+4 would stall
         * on store forwarding, on every packet. */
        uint32_t a0, a1;
        memcpy(&a0, addr0, 4);
        memcpy(&a1, addr1, 4);
        uint64_t w0 = port0 | (uint64_t)port1 << 16 | (uint64_t)a0 << 32;
        memcpy(ref->key, &w0, 8);
        memcpy(ref->key + 8, &a1, 4);
        ref->key_len = WS_PACKED_KEY_V4;
        ref->hash = hash_finish(mix(mix(hash_start(seed, WS_PACKED_KEY_V4), w0), a1));
        return;
    }
#endif
    memcpy(ref->key, &port0, 2);
    memcpy(ref->key + 2, &port1, 2);
    if (family == 6) {   /* constant sizes: the copies stay inline */
        memcpy(ref->key + 4, addr0, 16);
        memcpy(ref->key + 20, addr1, 16);
        ref->key_len = WS_PACKED_KEY_V6;
    } else {
        memcpy(ref->key + 4, addr0, 4);
        memcpy(ref->key + 8, addr1, 4);
        ref->key_len = WS_PACKED_KEY_V4;
    }
    ref->hash = key_hash(seed, ref->key, ref->key_len);
}

/* IPv4 endpoints compared as 4-byte words: the width the decoder stores
 * them with, often just before (one thread reading a stream).  8-byte loads
 * straddling narrower fresh stores stall on store forwarding; measured when
 * the refs were computed right after decoding: a tenth of that thread's time
 * on the small benchmark capture. */
static int compare_endpoint_v4(const struct ws_segment *seg)
{
    uint32_t s, d;
    memcpy(&s, seg->src.bytes, 4);
    memcpy(&d, seg->dst.bytes, 4);
    if (s != d)
        return __builtin_bswap32(s) < __builtin_bswap32(d) ? -1 : 1;
    return (int)seg->sport - (int)seg->dport;
}

void ws_flow_ref_with_seed(uint64_t hash_seed, const struct ws_segment *seg, struct ws_flow_ref *ref)
{
    int order = seg->src.family == 6 ? compare_endpoint(seg) : compare_endpoint_v4(seg);
    int s = order <= 0 ? 0 : 1;
    if (s == 0)
        pack_key(hash_seed, ref, seg->src.family, seg->src.bytes, seg->sport, seg->dst.bytes, seg->dport);
    else
        pack_key(hash_seed, ref, seg->src.family, seg->dst.bytes, seg->dport, seg->src.bytes, seg->sport);
    ref->sender = s;
}

void ws_flow_ref_of_segment(const struct ws_flow_table *t, const struct ws_segment *seg,
                            struct ws_flow_ref *ref)
{
    ws_flow_ref_with_seed(t->hash_seed, seg, ref);
}

void ws_flow_ref_of_key(const struct ws_flow_table *t, const struct ws_flow_key *key,
                        struct ws_flow_ref *ref)
{
    pack_key(t->hash_seed, ref, key->family, key->addr[0], key->port[0], key->addr[1], key->port[1]);
    ref->sender = 0;
}

/* ---- uthash, at bucket level ---------------------------------------------
 * HASH_ADD and HASH_DELETE also keep every record in insertion order, a
 * doubly linked list through the handles that nobody here reads, and
 * unlinking from it costs a removal two cache misses.  So the table uses
 * uthash's bucket macros for the chains and owns the UT_hash_table itself;
 * the handle's two insertion-order words are left to the record (struct
 * ws_flow).
 *
 * The bucket array doubles when the flows outnumber its buckets, so chains
 * average one record or fewer: under a flood every lookup misses and walks
 * its whole chain, a cache miss per record.  (uthash doubles when one chain
 * reaches ten records, which leaves chains of two to four on average and,
 * under churn, goes on doubling long after the table is full.)  A full
 * table never grows, so memory stays flat at the --max-flows bound; an
 * emptied one keeps its buckets for the flows to come. */

/* Doubling stops here; chains then grow longer than one. */
#define WS_MAX_BUCKETS (1u << 31)

/* As HASH_MAKE_TABLE makes it, with uthash's own doubling switched off
 * (noexpand): grow_buckets() does it. */
static bool make_hash_table(struct ws_flow_table *t)
{
    UT_hash_table *tbl = calloc(1, sizeof *tbl);
    UT_hash_bucket *buckets = alloc_buckets(HASH_INITIAL_NUM_BUCKETS);
    if (!tbl || !buckets) {
        free(tbl);
        free_buckets(buckets, HASH_INITIAL_NUM_BUCKETS);
        return false;
    }
    tbl->num_buckets = HASH_INITIAL_NUM_BUCKETS;
    tbl->log2_num_buckets = HASH_INITIAL_NUM_BUCKETS_LOG2;
    tbl->hho = (ptrdiff_t)offsetof(struct ws_flow, hh);
    tbl->buckets = buckets;
    tbl->signature = HASH_SIGNATURE;
    tbl->noexpand = 1;
    t->tbl = tbl;
    return true;
}

/* Twice the buckets, every chain split between bucket i and i + old count:
 * the new array is written in two sequential runs, and each chain's first
 * record is requested a few buckets ahead (each is a cache miss otherwise,
 * one after another).  Without memory the table keeps its longer chains. */
static void grow_buckets(UT_hash_table *tbl)
{
    enum { AHEAD = 8 };
    unsigned old_n = tbl->num_buckets, n = old_n * 2;
    UT_hash_bucket *old = tbl->buckets, *grown = alloc_buckets(n);
    if (!grown)
        return;
    for (unsigned i = 0; i < old_n; i++) {
        if (i + AHEAD < old_n && old[i + AHEAD].hh_head)
            __builtin_prefetch(old[i + AHEAD].hh_head, 1);
        for (UT_hash_handle *h = old[i].hh_head, *next; h; h = next) {
            next = h->hh_next;
            UT_hash_bucket *b = &grown[h->hashv & (n - 1)];
            b->count++;
            h->hh_prev = NULL;
            h->hh_next = b->hh_head;
            if (b->hh_head)
                b->hh_head->hh_prev = h;
            b->hh_head = h;
        }
    }
    free_buckets(old, old_n);
    tbl->buckets = grown;
    tbl->num_buckets = n;
    tbl->log2_num_buckets++;
}

/* Into uthash's table, which exists. */
static void hash_add(struct ws_flow_table *t, struct ws_flow *f, const uint8_t *key, unsigned len,
                     unsigned hash)
{
    UT_hash_table *tbl = t->tbl;
    f->hh.tbl = tbl;
    f->hh.key = key;
    f->hh.keylen = len;
    f->hh.hashv = hash;
    unsigned bkt;
    HASH_TO_BKT(hash, tbl->num_buckets, bkt);
    int oomed = 0;   /* only set when uthash doubles the buckets, which it does not here */
    HASH_ADD_TO_BKT(tbl->buckets[bkt], hh, &f->hh, oomed);
    (void)oomed;
    if (++tbl->num_items > tbl->num_buckets && tbl->num_buckets < WS_MAX_BUCKETS)
        grow_buckets(tbl);
}

static void hash_delete(struct ws_flow_table *t, struct ws_flow *f)
{
    unsigned bkt;
    HASH_TO_BKT(f->hh.hashv, t->tbl->num_buckets, bkt);
    HASH_DEL_IN_BKT(t->tbl->buckets[bkt], &f->hh);
    t->tbl->num_items--;
}

struct ws_flow *ws_flow_find(struct ws_flow_table *t, const struct ws_flow_ref *ref)
{
    if (!t->tbl)
        return NULL;
    struct ws_flow *f;
    unsigned bkt;
    HASH_TO_BKT(ref->hash, t->tbl->num_buckets, bkt);
    HASH_FIND_IN_BKT(t->tbl, hh, t->tbl->buckets[bkt], ref->key, ref->key_len, ref->hash, f);
    return f;
}

struct ws_flow *ws_flow_lookup(struct ws_flow_table *t, const struct ws_flow_key *key)
{
    struct ws_flow_ref ref;
    ws_flow_ref_of_key(t, key, &ref);
    return ws_flow_find(t, &ref);
}

/* A pool's array of chunk pointers with room for one more (doubling): the
 * array to keep, or NULL without memory (the old one then stays valid). */
static void *room_for_chunk(void *array, size_t count, size_t *capacity, size_t pointer_size)
{
    if (count < *capacity)
        return array;
    size_t cap = *capacity ? *capacity * 2 : 16;
    void *grown = realloc(array, cap * pointer_size);
    if (grown)
        *capacity = cap;
    return grown;
}

/* The next WS_FLOW_CHUNK_RECORDS records of the array onto the free list:
 * records are first written, and so take memory, as flows need them. */
static bool add_chunk(struct ws_flow_table *t)
{
    size_t n = WS_FLOW_CHUNK_RECORDS;
    if ((t->pool_size + n) * t->record_size > t->records_bytes)
        return false;
    uint32_t base = (uint32_t)t->pool_size;
    t->pool_size += n;
    for (size_t i = n; i-- > 0;) {
        struct ws_flow *f = ws_flow_at(t, base + (uint32_t)i);
        f->idx = base + (uint32_t)i;
        f->newer = t->free_list;
        t->free_list = f->idx;
    }
    return true;
}

static union ws_v6_key *take_v6_key(struct ws_flow_table *t)
{
    if (!t->v6_free) {
        union ws_v6_key **chunks = room_for_chunk(t->v6_chunks, t->v6_chunk_count,
                                                  &t->v6_chunk_capacity, sizeof *chunks);
        if (!chunks)
            return NULL;
        t->v6_chunks = chunks;
        union ws_v6_key *chunk = calloc(WS_FLOW_CHUNK_RECORDS, sizeof *chunk);
        if (!chunk)
            return NULL;
        t->v6_chunks[t->v6_chunk_count++] = chunk;
        for (size_t i = WS_FLOW_CHUNK_RECORDS; i-- > 0;) {
            chunk[i].next_free = t->v6_free;
            t->v6_free = &chunk[i];
        }
    }
    union ws_v6_key *k = t->v6_free;
    t->v6_free = k->next_free;
    return k;
}

static void give_back_v6_key(struct ws_flow_table *t, union ws_v6_key *k)
{
    k->next_free = t->v6_free;
    t->v6_free = k;
}

static void list_unlink(struct ws_flow_table *t, struct ws_flow_list *l, struct ws_flow *f)
{
    if (f->older != WS_FLOW_NIL)
        ws_flow_at(t, f->older)->newer = f->newer;
    else
        l->oldest = f->newer;
    if (f->newer != WS_FLOW_NIL)
        ws_flow_at(t, f->newer)->older = f->older;
    else
        l->newest = f->older;
    f->older = f->newer = WS_FLOW_NIL;
}

static void list_push_newest(struct ws_flow_table *t, struct ws_flow_list *l, struct ws_flow *f)
{
    f->older = l->newest;
    f->newer = WS_FLOW_NIL;
    if (l->newest != WS_FLOW_NIL)
        ws_flow_at(t, l->newest)->newer = f->idx;
    else
        l->oldest = f->idx;
    l->newest = f->idx;
}

/* A record back on the free list; only idx and the list link stay meaningful. */
static void release(struct ws_flow_table *t, struct ws_flow *f)
{
    f->newer = t->free_list;
    t->free_list = f->idx;
}

struct ws_flow *ws_flow_insert(struct ws_flow_table *t, const struct ws_flow_key *key)
{
    struct ws_flow_ref ref;
    ws_flow_ref_of_key(t, key, &ref);
    return ws_flow_add(t, &ref);
}


/* Zeroes n bytes (a multiple of 16) with plain 16-byte stores.  GCC turns a
 * memset of a record, or a loop that zeroes it, into "rep stos", slow to
 * start on short lengths: the SYN flood ran 4-7 % faster with these stores
 * in four of five alternating sets of 8.  They are volatile so that GCC
 * cannot turn them back.  Records are 16-byte aligned. */
static inline void zero_bytes(void *p, size_t n)
{
    typedef unsigned char v16 __attribute__((vector_size(16), may_alias));
    _Static_assert(sizeof(struct ws_flow) % 16 == 0 && sizeof(struct ws_flow_tally) % 16 == 0,
                   "records and tallies are whole 16-byte units");
    volatile v16 *d = p;
    const v16 zero = { 0 };
    for (size_t i = 0; i < n / 16; i++)
        d[i] = zero;
}

/* Makes f, a record on no list, the zeroed flow of ref with the timer given,
 * the newest of the expendable tier.  False without memory (for an IPv6 key
 * or uthash's table), f then untouched. */
static bool become_flow(struct ws_flow_table *t, struct ws_flow *f, const struct ws_flow_ref *ref,
                        struct ws_timer timer)
{
    union ws_v6_key *k6 = NULL;
    if (ref->key_len == WS_PACKED_KEY_V6 && !(k6 = take_v6_key(t)))
        return false;
    if (!t->tbl && !make_hash_table(t)) {
        if (k6)
            give_back_v6_key(t, k6);
        return false;
    }
    /* Sizes the compiler knows: a few inline stores where a variable size
     * meant a library call (about 40 instructions a new flow). */
    uint32_t idx = f->idx;
    zero_bytes(f, sizeof *f);
    struct ws_flow_tally *tally = ws_flow_tally(t, f);
    if (tally)
        zero_bytes(tally, sizeof *tally);
    f->idx = idx;
    f->timer = timer;
    uint8_t *key;
    if (k6) {
        key = k6->bytes;
        memcpy(key, ref->key, WS_PACKED_KEY_V6);
    } else {
        key = f->key4;
        memcpy(key, ref->key, WS_PACKED_KEY_V4);
    }
    hash_add(t, f, key, ref->key_len, ref->hash);
    f->tier = WS_TIER_EXPENDABLE;
    list_push_newest(t, &t->tier[f->tier], f);
    t->count++;
    return true;
}

struct ws_flow *ws_flow_add(struct ws_flow_table *t, const struct ws_flow_ref *ref)
{
    if (ws_flow_table_full(t))
        return NULL;
    if (t->free_list == WS_FLOW_NIL && !add_chunk(t))
        return NULL;
    struct ws_flow *f = ws_flow_at(t, t->free_list);
    uint32_t next_free = f->newer;
    if (!become_flow(t, f, ref, WS_TIMER_UNARMED))
        return NULL;
    t->free_list = next_free;
    return f;
}

struct ws_flow *ws_flow_reuse(struct ws_flow_table *t, struct ws_flow *victim, const struct ws_flow_ref *ref)
{
    struct ws_timer timer = victim->timer;
    ws_flow_remove(t, victim);   /* first on the free list now */
    uint32_t next_free = victim->newer;
    if (!become_flow(t, victim, ref, timer))
        return NULL;
    t->free_list = next_free;
    return victim;
}

void ws_flow_touch(struct ws_flow_table *t, struct ws_flow *f)
{
    struct ws_flow_list *l = &t->tier[f->tier];
    if (l->newest == f->idx)
        return;
    list_unlink(t, l, f);
    list_push_newest(t, l, f);
}

void ws_flow_set_tier(struct ws_flow_table *t, struct ws_flow *f, enum ws_flow_tier tier)
{
    if (f->tier == tier)
        return;
    list_unlink(t, &t->tier[f->tier], f);
    f->tier = (uint8_t)tier;
    list_push_newest(t, &t->tier[tier], f);
}

void ws_flow_remove(struct ws_flow_table *t, struct ws_flow *f)
{
    hash_delete(t, f);
    if (f->hh.keylen == WS_PACKED_KEY_V6)
        give_back_v6_key(t, (union ws_v6_key *)(void *)f->hh.key);
    list_unlink(t, &t->tier[f->tier], f);
    release(t, f);
    t->count--;
}

static int by_id(const void *a, const void *b)
{
    const struct ws_flow *fa = *(const struct ws_flow *const *)a;
    const struct ws_flow *fb = *(const struct ws_flow *const *)b;
    return fa->id < fb->id ? -1 : fa->id > fb->id;
}

static unsigned bit_length(uint64_t v)
{
    unsigned n = 0;
    for (; v; v >>= 1)
        n++;
    return n;
}

/* LSD radix sort, 11 bits a pass, through tmp; returns where the sorted keys
 * ended up.  A pass whose digit is the same in every key moves nothing and is
 * skipped, so high bits that all ids share cost one counting loop. */
#define WS_RADIX_BITS 11
#define WS_RADIX_DIGIT(key, shift) ((key) >> (shift) & ((1u << WS_RADIX_BITS) - 1))
static uint64_t *radix_sort(uint64_t *keys, uint64_t *tmp, size_t n, unsigned key_bits)
{
    for (unsigned shift = 0; shift < key_bits; shift += WS_RADIX_BITS) {
        size_t start[(1u << WS_RADIX_BITS) + 1] = { 0 };
        for (size_t i = 0; i < n; i++)
            start[WS_RADIX_DIGIT(keys[i], shift) + 1]++;
        if (start[WS_RADIX_DIGIT(keys[0], shift) + 1] == n)
            continue;
        for (size_t d = 1; d <= 1u << WS_RADIX_BITS; d++)
            start[d] += start[d - 1];
        for (size_t i = 0; i < n; i++)
            tmp[start[WS_RADIX_DIGIT(keys[i], shift)]++] = keys[i];
        uint64_t *swap = keys;
        keys = tmp;
        tmp = swap;
    }
    return keys;
}

/* Sorted without reading a record again: qsort's comparator read two, a
 * cache miss each on a big table.  The walk down the activity lists, which
 * reads each record once anyway, makes each flow a 64-bit key, its id above
 * its pool index; the keys are radix sorted and the index names the record.
 * Ids too large for that (beyond 2^46 with the default table) fall back to
 * qsort over the records.  keys has room for twice the flows (the radix
 * sort's scratch); the flows come back, in order, in the same memory:
 * 16 bytes a flow at the peak rather than 24 with an array of their own. */
static struct ws_flow **sort_by_id(const struct ws_flow_table *t, uint64_t *keys, size_t *n)
{
    _Static_assert(sizeof(struct ws_flow *) <= sizeof(uint64_t), "a flow pointer fits a key's room");
    struct ws_flow **all = (struct ws_flow **)(void *)keys;
    unsigned idx_bits = bit_length(t->pool_size - 1);
    uint64_t max_id = 0;
    size_t count = 0;
    for (int tier = 0; tier < WS_TIER_COUNT; tier++)
        for (uint32_t i = t->tier[tier].newest; i != WS_FLOW_NIL && count < t->count;) {
            const struct ws_flow *f = ws_flow_at(t, i);
            keys[count++] = f->id << idx_bits | i;
            max_id = f->id > max_id ? f->id : max_id;
            i = f->older;
        }
    *n = count;
    uint64_t idx_mask = ((uint64_t)1 << idx_bits) - 1;
    if (bit_length(max_id) + idx_bits > 64) {
        for (size_t k = 0; k < count; k++)   /* each slot read, then overwritten */
            all[k] = ws_flow_at(t, (uint32_t)(keys[k] & idx_mask));
        qsort(all, count, sizeof *all, by_id);
        return all;
    }
    const uint64_t *sorted = count < 2 ? keys : radix_sort(keys, keys + count, count,
                                                            bit_length(max_id) + idx_bits);
    for (size_t k = 0; k < count; k++)   /* sorted is keys itself or its second half */
        all[k] = ws_flow_at(t, (uint32_t)(sorted[k] & idx_mask));
    return all;
}

struct ws_flow **ws_flow_table_by_id(const struct ws_flow_table *t, size_t *n)
{
    *n = 0;
    if (!t->count)
        return NULL;
    uint64_t *keys = malloc(2 * t->count * sizeof *keys);
    if (!keys)
        return NULL;
    struct ws_flow **all = sort_by_id(t, keys, n);
    if (*n == 0) {   /* not with a consistent table */
        free(all);
        return NULL;
    }
    struct ws_flow **fitted = realloc(all, *n * sizeof *all);   /* the scratch given back */
    return fitted ? fitted : all;
}

/* Every event carries two of these: a copy of a size fixed at compile time
 * for each family costs half what one of a run-time length does. */
void ws_flow_side_addr(const struct ws_flow *f, int side, struct ws_addr *out)
{
    const uint8_t *addrs = (const uint8_t *)f->hh.key + 4;
    memset(out, 0, sizeof *out);
    if (f->hh.keylen == WS_PACKED_KEY_V6) {
        out->family = 6;
        memcpy(out->bytes, addrs + (size_t)side * 16, 16);
    } else {
        out->family = 4;
        memcpy(out->bytes, addrs + (size_t)side * 4, 4);
    }
}

void ws_flow_key_of(const struct ws_flow *f, struct ws_flow_key *out)
{
    memset(out, 0, sizeof *out);
    out->family = (uint8_t)ws_flow_family(f);
    for (int side = 0; side < 2; side++) {
        struct ws_addr a;
        ws_flow_side_addr(f, side, &a);
        memcpy(out->addr[side], a.bytes, 16);
        out->port[side] = ws_flow_port(f, side);
    }
}

void ws_flow_use_key(struct ws_flow *f, const struct ws_flow_ref *ref)
{
    f->hh.key = ref->key;
    f->hh.keylen = ref->key_len;
}
