/* tcp.c - TCP header (RFC 9293 §3.1) and the options the tracker needs: MSS, window scale, SACK-permitted, timestamps. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "bytes.h"
#include "wirestate/decode.h"

#define TCP_MIN_HDR_LEN 20u
/* Bytes 0..13 hold ports, seq, ack, data offset and flags: the least a
 * segment is useful with.  The window (bytes 14-15) is optional. */
#define TCP_MIN_CAPTURED 14u
#define TCP_FLAGS_MASK 0x01ffu      /* 9 flag bits incl. NS (RFC 3540) */
#define TCP_WSCALE_MAX 14u          /* RFC 7323 §2.3 */

/* Option kinds (IANA "TCP Option Kind Numbers") and their fixed lengths. */
enum {
    OPT_EOL = 0,            /* RFC 9293 §3.2 */
    OPT_NOP = 1,
    OPT_MSS = 2,            /* RFC 9293 §3.2 */
    OPT_WSCALE = 3,         /* RFC 7323 §2.2 */
    OPT_SACK_PERM = 4,      /* RFC 2018 §2 */
    OPT_TIMESTAMPS = 8,     /* RFC 7323 §3.2 */
    OPT_MSS_LEN = 4,
    OPT_WSCALE_LEN = 3,
    OPT_SACK_PERM_LEN = 2,
    OPT_TIMESTAMPS_LEN = 10
};

/* Both ports in one 4-byte store: the flow table reads them back as one word
 * a few instructions later, and a load that spans two narrower stores
 * cannot be forwarded from them (it waits for both to reach the cache). */
static void store_ports(struct ws_segment *seg, uint16_t sport, uint16_t dport)
{
    _Static_assert(offsetof(struct ws_segment, dport) == offsetof(struct ws_segment, sport) + 2,
                   "sport and dport are adjacent");
    uint16_t pair[2] = { sport, dport };
    memcpy((unsigned char *)seg + offsetof(struct ws_segment, sport), pair, sizeof pair);
}

/* Everything ws_decode_tcp() owns gets a defined value, even on failure, so
 * a segment never carries option flags left over from a previous packet. */
static void tcp_clear(struct ws_segment *seg)
{
    seg->sport = seg->dport = 0;
    seg->seq = seg->ack = 0;
    seg->flags = seg->window = 0;
    seg->payload_len = 0;
    seg->header_len = 0;
    seg->mss = 0;
    seg->wscale = 0;
    seg->ts_val = seg->ts_ecr = 0;
    seg->has_window = seg->has_mss = seg->has_wscale = seg->has_ts = false;
    seg->sack_permitted = false;
    seg->options_truncated = false;
}

/* Records one complete option: its olen bytes, all known to be captured,
 * start at opt (kind, length, data).  Reads are relative to the option, so
 * their offsets are constants the compiler can fold into whole-word loads.
 * Returns false when a known kind has the wrong length: the header is then
 * malformed from there on. */
static bool tcp_store_option(const uint8_t *opt, uint8_t olen, struct ws_segment *seg)
{
    uint8_t shift;

    switch (opt[0]) {
    case OPT_MSS:
        if (olen != OPT_MSS_LEN || !ws_rd_be16(opt, olen, 2, &seg->mss))
            return false;
        seg->has_mss = true;
        return true;
    case OPT_WSCALE:
        if (olen != OPT_WSCALE_LEN || !ws_rd_u8(opt, olen, 2, &shift))
            return false;
        /* RFC 7323 §2.3: a shift above 14 MUST be used as 14. */
        seg->wscale = shift > TCP_WSCALE_MAX ? (uint8_t)TCP_WSCALE_MAX : shift;
        seg->has_wscale = true;
        return true;
    case OPT_SACK_PERM:
        if (olen != OPT_SACK_PERM_LEN)
            return false;
        seg->sack_permitted = true;
        return true;
    case OPT_TIMESTAMPS:
        if (olen != OPT_TIMESTAMPS_LEN || !ws_rd_be32(opt, olen, 2, &seg->ts_val) ||
            !ws_rd_be32(opt, olen, 6, &seg->ts_ecr))
            return false;
        seg->has_ts = true;
        return true;
    default:
        return true;    /* SACK blocks, MD5, TFO, MPTCP, ...: skipped by length */
    }
}

/* The option block of nearly every segment after the handshake from Linux,
 * BSD and macOS hosts: NOP, NOP, timestamps (RFC 7323 appendix A's layout)
 * and nothing more, all captured.  Recorded here with one look at its
 * first four bytes; tcp_parse_options() would find the same. */
#define TS_ONLY_LEN (TCP_MIN_HDR_LEN + 2 + OPT_TIMESTAMPS_LEN)
#define TS_ONLY_LEAD ((uint32_t)OPT_NOP << 24 | (uint32_t)OPT_NOP << 16 | \
                      (uint32_t)OPT_TIMESTAMPS << 8 | (uint32_t)OPT_TIMESTAMPS_LEN)

static bool tcp_timestamps_only(const uint8_t *data, uint32_t caplen, uint32_t header_len,
                                struct ws_segment *seg)
{
    uint32_t lead;

    if (header_len != TS_ONLY_LEN || !ws_span_ok(caplen, 0, TS_ONLY_LEN) ||
        !ws_rd_be32(data, caplen, TCP_MIN_HDR_LEN, &lead) || lead != TS_ONLY_LEAD)
        return false;
    return tcp_store_option(data + TCP_MIN_HDR_LEN + 2, OPT_TIMESTAMPS_LEN, seg);
}

/* Walks the options between byte 20 and header_len, using only captured
 * bytes.  Anything cut short or malformed stops the walk and sets
 * options_truncated; the segment itself stays valid either way. */
static void tcp_parse_options(const uint8_t *data, uint32_t caplen, uint32_t header_len,
                              struct ws_segment *seg)
{
    /* Reads are bounded by whichever ends first: the header or the capture.
     * Bytes past header_len are payload and must never be taken as options. */
    uint32_t avail = caplen < header_len ? caplen : header_len;
    uint32_t off = TCP_MIN_HDR_LEN;
    uint8_t kind, olen;

    while (off < header_len) {
        if (!ws_rd_u8(data, avail, off, &kind))
            break;                              /* capture ended inside the options */
        if (kind == OPT_EOL)
            return;                             /* the rest is padding */
        if (kind == OPT_NOP) {
            off++;
            continue;
        }
        /* Every other kind is kind, length, data (RFC 9293 §3.2); the length
         * counts both leading bytes, so below 2 is malformed. */
        if (!ws_rd_u8(data, avail, off + 1, &olen) || olen < 2 ||
            !ws_span_ok(avail, off, olen) || !tcp_store_option(data + off, olen, seg))
            break;
        off += olen;
    }
    if (off < header_len)
        seg->options_truncated = true;
}

enum ws_decode_result ws_decode_tcp(const uint8_t *data, uint32_t caplen,
                                    uint32_t ip_payload_len, struct ws_segment *seg)
{
    uint16_t off_flags;
    uint32_t header_len;

    tcp_clear(seg);
    /* The IP layer says how long the segment is; if that cannot even hold a
     * minimal header, no capture length would help. */
    if (ip_payload_len < TCP_MIN_HDR_LEN)
        return WS_DECODE_BAD_HEADER;
    uint16_t sport, dport;
    if (!ws_span_ok(caplen, 0, TCP_MIN_CAPTURED) ||
        !ws_rd_be16(data, caplen, 0, &sport) || !ws_rd_be16(data, caplen, 2, &dport) ||
        !ws_rd_be32(data, caplen, 4, &seg->seq) || !ws_rd_be32(data, caplen, 8, &seg->ack) ||
        !ws_rd_be16(data, caplen, 12, &off_flags))
        return WS_DECODE_TRUNCATED;
    store_ports(seg, sport, dport);

    header_len = (uint32_t)(off_flags >> 12) * 4u;
    if (header_len < TCP_MIN_HDR_LEN || header_len > ip_payload_len)
        return WS_DECODE_BAD_HEADER;
    seg->header_len = (uint8_t)header_len;
    seg->flags = (uint16_t)(off_flags & TCP_FLAGS_MASK);
    seg->payload_len = ip_payload_len - header_len;
    seg->has_window = ws_rd_be16(data, caplen, 14, &seg->window);
    if (header_len > TCP_MIN_HDR_LEN && !tcp_timestamps_only(data, caplen, header_len, seg))
        tcp_parse_options(data, caplen, header_len, seg);
    return WS_DECODE_OK;
}
