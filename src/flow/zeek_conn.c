/* zeek_conn.c - Zeek's view of a TCP connection: originator, endpoint states,
 * conn_state and history, per segment in a fixed 80-byte record.
 *
 * Written from the rules documented in the corpus README
 * (../shared/corpus/README.md, part "zeek/": "Caveats: Zeek's view of a
 * connection", "Zeek's definitions", "Details of how the history is built",
 * the endpoint state machine summary and "How conn_state is computed").
 * Where the README is silent (when exactly a segment counts as 't', 'g' or
 * 'w', and the sequence bookkeeping behind them) the behaviour of Zeek's TCP
 * analyzer (TCPSessionAdapter, TCP_Reassembler at zeek/zeek a13de64f) was
 * read as a reference and restated here; no code was taken from it.  Each
 * rule's comment says where it comes from.
 *
 * Memory (80 bytes, asserted): history 32, per role last sequence number 4,
 * unseen-data distance 2, 16-bit memories of the last SYN/FIN/RST number 6,
 * three 24-bit counters 9, plus state, orig_side and 3 bytes of flags.  The
 * price: a SYN/FIN/RST repeat whose number differs by a multiple of 65536
 * from the last one gets no new letter; 't', 'g' and 'w' stop at their
 * eighth letter (10^7 events); content gaps are tracked with one remembered
 * hole per direction (see check_gap).
 *
 * Everything per endpoint is indexed by Zeek role (0 originator, 1 responder);
 * a flip of the direction swaps the two halves.  Sequence numbers are raw
 * 32-bit values compared modulo 2^32 (Zeek uses 64-bit relative numbers; the
 * comparisons below agree with it as long as a connection moves less than
 * 2 GiB between two looks at the same counter).
 *
 * Letters never produced here: 'c' (bad checksum) because wirestate's decoder
 * does not verify checksums, so a segment Zeek would drop and count as 'c'
 * is analysed like any other (runs of Zeek with -C agree with this); 'x'
 * because it comes from Zeek's application analyzers. */
#include "wirestate/zeek_conn.h"

#include <string.h>

_Static_assert(sizeof(struct ws_zeek_conn) <= 80, "struct ws_zeek_conn must stay within 80 bytes");

/* ---------------------------------------------------------------------------
 * Private layout
 * ------------------------------------------------------------------------- */

/* zc_bits[role]: the once-only history marks of that role (Zeek keeps one
 * "seen" bit per letter kind and direction).  The SYN bit is shared by S and
 * H, as in Zeek; the FIN bit doubles as "this endpoint has sent a FIN". */
enum {
    SEEN_ACK = 0x01,   /* A */
    SEEN_DATA = 0x02,  /* D */
    SEEN_FINRST = 0x04, /* I */
    SEEN_MULTI = 0x08, /* Q */
    SEEN_SYN = 0x10,   /* S or H */
    SEEN_FIN = 0x20,   /* F */
    SEEN_RST = 0x40,   /* R */
};

/* zc_bits[2]: bits 0-1 and 2-3 the previous state class of role 0 and 1
 * (what Zeek's prev_state is needed for), bit 4 "a segment was seen". */
enum { PREV_INACTIVE = 0, PREV_ESTABLISHED = 1, PREV_CLOSED = 2, PREV_OTHER = 3 };
#define BITS_STARTED 0x10u

/* zc_memo[role][...] */
enum { MEMO_SYN = 0, MEMO_FIN = 1, MEMO_RST = 2 };

/* zc_count[role][...]: the logarithmically recorded letters. */
enum { COUNT_T = 0, COUNT_G = 1, COUNT_W = 2 };
#define COUNT_MAX 0xffffffu

/* Zeek discards a SYN or RST sequence number that jumps this far from the
 * last one (TOO_LARGE_SEQ_DELTA in Zeek's TCP analyzer). */
#define TOO_LARGE_SEQ_DELTA 1048576

/* ---------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------- */

static int32_t seq_diff(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b);
}

static uint16_t lo16(uint32_t v)
{
    return (uint16_t)(v & 0xffffu);
}

static int prev_of(const struct ws_zeek_conn *z, int role)
{
    return (z->zc_bits[2] >> (role * 2)) & 3;
}

static void set_prev(struct ws_zeek_conn *z, int role, int cls)
{
    unsigned shift = (unsigned)role * 2u;

    z->zc_bits[2] = (uint8_t)((z->zc_bits[2] & ~(3u << shift)) | ((unsigned)cls << shift));
}

static int state_class(uint8_t st)
{
    switch (st) {
    case WS_ZEEK_INACTIVE:
        return PREV_INACTIVE;
    case WS_ZEEK_ESTABLISHED:
        return PREV_ESTABLISHED;
    case WS_ZEEK_CLOSED:
        return PREV_CLOSED;
    default:
        return PREV_OTHER;
    }
}

/* Zeek's SetState: the previous state is remembered only on a real change. */
static void set_state(struct ws_zeek_conn *z, int role, uint8_t st)
{
    if (z->state[role] == st)
        return;
    set_prev(z, role, state_class(z->state[role]));
    z->state[role] = st;
}

/* Appends one history letter, upper case for the originator and lower case
 * for the responder (README "Zeek's definitions").  A full history keeps
 * its last position for the newest letter (zeek_conn.h). */
static void add_letter(struct ws_zeek_conn *z, int role, char upper)
{
    char c = role == 0 ? upper : (char)(upper - 'A' + 'a');
    size_t n = 0;   /* a few letters: counted inline, cheaper than a strlen() call */
    while (n < WS_ZEEK_HISTORY_MAX && z->history[n])
        n++;

    if (n < WS_ZEEK_HISTORY_MAX) {
        z->history[n] = c;
        z->history[n + 1] = '\0';
    } else {
        z->history[WS_ZEEK_HISTORY_MAX - 1] = c;
    }
}

/* The 'a', 'd', 'i' and 'q' rule (and the first 's'/'h', 'f', 'r'): the
 * letter is recorded the first time only.  Returns true if it had been seen
 * before (nothing recorded now). */
static bool once(struct ws_zeek_conn *z, int role, uint8_t mark, char upper)
{
    if (z->zc_bits[role] & mark)
        return true;
    z->zc_bits[role] = (uint8_t)(z->zc_bits[role] | mark);
    add_letter(z, role, upper);
    return false;
}

static bool is_power_of_ten(uint32_t n)
{
    while (n >= 10 && n % 10 == 0)
        n /= 10;
    return n == 1;
}

/* The 'c', 'g', 't' and 'w' rule: recorded when the count of such events
 * reaches 1, 10, 100, 1000, ...  The count is 24 bits wide and stops at
 * 16777215, so the letters go up to the eighth one (10^7 events). */
static void scaled(struct ws_zeek_conn *z, int role, int kind, char upper)
{
    uint8_t *p = z->zc_count[role][kind];
    uint32_t n = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;

    if (n == COUNT_MAX)
        return;
    n++;
    p[0] = (uint8_t)n;
    p[1] = (uint8_t)(n >> 8);
    p[2] = (uint8_t)(n >> 16);
    if (is_power_of_ten(n))
        add_letter(z, role, upper);
}

/* End of the data the tap has shown from this role without holes (Zeek's
 * reassembler delivery point). */
static uint32_t contig_of(const struct ws_zeek_conn *z, int role)
{
    return z->zc_last_seq[role] - (uint32_t)(int32_t)z->zc_unseen[role];
}

/* Stores the delivery point as a distance below zc_last_seq.  A distance
 * that does not fit 16 bits is clipped: a hole of more than 32 KiB keeps
 * only its top 32 KiB (an ACK into the forgotten part goes unnoticed), and
 * INT16_MIN means "acknowledged far beyond the data" (see its use in
 * ws_zeek_observe). */
static void set_contig(struct ws_zeek_conn *z, int role, uint32_t contig)
{
    int32_t d = seq_diff(z->zc_last_seq[role], contig);

    if (d > INT16_MAX)
        d = INT16_MAX;
    else if (d < INT16_MIN)
        d = INT16_MIN;
    z->zc_unseen[role] = (int16_t)d;
}

static void swap_u8(uint8_t *a, uint8_t *b)
{
    uint8_t t = *a;

    *a = *b;
    *b = t;
}

/* ---------------------------------------------------------------------------
 * Orientation
 * ------------------------------------------------------------------------- */

/* Zeek's likely_server_ports for TCP as its default (non-bare) scripts fill
 * them: the ports its protocol analyzers register.  Sorted.  Bare-mode runs
 * (zeek -b) load fewer analyzers and so flip fewer connections (README
 * caveat 2); this table models the full default set. */
static const uint16_t likely_server_ports[] = {
    21,   /* FTP */
    22,   /* SSH */
    25,   /* SMTP */
    53,   /* DNS over TCP */
    80,   /* HTTP */
    81,   /* HTTP */
    88,   /* Kerberos */
    110,  /* POP3 */
    135,  /* DCE-RPC */
    139,  /* SMB */
    143,  /* IMAP */
    389,  /* LDAP */
    443,  /* TLS */
    445,  /* SMB */
    502,  /* Modbus */
    563,  /* TLS (NNTPS) */
    585,  /* TLS */
    587,  /* SMTP submission */
    614,  /* TLS */
    631,  /* HTTP (IPP) */
    636,  /* TLS (LDAPS) */
    989,  /* TLS (FTPS data) */
    990,  /* TLS (FTPS) */
    992,  /* TLS (telnets) */
    993,  /* TLS (IMAPS) */
    995,  /* TLS (POP3S) */
    1080, /* HTTP proxy, SOCKS */
    1434, /* MySQL analyzer */
    2811, /* GridFTP */
    3128, /* HTTP proxy */
    3268, /* LDAP global catalog */
    3306, /* MySQL */
    3389, /* RDP */
    5222, /* XMPP */
    5223, /* TLS */
    5269, /* XMPP */
    5432, /* PostgreSQL */
    6379, /* Redis */
    6666, /* IRC */
    6667, /* IRC */
    6668, /* IRC */
    6669, /* IRC */
    8000, /* HTTP */
    8080, /* HTTP */
    8888, /* HTTP */
    20000, /* DNP3 */
};

static bool likely_server_port(uint16_t port)
{
    size_t lo = 0, hi = sizeof likely_server_ports / sizeof likely_server_ports[0];

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (likely_server_ports[mid] == port)
            return true;
        if (likely_server_ports[mid] < port)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Swaps originator and responder.  Zeek appends '^' to the history when it
 * flips (README "Zeek's definitions": "^ connection direction was flipped").
 * The corpus shows the letters already recorded re-cased to the new roles
 * with '^' in front: a SYN+ACK-first connection flipped at its next segment
 * ends up as "^hA..." (core.local-flip, core.tcp.flip-without-syn), not
 * "H^A...".  So the history is rewritten as '^' + the letters with their case
 * swapped; once-only marks, sequence memories and counters follow their
 * endpoint. */
static void flip(struct ws_zeek_conn *z)
{
    char h[WS_ZEEK_HISTORY_MAX + 1];
    size_t n = strlen(z->history), i, o = 0;
    int p0 = prev_of(z, 0), p1 = prev_of(z, 1);
    uint32_t last = z->zc_last_seq[0];
    int16_t unseen = z->zc_unseen[0];
    uint16_t memo[3];
    uint8_t count[3][3];

    z->zc_last_seq[0] = z->zc_last_seq[1];
    z->zc_last_seq[1] = last;
    z->zc_unseen[0] = z->zc_unseen[1];
    z->zc_unseen[1] = unseen;
    memcpy(memo, z->zc_memo[0], sizeof memo);
    memcpy(z->zc_memo[0], z->zc_memo[1], sizeof memo);
    memcpy(z->zc_memo[1], memo, sizeof memo);
    memcpy(count, z->zc_count[0], sizeof count);
    memcpy(z->zc_count[0], z->zc_count[1], sizeof count);
    memcpy(z->zc_count[1], count, sizeof count);
    swap_u8(&z->state[0], &z->state[1]);
    swap_u8(&z->zc_bits[0], &z->zc_bits[1]);
    set_prev(z, 0, p1);
    set_prev(z, 1, p0);
    z->orig_side ^= 1u;

    h[o++] = '^';
    for (i = 0; i < n && o < WS_ZEEK_HISTORY_MAX; i++) {
        char c = z->history[i];

        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        else if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        h[o++] = c;
    }
    h[o] = '\0';
    memcpy(z->history, h, o + 1);
}

/* README caveat 2, first case: the connection's first segment is not a pure
 * SYN (no SYN, or SYN+ACK) and comes from a likely server port.  If the
 * destination port is one too, Zeek flips only a segment without SYN whose
 * source port is below the destination port. */
static bool flip_at_first_segment(const struct ws_segment *seg)
{
    bool syn = (seg->flags & WS_TCP_SYN) != 0, ack = (seg->flags & WS_TCP_ACK) != 0;

    if (syn && !ack)
        return false;
    if (!likely_server_port(seg->sport))
        return false;
    if (likely_server_port(seg->dport))
        return !syn && seg->sport < seg->dport;
    return true;
}

/* What the rules read from a segment, loaded once.  History letters are
 * char stores, which may alias anything: read through the segment pointer,
 * every flag and number would be loaded again after each letter. */
struct seg_view {
    uint32_t seq, len;
    bool syn, fin, rst, ack;
};

/* ---------------------------------------------------------------------------
 * Public functions
 * ------------------------------------------------------------------------- */

void ws_zeek_init(struct ws_zeek_conn *z, int first_sender_side)
{
    memset(z, 0, sizeof *z);
    z->orig_side = (uint8_t)(first_sender_side ? 1 : 0);
}

/* Zeek's is_clean() for gap reporting: ESTABLISHED, or CLOSED straight from
 * ESTABLISHED.  Gaps in other states come from sequence mismatches in RSTs
 * or unseen packets of partial connections and are not recorded. */
static bool clean(const struct ws_zeek_conn *z, int role)
{
    return z->state[role] == WS_ZEEK_ESTABLISHED ||
           (z->state[role] == WS_ZEEK_CLOSED && prev_of(z, role) == PREV_ESTABLISHED);
}

/* The sequence bookkeeping Zeek does before it looks at a segment: an
 * endpoint's first segment, or a SYN in some states, (re)starts its
 * sequence space.  Returns true if it did. */
static bool init_sequence(struct ws_zeek_conn *z, int r, const struct seg_view *v, uint32_t end)
{
    bool syn = v->syn;
    bool reinit;

    switch (z->state[r]) {
    case WS_ZEEK_INACTIVE:
        reinit = true;
        break;
    case WS_ZEEK_SYN_SENT:
    case WS_ZEEK_SYN_ACK_SENT:
        /* A SYN with another sequence number than the one that put it here. */
        reinit = syn && lo16(v->seq) != z->zc_memo[r][MEMO_SYN];
        break;
    case WS_ZEEK_ESTABLISHED:
    case WS_ZEEK_PARTIAL:
        reinit = syn;
        break;
    case WS_ZEEK_RESET:
        /* Sequence numbers first set by a RST are not trusted once a SYN comes. */
        reinit = syn && prev_of(z, r) == PREV_INACTIVE;
        break;
    default:
        reinit = false;
        break;
    }
    if (!reinit)
        return false;
    if (syn) {
        z->zc_last_seq[r] = end;
        set_contig(z, r, v->seq + 1);
    } else {
        /* Mid-stream: numbered as if a SYN had come just before, and the
         * first segment is not a retransmission. */
        z->zc_last_seq[r] = v->seq;
        set_contig(z, r, v->seq);
    }
    return true;
}

/* No SYN, FIN or RST: D for payload, else A for an ACK; once each. */
static void plain_letter(struct ws_zeek_conn *z, int r, uint32_t len, bool ack)
{
    if (len > 0)
        once(z, r, SEEN_DATA, 'D');
    else if (ack)
        once(z, r, SEEN_ACK, 'A');
}

/* History letters for the control flags and payload (README "Details of how
 * the history is built"). */
static void history_letters(struct ws_zeek_conn *z, int r, const struct seg_view *v, bool reinit)
{
    bool syn = v->syn, fin = v->fin, rst = v->rst, ack = v->ack;
    int nflags = (int)syn + (int)fin + (int)rst;

    if (nflags > 1) {
        /* More than one of SYN/FIN/RST: I for FIN+RST, else Q; once each. */
        if (fin && rst)
            once(z, r, SEEN_FINRST, 'I');
        else
            once(z, r, SEEN_MULTI, 'Q');
        return;
    }
    if (nflags == 0) {
        plain_letter(z, r, v->len, ack);
        return;
    }
    /* One control flag: S/H, F and R repeat when their sequence number
     * differs from the last one of the same kind.  For a FIN that number
     * is taken at the end of its payload.  A SYN that restarts the
     * sequence space sits at relative sequence 0 in Zeek, like the SYN
     * before it, so it never repeats the letter. */
    if (syn) {
        char c = ack ? 'H' : 'S';
        uint16_t m = lo16(v->seq);

        if (once(z, r, SEEN_SYN, c) && !reinit && m != z->zc_memo[r][MEMO_SYN])
            add_letter(z, r, c);
        z->zc_memo[r][MEMO_SYN] = m;
    } else if (fin) {
        uint16_t m = lo16(v->seq + v->len);

        if (once(z, r, SEEN_FIN, 'F') && m != z->zc_memo[r][MEMO_FIN])
            add_letter(z, r, 'F');
        z->zc_memo[r][MEMO_FIN] = m;
    } else {
        uint16_t m = lo16(v->seq);

        if (once(z, r, SEEN_RST, 'R') && m != z->zc_memo[r][MEMO_RST])
            add_letter(z, r, 'R');
        z->zc_memo[r][MEMO_RST] = m;
    }
}

/* Zeek's per-endpoint state machine (README "Endpoint state machine").
 * reversal: this SYN from the responder answered an originator's SYN+ACK
 * and the roles were just swapped; Zeek then sets both sides ESTABLISHED. */
static void update_states(struct ws_zeek_conn *z, int r, const struct seg_view *v, bool reversal)
{
    bool syn = v->syn, fin = v->fin, rst = v->rst, ack = v->ack;
    int p = 1 - r;

    switch (z->state[r]) {
    case WS_ZEEK_INACTIVE:
        if (syn) {
            if (reversal) {
                set_state(z, r, WS_ZEEK_ESTABLISHED);
            } else if (r == 0) {
                /* Originator SYN: SYN_SENT; SYN+ACK: SYN_ACK_SENT. */
                set_state(z, r, ack ? WS_ZEEK_SYN_ACK_SENT : WS_ZEEK_SYN_SENT);
            } else {
                /* Responder SYN(+ACK): it is ESTABLISHED at once, and so is
                 * an originator waiting in SYN_SENT (no wait for the ACK). */
                if (z->state[p] == WS_ZEEK_SYN_SENT)
                    set_state(z, p, WS_ZEEK_ESTABLISHED);
                set_state(z, r, WS_ZEEK_ESTABLISHED);
            }
        }
        if (fin)
            set_state(z, r, WS_ZEEK_CLOSED);
        if (rst)
            set_state(z, r, WS_ZEEK_RESET);
        if (z->state[r] == WS_ZEEK_INACTIVE) {
            if (r == 1 && v->len == 0 && z->state[0] == WS_ZEEK_SYN_SENT)
                ; /* a responder ACKing the SYN before its SYN+ACK: ignored */
            else if (ack && z->state[p] == WS_ZEEK_ESTABLISHED)
                set_state(z, r, WS_ZEEK_ESTABLISHED); /* the SYN was missed */
            else
                set_state(z, r, WS_ZEEK_PARTIAL);
        }
        break;
    case WS_ZEEK_SYN_SENT:
    case WS_ZEEK_SYN_ACK_SENT:
        /* Data changes nothing here (Zeek: data_before_established). */
        if (fin)
            set_state(z, r, WS_ZEEK_CLOSED);
        if (rst)
            set_state(z, r, WS_ZEEK_RESET);
        break;
    case WS_ZEEK_ESTABLISHED:
    case WS_ZEEK_PARTIAL:
        if (syn && z->state[r] == WS_ZEEK_PARTIAL && z->state[p] == WS_ZEEK_INACTIVE && !ack)
            set_state(z, r, WS_ZEEK_SYN_SENT);
        if (fin && !rst) {
            set_state(z, r, WS_ZEEK_CLOSED);
            /* The peer's FIN then RST was a normal close after all. */
            if (z->state[p] == WS_ZEEK_RESET && prev_of(z, p) == PREV_CLOSED)
                set_state(z, p, WS_ZEEK_CLOSED);
        }
        if (rst)
            set_state(z, r, WS_ZEEK_RESET);
        break;
    case WS_ZEEK_CLOSED:
        /* After a FIN exchange a RST changes nothing (the row stays SF). */
        if (rst && z->state[p] != WS_ZEEK_CLOSED)
            set_state(z, r, WS_ZEEK_RESET);
        break;
    default: /* RESET stays RESET */
        break;
    }
}

/* The 'g' rule: the peer acknowledges data this side never showed the tap
 * (Zeek's reassembler reports a content gap when an ACK passes a hole).
 * One hole below the data seen is remembered (zc_unseen > 0): an ACK past
 * it counts one gap and delivers the data above it, an ACK past everything
 * seen counts one more.  An ACK at or past the FIN counts only up to the
 * FIN.  Gaps are recorded only while both sides are cleanly established or
 * closing (clean()). */
static void check_gap(struct ws_zeek_conn *z, int p, uint32_t ack, bool record)
{
    uint32_t contig = contig_of(z, p);
    int gaps = 0;

    if ((z->zc_bits[p] & SEEN_FIN) && seq_diff(ack, z->zc_last_seq[p]) >= 0)
        ack = z->zc_last_seq[p] - 1;
    if (seq_diff(ack, contig) <= 0)
        return;
    if (z->zc_unseen[p] > 0) {
        gaps++;
        contig = z->zc_last_seq[p];
    }
    if (seq_diff(ack, contig) > 0) {
        gaps++;
        contig = ack;
    }
    set_contig(z, p, contig);
    while (record && gaps-- > 0)
        scaled(z, p, COUNT_G, 'G');
}

/* The end of the 't' rule (see ws_zeek_observe), its exceptions aside: a
 * segment reaching past the highest sequence number sent moves it; one
 * with payload that does not is a retransmission. */
static void advance_or_retransmit(struct ws_zeek_conn *z, int r, uint32_t end, uint32_t len)
{
    if (seq_diff(end, z->zc_last_seq[r]) > 0)
        z->zc_last_seq[r] = end;
    else if (len > 0)
        scaled(z, r, COUNT_T, 'T');
}

/* The data the tap has shown without holes (for 'g'), after a segment whose
 * data occupies [ds, end): data starting at or below that point extends it;
 * if a hole was pending, the data above it is taken as contiguous from then
 * on.  far_ahead: the peer acknowledged more than 32 KiB beyond this side's
 * data (set_contig), so the exact point is lost, and data resuming beyond
 * the old mark is taken to resume where that ACK pointed. */
static uint32_t extend_contig(const struct ws_zeek_conn *z, int r, uint32_t contig, bool far_ahead,
                              uint32_t ds, uint32_t end)
{
    bool hole;

    if (far_ahead && seq_diff(ds, contig) > 0)
        contig = ds;
    hole = seq_diff(z->zc_last_seq[r], contig) > 0 && seq_diff(end, contig) > 0 &&
           seq_diff(ds, contig) <= 0;
    if (seq_diff(ds, contig) <= 0 && seq_diff(end, contig) > 0)
        contig = end;
    if (hole && seq_diff(z->zc_last_seq[r], contig) > 0)
        contig = z->zc_last_seq[r];
    return contig;
}

/* Most segments: an ACK, with or without payload, and no SYN, FIN or RST,
 * between two ESTABLISHED endpoints.  Orientation, sequence restarts and
 * the state machine cannot act on one, and the other rules of
 * ws_zeek_observe lose their SYN, FIN, RST and state conditions; what is
 * left runs here, in the same order. */
static bool plain_ack(const struct ws_zeek_conn *z, uint16_t flags)
{
    return (z->zc_bits[2] & BITS_STARTED) &&
           (flags & (WS_TCP_SYN | WS_TCP_FIN | WS_TCP_RST | WS_TCP_ACK)) == WS_TCP_ACK &&
           z->state[0] == WS_ZEEK_ESTABLISHED && z->state[1] == WS_ZEEK_ESTABLISHED;
}

static void observe_plain_ack(struct ws_zeek_conn *z, const struct ws_segment *seg, int r)
{
    uint32_t seq = seg->seq, len = seg->payload_len, ack_no = seg->ack;
    bool zero_window = seg->has_window && seg->window == 0;
    uint32_t end = seq + len, contig = contig_of(z, r);
    bool far_ahead = z->zc_unseen[r] == INT16_MIN;

    plain_letter(z, r, len, true);
    if (zero_window)
        scaled(z, r, COUNT_W, 'W');
    advance_or_retransmit(z, r, end, len);
    if (len > 0)
        contig = extend_contig(z, r, contig, far_ahead, seq, end);
    set_contig(z, r, contig);
    check_gap(z, 1 - r, ack_no, true);
}

/* Any segment: every rule.  Kept out of line, so that its register saves
 * and stack frame are not paid by the plain ACKs of ws_zeek_observe. */
static __attribute__((noinline)) void observe_any(struct ws_zeek_conn *z, const struct ws_segment *seg, int sender_side)
{
    const struct seg_view v = {
        .seq = seg->seq,
        .len = seg->payload_len,
        .syn = (seg->flags & WS_TCP_SYN) != 0,
        .fin = (seg->flags & WS_TCP_FIN) != 0,
        .rst = (seg->flags & WS_TCP_RST) != 0,
        .ack = (seg->flags & WS_TCP_ACK) != 0,
    };
    const bool syn = v.syn, fin = v.fin, rst = v.rst, ack = v.ack;
    const uint32_t len = v.len, seq = v.seq, ack_no = seg->ack;
    const bool zero_window = seg->has_window && seg->window == 0;
    uint32_t seg_len, end, contig;
    bool reversal = false, reinit, far_ahead;
    uint8_t peer_before, marks_before;
    int r, p;
    int32_t delta;

    /* Orientation, README caveat 2: normally the originator is the sender of
     * the connection's first segment; Zeek flips it right away when that
     * segment looks like a server's reply (flip_at_first_segment). */
    if (!(z->zc_bits[2] & BITS_STARTED)) {
        z->zc_bits[2] |= BITS_STARTED;
        z->orig_side = (uint8_t)(sender_side ? 1 : 0);
        if (flip_at_first_segment(seg))
            flip(z);
    }
    r = (sender_side ? 1 : 0) == z->orig_side ? 0 : 1;

    /* README caveat 2, second and third cases: the originator's first
     * segment was a SYN+ACK (SYN_ACK_SENT, responder silent) and the other
     * side now speaks.  A SYN from it is a SYN/SYN+ACK reversal; an ACK or
     * data (no SYN, no RST) means the SYN was missed.  Either way the
     * SYN+ACK's sender was the responder: flip, and it is ESTABLISHED as a
     * responder's SYN+ACK makes it. */
    if (r == 1 && z->state[0] == WS_ZEEK_SYN_ACK_SENT && z->state[1] == WS_ZEEK_INACTIVE &&
        !rst && ((syn && !ack) || (!syn && (ack || len > 0)))) {
        reversal = syn;
        flip(z);
        set_state(z, 1, WS_ZEEK_ESTABLISHED);
        r = 0;
    }
    p = 1 - r;

    seg_len = len + (uint32_t)syn + (uint32_t)fin;
    if (rst)
        seg_len -= len;     /* a RST's payload is not part of the stream */
    end = seq + seg_len;

    reinit = init_sequence(z, r, &v, end);
    contig = contig_of(z, r);
    far_ahead = z->zc_unseen[r] == INT16_MIN;
    marks_before = z->zc_bits[r];
    history_letters(z, r, &v, reinit);

    /* The 'w' rule: a zero window advertisement counts unless it comes with
     * a RST, from an endpoint that already sent a RST, or after the peer
     * sent its FIN (no window matters then).  A zero window from a side
     * that has itself sent a FIN still counts: it may still receive.  SYNs
     * and FINs count like any other segment.  The scale factor does not
     * matter: zero scaled is zero. */
    if (zero_window && !rst && z->state[p] != WS_ZEEK_CLOSED &&
        z->state[r] != WS_ZEEK_RESET)
        scaled(z, r, COUNT_W, 'W');

    /* The 't' rule: a segment with payload that does not reach past the
     * highest sequence number this side has sent (SYN and FIN included) is
     * a retransmission.  Out-of-range SYN/RST numbers and anything after the
     * side's RST are not trusted; a FIN after nothing but the SYN moves the
     * mark even backwards (Zeek's > 2 GiB rule). */
    delta = seq_diff(end, z->zc_last_seq[r]);
    if ((syn || rst) && (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA))
        ;
    else if (fin && z->state[r] != WS_ZEEK_INACTIVE && (marks_before & SEEN_SYN) &&
             !(marks_before & (SEEN_DATA | SEEN_FIN)) && !reinit)
        z->zc_last_seq[r] = end;
    else if (z->state[r] != WS_ZEEK_RESET)
        advance_or_retransmit(z, r, end, len);

    /* The FIN's slot counts as data so that an in-order FIN leaves no hole. */
    if (!rst && (len > 0 || fin))
        contig = extend_contig(z, r, contig, far_ahead, seq + (uint32_t)syn, end);
    set_contig(z, r, contig);

    peer_before = z->state[p];
    update_states(z, r, &v, reversal);

    /* The ACK is judged after the state change, so that gaps revealed by a
     * closing FIN or RST are known to come at the very end (not recorded). */
    if (ack && peer_before != WS_ZEEK_INACTIVE)
        check_gap(z, p, ack_no, clean(z, p) && clean(z, r));
}

/* A connection's first segment is a bare SYN (no payload, no zero window):
 * how nearly every connection starts, and every packet of a SYN flood. */
static bool opening_syn(const struct ws_zeek_conn *z, const struct ws_segment *seg)
{
    return !(z->zc_bits[2] & BITS_STARTED) &&
           (seg->flags & (WS_TCP_SYN | WS_TCP_FIN | WS_TCP_RST | WS_TCP_ACK)) == WS_TCP_SYN &&
           seg->payload_len == 0 && !(seg->has_window && seg->window == 0);
}

/* What observe_any() does with an opening SYN, on a record still as
 * ws_zeek_init() left it: its sender is the originator (no flip for a bare
 * SYN), its sequence space starts (one past the SYN, nothing unseen), 'S' is
 * recorded with the SYN's number, and it is SYN_SENT.  No other rule can
 * apply.  test_zeek_conn compares the two for many segments. */
static void observe_opening_syn(struct ws_zeek_conn *z, const struct ws_segment *seg, int sender_side)
{
    z->zc_bits[2] |= BITS_STARTED;
    z->orig_side = (uint8_t)(sender_side ? 1 : 0);
    z->zc_last_seq[0] = seg->seq + 1;
    z->zc_unseen[0] = 0;
    z->zc_bits[0] |= SEEN_SYN;
    add_letter(z, 0, 'S');
    z->zc_memo[0][MEMO_SYN] = lo16(seg->seq);
    set_state(z, 0, WS_ZEEK_SYN_SENT);
}

void ws_zeek_observe(struct ws_zeek_conn *z, const struct ws_segment *seg, int sender_side)
{
    if (plain_ack(z, seg->flags))
        observe_plain_ack(z, seg, (sender_side ? 1 : 0) == z->orig_side ? 0 : 1);
    else if (opening_syn(z, seg))
        observe_opening_syn(z, seg, sender_side);
    else
        observe_any(z, seg, sender_side);
}

void ws_zeek_observe_general(struct ws_zeek_conn *z, const struct ws_segment *seg, int sender_side)
{
    observe_any(z, seg, sender_side);
}

/* README "How conn_state is computed": /^\^?S[^HAFGIQ]*R.*$/. */
static bool rstos0_history(const char *h)
{
    if (*h == '^')
        h++;
    if (*h++ != 'S')
        return false;
    for (; *h != '\0' && *h != 'R'; h++)
        if (strchr("HAFGIQ", *h) != NULL)
            return false;
    return *h == 'R';
}

const char *ws_zeek_conn_state(const struct ws_zeek_conn *z, uint64_t orig_bytes,
                               uint64_t resp_bytes)
{
    uint8_t os = z->state[0], rs = z->state[1];
    bool o_inactive = os == WS_ZEEK_INACTIVE || os == WS_ZEEK_PARTIAL;
    bool r_inactive = rs == WS_ZEEK_INACTIVE || rs == WS_ZEEK_PARTIAL;

    /* 1. The responder reset. */
    if (rs == WS_ZEEK_RESET) {
        if (os == WS_ZEEK_SYN_SENT || os == WS_ZEEK_SYN_ACK_SENT ||
            (os == WS_ZEEK_RESET && orig_bytes == 0 && resp_bytes == 0))
            return "REJ";
        return o_inactive ? "RSTRH" : "RSTR";
    }
    /* 2. The originator reset. */
    if (os == WS_ZEEK_RESET) {
        if (r_inactive)
            return rstos0_history(z->history) ? "RSTOS0" : "OTH";
        return "RSTO";
    }
    /* 3.-5. FINs. */
    if (os == WS_ZEEK_CLOSED && rs == WS_ZEEK_CLOSED)
        return "SF";
    if (os == WS_ZEEK_CLOSED)
        return r_inactive ? "SH" : "S2";
    if (rs == WS_ZEEK_CLOSED)
        return o_inactive ? "SHR" : "S3";
    /* 6.-8. */
    if (os == WS_ZEEK_SYN_SENT && rs == WS_ZEEK_INACTIVE)
        return "S0";
    if (os == WS_ZEEK_ESTABLISHED && rs == WS_ZEEK_ESTABLISHED)
        return "S1";
    return "OTH";
}
