/* main.c - wirestate: netstat for a network tap.  Parses the command line,
 * opens the capture, and hands over to the loop in run.c. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "privileges.h"
#include "run.h"
#include "wirestate/decode.h"

static struct ws_signals signals_seen;
static struct ws_capture *active_capture;

static void on_stop(int signo)
{
    (void)signo;
    signals_seen.stop = 1;
    if (active_capture)
        ws_capture_break(active_capture);
}

static void on_usr1(int signo)
{
    (void)signo;
    signals_seen.print_table = 1;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;     /* no SA_RESTART: a blocked read returns */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
}

static int fail(const struct ws_error *err)
{
    fprintf(stderr, "wirestate: %s\n", err->message);
    if (err->status == WS_ERR_USAGE)
        fprintf(stderr, "usage: wirestate -r FILE | -i IFACE [options] [expression]  (--help for more)\n");
    return err->status;
}

static enum ws_status open_capture(const struct ws_options *o, struct ws_capture *cap,
                                   struct ws_error *err)
{
    enum ws_status st = o->read_file ? ws_capture_open_offline(cap, o->read_file, err)
                                     : ws_capture_open_live(cap, o->interface, &o->live, err);
    if (st != WS_OK)
        return st;
    if (!ws_decode_link_supported(cap->dlt)) {
        char name[64];
        ws_fail(err, WS_ERR_RUNTIME, "%s: link type %s (%d) is not supported; wirestate decodes %s",
                cap->source, ws_capture_link_name(cap->dlt, name, sizeof name), cap->dlt,
                ws_decode_supported_links());
        ws_capture_close(cap);
        return WS_ERR_RUNTIME;
    }
    if (o->filter && (st = ws_capture_set_filter(cap, o->filter, err)) != WS_OK)
        ws_capture_close(cap);
    return st;
}

int main(int argc, char **argv)
{
    struct ws_options opt;
    struct ws_error err = { 0 };
    if (ws_options_parse(&opt, argc, argv, &err) != WS_OK) {
        ws_options_free(&opt);
        return fail(&err);
    }
    int status = 0;
    if (opt.show_help) {
        ws_options_usage(stdout);
    } else if (opt.show_version) {
        printf("wirestate %s (%s)\n", WS_VERSION, pcap_lib_version());
    } else if (opt.list_interfaces) {
        if (ws_capture_list_interfaces(stdout, &err) != WS_OK)
            status = fail(&err);
    } else {
        struct ws_capture cap;
        if (open_capture(&opt, &cap, &err) != WS_OK) {
            status = fail(&err);
        } else if (ws_drop_privileges(opt.user, &err) != WS_OK) {
            ws_capture_close(&cap);
            status = fail(&err);
        } else {
            active_capture = &cap;
            install_signals();
            status = ws_run(&opt, &signals_seen, &cap);
            active_capture = NULL;
            ws_capture_close(&cap);
        }
    }
    ws_options_free(&opt);
    return status;
}
