/* PersistentVolumes, PersistentVolumeClaims, ResourceQuotas and LimitRanges as Kubernetes 1.32
 * defaults, prepares and validates them: access modes, capacity and storage requests, the
 * immutable volume source and claim spec (bound claims may only grow), quota resource names and
 * scopes, and the min <= defaultRequest <= default <= max ordering of limit ranges. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "k8stime.h"
#include "quantity.h"
#include "strategy.h"
#include "validate.h"
#include "xalloc.h"

static void set_default_str(json_t *obj, const char *key, const char *value)
{
    if (json_is_object(obj) && strategy_str(obj, key)[0] == '\0') {
        json_object_set_new(obj, key, json_string(value));
    }
}

/* Go's %#v of a core.ResourceList. A new string. */
static char *go_resource_list(const json_t *list)
{
    if (!json_is_object(list)) {
        return xstrdup("core.ResourceList(nil)");
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fputs("core.ResourceList{", f);
    const char *key;
    json_t *value;
    bool first = true;
    json_object_foreach ((json_t *)list, key, value) {
        cleanup_free char *k = validate_quote(key);
        cleanup_free char *q = strategy_go_quantity(value);
        fprintf(f, "%s%s:%s", first ? "" : ", ", k, q);
        first = false;
    }
    fputc('}', f);
    fclose(f);
    return buf;
}

static void validate_class_name(const json_t *spec, const char *path, struct field_errors *errs)
{
    const char *name = strategy_str(spec, "storageClassName");
    if (name[0] == '\0') {
        return;
    }
    struct validate_errs msgs = VALIDATE_ERRS_INIT;
    validate_dns1123_subdomain(name, &msgs);
    for (size_t i = 0; i < msgs.n; i++) {
        strategy_error_str(errs, FIELD_INVALID, name, msgs.msg[i], "%s", path);
    }
    validate_errs_free(&msgs);
}

static void validate_access_modes(const json_t *modes, const char *required_detail,
                                  struct field_errors *errs)
{
    if (json_array_size(modes) == 0) {
        strategy_error(errs, FIELD_REQUIRED, NULL, required_detail, "spec.accessModes");
    }
    static const char *const supported[] = {"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce",
                                            "ReadWriteOncePod"};
    bool once_pod = false, other = false;
    size_t i;
    json_t *mode;
    json_array_foreach (modes, i, mode) {
        const char *m = json_string_value(mode) ? json_string_value(mode) : "";
        bool known = false;
        for (size_t s = 0; s < 4; s++) {
            known = known || strcmp(m, supported[s]) == 0;
        }
        if (!known) {
            strategy_error_str(errs, FIELD_NOT_SUPPORTED, m,
                               "\"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", "
                               "\"ReadWriteOncePod\"",
                               "spec.accessModes");
        }
        if (strcmp(m, "ReadWriteOncePod") == 0) {
            once_pod = true;
        } else {
            other = true;
        }
    }
    if (once_pod && other) {
        strategy_error(errs, FIELD_FORBIDDEN, NULL,
                       "may not use ReadWriteOncePod with other access modes", "spec.accessModes");
    }
}

static void validate_volume_mode(const json_t *spec, struct field_errors *errs)
{
    json_t *mode = json_object_get(spec, "volumeMode");
    const char *m = json_string_value(mode);
    if (m != NULL && strcmp(m, "Block") != 0 && strcmp(m, "Filesystem") != 0) {
        strategy_error_str(errs, FIELD_NOT_SUPPORTED, m, "\"Block\", \"Filesystem\"",
                           "spec.volumeMode");
    }
}

/* ValidatePositiveQuantityValue plus ValidateResourceQuantityValue at path. */
static void validate_positive_quantity(const char *name, const json_t *value, const char *path,
                                       struct field_errors *errs)
{
    struct quantity q;
    struct err e = {0};
    if (quantity_from_json(value, &q, &e) == 0 && quantity_sign(&q) <= 0) {
        char buf[QUANTITY_STR_MAX];
        strategy_error_str(errs, FIELD_INVALID, quantity_format(&q, buf),
                           "must be greater than zero", "%s", path);
        return;
    }
    (void)strategy_validate_quantity(name, value, path, errs, &q);
}

/* ---- PersistentVolumes ---- */

static const char *const pv_sources[] = {"hostPath",
                                         "gcePersistentDisk",
                                         "awsElasticBlockStore",
                                         "glusterfs",
                                         "flocker",
                                         "nfs",
                                         "rbd",
                                         "quobyte",
                                         "cephfs",
                                         "iscsi",
                                         "cinder",
                                         "fc",
                                         "flexVolume",
                                         "azureFile",
                                         "vsphereVolume",
                                         "photonPersistentDisk",
                                         "portworxVolume",
                                         "azureDisk",
                                         "scaleIO",
                                         "local",
                                         "storageos",
                                         "csi",
                                         NULL};

void strategy_default_persistentvolume(json_t *pv)
{
    json_t *spec = json_object_get(pv, "spec");
    if (json_is_object(spec)) {
        set_default_str(spec, "persistentVolumeReclaimPolicy", "Retain");
        set_default_str(spec, "volumeMode", "Filesystem");
        json_t *host_path = json_object_get(spec, "hostPath");
        if (json_is_object(host_path) && json_object_get(host_path, "type") == NULL) {
            json_object_set_new(host_path, "type", json_string(""));
        }
        strategy_normalize_resource_list(json_object_get(spec, "capacity"));
    }
    if (json_is_object(pv)) {
        set_default_str(strategy_object_at(pv, "status"), "phase", "Pending");
    }
}

void strategy_prepare_persistentvolume_create(json_t *pv)
{
    char now[K8STIME_STR_MAX];
    struct timespec t = k8stime_now();
    t.tv_nsec = 0;
    k8stime_format(&t, now);
    json_object_set_new(pv, "status",
                        json_pack("{s:s,s:s}", "phase", "Pending", "lastPhaseTransitionTime", now));
}

static void validate_pv_source(const json_t *spec, struct field_errors *errs)
{
    size_t count = 0;
    for (const char *const *kind = pv_sources; *kind != NULL; kind++) {
        json_t *source = json_object_get(spec, *kind);
        if (source == NULL || json_is_null(source)) {
            continue;
        }
        if (count++ > 0) {
            strategy_error(errs, FIELD_FORBIDDEN, NULL, "may not specify more than 1 volume type",
                           "spec.%s", *kind);
            continue;
        }
        if (strcmp(*kind, "hostPath") == 0 || strcmp(*kind, "local") == 0 ||
            strcmp(*kind, "nfs") == 0) {
            const char *path = strategy_str(source, "path");
            if (path[0] == '\0') {
                strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "spec.%s.path", *kind);
            } else if (strcmp(*kind, "hostPath") != 0 && path[0] != '/') {
                strategy_error_str(errs, FIELD_INVALID, path, "must be an absolute path",
                                   "spec.%s.path", *kind);
            }
        }
        if (strcmp(*kind, "nfs") == 0 && strategy_str(source, "server")[0] == '\0') {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "spec.nfs.server");
        }
        if (strcmp(*kind, "local") == 0 && json_object_get(spec, "nodeAffinity") == NULL) {
            strategy_error(errs, FIELD_REQUIRED, NULL, "Local volume requires node affinity",
                           "spec.nodeAffinity");
        }
        if (strcmp(*kind, "csi") == 0) {
            if (strategy_str(source, "driver")[0] == '\0') {
                strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "spec.csi.driver");
            }
            if (strategy_str(source, "volumeHandle")[0] == '\0') {
                strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "spec.csi.volumeHandle");
            }
        }
    }
    if (count == 0) {
        strategy_error(errs, FIELD_REQUIRED, NULL, "must specify a volume type", "spec");
    }
}

/* The volume source fields of a PV spec (a new object). */
static json_t *pv_source_of(const json_t *spec)
{
    json_t *out = json_object();
    for (const char *const *kind = pv_sources; *kind != NULL; kind++) {
        json_t *v = json_object_get(spec, *kind);
        if (v != NULL) {
            json_object_set(out, *kind, v);
        }
    }
    return out;
}

void strategy_validate_persistentvolume(const char *subresource, const json_t *pv,
                                        const json_t *old, struct field_errors *errs)
{
    if (strategy_is_status(subresource)) {
        return;
    }
    json_t *spec = json_object_get(pv, "spec");
    validate_access_modes(json_object_get(spec, "accessModes"), NULL, errs);
    json_t *capacity = json_object_get(spec, "capacity");
    if (json_object_size(capacity) == 0) {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "spec.capacity");
    }
    if (json_object_get(capacity, "storage") == NULL || json_object_size(capacity) > 1) {
        cleanup_free char *printed = go_resource_list(capacity);
        strategy_error_printed(errs, FIELD_NOT_SUPPORTED, printed, "\"storage\"", "spec.capacity");
    }
    const char *name;
    json_t *value;
    json_object_foreach (capacity, name, value) {
        cleanup_free char *path = xasprintf("spec.capacity[%s]", name);
        validate_positive_quantity(name, value, path, errs);
    }
    validate_class_name(spec, "spec.storageClassName", errs);
    validate_volume_mode(spec, errs);
    const char *reclaim = strategy_str(spec, "persistentVolumeReclaimPolicy");
    if (reclaim[0] != '\0' && strcmp(reclaim, "Delete") != 0 && strcmp(reclaim, "Recycle") != 0 &&
        strcmp(reclaim, "Retain") != 0) {
        strategy_error_str(errs, FIELD_NOT_SUPPORTED, reclaim,
                           "\"Delete\", \"Recycle\", \"Retain\"",
                           "spec.persistentVolumeReclaimPolicy");
    }
    validate_pv_source(spec, errs);
    if (old == NULL) {
        return;
    }
    json_t *old_spec = json_object_get(old, "spec");
    cleanup_json json_t *source = pv_source_of(spec);
    cleanup_json json_t *old_source = pv_source_of(old_spec);
    if (!json_equal(source, old_source)) {
        cleanup_free char *diff =
            strategy_go_diff("core.PersistentVolumeSource", old_source, source);
        cleanup_free char *detail =
            xasprintf("spec.persistentvolumesource is immutable after creation\n%s", diff);
        strategy_error(errs, FIELD_FORBIDDEN, NULL, detail, "spec.persistentvolumesource");
    }
    if (strcmp(strategy_str(spec, "volumeMode"), strategy_str(old_spec, "volumeMode")) != 0) {
        strategy_error_str(errs, FIELD_INVALID, strategy_str(spec, "volumeMode"),
                           "field is immutable", "volumeMode");
    }
    json_t *affinity = json_object_get(old_spec, "nodeAffinity");
    if (affinity != NULL && !json_is_null(affinity) &&
        !json_equal(affinity, json_object_get(spec, "nodeAffinity")
                                  ? json_object_get(spec, "nodeAffinity")
                                  : json_null())) {
        strategy_error(errs, FIELD_FORBIDDEN, NULL, "field is immutable", "nodeAffinity");
    }
}

/* ---- PersistentVolumeClaims ---- */

void strategy_default_persistentvolumeclaim(json_t *pvc)
{
    json_t *spec = json_object_get(pvc, "spec");
    if (json_is_object(spec)) {
        set_default_str(spec, "volumeMode", "Filesystem");
        json_t *resources = json_object_get(spec, "resources");
        strategy_normalize_resource_list(json_object_get(resources, "requests"));
        strategy_normalize_resource_list(json_object_get(resources, "limits"));
    }
    if (json_is_object(pvc)) {
        set_default_str(strategy_object_at(pvc, "status"), "phase", "Pending");
    }
}

void strategy_prepare_persistentvolumeclaim_create(json_t *pvc)
{
    json_object_set_new(pvc, "status", json_pack("{s:s}", "phase", "Pending"));
}

static void validate_claim_update(const json_t *pvc, const json_t *old, struct field_errors *errs)
{
    json_t *spec = json_object_get(pvc, "spec"), *old_spec = json_object_get(old, "spec");
    cleanup_json json_t *now = json_deep_copy(spec ? spec : json_null());
    cleanup_json json_t *before = json_deep_copy(old_spec ? old_spec : json_null());
    /* volumeName may be set once; a bound claim may change its storage request. */
    if (strategy_str(old_spec, "volumeName")[0] == '\0' && json_is_object(before)) {
        json_t *name = json_object_get(now, "volumeName");
        if (name != NULL) {
            json_object_set(before, "volumeName", name);
        } else {
            json_object_del(before, "volumeName");
        }
    }
    bool bound = strcmp(strategy_str(json_object_get(pvc, "status"), "phase"), "Bound") == 0;
    json_t *requests = json_object_get(json_object_get(now, "resources"), "requests");
    json_t *old_requests = json_object_get(json_object_get(old_spec, "resources"), "requests");
    if (bound && json_is_object(requests)) {
        json_t *old_storage = json_object_get(old_requests, "storage");
        if (old_storage != NULL) {
            json_object_set(requests, "storage", old_storage);
        } else {
            json_object_del(requests, "storage");
        }
    }
    if (!json_equal(now, before)) {
        cleanup_free char *diff = strategy_go_diff("core.PersistentVolumeClaimSpec", before, now);
        cleanup_free char *detail =
            xasprintf("spec is immutable after creation except resources.requests and "
                      "volumeAttributesClassName for bound claims\n%s",
                      diff);
        strategy_error(errs, FIELD_FORBIDDEN, NULL, detail, "spec");
    }
    struct quantity size = QUANTITY_ZERO, old_size = QUANTITY_ZERO, capacity = QUANTITY_ZERO;
    struct err e = {0};
    json_t *new_storage =
        json_object_get(json_object_get(json_object_get(spec, "resources"), "requests"), "storage");
    json_t *status_capacity =
        json_object_get(json_object_get(json_object_get(old, "status"), "capacity"), "storage");
    if (quantity_from_json(new_storage, &size, &e) == 0 &&
        quantity_from_json(json_object_get(old_requests, "storage"), &old_size, &e) == 0 &&
        quantity_from_json(status_capacity, &capacity, &e) == 0 &&
        quantity_cmp(&size, &old_size) < 0 && quantity_cmp(&size, &capacity) <= 0) {
        /* RecoverVolumeExpansionFailure (beta in 1.32): shrinking stays above the capacity. */
        strategy_error(errs, FIELD_FORBIDDEN, NULL, "field can not be less than status.capacity",
                       "spec.resources.requests.storage");
    }
}

void strategy_validate_persistentvolumeclaim(const char *subresource, const json_t *pvc,
                                             const json_t *old, struct field_errors *errs)
{
    if (strategy_is_status(subresource)) {
        return;
    }
    json_t *spec = json_object_get(pvc, "spec");
    validate_access_modes(json_object_get(spec, "accessModes"),
                          "at least 1 access mode is required", errs);
    strategy_validate_label_selector(json_object_get(spec, "selector"), "spec.selector", errs);
    json_t *storage =
        json_object_get(json_object_get(json_object_get(spec, "resources"), "requests"), "storage");
    if (storage == NULL) {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "spec.resources[storage]");
    } else {
        validate_positive_quantity("storage", storage, "spec.resources[storage]", errs);
    }
    validate_class_name(spec, "spec.storageClassName", errs);
    validate_volume_mode(spec, errs);
    if (old != NULL) {
        validate_claim_update(pvc, old, errs);
    }
}

/* ---- ResourceQuotas ---- */

void strategy_default_resourcequota(json_t *quota)
{
    strategy_normalize_resource_list(json_object_get(json_object_get(quota, "spec"), "hard"));
    json_t *status = json_object_get(quota, "status");
    strategy_normalize_resource_list(json_object_get(status, "hard"));
    strategy_normalize_resource_list(json_object_get(status, "used"));
}

static void validate_quota_list(const json_t *list, const char *path, struct field_errors *errs)
{
    const char *name;
    json_t *value;
    json_object_foreach ((json_t *)list, name, value) {
        cleanup_free char *p = xasprintf("%s[%s]", path, name);
        struct quantity q;
        strategy_validate_resource_name(name, STRATEGY_RESOURCES_QUOTA, p, errs);
        (void)strategy_validate_quantity(name, value, p, errs, &q);
    }
}

static void validate_quota_scopes(const json_t *spec, struct field_errors *errs)
{
    json_t *scopes = json_object_get(spec, "scopes");
    if (json_array_size(scopes) == 0) {
        return;
    }
    static const char *const standard[] = {"Terminating",   "NotTerminating",
                                           "BestEffort",    "NotBestEffort",
                                           "PriorityClass", "CrossNamespacePodAffinity"};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fputs("[]core.ResourceQuotaScope{", f);
    size_t i;
    json_t *scope;
    json_array_foreach (scopes, i, scope) {
        cleanup_free char *q =
            validate_quote(json_string_value(scope) ? json_string_value(scope) : "");
        fprintf(f, "%s%s", i ? ", " : "", q);
    }
    fputc('}', f);
    fclose(f);
    bool has[6] = {false};
    json_array_foreach (scopes, i, scope) {
        const char *s = json_string_value(scope) ? json_string_value(scope) : "";
        bool known = false;
        for (size_t k = 0; k < 6; k++) {
            if (strcmp(s, standard[k]) == 0) {
                known = has[k] = true;
            }
        }
        if (!known) {
            strategy_error_printed(errs, FIELD_INVALID, buf, "unsupported scope", "spec.scopes");
        }
    }
    if ((has[0] && has[1]) || (has[2] && has[3])) {
        strategy_error_printed(errs, FIELD_INVALID, buf, "conflicting scopes", "spec.scopes");
    }
    free(buf);
}

void strategy_validate_resourcequota(const char *subresource, const json_t *quota,
                                     const json_t *old, struct field_errors *errs)
{
    (void)old;
    if (strategy_is_status(subresource)) {
        json_t *status = json_object_get(quota, "status");
        validate_quota_list(json_object_get(status, "hard"), "status.hard", errs);
        validate_quota_list(json_object_get(status, "used"), "status.used", errs);
        return;
    }
    json_t *spec = json_object_get(quota, "spec");
    validate_quota_list(json_object_get(spec, "hard"), "spec.hard", errs);
    validate_quota_scopes(spec, errs);
}

/* ---- LimitRanges ---- */

static void copy_missing(json_t *to, const json_t *from)
{
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *)from, key, value) {
        if (json_object_get(to, key) == NULL) {
            json_object_set(to, key, value);
        }
    }
}

static const char *const limit_fields[] = {"max", "min", "default", "defaultRequest",
                                           "maxLimitRequestRatio"};

void strategy_default_limitrange(json_t *lr)
{
    size_t i;
    json_t *item;
    json_array_foreach (json_object_get(json_object_get(lr, "spec"), "limits"), i, item) {
        if (!json_is_object(item)) {
            continue;
        }
        if (strcmp(strategy_str(item, "type"), "Container") == 0) {
            json_t *defaults = strategy_object_at(item, "default");
            json_t *requests = strategy_object_at(item, "defaultRequest");
            copy_missing(defaults, json_object_get(item, "max"));
            copy_missing(requests, defaults);
            copy_missing(requests, json_object_get(item, "min"));
            /* An empty map is omitted when Go writes the object back. */
            if (json_object_size(defaults) == 0) {
                json_object_del(item, "default");
            }
            if (json_object_size(requests) == 0) {
                json_object_del(item, "defaultRequest");
            }
        }
        for (size_t f = 0; f < 5; f++) {
            strategy_normalize_resource_list(json_object_get(item, limit_fields[f]));
        }
    }
}

/* The quantity of key in item[field] (parsed), or false. */
static bool limit_of(const json_t *item, const char *field, const char *key, struct quantity *q)
{
    json_t *v = json_object_get(json_object_get(item, field), key);
    struct err e = {0};
    return v != NULL && quantity_from_json(v, q, &e) == 0;
}

static void limit_error(const json_t *item, size_t index, const char *field, const char *key,
                        const char *printed_field, const char *detail, struct field_errors *errs)
{
    cleanup_free char *printed =
        strategy_go_quantity(json_object_get(json_object_get(item, printed_field), key));
    strategy_error_printed(errs, FIELD_INVALID, printed, detail, "spec.limits[%zu].%s[%s]", index,
                           field, key);
}

static void validate_limit_ordering(const json_t *item, size_t index, const char *key,
                                    struct field_errors *errs)
{
    struct quantity min, max, def, req, ratio;
    bool has_min = limit_of(item, "min", key, &min), has_max = limit_of(item, "max", key, &max);
    bool has_def = limit_of(item, "default", key, &def);
    bool has_req = limit_of(item, "defaultRequest", key, &req);
    bool has_ratio = limit_of(item, "maxLimitRequestRatio", key, &ratio);
    char a[QUANTITY_STR_MAX], b[QUANTITY_STR_MAX];
#define ORDER_ERROR(field, printed, fmt, x, y)                                                    \
    do {                                                                                          \
        cleanup_free char *detail = xasprintf(fmt, quantity_format(x, a), quantity_format(y, b)); \
        limit_error(item, index, field, key, printed, detail, errs);                              \
    } while (0)
    if (has_min && has_max && quantity_cmp(&min, &max) > 0) {
        ORDER_ERROR("min", "min", "min value %s is greater than max value %s", &min, &max);
    }
    if (has_req && has_min && quantity_cmp(&min, &req) > 0) {
        ORDER_ERROR("defaultRequest", "defaultRequest",
                    "min value %s is greater than default request value %s", &min, &req);
    }
    if (has_req && has_max && quantity_cmp(&req, &max) > 0) {
        ORDER_ERROR("defaultRequest", "defaultRequest",
                    "default request value %s is greater than max value %s", &req, &max);
    }
    if (has_req && has_def && quantity_cmp(&req, &def) > 0) {
        ORDER_ERROR("defaultRequest", "defaultRequest",
                    "default request value %s is greater than default limit value %s", &req, &def);
    }
    if (has_def && has_min && quantity_cmp(&min, &def) > 0) {
        ORDER_ERROR("default", "min", "min value %s is greater than default value %s", &min, &def);
    }
    if (has_def && has_max && quantity_cmp(&def, &max) > 0) {
        ORDER_ERROR("default", "max", "default value %s is greater than max value %s", &def, &max);
    }
#undef ORDER_ERROR
    struct quantity one;
    quantity_init_scaled(&one, 1, 0, QUANTITY_DECIMAL_SI);
    if (has_ratio && quantity_cmp(&ratio, &one) < 0) {
        cleanup_free char *detail =
            xasprintf("ratio %s is less than 1", quantity_format(&ratio, a));
        limit_error(item, index, "maxLimitRequestRatio", key, "maxLimitRequestRatio", detail, errs);
    }
    if (has_ratio && has_min && has_max && quantity_milli_value(&min) != 0) {
        double limit = (double)quantity_milli_value(&max) / (double)quantity_milli_value(&min);
        if ((double)quantity_milli_value(&ratio) / 1000 > limit) {
            cleanup_free char *detail = xasprintf("ratio %s is greater than max/min = %f",
                                                  quantity_format(&ratio, a), limit);
            limit_error(item, index, "maxLimitRequestRatio", key, "maxLimitRequestRatio", detail,
                        errs);
        }
    }
    if (!strategy_resource_overcommits(key) && has_def && has_req &&
        quantity_cmp(&def, &req) != 0) {
        cleanup_free char *detail =
            xasprintf("default value %s must equal to defaultRequest value %s in %s",
                      quantity_format(&def, a), quantity_format(&req, b), key);
        limit_error(item, index, "defaultRequest", key, "defaultRequest", detail, errs);
    }
}

void strategy_validate_limitrange(const char *subresource, const json_t *lr, const json_t *old,
                                  struct field_errors *errs)
{
    (void)subresource;
    (void)old;
    cleanup_json json_t *types = json_object();
    size_t i;
    json_t *item;
    json_array_foreach (json_object_get(json_object_get(lr, "spec"), "limits"), i, item) {
        const char *type = strategy_str(item, "type");
        char type_path[64];
        snprintf(type_path, sizeof type_path, "spec.limits[%zu].type", i);
        size_t before = field_errors_count(errs);
        struct validate_errs msgs = VALIDATE_ERRS_INIT;
        validate_qualified_name(type, &msgs);
        for (size_t m = 0; m < msgs.n; m++) {
            strategy_error_str(errs, FIELD_INVALID, type, msgs.msg[m], "%s", type_path);
        }
        validate_errs_free(&msgs);
        if (field_errors_count(errs) == before && strchr(type, '/') == NULL &&
            strcmp(type, "Pod") != 0 && strcmp(type, "Container") != 0 &&
            strcmp(type, "PersistentVolumeClaim") != 0) {
            strategy_error_str(errs, FIELD_INVALID, type,
                               "must be a standard limit type or fully qualified", "%s", type_path);
        }
        if (json_object_get(types, type) != NULL) {
            strategy_error_str(errs, FIELD_DUPLICATE, type, NULL, "%s", type_path);
        }
        json_object_set_new(types, type, json_true());
        bool pod = strcmp(type, "Pod") == 0;
        enum strategy_resource_names names = pod || strcmp(type, "Container") == 0
                                                 ? STRATEGY_RESOURCES_CONTAINER
                                                 : STRATEGY_RESOURCES_ANY;
        cleanup_json json_t *keys = json_object();
        for (size_t f = 0; f < 5; f++) {
            json_t *list = json_object_get(item, limit_fields[f]);
            if (pod && (f == 2 || f == 3) && json_object_size(list) > 0) {
                strategy_error(errs, FIELD_FORBIDDEN, NULL,
                               "may not be specified when `type` is 'Pod'", "spec.limits[%zu].%s",
                               i, limit_fields[f]);
                continue;
            }
            const char *name;
            json_t *value;
            json_object_foreach (list, name, value) {
                cleanup_free char *p =
                    xasprintf("spec.limits[%zu].%s[%s]", i, limit_fields[f], name);
                strategy_validate_resource_name(name, names, p, errs);
                struct quantity q;
                struct err e = {0};
                if (quantity_from_json(value, &q, &e) != 0) {
                    strategy_error(errs, FIELD_INVALID, value, e.msg, "%s", p);
                }
                if (f < 2) {
                    json_object_set_new(keys, name, json_true());
                }
            }
        }
        if (strcmp(type, "PersistentVolumeClaim") == 0 &&
            json_object_get(json_object_get(item, "min"), "storage") == NULL &&
            json_object_get(json_object_get(item, "max"), "storage") == NULL) {
            strategy_error(errs, FIELD_REQUIRED, NULL,
                           "either minimum or maximum storage value is required, but neither was "
                           "provided",
                           "spec.limits[%zu].limits", i);
        }
        const char *key;
        json_t *unused;
        json_object_foreach (keys, key, unused) {
            validate_limit_ordering(item, i, key, errs);
        }
    }
}
