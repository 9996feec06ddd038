/* kubectl explain's rendering (kubectl 1.32, pkg/explain/v2 and its plaintext template) over an
 * OpenAPI v3 group-version document: the GROUP/KIND/VERSION header, FIELD/DESCRIPTION/FIELDS
 * sections, type names as kubectl guesses them, enums, go-wordwrap's wrapping; and the parsing
 * of "TYPE.field.path" arguments as client-go's JSONPath parser sees them. Pure, thread-safe. */
#ifndef C8S_CTL_EXPLAIN_H
#define C8S_CTL_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"

/* Wraps s at lim columns as go-wordwrap 1.0.1's WrapString (kubectl's wrap template function):
 * breaks only at white space, counts runes, never breaks a word longer than lim. Returns an
 * owned string. */
char *explain_wrap(const char *s, unsigned lim);

/* What to explain: a resource of a group-version, the field path below it (borrowed). */
struct explain_request {
    const char *group; /* "" for the core group */
    const char *version;
    const char *resource;
    char *const *fields;
    size_t nfields;
    bool recursive;
};

/* Renders kubectl's "plaintext" template for req from doc (a group-version document,
 * borrowed). Returns 0 with *out the owned text; otherwise a negative code, err->msg holding
 * kubectl's whole message ("error: field "x" does not exist", "error: GVR (/v1,
 * Resource=x) not found in OpenAPI schema") and *out the text kubectl prints before failing
 * (possibly ""), also owned. */
int explain_render(const json_t *doc, const struct explain_request *req, char **out,
                   struct err *err) C8S_MUST_USE;

/* One node of a parsed JSONPath action: a field name, "..", or anything else ([0], 'text',
 * identifiers, numbers, *). */
enum explain_node_type { EXPLAIN_FIELD, EXPLAIN_RECURSIVE, EXPLAIN_OTHER };

struct explain_node {
    enum explain_node_type type;
    char *value; /* the field name (owned) for EXPLAIN_FIELD, else NULL */
};

struct explain_nodes {
    struct explain_node *v;
    size_t n;
};

/* kubectl explain's jsonPathParse: text without one trailing ".", parsed as the template
 * "{.<text>}" by client-go's rules. Returns 0 with *out filled (free with explain_nodes_free),
 * or -EINVAL with client-go's message in err ("unrecognized character in action: U+002C ','",
 * "invalid multiple recursive descent", "must pass in 1 jsonpath string", ...). */
int explain_parse_path(const char *text, struct explain_nodes *out, struct err *err) C8S_MUST_USE;

/* Frees the nodes and zeroes n. */
void explain_nodes_free(struct explain_nodes *n);

#endif
