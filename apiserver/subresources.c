/* scale, binding and eviction (not yet served). */
#include "subresources.h"

#include "rest_internal.h"
#include "status.h"

static json_t *not_served(const struct rest_call *call, int *code)
{
    return rest_answer_status(
        code, status_not_found(call->resource->group, call->resource->plural, call->info->name));
}

json_t *subresource_scale(struct rest *r, const struct rest_call *call, int *code)
{
    return not_served(call, code);
}

json_t *subresource_binding(struct rest *r, const struct rest_call *call, int *code)
{
    return not_served(call, code);
}

json_t *subresource_eviction(struct rest *r, const struct rest_call *call, int *code)
{
    return not_served(call, code);
}
