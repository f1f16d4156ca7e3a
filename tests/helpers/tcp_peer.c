/* tcp_peer.c - a scripted TCP endpoint for the live tests.
 *
 *   tcp_peer server ADDR PORT SCRIPT   listen on ADDR:PORT, accept one connection
 *   tcp_peer client ADDR PORT SCRIPT   connect to ADDR:PORT
 *
 * ADDR is an IPv4 or IPv6 literal (brackets allowed).  SCRIPT is a
 * comma-separated list of steps run in order on the connection:
 *
 *   send:N         send N bytes
 *   recv:N         read exactly N bytes (the peer's FIN before that is an error)
 *   waiteof        read and discard until the peer's FIN
 *   waitrst        read and discard until the peer's RST (ECONNRESET)
 *   trickle:N:MS   send N bytes every 100 ms for MS milliseconds
 *   shutwr         shutdown(SHUT_WR): send our FIN, keep reading
 *   sleep:MS       pause
 *   close          close the socket
 *   linger0        SO_LINGER {on, 0} then close: the kernel sends RST
 *   refused        client only, the whole script: the connect must be refused
 *
 * On standard output, one line per event, flushed at once, so a test can
 * follow along: "listening ENDPOINT", "local ENDPOINT" (as soon as the local
 * port is known), "connected LOCAL PEER", "ok STEP" after each step, "done".
 * Endpoints are written as wirestate writes them: 198.51.100.1:40000,
 * [2001:db8::1]:40000.
 *
 * Bounded: accept and connect wait with poll, reads and writes carry
 * SO_RCVTIMEO/SO_SNDTIMEO, and an alarm ends the whole run.  Any failure
 * prints "tcp_peer: ..." on standard error and exits 1; a usage error exits 2. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define IO_TIMEOUT_MS 10000      /* any single blocking call */
#define TOTAL_TIMEOUT_S 45       /* the whole program */
#define TRICKLE_PERIOD_MS 100
#define MAX_STEPS 64
#define CHUNK 4096

enum step_kind {
    STEP_SEND,
    STEP_RECV,
    STEP_WAITEOF,
    STEP_WAITRST,
    STEP_TRICKLE,
    STEP_SHUTWR,
    STEP_SLEEP,
    STEP_CLOSE,
    STEP_LINGER0,
    STEP_REFUSED,
};

struct step {
    enum step_kind kind;
    long n;        /* bytes, or milliseconds for sleep */
    long ms;       /* trickle duration */
    char text[32]; /* the step as written, for messages */
};

struct script {
    struct step steps[MAX_STEPS];
    int count;
};

static const char *prog_role = "?";

_Noreturn static void die(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "tcp_peer %s: ", prog_role);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

_Noreturn static void usage(const char *why)
{
    fprintf(stderr, "tcp_peer: %s\n"
                    "usage: tcp_peer server|client ADDR PORT SCRIPT\n"
                    "  SCRIPT: comma-separated send:N recv:N waiteof waitrst trickle:N:MS\n"
                    "          shutwr sleep:MS close linger0 refused\n", why);
    exit(2);
}

static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

static void on_alarm(int signo)
{
    static const char msg[] = "tcp_peer: gave up: the whole run took too long\n";
    (void)signo;
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)w;
    _exit(1);
}

/* ---- parsing ---------------------------------------------------------- */

static bool parse_number(const char *s, long max, long *out)
{
    if (!*s)
        return false;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < 0 || v > max)
        return false;
    *out = v;
    return true;
}

/* "name" or "name:ARG" or "name:ARG:ARG"; returns the number of arguments. */
static int split_step(char *word, char **args, int max_args)
{
    int n = 0;
    char *colon = strchr(word, ':');
    while (colon && n < max_args) {
        *colon = '\0';
        args[n++] = colon + 1;
        colon = strchr(colon + 1, ':');
    }
    return colon ? -1 : n;
}

static void parse_step(char *word, struct step *st)
{
    snprintf(st->text, sizeof st->text, "%s", word);
    char *args[2];
    int nargs = split_step(word, args, 2);
    struct { const char *name; enum step_kind kind; int nargs; } table[] = {
        { "send", STEP_SEND, 1 },       { "recv", STEP_RECV, 1 },
        { "waiteof", STEP_WAITEOF, 0 }, { "waitrst", STEP_WAITRST, 0 },
        { "trickle", STEP_TRICKLE, 2 }, { "shutwr", STEP_SHUTWR, 0 },
        { "sleep", STEP_SLEEP, 1 },     { "close", STEP_CLOSE, 0 },
        { "linger0", STEP_LINGER0, 0 }, { "refused", STEP_REFUSED, 0 },
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(word, table[i].name) != 0)
            continue;
        if (nargs != table[i].nargs) {
            fprintf(stderr, "tcp_peer: step '%s' takes %d argument(s)\n", st->text, table[i].nargs);
            usage("bad script");
        }
        st->kind = table[i].kind;
        st->n = st->ms = 0;
        if (nargs >= 1 && !parse_number(args[0], 100000000L, &st->n)) {
            fprintf(stderr, "tcp_peer: step '%s': bad number '%s'\n", st->text, args[0]);
            usage("bad script");
        }
        if (nargs >= 2 && !parse_number(args[1], 60000L, &st->ms)) {
            fprintf(stderr, "tcp_peer: step '%s': bad number '%s'\n", st->text, args[1]);
            usage("bad script");
        }
        if (st->kind == STEP_SLEEP && st->n > 60000L)
            usage("sleep is limited to 60000 ms");
        return;
    }
    fprintf(stderr, "tcp_peer: unknown step '%s'\n", st->text);
    usage("bad script");
}

static void parse_script(const char *text, struct script *sc, bool client)
{
    char *copy = strdup(text);
    if (!copy)
        die("out of memory");
    sc->count = 0;
    bool closed = false;
    char *save = NULL;
    for (char *word = strtok_r(copy, ",", &save); word; word = strtok_r(NULL, ",", &save)) {
        if (sc->count == MAX_STEPS)
            usage("too many steps");
        if (closed)
            usage("no step may follow close or linger0");
        struct step *st = &sc->steps[sc->count++];
        parse_step(word, st);
        if (st->kind == STEP_CLOSE || st->kind == STEP_LINGER0)
            closed = true;
    }
    free(copy);
    if (sc->count == 0)
        usage("empty script");
    for (int i = 0; i < sc->count; i++) {
        if (sc->steps[i].kind == STEP_REFUSED && (!client || sc->count != 1))
            usage("'refused' is a client's whole script");
    }
}

struct address {
    struct sockaddr_storage ss;
    socklen_t len;
    int family;
};

static void parse_address(const char *text, const char *port_text, struct address *a)
{
    char host[INET6_ADDRSTRLEN + 2];
    size_t len = strlen(text);
    if (len >= sizeof host)
        usage("address too long");
    if (text[0] == '[' && len >= 2 && text[len - 1] == ']') {
        memcpy(host, text + 1, len - 2);
        host[len - 2] = '\0';
    } else {
        memcpy(host, text, len + 1);
    }
    long port;
    if (!parse_number(port_text, 65535, &port))
        usage("bad port");

    memset(a, 0, sizeof *a);
    struct sockaddr_in *in4 = (struct sockaddr_in *)&a->ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->ss;
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        a->len = sizeof *in4;
        a->family = AF_INET;
    } else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        a->len = sizeof *in6;
        a->family = AF_INET6;
    } else {
        usage("ADDR must be an IPv4 or IPv6 address");
    }
}

/* ---- socket helpers --------------------------------------------------- */

static const char *format_endpoint(const struct sockaddr_storage *ss, char *buf, size_t len)
{
    char ip[INET6_ADDRSTRLEN];
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
        snprintf(buf, len, "[%s]:%u", ip, ntohs(in6->sin6_port));
    } else {
        const struct sockaddr_in *in4 = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &in4->sin_addr, ip, sizeof ip);
        snprintf(buf, len, "%s:%u", ip, ntohs(in4->sin_port));
    }
    return buf;
}

static void local_endpoint(int fd, char *buf, size_t len)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
        die("getsockname: %s", strerror(errno));
    format_endpoint(&ss, buf, len);
}

static void set_nonblocking(int fd, bool on)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK) != 0)
        die("fcntl: %s", strerror(errno));
}

static void set_io_timeouts(int fd)
{
    struct timeval tv = { .tv_sec = IO_TIMEOUT_MS / 1000, .tv_usec = (IO_TIMEOUT_MS % 1000) * 1000 };
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0)
        die("setsockopt(SO_RCVTIMEO/SO_SNDTIMEO): %s", strerror(errno));
}

/* Waits for events on fd; dies on timeout. */
static short wait_for(int fd, short events, const char *what)
{
    struct pollfd p = { .fd = fd, .events = events };
    for (;;) {
        int rc = poll(&p, 1, IO_TIMEOUT_MS);
        if (rc > 0)
            return p.revents;
        if (rc == 0)
            die("%s: timed out after %d ms", what, IO_TIMEOUT_MS);
        if (errno != EINTR)
            die("%s: poll: %s", what, strerror(errno));
    }
}

static int open_server(const struct address *a, struct sockaddr_storage *peer)
{
    int fd = socket(a->family, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket: %s", strerror(errno));
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
        die("setsockopt(SO_REUSEADDR): %s", strerror(errno));
    if (a->family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
        die("setsockopt(IPV6_V6ONLY): %s", strerror(errno));
    if (bind(fd, (const struct sockaddr *)&a->ss, a->len) != 0)
        die("bind: %s", strerror(errno));
    if (listen(fd, 1) != 0)
        die("listen: %s", strerror(errno));
    char ep[INET6_ADDRSTRLEN + 16];
    local_endpoint(fd, ep, sizeof ep);
    say("listening %s", ep);

    set_nonblocking(fd, true);
    int conn;
    for (;;) {
        wait_for(fd, POLLIN, "accept");
        socklen_t pl = sizeof *peer;
        conn = accept(fd, (struct sockaddr *)peer, &pl);
        if (conn >= 0)
            break;
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
            die("accept: %s", strerror(errno));
    }
    close(fd);   /* one connection only */
    set_nonblocking(conn, false);
    local_endpoint(conn, ep, sizeof ep);
    say("local %s", ep);
    return conn;
}

/* Returns the connected socket, or -1 when the connection was refused and
 * that was expected. */
static int open_client(const struct address *a, bool expect_refused)
{
    int fd = socket(a->family, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket: %s", strerror(errno));
    set_nonblocking(fd, true);
    if (connect(fd, (const struct sockaddr *)&a->ss, a->len) != 0 && errno != EINPROGRESS)
        die("connect: %s", strerror(errno));
    char ep[INET6_ADDRSTRLEN + 16];
    local_endpoint(fd, ep, sizeof ep);   /* the SYN is out: the port is known */
    say("local %s", ep);

    wait_for(fd, POLLOUT, "connect");
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
        die("getsockopt(SO_ERROR): %s", strerror(errno));
    if (expect_refused) {
        if (soerr == ECONNREFUSED) {
            say("refused");
            close(fd);
            return -1;
        }
        die("connect: expected 'connection refused', got %s", soerr ? strerror(soerr) : "a connection");
    }
    if (soerr != 0)
        die("connect: %s", strerror(soerr));
    set_nonblocking(fd, false);
    return fd;
}

/* ---- steps ------------------------------------------------------------ */

static void send_bytes(int fd, long n, const char *what)
{
    static char buf[CHUNK];
    static bool filled;
    if (!filled) {
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = (char)('a' + i % 26);
        filled = true;
    }
    while (n > 0) {
        size_t want = n < (long)sizeof buf ? (size_t)n : sizeof buf;
        ssize_t w = send(fd, buf, want, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                die("%s: send timed out after %d ms", what, IO_TIMEOUT_MS);
            die("%s: send: %s", what, strerror(errno));
        }
        n -= w;
    }
}

/* One read; returns bytes (0 at EOF), or -errno for a reset. */
static long read_some(int fd, char *buf, size_t len, const char *what)
{
    for (;;) {
        ssize_t r = recv(fd, buf, len, 0);
        if (r >= 0)
            return (long)r;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            die("%s: recv timed out after %d ms", what, IO_TIMEOUT_MS);
        if (errno == ECONNRESET)
            return -ECONNRESET;
        die("%s: recv: %s", what, strerror(errno));
    }
}

static void recv_exactly(int fd, long n, const char *what)
{
    char buf[CHUNK];
    long got = 0;
    while (got < n) {
        size_t want = n - got < (long)sizeof buf ? (size_t)(n - got) : sizeof buf;
        long r = read_some(fd, buf, want, what);
        if (r == 0)
            die("%s: the peer closed after %ld of %ld bytes", what, got, n);
        if (r < 0)
            die("%s: connection reset after %ld of %ld bytes", what, got, n);
        got += r;
    }
}

static long drain(int fd, bool until_reset, const char *what)
{
    char buf[CHUNK];
    long total = 0;
    for (;;) {
        long r = read_some(fd, buf, sizeof buf, what);
        if (r > 0) {
            total += r;
            continue;
        }
        if (r == 0 && !until_reset)
            return total;
        if (r < 0 && until_reset)
            return total;
        die("%s: expected %s, got %s after %ld bytes", what, until_reset ? "a reset" : "EOF",
            r == 0 ? "EOF" : "a reset", total);
    }
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static long trickle(int fd, long bytes, long ms, const char *what)
{
    int64_t end = monotonic_ms() + ms;
    long sends = 0;
    do {
        send_bytes(fd, bytes, what);
        sends++;
        int64_t left = end - monotonic_ms();
        if (left <= 0)
            break;
        sleep_ms(left < TRICKLE_PERIOD_MS ? (long)left : TRICKLE_PERIOD_MS);
    } while (monotonic_ms() < end);
    return sends;
}

static void run_step(int *fd, const struct step *st)
{
    const char *what = st->text;
    switch (st->kind) {
    case STEP_SEND:
        send_bytes(*fd, st->n, what);
        say("ok %s", what);
        break;
    case STEP_RECV:
        recv_exactly(*fd, st->n, what);
        say("ok %s", what);
        break;
    case STEP_WAITEOF:
        say("ok %s (%ld bytes before EOF)", what, drain(*fd, false, what));
        break;
    case STEP_WAITRST:
        say("ok %s (%ld bytes before the reset)", what, drain(*fd, true, what));
        break;
    case STEP_TRICKLE:
        say("ok %s (%ld sends)", what, trickle(*fd, st->n, st->ms, what));
        break;
    case STEP_SHUTWR:
        if (shutdown(*fd, SHUT_WR) != 0)
            die("%s: shutdown: %s", what, strerror(errno));
        say("ok %s", what);
        break;
    case STEP_SLEEP:
        sleep_ms(st->n);
        say("ok %s", what);
        break;
    case STEP_LINGER0:
    case STEP_CLOSE:
        if (st->kind == STEP_LINGER0) {
            struct linger lg = { .l_onoff = 1, .l_linger = 0 };
            if (setsockopt(*fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) != 0)
                die("%s: setsockopt(SO_LINGER): %s", what, strerror(errno));
        }
        if (close(*fd) != 0)
            die("%s: close: %s", what, strerror(errno));
        *fd = -1;
        say("ok %s", what);
        break;
    case STEP_REFUSED:
        break;   /* handled by open_client() */
    }
}

int main(int argc, char **argv)
{
    if (argc != 5)
        usage("wrong number of arguments");
    bool client;
    if (strcmp(argv[1], "server") == 0)
        client = false;
    else if (strcmp(argv[1], "client") == 0)
        client = true;
    else
        usage("the first argument is 'server' or 'client'");
    prog_role = argv[1];

    struct address addr;
    parse_address(argv[2], argv[3], &addr);
    static struct script sc;
    parse_script(argv[4], &sc, client);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    alarm(TOTAL_TIMEOUT_S);

    bool expect_refused = sc.steps[0].kind == STEP_REFUSED;
    struct sockaddr_storage peer = addr.ss;   /* the server learns it from accept() */
    int fd = client ? open_client(&addr, expect_refused) : open_server(&addr, &peer);
    if (fd >= 0) {
        set_io_timeouts(fd);
        char local[INET6_ADDRSTRLEN + 16], remote[INET6_ADDRSTRLEN + 16];
        local_endpoint(fd, local, sizeof local);
        say("connected %s %s", local, format_endpoint(&peer, remote, sizeof remote));
        for (int i = 0; i < sc.count; i++)
            run_step(&fd, &sc.steps[i]);
        if (fd >= 0)
            close(fd);
    }
    say("done");
    return 0;
}
