/* test_flow_table.c - unit tests for the flow table (flow_table.c): canonical
 * keys, lookup/insert/remove, the record pool and the activity list. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <string.h>

#include "wirestate/flow_table.h"

/* ---- helpers ------------------------------------------------------------ */

static struct ws_segment seg4(const uint8_t src[4], uint16_t sport,
                              const uint8_t dst[4], uint16_t dport)
{
    struct ws_segment s;
    memset(&s, 0, sizeof s);
    s.src.family = 4;
    s.dst.family = 4;
    memcpy(s.src.bytes, src, 4);
    memcpy(s.dst.bytes, dst, 4);
    s.sport = sport;
    s.dport = dport;
    s.flags = WS_TCP_ACK;
    return s;
}

static struct ws_segment seg6(const uint8_t src[16], uint16_t sport,
                              const uint8_t dst[16], uint16_t dport)
{
    struct ws_segment s;
    memset(&s, 0, sizeof s);
    s.src.family = 6;
    s.dst.family = 6;
    memcpy(s.src.bytes, src, 16);
    memcpy(s.dst.bytes, dst, 16);
    s.sport = sport;
    s.dport = dport;
    s.flags = WS_TCP_ACK;
    return s;
}

static struct ws_segment reversed(const struct ws_segment *s)
{
    struct ws_segment r = *s;
    r.src = s->dst;
    r.dst = s->src;
    r.sport = s->dport;
    r.dport = s->sport;
    return r;
}

static uint64_t xorshift64(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* Key number n: IPv4 for even n, IPv6 for odd, distinct for distinct n.
 * `flip` picks which direction the segment goes. */
static void key_for(uint32_t n, bool flip, struct ws_flow_key *key, int *sender)
{
    struct ws_segment s;
    if (n % 2 == 0) {
        uint8_t a[4] = { 10, (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n };
        uint8_t b[4] = { 192, 0, 2, 1 };
        s = seg4(a, (uint16_t)(1024 + n % 50000), b, 443);
    } else {
        uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, [12] = (uint8_t)(n >> 24),
                          (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n };
        uint8_t b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
        s = seg6(a, 40000, b, 80);
    }
    if (flip)
        s = reversed(&s);
    ws_flow_key_from_segment(&s, key, sender);
}

static bool in_pool(const struct ws_flow_table *t, const struct ws_flow *f)
{
    uintptr_t p = (uintptr_t)f, base = (uintptr_t)t->records;
    return p >= base && p < base + t->pool_size * t->record_size && (p - base) % t->record_size == 0;
}

/* The record holds exactly this 4-tuple (read back from its packed key). */
static void assert_key_is(const struct ws_flow *f, const struct ws_flow_key *want)
{
    struct ws_flow_key got;
    ws_flow_key_of(f, &got);
    assert_memory_equal(&got, want, sizeof got);
    assert_int_equal(f->hh.keylen, want->family == 6 ? WS_PACKED_KEY_V6 : WS_PACKED_KEY_V4);
}

/* The activity list is a consistent doubly linked list of exactly t->count
 * flows, every one of them findable by its key. Returns its length. */
static size_t check_list(struct ws_flow_table *t)
{
    size_t n = 0;
    const struct ws_flow *prev = NULL;
    for (struct ws_flow *f = ws_flow_oldest_in(t, WS_TIER_EXPENDABLE); f; f = ws_flow_newer(t, f)) {
        assert_ptr_equal(ws_flow_older(t, f), prev);
        assert_ptr_equal(ws_flow_at(t, f->idx), f);
        assert_true(in_pool(t, f));
        struct ws_flow_key k;
        ws_flow_key_of(f, &k);
        assert_ptr_equal(ws_flow_lookup(t, &k), f);
        prev = f;
        n++;
        assert_true(n <= t->count);
    }
    assert_ptr_equal(ws_flow_newest_in(t, WS_TIER_EXPENDABLE), prev);
    assert_int_equal(n, t->count);
    assert_int_equal(t->tbl ? t->tbl->num_items : 0, t->count);
    if (n == 0) {
        assert_null(ws_flow_oldest_in(t, WS_TIER_EXPENDABLE));
        assert_null(ws_flow_newest_in(t, WS_TIER_EXPENDABLE));
    }
    return n;
}

/* ---- keys ----------------------------------------------------------------- */

static void check_both_directions(const struct ws_segment *s)
{
    struct ws_segment r = reversed(s);
    struct ws_flow_key k1, k2;
    int s1 = -1, s2 = -1;
    memset(&k1, 0xa5, sizeof k1);
    memset(&k2, 0x5a, sizeof k2);
    ws_flow_key_from_segment(s, &k1, &s1);
    ws_flow_key_from_segment(&r, &k2, &s2);
    assert_memory_equal(&k1, &k2, sizeof k1);
    assert_true(s1 == 0 || s1 == 1);
    assert_int_equal(s2, !s1);
    assert_int_equal(k1.family, s->src.family);
    assert_int_equal(k1.pad[0], 0);
    assert_int_equal(k1.pad[1], 0);
    assert_int_equal(k1.pad[2], 0);
    /* The sender's side holds the sender's endpoint. */
    assert_memory_equal(k1.addr[s1], s->src.bytes, 16);
    assert_int_equal(k1.port[s1], s->sport);
    assert_memory_equal(k1.addr[!s1], s->dst.bytes, 16);
    assert_int_equal(k1.port[!s1], s->dport);
    /* Side 0 is the endpoint that sorts first: address bytes, then port. */
    int c = memcmp(k1.addr[0], k1.addr[1], 16);
    assert_true(c < 0 || (c == 0 && k1.port[0] < k1.port[1]));
}

static void test_key_ipv4(void **state)
{
    (void)state;
    const uint8_t a[4] = { 10, 0, 0, 2 }, b[4] = { 10, 0, 0, 1 };
    struct ws_segment s = seg4(a, 1234, b, 80);
    check_both_directions(&s);

    struct ws_flow_key k;
    int side;
    ws_flow_key_from_segment(&s, &k, &side);
    assert_int_equal(side, 1);                 /* 10.0.0.1 sorts first */
    assert_int_equal(k.port[0], 80);
    assert_int_equal(k.port[1], 1234);
    for (int i = 4; i < 16; i++) {
        assert_int_equal(k.addr[0][i], 0);
        assert_int_equal(k.addr[1][i], 0);
    }

    /* The port does not outweigh the address. */
    const uint8_t c[4] = { 9, 255, 255, 255 };
    s = seg4(c, 65535, b, 1);
    check_both_directions(&s);
    ws_flow_key_from_segment(&s, &k, &side);
    assert_int_equal(side, 0);
}

static void test_key_ipv6(void **state)
{
    (void)state;
    const uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
    const uint8_t b[16] = { 0xfe, 0x80, [15] = 0x01 };
    struct ws_segment s = seg6(a, 50000, b, 22);
    check_both_directions(&s);
    struct ws_flow_key k;
    int side;
    ws_flow_key_from_segment(&s, &k, &side);
    assert_int_equal(side, 0);
    assert_int_equal(k.family, 6);

    /* Addresses differing only in the last byte. */
    const uint8_t c[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x0f };
    s = seg6(a, 1, c, 2);
    check_both_directions(&s);
    ws_flow_key_from_segment(&s, &k, &side);
    assert_int_equal(side, 1);
}

static void test_key_same_address(void **state)
{
    (void)state;
    const uint8_t lo[4] = { 127, 0, 0, 1 };
    struct ws_segment s = seg4(lo, 5000, lo, 80);
    check_both_directions(&s);
    struct ws_flow_key k;
    int side;
    ws_flow_key_from_segment(&s, &k, &side);
    assert_int_equal(side, 1);
    assert_int_equal(k.port[0], 80);
    assert_int_equal(k.port[1], 5000);

    /* Ports whose difference does not fit an int16_t. */
    s = seg4(lo, 1, lo, 65535);
    check_both_directions(&s);
    ws_flow_key_from_segment(&s, &k, &side);
    assert_int_equal(side, 0);

    const uint8_t lo6[16] = { [15] = 1 };
    struct ws_segment s6 = seg6(lo6, 33000, lo6, 33001);
    check_both_directions(&s6);
    ws_flow_key_from_segment(&s6, &k, &side);
    assert_int_equal(side, 0);
    assert_int_equal(k.port[0], 33000);
}

/* IPv4 10.0.0.1 and IPv6 0a00:0001:: have the same 16 bytes: the family
 * keeps the keys apart. */
static void test_key_family_distinguishes(void **state)
{
    (void)state;
    const uint8_t a4[4] = { 10, 0, 0, 1 }, b4[4] = { 10, 0, 0, 2 };
    const uint8_t a6[16] = { 10, 0, 0, 1 }, b6[16] = { 10, 0, 0, 2 };
    struct ws_segment s4 = seg4(a4, 1000, b4, 2000);
    struct ws_segment s6 = seg6(a6, 1000, b6, 2000);
    struct ws_flow_key k4, k6;
    int side4, side6;
    ws_flow_key_from_segment(&s4, &k4, &side4);
    ws_flow_key_from_segment(&s6, &k6, &side6);
    assert_int_equal(side4, side6);
    assert_memory_not_equal(&k4, &k6, sizeof k4);

    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, 10, 0, true));
    struct ws_flow *f4 = ws_flow_insert(&t, &k4);
    assert_non_null(f4);
    assert_null(ws_flow_lookup(&t, &k6));
    struct ws_flow *f6 = ws_flow_insert(&t, &k6);
    assert_non_null(f6);
    assert_ptr_not_equal(f4, f6);
    assert_ptr_equal(ws_flow_lookup(&t, &k4), f4);
    assert_ptr_equal(ws_flow_lookup(&t, &k6), f6);
    ws_flow_table_free(&t);
}

/* ---- table ---------------------------------------------------------------- */

static void test_init_free_empty(void **state)
{
    (void)state;
    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, 0, 0, true));
    assert_int_equal(t.max_flows, 1);          /* zero means one */
    assert_int_equal(t.count, 0);
    assert_null(ws_flow_least_recent(&t));
    assert_false(ws_flow_table_full(&t));
    struct ws_flow_key k;
    int side;
    key_for(1, false, &k, &side);
    assert_null(ws_flow_lookup(&t, &k));
    ws_flow_table_free(&t);
    assert_null(t.records);
    assert_null(t.tbl);
    assert_int_equal(t.count, 0);
}

static void test_insert_lookup(void **state)
{
    (void)state;
    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, 100, 0, true));
    struct ws_flow_key k, kr, other;
    int s, sr;
    key_for(42, false, &k, &s);
    key_for(42, true, &kr, &sr);
    key_for(43, false, &other, &s);

    struct ws_flow *f = ws_flow_insert(&t, &k);
    assert_non_null(f);
    assert_int_equal(t.count, 1);
    assert_int_equal(t.pool_size, WS_FLOW_CHUNK_RECORDS);
    assert_true(in_pool(&t, f));
    /* A zeroed record carrying the key. */
    assert_key_is(f, &k);
    assert_false(ws_timer_armed(&f->timer));
    assert_int_equal(f->id, 0);
    assert_int_equal(f->last_ts, 0);
    assert_int_equal(f->side[0].state, WS_NONE);
    assert_int_equal(ws_flow_tally(&t, f)->packets[1], 0);
    assert_null(ws_flow_older(&t, f));
    assert_null(ws_flow_newer(&t, f));
    assert_ptr_equal(ws_flow_newest_in(&t, WS_TIER_EXPENDABLE), f);
    assert_ptr_equal(ws_flow_oldest_in(&t, WS_TIER_EXPENDABLE), f);

    assert_ptr_equal(ws_flow_lookup(&t, &k), f);
    assert_ptr_equal(ws_flow_lookup(&t, &kr), f);  /* the other direction */
    assert_null(ws_flow_lookup(&t, &other));

    /* A copy of the key in a different buffer finds it too. */
    struct ws_flow_key copy;
    memcpy(&copy, &k, sizeof copy);
    assert_ptr_equal(ws_flow_lookup(&t, &copy), f);

    struct ws_flow *g = ws_flow_insert(&t, &other);
    assert_non_null(g);
    assert_ptr_not_equal(f, g);
    assert_ptr_equal(ws_flow_lookup(&t, &k), f);
    assert_ptr_equal(ws_flow_lookup(&t, &other), g);
    check_list(&t);
    ws_flow_table_free(&t);
}

static void test_full(void **state)
{
    (void)state;
    enum { MAX = 5 };
    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, MAX, 0, true));
    struct ws_flow *f[MAX];
    struct ws_flow_key k;
    int side;
    for (uint32_t i = 0; i < MAX; i++) {
        assert_false(ws_flow_table_full(&t));
        key_for(i, false, &k, &side);
        f[i] = ws_flow_insert(&t, &k);
        assert_non_null(f[i]);
    }
    assert_true(ws_flow_table_full(&t));
    assert_int_equal(t.count, MAX);
    key_for(MAX, false, &k, &side);
    assert_null(ws_flow_insert(&t, &k));
    assert_int_equal(t.count, MAX);
    assert_null(ws_flow_lookup(&t, &k));
    check_list(&t);

    /* Evict the least recent, then there is room. */
    assert_ptr_equal(ws_flow_least_recent(&t), f[0]);
    ws_flow_remove(&t, f[0]);
    assert_false(ws_flow_table_full(&t));
    struct ws_flow *g = ws_flow_insert(&t, &k);
    assert_non_null(g);
    assert_ptr_equal(g, f[0]);          /* the freed record is reused */
    assert_true(ws_flow_table_full(&t));
    key_for(0, false, &k, &side);
    assert_null(ws_flow_lookup(&t, &k));
    assert_null(ws_flow_insert(&t, &k));
    check_list(&t);
    ws_flow_table_free(&t);

    /* max_flows 1 (from 0). */
    assert_true(ws_flow_table_init(&t, 0, 0, true));
    key_for(7, false, &k, &side);
    assert_non_null(ws_flow_insert(&t, &k));
    key_for(8, false, &k, &side);
    assert_null(ws_flow_insert(&t, &k));
    ws_flow_table_free(&t);
}

static void test_full_across_chunks(void **state)
{
    (void)state;
    const size_t max = 2 * WS_FLOW_CHUNK_RECORDS + 1;
    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, max, 0, true));
    struct ws_flow_key k;
    int side;
    for (uint32_t i = 0; i < max; i++) {
        key_for(i, i % 3 == 0, &k, &side);
        assert_non_null(ws_flow_insert(&t, &k));
    }
    assert_int_equal(t.pool_size, 3 * WS_FLOW_CHUNK_RECORDS);
    key_for((uint32_t)max, false, &k, &side);
    assert_null(ws_flow_insert(&t, &k));
    assert_int_equal(t.pool_size, 3 * WS_FLOW_CHUNK_RECORDS);
    for (uint32_t i = 0; i < max; i++) {
        key_for(i, i % 2 == 0, &k, &side);
        struct ws_flow *f = ws_flow_lookup(&t, &k);
        assert_non_null(f);
        assert_key_is(f, &k);
    }
    check_list(&t);
    ws_flow_table_free(&t);
}

static size_t check_free_list(const struct ws_flow_table *t);

/* A full table's victim handing its record to the next flow: the record
 * keeps its index and timer fields, holds the new key (IPv4 and IPv6 each
 * way round, the IPv6 key pool balanced), comes back zeroed otherwise, and
 * is the newest expendable flow; the victim's key is gone. */
static void test_reuse_victims_record(void **state)
{
    (void)state;
    enum { MAX = 64, ROUNDS = 3000 };
    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, MAX, 0x1357, true));
    struct ws_flow_key k;
    int side;
    uint32_t next = 0;
    while (!ws_flow_table_full(&t)) {
        key_for(next, next % 3 == 0, &k, &side);
        assert_non_null(ws_flow_insert(&t, &k));
        next++;
    }
    for (uint32_t r = 0; r < ROUNDS; r++, next++) {
        struct ws_flow *victim = ws_flow_least_recent(&t);
        struct ws_flow_key gone;
        ws_flow_key_of(victim, &gone);
        uint32_t idx = victim->idx;
        victim->timer = (struct ws_timer){ .tick = r, .next = r + 1, .prev = r + 2 };
        victim->id = 99;
        victim->side[1].state = WS_TIME_WAIT;
        ws_flow_tally(&t, victim)->packets[0] = 5;

        key_for(next, (next / 2) % 2 == 0, &k, &side);   /* even: IPv4, odd: IPv6; victims alike */
        struct ws_flow_ref ref;
        ws_flow_ref_of_key(&t, &k, &ref);
        struct ws_flow *f = ws_flow_reuse(&t, victim, &ref);
        assert_ptr_equal(f, victim);
        assert_int_equal(f->idx, idx);
        assert_int_equal(f->timer.tick, r);
        assert_int_equal(f->timer.next, r + 1);
        assert_int_equal(f->timer.prev, r + 2);
        assert_int_equal(f->id, 0);
        assert_int_equal(f->side[1].state, WS_NONE);
        assert_int_equal(ws_flow_tally(&t, f)->packets[0], 0);
        assert_key_is(f, &k);
        assert_ptr_equal(ws_flow_lookup(&t, &k), f);
        assert_null(ws_flow_lookup(&t, &gone));
        assert_ptr_equal(ws_flow_newest_in(&t, WS_TIER_EXPENDABLE), f);
        assert_int_equal(t.count, MAX);
        f->timer = WS_TIMER_UNARMED;
    }
    assert_int_equal(check_list(&t), MAX);
    assert_int_equal(check_free_list(&t), WS_FLOW_CHUNK_RECORDS - MAX);
    /* Every IPv6 key not in use is back in its pool. */
    while (ws_flow_least_recent(&t))
        ws_flow_remove(&t, ws_flow_least_recent(&t));
    size_t free_v6 = 0;
    for (const union ws_v6_key *v = t.v6_free; v; v = v->next_free)
        free_v6++;
    assert_int_equal(t.v6_chunk_count, 1);
    assert_int_equal(free_v6, WS_FLOW_CHUNK_RECORDS);
    ws_flow_table_free(&t);
}

static void test_reuse_records(void **state)
{
    (void)state;
    const size_t max = WS_FLOW_CHUNK_RECORDS + 100;   /* two chunks */
    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, max, 0, true));
    struct ws_flow_key k;
    int side;
    uint32_t next = 0;
    for (int round = 0; round < 5; round++) {
        while (!ws_flow_table_full(&t)) {
            key_for(next++, false, &k, &side);
            struct ws_flow *f = ws_flow_insert(&t, &k);
            assert_non_null(f);
            f->id = next;               /* dirty the record: insert must zero it */
            f->side[0].state = WS_ESTABLISHED;
        }
        assert_int_equal(t.pool_size, 2 * WS_FLOW_CHUNK_RECORDS);
        check_list(&t);
        /* Remove the oldest half. */
        for (size_t i = 0; i < max / 2; i++)
            ws_flow_remove(&t, ws_flow_least_recent(&t));
        assert_int_equal(t.count, max - max / 2);
        check_list(&t);
    }
    /* A recycled record comes back zeroed. */
    key_for(next++, false, &k, &side);
    struct ws_flow *f = ws_flow_insert(&t, &k);
    assert_non_null(f);
    assert_int_equal(f->id, 0);
    assert_int_equal(f->side[0].state, WS_NONE);
    assert_int_equal(t.pool_size, 2 * WS_FLOW_CHUNK_RECORDS);

    /* Remove everything, refill: still two chunks. */
    while (ws_flow_least_recent(&t))
        ws_flow_remove(&t, ws_flow_least_recent(&t));
    assert_int_equal(t.count, 0);
    check_list(&t);
    for (size_t i = 0; i < max; i++) {
        key_for(next++, true, &k, &side);
        assert_non_null(ws_flow_insert(&t, &k));
    }
    assert_int_equal(t.pool_size, 2 * WS_FLOW_CHUNK_RECORDS);
    check_list(&t);
    ws_flow_table_free(&t);
}

/* Inserts keys 0..n-1 and returns their flows in f[]. */
static void insert_n(struct ws_flow_table *t, struct ws_flow **f, uint32_t n)
{
    struct ws_flow_key k;
    int side;
    for (uint32_t i = 0; i < n; i++) {
        key_for(i, false, &k, &side);
        f[i] = ws_flow_insert(t, &k);
        assert_non_null(f[i]);
    }
}

/* The activity list, oldest first, is exactly expect[0..n-1]. */
static void expect_order(struct ws_flow_table *t, struct ws_flow *const *expect, size_t n)
{
    assert_int_equal(check_list(t), n);
    struct ws_flow *f = ws_flow_oldest_in(t, WS_TIER_EXPENDABLE);
    for (size_t i = 0; i < n; i++, f = ws_flow_newer(t, f))
        assert_ptr_equal(f, expect[i]);
    assert_null(f);
    if (n) {
        assert_ptr_equal(ws_flow_least_recent(t), expect[0]);
        assert_ptr_equal(ws_flow_newest_in(t, WS_TIER_EXPENDABLE), expect[n - 1]);
    }
}

static void test_activity_touch(void **state)
{
    (void)state;
    struct ws_flow_table t;
    struct ws_flow *f[4];
    assert_true(ws_flow_table_init(&t, 10, 0, true));
    insert_n(&t, f, 4);
    expect_order(&t, (struct ws_flow *[]){ f[0], f[1], f[2], f[3] }, 4);

    ws_flow_touch(&t, f[0]);            /* oldest */
    expect_order(&t, (struct ws_flow *[]){ f[1], f[2], f[3], f[0] }, 4);
    ws_flow_touch(&t, f[2]);            /* middle */
    expect_order(&t, (struct ws_flow *[]){ f[1], f[3], f[0], f[2] }, 4);
    ws_flow_touch(&t, f[2]);            /* already newest */
    expect_order(&t, (struct ws_flow *[]){ f[1], f[3], f[0], f[2] }, 4);
    ws_flow_touch(&t, f[1]);
    ws_flow_touch(&t, f[3]);
    expect_order(&t, (struct ws_flow *[]){ f[0], f[2], f[1], f[3] }, 4);
    ws_flow_table_free(&t);

    /* One flow: touching it changes nothing. */
    assert_true(ws_flow_table_init(&t, 10, 0, true));
    insert_n(&t, f, 1);
    ws_flow_touch(&t, f[0]);
    expect_order(&t, f, 1);
    ws_flow_table_free(&t);
}

static void test_remove_positions(void **state)
{
    (void)state;
    struct ws_flow_table t;
    struct ws_flow *f[5];
    struct ws_flow_key k;
    int side;
    assert_true(ws_flow_table_init(&t, 10, 0, true));
    insert_n(&t, f, 5);

    ws_flow_remove(&t, f[4]);           /* newest (head) */
    expect_order(&t, (struct ws_flow *[]){ f[0], f[1], f[2], f[3] }, 4);
    ws_flow_remove(&t, f[0]);           /* oldest (tail) */
    expect_order(&t, (struct ws_flow *[]){ f[1], f[2], f[3] }, 3);
    ws_flow_remove(&t, f[2]);           /* middle */
    expect_order(&t, (struct ws_flow *[]){ f[1], f[3] }, 2);
    for (uint32_t i = 0; i < 5; i++) {
        key_for(i, true, &k, &side);
        if (i == 1 || i == 3)
            assert_non_null(ws_flow_lookup(&t, &k));
        else
            assert_null(ws_flow_lookup(&t, &k));
    }
    ws_flow_touch(&t, f[1]);
    expect_order(&t, (struct ws_flow *[]){ f[3], f[1] }, 2);
    ws_flow_remove(&t, f[1]);
    expect_order(&t, (struct ws_flow *[]){ f[3] }, 1);
    ws_flow_remove(&t, f[3]);           /* the last one */
    expect_order(&t, NULL, 0);
    assert_null(ws_flow_least_recent(&t));

    /* And the table works after being emptied. */
    key_for(9, false, &k, &side);
    struct ws_flow *g = ws_flow_insert(&t, &k);
    assert_non_null(g);
    expect_order(&t, &g, 1);
    ws_flow_table_free(&t);
}

static void test_side_addr(void **state)
{
    (void)state;
    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, 4, 0, true));
    const uint8_t cli[4] = { 192, 168, 1, 20 }, srv[4] = { 192, 168, 1, 3 };
    struct ws_segment s = seg4(cli, 51000, srv, 8080);
    struct ws_flow_key k;
    int side;
    ws_flow_key_from_segment(&s, &k, &side);
    struct ws_flow *f = ws_flow_insert(&t, &k);
    assert_non_null(f);

    struct ws_addr a;
    memset(&a, 0xee, sizeof a);
    ws_flow_side_addr(f, side, &a);
    assert_int_equal(a.family, 4);
    assert_memory_equal(a.bytes, s.src.bytes, 16);   /* includes the 12 zero bytes */
    assert_int_equal(ws_flow_port(f, side), 51000);
    ws_flow_side_addr(f, !side, &a);
    assert_int_equal(a.family, 4);
    assert_memory_equal(a.bytes, s.dst.bytes, 16);
    assert_int_equal(ws_flow_port(f, !side), 8080);
    assert_int_equal(side, 1);                       /* .3 sorts before .20 */

    const uint8_t c6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xab, 0xcd };
    const uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x00, 0x01 };
    struct ws_segment r = seg6(s6, 443, c6, 60000);
    ws_flow_key_from_segment(&r, &k, &side);
    assert_int_equal(side, 0);
    f = ws_flow_insert(&t, &k);
    assert_non_null(f);
    ws_flow_side_addr(f, 0, &a);
    assert_int_equal(a.family, 6);
    assert_memory_equal(a.bytes, s6, 16);
    ws_flow_side_addr(f, 1, &a);
    assert_int_equal(a.family, 6);
    assert_memory_equal(a.bytes, c6, 16);
    ws_flow_table_free(&t);
}

/* Two tables alive at once, built with different hash seeds, must each keep
 * finding their own flows. */
static void test_two_tables_different_seeds(void **state)
{
    (void)state;
    enum { N = 200 };
    struct ws_flow_table a, b;
    struct ws_flow_key k;
    int side;
    assert_true(ws_flow_table_init(&a, N, 0x1111111111111111ULL, true));
    for (uint32_t i = 0; i < N; i++) {
        key_for(i, false, &k, &side);
        assert_non_null(ws_flow_insert(&a, &k));
    }
    assert_true(ws_flow_table_init(&b, N, 0x2222222222222222ULL, true));
    for (uint32_t i = 0; i < N; i++) {
        key_for(i + N, false, &k, &side);
        assert_non_null(ws_flow_insert(&b, &k));
    }
    size_t found_a = 0, found_b = 0;
    for (uint32_t i = 0; i < N; i++) {
        key_for(i, false, &k, &side);
        found_a += ws_flow_lookup(&a, &k) != NULL;
        key_for(i + N, false, &k, &side);
        found_b += ws_flow_lookup(&b, &k) != NULL;
    }
    /* Free first so that a failure below leaks nothing under LSan. */
    ws_flow_table_free(&a);
    ws_flow_table_free(&b);
    assert_int_equal(found_b, N);
    /* Table a was built with its own seed; initialising b must not change
     * how a's keys hash.  (Fails: the seed is a file-scope global in
     * src/flow/flow_table.c, overwritten by every init with a nonzero seed.) */
    assert_int_equal(found_a, N);
}

/* ---- randomized, against a reference model ------------------------------- */

/* The model: which keys are present, their flow, and the activity order as a
 * doubly linked list of key numbers. */
struct ref {
    struct ws_flow **flow;     /* by key number; NULL when absent */
    uint32_t *older, *newer;   /* NIL-terminated */
    uint32_t oldest, newest;
    size_t count;
};

#define NIL UINT32_MAX

static void ref_unlink(struct ref *m, uint32_t i)
{
    if (m->older[i] != NIL)
        m->newer[m->older[i]] = m->newer[i];
    else
        m->oldest = m->newer[i];
    if (m->newer[i] != NIL)
        m->older[m->newer[i]] = m->older[i];
    else
        m->newest = m->older[i];
    m->older[i] = m->newer[i] = NIL;
}

static void ref_push(struct ref *m, uint32_t i)
{
    m->older[i] = m->newest;
    m->newer[i] = NIL;
    if (m->newest != NIL)
        m->newer[m->newest] = i;
    else
        m->oldest = i;
    m->newest = i;
}

static void check_against_ref(struct ws_flow_table *t, const struct ref *m)
{
    assert_int_equal(t->count, m->count);
    assert_int_equal(check_list(t), m->count);
    struct ws_flow *f = ws_flow_oldest_in(t, WS_TIER_EXPENDABLE);
    for (uint32_t i = m->oldest; i != NIL; i = m->newer[i], f = ws_flow_newer(t, f)) {
        assert_non_null(f);
        assert_ptr_equal(f, m->flow[i]);
        assert_int_equal(f->id, i);
    }
    assert_null(f);
}

/* keep_tally: with tallies behind the records, each holding its flow's key
 * number, which must survive every other record's changes. */
static void randomized(bool keep_tally)
{
    enum { MAX = 3000, KEYS = 4500, OPS = 300000 };
    struct ws_flow_table t;
    struct ref m;
    m.flow = calloc(KEYS, sizeof *m.flow);
    m.older = malloc(KEYS * sizeof *m.older);
    m.newer = malloc(KEYS * sizeof *m.newer);
    assert_non_null(m.flow);
    assert_non_null(m.older);
    assert_non_null(m.newer);
    for (size_t i = 0; i < KEYS; i++)
        m.older[i] = m.newer[i] = NIL;
    m.oldest = m.newest = NIL;
    m.count = 0;

    assert_true(ws_flow_table_init(&t, MAX, 0xfeedfacecafebeefULL, keep_tally));
    assert_int_equal(t.record_size, sizeof(struct ws_flow) + (keep_tally ? sizeof(struct ws_flow_tally) : 0));
    uint64_t seed = 0x2545f4914f6cdd1dULL;
    size_t inserts = 0, fulls = 0, removes = 0, evictions = 0, touches = 0, misses = 0;
    size_t empty_evictions = 0, max_seen = 0;
    struct ws_flow_key k;
    int side;

    for (size_t op = 0; op < OPS; op++) {
        uint64_t r = xorshift64(&seed);
        uint32_t i = (uint32_t)(xorshift64(&seed) % KEYS);
        key_for(i, (r >> 32) & 1, &k, &side);
        /* Alternate filling and draining phases so the table both runs full
         * and runs empty: filling turns removes into inserts, draining turns
         * inserts into removes. */
        unsigned c = (unsigned)(r % 10);
        bool draining = (op / 20000) % 2 == 1;
        if (!draining && (c == 6 || c == 7))
            c = 0;
        else if (draining && c <= 3)
            c = 6;
        struct ws_flow *f = ws_flow_lookup(&t, &k);
        assert_ptr_equal(f, m.flow[i]);
        if (f) {
            assert_int_equal(f->id, i);
            assert_key_is(f, &k);
            assert_int_equal(f->last_ts, (int64_t)i * 3);
            if (keep_tally)
                assert_int_equal(ws_flow_tally(&t, f)->bytes[1], (uint64_t)i * 5 + 1);
            else
                assert_null(ws_flow_tally(&t, f));
        } else {
            misses++;
        }

        switch (c) {
        case 0: case 1: case 2: case 3:   /* lookup-or-insert, as the tracker does */
            if (f) {
                ws_flow_touch(&t, f);
                ref_unlink(&m, i);
                ref_push(&m, i);
                touches++;
                break;
            }
            f = ws_flow_insert(&t, &k);
            if (m.count >= MAX) {
                assert_null(f);
                fulls++;
                break;
            }
            assert_non_null(f);
            assert_int_equal(f->id, 0);
            assert_int_equal(f->last_ts, 0);
            f->id = i;
            f->last_ts = (int64_t)i * 3;
            f->side[0].state = WS_ESTABLISHED;
            if (keep_tally) {   /* a reused record's tally comes back zeroed */
                struct ws_flow_tally *tally = ws_flow_tally(&t, f);
                assert_int_equal(tally->bytes[1] | tally->packets[0] | tally->zeek.state[0], 0);
                tally->bytes[1] = (uint64_t)i * 5 + 1;
            }
            m.flow[i] = f;
            ref_push(&m, i);
            m.count++;
            inserts++;
            break;
        case 4: case 5:                   /* touch */
            if (f) {
                ws_flow_touch(&t, f);
                ref_unlink(&m, i);
                ref_push(&m, i);
                touches++;
            }
            break;
        case 6: case 7:                   /* remove */
            if (f) {
                ws_flow_remove(&t, f);
                ref_unlink(&m, i);
                m.flow[i] = NULL;
                m.count--;
                removes++;
            }
            break;
        case 8:                           /* evict the least recent */
            f = ws_flow_least_recent(&t);
            if (m.oldest == NIL) {
                assert_null(f);
                empty_evictions++;
            } else {
                uint32_t o = m.oldest;
                assert_ptr_equal(f, m.flow[o]);
                ws_flow_remove(&t, f);
                ref_unlink(&m, o);
                m.flow[o] = NULL;
                m.count--;
                evictions++;
            }
            break;
        default:                          /* check the ends only */
            assert_int_equal(t.count, m.count);
            assert_ptr_equal(ws_flow_oldest_in(&t, WS_TIER_EXPENDABLE), m.oldest == NIL ? NULL : m.flow[m.oldest]);
            assert_ptr_equal(ws_flow_newest_in(&t, WS_TIER_EXPENDABLE), m.newest == NIL ? NULL : m.flow[m.newest]);
            assert_int_equal(ws_flow_table_full(&t), m.count >= MAX);
            break;
        }
        if (m.count > max_seen)
            max_seen = m.count;
        if (op % 5000 == 0)
            check_against_ref(&t, &m);
    }
    check_against_ref(&t, &m);
    assert_true(inserts > 10000 && removes > 10000 && evictions > 5000 &&
                touches > 10000 && misses > 10000 && fulls > 100 && empty_evictions > 100);
    assert_int_equal(max_seen, MAX);
    /* 3000 records need three chunks of 1024, however much churn. */
    assert_int_equal(t.pool_size, (MAX + WS_FLOW_CHUNK_RECORDS - 1) / WS_FLOW_CHUNK_RECORDS * WS_FLOW_CHUNK_RECORDS);

    ws_flow_table_free(&t);
    free(m.flow);
    free(m.older);
    free(m.newer);
}

/* Tiers: inserts land in the expendable tier; a flow moved to the
 * established tier is found only after every expendable flow. */
static void test_tiers_order_eviction_candidates(void **state)
{
    (void)state;
    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, 8, 0, true));
    struct ws_flow *f[3];
    for (int i = 0; i < 3; i++) {
        struct ws_flow_key k;
        memset(&k, 0, sizeof k);
        k.family = 4;
        k.port[0] = (uint16_t)(1000 + i);
        k.port[1] = 80;
        f[i] = ws_flow_insert(&t, &k);
        assert_non_null(f[i]);
        assert_int_equal(f[i]->tier, WS_TIER_EXPENDABLE);
    }
    ws_flow_set_tier(&t, f[0], WS_TIER_ESTABLISHED);
    assert_ptr_equal(ws_flow_least_recent(&t), f[1]);
    assert_ptr_equal(ws_flow_oldest_in(&t, WS_TIER_ESTABLISHED), f[0]);
    ws_flow_touch(&t, f[0]);                    /* stays in its own tier */
    assert_ptr_equal(ws_flow_oldest_in(&t, WS_TIER_ESTABLISHED), f[0]);
    ws_flow_remove(&t, f[1]);
    ws_flow_remove(&t, f[2]);
    assert_ptr_equal(ws_flow_least_recent(&t), f[0]);
    ws_flow_set_tier(&t, f[0], WS_TIER_EXPENDABLE);
    assert_null(ws_flow_oldest_in(&t, WS_TIER_ESTABLISHED));
    ws_flow_remove(&t, f[0]);
    assert_null(ws_flow_least_recent(&t));
    ws_flow_table_free(&t);
}

static void test_randomized(void **state)
{
    (void)state;
    randomized(true);
}

static void test_randomized_without_tally(void **state)
{
    (void)state;
    randomized(false);
}

/* ---- pool indices (32-bit record links) ------------------------------------- */

/* Walks the free list: every index on it is a record of this table that is
 * not in use, no index twice, ending at WS_FLOW_NIL.  Returns its length. */
static size_t check_free_list(const struct ws_flow_table *t)
{
    size_t pool = t->pool_size;
    size_t n = 0;
    for (uint32_t i = t->free_list; i != WS_FLOW_NIL; i = ws_flow_at(t, i)->newer) {
        assert_true(i < pool);
        assert_int_equal(ws_flow_at(t, i)->idx, i);
        n++;
        assert_true(n <= pool);      /* no cycle */
    }
    return n;
}

static void test_index_names_the_record(void **state)
{
    (void)state;
    const size_t max = 2 * WS_FLOW_CHUNK_RECORDS + 10;
    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, max, 0, true));
    assert_int_equal(t.free_list, WS_FLOW_NIL);
    for (int tier = 0; tier < WS_TIER_COUNT; tier++) {
        assert_int_equal(t.tier[tier].newest, WS_FLOW_NIL);
        assert_int_equal(t.tier[tier].oldest, WS_FLOW_NIL);
    }
    assert_null(ws_flow_at_or_null(&t, WS_FLOW_NIL));

    struct ws_flow **f = calloc(max, sizeof *f);
    assert_non_null(f);
    bool *seen = calloc(3 * WS_FLOW_CHUNK_RECORDS, sizeof *seen);
    assert_non_null(seen);
    struct ws_flow_key k;
    int side;
    for (uint32_t i = 0; i < max; i++) {
        key_for(i, i % 2 == 1, &k, &side);
        f[i] = ws_flow_insert(&t, &k);
        assert_non_null(f[i]);
        /* Records are handed out in pool order, the index their place. */
        assert_int_equal(f[i]->idx, i);
        assert_ptr_equal(ws_flow_at(&t, f[i]->idx), f[i]);
        assert_ptr_equal(ws_flow_at_or_null(&t, f[i]->idx), f[i]);
        assert_ptr_equal((unsigned char *)f[i], t.records + i * t.record_size);
        assert_false(seen[f[i]->idx]);
        seen[f[i]->idx] = true;
    }
    assert_int_equal(t.pool_size, 3 * WS_FLOW_CHUNK_RECORDS);
    /* The records either side of a chunk boundary are neighbours in the
     * array, as their indices are. */
    assert_ptr_equal((unsigned char *)ws_flow_at(&t, WS_FLOW_CHUNK_RECORDS) - t.record_size,
                     (unsigned char *)ws_flow_at(&t, WS_FLOW_CHUNK_RECORDS - 1));
    /* Links are indices; the ends of the list are WS_FLOW_NIL. */
    assert_int_equal(t.tier[WS_TIER_EXPENDABLE].oldest, f[0]->idx);
    assert_int_equal(t.tier[WS_TIER_EXPENDABLE].newest, f[max - 1]->idx);
    assert_int_equal(f[0]->older, WS_FLOW_NIL);
    assert_int_equal(f[max - 1]->newer, WS_FLOW_NIL);
    for (uint32_t i = 1; i < max; i++) {
        assert_int_equal(f[i]->older, f[i - 1]->idx);
        assert_int_equal(f[i - 1]->newer, f[i]->idx);
    }
    assert_int_equal(t.tier[WS_TIER_ESTABLISHED].newest, WS_FLOW_NIL);
    assert_int_equal(t.tier[WS_TIER_ESTABLISHED].oldest, WS_FLOW_NIL);
    /* The unused rest of the third chunk is the free list. */
    assert_int_equal(check_free_list(&t), 3 * WS_FLOW_CHUNK_RECORDS - max);

    /* A tier of its own: f[5] alone in ESTABLISHED, NIL both ways. */
    ws_flow_set_tier(&t, f[5], WS_TIER_ESTABLISHED);
    assert_int_equal(t.tier[WS_TIER_ESTABLISHED].newest, f[5]->idx);
    assert_int_equal(t.tier[WS_TIER_ESTABLISHED].oldest, f[5]->idx);
    assert_int_equal(f[5]->older, WS_FLOW_NIL);
    assert_int_equal(f[5]->newer, WS_FLOW_NIL);
    assert_int_equal(f[6]->older, f[4]->idx);
    assert_int_equal(f[4]->newer, f[6]->idx);

    /* Freed records go on the free list by index, last freed first reused,
     * and keep their index. */
    uint32_t a = f[3]->idx, b = f[WS_FLOW_CHUNK_RECORDS + 7]->idx;
    size_t free_before = check_free_list(&t);
    ws_flow_remove(&t, f[3]);
    ws_flow_remove(&t, f[WS_FLOW_CHUNK_RECORDS + 7]);
    assert_int_equal(t.free_list, b);
    assert_int_equal(ws_flow_at(&t, b)->newer, a);
    assert_int_equal(check_free_list(&t), free_before + 2);
    key_for((uint32_t)max, false, &k, &side);
    struct ws_flow *g = ws_flow_insert(&t, &k);
    assert_non_null(g);
    assert_int_equal(g->idx, b);
    assert_ptr_equal(ws_flow_at(&t, b), g);
    key_for((uint32_t)max + 1, false, &k, &side);
    g = ws_flow_insert(&t, &k);
    assert_non_null(g);
    assert_int_equal(g->idx, a);
    assert_int_equal(check_free_list(&t), free_before);
    assert_int_equal(g->older, b);               /* the list links the reused indices */
    assert_int_equal(ws_flow_at(&t, b)->newer, a);
    assert_int_equal(t.tier[WS_TIER_EXPENDABLE].newest, a);

    /* Emptied: every list ends at once, every record is free again. */
    while (ws_flow_least_recent(&t))
        ws_flow_remove(&t, ws_flow_least_recent(&t));
    for (int tier = 0; tier < WS_TIER_COUNT; tier++) {
        assert_int_equal(t.tier[tier].newest, WS_FLOW_NIL);
        assert_int_equal(t.tier[tier].oldest, WS_FLOW_NIL);
    }
    assert_int_equal(check_free_list(&t), 3 * WS_FLOW_CHUNK_RECORDS);
    assert_int_equal(t.pool_size, 3 * WS_FLOW_CHUNK_RECORDS);
    ws_flow_table_free(&t);
    free(seen);
    free(f);
}

/* The clamp is checked through ws_flow_table_max_flows(): a table of
 * WS_FLOW_MAX_INDEX flows reserves a terabyte of address space, more than
 * some environments give (valgrind, ulimit -v). */
static void test_max_flows_clamped_to_max_index(void **state)
{
    (void)state;
    assert_int_equal(ws_flow_table_max_flows(SIZE_MAX), WS_FLOW_MAX_INDEX);
    assert_int_equal(ws_flow_table_max_flows((size_t)WS_FLOW_MAX_INDEX + 1), WS_FLOW_MAX_INDEX);
    assert_int_equal(ws_flow_table_max_flows(WS_FLOW_MAX_INDEX), WS_FLOW_MAX_INDEX);
    assert_int_equal(ws_flow_table_max_flows((size_t)WS_FLOW_MAX_INDEX - 1), WS_FLOW_MAX_INDEX - 1);
    assert_int_equal(ws_flow_table_max_flows(0), 1);
    /* Below the timer wheel's own ids and WS_FLOW_NIL, with every index of
     * the last whole chunk. */
    assert_true(WS_FLOW_MAX_INDEX < WS_TIMER_MAX_ID);
    assert_true(WS_FLOW_MAX_INDEX < WS_FLOW_NIL);
    size_t last_chunk_end = ((size_t)WS_FLOW_MAX_INDEX + WS_FLOW_CHUNK_RECORDS - 1) /
                            WS_FLOW_CHUNK_RECORDS * WS_FLOW_CHUNK_RECORDS;
    assert_true(last_chunk_end - 1 < WS_TIMER_MAX_ID);

    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, (size_t)2 * WS_FLOW_CHUNK_RECORDS + 5, 0, true));
    assert_int_equal(t.max_flows, 2 * WS_FLOW_CHUNK_RECORDS + 5);
    /* Room for whole chunks: three. */
    assert_int_equal(t.records_bytes, 3 * WS_FLOW_CHUNK_RECORDS * t.record_size);
    /* A table whose pool already reaches the end of its array takes no
     * further chunk: the add fails cleanly (the pool size is faked; no
     * record is touched before the refusal). */
    struct ws_flow_key k;
    int side;
    key_for(1, false, &k, &side);
    t.pool_size = 3 * WS_FLOW_CHUNK_RECORDS;
    assert_null(ws_flow_insert(&t, &k));
    assert_int_equal(t.count, 0);
    assert_null(t.tbl);
    t.pool_size = 0;
    assert_non_null(ws_flow_insert(&t, &k));
    ws_flow_table_free(&t);
}

/* A table whose records cannot have their address space (here: a process
 * limit far below it) is refused at init, and freeing it is safe. */
static void test_init_fails_without_address_space(void **state)
{
    (void)state;
    struct rlimit old;
    assert_int_equal(getrlimit(RLIMIT_AS, &old), 0);
    struct rlimit low = old;
    low.rlim_cur = (rlim_t)1 << 30;   /* 1 GiB, where 100 M flows need 16 GiB */
    if (old.rlim_max != RLIM_INFINITY && old.rlim_max < low.rlim_cur)
        low.rlim_cur = old.rlim_max;
    assert_int_equal(setrlimit(RLIMIT_AS, &low), 0);
    struct ws_flow_table t;
    bool made = ws_flow_table_init(&t, 100000000, 0, false);
    assert_int_equal(setrlimit(RLIMIT_AS, &old), 0);
    assert_false(made);
    assert_null(t.records);
    ws_flow_table_free(&t);
    /* With the limit gone, the same table can be made. */
    assert_true(ws_flow_table_init(&t, 100000000, 0, false));
    ws_flow_table_free(&t);
}

/* ---- refs: a segment's key, hash and sender worked out once --------------- */

static void check_ref_matches_key(const struct ws_flow_table *t, const struct ws_segment *s)
{
    struct ws_flow_ref ref, rref, kref;
    struct ws_flow_key key;
    int sender;
    memset(&ref, 0xa5, sizeof ref);
    memset(&rref, 0x5a, sizeof rref);
    ws_flow_ref_of_segment(t, s, &ref);
    struct ws_segment r = reversed(s);
    ws_flow_ref_of_segment(t, &r, &rref);
    ws_flow_key_from_segment(s, &key, &sender);
    ws_flow_ref_of_key(t, &key, &kref);

    assert_int_equal(ref.key_len, s->src.family == 6 ? WS_PACKED_KEY_V6 : WS_PACKED_KEY_V4);
    assert_int_equal(ref.sender, sender);
    /* Both endpoints the same (address and port): side 0 either way. */
    bool same = memcmp(s->src.bytes, s->dst.bytes, 16) == 0 && s->sport == s->dport;
    assert_int_equal(rref.sender, same ? 0 : !sender);
    assert_int_equal(kref.sender, 0);
    /* Both directions and the canonical key pack and hash the same. */
    assert_int_equal(rref.key_len, ref.key_len);
    assert_int_equal(kref.key_len, ref.key_len);
    assert_memory_equal(rref.key, ref.key, ref.key_len);
    assert_memory_equal(kref.key, ref.key, ref.key_len);
    assert_int_equal(rref.hash, ref.hash);
    assert_int_equal(kref.hash, ref.hash);
    /* IPv4 refs hash from registers on the way: the same as hashing the bytes. */
    assert_int_equal(ws_flow_key_hash(t, ref.key, ref.key_len), ref.hash);
}

static void test_ref_of_segment_agrees_with_key(void **state)
{
    (void)state;
    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, 16, 0x0123456789abcdefULL, true));
    const uint8_t a[4] = { 10, 0, 0, 2 }, b[4] = { 10, 0, 0, 1 }, lo[4] = { 127, 0, 0, 1 };
    const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
    const uint8_t b6[16] = { 0xfe, 0x80, [15] = 0x01 };
    struct ws_segment segs[] = {
        seg4(a, 1234, b, 80), seg4(b, 80, a, 1234), seg4(lo, 5000, lo, 80),
        seg4(lo, 1, lo, 65535), seg6(a6, 50000, b6, 22), seg6(a6, 7, a6, 7),
    };
    for (size_t i = 0; i < sizeof segs / sizeof segs[0]; i++)
        check_ref_matches_key(&t, &segs[i]);
    /* Random addresses and ports, every byte position exercised. */
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 2000; i++) {
        uint8_t r[12];
        for (size_t j = 0; j < sizeof r; j++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            r[j] = (uint8_t)x;
        }
        struct ws_segment s = seg4(r, (uint16_t)(r[8] << 8 | r[9]), r + 4, (uint16_t)(r[10] << 8 | r[11]));
        check_ref_matches_key(&t, &s);
    }

    /* The packed IPv4 key: ports, then the two addresses, side 0 first. */
    struct ws_flow_ref ref;
    ws_flow_ref_of_segment(&t, &segs[0], &ref);
    assert_int_equal(ref.sender, 1);             /* 10.0.0.1 sorts first */
    uint16_t p0, p1;
    memcpy(&p0, ref.key, 2);
    memcpy(&p1, ref.key + 2, 2);
    assert_int_equal(p0, 80);
    assert_int_equal(p1, 1234);
    assert_memory_equal(ref.key + 4, b, 4);
    assert_memory_equal(ref.key + 8, a, 4);

    /* The hash is the table's own: another seed, another hash. */
    struct ws_flow_table u;
    assert_true(ws_flow_table_init(&u, 16, 0x0fedcba987654321ULL, true));
    struct ws_flow_ref uref;
    ws_flow_ref_of_segment(&u, &segs[0], &uref);
    assert_memory_equal(uref.key, ref.key, ref.key_len);
    assert_int_not_equal(uref.hash, ref.hash);
    ws_flow_table_free(&u);
    ws_flow_table_free(&t);
}

/* ws_flow_find (by ref) and ws_flow_lookup (by key) see the same table, and
 * ws_flow_add stores what ws_flow_insert stores. */
static void test_find_agrees_with_lookup(void **state)
{
    (void)state;
    enum { MAX = 1500, KEYS = 3000, OPS = 60000 };
    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, MAX, 0xabcdef12345ULL, true));
    uint64_t rng = 0x9e3779b97f4a7c15ULL;
    size_t hits = 0, misses = 0, adds = 0;
    for (size_t op = 0; op < OPS; op++) {
        uint32_t n = (uint32_t)(xorshift64(&rng) % KEYS);
        bool flip = xorshift64(&rng) & 1;
        struct ws_flow_key k;
        int side;
        key_for(n, flip, &k, &side);
        /* The same flow as a segment: rebuild it from the key. */
        struct ws_segment s;
        memset(&s, 0, sizeof s);
        s.src.family = s.dst.family = k.family;
        memcpy(s.src.bytes, k.addr[flip], 16);
        memcpy(s.dst.bytes, k.addr[!flip], 16);
        s.sport = k.port[flip];
        s.dport = k.port[!flip];
        struct ws_flow_ref ref;
        ws_flow_ref_of_segment(&t, &s, &ref);
        assert_int_equal(ref.sender, flip);
        /* Prefetching changes nothing, whatever the depth. */
        ws_flow_prefetch_bucket(&t, ref.hash);
        ws_flow_prefetch_chain(&t, ref.hash, (unsigned)(op % 4));

        struct ws_flow *by_ref = ws_flow_find(&t, &ref);
        struct ws_flow *by_key = ws_flow_lookup(&t, &k);
        assert_ptr_equal(by_ref, by_key);
        if (by_ref) {
            hits++;
            assert_int_equal(by_ref->id, n + 1);
            assert_key_is(by_ref, &k);
            if (op % 3 == 0)
                ws_flow_remove(&t, by_ref);
            else
                ws_flow_touch(&t, by_ref);
            continue;
        }
        misses++;
        if (ws_flow_table_full(&t)) {
            assert_null(ws_flow_add(&t, &ref));
            ws_flow_remove(&t, ws_flow_least_recent(&t));
        }
        struct ws_flow *f = ws_flow_add(&t, &ref);
        assert_non_null(f);
        adds++;
        f->id = n + 1;
        assert_key_is(f, &k);
        assert_ptr_equal(ws_flow_find(&t, &ref), f);
        assert_ptr_equal(ws_flow_lookup(&t, &k), f);
    }
    assert_true(hits > 10000 && misses > 10000 && adds > 10000);
    check_list(&t);
    ws_flow_table_free(&t);
}

/* The prefetch hints on a table that has no uthash table yet, one that has
 * one, and one whose last flow just left. */
static void test_prefetch_safe_on_empty_table(void **state)
{
    (void)state;
    static const unsigned hashes[] = { 0, 1, 31, 32, 0x7fffffffu, 0x80000000u, UINT32_MAX };
    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, 3000, 0x5151515151ULL, true));
    for (int round = 0; round < 3; round++) {
        assert_true(round == 0 ? t.tbl == NULL : t.tbl->num_items == 0);
        for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++) {
            ws_flow_prefetch_bucket(&t, hashes[i]);
            for (unsigned depth = 0; depth <= 3; depth++)
                ws_flow_prefetch_chain(&t, hashes[i], depth);
        }
        struct ws_flow_key k;
        int side;
        key_for(7, false, &k, &side);
        struct ws_flow_ref ref;
        ws_flow_ref_of_key(&t, &k, &ref);
        ws_flow_prefetch_bucket(&t, ref.hash);
        ws_flow_prefetch_chain(&t, ref.hash, 1);
        assert_null(ws_flow_find(&t, &ref));

        /* One flow, then many (the bucket array grows), hinting all along. */
        uint32_t n = 1 + (uint32_t)round * 1000;
        for (uint32_t i = 0; i < n; i++) {
            key_for(i + (uint32_t)round * 5000, i % 2 == 0, &k, &side);
            ws_flow_ref_of_key(&t, &k, &ref);
            ws_flow_prefetch_bucket(&t, ref.hash);
            ws_flow_prefetch_chain(&t, ref.hash, 1);
            ws_flow_prefetch_chain(&t, ref.hash, 2);
            assert_non_null(ws_flow_add(&t, &ref));
            for (size_t h = 0; h < sizeof hashes / sizeof hashes[0]; h++) {
                ws_flow_prefetch_bucket(&t, hashes[h]);
                ws_flow_prefetch_chain(&t, hashes[h], 1 + (unsigned)(i % 40));
            }
            ws_flow_prefetch_chain(&t, ref.hash, 2);   /* the flow just added: the newest */
        }
        assert_non_null(t.tbl);
        /* Emptied again: the hints still safe. */
        while (ws_flow_least_recent(&t)) {
            struct ws_flow *f = ws_flow_least_recent(&t);
            unsigned h = f->hh.hashv;
            ws_flow_remove(&t, f);
            ws_flow_prefetch_bucket(&t, h);
            ws_flow_prefetch_chain(&t, h, 1);
            ws_flow_prefetch_chain(&t, h, 2);
        }
        assert_int_equal(t.count, 0);
    }
    ws_flow_table_free(&t);
    /* And on a freed (zeroed) table. */
    ws_flow_prefetch_bucket(&t, 12345);
    ws_flow_prefetch_chain(&t, 12345, 2);
}

/* The removal hints, on live records and on removed ones (their handles
 * point at neighbours long gone), change nothing: every flow is still found,
 * the counts stay. */
static void test_prefetch_removal_any_record(void **state)
{
    (void)state;
    enum { N = 600 };
    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, N, 0x7a7a7a7aULL, true));
    struct ws_flow *all[N];
    for (int round = 0; round < 2; round++) {
        uint32_t base = (uint32_t)round * 10000;
        for (uint32_t i = 0; i < N; i++) {
            struct ws_flow_key k;
            int side;
            key_for(base + i, i % 3 == 0, &k, &side);
            all[i] = ws_flow_insert(&t, &k);
            assert_non_null(all[i]);
            /* Round two reuses the records removed in round one. */
            for (uint32_t j = 0; j <= i; j += 37) {
                ws_flow_prefetch_record(&t, all[j]);
                ws_flow_prefetch_removal(&t, all[j]);
            }
        }
        /* Every other flow removed, then the rest, hinting at all of them,
         * removed ones included, after each removal. */
        for (uint32_t pass = 0; pass < 2; pass++) {
            for (uint32_t i = pass; i < N; i += 2) {
                ws_flow_remove(&t, all[i]);
                for (uint32_t j = i % 7; j < N; j += 7) {
                    ws_flow_prefetch_record(&t, all[j]);
                    ws_flow_prefetch_removal(&t, all[j]);
                }
            }
            for (uint32_t i = 0; i < N; i++) {
                struct ws_flow_key k;
                int side;
                key_for(base + i, false, &k, &side);
                assert_ptr_equal(ws_flow_lookup(&t, &k), pass == 0 && i % 2 ? all[i] : NULL);
            }
        }
        assert_int_equal(t.count, 0);
        assert_int_equal(t.tbl->num_items, 0);
        for (uint32_t i = 0; i < N; i++)
            ws_flow_prefetch_removal(&t, all[i]);
    }
    ws_flow_table_free(&t);
}

/* ---- the bucket array under churn ------------------------------------------ */

static unsigned num_buckets(const struct ws_flow_table *t)
{
    return t->tbl ? t->tbl->num_buckets : 0;
}

struct churn_result {
    unsigned at_full, at_end;     /* bucket counts */
    size_t changes;               /* bucket array resizes during the churn */
    size_t last_change;           /* churn step of the last resize */
};

/* Key number n (IPv4, or IPv6 every seventh), distinct for distinct n. */
static void churn_key(uint32_t n, struct ws_flow_key *k)
{
    memset(k, 0, sizeof *k);
    k->family = n % 7 == 3 ? 6 : 4;
    k->addr[0][0] = 10;
    k->addr[0][1] = (uint8_t)(n >> 16);
    k->addr[0][2] = (uint8_t)(n >> 8);
    k->addr[0][3] = (uint8_t)n;
    k->addr[0][15] = (uint8_t)(k->family == 6 ? n >> 24 : 0);
    k->addr[1][0] = 203;
    k->addr[1][1] = 0;
    k->addr[1][2] = 113;
    k->addr[1][3] = 1;
    k->port[0] = (uint16_t)(1024 + n % 60000);
    k->port[1] = 80;
}

/* Fills a table of max_flows, then `rounds` times removes the least recent
 * flow and inserts a new one (a SYN flood through a full table), checking
 * that every live key is found and every removed one is not. */
static struct churn_result churn(size_t max_flows, uint64_t seed, size_t rounds)
{
    struct churn_result res = { 0 };
    struct ws_flow_table t;
    struct ws_flow_key k;
    assert_true(ws_flow_table_init(&t, max_flows, seed, true));
    uint32_t next = 0;              /* live keys are [next - count, next) */
    while (!ws_flow_table_full(&t)) {
        churn_key(next, &k);
        struct ws_flow *f = ws_flow_insert(&t, &k);
        assert_non_null(f);
        f->id = next++;
    }
    res.at_full = num_buckets(&t);
    unsigned last = res.at_full;
    for (size_t i = 0; i < rounds; i++) {
        struct ws_flow *old = ws_flow_least_recent(&t);
        assert_non_null(old);
        assert_int_equal(old->id, next - max_flows);   /* oldest first */
        ws_flow_remove(&t, old);
        churn_key(next - (uint32_t)max_flows, &k);
        assert_null(ws_flow_lookup(&t, &k));
        churn_key(next, &k);
        assert_null(ws_flow_lookup(&t, &k));
        struct ws_flow *f = ws_flow_insert(&t, &k);
        assert_non_null(f);
        f->id = next++;
        assert_ptr_equal(ws_flow_lookup(&t, &k), f);
        assert_int_equal(t.count, max_flows);
        unsigned b = num_buckets(&t);
        if (b != last) {
            assert_int_equal(b, 2 * last);
            res.changes++;
            res.last_change = i;
            last = b;
        }
        if (i % 25000 == 0 || i + 1 == rounds) {
            /* Every live key found, a window of removed ones not. */
            for (uint32_t n = next - (uint32_t)max_flows; n != next; n++) {
                churn_key(n, &k);
                struct ws_flow *g = ws_flow_lookup(&t, &k);
                assert_non_null(g);
                assert_int_equal(g->id, n);
            }
            uint32_t first_live = next - (uint32_t)max_flows;
            for (uint32_t d = 1; d <= 200 && d <= first_live; d++) {
                churn_key(first_live - d, &k);
                assert_null(ws_flow_lookup(&t, &k));
            }
        }
    }
    res.at_end = last;
    check_list(&t);
    ws_flow_table_free(&t);
    return res;
}

/* The smallest power of two, 32 at least (uthash's first size), that is no
 * smaller than n. */
static unsigned buckets_for(size_t n)
{
    unsigned b = 32;
    while (b < n)
        b *= 2;
    return b;
}

/* Buckets double exactly when the flows outnumber them: chains average one
 * record or fewer, and every flow is still found after each doubling. */
static void test_buckets_double_when_flows_outnumber_them(void **state)
{
    (void)state;
    enum { N = 20000 };
    struct ws_flow_table t;
    struct ws_flow_key k;
    assert_true(ws_flow_table_init(&t, 2 * N, 0x31415926ULL, false));
    assert_int_equal(num_buckets(&t), 0);
    for (uint32_t n = 0; n < N; n++) {
        churn_key(n, &k);
        struct ws_flow *f = ws_flow_insert(&t, &k);
        assert_non_null(f);
        f->id = n;
        assert_int_equal(num_buckets(&t), buckets_for(n + 1));
        if (num_buckets(&t) == n + 1 || n + 1 == N) {   /* full: about to double (or the end) */
            size_t chained = 0;
            for (unsigned b = 0; b < t.tbl->num_buckets; b++) {
                unsigned len = 0;
                for (const UT_hash_handle *h = t.tbl->buckets[b].hh_head; h; h = h->hh_next) {
                    assert_int_equal(h->hashv & (t.tbl->num_buckets - 1), b);
                    assert_true(h->hh_next == NULL || h->hh_next->hh_prev == h);
                    len++;
                }
                assert_int_equal(len, t.tbl->buckets[b].count);
                chained += len;
            }
            assert_int_equal(chained, n + 1);
            for (uint32_t m = 0; m <= n; m++) {
                churn_key(m, &k);
                f = ws_flow_lookup(&t, &k);
                assert_non_null(f);
                assert_int_equal(f->id, m);
            }
        }
    }
    check_list(&t);
    ws_flow_table_free(&t);
}

/* A full table keeps its bucket array however long the churn (a SYN flood
 * through it): memory is flat at the max_flows bound, with as many buckets
 * as the table holds flows, rounded up to a power of two. */
static void test_full_table_buckets_stay(void **state)
{
    (void)state;
    static const struct { size_t max; uint64_t seed; } cases[] = {
        { 4096, 1 }, { 4096, 2 }, { 4096, 0xfeedfacecafebeefULL }, { 4000, 1 },
        { 5000, 0x1234 }, { 1000, 2 }, { 100, 1 }, { 1, 7 }, { 33, 3 }, { 32, 9 },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct churn_result r = churn(cases[c].max, cases[c].seed, 60000);
        assert_int_equal(r.at_full, buckets_for(cases[c].max));
        assert_int_equal(r.changes, 0);
        assert_int_equal(r.at_end, r.at_full);
    }
}

/* The table keeps its uthash table when its last flow leaves: emptied and
 * refilled, its bucket array neither shrinks nor grows. */
static void test_buckets_kept_through_emptying(void **state)
{
    (void)state;
    enum { MAX = 2048 };
    struct ws_flow_table t;
    struct ws_flow_key k;
    assert_true(ws_flow_table_init(&t, MAX, 0x77, true));
    for (int round = 0; round < 3; round++) {
        uint32_t base = (uint32_t)round * 100000;
        for (uint32_t n = 0; n < MAX; n++) {
            churn_key(base + n, &k);
            assert_non_null(ws_flow_insert(&t, &k));
            assert_int_equal(num_buckets(&t), round == 0 ? buckets_for(n + 1) : buckets_for(MAX));
        }
        assert_true(ws_flow_table_full(&t));
        for (uint32_t n = 0; n < MAX; n++) {
            churn_key(base + n, &k);
            assert_non_null(ws_flow_lookup(&t, &k));
        }
        while (ws_flow_least_recent(&t))
            ws_flow_remove(&t, ws_flow_least_recent(&t));
        assert_int_equal(t.tbl->num_items, 0);
        assert_int_equal(num_buckets(&t), buckets_for(MAX));
        for (unsigned b = 0; b < num_buckets(&t); b++) {
            assert_null(t.tbl->buckets[b].hh_head);
            assert_int_equal(t.tbl->buckets[b].count, 0);
        }
    }
    ws_flow_table_free(&t);
}

/* ---- flows in id order -------------------------------------------------------- */

/* n flows get ids first, first + step, ... in insertion order; random touches,
 * tier moves and removals then scramble the activity lists and leave holes in
 * the pool.  ws_flow_table_by_id must return every remaining flow once, ids
 * ascending (or, when all ids are equal, just every flow). */
static void check_by_id(size_t n, uint64_t first, uint64_t step)
{
    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, n, 7, true));
    uint64_t rng = 0x853c49e6748fea9bULL;
    struct ws_flow **made = calloc(n, sizeof *made);
    assert_non_null(made);
    for (size_t i = 0; i < n; i++) {
        struct ws_flow_key k;
        int side;
        key_for((uint32_t)i, false, &k, &side);
        made[i] = ws_flow_insert(&t, &k);
        assert_non_null(made[i]);
        made[i]->id = first + step * i;
    }
    for (size_t i = 0; i < n; i++) {
        size_t j = xorshift64(&rng) % n;
        if (!made[j])
            continue;
        switch (xorshift64(&rng) % 4) {
        case 0: ws_flow_set_tier(&t, made[j], WS_TIER_ESTABLISHED); break;
        case 1: ws_flow_touch(&t, made[j]); break;
        case 2:
            ws_flow_remove(&t, made[j]);
            made[j] = NULL;
            break;
        default: break;
        }
    }
    size_t got;
    struct ws_flow **sorted = ws_flow_table_by_id(&t, &got);
    assert_int_equal(got, t.count);
    for (size_t i = 0; i < got; i++) {
        struct ws_flow_key k;
        ws_flow_key_of(sorted[i], &k);
        assert_ptr_equal(ws_flow_lookup(&t, &k), sorted[i]);   /* a live record */
        if (i && step)
            assert_true(sorted[i - 1]->id < sorted[i]->id);     /* hence no flow twice */
        else if (i)
            assert_ptr_not_equal(sorted[i - 1], sorted[i]);
    }
    free(sorted);
    free(made);
    ws_flow_table_free(&t);
}

static void test_by_id_order(void **state)
{
    (void)state;
    check_by_id(5000, 1, 1);                         /* a capture's ids */
    check_by_id(3000, 1, 977);                       /* sparse */
    check_by_id(3000, (uint64_t)1 << 40, 1);         /* high bits all alike */
    check_by_id(2000, 5, UINT64_MAX / 2000);         /* too wide to pack: the qsort path */
    check_by_id(1, 42, 1);
    check_by_id(300, 9, 0);                          /* all equal */
}

static void test_by_id_empty(void **state)
{
    (void)state;
    struct ws_flow_table t;
    assert_true(ws_flow_table_init(&t, 10, 0, true));
    size_t n = 99;
    assert_null(ws_flow_table_by_id(&t, &n));
    assert_int_equal(n, 0);
    ws_flow_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiers_order_eviction_candidates),
        cmocka_unit_test(test_key_ipv4),
        cmocka_unit_test(test_key_ipv6),
        cmocka_unit_test(test_key_same_address),
        cmocka_unit_test(test_key_family_distinguishes),
        cmocka_unit_test(test_init_free_empty),
        cmocka_unit_test(test_insert_lookup),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_full_across_chunks),
        cmocka_unit_test(test_reuse_records),
        cmocka_unit_test(test_reuse_victims_record),
        cmocka_unit_test(test_activity_touch),
        cmocka_unit_test(test_remove_positions),
        cmocka_unit_test(test_side_addr),
        cmocka_unit_test(test_randomized),
        cmocka_unit_test(test_randomized_without_tally),
        cmocka_unit_test(test_two_tables_different_seeds),
        cmocka_unit_test(test_index_names_the_record),
        cmocka_unit_test(test_max_flows_clamped_to_max_index),
        cmocka_unit_test(test_init_fails_without_address_space),
        cmocka_unit_test(test_ref_of_segment_agrees_with_key),
        cmocka_unit_test(test_find_agrees_with_lookup),
        cmocka_unit_test(test_prefetch_safe_on_empty_table),
        cmocka_unit_test(test_prefetch_removal_any_record),
        cmocka_unit_test(test_buckets_double_when_flows_outnumber_them),
        cmocka_unit_test(test_full_table_buckets_stay),
        cmocka_unit_test(test_buckets_kept_through_emptying),
        cmocka_unit_test(test_by_id_order),
        cmocka_unit_test(test_by_id_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
