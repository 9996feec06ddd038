/* Resources served in more than one version: which version is stored, and the conversion
 * between versions (the scheme conversion of kube-apiserver, which stores every object of a
 * resource in one storage version and converts requests and answers at the edges). One table
 * entry per multi-version resource; constant data, thread-safe. */
#ifndef C8S_APISERVER_CONVERT_H
#define C8S_APISERVER_CONVERT_H

#include <stdbool.h>
#include <time.h>

#include <jansson.h>

#include "resources.h"
#include "table.h"

struct err;
struct field_errors;

/* Converts one object of a kind from apiVersion `from` to apiVersion `to` ("autoscaling/v1",
 * "events.k8s.io/v1", "v1"). Returns a new reference (a copy when from == to); never fails:
 * fields a version cannot hold travel in annotations, as Kubernetes' conversions do. Borrows
 * obj. */
typedef json_t *(*convert_fn)(const json_t *obj, const char *from, const char *to);

/* The resource entry of res's storage version (res itself when res is stored as it is
 * served, or is served in one version only). The storage version may belong to another group:
 * events.k8s.io/v1 events are stored as core v1 events. Borrowed from the resource table. */
const struct resource *convert_storage_resource(const struct resource *res);

/* Whether objects of res are stored in another version than res's. */
bool convert_is_needed(const struct resource *res);

/* One object of a kind (its kind and apiVersion may be missing, as in request bodies) from
 * resource `from`'s version to resource `to`'s, one of them served and the other its storage
 * version: a new reference (a copy when nothing converts). Borrows obj. */
json_t *convert_object(const struct resource *from, const struct resource *to, const json_t *obj);

/* Row objects of a Table built from the storage version, moved to the served version when
 * they are whole objects (includeObject=Object). table is changed in place. */
void convert_table_rows(const struct resource *served, json_t *table, enum table_include include);

/* obj (an object of from's kind in from's version, or a `<Kind>List` of them) in to's version:
 * a new reference. Anything else (a Status, a Table) comes back as a new reference to itself.
 * Borrows obj. */
json_t *convert_answer(const struct resource *from, const struct resource *to, const json_t *obj);

/* table_build for a served resource whose storage version differs: the cells come from the
 * storage version (as kube-apiserver prints the internal object), row objects with
 * includeObject=Object are converted to the served version. list_or_object is in the served
 * version. Returns a new reference. */
json_t *convert_table_build(const struct resource *served, const json_t *list_or_object,
                            enum table_include include, time_t now);

/* A field selector of a request to `served` in the storage version's field labels, as the
 * scheme's field label conversion of the served version does (events.k8s.io/v1:
 * regarding.name -> involvedObject.name, reportingController -> reportingComponent). A kind
 * without such a conversion keeps its selector. Returns a new string, or NULL with err set
 * (-EINVAL, "field label not supported: <label>", a 400 for the client). Borrows selector. */
char *convert_field_selector(const struct resource *served, const char *selector, struct err *err);

/* Validation that depends on the version the request came in (ValidateEventCreate/Update's
 * requestVersion): obj and old (NULL on create) are in the storage version, served is the
 * resource the client addressed. Adds to errs after the storage version's own validation;
 * nothing for kinds without such rules. Thread-safe with distinct errs. */
void convert_validate(const struct resource *served, const json_t *obj, const json_t *old,
                      struct field_errors *errs);

/* ---- Kinds (convert_<kind>.c) ---- */

/* autoscaling/v1 <-> autoscaling/v2 HorizontalPodAutoscaler (pkg/apis/autoscaling/v1/
 * conversion.go): targetCPUUtilizationPercentage is the first Resource cpu metric's
 * averageUtilization; other metrics, current metrics, behavior and conditions travel in the
 * autoscaling.alpha.kubernetes.io/ annotations of the v1 object. v1 -> v2 applies v1's
 * defaults first (minReplicas 1) and the implicit CPU 80% target when no metric is left. */
json_t *convert_hpa(const json_t *obj, const char *from, const char *to);

/* events.k8s.io/v1 <-> core v1 Event (pkg/apis/events/v1/conversion.go): regarding is
 * involvedObject, note message, reportingController reportingComponent, deprecatedSource,
 * deprecatedFirstTimestamp, deprecatedLastTimestamp and deprecatedCount are source,
 * firstTimestamp, lastTimestamp and count; the other fields keep their names. The answer
 * carries the fields Go always writes (null times, empty structs). */
json_t *convert_event(const json_t *obj, const char *from, const char *to);

/* The field label of an events.k8s.io/v1 field selector in core v1 Event terms, or NULL when
 * events.k8s.io/v1 does not support it. Static storage. */
const char *convert_event_field_label(const char *label);

/* ValidateEventCreate/ValidateEventUpdate's rules for events.k8s.io requests on top of the
 * legacy ones (strategy_core.c): eventTime required, type Normal or Warning, the deprecated
 * fields unset, series checked; on update the fields that may not change. obj and old (NULL
 * on create) are core v1 Events; paths name core v1's fields (reportingComponent). */
void convert_event_validate(const json_t *obj, const json_t *old, struct field_errors *errs);

#endif
