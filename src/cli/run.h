/* run.h - the capture loop: packets -> decoder -> tracker -> reporter. */
#ifndef WIRESTATE_CLI_RUN_H
#define WIRESTATE_CLI_RUN_H

#include <signal.h>

#include "options.h"

/* Set by signal handlers, read by the loop. */
struct ws_signals {
    volatile sig_atomic_t stop;
    volatile sig_atomic_t print_table;
};

/* Returns the process exit status: 0, 1 (runtime error) or 2 (usage). */
int ws_run(const struct ws_options *o, struct ws_signals *sig, struct ws_capture *cap);

#endif
