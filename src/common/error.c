/* error.c - formatting of error values. */
#include "wirestate/error.h"

#include <stdio.h>

enum ws_status ws_fail(struct ws_error *err, enum ws_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        err->status = status;
    }
    return status;
}
