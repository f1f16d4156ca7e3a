/* segment.h - one decoded TCP segment: everything the tracker needs from a packet. */
#ifndef WIRESTATE_SEGMENT_H
#define WIRESTATE_SEGMENT_H

#include <stdbool.h>
#include <stdint.h>

/* TCP flag bits as they sit in the 16-bit word formed by header bytes 12-13
 * (the low 9 bits; RFC 9293 §3.1 plus NS from RFC 3540). */
enum ws_tcp_flag {
    WS_TCP_FIN = 0x001,
    WS_TCP_SYN = 0x002,
    WS_TCP_RST = 0x004,
    WS_TCP_PSH = 0x008,
    WS_TCP_ACK = 0x010,
    WS_TCP_URG = 0x020,
    WS_TCP_ECE = 0x040,
    WS_TCP_CWR = 0x080,
    WS_TCP_NS  = 0x100,
};

/* An IPv4 address is stored in the first 4 bytes of addr[], the rest zero. */
struct ws_addr {
    uint8_t family;          /* 4 or 6 */
    uint8_t bytes[16];
};

struct ws_segment {
    int64_t ts_us;           /* capture time, microseconds since the epoch */
    struct ws_addr src, dst;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint16_t flags;          /* enum ws_tcp_flag bits */
    uint16_t window;         /* raw, unscaled; valid only if has_window */
    uint32_t payload_len;    /* from the IP length, not the capture length */
    uint8_t header_len;      /* TCP data offset in bytes (20..60) */

    /* Options (RFC 9293 §3.2, RFC 7323, RFC 2018); each valid only if its has_ flag. */
    uint16_t mss;
    uint8_t wscale;
    uint32_t ts_val, ts_ecr;
    bool has_window;
    bool has_mss;
    bool has_wscale;
    bool has_ts;
    bool sack_permitted;
    bool options_truncated;  /* options cut by the snaplen or malformed: skipped, not fatal */
};

#endif
