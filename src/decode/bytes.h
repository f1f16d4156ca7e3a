/* bytes.h - bounds-checked big/little-endian reads from captured packet bytes (private to src/decode). */
#ifndef WIRESTATE_DECODE_BYTES_H
#define WIRESTATE_DECODE_BYTES_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Every read names the buffer, its readable length and the offset wanted, and
 * returns false instead of reading when any byte would lie outside [0, len).
 * Values are composed byte by byte from uint8_t, so there are no unaligned
 * loads, no dependence on host byte order and no shifts into a sign bit.
 * The pointer is only offset after the range check, so a NULL buffer with
 * len 0 is never touched. */

/* True when n bytes starting at off lie inside a buffer of len bytes.
 * Written without off + n so it cannot wrap. */
static inline bool ws_span_ok(uint32_t len, uint32_t off, uint32_t n)
{
    return n <= len && off <= len - n;
}

static inline bool ws_rd_u8(const uint8_t *p, uint32_t len, uint32_t off, uint8_t *out)
{
    if (!ws_span_ok(len, off, 1))
        return false;
    *out = p[off];
    return true;
}

static inline bool ws_rd_be16(const uint8_t *p, uint32_t len, uint32_t off, uint16_t *out)
{
    if (!ws_span_ok(len, off, 2))
        return false;
    *out = (uint16_t)(((uint32_t)p[off] << 8) | (uint32_t)p[off + 1]);
    return true;
}

static inline bool ws_rd_be32(const uint8_t *p, uint32_t len, uint32_t off, uint32_t *out)
{
    if (!ws_span_ok(len, off, 4))
        return false;
    *out = ((uint32_t)p[off] << 24) | ((uint32_t)p[off + 1] << 16) |
           ((uint32_t)p[off + 2] << 8) | (uint32_t)p[off + 3];
    return true;
}

static inline bool ws_rd_le32(const uint8_t *p, uint32_t len, uint32_t off, uint32_t *out)
{
    if (!ws_span_ok(len, off, 4))
        return false;
    *out = ((uint32_t)p[off + 3] << 24) | ((uint32_t)p[off + 2] << 16) |
           ((uint32_t)p[off + 1] << 8) | (uint32_t)p[off];
    return true;
}

/* Copy n bytes at off into dst (addresses). */
static inline bool ws_rd_copy(const uint8_t *p, uint32_t len, uint32_t off, void *dst, uint32_t n)
{
    if (!ws_span_ok(len, off, n))
        return false;
    memcpy(dst, p + off, n);
    return true;
}

/* The bytes from off to the end, as a new (pointer, length) view: how a layer
 * hands the rest of the packet to the next one. */
static inline bool ws_tail(const uint8_t *p, uint32_t len, uint32_t off,
                           const uint8_t **rest, uint32_t *rest_len)
{
    if (off > len)
        return false;
    *rest = off == 0 ? p : p + off;
    *rest_len = len - off;
    return true;
}

#endif
