/* reader.c - a thread that reads and decodes a capture file ahead of the
 * tracker.  Reading a file and decoding its headers is about a fifth of the
 * work per packet; on a second core it overlaps with the tracking.  Batches
 * go through a ring (spsc_ring.h) in capture order; the reader touches
 * nothing of the tracker's but the hash seed, copied at the start.
 *
 * Flow keys and hashes (ws_batch_find_refs) go to whichever thread has time:
 * the reader finds them unless the tracker ran out of packets and waited
 * since the hand-over before last (then the reader is the slower side, as
 * with flows that fit in cache), and leaves them to the tracker otherwise.
 * Measured: either fixed choice cost about a tenth on the other kind of
 * capture.  (Judged by how full the ring was, the choice went wrong once
 * the ring grew: hand-overs are a quarter of it apart.) */
#include "reader.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wirestate/spsc_ring.h"
#include "wirestate/thread.h"

/* Batches in flight (about 4.5 KiB each, 2.3 MiB in all).  They are handed
 * over a quarter of the ring at a time, and whichever side is faster sleeps
 * until the next quarter: each time a wake-up, a system call and an
 * interrupt to the other core, several microseconds in a virtual machine.
 * So the ring is big: one hand-over per 4096 packets.  (One per 1024: small
 * capture 85 -> 68 ms, median of 20 alternating runs; the SYN flood and the
 * large capture with --json a little faster too.) */
#define READER_RING_BATCHES 512

void ws_batch_add(struct ws_batch *b, int dlt, const struct pcap_pkthdr *h, const uint8_t *data)
{
    size_t i = b->n++;
    int64_t ts = ws_capture_time_us(h);
    b->res[i] = ws_decode_frame(dlt, data, h->caplen, h->len, ts, &b->seg[i]);
    b->seg[i].ts_us = ts;   /* also for frames that did not decode: time passes on any packet */
}

void ws_batch_find_refs(struct ws_batch *b, size_t from, uint64_t hash_seed)
{
    for (size_t i = from; i < b->n; i++)
        if (b->res[i] == WS_DECODE_OK)
            ws_flow_ref_with_seed(hash_seed, &b->seg[i], &b->ref[i]);
}

struct ws_reader {
    struct ws_capture *cap;
    uint64_t hash_seed, count;
    struct ws_ring *ring;
    pthread_t thread;
    /* Written by the reader before it closes the ring, read after the join. */
    enum ws_capture_next end;
    struct ws_error err;
    bool tracker_reached_end;   /* the tracker's: every batch was taken */
};

struct filling {
    struct ws_batch *b;
    int dlt;
};

static void add_to_batch(void *ctx, const struct pcap_pkthdr *h, const uint8_t *data)
{
    struct filling *f = ctx;
    ws_batch_add(f->b, f->dlt, h, data);
}

/* Fills one batch in one libpcap loop; returns what ended it (PACKET: it is
 * full). */
static enum ws_capture_next fill(struct ws_reader *rd, struct ws_batch *b, uint64_t *packets)
{
    b->n = 0;
    b->prefetched = 0;
    uint64_t want = WS_BATCH;
    if (rd->count && rd->count - *packets < want)
        want = rd->count - *packets;
    if (want == 0)
        return WS_CAPTURE_END;
    struct filling f = { b, rd->cap->dlt };
    int delivered;
    enum ws_capture_next got = ws_capture_dispatch(rd->cap, (int)want, add_to_batch, &f, &delivered,
                                                   &rd->err);
    *packets += (uint64_t)delivered;
    if (got == WS_CAPTURE_PACKET && b->n < WS_BATCH)
        return WS_CAPTURE_END;   /* the count (-c) is reached */
    return got;
}

static void *reader_main(void *arg)
{
    struct ws_reader *rd = arg;
    uint64_t packets = 0;
    enum ws_capture_next got = WS_CAPTURE_PACKET;
    while (got == WS_CAPTURE_PACKET) {
        struct ws_batch *b = ws_ring_slot(rd->ring);
        if (!b) {   /* the tracker stopped (a signal) */
            got = WS_CAPTURE_END;
            break;
        }
        got = b->end = fill(rd, b, &packets);
        b->refs_found = !ws_ring_consumer_starved(rd->ring);
        if (b->refs_found)
            ws_batch_find_refs(b, 0, rd->hash_seed);
        ws_ring_push(rd->ring);
    }
    rd->end = got;
    ws_ring_close(rd->ring);
    return NULL;
}

struct ws_reader *ws_reader_start(struct ws_capture *cap, uint64_t hash_seed, uint64_t count,
                                  struct ws_error *err)
{
    struct ws_reader *rd = calloc(1, sizeof *rd);
    struct ws_ring *ring = ws_ring_new(sizeof(struct ws_batch), READER_RING_BATCHES);
    if (!rd || !ring) {
        free(rd);
        ws_ring_free(ring);
        ws_fail(err, WS_ERR_RUNTIME, "out of memory for the reader thread");
        return NULL;
    }
    *rd = (struct ws_reader){ .cap = cap, .hash_seed = hash_seed, .count = count, .ring = ring };
    int rc = ws_thread_start(&rd->thread, reader_main, rd);
    if (rc != 0) {
        ws_fail(err, WS_ERR_RUNTIME, "cannot start the reader thread: %s", strerror(rc));
        ws_ring_free(ring);
        free(rd);
        return NULL;
    }
    return rd;
}

struct ws_batch *ws_reader_next(struct ws_reader *rd)
{
    struct ws_batch *b = ws_ring_next(rd->ring);
    if (!b)
        rd->tracker_reached_end = true;
    return b;
}

struct ws_batch *ws_reader_next_ready(struct ws_reader *rd)
{
    return ws_ring_next_ready(rd->ring);
}

void ws_reader_release(struct ws_reader *rd)
{
    ws_ring_release(rd->ring);
}

int ws_reader_finish(struct ws_reader *rd, struct ws_error *err)
{
    ws_ring_abandon(rd->ring);   /* a reader waiting for room gives up */
    pthread_join(rd->thread, NULL);
    int status = 0;
    /* A damaged file is reported once the packets before the damage were
     * tracked; stopped earlier (a signal), nothing after matters. */
    if (rd->end == WS_CAPTURE_ERROR && rd->tracker_reached_end) {
        *err = rd->err;
        status = 1;
    }
    ws_ring_free(rd->ring);
    free(rd);
    return status;
}
