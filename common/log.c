/* klog-style line writer. Each line is built in one buffer and written with one fwrite under
 * the stream lock, so lines from several threads never interleave. */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 4096

static atomic_int verbosity_level;
static char component_name[64];
static FILE *_Atomic log_out;

void log_init(const char *component, int verbosity)
{
    snprintf(component_name, sizeof component_name, "%s", component ? component : "");
    atomic_store(&verbosity_level, verbosity);
}

void log_set_verbosity(int verbosity)
{
    atomic_store(&verbosity_level, verbosity);
}

int log_verbosity(void)
{
    return atomic_load(&verbosity_level);
}

bool log_v_enabled(int level)
{
    return level <= atomic_load(&verbosity_level);
}

void log_set_output(FILE *out)
{
    atomic_store(&log_out, out);
}

/* Appends s quoted, escaping quotes, backslashes and control characters; returns the new length. */
static size_t append_quoted(char *buf, size_t len, size_t cap, const char *s)
{
    if (len < cap) {
        buf[len++] = '"';
    }
    for (; *s != '\0' && len + 4 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            buf[len++] = '\\';
            buf[len++] = (char)c;
        } else if (c == '\n') {
            buf[len++] = '\\';
            buf[len++] = 'n';
        } else if (c < 0x20) {
            len += (size_t)snprintf(buf + len, cap - len, "\\x%02x", c);
        } else {
            buf[len++] = (char)c;
        }
    }
    if (len < cap) {
        buf[len++] = '"';
    }
    return len;
}

void log_emit(enum log_severity sev, const char *file, int line, const char *msg,
              const char *fields, ...)
{
    static const char letters[] = {'I', 'W', 'E'};
    char buf[LOG_LINE_MAX];
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;

    int n = snprintf(buf, sizeof buf, "%c%02d%02d %02d:%02d:%02d.%06ld %7ld %s:%d] ", letters[sev],
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)tv.tv_usec,
                     (long)syscall(SYS_gettid), base, line);
    size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
    len = append_quoted(buf, len, sizeof buf, msg);
    if (component_name[0] != '\0' && len < sizeof buf) {
        len += (size_t)snprintf(buf + len, sizeof buf - len, " component=\"%s\"", component_name);
    }
    if (fields != NULL && fields[0] != '\0' && len + 1 < sizeof buf) {
        buf[len++] = ' ';
        va_list ap;
        va_start(ap, fields);
        len += (size_t)vsnprintf(buf + len, sizeof buf - len, fields, ap);
        va_end(ap);
    }
    if (len > sizeof buf - 2) {
        len = sizeof buf - 2;
    }
    buf[len++] = '\n';

    FILE *out = atomic_load(&log_out);
    if (out == NULL) {
        out = stderr;
    }
    flockfile(out);
    fwrite(buf, 1, len, out);
    fflush(out);
    funlockfile(out);
}
