/* report_json.c - JSON Lines: one object per event, keys in a fixed order. */
#include "report_internal.h"

#include "line.h"

#include <stdio.h>
#include <string.h>

static void start(struct ws_line *l, int64_t ts)
{
    ws_line_reset(l);
    WS_LINE_LIT(l, "{\"ts\":");
    ws_line_epoch(l, ts);
}

/* {"ts":...,"type":"TYPE" for a literal TYPE. */
#define HEAD(l, ts, type) (start((l), (ts)), WS_LINE_LIT((l), ",\"type\":\"" type "\""))

/* Values known to need no escaping (state, role and other enum names). */
static void name_value(struct ws_line *l, const char *value)
{
    ws_line_char(l, '"');
    ws_line_str(l, value);
    ws_line_char(l, '"');
}

/* Digits, dots, colons, brackets: nothing to escape. */
static void endpoint_value(struct ws_line *l, const struct ws_endpoint *e)
{
    ws_line_char(l, '"');
    ws_line_endpoint(l, e);
    ws_line_char(l, '"');
}

static void bool_value(struct ws_line *l, bool v)
{
    if (v)
        WS_LINE_LIT(l, "true");
    else
        WS_LINE_LIT(l, "false");
}

/* Each state name quoted, by ws_report_json_prepare(): a JSON line has two,
 * and copying one is cheaper than quoting it every time. */
static struct ws_line_words quoted_states[WS_STATE_COUNT];

void ws_report_json_prepare(void)
{
    for (int s = 0; s < WS_STATE_COUNT; s++) {
        struct ws_line_words *q = &quoted_states[s];
        int n = snprintf(q->text, sizeof q->text, "\"%s\"", ws_tcp_state_name((enum ws_tcp_state)s, WS_NAMES_RFC));
        q->len = n > 0 && (size_t)n < sizeof q->text ? (uint8_t)n : 0;
    }
}

/* Quotes the name itself when the table is not made (yet); a call to
 * another file, so the copy above needs no registers saved. */
static void state_value(struct ws_line *l, enum ws_tcp_state s)
{
    if ((unsigned)s < WS_STATE_COUNT && quoted_states[s].len)
        ws_line_words(l, &quoted_states[s]);
    else
        ws_line_json_str(l, ws_tcp_state_name(s, WS_NAMES_RFC));
}

static void endpoints(struct ws_line *l, const struct ws_event *ev)
{
    WS_JSON_KEY(l, "flow");
    if (ev->flow_id)
        ws_line_u64(l, ev->flow_id);
    else
        WS_LINE_LIT(l, "null");
    WS_JSON_KEY(l, "endpoint");
    endpoint_value(l, &ev->endpoint);
    WS_JSON_KEY(l, "peer");
    endpoint_value(l, &ev->peer);
    if (ev->flow_id) {
        if (ev->role == WS_ROLE_CLIENT)
            WS_LINE_LIT(l, ",\"role\":\"client\"");
        else
            WS_LINE_LIT(l, ",\"role\":\"server\"");
    }
}

static void flow_record(struct ws_line *l, const struct ws_event *ev)
{
    const struct ws_flow_record *f = ev->record;
    HEAD(l, ev->ts_us, "flow");
    WS_JSON_KEY(l, "flow");
    ws_line_u64(l, f->flow_id);
    WS_JSON_KEY(l, "orig");
    endpoint_value(l, &f->orig);
    WS_JSON_KEY(l, "resp");
    endpoint_value(l, &f->resp);
    WS_JSON_KEY(l, "start");
    ws_line_epoch(l, f->start_us);
    WS_JSON_KEY(l, "end");
    ws_line_epoch(l, f->end_us);
    WS_JSON_KEY(l, "duration");
    ws_line_epoch(l, f->end_us - f->start_us);
    WS_JSON_KEY(l, "orig_packets");
    ws_line_u64(l, f->orig_packets);
    WS_JSON_KEY(l, "resp_packets");
    ws_line_u64(l, f->resp_packets);
    WS_JSON_KEY(l, "orig_bytes");
    ws_line_u64(l, f->orig_bytes);
    WS_JSON_KEY(l, "resp_bytes");
    ws_line_u64(l, f->resp_bytes);
    WS_JSON_KEY(l, "orig_state");
    state_value(l, f->orig_state);
    WS_JSON_KEY(l, "resp_state");
    state_value(l, f->resp_state);
    WS_JSON_KEY(l, "midstream");
    bool_value(l, f->midstream);
    WS_JSON_KEY(l, "conn_state");
    name_value(l, f->conn_state);
    WS_JSON_KEY(l, "history");
    ws_line_json_str(l, f->history);
    WS_JSON_KEY(l, "community_id");
    name_value(l, f->community_id);
    WS_JSON_KEY(l, "reason");
    name_value(l, ws_flow_end_name(f->reason));
}

void ws_report_json_event(struct ws_reporter *r, const struct ws_event *ev)
{
    struct ws_line l;
    ws_line_reset(&l);
    switch (ev->type) {
    case WS_EV_TRANSITION:
        HEAD(&l, ev->ts_us, "transition");
        endpoints(&l, ev);
        WS_JSON_KEY(&l, "from");
        state_value(&l, ev->from);
        WS_JSON_KEY(&l, "to");
        state_value(&l, ev->to);
        WS_JSON_KEY(&l, "cause");
        if (ev->cause.kind == WS_CAUSE_TEXT) {
            ws_line_json_str(&l, ev->text);
        } else {
            ws_line_char(&l, '"');
            ws_line_cause(&l, ev);
            ws_line_char(&l, '"');
        }
        WS_JSON_KEY(&l, "midstream");
        bool_value(&l, ev->midstream);
        break;
    case WS_EV_HALF_CLOSED:
        HEAD(&l, ev->ts_us, "half_closed");
        endpoints(&l, ev);
        WS_JSON_KEY(&l, "state");
        state_value(&l, ev->to);
        WS_JSON_KEY(&l, "seconds");
        ws_line_u64(&l, (uint64_t)(ev->seconds < 0 ? 0 : ev->seconds));
        break;
    case WS_EV_ANOMALY:
        HEAD(&l, ev->ts_us, "anomaly");
        endpoints(&l, ev);
        WS_JSON_KEY(&l, "kind");
        ws_line_json_str(&l, ev->kind);
        WS_JSON_KEY(&l, "detail");
        ws_line_json_str(&l, ev->text);
        break;
    case WS_EV_FLOW:
        flow_record(&l, ev);
        break;
    case WS_EV_EXPIRED:
        HEAD(&l, ev->ts_us, "expired");
        endpoints(&l, ev);
        WS_JSON_KEY(&l, "reason");
        ws_line_json_str(&l, ev->kind);
        WS_JSON_KEY(&l, "client_state");
        state_value(&l, ev->from);
        WS_JSON_KEY(&l, "server_state");
        state_value(&l, ev->to);
        WS_JSON_KEY(&l, "midstream");
        bool_value(&l, ev->midstream);
        break;
    }
    WS_LINE_LIT(&l, "}\n");
    ws_line_write(&l, r->out);
}
