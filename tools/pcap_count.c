/* pcap_count.c - the bare baseline for tools/bench.sh: read a capture with
 * libpcap and count its packets, nothing else.
 *
 *   pcap_count [--buffer default|SIZE] FILE
 *   pcap_count --version
 *
 * --buffer default: pcap_open_offline(), stdio's own buffer (4 KiB here).
 * --buffer SIZE (bytes, K or M suffix; tools/bench.sh passes the size wirestate uses): fopen(),
 * setvbuf(SIZE), pcap_fopen_offline() -- the same trick as
 * src/capture/capture.c.  Both ask for microsecond timestamps, as wirestate
 * does.  Prints one line: packets N bytes B seconds S pps P (time from open
 * to close, measured here; bench.sh times the whole process instead).
 * --version prints libpcap's version string. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>

struct counts {
    uint64_t packets, bytes;
};

static void count_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    struct counts *c = (struct counts *)user;
    c->packets++;
    c->bytes += h->caplen;
    (void)data;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "default" -> 0; "1M", "256K", "65536" -> bytes; -1 if malformed. */
static long parse_size(const char *s)
{
    if (strcmp(s, "default") == 0)
        return 0;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || v <= 0)
        return -1;
    if (*end == 'K' || *end == 'k')
        v *= 1024, end++;
    else if (*end == 'M' || *end == 'm')
        v *= 1024 * 1024, end++;
    return *end ? -1 : v;
}

int main(int argc, char **argv)
{
    long bufsize = 0;
    int i = 1;
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("%s\n", pcap_lib_version());
        return 0;
    }
    if (i + 1 < argc && strcmp(argv[i], "--buffer") == 0) {
        bufsize = parse_size(argv[i + 1]);
        i += 2;
    }
    if (bufsize < 0 || i + 1 != argc) {
        fprintf(stderr, "usage: pcap_count [--buffer default|SIZE] FILE\n       pcap_count --version\n");
        return 2;
    }
    const char *path = argv[i];
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    double t0 = now_s();
    pcap_t *p;
    char *iobuf = NULL;
    if (bufsize == 0) {
        p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
    } else {
        FILE *f = fopen(path, "rb");
        if (!f) {
            fprintf(stderr, "pcap_count: %s: %s\n", path, strerror(errno));
            return 1;
        }
        iobuf = malloc((size_t)bufsize);
        if (iobuf)
            setvbuf(f, iobuf, _IOFBF, (size_t)bufsize);
        p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
        if (!p)
            fclose(f);
    }
    if (!p) {
        fprintf(stderr, "pcap_count: %s: %s\n", path, errbuf);
        free(iobuf);
        return 1;
    }
    struct counts c = { 0, 0 };
    int rc = pcap_loop(p, -1, count_packet, (u_char *)&c);
    if (rc == PCAP_ERROR)
        fprintf(stderr, "pcap_count: %s: %s\n", path, pcap_geterr(p));
    pcap_close(p);
    free(iobuf);
    double secs = now_s() - t0;
    printf("packets %" PRIu64 " bytes %" PRIu64 " seconds %.6f pps %.0f\n", c.packets, c.bytes, secs,
           secs > 0 ? (double)c.packets / secs : 0.0);
    return rc == PCAP_ERROR ? 1 : 0;
}
