/* Timestamps as Kubernetes writes them: metav1.Time ("2026-11-23T10:11:12Z", UTC, whole seconds)
 * and metav1.MicroTime ("2026-11-23T10:11:12.123456Z"), parsed as Go's time.Parse(RFC3339) does,
 * plus the AGE text kubectl prints (apimachinery util/duration HumanDuration). */
#ifndef C8S_K8STIME_H
#define C8S_K8STIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

/* Every formatted timestamp or age fits in this many bytes, terminator included. */
#define K8STIME_STR_MAX 40

/* Parses any RFC 3339 timestamp Go accepts ("2026-11-23T10:11:12Z", "...12.5+02:00", fractions
 * past nanoseconds truncated) into *out (UTC seconds since the epoch and nanoseconds). Errors
 * (-EINVAL) carry Go's text, e.g. `parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse
 * "x" as "2006"` or `parsing time "2026-02-30T00:00:00Z": day out of range`. Thread-safe. */
int k8stime_parse(const char *s, struct timespec *out, struct err *err) C8S_MUST_USE;

/* Writes t as metav1.Time marshals it ("2026-11-23T10:11:12Z"; nanoseconds dropped). Returns buf.
 */
char *k8stime_format(const struct timespec *t, char buf[K8STIME_STR_MAX]);

/* Writes t as metav1.MicroTime marshals it ("2026-11-23T10:11:12.123456Z"). Returns buf. */
char *k8stime_format_micro(const struct timespec *t, char buf[K8STIME_STR_MAX]);

/* The current time (CLOCK_REALTIME). */
struct timespec k8stime_now(void);

/* duration.HumanDuration: "5s", "3m2s", "10h", "2d3h", "400d", "3y41d", "<invalid>" for
 * negative ages below -1s. d is in nanoseconds. Returns buf. */
char *k8stime_human_duration(int64_t d, char buf[K8STIME_STR_MAX]);

/* duration.ShortHumanDuration: one unit only ("5s", "3m", "10h", "2d", "3y"). Returns buf. */
char *k8stime_short_human_duration(int64_t d, char buf[K8STIME_STR_MAX]);

#endif
