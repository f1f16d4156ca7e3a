/* report_json.c - JSON Lines: one object per event, keys in a fixed order. */
#include "report_internal.h"

#include <inttypes.h>

static void json_head(struct ws_reporter *r, int64_t ts, const char *type)
{
    char when[32];
    fprintf(r->out, "{\"ts\":%s,\"type\":\"%s\"", ws_format_epoch(ts, when, sizeof when), type);
}

static void json_field_str(FILE *out, const char *key, const char *value)
{
    fprintf(out, ",\"%s\":", key);
    ws_json_string(out, value);
}

static void json_endpoints(FILE *out, const struct ws_event *ev)
{
    char ep[WS_ENDPOINT_STRLEN], peer[WS_ENDPOINT_STRLEN];
    if (ev->flow_id)
        fprintf(out, ",\"flow\":%" PRIu64, ev->flow_id);
    else
        fputs(",\"flow\":null", out);
    json_field_str(out, "endpoint", ws_format_endpoint(&ev->endpoint, ep, sizeof ep));
    json_field_str(out, "peer", ws_format_endpoint(&ev->peer, peer, sizeof peer));
    if (ev->flow_id)
        json_field_str(out, "role", ws_role_name(ev->role));
}

static void json_flow_record(struct ws_reporter *r, const struct ws_event *ev)
{
    const struct ws_flow_record *f = ev->record;
    FILE *out = r->out;
    char a[WS_ENDPOINT_STRLEN], b[WS_ENDPOINT_STRLEN], start[32], end[32], dur[32];
    json_head(r, ev->ts_us, "flow");
    fprintf(out, ",\"flow\":%" PRIu64, f->flow_id);
    json_field_str(out, "orig", ws_format_endpoint(&f->orig, a, sizeof a));
    json_field_str(out, "resp", ws_format_endpoint(&f->resp, b, sizeof b));
    fprintf(out, ",\"start\":%s,\"end\":%s,\"duration\":%s",
            ws_format_epoch(f->start_us, start, sizeof start), ws_format_epoch(f->end_us, end, sizeof end),
            ws_format_epoch(f->end_us - f->start_us, dur, sizeof dur));
    fprintf(out, ",\"orig_packets\":%" PRIu64 ",\"resp_packets\":%" PRIu64 ",\"orig_bytes\":%" PRIu64
                 ",\"resp_bytes\":%" PRIu64,
            f->orig_packets, f->resp_packets, f->orig_bytes, f->resp_bytes);
    json_field_str(out, "orig_state", ws_tcp_state_name(f->orig_state, WS_NAMES_RFC));
    json_field_str(out, "resp_state", ws_tcp_state_name(f->resp_state, WS_NAMES_RFC));
    fprintf(out, ",\"midstream\":%s", f->midstream ? "true" : "false");
    json_field_str(out, "conn_state", f->conn_state);
    json_field_str(out, "history", f->history);
    json_field_str(out, "community_id", f->community_id);
    json_field_str(out, "reason", ws_flow_end_name(f->reason));
    fputs("}\n", out);
}

void ws_report_json_event(struct ws_reporter *r, const struct ws_event *ev)
{
    FILE *out = r->out;
    switch (ev->type) {
    case WS_EV_TRANSITION:
        json_head(r, ev->ts_us, "transition");
        json_endpoints(out, ev);
        json_field_str(out, "from", ws_tcp_state_name(ev->from, WS_NAMES_RFC));
        json_field_str(out, "to", ws_tcp_state_name(ev->to, WS_NAMES_RFC));
        json_field_str(out, "cause", ev->text);
        fprintf(out, ",\"midstream\":%s}\n", ev->midstream ? "true" : "false");
        break;
    case WS_EV_HALF_CLOSED:
        json_head(r, ev->ts_us, "half_closed");
        json_endpoints(out, ev);
        json_field_str(out, "state", ws_tcp_state_name(ev->to, WS_NAMES_RFC));
        fprintf(out, ",\"seconds\":%lld}\n", (long long)ev->seconds);
        break;
    case WS_EV_ANOMALY:
        json_head(r, ev->ts_us, "anomaly");
        json_endpoints(out, ev);
        json_field_str(out, "kind", ev->kind);
        json_field_str(out, "detail", ev->text);
        fputs("}\n", out);
        break;
    case WS_EV_FLOW:
        json_flow_record(r, ev);
        break;
    case WS_EV_EXPIRED:
        json_head(r, ev->ts_us, "expired");
        json_endpoints(out, ev);
        json_field_str(out, "reason", ev->kind);
        json_field_str(out, "client_state", ws_tcp_state_name(ev->from, WS_NAMES_RFC));
        json_field_str(out, "server_state", ws_tcp_state_name(ev->to, WS_NAMES_RFC));
        fprintf(out, ",\"midstream\":%s}\n", ev->midstream ? "true" : "false");
        break;
    }
}
