/* Server-side apply and managedFields, as k8s.io/apiserver's fieldmanager does: every write
 * records which manager owns which fields (fieldsV1 sets in metadata.managedFields, operation
 * Update or Apply); an apply patch (application/apply-patch+yaml) merges the applier's intent,
 * removes fields it applied before and dropped, and fails with 409 Conflict when another
 * manager owns a field it sets to a different value, unless force=true. Thread-safe. */
#ifndef C8S_APISERVER_APPLY_H
#define C8S_APISERVER_APPLY_H

#include <jansson.h>

#include "rest.h"

/* PATCH with Content-Type application/apply-patch+yaml: creates the object when missing,
 * else updates it through the GuaranteedUpdate loop. Returns the answer with *code. */
json_t *apply_patch(struct rest *r, const struct rest_call *call, int *code);

/* The managedFields bookkeeping of a non-apply write (operation Update, or the create):
 * the fields that differ between old (NULL on create) and obj move to manager. obj is
 * changed in place. subresource is "" or "status". */
void managedfields_update(const struct resource *res, json_t *obj, const json_t *old,
                          const char *manager, const char *subresource);

#endif
