/* deadline.h - the next thing a flow's clock will do, derived from its state.
 *
 * Nothing is stored per timer kind: the flow's states and timestamps say
 * what falls due next, so a flow has one timer however many endpoints
 * are waiting on something. */
#ifndef WIRESTATE_DEADLINE_H
#define WIRESTATE_DEADLINE_H

#include <stdint.h>

#include "wirestate/flow_table.h"
#include "wirestate/tracker.h"

enum ws_due_kind {
    WS_DUE_TIME_WAIT,    /* side's 2MSL ran out: TIME_WAIT -> CLOSED */
    WS_DUE_SYN_TIMEOUT,  /* side's handshake went unanswered: -> CLOSED */
    WS_DUE_HALF_CLOSED,  /* side has sat half-closed long enough to report */
    WS_DUE_FLOW_DONE,    /* both sides closed and the linger time is over */
    WS_DUE_IDLE,         /* no packet for the idle timeout */
};

struct ws_due {
    int64_t at;
    enum ws_due_kind kind;
    int side;
};

struct ws_due ws_flow_next_due(const struct ws_flow *f, const struct ws_tracker_config *cfg);

#endif
