/* options.h - the command line, parsed into one struct (no option globals). */
#ifndef WIRESTATE_CLI_OPTIONS_H
#define WIRESTATE_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "wirestate/capture.h"
#include "wirestate/error.h"
#include "wirestate/report.h"
#include "wirestate/tracker.h"

struct ws_options {
    const char *read_file;        /* -r */
    const char *interface;        /* -i */
    const char *user;             /* -Z: run as this user once the capture is open */
    bool list_interfaces;         /* -D */
    bool show_help, show_version;
    bool quiet;                   /* -q: no summary on stderr */
    bool json;                    /* --json */
    bool table;                   /* --table */
    bool no_events;               /* --no-events: track and count, print no events */
    bool flows;                   /* --flows: flow records in text output too */
    double interval_s;            /* --interval: live table every S seconds, 0 = off */
    int64_t count;                /* -c: stop after this many packets, 0 = no limit */
    enum ws_state_names names;    /* --names */
    enum ws_time_format time_format;
    struct ws_live_options live;
    struct ws_tracker_config tracker;
    char *filter;                 /* BPF expression from the remaining words, or NULL */
};

/* Fills *o; WS_ERR_USAGE with a message on a bad command line. */
enum ws_status ws_options_parse(struct ws_options *o, int argc, char **argv, struct ws_error *err);
void ws_options_free(struct ws_options *o);
void ws_options_usage(FILE *out);

#endif
