/* Strategies of scheduling.k8s.io/v1 PriorityClasses and the storage.k8s.io/v1 kinds
 * (StorageClasses, CSIDrivers, CSINodes, VolumeAttachments), with Kubernetes 1.32's defaults
 * (pkg/apis/<group>/v1/defaults.go) and validation (pkg/apis/<group>/validation), and the
 * system PriorityClasses kube-apiserver's scheduling post-start hook creates. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "etcd3.h"
#include "k8stime.h"
#include "rest_internal.h"
#include "strategy.h"
#include "xalloc.h"

static bool is_set(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return v != NULL && !json_is_null(v);
}

static void default_string(json_t *obj, const char *key, const char *value)
{
    if (!is_set(obj, key)) {
        json_object_set_new(obj, key, json_string(value));
    }
}

static void default_bool(json_t *obj, const char *key, bool value)
{
    if (!is_set(obj, key)) {
        json_object_set_new(obj, key, json_boolean(value));
    }
}

/* Whether two values differ, absent and null being equal. */
static bool differs(const json_t *a, const json_t *b)
{
    bool a_set = a != NULL && !json_is_null(a);
    bool b_set = b != NULL && !json_is_null(b);
    if (a_set != b_set) {
        return true;
    }
    return a_set && !json_equal(a, b);
}

/* ValidateImmutableField: `path: Invalid value: <now>: field is immutable`. */
static void immutable(const json_t *now, const json_t *before, const char *path,
                      struct field_errors *fe)
{
    if (differs(now, before)) {
        field_errors_add(fe, FIELD_INVALID, path, now ? now : json_null(), "field is immutable");
    }
}

/* A value that must be one of values (a NULL-ended list): NotSupported otherwise. */
static void one_of(const json_t *value, const char *const *values, const char *path,
                   struct field_errors *fe)
{
    const char *s = json_string_value(value);
    for (size_t i = 0; s != NULL && values[i] != NULL; i++) {
        if (strcmp(s, values[i]) == 0) {
            return;
        }
    }
    char supported[256] = "";
    for (size_t i = 0; values[i] != NULL; i++) {
        size_t len = strlen(supported);
        snprintf(supported + len, sizeof supported - len, "%s\"%s\"", i > 0 ? ", " : "", values[i]);
    }
    field_errors_add(fe, FIELD_NOT_SUPPORTED, path, value, supported);
}

/* ---- priorityclasses ---- */

#define HIGHEST_USER_PRIORITY 1000000000 /* scheduling.HighestUserDefinablePriority */
#define SYSTEM_PREFIX         "system-"

const struct strategy_system_priority_class strategy_system_priority_classes[] = {
    {"system-node-critical", 2000001000,
     "For pods that must keep running on their node: system components critical to it."},
    {"system-cluster-critical", 2000000000,
     "For pods critical to the cluster that may still be moved to another node."},
    {NULL, 0, NULL},
};

static void priorityclass_defaults(json_t *pc)
{
    default_string(pc, "preemptionPolicy", "PreemptLowerPriority");
}

static void priorityclass_prepare_create(json_t *pc)
{
    json_object_set_new(rest_meta_of(pc), "generation", json_integer(1));
}

static void priorityclass_validate(const char *sub, const json_t *pc, const json_t *old,
                                   struct field_errors *fe)
{
    (void)sub;
    static const char *const policies[] = {"Never", "PreemptLowerPriority", NULL};
    const json_t *value = json_object_get(pc, "value");
    long long v = json_integer_value(value);
    if (old != NULL) {
        if (v != json_integer_value(json_object_get(old, "value"))) {
            field_errors_add(fe, FIELD_FORBIDDEN, "value", NULL,
                             "may not be changed in an update.");
        }
        immutable(json_object_get(pc, "preemptionPolicy"), json_object_get(old, "preemptionPolicy"),
                  "preemptionPolicy", fe);
        return;
    }
    const char *name = rest_meta_str(pc, "name");
    if (name != NULL && strncmp(name, SYSTEM_PREFIX, strlen(SYSTEM_PREFIX)) == 0) {
        /* IsKnownSystemPriorityClass: the name, value and globalDefault of a built-in one. */
        cleanup_free char *why = NULL;
        const struct strategy_system_priority_class *known = NULL;
        for (const struct strategy_system_priority_class *s = strategy_system_priority_classes;
             s->name != NULL; s++) {
            if (strcmp(s->name, name) == 0) {
                known = s;
            }
        }
        if (known == NULL) {
            why = xasprintf("%s is not a known system priority class", name);
        } else if (known->value != v) {
            why = xasprintf("value of %s PriorityClass must be %lld", name, known->value);
        } else if (json_is_true(json_object_get(pc, "globalDefault"))) {
            why = xasprintf("globalDefault of %s PriorityClass must be false", name);
        }
        if (why != NULL) {
            cleanup_free char *detail =
                xasprintf("priority class names with '" SYSTEM_PREFIX
                          "' prefix are reserved for system use only. error: %s",
                          why);
            field_errors_add(fe, FIELD_FORBIDDEN, "metadata.name", NULL, detail);
        }
    } else if (v > HIGHEST_USER_PRIORITY) {
        field_errors_add(fe, FIELD_FORBIDDEN, "value", NULL,
                         "maximum allowed value of a user defined priority is 1000000000");
    }
    const json_t *policy = json_object_get(pc, "preemptionPolicy");
    if (is_set(pc, "preemptionPolicy")) {
        one_of(policy, policies, "preemptionPolicy", fe);
    }
}

/* ---- storageclasses ---- */

#define MAX_PARAMETERS     512
#define MAX_PARAMETER_SIZE (256 * 1024)

static void storageclass_defaults(json_t *sc)
{
    default_string(sc, "reclaimPolicy", "Delete");
    default_string(sc, "volumeBindingMode", "Immediate");
}

/* validateProvisioner and the CSI driver names (which take the same qualified-name form). */
static void validate_qualified_lower(const char *value, const char *path, struct field_errors *fe)
{
    cleanup_free char *lower = xstrdup(value);
    for (char *p = lower; *p != '\0'; p++) {
        if (*p >= 'A' && *p <= 'Z') {
            *p = (char)(*p - 'A' + 'a');
        }
    }
    strategy_validate_with(validate_qualified_name, lower, path, fe);
}

/* validateParameters: at most 512 keys, none empty, 256 KiB in all. */
static void validate_parameters(const json_t *params, const char *path, struct field_errors *fe)
{
    if (json_object_size(params) > MAX_PARAMETERS) {
        field_errors_add(fe, FIELD_TOO_LONG, path, NULL, "must have at most 512 bytes");
        return;
    }
    size_t total = 0;
    const char *key;
    const json_t *value;
    json_object_foreach ((json_t *)params, key, value) {
        if (key[0] == '\0') {
            json_t *bad = json_string(key);
            field_errors_add(fe, FIELD_INVALID, path, bad, "field can not be empty.");
            json_decref(bad);
        }
        total += strlen(key) + json_string_length(value);
    }
    if (total > MAX_PARAMETER_SIZE) {
        field_errors_add(fe, FIELD_TOO_LONG, path, NULL, "must have at most 262144 bytes");
    }
}

static void storageclass_validate(const char *sub, const json_t *sc, const json_t *old,
                                  struct field_errors *fe)
{
    (void)sub;
    static const char *const reclaim[] = {"Delete", "Retain", NULL};
    static const char *const binding[] = {"Immediate", "WaitForFirstConsumer", NULL};
    const char *provisioner = json_string_value(json_object_get(sc, "provisioner"));
    if (provisioner == NULL || provisioner[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, "provisioner", NULL, NULL);
    } else {
        validate_qualified_lower(provisioner, "provisioner", fe);
    }
    validate_parameters(json_object_get(sc, "parameters"), "parameters", fe);
    const char *policy = json_string_value(json_object_get(sc, "reclaimPolicy"));
    if (policy != NULL && policy[0] != '\0') {
        one_of(json_object_get(sc, "reclaimPolicy"), reclaim, "reclaimPolicy", fe);
    }
    if (!is_set(sc, "volumeBindingMode")) {
        field_errors_add(fe, FIELD_REQUIRED, "volumeBindingMode", NULL, NULL);
    } else {
        one_of(json_object_get(sc, "volumeBindingMode"), binding, "volumeBindingMode", fe);
    }
    if (old == NULL) {
        return;
    }
    const json_t *params = json_object_get(sc, "parameters");
    const json_t *old_params = json_object_get(old, "parameters");
    if (json_object_size(params) + json_object_size(old_params) > 0 &&
        differs(params, old_params)) {
        field_errors_add(fe, FIELD_FORBIDDEN, "parameters", NULL,
                         "updates to parameters are forbidden.");
    }
    if (strcmp(strategy_str(sc, "provisioner"), strategy_str(old, "provisioner")) != 0) {
        field_errors_add(fe, FIELD_FORBIDDEN, "provisioner", NULL,
                         "updates to provisioner are forbidden.");
    }
    if (strcmp(strategy_str(sc, "reclaimPolicy"), strategy_str(old, "reclaimPolicy")) != 0) {
        field_errors_add(fe, FIELD_FORBIDDEN, "reclaimPolicy", NULL,
                         "updates to reclaimPolicy are forbidden.");
    }
    immutable(json_object_get(sc, "volumeBindingMode"), json_object_get(old, "volumeBindingMode"),
              "volumeBindingMode", fe);
}

/* ---- csidrivers ---- */

/* ValidateCSIDriverName: a DNS-1123 subdomain of at most 63 characters. */
static void validate_csi_driver_name(const char *name, const char *path, struct field_errors *fe)
{
    if (name[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, path, NULL, NULL);
        return;
    }
    if (strlen(name) > 63) {
        json_t *bad = json_string(name);
        field_errors_add(fe, FIELD_TOO_LONG, path, bad, "may not be more than 63 bytes");
        json_decref(bad);
    }
    strategy_validate_with(validate_dns1123_subdomain, name, path, fe);
}

static void csidriver_defaults(json_t *driver)
{
    json_t *spec = strategy_object_at(driver, "spec");
    default_bool(spec, "attachRequired", true);
    default_bool(spec, "podInfoOnMount", false);
    default_bool(spec, "storageCapacity", false);
    default_bool(spec, "requiresRepublish", false);
    default_bool(spec, "seLinuxMount", false);
    default_string(spec, "fsGroupPolicy", "ReadWriteOnceWithFSType");
    if (!is_set(spec, "volumeLifecycleModes")) {
        json_object_set_new(spec, "volumeLifecycleModes", json_pack("[s]", "Persistent"));
    }
}

static void csidriver_validate(const char *sub, const json_t *driver, const json_t *old,
                               struct field_errors *fe)
{
    (void)sub;
    static const char *const modes[] = {"Ephemeral", "Persistent", NULL};
    static const char *const fs_policies[] = {"File", "None", "ReadWriteOnceWithFSType", NULL};
    const json_t *spec = json_object_get(driver, "spec");
    if (!is_set(spec, "attachRequired")) {
        field_errors_add(fe, FIELD_REQUIRED, "spec.attachRequired", NULL, NULL);
    }
    if (!is_set(spec, "podInfoOnMount")) {
        field_errors_add(fe, FIELD_REQUIRED, "spec.podInfoOnMount", NULL, NULL);
    }
    if (is_set(spec, "fsGroupPolicy")) {
        one_of(json_object_get(spec, "fsGroupPolicy"), fs_policies, "spec.fsGroupPolicy", fe);
    }
    size_t i;
    const json_t *mode;
    json_array_foreach (json_object_get(spec, "volumeLifecycleModes"), i, mode) {
        cleanup_free char *p = xasprintf("spec.volumeLifecycleModes");
        one_of(mode, modes, p, fe);
    }
    const json_t *token;
    json_array_foreach (json_object_get(spec, "tokenRequests"), i, token) {
        const json_t *seconds = json_object_get(token, "expirationSeconds");
        if (json_is_integer(seconds) && json_integer_value(seconds) < 600) {
            cleanup_free char *p = xasprintf("spec.tokenRequests[%zu].expirationSeconds", i);
            field_errors_add(fe, FIELD_INVALID, p, seconds,
                             "may not specify a duration less than 10 minutes");
        }
    }
    if (old == NULL) {
        return;
    }
    const json_t *old_spec = json_object_get(old, "spec");
    immutable(json_object_get(spec, "attachRequired"), json_object_get(old_spec, "attachRequired"),
              "spec.attachRequired", fe);
    immutable(json_object_get(spec, "fsGroupPolicy"), json_object_get(old_spec, "fsGroupPolicy"),
              "spec.fsGroupPolicy", fe);
    immutable(json_object_get(spec, "volumeLifecycleModes"),
              json_object_get(old_spec, "volumeLifecycleModes"), "spec.volumeLifecycleModes", fe);
}

/* ---- csinodes ---- */

#define CSI_NODE_ID_MAX 192

static void csinode_validate(const char *sub, const json_t *node, const json_t *old,
                             struct field_errors *fe)
{
    (void)sub;
    (void)old;
    size_t i;
    const json_t *driver;
    json_t *seen = json_object();
    json_array_foreach (json_object_get(json_object_get(node, "spec"), "drivers"), i, driver) {
        const char *name = strategy_str(driver, "name");
        cleanup_free char *name_path = xasprintf("spec.drivers[%zu].name", i);
        validate_csi_driver_name(name, name_path, fe);
        if (name[0] != '\0' && json_object_get(seen, name) != NULL) {
            json_t *bad = json_string(name);
            field_errors_add(fe, FIELD_DUPLICATE, name_path, bad, NULL);
            json_decref(bad);
        }
        json_object_set_new(seen, name, json_true());
        const char *node_id = strategy_str(driver, "nodeID");
        cleanup_free char *id_path = xasprintf("spec.drivers[%zu].nodeID", i);
        if (node_id[0] == '\0') {
            field_errors_add(fe, FIELD_REQUIRED, id_path, NULL, "nodeID must be provided");
        } else if (strlen(node_id) > CSI_NODE_ID_MAX) {
            json_t *bad = json_string(node_id);
            field_errors_add(fe, FIELD_INVALID, id_path, bad, "must be 192 characters or less");
            json_decref(bad);
        }
        const json_t *count = json_object_get(json_object_get(driver, "allocatable"), "count");
        if (json_is_integer(count) && json_integer_value(count) < 0) {
            cleanup_free char *p = xasprintf("spec.drivers[%zu].allocatable.count", i);
            field_errors_add(fe, FIELD_INVALID, p, count, "must be greater than or equal to 0");
        }
        size_t k;
        const json_t *key;
        json_array_foreach (json_object_get(driver, "topologyKeys"), k, key) {
            const char *s = json_string_value(key);
            cleanup_free char *p = xasprintf("spec.drivers[%zu].topologyKeys", i);
            if (s == NULL || s[0] == '\0') {
                field_errors_add(fe, FIELD_REQUIRED, p, NULL, NULL);
            } else {
                strategy_validate_with(validate_qualified_name, s, p, fe);
            }
        }
    }
    json_decref(seen);
}

/* ---- volumeattachments ---- */

static void volumeattachment_validate(const char *sub, const json_t *va, const json_t *old,
                                      struct field_errors *fe)
{
    if (strategy_is_status(sub)) {
        return; /* status errors carry free text */
    }
    const json_t *spec = json_object_get(va, "spec");
    validate_csi_driver_name(strategy_str(spec, "attacher"), "spec.attacher", fe);
    if (strategy_str(spec, "nodeName")[0] == '\0') {
        field_errors_add(fe, FIELD_REQUIRED, "spec.nodeName", NULL, NULL);
    }
    const json_t *source = json_object_get(spec, "source");
    bool by_name = strategy_str(source, "persistentVolumeName")[0] != '\0';
    bool inline_ = is_set(source, "inlineVolumeSpec");
    if (by_name == inline_) {
        field_errors_add(fe, FIELD_REQUIRED, "spec.source", NULL,
                         "must specify exactly one of inlineVolumeSpec and persistentVolumeName");
    }
    if (old != NULL && differs(spec, json_object_get(old, "spec"))) {
        field_errors_add(fe, FIELD_INVALID, "spec", spec, "field is immutable");
    }
}

/* ---- the table and the bootstrap ---- */

const struct strategy strategy_sched_storage_table[] = {
    {"scheduling.k8s.io", "priorityclasses", priorityclass_defaults, priorityclass_prepare_create,
     NULL, priorityclass_validate},
    {"storage.k8s.io", "storageclasses", storageclass_defaults, NULL, NULL, storageclass_validate},
    {"storage.k8s.io", "csidrivers", csidriver_defaults, NULL, NULL, csidriver_validate},
    {"storage.k8s.io", "csinodes", NULL, NULL, NULL, csinode_validate},
    {"storage.k8s.io", "volumeattachments", NULL, NULL, NULL, volumeattachment_validate},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};

int strategy_bootstrap_priority_classes(struct etcd3 *storage, struct err *err)
{
    const struct resource *res = resources_find("scheduling.k8s.io", "v1", "priorityclasses");
    char now[K8STIME_STR_MAX];
    rest_now_rfc3339(now);
    for (const struct strategy_system_priority_class *s = strategy_system_priority_classes;
         s->name != NULL; s++) {
        cleanup_free char *uid = rest_random_uid();
        cleanup_json json_t *obj = json_pack(
            "{s:s,s:s,s:{s:s,s:s,s:s,s:i},s:I,s:s}", "apiVersion", "scheduling.k8s.io/v1", "kind",
            "PriorityClass", "metadata", "name", s->name, "uid", uid, "creationTimestamp", now,
            "generation", 1, "value", (json_int_t)s->value, "description", s->description);
        priorityclass_defaults(obj);
        cleanup_free char *key = rest_object_key(res, NULL, s->name);
        cleanup_free char *value = rest_encode_for_storage(obj);
        int64_t rev = 0;
        int rc = etcd3_create(storage, key, value, strlen(value), 0, &rev, err);
        if (rc != 0 && rc != -EEXIST) {
            return err_wrap(err, "create priority class %s", s->name);
        }
    }
    return 0;
}
