/* fuzz_frames.c - libFuzzer harness: arbitrary frames through the decoder,
 * one tracker and the real text or JSON reporter.
 *
 * Input layout (every field optional: a short input just ends early):
 *
 *   byte 0   bits 0-3 link type: FRAME_LINKS[value % 10] (the eight supported
 *            ones, LINKTYPE_RAW 101, and one unsupported type); bit 4 flow
 *            records in text too (--flows)
 *   byte 1   reporter: bit 0 JSON, bit 1 netstat names, bits 2-4 time format
 *            (value % 6, tcpdump's -t..-ttttt), bit 5 no sink (--no-events),
 *            bit 6 flush every line, bit 7 human summary too
 *   byte 2   tracker: bits 0-1 timer profile (defaults, short, 1 us, 1e9 s),
 *            bit 2 half-closed off, bits 3-4 max flows (64, 1, 4, 1024),
 *            bits 5-6 first timestamp (2023, 0, the classic pcap maximum, 1 s
 *            before WS_CAPTURE_MAX_TIME_US, the latest time the library is given),
 *            bit 7 events go to /dev/full (every write fails: the error path)
 *   then frames, each:
 *     2 bytes  captured length, big endian (cut to what the input still holds)
 *     1 byte   time step before the frame:
 *                00xxxxxx  +x ms          01xxxxxx  +x s
 *                10xxxxxx  +x*128 s (past every default timer, idle included)
 *                11xxxxxx  -x s (a capture's out-of-order timestamp);
 *                0xff      +1e9 s
 *              time stays within what ws_capture_time_us() passes on:
 *              [0, WS_CAPTURE_MAX_TIME_US]
 *     1 byte   bits 0-6: wire length = captured + 8*x (0x7f: 0, below the
 *              captured length); bit 7: also advance the clock after the
 *              frame, as the live loop does on its ticks
 *     N bytes  the frame, copied into a buffer of exactly N bytes so any
 *              read past the captured length is an ASan report
 *
 * Frames are handled as src/cli/run.c does: decoded, given to the tracker
 * when they are TCP, else counted and the clock advanced.  At the end come
 * the table, ws_tracker_finish() (a record for every flow left) and the
 * summary, as in ws_run().  Every event passes fuzz_emit()'s checks, and
 * the output is checked: JSON Lines must be well-formed objects, text must
 * be printable ASCII lines. */
#include <pcap/dlt.h>

#include "fuzz_common.h"
#include "wirestate/decode.h"

#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

static const int FRAME_LINKS[10] = {
    DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4,
    DLT_IPV6,   DLT_NULL,      DLT_LOOP,       101,     147 /* USER0: unsupported */
};

static int64_t step_time(int64_t now, uint8_t t)
{
    int64_t d;
    if (t == 0xff)
        d = WS_SECONDS(1000000000);
    else if ((t >> 6) == 0)
        d = (int64_t)(t & 63) * 1000;
    else if ((t >> 6) == 1)
        d = WS_SECONDS(t & 63);
    else if ((t >> 6) == 2)
        d = WS_SECONDS((t & 63) * 128);
    else
        d = -WS_SECONDS(t & 63);
    now += d;
    if (now < 0)
        now = 0;
    if (now > FUZZ_TS_MAX)
        now = FUZZ_TS_MAX;
    return now;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("TZ", "UTC", 1);   /* the clock formats use localtime */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t max_flows[4] = { 64, 1, 4, 1024 };
    static const int64_t first_ts[4] = { WS_SECONDS(1700000000), 0, FUZZ_PCAP_TS_MAX,
                                         FUZZ_TS_MAX - WS_SECONDS(1) };
    size_t pos = 0;
    uint8_t link = size > 0 ? data[pos++] : 0;
    uint8_t rep = size > 1 ? data[pos++] : 0;
    uint8_t trk = size > 2 ? data[pos++] : 0;
    int dlt = FRAME_LINKS[(link & 0x0f) % 10];

    struct fuzz_out out, human;
    fuzz_out_open(&out);
    fuzz_out_open(&human);
    FILE *full = (trk & 0x80) ? fopen("/dev/full", "w") : NULL;
    struct ws_reporter reporter;
    bool json = rep & 1;
    ws_reporter_init(&reporter, full ? full : out.f, json);
    reporter.names = (rep & 2) ? WS_NAMES_NETSTAT : WS_NAMES_RFC;
    reporter.time_format = (enum ws_time_format)(((rep >> 2) & 7) % 6);
    reporter.flush_each = (rep & 0x40) != 0;
    reporter.text_flows = (link & 0x10) != 0;

    struct ws_tracker_config cfg;
    ws_tracker_config_defaults(&cfg);
    fuzz_timer_profile(&cfg, trk & 3);
    if (trk & 4)
        cfg.half_closed_us = 0;
    cfg.max_flows = max_flows[(trk >> 3) & 3];
    cfg.hash_seed = 0x9e3779b97f4a7c15ULL;   /* fixed: runs must reproduce */

    struct fuzz_sink checker = { &reporter, 0, 0 };
    struct ws_sink sink = { (rep & 0x20) ? NULL : fuzz_emit, &checker };
    struct ws_tracker tr;
    if (!ws_tracker_init(&tr, &cfg, sink))
        fuzz_fail("ws_tracker_init failed", NULL, 0);

    uint64_t packets = 0, skipped[WS_DECODE_RESULT_COUNT] = { 0 };
    int64_t now = first_ts[(trk >> 5) & 3];
    while (pos + 4 <= size) {
        size_t len = (size_t)data[pos] << 8 | data[pos + 1];
        uint8_t t = data[pos + 2], w = data[pos + 3];
        pos += 4;
        if (len > size - pos)
            len = size - pos;
        uint8_t *frame = malloc(len ? len : 1);
        if (!frame)
            abort();
        memcpy(frame, data + pos, len);
        pos += len;

        now = step_time(now, t);
        uint32_t caplen = (uint32_t)len;
        uint32_t extra = w & 0x7f;
        uint32_t wirelen = extra == 0x7f ? 0 : caplen + 8 * extra;
        struct ws_segment seg;
        packets++;
        enum ws_decode_result res =
            ws_decode_frame(dlt, len ? frame : NULL, caplen, wirelen, now, &seg);
        if ((unsigned)res >= WS_DECODE_RESULT_COUNT)
            fuzz_fail("ws_decode_frame returned an unknown result", NULL, 0);
        if (res == WS_DECODE_OK) {
            if (seg.ts_us != now)
                fuzz_fail("decoded segment lost its timestamp", NULL, 0);
            if (seg.src.family != seg.dst.family || (seg.src.family != 4 && seg.src.family != 6))
                fuzz_fail("decoded segment has a bad address family", NULL, 0);
            if (seg.header_len < 20 || seg.header_len > 60 || (seg.header_len & 3))
                fuzz_fail("decoded segment has an impossible TCP header length", NULL, 0);
            ws_tracker_segment(&tr, &seg);
        } else {
            skipped[res]++;
            ws_tracker_advance(&tr, now);
        }
        if (w & 0x80)
            ws_tracker_advance(&tr, now);
        free(frame);
        fuzz_check_tracker(&tr);
    }

    int64_t end = tr.now == INT64_MIN ? 0 : tr.now;
    ws_report_table(&reporter, &tr.flows, end);
    ws_tracker_finish(&tr);
    fuzz_check_tracker(&tr);
    struct ws_summary s = {
        .ts_us = end,
        .packets = packets,
        .tracker = &tr.stats,
        .flows_in_table = tr.flows.count,
    };
    memcpy(s.skipped, skipped, sizeof s.skipped);
    ws_report_summary(&reporter, &s, (rep & 0x80) ? human.f : NULL);
    fuzz_check_tracker(&tr);
    ws_tracker_free(&tr);

    if (full && reporter.flush_each && tr.stats.transitions && sink.emit && !reporter.write_errors)
        fuzz_fail("writes to /dev/full failed without being counted", NULL, 0);
    if (full)
        fclose(full);   /* fails: ENOSPC */
    fuzz_out_close(&out, json);
    fuzz_out_close(&human, false);
    return 0;
}
