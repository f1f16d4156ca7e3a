/* event.h - what the tracker tells the reporters.  One struct for every kind,
 * so a reporter is a single function.  Events carry their addresses, so a
 * reporter never needs to look inside a flow record. */
#ifndef WIRESTATE_EVENT_H
#define WIRESTATE_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "wirestate/segment.h"
#include "wirestate/tcp_state.h"

enum ws_event_type {
    WS_EV_TRANSITION,   /* an endpoint changed state */
    WS_EV_HALF_CLOSED,  /* an endpoint sat in CLOSE_WAIT / FIN_WAIT_2 too long */
    WS_EV_ANOMALY,      /* a segment the tap will not believe (e.g. RST out of window) */
    WS_EV_EXPIRED,      /* a flow dropped from the table while not closed: idle or evicted */
};

struct ws_endpoint {
    struct ws_addr addr;
    uint16_t port;
};

enum ws_role { WS_ROLE_CLIENT, WS_ROLE_SERVER };

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
    char text[96];                /* transition cause, or anomaly detail */
};

/* Reporters implement this. */
struct ws_sink {
    void (*emit)(void *ctx, const struct ws_event *ev);
    void *ctx;
};

#endif
