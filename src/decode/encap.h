/* encap.h - Ethernet and the Ethertype-chained headers between a link header and IP (private to src/decode). */
#ifndef WIRESTATE_DECODE_ENCAP_H
#define WIRESTATE_DECODE_ENCAP_H

#include <stdint.h>

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

/* An Ethernet header (destination, source, Type/Length) at the start of
 * data, then whatever its Type/Length names. */
enum ws_decode_result ws_decode_ethernet(const uint8_t *data, uint32_t caplen,
                                         struct ws_link_info *li);

/* The header named by Ethertype type starts at off (off <= caplen).  Types
 * below 0x0600 are not Ethertypes and give WS_PAYLOAD_OTHER: only after an
 * Ethernet Type/Length field do they mean "an 802.2 LLC header follows". */
enum ws_decode_result ws_decode_ethertype(const uint8_t *data, uint32_t caplen, uint32_t off,
                                          uint16_t type, struct ws_link_info *li);

/* An IEEE 802.2 LLC header starts at off (off <= caplen): FDDI, 802.3. */
enum ws_decode_result ws_decode_llc(const uint8_t *data, uint32_t caplen, uint32_t off,
                                    struct ws_link_info *li);

#endif
