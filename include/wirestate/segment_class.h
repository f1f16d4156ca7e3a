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
#include "wirestate/tcp_state.h"

struct ws_classification {
    enum ws_seg_class cls;
    const char *anomaly;     /* non-NULL: report an anomaly of this kind */
    char detail[80];         /* human detail for the anomaly */
};

void ws_classify_segment(const struct ws_segment *seg, const struct ws_side *sender,
                         const struct ws_side *receiver, struct ws_classification *out);

/* Records what the segment shows about its sender (ISN, highest sequence,
 * highest ACK, FIN position).  Idempotent for retransmissions. */
void ws_side_learn(struct ws_side *sender, const struct ws_segment *seg);


#endif
