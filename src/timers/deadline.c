/* deadline.c - which of a flow's timers falls due first. */
#include "wirestate/deadline.h"

static void consider(struct ws_due *best, int64_t at, enum ws_due_kind kind, int side)
{
    if (at < best->at) {
        best->at = at;
        best->kind = kind;
        best->side = side;
    }
}

static void consider_side(struct ws_due *best, const struct ws_flow *f, int i,
                          const struct ws_tracker_config *cfg)
{
    const struct ws_side *s = &f->side[i];
    switch ((enum ws_tcp_state)s->state) {
    case WS_TIME_WAIT:
        consider(best, s->state_since + 2 * cfg->msl_us, WS_DUE_TIME_WAIT, i);
        break;
    case WS_SYN_SENT:
    case WS_SYN_RECEIVED:
        /* Retransmitted SYNs keep the flow's last_ts fresh, so this measures
         * the silence after the last attempt, as the kernel's timer does. */
        consider(best, f->last_ts + cfg->syn_timeout_us, WS_DUE_SYN_TIMEOUT, i);
        break;
    case WS_CLOSE_WAIT:
    case WS_FIN_WAIT_2:
        if (cfg->half_closed_us > 0 && !s->half_closed_reported)
            consider(best, s->state_since + cfg->half_closed_us, WS_DUE_HALF_CLOSED, i);
        break;
    default:
        break;
    }
}

struct ws_due ws_flow_next_due(const struct ws_flow *f, const struct ws_tracker_config *cfg)
{
    struct ws_due best = { .at = f->last_ts + cfg->idle_timeout_us, .kind = WS_DUE_IDLE, .side = 0 };
    /* Sides in client-first order so equal deadlines fire client first. */
    consider_side(&best, f, f->client, cfg);
    consider_side(&best, f, !f->client, cfg);
    if (ws_tcp_state_gone((enum ws_tcp_state)f->side[0].state) &&
        ws_tcp_state_gone((enum ws_tcp_state)f->side[1].state)) {
        /* Linger from when the last side closed (a TIME_WAIT may have ended
         * long after the last packet), or from the last packet if later. */
        int64_t done = f->last_ts;
        for (int i = 0; i < 2; i++)
            if (f->side[i].state != WS_NONE && f->side[i].state_since > done)
                done = f->side[i].state_since;
        consider(&best, done + cfg->linger_us, WS_DUE_FLOW_DONE, 0);
    }
    return best;
}
