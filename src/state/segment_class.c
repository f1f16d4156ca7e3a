/* segment_class.c - sorting segments into state-machine classes, and the per-side facts. */
#include "wirestate/segment_class.h"

#include <stdio.h>

#include "wirestate/seq.h"

static bool has(uint16_t flags, uint16_t bit) { return (flags & bit) != 0; }

/* Sequence space a segment occupies: payload plus one for SYN and for FIN. */
static uint32_t segment_end(const struct ws_segment *seg)
{
    return seg->seq + seg->payload_len + (has(seg->flags, WS_TCP_SYN) ? 1u : 0u) +
           (has(seg->flags, WS_TCP_FIN) ? 1u : 0u);
}

/* RFC 9293 §3.10.7.3: in SYN-SENT a RST counts only if it acknowledges our SYN. */
static bool rst_acceptable_in_syn_sent(const struct ws_segment *seg, const struct ws_side *receiver,
                                       struct ws_classification *out)
{
    if (has(seg->flags, WS_TCP_ACK) && seg->ack == receiver->isn + 1)
        return true;
    snprintf(out->detail, sizeof out->detail, "RST to SYN_SENT does not ack its SYN (ack %u, want %u)",
             seg->ack, receiver->isn + 1);
    return false;
}

/* RFC 9293 §3.10.7.4 with RFC 5961 §3.2 (what Linux does): a RST resets only
 * when its sequence number is exactly the receiver's RCV.NXT.  The tap cannot
 * see RCV.NXT, but it lies between the last ACK the receiver sent and the
 * highest sequence number the RST's sender sent; anything outside that range
 * would at most draw a challenge ACK. */
static bool rst_acceptable(const struct ws_segment *seg, const struct ws_side *sender,
                           const struct ws_side *receiver, struct ws_classification *out)
{
    if (receiver->syn_seen && !receiver->ack_seen)
        return rst_acceptable_in_syn_sent(seg, receiver, out);
    if (!receiver->ack_seen && !sender->seq_seen)
        return true;      /* nothing known to judge by */
    uint32_t lo = receiver->ack_seen ? receiver->ack_max : sender->snd_max;
    uint32_t hi = sender->seq_seen ? sender->snd_max : receiver->ack_max;
    if (ws_seq_lt(hi, lo)) {
        uint32_t t = lo;
        lo = hi;
        hi = t;
    }
    if (ws_seq_geq(seg->seq, lo) && ws_seq_leq(seg->seq, hi))
        return true;
    snprintf(out->detail, sizeof out->detail, "RST seq %u outside [%u, %u]", seg->seq, lo, hi);
    return false;
}

/* RFC 9293 §3.10.7.3 (and §3.5 figure 9): a SYN+ACK to an endpoint that has
 * sent only its SYN must acknowledge exactly that SYN; an old duplicate does
 * not, and draws a RST while the endpoint stays in SYN-SENT. */
static bool synack_acceptable(const struct ws_segment *seg, const struct ws_side *receiver,
                              struct ws_classification *out)
{
    if (!receiver->syn_seen || receiver->ack_seen || seg->ack == receiver->isn + 1)
        return true;
    out->anomaly = "synack_bad_ack";
    snprintf(out->detail, sizeof out->detail, "SYN+ACK acks %u, the SYN wants %u", seg->ack,
             receiver->isn + 1);
    return false;
}

static void classify_rst(const struct ws_segment *seg, const struct ws_side *sender,
                         const struct ws_side *receiver, struct ws_classification *out)
{
    if (has(seg->flags, WS_TCP_SYN)) {
        out->anomaly = "invalid_flags";
        snprintf(out->detail, sizeof out->detail, "SYN+RST");
        return;
    }
    if (rst_acceptable(seg, sender, receiver, out))
        out->cls = WS_SEG_RST;
    else
        out->anomaly = "rst_out_of_window";
}

void ws_classify_control(const struct ws_segment *seg, const struct ws_side *sender,
                         const struct ws_side *receiver, struct ws_classification *out)
{
    uint16_t f = seg->flags;
    out->cls = WS_SEG_IGNORE;
    out->anomaly = NULL;
    out->detail[0] = '\0';

    if (has(f, WS_TCP_RST)) {
        classify_rst(seg, sender, receiver, out);
        return;
    }
    if (has(f, WS_TCP_SYN)) {
        if (has(f, WS_TCP_FIN)) {
            out->anomaly = "invalid_flags";
            snprintf(out->detail, sizeof out->detail, "SYN+FIN");
            return;
        }
        if (has(f, WS_TCP_ACK) && !synack_acceptable(seg, receiver, out))
            return;
        out->cls = has(f, WS_TCP_ACK) ? WS_SEG_SYNACK : WS_SEG_SYN;
        return;
    }
    /* RFC 9293 §3.10.7.4: outside the handshake, "if the ACK bit is off drop
     * the segment".  Scans (FIN, NULL, Xmas) end here. */
    if (!has(f, WS_TCP_ACK))
        return;
    out->cls = ws_classify_acking(seg, receiver);
}

void ws_side_learn(struct ws_side *s, const struct ws_segment *seg)
{
    uint16_t f = seg->flags;
    if (has(f, WS_TCP_SYN) && !s->syn_seen) {
        s->syn_seen = 1;
        s->isn = seg->seq;
        s->passive_open = has(f, WS_TCP_ACK);
    }
    uint32_t end = segment_end(seg);
    if (!s->seq_seen || ws_seq_gt(end, s->snd_max)) {
        s->snd_max = end;
        s->seq_seen = 1;
    }
    if (has(f, WS_TCP_FIN) && !s->fin_seen) {
        s->fin_seen = 1;
        s->fin_seq = seg->seq + seg->payload_len + (has(f, WS_TCP_SYN) ? 1u : 0u);
    }
    if (has(f, WS_TCP_ACK) && (!s->ack_seen || ws_seq_gt(seg->ack, s->ack_max))) {
        s->ack_max = seg->ack;
        s->ack_seen = 1;
    }
}

