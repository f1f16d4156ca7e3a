/* tcp_state.h - the per-endpoint TCP state machine, expressed as data.
 *
 * Each endpoint of a connection has its own RFC 9293 state.  A segment seen
 * on the wire is sorted into a class (see segment_class.h); the new state of
 * an endpoint is then one lookup:
 *
 *     next = ws_tcp_next_state(state, class, direction)
 *
 * where direction says whether the endpoint SENT the segment or RECEIVED it
 * (the tap assumes delivery at the instant it sees the segment).  The table
 * itself lives in src/state/tcp_state.c; the few things it cannot express are
 * special cases in src/state/tracker.c, each beside its RFC citation. */
#ifndef WIRESTATE_TCP_STATE_H
#define WIRESTATE_TCP_STATE_H

#include <stdbool.h>

/* RFC 9293 §3.3.2 states, plus WS_NONE: "this endpoint has not shown itself
 * yet".  WS_NONE is what a responder is until it answers a SYN (listener or
 * closed port: the tap cannot tell) and what both sides are before the first
 * segment of a capture that starts mid-connection. */
enum ws_tcp_state {
    WS_NONE = 0,
    WS_CLOSED,
    WS_LISTEN,
    WS_SYN_SENT,
    WS_SYN_RECEIVED,
    WS_ESTABLISHED,
    WS_FIN_WAIT_1,
    WS_FIN_WAIT_2,
    WS_CLOSE_WAIT,
    WS_CLOSING,
    WS_LAST_ACK,
    WS_TIME_WAIT,
    WS_STATE_COUNT
};

/* What a segment means to the state machine.  Computed from its flags and
 * from what the tap already knows (is the receiver's FIN acknowledged by it?). */
enum ws_seg_class {
    WS_SEG_SYN = 0,      /* SYN without ACK: an active open */
    WS_SEG_SYNACK,       /* SYN+ACK: a passive open answering */
    WS_SEG_ACK,          /* ACK, with or without data, acknowledging no FIN */
    WS_SEG_ACK_FIN,      /* ACK (no FIN) that acknowledges the receiver's FIN */
    WS_SEG_FIN,          /* FIN that does not acknowledge the receiver's FIN */
    WS_SEG_FIN_ACK_FIN,  /* FIN that also acknowledges the receiver's FIN */
    WS_SEG_RST,          /* RST the receiver accepts (in window) */
    WS_SEG_CLASS_COUNT,
    /* Not in the table: the segment changes no state. */
    WS_SEG_IGNORE = WS_SEG_CLASS_COUNT,
};

enum ws_direction {
    WS_DIR_SENT = 0,     /* the endpoint sent the segment */
    WS_DIR_RCVD = 1,     /* the endpoint is the segment's destination */
    WS_DIR_COUNT
};

enum ws_state_names {
    WS_NAMES_RFC = 0,    /* SYN_RECEIVED, FIN_WAIT_1, CLOSED, ... */
    WS_NAMES_NETSTAT,    /* SYN_RECV, FIN_WAIT1, CLOSE, ... as netstat -tan */
};

/* The table, defined and explained cell by cell in src/state/tcp_state.c;
 * declared here only so that the lookup below inlines into the per-segment
 * path (two lookups per segment, nearly all of them "no change"). */
extern const unsigned char ws_tcp_transitions[WS_DIR_COUNT][WS_SEG_CLASS_COUNT][WS_STATE_COUNT];

static inline enum ws_tcp_state ws_tcp_next_state(enum ws_tcp_state state, enum ws_seg_class cls,
                                                  enum ws_direction dir)
{
    if ((unsigned)state >= WS_STATE_COUNT || (unsigned)cls >= WS_SEG_CLASS_COUNT ||
        (unsigned)dir >= WS_DIR_COUNT)
        return state;
    return (enum ws_tcp_state)ws_tcp_transitions[dir][cls][state];
}

/* The state an endpoint leaving WS_NONE is known to have been in before,
 * for reporting "from": CLOSED before an active open, LISTEN before a
 * passive one, SYN_SENT for a client whose SYN the capture missed, and
 * WS_NONE ("UNKNOWN") when a capture joins mid-connection. */
enum ws_tcp_state ws_tcp_implied_prior(enum ws_tcp_state next, enum ws_seg_class cls,
                                       enum ws_direction dir);

const char *ws_tcp_state_name(enum ws_tcp_state s, enum ws_state_names style);
/* Parses either spelling; returns false for an unknown name. */
bool ws_tcp_state_parse(const char *name, enum ws_tcp_state *out);
const char *ws_seg_class_name(enum ws_seg_class c);

/* Half-closed states: the ones --half-closed watches. */
static inline bool ws_tcp_state_half_closed(enum ws_tcp_state s)
{
    return s == WS_CLOSE_WAIT || s == WS_FIN_WAIT_2;
}

/* The endpoint has no connection any more (or never showed one). */
static inline bool ws_tcp_state_gone(enum ws_tcp_state s)
{
    return s == WS_NONE || s == WS_CLOSED || s == WS_LISTEN;
}

#endif
