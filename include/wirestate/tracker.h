/* tracker.h - segments in, per-endpoint transitions out.
 *
 * The tracker owns the flow table and the timers.  Feed it every TCP segment
 * in capture order with ws_tracker_segment(), and tell it the time with
 * ws_tracker_advance() (packet time offline, the wall clock live) so timers
 * fire even when no packet arrives.  Every event goes to the sink at once. */
#ifndef WIRESTATE_TRACKER_H
#define WIRESTATE_TRACKER_H

#include <stdbool.h>
#include <stdint.h>

#include "wirestate/event.h"
#include "wirestate/flow_table.h"
#include "wirestate/segment.h"
#include "wirestate/timers.h"

struct ws_tracker_config {
    int64_t msl_us;            /* TIME_WAIT lasts 2 * msl */
    int64_t half_closed_us;    /* 0 disables half_closed events */
    int64_t syn_timeout_us;
    int64_t idle_timeout_us;
    int64_t linger_us;         /* how long a fully closed flow is kept */
    size_t max_flows;
    uint64_t hash_seed;
    /* Flow records are written: keep each flow's tally (packets, bytes,
     * Zeek's history) for them.  Without, tracking costs less memory and
     * work, and records are only counted. */
    bool flow_records;
};

void ws_tracker_config_defaults(struct ws_tracker_config *cfg);

struct ws_tracker_stats {
    uint64_t segments;         /* TCP segments given to the tracker */
    uint64_t segments_no_flow; /* RSTs and ACK-less segments matching no flow */
    uint64_t flows;            /* connections seen (a reused 4-tuple counts again) */
    uint64_t transitions;
    uint64_t half_closed;
    uint64_t anomalies;
    uint64_t expired_idle;
    uint64_t evicted;
    uint64_t alloc_failures;   /* flows not tracked because memory ran out */
    uint64_t flow_records;
};

struct ws_tracker {
    struct ws_tracker_config cfg;
    struct ws_flow_table flows;
    struct ws_timers timers;
    struct ws_sink sink;
    struct ws_tracker_stats stats;
    uint64_t next_flow_id;
    int64_t now;               /* latest time seen, µs */
};

/* False when memory for the tables could not be had. */
bool ws_tracker_init(struct ws_tracker *tr, const struct ws_tracker_config *cfg,
                     struct ws_sink sink);
void ws_tracker_free(struct ws_tracker *tr);

void ws_tracker_segment(struct ws_tracker *tr, const struct ws_segment *seg);

/* The same for a batch of segments, so that the flow table's cache misses
 * overlap (see ws_flow_prefetch_bucket): prepare every segment of the batch
 * (its ref, and the hash bucket requested), then prefetch each one's flow (a
 * pass per depth: 1 and 2 walk the chain; a flow found there has its record
 * and its activity-list neighbours requested), then feed them in order with
 * their refs.  A ref made elsewhere
 * (ws_flow_ref_with_seed, with the table's seed) has its bucket requested
 * with depth 0. */
void ws_tracker_prepare(const struct ws_tracker *tr, const struct ws_segment *seg,
                        struct ws_flow_ref *ref);
void ws_tracker_prefetch_flow(const struct ws_tracker *tr, const struct ws_flow_ref *ref,
                              unsigned depth);
void ws_tracker_segment_prepared(struct ws_tracker *tr, const struct ws_segment *seg,
                                 const struct ws_flow_ref *ref);

/* Fires every timer due at or before now. Time never goes backwards: an
 * earlier now (a capture's out-of-order timestamp) is ignored. */
void ws_tracker_advance(struct ws_tracker *tr, int64_t now);

/* The capture is over: a flow record (reason "end") for every flow still in
 * the table, in flow id order.  The flows stay for ws_tracker_free. */
void ws_tracker_finish(struct ws_tracker *tr);

#endif
