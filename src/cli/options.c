/* options.c - tcpdump-style flags plus wirestate's own long options. */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wirestate/config.h"

enum long_only {
    OPT_JSON = 256, OPT_TABLE, OPT_NO_EVENTS, OPT_FLOWS, OPT_INTERVAL, OPT_NAMES, OPT_MSL, OPT_HALF_CLOSED,
    OPT_SYN_TIMEOUT, OPT_IDLE_TIMEOUT, OPT_MAX_FLOWS,
};

static const struct option long_options[] = {
    { "read", required_argument, NULL, 'r' },
    { "interface", required_argument, NULL, 'i' },
    { "list-interfaces", no_argument, NULL, 'D' },
    { "no-promiscuous-mode", no_argument, NULL, 'p' },
    { "snapshot-length", required_argument, NULL, 's' },
    { "buffer-size", required_argument, NULL, 'B' },
    { "count", required_argument, NULL, 'c' },
    { "quiet", no_argument, NULL, 'q' },
    { "relinquish-privileges", required_argument, NULL, 'Z' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { "json", no_argument, NULL, OPT_JSON },
    { "table", no_argument, NULL, OPT_TABLE },
    { "no-events", no_argument, NULL, OPT_NO_EVENTS },
    { "flows", no_argument, NULL, OPT_FLOWS },
    { "interval", required_argument, NULL, OPT_INTERVAL },
    { "names", required_argument, NULL, OPT_NAMES },
    { "msl", required_argument, NULL, OPT_MSL },
    { "half-closed", required_argument, NULL, OPT_HALF_CLOSED },
    { "syn-timeout", required_argument, NULL, OPT_SYN_TIMEOUT },
    { "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
    { "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
    { NULL, 0, NULL, 0 },
};

void ws_options_usage(FILE *out)
{
    fputs("usage: wirestate -r FILE [options] [BPF expression]\n"
          "       wirestate -i IFACE [options] [BPF expression]\n"
          "       wirestate -D\n"
          "Infers each side's TCP state (RFC 9293) from the wire and reports every transition.\n"
          "\n"
          "  -r FILE            read a pcap/pcapng file ('-' for standard input)\n"
          "  -i IFACE           capture live on IFACE ('any' for all), as root\n"
          "  -D                 list interfaces\n"
          "  -p                 do not put the interface in promiscuous mode\n"
          "  -s SNAPLEN         bytes to capture per packet (default 256: headers; 0 = 262144)\n"
          "  -B KIB             kernel capture buffer size in KiB (default 8192)\n"
          "  -c COUNT           stop after COUNT packets\n"
          "  -t, -tt, -ttt, -tttt, -ttttt\n"
          "                     time format as tcpdump: none, epoch, delta, date, since first\n"
          "  -n                 accepted for tcpdump habits; addresses are always numeric\n"
          "  -q                 no summary on standard error\n"
          "  -Z USER            as root: run as USER once the capture is open (default: wirestate\n"
          "                     if that user exists, else nobody; -Z root keeps root)\n"
          "  --json             JSON Lines instead of text\n"
          "  --table            print a netstat-style table of endpoints at the end\n"
          "  --no-events        print no events, only the table and summary (still counted)\n"
          "  --flows            text: also one line per ended connection (JSON always has them)\n"
          "  --interval S       live: also print the table every S seconds\n"
          "  --names rfc|netstat  state spelling in text (default rfc: SYN_RECEIVED, FIN_WAIT_1)\n"
          "  --msl S            maximum segment lifetime; TIME_WAIT lasts 2*S (default 30)\n"
          "  --half-closed S    report endpoints in CLOSE_WAIT/FIN_WAIT_2 this long (default 60, 0 off)\n"
          "  --syn-timeout S    give up on an unanswered handshake after S silent seconds (default 64)\n"
          "  --idle-timeout S   forget flows idle this long (default 3600)\n"
          "  --max-flows N      flow table limit; the least recently active is evicted (default 262144)\n"
          "  -h, --help         this text;  -V, --version  the version\n"
          "Signals: SIGINT/SIGTERM stop cleanly; SIGUSR1 prints the table.  See wirestate(1).\n",
          out);
}

static enum ws_status parse_seconds(const char *opt, const char *text, bool zero_ok, int64_t *us,
                                    struct ws_error *err)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end != '\0' || !isfinite(v) || v < 0 || (v == 0 && !zero_ok) ||
        v > 1e9)
        return ws_fail(err, WS_ERR_USAGE, "%s: '%s' is not a %snumber of seconds", opt, text,
                       zero_ok ? "" : "positive ");
    *us = (int64_t)llround(v * WS_USEC_PER_SEC);
    return WS_OK;
}

static enum ws_status parse_count(const char *opt, const char *text, long long min, long long max,
                                  long long *out, struct ws_error *err)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < min || v > max)
        return ws_fail(err, WS_ERR_USAGE, "%s: '%s' is not a whole number from %lld to %lld", opt,
                       text, min, max);
    *out = v;
    return WS_OK;
}

/* The words after the options form one BPF expression, as with tcpdump. */
static enum ws_status join_filter(struct ws_options *o, int argc, char **argv, struct ws_error *err)
{
    size_t len = 0;
    for (int i = optind; i < argc; i++)
        len += strlen(argv[i]) + 1;
    if (len == 0)
        return WS_OK;
    o->filter = malloc(len);
    if (!o->filter)
        return ws_fail(err, WS_ERR_RUNTIME, "out of memory");
    o->filter[0] = '\0';
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            strcat(o->filter, " ");
        strcat(o->filter, argv[i]);
    }
    return WS_OK;
}

static enum ws_status parse_one(struct ws_options *o, int c, int *t_count, struct ws_error *err)
{
    long long n = 0;
    enum ws_status st = WS_OK;
    switch (c) {
    case 'r': o->read_file = optarg; break;
    case 'i': o->interface = optarg; break;
    case 'Z': o->user = optarg; break;
    case 'D': o->list_interfaces = true; break;
    case 'p': o->live.promiscuous = false; break;
    case 'n': break;
    case 'q': o->quiet = true; break;
    case 't': (*t_count)++; break;
    case 'h': o->show_help = true; break;
    case 'V': o->show_version = true; break;
    case 's':
        if ((st = parse_count("-s", optarg, 0, WS_MAX_SNAPLEN, &n, err)) == WS_OK)
            o->live.snaplen = n == 0 ? WS_MAX_SNAPLEN : (int)n;
        break;
    case 'B':
        if ((st = parse_count("-B", optarg, 1, 4 * 1024 * 1024, &n, err)) == WS_OK)
            o->live.buffer_kib = (int)n;
        break;
    case 'c':
        if ((st = parse_count("-c", optarg, 1, INT64_MAX, &n, err)) == WS_OK)
            o->count = n;
        break;
    case OPT_JSON: o->json = true; break;
    case OPT_TABLE: o->table = true; break;
    case OPT_NO_EVENTS: o->no_events = true; break;
    case OPT_FLOWS: o->flows = true; break;
    case OPT_INTERVAL: {
        int64_t us;
        if ((st = parse_seconds("--interval", optarg, false, &us, err)) == WS_OK)
            o->interval_s = (double)us / WS_USEC_PER_SEC;
        break;
    }
    case OPT_NAMES:
        if (strcmp(optarg, "rfc") == 0)
            o->names = WS_NAMES_RFC;
        else if (strcmp(optarg, "netstat") == 0)
            o->names = WS_NAMES_NETSTAT;
        else
            st = ws_fail(err, WS_ERR_USAGE, "--names: '%s' is not 'rfc' or 'netstat'", optarg);
        break;
    case OPT_MSL: st = parse_seconds("--msl", optarg, false, &o->tracker.msl_us, err); break;
    case OPT_HALF_CLOSED:
        st = parse_seconds("--half-closed", optarg, true, &o->tracker.half_closed_us, err);
        break;
    case OPT_SYN_TIMEOUT:
        st = parse_seconds("--syn-timeout", optarg, false, &o->tracker.syn_timeout_us, err);
        break;
    case OPT_IDLE_TIMEOUT:
        st = parse_seconds("--idle-timeout", optarg, false, &o->tracker.idle_timeout_us, err);
        break;
    case OPT_MAX_FLOWS:
        if ((st = parse_count("--max-flows", optarg, 1, WS_FLOW_MAX_INDEX, &n, err)) == WS_OK)
            o->tracker.max_flows = (size_t)n;
        break;
    default:
        st = ws_fail(err, WS_ERR_USAGE, "unknown or incomplete option (wirestate --help lists them)");
    }
    return st;
}

static enum ws_status check_modes(const struct ws_options *o, struct ws_error *err)
{
    if (o->show_help || o->show_version)
        return WS_OK;
    int modes = (o->read_file != NULL) + (o->interface != NULL) + o->list_interfaces;
    if (modes == 0)
        return ws_fail(err, WS_ERR_USAGE, "nothing to read: give -r FILE or -i IFACE");
    if (modes > 1)
        return ws_fail(err, WS_ERR_USAGE, "-r, -i and -D exclude each other");
    if (o->interval_s > 0 && !o->interface)
        return ws_fail(err, WS_ERR_USAGE, "--interval works with live capture (-i) only");
    return WS_OK;
}

/* getopt leaves the offending short option in optopt; a long one is named by
 * the word it came from. */
static enum ws_status bad_option(int c, char **argv, struct ws_error *err)
{
    const char *what = c == ':' ? "option needs an argument" : "unknown option";
    if (optopt > 0 && optopt < 128 && isalnum(optopt))
        return ws_fail(err, WS_ERR_USAGE, "%s: -%c", what, optopt);
    return ws_fail(err, WS_ERR_USAGE, "%s: %s", what, argv[optind - 1]);
}

static const enum ws_time_format t_formats[] = {
    WS_TIME_CLOCK, WS_TIME_NONE, WS_TIME_EPOCH, WS_TIME_DELTA, WS_TIME_DATE, WS_TIME_SINCE_FIRST,
};

enum ws_status ws_options_parse(struct ws_options *o, int argc, char **argv, struct ws_error *err)
{
    memset(o, 0, sizeof *o);
    o->live.snaplen = WS_DEFAULT_SNAPLEN;
    o->live.buffer_kib = WS_DEFAULT_BUFFER_KIB;
    o->live.promiscuous = true;
    ws_tracker_config_defaults(&o->tracker);
    int t_count = 0, c;
    optind = 1;
    opterr = 0;   /* we word the message ourselves */
    while ((c = getopt_long(argc, argv, ":r:i:Dps:B:c:ntqhVZ:", long_options, NULL)) != -1) {
        if (c == '?' || c == ':')
            return bad_option(c, argv, err);
        enum ws_status st = parse_one(o, c, &t_count, err);
        if (st != WS_OK)
            return st;
    }
    if (t_count > 5)
        return ws_fail(err, WS_ERR_USAGE, "-t given %d times; -t to -ttttt are the time formats", t_count);
    o->time_format = t_formats[t_count];
    enum ws_status st = join_filter(o, argc, argv, err);
    if (st != WS_OK)
        return st;
    return check_modes(o, err);
}

void ws_options_free(struct ws_options *o)
{
    free(o->filter);
    o->filter = NULL;
}
