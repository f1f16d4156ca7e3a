/* ipv6.c - IPv6 header (RFC 8200): walks the extension-header chain to TCP, refusing non-first fragments. */
#include <stdbool.h>

#include "bytes.h"
#include "ip_layers.h"

#define IPV6_HDR_LEN 40u
/* RFC 8200 sets no limit on the chain; real packets carry a handful.  A cap
 * keeps a crafted packet from making us walk kilobytes of headers. */
#define IPV6_MAX_EXT_HEADERS 16u
#define IPV6_FRAG_HDR_LEN 8u
#define IPV6_FRAG_OFFSET_SHIFT 3u   /* offset is the top 13 bits of bytes 2-3 */

/* Next-header values (IANA "Assigned Internet Protocol Numbers"). */
enum {
    NH_HOPOPTS = 0,     /* RFC 8200 §4.3 */
    NH_ROUTING = 43,    /* RFC 8200 §4.4 */
    NH_FRAGMENT = 44,   /* RFC 8200 §4.5 */
    NH_ESP = 50,        /* RFC 4303: encrypted, TCP invisible */
    NH_AH = 51,         /* RFC 4302 */
    NH_NONE = 59,       /* RFC 8200 §4.7 */
    NH_DSTOPTS = 60,    /* RFC 8200 §4.6 */
    NH_MOBILITY = 135,  /* RFC 6275 */
    NH_HIP = 139,       /* RFC 7401 */
    NH_SHIM6 = 140      /* RFC 5533 */
};

/* Where the walk stands: offset of the header named by nh, and how many
 * bytes of the IP payload (per the IP header) remain from there. */
struct ipv6_walk {
    uint32_t off;
    uint32_t remaining;
    uint8_t nh;
};

/* Extension headers we can step over to look for TCP.  ESP and No Next
 * Header are deliberately absent: nothing readable follows them. */
static bool ipv6_is_skippable(uint8_t nh)
{
    switch (nh) {
    case NH_HOPOPTS:
    case NH_ROUTING:
    case NH_FRAGMENT:
    case NH_DSTOPTS:
    case NH_AH:
    case NH_MOBILITY:
    case NH_HIP:
    case NH_SHIM6:
        return true;
    default:
        return false;
    }
}

/* Size in bytes of the extension header of type nh at off. */
static bool ipv6_ext_len(uint8_t nh, const uint8_t *data, uint32_t caplen, uint32_t off,
                         uint32_t *len)
{
    uint8_t hdr_ext_len;

    if (nh == NH_FRAGMENT) {
        *len = IPV6_FRAG_HDR_LEN;   /* fixed size; its second byte is reserved */
        return true;
    }
    if (!ws_rd_u8(data, caplen, off + 1, &hdr_ext_len))
        return false;
    if (nh == NH_AH)
        *len = ((uint32_t)hdr_ext_len + 2u) * 4u;   /* RFC 4302 §2.2: 32-bit words, minus 2 */
    else
        *len = ((uint32_t)hdr_ext_len + 1u) * 8u;   /* RFC 8200 §4.3: 8-octet units, minus 1 */
    return true;
}

/* Result for a non-first fragment.  Like IPv4, a fragment of something that
 * is known not to be TCP is NOT_TCP; when the fragment header names another
 * extension header we cannot know, so it counts as FRAGMENT. */
static enum ws_decode_result ipv6_fragment_result(uint8_t next)
{
    if (next == WS_IP_PROTO_TCP || ipv6_is_skippable(next))
        return WS_DECODE_FRAGMENT;
    return WS_DECODE_NOT_TCP;
}

/* Steps over the extension header at w->off, advancing w to the next one. */
static enum ws_decode_result ipv6_skip_ext(const uint8_t *data, uint32_t caplen,
                                           struct ipv6_walk *w)
{
    uint8_t next;
    uint16_t frag_word;
    uint32_t len;

    if (!ws_rd_u8(data, caplen, w->off, &next) ||
        !ipv6_ext_len(w->nh, data, caplen, w->off, &len))
        return WS_DECODE_TRUNCATED;
    if (len > w->remaining)
        return WS_DECODE_BAD_HEADER;
    if (w->nh == NH_FRAGMENT) {
        if (!ws_rd_be16(data, caplen, w->off + 2, &frag_word))
            return WS_DECODE_TRUNCATED;
        /* Only offset 0 carries the upper-layer header (RFC 8200 §4.5). */
        if ((frag_word >> IPV6_FRAG_OFFSET_SHIFT) != 0)
            return ipv6_fragment_result(next);
    }
    w->off += len;
    w->remaining -= len;
    w->nh = next;
    return WS_DECODE_OK;
}

/* Payload length of the packet.  0 means either a jumbogram (RFC 2675, the
 * real length is in a hop-by-hop option) or a capture taken before
 * segmentation offload / Linux BIG TCP, which leaves the field 0.  In both
 * cases the wire length is the safe answer: it is what was really sent and it
 * cannot claim more bytes than the frame had. */
static uint32_t ipv6_payload_len(uint16_t field, uint32_t wirelen)
{
    if (field != 0)
        return field;
    return wirelen - IPV6_HDR_LEN;   /* caller ensures wirelen >= caplen >= 40 */
}

enum ws_decode_result ws_decode_ipv6(const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                                     struct ws_segment *seg)
{
    struct ipv6_walk w;
    uint8_t first;
    uint16_t plen_field;
    uint32_t hops;
    const uint8_t *tcp;
    uint32_t tcp_caplen;

    if (!ws_rd_u8(data, caplen, 0, &first))
        return WS_DECODE_TRUNCATED;
    if ((first >> 4) != 6)
        return WS_DECODE_BAD_HEADER;
    if (!ws_span_ok(caplen, 0, IPV6_HDR_LEN) || wirelen < IPV6_HDR_LEN ||
        !ws_rd_be16(data, caplen, 4, &plen_field) || !ws_rd_u8(data, caplen, 6, &w.nh))
        return WS_DECODE_TRUNCATED;
    w.off = IPV6_HDR_LEN;
    w.remaining = ipv6_payload_len(plen_field, wirelen);

    for (hops = 0; w.nh != WS_IP_PROTO_TCP; hops++) {
        if (!ipv6_is_skippable(w.nh))
            return WS_DECODE_NOT_TCP;   /* UDP, ICMPv6, ESP, No Next Header, ... */
        if (hops == IPV6_MAX_EXT_HEADERS)
            return WS_DECODE_BAD_HEADER;
        enum ws_decode_result r = ipv6_skip_ext(data, caplen, &w);
        if (r != WS_DECODE_OK)
            return r;
    }

    if (!ws_load_addr(&seg->src, 6, data, caplen, 8, 16) ||
        !ws_load_addr(&seg->dst, 6, data, caplen, 24, 16) ||
        !ws_tail(data, caplen, w.off, &tcp, &tcp_caplen))
        return WS_DECODE_TRUNCATED;
    return ws_decode_tcp(tcp, tcp_caplen, w.remaining, seg);
}
