/* flood_gen.c - writes hostile-traffic captures for the flood tests.
 *
 *   flood_gen syn  N OUT        N SYNs from random spoofed sources to one server
 *   flood_gen rst  N E OUT      E established connections, then N RSTs with random
 *                               sequence numbers aimed at them (both directions)
 *   flood_gen scan N OUT        one source SYNs N ports; most answer RST+ACK, every
 *                               100th port SYN+ACK (then the scanner resets)
 *   flood_gen ack  N E OUT      E established connections, then N ACKs with no
 *                               handshake from random sources, then each of the E
 *                               connections sends one more segment each way
 *
 * Ethernet + IPv4 + TCP, deterministic (fixed seed), 1 µs apart.  Checksums are
 * left zero: wirestate does not verify them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FIN = 1, SYN = 2, RST = 4, ACK = 16 };

static FILE *out;
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t now_us = 1700000000ULL * 1000000ULL;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static void write_header(void)
{
    uint32_t h[6] = { 0xa1b2c3d4u, 0x00040002u, 0, 0, 65535, 1 };  /* LE host: v2.4 */
    fwrite(h, sizeof h, 1, out);
}

static void segment(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint32_t seq,
                    uint32_t ack, uint8_t flags)
{
    uint8_t f[54];
    memset(f, 0, sizeof f);
    f[12] = 0x08;                      /* IPv4 */
    uint8_t *ip = f + 14, *tcp = ip + 20;
    ip[0] = 0x45;
    put16(ip + 2, 40);
    ip[8] = 64;
    ip[9] = 6;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(tcp, sport);
    put16(tcp + 2, dport);
    put32(tcp + 4, seq);
    put32(tcp + 8, ack);
    tcp[12] = 0x50;
    tcp[13] = flags;
    put16(tcp + 14, 65535);
    uint32_t rec[4] = { (uint32_t)(now_us / 1000000), (uint32_t)(now_us % 1000000), sizeof f, sizeof f };
    fwrite(rec, sizeof rec, 1, out);
    fwrite(f, sizeof f, 1, out);
    now_us += 1;
}

#define SERVER 0xc000020aU   /* 192.0.2.10 */

struct conn { uint32_t client; uint16_t port; uint32_t cseq, sseq; };

static void establish(struct conn *c, uint32_t i)
{
    c->client = 0xc6336400U | (i >> 16 & 0xff);    /* 198.51.100.x */
    c->port = (uint16_t)(10000 + (i & 0xffff) % 50000);
    c->cseq = rnd();
    c->sseq = rnd();
    segment(c->client, c->port, SERVER, 80, c->cseq, 0, SYN);
    segment(SERVER, 80, c->client, c->port, c->sseq, c->cseq + 1, SYN | ACK);
    segment(c->client, c->port, SERVER, 80, c->cseq + 1, c->sseq + 1, ACK);
}

static void syn_flood(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++)
        segment(rnd() | 1, (uint16_t)(rnd() | 1024), SERVER, 80, rnd(), 0, SYN);
}

static void rst_flood(unsigned long n, unsigned long e)
{
    struct conn *c = calloc(e, sizeof *c);
    for (unsigned long i = 0; i < e; i++)
        establish(&c[i], (uint32_t)i);
    for (unsigned long i = 0; i < n; i++) {
        struct conn *k = &c[rnd() % e];
        if (rnd() & 1)
            segment(k->client, k->port, SERVER, 80, rnd(), 0, RST);
        else
            segment(SERVER, 80, k->client, k->port, rnd(), 0, RST);
    }
    free(c);
}

static void scan(unsigned long n)
{
    uint32_t scanner = 0xcb00710aU;   /* 203.0.113.10 */
    for (unsigned long p = 1; p <= n; p++) {
        uint32_t seq = rnd();
        uint16_t port = (uint16_t)(p % 65535 + 1);
        segment(scanner, 40000, SERVER, port, seq, 0, SYN);
        if (p % 100 == 0) {
            segment(SERVER, port, scanner, 40000, rnd(), seq + 1, SYN | ACK);
            segment(scanner, 40000, SERVER, port, seq + 1, 0, RST);
        } else {
            segment(SERVER, port, scanner, 40000, 0, seq + 1, RST | ACK);
        }
    }
}

static void ack_flood(unsigned long n, unsigned long e)
{
    struct conn *c = calloc(e, sizeof *c);
    for (unsigned long i = 0; i < e; i++)
        establish(&c[i], (uint32_t)i);
    for (unsigned long i = 0; i < n; i++)
        segment(rnd(), (uint16_t)(rnd() | 1024), SERVER, (uint16_t)(rnd() | 1), rnd(), rnd(), ACK);
    for (unsigned long i = 0; i < e; i++) {
        segment(c[i].client, c[i].port, SERVER, 80, c[i].cseq + 1, c[i].sseq + 1, ACK);
        segment(SERVER, 80, c[i].client, c[i].port, c[i].sseq + 1, c[i].cseq + 1, ACK);
    }
    free(c);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: flood_gen syn|scan N OUT | flood_gen rst|ack N E OUT\n");
        return 2;
    }
    const char *mode = argv[1];
    unsigned long n = strtoul(argv[2], NULL, 10);
    int two = strcmp(mode, "rst") == 0 || strcmp(mode, "ack") == 0;
    if (two && argc < 5) {
        fprintf(stderr, "flood_gen %s: needs N E OUT\n", mode);
        return 2;
    }
    unsigned long e = two ? strtoul(argv[3], NULL, 10) : 0;
    out = fopen(argv[two ? 4 : 3], "wb");
    if (!out || (two && e == 0)) {
        perror("flood_gen");
        return 1;
    }
    write_header();
    if (strcmp(mode, "syn") == 0)
        syn_flood(n);
    else if (strcmp(mode, "rst") == 0)
        rst_flood(n, e);
    else if (strcmp(mode, "scan") == 0)
        scan(n);
    else if (strcmp(mode, "ack") == 0)
        ack_flood(n, e);
    else {
        fprintf(stderr, "flood_gen: unknown mode %s\n", mode);
        return 2;
    }
    return fclose(out) == 0 ? 0 : 1;
}
