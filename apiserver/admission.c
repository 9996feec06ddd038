/* Admission plugins (not yet: every request is admitted). */
#include "admission.h"

#include "xalloc.h"

struct admission {
    int unused;
};

struct admission *admission_new(const struct rest_options *options, struct err *err)
{
    (void)options;
    (void)err;
    return xcalloc(1, sizeof(struct admission));
}

void admission_free(struct admission *a)
{
    free(a);
}

json_t *admission_mutate(struct rest *r, const struct admission_attributes *attrs, json_t *obj,
                         const json_t *old, int *code)
{
    return NULL;
}

json_t *admission_validate(struct rest *r, const struct admission_attributes *attrs,
                           const json_t *obj, const json_t *old, int *code)
{
    return NULL;
}

void admission_finish(struct rest *r, const struct admission_attributes *attrs, const json_t *obj,
                      const json_t *old, bool committed)
{
}

int admission_bootstrap(struct rest *r, struct err *err)
{
    return 0;
}
