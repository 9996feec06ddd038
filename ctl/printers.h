/* kubectl's output printers: the table printer over server-side Tables (column spacing of Go's
 * tabwriter with kubectl's padding of 3, NAMESPACE and LABELS columns, kind prefixes, widths
 * remembered across watch events), Go's json.MarshalIndent for -o json, and the name printer.
 * Pure functions over jansson values; nothing here talks to the server. */
#ifndef C8S_CTL_PRINTERS_H
#define C8S_CTL_PRINTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* Go's text/tabwriter as kubectl configures it (minwidth 6, padding 3, no trailing padding on
 * the last cell), with liggitt/tabwriter's remembered widths for watch output. */
struct tabw {
    char ***rows; /* owned cells */
    size_t *ncells;
    size_t nrows;
    size_t *widths; /* remembered column widths */
    size_t nwidths;
};

/* Appends a row (cells are copied). */
void tabw_row(struct tabw *t, const char *const *cells, size_t n);
/* Writes the buffered rows aligned and forgets them; widths are kept when remember is set. */
void tabw_flush(struct tabw *t, FILE *out, bool remember);
/* Frees everything (t itself is the caller's). */
void tabw_free(struct tabw *t);

/* How a Table is printed (kubectl's PrintOptions). */
struct table_opts {
    bool wide;           /* also priority > 0 columns */
    bool no_headers;     /* --no-headers */
    bool with_namespace; /* -A on a namespaced resource: a NAMESPACE column first */
    bool show_labels;    /* --show-labels: a LABELS column last */
    const char *kind;    /* "deployment.apps": prefix the name column ("deployment.apps/web") */
    const char **label_columns; /* -L keys, NULL-terminated, or NULL */
};

/* Adds the header (unless no_headers or header false) and one row per Table row to t. table is
 * a meta.k8s.io/v1 Table (borrowed). Returns the number of rows added. */
size_t printers_table(struct tabw *t, const json_t *table, const struct table_opts *o, bool header);

/* Go's json.MarshalIndent(v, "", "    ") plus a newline: sorted keys, 4-space indent, HTML
 * characters escaped as \u003c, \u003e, \u0026. Returns an owned string. */
char *printers_json(const json_t *v);

/* printers_json with the keys in insertion order: what kubectl prints for typed objects
 * (struct field order), as the generators of create and run build them. Owned. */
char *printers_json_ordered(const json_t *v);

/* Go's json.Marshal(v) (compact, HTML-escaped), as jsonpath prints non-string values. Owned. */
char *printers_json_compact(const json_t *v);

/* "web", "deployment.apps/web": the name printer's line for an object (without newline).
 * Returns an owned string. */
char *printers_name(const char *kind_group, const json_t *obj);

/* The cell text of a Table cell: strings as they are, null as "<none>"... as Go's fmt prints
 * an interface value. Returns an owned string. */
char *printers_cell(const json_t *cell);

/* Labels as kubectl prints them in LABELS: "k=v,k2=v2" sorted by key, or "<none>". Owned. */
char *printers_labels(const json_t *labels);

#endif
