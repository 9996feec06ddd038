/* Field paths over jansson values, as unstructured.NestedField and friends address Kubernetes
 * objects ("metadata.name", "spec.containers[0].image"), plus deep equality with Kubernetes'
 * number semantics (an integral float equals the integer, as after a float64 round trip).
 *
 * Path syntax:
 *   path    := [ "." ] first rest*
 *   first   := name | bracket
 *   rest    := "." name | bracket
 *   name    := one or more characters other than '.', '[' and ']'
 *   bracket := "[" digits "]"                        an array index (0-based, no sign)
 *            | "[" '"' chars '"' "]" | "[" "'" chars "'" "]"   a key; \\ and \" (\') escape
 * So `metadata.annotations["kubernetes.io/change-cause"]` reaches a key that holds dots and
 * slashes, `spec.containers[0].image` indexes a list, and `.metadata.name` (jsonpath style)
 * equals `metadata.name`. A malformed path is -EINVAL with a message naming the offset.
 *
 * Thread-safety: these functions only read their arguments, except the setters which modify root;
 * a frozen (shared) object may be read from any thread. */
#ifndef C8S_JPATH_H
#define C8S_JPATH_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

/* The value at path in root, or NULL when it is absent, when a step meets the wrong type (an index
 * into an object, a key into a list), or when the path is malformed. Returns a borrowed reference,
 * valid while root lives and is unchanged. A JSON null is returned as the null value (not NULL). */
json_t *jpath_get(const json_t *root, const char *path);

/* As jpath_get, with errors told apart: 0 and *out set (borrowed), -ENOENT when absent or a step
 * meets the wrong type ("spec.replicas: not found"), -EINVAL for a malformed path. *out is NULL
 * on failure. */
int jpath_lookup(const json_t *root, const char *path, json_t **out, struct err *err) C8S_MUST_USE;

/* The string at path, or NULL when absent or not a string. Borrowed, valid as jpath_get's result.
 */
const char *jpath_get_string(const json_t *root, const char *path);

/* The integer at path, or def when absent or not an integer. A real that holds a whole number in
 * int64's range counts as that integer (1.0 reads as 1). *found (may be NULL) tells which. */
int64_t jpath_get_int(const json_t *root, const char *path, int64_t def, bool *found);

/* The boolean at path, or def when absent or not a boolean. */
bool jpath_get_bool(const json_t *root, const char *path, bool def);

/* Sets path in root to value, creating missing intermediate objects (never lists), as
 * unstructured.SetNestedField. An index may name an existing element or one past the end (append).
 * Takes ownership of value, on failure too. root must be an object or a list. Errors: -EINVAL for
 * a malformed path or when a step is not an object ("value cannot be set because spec.x is not an
 * object"), -ENOENT when a list or an index is missing. On failure root is unchanged. */
int jpath_set_new(json_t *root, const char *path, json_t *value, struct err *err) C8S_MUST_USE;

/* As jpath_set_new but borrows value (root takes its own reference). */
int jpath_set(json_t *root, const char *path, json_t *value, struct err *err) C8S_MUST_USE;

/* Removes what path names from its parent object or list (later list elements shift down).
 * Returns 1 when something was removed, 0 when nothing was there (as RemoveNestedField, this is
 * not an error), -EINVAL for a malformed path. */
int jpath_del(json_t *root, const char *path, struct err *err);

/* Deep equality. Objects compare regardless of key order; numbers compare by value, so integer 1
 * equals real 1.0, because Kubernetes decodes JSON numbers through float64 in unstructured objects
 * and a number's spelling carries no meaning. Either argument may be NULL (equal only to NULL). */
bool jpath_equal(const json_t *a, const json_t *b);

/* The JSON kind of v as Go's encoding/json names it in "cannot unmarshal X" messages: "object",
 * "array", "string", "number", "bool" or "null" (also for NULL). Static, never NULL. */
const char *jpath_type_name(const json_t *v);

/* A real that holds a whole number in int64's range, as that integer: returns true and sets *out.
 * Integers return true as themselves; everything else false. */
bool jpath_number_as_int(const json_t *v, int64_t *out);

#endif
