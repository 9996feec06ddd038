/* Per-type registry behaviour, as k8s.io/kubernetes' pkg/registry/<group>/<type>/strategy.go
 * and pkg/apis/<group>/v1 defaults give it: scheme defaulting, PrepareForCreate /
 * PrepareForUpdate beyond the generic metadata rules of rest.c, and validation with
 * Kubernetes' field paths and messages. Tables are constant: thread-safe. */
#ifndef C8S_APISERVER_STRATEGY_H
#define C8S_APISERVER_STRATEGY_H

#include <stdbool.h>

#include <jansson.h>

#include "quantity.h"
#include "resources.h"
#include "status.h"
#include "validate.h"

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
/* scheduling.k8s.io and storage.k8s.io (strategy_sched_storage.c). */
extern const struct strategy strategy_sched_storage_table[];
/* networking.k8s.io NetworkPolicies and IngressClasses (strategy_net_node.c). */
extern const struct strategy strategy_net_node_table[];
/* core/v1 ReplicationControllers and PodTemplates, node.k8s.io RuntimeClasses
 * (strategy_rc_node.c). */
extern const struct strategy strategy_rc_node_table[];

/* The PriorityClasses every cluster has (scheduling.SystemPriorityClasses); ends with name NULL. */
struct strategy_system_priority_class {
    const char *name;
    long long value;
    const char *description;
};
extern const struct strategy_system_priority_class strategy_system_priority_classes[];

struct etcd3;
struct err;
/* Creates the system PriorityClasses that are missing, as kube-apiserver's
 * scheduling/bootstrap-system-priority-classes hook; existing ones are left alone. Returns 0 or
 * -errno with err filled. Call once at start. */
int strategy_bootstrap_priority_classes(struct etcd3 *storage, struct err *err);

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

/* ---- Field-error helpers shared by the strategy files (strategy_pod.c) ----
 * All borrow their arguments and are thread-safe with distinct errs. Paths are printf formats
 * ("spec.containers[%zu].image"), so field paths read as Kubernetes prints them. */

/* One error with bad_value as JSON (NULL for types that print none). */
void strategy_error(struct field_errors *errs, enum field_error_type type, const json_t *bad_value,
                    const char *detail, const char *path_fmt, ...) C8S_FMT(5, 6);
/* One error whose bad value is a string (printed quoted, as Go's %q). */
void strategy_error_str(struct field_errors *errs, enum field_error_type type, const char *value,
                        const char *detail, const char *path_fmt, ...) C8S_FMT(5, 6);
/* One error whose bad value is an integer (printed plain). */
void strategy_error_int(struct field_errors *errs, enum field_error_type type, long long value,
                        const char *detail, const char *path_fmt, ...) C8S_FMT(5, 6);
/* One error whose bad value is already printed as Go's %#v prints it (maps, slices, structs,
 * Quantities): `path: Invalid value: map[string]string{"a":"b"}: detail`. */
void strategy_error_printed(struct field_errors *errs, enum field_error_type type,
                            const char *printed, const char *detail, const char *path_fmt, ...)
    C8S_FMT(5, 6);

/* Go's %#v of a JSON object of strings, keys sorted: map[string]string{"a":"b", "c":"d"};
 * map[string]string(nil) for NULL. A new string. */
char *strategy_go_string_map(const json_t *map);
/* Go's %#v of a JSON array of strings: []string{"a", "b"}; []string(nil) for NULL. New string. */
char *strategy_go_string_slice(const json_t *list);
/* Go's %#v of the resource.Quantity a JSON value decodes to
 * (`resource.Quantity{i:resource.int64Amount{value:2, scale:0}, ..., Format:"DecimalSI"}`). */
char *strategy_go_quantity(const json_t *value);

/* Small readers of JSON objects: a string field or "" (borrowed), an integer field or 0, obj[key]
 * as an object created when missing (borrowed), whether subresource is "status". */
const char *strategy_str(const json_t *obj, const char *key);
long long strategy_int(const json_t *obj, const char *key);
json_t *strategy_object_at(json_t *obj, const char *key);
bool strategy_is_status(const char *subresource);

/* Each message of check(value) (a common/validate.h check) as an Invalid error at path. */
void strategy_validate_with(size_t (*check)(const char *, struct validate_errs *),
                            const char *value, const char *path, struct field_errors *errs);

/* ValidateLabels at path: keys qualified names, values label values. */
void strategy_validate_labels(const json_t *labels, const char *path, struct field_errors *errs);

/* Which names validateResourceName accepts without a '/'. */
enum strategy_resource_names {
    STRATEGY_RESOURCES_ANY,       /* validateResourceName: standard resource or qualified */
    STRATEGY_RESOURCES_CONTAINER, /* validateContainerResourceName: cpu, memory, ... */
    STRATEGY_RESOURCES_QUOTA,     /* ValidateResourceQuotaResourceName */
};
/* A resource name of a ResourceList at path ("spec.hard[cpu]"); false when invalid. */
bool strategy_validate_resource_name(const char *name, enum strategy_resource_names names,
                                     const char *path, struct field_errors *errs);
/* ValidateResourceQuantityValue: the value of resource name at path parses, is not negative and
 * is whole for integer resources. Fills *out when it parses (then returns true). */
bool strategy_validate_quantity(const char *name, const json_t *value, const char *path,
                                struct field_errors *errs, struct quantity *out);
/* SetDefaults_ResourceList: every quantity of list rounded up to milli and written canonically
 * ("0.5" -> "500m"); unparsable values are left for validation. */
void strategy_normalize_resource_list(json_t *list);
/* Whether requests may differ from limits for the resource (native, not hugepages). */
bool strategy_resource_overcommits(const char *name);

/* A cmp.Diff-like listing of the top-level fields that differ between two objects, headed by
 * go_type ("core.PodSpec"), as Kubernetes' immutable-spec messages end. A new string. */
char *strategy_go_diff(const char *go_type, const json_t *old, const json_t *now);
/* ValidateContainerResourceRequirements at path ("spec.containers[0].resources"). */
void strategy_validate_resource_requirements(const json_t *resources, const char *path,
                                             struct field_errors *errs);
/* IsConfigMapKey: a ConfigMap or Secret data key at path ("data[key]"). */
void strategy_validate_config_key(const char *key, const char *path, struct field_errors *errs);
/* ValidateTolerations at path ("spec.tolerations"). */
void strategy_validate_tolerations(const json_t *tolerations, const char *path,
                                   struct field_errors *errs);
/* A taint effect: NoSchedule, PreferNoSchedule or NoExecute ("" too when allow_empty). */
void strategy_validate_taint_effect(const char *effect, bool allow_empty, const char *path,
                                    struct field_errors *errs);

/* ---- core/v1 hooks, defined across strategy_core*.c and used by strategy_core_table ---- */

void strategy_default_pod(json_t *pod);
void strategy_prepare_pod_create(json_t *pod);
void strategy_validate_pod(const char *subresource, const json_t *pod, const json_t *old,
                           struct field_errors *errs);
/* The QoS class of a pod (qos.ComputePodQOS): "Guaranteed", "Burstable" or "BestEffort". */
const char *strategy_pod_qos_class(const json_t *pod);

void strategy_validate_configmap(const char *subresource, const json_t *cm, const json_t *old,
                                 struct field_errors *errs);
void strategy_default_secret(json_t *secret);
void strategy_validate_secret(const char *subresource, const json_t *secret, const json_t *old,
                              struct field_errors *errs);

void strategy_default_persistentvolume(json_t *pv);
void strategy_prepare_persistentvolume_create(json_t *pv);
void strategy_validate_persistentvolume(const char *subresource, const json_t *pv,
                                        const json_t *old, struct field_errors *errs);
void strategy_default_persistentvolumeclaim(json_t *pvc);
void strategy_prepare_persistentvolumeclaim_create(json_t *pvc);
void strategy_validate_persistentvolumeclaim(const char *subresource, const json_t *pvc,
                                             const json_t *old, struct field_errors *errs);
void strategy_default_resourcequota(json_t *quota);
void strategy_validate_resourcequota(const char *subresource, const json_t *quota,
                                     const json_t *old, struct field_errors *errs);
void strategy_default_limitrange(json_t *lr);
void strategy_validate_limitrange(const char *subresource, const json_t *lr, const json_t *old,
                                  struct field_errors *errs);

#endif
