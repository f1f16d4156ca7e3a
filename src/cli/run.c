/* run.c - drives one capture through the library and prints the result. */
#include "run.h"

#include <inttypes.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "reader.h"
#include "wirestate/async_sink.h"
#include "wirestate/decode.h"

struct ws_run {
    const struct ws_options *opt;
    struct ws_signals *sig;
    struct ws_capture *cap;
    struct ws_tracker tracker;
    struct ws_reporter reporter;
    struct ws_async_sink *writer;   /* reading files: lines are written by a second thread */
    uint64_t packets;
    uint64_t skipped[WS_DECODE_RESULT_COUNT];
    int64_t next_table_us;
};

static int64_t wall_clock_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * WS_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Packets come in batches (reader.h).  Live, and reading a stream (stdin, a
 * FIFO), a batch holds what is there and is tracked at once, so lines are
 * not held back.  A capture file on disk is read and decoded by a reader
 * thread (reader.c) and its lines written by a writer thread (async_sink.c);
 * without threads its batches are pipelined here: the next one is decoded
 * and its buckets and records requested while the current one is tracked,
 * so the loads have a batch's work to arrive in instead of a few ns.
 * tools/bench-ablation.sh builds a WS_THREADS=0 variant to measure what the
 * threads give. */
#ifndef WS_THREADS
#define WS_THREADS 1
#endif

static void add_packet(struct ws_run *r, struct ws_batch *b, const struct pcap_pkthdr *h,
                       const uint8_t *data)
{
    r->packets++;
    ws_batch_add(b, r->cap->dlt, h, data);
    ws_batch_find_refs(b, b->n - 1, r->tracker.flows.hash_seed);
    if (b->res[b->n - 1] == WS_DECODE_OK)
        ws_tracker_prefetch_flow(&r->tracker, &b->ref[b->n - 1], 0);
    b->prefetched = 1;
}

/* Runs the batch's prefetch passes up to `passes`: 1 requests the hash
 * buckets, 2 and 3 the records on the chains (depths 1 and 2), 4 the flows'
 * neighbours in the activity list (ws_tracker_prefetch_flow). */
static void prefetch_batch(struct ws_run *r, struct ws_batch *b, unsigned passes)
{
    for (; b->prefetched < passes; b->prefetched++)
        for (size_t i = 0; i < b->n; i++)
            if (b->res[i] == WS_DECODE_OK)
                ws_tracker_prefetch_flow(&r->tracker, &b->ref[i], b->prefetched);
}

/* What the passes and the tracking read of a batch, requested. */
static void prefetch_batch_itself(const struct ws_batch *b)
{
    const char *p = (const char *)b, *end = (const char *)(b + 1);
    for (; p < end; p += 64)
        __builtin_prefetch(p);
}

/* Tracks a batch, its prefetching completed first if need be. */
static void handle_batch(struct ws_run *r, struct ws_batch *b)
{
    prefetch_batch(r, b, 3);
    for (size_t i = 0; i < b->n; i++) {
        if (b->res[i] == WS_DECODE_OK) {
            ws_tracker_segment_prepared(&r->tracker, &b->seg[i], &b->ref[i]);
        } else {
            r->skipped[b->res[i]]++;
            ws_tracker_advance(&r->tracker, b->seg[i].ts_us);
        }
    }
    b->n = 0;
    b->prefetched = 0;
}

static int64_t current_time(const struct ws_run *r)
{
    return r->tracker.now == INT64_MIN ? 0 : r->tracker.now;
}

static void print_table(struct ws_run *r)
{
    ws_async_sink_drain(r->writer);   /* the reporter is ours until the next event */
    ws_report_table(&r->reporter, &r->tracker.flows, current_time(r));
    fflush(r->reporter.out);
}

static void fill_summary(struct ws_run *r, struct ws_summary *out)
{
    struct ws_summary s = {
        .ts_us = current_time(r),
        .packets = r->packets,
        .tracker = &r->tracker.stats,
        .flows_in_table = r->tracker.flows.count,
        .live = r->cap->live,
    };
    memcpy(s.skipped, r->skipped, sizeof s.skipped);
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        s.peak_rss_kib = (uint64_t)ru.ru_maxrss;   /* Linux reports KiB */
    if (r->cap->live)
        ws_capture_stats(r->cap, &s.kernel_received, &s.kernel_dropped, &s.interface_dropped);
    *out = s;
}

static void print_summary(struct ws_run *r)
{
    struct ws_summary s;
    fill_summary(r, &s);
    ws_report_summary(&r->reporter, &s, r->opt->quiet ? NULL : stderr);
}

/* Live: the wall clock drives timers even when no packet arrives. */
static void live_tick(struct ws_run *r)
{
    int64_t now = wall_clock_us();
    ws_tracker_advance(&r->tracker, now);
    if (r->opt->interval_s > 0 && now >= r->next_table_us) {
        struct ws_summary s;
        print_table(r);
        fill_summary(r, &s);
        ws_report_capture_stats(&r->reporter, &s);
        r->next_table_us = now + (int64_t)(r->opt->interval_s * WS_USEC_PER_SEC);
    }
    fflush(r->reporter.out);
}

static bool count_reached(const struct ws_run *r)
{
    return r->opt->count > 0 && r->packets >= (uint64_t)r->opt->count;
}

/* Reads up to a batch: waits (live) only for the first packet.  Returns what
 * ended the batch early, or WS_CAPTURE_PACKET when it is full. */
static enum ws_capture_next fill_batch(struct ws_run *r, struct ws_batch *b, struct ws_error *err)
{
    while (b->n < WS_BATCH) {
        if (count_reached(r))
            return WS_CAPTURE_END;
        struct pcap_pkthdr *h;
        const uint8_t *data;
        enum ws_capture_next got = b->n == 0 ? ws_capture_next(r->cap, &h, &data, err)
                                             : ws_capture_next_ready(r->cap, &h, &data, err);
        if (got != WS_CAPTURE_PACKET)
            return got;
        add_packet(r, b, h, data);
    }
    return WS_CAPTURE_PACKET;
}

/* Returns 0, or 1 with *err saying why reading stopped. */
static int read_packets(struct ws_run *r, struct ws_error *err)
{
    struct ws_batch batches[2];
    /* waiting: read, decoded and its records requested, not yet tracked
     * (only for a file on disk without threads; otherwise always empty). */
    struct ws_batch *waiting = &batches[0], *next = &batches[1];
    waiting->n = next->n = 0;
    waiting->prefetched = next->prefetched = 0;
    for (;;) {
        if (r->sig->stop || count_reached(r)) {
            handle_batch(r, waiting);
            return 0;
        }
        if (r->sig->print_table) {
            r->sig->print_table = 0;
            handle_batch(r, waiting);
            print_table(r);
        }
        enum ws_capture_next got = fill_batch(r, next, err);
        if (r->cap->regular_file && got == WS_CAPTURE_PACKET) {   /* a full batch: more to come */
            prefetch_batch(r, next, 2);
            handle_batch(r, waiting);
            prefetch_batch(r, next, 3);
            struct ws_batch *t = waiting;
            waiting = next;
            next = t;
            continue;
        }
        bool had_packets = waiting->n > 0 || next->n > 0;
        handle_batch(r, waiting);
        handle_batch(r, next);
        if (r->cap->live && (had_packets || got == WS_CAPTURE_TIMEOUT))
            live_tick(r);
        if (got == WS_CAPTURE_END)
            return 0;
        if (got == WS_CAPTURE_ERROR)
            return 1;
    }
}

/* Tracks the batches a reader thread decodes, five in flight: each batch
 * moves one place per batch tracked.  In the first place only the batch
 * itself is requested: the reader wrote it on the other core, and reading
 * it at once stalled the first pass (large --json: 40 % of the passes'
 * samples).  Then one prefetch pass per place (buckets, then the first
 * record of each chain, then the second, or the flow's whole record and its
 * neighbours in the activity list if the first was it), so every pass has a
 * whole batch of tracking to arrive before the next reads it.  (A pass of
 * its own for the neighbours: SYN flood 5-11 % slower, where every lookup
 * misses.) */
#define TRACK_PIPELINE 5

static int track_from_reader(struct ws_run *r, struct ws_reader *rd, struct ws_error *err)
{
    struct ws_batch *q[TRACK_PIPELINE];
    size_t nq = 0;
    bool ended = false;
    while (!r->sig->stop) {
        if (r->sig->print_table) {
            r->sig->print_table = 0;
            print_table(r);
        }
        while (!ended && nq < TRACK_PIPELINE) {
            struct ws_batch *b = nq == 0 ? ws_reader_next(rd) : ws_reader_next_ready(rd);
            if (!b) {
                ended = nq == 0;
                break;
            }
            if (!b->refs_found)
                ws_batch_find_refs(b, 0, r->tracker.flows.hash_seed);
            else
                prefetch_batch_itself(b);
            q[nq++] = b;
        }
        if (nq == 0)
            break;
        for (size_t k = nq; k-- > 1;)   /* place k: TRACK_PIPELINE - 1 - k passes */
            prefetch_batch(r, q[k], TRACK_PIPELINE - 1 - (unsigned)k);
        r->packets += q[0]->n;
        handle_batch(r, q[0]);
        ws_reader_release(rd);
        memmove(q, q + 1, (nq - 1) * sizeof q[0]);
        nq--;
    }
    return ws_reader_finish(rd, err);
}

/* A fresh hash seed per run, so nobody can precompute colliding 4-tuples. */
static uint64_t random_seed(void)
{
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed)
        seed = (uint64_t)wall_clock_us() * 0x9e3779b97f4a7c15ULL;
    return seed | 1;
}

int ws_run(const struct ws_options *o, struct ws_signals *sig, struct ws_capture *cap)
{
    struct ws_run r = { .opt = o, .sig = sig, .cap = cap };
    struct ws_tracker_config cfg = o->tracker;
    if (cfg.hash_seed == 0)
        cfg.hash_seed = random_seed();
    /* A file on disk is read in bulk: a reader and a writer thread share the
     * work, and output not going to a terminal leaves in 1 MiB writes
     * instead of stdio's 4 KiB (a million-connection capture writes
     * gigabytes of lines; glibc ignores the size unless it is given the
     * buffer, static because stdout is flushed after main returns).  A
     * stream (stdin, a FIFO) may be a capture still being written: its
     * lines should not wait for a thousand more packets. */
    bool bulk = WS_THREADS && cap->regular_file;
    static char output_buffer[1 << 20];
    if (bulk && !isatty(fileno(stdout)))
        setvbuf(stdout, output_buffer, _IOFBF, sizeof output_buffer);
    ws_reporter_init(&r.reporter, stdout, o->json);
    r.reporter.names = o->names;
    r.reporter.time_format = o->time_format;
    /* Live lines leave after each batch (live_tick), not one write per line. */
    r.reporter.flush_each = false;
    r.reporter.text_flows = o->flows;
    struct ws_sink sink = { o->no_events ? NULL : ws_report_emit, &r.reporter };
    /* Flow records are printed in JSON, and in text with --flows: only then
     * does each flow carry their tally. */
    cfg.flow_records = sink.emit && (o->json || o->flows);
    if (bulk && sink.emit) {
        /* Without a writer thread the lines are written here, just slower. */
        r.writer = ws_async_sink_start(sink, 0, NULL);
        if (r.writer)
            sink = ws_async_sink_as_sink(r.writer);
    }
    if (!ws_tracker_init(&r.tracker, &cfg, sink)) {
        fprintf(stderr, "wirestate: cannot reserve memory for a flow table of %zu flows "
                        "(--max-flows; about %zu MiB of address space)\n",
                cfg.max_flows, ws_flow_table_reserve_bytes(cfg.max_flows, cfg.flow_records) >> 20);
        ws_tracker_free(&r.tracker);
        ws_async_sink_stop(r.writer);
        return 1;
    }
    if (cap->live)
        r.next_table_us = wall_clock_us() + (int64_t)(o->interval_s * WS_USEC_PER_SEC);

    struct ws_error err = { 0 };
    struct ws_reader *reader = NULL;
    if (bulk)
        reader = ws_reader_start(cap, r.tracker.flows.hash_seed,
                                 o->count > 0 ? (uint64_t)o->count : 0, NULL);
    int status = reader ? track_from_reader(&r, reader, &err) : read_packets(&r, &err);
    if (cap->live)
        ws_tracker_advance(&r.tracker, wall_clock_us());
    if (o->table)
        print_table(&r);
    ws_tracker_finish(&r.tracker);
    ws_async_sink_stop(r.writer);
    r.writer = NULL;
    print_summary(&r);
    fflush(stdout);
    if (status != 0)   /* last, where it is seen, as tcpdump does */
        fprintf(stderr, "wirestate: %s\n", err.message);
    if (r.reporter.write_errors || ferror(stdout)) {
        fprintf(stderr, "wirestate: error writing output\n");
        status = 1;
    }
    ws_tracker_free(&r.tracker);
    return status;
}
