/* line.h - building one output line in memory, then one fwrite.
 *
 * printf-style formatting was most of wirestate's time with --json (it parses
 * its format string for every field); these appenders do only what each
 * field needs.  A line longer than the buffer is cut, never overrun. */
#ifndef WIRESTATE_REPORT_LINE_H
#define WIRESTATE_REPORT_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "wirestate/event.h"

struct ws_line {
    size_t len;
    char buf[1024];
};

static inline void ws_line_reset(struct ws_line *l) { l->len = 0; }

/* The end of an overlong line: as much of s as fits.  Out of line, so that
 * the appenders below, inline, keep no registers for it. */
void ws_line_cut(struct ws_line *l, const char *s, size_t n);

/* The small appenders are inline: a JSON line makes about thirty calls, and
 * with literal arguments the compiler turns most into a few stores. */
static inline void ws_line_mem(struct ws_line *l, const char *s, size_t n)
{
    if (n <= sizeof l->buf - l->len) {   /* always but at the end of an overlong line */
        memcpy(l->buf + l->len, s, n);
        l->len += n;
    } else {
        ws_line_cut(l, s, n);
    }
}

/* A string literal, its length known at compile time. */
#define WS_LINE_LIT(l, lit) ws_line_mem((l), "" lit, sizeof(lit) - 1)

/* A string; a missing one (NULL) is written "-", as ss and Zeek write an
 * unset field, never passed to strlen. */
static inline void ws_line_str(struct ws_line *l, const char *s)
{
    if (!s)
        s = "-";
    ws_line_mem(l, s, strlen(s));
}

/* n bytes of text from a buffer that holds cap readable bytes: with room for
 * all cap, one copy of that constant size, cheaper than a call to memcpy for
 * a length known only at run time; the line keeps n of them. */
static inline void ws_line_padded(struct ws_line *l, const char *text, size_t cap, size_t n)
{
    if (sizeof l->buf - l->len >= cap) {
        memcpy(l->buf + l->len, text, cap);
        l->len += n;
    } else {
        ws_line_cut(l, text, n);
    }
}

/* A short text made once and then copied whole, padding and all (32 bytes:
 * a table of them is indexed by a shift). */
struct ws_line_words {
    char text[31];
    uint8_t len;
};

static inline void ws_line_words(struct ws_line *l, const struct ws_line_words *w)
{
    ws_line_padded(l, w->text, sizeof w->text, w->len);
}

static inline void ws_line_char(struct ws_line *l, char c)
{
    if (l->len < sizeof l->buf)
        l->buf[l->len++] = c;
}

void ws_line_u64(struct ws_line *l, uint64_t v);
/* A sign when v is negative, then its digits: "-7", as "%lld". */
void ws_line_i64(struct ws_line *l, int64_t v);
/* Two digits, v < 100 with its leading zero: "07", as "%02u". */
void ws_line_2digits(struct ws_line *l, unsigned v);
/* The six digits after a second's point, v < 1000000 with its leading
 * zeros: "000100", as "%06u". */
void ws_line_micros(struct ws_line *l, unsigned v);
/* Seconds with exactly six decimals: "1700000000.000100", "-1.500000". */
void ws_line_epoch(struct ws_line *l, int64_t us);
/* A JSON string: quoted, with ", \ and control characters escaped; a
 * missing one (NULL) is JSON's null. */
void ws_line_json_str(struct ws_line *l, const char *s);
/* "192.0.2.1:80" or "[2001:db8::1]:443". */
void ws_line_endpoint(struct ws_line *l, const struct ws_endpoint *e);
/* ,"key": for a literal key. */
#define WS_JSON_KEY(l, key) WS_LINE_LIT((l), ",\"" key "\":")
/* The cause of a transition, as ws_event_cause_text() spells it; its parts
 * are wirestate's own fixed strings, so it needs no JSON escaping. */
void ws_line_cause(struct ws_line *l, const struct ws_event *ev);

/* Makes the tables ws_line_cause copies from (ws_reporter_init calls it). */
void ws_line_prepare(void);

/* Writes the line; returns false on a write error. */
bool ws_line_write(const struct ws_line *l, FILE *out);

#endif
