/* Leveled logging in klog's shape, one line per event on stderr:
 *   I1122 15:20:01.123456    4242 replicaset.c:88] "synced" component="c8s-store" key=default/web
 * Severity letter, time, thread id, source, the quoted message, then key=value fields.
 * LOG_V(n, ...) checks the verbosity before formatting (klog's V(n)). Thread-safe. */
#ifndef C8S_LOG_H
#define C8S_LOG_H

#include <stdbool.h>
#include <stdio.h>

#include "err.h"

enum log_severity {
    LOG_SEV_INFO,
    LOG_SEV_WARNING,
    LOG_SEV_ERROR,
};

/* Sets the component name printed on every line (copied) and the verbosity (-v N). */
void log_init(const char *component, int verbosity);
void log_set_verbosity(int verbosity);
int log_verbosity(void);
bool log_v_enabled(int level);

/* Redirects output (borrowed; NULL means stderr again). For tests and --log-file. */
void log_set_output(FILE *out);

/* msg is printed quoted and escaped; fields is a printf format for the key=value part, or NULL. */
void log_emit(enum log_severity sev, const char *file, int line, const char *msg,
              const char *fields, ...) C8S_FMT(5, 6);

/* LOG_I("synced", "key=%s took_ms=%d", key, ms); LOG_I("starting", NULL); */
#define LOG_I(...) log_emit(LOG_SEV_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define LOG_W(...) log_emit(LOG_SEV_WARNING, __FILE__, __LINE__, __VA_ARGS__)
#define LOG_E(...) log_emit(LOG_SEV_ERROR, __FILE__, __LINE__, __VA_ARGS__)
#define LOG_V(level, ...)                                            \
    do {                                                             \
        if (log_v_enabled(level)) {                                  \
            log_emit(LOG_SEV_INFO, __FILE__, __LINE__, __VA_ARGS__); \
        }                                                            \
    } while (0)

#endif
