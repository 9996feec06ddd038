/* Error reporting shared by every module (crun's pattern): a fallible function returns 0 or a
 * negative code and, when the caller passes a struct err, fills it with a code and a message.
 * On success the struct is left untouched. Only main or a request handler prints it. */
#ifndef C8S_ERR_H
#define C8S_ERR_H

#include <stdbool.h>

#define C8S_FMT(a, b) __attribute__((format(printf, a, b)))
#define C8S_MUST_USE  __attribute__((warn_unused_result))

/* c8s's own codes start above errno's range. X(name, value, text) */
#define C8S_ERR_CODES(X)                       \
    X(C8S_EINVALID, 4096, "invalid")           \
    X(C8S_ECONFLICT, 4097, "conflict")         \
    X(C8S_EGONE, 4098, "gone")                 \
    X(C8S_EFORBIDDEN, 4099, "forbidden")       \
    X(C8S_EUNAUTHORIZED, 4100, "unauthorized") \
    X(C8S_ETOOMANY, 4101, "too many requests") \
    X(C8S_EEXISTS, 4102, "already exists")     \
    X(C8S_ENOTLEADER, 4103, "not leader")      \
    X(C8S_ECOMPACTED, 4104, "compacted")       \
    X(C8S_EFUTURE, 4105, "future revision")    \
    X(C8S_ETOOLARGE, 4106, "too large")        \
    X(C8S_EHTTP, 4107, "http error")           \
    X(C8S_EPARSE, 4108, "parse error")

enum c8s_err_code {
#define C8S_ERR_ENUM(name, value, text) name = value,
    C8S_ERR_CODES(C8S_ERR_ENUM)
#undef C8S_ERR_ENUM
};

#define ERR_MSG_SIZE 256

struct err {
    int code;               /* positive: an errno value or a C8S_E* code */
    char msg[ERR_MSG_SIZE]; /* one line, no trailing newline */
};

/* Fills e (when not NULL) with code and the formatted message; returns -code so that failing
 * takes one line: `return err_set(err, EINVAL, "bad flag %s", name);`. */
int err_set(struct err *e, int code, const char *fmt, ...) C8S_FMT(3, 4);

/* Prefixes e's message with context ("context: old message"); returns -e->code.
 * With e NULL returns -EIO, since the code is unknown. */
int err_wrap(struct err *e, const char *fmt, ...) C8S_FMT(2, 3);

/* Empties e (code 0, empty message). */
void err_clear(struct err *e);

/* A short static name for a code: "ENOENT", "C8S_ECONFLICT", or "E123" when unknown. Never NULL. */
const char *err_code_name(int code);

/* A static text for a code: strerror's for errno values, the table's for c8s codes. */
const char *err_code_text(int code);

#endif
