/* zeek_conn.h - Zeek's view of a connection: originator, conn_state, history.
 *
 * Kept beside wirestate's own per-endpoint RFC states, never instead of them:
 * Zeek's endpoint states record what each side has SENT (SYN, SYN+ACK, FIN,
 * RST), and its conn.log columns conn_state and history are how many users
 * join connections across tools.  The rules follow Zeek's documentation
 * (see ../shared/corpus/README.md, "Zeek's definitions"); one fixed-size
 * struct per flow, updated per segment, no allocation. */
#ifndef WIRESTATE_ZEEK_CONN_H
#define WIRESTATE_ZEEK_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirestate/segment.h"

enum ws_zeek_endpoint {
    WS_ZEEK_INACTIVE = 0,
    WS_ZEEK_SYN_SENT,
    WS_ZEEK_SYN_ACK_SENT,
    WS_ZEEK_PARTIAL,
    WS_ZEEK_ESTABLISHED,
    WS_ZEEK_CLOSED,
    WS_ZEEK_RESET,
};

/* Longest history kept; a longer one ends in the last letter recorded. */
#define WS_ZEEK_HISTORY_MAX 31

/* Filled in by the implementation; callers treat it as opaque. Keep it
 * small: it lives in every flow record (at most 80 bytes, asserted in
 * zeek_conn.c).  The zc_ members are private to zeek_conn.c; like state[]
 * they are indexed by Zeek role, [0] originator and [1] responder, and a
 * flip of the direction swaps them. */
struct ws_zeek_conn {
    char history[WS_ZEEK_HISTORY_MAX + 1];   /* NUL-terminated */
    uint32_t zc_last_seq[2];                 /* one past the highest sequence number sent */
    int16_t zc_unseen[2];                    /* zc_last_seq minus the end of the data seen without holes */
    uint16_t zc_memo[2][3];                  /* low 16 bits of the last SYN seq, FIN end, RST seq */
    uint8_t zc_count[2][3][3];               /* t, g, w events: 24-bit little-endian, saturating */
    uint8_t state[2];                        /* [0] originator, [1] responder */
    uint8_t orig_side;                       /* flow side (0/1) that is Zeek's originator */
    uint8_t zc_bits[3];                      /* once-only letters per role; previous states, flags */
};

/* first_sender_side: the flow side (0 or 1) that sent the flow's first segment. */
void ws_zeek_init(struct ws_zeek_conn *z, int first_sender_side);

/* Every segment of the flow, in capture order, including ones the RFC
 * machine ignores; sender_side is the flow side (0 or 1) that sent it. */
void ws_zeek_observe(struct ws_zeek_conn *z, const struct ws_segment *seg, int sender_side);
/* The same through the general rules only, without the fast paths for plain
 * ACKs and opening SYNs: for tests that hold the fast paths to it. */
void ws_zeek_observe_general(struct ws_zeek_conn *z, const struct ws_segment *seg, int sender_side);

/* "S0", "SF", "REJ", ... from the endpoint states and history; orig_bytes and
 * resp_bytes are the payload bytes each direction sent (REJ needs them). */
const char *ws_zeek_conn_state(const struct ws_zeek_conn *z, uint64_t orig_bytes,
                               uint64_t resp_bytes);

#endif
