/* privileges.c - setgroups, setgid, setuid, then make sure root cannot come back. */
#include "privileges.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static const struct passwd *find_user(const char *user, struct ws_error *err)
{
    if (user) {
        const struct passwd *pw = getpwnam(user);
        if (!pw)
            ws_fail(err, WS_ERR_RUNTIME, "-Z %s: no such user", user);
        return pw;
    }
    static const char *const defaults[] = WS_DEFAULT_USERS;
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        const struct passwd *pw = getpwnam(defaults[i]);
        if (pw)
            return pw;
    }
    ws_fail(err, WS_ERR_RUNTIME, "no unprivileged user to run as (tried wirestate, nobody); use -Z USER or -Z root");
    return NULL;
}

enum ws_status ws_drop_privileges(const char *user, struct ws_error *err)
{
    if (geteuid() != 0)
        return WS_OK;
    if (user && strcmp(user, "root") == 0)
        return WS_OK;
    const struct passwd *pw = find_user(user, err);
    if (!pw)
        return WS_ERR_RUNTIME;
    uid_t uid = pw->pw_uid;
    gid_t gid = pw->pw_gid;
    const char *name = pw->pw_name;
    if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
        return ws_fail(err, WS_ERR_RUNTIME, "cannot switch to user %s: %s", name, strerror(errno));
    /* setuid from root to non-root drops every capability; make sure. */
    if (uid != 0 && (setuid(0) == 0 || geteuid() == 0))
        return ws_fail(err, WS_ERR_RUNTIME, "still able to regain root after switching to %s", name);
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    return WS_OK;
}
