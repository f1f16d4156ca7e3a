/* test_decode.c - unit tests for the link/IP/TCP decoder, frames built byte by byte. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "wirestate/decode.h"

#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

/* ---- packet builder ---------------------------------------------------- */

struct pkt {
    uint8_t b[4096];
    uint32_t len;
};

static void p_u8(struct pkt *p, uint8_t v)
{
    assert_true(p->len < sizeof p->b);
    p->b[p->len++] = v;
}

static void p_be16(struct pkt *p, uint16_t v)
{
    p_u8(p, (uint8_t)(v >> 8));
    p_u8(p, (uint8_t)v);
}

static void p_be32(struct pkt *p, uint32_t v)
{
    p_be16(p, (uint16_t)(v >> 16));
    p_be16(p, (uint16_t)v);
}

static void p_le32(struct pkt *p, uint32_t v)
{
    p_u8(p, (uint8_t)v);
    p_u8(p, (uint8_t)(v >> 8));
    p_u8(p, (uint8_t)(v >> 16));
    p_u8(p, (uint8_t)(v >> 24));
}

static void p_bytes(struct pkt *p, const uint8_t *src, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        p_u8(p, src[i]);
}

static void p_fill(struct pkt *p, uint32_t n, uint8_t v)
{
    for (uint32_t i = 0; i < n; i++)
        p_u8(p, v);
}

static void p_set_be16(struct pkt *p, uint32_t off, uint16_t v)
{
    assert_true(off + 2 <= p->len);
    p->b[off] = (uint8_t)(v >> 8);
    p->b[off + 1] = (uint8_t)v;
}

static const uint8_t V4_SRC[4] = {192, 0, 2, 1};
static const uint8_t V4_DST[4] = {198, 51, 100, 2};
static const uint8_t V6_SRC[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t V6_DST[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

/* Link headers. */
static void l_eth(struct pkt *p, uint16_t type)
{
    static const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2};
    p_bytes(p, macs, sizeof macs);
    p_be16(p, type);
}

/* One VLAN tag after a TPID already written: TCI then the next type. */
static void l_vlan(struct pkt *p, uint16_t tci, uint16_t next_type)
{
    p_be16(p, tci);
    p_be16(p, next_type);
}

static void l_sll(struct pkt *p, uint16_t proto)
{
    p_be16(p, 0);          /* packet type: to us */
    p_be16(p, 1);          /* ARPHRD_ETHER */
    p_be16(p, 6);          /* address length */
    p_fill(p, 8, 0x11);    /* address, padded */
    p_be16(p, proto);
}

static void l_sll2(struct pkt *p, uint16_t proto)
{
    p_be16(p, proto);
    p_be16(p, 0);          /* reserved */
    p_be32(p, 2);          /* interface index */
    p_be16(p, 1);          /* ARPHRD_ETHER */
    p_u8(p, 0);            /* packet type */
    p_u8(p, 6);            /* address length */
    p_fill(p, 8, 0x22);
}

/* MPLS label stack entry (RFC 3032): label, TC 0, bottom-of-stack, TTL 64. */
static void l_mpls(struct pkt *p, uint32_t label, bool bottom)
{
    p_be32(p, (label << 12) | (bottom ? 0x100u : 0u) | 64u);
}

/* PPPoE session header (RFC 2516) with the PPP protocol; the length field
 * is not checked by the decoder, so a plausible constant will do. */
static void l_pppoe(struct pkt *p, uint16_t ppp_proto)
{
    p_u8(p, 0x11);         /* version 1, type 1 */
    p_u8(p, 0x00);         /* code: session data */
    p_be16(p, 0x0f07);     /* session id */
    p_be16(p, 0x0042);     /* length */
    p_be16(p, ppp_proto);
}

/* 802.1ah I-TAG TCI after TPID 0x88e7, then the customer Ethernet header. */
static void l_itag(struct pkt *p, uint32_t isid, uint16_t inner_type)
{
    p_be32(p, 0x00000000u | (isid & 0xffffffu));
    l_eth(p, inner_type);
}

/* FDDI header: frame control, destination, source. */
static void l_fddi(struct pkt *p, uint8_t fc)
{
    static const uint8_t macs[12] = {0xaa, 0, 4, 0, 0x82, 0xa7, 0xaa, 0, 4, 0, 0x83, 0xa7};
    p_u8(p, fc);
    p_bytes(p, macs, sizeof macs);
}

/* 802.2 LLC + SNAP: AA AA 03, OUI, protocol id. */
static void l_snap(struct pkt *p, uint32_t oui, uint16_t type)
{
    p_u8(p, 0xaa);
    p_u8(p, 0xaa);
    p_u8(p, 0x03);
    p_u8(p, (uint8_t)(oui >> 16));
    p_u8(p, (uint8_t)(oui >> 8));
    p_u8(p, (uint8_t)oui);
    p_be16(p, type);
}

/* IPv4 header; the total length is patched by ip4_end(). */
static uint32_t ip4_begin(struct pkt *p, uint8_t proto, uint8_t ihl_words, uint16_t frag)
{
    uint32_t start = p->len;

    p_u8(p, (uint8_t)(0x40 | ihl_words));
    p_u8(p, 0);
    p_be16(p, 0);          /* total length, patched */
    p_be16(p, 0x1234);     /* id */
    p_be16(p, frag);
    p_u8(p, 64);
    p_u8(p, proto);
    p_be16(p, 0);          /* checksum: not checked */
    p_bytes(p, V4_SRC, 4);
    p_bytes(p, V4_DST, 4);
    for (uint32_t i = 5; i < ihl_words; i++)
        p_be32(p, 0x01010101);   /* NOP options */
    return start;
}

static void ip4_end(struct pkt *p, uint32_t start)
{
    p_set_be16(p, start + 2, (uint16_t)(p->len - start));
}

static uint32_t ip6_begin(struct pkt *p, uint8_t nh)
{
    uint32_t start = p->len;

    p_be32(p, 0x60000000);
    p_be16(p, 0);          /* payload length, patched */
    p_u8(p, nh);
    p_u8(p, 64);
    p_bytes(p, V6_SRC, 16);
    p_bytes(p, V6_DST, 16);
    return start;
}

static void ip6_end(struct pkt *p, uint32_t start)
{
    p_set_be16(p, start + 4, (uint16_t)(p->len - start - 40));
}

/* Generic (len+1)*8 extension header filled with a PadN option. */
static void ip6_ext(struct pkt *p, uint8_t nh, uint8_t len_units)
{
    uint32_t total = ((uint32_t)len_units + 1) * 8;

    p_u8(p, nh);
    p_u8(p, len_units);
    p_u8(p, 1);                          /* PadN */
    p_u8(p, (uint8_t)(total - 4));
    p_fill(p, total - 4, 0);
}

static void ip6_frag(struct pkt *p, uint8_t nh, uint16_t offset_units, bool more)
{
    p_u8(p, nh);
    p_u8(p, 0);
    p_be16(p, (uint16_t)((offset_units << 3) | (more ? 1 : 0)));
    p_be32(p, 0xdeadbeef);
}

/* TCP header: optlen must be a multiple of 4. */
struct tcp_spec {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint16_t flags;
    uint16_t window;
    const uint8_t *opts;
    uint32_t optlen;
    uint32_t payload;
    uint8_t doff_override;   /* nonzero: write this data offset instead */
};

static void tcp_add(struct pkt *p, const struct tcp_spec *t)
{
    uint8_t doff = t->doff_override ? t->doff_override : (uint8_t)(5 + t->optlen / 4);

    assert_int_equal(t->optlen % 4, 0);
    p_be16(p, t->sport);
    p_be16(p, t->dport);
    p_be32(p, t->seq);
    p_be32(p, t->ack);
    p_be16(p, (uint16_t)(((uint16_t)doff << 12) | (t->flags & 0x1ff)));
    p_be16(p, t->window);
    p_be16(p, 0);          /* checksum */
    p_be16(p, 0);          /* urgent pointer */
    if (t->optlen)
        p_bytes(p, t->opts, t->optlen);
    p_fill(p, t->payload, 0xaa);
}

/* The options a Linux SYN carries: MSS 1460, SACK-permitted, timestamps,
 * NOP, window scale 7. */
static const uint8_t SYN_OPTS[20] = {
    2, 4, 0x05, 0xb4,
    4, 2,
    8, 10, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
    1,
    3, 3, 7,
};

static const struct tcp_spec SYN = {
    .sport = 40000, .dport = 443, .seq = 0xfedcba98u, .ack = 0,
    .flags = 0x002, .window = 64240, .opts = SYN_OPTS, .optlen = sizeof SYN_OPTS,
};

static const struct tcp_spec DATA = {
    .sport = 443, .dport = 40000, .seq = 1000, .ack = 2000,
    .flags = 0x018, .window = 501, .payload = 100,
};

static void v4_tcp(struct pkt *p, const struct tcp_spec *t)
{
    uint32_t ip = ip4_begin(p, 6, 5, 0x4000);   /* DF */
    tcp_add(p, t);
    ip4_end(p, ip);
}

static void v6_tcp(struct pkt *p, const struct tcp_spec *t)
{
    uint32_t ip = ip6_begin(p, 6);
    tcp_add(p, t);
    ip6_end(p, ip);
}

/* ---- decoding helpers -------------------------------------------------- */

/* Decodes from a heap copy of exactly caplen bytes, so that the sanitizer
 * build catches any read past the captured data. */
static enum ws_decode_result dec_cut(int dlt, const struct pkt *p, uint32_t caplen,
                                     uint32_t wirelen, struct ws_segment *s)
{
    uint8_t *copy = malloc(caplen ? caplen : 1);
    enum ws_decode_result r;

    assert_non_null(copy);
    assert_true(caplen <= p->len);
    memcpy(copy, p->b, caplen);
    r = ws_decode_frame(dlt, copy, caplen, wirelen, 1234567, s);
    free(copy);
    return r;
}

static enum ws_decode_result dec(int dlt, const struct pkt *p, struct ws_segment *s)
{
    return dec_cut(dlt, p, p->len, p->len, s);
}

static void check_v4_addrs(const struct ws_segment *s)
{
    static const uint8_t zeros[12];

    assert_int_equal(s->src.family, 4);
    assert_int_equal(s->dst.family, 4);
    assert_memory_equal(s->src.bytes, V4_SRC, 4);
    assert_memory_equal(s->dst.bytes, V4_DST, 4);
    assert_memory_equal(s->src.bytes + 4, zeros, 12);
    assert_memory_equal(s->dst.bytes + 4, zeros, 12);
}

static void check_v6_addrs(const struct ws_segment *s)
{
    assert_int_equal(s->src.family, 6);
    assert_int_equal(s->dst.family, 6);
    assert_memory_equal(s->src.bytes, V6_SRC, 16);
    assert_memory_equal(s->dst.bytes, V6_DST, 16);
}

static void check_syn(const struct ws_segment *s)
{
    assert_int_equal(s->ts_us, 1234567);
    assert_int_equal(s->sport, 40000);
    assert_int_equal(s->dport, 443);
    assert_int_equal(s->seq, 0xfedcba98u);
    assert_int_equal(s->ack, 0);
    assert_int_equal(s->flags, WS_TCP_SYN);
    assert_true(s->has_window);
    assert_int_equal(s->window, 64240);
    assert_int_equal(s->header_len, 40);
    assert_int_equal(s->payload_len, 0);
    assert_true(s->has_mss);
    assert_int_equal(s->mss, 1460);
    assert_true(s->sack_permitted);
    assert_true(s->has_ts);
    assert_int_equal(s->ts_val, 0x11223344u);
    assert_int_equal(s->ts_ecr, 0x55667788u);
    assert_true(s->has_wscale);
    assert_int_equal(s->wscale, 7);
    assert_false(s->options_truncated);
}

static void check_data(const struct ws_segment *s)
{
    assert_int_equal(s->sport, 443);
    assert_int_equal(s->dport, 40000);
    assert_int_equal(s->seq, 1000);
    assert_int_equal(s->ack, 2000);
    assert_int_equal(s->flags, WS_TCP_PSH | WS_TCP_ACK);
    assert_int_equal(s->header_len, 20);
    assert_int_equal(s->payload_len, 100);
    assert_false(s->has_mss || s->has_wscale || s->has_ts || s->sack_permitted);
    assert_false(s->options_truncated);
}

/* ---- link layers ------------------------------------------------------- */

static void test_ethernet_ipv4_syn(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    l_eth(&p, 0x0800);
    v4_tcp(&p, &SYN);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_syn(&s);
    check_v4_addrs(&s);
}

static void test_ethernet_ipv6_data(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    l_eth(&p, 0x86dd);
    v6_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_data(&s);
    check_v6_addrs(&s);
}

static void test_vlan_8021q(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    l_eth(&p, 0x8100);
    l_vlan(&p, 0x0064, 0x0800);
    v4_tcp(&p, &SYN);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_syn(&s);
}

static void test_vlan_qinq(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    l_eth(&p, 0x88a8);
    l_vlan(&p, 0x00c8, 0x8100);
    l_vlan(&p, 0x0064, 0x86dd);
    v6_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_data(&s);
    check_v6_addrs(&s);

    /* The pre-standard 0x9100 outer tag. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x9100);
    l_vlan(&p, 1, 0x8100);
    l_vlan(&p, 2, 0x0800);
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_data(&s);
}

static void test_vlan_limits(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    /* Eight tags are accepted... */
    l_eth(&p, 0x8100);
    for (int i = 0; i < 7; i++)
        l_vlan(&p, (uint16_t)i, 0x8100);
    l_vlan(&p, 7, 0x0800);
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_data(&s);

    /* ...nine are not. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8100);
    for (int i = 0; i < 8; i++)
        l_vlan(&p, (uint16_t)i, 0x8100);
    l_vlan(&p, 8, 0x0800);
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_BAD_HEADER);

    /* A tag cut by the snaplen. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8100);
    l_vlan(&p, 1, 0x0800);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 17, 100, &s), WS_DECODE_TRUNCATED);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 13, 100, &s), WS_DECODE_TRUNCATED);
}

static void test_ethernet_padding(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;
    struct tcp_spec t = DATA;

    (void)state;
    /* A bare ACK is 54 bytes; Ethernet pads it to 60 with bytes that must
     * not count as payload or be read as options. */
    t.payload = 0;
    l_eth(&p, 0x0800);
    v4_tcp(&p, &t);
    p_fill(&p, 6, 0x02);
    assert_int_equal(p.len, 60);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    assert_int_equal(s.payload_len, 0);
    assert_false(s.options_truncated);
}

static void test_sll(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    l_sll(&p, 0x0800);
    v4_tcp(&p, &SYN);
    assert_int_equal(p.len, 16 + 20 + 40);
    assert_int_equal(dec(DLT_LINUX_SLL, &p, &s), WS_DECODE_OK);
    check_syn(&s);

    memset(&p, 0, sizeof p);
    l_sll(&p, 0x86dd);
    v6_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_LINUX_SLL, &p, &s), WS_DECODE_OK);
    check_data(&s);

    memset(&p, 0, sizeof p);
    l_sll(&p, 0x0806);
    p_fill(&p, 28, 0);
    assert_int_equal(dec(DLT_LINUX_SLL, &p, &s), WS_DECODE_NOT_TCP);
    assert_int_equal(dec_cut(DLT_LINUX_SLL, &p, 15, 44, &s), WS_DECODE_TRUNCATED);
}

static void test_sll2(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    l_sll2(&p, 0x0800);
    v4_tcp(&p, &SYN);
    assert_int_equal(p.len, 20 + 20 + 40);
    assert_int_equal(dec(DLT_LINUX_SLL2, &p, &s), WS_DECODE_OK);
    check_syn(&s);

    memset(&p, 0, sizeof p);
    l_sll2(&p, 0x86dd);
    v6_tcp(&p, &SYN);
    assert_int_equal(dec(DLT_LINUX_SLL2, &p, &s), WS_DECODE_OK);
    check_syn(&s);
    check_v6_addrs(&s);
    assert_int_equal(dec_cut(DLT_LINUX_SLL2, &p, 19, p.len, &s), WS_DECODE_TRUNCATED);
}

static void test_null_both_byte_orders(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    p_le32(&p, 2);
    v4_tcp(&p, &SYN);
    assert_int_equal(dec(DLT_NULL, &p, &s), WS_DECODE_OK);
    check_syn(&s);

    memset(&p, 0, sizeof p);
    p_be32(&p, 2);
    v4_tcp(&p, &SYN);
    assert_int_equal(dec(DLT_NULL, &p, &s), WS_DECODE_OK);
    check_syn(&s);

    memset(&p, 0, sizeof p);
    p_le32(&p, 30);                /* macOS AF_INET6 */
    v6_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_NULL, &p, &s), WS_DECODE_OK);
    check_data(&s);
    check_v6_addrs(&s);

    memset(&p, 0, sizeof p);
    p_be32(&p, 30);
    v6_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_NULL, &p, &s), WS_DECODE_OK);
    check_data(&s);

    /* Other IPv6 AF values, and a family that is not IP. */
    static const uint32_t v6_afs[] = {10, 24, 28};
    for (size_t i = 0; i < sizeof v6_afs / sizeof v6_afs[0]; i++) {
        memset(&p, 0, sizeof p);
        p_le32(&p, v6_afs[i]);
        v6_tcp(&p, &DATA);
        assert_int_equal(dec(DLT_NULL, &p, &s), WS_DECODE_OK);
    }
    memset(&p, 0, sizeof p);
    p_le32(&p, 7);
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_NULL, &p, &s), WS_DECODE_NOT_TCP);
    assert_int_equal(dec_cut(DLT_NULL, &p, 3, p.len, &s), WS_DECODE_TRUNCATED);

    /* The AF says IPv6 but the packet is IPv4. */
    memset(&p, 0, sizeof p);
    p_le32(&p, 30);
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_NULL, &p, &s), WS_DECODE_BAD_HEADER);
}

static void test_loop(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    p_be32(&p, 2);
    v4_tcp(&p, &SYN);
    assert_int_equal(dec(DLT_LOOP, &p, &s), WS_DECODE_OK);
    check_syn(&s);

    memset(&p, 0, sizeof p);
    p_be32(&p, 24);
    v6_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_LOOP, &p, &s), WS_DECODE_OK);
    check_data(&s);

    /* LOOP is network byte order only. */
    memset(&p, 0, sizeof p);
    p_le32(&p, 2);
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_LOOP, &p, &s), WS_DECODE_NOT_TCP);
}

static void test_raw(void **state)
{
    struct pkt v4 = {0}, v6 = {0};
    struct ws_segment s;
    static const int raw_dlts[] = {DLT_RAW, 12, 101};

    (void)state;
    v4_tcp(&v4, &SYN);
    v6_tcp(&v6, &SYN);
    for (size_t i = 0; i < sizeof raw_dlts / sizeof raw_dlts[0]; i++) {
        assert_int_equal(dec(raw_dlts[i], &v4, &s), WS_DECODE_OK);
        check_syn(&s);
        check_v4_addrs(&s);
        assert_int_equal(dec(raw_dlts[i], &v6, &s), WS_DECODE_OK);
        check_syn(&s);
        check_v6_addrs(&s);
    }
    assert_int_equal(dec(DLT_IPV4, &v4, &s), WS_DECODE_OK);
    check_syn(&s);
    assert_int_equal(dec(DLT_IPV6, &v6, &s), WS_DECODE_OK);
    check_syn(&s);
    /* The dedicated per-version link types insist on their version. */
    assert_int_equal(dec(DLT_IPV4, &v6, &s), WS_DECODE_BAD_HEADER);
    assert_int_equal(dec(DLT_IPV6, &v4, &s), WS_DECODE_BAD_HEADER);
    /* Raw IP with an impossible version, and with nothing captured. */
    v4.b[0] = 0x55;
    assert_int_equal(dec(DLT_RAW, &v4, &s), WS_DECODE_BAD_HEADER);
    assert_int_equal(dec_cut(DLT_RAW, &v4, 0, 60, &s), WS_DECODE_TRUNCATED);
    assert_int_equal(ws_decode_frame(DLT_RAW, NULL, 0, 0, 0, &s), WS_DECODE_TRUNCATED);
}

static void test_not_tcp(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;
    uint32_t ip;

    (void)state;
    /* ARP */
    l_eth(&p, 0x0806);
    p_fill(&p, 28, 0);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_NOT_TCP);

    /* 802.3 length field with LLC */
    memset(&p, 0, sizeof p);
    l_eth(&p, 46);
    p_fill(&p, 46, 0x42);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_NOT_TCP);

    /* UDP over IPv4 */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x0800);
    ip = ip4_begin(&p, 17, 5, 0);
    p_fill(&p, 8 + 20, 0);
    ip4_end(&p, ip);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_NOT_TCP);

    /* UDP over IPv6 */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x86dd);
    ip = ip6_begin(&p, 17);
    p_fill(&p, 8 + 20, 0);
    ip6_end(&p, ip);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_NOT_TCP);

    /* ESP and No Next Header end the IPv6 chain. */
    memset(&p, 0, sizeof p);
    ip = ip6_begin(&p, 50);
    p_fill(&p, 40, 0x77);
    ip6_end(&p, ip);
    assert_int_equal(dec(DLT_RAW, &p, &s), WS_DECODE_NOT_TCP);
    memset(&p, 0, sizeof p);
    ip = ip6_begin(&p, 60);
    ip6_ext(&p, 59, 0);
    ip6_end(&p, ip);
    assert_int_equal(dec(DLT_RAW, &p, &s), WS_DECODE_NOT_TCP);
}

/* ---- encapsulations ---------------------------------------------------- */

static void test_mpls(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    /* One label, IPv4 by its version nibble (mixed-vlan-mpls.pcap). */
    l_eth(&p, 0x8847);
    l_mpls(&p, 29, true);
    v4_tcp(&p, &SYN);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_syn(&s);
    check_v4_addrs(&s);

    /* Inside a VLAN tag (mpls-in-vlan.pcap), two labels, IPv6, multicast. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8100);
    l_vlan(&p, 0, 0x8848);
    l_mpls(&p, 16106, false);
    l_mpls(&p, 17, true);
    v6_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_data(&s);
    check_v6_addrs(&s);
    /* Cut inside the second label, and right after the stack. */
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 14 + 4 + 4 + 3, p.len, &s), WS_DECODE_TRUNCATED);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 14 + 4 + 8, p.len, &s), WS_DECODE_TRUNCATED);

    /* Sixteen labels are accepted, seventeen without a bottom are not. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8847);
    for (uint32_t i = 0; i < 15; i++)
        l_mpls(&p, 100 + i, false);
    l_mpls(&p, 200, true);
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_data(&s);
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8847);
    for (uint32_t i = 0; i < 17; i++)
        l_mpls(&p, 100 + i, false);
    l_mpls(&p, 200, true);
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_BAD_HEADER);

    /* Explicit-null labels fix the version: label 2 (IPv6) over IPv4. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8847);
    l_mpls(&p, 2, true);
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_BAD_HEADER);
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8847);
    l_mpls(&p, 0, true);
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_data(&s);

    /* GAL + associated channel header (first nibble 1): not IP. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8847);
    l_mpls(&p, 13, true);
    p_be32(&p, 0x10000022);
    p_fill(&p, 40, 0);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_NOT_TCP);
}

/* An Ethernet frame carried over an MPLS pseudowire (RFC 4448). */
static void test_mpls_ethernet_pseudowire(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    /* With the control word, the inner frame tagged. */
    l_eth(&p, 0x8847);
    l_mpls(&p, 1000, false);
    l_mpls(&p, 2000, true);
    p_be32(&p, 0x00000001);            /* control word, sequence 1 */
    l_eth(&p, 0x8100);
    l_vlan(&p, 10, 0x86dd);
    v6_tcp(&p, &SYN);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_syn(&s);
    check_v6_addrs(&s);
    /* Cut before the inner Ethertype can be seen: no evidence of Ethernet. */
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 14 + 8 + 4 + 13, p.len, &s), WS_DECODE_NOT_TCP);

    /* Without the control word; the inner destination MAC starts with
     * nibble 0 (l_eth's is 02:00:...), so the control-word reading is tried
     * first and must fail on its Ethertype. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8847);
    l_mpls(&p, 2000, true);
    l_eth(&p, 0x0800);
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_data(&s);

    /* Nibble 0 followed by nothing that looks like Ethernet (another
     * pseudowire type): not TCP. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8847);
    l_mpls(&p, 2000, true);
    p_fill(&p, 60, 0x01);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_NOT_TCP);
}

static void test_pppoe(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;
    const uint32_t ppp_at = 14 + 4 + 4 + 6;

    (void)state;
    /* PPPoE over QinQ (pppoe-over-qinq.pcap). */
    l_eth(&p, 0x8100);
    l_vlan(&p, 3704, 0x8100);
    l_vlan(&p, 2474, 0x8864);
    l_pppoe(&p, 0x0021);
    v4_tcp(&p, &SYN);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_syn(&s);
    check_v4_addrs(&s);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, ppp_at - 1, p.len, &s), WS_DECODE_TRUNCATED);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, ppp_at + 1, p.len, &s), WS_DECODE_TRUNCATED);

    /* IPv6. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8864);
    l_pppoe(&p, 0x0057);
    v6_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_data(&s);
    check_v6_addrs(&s);

    /* Protocol-field compression: one byte, 0x21. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8864);
    l_pppoe(&p, 0x0021);
    p.len -= 2;
    p_u8(&p, 0x21);
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_data(&s);

    /* LCP is not IP; nor is a PPPoE version RFC 2516 does not define. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8864);
    l_pppoe(&p, 0xc021);
    p_fill(&p, 20, 0);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_NOT_TCP);
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8864);
    l_pppoe(&p, 0x0021);
    p.b[14] = 0x21;
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_NOT_TCP);
    /* PPP says IPv4, the packet is IPv6. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8864);
    l_pppoe(&p, 0x0021);
    v6_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_BAD_HEADER);
    /* PPPoE discovery (0x8863) carries no IP. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8863);
    l_pppoe(&p, 0x0101);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_NOT_TCP);
}

static void test_pbb(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    /* B-tag, I-TAG, customer Ethernet with a C-tag (pbb.pcap uses 0x8100
     * for the backbone tag; the standard says 0x88a8). */
    l_eth(&p, 0x88a8);
    l_vlan(&p, 4051, 0x88e7);
    l_itag(&p, 0x1ebb30, 0x8100);
    l_vlan(&p, 100, 0x0800);
    v4_tcp(&p, &SYN);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_syn(&s);
    check_v4_addrs(&s);
    /* Cut in the I-TAG, and in the customer addresses. */
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 14 + 4 + 3, p.len, &s), WS_DECODE_TRUNCATED);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 14 + 4 + 4 + 13, p.len, &s), WS_DECODE_TRUNCATED);

    /* Customer frame carrying ARP. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x88e7);
    l_itag(&p, 7, 0x0806);
    p_fill(&p, 28, 0);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_NOT_TCP);
}

static void test_vntag(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    /* VLAN / VN-Tag / VLAN (vntag_vlan_sandwich_clean.pcap). */
    l_eth(&p, 0x8100);
    l_vlan(&p, 250, 0x8926);
    p_be32(&p, 0x00000033);
    p_be16(&p, 0x8100);
    l_vlan(&p, 250, 0x0800);
    v4_tcp(&p, &SYN);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_syn(&s);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 14 + 4 + 5, p.len, &s), WS_DECODE_TRUNCATED);

    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8926);
    p_be32(&p, 0x80010002);
    p_be16(&p, 0x86dd);
    v6_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_data(&s);
}

static void test_fabricpath(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    /* Outer hierarchical addresses, 0x8903, FTag/TTL, the original frame
     * (cisco-fabric-path.pcap). */
    l_eth(&p, 0x8903);
    p_be16(&p, 0x0043);                /* FTag 1, TTL 3 */
    l_eth(&p, 0x0800);
    v4_tcp(&p, &SYN);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_syn(&s);
    check_v4_addrs(&s);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 16 + 13, p.len, &s), WS_DECODE_TRUNCATED);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 15, p.len, &s), WS_DECODE_TRUNCATED);

    /* The 802.1ad-tagged variant, IPv6 inside. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x88a8);
    l_vlan(&p, 5, 0x8903);
    p_be16(&p, 0x0043);
    l_eth(&p, 0x86dd);
    v6_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_data(&s);
    check_v6_addrs(&s);
}

static void test_llc_snap(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;
    uint32_t ip;

    (void)state;
    /* 802.3 length field, then LLC/SNAP with an Ethertype. */
    l_eth(&p, 0);
    l_snap(&p, 0x000000, 0x0800);
    v4_tcp(&p, &SYN);
    p_set_be16(&p, 12, (uint16_t)(p.len - 14));
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_syn(&s);
    check_v4_addrs(&s);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 14 + 2, p.len, &s), WS_DECODE_TRUNCATED);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 14 + 7, p.len, &s), WS_DECODE_TRUNCATED);

    /* After a VLAN tag, 802.1H bridge-tunnel OUI, IPv6. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8100);
    l_vlan(&p, 7, 100);
    l_snap(&p, 0x0000f8, 0x86dd);
    v6_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_data(&s);

    /* A vendor OUI (Cisco CDP), and LLC without SNAP (spanning tree). */
    memset(&p, 0, sizeof p);
    l_eth(&p, 60);
    l_snap(&p, 0x00000c, 0x2000);
    p_fill(&p, 40, 0);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_NOT_TCP);
    memset(&p, 0, sizeof p);
    l_eth(&p, 38);
    p_u8(&p, 0x42);
    p_u8(&p, 0x42);
    p_u8(&p, 0x03);
    p_fill(&p, 35, 0);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_NOT_TCP);

    /* UDP behind SNAP is still just not TCP. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 50);
    l_snap(&p, 0, 0x0800);
    ip = ip4_begin(&p, 17, 5, 0);
    p_fill(&p, 8, 0);
    ip4_end(&p, ip);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_NOT_TCP);
}

static void test_fddi(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    /* Asynchronous LLC frame (llc.pcap: FC 0x50, SNAP, IPv4). */
    l_fddi(&p, 0x50);
    l_snap(&p, 0, 0x0800);
    v4_tcp(&p, &SYN);
    assert_int_equal(p.len, 13 + 8 + 20 + 40);
    assert_int_equal(dec(DLT_FDDI, &p, &s), WS_DECODE_OK);
    check_syn(&s);
    check_v4_addrs(&s);
    assert_int_equal(dec_cut(DLT_FDDI, &p, 12, p.len, &s), WS_DECODE_TRUNCATED);
    assert_int_equal(dec_cut(DLT_FDDI, &p, 13 + 7, p.len, &s), WS_DECODE_TRUNCATED);
    assert_int_equal(dec_cut(DLT_FDDI, &p, 13 + 8, p.len, &s), WS_DECODE_TRUNCATED);

    /* Synchronous LLC frame with priority bits, IPv6. */
    memset(&p, 0, sizeof p);
    l_fddi(&p, 0xd3);
    l_snap(&p, 0, 0x86dd);
    v6_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_FDDI, &p, &s), WS_DECODE_OK);
    check_data(&s);
    check_v6_addrs(&s);

    /* SMT (0x41) and MAC (0xc2) frames, and 16-bit-address LLC (0x10). */
    static const uint8_t not_llc[] = {0x41, 0xc2, 0x10, 0x60};
    for (size_t i = 0; i < sizeof not_llc; i++) {
        memset(&p, 0, sizeof p);
        l_fddi(&p, not_llc[i]);
        l_snap(&p, 0, 0x0800);
        v4_tcp(&p, &DATA);
        assert_int_equal(dec(DLT_FDDI, &p, &s), WS_DECODE_NOT_TCP);
    }

    /* LLC that is not SNAP, and SNAP naming IPX. */
    memset(&p, 0, sizeof p);
    l_fddi(&p, 0x50);
    p_u8(&p, 0xe0);
    p_u8(&p, 0xe0);
    p_u8(&p, 0x03);
    p_fill(&p, 30, 0xff);
    assert_int_equal(dec(DLT_FDDI, &p, &s), WS_DECODE_NOT_TCP);
    memset(&p, 0, sizeof p);
    l_fddi(&p, 0x50);
    l_snap(&p, 0, 0x8137);
    p_fill(&p, 30, 0xff);
    assert_int_equal(dec(DLT_FDDI, &p, &s), WS_DECODE_NOT_TCP);
    /* A SNAP protocol id is never a length. */
    memset(&p, 0, sizeof p);
    l_fddi(&p, 0x50);
    l_snap(&p, 0, 46);
    l_snap(&p, 0, 0x0800);
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_FDDI, &p, &s), WS_DECODE_NOT_TCP);
}

static void test_cooked_encapsulations(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    /* libpcap puts a stripped VLAN tag back after the SLL header. */
    l_sll(&p, 0x8100);
    l_vlan(&p, 42, 0x0800);
    v4_tcp(&p, &SYN);
    assert_int_equal(dec(DLT_LINUX_SLL, &p, &s), WS_DECODE_OK);
    check_syn(&s);

    memset(&p, 0, sizeof p);
    l_sll2(&p, 0x8847);
    l_mpls(&p, 30, true);
    v6_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_LINUX_SLL2, &p, &s), WS_DECODE_OK);
    check_data(&s);

    /* Values below 0x0600 are Linux ETH_P_ numbers there, not lengths. */
    memset(&p, 0, sizeof p);
    l_sll(&p, 0x0004);
    l_snap(&p, 0, 0x0800);
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_LINUX_SLL, &p, &s), WS_DECODE_NOT_TCP);
}

static void test_encapsulation_limit(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    /* Eight layers: S-tag, C-tag, I-TAG, C-tag, VN-Tag, C-tag, MPLS stack
     * (with an Ethernet pseudowire inside), C-tag. */
    l_eth(&p, 0x88a8);
    l_vlan(&p, 1, 0x8100);
    l_vlan(&p, 2, 0x88e7);
    l_itag(&p, 3, 0x8100);
    l_vlan(&p, 4, 0x8926);
    p_be32(&p, 5);
    p_be16(&p, 0x8100);
    l_vlan(&p, 6, 0x8847);
    l_mpls(&p, 16, false);
    l_mpls(&p, 17, true);
    p_be32(&p, 0);
    l_eth(&p, 0x8100);
    l_vlan(&p, 7, 0x0800);
    v4_tcp(&p, &SYN);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_syn(&s);

    /* A ninth (PPPoE) is too many. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x88a8);
    l_vlan(&p, 1, 0x8100);
    l_vlan(&p, 2, 0x88e7);
    l_itag(&p, 3, 0x8100);
    l_vlan(&p, 4, 0x8926);
    p_be32(&p, 5);
    p_be16(&p, 0x8100);
    l_vlan(&p, 6, 0x8847);
    l_mpls(&p, 16, false);
    l_mpls(&p, 17, true);
    p_be32(&p, 0);
    l_eth(&p, 0x8100);
    l_vlan(&p, 7, 0x8864);
    l_pppoe(&p, 0x0021);
    v4_tcp(&p, &SYN);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_BAD_HEADER);

    /* Pseudowires nested in pseudowires stop at the limit as well. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x8847);
    for (int i = 0; i < 9; i++) {
        l_mpls(&p, 16, true);
        p_be32(&p, 0);
        l_eth(&p, 0x8847);
    }
    l_mpls(&p, 16, true);
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_BAD_HEADER);
}

/* ---- IP layers --------------------------------------------------------- */

static void test_ipv4_options(void **state)
{
    struct ws_segment s;

    (void)state;
    for (uint8_t ihl = 6; ihl <= 15; ihl++) {
        struct pkt p = {0};
        uint32_t ip;

        l_eth(&p, 0x0800);
        ip = ip4_begin(&p, 6, ihl, 0);
        tcp_add(&p, &SYN);
        ip4_end(&p, ip);
        assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
        check_syn(&s);
        check_v4_addrs(&s);
        /* Options cut by the snaplen leave no TCP header. */
        assert_int_equal(dec_cut(DLT_EN10MB, &p, 14 + ihl * 4u - 1, p.len, &s),
                         WS_DECODE_TRUNCATED);
    }
}

static void test_ipv4_bad_headers(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    l_eth(&p, 0x0800);
    v4_tcp(&p, &DATA);

    p.b[14] = 0x44;                      /* IHL 4 */
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_BAD_HEADER);
    p.b[14] = 0x40;                      /* IHL 0 */
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_BAD_HEADER);
    p.b[14] = 0x45;
    p_set_be16(&p, 16, 19);              /* total length below the header */
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_BAD_HEADER);
    p_set_be16(&p, 16, 30);              /* room for only 10 bytes of TCP */
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_BAD_HEADER);
    p_set_be16(&p, 16, 20 + 20 + 100);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    /* Ethertype IPv4 but the header is version 6. */
    p.b[14] = 0x65;
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_BAD_HEADER);
    /* Direct entry point: version 5 does not exist. */
    p.b[14] = 0x55;
    assert_int_equal(ws_decode_ip(p.b + 14, p.len - 14, p.len - 14, &s), WS_DECODE_BAD_HEADER);
    /* IPv4 header cut short. */
    p.b[14] = 0x45;
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 14 + 19, p.len, &s), WS_DECODE_TRUNCATED);
}

static void test_ipv4_fragments(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;
    uint32_t ip;

    (void)state;
    /* First fragment (MF set, offset 0): the TCP header is there. */
    l_eth(&p, 0x0800);
    ip = ip4_begin(&p, 6, 5, 0x2000);
    tcp_add(&p, &DATA);
    ip4_end(&p, ip);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_data(&s);

    /* Non-first fragments, with and without MF. */
    p_set_be16(&p, 14 + 6, 0x2000 | 185);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_FRAGMENT);
    p_set_be16(&p, 14 + 6, 1);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_FRAGMENT);

    /* A non-first fragment of UDP is simply not TCP. */
    p.b[14 + 9] = 17;
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_NOT_TCP);
}

static void test_ipv4_tso_zero_length(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    l_eth(&p, 0x0800);
    v4_tcp(&p, &DATA);
    p_set_be16(&p, 16, 0);               /* total length left for the NIC */
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    assert_int_equal(s.payload_len, 100);
    /* Only the headers captured: the wire length still tells the size. */
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 14 + 20 + 20, 14 + 20 + 20 + 9000, &s),
                     WS_DECODE_OK);
    assert_int_equal(s.payload_len, 9000);
}

static void test_ipv6_extension_chain(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;
    uint32_t ip, frag_off;

    (void)state;
    l_eth(&p, 0x86dd);
    ip = ip6_begin(&p, 0);
    ip6_ext(&p, 60, 0);                  /* hop-by-hop, 8 bytes */
    ip6_ext(&p, 44, 1);                  /* destination options, 16 bytes */
    frag_off = p.len;
    ip6_frag(&p, 6, 0, true);            /* first fragment */
    tcp_add(&p, &DATA);
    ip6_end(&p, ip);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    check_data(&s);
    check_v6_addrs(&s);

    /* Each extension header cut by the snaplen. */
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 14 + 40 + 1, p.len, &s), WS_DECODE_TRUNCATED);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 14 + 40 + 8 + 1, p.len, &s), WS_DECODE_TRUNCATED);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, frag_off + 3, p.len, &s), WS_DECODE_TRUNCATED);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, frag_off + 8 + 13, p.len, &s),
                     WS_DECODE_TRUNCATED);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, frag_off + 8 + 14, p.len, &s), WS_DECODE_OK);
    assert_int_equal(s.payload_len, 100);

    /* Non-first fragment. */
    p_set_be16(&p, frag_off + 2, (uint16_t)(100 << 3));
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_FRAGMENT);
    p.b[frag_off] = 17;                  /* ...of UDP */
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_NOT_TCP);
    p.b[frag_off] = 60;                  /* ...whose next header we cannot see past */
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_FRAGMENT);
}

static void test_ipv6_other_extensions(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;
    uint32_t ip;

    (void)state;
    /* Routing header, then AH (length in 4-byte units + 2), then mobility,
     * HIP and shim6 with the usual 8-byte rule. */
    ip = ip6_begin(&p, 43);
    ip6_ext(&p, 51, 2);                  /* routing, 24 bytes */
    p_u8(&p, 135);                       /* AH: next header */
    p_u8(&p, 4);                         /* (4 + 2) * 4 = 24 bytes */
    p_fill(&p, 22, 0x5a);
    ip6_ext(&p, 139, 0);
    ip6_ext(&p, 140, 1);
    ip6_ext(&p, 6, 0);
    tcp_add(&p, &SYN);
    ip6_end(&p, ip);
    assert_int_equal(dec(DLT_RAW, &p, &s), WS_DECODE_OK);
    check_syn(&s);

    /* An extension header longer than the payload length allows. */
    p_set_be16(&p, 4, 30);
    assert_int_equal(dec(DLT_RAW, &p, &s), WS_DECODE_BAD_HEADER);
}

static void test_ipv6_chain_limit(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;
    uint32_t ip;

    (void)state;
    ip = ip6_begin(&p, 60);
    for (int i = 0; i < 15; i++)
        ip6_ext(&p, 60, 0);
    ip6_ext(&p, 6, 0);                   /* 16 headers: accepted */
    tcp_add(&p, &DATA);
    ip6_end(&p, ip);
    assert_int_equal(dec(DLT_IPV6, &p, &s), WS_DECODE_OK);
    check_data(&s);

    memset(&p, 0, sizeof p);
    ip = ip6_begin(&p, 60);
    for (int i = 0; i < 16; i++)
        ip6_ext(&p, 60, 0);
    ip6_ext(&p, 6, 0);                   /* 17 headers: refused */
    tcp_add(&p, &DATA);
    ip6_end(&p, ip);
    assert_int_equal(dec(DLT_IPV6, &p, &s), WS_DECODE_BAD_HEADER);
}

static void test_ipv6_zero_payload_length(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    v6_tcp(&p, &DATA);
    p_set_be16(&p, 4, 0);
    assert_int_equal(dec(DLT_RAW, &p, &s), WS_DECODE_OK);
    assert_int_equal(s.payload_len, 100);
    assert_int_equal(dec_cut(DLT_RAW, &p, 60, 40 + 20 + 64000, &s), WS_DECODE_OK);
    assert_int_equal(s.payload_len, 64000);
    /* IPv6 header itself cut. */
    assert_int_equal(dec_cut(DLT_RAW, &p, 39, p.len, &s), WS_DECODE_TRUNCATED);
}

/* ---- TCP layer --------------------------------------------------------- */

static void test_tcp_cut_at_14(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;
    const uint32_t tcp_at = 14 + 20;

    (void)state;
    l_eth(&p, 0x0800);
    v4_tcp(&p, &SYN);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, tcp_at + 14, p.len, &s), WS_DECODE_OK);
    assert_int_equal(s.sport, 40000);
    assert_int_equal(s.dport, 443);
    assert_int_equal(s.seq, 0xfedcba98u);
    assert_int_equal(s.ack, 0);
    assert_int_equal(s.flags, WS_TCP_SYN);
    assert_int_equal(s.header_len, 40);
    assert_false(s.has_window);
    assert_false(s.has_mss);
    assert_true(s.options_truncated);    /* 20 option bytes unseen */

    assert_int_equal(dec_cut(DLT_EN10MB, &p, tcp_at + 16, p.len, &s), WS_DECODE_OK);
    assert_true(s.has_window);
    assert_int_equal(s.window, 64240);

    assert_int_equal(dec_cut(DLT_EN10MB, &p, tcp_at + 13, p.len, &s), WS_DECODE_TRUNCATED);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, tcp_at, p.len, &s), WS_DECODE_TRUNCATED);

    /* Without options, a 14-byte cut loses nothing but the window. */
    memset(&p, 0, sizeof p);
    l_eth(&p, 0x0800);
    v4_tcp(&p, &DATA);
    assert_int_equal(dec_cut(DLT_EN10MB, &p, tcp_at + 14, p.len, &s), WS_DECODE_OK);
    assert_false(s.has_window);
    assert_false(s.options_truncated);
    assert_int_equal(s.payload_len, 100);
}

static void test_tcp_options_cut(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;
    const uint32_t opts_at = 14 + 20 + 20;

    (void)state;
    l_eth(&p, 0x0800);
    v4_tcp(&p, &SYN);
    /* Cut in the middle of the timestamps option: MSS and SACK-permitted
     * were seen, timestamps and window scale were not. */
    assert_int_equal(dec_cut(DLT_EN10MB, &p, opts_at + 9, p.len, &s), WS_DECODE_OK);
    assert_true(s.options_truncated);
    assert_true(s.has_mss);
    assert_int_equal(s.mss, 1460);
    assert_true(s.sack_permitted);
    assert_false(s.has_ts);
    assert_false(s.has_wscale);
    assert_int_equal(s.header_len, 40);
    /* Cut between kind and length. */
    assert_int_equal(dec_cut(DLT_EN10MB, &p, opts_at + 1, p.len, &s), WS_DECODE_OK);
    assert_true(s.options_truncated);
    assert_false(s.has_mss);
    /* Cut right after the last option byte: nothing missing. */
    assert_int_equal(dec_cut(DLT_EN10MB, &p, opts_at + 20, p.len, &s), WS_DECODE_OK);
    assert_false(s.options_truncated);
    check_syn(&s);
}

/* Decodes a SYN carrying the given 20 option bytes, followed by 16 bytes of
 * payload that must never be read as options, via ws_decode_tcp(). */
static enum ws_decode_result dec_opts(const uint8_t opts[20], struct ws_segment *s)
{
    struct pkt p = {0};
    struct tcp_spec t = SYN;

    t.opts = opts;
    t.payload = 16;
    tcp_add(&p, &t);
    return ws_decode_tcp(p.b, p.len, p.len, s);
}

static void test_tcp_options_malformed(void **state)
{
    struct ws_segment s;

    (void)state;
    /* Length 1 is impossible. */
    static const uint8_t len1[20] = {2, 4, 0x05, 0xb4, 30, 1, 0};
    assert_int_equal(dec_opts(len1, &s), WS_DECODE_OK);
    assert_true(s.has_mss);
    assert_true(s.options_truncated);

    /* Length 0 would loop forever if trusted. */
    static const uint8_t len0[20] = {99, 0};
    assert_int_equal(dec_opts(len0, &s), WS_DECODE_OK);
    assert_true(s.options_truncated);

    /* MSS with the wrong length. */
    static const uint8_t badmss[20] = {2, 5, 0x05, 0xb4, 0, 1, 1, 1};
    assert_int_equal(dec_opts(badmss, &s), WS_DECODE_OK);
    assert_false(s.has_mss);
    assert_true(s.options_truncated);

    /* Option running past the data offset. */
    static const uint8_t overrun[20] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 8, 10};
    assert_int_equal(dec_opts(overrun, &s), WS_DECODE_OK);
    assert_false(s.has_ts);
    assert_true(s.options_truncated);
    assert_int_equal(s.payload_len, 16);

    /* EOL ends the list cleanly; what follows is padding. */
    static const uint8_t eol[20] = {3, 3, 20, 0, 2, 4, 0x05, 0xb4};
    assert_int_equal(dec_opts(eol, &s), WS_DECODE_OK);
    assert_true(s.has_wscale);
    assert_int_equal(s.wscale, 14);      /* 20 clamped per RFC 7323 */
    assert_false(s.has_mss);
    assert_false(s.options_truncated);

    /* Unknown options and SACK blocks are stepped over. */
    static const uint8_t unknown[20] = {1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 254, 4, 0xf9, 0x89,
                                        2, 4, 0x02, 0x18};
    assert_int_equal(dec_opts(unknown, &s), WS_DECODE_OK);
    assert_true(s.has_mss);
    assert_int_equal(s.mss, 536);
    assert_false(s.options_truncated);
}

/* Decodes a data segment carrying the given options (optlen a multiple of
 * 4), 16 bytes of payload after them, of which caplen bytes are captured
 * (0: all), via ws_decode_tcp(). */
static enum ws_decode_result dec_data_opts(const uint8_t *opts, uint32_t optlen, uint32_t caplen,
                                           struct ws_segment *s)
{
    struct pkt p = {0};
    struct tcp_spec t = DATA;

    t.opts = opts;
    t.optlen = optlen;
    t.payload = 16;
    tcp_add(&p, &t);
    return ws_decode_tcp(p.b, caplen ? caplen : p.len, p.len, s);
}

/* NOP, NOP, timestamps: the options of nearly every segment after the
 * handshake, which tcp.c recognises before its option walk; and blocks
 * that only begin like it, which the walk still judges. */
static void test_tcp_options_timestamps_only(void **state)
{
    struct ws_segment s;

    (void)state;
    static const uint8_t ts[12] = {1, 1, 8, 10, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    assert_int_equal(dec_data_opts(ts, sizeof ts, 0, &s), WS_DECODE_OK);
    assert_int_equal(s.header_len, 32);
    assert_int_equal(s.payload_len, 16);
    assert_true(s.has_ts);
    assert_int_equal(s.ts_val, 0x11223344u);
    assert_int_equal(s.ts_ecr, 0x55667788u);
    assert_false(s.has_mss);
    assert_false(s.sack_permitted);
    assert_false(s.options_truncated);

    /* Captured one byte short of the block: the timestamps are incomplete. */
    assert_int_equal(dec_data_opts(ts, sizeof ts, 31, &s), WS_DECODE_OK);
    assert_false(s.has_ts);
    assert_true(s.options_truncated);

    /* Timestamps with the wrong length: malformed from there on. */
    static const uint8_t badlen[12] = {1, 1, 8, 9, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0};
    assert_int_equal(dec_data_opts(badlen, sizeof badlen, 0, &s), WS_DECODE_OK);
    assert_false(s.has_ts);
    assert_true(s.options_truncated);

    /* The same first twelve bytes with an MSS after them: all of it is read. */
    static const uint8_t longer[16] = {1, 1, 8, 10, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                       2, 4, 0x05, 0xb4};
    assert_int_equal(dec_data_opts(longer, sizeof longer, 0, &s), WS_DECODE_OK);
    assert_int_equal(s.header_len, 36);
    assert_true(s.has_ts);
    assert_int_equal(s.ts_ecr, 0x55667788u);
    assert_true(s.has_mss);
    assert_int_equal(s.mss, 1460);
    assert_false(s.options_truncated);
}

static void test_tcp_payload_from_ip_length(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;
    struct tcp_spec t = DATA;

    (void)state;
    t.payload = 1400;
    l_eth(&p, 0x0800);
    v4_tcp(&p, &t);
    /* snaplen 96: the headers and a little payload. */
    assert_int_equal(dec_cut(DLT_EN10MB, &p, 96, p.len, &s), WS_DECODE_OK);
    assert_int_equal(s.payload_len, 1400);
    assert_int_equal(s.header_len, 20);

    memset(&p, 0, sizeof p);
    l_sll2(&p, 0x86dd);
    v6_tcp(&p, &t);
    assert_int_equal(dec_cut(DLT_LINUX_SLL2, &p, 20 + 40 + 20, p.len, &s), WS_DECODE_OK);
    assert_int_equal(s.payload_len, 1400);
}

static void test_tcp_bad_data_offset(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;
    struct tcp_spec t = DATA;

    (void)state;
    t.doff_override = 4;
    l_eth(&p, 0x0800);
    v4_tcp(&p, &t);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_BAD_HEADER);

    /* Data offset 15 (60 bytes) in a segment of 20 + 10 bytes. */
    memset(&p, 0, sizeof p);
    t.doff_override = 15;
    t.payload = 10;
    l_eth(&p, 0x0800);
    v4_tcp(&p, &t);
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_BAD_HEADER);

    /* Direct: IP payload too short for any TCP header. */
    assert_int_equal(ws_decode_tcp(p.b + 34, 30, 19, &s), WS_DECODE_BAD_HEADER);
}

static void test_tcp_all_flags(void **state)
{
    static const uint16_t flags[] = {
        WS_TCP_FIN, WS_TCP_SYN, WS_TCP_RST, WS_TCP_PSH, WS_TCP_ACK,
        WS_TCP_URG, WS_TCP_ECE, WS_TCP_CWR, WS_TCP_NS,
    };
    struct ws_segment s;

    (void)state;
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        struct pkt p = {0};
        struct tcp_spec t = DATA;

        t.flags = flags[i];
        l_eth(&p, 0x0800);
        v4_tcp(&p, &t);
        assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
        assert_int_equal(s.flags, flags[i]);
    }

    /* All nine at once, and the three reserved bits never leak in. */
    struct pkt p = {0};
    struct tcp_spec t = DATA;
    t.flags = 0x1ff;
    l_eth(&p, 0x0800);
    v4_tcp(&p, &t);
    p.b[14 + 20 + 12] |= 0x0e;
    assert_int_equal(dec(DLT_EN10MB, &p, &s), WS_DECODE_OK);
    assert_int_equal(s.flags, 0x1ff);
    assert_int_equal(s.header_len, 20);
}

/* ---- names and link types ---------------------------------------------- */

static void test_link_types_and_names(void **state)
{
    struct pkt p = {0};
    struct ws_segment s;

    (void)state;
    v4_tcp(&p, &DATA);
    assert_int_equal(dec(DLT_PPP, &p, &s), WS_DECODE_UNSUPPORTED_LINK);
    assert_int_equal(dec(-1, &p, &s), WS_DECODE_UNSUPPORTED_LINK);
    assert_int_equal(dec(99999, &p, &s), WS_DECODE_UNSUPPORTED_LINK);

    assert_true(ws_decode_link_supported(DLT_EN10MB));
    assert_true(ws_decode_link_supported(DLT_FDDI));
    assert_true(ws_decode_link_supported(DLT_LINUX_SLL));
    assert_true(ws_decode_link_supported(DLT_LINUX_SLL2));
    assert_true(ws_decode_link_supported(DLT_NULL));
    assert_true(ws_decode_link_supported(DLT_LOOP));
    assert_true(ws_decode_link_supported(DLT_RAW));
    assert_true(ws_decode_link_supported(101));
    assert_true(ws_decode_link_supported(DLT_IPV4));
    assert_true(ws_decode_link_supported(DLT_IPV6));
    assert_false(ws_decode_link_supported(DLT_PPP));
    assert_false(ws_decode_link_supported(DLT_IEEE802_11));
    assert_non_null(strstr(ws_decode_supported_links(), "EN10MB"));
    assert_non_null(strstr(ws_decode_supported_links(), "LINUX_SLL2"));
    assert_non_null(strstr(ws_decode_supported_links(), "FDDI"));

    assert_string_equal(ws_decode_result_name(WS_DECODE_OK), "ok");
    assert_string_equal(ws_decode_result_name(WS_DECODE_NOT_TCP), "not_tcp");
    assert_string_equal(ws_decode_result_name(WS_DECODE_TRUNCATED), "truncated");
    assert_string_equal(ws_decode_result_name(WS_DECODE_BAD_HEADER), "bad_header");
    assert_string_equal(ws_decode_result_name(WS_DECODE_FRAGMENT), "fragment");
    assert_string_equal(ws_decode_result_name(WS_DECODE_UNSUPPORTED_LINK), "unsupported_link");
    assert_string_equal(ws_decode_result_name(WS_DECODE_RESULT_COUNT), "unknown");
}

/* ---- robustness -------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64 (Marsaglia 2003): deterministic, so failures reproduce. */
static uint64_t rng(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return x;
}

static uint32_t rng_below(uint32_t n)
{
    return (uint32_t)(rng() % n);
}

/* Prepends the link header for dlt to an IP packet. */
static void wrap_for_link(struct pkt *out, int dlt, const struct pkt *ip)
{
    bool v6 = (ip->b[0] >> 4) == 6;

    uint16_t type = v6 ? 0x86dd : 0x0800;

    memset(out, 0, sizeof *out);
    if (dlt == DLT_EN10MB) {
        /* A random one of the encapsulations, so mutations land in them. */
        switch (rng_below(8)) {
        case 0:
            l_eth(out, 0x88a8);
            l_vlan(out, 1, 0x8100);
            l_vlan(out, 2, type);
            break;
        case 1:
            l_eth(out, 0x8100);
            l_vlan(out, 1, 0x8847);
            l_mpls(out, 16, false);
            l_mpls(out, 17, true);
            break;
        case 2:
            l_eth(out, 0x8847);
            l_mpls(out, 18, true);
            p_be32(out, 0);
            l_eth(out, 0x8100);
            l_vlan(out, 3, type);
            break;
        case 3:
            l_eth(out, 0x8100);
            l_vlan(out, 1, 0x8864);
            l_pppoe(out, v6 ? 0x0057 : 0x0021);
            break;
        case 4:
            l_eth(out, 0x88a8);
            l_vlan(out, 1, 0x88e7);
            l_itag(out, 5, 0x8926);
            p_be32(out, 6);
            p_be16(out, type);
            break;
        case 5:
            l_eth(out, 0x8903);
            p_be16(out, 0x0043);
            l_eth(out, type);
            break;
        case 6:
            l_eth(out, 60);
            l_snap(out, 0, type);
            break;
        default:
            l_eth(out, type);
            break;
        }
    } else if (dlt == DLT_FDDI) {
        l_fddi(out, 0x50);
        l_snap(out, 0, type);
    } else if (dlt == DLT_LINUX_SLL) {
        l_sll(out, type);
    } else if (dlt == DLT_LINUX_SLL2) {
        l_sll2(out, type);
    } else if (dlt == DLT_NULL) {
        p_le32(out, v6 ? 30 : 2);
    } else if (dlt == DLT_LOOP) {
        p_be32(out, v6 ? 24 : 2);
    }
    p_bytes(out, ip->b, ip->len);
}

/* "Interesting" byte values: protocol numbers, version nibbles, lengths,
 * pieces of the encapsulation Ethertypes, SNAP and PPP values. */
static uint8_t mutation_byte(void)
{
    static const uint8_t special[] = {0x00, 0xff, 0x45, 0x4f, 0x60, 0x06, 0x2c, 0x3c,
                                      0x00, 0x33, 0x81, 0x88, 0x08, 0x86, 0xdd, 0xf0,
                                      0x01, 0x02, 0x03, 0x04, 0x0a, 0x50,
                                      0x47, 0x64, 0xe7, 0x89, 0x26, 0xaa, 0x21, 0x57};
    if (rng_below(2))
        return special[rng_below(sizeof special)];
    return (uint8_t)rng();
}

static void check_invariants(enum ws_decode_result r, const struct ws_segment *s)
{
    assert_true((unsigned)r < (unsigned)WS_DECODE_RESULT_COUNT);
    if (r != WS_DECODE_OK)
        return;
    assert_true(s->src.family == 4 || s->src.family == 6);
    assert_int_equal(s->src.family, s->dst.family);
    assert_true(s->header_len >= 20 && s->header_len <= 60);
    assert_int_equal(s->header_len % 4, 0);
    assert_int_equal(s->flags & ~0x1ffu, 0);
    if (s->has_wscale)
        assert_true(s->wscale <= 14);
}

static void test_robustness_random(void **state)
{
    static const int dlts[] = {DLT_EN10MB, DLT_EN10MB, DLT_FDDI, DLT_LINUX_SLL, DLT_LINUX_SLL2,
                               DLT_NULL, DLT_LOOP, DLT_RAW, DLT_IPV4, DLT_IPV6, 12, 14, 101};
    const size_t ndlts = sizeof dlts / sizeof dlts[0];
    struct pkt ips[3] = {{{0}, 0}};
    struct pkt tmpl;
    struct ws_segment s;
    uint32_t ip, counts[WS_DECODE_RESULT_COUNT] = {0};
    const uint32_t iterations = 480000;

    (void)state;
    /* Seeds for mutation: IPv4 with options, IPv6 with a long chain, IPv6
     * fragment plus AH. */
    ip = ip4_begin(&ips[0], 6, 7, 0x4000);
    tcp_add(&ips[0], &SYN);
    ip4_end(&ips[0], ip);
    ip = ip6_begin(&ips[1], 0);
    ip6_ext(&ips[1], 43, 1);
    ip6_ext(&ips[1], 60, 0);
    ip6_ext(&ips[1], 6, 2);
    tcp_add(&ips[1], &SYN);
    ip6_end(&ips[1], ip);
    ip = ip6_begin(&ips[2], 44);
    ip6_frag(&ips[2], 51, 0, true);
    p_u8(&ips[2], 6);
    p_u8(&ips[2], 1);
    p_fill(&ips[2], 10, 0);
    tcp_add(&ips[2], &DATA);
    ip6_end(&ips[2], ip);

    for (uint32_t i = 0; i < iterations; i++) {
        int dlt = dlts[i % ndlts];
        uint32_t caplen, wirelen;
        uint8_t *buf;

        if (rng_below(8) == 0) {
            /* Pure noise. */
            caplen = rng_below(160);
            buf = malloc(caplen ? caplen : 1);
            assert_non_null(buf);
            for (uint32_t k = 0; k < caplen; k++)
                buf[k] = (uint8_t)rng();
        } else {
            /* A valid frame, a few bytes changed, cut at a random point. */
            uint32_t flips = 1 + rng_below(4);

            wrap_for_link(&tmpl, dlt, &ips[rng_below(3)]);
            for (uint32_t k = 0; k < flips; k++)
                tmpl.b[rng_below(tmpl.len)] = mutation_byte();
            caplen = rng_below(tmpl.len + 1);
            buf = malloc(caplen ? caplen : 1);
            assert_non_null(buf);
            memcpy(buf, tmpl.b, caplen);
        }
        switch (rng_below(4)) {
        case 0: wirelen = caplen; break;
        case 1: wirelen = caplen + rng_below(70000); break;
        case 2: wirelen = rng_below(caplen + 1); break;
        default: wirelen = (uint32_t)rng(); break;
        }
        enum ws_decode_result r = ws_decode_frame(dlt, buf, caplen, wirelen, (int64_t)i, &s);
        check_invariants(r, &s);
        counts[r]++;
        free(buf);
    }
    /* The mutations should reach every outcome but UNSUPPORTED_LINK. */
    for (int r = 0; r < WS_DECODE_UNSUPPORTED_LINK; r++) {
        print_message("%-16s %u\n", ws_decode_result_name((enum ws_decode_result)r), counts[r]);
        assert_true(counts[r] > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ethernet_ipv4_syn),
        cmocka_unit_test(test_ethernet_ipv6_data),
        cmocka_unit_test(test_vlan_8021q),
        cmocka_unit_test(test_vlan_qinq),
        cmocka_unit_test(test_vlan_limits),
        cmocka_unit_test(test_ethernet_padding),
        cmocka_unit_test(test_sll),
        cmocka_unit_test(test_sll2),
        cmocka_unit_test(test_null_both_byte_orders),
        cmocka_unit_test(test_loop),
        cmocka_unit_test(test_raw),
        cmocka_unit_test(test_not_tcp),
        cmocka_unit_test(test_mpls),
        cmocka_unit_test(test_mpls_ethernet_pseudowire),
        cmocka_unit_test(test_pppoe),
        cmocka_unit_test(test_pbb),
        cmocka_unit_test(test_vntag),
        cmocka_unit_test(test_fabricpath),
        cmocka_unit_test(test_llc_snap),
        cmocka_unit_test(test_fddi),
        cmocka_unit_test(test_cooked_encapsulations),
        cmocka_unit_test(test_encapsulation_limit),
        cmocka_unit_test(test_ipv4_options),
        cmocka_unit_test(test_ipv4_bad_headers),
        cmocka_unit_test(test_ipv4_fragments),
        cmocka_unit_test(test_ipv4_tso_zero_length),
        cmocka_unit_test(test_ipv6_extension_chain),
        cmocka_unit_test(test_ipv6_other_extensions),
        cmocka_unit_test(test_ipv6_chain_limit),
        cmocka_unit_test(test_ipv6_zero_payload_length),
        cmocka_unit_test(test_tcp_cut_at_14),
        cmocka_unit_test(test_tcp_options_cut),
        cmocka_unit_test(test_tcp_options_malformed),
        cmocka_unit_test(test_tcp_options_timestamps_only),
        cmocka_unit_test(test_tcp_payload_from_ip_length),
        cmocka_unit_test(test_tcp_bad_data_offset),
        cmocka_unit_test(test_tcp_all_flags),
        cmocka_unit_test(test_link_types_and_names),
        cmocka_unit_test(test_robustness_random),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
