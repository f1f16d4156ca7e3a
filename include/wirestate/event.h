/* event.h - what the tracker tells the reporters.  One struct for every kind,
 * so a reporter is a single function.  Events carry their addresses, so a
 * reporter never needs to look inside a flow record. */
#ifndef WIRESTATE_EVENT_H
#define WIRESTATE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirestate/segment.h"
#include "wirestate/tcp_state.h"

enum ws_event_type {
    WS_EV_TRANSITION,   /* an endpoint changed state */
    WS_EV_HALF_CLOSED,  /* an endpoint sat in CLOSE_WAIT / FIN_WAIT_2 too long */
    WS_EV_ANOMALY,      /* a segment the tap will not believe (e.g. RST out of window) */
    WS_EV_EXPIRED,      /* a flow dropped from the table while not closed: idle or evicted */
    WS_EV_FLOW,         /* a connection ended: its whole record (see struct ws_flow_record) */
};

struct ws_endpoint {
    struct ws_addr addr;
    uint16_t port;
};

/* Why a flow record was written. */
enum ws_flow_end {
    WS_END_CLOSED,      /* both sides closed (written when the linger time is over) */
    WS_END_IDLE,        /* --idle-timeout */
    WS_END_EVICTED,     /* the table was full */
    WS_END_REUSED,      /* a new connection took over the 4-tuple */
    WS_END_CAPTURE,     /* still open when the capture ended */
    WS_END_STRAY,       /* one segment matching no connection (a lone RST, a scan
                           probe): recorded, never tracked */
};

/* One connection, Zeek conn.log style.  Reporters add its Community ID
 * (ws_community_id_of_endpoints) so records can be joined with other tools'. */
struct ws_flow_record {
    uint64_t flow_id;
    struct ws_endpoint orig, resp;      /* Zeek's originator and responder */
    int64_t start_us, end_us;           /* first and last packet */
    uint64_t orig_packets, resp_packets;
    uint64_t orig_bytes, resp_bytes;    /* TCP payload bytes, retransmissions included */
    enum ws_tcp_state orig_state, resp_state;
    bool midstream;
    enum ws_flow_end reason;
    const char *conn_state;             /* Zeek's: S0, S1, SF, REJ, ... */
    char history[40];                   /* Zeek's history letters */
};

enum ws_role { WS_ROLE_CLIENT, WS_ROLE_SERVER };

/* What caused a transition.  Kept as data, formatted only by a reporter that
 * prints it (ws_event_cause_text), so tracking with no output costs nothing. */
enum ws_cause_kind {
    WS_CAUSE_TEXT = 0,   /* the event's text says it (anomaly details, tests) */
    WS_CAUSE_SEGMENT,    /* "<FLAGS> to|from peer[ (<note>)]" */
    WS_CAUSE_TIMER,      /* "<note> (<seconds>s)" */
    WS_CAUSE_NOTE,       /* "<note>" */
};

struct ws_cause {
    enum ws_cause_kind kind;
    uint16_t flags;               /* the segment's TCP flags */
    enum ws_direction dir;        /* the endpoint sent (to peer) or received it */
    const char *note;             /* static text, or NULL */
    int64_t seconds;              /* timers */
};

struct ws_event {
    enum ws_event_type type;
    int64_t ts_us;
    uint64_t flow_id;             /* 0: the segment belongs to no tracked flow */
    struct ws_endpoint endpoint;  /* the endpoint concerned; sender for anomalies,
                                     client for expired */
    struct ws_endpoint peer;
    enum ws_role role;            /* of `endpoint` */
    bool midstream;
    enum ws_tcp_state from, to;   /* transition; half_closed: `to` is the state;
                                     expired: from = endpoint's, to = peer's state */
    int64_t seconds;              /* half_closed: time spent in the state */
    const char *kind;             /* anomaly kind; expired: "idle" or "evicted" */
    struct ws_cause cause;        /* transitions */
    char text[96];                /* anomaly detail; a transition cause when cause.kind is TEXT */
    const struct ws_flow_record *record;   /* WS_EV_FLOW only */
};

/* The cause of a transition as people read it: "FIN+ACK from peer". */
const char *ws_event_cause_text(const struct ws_event *ev, char *buf, size_t len);

const char *ws_flow_end_name(enum ws_flow_end reason);

/* Reporters implement this. */
struct ws_sink {
    void (*emit)(void *ctx, const struct ws_event *ev);
    void *ctx;
};

#endif
