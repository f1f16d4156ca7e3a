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

/* Every record has the flow id right after its type:
 * {"ts":...,"type":"TYPE","flow": for a literal TYPE. */
#define HEAD(l, ts, type) (start((l), (ts)), WS_LINE_LIT((l), ",\"type\":\"" type "\",\"flow\":"))

/* The quotes around a string value travel with the keys next to it, so that
 * a line takes fewer appends: Q_ closes the value before the key, _Q opens
 * the one after it. */
#define KEY_Q(l, key) WS_LINE_LIT((l), ",\"" key "\":\"")
#define Q_KEY(l, key) WS_LINE_LIT((l), "\",\"" key "\":")
#define Q_KEY_Q(l, key) WS_LINE_LIT((l), "\",\"" key "\":\"")

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

/* What follows HEAD in all but flow records.  Endpoints are digits, dots,
 * colons and brackets, enum names are wirestate's own: nothing to escape. */
static void endpoints(struct ws_line *l, const struct ws_event *ev)
{
    if (ev->flow_id)
        ws_line_u64(l, ev->flow_id);
    else
        WS_LINE_LIT(l, "null");
    KEY_Q(l, "endpoint");
    ws_line_endpoint(l, &ev->endpoint);
    Q_KEY_Q(l, "peer");
    ws_line_endpoint(l, &ev->peer);
    if (!ev->flow_id)
        ws_line_char(l, '"');
    else if (ev->role == WS_ROLE_CLIENT)
        WS_LINE_LIT(l, "\",\"role\":\"client\"");
    else
        WS_LINE_LIT(l, "\",\"role\":\"server\"");
}

static void flow_record(struct ws_line *l, const struct ws_event *ev)
{
    const struct ws_flow_record *f = ev->record;
    HEAD(l, ev->ts_us, "flow");
    ws_line_u64(l, f->flow_id);
    KEY_Q(l, "orig");
    ws_line_endpoint(l, &f->orig);
    Q_KEY_Q(l, "resp");
    ws_line_endpoint(l, &f->resp);
    Q_KEY(l, "start");
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
    KEY_Q(l, "conn_state");
    ws_line_str(l, f->conn_state);
    Q_KEY(l, "history");
    ws_line_json_str(l, f->history);
    char community_id[WS_COMMUNITY_ID_STRLEN];
    KEY_Q(l, "community_id");
    ws_line_str(l, ws_community_id_of_endpoints(&f->orig, &f->resp, 0, community_id, sizeof community_id));
    Q_KEY_Q(l, "reason");
    ws_line_str(l, ws_flow_end_name(f->reason));
    ws_line_char(l, '"');
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
        if (ev->cause.kind == WS_CAUSE_TEXT) {
            WS_JSON_KEY(&l, "cause");
            ws_line_json_str(&l, ev->text);
            WS_JSON_KEY(&l, "midstream");
        } else {
            KEY_Q(&l, "cause");
            ws_line_cause(&l, ev);
            Q_KEY(&l, "midstream");
        }
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
