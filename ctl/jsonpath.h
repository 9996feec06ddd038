/* kubectl's JSONPath templates (client-go util/jsonpath) for -o jsonpath=, custom-columns and
 * --sort-by: text with {actions}: fields (.a.b, ['a.b']), $ and @, .. (recursive), * (all),
 * [n], [-n], [a:b:c], [*], unions [0,2] and ['a','b'], filters [?(@.k=="v")], [?(@.k)],
 * {range ...}{end} and "quoted" text. Pure; thread-safe once parsed. */
#ifndef C8S_CTL_JSONPATH_H
#define C8S_CTL_JSONPATH_H

#include <stdbool.h>

#include <jansson.h>

#include "err.h"

struct jsonpath;

/* Parses template text. Returns a new template (jsonpath_free), or NULL with err filled
 * (-EINVAL, client-go's wording, e.g. "unclosed action", "unrecognized character in action: U+0021
 * '!'"). */
struct jsonpath *jsonpath_parse(const char *text, struct err *err);
void jsonpath_free(struct jsonpath *jp);

/* Runs the template on data (borrowed) and returns the owned output text, as
 * JSONPath.Execute prints it: strings raw, maps and lists as compact JSON, several results of
 * one action joined by spaces. With allow_missing false a missing key is an error
 * ("<key> is not found"); kubectl's -o jsonpath allows missing keys. NULL with err on error. */
char *jsonpath_execute(const struct jsonpath *jp, const json_t *data, bool allow_missing,
                       struct err *err);

/* The values the template's actions find in data (FindResults flattened), as a new JSON
 * array of copies, for custom-columns and --sort-by. Missing keys are allowed. */
json_t *jsonpath_find(const struct jsonpath *jp, const json_t *data, struct err *err);

/* kubectl's RelaxedJSONPathExpression: ".a.b", "a.b" and "{.a.b}" all become "{.a.b}". Returns
 * an owned string, or NULL with err for an unbalanced brace. */
char *jsonpath_relaxed(const char *expr, struct err *err);

/* Go's fmt %v of a decoded JSON value: strings raw, numbers as Go prints int64/float64,
 * maps as "map[k:v]", lists as "[a b]", null as "<nil>". Owned. */
char *jsonpath_go_value(const json_t *v);

#endif
