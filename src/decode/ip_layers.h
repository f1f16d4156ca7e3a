/* ip_layers.h - per-version IP decoders that ws_decode_ip() dispatches to (private to src/decode). */
#ifndef WIRESTATE_DECODE_IP_LAYERS_H
#define WIRESTATE_DECODE_IP_LAYERS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "bytes.h"
#include "wirestate/decode.h"

/* IANA protocol number of TCP, as it appears in the IPv4 protocol field and
 * the IPv6 next-header chain. */
#define WS_IP_PROTO_TCP 6u

/* Both take the IP packet starting at its first byte, caplen captured bytes
 * of it, and wirelen its length on the wire (ws_decode_ip() guarantees
 * wirelen >= caplen).  On success they fill seg->src/dst and everything
 * ws_decode_tcp() fills. */
enum ws_decode_result ws_decode_ipv4(const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                                     struct ws_segment *seg);
enum ws_decode_result ws_decode_ipv6(const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                                     struct ws_segment *seg);

/* Fill an address of the given family (4 or 6) from n bytes at off; an IPv4
 * address takes the first 4 bytes and the rest stay zero (see segment.h). */
static inline bool ws_load_addr(struct ws_addr *a, uint8_t family, const uint8_t *p,
                                uint32_t len, uint32_t off, uint32_t n)
{
    memset(a->bytes, 0, sizeof a->bytes);
    a->family = family;
    return n <= sizeof a->bytes && ws_rd_copy(p, len, off, a->bytes, n);
}

#endif
