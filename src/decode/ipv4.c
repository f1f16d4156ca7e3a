/* ipv4.c - IPv4 header (RFC 791): length checks, options skipped, non-first fragments refused, TCP handed on. */
#include "bytes.h"
#include "ip_layers.h"

#define IPV4_MIN_HDR_LEN 20u      /* IHL 5: no options */
#define IPV4_FRAG_OFFSET_MASK 0x1fffu

/* The fixed-header fields this decoder looks at (RFC 791 §3.1). */
struct ipv4_fields {
    uint32_t hdr_len;   /* IHL * 4 */
    uint16_t total_len;
    uint16_t frag;      /* flags (3 bits) + fragment offset (13 bits) */
    uint8_t proto;
};

/* Reads the fixed fields; TRUNCATED unless the whole header, options
 * included, was captured, since TCP starts right after it. */
static enum ws_decode_result ipv4_read_fields(const uint8_t *data, uint32_t caplen,
                                              struct ipv4_fields *f)
{
    uint8_t vihl;

    if (!ws_rd_u8(data, caplen, 0, &vihl))
        return WS_DECODE_TRUNCATED;
    if ((vihl >> 4) != 4)
        return WS_DECODE_BAD_HEADER;
    f->hdr_len = (uint32_t)(vihl & 0x0fu) * 4u;
    if (f->hdr_len < IPV4_MIN_HDR_LEN)
        return WS_DECODE_BAD_HEADER;
    if (!ws_span_ok(caplen, 0, f->hdr_len))
        return WS_DECODE_TRUNCATED;
    if (!ws_rd_be16(data, caplen, 2, &f->total_len) ||
        !ws_rd_be16(data, caplen, 6, &f->frag) ||
        !ws_rd_u8(data, caplen, 9, &f->proto))
        return WS_DECODE_TRUNCATED;
    return WS_DECODE_OK;
}

/* Length of the whole IP packet.  Captures taken on the sending host before
 * TCP segmentation offload often carry total length 0 (the NIC fills it in),
 * so then the wire length is the best evidence there is. */
static uint32_t ipv4_packet_len(const struct ipv4_fields *f, uint32_t wirelen)
{
    return f->total_len != 0 ? (uint32_t)f->total_len : wirelen;
}

enum ws_decode_result ws_decode_ipv4(const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                                     struct ws_segment *seg)
{
    struct ipv4_fields f;
    enum ws_decode_result r;
    const uint8_t *tcp;
    uint32_t tcp_caplen;
    uint32_t packet_len;

    r = ipv4_read_fields(data, caplen, &f);
    if (r != WS_DECODE_OK)
        return r;
    packet_len = ipv4_packet_len(&f, wirelen);
    if (packet_len < f.hdr_len)
        return WS_DECODE_BAD_HEADER;
    /* Protocol before fragment offset: a non-first fragment of UDP is still
     * "not TCP"; FRAGMENT counts only TCP data we could not see. */
    if (f.proto != WS_IP_PROTO_TCP)
        return WS_DECODE_NOT_TCP;
    /* Only the fragment with offset 0 holds the TCP header (RFC 791 §2.3);
     * MF set with offset 0 is a first fragment and decodes normally. */
    if ((f.frag & IPV4_FRAG_OFFSET_MASK) != 0)
        return WS_DECODE_FRAGMENT;

    if (!ws_load_addr(&seg->src, 4, data, caplen, 12, 4) ||
        !ws_load_addr(&seg->dst, 4, data, caplen, 16, 4) ||
        !ws_tail(data, caplen, f.hdr_len, &tcp, &tcp_caplen))
        return WS_DECODE_TRUNCATED;
    /* The TCP length comes from the IP header, not the capture: a short
     * snaplen must not shrink the payload the tracker accounts for. */
    return ws_decode_tcp(tcp, tcp_caplen, packet_len - f.hdr_len, seg);
}
