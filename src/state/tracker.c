/* tracker.c - segments into flows, flows through the state table, timers, events.
 *
 * The table in tcp_state.c does the ordinary work.  This file holds what a
 * table cannot say: which side is the client, when a SYN starts a new
 * connection on an old 4-tuple, and the corrections for handshakes where the
 * tap saw a segment its destination never got.  Each is marked SPECIAL CASE. */
#include "wirestate/tracker.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirestate/config.h"
#include "wirestate/deadline.h"
#include "wirestate/segment_class.h"

void ws_tracker_config_defaults(struct ws_tracker_config *cfg)
{
    cfg->msl_us = WS_SECONDS(WS_DEFAULT_MSL_S);
    cfg->half_closed_us = WS_SECONDS(WS_DEFAULT_HALF_CLOSED_S);
    cfg->syn_timeout_us = WS_SECONDS(WS_DEFAULT_SYN_TIMEOUT_S);
    cfg->idle_timeout_us = WS_SECONDS(WS_DEFAULT_IDLE_TIMEOUT_S);
    cfg->linger_us = WS_SECONDS(WS_CLOSED_LINGER_S);
    cfg->max_flows = WS_DEFAULT_MAX_FLOWS;
    cfg->hash_seed = 0;
    cfg->flow_records = true;
}

/* The timer wheel names flows by pool index and asks for their deadlines. */
static struct ws_timer *timer_of_flow(void *ctx, uint32_t idx)
{
    struct ws_tracker *tr = ctx;
    return &ws_flow_at(&tr->flows, idx)->timer;
}

static void deadline_of_flow(void *ctx, uint32_t idx, int64_t *deadline, uint64_t *tiebreak)
{
    struct ws_tracker *tr = ctx;
    const struct ws_flow *f = ws_flow_at(&tr->flows, idx);
    *deadline = ws_flow_next_due(f, &tr->cfg).at;
    *tiebreak = f->id;
}

bool ws_tracker_init(struct ws_tracker *tr, const struct ws_tracker_config *cfg,
                     struct ws_sink sink)
{
    memset(tr, 0, sizeof *tr);
    tr->cfg = *cfg;
    tr->sink = sink;
    tr->next_flow_id = 1;
    tr->now = INT64_MIN;
    struct ws_timer_owner owner = { .ctx = tr, .timer = timer_of_flow, .deadline = deadline_of_flow };
    return ws_flow_table_init(&tr->flows, cfg->max_flows, cfg->hash_seed, cfg->flow_records) &&
           ws_timers_init(&tr->timers, owner);
}

void ws_tracker_free(struct ws_tracker *tr)
{
    ws_flow_table_free(&tr->flows);
    ws_timers_free(&tr->timers);
}

/* ---- events ---------------------------------------------------------- */

static void side_endpoint(const struct ws_flow *f, int side, struct ws_endpoint *out)
{
    ws_flow_side_addr(f, side, &out->addr);
    out->port = ws_flow_port(f, side);
}

/* An event with every field a reporter reads set to nothing yet, set one by
 * one; the text is empty (its first byte), the rest of it left as it is.
 * `= { ... }` zeroed all 232 bytes with rep stos before the fields were
 * written.  (One-thread build, first 4 M packets of the large capture,
 * events dropped by the sink: 954 -> 878 ms with set_state's cause passed
 * by address.)  Callers set the endpoints. */
static void start_event(struct ws_event *ev, enum ws_event_type type, int64_t ts)
{
    ev->type = type;
    ev->ts_us = ts;
    ev->flow_id = 0;
    ev->role = WS_ROLE_CLIENT;
    ev->midstream = false;
    ev->from = ev->to = WS_NONE;
    ev->seconds = 0;
    ev->kind = NULL;
    ev->cause.kind = WS_CAUSE_TEXT;
    ev->cause.flags = 0;
    ev->cause.dir = WS_DIR_SENT;
    ev->cause.note = NULL;
    ev->cause.seconds = 0;
    ev->text[0] = '\0';
    ev->record = NULL;
}

static void describe_side(const struct ws_flow *f, int side, struct ws_event *ev)
{
    side_endpoint(f, side, &ev->endpoint);
    side_endpoint(f, !side, &ev->peer);
    ev->role = side == f->client ? WS_ROLE_CLIENT : WS_ROLE_SERVER;
    ev->flow_id = f->id;
    ev->midstream = f->midstream;
}

static void emit(struct ws_tracker *tr, const struct ws_event *ev)
{
    if (tr->sink.emit)
        tr->sink.emit(tr->sink.ctx, ev);
}

/* A cause that is a note alone, for set_state(). */
#define NOTE_CAUSE(text) (&(const struct ws_cause){ .kind = WS_CAUSE_NOTE, .note = (text) })

/* A side's new state, counted: all a transition is when nobody prints it. */
static inline void move_side(struct ws_tracker *tr, struct ws_flow *f, int side,
                             enum ws_tcp_state to, int64_t ts)
{
    struct ws_side *s = &f->side[side];
    s->state = (uint8_t)to;
    s->state_since = ts;
    s->half_closed_reported = 0;
    tr->stats.transitions++;
}

/* The cause comes by address: passed by value, it was stored in pieces and
 * reloaded whole on the way (see start_event). */
static void set_state(struct ws_tracker *tr, struct ws_flow *f, int side, enum ws_tcp_state from,
                      enum ws_tcp_state to, int64_t ts, const struct ws_cause *cause)
{
    move_side(tr, f, side, to, ts);
    if (!tr->sink.emit)
        return;   /* counted, not described: nobody prints it */
    struct ws_event ev;
    start_event(&ev, WS_EV_TRANSITION, ts);
    ev.from = from;
    ev.to = to;
    ev.cause.kind = cause->kind;
    ev.cause.flags = cause->flags;
    ev.cause.dir = cause->dir;
    ev.cause.note = cause->note;
    ev.cause.seconds = cause->seconds;
    describe_side(f, side, &ev);
    emit(tr, &ev);
}

static void emit_anomaly(struct ws_tracker *tr, const struct ws_flow *f, int side,
                         const struct ws_segment *seg, const struct ws_classification *c, int64_t ts)
{
    tr->stats.anomalies++;
    struct ws_event ev;
    start_event(&ev, WS_EV_ANOMALY, ts);
    ev.kind = c->anomaly;
    if (f) {
        describe_side(f, side, &ev);
    } else {
        ev.endpoint.addr = seg->src;
        ev.endpoint.port = seg->sport;
        ev.peer.addr = seg->dst;
        ev.peer.port = seg->dport;
        ev.role = WS_ROLE_CLIENT;
    }
    snprintf(ev.text, sizeof ev.text, "%s", c->detail);
    emit(tr, &ev);
}

static void emit_expired(struct ws_tracker *tr, const struct ws_flow *f, const char *reason, int64_t ts)
{
    if (!tr->sink.emit)
        return;
    struct ws_event ev;
    start_event(&ev, WS_EV_EXPIRED, ts);
    ev.kind = reason;
    describe_side(f, f->client, &ev);
    ev.from = (enum ws_tcp_state)f->side[f->client].state;
    ev.to = (enum ws_tcp_state)f->side[!f->client].state;
    emit(tr, &ev);
}

/* Flow records are described only for a sink that prints them; a table
 * made without tallies has nothing to describe them with. */
static bool describes_flow_records(const struct ws_tracker *tr)
{
    return tr->sink.emit && tr->cfg.flow_records;
}

/* The connection's whole record, in Zeek's orientation (originator first):
 * the flow's tally, if it has one, says what the record reports. */
static void emit_flow_record_of(struct ws_tracker *tr, const struct ws_flow *f,
                                const struct ws_flow_tally *tally, enum ws_flow_end reason, int64_t ts)
{
    tr->stats.flow_records++;
    if (!tr->sink.emit || !tally)
        return;
    int o = tally->zeek.orig_side, r = !o;
    struct ws_flow_record rec;   /* every field set, one by one (see start_event) */
    rec.flow_id = f->id;
    rec.start_us = f->first_ts;
    rec.end_us = f->last_ts;
    rec.orig_packets = tally->packets[o];
    rec.resp_packets = tally->packets[r];
    rec.orig_bytes = tally->bytes[o];
    rec.resp_bytes = tally->bytes[r];
    rec.orig_state = (enum ws_tcp_state)f->side[o].state;
    rec.resp_state = (enum ws_tcp_state)f->side[r].state;
    rec.midstream = f->midstream;
    rec.reason = reason;
    side_endpoint(f, o, &rec.orig);
    side_endpoint(f, r, &rec.resp);
    rec.conn_state = ws_zeek_conn_state(&tally->zeek, rec.orig_bytes, rec.resp_bytes);
    _Static_assert(sizeof rec.history >= sizeof tally->zeek.history, "history fits the record");
    memcpy(rec.history, tally->zeek.history, sizeof tally->zeek.history);

    struct ws_event ev;
    start_event(&ev, WS_EV_FLOW, ts);
    ev.record = &rec;
    describe_side(f, o, &ev);
    emit(tr, &ev);
}

static void emit_flow_record(struct ws_tracker *tr, struct ws_flow *f, enum ws_flow_end reason, int64_t ts)
{
    emit_flow_record_of(tr, f, ws_flow_tally(&tr->flows, f), reason, ts);
}

/* A segment that opens no flow still gets its one-line record, as Zeek logs a
 * lone RST as a connection; built on the stack, so it costs no table space. */
static void record_stray(struct ws_tracker *tr, const struct ws_flow_ref *ref,
                         const struct ws_segment *seg, int64_t ts)
{
    /* The record has its flow id whether or not anything prints it, so that
     * ids (in the table, in --flows) do not depend on --no-events. */
    uint64_t id = tr->next_flow_id++;
    if (!describes_flow_records(tr)) {
        tr->stats.flow_records++;
        return;
    }
    int sender = ref->sender;
    struct ws_flow stray;
    struct ws_flow_tally tally;
    memset(&stray, 0, sizeof stray);
    memset(&tally, 0, sizeof tally);
    ws_flow_use_key(&stray, ref);
    stray.id = id;
    stray.first_ts = stray.last_ts = ts;
    stray.client = (uint8_t)sender;
    stray.midstream = true;
    tally.packets[sender] = 1;
    tally.bytes[sender] = seg->payload_len;
    ws_zeek_init(&tally.zeek, sender);
    ws_zeek_observe(&tally.zeek, seg, sender);
    emit_flow_record_of(tr, &stray, &tally, WS_END_STRAY, ts);
}

/* ---- applying the table ---------------------------------------------- */

/* The table moved a side: what the event reports as "from", and why. */
static void apply_change(struct ws_tracker *tr, struct ws_flow *f, int side, enum ws_tcp_state old,
                         enum ws_tcp_state next, enum ws_seg_class cls, enum ws_direction dir,
                         const struct ws_segment *seg, int64_t ts, const char *why)
{
    enum ws_tcp_state from = old == WS_NONE ? ws_tcp_implied_prior(next, cls, dir) : old;
    if (!why && cls == WS_SEG_RST && dir == WS_DIR_RCVD && old == WS_SYN_SENT)
        why = "connection refused";
    if (!why && cls == WS_SEG_RST && dir == WS_DIR_SENT && old == WS_NONE)
        why = "nothing listens";
    struct ws_cause cause = { .kind = WS_CAUSE_SEGMENT, .flags = seg->flags, .dir = dir, .note = why };
    set_state(tr, f, side, from, next, ts, &cause);
}

/* Most segments move neither side: that answer is one table lookup, and the
 * work of a transition stays out of this path, as does describing it when
 * nobody prints it. */
static inline void apply(struct ws_tracker *tr, struct ws_flow *f, int side, enum ws_seg_class cls,
                         enum ws_direction dir, const struct ws_segment *seg, int64_t ts,
                         const char *why)
{
    enum ws_tcp_state old = (enum ws_tcp_state)f->side[side].state;
    enum ws_tcp_state next = ws_tcp_next_state(old, cls, dir);
    if (next == old)
        return;
    if (tr->sink.emit)
        apply_change(tr, f, side, old, next, cls, dir, seg, ts, why);
    else
        move_side(tr, f, side, next, ts);
}

/* ---- flow life ------------------------------------------------------- */

/* A side with a connection worth keeping: synchronized, not yet finished. */
static bool side_live(enum ws_tcp_state s)
{
    switch (s) {
    case WS_ESTABLISHED:
    case WS_FIN_WAIT_1:
    case WS_FIN_WAIT_2:
    case WS_CLOSE_WAIT:
    case WS_CLOSING:
    case WS_LAST_ACK:
        return true;
    default:
        return false;
    }
}

/* Protected from eviction: a connection some side of which is live, and
 * whose two sides have both spoken.  The second condition keeps an ACK flood
 * from spoofed sources (each packet a one-sided "mid-stream" flow) in the
 * expendable tier, where it cannot push out real connections. */
static void update_tier(struct ws_tracker *tr, struct ws_flow *f)
{
    bool live = side_live((enum ws_tcp_state)f->side[0].state) ||
                side_live((enum ws_tcp_state)f->side[1].state);
    bool both_spoke = f->side[0].seq_seen && f->side[1].seq_seen;
    enum ws_flow_tier tier = live && both_spoke ? WS_TIER_ESTABLISHED : WS_TIER_EXPENDABLE;
    if (f->tier != tier)   /* nearly every packet leaves it: spare the call */
        ws_flow_set_tier(&tr->flows, f, tier);
}

/* Deadlines that moved later (the idle clock after each packet) are left
 * where they are and corrected when they come up (see timers.h): arming an
 * already armed timer costs nothing unless its deadline moved earlier. */
static void arm_at(struct ws_tracker *tr, struct ws_flow *f, int64_t at)
{
    if (ws_timers_arm_is_noop(&f->timer, at))
        return;
    if (!ws_timers_arm(&tr->timers, f->idx, at, f->id))
        tr->stats.alloc_failures++;
}

static void schedule(struct ws_tracker *tr, struct ws_flow *f)
{
    arm_at(tr, f, ws_flow_next_due(f, &tr->cfg).at);
}

static void drop_flow(struct ws_tracker *tr, struct ws_flow *f)
{
    ws_timers_cancel(&tr->timers, f->idx);
    ws_flow_remove(&tr->flows, f);
}

/* A full table gives up, in order: the least recently active flow that never
 * got established or is finished (SYN floods and scans land here, and evict
 * each other), unless an established flow has been silent longer than
 * WS_EVICT_STALE_S and longer than that one; established, active flows go
 * last.  So a flood cannot push out live connections. */
static struct ws_flow *choose_victim(const struct ws_tracker *tr, int64_t now)
{
    struct ws_flow *cheap = ws_flow_oldest_in(&tr->flows, WS_TIER_EXPENDABLE);
    struct ws_flow *live = ws_flow_oldest_in(&tr->flows, WS_TIER_ESTABLISHED);
    if (!cheap)
        return live;
    if (live && now - live->last_ts > WS_SECONDS(WS_EVICT_STALE_S) && live->last_ts < cheap->last_ts)
        return live;
    return cheap;
}

/* The victim, reported and counted, still in the table for open_flow. */
static struct ws_flow *evict_least_recent(struct ws_tracker *tr, int64_t ts)
{
    struct ws_flow *victim = choose_victim(tr, ts);
    if (!victim)
        return NULL;
    /* Under a flood every packet evicts, oldest first, so the work is
     * pipelined: the victim after next (its record requested at the
     * previous eviction) has what its removal touches requested now, two
     * evictions ahead, and the one after it its whole record.  (One eviction
     * of lead for the removal was 8 % slower under the SYN flood: a packet
     * takes less time than those cache misses.) */
    struct ws_flow *next = ws_flow_newer(&tr->flows, victim);
    struct ws_flow *after = next ? ws_flow_newer(&tr->flows, next) : NULL;
    if (after) {
        ws_flow_prefetch_removal(&tr->flows, after);
        struct ws_flow *later = ws_flow_newer(&tr->flows, after);
        if (later)   /* all of it: the new flow takes its record */
            ws_flow_prefetch_record(&tr->flows, later);
    }
    emit_expired(tr, victim, "evicted", ts);
    emit_flow_record(tr, victim, WS_END_EVICTED, ts);
    tr->stats.evicted++;
    return victim;
}

/* SPECIAL CASE (roles): the sender of the first bare SYN is the client; a
 * SYN+ACK's receiver is.  Joining mid-connection, a port below 1024 facing an
 * ephemeral one is the server, else the lower port; ties: the first sender is
 * the client. */
static int pick_client(const struct ws_flow *f, int sender, enum ws_seg_class cls)
{
    if (cls == WS_SEG_SYN)
        return sender;
    if (cls == WS_SEG_SYNACK)
        return !sender;
    uint16_t ps = ws_flow_port(f, sender), pr = ws_flow_port(f, !sender);
    if ((ps < 1024) != (pr < 1024))
        return ps < 1024 ? !sender : sender;
    if (ps != pr)
        return ps < pr ? !sender : sender;
    return sender;
}

static void begin_connection(struct ws_tracker *tr, struct ws_flow *f, int sender,
                             enum ws_seg_class cls, int64_t ts)
{
    struct ws_flow_tally *tally = ws_flow_tally(&tr->flows, f);
    if (tally)
        ws_zeek_init(&tally->zeek, sender);
    f->id = tr->next_flow_id++;
    f->first_ts = ts;
    f->client = (uint8_t)pick_client(f, sender, cls);
    f->midstream = cls != WS_SEG_SYN;
    tr->stats.flows++;
}

/* A full table gives the new flow its victim's record.  The victim's timer,
 * if it waits in the wheel, stays armed for the new flow: an armed timer
 * only ever needs to come up early (timers.h), schedule() moves it earlier
 * if the new flow's deadline is, and when it comes up the real deadline is
 * asked for.  That spares a SYN flood unlinking and relinking a timer per
 * packet, and the cache misses on its neighbours in the wheel. */
static struct ws_flow *open_flow(struct ws_tracker *tr, const struct ws_flow_ref *ref, int64_t ts)
{
    struct ws_flow *victim = ws_flow_table_full(&tr->flows) ? evict_least_recent(tr, ts) : NULL;
    struct ws_flow *f;
    if (victim) {
        if (!ws_timer_in_wheel(&victim->timer))   /* in the due heap: its entry names the victim */
            ws_timers_cancel(&tr->timers, victim->idx);
        f = ws_flow_reuse(&tr->flows, victim, ref);
        if (!f)
            ws_timers_cancel(&tr->timers, victim->idx);
    } else {
        f = ws_flow_add(&tr->flows, ref);
    }
    if (!f)
        tr->stats.alloc_failures++;
    return f;
}

static bool side_finished(enum ws_tcp_state s)
{
    return ws_tcp_state_gone(s) || s == WS_TIME_WAIT;
}

/* SPECIAL CASE (4-tuple reuse, RFC 9293 §3.10.7.4 TIME-WAIT and RFC 6191):
 * a bare SYN with a new ISN on a finished connection starts a new one.  A
 * client in SYN_SENT sending a SYN with another ISN has abandoned the first
 * attempt (a new socket bound to the same port). */
static bool starts_new_connection(const struct ws_flow *f, int sender, const struct ws_segment *seg)
{
    const struct ws_side *s = &f->side[sender], *r = &f->side[!sender];
    if (s->syn_seen && seg->seq == s->isn)
        return false;
    enum ws_tcp_state ss = (enum ws_tcp_state)s->state, rs = (enum ws_tcp_state)r->state;
    if (side_finished(ss) && side_finished(rs))
        return true;
    return ss == WS_SYN_SENT && s->syn_seen && ws_tcp_state_gone(rs);
}

static void restart_connection(struct ws_tracker *tr, struct ws_flow *f, int sender,
                               const struct ws_segment *seg, int64_t ts)
{
    int order[2] = { f->client, !f->client };
    for (int i = 0; i < 2; i++) {
        struct ws_side *s = &f->side[order[i]];
        enum ws_tcp_state st = (enum ws_tcp_state)s->state;
        if (st == WS_TIME_WAIT)
            set_state(tr, f, order[i], st, WS_CLOSED, ts, NOTE_CAUSE("new connection reuses the 4-tuple"));
        else if (st == WS_SYN_SENT)
            set_state(tr, f, order[i], st, WS_CLOSED, ts, NOTE_CAUSE("abandoned: new SYN with another ISN"));
    }
    emit_flow_record(tr, f, WS_END_REUSED, ts);
    ws_timers_cancel(&tr->timers, f->idx);
    memset(f->side, 0, sizeof f->side);
    struct ws_flow_tally *tally = ws_flow_tally(&tr->flows, f);
    if (tally)   /* a new record comes zeroed; this one counts afresh */
        memset(tally, 0, sizeof *tally);
    begin_connection(tr, f, sender, WS_SEG_SYN, ts);
    (void)seg;
}

/* SPECIAL CASE (final ACK lost, RFC 9293 §3.10.7.4 / §3.8.1): a passive opener
 * we took as ESTABLISHED retransmits its SYN+ACK while the client has sent
 * nothing past its SYN: the ACK we saw never reached it. */
static bool synack_says_ack_lost(const struct ws_flow *f, int sender, enum ws_tcp_state old,
                                 const struct ws_segment *seg)
{
    const struct ws_side *s = &f->side[sender], *r = &f->side[!sender];
    return old == WS_ESTABLISHED && s->passive_open && seg->seq == s->isn && r->syn_seen &&
           r->snd_max == r->isn + 1;
}

/* SPECIAL CASE (SYN+ACK lost): a client we took as ESTABLISHED that has never
 * sent an ACK retransmits its SYN: the SYN+ACK we saw never reached it. */
static bool syn_says_synack_lost(const struct ws_flow *f, int sender, enum ws_tcp_state old,
                                 const struct ws_segment *seg)
{
    const struct ws_side *s = &f->side[sender];
    return old == WS_ESTABLISHED && seg->seq == s->isn && !s->ack_seen;
}

/* SPECIAL CASE (simultaneous open, RFC 9293 §3.5 figure 8): the peer's bare
 * SYN, seen earlier while this side was silent, reaches it after its own SYN
 * went out. */
static bool peer_syn_pending(const struct ws_flow *f, int sender)
{
    const struct ws_side *s = &f->side[sender], *r = &f->side[!sender];
    return s->state == WS_SYN_SENT && r->syn_seen && !r->passive_open && r->state == WS_SYN_SENT;
}

static void run_machine(struct ws_tracker *tr, struct ws_flow *f, int sender, enum ws_seg_class cls,
                        const struct ws_segment *seg, int64_t ts)
{
    int receiver = !sender;
    enum ws_tcp_state s_old = (enum ws_tcp_state)f->side[sender].state;
    enum ws_tcp_state r_old = (enum ws_tcp_state)f->side[receiver].state;

    if (cls == WS_SEG_SYNACK && synack_says_ack_lost(f, sender, s_old, seg)) {
        set_state(tr, f, sender, s_old, WS_SYN_RECEIVED, ts,
                  NOTE_CAUSE("SYN+ACK retransmitted: the handshake's ACK was lost"));
    } else if (cls == WS_SEG_SYN && syn_says_synack_lost(f, sender, s_old, seg)) {
        set_state(tr, f, sender, s_old, WS_SYN_SENT, ts, NOTE_CAUSE("SYN retransmitted: the SYN+ACK was lost"));
    } else {
        apply(tr, f, sender, cls, WS_DIR_SENT, seg, ts, NULL);
        if (cls == WS_SEG_SYN && peer_syn_pending(f, sender))
            apply(tr, f, sender, WS_SEG_SYN, WS_DIR_RCVD, seg, ts, "simultaneous open");
    }
    ws_side_learn(&f->side[sender], seg);
    apply(tr, f, receiver, cls, WS_DIR_RCVD, seg, ts, NULL);

    /* SPECIAL CASE (RFC 9293 §3.10.7.4 TIME-WAIT): a retransmitted FIN restarts 2MSL. */
    if ((cls == WS_SEG_FIN || cls == WS_SEG_FIN_ACK_FIN) && r_old == WS_TIME_WAIT &&
        f->side[receiver].state == WS_TIME_WAIT)
        f->side[receiver].state_since = ts;
}

/* A table this small stays in the caches: prefetching it only costs. */
#define WS_PREFETCH_MIN_FLOWS 16384

void ws_tracker_prepare(const struct ws_tracker *tr, const struct ws_segment *seg,
                        struct ws_flow_ref *ref)
{
    ws_flow_ref_of_segment(&tr->flows, seg, ref);
    ws_tracker_prefetch_flow(tr, ref, 0);
}

void ws_tracker_prefetch_flow(const struct ws_tracker *tr, const struct ws_flow_ref *ref,
                              unsigned depth)
{
    if (tr->flows.count < WS_PREFETCH_MIN_FLOWS)
        return;
    if (depth == 0)
        ws_flow_prefetch_bucket(&tr->flows, ref->hash);
    else
        ws_flow_prefetch_chain(&tr->flows, ref->hash, depth);
}

void ws_tracker_segment(struct ws_tracker *tr, const struct ws_segment *seg)
{
    struct ws_flow_ref ref;
    ws_flow_ref_of_segment(&tr->flows, seg, &ref);
    ws_tracker_segment_prepared(tr, seg, &ref);
}

void ws_tracker_segment_prepared(struct ws_tracker *tr, const struct ws_segment *seg,
                                 const struct ws_flow_ref *ref)
{
    ws_tracker_advance(tr, seg->ts_us);
    int64_t ts = tr->now;   /* a timestamp that went backwards is taken as "now" */
    tr->stats.segments++;

    int sender = ref->sender;
    struct ws_flow *f = ws_flow_find(&tr->flows, ref);
    uint64_t transitions_before = tr->stats.transitions;
    bool opened = false;

    static const struct ws_side nothing_seen;
    struct ws_classification c;
    ws_classify_segment(seg, f ? &f->side[sender] : &nothing_seen,
                        f ? &f->side[!sender] : &nothing_seen, &c);
    if (c.anomaly)
        emit_anomaly(tr, f, sender, seg, &c, ts);

    if (!f) {
        /* A RST or an ACK-less segment tells nothing about a connection the
         * tap has not seen: no flow is created for it (SYN floods aside, this
         * is what keeps scans and backscatter out of the table). */
        if (c.cls == WS_SEG_IGNORE || c.cls == WS_SEG_RST) {
            tr->stats.segments_no_flow++;
            record_stray(tr, ref, seg, ts);
            return;
        }
        f = open_flow(tr, ref, ts);
        if (!f)
            return;
        opened = true;
        begin_connection(tr, f, sender, c.cls, ts);
    } else {
        ws_flow_touch(&tr->flows, f);
        if (c.cls == WS_SEG_SYN && starts_new_connection(f, sender, seg))
            restart_connection(tr, f, sender, seg, ts);
    }
    f->last_ts = ts;
    struct ws_flow_tally *tally = ws_flow_tally(&tr->flows, f);
    if (tally) {
        tally->packets[sender]++;
        tally->bytes[sender] += seg->payload_len;
        ws_zeek_observe(&tally->zeek, seg, sender);
    }
    if (c.cls != WS_SEG_IGNORE) {
        run_machine(tr, f, sender, c.cls, seg, ts);
        update_tier(tr, f);
    }
    /* A flow's deadlines follow from its sides' states and the times they
     * were entered, and from its last packet (deadline.c).  A packet that
     * moved no side only made the last packet later: every deadline stayed
     * or moved later, and an armed timer may come up early (timers.h). */
    if (opened || tr->stats.transitions != transitions_before || !ws_timer_armed(&f->timer))
        schedule(tr, f);
}

/* ---- timers ---------------------------------------------------------- */

static void fire(struct ws_tracker *tr, struct ws_flow *f, const struct ws_due *due)
{
    struct ws_side *s = &f->side[due->side];
    enum ws_tcp_state st = (enum ws_tcp_state)s->state;
    switch (due->kind) {
    case WS_DUE_TIME_WAIT:
        set_state(tr, f, due->side, st, WS_CLOSED, due->at,
                  &(const struct ws_cause){ .kind = WS_CAUSE_TIMER, .note = "2MSL timer expired",
                                     .seconds = 2 * tr->cfg.msl_us / WS_USEC_PER_SEC });
        break;
    case WS_DUE_SYN_TIMEOUT:
        set_state(tr, f, due->side, st, WS_CLOSED, due->at,
                  &(const struct ws_cause){ .kind = WS_CAUSE_TIMER,
                                     .note = st == WS_SYN_SENT ? "connect gave up: no answer"
                                                               : "handshake gave up: no answer",
                                     .seconds = tr->cfg.syn_timeout_us / WS_USEC_PER_SEC });
        break;
    case WS_DUE_HALF_CLOSED: {
        s->half_closed_reported = 1;
        tr->stats.half_closed++;
        struct ws_event ev;
        start_event(&ev, WS_EV_HALF_CLOSED, due->at);
        ev.to = st;
        ev.seconds = (due->at - s->state_since) / WS_USEC_PER_SEC;
        describe_side(f, due->side, &ev);
        emit(tr, &ev);
        break;
    }
    case WS_DUE_FLOW_DONE:
        emit_flow_record(tr, f, WS_END_CLOSED, due->at);
        drop_flow(tr, f);
        return;
    case WS_DUE_IDLE:
        emit_expired(tr, f, "idle", due->at);
        emit_flow_record(tr, f, WS_END_IDLE, due->at);
        tr->stats.expired_idle++;
        drop_flow(tr, f);
        return;
    }
    update_tier(tr, f);
    schedule(tr, f);
}

/* Expiring flows is a run of cache misses: each flow's record, then the
 * neighbours that removing it rewrites, which only the record names.  So
 * while one flow is dealt with, the records of the two that may come up after
 * the next are fetched (the due heap's top's children), and the neighbours of
 * the next, whose record was fetched that way a step earlier. */
static void prefetch_expiries(const struct ws_tracker *tr)
{
    if (tr->flows.count < WS_PREFETCH_MIN_FLOWS)
        return;
    for (size_t k = 1; k <= 2; k++) {
        uint32_t idx = ws_timers_due_hint(&tr->timers, k);
        if (idx != WS_TIMER_NIL)
            ws_flow_prefetch_record(&tr->flows, ws_flow_at(&tr->flows, idx));
    }
    uint32_t next = ws_timers_due_hint(&tr->timers, 0);
    if (next != WS_TIMER_NIL)
        ws_flow_prefetch_removal(&tr->flows, ws_flow_at(&tr->flows, next));
}

void ws_tracker_advance(struct ws_tracker *tr, int64_t now)
{
    if (now > tr->now)
        tr->now = now;
    if (ws_timers_nothing_due(&tr->timers, tr->now))
        return;
    uint32_t idx;
    int64_t armed_for;
    while ((idx = ws_timers_pop_due(&tr->timers, tr->now, &armed_for)) != WS_TIMER_NIL) {
        prefetch_expiries(tr);
        struct ws_flow *f = ws_flow_at(&tr->flows, idx);
        struct ws_due due = ws_flow_next_due(f, &tr->cfg);
        /* A deadline left early on purpose (see schedule()) moves to the real
         * one first, so timers always fire in time order across flows. */
        if (due.at > armed_for) {
            arm_at(tr, f, due.at);
            continue;
        }
        fire(tr, f, &due);
    }
    tr->stats.alloc_failures += tr->timers.alloc_failures;
    tr->timers.alloc_failures = 0;
}

void ws_tracker_finish(struct ws_tracker *tr)
{
    if (tr->flows.count == 0)
        return;
    if (!describes_flow_records(tr)) {
        tr->stats.flow_records += tr->flows.count;
        return;
    }
    size_t n;
    struct ws_flow **all = ws_flow_table_by_id(&tr->flows, &n);
    if (!all) {
        tr->stats.alloc_failures++;
        return;
    }
    int64_t now = tr->now == INT64_MIN ? 0 : tr->now;
    for (size_t i = 0; i < n; i++)
        emit_flow_record(tr, all[i], WS_END_CAPTURE, now);
    free(all);
}
