/* What c8sctl's describers share (describe.h): Go's text/tabwriter as kubectl's tabbedString
 * configures it, kubectl's label/annotation/selector printing, quantities and times as Go
 * prints them, quiet lookups and the Events search (searchEvents, DescribeEvents). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "describe.h"
#include "printers.h"
#include "xalloc.h"

/* ---- Go's text/tabwriter (minwidth 0, padding 2, spaces, no flags) ---- */

struct tw_line {
    char **cells; /* the tab-terminated cells and the last (unterminated) one */
    size_t n;
};

static size_t utf8_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        n += ((unsigned char)*s & 0xC0) != 0x80;
    }
    return n;
}

static void tw_write_lines(FILE *out, const struct tw_line *lines, size_t from, size_t to,
                           const size_t *widths, size_t nwidths)
{
    for (size_t i = from; i < to; i++) {
        for (size_t j = 0; j < lines[i].n; j++) {
            const char *cell = lines[i].cells[j];
            fputs(cell, out);
            if (j < nwidths && j + 1 < lines[i].n) {
                for (size_t k = utf8_width(cell); k < widths[j]; k++) {
                    fputc(' ', out);
                }
            }
        }
        if (i + 1 < to || lines[i].n > 0) {
            fputc('\n', out);
        }
    }
}

/* Go's Writer.format: column blocks per column, recursively. */
static size_t tw_format(FILE *out, const struct tw_line *lines, size_t line0, size_t line1,
                        size_t *widths, size_t column)
{
    for (size_t this = line0; this < line1; this ++) {
        if (column + 1 >= lines[this].n) {
            continue;
        }
        tw_write_lines(out, lines, line0, this, widths, column);
        line0 = this;
        size_t width = 0;
        for (; this < line1; this ++) {
            if (column + 1 >= lines[this].n) {
                break;
            }
            size_t w = utf8_width(lines[this].cells[column]) + 2;
            width = w > width ? w : width;
        }
        widths[column] = width;
        tw_format(out, lines, line0, this, widths, column + 1);
        line0 = this;
        this --; /* the loop's this++ looks at the line that ended the block next */
    }
    tw_write_lines(out, lines, line0, line1, widths, column);
    return line1;
}

char *describe_tabbed(const char *text)
{
    size_t nlines = 0, cap = 16;
    struct tw_line *lines = xmalloc(cap * sizeof *lines);
    size_t maxcells = 1;
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (nlines == cap) {
            cap *= 2;
            lines = xrealloc(lines, cap * sizeof *lines);
        }
        struct tw_line *l = &lines[nlines++];
        l->n = 1;
        for (size_t i = 0; i < len; i++) {
            l->n += p[i] == '\t';
        }
        l->cells = xmalloc(l->n * sizeof *l->cells);
        const char *cell = p;
        for (size_t k = 0; k < l->n; k++) {
            const char *tab = memchr(cell, '\t', (size_t)(p + len - cell));
            const char *stop = tab ? tab : p + len;
            l->cells[k] = xstrndup(cell, (size_t)(stop - cell));
            cell = stop + 1;
        }
        maxcells = l->n > maxcells ? l->n : maxcells;
        p = end ? end + 1 : p + len;
    }
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    size_t *widths = xmalloc(maxcells * sizeof *widths);
    tw_format(out, lines, 0, nlines, widths, 0);
    fclose(out);
    free(widths);
    for (size_t i = 0; i < nlines; i++) {
        for (size_t k = 0; k < lines[i].n; k++) {
            free(lines[i].cells[k]);
        }
        free(lines[i].cells);
    }
    free(lines);
    return buf;
}

/* ---- JSON access ---- */

const char *dstr(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

long long dint(const json_t *obj, const char *key)
{
    return (long long)json_integer_value(json_object_get(obj, key));
}

json_t *dget(const json_t *obj, ...)
{
    va_list ap;
    va_start(ap, obj);
    json_t *v = (json_t *)obj;
    for (const char *k = va_arg(ap, const char *); k && v; k = va_arg(ap, const char *)) {
        v = json_object_get(v, k);
    }
    va_end(ap);
    return v;
}

char *join_strings(const json_t *list, const char *sep)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    size_t i;
    json_t *x;
    json_array_foreach (list, i, x) {
        fprintf(f, "%s%s", i ? sep : "", json_string_value(x) ? json_string_value(x) : "");
    }
    fclose(f);
    return buf;
}

char *go_string_list(const json_t *list)
{
    cleanup_free char *inner = join_strings(list, " ");
    return xasprintf("[%s]", inner);
}

static int compare_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **sorted_keys(const json_t *obj, size_t *n)
{
    *n = json_object_size(obj);
    const char **keys = xmalloc((*n ? *n : 1) * sizeof *keys);
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)obj, k, v) {
        keys[i++] = k;
    }
    qsort(keys, *n, sizeof *keys, compare_str);
    return keys;
}

/* ---- labels, annotations, selectors ---- */

void labels_multiline(FILE *w, const char *indent, const char *title, const json_t *labels)
{
    fprintf(w, "%s%s:\t", indent, title);
    size_t n;
    const char **keys = sorted_keys(labels, &n);
    if (n == 0) {
        fputs("<none>\n", w);
    }
    for (size_t i = 0; i < n; i++) {
        fprintf(w, "%s%s=%s\n", i ? "\t" : "", keys[i], dstr(labels, keys[i]));
        if (i + 1 < n) {
            fputs(indent, w);
        }
    }
    free(keys);
}

void annotations_multiline(FILE *w, const char *title, const json_t *annotations)
{
    enum { MAX_ANNOTATION = 140 };
    fprintf(w, "%s:\t", title);
    size_t n;
    const char **keys = sorted_keys(annotations, &n);
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(keys[i], "kubectl.kubernetes.io/last-applied-configuration") == 0) {
            continue;
        }
        if (shown++) {
            fputc('\t', w);
        }
        cleanup_free char *value = xstrdup(dstr(annotations, keys[i]));
        size_t len = strlen(value);
        if (len > 0 && value[len - 1] == '\n') {
            value[--len] = '\0';
        }
        if (len + strlen(keys[i]) + 2 > MAX_ANNOTATION || strchr(value, '\n')) {
            fprintf(w, "%s:\n", keys[i]);
            for (char *line = value; line;) {
                char *nl = strchr(line, '\n');
                if (nl) {
                    *nl = '\0';
                }
                if (strlen(line) > MAX_ANNOTATION - 2) {
                    fprintf(w, "\t  %.*s...\n", MAX_ANNOTATION - 2, line);
                } else {
                    fprintf(w, "\t  %s\n", line);
                }
                line = nl ? nl + 1 : NULL;
            }
        } else {
            fprintf(w, "%s: %s\n", keys[i], value);
        }
    }
    if (shown == 0) {
        fputs("<none>\n", w);
    }
    free(keys);
}

struct requirement {
    const char *key;
    char *text;
};

static int compare_requirements(const void *a, const void *b)
{
    return strcmp(((const struct requirement *)a)->key, ((const struct requirement *)b)->key);
}

char *selector_string(const json_t *sel)
{
    const json_t *labels = json_object_get(sel, "matchLabels");
    const json_t *exprs = json_object_get(sel, "matchExpressions");
    size_t n = json_object_size(labels) + json_array_size(exprs), k = 0;
    struct requirement *reqs = xmalloc((n ? n : 1) * sizeof *reqs);
    const char *key;
    json_t *v;
    json_object_foreach ((json_t *)labels, key, v) {
        reqs[k].key = key;
        reqs[k++].text = xasprintf("%s=%s", key, json_string_value(v) ? json_string_value(v) : "");
    }
    size_t i;
    json_array_foreach (exprs, i, v) {
        const char *op = dstr(v, "operator");
        reqs[k].key = dstr(v, "key");
        if (strcmp(op, "Exists") == 0 || strcmp(op, "DoesNotExist") == 0) {
            reqs[k++].text = xasprintf("%s%s", *op == 'D' ? "!" : "", dstr(v, "key"));
            continue;
        }
        const json_t *values = json_object_get(v, "values");
        size_t nv = json_array_size(values);
        const char **sorted = xmalloc((nv ? nv : 1) * sizeof *sorted);
        for (size_t j = 0; j < nv; j++) {
            sorted[j] = json_string_value(json_array_get(values, j));
            sorted[j] = sorted[j] ? sorted[j] : "";
        }
        qsort(sorted, nv, sizeof *sorted, compare_str);
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        fprintf(f, "%s %s (", dstr(v, "key"), strcmp(op, "NotIn") == 0 ? "notin" : "in");
        for (size_t j = 0; j < nv; j++) {
            fprintf(f, "%s%s", j ? "," : "", sorted[j]);
        }
        fputc(')', f);
        fclose(f);
        free(sorted);
        reqs[k++].text = buf;
    }
    qsort(reqs, n, sizeof *reqs, compare_requirements);
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    for (k = 0; k < n; k++) {
        fprintf(f, "%s%s", k ? "," : "", reqs[k].text);
        free(reqs[k].text);
    }
    fclose(f);
    free(reqs);
    return buf;
}

char *format_label_selector(const json_t *sel)
{
    char *s = selector_string(sel);
    if (*s == '\0') {
        free(s);
        return xstrdup("<none>");
    }
    return s;
}

/* ---- quantities, times, owners ---- */

const char *quantity_text(const json_t *v, char buf[QUANTITY_STR_MAX])
{
    struct quantity q = QUANTITY_ZERO;
    struct err e = {0};
    if (v != NULL && quantity_from_json(v, &q, &e) != 0) {
        snprintf(buf, QUANTITY_STR_MAX, "%s", json_string_value(v) ? json_string_value(v) : "");
        return buf;
    }
    return quantity_format(&q, buf);
}

void rfc1123z(const char *stamp, char *buf, size_t size, bool zero_year)
{
    struct timespec ts;
    struct err e = {0};
    buf[0] = '\0';
    if (stamp == NULL || *stamp == '\0' || k8stime_parse(stamp, &ts, &e) != 0) {
        if (zero_year) {
            snprintf(buf, size, "Mon, 01 Jan 0001 00:00:00 +0000");
        }
        return;
    }
    struct tm tm;
    localtime_r(&ts.tv_sec, &tm);
    strftime(buf, size, "%a, %d %b %Y %H:%M:%S %z", &tm);
}

void since(const char *stamp, char buf[K8STIME_STR_MAX])
{
    struct timespec ts;
    struct err e = {0};
    if (stamp == NULL || *stamp == '\0' || k8stime_parse(stamp, &ts, &e) != 0) {
        snprintf(buf, K8STIME_STR_MAX, "<unknown>");
        return;
    }
    struct timespec now = k8stime_now();
    int64_t d = ((int64_t)now.tv_sec - ts.tv_sec) * 1000000000LL + (now.tv_nsec - ts.tv_nsec);
    k8stime_human_duration(d, buf);
}

bool controlled_by(const json_t *obj, char *buf, size_t size)
{
    size_t i;
    json_t *x;
    json_array_foreach (dget(obj, "metadata", "ownerReferences", NULL), i, x) {
        if (json_is_true(json_object_get(x, "controller"))) {
            snprintf(buf, size, "%s/%s", dstr(x, "kind"), dstr(x, "name"));
            return true;
        }
    }
    return false;
}

/* ---- lookups ---- */

json_t *describe_get(struct describe *d, const char *path, int *status, char **message)
{
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(d->c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &resp, &e) != 0) {
        if (status) {
            *status = 0;
        }
        if (message) {
            *message = xstrdup(e.msg);
        }
        return NULL;
    }
    json_t *answer = json_loads(resp.body ? resp.body : "", 0, NULL);
    if (status) {
        *status = (int)resp.status;
    }
    if (resp.status / 100 != 2) {
        if (message) {
            *message = xstrdup(dstr(answer, "message"));
        }
        json_decref(answer);
        answer = NULL;
    }
    http_response_free(&resp);
    return answer;
}

json_t *describe_list(struct describe *d, const char *collection, const char *label_selector,
                      const char *field_selector)
{
    char *q = xstrdup("");
    ctl_query_add(&q, "fieldSelector", field_selector);
    ctl_query_add(&q, "labelSelector", label_selector);
    ctl_query_add(&q, "limit", "500");
    cleanup_free char *path = xasprintf("%s?%s", collection, q + 1);
    free(q);
    cleanup_json json_t *list = describe_get(d, path, NULL, NULL);
    return list ? json_incref(json_object_get(list, "items")) : NULL;
}

/* ---- events ---- */

json_t *describe_search_events(struct describe *d, const char *kind, const char *uid)
{
    const json_t *meta = json_object_get(d->obj, "metadata");
    const char *ns = dstr(meta, "namespace");
    uid = uid ? uid : dstr(meta, "uid");
    /* GetFieldSelector's terms, sorted by field name */
    cleanup_free char *selector =
        xasprintf("%s%s%sinvolvedObject.name=%s,involvedObject.namespace=%s%s%s",
                  kind ? "involvedObject.kind=" : "", kind ? kind : "", kind ? "," : "",
                  dstr(meta, "name"), ns, *uid ? ",involvedObject.uid=" : "", uid);
    cleanup_free char *collection =
        *ns ? xasprintf("/api/v1/namespaces/%s/events", ns) : xstrdup("/api/v1/events");
    json_t *items = describe_list(d, collection, NULL, selector);
    return items ? items : json_array();
}

static int compare_events(const void *a, const void *b)
{
    const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
    return strcmp(dstr(x, "lastTimestamp"), dstr(y, "lastTimestamp"));
}

static char *trim_space(const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
        s++;
    }
    char *copy = xstrdup(s);
    size_t len = strlen(copy);
    while (len > 0 && strchr(" \n\t\r", copy[len - 1])) {
        copy[--len] = '\0';
    }
    return copy;
}

void describe_events_print(FILE *w, const json_t *items)
{
    if (items == NULL) {
        return;
    }
    size_t n = json_array_size(items);
    if (n == 0) {
        fputs("Events:\t<none>\n", w);
        return;
    }
    const json_t **sorted = xmalloc(n * sizeof *sorted);
    for (size_t i = 0; i < n; i++) {
        sorted[i] = json_array_get(items, i);
    }
    qsort(sorted, n, sizeof *sorted, compare_events);
    fputs("Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n", w);
    for (size_t i = 0; i < n; i++) {
        const json_t *e = sorted[i];
        char first[K8STIME_STR_MAX], last[K8STIME_STR_MAX];
        const char *event_time = dstr(e, "eventTime");
        since(*event_time ? event_time : dstr(e, "firstTimestamp"), first);
        const char *source = dstr(json_object_get(e, "source"), "component");
        if (*source == '\0') {
            source = dstr(e, "reportingComponent");
        }
        cleanup_free char *message = trim_space(dstr(e, "message"));
        fprintf(w, "  %s\t%s\t", dstr(e, "type"), dstr(e, "reason"));
        const json_t *series = json_object_get(e, "series");
        if (series != NULL) {
            since(dstr(series, "lastObservedTime"), last);
            fprintf(w, "%s (x%lld over %s)", last, dint(series, "count"), first);
        } else if (dint(e, "count") > 1) {
            since(dstr(e, "lastTimestamp"), last);
            fprintf(w, "%s (x%lld over %s)", last, dint(e, "count"), first);
        } else {
            fputs(first, w);
        }
        fprintf(w, "\t%s\t%s\n", source, message);
    }
    free(sorted);
}

void describe_events(struct describe *d, const char *kind)
{
    if (!d->show_events) {
        return;
    }
    cleanup_json json_t *items = describe_search_events(d, kind, NULL);
    describe_events_print(d->w, items);
}
