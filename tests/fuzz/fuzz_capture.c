/* fuzz_capture.c - libFuzzer harness: the whole input is a capture file
 * (pcap or pcapng, as libpcap decides), read through the CLI's own code
 * path: ws_capture_open_offline() on a path, ws_capture_next() to the end
 * or to the damage, every packet through ws_decode_frame() and one tracker
 * whose sink is the real reporter (behind fuzz_emit()'s checks), then the
 * table, ws_tracker_finish(), the summary, ws_capture_close() and
 * ws_tracker_free(), as ws_run() does.
 *
 * The input is written to a memfd created once, and opened by path as
 * /proc/self/fd/N, so each run starts from a fresh file offset exactly as
 * `wirestate -r FILE` does.  Options that are not part of the file come
 * from the input's size (the file format leaves no spare bytes), so a
 * reproducer replays with the same options:
 *   bit 0 JSON, bit 1 netstat names, bits 2-4 time format (% 6),
 *   bits 5-6 timer profile, bit 7 a BPF filter ("tcp or vlan"), bit 8 no sink,
 *   bit 9 flow records in text too (--flows).
 * Packets are handled as src/cli/run.c handle_packet() does.
 * Every error must be one printable line, as the CLI prints it. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "wirestate/capture.h"
#include "wirestate/decode.h"

static int memfd = -1;
static char memfd_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("TZ", "UTC", 1);
    memfd = memfd_create("wirestate-fuzz-capture", MFD_CLOEXEC);
    if (memfd < 0) {
        perror("memfd_create");
        abort();
    }
    snprintf(memfd_path, sizeof memfd_path, "/proc/self/fd/%d", memfd);
    return 0;
}

static void put_input(const uint8_t *data, size_t size)
{
    if (ftruncate(memfd, 0) != 0)
        abort();
    size_t off = 0;
    while (off < size) {
        ssize_t n = pwrite(memfd, data + off, size - off, (off_t)off);
        if (n <= 0)
            abort();
        off += (size_t)n;
    }
}

static void check_error(const struct ws_error *err)
{
    size_t len = strnlen(err->message, sizeof err->message);
    if (len == 0 || len == sizeof err->message)
        fuzz_fail("error without a message", err->message, len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)err->message[i];
        if (c < 0x20 || c > 0x7e)
            fuzz_fail("error message is not one printable line", err->message, len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memfd < 0)
        LLVMFuzzerInitialize(NULL, NULL);
    put_input(data, size);

    struct ws_capture cap;
    struct ws_error err = { 0 };
    if (ws_capture_open_offline(&cap, memfd_path, &err) != WS_OK) {
        check_error(&err);
        return 0;
    }
    if (!ws_decode_link_supported(cap.dlt)) {
        ws_capture_close(&cap);   /* the CLI stops here with a message */
        return 0;
    }
    if ((size >> 7) & 1) {
        if (ws_capture_set_filter(&cap, "tcp or vlan", &err) != WS_OK) {
            check_error(&err);
            ws_capture_close(&cap);
            return 0;
        }
    }

    bool json = size & 1;
    struct fuzz_out out, human;
    fuzz_out_open(&out);
    fuzz_out_open(&human);
    struct ws_reporter reporter;
    ws_reporter_init(&reporter, out.f, json);
    reporter.names = (size & 2) ? WS_NAMES_NETSTAT : WS_NAMES_RFC;
    reporter.time_format = (enum ws_time_format)(((size >> 2) & 7) % 6);
    reporter.text_flows = (size >> 9) & 1;

    struct ws_tracker_config cfg;
    ws_tracker_config_defaults(&cfg);
    fuzz_timer_profile(&cfg, (unsigned)(size >> 5) & 3);
    cfg.max_flows = 64;
    cfg.hash_seed = 0x9e3779b97f4a7c15ULL;
    struct fuzz_sink checker = { &reporter, 0, 0 };
    struct ws_sink sink = { ((size >> 8) & 1) ? NULL : fuzz_emit, &checker };
    struct ws_tracker tr;
    if (!ws_tracker_init(&tr, &cfg, sink))
        fuzz_fail("ws_tracker_init failed", NULL, 0);

    uint64_t packets = 0, skipped[WS_DECODE_RESULT_COUNT] = { 0 };
    for (;;) {
        struct pcap_pkthdr *h;
        const uint8_t *pkt;
        enum ws_capture_next r = ws_capture_next(&cap, &h, &pkt, &err);
        if (r == WS_CAPTURE_ERROR)
            check_error(&err);
        if (r != WS_CAPTURE_PACKET)
            break;
        int64_t ts = ws_capture_time_us(h);
        if (ts < 0 || ts > WS_CAPTURE_MAX_TIME_US)
            fuzz_fail("ws_capture_time_us out of its documented range", NULL, 0);
        struct ws_segment seg;
        packets++;
        enum ws_decode_result res = ws_decode_frame(cap.dlt, pkt, h->caplen, h->len, ts, &seg);
        if (res == WS_DECODE_OK) {
            ws_tracker_segment(&tr, &seg);
        } else {
            skipped[res]++;
            ws_tracker_advance(&tr, ts);
        }
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
    ws_report_summary(&reporter, &s, human.f);
    ws_tracker_free(&tr);
    ws_capture_close(&cap);

    fuzz_out_close(&out, json);
    fuzz_out_close(&human, false);
    return 0;
}
