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

/* Converts one object of a kind from version `from` to version `to` (same group). Returns a
 * new reference (a copy when from == to); never fails: fields a version cannot hold travel in
 * annotations, as Kubernetes' conversions do. Borrows obj. */
typedef json_t *(*convert_fn)(const json_t *obj, const char *from, const char *to);

/* The resource entry of res's storage version (res itself when res is stored as it is
 * served, or is served in one version only). Borrowed from the resource table. */
const struct resource *convert_storage_resource(const struct resource *res);

/* Whether objects of res are stored in another version than res's. */
bool convert_is_needed(const struct resource *res);

/* One object of res's kind (its kind and apiVersion may be missing, as in request bodies)
 * from version `from` to `to`: a new reference (a copy when nothing converts). Borrows obj. */
json_t *convert_object(const struct resource *res, const json_t *obj, const char *from,
                       const char *to);

/* Row objects of a Table built from the storage version, moved to the served version when
 * they are whole objects (includeObject=Object). table is changed in place. */
void convert_table_rows(const struct resource *served, json_t *table, enum table_include include);

/* obj (an object of res's kind in version `from`, or a `<Kind>List` of them) in version `to`:
 * a new reference. Anything else (a Status, a Table) comes back as a new reference to itself.
 * Borrows obj. */
json_t *convert_answer(const struct resource *res, const json_t *obj, const char *from,
                       const char *to);

/* table_build for a served resource whose storage version differs: the cells come from the
 * storage version (as kube-apiserver prints the internal object), row objects with
 * includeObject=Object are converted to the served version. list_or_object is in the served
 * version. Returns a new reference. */
json_t *convert_table_build(const struct resource *served, const json_t *list_or_object,
                            enum table_include include, time_t now);

/* ---- Kinds (convert_<kind>.c) ---- */

/* autoscaling/v1 <-> autoscaling/v2 HorizontalPodAutoscaler (pkg/apis/autoscaling/v1/
 * conversion.go): targetCPUUtilizationPercentage is the first Resource cpu metric's
 * averageUtilization; other metrics, current metrics, behavior and conditions travel in the
 * autoscaling.alpha.kubernetes.io/ annotations of the v1 object. v1 -> v2 applies v1's
 * defaults first (minReplicas 1) and the implicit CPU 80% target when no metric is left. */
json_t *convert_hpa(const json_t *obj, const char *from, const char *to);

#endif
