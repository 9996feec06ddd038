/* Server-side apply (not yet: 415 for apply patches, no managedFields). */
#include "apply.h"

#include "rest_internal.h"
#include "status.h"

json_t *apply_patch(struct rest *r, const struct rest_call *call, int *code)
{
    return rest_answer_status(
        code, status_unsupported_media_type("application/json-patch+json, "
                                            "application/merge-patch+json, "
                                            "application/strategic-merge-patch+json"));
}

void managedfields_update(const struct resource *res, json_t *obj, const json_t *old,
                          const char *manager, const char *subresource)
{
}
