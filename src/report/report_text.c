/* report_text.c - one human line per event:
 *   TIME ENDPOINT ROLE FROM -> TO  CAUSE (peer PEER, flow N[, midstream])
 * The first five fields never contain spaces, so `awk` and `cut` can split them. */
#include "report_internal.h"

#include <inttypes.h>

static void tail(FILE *out, const struct ws_event *ev, const char *peer)
{
    if (ev->flow_id)
        fprintf(out, " (peer %s, flow %" PRIu64 "%s)\n", peer, ev->flow_id,
                ev->midstream ? ", midstream" : "");
    else
        fprintf(out, " (peer %s, no flow)\n", peer);
}

void ws_report_text_event(struct ws_reporter *r, const struct ws_event *ev)
{
    char when[48], ep[WS_ENDPOINT_STRLEN], peer[WS_ENDPOINT_STRLEN];
    ws_report_time_prefix(r, ev->ts_us, when, sizeof when);
    ws_format_endpoint(&ev->endpoint, ep, sizeof ep);
    ws_format_endpoint(&ev->peer, peer, sizeof peer);
    const char *role = ev->flow_id ? ws_role_name(ev->role) : "-";
    FILE *out = r->out;

    switch (ev->type) {
    case WS_EV_TRANSITION: {
        char cause[128];
        fprintf(out, "%s%s %s %s -> %s  %s", when, ep, role, ws_tcp_state_name(ev->from, r->names),
                ws_tcp_state_name(ev->to, r->names), ws_event_cause_text(ev, cause, sizeof cause));
        break;
    }
    case WS_EV_HALF_CLOSED:
        fprintf(out, "%s%s %s half_closed %s for %llds", when, ep, role,
                ws_tcp_state_name(ev->to, r->names), (long long)ev->seconds);
        break;
    case WS_EV_ANOMALY:
        fprintf(out, "%s%s %s anomaly %s: %s", when, ep, role, ev->kind, ev->text);
        break;
    case WS_EV_EXPIRED:
        fprintf(out, "%s%s %s expired %s: client %s, server %s", when, ep, role, ev->kind,
                ws_tcp_state_name(ev->from, r->names), ws_tcp_state_name(ev->to, r->names));
        break;
    case WS_EV_FLOW: {
        const struct ws_flow_record *f = ev->record;
        char resp[WS_ENDPOINT_STRLEN], community_id[WS_COMMUNITY_ID_STRLEN];
        fprintf(out, "%s%s orig flow %s %s %s/%s (resp %s, flow %" PRIu64 ", %" PRIu64 "+%" PRIu64
                     " packets, %" PRIu64 "+%" PRIu64 " bytes, %.6fs, %s, %s)\n",
                when, ep, f->conn_state, f->history[0] ? f->history : "-",
                ws_tcp_state_name(f->orig_state, r->names), ws_tcp_state_name(f->resp_state, r->names),
                ws_format_endpoint(&f->resp, resp, sizeof resp), f->flow_id, f->orig_packets,
                f->resp_packets, f->orig_bytes, f->resp_bytes,
                (double)(f->end_us - f->start_us) / WS_USEC_PER_SEC, ws_flow_end_name(f->reason),
                ws_community_id_of_endpoints(&f->orig, &f->resp, 0, community_id, sizeof community_id));
        return;
    }
    }
    tail(out, ev, peer);
}
