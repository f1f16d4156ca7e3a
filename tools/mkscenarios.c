/* mkscenarios.c - writes the deterministic scenario captures used by the
 * end-to-end tests, each with the events wirestate is expected to report.
 *
 *     mkscenarios OUTDIR
 *
 * For every scenario this writes OUTDIR/<name>.pcap (microsecond pcap,
 * written through libpcap's pcap_open_dead() + pcap_dump()) and
 * OUTDIR/<name>.expect.  The packets come from a small builder: endpoints,
 * a "conversation" that tracks each side's sequence numbers so a scenario
 * reads as syn(C), synack(S), ack(C), data(C, 100), fin(C), plus raw()
 * for retransmissions, reordering and forged segments.
 *
 * The expectations are written by hand beside the packets that cause them:
 * tr() is "this endpoint changes state because of the segment just sent",
 * tr_at()/half() are timer events at an explicit deadline.  Nothing here
 * models the tracker; the program only sorts the lines by time (the tool
 * reports in time order) and checks that every timer line has a later
 * packet to make it fire and no packet at exactly its deadline.
 *
 * Output is byte-for-byte deterministic: fixed ISNs, fixed timestamps
 * (starting at 1700000000.000000), no randomness, no clock reads. */
#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define T0_SEC 1700000000ull
#define MS(x) ((uint64_t)(x) * 1000ull)
#define SEC(x) ((uint64_t)(x) * 1000000ull)
#define GAP_US MS(2)          /* default spacing between packets */
#define SNAPLEN 65535

/* TCP flags (header byte 13). */
#define F_FIN 0x01u
#define F_SYN 0x02u
#define F_RST 0x04u
#define F_PSH 0x08u
#define F_ACK 0x10u

/* Sides of a conversation. */
#define C 0                   /* client: the active opener */
#define S 1                   /* server */

enum encap { ENC_ETH, ENC_VLAN, ENC_QINQ, ENC_SLL, ENC_SLL2, ENC_NULL, ENC_LOOP, ENC_RAW };
enum ext { EXT_NONE, EXT_HBH, EXT_DSTOPT };   /* IPv6 extension header before TCP */

struct ep {
    bool v6;
    uint8_t addr[16];
    uint16_t port;
};

struct event {
    uint64_t ts;              /* microseconds since T0 */
    bool timer;               /* fired by a timer, not by a packet */
    char text[160];           /* the line without its timestamp */
};

struct scen {
    char name[64];
    enum encap enc;
    pcap_t *pd;
    pcap_dumper_t *dump;
    FILE *expect;
    uint64_t now;             /* time of the next packet, microseconds since T0 */
    uint64_t last;            /* time of the packet just written */
    bool any;
    uint64_t *pkt_ts;
    size_t npkt, cap_pkt;
    struct event *ev;
    size_t nev, cap_ev;
};

struct side {
    struct ep ep;
    const char *role;
    uint32_t isn;
    uint32_t snd_nxt;         /* next sequence number this side sends */
    uint32_t rcv_nxt;         /* ack number this side sends */
    uint32_t ts_off;          /* TSval = milliseconds + ts_off */
    uint32_t ts_recent;       /* last TSval received: echoed as TSecr */
    uint16_t ip_id;
    enum ext ext;
};

struct conv {
    struct scen *sc;
    struct side s[2];
    bool midstream;
};

/* ------------------------------------------------------------------ */
/* small utilities */

static void die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("mkscenarios: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);

    if (q == NULL)
        die("out of memory");
    return q;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static struct ep ep4(const char *a, uint16_t port)
{
    struct ep e;

    memset(&e, 0, sizeof e);
    if (inet_pton(AF_INET, a, e.addr) != 1)
        die("bad IPv4 address %s", a);
    e.port = port;
    return e;
}

static struct ep ep6(const char *a, uint16_t port)
{
    struct ep e;

    memset(&e, 0, sizeof e);
    if (inet_pton(AF_INET6, a, e.addr) != 1)
        die("bad IPv6 address %s", a);
    e.v6 = true;
    e.port = port;
    return e;
}

static void ep_str(const struct ep *e, char *buf, size_t n)
{
    char a[INET6_ADDRSTRLEN];

    inet_ntop(e->v6 ? AF_INET6 : AF_INET, e->addr, a, sizeof a);
    if (e->v6)
        snprintf(buf, n, "[%s]:%u", a, (unsigned)e->port);
    else
        snprintf(buf, n, "%s:%u", a, (unsigned)e->port);
}

/* Locally administered MAC derived from the address: 02:00:<last 4 bytes>. */
static void mac_of(const struct ep *e, uint8_t mac[6])
{
    const uint8_t *a = e->v6 ? e->addr + 12 : e->addr;

    mac[0] = 0x02;
    mac[1] = 0x00;
    memcpy(mac + 2, a, 4);
}

/* One's-complement sum of n bytes added to acc (RFC 1071). */
static uint32_t csum_add(uint32_t acc, const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i + 1 < n; i += 2)
        acc += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1u)
        acc += (uint32_t)p[n - 1] << 8;
    return acc;
}

static uint16_t csum_fold(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffffu) + (acc >> 16);
    return (uint16_t)~acc;
}

/* Checksum of a TCP or UDP segment including the IPv4/IPv6 pseudo-header. */
static uint16_t l4_csum(const struct ep *src, const struct ep *dst, uint8_t proto,
                        const uint8_t *seg, size_t len)
{
    uint8_t ph[40];
    size_t phl;

    memset(ph, 0, sizeof ph);
    if (src->v6) {
        memcpy(ph, src->addr, 16);
        memcpy(ph + 16, dst->addr, 16);
        put32(ph + 32, (uint32_t)len);
        ph[39] = proto;
        phl = 40;
    } else {
        memcpy(ph, src->addr, 4);
        memcpy(ph + 4, dst->addr, 4);
        ph[9] = proto;
        put16(ph + 10, (uint16_t)len);
        phl = 12;
    }
    return csum_fold(csum_add(csum_add(0, ph, phl), seg, len));
}

/* ------------------------------------------------------------------ */
/* frames */

static int enc_dlt(enum encap e)
{
    switch (e) {
    case ENC_SLL:
        return DLT_LINUX_SLL;
    case ENC_SLL2:
        return DLT_LINUX_SLL2;
    case ENC_NULL:
        return DLT_NULL;
    case ENC_LOOP:
        return DLT_LOOP;
    case ENC_RAW:
        return DLT_RAW;
    default:
        return DLT_EN10MB;
    }
}

/* Writes the link-layer header for an IP packet from src to dst.  The cooked
 * (SLL) headers describe a capture taken on the server host: segments the
 * server sends are "outgoing", everything else arrives "to us". */
static size_t link_hdr(const struct scen *sc, uint8_t *b, const struct ep *src,
                       const struct ep *dst, bool outgoing)
{
    uint16_t etype = src->v6 ? 0x86dd : 0x0800;
    uint8_t smac[6], dmac[6];
    uint32_t af = 2;      /* AF_INET on BSD and Linux alike */
    size_t n = 0;

    mac_of(src, smac);
    mac_of(dst, dmac);
    switch (sc->enc) {
    case ENC_ETH:
    case ENC_VLAN:
    case ENC_QINQ:
        memcpy(b, dmac, 6);
        memcpy(b + 6, smac, 6);
        n = 12;
        if (sc->enc == ENC_QINQ) {
            put16(b + n, 0x88a8);          /* 802.1ad service tag */
            put16(b + n + 2, 200);         /* PCP 0, DEI 0, VID 200 */
            n += 4;
        }
        if (sc->enc != ENC_ETH) {
            put16(b + n, 0x8100);          /* 802.1Q customer tag */
            put16(b + n + 2, 100);         /* VID 100 */
            n += 4;
        }
        put16(b + n, etype);
        return n + 2;
    case ENC_SLL:
        put16(b, outgoing ? 4 : 0);        /* PACKET_OUTGOING / PACKET_HOST */
        put16(b + 2, 1);                   /* ARPHRD_ETHER */
        put16(b + 4, 6);
        memset(b + 6, 0, 8);
        memcpy(b + 6, smac, 6);
        put16(b + 14, etype);
        return 16;
    case ENC_SLL2:
        put16(b, etype);
        put16(b + 2, 0);                   /* reserved */
        put32(b + 4, 2);                   /* interface index */
        put16(b + 8, 1);                   /* ARPHRD_ETHER */
        b[10] = outgoing ? 4 : 0;
        b[11] = 6;
        memset(b + 12, 0, 8);
        memcpy(b + 12, smac, 6);
        return 20;
    case ENC_NULL:
        memcpy(b, &af, 4);                 /* host byte order, as the file header */
        return 4;
    case ENC_LOOP:
        put32(b, af);                      /* network byte order */
        return 4;
    case ENC_RAW:
        return 0;
    }
    return 0;
}

static void emit(struct scen *sc, const uint8_t *frame, size_t len)
{
    struct pcap_pkthdr h;

    if (sc->any && sc->now < sc->last)
        die("%s: time goes backwards", sc->name);
    memset(&h, 0, sizeof h);
    h.ts.tv_sec = (time_t)(T0_SEC + sc->now / 1000000u);
    h.ts.tv_usec = (suseconds_t)(sc->now % 1000000u);
    h.caplen = (bpf_u_int32)len;
    h.len = (bpf_u_int32)len;
    pcap_dump((u_char *)sc->dump, &h, frame);
    if (sc->npkt == sc->cap_pkt) {
        sc->cap_pkt = sc->cap_pkt ? sc->cap_pkt * 2 : 64;
        sc->pkt_ts = xrealloc(sc->pkt_ts, sc->cap_pkt * sizeof *sc->pkt_ts);
    }
    sc->pkt_ts[sc->npkt++] = sc->now;
    sc->last = sc->now;
    sc->any = true;
    sc->now += GAP_US;
}

/* Wraps an L4 segment (checksum already set) in IPv4/IPv6 and the link
 * header, then writes it. */
static void ip_out(struct scen *sc, const struct ep *src, const struct ep *dst, uint8_t proto,
                   enum ext ext, uint16_t ip_id, bool outgoing, const uint8_t *l4, size_t l4len)
{
    uint8_t f[2048];
    size_t n = link_hdr(sc, f, src, dst, outgoing);

    if (src->v6) {
        uint8_t *ip = f + n;
        size_t extlen = ext == EXT_NONE ? 0 : 8;

        memset(ip, 0, 40);
        ip[0] = 0x60;
        put16(ip + 4, (uint16_t)(extlen + l4len));
        ip[6] = ext == EXT_HBH ? 0 : ext == EXT_DSTOPT ? 60 : proto;
        ip[7] = 64;
        memcpy(ip + 8, src->addr, 16);
        memcpy(ip + 24, dst->addr, 16);
        n += 40;
        if (extlen) {
            /* 8-byte options header: next header, length 0, one PadN of 4 */
            uint8_t *x = f + n;

            x[0] = proto;
            x[1] = 0;
            x[2] = 1;
            x[3] = 4;
            memset(x + 4, 0, 4);
            n += 8;
        }
    } else {
        uint8_t *ip = f + n;

        memset(ip, 0, 20);
        ip[0] = 0x45;
        put16(ip + 2, (uint16_t)(20 + l4len));
        put16(ip + 4, ip_id);
        put16(ip + 6, 0x4000);             /* DF */
        ip[8] = 64;
        ip[9] = proto;
        memcpy(ip + 12, src->addr, 4);
        memcpy(ip + 16, dst->addr, 4);
        put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
        n += 20;
    }
    if (n + l4len > sizeof f)
        die("frame too long");
    memcpy(f + n, l4, l4len);
    n += l4len;
    /* A tap on Ethernet sees short frames padded to the 60-byte minimum;
     * the decoder must take the TCP length from the IP header. */
    if ((sc->enc == ENC_ETH || sc->enc == ENC_VLAN || sc->enc == ENC_QINQ) && n < 60) {
        memset(f + n, 0, 60 - n);
        n = 60;
    }
    emit(sc, f, n);
}

/* A UDP datagram (NTP-sized, port 123) that only makes the clock move:
 * timers fire offline only when a later packet passes their deadline. */
static void tick(struct scen *sc, bool v6)
{
    struct ep a = v6 ? ep6("2001:db8::fa", 123) : ep4("192.0.2.250", 123);
    struct ep b = v6 ? ep6("2001:db8::fb", 123) : ep4("192.0.2.251", 123);
    uint8_t u[8 + 48];
    uint16_t ck;

    memset(u, 0, sizeof u);
    put16(u, a.port);
    put16(u + 2, b.port);
    put16(u + 4, sizeof u);
    u[8] = 0x23;                           /* NTPv4, client mode */
    ck = l4_csum(&a, &b, 17, u, sizeof u);
    put16(u + 6, ck ? ck : 0xffff);
    ip_out(sc, &a, &b, 17, EXT_NONE, 0x4242, false, u, sizeof u);
}

/* ------------------------------------------------------------------ */
/* TCP builder */

static void conv_init(struct conv *cv, struct scen *sc, struct ep client, uint32_t cisn,
                      struct ep server, uint32_t sisn)
{
    memset(cv, 0, sizeof *cv);
    cv->sc = sc;
    cv->s[C].ep = client;
    cv->s[C].role = "client";
    cv->s[C].isn = cisn;
    cv->s[S].ep = server;
    cv->s[S].role = "server";
    cv->s[S].isn = sisn;
    for (int i = 0; i < 2; i++) {
        struct side *me = &cv->s[i];

        /* As if the handshake had happened: midstream flows start here. */
        me->snd_nxt = me->isn + 1;
        me->rcv_nxt = cv->s[1 - i].isn + 1;
        me->ts_off = (me->isn >> 7) & 0x3fffffffu;
        me->ip_id = (uint16_t)(me->isn >> 16);
    }
}

/* Deterministic payload: byte at sequence number q is a letter from q, so a
 * retransmission carries the same bytes as the original. */
static void fill_payload(uint8_t *p, uint32_t seq, uint32_t len)
{
    static const char alpha[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    for (uint32_t i = 0; i < len; i++)
        p[i] = (uint8_t)alpha[(seq + i) % 62u];
}

/* Raw segment from side x: exactly these flags, seq, ack and payload length.
 * Updates nothing but the timestamp echo; the callers keep seq/ack. */
static void raw(struct conv *cv, int x, unsigned flags, uint32_t seq, uint32_t ack, uint32_t len)
{
    struct scen *sc = cv->sc;
    struct side *me = &cv->s[x];
    struct side *peer = &cv->s[1 - x];
    uint8_t seg[1600];
    size_t hl;
    uint32_t tsval = (uint32_t)(sc->now / 1000u) + me->ts_off;
    uint16_t win;

    if (len > 1400)
        die("payload too long");
    memset(seg, 0, sizeof seg);
    put16(seg, me->ep.port);
    put16(seg + 2, peer->ep.port);
    put32(seg + 4, seq);
    put32(seg + 8, ack);
    if (flags & F_SYN) {
        /* Linux order: MSS, SACK-permitted, timestamps, NOP, window scale */
        uint8_t *o = seg + 20;

        o[0] = 2;
        o[1] = 4;
        put16(o + 2, me->ep.v6 ? 1440 : 1460);
        o[4] = 4;
        o[5] = 2;
        o[6] = 8;
        o[7] = 10;
        put32(o + 8, tsval);
        put32(o + 12, (flags & F_ACK) ? me->ts_recent : 0);
        o[16] = 1;
        o[17] = 3;
        o[18] = 3;
        o[19] = 7;
        hl = 40;
        win = 64240;
    } else if (flags & F_RST) {
        hl = 20;                           /* resets carry no options */
        win = 0;
    } else {
        uint8_t *o = seg + 20;

        o[0] = 1;
        o[1] = 1;
        o[2] = 8;
        o[3] = 10;
        put32(o + 4, tsval);
        put32(o + 8, me->ts_recent);
        hl = 32;
        win = 502;                         /* x 128 (wscale 7) */
    }
    seg[12] = (uint8_t)((hl / 4) << 4);
    seg[13] = (uint8_t)flags;
    put16(seg + 14, win);
    fill_payload(seg + hl, seq, len);
    put16(seg + 16, l4_csum(&me->ep, &peer->ep, 6, seg, hl + len));
    if (!(flags & F_RST))
        peer->ts_recent = tsval;
    ip_out(sc, &me->ep, &peer->ep, 6, me->ext, me->ip_id++, x == S, seg, hl + len);
}

static void syn(struct conv *cv, int x)
{
    struct side *me = &cv->s[x];

    raw(cv, x, F_SYN, me->isn, 0, 0);
    me->snd_nxt = me->isn + 1;
    cv->s[1 - x].rcv_nxt = me->isn + 1;
}

static void synack(struct conv *cv, int x)
{
    struct side *me = &cv->s[x];

    raw(cv, x, F_SYN | F_ACK, me->isn, me->rcv_nxt, 0);
    me->snd_nxt = me->isn + 1;
    cv->s[1 - x].rcv_nxt = me->isn + 1;
}

static void ack(struct conv *cv, int x)
{
    struct side *me = &cv->s[x];

    raw(cv, x, F_ACK, me->snd_nxt, me->rcv_nxt, 0);
}

static void data(struct conv *cv, int x, uint32_t len)
{
    struct side *me = &cv->s[x];

    raw(cv, x, F_PSH | F_ACK, me->snd_nxt, me->rcv_nxt, len);
    me->snd_nxt += len;
    cv->s[1 - x].rcv_nxt = me->snd_nxt;
}

static void fin(struct conv *cv, int x)
{
    struct side *me = &cv->s[x];

    raw(cv, x, F_FIN | F_ACK, me->snd_nxt, me->rcv_nxt, 0);
    me->snd_nxt += 1;
    cv->s[1 - x].rcv_nxt = me->snd_nxt;
}

/* Reset at the sender's next sequence number; with_ack adds ACK = rcv_nxt
 * (Linux's abortive close), without it the ack field is zero. */
static void rst(struct conv *cv, int x, bool with_ack)
{
    struct side *me = &cv->s[x];

    raw(cv, x, F_RST | (with_ack ? F_ACK : 0u), me->snd_nxt, with_ack ? me->rcv_nxt : 0, 0);
}

/* ------------------------------------------------------------------ */
/* time and expectations */

static void at(struct scen *sc, uint64_t t)
{
    if (sc->any && t < sc->last)
        die("%s: at() goes backwards", sc->name);
    sc->now = t;
}

static void adv(struct scen *sc, uint64_t d)
{
    sc->now += d;
}

static void ev_add(struct scen *sc, uint64_t ts, bool timer, const char *fmt, ...)
{
    va_list ap;
    struct event *e;

    if (sc->nev == sc->cap_ev) {
        sc->cap_ev = sc->cap_ev ? sc->cap_ev * 2 : 32;
        sc->ev = xrealloc(sc->ev, sc->cap_ev * sizeof *sc->ev);
    }
    e = &sc->ev[sc->nev++];
    e->ts = ts;
    e->timer = timer;
    va_start(ap, fmt);
    vsnprintf(e->text, sizeof e->text, fmt, ap);
    va_end(ap);
}

static void tr_common(struct conv *cv, int x, uint64_t ts, bool timer, const char *from,
                      const char *to)
{
    char e[64];

    ep_str(&cv->s[x].ep, e, sizeof e);
    ev_add(cv->sc, ts, timer, "%s %s %s %s%s", e, cv->s[x].role, from, to,
           cv->midstream ? " midstream" : "");
}

/* Side x changes state because of the packet just written. */
static void tr(struct conv *cv, int x, const char *from, const char *to)
{
    tr_common(cv, x, cv->sc->last, false, from, to);
}

/* Side x changes state when a timer fires at ts. */
static void tr_at(struct conv *cv, int x, uint64_t ts, const char *from, const char *to)
{
    tr_common(cv, x, ts, true, from, to);
}

static void half(struct conv *cv, int x, uint64_t ts, const char *state)
{
    char e[64];

    ep_str(&cv->s[x].ep, e, sizeof e);
    ev_add(cv->sc, ts, true, "%s %s half_closed %s", e, cv->s[x].role, state);
}

/* The packet just written is an anomaly sent by side x. */
static void anomaly(struct conv *cv, int x, const char *kind)
{
    char e[64];

    ep_str(&cv->s[x].ep, e, sizeof e);
    ev_add(cv->sc, cv->sc->last, false, "%s %s anomaly %s", e, cv->s[x].role, kind);
}

static void scen_open(struct scen *sc, const char *dir, const char *name, enum encap enc,
                      const char *desc)
{
    char path[4096];

    memset(sc, 0, sizeof *sc);
    snprintf(sc->name, sizeof sc->name, "%s", name);
    sc->enc = enc;
    sc->pd = pcap_open_dead(enc_dlt(enc), SNAPLEN);
    if (sc->pd == NULL)
        die("pcap_open_dead failed");
    snprintf(path, sizeof path, "%s/%s.pcap", dir, name);
    sc->dump = pcap_dump_open(sc->pd, path);
    if (sc->dump == NULL)
        die("%s: %s", path, pcap_geterr(sc->pd));
    snprintf(path, sizeof path, "%s/%s.expect", dir, name);
    sc->expect = fopen(path, "w");
    if (sc->expect == NULL)
        die("%s: %s", path, strerror(errno));
    fprintf(sc->expect, "# %s\n", desc);
}

/* Sorts the expectations by time (stable: same-instant lines keep the order
 * they were written in), checks the timer lines, writes the file. */
static void scen_close(struct scen *sc)
{
    size_t i, j;

    for (i = 1; i < sc->nev; i++) {
        struct event tmp = sc->ev[i];

        for (j = i; j > 0 && sc->ev[j - 1].ts > tmp.ts; j--)
            sc->ev[j] = sc->ev[j - 1];
        sc->ev[j] = tmp;
    }
    for (i = 0; i < sc->nev; i++) {
        const struct event *e = &sc->ev[i];
        bool later = false;

        if (!e->timer)
            continue;
        for (j = 0; j < sc->npkt; j++) {
            if (sc->pkt_ts[j] == e->ts)
                die("%s: a packet sits exactly on the deadline of '%s'", sc->name, e->text);
            if (sc->pkt_ts[j] > e->ts)
                later = true;
        }
        if (!later)
            die("%s: no packet after the deadline of '%s'", sc->name, e->text);
    }
    for (i = 0; i < sc->nev; i++) {
        uint64_t t = sc->ev[i].ts;

        fprintf(sc->expect, "%llu.%06llu %s\n", (unsigned long long)(T0_SEC + t / 1000000u),
                (unsigned long long)(t % 1000000u), sc->ev[i].text);
    }
    if (fclose(sc->expect) != 0)
        die("%s.expect: write error", sc->name);
    pcap_dump_close(sc->dump);
    pcap_close(sc->pd);
    printf("%-20s %4zu packets %3zu events\n", sc->name, sc->npkt, sc->nev);
    free(sc->pkt_ts);
    free(sc->ev);
}

/* ------------------------------------------------------------------ */
/* building blocks with their hand-written transitions */

/* SYN, SYN+ACK, ACK; side x opens actively. */
static void handshake_from(struct conv *cv, int x)
{
    int y = 1 - x;

    syn(cv, x);
    tr(cv, x, "CLOSED", "SYN_SENT");
    synack(cv, y);
    tr(cv, y, "LISTEN", "SYN_RECEIVED");
    tr(cv, x, "SYN_SENT", "ESTABLISHED");
    ack(cv, x);
    tr(cv, y, "SYN_RECEIVED", "ESTABLISHED");
}

static void handshake(struct conv *cv)
{
    handshake_from(cv, C);
}

/* x sends n bytes, the peer answers m bytes (acking them), x acks. */
static void exchange(struct conv *cv, int x, uint32_t n, uint32_t m)
{
    data(cv, x, n);
    data(cv, 1 - x, m);
    ack(cv, x);
}

/* Four-segment close, x first.  Returns when x entered TIME_WAIT. */
static uint64_t close4(struct conv *cv, int x)
{
    int y = 1 - x;
    uint64_t tw;

    fin(cv, x);
    tr(cv, x, "ESTABLISHED", "FIN_WAIT_1");
    tr(cv, y, "ESTABLISHED", "CLOSE_WAIT");
    ack(cv, y);
    tr(cv, x, "FIN_WAIT_1", "FIN_WAIT_2");
    fin(cv, y);
    tr(cv, y, "CLOSE_WAIT", "LAST_ACK");
    tr(cv, x, "FIN_WAIT_2", "TIME_WAIT");
    tw = cv->sc->last;
    ack(cv, x);
    tr(cv, y, "LAST_ACK", "CLOSED");
    return tw;
}

/* 2MSL (60 s by default) after entering TIME_WAIT. */
static void tw_expires(struct conv *cv, int x, uint64_t tw)
{
    tr_at(cv, x, tw + SEC(60), "TIME_WAIT", "CLOSED");
}

/* handshake + one exchange + client close + a tick 70 s later. */
static void simple_life(struct scen *sc, struct conv *cv, bool v6)
{
    uint64_t tw;

    handshake(cv);
    exchange(cv, C, 120, 400);
    tw = close4(cv, C);
    at(sc, tw + SEC(70));
    tick(sc, v6);
    tw_expires(cv, C, tw);
}

/* ------------------------------------------------------------------ */
/* scenarios */

static void sc_handshake(const char *dir)
{
    struct scen sc;
    struct conv cv;

    scen_open(&sc, dir, "handshake", ENC_ETH,
              "three-way handshake and one request/response, no close");
    conv_init(&cv, &sc, ep4("192.0.2.1", 40000), 0x1b2c3d4eu, ep4("198.51.100.1", 80),
              0x5a6b7c8du);
    handshake(&cv);
    exchange(&cv, C, 120, 600);
    scen_close(&sc);
}

static void sc_close_client(const char *dir)
{
    struct scen sc;
    struct conv cv;

    scen_open(&sc, dir, "close-client", ENC_ETH,
              "client closes first (FIN, ACK, FIN, ACK); client TIME_WAIT ends 60 s later");
    conv_init(&cv, &sc, ep4("192.0.2.1", 40001), 0x2c3d4e5fu, ep4("198.51.100.1", 80),
              0x6b7c8d9eu);
    simple_life(&sc, &cv, false);
    scen_close(&sc);
}

static void sc_close_server(const char *dir)
{
    struct scen sc;
    struct conv cv;
    uint64_t tw;

    scen_open(&sc, dir, "close-server", ENC_ETH,
              "server closes first; server TIME_WAIT ends 60 s later; server sequence numbers wrap past 2^32");
    /* The server's ISN sits just below 2^32: its data and FIN wrap to 0. */
    conv_init(&cv, &sc, ep4("192.0.2.1", 40002), 0x3d4e5f60u, ep4("198.51.100.1", 80),
              0xffffff00u);
    handshake(&cv);
    exchange(&cv, C, 120, 600);
    tw = close4(&cv, S);
    at(&sc, tw + SEC(70));
    tick(&sc, false);
    tw_expires(&cv, S, tw);
    scen_close(&sc);
}

static void sc_close_three_way(const char *dir)
{
    struct scen sc;
    struct conv cv;
    uint64_t tw;

    scen_open(&sc, dir, "close-three-way", ENC_ETH,
              "client FIN, server FIN+ACK acking it, client ACK: client goes FIN_WAIT_1 -> TIME_WAIT");
    conv_init(&cv, &sc, ep4("192.0.2.1", 40003), 0x4e5f6071u, ep4("198.51.100.1", 80),
              0x7c8d9eafu);
    handshake(&cv);
    exchange(&cv, C, 120, 400);
    fin(&cv, C);
    tr(&cv, C, "ESTABLISHED", "FIN_WAIT_1");
    tr(&cv, S, "ESTABLISHED", "CLOSE_WAIT");
    fin(&cv, S);                           /* acks the client's FIN */
    tr(&cv, S, "CLOSE_WAIT", "LAST_ACK");
    tr(&cv, C, "FIN_WAIT_1", "TIME_WAIT");
    tw = sc.last;
    ack(&cv, C);
    tr(&cv, S, "LAST_ACK", "CLOSED");
    at(&sc, tw + SEC(70));
    tick(&sc, false);
    tw_expires(&cv, C, tw);
    scen_close(&sc);
}

static void sc_half_close(const char *dir)
{
    struct scen sc;
    struct conv cv;
    uint64_t cw, fw2, tw;

    scen_open(&sc, dir, "half-close", ENC_ETH,
              "client shuts down writing; server streams data for 90 s, then closes; half_closed at +60 s for both");
    conv_init(&cv, &sc, ep4("192.0.2.1", 40004), 0x5f607182u, ep4("198.51.100.1", 8080),
              0x8d9eafb0u);
    handshake(&cv);
    data(&cv, C, 150);
    fin(&cv, C);
    tr(&cv, C, "ESTABLISHED", "FIN_WAIT_1");
    tr(&cv, S, "ESTABLISHED", "CLOSE_WAIT");
    cw = sc.last;
    ack(&cv, S);                           /* acks the request and the FIN */
    tr(&cv, C, "FIN_WAIT_1", "FIN_WAIT_2");
    fw2 = sc.last;
    for (unsigned k = 0; k <= 8; k++) {
        at(&sc, MS(500) + SEC(10 * k));
        data(&cv, S, 1200);                /* to a FIN_WAIT_2 client: no change */
        ack(&cv, C);
    }
    half(&cv, S, cw + SEC(60), "CLOSE_WAIT");
    half(&cv, C, fw2 + SEC(60), "FIN_WAIT_2");
    at(&sc, MS(90500));
    fin(&cv, S);
    tr(&cv, S, "CLOSE_WAIT", "LAST_ACK");
    tr(&cv, C, "FIN_WAIT_2", "TIME_WAIT");
    tw = sc.last;
    ack(&cv, C);
    tr(&cv, S, "LAST_ACK", "CLOSED");
    at(&sc, tw + SEC(70));
    tick(&sc, false);
    tw_expires(&cv, C, tw);
    scen_close(&sc);
}

static void sc_rst_established(const char *dir)
{
    struct scen sc;
    struct conv cv;

    scen_open(&sc, dir, "rst-established", ENC_ETH,
              "client aborts an established connection with RST+ACK: both sides CLOSED");
    conv_init(&cv, &sc, ep4("192.0.2.1", 40005), 0x60718293u, ep4("198.51.100.1", 443),
              0x9eafb0c1u);
    handshake(&cv);
    exchange(&cv, C, 200, 1400);
    adv(&sc, MS(50));
    rst(&cv, C, true);                     /* seq = what the server last acked */
    tr(&cv, C, "ESTABLISHED", "CLOSED");
    tr(&cv, S, "ESTABLISHED", "CLOSED");
    scen_close(&sc);
}

static void sc_rst_states(const char *dir)
{
    struct scen sc;
    struct conv cv;
    struct ep srv = ep4("198.51.100.1", 80);
    uint32_t cf;

    scen_open(&sc, dir, "rst-states", ENC_ETH,
              "six connections, each reset in a different state; the tick shows no timer survives a RST");

    /* 1: server in SYN_RECEIVED; the client answers the SYN+ACK with RST+ACK */
    conv_init(&cv, &sc, ep4("192.0.2.1", 40010), 0x11111111u, srv, 0xa1000000u);
    syn(&cv, C);
    tr(&cv, C, "CLOSED", "SYN_SENT");
    synack(&cv, S);
    tr(&cv, S, "LISTEN", "SYN_RECEIVED");
    tr(&cv, C, "SYN_SENT", "ESTABLISHED");
    rst(&cv, C, true);                     /* seq = client ISN+1, ack = server ISN+1 */
    tr(&cv, C, "ESTABLISHED", "CLOSED");
    tr(&cv, S, "SYN_RECEIVED", "CLOSED");

    /* 2: FIN_WAIT_1 / CLOSE_WAIT: data+FIN arrive, the server app closes
     * with unread data and resets before acking the FIN */
    at(&sc, MS(200));
    conv_init(&cv, &sc, ep4("192.0.2.1", 40011), 0x22222222u, srv, 0xa2000000u);
    handshake(&cv);
    data(&cv, C, 300);
    fin(&cv, C);
    tr(&cv, C, "ESTABLISHED", "FIN_WAIT_1");
    tr(&cv, S, "ESTABLISHED", "CLOSE_WAIT");
    rst(&cv, S, true);                     /* seq = server ISN+1, acks the FIN */
    tr(&cv, S, "CLOSE_WAIT", "CLOSED");
    tr(&cv, C, "FIN_WAIT_1", "CLOSED");

    /* 3: FIN_WAIT_2 / CLOSE_WAIT: the server sends more data to a client
     * that has gone away; the client answers with a bare RST */
    at(&sc, MS(400));
    conv_init(&cv, &sc, ep4("192.0.2.1", 40012), 0x33333333u, srv, 0xa3000000u);
    handshake(&cv);
    exchange(&cv, C, 100, 200);
    fin(&cv, C);
    tr(&cv, C, "ESTABLISHED", "FIN_WAIT_1");
    tr(&cv, S, "ESTABLISHED", "CLOSE_WAIT");
    ack(&cv, S);
    tr(&cv, C, "FIN_WAIT_1", "FIN_WAIT_2");
    data(&cv, S, 100);
    rst(&cv, C, false);                    /* seq = client FIN+1 */
    tr(&cv, C, "FIN_WAIT_2", "CLOSED");
    tr(&cv, S, "CLOSE_WAIT", "CLOSED");

    /* 4: LAST_ACK: the server's FIN reaches a client whose socket is gone;
     * the client (TIME_WAIT by the rules) resets */
    at(&sc, MS(600));
    conv_init(&cv, &sc, ep4("192.0.2.1", 40013), 0x44444444u, srv, 0xa4000000u);
    handshake(&cv);
    exchange(&cv, C, 100, 200);
    fin(&cv, C);
    tr(&cv, C, "ESTABLISHED", "FIN_WAIT_1");
    tr(&cv, S, "ESTABLISHED", "CLOSE_WAIT");
    ack(&cv, S);
    tr(&cv, C, "FIN_WAIT_1", "FIN_WAIT_2");
    fin(&cv, S);
    tr(&cv, S, "CLOSE_WAIT", "LAST_ACK");
    tr(&cv, C, "FIN_WAIT_2", "TIME_WAIT");
    rst(&cv, C, false);                    /* seq = client FIN+1 = the FIN's ack */
    tr(&cv, C, "TIME_WAIT", "CLOSED");
    tr(&cv, S, "LAST_ACK", "CLOSED");

    /* 5: CLOSING: FINs cross (neither acks the other), then the client resets */
    at(&sc, MS(800));
    conv_init(&cv, &sc, ep4("192.0.2.1", 40014), 0x55555555u, srv, 0xa5000000u);
    handshake(&cv);
    fin(&cv, C);
    tr(&cv, C, "ESTABLISHED", "FIN_WAIT_1");
    tr(&cv, S, "ESTABLISHED", "CLOSE_WAIT");
    cf = cv.s[C].snd_nxt - 1;
    raw(&cv, S, F_FIN | F_ACK, cv.s[S].snd_nxt, cf, 0);    /* does not ack the client's FIN */
    cv.s[S].snd_nxt++;
    cv.s[C].rcv_nxt = cv.s[S].snd_nxt;
    tr(&cv, S, "CLOSE_WAIT", "CLOSING");
    tr(&cv, C, "FIN_WAIT_1", "CLOSING");
    rst(&cv, C, true);                     /* seq = client FIN+1 */
    tr(&cv, C, "CLOSING", "CLOSED");
    tr(&cv, S, "CLOSING", "CLOSED");

    /* 6: TIME_WAIT (RFC 1337 assassination): after a clean close an old
     * duplicate from the server reaches the TIME_WAIT client, which acks
     * it; the closed server answers that ACK with a RST */
    at(&sc, MS(1000));
    conv_init(&cv, &sc, ep4("192.0.2.1", 40015), 0x66666666u, srv, 0xa6000000u);
    handshake(&cv);
    data(&cv, C, 100);
    data(&cv, S, 200);                     /* seq server ISN+1: duplicated below */
    ack(&cv, C);
    close4(&cv, C);
    adv(&sc, MS(100));
    raw(&cv, S, F_PSH | F_ACK, cv.s[S].isn + 1, cv.s[C].isn + 101, 200);
    ack(&cv, C);
    rst(&cv, S, false);                    /* seq = server FIN+1 */
    tr(&cv, C, "TIME_WAIT", "CLOSED");     /* the server is CLOSED already: nothing for it */

    at(&sc, SEC(75));
    tick(&sc, false);
    scen_close(&sc);
}

static void sc_rst_out_of_window(const char *dir)
{
    struct scen sc;
    struct conv cv;
    uint64_t tw;

    scen_open(&sc, dir, "rst-out-of-window", ENC_ETH,
              "two forged RSTs with sequence numbers far outside the window: anomalies, the connection carries on and closes normally");
    conv_init(&cv, &sc, ep4("192.0.2.1", 40020), 0x718293a4u, ep4("198.51.100.1", 443),
              0xafb0c1d2u);
    handshake(&cv);
    exchange(&cv, C, 200, 1000);
    adv(&sc, MS(20));
    raw(&cv, C, F_RST, cv.s[C].snd_nxt + 1000000u, 0, 0);           /* far ahead */
    anomaly(&cv, C, "rst_out_of_window");
    raw(&cv, S, F_RST | F_ACK, cv.s[S].snd_nxt - 70000u, cv.s[S].rcv_nxt, 0);  /* far behind */
    anomaly(&cv, S, "rst_out_of_window");
    adv(&sc, MS(20));
    exchange(&cv, C, 150, 800);
    tw = close4(&cv, C);
    at(&sc, tw + SEC(70));
    tick(&sc, false);
    tw_expires(&cv, C, tw);
    scen_close(&sc);
}

static void sc_refused(const char *dir)
{
    struct scen sc;
    struct conv cv;

    scen_open(&sc, dir, "refused", ENC_ETH,
              "SYN to a closed port answered by RST+ACK: the server port is known CLOSED (nothing listens), client SYN_SENT -> CLOSED");
    conv_init(&cv, &sc, ep4("192.0.2.1", 40030), 0x8293a4b5u, ep4("198.51.100.1", 5432), 0);
    syn(&cv, C);
    tr(&cv, C, "CLOSED", "SYN_SENT");
    raw(&cv, S, F_RST | F_ACK, 0, cv.s[C].isn + 1, 0);
    tr(&cv, S, "UNKNOWN", "CLOSED");
    tr(&cv, C, "SYN_SENT", "CLOSED");
    scen_close(&sc);
}

static void sc_silent_host(const char *dir)
{
    struct scen sc;
    struct conv cv;
    static const unsigned when[] = { 0, 1, 3, 7, 15 };

    scen_open(&sc, dir, "silent-host", ENC_ETH,
              "SYN retransmitted at +1/+3/+7/+15 s, never answered; SYN_SENT -> CLOSED 64 s after the last one");
    conv_init(&cv, &sc, ep4("192.0.2.1", 40040), 0x93a4b5c6u, ep4("198.51.100.77", 443), 0);
    for (size_t i = 0; i < sizeof when / sizeof when[0]; i++) {
        at(&sc, SEC(when[i]));
        syn(&cv, C);                       /* same ISN every time */
        if (i == 0)
            tr(&cv, C, "CLOSED", "SYN_SENT");
    }
    tr_at(&cv, C, sc.last + SEC(64), "SYN_SENT", "CLOSED");
    at(&sc, SEC(80));
    tick(&sc, false);
    scen_close(&sc);
}

static void sc_simultaneous_open(const char *dir)
{
    struct scen sc;
    struct conv cv;

    scen_open(&sc, dir, "simultaneous-open", ENC_ETH,
              "both ends send a bare SYN, then each a SYN+ACK (RFC 9293 figure 7); the first SYN's sender is the client");
    conv_init(&cv, &sc, ep4("192.0.2.1", 40050), 0xa4b5c6d7u, ep4("198.51.100.1", 40060),
              0xb5c6d7e8u);
    syn(&cv, C);
    tr(&cv, C, "CLOSED", "SYN_SENT");
    adv(&sc, MS(1));
    syn(&cv, S);
    tr(&cv, S, "CLOSED", "SYN_SENT");
    tr(&cv, S, "SYN_SENT", "SYN_RECEIVED");
    tr(&cv, C, "SYN_SENT", "SYN_RECEIVED");
    synack(&cv, C);
    tr(&cv, S, "SYN_RECEIVED", "ESTABLISHED");
    synack(&cv, S);
    tr(&cv, C, "SYN_RECEIVED", "ESTABLISHED");
    exchange(&cv, C, 64, 64);
    scen_close(&sc);
}

static void sc_simultaneous_close(const char *dir)
{
    struct scen sc;
    struct conv cv;
    uint32_t cf;
    uint64_t tws, twc;

    scen_open(&sc, dir, "simultaneous-close", ENC_ETH,
              "FINs cross without acking each other: CLOSING on both sides, each ACK moves the other to TIME_WAIT");
    conv_init(&cv, &sc, ep4("192.0.2.1", 40070), 0xb5c6d7e9u, ep4("198.51.100.1", 80),
              0xc6d7e8f9u);
    handshake(&cv);
    exchange(&cv, C, 120, 400);
    fin(&cv, C);
    tr(&cv, C, "ESTABLISHED", "FIN_WAIT_1");
    tr(&cv, S, "ESTABLISHED", "CLOSE_WAIT");
    cf = cv.s[C].snd_nxt - 1;
    at(&sc, sc.last + MS(1));              /* sent before the client's FIN arrived */
    raw(&cv, S, F_FIN | F_ACK, cv.s[S].snd_nxt, cf, 0);
    cv.s[S].snd_nxt++;
    cv.s[C].rcv_nxt = cv.s[S].snd_nxt;
    tr(&cv, S, "CLOSE_WAIT", "CLOSING");
    tr(&cv, C, "FIN_WAIT_1", "CLOSING");
    ack(&cv, C);                           /* acks the server's FIN */
    tr(&cv, S, "CLOSING", "TIME_WAIT");
    tws = sc.last;
    ack(&cv, S);                           /* acks the client's FIN */
    tr(&cv, C, "CLOSING", "TIME_WAIT");
    twc = sc.last;
    at(&sc, twc + SEC(70));
    tick(&sc, false);
    tw_expires(&cv, S, tws);
    tw_expires(&cv, C, twc);
    scen_close(&sc);
}

static void sc_final_ack_lost(const char *dir)
{
    struct scen sc;
    struct conv cv;
    uint64_t t_synack;

    scen_open(&sc, dir, "final-ack-lost", ENC_ETH,
              "handshake ACK lost after the tap: the server retransmits SYN+ACK 1 s later (ESTABLISHED -> SYN_RECEIVED), the new ACK re-establishes it");
    conv_init(&cv, &sc, ep4("192.0.2.1", 40080), 0xc6d7e8fau, ep4("198.51.100.1", 443),
              0xd7e8f90au);
    handshake(&cv);
    t_synack = sc.pkt_ts[1];
    at(&sc, t_synack + SEC(1));
    synack(&cv, S);                        /* same ISN */
    tr(&cv, S, "ESTABLISHED", "SYN_RECEIVED");
    ack(&cv, C);
    tr(&cv, S, "SYN_RECEIVED", "ESTABLISHED");
    exchange(&cv, C, 100, 400);
    scen_close(&sc);
}

static void sc_synack_lost(const char *dir)
{
    struct scen sc;
    struct conv cv;

    scen_open(&sc, dir, "synack-lost", ENC_ETH,
              "SYN+ACK lost after the tap: the client retransmits its SYN (ESTABLISHED -> SYN_SENT), the retransmitted SYN+ACK re-establishes it");
    conv_init(&cv, &sc, ep4("192.0.2.1", 40090), 0xd7e8f90bu, ep4("198.51.100.1", 443),
              0xe8f90a1bu);
    syn(&cv, C);
    tr(&cv, C, "CLOSED", "SYN_SENT");
    synack(&cv, S);
    tr(&cv, S, "LISTEN", "SYN_RECEIVED");
    tr(&cv, C, "SYN_SENT", "ESTABLISHED");
    at(&sc, SEC(1));
    syn(&cv, C);                           /* same ISN */
    tr(&cv, C, "ESTABLISHED", "SYN_SENT");
    synack(&cv, S);                        /* same ISN; the server stays SYN_RECEIVED */
    tr(&cv, C, "SYN_SENT", "ESTABLISHED");
    ack(&cv, C);
    tr(&cv, S, "SYN_RECEIVED", "ESTABLISHED");
    exchange(&cv, C, 100, 400);
    scen_close(&sc);
}

static void sc_retransmission(const char *dir)
{
    struct scen sc;
    struct conv cv;
    uint64_t fin_rtx;

    scen_open(&sc, dir, "retransmission", ENC_ETH,
              "retransmitted SYN, data and FINs from both sides: no transition repeats; the FIN to TIME_WAIT restarts 2MSL");
    conv_init(&cv, &sc, ep4("192.0.2.1", 40100), 0xe8f90a1cu, ep4("198.51.100.1", 80),
              0xf90a1b2cu);
    syn(&cv, C);
    tr(&cv, C, "CLOSED", "SYN_SENT");
    at(&sc, SEC(1));
    syn(&cv, C);                           /* retransmitted SYN, same ISN */
    synack(&cv, S);
    tr(&cv, S, "LISTEN", "SYN_RECEIVED");
    tr(&cv, C, "SYN_SENT", "ESTABLISHED");
    ack(&cv, C);
    tr(&cv, S, "SYN_RECEIVED", "ESTABLISHED");
    data(&cv, C, 100);
    adv(&sc, MS(200));
    raw(&cv, C, F_PSH | F_ACK, cv.s[C].snd_nxt - 100, cv.s[C].rcv_nxt, 100);
    ack(&cv, S);
    data(&cv, S, 500);
    adv(&sc, MS(200));
    raw(&cv, S, F_PSH | F_ACK, cv.s[S].snd_nxt - 500, cv.s[S].rcv_nxt, 500);
    ack(&cv, C);
    adv(&sc, MS(10));
    fin(&cv, C);
    tr(&cv, C, "ESTABLISHED", "FIN_WAIT_1");
    tr(&cv, S, "ESTABLISHED", "CLOSE_WAIT");
    adv(&sc, MS(200));
    raw(&cv, C, F_FIN | F_ACK, cv.s[C].snd_nxt - 1, cv.s[C].rcv_nxt, 0);   /* FIN again */
    ack(&cv, S);
    tr(&cv, C, "FIN_WAIT_1", "FIN_WAIT_2");
    adv(&sc, MS(5));
    fin(&cv, S);
    tr(&cv, S, "CLOSE_WAIT", "LAST_ACK");
    tr(&cv, C, "FIN_WAIT_2", "TIME_WAIT");
    /* the client's ACK is lost before the tap: the server retransmits */
    adv(&sc, MS(200));
    raw(&cv, S, F_FIN | F_ACK, cv.s[S].snd_nxt - 1, cv.s[S].rcv_nxt, 0);
    fin_rtx = sc.last;                     /* restarts the client's 2MSL timer */
    ack(&cv, C);
    tr(&cv, S, "LAST_ACK", "CLOSED");
    at(&sc, fin_rtx + SEC(70));
    tick(&sc, false);
    tw_expires(&cv, C, fin_rtx);
    scen_close(&sc);
}

static void sc_out_of_order(const char *dir)
{
    struct scen sc;
    struct conv cv;
    uint32_t base;
    uint64_t tw;

    scen_open(&sc, dir, "out-of-order", ENC_ETH,
              "two data segments swapped, then the client FIN overtakes the last data segment; states follow the FIN as seen");
    conv_init(&cv, &sc, ep4("192.0.2.1", 40110), 0x0a1b2c3du, ep4("198.51.100.1", 80),
              0x1b2c3d4fu);
    handshake(&cv);
    base = cv.s[C].snd_nxt;
    raw(&cv, C, F_PSH | F_ACK, base + 100, cv.s[C].rcv_nxt, 100);   /* second segment first */
    raw(&cv, C, F_PSH | F_ACK, base, cv.s[C].rcv_nxt, 100);
    cv.s[C].snd_nxt = base + 200;
    cv.s[S].rcv_nxt = base + 200;
    ack(&cv, S);
    data(&cv, S, 300);
    ack(&cv, C);
    adv(&sc, MS(10));
    /* data [base+200, base+300) and the FIN at base+300: the FIN is seen first */
    raw(&cv, C, F_FIN | F_ACK, base + 300, cv.s[C].rcv_nxt, 0);
    tr(&cv, C, "ESTABLISHED", "FIN_WAIT_1");
    tr(&cv, S, "ESTABLISHED", "CLOSE_WAIT");
    ack(&cv, S);                           /* duplicate ACK for base+200: does not ack the FIN */
    raw(&cv, C, F_PSH | F_ACK, base + 200, cv.s[C].rcv_nxt, 100);
    cv.s[C].snd_nxt = base + 301;
    cv.s[S].rcv_nxt = base + 301;
    ack(&cv, S);
    tr(&cv, C, "FIN_WAIT_1", "FIN_WAIT_2");
    fin(&cv, S);
    tr(&cv, S, "CLOSE_WAIT", "LAST_ACK");
    tr(&cv, C, "FIN_WAIT_2", "TIME_WAIT");
    tw = sc.last;
    ack(&cv, C);
    tr(&cv, S, "LAST_ACK", "CLOSED");
    at(&sc, tw + SEC(70));
    tick(&sc, false);
    tw_expires(&cv, C, tw);
    scen_close(&sc);
}

static void sc_midstream(const char *dir)
{
    struct scen sc;
    struct conv f1, f2, f3, f4, f5;
    uint64_t tw1, tw2;

    scen_open(&sc, dir, "midstream", ENC_ETH,
              "capture joins running connections: first segments data, FIN, SYN+ACK, RST (no flow), data from a port-5432 server");
    conv_init(&f1, &sc, ep4("192.0.2.1", 40120), 0x2c3d4e5au, ep4("198.51.100.1", 443),
              0x3d4e5f6au);
    conv_init(&f2, &sc, ep4("192.0.2.2", 40121), 0x4e5f607au, ep4("198.51.100.2", 80),
              0x5f60718au);
    conv_init(&f3, &sc, ep4("192.0.2.3", 40122), 0x6071829au, ep4("198.51.100.3", 8080),
              0x718293aau);
    conv_init(&f4, &sc, ep4("192.0.2.4", 40123), 0x8293a4bau, ep4("198.51.100.4", 443),
              0x93a4b5cau);
    conv_init(&f5, &sc, ep4("192.0.2.5", 40125), 0xa4b5c6dau, ep4("198.51.100.5", 5432),
              0xb5c6d7eau);
    f1.midstream = f2.midstream = f3.midstream = f4.midstream = f5.midstream = true;

    /* f1: first segment is server data */
    data(&f1, S, 1000);
    tr(&f1, S, "UNKNOWN", "ESTABLISHED");
    tr(&f1, C, "UNKNOWN", "ESTABLISHED");
    /* f2: first segment is the client's FIN */
    fin(&f2, C);
    tr(&f2, C, "UNKNOWN", "FIN_WAIT_1");
    tr(&f2, S, "UNKNOWN", "CLOSE_WAIT");
    ack(&f1, C);
    ack(&f2, S);
    tr(&f2, C, "FIN_WAIT_1", "FIN_WAIT_2");
    fin(&f2, S);
    tr(&f2, S, "CLOSE_WAIT", "LAST_ACK");
    tr(&f2, C, "FIN_WAIT_2", "TIME_WAIT");
    tw2 = sc.last;
    ack(&f2, C);
    tr(&f2, S, "LAST_ACK", "CLOSED");
    /* f3: first segment is a SYN+ACK (the SYN was before the capture) */
    synack(&f3, S);
    tr(&f3, S, "LISTEN", "SYN_RECEIVED");
    tr(&f3, C, "SYN_SENT", "ESTABLISHED");
    ack(&f3, C);
    tr(&f3, S, "SYN_RECEIVED", "ESTABLISHED");
    exchange(&f3, C, 200, 300);
    /* f4: first segment is a RST: no flow at all */
    rst(&f4, S, true);
    /* f5: both ports >= 1024, the lower one (5432) is the server; it sends first */
    data(&f5, S, 500);
    tr(&f5, S, "UNKNOWN", "ESTABLISHED");
    tr(&f5, C, "UNKNOWN", "ESTABLISHED");
    ack(&f5, C);
    /* f1 goes on and closes (server FIN acks the client's FIN) */
    exchange(&f1, C, 100, 700);
    fin(&f1, C);
    tr(&f1, C, "ESTABLISHED", "FIN_WAIT_1");
    tr(&f1, S, "ESTABLISHED", "CLOSE_WAIT");
    fin(&f1, S);
    tr(&f1, S, "CLOSE_WAIT", "LAST_ACK");
    tr(&f1, C, "FIN_WAIT_1", "TIME_WAIT");
    tw1 = sc.last;
    ack(&f1, C);
    tr(&f1, S, "LAST_ACK", "CLOSED");
    at(&sc, tw1 + SEC(70));
    tick(&sc, false);
    tw_expires(&f2, C, tw2);
    tw_expires(&f1, C, tw1);
    scen_close(&sc);
}

static void sc_reuse_time_wait(const char *dir)
{
    struct scen sc;
    struct conv a, b;
    uint64_t tw;

    scen_open(&sc, dir, "reuse-time-wait", ENC_ETH,
              "a new SYN (higher ISN) on a 4-tuple in TIME_WAIT: the old TIME_WAIT side is reported CLOSED, the new connection handshakes");
    /* a: the client holds TIME_WAIT */
    conv_init(&a, &sc, ep4("192.0.2.1", 40130), 0x0c1d2e3fu, ep4("198.51.100.1", 80),
              0x1d2e3f40u);
    handshake(&a);
    exchange(&a, C, 120, 400);
    tw = close4(&a, C);
    at(&sc, tw + SEC(5));
    a.s[C].isn += 0x00200000u;
    a.s[S].isn = 0x7e8f9001u;
    syn(&a, C);
    tr(&a, C, "TIME_WAIT", "CLOSED");
    tr(&a, C, "CLOSED", "SYN_SENT");
    synack(&a, S);
    tr(&a, S, "LISTEN", "SYN_RECEIVED");
    tr(&a, C, "SYN_SENT", "ESTABLISHED");
    ack(&a, C);
    tr(&a, S, "SYN_RECEIVED", "ESTABLISHED");
    exchange(&a, C, 120, 400);

    /* b: the server closed first and holds TIME_WAIT */
    at(&sc, SEC(6));
    conv_init(&b, &sc, ep4("192.0.2.1", 40131), 0x2e3f4051u, ep4("198.51.100.1", 80),
              0x3f405162u);
    handshake(&b);
    exchange(&b, C, 120, 400);
    tw = close4(&b, S);
    at(&sc, tw + SEC(5));
    b.s[C].isn += 0x00200000u;
    b.s[S].isn = 0x8f900112u;
    syn(&b, C);
    tr(&b, S, "TIME_WAIT", "CLOSED");
    tr(&b, C, "CLOSED", "SYN_SENT");
    synack(&b, S);
    tr(&b, S, "LISTEN", "SYN_RECEIVED");
    tr(&b, C, "SYN_SENT", "ESTABLISHED");
    ack(&b, C);
    tr(&b, S, "SYN_RECEIVED", "ESTABLISHED");
    exchange(&b, C, 120, 400);

    /* past both old 2MSL deadlines: nothing may fire */
    at(&sc, SEC(90));
    tick(&sc, false);
    scen_close(&sc);
}

static void sc_ipv6(const char *dir)
{
    struct scen sc;
    struct conv cv;

    scen_open(&sc, dir, "ipv6", ENC_ETH,
              "handshake, data and client close over IPv6; client packets carry a hop-by-hop header, server packets a destination-options header");
    conv_init(&cv, &sc, ep6("2001:db8::1", 40140), 0x4051627au, ep6("2001:db8::2", 443),
              0x5162738au);
    cv.s[C].ext = EXT_HBH;
    cv.s[S].ext = EXT_DSTOPT;
    simple_life(&sc, &cv, true);
    scen_close(&sc);
}

static void sc_link(const char *dir, const char *name, enum encap enc, uint16_t port,
                    const char *desc)
{
    struct scen sc;
    struct conv cv;

    scen_open(&sc, dir, name, enc, desc);
    conv_init(&cv, &sc, ep4("192.0.2.1", port), 0x60000000u + port, ep4("198.51.100.1", 443),
              0x70000000u + port);
    simple_life(&sc, &cv, false);
    scen_close(&sc);
}

/* closewait-leak: the README demo. */
static void leak(struct scen *sc, struct conv *cv, uint64_t t)
{
    uint64_t cw, fw2;

    at(sc, t);
    handshake(cv);
    exchange(cv, C, 180, 900);
    fin(cv, C);
    tr(cv, C, "ESTABLISHED", "FIN_WAIT_1");
    tr(cv, S, "ESTABLISHED", "CLOSE_WAIT");
    cw = sc->last;
    ack(cv, S);                            /* ...and the server never sends its FIN */
    tr(cv, C, "FIN_WAIT_1", "FIN_WAIT_2");
    fw2 = sc->last;
    half(cv, S, cw + SEC(60), "CLOSE_WAIT");
    half(cv, C, fw2 + SEC(60), "FIN_WAIT_2");
}

/* A short healthy connection; x closes first.  Its TIME_WAIT expiry is
 * expected only when later traffic passes it. */
static void healthy(struct scen *sc, struct conv *cv, uint64_t t, int x, bool expires)
{
    uint64_t tw;

    at(sc, t);
    handshake(cv);
    exchange(cv, C, 180, 900);
    tw = close4(cv, x);
    if (expires)
        tw_expires(cv, x, tw);
}

static void sc_closewait_leak(const char *dir)
{
    struct scen sc;
    struct conv c1, c2, c3, c4, c5, c6, c7, c8, c9;
    struct ep srv = ep4("192.0.2.10", 8080);
    static const unsigned keepalive[] = { 25, 40, 55, 70, 85, 100, 115, 130, 145, 160, 175 };
    size_t k = 0;

    scen_open(&sc, dir, "closewait-leak", ENC_ETH,
              "server 192.0.2.10:8080 over 3 minutes: clean connections, one keep-alive, three clients whose FIN the server acks but never answers (CLOSE_WAIT leak)");
    conv_init(&c1, &sc, ep4("198.51.100.20", 40200), 0x01a2b3c4u, srv, 0xc1000000u);
    conv_init(&c2, &sc, ep4("198.51.100.20", 40201), 0x02a2b3c4u, srv, 0xc2000000u);
    conv_init(&c3, &sc, ep4("198.51.100.21", 40300), 0x03a2b3c4u, srv, 0xc3000000u);
    conv_init(&c4, &sc, ep4("198.51.100.20", 40202), 0x04a2b3c4u, srv, 0xc4000000u);
    conv_init(&c5, &sc, ep4("198.51.100.22", 40400), 0x05a2b3c4u, srv, 0xc5000000u);
    conv_init(&c6, &sc, ep4("198.51.100.20", 40203), 0x06a2b3c4u, srv, 0xc6000000u);
    conv_init(&c7, &sc, ep4("198.51.100.20", 40204), 0x07a2b3c4u, srv, 0xc7000000u);
    conv_init(&c8, &sc, ep4("198.51.100.22", 40401), 0x08a2b3c4u, srv, 0xc8000000u);
    conv_init(&c9, &sc, ep4("198.51.100.20", 40205), 0x09a2b3c4u, srv, 0xc9000000u);

    healthy(&sc, &c1, SEC(0), C, true);    /* TIME_WAIT ends 60.016, seen at 62 */
    leak(&sc, &c2, SEC(5));                /* half_closed at 65.012 / 65.014 */
    at(&sc, SEC(10));                      /* c3: keep-alive, a request every 15 s */
    handshake(&c3);
    exchange(&c3, C, 180, 900);
    healthy(&sc, &c4, SEC(20), S, true);   /* server TIME_WAIT ends 80.016 */
    for (; keepalive[k] < 45; k++) {
        at(&sc, SEC(keepalive[k]));
        exchange(&c3, C, 180, 900);
    }
    leak(&sc, &c5, SEC(45));               /* half_closed at 105.012 / 105.014 */
    for (; keepalive[k] < 62; k++) {
        at(&sc, SEC(keepalive[k]));
        exchange(&c3, C, 180, 900);
    }
    healthy(&sc, &c6, SEC(62), C, true);   /* ends 122.016 */
    for (; keepalive[k] < 95; k++) {
        at(&sc, SEC(keepalive[k]));
        exchange(&c3, C, 180, 900);
    }
    leak(&sc, &c7, SEC(95));               /* half_closed at 155.012 / 155.014 */
    for (; keepalive[k] < 110; k++) {
        at(&sc, SEC(keepalive[k]));
        exchange(&c3, C, 180, 900);
    }
    healthy(&sc, &c8, SEC(110), C, true);  /* ends 170.016 */
    for (; keepalive[k] < 150; k++) {
        at(&sc, SEC(keepalive[k]));
        exchange(&c3, C, 180, 900);
    }
    healthy(&sc, &c9, SEC(150), S, false); /* would end 210.016: after the last packet */
    for (; k < sizeof keepalive / sizeof keepalive[0]; k++) {
        at(&sc, SEC(keepalive[k]));
        exchange(&c3, C, 180, 900);
    }
    at(&sc, SEC(178));
    close4(&c3, C);                        /* TIME_WAIT until 238: never fires */
    scen_close(&sc);
}

int main(int argc, char **argv)
{
    const char *dir;

    if (argc != 2) {
        fprintf(stderr, "usage: mkscenarios OUTDIR\n");
        return 2;
    }
    dir = argv[1];
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die("%s: %s", dir, strerror(errno));

    sc_handshake(dir);
    sc_close_client(dir);
    sc_close_server(dir);
    sc_close_three_way(dir);
    sc_half_close(dir);
    sc_rst_established(dir);
    sc_rst_states(dir);
    sc_rst_out_of_window(dir);
    sc_refused(dir);
    sc_silent_host(dir);
    sc_simultaneous_open(dir);
    sc_simultaneous_close(dir);
    sc_final_ack_lost(dir);
    sc_synack_lost(dir);
    sc_retransmission(dir);
    sc_out_of_order(dir);
    sc_midstream(dir);
    sc_reuse_time_wait(dir);
    sc_ipv6(dir);
    sc_link(dir, "vlan", ENC_VLAN, 40160, "handshake and client close inside an 802.1Q tag (VID 100)");
    sc_link(dir, "qinq", ENC_QINQ, 40161,
            "handshake and client close inside QinQ (802.1ad 0x88a8 VID 200 + 802.1Q VID 100)");
    sc_link(dir, "sll", ENC_SLL, 40162, "handshake and client close, Linux cooked capture v1 (DLT_LINUX_SLL)");
    sc_link(dir, "sll2", ENC_SLL2, 40163, "handshake and client close, Linux cooked capture v2 (DLT_LINUX_SLL2)");
    sc_link(dir, "null", ENC_NULL, 40164, "handshake and client close, BSD loopback DLT_NULL (host-order AF_INET)");
    sc_link(dir, "loop", ENC_LOOP, 40165, "handshake and client close, OpenBSD loopback DLT_LOOP (network-order AF_INET)");
    sc_link(dir, "raw", ENC_RAW, 40166, "handshake and client close, raw IPv4 (DLT_RAW)");
    sc_closewait_leak(dir);
    return 0;
}
