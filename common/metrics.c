/* Counters, gauges and histograms rendered as client_golang's registry renders them in the text
 * format 0.0.4 (prometheus/common expfmt): sorted families and series, escaped label values,
 * Go's float text. Each metric keeps its series in a sorted array behind its own mutex. */
#include "metrics.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define MAX_LABELS 16

enum metric_kind {
    KIND_COUNTER,
    KIND_GAUGE,
    KIND_HISTOGRAM,
};

struct series {
    char **values;    /* owned; in the metric's sorted label order */
    double value;     /* counter or gauge */
    uint64_t *counts; /* histogram: per bucket, not cumulative; [nbuckets] counts the +Inf one */
    double sum;
    uint64_t count;
};

struct metric {
    enum metric_kind kind;
    char *name;
    char *help;
    size_t nlabels;
    char **labels;            /* sorted by name: the order client_golang renders label pairs in */
    size_t order[MAX_LABELS]; /* order[i]: the position of sorted label i among the given ones */
    double *buckets;
    size_t nbuckets;
    pthread_mutex_t mu;
    struct series **series; /* sorted by values, compared in label order */
    size_t nseries, cap;
};

struct metrics_counter {
    struct metric m;
};
struct metrics_gauge {
    struct metric m;
};
struct metrics_histogram {
    struct metric m;
};

struct metrics_registry {
    pthread_mutex_t mu;
    struct metric **metrics; /* sorted by name */
    size_t count, cap;
};

const double metrics_default_buckets[] = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
const size_t metrics_default_buckets_count =
    sizeof metrics_default_buckets / sizeof metrics_default_buckets[0];

/* ---- Names ---------------------------------------------------------------------------------- */

static bool name_is_valid(const char *name, bool colon)
{
    if (name == NULL || name[0] == '\0') {
        return false;
    }
    for (const char *p = name; *p != '\0'; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                  (colon && c == ':') || (p != name && c >= '0' && c <= '9');
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool metrics_metric_name_is_valid(const char *name)
{
    return name_is_valid(name, true);
}

bool metrics_label_name_is_valid(const char *name)
{
    return name_is_valid(name, false);
}

static void misuse(const char *fmt, ...) C8S_FMT(1, 2);

static void misuse(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("c8s: metrics: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* ---- Float text ----------------------------------------------------------------------------- */

/* strconv.FormatFloat(v, 'g', -1, 64): the fewest digits that read back as v, in %e form when
 * the decimal exponent is below -4 or at least 6 (Go's rule for the shortest precision, which
 * is why a million renders as 1e+06), else in %f form. */
char *metrics_format_float(double v, char *buf, size_t size)
{
    if (isnan(v)) {
        snprintf(buf, size, "NaN");
        return buf;
    }
    if (isinf(v)) {
        snprintf(buf, size, v > 0 ? "+Inf" : "-Inf");
        return buf;
    }
    if (v == 0) { /* -0 too: expfmt tests f == 0 before formatting */
        snprintf(buf, size, "0");
        return buf;
    }
    char e[40];
    int digits = 1;
    for (; digits < 17; digits++) {
        snprintf(e, sizeof e, "%.*e", digits - 1, v);
        if (strtod(e, NULL) == v) {
            break;
        }
    }
    snprintf(e, sizeof e, "%.*e", digits - 1, v);
    int exp = atoi(strchr(e, 'e') + 1);
    if (exp < -4 || exp >= 6) {
        snprintf(buf, size, "%s", e);
    } else {
        int prec = digits - 1 - exp;
        snprintf(buf, size, "%.*f", prec > 0 ? prec : 0, v);
    }
    return buf;
}

/* ---- Registry ------------------------------------------------------------------------------- */

struct metrics_registry *metrics_registry_new(void)
{
    struct metrics_registry *reg = xcalloc(1, sizeof *reg);
    pthread_mutex_init(&reg->mu, NULL);
    return reg;
}

static void series_free(struct series *s, size_t nlabels)
{
    for (size_t i = 0; i < nlabels; i++) {
        free(s->values[i]);
    }
    free(s->values);
    free(s->counts);
    free(s);
}

static void metric_free(struct metric *m)
{
    for (size_t i = 0; i < m->nseries; i++) {
        series_free(m->series[i], m->nlabels);
    }
    free(m->series);
    for (size_t i = 0; i < m->nlabels; i++) {
        free(m->labels[i]);
    }
    free(m->labels);
    free(m->buckets);
    free(m->name);
    free(m->help);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

void metrics_registry_free(struct metrics_registry *reg)
{
    if (reg == NULL) {
        return;
    }
    for (size_t i = 0; i < reg->count; i++) {
        metric_free(reg->metrics[i]);
    }
    free(reg->metrics);
    pthread_mutex_destroy(&reg->mu);
    free(reg);
}

/* Fills m's labels from the NULL-terminated list, sorted by name, with the permutation. */
static void metric_set_labels(struct metric *m, va_list ap)
{
    const char *given[MAX_LABELS];
    size_t n = 0;
    for (const char *l = va_arg(ap, const char *); l != NULL; l = va_arg(ap, const char *)) {
        if (n == MAX_LABELS) {
            misuse("%s: more than %d labels", m->name, MAX_LABELS);
        }
        if (!metrics_label_name_is_valid(l) || strncmp(l, "__", 2) == 0) {
            misuse("%s: invalid label name \"%s\"", m->name, l);
        }
        if (m->kind == KIND_HISTOGRAM && strcmp(l, "le") == 0) {
            misuse("%s: \"le\" is reserved for histogram buckets", m->name);
        }
        for (size_t i = 0; i < n; i++) {
            if (strcmp(given[i], l) == 0) {
                misuse("%s: duplicate label name \"%s\"", m->name, l);
            }
        }
        given[n++] = l;
    }
    m->nlabels = n;
    m->labels = xcalloc(n, sizeof *m->labels);
    /* Insertion sort of the indices: there are only a few labels. */
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && strcmp(given[m->order[j - 1]], given[i]) > 0) {
            m->order[j] = m->order[j - 1];
            j--;
        }
        m->order[j] = i;
    }
    for (size_t i = 0; i < n; i++) {
        m->labels[i] = xstrdup(given[m->order[i]]);
    }
}

static struct metric *metric_register(struct metrics_registry *reg, enum metric_kind kind,
                                      size_t size, const char *name, const char *help, va_list ap)
{
    if (!metrics_metric_name_is_valid(name)) {
        misuse("invalid metric name \"%s\"", name ? name : "(null)");
    }
    struct metric *m = xcalloc(1, size);
    m->kind = kind;
    m->name = xstrdup(name);
    m->help = xstrdup(help ? help : "");
    pthread_mutex_init(&m->mu, NULL);
    metric_set_labels(m, ap);

    pthread_mutex_lock(&reg->mu);
    size_t at = 0;
    while (at < reg->count && strcmp(reg->metrics[at]->name, name) < 0) {
        at++;
    }
    if (at < reg->count && strcmp(reg->metrics[at]->name, name) == 0) {
        misuse("metric \"%s\" registered twice", name);
    }
    if (reg->count == reg->cap) {
        reg->cap = reg->cap ? 2 * reg->cap : 16;
        reg->metrics = xrealloc(reg->metrics, reg->cap * sizeof *reg->metrics);
    }
    memmove(&reg->metrics[at + 1], &reg->metrics[at], (reg->count - at) * sizeof *reg->metrics);
    reg->metrics[at] = m;
    reg->count++;
    pthread_mutex_unlock(&reg->mu);
    return m;
}

struct metrics_counter *metrics_counter_new(struct metrics_registry *reg, const char *name,
                                            const char *help, ...)
{
    va_list ap;
    va_start(ap, help);
    struct metric *m =
        metric_register(reg, KIND_COUNTER, sizeof(struct metrics_counter), name, help, ap);
    va_end(ap);
    return (struct metrics_counter *)m;
}

struct metrics_gauge *metrics_gauge_new(struct metrics_registry *reg, const char *name,
                                        const char *help, ...)
{
    va_list ap;
    va_start(ap, help);
    struct metric *m =
        metric_register(reg, KIND_GAUGE, sizeof(struct metrics_gauge), name, help, ap);
    va_end(ap);
    return (struct metrics_gauge *)m;
}

struct metrics_histogram *metrics_histogram_new(struct metrics_registry *reg, const char *name,
                                                const char *help, const double *buckets,
                                                size_t nbuckets, ...)
{
    if (buckets == NULL || nbuckets == 0) {
        buckets = metrics_default_buckets;
        nbuckets = metrics_default_buckets_count;
    }
    if (isinf(buckets[nbuckets - 1]) && buckets[nbuckets - 1] > 0) {
        nbuckets--;
    }
    for (size_t i = 0; i < nbuckets; i++) {
        if (isnan(buckets[i]) || (i > 0 && !(buckets[i] > buckets[i - 1]))) {
            misuse("%s: histogram buckets must be in increasing order", name);
        }
    }
    va_list ap;
    va_start(ap, nbuckets);
    struct metric *m =
        metric_register(reg, KIND_HISTOGRAM, sizeof(struct metrics_histogram), name, help, ap);
    va_end(ap);
    m->nbuckets = nbuckets;
    m->buckets = xcalloc(nbuckets, sizeof *m->buckets);
    memcpy(m->buckets, buckets, nbuckets * sizeof *buckets);
    return (struct metrics_histogram *)m;
}

int metrics_buckets_exponential(double start, double factor, size_t count, double *out,
                                struct err *err)
{
    if (count == 0 || !(start > 0) || !(factor > 1)) {
        return err_set(err, EINVAL, "exponential buckets need count > 0, start > 0 and factor > 1");
    }
    for (size_t i = 0; i < count; i++) {
        out[i] = start;
        start *= factor;
    }
    return 0;
}

/* ---- Series --------------------------------------------------------------------------------- */

static int values_compare(const struct metric *m, char *const *a, const char *const *b)
{
    for (size_t i = 0; i < m->nlabels; i++) {
        int c = strcmp(a[i], b[i]);
        if (c != 0) {
            return c;
        }
    }
    return 0;
}

static struct series *series_new(struct metric *m, const char *const *sorted_values)
{
    struct series *s = xcalloc(1, sizeof *s);
    s->values = xcalloc(m->nlabels, sizeof *s->values);
    for (size_t i = 0; i < m->nlabels; i++) {
        s->values[i] = xstrdup(sorted_values[i]);
    }
    if (m->kind == KIND_HISTOGRAM) {
        s->counts = xcalloc(m->nbuckets + 1, sizeof *s->counts);
    }
    return s;
}

/* The series for values (given in registration order), created when absent if create, else
 * NULL; call with m->mu held. */
static struct series *series_get(struct metric *m, const char *const *values, bool create)
{
    const char *sorted[MAX_LABELS];
    for (size_t i = 0; i < m->nlabels; i++) {
        sorted[i] = values[m->order[i]] ? values[m->order[i]] : "";
    }
    size_t lo = 0, hi = m->nseries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = values_compare(m, m->series[mid]->values, sorted);
        if (c == 0) {
            return m->series[mid];
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (!create) {
        return NULL;
    }
    if (m->nseries == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 4;
        m->series = xrealloc(m->series, m->cap * sizeof *m->series);
    }
    memmove(&m->series[lo + 1], &m->series[lo], (m->nseries - lo) * sizeof *m->series);
    m->series[lo] = series_new(m, sorted);
    m->nseries++;
    return m->series[lo];
}

static void collect_values(const struct metric *m, va_list ap, const char **out)
{
    for (size_t i = 0; i < m->nlabels; i++) {
        out[i] = va_arg(ap, const char *);
    }
}

enum update_op {
    OP_ADD,
    OP_SET,
    OP_OBSERVE,
};

static void metric_update(struct metric *m, enum update_op op, double v, const char *const *values)
{
    pthread_mutex_lock(&m->mu);
    struct series *s = series_get(m, values, true);
    switch (op) {
    case OP_ADD:
        s->value += v;
        break;
    case OP_SET:
        s->value = v;
        break;
    case OP_OBSERVE: {
        size_t b = 0;
        while (b < m->nbuckets && !(v <= m->buckets[b])) {
            b++;
        }
        s->counts[b]++;
        s->sum += v;
        s->count++;
        break;
    }
    }
    pthread_mutex_unlock(&m->mu);
}

void metrics_counter_add_v(struct metrics_counter *c, double v, const char *const *values)
{
    if (v < 0) {
        return;
    }
    metric_update(&c->m, OP_ADD, v, values);
}

void metrics_gauge_set_v(struct metrics_gauge *g, double v, const char *const *values)
{
    metric_update(&g->m, OP_SET, v, values);
}

void metrics_gauge_add_v(struct metrics_gauge *g, double v, const char *const *values)
{
    metric_update(&g->m, OP_ADD, v, values);
}

void metrics_histogram_observe_v(struct metrics_histogram *h, double v, const char *const *values)
{
    metric_update(&h->m, OP_OBSERVE, v, values);
}

/* The variadic forms gather the label values, then share the array forms. */
#define WITH_VALUES(metric, last, call)         \
    do {                                        \
        const char *values_[MAX_LABELS];        \
        va_list ap_;                            \
        va_start(ap_, last);                    \
        collect_values((metric), ap_, values_); \
        va_end(ap_);                            \
        call;                                   \
    } while (0)

void metrics_counter_add(struct metrics_counter *c, double v, ...)
{
    WITH_VALUES(&c->m, v, metrics_counter_add_v(c, v, values_));
}

void metrics_counter_inc(struct metrics_counter *c, ...)
{
    WITH_VALUES(&c->m, c, metrics_counter_add_v(c, 1, values_));
}

void metrics_gauge_set(struct metrics_gauge *g, double v, ...)
{
    WITH_VALUES(&g->m, v, metrics_gauge_set_v(g, v, values_));
}

void metrics_gauge_add(struct metrics_gauge *g, double v, ...)
{
    WITH_VALUES(&g->m, v, metrics_gauge_add_v(g, v, values_));
}

void metrics_histogram_observe(struct metrics_histogram *h, double v, ...)
{
    WITH_VALUES(&h->m, v, metrics_histogram_observe_v(h, v, values_));
}

static double metric_read(struct metric *m, const char *const *values)
{
    pthread_mutex_lock(&m->mu);
    const struct series *s = series_get(m, values, false);
    double v = s ? s->value : 0;
    pthread_mutex_unlock(&m->mu);
    return v;
}

double metrics_counter_get(struct metrics_counter *c, ...)
{
    double v = 0;
    WITH_VALUES(&c->m, c, v = metric_read(&c->m, values_));
    return v;
}

double metrics_gauge_get(struct metrics_gauge *g, ...)
{
    double v = 0;
    WITH_VALUES(&g->m, g, v = metric_read(&g->m, values_));
    return v;
}

/* ---- Rendering ------------------------------------------------------------------------------ */

/* Label values escape \ " and newline; HELP text escapes \ and newline only. */
static void write_escaped(FILE *out, const char *s, bool quote)
{
    for (; *s != '\0'; s++) {
        if (*s == '\\') {
            fputs("\\\\", out);
        } else if (*s == '\n') {
            fputs("\\n", out);
        } else if (quote && *s == '"') {
            fputs("\\\"", out);
        } else {
            fputc(*s, out);
        }
    }
}

static void write_float(FILE *out, double v)
{
    char buf[40];
    fputs(metrics_format_float(v, buf, sizeof buf), out);
}

/* name{labels[,le="bound"]} value */
static void write_sample(FILE *out, const struct metric *m, const char *suffix,
                         const struct series *s, const double *le, double value)
{
    fputs(m->name, out);
    fputs(suffix, out);
    char sep = '{';
    for (size_t i = 0; i < m->nlabels; i++) {
        fprintf(out, "%c%s=\"", sep, m->labels[i]);
        write_escaped(out, s->values[i], true);
        fputc('"', out);
        sep = ',';
    }
    if (le != NULL) {
        fprintf(out, "%cle=\"", sep);
        write_float(out, *le);
        fputc('"', out);
        sep = ',';
    }
    if (sep == ',') {
        fputc('}', out);
    }
    fputc(' ', out);
    write_float(out, value);
    fputc('\n', out);
}

static void render_metric(FILE *out, struct metric *m)
{
    static const char *const type_names[] = {"counter", "gauge", "histogram"};
    pthread_mutex_lock(&m->mu);
    if (m->nlabels == 0 && m->nseries == 0) {
        series_get(m, NULL, true);
    }
    if (m->nseries > 0) {
        fprintf(out, "# HELP %s ", m->name);
        write_escaped(out, m->help, false);
        fprintf(out, "\n# TYPE %s %s\n", m->name, type_names[m->kind]);
    }
    for (size_t i = 0; i < m->nseries; i++) {
        const struct series *s = m->series[i];
        if (m->kind != KIND_HISTOGRAM) {
            write_sample(out, m, "", s, NULL, s->value);
            continue;
        }
        uint64_t cumulative = 0;
        for (size_t b = 0; b < m->nbuckets; b++) {
            cumulative += s->counts[b];
            write_sample(out, m, "_bucket", s, &m->buckets[b], (double)cumulative);
        }
        double inf = INFINITY;
        write_sample(out, m, "_bucket", s, &inf, (double)s->count);
        write_sample(out, m, "_sum", s, NULL, s->sum);
        write_sample(out, m, "_count", s, NULL, (double)s->count);
    }
    pthread_mutex_unlock(&m->mu);
}

char *metrics_render(struct metrics_registry *reg)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    if (out == NULL) {
        fputs("c8s: metrics: open_memstream failed\n", stderr);
        abort();
    }
    pthread_mutex_lock(&reg->mu);
    for (size_t i = 0; i < reg->count; i++) {
        render_metric(out, reg->metrics[i]);
    }
    pthread_mutex_unlock(&reg->mu);
    fclose(out);
    return text;
}
