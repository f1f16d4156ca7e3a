/* linestamp.c - how late wirestate's live lines are, for tools/live-bench.sh.
 *
 *   wirestate -i IFACE --json ... | linestamp
 *
 * Reads JSON Lines on standard input.  For every "transition" line it takes
 * the "ts" field (the packet's capture time: on a live capture, the kernel's
 * receive time, CLOCK_REALTIME) and the moment the line was read here
 * (CLOCK_REALTIME, taken once per read(), i.e. when the bytes arrived), and
 * keeps the difference.  At end of input it prints one line:
 *
 *   lines L events E transitions T median_us M p99_us P max_us X
 *
 * events: every line but wirestate's "summary" and "capture_stats" records;
 * the delays are over transition lines only (half_closed, expired and flow
 * records carry a timer's or a flow's time, not a packet's).  Percentiles
 * are nearest-rank; "-" when there was no transition.  A stdin read() per
 * buffer and no stdio: this must keep up with wirestate at any rate, or it
 * would be measuring itself. */
#define _GNU_SOURCE   /* memmem */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BUF_SIZE (1u << 20)

struct delays {
    int64_t *us;
    size_t n, cap;
    uint64_t lines, events;
};

static int64_t realtime_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* "ts":SECONDS.MICROS as an integer number of microseconds, without going
 * through a double; false if the line has no such field. */
static int parse_ts_us(const char *line, size_t len, int64_t *out)
{
    static const char key[] = "\"ts\":";
    const char *end = line + len;
    const char *p = memmem(line, len, key, sizeof key - 1);
    if (!p)
        return 0;
    p += sizeof key - 1;
    int64_t sec = 0, frac = 0;
    int digits = 0;
    if (p >= end || *p < '0' || *p > '9')
        return 0;
    while (p < end && *p >= '0' && *p <= '9')
        sec = sec * 10 + (*p++ - '0');
    if (p < end && *p == '.') {
        p++;
        while (p < end && *p >= '0' && *p <= '9') {
            if (digits < 6) {
                frac = frac * 10 + (*p - '0');
                digits++;
            }
            p++;
        }
    }
    while (digits++ < 6)
        frac *= 10;
    *out = sec * 1000000 + frac;
    return 1;
}

static int has(const char *line, size_t len, const char *needle)
{
    return memmem(line, len, needle, strlen(needle)) != NULL;
}

static void add_delay(struct delays *d, int64_t us)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 65536;
        int64_t *p = realloc(d->us, cap * sizeof *p);
        if (!p) {
            fputs("linestamp: out of memory\n", stderr);
            exit(1);
        }
        d->us = p;
        d->cap = cap;
    }
    d->us[d->n++] = us;
}

static void take_line(struct delays *d, const char *line, size_t len, int64_t now_us)
{
    d->lines++;
    if (has(line, len, "\"type\":\"summary\"") || has(line, len, "\"type\":\"capture_stats\""))
        return;
    d->events++;
    int64_t ts;
    if (has(line, len, "\"type\":\"transition\"") && parse_ts_us(line, len, &ts))
        add_delay(d, now_us - ts);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest rank: the smallest value with at least q of the sample at or below it. */
static int64_t rank(const struct delays *d, double q)
{
    size_t k = (size_t)((double)d->n * q + 0.999999);
    if (k < 1)
        k = 1;
    if (k > d->n)
        k = d->n;
    return d->us[k - 1];
}

int main(void)
{
    static char buf[BUF_SIZE];
    struct delays d = { 0 };
    size_t have = 0;
    for (;;) {
        ssize_t got = read(STDIN_FILENO, buf + have, BUF_SIZE - have);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            perror("linestamp: read");
            return 1;
        }
        if (got == 0)
            break;
        int64_t now = realtime_us();
        have += (size_t)got;
        size_t start = 0;
        for (;;) {
            char *nl = memchr(buf + start, '\n', have - start);
            if (!nl)
                break;
            take_line(&d, buf + start, (size_t)(nl - (buf + start)), now);
            start = (size_t)(nl - buf) + 1;
        }
        if (start == 0 && have == BUF_SIZE) {   /* a line longer than the buffer: not ours */
            take_line(&d, buf, have, now);
            have = 0;
        }
        memmove(buf, buf + start, have - start);
        have -= start;
    }
    if (have > 0)
        take_line(&d, buf, have, realtime_us());

    printf("lines %" PRIu64 " events %" PRIu64 " transitions %zu", d.lines, d.events, d.n);
    if (d.n == 0) {
        printf(" median_us - p99_us - max_us -\n");
    } else {
        qsort(d.us, d.n, sizeof *d.us, cmp_i64);
        printf(" median_us %" PRId64 " p99_us %" PRId64 " max_us %" PRId64 "\n", rank(&d, 0.5),
               rank(&d, 0.99), d.us[d.n - 1]);
    }
    free(d.us);
    return 0;
}
