/* encap.h - Ethernet and the Ethertype-chained headers between a link header and IP (private to src/decode). */
#ifndef WIRESTATE_DECODE_ENCAP_H
#define WIRESTATE_DECODE_ENCAP_H

#include <stdint.h>

#include "bytes.h"
#include "wirestate/decode.h"

/* What a link layer, or the encapsulations under it, says is inside. */
enum ws_payload {
    WS_PAYLOAD_OTHER,      /* not IP: NOT_TCP */
    WS_PAYLOAD_IPV4,       /* must start with version nibble 4 */
    WS_PAYLOAD_IPV6,       /* must start with version nibble 6 */
    WS_PAYLOAD_ANY_IP      /* raw IP: the version nibble decides */
};

/* Where the IP packet starts (bytes from the start of the frame) and what
 * it has to be. */
struct ws_link_info {
    uint32_t hdr_len;
    enum ws_payload payload;
};

/* At most this many encapsulation headers between the link header and IP.
 * Each of these counts as one: a VLAN tag, a whole MPLS label stack (with
 * its pseudowire control word and inner Ethernet header), a PPPoE+PPP
 * header, a PBB I-TAG, a VN-Tag, a FabricPath header, an LLC/SNAP header.
 * Real networks stack a handful (QinQ is 2, PPPoE over QinQ 3); more is
 * garbage or an attack, and is BAD_HEADER. */
#define WS_MAX_ENCAPS 8u

/* IEEE 802.3 clause 3.2: destination (6), source (6), Length/Type (2). */
#define ETH_HDR_LEN 14u
#define ETH_TYPE_OFF 12u
/* Ethertypes (IEEE Registration Authority EtherType list); the others are
 * in encap.c. */
#define ETHERTYPE_IPV4 0x0800u
#define ETHERTYPE_IPV6 0x86ddu

/* ws_decode_ethernet() for any frame: the walk through whatever the
 * Type/Length names (encap.c). */
enum ws_decode_result ws_decode_ethernet_walk(const uint8_t *data, uint32_t caplen,
                                              struct ws_link_info *li);

/* An Ethernet header (destination, source, Type/Length) at the start of
 * data, then whatever its Type/Length names.  Inline because nearly every
 * frame is IP right after the header, which needs no walk. */
static inline enum ws_decode_result ws_decode_ethernet(const uint8_t *data, uint32_t caplen,
                                                       struct ws_link_info *li)
{
    uint16_t type;

    if (ws_span_ok(caplen, 0, ETH_HDR_LEN) && ws_rd_be16(data, caplen, ETH_TYPE_OFF, &type) &&
        (type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6)) {
        li->hdr_len = ETH_HDR_LEN;
        li->payload = type == ETHERTYPE_IPV4 ? WS_PAYLOAD_IPV4 : WS_PAYLOAD_IPV6;
        return WS_DECODE_OK;
    }
    return ws_decode_ethernet_walk(data, caplen, li);
}

/* The header named by Ethertype type starts at off (off <= caplen).  Types
 * below 0x0600 are not Ethertypes and give WS_PAYLOAD_OTHER: only after an
 * Ethernet Type/Length field do they mean "an 802.2 LLC header follows". */
enum ws_decode_result ws_decode_ethertype(const uint8_t *data, uint32_t caplen, uint32_t off,
                                          uint16_t type, struct ws_link_info *li);

/* An IEEE 802.2 LLC header starts at off (off <= caplen): FDDI, 802.3. */
enum ws_decode_result ws_decode_llc(const uint8_t *data, uint32_t caplen, uint32_t off,
                                    struct ws_link_info *li);

#endif
