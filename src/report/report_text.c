/* report_text.c - one human line per event:
 *   TIME ENDPOINT ROLE FROM -> TO  CAUSE (peer PEER, flow N[, midstream])
 * The first five fields never contain spaces, so `awk` and `cut` can split them.
 *
 * Each line is built in memory with the appenders of line.h and written at
 * once, as JSON lines are: fprintf, parsing its format for every line, with
 * strftime and localtime_r for its time, was most of the writer's time. */
#include "report_internal.h"

#include "line.h"

#include <stdio.h>

/* Every state in both spellings, by ws_report_text_prepare(): a transition
 * line has two, and copying one is cheaper than measuring it. */
static struct ws_line_words state_words[2][WS_STATE_COUNT];

void ws_report_text_prepare(void)
{
    for (int style = 0; style < 2; style++)
        for (int s = 0; s < WS_STATE_COUNT; s++) {
            const char *name = ws_tcp_state_name((enum ws_tcp_state)s, (enum ws_state_names)style);
            struct ws_line_words *w = &state_words[style][s];
            size_t n = strlen(name);
            if (n < sizeof w->text) {
                memcpy(w->text, name, n);
                w->len = (uint8_t)n;
            }
        }
}

/* As ws_tcp_state_name spells it: from the table when it is made (and the
 * state in range), else from the name itself. */
static void state_name(struct ws_line *l, enum ws_tcp_state s, enum ws_state_names names)
{
    const struct ws_line_words *w = NULL;
    if ((unsigned)s < WS_STATE_COUNT)
        w = &state_words[names == WS_NAMES_NETSTAT][s];
    if (w && w->len)
        ws_line_words(l, w);
    else
        ws_line_str(l, ws_tcp_state_name(s, names));
}

/* "ENDPOINT ROLE ", the role "-" when the event belongs to no flow. */
static void endpoint_and_role(struct ws_line *l, const struct ws_event *ev)
{
    ws_line_endpoint(l, &ev->endpoint);
    if (!ev->flow_id)
        WS_LINE_LIT(l, " - ");
    else if (ev->role == WS_ROLE_CLIENT)
        WS_LINE_LIT(l, " client ");
    else
        WS_LINE_LIT(l, " server ");
}

/* " (peer PEER, flow N[, midstream])" or " (peer PEER, no flow)", and the newline. */
static void peer_and_flow(struct ws_line *l, const struct ws_event *ev)
{
    WS_LINE_LIT(l, " (peer ");
    ws_line_endpoint(l, &ev->peer);
    if (!ev->flow_id) {
        WS_LINE_LIT(l, ", no flow)\n");
        return;
    }
    WS_LINE_LIT(l, ", flow ");
    ws_line_u64(l, ev->flow_id);
    if (ev->midstream)
        WS_LINE_LIT(l, ", midstream)\n");
    else
        WS_LINE_LIT(l, ")\n");
}

/* Below 2^32 s (136 years) microseconds / 1e6 as a double is off by half its
 * last bit at most, 2^-22 s, under half a microsecond: "%.6f" rounds it back
 * to the exact microseconds, which is what ws_line_epoch prints. */
#define EXACT_DURATION_US (WS_USEC_PER_SEC << 32)

/* A flow's duration, "%.6f" of seconds as a double, as it always was. */
static void duration_seconds(struct ws_line *l, int64_t us)
{
    if (us > -EXACT_DURATION_US && us < EXACT_DURATION_US) {
        ws_line_epoch(l, us);
        return;
    }
    char text[48];   /* a double of an int64_t's microseconds: 21 characters at most */
    int n = snprintf(text, sizeof text, "%.6f", (double)us / WS_USEC_PER_SEC);
    ws_line_mem(l, text, n > 0 && (size_t)n < sizeof text ? (size_t)n : 0);
}

/* TIME ORIG orig flow CONN_STATE HISTORY ORIG_STATE/RESP_STATE (resp RESP, flow N,
 * P+P packets, B+B bytes, DURATIONs, REASON, COMMUNITY_ID) */
static void flow_record(struct ws_line *l, const struct ws_event *ev, enum ws_state_names names)
{
    const struct ws_flow_record *f = ev->record;
    ws_line_endpoint(l, &ev->endpoint);
    WS_LINE_LIT(l, " orig flow ");
    ws_line_str(l, f->conn_state);
    ws_line_char(l, ' ');
    ws_line_str(l, f->history[0] ? f->history : "-");
    ws_line_char(l, ' ');
    state_name(l, f->orig_state, names);
    ws_line_char(l, '/');
    state_name(l, f->resp_state, names);
    WS_LINE_LIT(l, " (resp ");
    ws_line_endpoint(l, &f->resp);
    WS_LINE_LIT(l, ", flow ");
    ws_line_u64(l, f->flow_id);
    WS_LINE_LIT(l, ", ");
    ws_line_u64(l, f->orig_packets);
    ws_line_char(l, '+');
    ws_line_u64(l, f->resp_packets);
    WS_LINE_LIT(l, " packets, ");
    ws_line_u64(l, f->orig_bytes);
    ws_line_char(l, '+');
    ws_line_u64(l, f->resp_bytes);
    WS_LINE_LIT(l, " bytes, ");
    duration_seconds(l, f->end_us - f->start_us);
    WS_LINE_LIT(l, "s, ");
    ws_line_str(l, ws_flow_end_name(f->reason));
    WS_LINE_LIT(l, ", ");
    char community_id[WS_COMMUNITY_ID_STRLEN];
    ws_line_str(l, ws_community_id_of_endpoints(&f->orig, &f->resp, 0, community_id, sizeof community_id));
    WS_LINE_LIT(l, ")\n");
}

void ws_report_text_event(struct ws_reporter *r, const struct ws_event *ev)
{
    struct ws_line l;
    ws_line_reset(&l);
    ws_report_time_text(r, &l, ev->ts_us);
    switch (ev->type) {
    case WS_EV_TRANSITION:
        endpoint_and_role(&l, ev);
        state_name(&l, ev->from, r->names);
        WS_LINE_LIT(&l, " -> ");
        state_name(&l, ev->to, r->names);
        WS_LINE_LIT(&l, "  ");
        ws_line_cause(&l, ev);
        break;
    case WS_EV_HALF_CLOSED:
        endpoint_and_role(&l, ev);
        WS_LINE_LIT(&l, "half_closed ");
        state_name(&l, ev->to, r->names);
        WS_LINE_LIT(&l, " for ");
        ws_line_i64(&l, ev->seconds);
        ws_line_char(&l, 's');
        break;
    case WS_EV_ANOMALY:
        endpoint_and_role(&l, ev);
        WS_LINE_LIT(&l, "anomaly ");
        ws_line_str(&l, ev->kind);
        WS_LINE_LIT(&l, ": ");
        ws_line_str(&l, ev->text);
        break;
    case WS_EV_EXPIRED:
        endpoint_and_role(&l, ev);
        WS_LINE_LIT(&l, "expired ");
        ws_line_str(&l, ev->kind);
        WS_LINE_LIT(&l, ": client ");
        state_name(&l, ev->from, r->names);
        WS_LINE_LIT(&l, ", server ");
        state_name(&l, ev->to, r->names);
        break;
    case WS_EV_FLOW:
        flow_record(&l, ev, r->names);
        ws_line_write(&l, r->out);
        return;
    }
    peer_and_flow(&l, ev);
    ws_line_write(&l, r->out);
}
