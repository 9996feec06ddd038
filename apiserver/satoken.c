/* TokenRequest (not yet served). */
#include "satoken.h"

#include "rest_internal.h"
#include "status.h"

json_t *satoken_request(struct rest *r, const struct rest_call *call, int *code)
{
    return rest_answer_status(
        code, status_not_found(call->resource->group, call->resource->plural, call->info->name));
}
