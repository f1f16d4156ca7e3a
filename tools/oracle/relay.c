/* relay.c - the tap of the kernel oracle: a user-space L2 relay between two
 * interfaces that delays and drops frames and writes what it saw as a pcap.
 *
 *   relay -c IFACE -s IFACE -w PCAP -l LOG [options]
 *
 * -c is the interface facing the client, -s the one facing the server.  Every
 * frame read on one (AF_PACKET, ETH_P_ALL, outgoing frames ignored) is sent
 * out of the other after two delays: PRE, after which the tap "sees" it (it
 * is written to the pcap with that instant as its timestamp), then POST,
 * after which it is delivered.  With POST = 0 the pcap timestamp is the
 * instant the receiving kernel gets the frame; PRE models the wire between
 * the sender and the tap.
 *
 *   --delay DIR:PRE:POST     DIR is c2s or s2c, PRE and POST in milliseconds
 *   --drop DIR:MATCH:WHICH:WHERE
 *                            MATCH: syn fin rst data tcp any; WHICH: N (the
 *                            Nth matching frame, from 1), N-M, or all;
 *                            WHERE: pre (lost before the tap: not captured)
 *                            or post (captured, then lost); repeatable
 *   --late                   capture nothing until SIGUSR1 (frames still flow)
 *
 * Prints "ready" on stdout once both sockets are bound.  SIGTERM or SIGINT
 * ends it: frames still queued are logged as never delivered, the pcap and
 * the log are flushed.
 *
 * LOG has one line per frame, written when the frame is finished:
 *   ID DIR INGRESS_US TAP_US EGRESS_US PROTO SRC DST FLAGS SEQ ACK LEN
 * times are CLOCK_REALTIME microseconds, 0 for "never" (not captured, not
 * delivered); PROTO is tcp or other (then SRC..LEN are "-"); FLAGS are the
 * letters of S F R P A U E C set, or "-"; SEQ, ACK are raw 32-bit numbers.
 *
 * TCP checksums the sending kernel left to the (virtual) NIC are completed
 * here, so the pcap and the receiver see valid segments. */
#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME 65600
#define MAX_DROPS 16

enum { C2S, S2C, NDIR };
static const char *dir_name[NDIR] = { "c2s", "s2c" };

enum match { M_SYN, M_FIN, M_RST, M_DATA, M_TCP, M_ANY };

struct drop_rule {
    int dir;
    enum match match;
    long from, to; /* 1-based range of matching frames; to = -1: all */
    bool post;
    long seen;
};

struct frame {
    struct frame *next;
    long id;
    int dir;
    int64_t ingress_us, tap_us, egress_us;
    int64_t due_mono_ns;
    bool drop_pre, drop_post;
    size_t len;
    unsigned char data[];
};

struct queue {
    struct frame *head, *tail;
};

static struct {
    int fd[NDIR];        /* fd[C2S] reads from the client side and... see ifindex */
    int ifindex[NDIR];   /* ifindex[C2S]: client-facing interface */
    int64_t pre_ns[NDIR], post_ns[NDIR];
    struct drop_rule drops[MAX_DROPS];
    int ndrops;
    struct queue stage1[NDIR], stage2[NDIR];
    pcap_t *dead;
    pcap_dumper_t *dumper;
    FILE *log;
    long next_id;
} R;

static volatile sig_atomic_t stop_flag, capture_on = 1;

static void on_stop(int s) { (void)s; stop_flag = 1; }
static void on_usr1(int s) { (void)s; capture_on = 1; }

static void die(const char *what)
{
    fprintf(stderr, "relay: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void usage(const char *why)
{
    fprintf(stderr, "relay: %s\nusage: relay -c IFACE -s IFACE -w PCAP -l LOG "
                    "[--delay DIR:PRE:POST]... [--drop DIR:MATCH:WHICH:WHERE]... [--late]\n", why);
    exit(2);
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t real_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int parse_dir(const char *s)
{
    if (strcmp(s, "c2s") == 0)
        return C2S;
    if (strcmp(s, "s2c") == 0)
        return S2C;
    usage("direction must be c2s or s2c");
    return -1;
}

static void parse_delay(char *arg)
{
    char *a = strtok(arg, ":"), *b = strtok(NULL, ":"), *c = strtok(NULL, ":");
    if (!a || !b || !c)
        usage("--delay DIR:PRE:POST");
    int d = parse_dir(a);
    R.pre_ns[d] = (int64_t)(atof(b) * 1e6);
    R.post_ns[d] = (int64_t)(atof(c) * 1e6);
}

static void parse_drop(char *arg)
{
    if (R.ndrops == MAX_DROPS)
        usage("too many --drop rules");
    struct drop_rule *r = &R.drops[R.ndrops++];
    char *d = strtok(arg, ":"), *m = strtok(NULL, ":"), *w = strtok(NULL, ":"), *p = strtok(NULL, ":");
    if (!d || !m || !w || !p)
        usage("--drop DIR:MATCH:WHICH:WHERE");
    r->dir = parse_dir(d);
    static const char *names[] = { "syn", "fin", "rst", "data", "tcp", "any" };
    r->match = (enum match)-1;
    for (int i = 0; i < 6; i++)
        if (strcmp(m, names[i]) == 0)
            r->match = (enum match)i;
    if ((int)r->match < 0)
        usage("MATCH is syn, fin, rst, data, tcp or any");
    if (strcmp(w, "all") == 0) {
        r->from = 1;
        r->to = -1;
    } else {
        char *dash = strchr(w, '-');
        r->from = atol(w);
        r->to = dash ? atol(dash + 1) : r->from;
        if (r->from < 1 || r->to < r->from)
            usage("WHICH is N, N-M or all");
    }
    if (strcmp(p, "pre") == 0)
        r->post = false;
    else if (strcmp(p, "post") == 0)
        r->post = true;
    else
        usage("WHERE is pre or post");
}

/* ---- decoding just enough of a frame ---------------------------------- */

struct tcpinfo {
    bool tcp;
    int family;
    const unsigned char *src, *dst; /* addresses inside the frame */
    size_t l3, l4, l4len;           /* offsets and TCP length (header + payload) */
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    size_t payload;
};

static uint16_t rd16(const unsigned char *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void decode(const unsigned char *f, size_t len, struct tcpinfo *t)
{
    memset(t, 0, sizeof *t);
    if (len < 14)
        return;
    size_t off = 14;
    uint16_t type = rd16(f + 12);
    while ((type == 0x8100 || type == 0x88a8) && len >= off + 4) {
        type = rd16(f + off + 2);
        off += 4;
    }
    t->l3 = off;
    if (type == 0x0800) {
        if (len < off + 20 || (f[off] >> 4) != 4)
            return;
        size_t ihl = (size_t)(f[off] & 15) * 4;
        size_t tot = rd16(f + off + 2);
        if (f[off + 9] != 6 || ihl < 20 || tot < ihl || len < off + tot || (rd16(f + off + 6) & 0x3fff))
            return;
        t->family = 4;
        t->src = f + off + 12;
        t->dst = f + off + 16;
        t->l4 = off + ihl;
        t->l4len = tot - ihl;
    } else if (type == 0x86dd) {
        if (len < off + 40 || f[off + 6] != 6)
            return;
        size_t plen = rd16(f + off + 4);
        if (len < off + 40 + plen)
            return;
        t->family = 6;
        t->src = f + off + 8;
        t->dst = f + off + 24;
        t->l4 = off + 40;
        t->l4len = plen;
    } else {
        return;
    }
    if (t->l4len < 20)
        return;
    const unsigned char *h = f + t->l4;
    size_t doff = (size_t)(h[12] >> 4) * 4;
    if (doff < 20 || doff > t->l4len)
        return;
    t->tcp = true;
    t->sport = rd16(h);
    t->dport = rd16(h + 2);
    t->seq = rd32(h + 4);
    t->ack = rd32(h + 8);
    t->flags = h[13];
    t->payload = t->l4len - doff;
}

static uint32_t sum16(const unsigned char *p, size_t n, uint32_t acc)
{
    for (; n > 1; n -= 2, p += 2)
        acc += rd16(p);
    if (n)
        acc += (uint32_t)p[0] << 8;
    return acc;
}

/* Completes the TCP checksum (the sender left it to the NIC). */
static void fix_checksum(unsigned char *f, const struct tcpinfo *t)
{
    unsigned char *h = f + t->l4;
    h[16] = h[17] = 0;
    uint32_t acc = 0;
    size_t alen = t->family == 4 ? 4 : 16;
    acc = sum16(t->src, alen, acc);
    acc = sum16(t->dst, alen, acc);
    acc += 6;
    acc += (uint32_t)(t->l4len & 0xffff);
    acc += (uint32_t)(t->l4len >> 16);
    acc = sum16(h, t->l4len, acc);
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    uint16_t c = (uint16_t)~acc;
    h[16] = (unsigned char)(c >> 8);
    h[17] = (unsigned char)c;
}

static bool matches(enum match m, const struct tcpinfo *t)
{
    switch (m) {
    case M_ANY: return true;
    case M_TCP: return t->tcp;
    case M_SYN: return t->tcp && (t->flags & 0x02);
    case M_FIN: return t->tcp && (t->flags & 0x01);
    case M_RST: return t->tcp && (t->flags & 0x04);
    case M_DATA: return t->tcp && t->payload > 0;
    }
    return false;
}

static void endpoint_text(int family, const unsigned char *a, uint16_t port, char *buf, size_t n)
{
    char ip[INET6_ADDRSTRLEN];
    inet_ntop(family == 4 ? AF_INET : AF_INET6, a, ip, sizeof ip);
    if (family == 4)
        snprintf(buf, n, "%s:%u", ip, port);
    else
        snprintf(buf, n, "[%s]:%u", ip, port);
}

static void log_frame(const struct frame *fr)
{
    struct tcpinfo t;
    decode(fr->data, fr->len, &t);
    fprintf(R.log, "%ld %s %lld %lld %lld ", fr->id, dir_name[fr->dir], (long long)fr->ingress_us,
            (long long)fr->tap_us, (long long)fr->egress_us);
    if (!t.tcp) {
        fprintf(R.log, "other - - - - - %zu\n", fr->len);
        return;
    }
    char s[64], d[64], fl[9];
    endpoint_text(t.family, t.src, t.sport, s, sizeof s);
    endpoint_text(t.family, t.dst, t.dport, d, sizeof d);
    static const struct { uint8_t bit; char c; } bits[] = {
        { 0x02, 'S' }, { 0x01, 'F' }, { 0x04, 'R' }, { 0x08, 'P' },
        { 0x10, 'A' }, { 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'C' },
    };
    int n = 0;
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
        if (t.flags & bits[i].bit)
            fl[n++] = bits[i].c;
    fl[n] = '\0';
    fprintf(R.log, "tcp %s %s %s %lu %lu %zu\n", s, d, n ? fl : "-", (unsigned long)t.seq,
            (unsigned long)t.ack, t.payload);
}

/* ---- queues ----------------------------------------------------------- */

static void push(struct queue *q, struct frame *f)
{
    f->next = NULL;
    if (q->tail)
        q->tail->next = f;
    else
        q->head = f;
    q->tail = f;
}

static struct frame *pop(struct queue *q)
{
    struct frame *f = q->head;
    if (f) {
        q->head = f->next;
        if (!q->head)
            q->tail = NULL;
    }
    return f;
}

static void finish(struct frame *f)
{
    log_frame(f);
    free(f);
}

static void tap(struct frame *f)
{
    if (!f->drop_pre && capture_on) {
        f->tap_us = real_us();
        struct pcap_pkthdr h;
        h.ts.tv_sec = (time_t)(f->tap_us / 1000000);
        h.ts.tv_usec = (suseconds_t)(f->tap_us % 1000000);
        h.caplen = h.len = (bpf_u_int32)f->len;
        pcap_dump((u_char *)R.dumper, &h, f->data);
    }
    if (f->drop_pre) {
        finish(f);
        return;
    }
    f->due_mono_ns = mono_ns() + R.post_ns[f->dir];
    push(&R.stage2[f->dir], f);
}

static void deliver(struct frame *f)
{
    if (!f->drop_post) {
        struct sockaddr_ll to;
        memset(&to, 0, sizeof to);
        to.sll_family = AF_PACKET;
        to.sll_ifindex = R.ifindex[f->dir == C2S ? S2C : C2S];
        to.sll_halen = 6;
        memcpy(to.sll_addr, f->data, 6);
        f->egress_us = real_us();
        if (sendto(R.fd[f->dir == C2S ? S2C : C2S], f->data, f->len, 0, (struct sockaddr *)&to,
                   sizeof to) < 0) {
            fprintf(stderr, "relay: sendto (%zu bytes): %s\n", f->len, strerror(errno));
            f->egress_us = 0;
        }
    }
    finish(f);
}

static void ingress(int dir, const unsigned char *data, size_t len, bool csum_not_ready)
{
    struct frame *f = malloc(sizeof *f + len);
    if (!f)
        die("malloc");
    memset(f, 0, sizeof *f);
    memcpy(f->data, data, len);
    f->len = len;
    f->id = ++R.next_id;
    f->dir = dir;
    f->ingress_us = real_us();
    struct tcpinfo t;
    decode(f->data, len, &t);
    if (t.tcp && csum_not_ready)
        fix_checksum(f->data, &t);
    for (int i = 0; i < R.ndrops; i++) {
        struct drop_rule *r = &R.drops[i];
        if (r->dir != dir || !matches(r->match, &t))
            continue;
        r->seen++;
        if (r->seen >= r->from && (r->to < 0 || r->seen <= r->to)) {
            if (r->post)
                f->drop_post = true;
            else
                f->drop_pre = true;
        }
    }
    f->due_mono_ns = mono_ns() + R.pre_ns[dir];
    push(&R.stage1[dir], f);
}

/* ---- sockets ---------------------------------------------------------- */

static int open_packet_socket(const char *ifname, int *ifindex)
{
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL));
    if (fd < 0)
        die("socket(AF_PACKET)");
    *ifindex = (int)if_nametoindex(ifname);
    if (!*ifindex) {
        fprintf(stderr, "relay: no interface %s\n", ifname);
        exit(1);
    }
    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = *ifindex;
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0)
        die("bind(AF_PACKET)");
    int one = 1;
    if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) != 0)
        die("PACKET_AUXDATA");
    if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) != 0)
        die("PACKET_IGNORE_OUTGOING");
    struct packet_mreq mr;
    memset(&mr, 0, sizeof mr);
    mr.mr_ifindex = *ifindex;
    mr.mr_type = PACKET_MR_PROMISC;
    if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) != 0)
        die("PACKET_ADD_MEMBERSHIP");
    int big = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    return fd;
}

static void read_all(int dir)
{
    static unsigned char buf[MAX_FRAME];
    for (;;) {
        struct sockaddr_ll from;
        char cbuf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
        struct iovec iov = { buf, sizeof buf };
        struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov,
                             .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
        ssize_t n = recvmsg(R.fd[dir], &mh, MSG_TRUNC);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            if (errno == EINTR)
                continue;
            die("recvmsg");
        }
        if (from.sll_pkttype == PACKET_OUTGOING)
            continue;
        if ((size_t)n > sizeof buf) {
            fprintf(stderr, "relay: frame of %zd bytes truncated (GSO?)\n", n);
            n = sizeof buf;
        }
        bool csum_not_ready = false;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
            if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
                struct tpacket_auxdata aux;
                memcpy(&aux, CMSG_DATA(c), sizeof aux);
                csum_not_ready = aux.tp_status & TP_STATUS_CSUMNOTREADY;
            }
        }
        ingress(dir, buf, (size_t)n, csum_not_ready);
    }
}

int main(int argc, char **argv)
{
    const char *ifc = NULL, *ifs = NULL, *pcap_path = NULL, *log_path = NULL;
    bool late = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (strcmp(a, "-c") == 0 && has)
            ifc = argv[++i];
        else if (strcmp(a, "-s") == 0 && has)
            ifs = argv[++i];
        else if (strcmp(a, "-w") == 0 && has)
            pcap_path = argv[++i];
        else if (strcmp(a, "-l") == 0 && has)
            log_path = argv[++i];
        else if (strcmp(a, "--delay") == 0 && has)
            parse_delay(argv[++i]);
        else if (strcmp(a, "--drop") == 0 && has)
            parse_drop(argv[++i]);
        else if (strcmp(a, "--late") == 0)
            late = true;
        else
            usage("bad arguments");
    }
    if (!ifc || !ifs || !pcap_path || !log_path)
        usage("-c, -s, -w and -l are required");

    /* Frames read on the client-facing interface travel c2s. */
    R.fd[C2S] = open_packet_socket(ifc, &R.ifindex[C2S]);
    R.fd[S2C] = open_packet_socket(ifs, &R.ifindex[S2C]);

    R.dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, MAX_FRAME, PCAP_TSTAMP_PRECISION_MICRO);
    if (!R.dead || !(R.dumper = pcap_dump_open(R.dead, pcap_path))) {
        fprintf(stderr, "relay: cannot write %s\n", pcap_path);
        return 1;
    }
    if (!(R.log = fopen(log_path, "w")))
        die(log_path);

    sigset_t block, empty;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    sigemptyset(&empty);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    if (late)
        capture_on = 0;

    printf("ready\n");
    fflush(stdout);

    while (!stop_flag) {
        int64_t now = mono_ns();
        bool moved = true;
        while (moved) {
            moved = false;
            for (int d = 0; d < NDIR; d++) {
                if (R.stage1[d].head && R.stage1[d].head->due_mono_ns <= now) {
                    tap(pop(&R.stage1[d]));
                    moved = true;
                }
                if (R.stage2[d].head && R.stage2[d].head->due_mono_ns <= now) {
                    deliver(pop(&R.stage2[d]));
                    moved = true;
                }
            }
        }
        int64_t next = INT64_MAX;
        for (int d = 0; d < NDIR; d++) {
            if (R.stage1[d].head && R.stage1[d].head->due_mono_ns < next)
                next = R.stage1[d].head->due_mono_ns;
            if (R.stage2[d].head && R.stage2[d].head->due_mono_ns < next)
                next = R.stage2[d].head->due_mono_ns;
        }
        struct timespec tmo, *tp = NULL;
        if (next != INT64_MAX) {
            int64_t wait = next - mono_ns();
            if (wait < 0)
                wait = 0;
            tmo.tv_sec = (time_t)(wait / 1000000000);
            tmo.tv_nsec = (long)(wait % 1000000000);
            tp = &tmo;
        }
        struct pollfd p[NDIR] = { { R.fd[C2S], POLLIN, 0 }, { R.fd[S2C], POLLIN, 0 } };
        int rc = ppoll(p, NDIR, tp, &empty);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            die("ppoll");
        }
        for (int d = 0; d < NDIR; d++)
            if (p[d].revents & POLLIN)
                read_all(d);
    }

    /* Whatever is still queued was never delivered (and perhaps never seen). */
    for (int d = 0; d < NDIR; d++) {
        struct frame *f;
        while ((f = pop(&R.stage1[d])) != NULL)
            finish(f);
        while ((f = pop(&R.stage2[d])) != NULL)
            finish(f);
    }
    pcap_dump_close(R.dumper);
    pcap_close(R.dead);
    fclose(R.log);
    return 0;
}
