/* link.c - link layers (Ethernet, FDDI, Linux cooked v1/v2, BSD loopback, raw IP) down to IP, plus result and link names. */
#include <stdbool.h>
#include <stddef.h>

#include <pcap/dlt.h>

#include "bytes.h"
#include "encap.h"
#include "ip_layers.h"
#include "wirestate/decode.h"

/* Older libpcap headers lack the newer link types; the values are fixed by
 * the tcpdump.org link-type registry. */
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

/* Raw IP goes by several numbers: DLT_RAW is 12 on most systems and 14 on
 * OpenBSD, and a savefile's LINKTYPE_RAW is 101 (libpcap normally maps that
 * back to DLT_RAW, but not every reader does). */
#define WS_DLT_RAW_COMMON 12
#define WS_DLT_RAW_OPENBSD 14
#define WS_LINKTYPE_RAW 101

#define SLL_HDR_LEN 16u
#define SLL_PROTO_OFF 14u
#define SLL2_HDR_LEN 20u
#define SLL2_PROTO_OFF 0u
#define LOOPBACK_HDR_LEN 4u

/* FDDI MAC frame (ANSI X3.139, ISO 9314-2): frame control (1),
 * destination (6), source (6); DLT_FDDI always has 48-bit addresses.  FC
 * is CLFFZZZZ: class, address length, format, control.  FF = 01 is an LLC
 * frame, in either class (asynchronous 0x5z, synchronous 0xDz); SMT and
 * MAC frames and tokens carry no IP.  (Captures written on ULTRIX or
 * Digital UNIX put 3 pad bytes before FC; those are not recognised.) */
#define FDDI_HDR_LEN 13u
#define FDDI_FC_LFF_MASK 0x70u
#define FDDI_FC_LLC 0x50u

enum link_kind {
    LINK_NONE,
    LINK_ETHERNET,
    LINK_FDDI,
    LINK_SLL,
    LINK_SLL2,
    LINK_NULL,
    LINK_LOOP,
    LINK_RAW,
    LINK_IPV4,
    LINK_IPV6
};

static const char *const result_names[] = {
    [WS_DECODE_OK] = "ok",
    [WS_DECODE_NOT_TCP] = "not_tcp",
    [WS_DECODE_TRUNCATED] = "truncated",
    [WS_DECODE_BAD_HEADER] = "bad_header",
    [WS_DECODE_FRAGMENT] = "fragment",
    [WS_DECODE_UNSUPPORTED_LINK] = "unsupported_link",
};
_Static_assert(sizeof result_names / sizeof result_names[0] == WS_DECODE_RESULT_COUNT,
               "every decode result needs a name");

/* 14 is DLT_RAW on OpenBSD but DLT_PPP_BSDOS on NetBSD and FreeBSD; taking a
 * PPP frame for raw IP would only produce BAD_HEADER noise, so the alias is
 * honoured only where 14 cannot mean PPP. */
static bool dlt_is_raw(int dlt)
{
    if (dlt == DLT_RAW || dlt == WS_DLT_RAW_COMMON || dlt == WS_LINKTYPE_RAW)
        return true;
#if defined(DLT_PPP_BSDOS) && DLT_PPP_BSDOS == WS_DLT_RAW_OPENBSD
    return false;
#else
    return dlt == WS_DLT_RAW_OPENBSD;
#endif
}

/* An if-chain rather than a switch: the DLT_ numbers differ per OS and some
 * collide (OpenBSD's DLT_LOOP is 12, everyone else's DLT_RAW), so duplicate
 * case labels would not compile everywhere.  The platform's own DLT_LOOP is
 * tested before the raw aliases and therefore wins such a collision. */
static enum link_kind link_kind_of(int dlt)
{
    if (dlt == DLT_EN10MB)
        return LINK_ETHERNET;
    if (dlt == DLT_FDDI)
        return LINK_FDDI;
    if (dlt == DLT_LINUX_SLL)
        return LINK_SLL;
    if (dlt == DLT_LINUX_SLL2)
        return LINK_SLL2;
    if (dlt == DLT_NULL)
        return LINK_NULL;
    if (dlt == DLT_LOOP)
        return LINK_LOOP;
    if (dlt == DLT_IPV4)
        return LINK_IPV4;
    if (dlt == DLT_IPV6)
        return LINK_IPV6;
    if (dlt_is_raw(dlt))
        return LINK_RAW;
    return LINK_NONE;
}

/* Address-family values that BSD loopback headers use for IPv6 differ per
 * OS: 10 Linux, 24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS.  AF_INET is 2
 * everywhere. */
static enum ws_payload payload_of_af(uint32_t af)
{
    switch (af) {
    case 2:
        return WS_PAYLOAD_IPV4;
    case 10:
    case 24:
    case 28:
    case 30:
        return WS_PAYLOAD_IPV6;
    default:
        return WS_PAYLOAD_OTHER;
    }
}

/* FDDI: frame control and addresses, then IEEE 802.2 LLC (RFC 1390: IP
 * over FDDI always uses LLC/SNAP). */
static enum ws_decode_result link_fddi(const uint8_t *data, uint32_t caplen,
                                       struct ws_link_info *li)
{
    uint8_t fc;

    if (!ws_span_ok(caplen, 0, FDDI_HDR_LEN) || !ws_rd_u8(data, caplen, 0, &fc))
        return WS_DECODE_TRUNCATED;
    if ((fc & FDDI_FC_LFF_MASK) != FDDI_FC_LLC) {
        li->payload = WS_PAYLOAD_OTHER;
        li->hdr_len = FDDI_HDR_LEN;
        return WS_DECODE_OK;
    }
    return ws_decode_llc(data, caplen, FDDI_HDR_LEN, li);
}

/* Linux cooked headers: a fixed-size header with a big-endian protocol,
 * which for the values from 0x0600 up is the frame's Ethertype (VLAN tags
 * and MPLS included, see encap.c).  Below that it is a Linux ETH_P_
 * pseudo-type (raw 802.2 or 802.3 frames, CAN, ...) or a netlink family,
 * none of which is decoded. */
static enum ws_decode_result link_cooked(const uint8_t *data, uint32_t caplen, uint32_t hdr_len,
                                         uint32_t proto_off, struct ws_link_info *li)
{
    uint16_t proto;

    if (!ws_span_ok(caplen, 0, hdr_len) || !ws_rd_be16(data, caplen, proto_off, &proto))
        return WS_DECODE_TRUNCATED;
    return ws_decode_ethertype(data, caplen, hdr_len, proto, li);
}

/* DLT_NULL: a 4-byte address family in the byte order of the host that wrote
 * the file.  Real values are tiny, so if the big-endian reading has anything
 * in its upper half, the writer was little-endian. */
static enum ws_decode_result link_null(const uint8_t *data, uint32_t caplen,
                                       struct ws_link_info *li)
{
    uint32_t af;

    if (!ws_rd_be32(data, caplen, 0, &af))
        return WS_DECODE_TRUNCATED;
    if ((af & 0xffff0000u) != 0 && !ws_rd_le32(data, caplen, 0, &af))
        return WS_DECODE_TRUNCATED;
    li->payload = payload_of_af(af);
    li->hdr_len = LOOPBACK_HDR_LEN;
    return WS_DECODE_OK;
}

/* DLT_LOOP: as DLT_NULL but always network byte order (OpenBSD). */
static enum ws_decode_result link_loop(const uint8_t *data, uint32_t caplen,
                                       struct ws_link_info *li)
{
    uint32_t af;

    if (!ws_rd_be32(data, caplen, 0, &af))
        return WS_DECODE_TRUNCATED;
    li->payload = payload_of_af(af);
    li->hdr_len = LOOPBACK_HDR_LEN;
    return WS_DECODE_OK;
}

/* Headerless link types.  DLT_IPV4/DLT_IPV6 promise one version; a packet
 * of the other version there is treated like an Ethernet frame whose
 * ethertype disagrees with its IP header: BAD_HEADER. */
static enum ws_decode_result link_headerless(enum ws_payload payload, struct ws_link_info *li)
{
    li->payload = payload;
    li->hdr_len = 0;
    return WS_DECODE_OK;
}

static enum ws_decode_result link_parse(enum link_kind kind, const uint8_t *data,
                                        uint32_t caplen, struct ws_link_info *li)
{
    switch (kind) {
    case LINK_ETHERNET:
        return ws_decode_ethernet(data, caplen, li);
    case LINK_FDDI:
        return link_fddi(data, caplen, li);
    case LINK_SLL:
        return link_cooked(data, caplen, SLL_HDR_LEN, SLL_PROTO_OFF, li);
    case LINK_SLL2:
        return link_cooked(data, caplen, SLL2_HDR_LEN, SLL2_PROTO_OFF, li);
    case LINK_NULL:
        return link_null(data, caplen, li);
    case LINK_LOOP:
        return link_loop(data, caplen, li);
    case LINK_RAW:
        return link_headerless(WS_PAYLOAD_ANY_IP, li);
    case LINK_IPV4:
        return link_headerless(WS_PAYLOAD_IPV4, li);
    case LINK_IPV6:
        return link_headerless(WS_PAYLOAD_IPV6, li);
    case LINK_NONE:
        break;
    }
    return WS_DECODE_UNSUPPORTED_LINK;
}

/* When the link layer named an IP version, the packet has to agree with it:
 * a mismatch is a broken header, not a reason to guess. */
static enum ws_decode_result check_ip_version(enum ws_payload payload, const uint8_t *ip,
                                              uint32_t ip_caplen)
{
    uint8_t first;

    if (payload == WS_PAYLOAD_ANY_IP)
        return WS_DECODE_OK;    /* ws_decode_ip() judges the nibble itself */
    if (!ws_rd_u8(ip, ip_caplen, 0, &first))
        return WS_DECODE_TRUNCATED;
    if ((first >> 4) != (payload == WS_PAYLOAD_IPV4 ? 4u : 6u))
        return WS_DECODE_BAD_HEADER;
    return WS_DECODE_OK;
}

/* The IP packet, its version already checked against the link layer's word
 * (check_ip_version): straight to that version's decoder.  Only raw IP
 * needs ws_decode_ip() to read the nibble; the rest of what it does (a NULL
 * buffer, the wire length as a floor) ws_decode_frame() has done. */
static enum ws_decode_result decode_ip_as(enum ws_payload payload, const uint8_t *ip,
                                          uint32_t ip_caplen, uint32_t ip_wirelen,
                                          struct ws_segment *seg)
{
    switch (payload) {
    case WS_PAYLOAD_IPV4:
        return ws_decode_ipv4(ip, ip_caplen, ip_wirelen, seg);
    case WS_PAYLOAD_IPV6:
        return ws_decode_ipv6(ip, ip_caplen, ip_wirelen, seg);
    default:
        return ws_decode_ip(ip, ip_caplen, ip_wirelen, seg);
    }
}

enum ws_decode_result ws_decode_frame(int dlt, const uint8_t *data, uint32_t caplen,
                                      uint32_t wirelen, int64_t ts_us,
                                      struct ws_segment *seg)
{
    enum link_kind kind = link_kind_of(dlt);
    struct ws_link_info li;
    enum ws_decode_result r;
    const uint8_t *ip;
    uint32_t ip_caplen;

    if (kind == LINK_NONE)
        return WS_DECODE_UNSUPPORTED_LINK;
    if (data == NULL)
        caplen = 0;
    /* See ws_decode_ip(): the captured bytes are a floor for the wire length. */
    if (wirelen < caplen)
        wirelen = caplen;
    /* No memset of *seg: on success the layers below write every field
     * (ws_load_addr the addresses, ws_decode_tcp the rest), and on failure
     * it is unspecified. */
    seg->ts_us = ts_us;

    r = link_parse(kind, data, caplen, &li);
    if (r != WS_DECODE_OK)
        return r;
    if (li.payload == WS_PAYLOAD_OTHER)
        return WS_DECODE_NOT_TCP;
    if (!ws_tail(data, caplen, li.hdr_len, &ip, &ip_caplen))
        return WS_DECODE_TRUNCATED;
    r = check_ip_version(li.payload, ip, ip_caplen);
    if (r != WS_DECODE_OK)
        return r;
    /* hdr_len <= caplen <= wirelen, so this cannot wrap. */
    return decode_ip_as(li.payload, ip, ip_caplen, wirelen - li.hdr_len, seg);
}

int ws_decode_link_supported(int dlt)
{
    return link_kind_of(dlt) != LINK_NONE;
}

const char *ws_decode_supported_links(void)
{
    /* libpcap's names (pcap_datalink_val_to_name), as users see them in tcpdump. */
    return "EN10MB, FDDI, LINUX_SLL, LINUX_SLL2, NULL, LOOP, RAW, IPV4, IPV6";
}

const char *ws_decode_result_name(enum ws_decode_result r)
{
    if ((unsigned)r < (unsigned)WS_DECODE_RESULT_COUNT)
        return result_names[r];
    return "unknown";
}
