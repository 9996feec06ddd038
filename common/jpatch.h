/* The three patch kinds of a Kubernetes PATCH request, over jansson values:
 *   - JSON merge patch (RFC 7386, application/merge-patch+json) as evanphx/json-patch v4's
 *     MergePatch and CreateMergePatch, which the apiserver and kubectl use;
 *   - JSON patch (RFC 6902, application/json-patch+json) as evanphx/json-patch v4's Apply, with its
 *     error messages ("add operation does not apply: doc is missing path: \"/spec/x\": missing
 *     value", "testing value /metadata/name failed: test failed");
 *   - strategic merge patch (application/strategic-merge-patch+json) as
 *     k8s.io/apimachinery/pkg/util/strategicpatch: apply, two-way and three-way creation.
 *
 * Every function reads its inputs (they may be frozen, shared objects) and returns a new value, so
 * a failed patch never leaves a half-patched document. All are thread-safe on distinct outputs.
 *
 * Error codes tell the apiserver which status to answer, as its patch handler does:
 *   -EINVAL        the patch (or document) is malformed              -> 400 Bad Request
 *   -C8S_EINVALID  the patch is well formed but does not apply       -> 422 Unprocessable Entity
 *   -C8S_ETOOLARGE a JSON patch has more than JPATCH_MAX_OPERATIONS  -> 413 */
#ifndef C8S_JPATCH_H
#define C8S_JPATCH_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

/* ---- JSON merge patch (RFC 7386) ---------------------------------------------------------- */

/* Applies patch to doc: null deletes a member, objects merge recursively, anything else replaces.
 * As evanphx v4, a patch that is not an object replaces the whole document (an array patch keeps
 * its null elements), nulls are pruned from values that land where the document had no object, and
 * a document that is not an object is replaced by the (pruned) patch. Returns a new reference.
 * Errors: -EINVAL "Invalid JSON Document" when doc is NULL or null, "Invalid JSON Patch" when patch
 * is NULL, null or a scalar. Borrows both. */
json_t *jpatch_merge_apply(const json_t *doc, const json_t *patch, struct err *err);

/* The merge patch that turns original into modified (both objects, or both arrays of objects of the
 * same length, giving an array of patches), as CreateMergePatch: changed and added members as in
 * modified, removed ones as null, lists replaced whole. Returns a new reference ({} when equal).
 * Errors: -EINVAL "Invalid JSON Document" (not objects, or arrays of different lengths),
 * "Mismatched JSON Documents" (an object and an array). Borrows both. */
json_t *jpatch_merge_create(const json_t *original, const json_t *modified, struct err *err);

/* ---- JSON patch (RFC 6902) ---------------------------------------------------------------- */

/* The apiserver's limit on operations in one JSON patch. */
#define JPATCH_MAX_OPERATIONS 10000

/* Applies the operations of patch (a list of {"op", "path", "from", "value"} objects) in order to
 * doc (an object or a list) and returns the result as a new reference; doc is never modified.
 * Paths are RFC 6901 pointers ("/metadata/labels/app", "~1" for '/', "~0" for '~', "-" appends).
 * Behaviour follows evanphx v4 as the apiserver runs it: negative list indices count from the end,
 * "replace" of a missing object member adds it, "test" treats a missing member as null, a missing
 * "value" is null, and "replace" of "" swaps the whole document for an object or a list.
 * Unlike evanphx, "test" compares numbers by value (1 equals 1.0, see jpath_equal).
 * Errors: -EINVAL when patch is not a list of objects (Go's decoding message), -C8S_ETOOLARGE past
 * JPATCH_MAX_OPERATIONS, -C8S_EINVALID when an operation does not apply, with evanphx's message.
 * Borrows both. */
json_t *jpatch_json_apply(const json_t *doc, const json_t *patch, struct err *err);

/* ---- Strategic merge patch ------------------------------------------------------------------ */

/* Patch strategies of a field, the `patchStrategy` struct tag: flags, "merge,retainKeys" is
 * JPATCH_SMP_MERGE | JPATCH_SMP_RETAIN_KEYS. MERGE and REPLACE together are invalid. */
#define JPATCH_SMP_MERGE       1u /* lists merge by merge key (maps) or by value (primitives) */
#define JPATCH_SMP_REPLACE     2u /* the field's value is replaced whole, never merged */
#define JPATCH_SMP_RETAIN_KEYS 4u /* created patches carry $retainKeys for this map */

struct jpatch_smp_field {
    unsigned strategy;     /* JPATCH_SMP_* flags; 0 = default (maps merge, lists replace) */
    const char *merge_key; /* `patchMergeKey`, e.g. "name", "containerPort"; NULL if none.
                            * Borrowed: must stay valid for the patch call. */
};

/* What the strategic merge patch knows about the fields of one object type.
 * lookup is called with the field names from the object's root (list elements add no name: the
 * ports of each container are {"spec", "containers", "ports"}) and fills *out, returning 0, or
 * returns -ENOENT when it knows nothing of the field (default strategy). Any other negative value
 * fails the patch with that code. lookup must be safe to call from the thread patching. */
struct jpatch_smp_schema {
    int (*lookup)(void *data, const char *const *path, size_t depth, struct jpatch_smp_field *out);
    void *data;
};

/* One row of a table schema: path is the dotted field path ("spec.template.spec.containers"). */
struct jpatch_smp_table_entry {
    const char *path;
    unsigned strategy;
    const char *merge_key;
};

/* A ready lookup over a table: data is a `const struct jpatch_smp_table_entry *` array ended by a
 * row whose path is NULL. Matches paths exactly. Thread-safe (reads only). */
int jpatch_smp_table_lookup(void *data, const char *const *path, size_t depth,
                            struct jpatch_smp_field *out);

/* Applies a strategic merge patch (an object) to original (an object) as the apiserver does
 * (StrategicMergeMapPatch): maps merge and null deletes; lists whose field has the merge strategy
 * merge by merge key (maps) or union (primitives); other lists are replaced. Directives:
 * "$patch": "replace" | "delete" in maps and in merging-list items, "$patch": "replace" as a list
 * item, "$retainKeys", "$deleteFromPrimitiveList/<field>", "$setElementOrder/<field>".
 * schema may be NULL: then it behaves as a JSON merge patch on maps and replaces lists (what an
 * unstructured object gets). Directive keys never reach the result. Returns a new reference.
 * Errors: -EINVAL for malformed patches (strategicpatch's messages, e.g. "invalid patch format of
 * retainKeys", "map: map[image:x] does not contain declared merge key: name"), -C8S_EINVALID for
 * "lists of lists are not supported". Borrows all arguments. */
json_t *jpatch_smp_apply(const json_t *original, const json_t *patch,
                         const struct jpatch_smp_schema *schema, struct err *err);

/* The two-way strategic merge patch from original to modified (CreateTwoWayMergePatch, with
 * $setElementOrder lists): applying it to original with jpatch_smp_apply yields modified, up to the
 * order of merging lists not covered by $setElementOrder. Returns a new reference ({} when equal).
 * Errors as jpatch_smp_apply. Borrows all arguments. */
json_t *jpatch_smp_create(const json_t *original, const json_t *modified,
                          const struct jpatch_smp_schema *schema, struct err *err);

/* The three-way patch kubectl apply sends (CreateThreeWayMergePatch with overwrite): the changes
 * from current (the live object) to modified (the new configuration), without deletions, plus the
 * deletions from last_applied (the last-applied-configuration annotation) to modified. So fields
 * set by others in current survive unless the user removed them from their configuration. With a
 * NULL schema it equals jsonmergepatch.CreateThreeWayJSONMergePatch, which kubectl uses for custom
 * resources. last_applied may be NULL (none recorded). Returns a new reference.
 * Errors as jpatch_smp_apply. Borrows all arguments. */
json_t *jpatch_smp_create_three_way(const json_t *last_applied, const json_t *modified,
                                    const json_t *current, const struct jpatch_smp_schema *schema,
                                    struct err *err);

#endif
