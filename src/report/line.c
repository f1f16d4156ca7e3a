/* line.c - the appenders behind every output line. */
#include "line.h"

#include <arpa/inet.h>
#include <string.h>

#include "wirestate/config.h"

void ws_line_mem(struct ws_line *l, const char *s, size_t n)
{
    size_t room = sizeof l->buf - l->len;
    if (n > room)
        n = room;
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

void ws_line_str(struct ws_line *l, const char *s)
{
    ws_line_mem(l, s, strlen(s));
}

void ws_line_char(struct ws_line *l, char c)
{
    if (l->len < sizeof l->buf)
        l->buf[l->len++] = c;
}

void ws_line_u64(struct ws_line *l, uint64_t v)
{
    char digits[20];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        ws_line_char(l, digits[--n]);
}

void ws_line_epoch(struct ws_line *l, int64_t us)
{
    uint64_t mag = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
    if (us < 0)
        ws_line_char(l, '-');
    ws_line_u64(l, mag / WS_USEC_PER_SEC);
    ws_line_char(l, '.');
    uint64_t frac = mag % WS_USEC_PER_SEC;
    char six[6];
    for (int i = 5; i >= 0; i--) {
        six[i] = (char)('0' + frac % 10);
        frac /= 10;
    }
    ws_line_mem(l, six, sizeof six);
}

void ws_line_json_str(struct ws_line *l, const char *s)
{
    static const char hex[] = "0123456789abcdef";
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

static void ipv4(struct ws_line *l, const uint8_t *a)
{
    for (int i = 0; i < 4; i++) {
        if (i)
            ws_line_char(l, '.');
        ws_line_u64(l, a[i]);
    }
}

void ws_line_endpoint(struct ws_line *l, const struct ws_endpoint *e)
{
    if (e->addr.family == 6) {
        char ip[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, e->addr.bytes, ip, sizeof ip);
        ws_line_char(l, '[');
        ws_line_str(l, ip);
        ws_line_char(l, ']');
    } else {
        ipv4(l, e->addr.bytes);
    }
    ws_line_char(l, ':');
    ws_line_u64(l, e->port);
}

void ws_line_json_key_str(struct ws_line *l, const char *key, const char *value)
{
    ws_line_mem(l, ",\"", 2);
    ws_line_str(l, key);
    ws_line_mem(l, "\":", 2);
    ws_line_json_str(l, value);
}

void ws_line_json_key_u64(struct ws_line *l, const char *key, uint64_t value)
{
    ws_line_mem(l, ",\"", 2);
    ws_line_str(l, key);
    ws_line_mem(l, "\":", 2);
    ws_line_u64(l, value);
}

void ws_line_json_key_name(struct ws_line *l, const char *key, const char *value)
{
    ws_line_mem(l, ",\"", 2);
    ws_line_str(l, key);
    ws_line_mem(l, "\":\"", 3);
    ws_line_str(l, value);
    ws_line_char(l, '"');
}

static void flags(struct ws_line *l, uint16_t f)
{
    static const struct { uint16_t bit; const char *name; } names[] = {
        { WS_TCP_SYN, "SYN" }, { WS_TCP_FIN, "FIN" }, { WS_TCP_RST, "RST" }, { WS_TCP_ACK, "ACK" },
    };
    bool any = false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(f & names[i].bit))
            continue;
        if (any)
            ws_line_char(l, '+');
        ws_line_str(l, names[i].name);
        any = true;
    }
    if (!any)
        ws_line_str(l, "no flags");
}

void ws_line_cause(struct ws_line *l, const struct ws_event *ev)
{
    const struct ws_cause *c = &ev->cause;
    switch (c->kind) {
    case WS_CAUSE_SEGMENT:
        flags(l, c->flags);
        ws_line_str(l, c->dir == WS_DIR_SENT ? " to peer" : " from peer");
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
    return fwrite(l->buf, 1, l->len, out) == l->len;
}
