/* ip.c - ws_decode_ip(): hands an IP packet to the IPv4 or IPv6 decoder by its version nibble. */
#include <stddef.h>

#include "bytes.h"
#include "ip_layers.h"

enum ws_decode_result ws_decode_ip(const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                                   struct ws_segment *seg)
{
    uint8_t first;

    if (data == NULL)
        caplen = 0;
    /* A capture record claiming fewer bytes on the wire than were captured is
     * damaged, but the captured bytes did exist: use them as a floor so the
     * length fallbacks below never go under what we can see. */
    if (wirelen < caplen)
        wirelen = caplen;

    if (!ws_rd_u8(data, caplen, 0, &first))
        return WS_DECODE_TRUNCATED;
    switch (first >> 4) {
    case 4:
        return ws_decode_ipv4(data, caplen, wirelen, seg);
    case 6:
        return ws_decode_ipv6(data, caplen, wirelen, seg);
    default:
        return WS_DECODE_BAD_HEADER;
    }
}
