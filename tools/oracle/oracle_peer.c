/* oracle_peer.c - scripted TCP endpoints for the kernel oracle
 * (tools/oracle/record.sh).  A copy of tests/helpers/tcp_peer.c that runs
 * many connections at once and keeps to a shared wall-clock timeline.
 *
 *   oracle_peer server ADDR PORT [-n N] [-b BASE] [-t SECONDS] SCRIPT...
 *   oracle_peer client ADDR PORT [-n N] [-b BASE] [-t SECONDS] SCRIPT...
 *
 * The server listens on ADDR:PORT and accepts N connections (default 1),
 * then closes the listener; the client makes N connections to ADDR:PORT.
 * Connection I runs SCRIPT number I modulo the number of scripts, each in its
 * own thread.  With -b the client binds local port BASE+I (SO_REUSEADDR), and
 * the server numbers a connection by its peer's port minus BASE (else by the
 * order of accept).  -t ends the whole run after SECONDS (default 60, 0 never).
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
 *                  CLOCK_REALTIME in microseconds), the timeline's origin
 *   hold           wait until the process is killed (never close)
 *   connect        client: connect here; the steps before it run first (the
 *                  default is to connect before the first step)
 *   close          close the socket
 *   linger0        SO_LINGER {on, 0} then close: the kernel sends RST
 *   refused        client, after connect: the connect must be refused
 *   noanswer:MS    client, after connect: the connect must still be pending
 *                  after MS ms; the socket is then closed
 *
 * On standard output, one line per event, flushed at once: "listening
 * ENDPOINT", "local ENDPOINT", "connected LOCAL PEER", "ok STEP", "done";
 * with -n above 1 each line starts with "I: ".  Any failure prints
 * "oracle_peer: ..." on standard error and exits 1; a usage error exits 2. */
#define _GNU_SOURCE

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

#define IO_TIMEOUT_MS 30000      /* any single blocking call */
#define TRICKLE_PERIOD_MS 100
#define MAX_STEPS 64
#define MAX_SCRIPTS 32
#define MAX_CONNS 1000
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
static bool many;                 /* -n above 1: prefix lines with the connection */
static int64_t t0_us = -1;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

_Noreturn static void die(int conn, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&out_lock);
    fflush(stdout);
    fprintf(stderr, "oracle_peer %s", prog_role);
    if (conn >= 0)
        fprintf(stderr, " #%d", conn);
    fputs(": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

_Noreturn static void usage(const char *why)
{
    fprintf(stderr, "oracle_peer: %s\n"
                    "usage: oracle_peer server|client ADDR PORT [-n N] [-b BASE] [-t S] SCRIPT...\n"
                    "  SCRIPT: comma-separated send:N recv:N waiteof waitrst trickle:N:MS shutwr\n"
                    "          sleep:MS at:MS hold connect close linger0 refused noanswer:MS\n", why);
    exit(2);
}

static void say(int conn, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&out_lock);
    if (many)
        printf("%d: ", conn);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    pthread_mutex_unlock(&out_lock);
}

static void on_alarm(int signo)
{
    static const char msg[] = "oracle_peer: gave up: the whole run took too long\n";
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
        { "sleep", STEP_SLEEP, 1 },     { "at", STEP_AT, 1 },
        { "hold", STEP_HOLD, 0 },       { "connect", STEP_CONNECT, 0 },
        { "close", STEP_CLOSE, 0 },     { "linger0", STEP_LINGER0, 0 },
        { "refused", STEP_REFUSED, 0 }, { "noanswer", STEP_NOANSWER, 1 },
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(word, table[i].name) != 0)
            continue;
        if (nargs != table[i].nargs) {
            fprintf(stderr, "oracle_peer: step '%s' takes %d argument(s)\n", st->text, table[i].nargs);
            usage("bad script");
        }
        st->kind = table[i].kind;
        st->n = st->ms = 0;
        if (nargs >= 1 && !parse_number(args[0], 100000000L, &st->n)) {
            fprintf(stderr, "oracle_peer: step '%s': bad number '%s'\n", st->text, args[0]);
            usage("bad script");
        }
        if (nargs >= 2 && !parse_number(args[1], 600000L, &st->ms)) {
            fprintf(stderr, "oracle_peer: step '%s': bad number '%s'\n", st->text, args[1]);
            usage("bad script");
        }
        if (st->kind == STEP_AT && t0_us < 0)
            usage("'at' needs ORACLE_T0_US in the environment");
        return;
    }
    fprintf(stderr, "oracle_peer: unknown step '%s'\n", st->text);
    usage("bad script");
}

static void parse_script(const char *text, struct script *sc, bool client)
{
    char *copy = strdup(text);
    if (!copy)
        die(-1, "out of memory");
    sc->count = 0;
    sc->connect_at = -1;
    bool closed = false;
    char *save = NULL;
    for (char *word = strtok_r(copy, ",", &save); word; word = strtok_r(NULL, ",", &save)) {
        if (sc->count == MAX_STEPS)
            usage("too many steps");
        if (closed)
            usage("no step may follow close, linger0, refused or noanswer");
        struct step *st = &sc->steps[sc->count];
        parse_step(word, st);
        if (st->kind == STEP_CONNECT) {
            if (!client || sc->connect_at >= 0)
                usage("'connect' is a client step, once");
            sc->connect_at = sc->count;
        }
        if ((st->kind == STEP_REFUSED || st->kind == STEP_NOANSWER) && !client)
            usage("'refused' and 'noanswer' are client steps");
        if (st->kind == STEP_CLOSE || st->kind == STEP_LINGER0 || st->kind == STEP_REFUSED ||
            st->kind == STEP_NOANSWER)
            closed = true;
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

static void local_endpoint(int conn, int fd, char *buf, size_t len)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
        die(conn, "getsockname: %s", strerror(errno));
    format_endpoint(&ss, buf, len);
}

static void set_nonblocking(int conn, int fd, bool on)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK) != 0)
        die(conn, "fcntl: %s", strerror(errno));
}

static void set_io_timeouts(int conn, int fd)
{
    struct timeval tv = { .tv_sec = IO_TIMEOUT_MS / 1000, .tv_usec = (IO_TIMEOUT_MS % 1000) * 1000 };
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0)
        die(conn, "setsockopt(SO_RCVTIMEO/SO_SNDTIMEO): %s", strerror(errno));
}

/* Waits up to ms for events on fd; returns 0 on timeout. */
static short wait_for(int conn, int fd, short events, int ms, const char *what)
{
    struct pollfd p = { .fd = fd, .events = events };
    for (;;) {
        int rc = poll(&p, 1, ms);
        if (rc > 0)
            return p.revents;
        if (rc == 0)
            return 0;
        if (errno != EINTR)
            die(conn, "%s: poll: %s", what, strerror(errno));
    }
}

/* ---- steps ------------------------------------------------------------ */

static void send_bytes(int conn, int fd, long n, const char *what)
{
    char buf[CHUNK];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)('a' + i % 26);
    while (n > 0) {
        size_t want = n < (long)sizeof buf ? (size_t)n : sizeof buf;
        ssize_t w = send(fd, buf, want, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                die(conn, "%s: send timed out after %d ms", what, IO_TIMEOUT_MS);
            die(conn, "%s: send: %s", what, strerror(errno));
        }
        n -= w;
    }
}

/* One read; returns bytes (0 at EOF), or -errno for a reset. */
static long read_some(int conn, int fd, char *buf, size_t len, const char *what)
{
    for (;;) {
        ssize_t r = recv(fd, buf, len, 0);
        if (r >= 0)
            return (long)r;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            die(conn, "%s: recv timed out after %d ms", what, IO_TIMEOUT_MS);
        if (errno == ECONNRESET)
            return -ECONNRESET;
        die(conn, "%s: recv: %s", what, strerror(errno));
    }
}

static void recv_exactly(int conn, int fd, long n, const char *what)
{
    char buf[CHUNK];
    long got = 0;
    while (got < n) {
        size_t want = n - got < (long)sizeof buf ? (size_t)(n - got) : sizeof buf;
        long r = read_some(conn, fd, buf, want, what);
        if (r == 0)
            die(conn, "%s: the peer closed after %ld of %ld bytes", what, got, n);
        if (r < 0)
            die(conn, "%s: connection reset after %ld of %ld bytes", what, got, n);
        got += r;
    }
}

static long drain(int conn, int fd, bool until_reset, const char *what)
{
    char buf[CHUNK];
    long total = 0;
    for (;;) {
        long r = read_some(conn, fd, buf, sizeof buf, what);
        if (r > 0) {
            total += r;
            continue;
        }
        if (r == 0 && !until_reset)
            return total;
        if (r < 0 && until_reset)
            return total;
        die(conn, "%s: expected %s, got %s after %ld bytes", what, until_reset ? "a reset" : "EOF",
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

/* Sleeps until t0 + ms on the realtime clock (no-op if already past). */
static void sleep_until(long ms)
{
    int64_t target = t0_us + (int64_t)ms * 1000;
    struct timespec ts = { .tv_sec = (time_t)(target / 1000000), .tv_nsec = (long)(target % 1000000) * 1000 };
    while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

static long trickle(int conn, int fd, long bytes, long ms, const char *what)
{
    int64_t end = monotonic_ms() + ms;
    long sends = 0;
    do {
        send_bytes(conn, fd, bytes, what);
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
    int fd;
    bool client;
    const struct script *sc;
    struct address addr;      /* client: where to connect */
    long bind_port;           /* client: local port, or -1 */
    struct sockaddr_storage peer;
    pthread_t thread;
};

/* Connects; returns false when a refused/noanswer step settled the script. */
static bool open_client(struct conn *c, const struct step *after)
{
    const struct address *a = &c->addr;
    int fd = socket(a->family, SOCK_STREAM, 0);
    if (fd < 0)
        die(c->index, "socket: %s", strerror(errno));
    if (c->bind_port >= 0) {
        int one = 1;
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
            die(c->index, "setsockopt(SO_REUSEADDR): %s", strerror(errno));
        struct sockaddr_storage local;
        memset(&local, 0, sizeof local);
        local.ss_family = (sa_family_t)a->family;
        if (a->family == AF_INET6)
            ((struct sockaddr_in6 *)&local)->sin6_port = htons((uint16_t)c->bind_port);
        else
            ((struct sockaddr_in *)&local)->sin_port = htons((uint16_t)c->bind_port);
        if (bind(fd, (struct sockaddr *)&local, a->len) != 0)
            die(c->index, "bind port %ld: %s", c->bind_port, strerror(errno));
    }
    set_nonblocking(c->index, fd, true);
    if (connect(fd, (const struct sockaddr *)&a->ss, a->len) != 0 && errno != EINPROGRESS)
        die(c->index, "connect: %s", strerror(errno));
    char ep[INET6_ADDRSTRLEN + 16];
    local_endpoint(c->index, fd, ep, sizeof ep);   /* the SYN is out: the port is known */
    say(c->index, "local %s", ep);

    if (after && after->kind == STEP_NOANSWER) {
        short ev = wait_for(c->index, fd, POLLOUT, (int)after->n, "connect");
        if (ev)
            die(c->index, "noanswer: the connect was answered");
        close(fd);
        say(c->index, "ok %s", after->text);
        return false;
    }
    if (!wait_for(c->index, fd, POLLOUT, IO_TIMEOUT_MS, "connect"))
        die(c->index, "connect: timed out after %d ms", IO_TIMEOUT_MS);
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
        die(c->index, "getsockopt(SO_ERROR): %s", strerror(errno));
    if (after && after->kind == STEP_REFUSED) {
        if (soerr == ECONNREFUSED) {
            close(fd);
            say(c->index, "ok %s", after->text);
            return false;
        }
        die(c->index, "connect: expected 'connection refused', got %s",
            soerr ? strerror(soerr) : "a connection");
    }
    if (soerr != 0)
        die(c->index, "connect: %s", strerror(soerr));
    set_nonblocking(c->index, fd, false);
    c->fd = fd;
    memcpy(&c->peer, &a->ss, a->len);
    return true;
}

static void run_step(struct conn *c, const struct step *st)
{
    const char *what = st->text;
    int i = c->index;
    switch (st->kind) {
    case STEP_SEND:
        send_bytes(i, c->fd, st->n, what);
        break;
    case STEP_RECV:
        recv_exactly(i, c->fd, st->n, what);
        break;
    case STEP_WAITEOF:
        say(i, "ok %s (%ld bytes before EOF)", what, drain(i, c->fd, false, what));
        return;
    case STEP_WAITRST:
        say(i, "ok %s (%ld bytes before the reset)", what, drain(i, c->fd, true, what));
        return;
    case STEP_TRICKLE:
        say(i, "ok %s (%ld sends)", what, trickle(i, c->fd, st->n, st->ms, what));
        return;
    case STEP_SHUTWR:
        if (shutdown(c->fd, SHUT_WR) != 0)
            die(i, "%s: shutdown: %s", what, strerror(errno));
        break;
    case STEP_SLEEP:
        sleep_ms(st->n);
        break;
    case STEP_AT:
        sleep_until(st->n);
        break;
    case STEP_HOLD:
        say(i, "holding");
        for (;;)
            pause();
    case STEP_LINGER0:
    case STEP_CLOSE:
        if (st->kind == STEP_LINGER0) {
            struct linger lg = { .l_onoff = 1, .l_linger = 0 };
            if (setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) != 0)
                die(i, "%s: setsockopt(SO_LINGER): %s", what, strerror(errno));
        }
        if (close(c->fd) != 0)
            die(i, "%s: close: %s", what, strerror(errno));
        c->fd = -1;
        break;
    case STEP_CONNECT:
    case STEP_REFUSED:
    case STEP_NOANSWER:
        return;   /* handled by open_client() */
    }
    say(i, "ok %s", what);
}

static void *run_conn(void *arg)
{
    struct conn *c = arg;
    const struct script *sc = c->sc;
    int first = 0;
    if (c->client) {
        int connect_at = sc->connect_at >= 0 ? sc->connect_at : -1;
        for (int s = 0; s < connect_at; s++)
            run_step(c, &sc->steps[s]);
        first = connect_at + 1;
        const struct step *after = first < sc->count ? &sc->steps[first] : NULL;
        if (!open_client(c, after))
            return NULL;
    }
    set_io_timeouts(c->index, c->fd);
    char local[INET6_ADDRSTRLEN + 16], remote[INET6_ADDRSTRLEN + 16];
    local_endpoint(c->index, c->fd, local, sizeof local);
    say(c->index, "connected %s %s", local, format_endpoint(&c->peer, remote, sizeof remote));
    for (int s = first; s < sc->count; s++)
        run_step(c, &sc->steps[s]);
    if (c->fd >= 0)
        close(c->fd);
    say(c->index, "done");
    return NULL;
}

static void start(struct conn *c)
{
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setstacksize(&at, 256 * 1024);
    int rc = pthread_create(&c->thread, &at, run_conn, c);
    if (rc != 0)
        die(c->index, "pthread_create: %s", strerror(rc));
    pthread_attr_destroy(&at);
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
    long n = 1, base = -1, timeout = 60;
    int argi = 4;
    while (argi < argc && argv[argi][0] == '-') {
        const char *o = argv[argi];
        if (argi + 1 >= argc)
            usage("option without a value");
        long *dst = strcmp(o, "-n") == 0 ? &n : strcmp(o, "-b") == 0 ? &base :
                    strcmp(o, "-t") == 0 ? &timeout : NULL;
        if (!dst || !parse_number(argv[argi + 1], 65535, dst))
            usage("bad option");
        argi += 2;
    }
    if (n < 1 || n > MAX_CONNS)
        usage("-n is 1 to 1000");
    int nscripts = argc - argi;
    if (nscripts < 1 || nscripts > MAX_SCRIPTS)
        usage("one to 32 scripts");
    static struct script scripts[MAX_SCRIPTS];
    for (int s = 0; s < nscripts; s++)
        parse_script(argv[argi + s], &scripts[s], client);
    many = n > 1;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    if (timeout > 0)
        alarm((unsigned)timeout);

    static struct conn conns[MAX_CONNS];
    if (client) {
        for (int i = 0; i < n; i++) {
            struct conn *c = &conns[i];
            c->index = i;
            c->fd = -1;
            c->client = true;
            c->sc = &scripts[i % nscripts];
            c->addr = addr;
            c->bind_port = base >= 0 ? base + i : -1;
            start(c);
        }
    } else {
        int fd = socket(addr.family, SOCK_STREAM, 0);
        if (fd < 0)
            die(-1, "socket: %s", strerror(errno));
        int one = 1;
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
            die(-1, "setsockopt(SO_REUSEADDR): %s", strerror(errno));
        if (addr.family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
            die(-1, "setsockopt(IPV6_V6ONLY): %s", strerror(errno));
        if (bind(fd, (const struct sockaddr *)&addr.ss, addr.len) != 0)
            die(-1, "bind: %s", strerror(errno));
        if (listen(fd, 512) != 0)
            die(-1, "listen: %s", strerror(errno));
        char ep[INET6_ADDRSTRLEN + 16];
        local_endpoint(-1, fd, ep, sizeof ep);
        pthread_mutex_lock(&out_lock);
        printf("listening %s\n", ep);
        fflush(stdout);
        pthread_mutex_unlock(&out_lock);
        bool taken[MAX_CONNS] = { false };
        for (int accepted = 0; accepted < n; accepted++) {
            struct sockaddr_storage peer;
            socklen_t pl = sizeof peer;
            int cfd = accept(fd, (struct sockaddr *)&peer, &pl);
            if (cfd < 0) {
                if (errno == EINTR || errno == ECONNABORTED) {
                    accepted--;
                    continue;
                }
                die(-1, "accept: %s", strerror(errno));
            }
            int idx = accepted;
            if (base >= 0) {
                long k = (long)port_of(&peer) - base;
                if (k < 0 || k >= n || taken[k])
                    die(-1, "accept: unexpected peer port %u", port_of(&peer));
                idx = (int)k;
            }
            taken[idx] = true;
            struct conn *c = &conns[idx];
            c->index = idx;
            c->fd = cfd;
            c->client = false;
            c->sc = &scripts[idx % nscripts];
            c->peer = peer;
            c->bind_port = -1;
            start(c);
        }
        close(fd);   /* all connections taken */
    }
    for (int i = 0; i < n; i++)
        if (conns[i].thread)
            pthread_join(conns[i].thread, NULL);
    say(-1, "done");
    return 0;
}
