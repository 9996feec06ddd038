/* Helpers shared by the strategies of the non-core types (strategy_apps*.c), and the hooks
 * each file contributes to strategy_apps_table. Internal to those files: nothing else includes
 * this header. Every function borrows its JSON arguments and is thread-safe. */
#ifndef C8S_APISERVER_STRATEGY_APPS_INT_H
#define C8S_APISERVER_STRATEGY_APPS_INT_H

#include <stdbool.h>

#include <jansson.h>

#include "status.h"
#include "strategy.h"

/* ---- Field errors whose bad value Kubernetes prints with Go's %#v ---- */

/* Adds an error of type (FIELD_INVALID or FIELD_NOT_SUPPORTED) whose value is printed as raw,
 * already formatted (`map[string]string{"app":"x"}`); detail may be NULL. */
void sapps_add_raw(struct field_errors *fe, enum field_error_type type, const char *field,
                   const char *raw, const char *detail);

/* Owned strings in Go's %#v form: `map[string]string{"a":"b"}` (keys sorted; absent gives
 * `map[string]string(nil)`), `[]string{"a"}`, `v1.LabelSelector{MatchLabels:..,
 * MatchExpressions:..}`, `intstr.IntOrString{Type:1, IntVal:0, StrVal:"5%"}`. */
char *sapps_go_string_map(const json_t *m);
char *sapps_go_string_slice(const json_t *a);
char *sapps_go_label_selector(const json_t *sel);
char *sapps_go_int_or_string(const json_t *v);

/* ---- Small validators with Kubernetes' messages ---- */

/* ValidateNonnegativeField on obj[key] when it is an integer. */
void sapps_nonnegative(const json_t *obj, const char *key, const char *path,
                       struct field_errors *fe);
/* ValidatePositiveIntOrPercent and IsNotMoreThan100Percent on an int-or-string value. */
void sapps_int_or_percent(const json_t *v, const char *path, struct field_errors *fe);
/* getIntOrPercentValue: the number of an int, or of a valid "N%" string; 0 otherwise. */
long long sapps_int_or_percent_value(const json_t *v);
/* ValidateImmutableField for a value printed as raw (NULL prints the JSON). */
void sapps_immutable(const json_t *now, const json_t *before, const char *path, const char *raw,
                     struct field_errors *fe);
/* ValidateLabels and ValidateAnnotations of an ObjectMeta-like object at path ("spec.template"
 * gives spec.template.labels / spec.template.annotations, as Kubernetes names them). */
void sapps_validate_meta_labels(const json_t *meta, const char *path, struct field_errors *fe);

/* How a workload's selector is checked against its pod template. */
struct sapps_selector_rules {
    bool required;             /* nil selector: "Required value" */
    const char *empty_word;    /* "deployment": `empty selector is invalid for deployment`; NULL:
                                  an empty selector is allowed */
    const char *parse_detail;  /* detail when LabelSelectorAsSelector fails ("" for none) */
    bool skip_when_everything; /* no template check for a selector that matches everything */
};

/* The spec's selector against spec.template.metadata.labels at path ("spec"); returns whether
 * the selector converted (so the template may be checked further). */
bool sapps_validate_selector(const json_t *spec, const char *path,
                             const struct sapps_selector_rules *rules, struct field_errors *fe);

/* ---- Defaulting ---- */

/* obj[key] as an object, created when absent or not an object. Borrowed. */
json_t *sapps_object(json_t *obj, const char *key);
/* Sets obj[key] when absent (or JSON null). */
void sapps_default_int(json_t *obj, const char *key, long long value);
void sapps_default_string(json_t *obj, const char *key, const char *value);
void sapps_default_bool(json_t *obj, const char *key, bool value);

/* Whether the two values differ, absent and null being equal. */
bool sapps_differs(const json_t *a, const json_t *b);

/* ---- The strategies, one set per file ---- */

/* strategy_apps_batch.c */
void sapps_job_defaults(json_t *obj);
void sapps_job_prepare_create(json_t *obj);
void sapps_job_validate(const char *sub, const json_t *obj, const json_t *old,
                        struct field_errors *fe);
void sapps_cronjob_defaults(json_t *obj);
void sapps_cronjob_validate(const char *sub, const json_t *obj, const json_t *old,
                            struct field_errors *fe);
/* robfig/cron's ParseStandard: NULL when valid, else an owned message as it words it. */
char *sapps_cron_parse_error(const char *schedule);

/* strategy_apps_misc.c */
void sapps_pdb_validate(const char *sub, const json_t *obj, const json_t *old,
                        struct field_errors *fe);
void sapps_ingress_validate(const char *sub, const json_t *obj, const json_t *old,
                            struct field_errors *fe);
void sapps_hpa_defaults(json_t *obj);
void sapps_hpa_validate(const char *sub, const json_t *obj, const json_t *old,
                        struct field_errors *fe);
void sapps_lease_validate(const char *sub, const json_t *obj, const json_t *old,
                          struct field_errors *fe);
void sapps_endpointslice_defaults(json_t *obj);
void sapps_endpointslice_validate(const char *sub, const json_t *obj, const json_t *old,
                                  struct field_errors *fe);
void sapps_role_validate(const char *sub, const json_t *obj, const json_t *old,
                         struct field_errors *fe);
void sapps_clusterrole_validate(const char *sub, const json_t *obj, const json_t *old,
                                struct field_errors *fe);
void sapps_binding_defaults(json_t *obj);
void sapps_rolebinding_validate(const char *sub, const json_t *obj, const json_t *old,
                                struct field_errors *fe);
void sapps_clusterrolebinding_validate(const char *sub, const json_t *obj, const json_t *old,
                                       struct field_errors *fe);

#endif
