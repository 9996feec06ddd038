/* Durations in Go's time.Duration text form, which Kubernetes flags and fields use:
 * "300ms", "1.5h", "2h45m", "-1m30s", units ns us µs ms s m h. Values are int64 nanoseconds. */
#ifndef C8S_DURATION_H
#define C8S_DURATION_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define DURATION_NS     INT64_C(1)
#define DURATION_US     INT64_C(1000)
#define DURATION_MS     INT64_C(1000000)
#define DURATION_SECOND INT64_C(1000000000)
#define DURATION_MINUTE (60 * DURATION_SECOND)
#define DURATION_HOUR   (60 * DURATION_MINUTE)

/* Parses s as Go's time.ParseDuration does ("0" alone needs no unit). Errors: -EINVAL with
 * Go's message (`time: invalid duration "x"`, `time: missing unit in duration "1"`), -ERANGE on
 * overflow. */
int duration_parse(const char *s, int64_t *out_ns, struct err *err) C8S_MUST_USE;

/* Writes d as Go's Duration.String() does ("1h0m0s", "1.5s", "100ms", "0s") into buf; returns buf.
 * 32 bytes always suffice. */
char *duration_format(int64_t d, char *buf, size_t size);

#endif
