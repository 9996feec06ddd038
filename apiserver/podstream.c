/* Placeholder: pods/log, exec, attach and portforward are not served yet. */
#include "podstream.h"

#include "status.h"

json_t *podstream_serve(struct rest *r, const struct rest_call *call, int *code)
{
    (void)r;
    (void)call;
    return rest_answer_status(code, status_method_not_allowed());
}
