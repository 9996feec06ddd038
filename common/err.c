/* struct err helpers: bounded messages (no allocation on error paths, as raft's errmsg). */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct err *e, int code, const char *fmt, ...)
{
    if (e != NULL) {
        va_list ap;
        va_start(ap, fmt);
        e->code = code;
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return -code;
}

int err_wrap(struct err *e, const char *fmt, ...)
{
    if (e == NULL) {
        return -EIO;
    }
    char context[ERR_MSG_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(context, sizeof context, fmt, ap);
    va_end(ap);
    /* Room for both whole parts, so the compiler sees no truncation; then cut to size. */
    char joined[2 * ERR_MSG_SIZE + 2];
    snprintf(joined, sizeof joined, "%s: %s", context, e->msg);
    snprintf(e->msg, sizeof e->msg, "%.*s", ERR_MSG_SIZE - 1, joined);
    return -e->code;
}

void err_clear(struct err *e)
{
    e->code = 0;
    e->msg[0] = '\0';
}

const char *err_code_name(int code)
{
    switch (code) {
#define C8S_ERR_NAME(name, value, text) \
    case value:                         \
        return #name;
        C8S_ERR_CODES(C8S_ERR_NAME)
#undef C8S_ERR_NAME
    case 0:
        return "OK";
    case ENOENT:
        return "ENOENT";
    case EINVAL:
        return "EINVAL";
    case ENOMEM:
        return "ENOMEM";
    case EIO:
        return "EIO";
    case ETIMEDOUT:
        return "ETIMEDOUT";
    case ECONNREFUSED:
        return "ECONNREFUSED";
    case EEXIST:
        return "EEXIST";
    case EACCES:
        return "EACCES";
    case EAGAIN:
        return "EAGAIN";
    case ERANGE:
        return "ERANGE";
    case ENOSPC:
        return "ENOSPC";
    case EPROTO:
        return "EPROTO";
    default:
        return "EUNKNOWN";
    }
}

const char *err_code_text(int code)
{
    switch (code) {
#define C8S_ERR_TEXT(name, value, text) \
    case value:                         \
        return text;
        C8S_ERR_CODES(C8S_ERR_TEXT)
#undef C8S_ERR_TEXT
    default:
        return strerror(code);
    }
}
