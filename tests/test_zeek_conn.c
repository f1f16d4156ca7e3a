/* test_zeek_conn.c - Zeek's originator, endpoint states, conn_state and history.
 *
 * Hand-built segment sequences, one per conn_state and per history rule.  The
 * expected strings come from the rules in ../shared/corpus/README.md ("Zeek's
 * definitions", "Details of how the history is built", the endpoint state
 * machine and conn_state summaries) and from the Zeek baselines quoted there
 * (e.g. "^hADadFf", "ShADaGdgtR", "Sr"), not from running the code.
 *
 * Conventions: flow side 0 is the client 10.0.0.1:40000 (ISN 1000), side 1
 * the server 10.0.0.2 (ISN 5000) on port 5555, which is not a likely server
 * port, so no test flips by accident; the flip tests pick their ports. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "wirestate/zeek_conn.h"

#define C 0     /* client side */
#define SV 1    /* server side */

#define F_FIN WS_TCP_FIN
#define F_SYN WS_TCP_SYN
#define F_RST WS_TCP_RST
#define F_ACK WS_TCP_ACK
#define F_PSH WS_TCP_PSH

/* A connection under test with the ports of both sides. */
struct tc {
    struct ws_zeek_conn z;
    uint16_t port[2];
    uint64_t bytes[2];   /* payload per flow side, for REJ */
    bool started;
};

static void tc_init(struct tc *t, uint16_t client_port, uint16_t server_port)
{
    memset(t, 0, sizeof *t);
    t->port[C] = client_port;
    t->port[SV] = server_port;
}

/* Sends one segment from `side`; the first one also initialises the record
 * with that side as the first sender. */
static void seg_w(struct tc *t, int side, uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len,
                  uint16_t window)
{
    struct ws_segment s;

    memset(&s, 0, sizeof s);
    s.src.family = s.dst.family = 4;
    s.src.bytes[0] = s.dst.bytes[0] = 10;
    s.src.bytes[3] = (uint8_t)(side + 1);
    s.dst.bytes[3] = (uint8_t)(2 - side);
    s.sport = t->port[side];
    s.dport = t->port[1 - side];
    s.flags = flags;
    s.seq = seq;
    s.ack = ack;
    s.payload_len = len;
    s.window = window;
    s.has_window = true;
    s.header_len = 20;
    if (!t->started) {
        ws_zeek_init(&t->z, side);
        t->started = true;
    }
    ws_zeek_observe(&t->z, &s, side);
    t->bytes[side] += len;
}

static void seg(struct tc *t, int side, uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
    seg_w(t, side, flags, seq, ack, len, 8192);
}

static const char *state_of(const struct tc *t)
{
    int o = t->z.orig_side;

    return ws_zeek_conn_state(&t->z, t->bytes[o], t->bytes[1 - o]);
}

/* Client SYN, server SYN+ACK, client ACK: sequence space starts at 1001 / 5001. */
static void handshake(struct tc *t)
{
    seg(t, C, F_SYN, 1000, 0, 0);
    seg(t, SV, F_SYN | F_ACK, 5000, 1001, 0);
    seg(t, C, F_ACK, 1001, 5001, 0);
}

#define EXPECT(t, st, hist)                                   \
    do {                                                      \
        assert_string_equal(state_of(t), (st));               \
        assert_string_equal((t)->z.history, (hist));          \
    } while (0)

/* ---- memory --------------------------------------------------------- */

static void test_record_fits_80_bytes(void **state)
{
    (void)state;
    assert_true(sizeof(struct ws_zeek_conn) <= 80);
}

static void test_init_empty(void **state)
{
    struct ws_zeek_conn z;

    (void)state;
    memset(&z, 0x5a, sizeof z);
    ws_zeek_init(&z, 1);
    assert_int_equal(z.orig_side, 1);
    assert_int_equal(z.state[0], WS_ZEEK_INACTIVE);
    assert_int_equal(z.state[1], WS_ZEEK_INACTIVE);
    assert_string_equal(z.history, "");
    assert_string_equal(ws_zeek_conn_state(&z, 0, 0), "OTH");
}

/* ---- conn_state, one test each ---------------------------------------- */

static void test_s0(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    seg(&t, C, F_SYN, 1000, 0, 0);
    seg(&t, C, F_SYN, 1000, 0, 0);       /* retransmitted: same seq, no new letter */
    EXPECT(&t, "S0", "S");
    assert_int_equal(t.z.state[0], WS_ZEEK_SYN_SENT);
    assert_int_equal(t.z.orig_side, C);
}

static void test_s1(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    seg(&t, C, F_SYN, 1000, 0, 0);
    seg(&t, SV, F_SYN | F_ACK, 5000, 1001, 0);
    /* Zeek marks both sides ESTABLISHED at the SYN+ACK already. */
    assert_int_equal(t.z.state[0], WS_ZEEK_ESTABLISHED);
    assert_int_equal(t.z.state[1], WS_ZEEK_ESTABLISHED);
    seg(&t, C, F_ACK, 1001, 5001, 0);
    seg(&t, C, F_ACK | F_PSH, 1001, 5001, 10);
    seg(&t, SV, F_ACK, 5001, 1011, 0);
    seg(&t, SV, F_ACK | F_PSH, 5001, 1011, 20);
    EXPECT(&t, "S1", "ShADad");
}

static void test_sf(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    seg(&t, C, F_ACK | F_PSH, 1001, 5001, 10);
    seg(&t, SV, F_ACK, 5001, 1011, 0);
    seg(&t, SV, F_ACK | F_PSH, 5001, 1011, 20);
    seg(&t, C, F_FIN | F_ACK, 1011, 5021, 0);
    seg(&t, SV, F_FIN | F_ACK, 5021, 1012, 0);
    seg(&t, C, F_ACK, 1012, 5022, 0);
    EXPECT(&t, "SF", "ShADadFf");
}

static void test_sf_survives_rst_after_fins(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    seg(&t, C, F_FIN | F_ACK, 1001, 5001, 0);
    seg(&t, SV, F_FIN | F_ACK, 5001, 1002, 0);
    seg(&t, C, F_RST, 1002, 0, 0);      /* after a FIN exchange a RST changes nothing */
    EXPECT(&t, "SF", "ShAFfR");
}

static void test_rej(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    seg(&t, C, F_SYN, 1000, 0, 0);
    seg(&t, SV, F_RST | F_ACK, 0, 1001, 0);
    EXPECT(&t, "REJ", "Sr");          /* pop3.pcap's rows */
}

static void test_s2(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    seg(&t, C, F_FIN | F_ACK, 1001, 5001, 0);
    seg(&t, SV, F_ACK, 5001, 1002, 0);
    EXPECT(&t, "S2", "ShAFa");
}

static void test_s3(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    seg(&t, SV, F_FIN | F_ACK, 5001, 1001, 0);
    seg(&t, C, F_ACK, 1001, 5002, 0);
    EXPECT(&t, "S3", "ShAf");
}

static void test_rsto(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    seg(&t, C, F_ACK | F_PSH, 1001, 5001, 10);
    seg(&t, C, F_RST | F_ACK, 1011, 5001, 0);
    EXPECT(&t, "RSTO", "ShADR");
}

static void test_rstr(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    seg(&t, C, F_ACK | F_PSH, 1001, 5001, 10);
    seg(&t, SV, F_RST, 5001, 0, 0);
    EXPECT(&t, "RSTR", "ShADr");
}

static void test_rstos0(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    seg(&t, C, F_SYN, 1000, 0, 0);
    seg(&t, C, F_RST, 1001, 0, 0);
    EXPECT(&t, "RSTOS0", "SR");
}

static void test_rstos0_needs_its_history(void **state)
{
    struct tc t;

    (void)state;
    /* The originator reset a connection the responder never answered, but
     * an A came between S and R: /\^?S[^HAFGIQ]*R.* / fails, so OTH. */
    tc_init(&t, 40000, 5555);
    seg(&t, C, F_SYN, 1000, 0, 0);
    seg(&t, C, F_ACK, 1001, 5001, 0);
    seg(&t, C, F_RST, 1001, 0, 0);
    EXPECT(&t, "OTH", "SAR");
    /* Lower-case letters (responder) do not stop the match. */
    tc_init(&t, 40000, 5555);
    seg(&t, C, F_SYN, 1000, 0, 0);
    seg(&t, SV, F_ACK, 5000, 1001, 0);  /* responder's ACK before any SYN+ACK: ignored state-wise */
    seg(&t, C, F_RST, 1001, 0, 0);
    EXPECT(&t, "RSTOS0", "SaR");
}

static void test_rstrh(void **state)
{
    struct tc t;

    (void)state;
    /* modbus-and-non-modbus-p502.pcap: "Dr". The originator was only seen
     * mid-stream (PARTIAL counts as inactive), then the responder reset. */
    tc_init(&t, 40000, 5555);
    seg(&t, C, F_ACK | F_PSH, 1001, 5001, 10);
    seg(&t, SV, F_RST, 5001, 0, 0);
    EXPECT(&t, "RSTRH", "Dr");
    /* Teredo.pcap: "^r", a lone RST from a likely server port. */
    tc_init(&t, 40000, 80);
    seg(&t, SV, F_RST, 5001, 0, 0);
    EXPECT(&t, "RSTRH", "^r");
    assert_int_equal(t.z.orig_side, C);
}

static void test_sh(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    seg(&t, C, F_SYN, 1000, 0, 0);
    seg(&t, C, F_ACK, 1001, 5001, 0);
    seg(&t, C, F_ACK | F_PSH, 1001, 5001, 10);
    seg(&t, C, F_FIN | F_ACK, 1011, 5001, 0);
    EXPECT(&t, "SH", "SADF");          /* ssh.client-side-half-duplex.pcap */
}

static void test_shr(void **state)
{
    struct tc t;

    (void)state;
    /* ssh.server-side-half-duplex.pcap: "^hdaf", only the server's packets. */
    tc_init(&t, 40000, 22);
    seg(&t, SV, F_SYN | F_ACK, 5000, 1001, 0);
    seg(&t, SV, F_ACK | F_PSH, 5001, 1001, 20);
    seg(&t, SV, F_ACK, 5021, 1050, 0);
    seg(&t, SV, F_FIN | F_ACK, 5021, 1050, 0);
    EXPECT(&t, "SHR", "^hdaf");
    assert_int_equal(t.z.orig_side, C);
}

static void test_oth(void **state)
{
    struct tc t;

    (void)state;
    /* ldap/missing_ldap_logs.pcapng: "Dd", both sides mid-stream. */
    tc_init(&t, 40000, 5555);
    seg(&t, C, F_ACK | F_PSH, 1001, 5001, 10);
    seg(&t, SV, F_ACK | F_PSH, 5001, 1011, 20);
    seg(&t, C, F_ACK, 1011, 5021, 0);
    EXPECT(&t, "OTH", "DdA");
    assert_int_equal(t.z.state[0], WS_ZEEK_PARTIAL);
    assert_int_equal(t.z.state[1], WS_ZEEK_PARTIAL);
}

/* ---- history rules ---------------------------------------------------- */

static void test_once_only_letters(void **state)
{
    struct tc t;
    int i;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    for (i = 0; i < 5; i++) {
        seg(&t, C, F_ACK | F_PSH, 1001 + 10u * (uint32_t)i, 5001, 10);
        seg(&t, SV, F_ACK, 5001, 1011 + 10u * (uint32_t)i, 0);
    }
    seg(&t, C, F_ACK, 1051, 5001, 0);
    /* a, d, i, q at most once per direction */
    seg(&t, C, F_FIN | F_RST | F_ACK, 1051, 5001, 0);
    seg(&t, C, F_FIN | F_RST | F_ACK, 1052, 5001, 0);
    seg(&t, SV, F_SYN | F_FIN, 5001, 0, 0);
    seg(&t, SV, F_SYN | F_RST, 5001, 0, 0);
    /* The server's SYN+FIN closed it, its SYN+RST then reset it. */
    EXPECT(&t, "RSTR", "ShADaIq");
}

static void test_fin_repeats_only_with_new_sequence(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    seg(&t, C, F_FIN | F_ACK, 1001, 5001, 0);
    seg(&t, C, F_FIN | F_ACK, 1001, 5001, 0);           /* retransmission: same seq */
    assert_string_equal(t.z.history, "ShAF");
    /* The FIN's number is taken at the end of its payload: a FIN carrying
     * 10 bytes from 991 ends at 1001, the same place, so no new F (its
     * payload lies below what was sent already: a retransmission, T). */
    seg(&t, C, F_FIN | F_ACK | F_PSH, 991, 5001, 10);
    assert_string_equal(t.z.history, "ShAFT");
    seg(&t, C, F_FIN | F_ACK | F_PSH, 1001, 5001, 10);  /* ends at 1011: new */
    assert_string_equal(t.z.history, "ShAFTF");
}

static void test_rst_repeats_only_with_new_sequence(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    seg(&t, SV, F_RST, 5001, 0, 0);
    seg(&t, SV, F_RST, 5001, 0, 0);
    seg(&t, SV, F_RST | F_ACK, 5001, 1001, 0);
    assert_string_equal(t.z.history, "ShAr");
    seg(&t, SV, F_RST, 6000, 0, 0);
    seg(&t, SV, F_RST, 7000, 0, 0);
    EXPECT(&t, "RSTR", "ShArrr");
}

static void test_syn_repeats(void **state)
{
    struct tc t;

    (void)state;
    /* A SYN+ACK retransmitted with the same number gives no letter; one
     * from a closed endpoint with another number does. */
    tc_init(&t, 40000, 5555);
    handshake(&t);
    seg(&t, SV, F_SYN | F_ACK, 5000, 1001, 0);
    assert_string_equal(t.z.history, "ShA");
    seg(&t, SV, F_FIN | F_ACK, 5001, 1001, 0);
    seg(&t, SV, F_SYN | F_ACK, 9000, 1001, 0);
    assert_string_equal(t.z.history, "ShAfh");
}

/* t: payload that does not reach past what this side already sent. */
static void test_retransmissions_logarithmic(void **state)
{
    struct tc t;
    int i;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    seg(&t, C, F_ACK | F_PSH, 1001, 5001, 100);
    seg(&t, C, F_ACK | F_PSH, 1001, 5001, 100);          /* 1st */
    assert_string_equal(t.z.history, "ShADT");
    for (i = 2; i <= 9; i++)
        seg(&t, C, F_ACK | F_PSH, 1051, 5001, 50);       /* inside sent data */
    assert_string_equal(t.z.history, "ShADT");
    seg(&t, C, F_ACK | F_PSH, 1001, 5001, 100);          /* 10th */
    assert_string_equal(t.z.history, "ShADTT");
    for (i = 11; i <= 99; i++)
        seg(&t, C, F_ACK | F_PSH, 1001, 5001, 100);
    assert_string_equal(t.z.history, "ShADTT");
    seg(&t, C, F_ACK | F_PSH, 1001, 5001, 100);          /* 100th */
    assert_string_equal(t.z.history, "ShADTTT");
    /* New data is not a retransmission; a zero-length ACK never is. */
    seg(&t, C, F_ACK | F_PSH, 1101, 5001, 100);
    seg(&t, C, F_ACK, 1001, 5001, 0);
    EXPECT(&t, "S1", "ShADTTT");
}

/* g: the peer acknowledges data this side never showed the tap. */
static void test_gaps_logarithmic(void **state)
{
    struct tc t;
    uint32_t s = 5001;
    int i;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    for (i = 1; i <= 100; i++) {
        seg(&t, SV, F_ACK | F_PSH, s, 1001, 100);        /* seen: [s, s+100) */
        seg(&t, C, F_ACK, 1001, s + 200, 0);             /* acks 100 bytes never seen */
        s += 200;
        if (i == 1)
            assert_string_equal(t.z.history, "ShAdg");
        if (i == 9)
            assert_string_equal(t.z.history, "ShAdg");
        if (i == 10)
            assert_string_equal(t.z.history, "ShAdgg");
    }
    EXPECT(&t, "S1", "ShAdggg");
}

static void test_gap_from_hole_and_not_after_fill(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    /* A segment the tap missed, then the one after it, then the ACK for both. */
    seg(&t, SV, F_ACK | F_PSH, 5101, 1001, 100);
    seg(&t, C, F_ACK, 1001, 5201, 0);
    assert_string_equal(t.z.history, "ShAdg");
    /* Out of order but filled before the ACK: no gap.  The late one is a
     * retransmission in Zeek's terms (it does not pass the highest seq). */
    seg(&t, SV, F_ACK | F_PSH, 5301, 1001, 100);
    seg(&t, SV, F_ACK | F_PSH, 5201, 1001, 100);
    seg(&t, C, F_ACK, 1001, 5401, 0);
    EXPECT(&t, "S1", "ShAdgt");
}

static void test_gap_not_recorded_when_not_established(void **state)
{
    struct tc t;

    (void)state;
    /* Both sides mid-stream (PARTIAL): gaps are not reliable, not recorded.
     * The server speaks first from a port that is not a likely server
     * port, so it is the originator. */
    tc_init(&t, 40000, 5555);
    seg(&t, SV, F_ACK | F_PSH, 5001, 1001, 100);
    seg(&t, C, F_ACK, 1001, 9001, 0);
    EXPECT(&t, "OTH", "Da");
}

static void test_gap_at_fin_not_counted_past_fin(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    seg(&t, SV, F_ACK | F_PSH, 5001, 1001, 100);
    seg(&t, SV, F_FIN | F_ACK, 5101, 1001, 0);
    seg(&t, C, F_ACK, 1001, 5102, 0);                    /* acks the FIN: no gap */
    EXPECT(&t, "S3", "ShAdf");
}

/* w: zero window advertisements. */
static void test_zero_windows_logarithmic(void **state)
{
    struct tc t;
    int i;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    seg(&t, C, F_ACK | F_PSH, 1001, 5001, 100);
    for (i = 1; i <= 100; i++) {
        seg_w(&t, SV, F_ACK, 5001, 1101, 0, 0);
        if (i == 1)
            assert_string_equal(t.z.history, "ShADaw");
        if (i == 10)
            assert_string_equal(t.z.history, "ShADaww");
    }
    assert_string_equal(t.z.history, "ShADawww");
}

static void test_zero_window_exceptions(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    seg_w(&t, SV, F_RST | F_ACK, 5001, 1001, 0, 0);      /* with a RST: not counted */
    EXPECT(&t, "RSTR", "ShAr");
    seg_w(&t, SV, F_ACK, 5001, 1001, 0, 0);              /* after its own RST: not counted */
    assert_string_equal(t.z.history, "ShAra");

    tc_init(&t, 40000, 5555);
    handshake(&t);
    seg(&t, C, F_FIN | F_ACK, 1001, 5001, 0);
    seg_w(&t, SV, F_ACK, 5001, 1002, 0, 0);              /* after the peer's FIN: not counted */
    assert_string_equal(t.z.history, "ShAFa");
    seg_w(&t, C, F_ACK, 1002, 5001, 0, 0);               /* from the side that sent the FIN: counted */
    EXPECT(&t, "S2", "ShAFaW");
}

/* ^: the direction flips. */
static void test_flip_at_first_segment(void **state)
{
    struct tc t;

    (void)state;
    /* wikipedia.pcap: a lone SYN+ACK from port 80 is "^h" from the client's side. */
    tc_init(&t, 6705, 80);
    seg(&t, SV, F_SYN | F_ACK, 5000, 1001, 0);
    EXPECT(&t, "OTH", "^h");
    assert_int_equal(t.z.orig_side, C);
    /* krb/optional-service-name.pcap: the client's ACK then makes it S1, "^hADd". */
    seg(&t, C, F_ACK, 1001, 5001, 0);
    seg(&t, C, F_ACK | F_PSH, 1001, 5001, 110);
    seg(&t, SV, F_ACK | F_PSH, 5001, 1111, 90);
    EXPECT(&t, "S1", "^hADd");

    /* mpls-in-vlan.pcap: data from port 80 to a client port. */
    tc_init(&t, 32828, 80);
    seg(&t, SV, F_ACK, 5001, 1001, 1448);
    EXPECT(&t, "OTH", "^d");

    /* Both ports likely: only a segment without SYN flips, and only from
     * the lower port. */
    tc_init(&t, 443, 80);
    seg(&t, SV, F_ACK | F_PSH, 5001, 1001, 10);          /* 80 -> 443 */
    assert_string_equal(t.z.history, "^d");
    tc_init(&t, 443, 80);
    seg(&t, C, F_ACK | F_PSH, 1001, 5001, 10);           /* 443 -> 80: no flip */
    assert_string_equal(t.z.history, "D");
    tc_init(&t, 6669, 80);
    seg(&t, SV, F_SYN | F_ACK, 5000, 1001, 0);           /* SYN+ACK between two: no flip yet */
    assert_string_equal(t.z.history, "H");
    assert_int_equal(t.z.orig_side, SV);

    /* A pure SYN never flips, whatever its ports. */
    tc_init(&t, 40000, 80);
    seg(&t, SV, F_SYN, 5000, 0, 0);
    EXPECT(&t, "S0", "S");
    assert_int_equal(t.z.orig_side, SV);
}

static void test_flip_when_synack_first_is_answered(void **state)
{
    struct tc t;

    (void)state;
    /* core.local-flip / core.tcp.flip-without-syn: a SYN+ACK seen first and
     * not flipped by ports; the other side's ACK shows who the client was. */
    tc_init(&t, 40000, 5555);
    seg(&t, SV, F_SYN | F_ACK, 5000, 1001, 0);
    assert_string_equal(t.z.history, "H");
    assert_int_equal(t.z.orig_side, SV);
    assert_int_equal(t.z.state[0], WS_ZEEK_SYN_ACK_SENT);
    seg(&t, C, F_ACK, 1001, 5001, 0);
    assert_int_equal(t.z.orig_side, C);
    assert_string_equal(t.z.history, "^hA");
    seg(&t, C, F_ACK | F_PSH, 1001, 5001, 10);
    seg(&t, SV, F_ACK, 5001, 1011, 0);
    seg(&t, SV, F_ACK | F_PSH, 5001, 1011, 20);
    seg(&t, SV, F_FIN | F_ACK, 5021, 1011, 0);
    seg(&t, C, F_FIN | F_ACK, 1011, 5022, 0);
    EXPECT(&t, "SF", "^hADadfF");

    /* SYN/SYN+ACK reversal: the client's SYN arrives after the SYN+ACK. */
    tc_init(&t, 40000, 5555);
    seg(&t, SV, F_SYN | F_ACK, 5000, 1001, 0);
    seg(&t, C, F_SYN, 1000, 0, 0);
    assert_int_equal(t.z.orig_side, C);
    EXPECT(&t, "S1", "^hS");

    /* Without an answer the SYN+ACK's sender stays the originator. */
    tc_init(&t, 40000, 5555);
    seg(&t, SV, F_SYN | F_ACK, 5000, 1001, 0);
    seg(&t, SV, F_SYN | F_ACK, 5000, 1001, 0);
    EXPECT(&t, "OTH", "H");
    assert_int_equal(t.z.orig_side, SV);
}

/* I and Q. */
static void test_odd_flags(void **state)
{
    struct tc t;

    (void)state;
    tc_init(&t, 40000, 5555);
    seg(&t, C, F_SYN | F_FIN, 1000, 0, 0);
    seg(&t, C, F_SYN | F_FIN, 1000, 0, 0);
    assert_string_equal(t.z.history, "Q");
    seg(&t, SV, F_FIN | F_RST | F_ACK, 5000, 1001, 0);
    /* The SYN+FIN left the originator CLOSED, not SYN_SENT: not REJ. */
    EXPECT(&t, "RSTR", "Qi");

    tc_init(&t, 40000, 5555);
    handshake(&t);
    seg(&t, C, F_SYN | F_RST, 1001, 0, 0);               /* SYN+RST is Q, not I */
    EXPECT(&t, "RSTO", "ShAQ");
}

/* c is never produced: there is no checksum verdict in a segment. */
static void test_no_checksum_letter(void **state)
{
    struct tc t;
    int i;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    for (i = 0; i < 20; i++)
        seg(&t, C, F_ACK | F_PSH, 1001 + 10u * (uint32_t)i, 5001, 10);
    assert_null(strchr(t.z.history, 'c'));
    assert_null(strchr(t.z.history, 'C'));
}

static void test_history_keeps_last_letter_when_full(void **state)
{
    struct tc t;
    uint32_t i;

    (void)state;
    tc_init(&t, 40000, 5555);
    handshake(&t);
    for (i = 0; i < 40; i++)
        seg(&t, SV, F_RST, 5001 + 100 * i, 0, 0);        /* every one a new R */
    assert_int_equal(strlen(t.z.history), WS_ZEEK_HISTORY_MAX);
    assert_int_equal(t.z.history[WS_ZEEK_HISTORY_MAX - 1], 'r');
    seg(&t, C, F_FIN | F_ACK, 1001, 5001, 0);
    assert_int_equal(strlen(t.z.history), WS_ZEEK_HISTORY_MAX);
    assert_int_equal(t.z.history[WS_ZEEK_HISTORY_MAX - 1], 'F');
    assert_memory_equal(t.z.history, "ShArrr", 6);
}

/* The fast paths of ws_zeek_observe (plain ACKs, a connection's opening
 * bare SYN) leave the record exactly as the general rules do: random
 * three-segment starts, every flag mix, sequence numbers at the edges,
 * zero and missing windows, either side first. */
static uint32_t lcg(uint32_t *x)
{
    *x = *x * 1664525u + 1013904223u;
    return *x >> 8;
}

static void random_segment(uint32_t *x, struct ws_segment *s)
{
    static const uint16_t mixes[] = {
        F_SYN, F_SYN | F_PSH, F_SYN | F_ACK, F_ACK, F_ACK | F_PSH, F_FIN | F_ACK, F_RST,
        F_RST | F_ACK, F_SYN | F_FIN, F_FIN | F_RST, 0, F_PSH,
    };
    static const uint32_t seqs[] = { 0, 1, 0x7fffffffu, 0x80000000u, 0xffffffffu, 0xfffffff0u };
    static const uint32_t lens[] = { 0, 0, 1, 100, 1460 };
    static const uint16_t windows[] = { 0, 1, 8192 };

    memset(s, 0, sizeof *s);
    s->flags = mixes[lcg(x) % (sizeof mixes / sizeof mixes[0])];
    s->seq = lcg(x) % 3 == 0 ? seqs[lcg(x) % (sizeof seqs / sizeof seqs[0])] : lcg(x) * 2654435761u;
    s->ack = lcg(x) * 40503u;
    s->payload_len = lens[lcg(x) % (sizeof lens / sizeof lens[0])];
    s->has_window = lcg(x) % 4 != 0;
    s->window = windows[lcg(x) % (sizeof windows / sizeof windows[0])];
    s->sport = lcg(x) % 2 ? 443 : 40000;
    s->dport = lcg(x) % 2 ? 80 : 5555;
}

static void test_fast_paths_match_general_rules(void **state)
{
    (void)state;
    uint32_t x = 12345;
    for (int run = 0; run < 20000; run++) {
        struct ws_zeek_conn fast, general;
        int first = (int)(lcg(&x) % 2);
        ws_zeek_init(&fast, first);
        ws_zeek_init(&general, first);
        for (int n = 0; n < 3; n++) {
            struct ws_segment s;
            random_segment(&x, &s);
            int side = n == 0 && lcg(&x) % 4 != 0 ? first : (int)(lcg(&x) % 2);
            ws_zeek_observe(&fast, &s, side);
            ws_zeek_observe_general(&general, &s, side);
            if (memcmp(&fast, &general, sizeof fast) != 0)
                fail_msg("run %d segment %d (flags 0x%x seq %u len %u window %u/%d side %d): "
                         "history \"%s\" against \"%s\"", run, n, s.flags, s.seq, s.payload_len,
                         s.window, s.has_window, side, fast.history, general.history);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_fits_80_bytes),
        cmocka_unit_test(test_init_empty),
        cmocka_unit_test(test_s0),
        cmocka_unit_test(test_s1),
        cmocka_unit_test(test_sf),
        cmocka_unit_test(test_sf_survives_rst_after_fins),
        cmocka_unit_test(test_rej),
        cmocka_unit_test(test_s2),
        cmocka_unit_test(test_s3),
        cmocka_unit_test(test_rsto),
        cmocka_unit_test(test_rstr),
        cmocka_unit_test(test_rstos0),
        cmocka_unit_test(test_rstos0_needs_its_history),
        cmocka_unit_test(test_rstrh),
        cmocka_unit_test(test_sh),
        cmocka_unit_test(test_shr),
        cmocka_unit_test(test_oth),
        cmocka_unit_test(test_once_only_letters),
        cmocka_unit_test(test_fin_repeats_only_with_new_sequence),
        cmocka_unit_test(test_rst_repeats_only_with_new_sequence),
        cmocka_unit_test(test_syn_repeats),
        cmocka_unit_test(test_retransmissions_logarithmic),
        cmocka_unit_test(test_gaps_logarithmic),
        cmocka_unit_test(test_gap_from_hole_and_not_after_fill),
        cmocka_unit_test(test_gap_not_recorded_when_not_established),
        cmocka_unit_test(test_gap_at_fin_not_counted_past_fin),
        cmocka_unit_test(test_zero_windows_logarithmic),
        cmocka_unit_test(test_zero_window_exceptions),
        cmocka_unit_test(test_flip_at_first_segment),
        cmocka_unit_test(test_flip_when_synack_first_is_answered),
        cmocka_unit_test(test_odd_flags),
        cmocka_unit_test(test_no_checksum_letter),
        cmocka_unit_test(test_history_keeps_last_letter_when_full),
        cmocka_unit_test(test_fast_paths_match_general_rules),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
