/* link.c - link layers (Ethernet/VLAN, Linux cooked v1/v2, BSD loopback, raw IP) down to IP, plus result and link names. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <pcap/dlt.h>

#include "bytes.h"
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

#define ETH_HDR_LEN 14u
#define ETH_TYPE_OFF 12u
#define VLAN_TAG_LEN 4u       /* TCI (2) + inner ethertype (2) */
#define ETH_MAX_TAGS 8u       /* QinQ uses 2; more than 8 is garbage, not a network */
#define ETH_MIN_ETHERTYPE 0x0600u   /* below: an IEEE 802.3 length field */
#define SLL_HDR_LEN 16u
#define SLL_PROTO_OFF 14u
#define SLL2_HDR_LEN 20u
#define SLL2_PROTO_OFF 0u
#define LOOPBACK_HDR_LEN 4u

enum link_kind {
    LINK_NONE,
    LINK_ETHERNET,
    LINK_SLL,
    LINK_SLL2,
    LINK_NULL,
    LINK_LOOP,
    LINK_RAW,
    LINK_IPV4,
    LINK_IPV6
};

/* What the link layer says is inside it. */
enum link_payload {
    PAYLOAD_OTHER,      /* not IP: NOT_TCP */
    PAYLOAD_IPV4,       /* must start with version nibble 4 */
    PAYLOAD_IPV6,       /* must start with version nibble 6 */
    PAYLOAD_ANY_IP      /* raw IP: the version nibble decides */
};

/* Result of parsing a link header: how long it was and what follows. */
struct link_info {
    uint32_t hdr_len;
    enum link_payload payload;
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

static enum link_payload payload_of_ethertype(uint16_t type)
{
    if (type == 0x0800)
        return PAYLOAD_IPV4;
    if (type == 0x86dd)
        return PAYLOAD_IPV6;
    return PAYLOAD_OTHER;
}

/* Address-family values that BSD loopback headers use for IPv6 differ per
 * OS: 10 Linux, 24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS.  AF_INET is 2
 * everywhere. */
static enum link_payload payload_of_af(uint32_t af)
{
    switch (af) {
    case 2:
        return PAYLOAD_IPV4;
    case 10:
    case 24:
    case 28:
    case 30:
        return PAYLOAD_IPV6;
    default:
        return PAYLOAD_OTHER;
    }
}

/* 802.1Q (0x8100), 802.1ad (0x88a8) and the pre-standard QinQ 0x9100. */
static bool is_vlan_tpid(uint16_t type)
{
    return type == 0x8100 || type == 0x88a8 || type == 0x9100;
}

static enum ws_decode_result link_ethernet(const uint8_t *data, uint32_t caplen,
                                           struct link_info *li)
{
    uint16_t type;
    uint32_t off = ETH_HDR_LEN;
    uint32_t tags;

    if (!ws_span_ok(caplen, 0, ETH_HDR_LEN) || !ws_rd_be16(data, caplen, ETH_TYPE_OFF, &type))
        return WS_DECODE_TRUNCATED;
    for (tags = 0; is_vlan_tpid(type); tags++) {
        if (tags == ETH_MAX_TAGS)
            return WS_DECODE_BAD_HEADER;
        /* The tag's TCI sits at off; the next ethertype (or TPID) after it. */
        if (!ws_rd_be16(data, caplen, off + 2, &type))
            return WS_DECODE_TRUNCATED;
        off += VLAN_TAG_LEN;
    }
    /* Values below 0x0600 are 802.3 lengths (LLC/SNAP follows): not decoded. */
    li->payload = type < ETH_MIN_ETHERTYPE ? PAYLOAD_OTHER : payload_of_ethertype(type);
    li->hdr_len = off;
    return WS_DECODE_OK;
}

/* Linux cooked headers: a fixed-size header with a big-endian ethertype. */
static enum ws_decode_result link_cooked(const uint8_t *data, uint32_t caplen, uint32_t hdr_len,
                                         uint32_t proto_off, struct link_info *li)
{
    uint16_t proto;

    if (!ws_span_ok(caplen, 0, hdr_len) || !ws_rd_be16(data, caplen, proto_off, &proto))
        return WS_DECODE_TRUNCATED;
    li->payload = payload_of_ethertype(proto);
    li->hdr_len = hdr_len;
    return WS_DECODE_OK;
}

/* DLT_NULL: a 4-byte address family in the byte order of the host that wrote
 * the file.  Real values are tiny, so if the big-endian reading has anything
 * in its upper half, the writer was little-endian. */
static enum ws_decode_result link_null(const uint8_t *data, uint32_t caplen, struct link_info *li)
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
static enum ws_decode_result link_loop(const uint8_t *data, uint32_t caplen, struct link_info *li)
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
static enum ws_decode_result link_headerless(enum link_payload payload, struct link_info *li)
{
    li->payload = payload;
    li->hdr_len = 0;
    return WS_DECODE_OK;
}

static enum ws_decode_result link_parse(enum link_kind kind, const uint8_t *data,
                                        uint32_t caplen, struct link_info *li)
{
    switch (kind) {
    case LINK_ETHERNET:
        return link_ethernet(data, caplen, li);
    case LINK_SLL:
        return link_cooked(data, caplen, SLL_HDR_LEN, SLL_PROTO_OFF, li);
    case LINK_SLL2:
        return link_cooked(data, caplen, SLL2_HDR_LEN, SLL2_PROTO_OFF, li);
    case LINK_NULL:
        return link_null(data, caplen, li);
    case LINK_LOOP:
        return link_loop(data, caplen, li);
    case LINK_RAW:
        return link_headerless(PAYLOAD_ANY_IP, li);
    case LINK_IPV4:
        return link_headerless(PAYLOAD_IPV4, li);
    case LINK_IPV6:
        return link_headerless(PAYLOAD_IPV6, li);
    case LINK_NONE:
        break;
    }
    return WS_DECODE_UNSUPPORTED_LINK;
}

/* When the link layer named an IP version, the packet has to agree with it:
 * a mismatch is a broken header, not a reason to guess. */
static enum ws_decode_result check_ip_version(enum link_payload payload, const uint8_t *ip,
                                              uint32_t ip_caplen)
{
    uint8_t first;

    if (payload == PAYLOAD_ANY_IP)
        return WS_DECODE_OK;    /* ws_decode_ip() judges the nibble itself */
    if (!ws_rd_u8(ip, ip_caplen, 0, &first))
        return WS_DECODE_TRUNCATED;
    if ((first >> 4) != (payload == PAYLOAD_IPV4 ? 4u : 6u))
        return WS_DECODE_BAD_HEADER;
    return WS_DECODE_OK;
}

enum ws_decode_result ws_decode_frame(int dlt, const uint8_t *data, uint32_t caplen,
                                      uint32_t wirelen, int64_t ts_us,
                                      struct ws_segment *seg)
{
    enum link_kind kind = link_kind_of(dlt);
    struct link_info li;
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
    memset(seg, 0, sizeof *seg);
    seg->ts_us = ts_us;

    r = link_parse(kind, data, caplen, &li);
    if (r != WS_DECODE_OK)
        return r;
    if (li.payload == PAYLOAD_OTHER)
        return WS_DECODE_NOT_TCP;
    if (!ws_tail(data, caplen, li.hdr_len, &ip, &ip_caplen))
        return WS_DECODE_TRUNCATED;
    r = check_ip_version(li.payload, ip, ip_caplen);
    if (r != WS_DECODE_OK)
        return r;
    /* hdr_len <= caplen <= wirelen, so this cannot wrap. */
    return ws_decode_ip(ip, ip_caplen, wirelen - li.hdr_len, seg);
}

int ws_decode_link_supported(int dlt)
{
    return link_kind_of(dlt) != LINK_NONE;
}

const char *ws_decode_supported_links(void)
{
    /* libpcap's names (pcap_datalink_val_to_name), as users see them in tcpdump. */
    return "EN10MB, LINUX_SLL, LINUX_SLL2, NULL, LOOP, RAW, IPV4, IPV6";
}

const char *ws_decode_result_name(enum ws_decode_result r)
{
    if ((unsigned)r < (unsigned)WS_DECODE_RESULT_COUNT)
        return result_names[r];
    return "unknown";
}
