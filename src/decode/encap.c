/* encap.c - Ethernet and the headers Ethertypes chain after it down to IP (VLAN, MPLS, PPPoE, PBB, VN-Tag, FabricPath, LLC/SNAP). */
#include <stdbool.h>
#include <stddef.h>

#include "bytes.h"
#include "encap.h"

/* ETH_HDR_LEN, ETH_TYPE_OFF, ETHERTYPE_IPV4 and ETHERTYPE_IPV6: encap.h. */
#define ETH_MIN_ETHERTYPE 0x0600u   /* IEEE 802.3 clause 3.2.6: below is a length */

/* Ethertypes (IEEE Registration Authority EtherType list). */
#define ETHERTYPE_VLAN 0x8100u       /* IEEE 802.1Q C-TAG */
#define ETHERTYPE_QINQ 0x88a8u       /* IEEE 802.1Q S-TAG (802.1ad) */
#define ETHERTYPE_QINQ_OLD 0x9100u   /* pre-standard S-TAG, still common */
#define ETHERTYPE_MPLS 0x8847u       /* RFC 3032 §5: MPLS unicast */
#define ETHERTYPE_MPLS_MC 0x8848u    /* RFC 5332: MPLS multicast */
#define ETHERTYPE_PPPOE_SES 0x8864u  /* RFC 2516 §4: PPPoE session stage */
#define ETHERTYPE_PBB 0x88e7u        /* IEEE 802.1Q (802.1ah) I-TAG */
#define ETHERTYPE_VNTAG 0x8926u      /* Cisco VN-Tag (pre-standard 802.1Qbh) */
#define ETHERTYPE_FABRICPATH 0x8903u /* Cisco FabricPath ("DCE") */

/* IEEE 802.1Q clause 9.6: a tag after its TPID is TCI (2) + the next
 * Type/Length (2). */
#define VLAN_TAG_LEN 4u

/* RFC 3032 §2.1 label stack entry: label (20 bits), traffic class (3, RFC
 * 5462), bottom of stack (1), TTL (8). */
#define MPLS_LSE_LEN 4u
#define MPLS_LABEL_SHIFT 12u
#define MPLS_BOS 0x00000100u
/* RFC 3032 sets no limit on the stack; segment routing uses deep ones, but
 * more than 16 labels is not a packet anyone forwards. */
#define MPLS_MAX_LABELS 16u
/* Reserved labels (RFC 3032 §2.1, RFC 4182): at the bottom of the stack
 * they say which IP version follows. */
#define MPLS_LABEL_IPV4_NULL 0u
#define MPLS_LABEL_IPV6_NULL 2u
/* RFC 4385 §3 / RFC 4448: pseudowire control word. */
#define PW_CW_LEN 4u

/* RFC 2516 §4: VER (4 bits) = 1, TYPE (4) = 1, CODE (8) = 0x00 for session
 * data, SESSION_ID (16), LENGTH (16). */
#define PPPOE_HDR_LEN 6u
#define PPPOE_VER_TYPE 0x11u
#define PPPOE_CODE_SESSION 0x00u
/* PPP protocol numbers (RFC 1661 §2; RFC 1332 IPv4, RFC 5072 IPv6). */
#define PPP_PROTO_IPV4 0x0021u
#define PPP_PROTO_IPV6 0x0057u

/* IEEE 802.1Q clause 9.7 (802.1ah): the I-TAG TCI after TPID 0x88e7 is
 * I-PCP, I-DEI, UCA, reserved and the 24-bit I-SID; the customer's
 * destination and source addresses and Type/Length follow. */
#define PBB_ITAG_TCI_LEN 4u

/* Cisco VN-Tag after its TPID: direction, pointer, destination VIF (14
 * bits), looped, reserved, version (2), source VIF (12): 4 bytes, then the
 * next Type/Length. */
#define VNTAG_LEN 4u

/* Cisco FabricPath (no public standard; the layout is Cisco's, as decoded
 * by Wireshark's packet-cisco-fp-mim.c and Zeek's Ethernet analyzer): the
 * outer "Ethernet" header carries hierarchical switch addresses and
 * Ethertype 0x8903, followed by FTag (10 bits) and TTL (6 bits), then the
 * original Ethernet frame from its destination address on. */
#define FABRICPATH_FTAG_TTL_LEN 2u

/* IEEE 802.2: DSAP (1), SSAP (1), control (1 for U-format).  A SNAP
 * header (IEEE Std 802 "Subnetwork Access Protocol", RFC 1042) is DSAP = SSAP = 0xAA,
 * control = UI (0x03), a 3-byte OUI and a 2-byte protocol id. */
#define LLC_SAP_SNAP 0xaau
#define LLC_CTRL_UI 0x03u
#define SNAP_HDR_LEN 8u
#define SNAP_OUI_OFF 3u
#define SNAP_TYPE_OFF 6u
/* OUIs under which the SNAP protocol id is an Ethertype: 00-00-00 (RFC
 * 1042) and 00-00-F8 (IEEE 802.1H bridge tunnel). */
#define SNAP_OUI_RFC1042 0x000000u
#define SNAP_OUI_8021H 0x0000f8u

/* Where the walk stands: the header named by type starts at off. */
struct walk {
    const uint8_t *data;
    uint32_t caplen;
    uint32_t off;
    uint16_t type;
    bool type_is_length_field;  /* type came from an 802.3 Type/Length field */
    uint32_t layers;            /* encapsulation headers entered so far */
    bool done;                  /* payload below is final, IP starts at off */
    enum ws_payload payload;
};

typedef enum ws_decode_result (*walk_step_fn)(struct walk *w);

/* ---- bounds-checked access relative to w->off ---------------------------
 * Reads go through a view starting at w->off, so the offsets added inside
 * a layer are small constants and nothing can wrap. */

static bool walk_rd8(const struct walk *w, uint32_t at, uint8_t *v)
{
    const uint8_t *p;
    uint32_t len;

    return ws_tail(w->data, w->caplen, w->off, &p, &len) && ws_rd_u8(p, len, at, v);
}

static bool walk_rd16(const struct walk *w, uint32_t at, uint16_t *v)
{
    const uint8_t *p;
    uint32_t len;

    return ws_tail(w->data, w->caplen, w->off, &p, &len) && ws_rd_be16(p, len, at, v);
}

static bool walk_rd32(const struct walk *w, uint32_t at, uint32_t *v)
{
    const uint8_t *p;
    uint32_t len;

    return ws_tail(w->data, w->caplen, w->off, &p, &len) && ws_rd_be32(p, len, at, v);
}

/* Steps over n captured bytes; false (and no move) if they are not all there. */
static bool walk_skip(struct walk *w, uint32_t n)
{
    if (!ws_span_ok(w->caplen, w->off, n))
        return false;
    w->off += n;
    return true;
}

static void walk_init(struct walk *w, const uint8_t *data, uint32_t caplen, uint32_t off)
{
    w->data = data;
    w->caplen = caplen;
    w->off = off;
    w->type = 0;
    w->type_is_length_field = false;
    w->layers = 0;
    w->done = false;
    w->payload = WS_PAYLOAD_OTHER;
}

static enum ws_decode_result walk_end(struct walk *w, enum ws_payload payload)
{
    w->done = true;
    w->payload = payload;
    return WS_DECODE_OK;
}

/* Every encapsulation header calls this first: the nesting budget. */
static enum ws_decode_result walk_enter(struct walk *w)
{
    if (w->layers == WS_MAX_ENCAPS)
        return WS_DECODE_BAD_HEADER;
    w->layers++;
    return WS_DECODE_OK;
}

/* An Ethernet header at off (IEEE 802.3 clause 3.2): the outer one, or the
 * inner frame that PBB, FabricPath or a pseudowire carries.  Not a layer of
 * its own: whatever carried it was already counted. */
static enum ws_decode_result walk_ethernet(struct walk *w)
{
    if (!walk_rd16(w, ETH_TYPE_OFF, &w->type) || !walk_skip(w, ETH_HDR_LEN))
        return WS_DECODE_TRUNCATED;
    w->type_is_length_field = true;
    return WS_DECODE_OK;
}

/* ---- one function per layer --------------------------------------------- */

/* IEEE 802.1Q clause 9.6 tag (C-TAG 0x8100, S-TAG 0x88a8, old QinQ 0x9100):
 * TCI, then the next Type/Length. */
static enum ws_decode_result step_vlan(struct walk *w)
{
    enum ws_decode_result r = walk_enter(w);

    if (r != WS_DECODE_OK)
        return r;
    if (!walk_rd16(w, 2, &w->type) || !walk_skip(w, VLAN_TAG_LEN))
        return WS_DECODE_TRUNCATED;
    w->type_is_length_field = true;
    return WS_DECODE_OK;
}

/* Cisco VN-Tag: 4 bytes of tag, then the next Type/Length. */
static enum ws_decode_result step_vntag(struct walk *w)
{
    enum ws_decode_result r = walk_enter(w);

    if (r != WS_DECODE_OK)
        return r;
    if (!walk_rd16(w, VNTAG_LEN, &w->type) || !walk_skip(w, VNTAG_LEN + 2))
        return WS_DECODE_TRUNCATED;
    w->type_is_length_field = true;
    return WS_DECODE_OK;
}

/* IEEE 802.1ah provider backbone bridging: I-TAG TCI, then the customer's
 * Ethernet header (C-DA, C-SA, Type/Length), which goes on like any other. */
static enum ws_decode_result step_pbb(struct walk *w)
{
    enum ws_decode_result r = walk_enter(w);

    if (r != WS_DECODE_OK)
        return r;
    if (!walk_skip(w, PBB_ITAG_TCI_LEN))
        return WS_DECODE_TRUNCATED;
    return walk_ethernet(w);
}

/* Cisco FabricPath: FTag/TTL, then the original Ethernet frame. */
static enum ws_decode_result step_fabricpath(struct walk *w)
{
    enum ws_decode_result r = walk_enter(w);

    if (r != WS_DECODE_OK)
        return r;
    if (!walk_skip(w, FABRICPATH_FTAG_TTL_LEN))
        return WS_DECODE_TRUNCATED;
    return walk_ethernet(w);
}

/* PPP protocol field (RFC 1661 §2): two bytes, or one when Protocol-Field-
 * Compression is in use (RFC 1661 §6.5), which the field itself shows:
 * every protocol number has an even first byte and an odd last byte.  RFC
 * 2516 §7 forbids address/control compression on PPPoE but not PFC. */
static enum ws_decode_result ppp_protocol(struct walk *w)
{
    uint8_t first;
    uint16_t proto;
    uint32_t len;

    if (!walk_rd8(w, 0, &first))
        return WS_DECODE_TRUNCATED;
    if ((first & 1u) != 0) {
        proto = first;
        len = 1;
    } else {
        if (!walk_rd16(w, 0, &proto))
            return WS_DECODE_TRUNCATED;
        len = 2;
    }
    if (!walk_skip(w, len))
        return WS_DECODE_TRUNCATED;
    if (proto == PPP_PROTO_IPV4)
        return walk_end(w, WS_PAYLOAD_IPV4);
    if (proto == PPP_PROTO_IPV6)
        return walk_end(w, WS_PAYLOAD_IPV6);
    return walk_end(w, WS_PAYLOAD_OTHER);     /* LCP, IPCP, CHAP, ... */
}

/* PPPoE session stage (RFC 2516 §4, §6): the 6-byte header, then PPP.  A
 * version, type or code RFC 2516 does not define is not a format we know,
 * like an unknown Ethertype: NOT_TCP. */
static enum ws_decode_result step_pppoe(struct walk *w)
{
    enum ws_decode_result r = walk_enter(w);
    uint8_t ver_type, code;

    if (r != WS_DECODE_OK)
        return r;
    if (!walk_rd8(w, 0, &ver_type) || !walk_rd8(w, 1, &code) || !walk_skip(w, PPPOE_HDR_LEN))
        return WS_DECODE_TRUNCATED;
    if (ver_type != PPPOE_VER_TYPE || code != PPPOE_CODE_SESSION)
        return walk_end(w, WS_PAYLOAD_OTHER);
    return ppp_protocol(w);
}

/* IEEE 802.2 LLC with a SNAP header (RFC 1042, IEEE Std 802 SNAP):
 * AA AA 03, OUI, Ethertype.  Any other LLC (spanning tree, NetBIOS, IPX,
 * SNAP under a vendor OUI) carries no IP for us: NOT_TCP. */
static enum ws_decode_result step_llc(struct walk *w)
{
    enum ws_decode_result r = walk_enter(w);
    uint8_t dsap, ssap, ctrl;
    uint32_t oui_type;

    if (r != WS_DECODE_OK)
        return r;
    if (!walk_rd8(w, 0, &dsap) || !walk_rd8(w, 1, &ssap) || !walk_rd8(w, 2, &ctrl))
        return WS_DECODE_TRUNCATED;
    if (dsap != LLC_SAP_SNAP || ssap != LLC_SAP_SNAP || ctrl != LLC_CTRL_UI)
        return walk_end(w, WS_PAYLOAD_OTHER);
    /* OUI in the top 24 bits of bytes 3..6; the Ethertype is bytes 6..7. */
    if (!walk_rd32(w, SNAP_OUI_OFF, &oui_type) || !walk_rd16(w, SNAP_TYPE_OFF, &w->type) ||
        !walk_skip(w, SNAP_HDR_LEN))
        return WS_DECODE_TRUNCATED;
    if ((oui_type >> 8) != SNAP_OUI_RFC1042 && (oui_type >> 8) != SNAP_OUI_8021H)
        return walk_end(w, WS_PAYLOAD_OTHER);
    w->type_is_length_field = false;     /* a SNAP protocol id is only a type */
    return WS_DECODE_OK;
}

static enum ws_decode_result step_mpls(struct walk *w);

static walk_step_fn step_for_ethertype(uint16_t type)
{
    switch (type) {
    case ETHERTYPE_VLAN:
    case ETHERTYPE_QINQ:
    case ETHERTYPE_QINQ_OLD:
        return step_vlan;
    case ETHERTYPE_MPLS:
    case ETHERTYPE_MPLS_MC:
        return step_mpls;
    case ETHERTYPE_PPPOE_SES:
        return step_pppoe;
    case ETHERTYPE_PBB:
        return step_pbb;
    case ETHERTYPE_VNTAG:
        return step_vntag;
    case ETHERTYPE_FABRICPATH:
        return step_fabricpath;
    default:
        return NULL;
    }
}

/* Ethertypes this walk can take further: the test for "this looks like an
 * Ethernet header" where nothing else says so. */
static bool ethertype_is_known(uint16_t type)
{
    return type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6 || step_for_ethertype(type) != NULL;
}

/* What follows the bottom of an MPLS label stack is not named anywhere in
 * the stack (RFC 3032 §2.1); by convention the first nibble tells: 4 IPv4,
 * 6 IPv6, 1 an associated-channel header (RFC 5586), 0 a pseudowire
 * control word (RFC 4385 §3, chosen so it cannot be taken for IP).  An
 * Ethernet pseudowire (RFC 4448) carries an Ethernet frame after the
 * control word, or right after the labels when the control word is not
 * used, and then the first nibble is the destination MAC's and may be 0
 * too.  So a nibble of 0 is taken as Ethernet only if one of those two
 * readings finds an Ethertype this walk knows, the control word first;
 * other pseudowire types (ATM, Frame Relay, TDM, ...) are NOT_TCP. */
static enum ws_decode_result mpls_payload(struct walk *w, uint32_t bottom_label)
{
    uint8_t first;
    uint16_t type;

    /* Explicit-null at the bottom: the IP version is fixed (RFC 3032 §2.1),
     * and a packet that disagrees is BAD_HEADER like any other mismatch. */
    if (bottom_label == MPLS_LABEL_IPV4_NULL)
        return walk_end(w, WS_PAYLOAD_IPV4);
    if (bottom_label == MPLS_LABEL_IPV6_NULL)
        return walk_end(w, WS_PAYLOAD_IPV6);
    if (!walk_rd8(w, 0, &first))
        return WS_DECODE_TRUNCATED;
    switch (first >> 4) {
    case 4:
        return walk_end(w, WS_PAYLOAD_IPV4);
    case 6:
        return walk_end(w, WS_PAYLOAD_IPV6);
    case 0:
        if (walk_rd16(w, PW_CW_LEN + ETH_TYPE_OFF, &type) && ethertype_is_known(type)) {
            if (!walk_skip(w, PW_CW_LEN))
                return WS_DECODE_TRUNCATED;
            return walk_ethernet(w);
        }
        if (walk_rd16(w, ETH_TYPE_OFF, &type) && ethertype_is_known(type))
            return walk_ethernet(w);
        return walk_end(w, WS_PAYLOAD_OTHER);
    default:
        return walk_end(w, WS_PAYLOAD_OTHER);
    }
}

/* MPLS (RFC 3032 §2.1; multicast RFC 5332): label stack entries up to the
 * one with the bottom-of-stack bit, then the payload. */
static enum ws_decode_result step_mpls(struct walk *w)
{
    enum ws_decode_result r = walk_enter(w);
    uint32_t lse = 0;
    uint32_t n;

    if (r != WS_DECODE_OK)
        return r;
    for (n = 0; (lse & MPLS_BOS) == 0; n++) {
        if (n == MPLS_MAX_LABELS)
            return WS_DECODE_BAD_HEADER;
        if (!walk_rd32(w, 0, &lse) || !walk_skip(w, MPLS_LSE_LEN))
            return WS_DECODE_TRUNCATED;
    }
    return mpls_payload(w, lse >> MPLS_LABEL_SHIFT);
}

/* The header named by w->type: IP ends the walk, an encapsulation steps
 * over one header, anything else is NOT_TCP. */
static enum ws_decode_result walk_step(struct walk *w)
{
    walk_step_fn step;

    if (w->type == ETHERTYPE_IPV4)
        return walk_end(w, WS_PAYLOAD_IPV4);
    if (w->type == ETHERTYPE_IPV6)
        return walk_end(w, WS_PAYLOAD_IPV6);
    if (w->type < ETH_MIN_ETHERTYPE)
        return w->type_is_length_field ? step_llc(w) : walk_end(w, WS_PAYLOAD_OTHER);
    step = step_for_ethertype(w->type);
    if (step == NULL)
        return walk_end(w, WS_PAYLOAD_OTHER);
    return step(w);
}

/* Steps until a layer decides; every step either ends the walk or enters a
 * layer, so WS_MAX_ENCAPS bounds the loop. */
static enum ws_decode_result walk_run(struct walk *w, struct ws_link_info *li)
{
    enum ws_decode_result r;

    while (!w->done) {
        r = walk_step(w);
        if (r != WS_DECODE_OK)
            return r;
    }
    li->hdr_len = w->off;
    li->payload = w->payload;
    return WS_DECODE_OK;
}

enum ws_decode_result ws_decode_ethernet_walk(const uint8_t *data, uint32_t caplen,
                                              struct ws_link_info *li)
{
    struct walk w;
    enum ws_decode_result r;

    walk_init(&w, data, caplen, 0);
    r = walk_ethernet(&w);
    if (r != WS_DECODE_OK)
        return r;
    return walk_run(&w, li);
}

enum ws_decode_result ws_decode_ethertype(const uint8_t *data, uint32_t caplen, uint32_t off,
                                          uint16_t type, struct ws_link_info *li)
{
    struct walk w;

    if (off > caplen)
        return WS_DECODE_TRUNCATED;
    walk_init(&w, data, caplen, off);
    w.type = type;
    return walk_run(&w, li);
}

enum ws_decode_result ws_decode_llc(const uint8_t *data, uint32_t caplen, uint32_t off,
                                    struct ws_link_info *li)
{
    struct walk w;
    enum ws_decode_result r;

    if (off > caplen)
        return WS_DECODE_TRUNCATED;
    walk_init(&w, data, caplen, off);
    r = step_llc(&w);
    if (r != WS_DECODE_OK)
        return r;
    return walk_run(&w, li);
}
