/* line.c - the appenders behind every output line. */
#include "line.h"

#include <string.h>

#include "wirestate/config.h"

/* Two digits per division: numbers are most of a JSON line. */
static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

void ws_line_cut(struct ws_line *l, const char *s, size_t n)
{
    size_t room = sizeof l->buf - l->len;
    memcpy(l->buf + l->len, s, n < room ? n : room);
    l->len += n < room ? n : room;
}

/* Writes the two digits of v < 100 just before p; returns where they start. */
static inline char *pair_before(char *p, unsigned v)
{
    p -= 2;
    memcpy(p, digit_pairs + v * 2, 2);
    return p;
}

/* The decimal digits of v, last first, ending just before end (20 at most);
 * returns where they start.  No count of the digits beforehand: callers copy
 * a fixed size from there and keep end - start bytes.  One 64-bit division
 * per four digits; the two pairs within come from 32-bit ones. */
static inline char *digits_before(char *end, uint64_t v)
{
    char *p = end;
    for (; v >= 10000; v /= 10000) {
        unsigned four = (unsigned)(v % 10000);
        p = pair_before(p, four % 100);
        p = pair_before(p, four / 100);
    }
    unsigned w = (unsigned)v;
    if (w >= 100) {
        p = pair_before(p, w % 100);
        w /= 100;
    }
    if (w >= 10)
        p = pair_before(p, w);
    else
        *--p = (char)('0' + w);
    return p;
}

/* How many decimal digits v has, 1 to 20.  bits * 1233 / 4096 is
 * bits * log10(2) rounded down: the count of digits, or one less. */
static inline unsigned decimal_length(uint64_t v)
{
    static const uint64_t powers_of_ten[20] = {
        1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
        100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
        10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
        100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL,
    };
    uint64_t odd = v | 1;   /* the same count of digits, and never 0 */
    unsigned bits = 64u - (unsigned)__builtin_clzll(odd);
    unsigned n = bits * 1233u >> 12;
    return n + (odd >= powers_of_ten[n]);
}

/* Room for an appender to write its text straight into the line: numbers,
 * microseconds and endpoints do, when there is this much, rather than make
 * the text in a buffer of their own and copy it.  A copy reads back bytes
 * just written in small pieces, and such a load waits until those stores
 * reach the cache.  (Transition lines formatted in a loop, 20 M of them:
 * JSON 73-86 -> 62-79 ns per line, text 85-103 -> 63-70.) */
#define LINE_ROOM_IN_PLACE 64

static inline char *line_end_if_room(struct ws_line *l)
{
    return sizeof l->buf - l->len >= LINE_ROOM_IN_PLACE ? l->buf + l->len : NULL;
}

void ws_line_u64(struct ws_line *l, uint64_t v)
{
    char *dst = line_end_if_room(l);
    if (dst) {
        unsigned n = decimal_length(v);
        digits_before(dst + n, v);
        l->len += n;
        return;
    }
    char text[40];
    char *p = digits_before(text + 20, v);
    ws_line_padded(l, p, 20, (size_t)(text + 20 - p));
}

void ws_line_i64(struct ws_line *l, int64_t v)
{
    if (v < 0)
        ws_line_char(l, '-');
    ws_line_u64(l, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

void ws_line_2digits(struct ws_line *l, unsigned v)
{
    ws_line_mem(l, digit_pairs + v % 100 * 2, 2);
}

/* The six digits of v < 1000000 at text. */
static inline void six_digits(char *text, unsigned v)
{
    pair_before(text + 6, v % 100);
    pair_before(text + 4, v / 100 % 100);
    pair_before(text + 2, v / 10000 % 100);
}

void ws_line_micros(struct ws_line *l, unsigned v)
{
    char *dst = line_end_if_room(l);
    if (dst) {
        six_digits(dst, v);
        l->len += 6;
        return;
    }
    char six[8];
    six_digits(six, v);
    ws_line_padded(l, six, sizeof six, 6);
}

/* Consecutive lines mostly fall in the same second: its digits, with the
 * point after them, are kept. */
static const struct ws_line_words *epoch_seconds(uint64_t sec)
{
    static uint64_t last_sec = UINT64_MAX;
    static struct ws_line_words last;
    if (sec != last_sec) {
        struct ws_line l;
        ws_line_reset(&l);
        ws_line_u64(&l, sec);
        ws_line_char(&l, '.');
        memcpy(last.text, l.buf, l.len);   /* 21 bytes at most */
        last.len = (uint8_t)l.len;
        last_sec = sec;
    }
    return &last;
}

void ws_line_epoch(struct ws_line *l, int64_t us)
{
    uint64_t mag = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
    if (us < 0)
        ws_line_char(l, '-');
    uint64_t sec = mag / WS_USEC_PER_SEC;
    ws_line_words(l, epoch_seconds(sec));
    ws_line_micros(l, (unsigned)(mag - sec * WS_USEC_PER_SEC));
}

void ws_line_json_str(struct ws_line *l, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    if (!s) {
        WS_LINE_LIT(l, "null");
        return;
    }
    ws_line_char(l, '"');
    const char *run = s;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p != '"' && *p != '\\')
            continue;
        ws_line_mem(l, run, (size_t)((const char *)p - run));
        run = (const char *)p + 1;
        switch (*p) {
        case '"': ws_line_mem(l, "\\\"", 2); break;
        case '\\': ws_line_mem(l, "\\\\", 2); break;
        case '\n': ws_line_mem(l, "\\n", 2); break;
        case '\t': ws_line_mem(l, "\\t", 2); break;
        default: {
            char esc[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };
            ws_line_mem(l, esc, sizeof esc);
        }
        }
    }
    ws_line_str(l, run);
    ws_line_char(l, '"');
}

/* Each octet of a dotted quad as text with its dot after it, "0." to "255.",
 * and that length: an IPv4 address is four fixed-size copies. */
#define OCTET(n) { #n ".", sizeof #n }
#define OCTETS_TENS(t) OCTET(t##0), OCTET(t##1), OCTET(t##2), OCTET(t##3), OCTET(t##4), \
                       OCTET(t##5), OCTET(t##6), OCTET(t##7), OCTET(t##8), OCTET(t##9)
static const struct { char text[5]; uint8_t len; } octets[256] = {
    OCTET(0), OCTET(1), OCTET(2), OCTET(3), OCTET(4), OCTET(5), OCTET(6), OCTET(7), OCTET(8), OCTET(9),
    OCTETS_TENS(1), OCTETS_TENS(2), OCTETS_TENS(3), OCTETS_TENS(4), OCTETS_TENS(5), OCTETS_TENS(6),
    OCTETS_TENS(7), OCTETS_TENS(8), OCTETS_TENS(9), OCTETS_TENS(10), OCTETS_TENS(11), OCTETS_TENS(12),
    OCTETS_TENS(13), OCTETS_TENS(14), OCTETS_TENS(15), OCTETS_TENS(16), OCTETS_TENS(17), OCTETS_TENS(18),
    OCTETS_TENS(19), OCTETS_TENS(20), OCTETS_TENS(21), OCTETS_TENS(22), OCTETS_TENS(23), OCTETS_TENS(24),
    OCTET(250), OCTET(251), OCTET(252), OCTET(253), OCTET(254), OCTET(255),
};

/* Dotted quad into text, which needs 16 bytes; returns its length (15 at most). */
static inline size_t ipv4_text(char *text, const uint8_t *a)
{
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        memcpy(text + n, octets[a[i]].text, 4);
        n += octets[a[i]].len;
    }
    return n - 1;   /* the last octet's dot is not part of it */
}

/* One group in lowercase hex without leading zeros (RFC 5952 4.1, 4.3). */
static size_t hex_group(char *text, unsigned v)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    if (v >= 0x1000)
        text[n++] = hex[v >> 12];
    if (v >= 0x100)
        text[n++] = hex[(v >> 8) & 15];
    if (v >= 0x10)
        text[n++] = hex[(v >> 4) & 15];
    text[n++] = hex[v & 15];
    return n;
}

/* The run of zero groups that "::" stands for: the longest, the first of
 * equally long ones, and none shorter than two groups (RFC 5952 4.2).
 * *len is 0 when nothing is compressed. */
static void zero_run(const unsigned g[8], int *start, int *len)
{
    int run = 0;
    *start = 0;
    *len = 0;
    for (int i = 0; i < 8; i++) {
        run = g[i] ? 0 : run + 1;
        if (run > *len) {   /* strictly longer: a tie keeps the first */
            *len = run;
            *start = i + 1 - run;
        }
    }
    if (*len < 2)
        *len = 0;
}

/* RFC 5952 text of an IPv6 address into text (45 bytes at most); returns its
 * length.  glibc's inet_ntop calls sprintf for every group: an eighth of the
 * instructions of a --json run with one flow in ten on IPv6.  As with glibc's
 * inet_ntop, so that output stays as it was, an address ends in a dotted quad
 * when the compressed run is exactly the first six groups (IPv4-compatible,
 * ::a.b.c.d) or the first five before ffff (IPv4-mapped, ::ffff:a.b.c.d). */
static size_t ipv6_text(char *text, const uint8_t *a)
{
    unsigned g[8];
    for (int i = 0; i < 8; i++)
        g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
    int start, len;
    zero_run(g, &start, &len);
    size_t n = 0;
    bool dotted = start == 0 && (len == 6 || (len == 5 && g[5] == 0xffff));
    int groups = dotted ? 6 : 8;
    for (int i = 0; i < groups; i++) {
        if (len && i == start) {
            text[n++] = ':';
            text[n++] = ':';
            i += len - 1;
            continue;
        }
        if (i && !(len && i == start + len))
            text[n++] = ':';   /* "::" already separates the group after the run */
        n += hex_group(text + n, g[i]);
    }
    if (dotted) {
        if (len == 5)
            text[n++] = ':';
        n += ipv4_text(text + n, a + 12);
    }
    return n;
}

/* ":" and the port's digits into text, which needs 6 bytes; returns their length. */
static size_t port_text(char *text, uint16_t port)
{
    unsigned n = decimal_length(port);
    text[0] = ':';
    digits_before(text + 1 + n, port);
    return 1 + n;
}

/* "192.0.2.1:80" or "[2001:db8::1]:443" into text, which needs 56 bytes;
 * returns its length. */
static size_t endpoint_text(char *text, const struct ws_endpoint *e)
{
    size_t n = 0;
    if (e->addr.family == 6) {
        text[n++] = '[';
        n += ipv6_text(text + n, e->addr.bytes);
        text[n++] = ']';
    } else {
        n = ipv4_text(text, e->addr.bytes);
    }
    return n + port_text(text + n, e->port);
}

/* Made in the line itself; only near the end of an overlong line in a
 * buffer first, and cut. */
void ws_line_endpoint(struct ws_line *l, const struct ws_endpoint *e)
{
    _Static_assert(LINE_ROOM_IN_PLACE >= 56, "an endpoint fits the room");
    char *dst = line_end_if_room(l);
    if (dst) {
        l->len += endpoint_text(dst, e);
        return;
    }
    char text[56];
    ws_line_mem(l, text, endpoint_text(text, e));
}

static void flags(struct ws_line *l, uint16_t f)
{
    static const struct { uint16_t bit; char name[4]; } names[] = {
        { WS_TCP_SYN, "SYN" }, { WS_TCP_FIN, "FIN" }, { WS_TCP_RST, "RST" }, { WS_TCP_ACK, "ACK" },
    };
    bool any = false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(f & names[i].bit))
            continue;
        if (any)
            ws_line_char(l, '+');
        ws_line_mem(l, names[i].name, 3);
        any = true;
    }
    if (!any)
        WS_LINE_LIT(l, "no flags");
}

/* "SYN+ACK to peer" */
static void segment_text(struct ws_line *l, uint16_t f, enum ws_direction dir)
{
    flags(l, f);
    if (dir == WS_DIR_SENT)
        WS_LINE_LIT(l, " to peer");
    else
        WS_LINE_LIT(l, " from peer");
}

/* The four flags a cause names, as four bits: FIN, SYN and RST where they
 * are, ACK next to them. */
static unsigned flag_bits(uint16_t f)
{
    return (f & (WS_TCP_FIN | WS_TCP_SYN | WS_TCP_RST)) | (f & WS_TCP_ACK ? 8u : 0u);
}

/* Most transitions are caused by a segment: its words, for each direction
 * and each of the 16 combinations of flags, are made by ws_line_prepare(). */
static struct ws_line_words segment_table[2][16];

void ws_line_prepare(void)
{
    for (int sent = 0; sent < 2; sent++)
        for (unsigned bits = 0; bits < 16; bits++) {
            uint16_t f = (uint16_t)((bits & 7) | (bits & 8 ? WS_TCP_ACK : 0));
            struct ws_line l;
            ws_line_reset(&l);
            segment_text(&l, f, sent ? WS_DIR_SENT : WS_DIR_RCVD);
            struct ws_line_words *w = &segment_table[sent][bits];
            if (l.len < sizeof w->text) {   /* 25 bytes at most */
                memcpy(w->text, l.buf, l.len);
                w->len = (uint8_t)l.len;
            }
        }
}

/* Made from the flags when the table is not made (yet). */
static void segment_words(struct ws_line *l, uint16_t f, enum ws_direction dir)
{
    const struct ws_line_words *w = &segment_table[dir == WS_DIR_SENT][flag_bits(f)];
    if (w->len)
        ws_line_words(l, w);
    else
        segment_text(l, f, dir);
}

void ws_line_cause(struct ws_line *l, const struct ws_event *ev)
{
    const struct ws_cause *c = &ev->cause;
    switch (c->kind) {
    case WS_CAUSE_SEGMENT:
        segment_words(l, c->flags, c->dir);
        if (c->note) {
            ws_line_mem(l, " (", 2);
            ws_line_str(l, c->note);
            ws_line_char(l, ')');
        }
        break;
    case WS_CAUSE_TIMER:
        ws_line_str(l, c->note ? c->note : "timer");
        ws_line_mem(l, " (", 2);
        ws_line_u64(l, (uint64_t)(c->seconds < 0 ? 0 : c->seconds));
        ws_line_mem(l, "s)", 2);
        break;
    case WS_CAUSE_NOTE:
        ws_line_str(l, c->note ? c->note : "");
        break;
    case WS_CAUSE_TEXT:
    default:
        ws_line_str(l, ev->text);
        break;
    }
}

bool ws_line_write(const struct ws_line *l, FILE *out)
{
#ifdef __GLIBC__
    /* One thread writes: the stream's lock is pure cost. */
    return fwrite_unlocked(l->buf, 1, l->len, out) == l->len;
#else
    return fwrite(l->buf, 1, l->len, out) == l->len;
#endif
}
