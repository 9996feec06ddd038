/* PodSpec and PodTemplateSpec defaults and validation, shared by pods and the workloads. */
#include "strategy.h"

void strategy_default_pod_spec(json_t *spec)
{
    (void)spec;
}

void strategy_default_pod_template(json_t *template_)
{
    strategy_default_pod_spec(json_object_get(template_, "spec"));
}

void strategy_validate_pod_spec(const json_t *spec, const char *path, struct field_errors *errs)
{
    (void)spec;
    (void)path;
    (void)errs;
}

void strategy_validate_pod_template(const json_t *template_, const char *path,
                                    struct field_errors *errs)
{
    (void)template_;
    (void)path;
    (void)errs;
}

void strategy_validate_label_selector(const json_t *selector, const char *path,
                                      struct field_errors *errs)
{
    (void)selector;
    (void)path;
    (void)errs;
}
