/* reader.h - packets read and decoded a batch at a time, on this thread or
 * on a thread of their own ahead of the tracker. */
#ifndef WIRESTATE_CLI_READER_H
#define WIRESTATE_CLI_READER_H

#include <stdint.h>

#include "wirestate/capture.h"
#include "wirestate/decode.h"
#include "wirestate/error.h"
#include "wirestate/flow_table.h"

/* Packets are decoded a batch at a time so that the flow table's cache
 * misses for the whole batch overlap (see ws_flow_prefetch_bucket) instead of
 * being paid one after another; they are still handled strictly in order. */
#ifndef WS_BATCH
/* 32 rather than 16: the SYN flood 10-15 % faster in six alternating sets
 * (half the per-batch work, twice the time for each prefetch pass to land),
 * the other captures within the noise.  tools/bench-ablation.sh builds a
 * WS_BATCH=1 variant to measure the prefetch. */
#define WS_BATCH 32
#endif

struct ws_batch {
    size_t n;
    unsigned prefetched;               /* passes done: 0 none, 1 buckets, 2 and 3 chain depths */
    enum ws_capture_next end;          /* reader thread: what ended it (PACKET: it is full) */
    bool refs_found;                   /* ref[] filled in (ws_batch_find_refs) */
    struct ws_segment seg[WS_BATCH];
    enum ws_decode_result res[WS_BATCH];
    struct ws_flow_ref ref[WS_BATCH];
};

/* Decodes one packet into the batch. */
void ws_batch_add(struct ws_batch *b, int dlt, const struct pcap_pkthdr *h, const uint8_t *data);
/* The flow refs (key and hash) of the decoded packets from index `from` on. */
void ws_batch_find_refs(struct ws_batch *b, size_t from, uint64_t hash_seed);

/* ---- the reader thread (capture files) --------------------------------- */

struct ws_reader;

/* Starts reading cap on a thread of its own, at most `count` packets (0: all).
 * The reader also finds the batches' flow refs while it is ahead of the
 * tracker (it then has time to spare); otherwise refs_found is false and the
 * tracker finds them itself. 
 * NULL with *err set when it cannot start; the caller then reads itself. */
struct ws_reader *ws_reader_start(struct ws_capture *cap, uint64_t hash_seed, uint64_t count,
                                  struct ws_error *err);
/* The next batch, in order, waiting for it; NULL after the last one. */
struct ws_batch *ws_reader_next(struct ws_reader *rd);
/* The same without waiting: NULL when none is ready yet. */
struct ws_batch *ws_reader_next_ready(struct ws_reader *rd);
/* The oldest batch taken is done with. */
void ws_reader_release(struct ws_reader *rd);
/* Stops reading if it has not ended, waits for the thread and frees it.
 * Returns 0, or 1 with *err saying why reading failed. */
int ws_reader_finish(struct ws_reader *rd, struct ws_error *err);

#endif
