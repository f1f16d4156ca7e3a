/* report_json.c - JSON Lines: one object per event, keys in a fixed order. */
#include "report_internal.h"

#include "line.h"

static void head(struct ws_line *l, int64_t ts, const char *type)
{
    ws_line_reset(l);
    ws_line_mem(l, "{\"ts\":", 6);
    ws_line_epoch(l, ts);
    ws_line_mem(l, ",\"type\":\"", 9);
    ws_line_str(l, type);
    ws_line_char(l, '"');
}

static void key_endpoint(struct ws_line *l, const char *key, const struct ws_endpoint *e)
{
    ws_line_mem(l, ",\"", 2);
    ws_line_str(l, key);
    ws_line_mem(l, "\":\"", 3);
    ws_line_endpoint(l, e);   /* digits, dots, colons, brackets: nothing to escape */
    ws_line_char(l, '"');
}

static void key_bool(struct ws_line *l, const char *key, bool v)
{
    ws_line_mem(l, ",\"", 2);
    ws_line_str(l, key);
    ws_line_mem(l, "\":", 2);
    ws_line_str(l, v ? "true" : "false");
}

static void key_epoch(struct ws_line *l, const char *key, int64_t us)
{
    ws_line_mem(l, ",\"", 2);
    ws_line_str(l, key);
    ws_line_mem(l, "\":", 2);
    ws_line_epoch(l, us);
}

static void key_state(struct ws_line *l, const char *key, enum ws_tcp_state s)
{
    ws_line_json_key_name(l, key, ws_tcp_state_name(s, WS_NAMES_RFC));
}

static void endpoints(struct ws_line *l, const struct ws_event *ev)
{
    if (ev->flow_id)
        ws_line_json_key_u64(l, "flow", ev->flow_id);
    else
        ws_line_str(l, ",\"flow\":null");
    key_endpoint(l, "endpoint", &ev->endpoint);
    key_endpoint(l, "peer", &ev->peer);
    if (ev->flow_id)
        ws_line_json_key_name(l, "role", ws_role_name(ev->role));
}

static void flow_record(struct ws_line *l, const struct ws_event *ev)
{
    const struct ws_flow_record *f = ev->record;
    head(l, ev->ts_us, "flow");
    ws_line_json_key_u64(l, "flow", f->flow_id);
    key_endpoint(l, "orig", &f->orig);
    key_endpoint(l, "resp", &f->resp);
    key_epoch(l, "start", f->start_us);
    key_epoch(l, "end", f->end_us);
    key_epoch(l, "duration", f->end_us - f->start_us);
    ws_line_json_key_u64(l, "orig_packets", f->orig_packets);
    ws_line_json_key_u64(l, "resp_packets", f->resp_packets);
    ws_line_json_key_u64(l, "orig_bytes", f->orig_bytes);
    ws_line_json_key_u64(l, "resp_bytes", f->resp_bytes);
    key_state(l, "orig_state", f->orig_state);
    key_state(l, "resp_state", f->resp_state);
    key_bool(l, "midstream", f->midstream);
    ws_line_json_key_name(l, "conn_state", f->conn_state);
    ws_line_json_key_str(l, "history", f->history);
    ws_line_json_key_name(l, "community_id", f->community_id);
    ws_line_json_key_name(l, "reason", ws_flow_end_name(f->reason));
}

void ws_report_json_event(struct ws_reporter *r, const struct ws_event *ev)
{
    struct ws_line l;
    switch (ev->type) {
    case WS_EV_TRANSITION:
        head(&l, ev->ts_us, "transition");
        endpoints(&l, ev);
        key_state(&l, "from", ev->from);
        key_state(&l, "to", ev->to);
        if (ev->cause.kind == WS_CAUSE_TEXT) {
            ws_line_json_key_str(&l, "cause", ev->text);
        } else {
            ws_line_mem(&l, ",\"cause\":\"", 10);
            ws_line_cause(&l, ev);
            ws_line_char(&l, '"');
        }
        key_bool(&l, "midstream", ev->midstream);
        break;
    case WS_EV_HALF_CLOSED:
        head(&l, ev->ts_us, "half_closed");
        endpoints(&l, ev);
        key_state(&l, "state", ev->to);
        ws_line_json_key_u64(&l, "seconds", (uint64_t)(ev->seconds < 0 ? 0 : ev->seconds));
        break;
    case WS_EV_ANOMALY:
        head(&l, ev->ts_us, "anomaly");
        endpoints(&l, ev);
        ws_line_json_key_str(&l, "kind", ev->kind);
        ws_line_json_key_str(&l, "detail", ev->text);
        break;
    case WS_EV_FLOW:
        flow_record(&l, ev);
        break;
    case WS_EV_EXPIRED:
        head(&l, ev->ts_us, "expired");
        endpoints(&l, ev);
        ws_line_json_key_str(&l, "reason", ev->kind);
        key_state(&l, "client_state", ev->from);
        key_state(&l, "server_state", ev->to);
        key_bool(&l, "midstream", ev->midstream);
        break;
    }
    ws_line_mem(&l, "}\n", 2);
    ws_line_write(&l, r->out);
}
