/* gencap.c - deterministic benchmark captures for wirestate, with the final
 * endpoint states they must produce.
 *
 *   gencap --out FILE [--expect FILE] [--expect-endpoints FILE] [--seed S]
 *          [--connections N] [--concurrent K] [--packets P] [--no-close]
 *   gencap --out FILE --syn-flood N [--rate PPS] [--seed S] [--expect FILE]
 *
 * Conversations: K slots each run one connection at a time, back to back,
 * until N connections have started; all slots' packets are merged in time
 * order.  Each connection is a real TCP exchange with consistent seq/ack:
 * handshake (sometimes with a retransmitted SYN), request/response rounds with
 * ACK clocking and delayed ACKs, then one of the ways TCP ends: client or
 * server FIN first (4 segments), FIN+ACK three-way, simultaneous close,
 * abortive RST from either side, RST answering a FIN, half-close left open
 * (CLOSE_WAIT / FIN_WAIT_2 at the end), plus unanswered SYNs (with Linux's
 * retransmission schedule) and refused SYNs (RST+ACK).  10% IPv6, 1% 802.1Q.
 * --no-close: every connection is established and never closes.
 * --syn-flood: N SYNs from distinct spoofed sources to one server, no answers.
 * --packets P sets the mean amount of data per connection so that the
 * capture holds about P packets (default 9.9 per connection).
 *
 * The capture stops at the end of the second in which the last of the N
 * connections sent its first packet: connections still running are cut
 * wherever they are.  Ethernet, snaplen 128 (caplen =
 * min(128, frame length), len = frame length); payload past the snaplen is
 * not written (it is zeros as far as the TCP checksum goes).
 *
 * Expectations: the generator runs its own model of the two endpoints of each
 * connection -- RFC 9293 TCP with the tap's conventions from wirestate's
 * README: a segment is delivered the instant the tap sees it; a responder
 * shows no state until it answers (SYN+ACK: SYN_RECEIVED; a RST refusing the
 * SYN: CLOSED, "nothing listens"; silence: nothing); TIME_WAIT lasts 60 s;
 * SYN_SENT/SYN_RECEIVED close after 64 s of silence on the flow; a flow whose
 * two sides are closed leaves the table 10 s after the later of its last
 * packet and its last side's close (a TIME_WAIT or SYN timeout may end long
 * after the last packet); a flow idle 3600 s leaves the table; timers
 * fire when a packet's time reaches their deadline and never after the last
 * packet.  --expect gets the count of endpoints per state in wirestate's
 * final table (--table --json --no-events, a --max-flows nothing reaches),
 * flows seen, flows tracked at the end and at the peak; --expect-endpoints
 * one line per endpoint: "ENDPOINT PEER ROLE STATE".
 *
 * So that no deadline lies near the end: every timer is a packet's time plus
 * whole seconds, no packet is written in the last 10 ms of any second, and the
 * capture's last packet sits at .995 of its second -- at least 5 ms from
 * every deadline. */
#include <arpa/inet.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GENCAP_VERSION "2"

#define US 1000000LL
#define MS 1000LL
#define TW_US (60 * US)
#define SYN_TIMEOUT_US (64 * US)
#define IDLE_US (3600 * US)
#define LINGER_US (10 * US)
#define SLICE_US 990000LL        /* generator time per second of capture time */
#define END_FRACTION_US 995000LL /* the last packet's place within its second */
#define BASE_SEC 1700000000LL    /* 2023-11-14 22:13:20 UTC */
#define SNAPLEN 128u

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

/* ---- random numbers: xoshiro256** seeded by splitmix64 ---------------- */

static uint64_t rs[4];

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rnd(void)
{
    uint64_t r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;
    rs[2] ^= rs[0];
    rs[3] ^= rs[1];
    rs[1] ^= rs[2];
    rs[0] ^= rs[3];
    rs[2] ^= t;
    rs[3] = rotl(rs[3], 45);
    return r;
}

static double u01(void) { return (double)(rnd() >> 11) * 0x1.0p-53; }
static uint32_t rbelow(uint32_t n) { return (uint32_t)(((rnd() >> 32) * n) >> 32); }
static uint32_t rnd32(void) { return (uint32_t)(rnd() >> 32); }
/* Log-uniform integer in [lo, hi]. */
static int64_t logu(double lo, double hi) { return (int64_t)llround(lo * exp(u01() * log(hi / lo))); }
static double expo(double mean) { return -mean * log(1.0 - u01()); }

/* ---- states (the model's; names as wirestate prints them) ------------ */

enum st {
    ST_NONE, ST_CLOSED, ST_SYN_SENT, ST_SYN_RECEIVED, ST_ESTABLISHED, ST_FIN_WAIT_1,
    ST_FIN_WAIT_2, ST_CLOSE_WAIT, ST_CLOSING, ST_LAST_ACK, ST_TIME_WAIT, ST_COUNT
};
static const char *const st_names[ST_COUNT] = {
    "UNKNOWN", "CLOSED", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
    "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
};

/* ---- conversation kinds ---------------------------------------------- */

enum kind {
    K_UNANSWERED, K_REFUSED, K_CFIN4, K_SFIN4, K_CFIN3, K_SFIN3, K_SIMUL, K_CRST, K_SRST,
    K_SRST_AFTER_CFIN, K_HALF_C, K_HALF_S, K_HOLD, K_FLOOD, K_COUNT
};
static const char *const kind_names[K_COUNT] = {
    "unanswered_syn", "refused_syn", "close_client_first", "close_server_first",
    "close_3way_client_first", "close_3way_server_first", "close_simultaneous",
    "reset_by_client", "reset_by_server", "reset_answering_fin", "half_closed_by_client",
    "half_closed_by_server", "held_open", "syn_flood",
};
/* Per mille, in enum order, for the ordinary mix. */
static const unsigned kind_mix[K_HOLD] = { 20, 20, 374, 192, 192, 48, 29, 48, 38, 19, 10, 10 };

/* ---- packets of one connection ---------------------------------------- */

struct pkt {
    int64_t t;          /* generator time, µs */
    uint32_t seq, ack;
    uint16_t len;
    uint8_t dir;        /* 0 client -> server, 1 server -> client */
    uint8_t flags;
    uint32_t order;     /* insertion order: tie-break when sorting */
};

/* ---- connections: identity, model state ------------------------------ */

struct mside {
    int64_t since;        /* when st was entered */
    uint32_t isn, fin_seq;
    uint8_t st;
    uint8_t synced;       /* handshake complete for this side */
    uint8_t fin_sent, fin_acked, peer_fin, active;
};

struct conn {
    uint8_t addr[2][16];  /* [0] client, [1] server */
    uint16_t port[2];
    uint8_t fam;          /* 4 or 6 */
    uint8_t has_vlan;
    uint16_t vlan;
    uint8_t kind;
    uint8_t ttl[2];
    uint8_t in_slot;      /* its slot is still writing it */
    uint16_t ipid[2];
    uint32_t flowlabel[2];
    uint32_t tsbase[2], tslast[2];
    uint32_t cli_idx;
    int64_t last;         /* tap time of the flow's last packet */
    int64_t removal;      /* when wirestate drops the flow (model) */
    uint32_t hpos;        /* 1-based place in the model heap; 0: not tracked */
    struct mside side[2];
    struct conn *next_free;
};

static struct conn *free_conns;

static struct conn *conn_new(void)
{
    if (!free_conns) {
        enum { CHUNK = 4096 };
        struct conn *c = malloc(CHUNK * sizeof *c);
        if (!c) {
            fprintf(stderr, "gencap: out of memory\n");
            exit(1);
        }
        for (int i = CHUNK; i-- > 0;) {
            c[i].next_free = free_conns;
            free_conns = &c[i];
        }
    }
    struct conn *c = free_conns;
    free_conns = c->next_free;
    memset(c, 0, sizeof *c);
    return c;
}

static void conn_release(struct conn *c)
{
    if (c->in_slot || c->hpos)
        return;
    c->next_free = free_conns;
    free_conns = c;
}

/* ---- the model heap: tracked flows by removal time ------------------- */

static struct conn **mh;
static size_t mh_n, mh_cap;

static void mh_place(size_t i, struct conn *c)
{
    mh[i] = c;
    c->hpos = (uint32_t)(i + 1);
}

static void mh_up(size_t i)
{
    struct conn *c = mh[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (mh[p]->removal <= c->removal)
            break;
        mh_place(i, mh[p]);
        i = p;
    }
    mh_place(i, c);
}

static void mh_down(size_t i)
{
    struct conn *c = mh[i];
    for (;;) {
        size_t k = 2 * i + 1;
        if (k >= mh_n)
            break;
        if (k + 1 < mh_n && mh[k + 1]->removal < mh[k]->removal)
            k++;
        if (mh[k]->removal >= c->removal)
            break;
        mh_place(i, mh[k]);
        i = k;
    }
    mh_place(i, c);
}

static void mh_insert(struct conn *c)
{
    if (mh_n == mh_cap) {
        mh_cap = mh_cap ? mh_cap * 2 : 4096;
        mh = realloc(mh, mh_cap * sizeof *mh);
        if (!mh) {
            fprintf(stderr, "gencap: out of memory\n");
            exit(1);
        }
    }
    mh[mh_n++] = c;
    mh_up(mh_n - 1);
}

static void mh_update(struct conn *c)
{
    size_t i = c->hpos - 1;
    mh_up(i);
    mh_down(c->hpos - 1);
}

static struct conn *mh_pop(void)
{
    struct conn *c = mh[0];
    c->hpos = 0;
    if (--mh_n > 0) {
        mh[0] = mh[mh_n];
        mh_down(0);
    }
    return c;
}

/* ---- the model: two endpoints, segments delivered when seen ---------- */

static bool seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

static void set_state(struct mside *s, enum st st, int64_t t)
{
    if (s->st != st) {
        s->st = (uint8_t)st;
        s->since = t;
    }
}

/* A synchronized endpoint's state follows from what it sent and received:
 * its FIN sent and acknowledged, the peer's FIN received, and whether it
 * closed first (its FIN left before the peer's arrived). */
static void settle(struct mside *s, int64_t t)
{
    if (!s->synced || s->st == ST_CLOSED || s->st == ST_NONE)
        return;
    enum st n;
    if (!s->fin_sent)
        n = s->peer_fin ? ST_CLOSE_WAIT : ST_ESTABLISHED;
    else if (!s->peer_fin)
        n = s->fin_acked ? ST_FIN_WAIT_2 : ST_FIN_WAIT_1;
    else if (s->active)
        n = s->fin_acked ? ST_TIME_WAIT : ST_CLOSING;
    else
        n = s->fin_acked ? ST_CLOSED : ST_LAST_ACK;
    set_state(s, n, t);
}

static void model_packet(struct conn *c, const struct pkt *p, int64_t t)
{
    struct mside *a = &c->side[p->dir], *b = &c->side[!p->dir];
    uint8_t f = p->flags;
    c->last = t;
    if (f & F_RST) {
        /* Every RST written here is one the receiver accepts (RFC 5961: its
         * sequence number is the receiver's next expected one).  A responder
         * that never answered and refuses the SYN had no socket: CLOSED
         * ("nothing listens"), with the client "connection refused". */
        bool refuses = b->st == ST_SYN_SENT && (f & F_ACK) && p->ack == b->isn + 1;
        if (a->st == ST_NONE ? refuses : a->st != ST_SYN_SENT)
            set_state(a, ST_CLOSED, t);
        if (b->st == ST_SYN_SENT) {
            if (refuses)
                set_state(b, ST_CLOSED, t);
        } else if (b->st != ST_NONE) {
            set_state(b, ST_CLOSED, t);
        }
        return;
    }
    if (f & F_SYN) {
        if (!(f & F_ACK)) {
            if (a->st == ST_NONE) {
                set_state(a, ST_SYN_SENT, t);
                a->isn = p->seq;
            }
        } else {
            if (a->st == ST_NONE) {     /* it was listening: decided now */
                set_state(a, ST_SYN_RECEIVED, t);
                a->isn = p->seq;
            }
            if (b->st == ST_SYN_SENT && p->ack == b->isn + 1)
                b->synced = 1;
        }
    } else if ((f & F_ACK) && b->st == ST_SYN_RECEIVED && !b->synced && seq_geq(p->ack, b->isn + 1)) {
        b->synced = 1;
    }
    if (f & F_FIN) {
        if (!a->fin_sent) {
            a->fin_sent = 1;
            a->fin_seq = p->seq + p->len;
            /* A FIN that does not acknowledge the peer's FIN left before that
             * FIN arrived: this side closed first (simultaneous close). */
            a->active = !(a->peer_fin && (f & F_ACK) && seq_geq(p->ack, b->fin_seq + 1));
        }
        b->peer_fin = 1;
    }
    if ((f & F_ACK) && b->fin_sent && seq_geq(p->ack, b->fin_seq + 1))
        b->fin_acked = 1;
    settle(a, t);
    settle(b, t);
}

/* When a side closed or its timer will close it (INT64_MIN: never shown, so
 * it does not count; INT64_MAX: nothing will close it). */
static int64_t side_gone_at(const struct conn *c, const struct mside *s)
{
    switch ((enum st)s->st) {
    case ST_NONE: return INT64_MIN;
    case ST_CLOSED: return s->since;
    case ST_TIME_WAIT: return s->since + TW_US;
    case ST_SYN_SENT:
    case ST_SYN_RECEIVED: return c->last + SYN_TIMEOUT_US;
    default: return INT64_MAX;
    }
}

static int64_t removal_time(const struct conn *c)
{
    int64_t g0 = side_gone_at(c, &c->side[0]), g1 = side_gone_at(c, &c->side[1]);
    int64_t g = g0 > g1 ? g0 : g1;
    int64_t idle = c->last + IDLE_US;
    if (g == INT64_MAX)
        return idle;
    /* Linger: 10 s from the last packet or the last close, whichever is later. */
    g = (g > c->last ? g : c->last) + LINGER_US;
    return g < idle ? g : idle;
}

/* A side's state at time now, with the timers that fired by then. */
static enum st state_at(const struct conn *c, const struct mside *s, int64_t now)
{
    enum st st = (enum st)s->st;
    if (st == ST_TIME_WAIT && s->since + TW_US <= now)
        return ST_CLOSED;
    if ((st == ST_SYN_SENT || st == ST_SYN_RECEIVED) && c->last + SYN_TIMEOUT_US <= now)
        return ST_CLOSED;
    return st;
}

/* Every deadline the flow has (for the end-margin report). */
static int64_t nearest_deadline_gap(const struct conn *c, int64_t now)
{
    int64_t d[6];
    int n = 0;
    d[n++] = c->removal;
    d[n++] = c->last + IDLE_US;
    for (int i = 0; i < 2; i++) {
        const struct mside *s = &c->side[i];
        if (s->st == ST_TIME_WAIT)
            d[n++] = s->since + TW_US;
        if (s->st == ST_SYN_SENT || s->st == ST_SYN_RECEIVED)
            d[n++] = c->last + SYN_TIMEOUT_US;
    }
    int64_t best = INT64_MAX;
    for (int i = 0; i < n; i++) {
        int64_t g = d[i] > now ? d[i] - now : now - d[i];
        if (g < best)
            best = g;
    }
    return best;
}

/* ---- configuration ----------------------------------------------------- */

struct cfg {
    uint64_t connections, concurrent, packets, seed, flood;
    double rate;
    bool no_close, packets_set;
    const char *out, *expect, *endpoints;
};

/* ---- conversation scripts -------------------------------------------- */

struct script {
    struct pkt *p;
    size_t n, cap;
    int64_t tmax;
    uint32_t order;
};

struct timing {
    int64_t crtt, srtt;    /* tap <-> client and tap <-> server round trips */
    int64_t sproc, cproc;  /* server response time, client ACK time */
    int64_t gap;           /* serialization gap between back-to-back segments */
    uint32_t mss;
    uint32_t cn, sn;       /* client's and server's next sequence number */
};

static void add(struct script *s, int64_t t, int dir, uint8_t flags, uint32_t seq, uint32_t ack,
                uint32_t len)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->p = realloc(s->p, s->cap * sizeof *s->p);
        if (!s->p) {
            fprintf(stderr, "gencap: out of memory\n");
            exit(1);
        }
    }
    s->p[s->n++] = (struct pkt){ .t = t, .seq = seq, .ack = ack, .len = (uint16_t)len,
                                 .dir = (uint8_t)dir, .flags = flags, .order = s->order++ };
    if (t > s->tmax)
        s->tmax = t;
}

static int by_time(const void *x, const void *y)
{
    const struct pkt *a = x, *b = y;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

/* One request and its response of k segments; returns when the client has
 * the whole response. */
static int64_t data_round(struct script *s, struct timing *g, int64_t t, uint32_t k)
{
    uint32_t q = u01() < 0.05 ? g->mss * (1 + rbelow(2)) + 1 + rbelow(g->mss) : 40 + rbelow(1200);
    int64_t tt = t, tlast = t;
    while (q > 0) {
        uint32_t len = q < g->mss ? q : g->mss;
        q -= len;
        add(s, tt, 0, F_ACK | (q == 0 ? F_PSH : 0), g->cn, g->sn, len);
        g->cn += len;
        tlast = tt;
        tt += g->gap;
    }
    int64_t ts0 = tlast + g->srtt + g->sproc;
    if (g->sproc > 40 * MS)          /* the server's delayed ACK fires before it answers */
        add(s, tlast + g->srtt + 40 * MS, 1, F_ACK, g->sn, g->cn, 0);
    uint32_t lastlen = 1 + rbelow(g->mss);
    uint32_t sstart = g->sn;
    int64_t prev = ts0 - g->gap, fl_start = ts0;
    uint32_t w = 10, in_fl = 0;
    for (uint32_t i = 0; i < k; i++) {
        if (in_fl == w) {            /* next flight: one round trip later, window doubled */
            fl_start += g->crtt + g->srtt;
            w *= 2;
            in_fl = 0;
        }
        int64_t tseg = max64(prev + g->gap, fl_start);
        prev = tseg;
        in_fl++;
        uint32_t len = i == k - 1 ? lastlen : g->mss;
        add(s, tseg, 1, F_ACK | (i == k - 1 ? F_PSH : 0), g->sn, g->cn, len);
        g->sn += len;
        if (i % 2 == 1 || i == k - 1)
            add(s, tseg + g->crtt + g->cproc, 0, F_ACK, g->cn, g->sn, 0);
    }
    if (k >= 2 && u01() < 0.02) {    /* a spurious retransmission */
        uint32_t j = rbelow(k - 1);
        add(s, prev + g->gap, 1, F_ACK, sstart + j * g->mss, g->cn, g->mss);
    }
    return prev + g->crtt;
}

static enum kind pick_kind(void)
{
    unsigned r = rbelow(1000), acc = 0;
    for (int k = 0; k < K_HOLD; k++) {
        acc += kind_mix[k];
        if (r < acc)
            return (enum kind)k;
    }
    return K_CFIN4;
}

static void write_script(struct script *s, struct conn *c, int64_t t0, double data_mean,
                         double think_mean);

/* Writes the whole script of one connection starting at t0, in time order,
 * strictly increasing. */
static void make_script(struct script *s, struct conn *c, int64_t t0, double data_mean,
                        double think_mean)
{
    write_script(s, c, t0, data_mean, think_mean);
    qsort(s->p, s->n, sizeof *s->p, by_time);
    for (size_t i = 1; i < s->n; i++)
        if (s->p[i].t <= s->p[i - 1].t)
            s->p[i].t = s->p[i - 1].t + 1;
}

static void write_script(struct script *s, struct conn *c, int64_t t0, double data_mean,
                         double think_mean)
{
    s->n = 0;
    s->tmax = t0;
    s->order = 0;
    if (c->kind == K_FLOOD) {
        add(s, t0, 0, F_SYN, rnd32(), 0, 0);
        return;
    }
    struct timing g = {
        .crtt = logu(300, 120000), .srtt = logu(50, 2000), .sproc = logu(20, 80000),
        .cproc = logu(5, 200), .gap = logu(12, 1200), .mss = c->fam == 6 ? 1440 : 1460,
    };
    uint32_t ci = rnd32(), si = rnd32();
    int64_t t = t0;
    add(s, t, 0, F_SYN, ci, 0, 0);
    g.cn = ci + 1;
    if (c->kind == K_UNANSWERED) {
        /* Linux retransmits a SYN after 1, 2, 4, 8, 16, 32 s. */
        uint32_t r = rbelow(6);
        int64_t dt = 1 * US;
        for (uint32_t i = 0; i < r; i++, dt *= 2) {
            t += dt;
            add(s, t, 0, F_SYN, ci, 0, 0);
        }
        return;
    }
    if (c->kind == K_REFUSED) {
        add(s, t + g.srtt, 1, F_RST | F_ACK, 0, ci + 1, 0);
        return;
    }
    if (u01() < 0.01) {                 /* the first SYN was lost past the tap */
        t += 1 * US;
        add(s, t, 0, F_SYN, ci, 0, 0);
    }
    t += g.srtt + logu(5, 200);
    add(s, t, 1, F_SYN | F_ACK, si, g.cn, 0);
    g.sn = si + 1;
    t += g.crtt;
    add(s, t, 0, F_ACK, g.cn, g.sn, 0);

    /* Data: a budget of packets, spent in rounds of varied size. */
    double budget = data_mean > 0 ? expo(data_mean) : 0, used = 0;
    int64_t tc = t + 5 + rbelow(50);
    while (used < budget) {
        double left = budget - used;
        uint32_t k = (uint32_t)(left * (0.3 + 0.7 * u01()) * 2.0 / 3.0);
        if (k < 1)
            k = 1;
        if (k > 20000)
            k = 20000;
        size_t before = s->n;
        int64_t done = data_round(s, &g, tc, k);
        used += (double)(s->n - before);
        tc = max64(done + (int64_t)expo(think_mean), s->tmax + 1);
    }
    if (c->kind == K_HOLD)
        return;

    /* Keep-alive idle before the close: short or seconds. */
    int64_t idle = u01() < 0.4 ? (int64_t)rbelow(50 * MS) : 1 * US + (int64_t)rbelow(24 * US);
    t = max64(tc + idle, s->tmax + 1);
    int64_t d = logu(20, 5000);         /* the closer's application delay */
    uint32_t a = g.cn, b = g.sn;
    switch ((enum kind)c->kind) {
    case K_CFIN4:
        add(s, t, 0, F_FIN | F_ACK, a, b, 0);
        add(s, t + g.srtt + 10, 1, F_ACK, b, a + 1, 0);
        add(s, t + g.srtt + 10 + d, 1, F_FIN | F_ACK, b, a + 1, 0);
        add(s, t + g.srtt + 10 + d + g.crtt, 0, F_ACK, a + 1, b + 1, 0);
        break;
    case K_SFIN4:
        add(s, t, 1, F_FIN | F_ACK, b, a, 0);
        add(s, t + g.crtt, 0, F_ACK, a, b + 1, 0);
        add(s, t + g.crtt + d, 0, F_FIN | F_ACK, a, b + 1, 0);
        add(s, t + g.crtt + d + g.srtt, 1, F_ACK, b + 1, a + 1, 0);
        break;
    case K_CFIN3:
        add(s, t, 0, F_FIN | F_ACK, a, b, 0);
        add(s, t + g.srtt + d, 1, F_FIN | F_ACK, b, a + 1, 0);
        add(s, t + g.srtt + d + g.crtt, 0, F_ACK, a + 1, b + 1, 0);
        break;
    case K_SFIN3:
        add(s, t, 1, F_FIN | F_ACK, b, a, 0);
        add(s, t + g.crtt + d, 0, F_FIN | F_ACK, a, b + 1, 0);
        add(s, t + g.crtt + d + g.srtt, 1, F_ACK, b + 1, a + 1, 0);
        break;
    case K_SIMUL: {
        /* The server's FIN leaves before the client's arrives (it is seen
         * less than one server round trip after it): neither FIN acks the other. */
        int64_t dl = 1 + rbelow((uint32_t)(g.srtt - 1));
        add(s, t, 0, F_FIN | F_ACK, a, b, 0);
        add(s, t + dl, 1, F_FIN | F_ACK, b, a, 0);
        add(s, t + dl + g.crtt, 0, F_ACK, a + 1, b + 1, 0);
        add(s, t + g.srtt + 1, 1, F_ACK, b + 1, a + 1, 0);
        break;
    }
    case K_CRST:
        add(s, t, 0, F_RST | F_ACK, a, b, 0);
        break;
    case K_SRST:
        add(s, t, 1, F_RST | F_ACK, b, a, 0);
        break;
    case K_SRST_AFTER_CFIN:
        add(s, t, 0, F_FIN | F_ACK, a, b, 0);
        add(s, t + g.srtt + 10, 1, F_RST | F_ACK, b, a + 1, 0);
        break;
    case K_HALF_C: {
        /* The client shuts down its side; the server may still send, never closes. */
        add(s, t, 0, F_FIN | F_ACK, a, b, 0);
        int64_t ts = t + g.srtt + 10;
        add(s, ts, 1, F_ACK, b, a + 1, 0);
        for (uint32_t i = 0, m = rbelow(4); i < m; i++) {
            ts += g.sproc + g.gap;
            uint32_t len = 1 + rbelow(g.mss);
            add(s, ts, 1, F_ACK | F_PSH, b, a + 1, len);
            b += len;
            add(s, ts + g.crtt + g.cproc, 0, F_ACK, a + 1, b, 0);
        }
        break;
    }
    case K_HALF_S: {
        /* The server shuts down its side; the client may still send, never closes. */
        add(s, t, 1, F_FIN | F_ACK, b, a, 0);
        int64_t tcl = t + g.crtt;
        add(s, tcl, 0, F_ACK, a, b + 1, 0);
        for (uint32_t i = 0, m = rbelow(3); i < m; i++) {
            tcl += g.cproc + g.gap + (int64_t)rbelow(100 * MS);
            uint32_t len = 1 + rbelow(g.mss);
            add(s, tcl, 0, F_ACK | F_PSH, a, b + 1, len);
            a += len;
            add(s, tcl + g.srtt + g.sproc, 1, F_ACK, b + 1, a, 0);
        }
        break;
    }
    default:
        break;
    }
}

/* ---- addresses ---------------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* A bijection of 32-bit integers: distinct indexes, distinct addresses. */
static uint32_t scramble32(uint32_t x)
{
    x *= 0x9e3779b1u;
    x ^= x >> 16;
    x *= 0x85ebca6bu;
    x ^= x >> 13;
    return x;
}

static const uint16_t server_ports[] = { 443, 443, 443, 443, 443, 80, 80, 80, 8080, 5432,
                                         6379, 22, 25, 993, 3306, 9092 };

/* Connection number id: client (id mod nclients), its k-th connection uses
 * port 32768 + (7k + salt) mod 28232, distinct for k < 28232. */
static void assign_addresses(struct conn *c, uint64_t id, uint64_t nclients)
{
    uint32_t ci = (uint32_t)(id % nclients), k = (uint32_t)(id / nclients);
    uint32_t si = rbelow(200);
    c->cli_idx = ci;
    c->fam = u01() < 0.10 ? 6 : 4;
    c->has_vlan = u01() < 0.01;
    c->vlan = (uint16_t)(2 + rbelow(4093));
    memset(c->addr, 0, sizeof c->addr);
    if (c->fam == 4) {
        put32(c->addr[0], 0x0a000000u + ci + 2);                             /* 10.0.0.0/8 */
        put32(c->addr[1], si < 100 ? 0xc6336400u + 10 + si : 0xcb007100u + si - 90); /* 198.51.100/24, 203.0.113/24 */
    } else {
        static const uint8_t cpre[8] = { 0x20, 0x01, 0x0d, 0xb8, 0xc1, 0x00, 0x00, 0x00 };
        static const uint8_t spre[8] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x05, 0x00, 0x00 };
        memcpy(c->addr[0], cpre, 8);
        put32(c->addr[0] + 12, ci + 2);
        memcpy(c->addr[1], spre, 8);
        put32(c->addr[1] + 12, si + 1);
    }
    c->port[0] = (uint16_t)(32768 + (7u * k + ci * 131u) % 28232u);
    c->port[1] = server_ports[rbelow(sizeof server_ports / sizeof server_ports[0])];
    c->ttl[0] = (uint8_t)(64 - (ci % 24));
    c->ttl[1] = u01() < 0.7 ? 64 : 128;
}

static void assign_flood(struct conn *c, uint64_t id)
{
    c->fam = 4;
    put32(c->addr[0], scramble32((uint32_t)id + 0x5bd1e995u));
    put32(c->addr[1], 0xcb007150u);                                         /* 203.0.113.80 */
    c->port[0] = (uint16_t)(1024 + rbelow(64512));
    c->port[1] = 80;
    c->ttl[0] = (uint8_t)(32 + rbelow(200));
    c->ttl[1] = 64;
}

/* ---- frames --------------------------------------------------------------- */

static uint32_t sum_bytes(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static const char payload_c2s[] =
    "GET /api/v2/items?id=4711&view=full HTTP/1.1\r\nHost: shop.example.com\r\n"
    "User-Agent: bench/1.0\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n";
static const char payload_s2c[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 18231\r\n"
    "Cache-Control: max-age=60\r\nServer: bench\r\n\r\n{\"items\":[{\"id\":4711,";

/* Builds the frame for packet p of connection c at tap time t (µs); returns
 * the captured length, *wire the frame's real length. */
static uint32_t build_frame(uint8_t *buf, struct conn *c, const struct pkt *p, int64_t t,
                            uint32_t *wire)
{
    int d = p->dir, from = d, to = !d;
    uint8_t *q = buf;
    /* Ethernet: locally administered MACs derived from the hosts. */
    uint8_t mac_c[6] = { 0x02, 0x00, 0, 0, 0, 0 }, mac_s[6] = { 0x02, 0x5e, 0x00, 0x00, 0x00, 0x01 };
    put32(mac_c + 2, c->cli_idx);
    memcpy(q, d == 0 ? mac_s : mac_c, 6);
    memcpy(q + 6, d == 0 ? mac_c : mac_s, 6);
    q += 12;
    if (c->has_vlan) {
        put16(q, 0x8100);
        put16(q + 2, c->vlan);
        q += 4;
    }
    put16(q, c->fam == 6 ? 0x86dd : 0x0800);
    q += 2;

    /* TCP header and options. */
    uint8_t tcp[60];
    uint32_t thl = 20;
    bool syn = p->flags & F_SYN;
    uint32_t tsval = c->tsbase[from] + (uint32_t)(t / 1000);
    if (c->kind == K_FLOOD) {
        if (c->tsbase[0] & 1) {                      /* half of them carry an MSS option */
            tcp[20] = 2, tcp[21] = 4, put16(tcp + 22, 1460);
            thl = 24;
        }
    } else if (syn) {
        uint16_t mss = c->fam == 6 ? 1440 : 1460;
        tcp[20] = 2, tcp[21] = 4, put16(tcp + 22, mss);
        tcp[24] = 4, tcp[25] = 2;
        tcp[26] = 8, tcp[27] = 10;
        put32(tcp + 28, tsval);
        put32(tcp + 32, (p->flags & F_ACK) ? c->tslast[to] : 0);
        tcp[36] = 1, tcp[37] = 3, tcp[38] = 3, tcp[39] = 7;
        thl = 40;
    } else if (!(p->flags & F_RST)) {
        tcp[20] = 1, tcp[21] = 1, tcp[22] = 8, tcp[23] = 10;
        put32(tcp + 24, tsval);
        put32(tcp + 28, c->tslast[to]);
        thl = 32;
    }
    c->tslast[from] = tsval;
    put16(tcp, c->port[from]);
    put16(tcp + 2, c->port[to]);
    put32(tcp + 4, p->seq);
    put32(tcp + 8, (p->flags & F_ACK) ? p->ack : 0);
    put16(tcp + 12, (uint16_t)((thl / 4) << 12 | p->flags));
    uint16_t win = p->flags & F_RST ? 0 : syn ? (c->kind == K_FLOOD ? 1024 : 64240) : (uint16_t)(501 + (c->cli_idx & 511));
    put16(tcp + 14, win);
    put16(tcp + 16, 0);
    put16(tcp + 18, 0);

    uint32_t tcp_len = thl + p->len;
    uint32_t iphl = c->fam == 6 ? 40 : 20;
    uint32_t frame_len = (uint32_t)(q - buf) + iphl + tcp_len;
    if (frame_len < 60)
        frame_len = 60;                              /* Ethernet minimum: padded */
    uint32_t caplen = frame_len < SNAPLEN ? frame_len : SNAPLEN;
    uint32_t head = (uint32_t)(q - buf) + iphl + thl;
    uint32_t pay_cap = caplen > head ? caplen - head : 0;
    if (pay_cap > p->len)
        pay_cap = p->len;

    /* Pseudo-header and IP header. */
    uint32_t sum = 0;
    if (c->fam == 4) {
        q[0] = 0x45, q[1] = 0;
        put16(q + 2, (uint16_t)(20 + tcp_len));
        put16(q + 4, c->ipid[from]++);
        put16(q + 6, c->kind == K_FLOOD ? 0 : 0x4000);
        q[8] = c->ttl[from], q[9] = 6;
        put16(q + 10, 0);
        memcpy(q + 12, c->addr[from], 4);
        memcpy(q + 16, c->addr[to], 4);
        put16(q + 10, fold(sum_bytes(0, q, 20)));
        sum = sum_bytes(sum, c->addr[from], 4);
        sum = sum_bytes(sum, c->addr[to], 4);
    } else {
        put32(q, 0x60000000u | (c->flowlabel[from] & 0xfffff));
        put16(q + 4, (uint16_t)tcp_len);
        q[6] = 6, q[7] = c->ttl[from];
        memcpy(q + 8, c->addr[from], 16);
        memcpy(q + 24, c->addr[to], 16);
        sum = sum_bytes(sum, c->addr[from], 16);
        sum = sum_bytes(sum, c->addr[to], 16);
    }
    sum += 6 + tcp_len;
    q += iphl;
    const char *pat = d == 0 ? payload_c2s : payload_s2c;
    size_t patlen = (d == 0 ? sizeof payload_c2s : sizeof payload_s2c) - 1;
    uint8_t *pay = q + thl;
    for (uint32_t i = 0; i < pay_cap; i++)
        pay[i] = (uint8_t)pat[i % patlen];
    sum = sum_bytes(sum, tcp, thl);
    sum = sum_bytes(sum, pay, pay_cap);    /* the rest of the payload is zeros */
    put16(tcp + 16, fold(sum));
    memcpy(q, tcp, thl);
    uint32_t written = head + pay_cap;
    if (written < caplen)
        memset(buf + written, 0, caplen - written);   /* Ethernet padding */
    *wire = frame_len;
    return caplen;
}

/* ---- the merge of all slots ------------------------------------------- */

struct slot {
    struct conn *c;
    struct script s;
    size_t next;
};

static struct slot *slots;
static uint32_t *sh;     /* heap of slot indexes by next packet time */
static size_t sh_n;

static int64_t slot_time(uint32_t i) { return slots[i].s.p[slots[i].next].t; }

static bool slot_before(uint32_t a, uint32_t b)
{
    int64_t ta = slot_time(a), tb = slot_time(b);
    return ta != tb ? ta < tb : a < b;
}

static void sh_down(size_t i)
{
    uint32_t x = sh[i];
    for (;;) {
        size_t k = 2 * i + 1;
        if (k >= sh_n)
            break;
        if (k + 1 < sh_n && slot_before(sh[k + 1], sh[k]))
            k++;
        if (!slot_before(sh[k], x))
            break;
        sh[i] = sh[k];
        i = k;
    }
    sh[i] = x;
}

static int64_t tap_time(int64_t tau) { return BASE_SEC * US + (tau / SLICE_US) * US + tau % SLICE_US; }

/* ---- main ------------------------------------------------------------- */

struct genstate {
    bool flood, hold;
    uint64_t connections, started, nclients;
    size_t open_now;
    double data_mean, think_mean;
    double target_per_conn;        /* packets per connection wanted (--packets / N) */
    uint64_t window_packets, window_conns;
};

/* A slot starts its next connection at generator time tau. */
static void start_conn(struct slot *sl, struct genstate *gs, int64_t tau)
{
    struct conn *c = conn_new();
    if (gs->flood) {
        c->kind = K_FLOOD;
        assign_flood(c, gs->started);
    } else {
        c->kind = (uint8_t)(gs->hold ? K_HOLD : pick_kind());
        assign_addresses(c, gs->started, gs->nclients);
    }
    c->tsbase[0] = rnd32();
    c->tsbase[1] = rnd32();
    c->ipid[0] = (uint16_t)rnd32();
    c->ipid[1] = (uint16_t)rnd32();
    c->flowlabel[0] = rnd32();
    c->flowlabel[1] = rnd32();
    c->in_slot = 1;
    gs->started++;
    sl->c = c;
    sl->next = 0;
    make_script(&sl->s, c, tau, gs->data_mean, gs->think_mean);
    gs->open_now++;
    /* Rounds overshoot their budget by a varying amount: every 1024
     * connections the mean budget is corrected toward the target. */
    if (!gs->flood) {
        gs->window_packets += sl->s.n;
        if (++gs->window_conns == 1024) {
            double seen = (double)gs->window_packets / 1024.0;
            gs->data_mean += 0.7 * (gs->target_per_conn - seen);
            if (gs->data_mean < 0)
                gs->data_mean = 0;
            gs->window_packets = gs->window_conns = 0;
        }
    }
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: gencap --out FILE [--expect FILE] [--expect-endpoints FILE] [--seed S]\n"
            "              [--connections N] [--concurrent K] [--packets P] [--no-close]\n"
            "       gencap --out FILE --syn-flood N [--rate PPS] [--seed S] [--expect FILE]\n"
            "       gencap --version\n");
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end)
        return false;
    *out = v;
    return true;
}

static FILE *open_out(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    return f;
}

static void print_endpoint(FILE *f, const struct conn *c, int side)
{
    char a[INET6_ADDRSTRLEN];
    inet_ntop(c->fam == 6 ? AF_INET6 : AF_INET, c->addr[side], a, sizeof a);
    if (c->fam == 6)
        fprintf(f, "[%s]:%u", a, c->port[side]);
    else
        fprintf(f, "%s:%u", a, c->port[side]);
}

int main(int argc, char **argv)
{
    struct cfg cfg = { .connections = 1000, .concurrent = 100, .seed = 1, .rate = 50000 };
    enum { O_CONN = 256, O_CONC, O_PACKETS, O_SEED, O_OUT, O_EXPECT, O_EPS, O_FLOOD, O_RATE,
           O_NOCLOSE, O_VERSION, O_HELP };
    static const struct option opts[] = {
        { "connections", required_argument, NULL, O_CONN },
        { "concurrent", required_argument, NULL, O_CONC },
        { "packets", required_argument, NULL, O_PACKETS },
        { "seed", required_argument, NULL, O_SEED },
        { "out", required_argument, NULL, O_OUT },
        { "expect", required_argument, NULL, O_EXPECT },
        { "expect-endpoints", required_argument, NULL, O_EPS },
        { "syn-flood", required_argument, NULL, O_FLOOD },
        { "rate", required_argument, NULL, O_RATE },
        { "no-close", no_argument, NULL, O_NOCLOSE },
        { "version", no_argument, NULL, O_VERSION },
        { "help", no_argument, NULL, O_HELP },
        { NULL, 0, NULL, 0 },
    };
    int o;
    uint64_t v;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        bool ok = true;
        switch (o) {
        case O_CONN: ok = parse_u64(optarg, &cfg.connections); break;
        case O_CONC: ok = parse_u64(optarg, &cfg.concurrent) && cfg.concurrent > 0; break;
        case O_PACKETS: ok = parse_u64(optarg, &cfg.packets); cfg.packets_set = true; break;
        case O_SEED: ok = parse_u64(optarg, &cfg.seed); break;
        case O_OUT: cfg.out = optarg; break;
        case O_EXPECT: cfg.expect = optarg; break;
        case O_EPS: cfg.endpoints = optarg; break;
        case O_FLOOD: ok = parse_u64(optarg, &cfg.flood) && cfg.flood > 0; break;
        case O_RATE: ok = parse_u64(optarg, &v) && v > 0; cfg.rate = (double)v; break;
        case O_NOCLOSE: cfg.no_close = true; break;
        case O_VERSION: printf("gencap %s\n", GENCAP_VERSION); return 0;
        case O_HELP: usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
        if (!ok) {
            fprintf(stderr, "gencap: bad value for --%s: %s\n", opts[o - O_CONN].name, optarg);
            return 2;
        }
    }
    if (!cfg.out || optind != argc) {
        usage(stderr);
        return 2;
    }
    bool flood = cfg.flood > 0;
    if (flood) {
        cfg.connections = cfg.flood;
        cfg.concurrent = 1;
    }
    if (cfg.concurrent > cfg.connections && cfg.connections > 0)
        cfg.concurrent = cfg.connections;
    if (cfg.connections >= (1ULL << 32) || (!flood && cfg.connections / 28000 >= (1u << 24))) {
        fprintf(stderr, "gencap: too many connections\n");
        return 2;
    }
    /* Mean data packets per connection: the target minus handshake and close. */
    double overhead = cfg.no_close ? 3.0 : 7.5;
    double per_conn = cfg.packets_set && cfg.connections ? (double)cfg.packets / (double)cfg.connections : 9.9;
    double data_mean = per_conn - overhead;
    if (data_mean < 0)
        data_mean = 0;
    uint64_t nclients = cfg.connections / 8 + 1;
    if (nclients > 4000000)
        nclients = 4000000;

    uint64_t sm = cfg.seed;
    for (int i = 0; i < 4; i++)
        rs[i] = splitmix(&sm);

    struct timespec w0, w1;
    clock_gettime(CLOCK_MONOTONIC, &w0);

    FILE *out = open_out(cfg.out);
    static char obuf[8 << 20];
    setvbuf(out, obuf, _IOFBF, sizeof obuf);
    struct {
        uint32_t magic;
        uint16_t vmaj, vmin;
        int32_t zone;
        uint32_t sigfigs, snaplen, linktype;
    } fh = { 0xa1b2c3d4u, 2, 4, 0, 0, SNAPLEN, 1 };
    fwrite(&fh, sizeof fh, 1, out);

    uint64_t packets = 0, flows = 0, bytes = sizeof fh, kinds[K_COUNT] = { 0 };
    size_t peak = 0;
    int64_t first_t = INT64_MIN, end_t = INT64_MIN;
    int64_t last_removed = INT64_MIN;   /* latest removal deadline that came due */
    double open_sum = 0;                /* connections open, summed per packet */

    slots = calloc(cfg.concurrent ? cfg.concurrent : 1, sizeof *slots);
    sh = calloc(cfg.concurrent ? cfg.concurrent : 1, sizeof *sh);
    if (!slots || !sh) {
        fprintf(stderr, "gencap: out of memory\n");
        return 1;
    }
    struct genstate gs = { .flood = flood, .hold = cfg.no_close, .connections = cfg.connections,
                           .nclients = nclients, .data_mean = data_mean, .think_mean = 1.0 * US,
                           .target_per_conn = per_conn };
    const double flood_gap = (double)US / cfg.rate;

    if (cfg.connections > 0) {
        for (uint32_t i = 0; i < cfg.concurrent; i++) {
            int64_t tau = flood ? 0 : (int64_t)rbelow(1 * US);
            start_conn(&slots[i], &gs, tau);
            sh[sh_n++] = i;
        }
        for (size_t i = sh_n / 2 + 1; i-- > 0;)
            if (i < sh_n)
                sh_down(i);
    }

    bool cutting = false;
    int64_t cut_limit = 0;
    uint8_t frame[256];
    while (sh_n > 0) {
        uint32_t si = sh[0];
        struct slot *sl = &slots[si];
        struct pkt *p = &sl->s.p[sl->next];
        struct conn *c = sl->c;
        int64_t tau = p->t;
        bool last_of_script = sl->next + 1 == sl->s.n;
        bool final = false;
        int64_t t;
        if (cutting && tau >= cut_limit) {
            final = true;
            t = BASE_SEC * US + (cut_limit / SLICE_US - 1) * US + END_FRACTION_US;
        } else if (last_of_script && sh_n == 1 && gs.started >= cfg.connections) {
            final = true;            /* nothing follows: this one ends the capture */
            t = BASE_SEC * US + (tau / SLICE_US) * US + END_FRACTION_US;
        } else {
            t = tap_time(tau);
        }
        if (first_t == INT64_MIN)
            first_t = t;

        /* Timers due by now: flows leave the table. */
        while (mh_n > 0 && mh[0]->removal <= t) {
            struct conn *gone = mh_pop();
            last_removed = gone->removal;
            conn_release(gone);
        }
        if (!c->hpos) {
            if (c->last != 0 || !(p->flags & F_SYN) || (p->flags & (F_RST | F_ACK))) {
                fprintf(stderr, "gencap: model error: a packet of a flow no longer tracked\n");
                return 1;
            }
            flows++;
            kinds[c->kind]++;
            model_packet(c, p, t);
            c->removal = removal_time(c);
            mh_insert(c);
        } else {
            model_packet(c, p, t);
            c->removal = removal_time(c);
            mh_update(c);
        }
        if (mh_n > peak)
            peak = mh_n;

        uint32_t wire, caplen = build_frame(frame, c, p, t, &wire);
        uint32_t rec[4] = { (uint32_t)(t / US), (uint32_t)(t % US), caplen, wire };
        fwrite(rec, sizeof rec, 1, out);
        fwrite(frame, caplen, 1, out);
        bytes += sizeof rec + caplen;
        packets++;
        open_sum += (double)gs.open_now;
        end_t = t;
        if (final)
            break;

        sl->next++;
        if (sl->next == sl->s.n) {
            c->in_slot = 0;
            gs.open_now--;
            conn_release(c);
            if (gs.started < cfg.connections) {
                int64_t gap = flood ? 1 + (int64_t)expo(flood_gap) : 1000 + (int64_t)expo(20 * MS);
                start_conn(sl, &gs, tau + gap);
                sh_down(0);
            } else {
                sh[0] = sh[--sh_n];
                if (sh_n)
                    sh_down(0);
            }
        } else {
            sh_down(0);
        }
        if (!cutting && flows == cfg.connections) {
            /* Every connection has begun: finish this second, then stop. */
            cutting = true;
            cut_limit = (tau / SLICE_US + 1) * SLICE_US;
        }
    }
    if (fflush(out) != 0 || ferror(out) || fclose(out) != 0) {
        perror(cfg.out);
        return 1;
    }

    /* The final table, as the model has it. */
    uint64_t counts[ST_COUNT] = { 0 };
    int64_t margin = INT64_MAX;
    if (last_removed != INT64_MIN)
        margin = end_t - last_removed;
    FILE *ep = cfg.endpoints ? open_out(cfg.endpoints) : NULL;
    for (size_t i = 0; i < mh_n; i++) {
        const struct conn *c = mh[i];
        int64_t g = nearest_deadline_gap(c, end_t);
        if (g < margin)
            margin = g;
        for (int k = 0; k < 2; k++) {
            enum st st = state_at(c, &c->side[k], end_t);
            if (st == ST_NONE)
                continue;
            counts[st]++;
            if (ep) {
                print_endpoint(ep, c, k);
                fputc(' ', ep);
                print_endpoint(ep, c, !k);
                fprintf(ep, " %s %s\n", k == 0 ? "client" : "server", st_names[st]);
            }
        }
    }
    if (ep && fclose(ep) != 0) {
        perror(cfg.endpoints);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &w1);
    double secs = (double)(w1.tv_sec - w0.tv_sec) + (double)(w1.tv_nsec - w0.tv_nsec) / 1e9;
    double span = packets ? (double)(end_t - first_t) / US : 0;

    FILE *ef = cfg.expect ? open_out(cfg.expect) : NULL;
    FILE *sinks[2] = { ef, stderr };
    for (int k = 0; k < 2; k++) {
        FILE *f = sinks[k];
        if (!f)
            continue;
        const char *pre = f == stderr ? "gencap: " : "";
        fprintf(f, "%sgencap %s", f == stderr ? "" : "# ", GENCAP_VERSION);
        for (int i = 1; i < argc; i++)
            fprintf(f, " %s", argv[i]);
        fprintf(f, "\n");
        if (f != stderr)
            fprintf(f, "# final endpoint states per wirestate's documented rules, for\n"
                       "# wirestate -r FILE --table --json --no-events --max-flows BIG -q\n");
        fprintf(f, "%spackets %" PRIu64 "\n", pre, packets);
        fprintf(f, "%sbytes %" PRIu64 "\n", pre, bytes);
        fprintf(f, "%sconnections %" PRIu64 "\n", pre, flows);
        fprintf(f, "%sflows %" PRIu64 "\n", pre, flows);
        fprintf(f, "%stracked_end %zu\n", pre, mh_n);
        fprintf(f, "%stracked_peak %zu\n", pre, peak);
        fprintf(f, "%sopen_mean %.0f\n", pre, packets ? open_sum / (double)packets : 0.0);
        fprintf(f, "%sfirst_ts %lld.%06lld\n", pre, (long long)(first_t / US), (long long)(first_t % US));
        fprintf(f, "%send_ts %lld.%06lld\n", pre, (long long)(end_t / US), (long long)(end_t % US));
        fprintf(f, "%sspan_s %.3f\n", pre, span);
        fprintf(f, "%send_margin_us %lld\n", pre, margin == INT64_MAX ? -1LL : (long long)margin);
        for (int i = 0; i < K_COUNT; i++)
            if (kinds[i])
                fprintf(f, "%skind %s %" PRIu64 "\n", pre, kind_names[i], kinds[i]);
        for (int i = ST_CLOSED; i < ST_COUNT; i++)
            fprintf(f, "%sstate %s %" PRIu64 "\n", pre, st_names[i], counts[i]);
        if (f == stderr)
            fprintf(f, "gencap: generated in %.2f s (%.0f packets/s)\n", secs, secs > 0 ? (double)packets / secs : 0.0);
    }
    if (ef && fclose(ef) != 0) {
        perror(cfg.expect);
        return 1;
    }
    return 0;
}
