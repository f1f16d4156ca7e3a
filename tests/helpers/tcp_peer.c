/* tcp_peer.c - scripted TCP endpoints for the live tests (tests/live_netns.sh)
 * and the kernel oracle (tools/oracle/record.sh, which builds it itself).
 *
 *   tcp_peer server ADDR PORT [OPTION...] SCRIPT...
 *   tcp_peer client ADDR PORT [OPTION...] SCRIPT...
 *
 * The server listens on ADDR:PORT, accepts N connections, then closes the
 * listener; the client makes N connections to ADDR:PORT.  ADDR is an IPv4 or
 * IPv6 literal (brackets allowed).  Connection I runs SCRIPT number I modulo
 * the number of scripts, each connection in its own thread.
 *
 *   -n N        connections (default 1, at most 1000)
 *   -b BASE     client: connection I binds local port BASE+I (SO_REUSEADDR);
 *               server: a connection is numbered by its peer's port minus
 *               BASE (else by the order of accept)
 *   -t SECONDS  end the whole run after SECONDS (default 45, 0 never)
 *   -w MS       the longest any single accept, connect, read or write may
 *               block (default 10000)
 *
 * SCRIPT is a comma-separated list of steps run in order on the connection:
 *
 *   send:N         send N bytes
 *   recv:N         read exactly N bytes (the peer's FIN before that is an error)
 *   waiteof        read and discard until the peer's FIN
 *   waitrst        read and discard until the peer's RST (ECONNRESET)
 *   trickle:N:MS   send N bytes every 100 ms for MS milliseconds
 *   shutwr         shutdown(SHUT_WR): send our FIN, keep reading
 *   sleep:MS       pause
 *   at:MS          wait until MS milliseconds after ORACLE_T0_US (environment:
 *                  CLOCK_REALTIME in microseconds), the origin of a timeline
 *                  shared with other processes
 *   hold           wait until the process is killed (never close)
 *   connect        client: connect here; only sleep and at may come before it
 *                  (the default is to connect before the first step)
 *   close          close the socket
 *   linger0        SO_LINGER {on, 0} then close: the kernel sends RST
 *   refused        client, right after the connect: the connect must be
 *                  refused (alone, it is the whole script)
 *   noanswer:MS    client, right after the connect: the connect must still be
 *                  pending after MS ms; the socket is then closed
 *
 * Nothing may follow close, linger0, refused or noanswer.
 *
 * On standard output, one line per event, flushed at once, so a test can
 * follow along: "listening ENDPOINT", "local ENDPOINT" (as soon as the local
 * port is known), "connected LOCAL PEER" or "refused", "ok STEP" after each
 * step, "holding", and "done" when the connection's script has ended.  With
 * -n above 1 a connection's lines start with "I: ", and an unprefixed "done"
 * follows the last of them.  Endpoints are written as wirestate writes them:
 * 198.51.100.1:40000, [2001:db8::1]:40000.
 *
 * Bounded: accept and connect wait with poll, reads and writes carry
 * SO_RCVTIMEO/SO_SNDTIMEO, and an alarm ends the whole run.  Any failure
 * prints "tcp_peer ROLE: ..." (with -n above 1, "tcp_peer ROLE #I: ...") on
 * standard error and exits 1; a usage error exits 2. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_IO_TIMEOUT_MS 10000
#define DEFAULT_TOTAL_TIMEOUT_S 45
#define TRICKLE_PERIOD_MS 100
#define MAX_BYTES 100000000L
#define MAX_MS 600000L           /* any duration: -w and the script's */
#define MAX_STEPS 64
#define MAX_SCRIPTS 32
#define MAX_CONNS 1000
#define LISTEN_BACKLOG 512       /* room for a burst of -n connections */
#define THREAD_STACK (256 * 1024) /* -n 1000 stays well inside the address space */
#define CHUNK 4096

enum step_kind {
    STEP_SEND,
    STEP_RECV,
    STEP_WAITEOF,
    STEP_WAITRST,
    STEP_TRICKLE,
    STEP_SHUTWR,
    STEP_SLEEP,
    STEP_AT,
    STEP_HOLD,
    STEP_CONNECT,
    STEP_CLOSE,
    STEP_LINGER0,
    STEP_REFUSED,
    STEP_NOANSWER,
};

struct step {
    enum step_kind kind;
    long n;        /* bytes, or milliseconds for sleep/at/noanswer */
    long ms;       /* trickle duration */
    char text[32]; /* the step as written, for messages */
};

struct script {
    struct step steps[MAX_STEPS];
    int count;
    int connect_at; /* index of the connect step (client), or -1 */
};

static const char *prog_role = "?";
static bool many;                 /* -n above 1: lines say which connection */
static int io_timeout_ms = DEFAULT_IO_TIMEOUT_MS;
static int64_t t0_us = -1;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
/* The connection this thread serves (-1: the main thread), so that its lines
 * and messages can say so without every helper passing it along. */
static _Thread_local int current_conn = -1;

_Noreturn static void die(const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&out_lock);   /* kept: no other thread's line follows */
    fflush(stdout);
    fprintf(stderr, "tcp_peer %s", prog_role);
    if (many && current_conn >= 0)
        fprintf(stderr, " #%d", current_conn);
    fputs(": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

_Noreturn static void usage(const char *why)
{
    fprintf(stderr, "tcp_peer: %s\n"
                    "usage: tcp_peer server|client ADDR PORT [-n N] [-b BASE] [-t SECONDS] [-w MS] SCRIPT...\n"
                    "  SCRIPT: comma-separated send:N recv:N waiteof waitrst trickle:N:MS shutwr\n"
                    "          sleep:MS at:MS hold connect close linger0 refused noanswer:MS\n", why);
    exit(2);
}

static void say(const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&out_lock);
    if (many && current_conn >= 0)
        printf("%d: ", current_conn);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    pthread_mutex_unlock(&out_lock);
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
    /* max: the first argument's bound; a second one is always milliseconds */
    struct { const char *name; enum step_kind kind; int nargs; long max; } table[] = {
        { "send", STEP_SEND, 1, MAX_BYTES },        { "recv", STEP_RECV, 1, MAX_BYTES },
        { "waiteof", STEP_WAITEOF, 0, 0 },          { "waitrst", STEP_WAITRST, 0, 0 },
        { "trickle", STEP_TRICKLE, 2, MAX_BYTES },  { "shutwr", STEP_SHUTWR, 0, 0 },
        { "sleep", STEP_SLEEP, 1, MAX_MS },         { "at", STEP_AT, 1, MAX_MS },
        { "hold", STEP_HOLD, 0, 0 },                { "connect", STEP_CONNECT, 0, 0 },
        { "close", STEP_CLOSE, 0, 0 },              { "linger0", STEP_LINGER0, 0, 0 },
        { "refused", STEP_REFUSED, 0, 0 },          { "noanswer", STEP_NOANSWER, 1, MAX_MS },
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
        if (nargs >= 1 && !parse_number(args[0], table[i].max, &st->n)) {
            fprintf(stderr, "tcp_peer: step '%s': bad number '%s' (0 to %ld)\n", st->text, args[0],
                    table[i].max);
            usage("bad script");
        }
        if (nargs >= 2 && !parse_number(args[1], MAX_MS, &st->ms)) {
            fprintf(stderr, "tcp_peer: step '%s': bad number '%s' (0 to %ld)\n", st->text, args[1], MAX_MS);
            usage("bad script");
        }
        if (st->kind == STEP_AT && t0_us < 0)
            usage("'at' needs ORACLE_T0_US in the environment");
        return;
    }
    fprintf(stderr, "tcp_peer: unknown step '%s'\n", st->text);
    usage("bad script");
}

/* The rules a step breaks by where it stands in the script, or NULL. */
static const char *misplaced(const struct script *sc, const struct step *st, bool client)
{
    switch (st->kind) {
    case STEP_CONNECT:
        if (!client || sc->connect_at >= 0)
            return "'connect' is a client step, once";
        for (int i = 0; i < sc->count; i++)
            if (sc->steps[i].kind != STEP_SLEEP && sc->steps[i].kind != STEP_AT)
                return "only sleep and at may come before connect";
        return NULL;
    case STEP_REFUSED:
    case STEP_NOANSWER:
        /* they judge the connect itself, so nothing may come between */
        if (!client || sc->count != sc->connect_at + 1)
            return "'refused' and 'noanswer' are client steps, right after the connect";
        return NULL;
    default:
        return NULL;
    }
}

static void parse_script(const char *text, struct script *sc, bool client)
{
    char *copy = strdup(text);
    if (!copy)
        die("out of memory");
    sc->count = 0;
    sc->connect_at = -1;
    bool ended = false;
    char *save = NULL;
    for (char *word = strtok_r(copy, ",", &save); word; word = strtok_r(NULL, ",", &save)) {
        if (sc->count == MAX_STEPS)
            usage("too many steps");
        if (ended)
            usage("no step may follow close, linger0, refused or noanswer");
        struct step *st = &sc->steps[sc->count];
        parse_step(word, st);
        const char *why = misplaced(sc, st, client);
        if (why)
            usage(why);
        if (st->kind == STEP_CONNECT)
            sc->connect_at = sc->count;
        ended = st->kind == STEP_CLOSE || st->kind == STEP_LINGER0 || st->kind == STEP_REFUSED ||
                st->kind == STEP_NOANSWER;
        sc->count++;
    }
    free(copy);
    if (sc->count == 0)
        usage("empty script");
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

struct options {
    long n;          /* connections */
    long base;       /* -b, or -1 */
    long timeout_s;  /* the whole run; 0 never */
    long io_ms;      /* any single blocking call */
};

/* Options stand between PORT and the scripts; returns the first script's index. */
static int parse_options(int argc, char **argv, int argi, struct options *o)
{
    *o = (struct options){ .n = 1, .base = -1, .timeout_s = DEFAULT_TOTAL_TIMEOUT_S,
                           .io_ms = DEFAULT_IO_TIMEOUT_MS };
    while (argi < argc && argv[argi][0] == '-') {
        struct { const char *name; long *dst; long min, max; } table[] = {
            { "-n", &o->n, 1, MAX_CONNS },         { "-b", &o->base, 0, 65535 },
            { "-t", &o->timeout_s, 0, 86400 },     { "-w", &o->io_ms, 1, MAX_MS },
        };
        size_t i = 0;
        while (i < sizeof table / sizeof table[0] && strcmp(argv[argi], table[i].name) != 0)
            i++;
        if (i == sizeof table / sizeof table[0])
            usage("unknown option");
        if (argi + 1 >= argc || !parse_number(argv[argi + 1], table[i].max, table[i].dst) ||
            *table[i].dst < table[i].min) {
            fprintf(stderr, "tcp_peer: %s takes a number from %ld to %ld\n", table[i].name, table[i].min,
                    table[i].max);
            usage("bad option");
        }
        argi += 2;
    }
    if (o->base >= 0 && o->base + o->n - 1 > 65535)
        usage("-b BASE plus -n N runs past port 65535");
    return argi;
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

static uint16_t port_of(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
    return ntohs(((const struct sockaddr_in *)ss)->sin_port);
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
    struct timeval tv = { .tv_sec = io_timeout_ms / 1000, .tv_usec = (io_timeout_ms % 1000) * 1000 };
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0)
        die("setsockopt(SO_RCVTIMEO/SO_SNDTIMEO): %s", strerror(errno));
}

/* Waits up to ms for events on fd; returns 0 on timeout. */
static short wait_for(int fd, short events, int ms, const char *what)
{
    struct pollfd p = { .fd = fd, .events = events };
    for (;;) {
        int rc = poll(&p, 1, ms);
        if (rc > 0)
            return p.revents;
        if (rc == 0)
            return 0;
        if (errno != EINTR)
            die("%s: poll: %s", what, strerror(errno));
    }
}

/* ---- steps ------------------------------------------------------------ */

static void send_bytes(int fd, long n, const char *what)
{
    char buf[CHUNK];   /* on the stack: the threads share no buffer */
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)('a' + i % 26);
    while (n > 0) {
        size_t want = n < (long)sizeof buf ? (size_t)n : sizeof buf;
        ssize_t w = send(fd, buf, want, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                die("%s: send timed out after %d ms", what, io_timeout_ms);
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
            die("%s: recv timed out after %d ms", what, io_timeout_ms);
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

/* Sleeps until T0 + ms on the realtime clock, the one the other processes of
 * the timeline read (no-op if already past). */
static void sleep_until(long ms)
{
    int64_t target = t0_us + (int64_t)ms * 1000;
    struct timespec ts = { .tv_sec = (time_t)(target / 1000000), .tv_nsec = (long)(target % 1000000) * 1000 };
    while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) == EINTR)
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

/* ---- connections ------------------------------------------------------ */

struct conn {
    int index;
    int fd;                      /* -1 once closed */
    bool client;
    const struct script *sc;
    const struct address *addr;  /* client: where to connect */
    long bind_port;              /* client: local port, or -1 */
    struct sockaddr_storage peer;
    pthread_t thread;
};

static void bind_local_port(int fd, const struct address *a, long port)
{
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
        die("setsockopt(SO_REUSEADDR): %s", strerror(errno));
    struct sockaddr_storage local;
    memset(&local, 0, sizeof local);
    local.ss_family = (sa_family_t)a->family;
    if (a->family == AF_INET6)
        ((struct sockaddr_in6 *)&local)->sin6_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in *)&local)->sin_port = htons((uint16_t)port);
    if (bind(fd, (struct sockaddr *)&local, a->len) != 0)
        die("bind port %ld: %s", port, strerror(errno));
}

/* Connects; returns the socket, or -1 when AFTER (the step after the connect)
 * is refused or noanswer and the connect went as it says. */
static int open_client(struct conn *c, const struct step *after)
{
    const struct address *a = c->addr;
    int fd = socket(a->family, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket: %s", strerror(errno));
    if (c->bind_port >= 0)
        bind_local_port(fd, a, c->bind_port);
    set_nonblocking(fd, true);
    if (connect(fd, (const struct sockaddr *)&a->ss, a->len) != 0 && errno != EINPROGRESS)
        die("connect: %s", strerror(errno));
    char ep[INET6_ADDRSTRLEN + 16];
    local_endpoint(fd, ep, sizeof ep);   /* the SYN is out: the port is known */
    say("local %s", ep);

    if (after && after->kind == STEP_NOANSWER) {
        if (wait_for(fd, POLLOUT, (int)after->n, "connect"))
            die("%s: the connect was answered", after->text);
        close(fd);
        say("ok %s", after->text);
        return -1;
    }
    if (!wait_for(fd, POLLOUT, io_timeout_ms, "connect"))
        die("connect: timed out after %d ms", io_timeout_ms);
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
        die("getsockopt(SO_ERROR): %s", strerror(errno));
    if (after && after->kind == STEP_REFUSED) {
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
    memcpy(&c->peer, &a->ss, a->len);
    return fd;
}

static void run_step(struct conn *c, const struct step *st)
{
    const char *what = st->text;
    switch (st->kind) {
    case STEP_SEND:
        send_bytes(c->fd, st->n, what);
        break;
    case STEP_RECV:
        recv_exactly(c->fd, st->n, what);
        break;
    case STEP_WAITEOF:
        say("ok %s (%ld bytes before EOF)", what, drain(c->fd, false, what));
        return;
    case STEP_WAITRST:
        say("ok %s (%ld bytes before the reset)", what, drain(c->fd, true, what));
        return;
    case STEP_TRICKLE:
        say("ok %s (%ld sends)", what, trickle(c->fd, st->n, st->ms, what));
        return;
    case STEP_SHUTWR:
        if (shutdown(c->fd, SHUT_WR) != 0)
            die("%s: shutdown: %s", what, strerror(errno));
        break;
    case STEP_SLEEP:
        sleep_ms(st->n);
        break;
    case STEP_AT:
        sleep_until(st->n);
        break;
    case STEP_HOLD:
        say("holding");
        for (;;)
            pause();
    case STEP_LINGER0:
    case STEP_CLOSE:
        if (st->kind == STEP_LINGER0) {
            struct linger lg = { .l_onoff = 1, .l_linger = 0 };
            if (setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) != 0)
                die("%s: setsockopt(SO_LINGER): %s", what, strerror(errno));
        }
        if (close(c->fd) != 0)
            die("%s: close: %s", what, strerror(errno));
        c->fd = -1;
        break;
    case STEP_CONNECT:
    case STEP_REFUSED:
    case STEP_NOANSWER:
        return;   /* handled by open_client() */
    }
    say("ok %s", what);
}

static void *run_conn(void *arg)
{
    struct conn *c = arg;
    const struct script *sc = c->sc;
    current_conn = c->index;
    char local[INET6_ADDRSTRLEN + 16], remote[INET6_ADDRSTRLEN + 16];
    int first = 0;
    if (c->client) {
        for (int s = 0; s < sc->connect_at; s++)
            run_step(c, &sc->steps[s]);   /* sleep and at: the connect waits for them */
        first = sc->connect_at + 1;       /* 0 without a connect step */
        c->fd = open_client(c, first < sc->count ? &sc->steps[first] : NULL);
        if (c->fd < 0) {
            say("done");
            return NULL;
        }
    } else {
        local_endpoint(c->fd, local, sizeof local);
        say("local %s", local);
    }
    set_io_timeouts(c->fd);
    local_endpoint(c->fd, local, sizeof local);
    say("connected %s %s", local, format_endpoint(&c->peer, remote, sizeof remote));
    for (int s = first; s < sc->count; s++)
        run_step(c, &sc->steps[s]);
    if (c->fd >= 0)
        close(c->fd);
    say("done");
    return NULL;
}

static void start(struct conn *c)
{
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setstacksize(&at, THREAD_STACK);
    int rc = pthread_create(&c->thread, &at, run_conn, c);
    if (rc != 0)
        die("pthread_create: %s", strerror(rc));
    pthread_attr_destroy(&at);
}

static int open_listener(const struct address *a)
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
    if (listen(fd, LISTEN_BACKLOG) != 0)
        die("listen: %s", strerror(errno));
    char ep[INET6_ADDRSTRLEN + 16];
    local_endpoint(fd, ep, sizeof ep);
    say("listening %s", ep);
    set_nonblocking(fd, true);   /* accept waits in poll, bounded */
    return fd;
}

static int accept_one(int lfd, struct sockaddr_storage *peer)
{
    for (;;) {
        if (!wait_for(lfd, POLLIN, io_timeout_ms, "accept"))
            die("accept: timed out after %d ms", io_timeout_ms);
        socklen_t pl = sizeof *peer;
        int fd = accept(lfd, (struct sockaddr *)peer, &pl);
        if (fd >= 0) {
            set_nonblocking(fd, false);
            return fd;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
            die("accept: %s", strerror(errno));
    }
}

/* Accepts o->n connections and starts each on its script. */
static void serve(const struct address *a, const struct options *o, const struct script *scripts,
                  int nscripts, struct conn *conns)
{
    int lfd = open_listener(a);
    static bool taken[MAX_CONNS];
    for (int accepted = 0; accepted < o->n; accepted++) {
        struct sockaddr_storage peer;
        int fd = accept_one(lfd, &peer);
        int i = accepted;
        if (o->base >= 0) {
            long k = (long)port_of(&peer) - o->base;
            if (k < 0 || k >= o->n || taken[k])
                die("accept: unexpected peer port %u", port_of(&peer));
            i = (int)k;
        }
        taken[i] = true;
        conns[i] = (struct conn){ .index = i, .fd = fd, .client = false, .sc = &scripts[i % nscripts],
                                  .peer = peer, .bind_port = -1 };
        start(&conns[i]);
    }
    close(lfd);   /* all connections taken */
}

static void dial(const struct address *a, const struct options *o, const struct script *scripts,
                 int nscripts, struct conn *conns)
{
    for (int i = 0; i < o->n; i++) {
        conns[i] = (struct conn){ .index = i, .fd = -1, .client = true, .sc = &scripts[i % nscripts],
                                  .addr = a, .bind_port = o->base >= 0 ? o->base + i : -1 };
        start(&conns[i]);
    }
}

int main(int argc, char **argv)
{
    if (argc < 5)
        usage("wrong number of arguments");
    bool client;
    if (strcmp(argv[1], "server") == 0)
        client = false;
    else if (strcmp(argv[1], "client") == 0)
        client = true;
    else
        usage("the first argument is 'server' or 'client'");
    prog_role = argv[1];

    const char *t0 = getenv("ORACLE_T0_US");
    if (t0 && *t0)
        t0_us = strtoll(t0, NULL, 10);

    struct address addr;
    parse_address(argv[2], argv[3], &addr);
    struct options opt;
    int argi = parse_options(argc, argv, 4, &opt);
    int nscripts = argc - argi;
    if (nscripts < 1 || nscripts > MAX_SCRIPTS)
        usage("one to 32 scripts");
    static struct script scripts[MAX_SCRIPTS];
    for (int s = 0; s < nscripts; s++)
        parse_script(argv[argi + s], &scripts[s], client);
    many = opt.n > 1;
    io_timeout_ms = (int)opt.io_ms;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    if (opt.timeout_s > 0)
        alarm((unsigned)opt.timeout_s);

    static struct conn conns[MAX_CONNS];
    if (client)
        dial(&addr, &opt, scripts, nscripts, conns);
    else
        serve(&addr, &opt, scripts, nscripts, conns);
    for (int i = 0; i < opt.n; i++)
        pthread_join(conns[i].thread, NULL);
    if (many)
        say("done");
    return 0;
}
