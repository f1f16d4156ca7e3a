/* error.h - errors are values: a code and a one-line message. */
#ifndef WIRESTATE_ERROR_H
#define WIRESTATE_ERROR_H

#include <stdarg.h>

enum ws_status {
    WS_OK = 0,
    WS_ERR_RUNTIME = 1,   /* exit status 1: file, capture, permission, memory */
    WS_ERR_USAGE = 2,     /* exit status 2: the command line is wrong */
};

struct ws_error {
    enum ws_status status;
    char message[512];
};

/* Sets *err (if not NULL) and returns status, so callers can write
 * `return ws_fail(err, WS_ERR_RUNTIME, "%s: %s", path, strerror(errno));` */
enum ws_status ws_fail(struct ws_error *err, enum ws_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
