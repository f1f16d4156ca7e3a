/* capture.c - opening files and interfaces through libpcap, with errors people can act on. */
#include "wirestate/capture.h"

#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#ifdef __GLIBC__
#include <stdio_ext.h>
#endif

/* libpcap reads a file through stdio; its default buffer is a few KiB.  A
 * larger one cuts system calls on big captures, but one as big as the core's
 * L2 cache (1 MiB here) is no longer there when it is read again: 128 KiB
 * read the small benchmark capture 8 % faster than 1 MiB (and a bare libpcap
 * loop 13 % faster).  tools/bench.sh gives its bare loop this size. */
#define WS_FILE_BUFFER_KIB 128
#define WS_FILE_BUFFER ((size_t)WS_FILE_BUFFER_KIB << 10)

static enum ws_status open_stream(struct ws_capture *c, const char *path, struct ws_error *err)
{
    if (strcmp(path, "-") == 0) {
        c->file = stdin;
        return WS_OK;
    }
    struct stat st;
    if (stat(path, &st) != 0)
        return ws_fail(err, WS_ERR_RUNTIME, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return ws_fail(err, WS_ERR_RUNTIME, "%s: is a directory, not a capture file", path);
    c->regular_file = S_ISREG(st.st_mode);
    c->file = fopen(path, "rb");
    if (!c->file)
        return ws_fail(err, WS_ERR_RUNTIME, "%s: %s", path, strerror(errno));
    return WS_OK;
}

/* libpcap says "truncated dump file; tried to read 4 file header bytes, only
 * got 0" for an empty file; say what it means. */
static enum ws_status explain_open_failure(struct ws_capture *c, const char *errbuf,
                                           struct ws_error *err)
{
    long pos = c->file != stdin ? ftell(c->file) : -1;
    if (strstr(errbuf, "only got 0") && pos <= 0)
        return ws_fail(err, WS_ERR_RUNTIME, "%s: empty file, not a pcap or pcapng capture", c->source);
    if (strstr(errbuf, "unknown file format") || strstr(errbuf, "bad dump file format"))
        return ws_fail(err, WS_ERR_RUNTIME, "%s: not a pcap or pcapng capture (%s)", c->source, errbuf);
    return ws_fail(err, WS_ERR_RUNTIME, "%s: %s", c->source, errbuf);
}

/* libpcap reads a file with two freads per packet, and in a program with
 * threads glibc locks the stream for each: an atomic exchange on the way in
 * and out, four per packet, which a single-threaded reader (the bare loop
 * of tools/bench.sh) never pays.  One thread at a time uses the stream (the
 * reader thread between its start and its join), so stdio may leave the
 * locking to us.  (In the profile of the small capture, fread's share of
 * the reader fell from 19 % to 8 %; the small capture with --no-events took
 * 72-84 ms before and 65-77 ms after, in four alternating sets of 15 runs,
 * and the large one 1172 ms before and 1094 ms after, in 7.) */
static void unlocked_reads(FILE *f)
{
#ifdef __GLIBC__
    if (f != stdin)
        __fsetlocking(f, FSETLOCKING_BYCALLER);
#else
    (void)f;
#endif
}

enum ws_status ws_capture_open_offline(struct ws_capture *c, const char *path, struct ws_error *err)
{
    memset(c, 0, sizeof *c);
    c->source = strcmp(path, "-") == 0 ? "standard input" : path;
    enum ws_status st = open_stream(c, path, err);
    if (st != WS_OK)
        return st;
    c->iobuf = malloc(WS_FILE_BUFFER);
    if (c->iobuf)
        setvbuf(c->file, c->iobuf, _IOFBF, WS_FILE_BUFFER);
    unlocked_reads(c->file);

    char errbuf[PCAP_ERRBUF_SIZE] = "";
    c->pcap = pcap_fopen_offline_with_tstamp_precision(c->file, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
    if (!c->pcap) {
        st = explain_open_failure(c, errbuf, err);
        if (c->file != stdin)
            fclose(c->file);
        c->file = NULL;
        free(c->iobuf);
        c->iobuf = NULL;
        return st;
    }
    c->dlt = pcap_datalink(c->pcap);
    return WS_OK;
}

static enum ws_status explain_activate_failure(struct ws_capture *c, int rc, struct ws_error *err)
{
    const char *detail = pcap_geterr(c->pcap);
    switch (rc) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
        return ws_fail(err, WS_ERR_RUNTIME, "%s: no such interface (wirestate -D lists them)", c->source);
    case PCAP_ERROR_PERM_DENIED:
    case PCAP_ERROR_PROMISC_PERM_DENIED:
        return ws_fail(err, WS_ERR_RUNTIME,
                       "%s: permission denied: capturing needs root or CAP_NET_RAW (%s)", c->source,
                       detail);
    case PCAP_ERROR_IFACE_NOT_UP:
        return ws_fail(err, WS_ERR_RUNTIME, "%s: interface is down", c->source);
    default:
        return ws_fail(err, WS_ERR_RUNTIME, "%s: %s (%s)", c->source, pcap_statustostr(rc),
                       detail && *detail ? detail : "no detail");
    }
}

enum ws_status ws_capture_open_live(struct ws_capture *c, const char *iface,
                                    const struct ws_live_options *opt, struct ws_error *err)
{
    memset(c, 0, sizeof *c);
    c->source = iface;
    c->live = true;
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    c->pcap = pcap_create(iface, errbuf);
    if (!c->pcap)
        return ws_fail(err, WS_ERR_RUNTIME, "%s: %s", iface, errbuf);
    pcap_set_snaplen(c->pcap, opt->snaplen);
    pcap_set_promisc(c->pcap, opt->promiscuous);
    /* Immediate mode: a transition is printed within milliseconds of its
     * packet instead of when a kernel buffer block fills. */
    pcap_set_immediate_mode(c->pcap, 1);
    pcap_set_timeout(c->pcap, WS_LIVE_POLL_MS);
    if (opt->buffer_kib > 0)
        pcap_set_buffer_size(c->pcap, opt->buffer_kib * 1024);
    int rc = pcap_activate(c->pcap);
    if (rc < 0) {
        enum ws_status st = explain_activate_failure(c, rc, err);
        pcap_close(c->pcap);
        c->pcap = NULL;
        return st;
    }
    if (rc > 0)
        fprintf(stderr, "wirestate: %s: warning: %s\n", iface, pcap_geterr(c->pcap));
    c->dlt = pcap_datalink(c->pcap);
    /* Blocking reads would wait inside libpcap, past its timeout, until a
     * packet comes; timers and signals must run on an idle link too, so
     * reads are non-blocking and the waiting is ours (see wait_for_packets). */
    c->fd = pcap_get_selectable_fd(c->pcap);
    if (c->fd < 0 || pcap_setnonblock(c->pcap, 1, errbuf) != 0) {
        enum ws_status st = ws_fail(err, WS_ERR_RUNTIME, "%s: cannot poll this capture: %s", iface,
                                    c->fd < 0 ? "no selectable descriptor" : errbuf);
        pcap_close(c->pcap);
        c->pcap = NULL;
        return st;
    }
    return WS_OK;
}

enum ws_status ws_capture_set_filter(struct ws_capture *c, const char *expr, struct ws_error *err)
{
    struct bpf_program prog;
    if (pcap_compile(c->pcap, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0)
        return ws_fail(err, WS_ERR_USAGE, "bad filter expression '%s': %s", expr, pcap_geterr(c->pcap));
    int rc = pcap_setfilter(c->pcap, &prog);
    pcap_freecode(&prog);
    if (rc != 0)
        return ws_fail(err, WS_ERR_RUNTIME, "%s: cannot set filter: %s", c->source, pcap_geterr(c->pcap));
    return WS_OK;
}

enum wait_result { WAIT_READY, WAIT_IDLE, WAIT_FAILED };

/* Deleting an interface first takes it down, which is when the socket gets
 * ENETDOWN, and unlists its name just after.  Usually the name is gone by
 * the time the error is read, but a reader woken at once can still find it
 * (checking once, a loaded CI run reported a deleted veth as "went down").
 * So a name still there at ENETDOWN is watched for a while before the
 * interface is said to have gone down rather than away. */
#define IFACE_GONE_WAIT_MS 500
#define IFACE_GONE_STEP_MS 5

static bool interface_disappeared(const char *name)
{
    for (int waited = 0;; waited += IFACE_GONE_STEP_MS) {
        if (if_nametoindex(name) == 0)
            return true;
        if (waited >= IFACE_GONE_WAIT_MS)
            return false;
        (void)poll(NULL, 0, IFACE_GONE_STEP_MS);   /* a sleep that a signal cuts short */
    }
}

/* Live: up to one poll interval for the descriptor to become readable.  A
 * signal cuts the wait short (poll is never restarted), so the loop sees
 * SIGUSR1 and SIGINT at once.  The kernel flags a packet socket whose
 * interface went down with an error (ENETDOWN): that ends the capture. */
static enum wait_result wait_for_packets(struct ws_capture *c, struct ws_error *err)
{
    struct pollfd p = { .fd = c->fd, .events = POLLIN };
    int n = poll(&p, 1, WS_LIVE_POLL_MS);
    if (n <= 0)
        return WAIT_IDLE;
    if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) {
        int so_error = 0;
        socklen_t len = sizeof so_error;
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0)
            so_error = errno;
        if (so_error == ENETDOWN)
            ws_fail(err, WS_ERR_RUNTIME, "%s: capture stopped: %s", c->source,
                    interface_disappeared(c->source) ? "the interface disappeared" : "the interface went down");
        else
            ws_fail(err, WS_ERR_RUNTIME, "%s: capture stopped: %s", c->source,
                    so_error ? strerror(so_error) : "the capture socket failed");
        return WAIT_FAILED;
    }
    return WAIT_READY;
}

/* What pcap_next_ex()'s return code means for the caller. */
static enum ws_capture_next next_result(struct ws_capture *c, int rc, struct ws_error *err)
{
    if (rc == 1) {
        c->records++;
        return WS_CAPTURE_PACKET;
    }
    if (rc == 0)
        return WS_CAPTURE_TIMEOUT;
    if (rc == PCAP_ERROR_BREAK)
        return WS_CAPTURE_END;
    if (c->live) {
        ws_fail(err, WS_ERR_RUNTIME, "%s: capture stopped: %s", c->source, pcap_geterr(c->pcap));
    } else {
        long pos = c->file && c->file != stdin ? ftell(c->file) : -1;
        char where[64] = "";
        if (pos >= 0)
            snprintf(where, sizeof where, ", byte offset %ld", pos);
        ws_fail(err, WS_ERR_RUNTIME, "%s: damaged capture, stopped after record %llu%s: %s", c->source,
                (unsigned long long)c->records, where, pcap_geterr(c->pcap));
    }
    return WS_CAPTURE_ERROR;
}

enum ws_capture_next ws_capture_next(struct ws_capture *c, struct pcap_pkthdr **hdr,
                                     const uint8_t **data, struct ws_error *err)
{
    int rc = pcap_next_ex(c->pcap, hdr, data);
    if (rc == 0 && c->live) {
        switch (wait_for_packets(c, err)) {
        case WAIT_IDLE:
            return WS_CAPTURE_TIMEOUT;
        case WAIT_FAILED:
            return WS_CAPTURE_ERROR;
        case WAIT_READY:
            break;
        }
        rc = pcap_next_ex(c->pcap, hdr, data);
    }
    return next_result(c, rc, err);
}

enum ws_capture_next ws_capture_next_ready(struct ws_capture *c, struct pcap_pkthdr **hdr,
                                           const uint8_t **data, struct ws_error *err)
{
    /* Live handles are non-blocking: 0 means nothing is buffered right now. */
    return next_result(c, pcap_next_ex(c->pcap, hdr, data), err);
}

struct dispatch {
    struct ws_capture *c;
    ws_capture_add_fn *add;
    void *ctx;
};

static void dispatched(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    struct dispatch *d = (struct dispatch *)(void *)user;
    d->c->records++;
    d->add(d->ctx, h, data);
}

enum ws_capture_next ws_capture_dispatch(struct ws_capture *c, int max, ws_capture_add_fn *add,
                                         void *ctx, int *delivered, struct ws_error *err)
{
    struct dispatch d = { c, add, ctx };
    uint64_t before = c->records;
    int rc = pcap_dispatch(c->pcap, max, dispatched, (u_char *)&d);
    *delivered = (int)(c->records - before);
    if (rc >= 0)   /* fewer than asked: the file ended (or a break) */
        return *delivered >= max ? WS_CAPTURE_PACKET : WS_CAPTURE_END;
    return next_result(c, rc, err);   /* a break, or the damage: where, in records */
}

int64_t ws_capture_time_us(const struct pcap_pkthdr *h)
{
    int64_t sec = (int64_t)h->ts.tv_sec, usec = (int64_t)h->ts.tv_usec;
    if (sec < 0 || (sec == 0 && usec < 0))
        return 0;
    if (sec >= WS_CAPTURE_MAX_TIME_US / WS_USEC_PER_SEC)
        return WS_CAPTURE_MAX_TIME_US;
    int64_t us = sec * WS_USEC_PER_SEC + usec;
    return us < 0 ? 0 : us;
}

void ws_capture_break(struct ws_capture *c)
{
    if (c->pcap)
        pcap_breakloop(c->pcap);
}

bool ws_capture_stats(struct ws_capture *c, uint64_t *received, uint64_t *dropped, uint64_t *if_dropped)
{
    struct pcap_stat ps;
    if (!c->live || !c->pcap || pcap_stats(c->pcap, &ps) != 0)
        return false;
    *received = ps.ps_recv;
    *dropped = ps.ps_drop;
    *if_dropped = ps.ps_ifdrop;
    return true;
}

void ws_capture_close(struct ws_capture *c)
{
    if (c->pcap)
        pcap_close(c->pcap);   /* closes c->file too (pcap_fopen_offline took it) */
    else if (c->file && c->file != stdin)
        fclose(c->file);
    free(c->iobuf);
    memset(c, 0, sizeof *c);
}

const char *ws_capture_link_name(int dlt, char *buf, size_t len)
{
    const char *name = pcap_datalink_val_to_name(dlt);
    if (name)
        snprintf(buf, len, "%s", name);
    else
        snprintf(buf, len, "DLT %d", dlt);
    return buf;
}

enum ws_status ws_capture_list_interfaces(FILE *out, struct ws_error *err)
{
    pcap_if_t *all = NULL;
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    if (pcap_findalldevs(&all, errbuf) != 0)
        return ws_fail(err, WS_ERR_RUNTIME, "cannot list interfaces: %s", errbuf);
    int n = 0;
    for (pcap_if_t *d = all; d; d = d->next) {
        fprintf(out, "%d.%s", ++n, d->name);
        if (d->description)
            fprintf(out, " (%s)", d->description);
        fprintf(out, " [%s%s%s]\n", (d->flags & PCAP_IF_UP) ? "Up" : "Down",
                (d->flags & PCAP_IF_RUNNING) ? ", Running" : "",
                (d->flags & PCAP_IF_LOOPBACK) ? ", Loopback" : "");
    }
    pcap_freealldevs(all);
    if (n == 0)
        fprintf(out, "no interfaces found (capturing may need root)\n");
    return WS_OK;
}
