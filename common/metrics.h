/* Prometheus metrics rendered in the text exposition format 0.0.4 exactly as client_golang's
 * registry serves it (expfmt text_create.go): families sorted by name, series sorted by label
 * values, label pairs sorted by name with a histogram's le last, Go's shortest float text.
 * Thread-safe: each metric has its own mutex; the registry's mutex guards the list of metrics. */
#ifndef C8S_METRICS_H
#define C8S_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct metrics_registry;
struct metrics_counter;
struct metrics_gauge;
struct metrics_histogram;

/* A new, empty registry (free with metrics_registry_free). */
struct metrics_registry *metrics_registry_new(void);

/* Frees the registry and every metric registered in it: their pointers die with it. */
void metrics_registry_free(struct metrics_registry *reg);

/* Registration. name and label names are copied; the label names end with a NULL:
 *   metrics_counter_new(reg, "apiserver_request_total", "Counter of requests.", "verb", "code",
 *                       NULL);
 * The returned metric is borrowed from the registry and valid until metrics_registry_free.
 * Names are constants in code, so a bad one is a bug, as client_golang's MustRegister: an
 * invalid metric or label name, a reserved label (__*, or le on a histogram), a duplicate
 * label, or a name already registered prints a message and aborts. Thread-safe. */
struct metrics_counter *metrics_counter_new(struct metrics_registry *reg, const char *name,
                                            const char *help, ...) __attribute__((sentinel));
struct metrics_gauge *metrics_gauge_new(struct metrics_registry *reg, const char *name,
                                        const char *help, ...) __attribute__((sentinel));

/* buckets: upper bounds, strictly increasing (copied; a final +Inf is dropped, since the +Inf
 * bucket is always rendered). NULL with count 0 uses metrics_default_buckets. */
struct metrics_histogram *metrics_histogram_new(struct metrics_registry *reg, const char *name,
                                                const char *help, const double *buckets,
                                                size_t nbuckets, ...) __attribute__((sentinel));

/* client_golang's DefBuckets: .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10 (seconds). */
extern const double metrics_default_buckets[];
extern const size_t metrics_default_buckets_count;

/* Fills out[0..count-1] with start, start*factor, ... (client_golang's ExponentialBuckets).
 * Returns 0, or -EINVAL when count is 0, start <= 0 or factor <= 1. */
int metrics_buckets_exponential(double start, double factor, size_t count, double *out,
                                struct err *err) C8S_MUST_USE;

/* Updates. After the value come exactly as many label values (const char *, borrowed, copied
 * when a series is first seen) as the metric has label names: metrics_counter_inc(c, "GET",
 * "200"). A series appears in the output once first touched; a metric without labels is always
 * rendered (0 until updated). Thread-safe. */

/* Adds v to a counter. A negative v is ignored: counters never go down (client_golang panics). */
void metrics_counter_add(struct metrics_counter *c, double v, ...);
void metrics_counter_inc(struct metrics_counter *c, ...);
void metrics_gauge_set(struct metrics_gauge *g, double v, ...);
void metrics_gauge_add(struct metrics_gauge *g, double v, ...);
/* Counts v in the first bucket whose upper bound is >= v, adds it to the sum. */
void metrics_histogram_observe(struct metrics_histogram *h, double v, ...);

/* The same updates with the label values as an array (label count entries). */
void metrics_counter_add_v(struct metrics_counter *c, double v, const char *const *values);
void metrics_gauge_set_v(struct metrics_gauge *g, double v, const char *const *values);
void metrics_gauge_add_v(struct metrics_gauge *g, double v, const char *const *values);
void metrics_histogram_observe_v(struct metrics_histogram *h, double v, const char *const *values);

/* Reads a series' current value (0 when never touched); for tests and self-checks. */
double metrics_counter_get(struct metrics_counter *c, ...);
double metrics_gauge_get(struct metrics_gauge *g, ...);

/* The whole registry in the text format, what /metrics serves with METRICS_CONTENT_TYPE.
 * Returns an owned string (free()). Thread-safe; a family with labels and no series yet is
 * left out, as client_golang does. */
char *metrics_render(struct metrics_registry *reg);

/* Go's strconv.FormatFloat(v, 'g', -1, 64) as expfmt writes it: "0", "1", "0.25", "1e+06",
 * "1.5e-07", "+Inf", "-Inf", "NaN". buf needs 32 bytes; returns buf. */
char *metrics_format_float(double v, char *buf, size_t size);

/* True when name matches [a-zA-Z_:][a-zA-Z0-9_:]* (metric) or [a-zA-Z_][a-zA-Z0-9_]* (label). */
bool metrics_metric_name_is_valid(const char *name);
bool metrics_label_name_is_valid(const char *name);

#endif
