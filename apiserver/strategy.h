/* Per-type registry behaviour, as k8s.io/kubernetes' pkg/registry/<group>/<type>/strategy.go
 * and pkg/apis/<group>/v1 defaults give it: scheme defaulting, PrepareForCreate /
 * PrepareForUpdate beyond the generic metadata rules of rest.c, and validation with
 * Kubernetes' field paths and messages. Tables are constant: thread-safe. */
#ifndef C8S_APISERVER_STRATEGY_H
#define C8S_APISERVER_STRATEGY_H

#include <jansson.h>

#include "resources.h"
#include "status.h"

struct strategy {
    const char *group; /* "" for core; NULL ends a table */
    const char *plural;
    /* Scheme defaults (SetDefaults_*) on every object that is about to be written: created,
     * replaced or patched. May be NULL. */
    void (*apply_defaults)(json_t *obj);
    /* PrepareForCreate after the generic metadata: reset status, initial conditions. */
    void (*prepare_create)(json_t *obj);
    /* PrepareForUpdate after rest.c's generic merge (status taken from old on the main
     * resource, only status from obj on "status"); subresource is "" or "status". */
    void (*prepare_update)(const char *subresource, json_t *obj, const json_t *old);
    /* ValidateCreate (old NULL), ValidateUpdate / ValidateStatusUpdate: adds field errors. */
    void (*validate)(const char *subresource, const json_t *obj, const json_t *old,
                     struct field_errors *errs);
};

/* The strategy of a resource, or NULL when only the generic rules apply. */
const struct strategy *strategy_find(const struct resource *res);

/* The tables, one per file (strategy_core.c, strategy_apps.c), each ending with group NULL. */
extern const struct strategy strategy_core_table[];
extern const struct strategy strategy_apps_table[];

/* ---- Shared by pods and every workload with a pod template (strategy_pod.c) ---- */

/* SetDefaults for a PodSpec (restartPolicy, dnsPolicy, terminationGracePeriodSeconds,
 * container imagePullPolicy/terminationMessagePath, port protocols, ...). */
void strategy_default_pod_spec(json_t *spec);
/* SetDefaults for a PodTemplateSpec {metadata, spec}. */
void strategy_default_pod_template(json_t *template_);
/* ValidatePodSpec at path ("spec", "spec.template.spec", ...). */
void strategy_validate_pod_spec(const json_t *spec, const char *path, struct field_errors *errs);
/* ValidatePodTemplateSpec at path: labels, annotations and the spec. */
void strategy_validate_pod_template(const json_t *template_, const char *path,
                                    struct field_errors *errs);
/* A metav1.LabelSelector at path (matchLabels values, matchExpressions operators). */
void strategy_validate_label_selector(const json_t *selector, const char *path,
                                      struct field_errors *errs);

#endif
