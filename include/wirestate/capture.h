/* capture.h - where packets come from: a capture file (or stdin) or a live interface.
 *
 * A thin layer over libpcap whose job is to turn every failure into one
 * clear sentence: which file or interface, what went wrong, and for a
 * damaged file, where in it reading stopped. */
#ifndef WIRESTATE_CAPTURE_H
#define WIRESTATE_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

#include "wirestate/config.h"
#include "wirestate/error.h"

struct ws_live_options {
    int snaplen;
    bool promiscuous;
    int buffer_kib;      /* 0: libpcap's default */
};

struct ws_capture {
    pcap_t *pcap;
    FILE *file;          /* offline: the stream libpcap reads (we own it) */
    char *iobuf;         /* offline: a large stdio buffer behind it */
    const char *source;  /* path, "-" or interface name, for messages */
    bool live;
    bool regular_file;   /* offline from a file on disk (not stdin, a FIFO or a device) */
    int fd;              /* live: descriptor to poll */
    int dlt;
    uint64_t records;    /* records returned so far */
};

enum ws_capture_next {
    WS_CAPTURE_PACKET,   /* *hdr and *data are valid until the next call */
    WS_CAPTURE_TIMEOUT,  /* live: nothing arrived within the poll interval */
    WS_CAPTURE_END,      /* end of file, or ws_capture_break() */
    WS_CAPTURE_ERROR,    /* err says what and where */
};

enum ws_status ws_capture_open_offline(struct ws_capture *c, const char *path, struct ws_error *err);
enum ws_status ws_capture_open_live(struct ws_capture *c, const char *iface,
                                    const struct ws_live_options *opt, struct ws_error *err);
/* A BPF expression the compiler rejects is the user's mistake: WS_ERR_USAGE. */
enum ws_status ws_capture_set_filter(struct ws_capture *c, const char *expr, struct ws_error *err);

enum ws_capture_next ws_capture_next(struct ws_capture *c, struct pcap_pkthdr **hdr,
                                     const uint8_t **data, struct ws_error *err);

/* Like ws_capture_next() but never waits: a live capture with nothing
 * buffered returns WS_CAPTURE_TIMEOUT at once (for filling a batch). */
enum ws_capture_next ws_capture_next_ready(struct ws_capture *c, struct pcap_pkthdr **hdr,
                                           const uint8_t **data, struct ws_error *err);

/* Capture files: up to max records handed to add(ctx, header, data) in one
 * libpcap loop (pcap_dispatch), cheaper per record than ws_capture_next().
 * *delivered counts them.  PACKET: all max were delivered; END: the file
 * ended (or ws_capture_break()) after *delivered; ERROR: err says what, the
 * records before the damage delivered. */
typedef void ws_capture_add_fn(void *ctx, const struct pcap_pkthdr *hdr, const uint8_t *data);
enum ws_capture_next ws_capture_dispatch(struct ws_capture *c, int max, ws_capture_add_fn *add,
                                         void *ctx, int *delivered, struct ws_error *err);

/* A record's time in microseconds since the epoch.  pcapng stores 64-bit
 * timestamps in arbitrary units, so tv_sec can be anything: times before
 * 1970 become 0 and times past WS_CAPTURE_MAX_TIME_US are clamped, which
 * keeps every later deadline (time + timeout) inside int64. */
#define WS_CAPTURE_MAX_TIME_US (4000000000000LL * 1000000LL)   /* year ~128 000 */
int64_t ws_capture_time_us(const struct pcap_pkthdr *h);

/* Safe to call from a signal handler. */
void ws_capture_break(struct ws_capture *c);

/* Live only; false if libpcap cannot say. */
bool ws_capture_stats(struct ws_capture *c, uint64_t *received, uint64_t *dropped,
                      uint64_t *if_dropped);

void ws_capture_close(struct ws_capture *c);

/* "EN10MB" for DLT_EN10MB, or "DLT 147" when libpcap has no name. */
const char *ws_capture_link_name(int dlt, char *buf, size_t len);

/* -D: one line per interface, numbered like tcpdump. */
enum ws_status ws_capture_list_interfaces(FILE *out, struct ws_error *err);

#endif
