/* report_table.c - the netstat-style snapshot: one row per endpoint. */
#include "report_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void side_endpoints(const struct ws_flow *f, int side, struct ws_endpoint *ep,
                           struct ws_endpoint *peer)
{
    ws_flow_side_addr(f, side, &ep->addr);
    ep->port = ws_flow_port(f, side);
    ws_flow_side_addr(f, !side, &peer->addr);
    peer->port = ws_flow_port(f, !side);
}

/* Address columns as wide as the longest address, like ss. */
static int address_width(struct ws_flow *const *flows, size_t n)
{
    int width = (int)sizeof "Foreign Address" - 1;
    for (size_t i = 0; i < n; i++) {
        for (int side = 0; side < 2; side++) {
            struct ws_endpoint ep, peer;
            char a[WS_ENDPOINT_STRLEN];
            side_endpoints(flows[i], side, &ep, &peer);
            int len = (int)strlen(ws_format_endpoint(&ep, a, sizeof a));
            if (len > width)
                width = len;
        }
    }
    return width;
}

static void text_row(struct ws_reporter *r, const struct ws_flow *f, int side, int64_t now, int width)
{
    struct ws_endpoint ep, peer;
    char a[WS_ENDPOINT_STRLEN], b[WS_ENDPOINT_STRLEN];
    side_endpoints(f, side, &ep, &peer);
    const struct ws_side *s = &f->side[side];
    double age = (double)(now - s->state_since) / WS_USEC_PER_SEC;
    fprintf(r->out, "%-5s %-6s %-*s %-*s %-12s %9.1f %8" PRIu64 "%s\n",
            ws_flow_family(f) == 6 ? "tcp6" : "tcp", side == f->client ? "client" : "server", width,
            ws_format_endpoint(&ep, a, sizeof a), width, ws_format_endpoint(&peer, b, sizeof b),
            ws_tcp_state_name((enum ws_tcp_state)s->state, r->names), age, f->id,
            f->midstream ? " midstream" : "");
}

static void json_row(struct ws_reporter *r, const struct ws_flow *f, int side, int64_t now)
{
    struct ws_endpoint ep, peer;
    char a[WS_ENDPOINT_STRLEN], b[WS_ENDPOINT_STRLEN], when[32], since[32];
    side_endpoints(f, side, &ep, &peer);
    const struct ws_side *s = &f->side[side];
    fprintf(r->out, "{\"ts\":%s,\"type\":\"endpoint\",\"flow\":%" PRIu64 ",\"endpoint\":\"%s\","
            "\"peer\":\"%s\",\"role\":\"%s\",\"state\":\"%s\",\"since\":%s,\"age\":%.6f,"
            "\"midstream\":%s}\n",
            ws_format_epoch(now, when, sizeof when), f->id, ws_format_endpoint(&ep, a, sizeof a),
            ws_format_endpoint(&peer, b, sizeof b), side == f->client ? "client" : "server",
            ws_tcp_state_name((enum ws_tcp_state)s->state, WS_NAMES_RFC),
            ws_format_epoch(s->state_since, since, sizeof since),
            (double)(now - s->state_since) / WS_USEC_PER_SEC, f->midstream ? "true" : "false");
}

void ws_report_table(struct ws_reporter *r, const struct ws_flow_table *t, int64_t now)
{
    size_t n;
    struct ws_flow **sorted = ws_flow_table_by_id(t, &n);
    if (t->count && !sorted) {
        fprintf(stderr, "wirestate: out of memory printing the table\n");
        return;
    }

    int width = address_width(sorted, n);
    if (!r->json)
        fprintf(r->out, "%-5s %-6s %-*s %-*s %-12s %9s %8s\n", "Proto", "Role", width, "Local Address",
                width, "Foreign Address", "State", "Age(s)", "Flow");
    for (size_t i = 0; i < n; i++) {
        const struct ws_flow *f = sorted[i];
        int order[2] = { f->client, !f->client };
        for (int k = 0; k < 2; k++) {
            if (f->side[order[k]].state == WS_NONE)
                continue;   /* never showed itself: nothing to list */
            if (r->json)
                json_row(r, f, order[k], now);
            else
                text_row(r, f, order[k], now, width);
        }
    }
    free(sorted);
    ws_report_line_done(r);
}
