/* Label selectors (k8s.io/apimachinery/pkg/labels: "app=web,tier in (a,b),!canary") and field
 * selectors (pkg/fields: "metadata.name=x,spec.nodeName!="): parse with Kubernetes' messages,
 * match, print canonically. A selector is immutable once built, so threads may share it. */
#ifndef C8S_SELECTOR_H
#define C8S_SELECTOR_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"

/* selection.Operator */
enum label_op {
    LABEL_OP_EQUALS,         /* a=b */
    LABEL_OP_DOUBLE_EQUALS,  /* a==b */
    LABEL_OP_NOT_EQUALS,     /* a!=b */
    LABEL_OP_IN,             /* a in (x,y) */
    LABEL_OP_NOT_IN,         /* a notin (x,y) */
    LABEL_OP_EXISTS,         /* a */
    LABEL_OP_DOES_NOT_EXIST, /* !a */
    LABEL_OP_GT,             /* a>1 */
    LABEL_OP_LT,             /* a<1 */
};

struct label_requirement {
    char *key;
    enum label_op op;
    size_t nvalues;
    char **values; /* parsed ones are sorted and unique; JSON ones keep their order */
};

/* A conjunction of requirements sorted by key. With no requirements it matches everything;
 * `nothing` (from a null LabelSelector) matches no object. */
struct label_selector {
    bool nothing;
    size_t n;
    struct label_requirement *reqs;
};

/* Parses s as labels.Parse does. Returns an owned selector (label_selector_free), or NULL with
 * err filled (-EINVAL) with Kubernetes' message, e.g. "unable to parse requirement: found '',
 * expected: identifier" or "found ',', expected: !, identifier, or 'end of string'". Long
 * validation messages are cut at ERR_MSG_SIZE. "" gives the everything selector. */
struct label_selector *label_selector_parse(const char *s, struct err *err);

/* Converts a metav1.LabelSelector JSON object (matchLabels, matchExpressions with operators
 * In/NotIn/Exists/DoesNotExist) as LabelSelectorAsSelector does. Borrows ls; NULL or JSON null
 * gives the nothing selector, an empty object the everything selector. Errors (-EINVAL) as
 * Kubernetes: `"Foo" is not a valid label selector operator`, or NewRequirement's messages. */
struct label_selector *label_selector_from_json(const json_t *ls, struct err *err);

void label_selector_free(struct label_selector *sel);

/* Whether labels (a JSON object of strings, as metadata.labels; NULL is no labels) satisfy
 * every requirement. Borrows both. */
bool label_selector_matches(const struct label_selector *sel, const json_t *labels);

/* Whether sel has no requirements (matches everything); false for the nothing selector. */
bool label_selector_is_empty(const struct label_selector *sel);

/* Returns an owned string: the canonical form, requirements in key order ("a in (x,y),b!=c").
 * The nothing selector prints as "". */
char *label_selector_string(const struct label_selector *sel);

/* Whether a and b hold the same requirements in the same order. */
bool label_selector_equal(const struct label_selector *a, const struct label_selector *b);

/* Field selectors: field=value, field==value (same as =) and field!=value. */
enum field_op {
    FIELD_OP_EQUALS,
    FIELD_OP_NOT_EQUALS,
};

struct field_requirement {
    char *field;
    enum field_op op;
    char *value; /* unescaped */
};

struct field_selector {
    size_t n;
    struct field_requirement *reqs;
};

/* Parses s as fields.ParseSelector does (terms split on unescaped ',', values unescaped from
 * \\ \, \=). Returns an owned selector (field_selector_free) or NULL with err (-EINVAL):
 * "invalid selector: 'a'; can't understand 'a'", "invalid field selector: invalid escape
 * sequence: \x", "invalid field selector: unescaped character in value: 61". */
struct field_selector *field_selector_parse(const char *s, struct err *err);

void field_selector_free(struct field_selector *sel);

/* Whether fields (a JSON object of strings the caller builds per type, e.g.
 * {"metadata.name": "web", "spec.nodeName": ""}) satisfy every term; a missing field reads as
 * "". Borrows both. */
bool field_selector_matches(const struct field_selector *sel, const json_t *fields);

bool field_selector_is_empty(const struct field_selector *sel);

/* If sel requires field == value, returns that value (borrowed from sel), else NULL
 * (RequiresExactMatch; lets callers index by spec.nodeName or metadata.name). */
const char *field_selector_exact_match(const struct field_selector *sel, const char *field);

/* Returns an owned string: terms joined by ',' with values escaped ("a=b\,c,d!=e"). */
char *field_selector_string(const struct field_selector *sel);

/* Whether a and b hold the same terms, in any order. */
bool field_selector_equal(const struct field_selector *a, const struct field_selector *b);

#endif
