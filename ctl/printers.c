/* kubectl's printers (printers.h): cli-runtime's tablePrinter over server Tables, Go's
 * tabwriter column layout, encoding/json's indented output and the name printer. */
#include "printers.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

/* ---- tabwriter ------------------------------------------------------------------------- */

void tabw_row(struct tabw *t, const char *const *cells, size_t n)
{
    t->rows = xrealloc(t->rows, (t->nrows + 1) * sizeof *t->rows);
    t->ncells = xrealloc(t->ncells, (t->nrows + 1) * sizeof *t->ncells);
    char **row = xmalloc((n ? n : 1) * sizeof *row);
    for (size_t i = 0; i < n; i++) {
        row[i] = xstrdup(cells[i] ? cells[i] : "");
    }
    t->rows[t->nrows] = row;
    t->ncells[t->nrows] = n;
    t->nrows++;
}

/* Display width in runes (tabwriter counts UTF-8 characters). */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80) {
            w++;
        }
    }
    return w;
}

static void forget_rows(struct tabw *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t i = 0; i < t->ncells[r]; i++) {
            free(t->rows[r][i]);
        }
        free(t->rows[r]);
    }
    free(t->rows);
    free(t->ncells);
    t->rows = NULL;
    t->ncells = NULL;
    t->nrows = 0;
}

void tabw_flush(struct tabw *t, FILE *out, bool remember)
{
    /* Every cell but a line's last one is a column cell (it was followed by a tab). */
    size_t ncols = t->nwidths;
    for (size_t r = 0; r < t->nrows; r++) {
        if (t->ncells[r] > 0 && t->ncells[r] - 1 > ncols) {
            ncols = t->ncells[r] - 1;
        }
    }
    size_t *widths = xcalloc(ncols + 1, sizeof *widths);
    for (size_t i = 0; i < t->nwidths && i < ncols; i++) {
        widths[i] = t->widths[i];
    }
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t i = 0; i + 1 < t->ncells[r]; i++) {
            size_t w = text_width(t->rows[r][i]) + 3;
            if (w < 6) {
                w = 6; /* kubectl's tabwriter minwidth */
            }
            if (w > widths[i]) {
                widths[i] = w;
            }
        }
    }
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t i = 0; i < t->ncells[r]; i++) {
            fputs(t->rows[r][i], out);
            if (i + 1 < t->ncells[r]) {
                for (size_t pad = text_width(t->rows[r][i]); pad < widths[i]; pad++) {
                    fputc(' ', out);
                }
            }
        }
        fputc('\n', out);
    }
    forget_rows(t);
    if (remember) {
        free(t->widths);
        t->widths = widths;
        t->nwidths = ncols;
    } else {
        free(widths);
    }
}

void tabw_free(struct tabw *t)
{
    forget_rows(t);
    free(t->widths);
    t->widths = NULL;
    t->nwidths = 0;
}

/* ---- cells and tables ------------------------------------------------------------------ */

/* Go's strconv.FormatFloat(f, 'g'-like) as encoding/json and fmt print a float64: the
 * shortest text that reads back the same. */
static void format_float(double d, char *buf, size_t size, bool json_style)
{
    if (d == floor(d) && fabs(d) < 1e21) {
        snprintf(buf, size, "%.0f", d);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d) {
            break;
        }
    }
    (void)json_style;
    /* Go writes exponents with at least two digits ("1e-07"), C as well; keep C's. */
}

char *printers_cell(const json_t *cell)
{
    char buf[64];
    switch (json_typeof(cell)) {
    case JSON_STRING:
        return xstrdup(json_string_value(cell));
    case JSON_INTEGER:
        return xasprintf("%lld", (long long)json_integer_value(cell));
    case JSON_REAL:
        format_float(json_real_value(cell), buf, sizeof buf, false);
        return xstrdup(buf);
    case JSON_TRUE:
        return xstrdup("true");
    case JSON_FALSE:
        return xstrdup("false");
    case JSON_NULL:
        return xstrdup("<nil>");
    default:
        return printers_json_compact(cell);
    }
}

/* A Table cell as kubectl's table printer writes it: strings cut at the first line break with
 * "..." (the tab writer would start a new row there), and ESC shown as "^[" so that a cell
 * cannot drive the terminal. Returns an owned string. */
static char *table_cell_text(const json_t *cell)
{
    char *text = printers_cell(cell);
    size_t cut = json_is_string(cell) ? strcspn(text, "\f\n\r") : strlen(text);
    bool truncated = text[cut] != '\0';
    size_t escapes = 0;
    for (size_t i = 0; i < cut; i++) {
        escapes += text[i] == '\x1b';
    }
    if (!truncated && escapes == 0) {
        return text;
    }
    char *out = xmalloc(cut + escapes + 4), *o = out;
    for (size_t i = 0; i < cut; i++) {
        if (text[i] == '\x1b') {
            *o++ = '^';
            *o++ = '[';
        } else {
            *o++ = text[i];
        }
    }
    strcpy(o, truncated ? "..." : "");
    free(text);
    return out;
}

static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of obj in insertion order. Returns an owned array of borrowed keys; *n is its
 * length. */
static const char **object_keys(const json_t *obj, size_t *n)
{
    *n = json_object_size(obj);
    const char **keys = xmalloc((*n ? *n : 1) * sizeof *keys);
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)obj, k, v) {
        keys[i++] = k;
    }
    return keys;
}

/* The keys of obj sorted bytewise (Go sorts map keys so). */
static const char **sorted_keys(const json_t *obj, size_t *n)
{
    const char **keys = object_keys(obj, n);
    qsort(keys, *n, sizeof *keys, compare_keys);
    return keys;
}

char *printers_labels(const json_t *labels)
{
    size_t n;
    const char **keys = sorted_keys(labels, &n);
    if (n == 0) {
        free(keys);
        return xstrdup("<none>");
    }
    size_t cap = 1;
    for (size_t i = 0; i < n; i++) {
        cap +=
            strlen(keys[i]) + strlen(json_string_value(json_object_get(labels, keys[i])) ?: "") + 2;
    }
    char *out = xmalloc(cap), *p = out;
    for (size_t i = 0; i < n; i++) {
        const char *v = json_string_value(json_object_get(labels, keys[i]));
        p += sprintf(p, "%s%s=%s", i ? "," : "", keys[i], v ? v : "");
    }
    free(keys);
    return out;
}

size_t printers_table(struct tabw *t, const json_t *table, const struct table_opts *o, bool header)
{
    const json_t *cols = json_object_get(table, "columnDefinitions");
    const json_t *rows = json_object_get(table, "rows");
    size_t ncols = json_array_size(cols);
    size_t nlabels = 0;
    while (o->label_columns && o->label_columns[nlabels]) {
        nlabels++;
    }
    size_t max = ncols + nlabels + 2;
    const char **cells = xcalloc(max, sizeof *cells);
    char **owned = xcalloc(max, sizeof *owned);
    if (header && !o->no_headers && json_array_size(rows) > 0) {
        size_t n = 0;
        if (o->with_namespace) {
            cells[n++] = "NAMESPACE";
        }
        for (size_t i = 0; i < ncols; i++) {
            const json_t *col = json_array_get(cols, i);
            if (!o->wide && json_integer_value(json_object_get(col, "priority")) != 0) {
                continue;
            }
            char *name = xstrdup(json_string_value(json_object_get(col, "name")) ?: "");
            for (char *p = name; *p; p++) {
                *p = (char)toupper((unsigned char)*p);
            }
            owned[n] = name;
            cells[n++] = name;
        }
        for (size_t i = 0; i < nlabels; i++) {
            char *name = xstrdup(o->label_columns[i]);
            for (char *p = name; *p; p++) {
                *p = (char)toupper((unsigned char)*p);
            }
            owned[n] = name;
            cells[n++] = name;
        }
        if (o->show_labels) {
            cells[n++] = "LABELS";
        }
        tabw_row(t, cells, n);
        for (size_t i = 0; i < max; i++) {
            free(owned[i]);
            owned[i] = NULL;
        }
    }
    size_t r;
    json_t *row;
    json_array_foreach (rows, r, row) {
        const json_t *meta = json_object_get(json_object_get(row, "object"), "metadata");
        const json_t *rcells = json_object_get(row, "cells");
        size_t n = 0;
        if (o->with_namespace) {
            cells[n++] = json_string_value(json_object_get(meta, "namespace")) ?: "";
        }
        for (size_t i = 0; i < ncols; i++) {
            const json_t *col = json_array_get(cols, i);
            if (!o->wide && json_integer_value(json_object_get(col, "priority")) != 0) {
                continue;
            }
            char *text = table_cell_text(json_array_get(rcells, i));
            const char *format = json_string_value(json_object_get(col, "format"));
            if (o->kind && format && strcmp(format, "name") == 0) {
                char *prefixed = xasprintf("%s/%s", o->kind, text);
                free(text);
                text = prefixed;
            }
            owned[n] = text;
            cells[n++] = text;
        }
        const json_t *labels = json_object_get(meta, "labels");
        for (size_t i = 0; i < nlabels; i++) {
            cells[n++] = json_string_value(json_object_get(labels, o->label_columns[i])) ?: "";
        }
        if (o->show_labels) {
            owned[n] = printers_labels(labels);
            cells[n] = owned[n];
            n++;
        }
        tabw_row(t, cells, n);
        for (size_t i = 0; i < max; i++) {
            free(owned[i]);
            owned[i] = NULL;
        }
    }
    free(cells);
    free(owned);
    return json_array_size(rows);
}

/* ---- JSON as Go's encoding/json writes it ---------------------------------------------- */

static void go_string(struct strbuf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    strbuf_addn(b, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        char esc[8];
        if (ch == '"' || ch == '\\') {
            esc[0] = '\\', esc[1] = (char)ch;
            strbuf_addn(b, esc, 2);
        } else if (ch == '\n') {
            strbuf_add(b, "\\n");
        } else if (ch == '\r') {
            strbuf_add(b, "\\r");
        } else if (ch == '\t') {
            strbuf_add(b, "\\t");
        } else if (ch < 0x20 || ch == '<' || ch == '>' || ch == '&') {
            snprintf(esc, sizeof esc, "\\u00%c%c", hex[ch >> 4], hex[ch & 15]);
            strbuf_add(b, esc);
        } else if (ch == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
                   ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
            strbuf_add(b, (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
            i += 2;
        } else {
            strbuf_addn(b, (const char *)&s[i], 1);
        }
    }
    strbuf_addn(b, "\"", 1);
}

static void indent(struct strbuf *b, int depth)
{
    strbuf_addn(b, "\n", 1);
    for (int i = 0; i < depth; i++) {
        strbuf_add(b, "    ");
    }
}

static void go_json(struct strbuf *b, const json_t *v, int depth, bool pretty, bool sorted)
{
    char buf[64];
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        size_t n;
        const char **keys = sorted ? sorted_keys(v, &n) : object_keys(v, &n);
        if (n == 0) {
            strbuf_add(b, "{}");
            free(keys);
            return;
        }
        strbuf_add(b, "{");
        for (size_t i = 0; i < n; i++) {
            if (i) {
                strbuf_add(b, ",");
            }
            if (pretty) {
                indent(b, depth + 1);
            }
            go_string(b, keys[i], strlen(keys[i]));
            strbuf_add(b, pretty ? ": " : ":");
            go_json(b, json_object_get(v, keys[i]), depth + 1, pretty, sorted);
        }
        if (pretty) {
            indent(b, depth);
        }
        strbuf_add(b, "}");
        free(keys);
        return;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        if (n == 0) {
            strbuf_add(b, "[]");
            return;
        }
        strbuf_add(b, "[");
        for (size_t i = 0; i < n; i++) {
            if (i) {
                strbuf_add(b, ",");
            }
            if (pretty) {
                indent(b, depth + 1);
            }
            go_json(b, json_array_get(v, i), depth + 1, pretty, sorted);
        }
        if (pretty) {
            indent(b, depth);
        }
        strbuf_add(b, "]");
        return;
    }
    case JSON_STRING:
        go_string(b, json_string_value(v), json_string_length(v));
        return;
    case JSON_INTEGER:
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        strbuf_add(b, buf);
        return;
    case JSON_REAL:
        format_float(json_real_value(v), buf, sizeof buf, true);
        strbuf_add(b, buf);
        return;
    case JSON_TRUE:
        strbuf_add(b, "true");
        return;
    case JSON_FALSE:
        strbuf_add(b, "false");
        return;
    case JSON_NULL:
        strbuf_add(b, "null");
        return;
    }
}

char *printers_json(const json_t *v)
{
    struct strbuf b = {0};
    go_json(&b, v, 0, true, true);
    strbuf_add(&b, "\n");
    return b.s;
}

char *printers_json_ordered(const json_t *v)
{
    struct strbuf b = {0};
    go_json(&b, v, 0, true, false);
    strbuf_add(&b, "\n");
    return b.s;
}

char *printers_json_compact(const json_t *v)
{
    struct strbuf b = {0};
    go_json(&b, v, 0, false, true);
    if (b.s == NULL) {
        return xstrdup("");
    }
    return b.s;
}

char *printers_name(const char *kind_group, const json_t *obj)
{
    const char *name = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
    if (kind_group == NULL || *kind_group == '\0') {
        return xstrdup(name ? name : "");
    }
    return xasprintf("%s/%s", kind_group, name ? name : "");
}
