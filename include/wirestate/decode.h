/* decode.h - link layer -> IPv4/IPv6 -> TCP, bounds-checked on every read.
 *
 * One call turns one captured frame into a struct ws_segment or says why it
 * could not.  Nothing here allocates or keeps state between packets. */
#ifndef WIRESTATE_DECODE_H
#define WIRESTATE_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "wirestate/segment.h"

/* Why a frame produced no segment.  The order is the order of the summary line. */
enum ws_decode_result {
    WS_DECODE_OK = 0,
    WS_DECODE_NOT_TCP,          /* ARP, UDP, ICMP, unknown ethertype, ... */
    WS_DECODE_TRUNCATED,        /* captured bytes end before ports+seq+ack+flags */
    WS_DECODE_BAD_HEADER,       /* impossible version, header length or total length */
    WS_DECODE_FRAGMENT,         /* non-first IP fragment: no TCP header in it */
    WS_DECODE_UNSUPPORTED_LINK, /* link type this decoder does not know */
    WS_DECODE_RESULT_COUNT
};

/* Short machine name of a result, e.g. "not_tcp" (used as JSON keys). */
const char *ws_decode_result_name(enum ws_decode_result r);

/* Link types handled, as libpcap DLT_ values (pcap_datalink()). */
int ws_decode_link_supported(int dlt);

/* Comma-separated names of the supported link types, for error messages. */
const char *ws_decode_supported_links(void);

/* Decode one frame.  caplen bytes are readable at data; wirelen is the
 * original length on the wire.  On WS_DECODE_OK *seg is filled (ts_us is
 * copied from the argument); otherwise *seg is unspecified. */
enum ws_decode_result ws_decode_frame(int dlt, const uint8_t *data, uint32_t caplen,
                                      uint32_t wirelen, int64_t ts_us,
                                      struct ws_segment *seg);

/* Layer entry points, exposed for tests and for link types that wrap IP. */
enum ws_decode_result ws_decode_ip(const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                                   struct ws_segment *seg);
enum ws_decode_result ws_decode_tcp(const uint8_t *data, uint32_t caplen,
                                    uint32_t ip_payload_len, struct ws_segment *seg);

#endif
