/* segment_class.h - what a segment means, given what the tap already knows.
 *
 * The state table is indexed by segment class, not by raw flags.  Sorting a
 * segment into its class needs the facts kept per side (ISN, FIN sequence,
 * highest ACK): a FIN that also acknowledges the receiver's FIN moves
 * FIN_WAIT_1 straight to TIME_WAIT, one that does not moves it to CLOSING. */
#ifndef WIRESTATE_SEGMENT_CLASS_H
#define WIRESTATE_SEGMENT_CLASS_H

#include <stddef.h>

#include "wirestate/flow_table.h"
#include "wirestate/segment.h"
#include "wirestate/seq.h"
#include "wirestate/tcp_state.h"

struct ws_classification {
    enum ws_seg_class cls;
    const char *anomaly;     /* non-NULL: report an anomaly of this kind */
    char detail[80];         /* human detail for the anomaly */
};

/* Any segment (segment_class.c); ws_classify_segment() hands it those with
 * SYN or RST set or without ACK. */
void ws_classify_control(const struct ws_segment *seg, const struct ws_side *sender,
                         const struct ws_side *receiver, struct ws_classification *out);

/* A segment with ACK and neither SYN nor RST: an ACK below the receiver's
 * SYN is unacceptable (it would draw a RST) and changes nothing; otherwise
 * what matters is whether it acknowledges the receiver's FIN. */
static inline enum ws_seg_class ws_classify_acking(const struct ws_segment *seg,
                                                   const struct ws_side *receiver)
{
    if (receiver->syn_seen && ws_seq_lt(seg->ack, receiver->isn + 1))
        return WS_SEG_IGNORE;
    bool acks_fin = receiver->fin_seen && ws_seq_geq(seg->ack, receiver->fin_seq + 1);
    if (seg->flags & WS_TCP_FIN)
        return acks_fin ? WS_SEG_FIN_ACK_FIN : WS_SEG_FIN;
    return acks_fin ? WS_SEG_ACK_FIN : WS_SEG_ACK;
}

/* Inline because nearly every segment is an ACK (with data or FIN) that
 * needs no more than ws_classify_acking: no call for those. */
static inline void ws_classify_segment(const struct ws_segment *seg, const struct ws_side *sender,
                                       const struct ws_side *receiver,
                                       struct ws_classification *out)
{
    if ((seg->flags & (WS_TCP_SYN | WS_TCP_RST | WS_TCP_ACK)) != WS_TCP_ACK) {
        ws_classify_control(seg, sender, receiver, out);
        return;
    }
    out->cls = ws_classify_acking(seg, receiver);
    out->anomaly = NULL;
    out->detail[0] = '\0';
}

/* Records what the segment shows about its sender (ISN, highest sequence,
 * highest ACK, FIN position).  Idempotent for retransmissions. */
void ws_side_learn(struct ws_side *sender, const struct ws_segment *seg);


#endif
