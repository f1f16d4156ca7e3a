/* privileges.h - giving up root once the capture is open, as tcpdump does. */
#ifndef WIRESTATE_CLI_PRIVILEGES_H
#define WIRESTATE_CLI_PRIVILEGES_H

#include "wirestate/error.h"

/* The user taken when -Z is not given: a dedicated one if it exists. */
#define WS_DEFAULT_USERS { "wirestate", "nobody" }

/* Running as root: switch to user (NULL: the default), with its group and no
 * supplementary groups, and forbid regaining privileges.  "root" keeps root.
 * Not running as root: nothing to do. */
enum ws_status ws_drop_privileges(const char *user, struct ws_error *err);

#endif
