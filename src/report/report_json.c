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
