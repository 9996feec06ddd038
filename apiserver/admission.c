/* Admission in kube-apiserver 1.32's order: mutating LimitRanger, ServiceAccount, then the
 * Service allocations the service registry makes; validating LimitRanger, then ResourceQuota.
 * Also the apiserver's own objects: the `kubernetes` Service kept by the lease endpoint
 * reconciler (one lease per apiserver under /registry/masterleases/), and the `default`
 * ServiceAccount of every namespace (a stand-in for the serviceaccount controller). */
#include "admission.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admission_internal.h"
#include "cleanup.h"
#include "log.h"
#include "rest_internal.h"
#include "status.h"
#include "xalloc.h"

#define MASTER_LEASES_PREFIX "/registry/masterleases/"
#define LEASE_TTL_SECONDS    15 /* kube-apiserver's DefaultEndpointReconcilerTTL */
#define LEASE_INTERVAL_MS    10000

/* The admission plugins kube-apiserver 1.32 registers: any may be named in
 * --disable-admission-plugins; LimitRanger, ServiceAccount and ResourceQuota are ours. */
static const char *const known_plugins[] = {
    "AlwaysAdmit",
    "AlwaysDeny",
    "AlwaysPullImages",
    "CertificateApproval",
    "CertificateSigning",
    "CertificateSubjectRestriction",
    "ClusterTrustBundleAttest",
    "DefaultIngressClass",
    "DefaultStorageClass",
    "DefaultTolerationSeconds",
    "DenyServiceExternalIPs",
    "EventRateLimit",
    "ExtendedResourceToleration",
    "ImagePolicyWebhook",
    "LimitPodHardAntiAffinityTopology",
    "LimitRanger",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionWebhook",
    "NamespaceAutoProvision",
    "NamespaceExists",
    "NamespaceLifecycle",
    "NodeRestriction",
    "OwnerReferencesPermissionEnforcement",
    "PersistentVolumeClaimResize",
    "PodNodeSelector",
    "PodSecurity",
    "PodTolerationRestriction",
    "Priority",
    "ResourceQuota",
    "RuntimeClass",
    "ServiceAccount",
    "StorageObjectInUseProtection",
    "TaintNodesByCondition",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionWebhook",
};

bool admission_plugin_known(const char *name)
{
    for (size_t i = 0; i < sizeof known_plugins / sizeof known_plugins[0]; i++) {
        if (strcmp(known_plugins[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* Reads --disable-admission-plugins ("A,B"). */
static int disable_plugins(struct admission *a, const char *list, struct err *err)
{
    if (list == NULL) {
        return 0;
    }
    cleanup_free char *copy = xstrdup(list);
    char *save = NULL;
    for (char *name = strtok_r(copy, ",", &save); name != NULL; name = strtok_r(NULL, ",", &save)) {
        name += strspn(name, " ");
        name[strcspn(name, " ")] = '\0';
        if (name[0] == '\0') {
            continue;
        }
        if (!admission_plugin_known(name)) {
            return err_set(err, EINVAL, "disable-admission-plugins plugin \"%s\" is unknown", name);
        }
        if (strcmp(name, "LimitRanger") == 0) {
            a->limit_ranger = false;
        } else if (strcmp(name, "ServiceAccount") == 0) {
            a->service_account = false;
        } else if (strcmp(name, "ResourceQuota") == 0) {
            a->resource_quota = false;
        }
    }
    return 0;
}

struct admission *admission_new(const struct rest_options *options, struct err *err)
{
    struct admission *a = xcalloc(1, sizeof *a);
    a->service_account = a->limit_ranger = a->resource_quota = true;
    const char *cidr = options && options->service_cluster_ip_range
                           ? options->service_cluster_ip_range
                           : "10.0.0.0/24";
    const char *ports = options && options->service_node_port_range
                            ? options->service_node_port_range
                            : "30000-32767";
    if (ipalloc_parse_cidr(cidr, &a->service_ips, err) != 0 ||
        ipalloc_parse_ports(ports, &a->node_ports, err) != 0 ||
        disable_plugins(a, options ? options->disable_admission_plugins : NULL, err) != 0) {
        free(a);
        return NULL;
    }
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->wake, NULL);
    return a;
}

static int lease_reconcile(struct rest *r, bool removing, struct err *err);

void admission_free(struct admission *a)
{
    if (a == NULL) {
        return;
    }
    if (a->lease_running) {
        pthread_mutex_lock(&a->mu);
        a->stopping = true;
        pthread_cond_signal(&a->wake);
        pthread_mutex_unlock(&a->mu);
        pthread_join(a->lease_thread, NULL);
        /* A stopping apiserver takes itself out of the kubernetes Endpoints at once, as
         * kube-apiserver's lease reconciler does on shutdown. */
        struct err e = {0};
        if (lease_reconcile(a->rest, true, &e) != 0) {
            LOG_W("removing this apiserver's endpoint lease failed", "err=\"%s\"", e.msg);
        }
    }
    pthread_cond_destroy(&a->wake);
    pthread_mutex_destroy(&a->mu);
    free(a);
}

static bool is_core(const struct admission_attributes *attrs, const char *plural)
{
    return attrs->resource->group[0] == '\0' && strcmp(attrs->resource->plural, plural) == 0;
}

json_t *admission_mutate(struct rest *r, const struct admission_attributes *attrs, json_t *obj,
                         const json_t *old, int *code)
{
    struct admission *a = r->admission;
    json_t *error = NULL;
    if (a == NULL) {
        return NULL;
    }
    if (a->limit_ranger && (error = admission_limit_ranger_mutate(r, attrs, obj, code)) != NULL) {
        return error;
    }
    if (a->service_account && is_core(attrs, "pods") &&
        (error = admission_service_account_mutate(r, attrs, obj, code)) != NULL) {
        return error;
    }
    if (is_core(attrs, "pods") &&
        (error = admission_pod_defaults_mutate(r, attrs, obj, code)) != NULL) {
        return error;
    }
    if (is_core(attrs, "resourcequotas")) {
        return admission_quota_mutate_quota(r, attrs, obj, old);
    }
    if (is_core(attrs, "services")) {
        return admission_service_mutate(r, attrs, obj, old, code);
    }
    return NULL;
}

json_t *admission_validate(struct rest *r, const struct admission_attributes *attrs,
                           const json_t *obj, const json_t *old, int *code)
{
    struct admission *a = r->admission;
    json_t *error = NULL;
    if (a == NULL) {
        return NULL;
    }
    if (a->limit_ranger && (error = admission_limit_ranger_validate(r, attrs, obj, code)) != NULL) {
        return error;
    }
    if (strcmp(attrs->resource->group, "scheduling.k8s.io") == 0 &&
        (error = admission_priority_class_validate(r, attrs, obj, code)) != NULL) {
        return error;
    }
    if (a->resource_quota) {
        return admission_quota_validate(r, attrs, obj, old, code);
    }
    return NULL;
}

void admission_finish(struct rest *r, const struct admission_attributes *attrs, const json_t *obj,
                      const json_t *old, bool committed)
{
    if (r->admission == NULL) {
        return;
    }
    admission_quota_finish(r, attrs, obj, old, committed);
    if (is_core(attrs, "services")) {
        admission_service_finish(r, attrs, obj, old, committed);
    }
    if (committed && !attrs->dry_run && attrs->operation == ADMISSION_CREATE &&
        is_core(attrs, "namespaces") && attrs->subresource[0] == '\0') {
        struct err e = {0};
        const char *ns = rest_meta_str(obj, "name");
        if (ns != NULL && admission_ensure_default_service_account(r, ns, &e) != 0) {
            LOG_W("creating the default ServiceAccount failed", "namespace=%s err=\"%s\"", ns,
                  e.msg);
        }
    }
}

json_t *admission_list_namespace(struct rest *r, const struct resource *res, const char *ns)
{
    cleanup_free char *prefix = rest_list_prefix(res, ns);
    struct etcd3_list list = {0};
    struct err e = {0};
    if (etcd3_list(r->storage, prefix, NULL, 0, 0, &list, &e) != 0) {
        LOG_W("admission list failed", "prefix=%s err=\"%s\"", prefix, e.msg);
        return NULL;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < list.count; i++) {
        json_t *obj = rest_decode_stored(&list.kvs[i]);
        if (obj != NULL) {
            json_array_append_new(items, obj);
        }
    }
    etcd3_list_free(&list);
    return items;
}

json_t *admission_list_namespace_cached(struct rest *r, const struct resource *res, const char *ns)
{
    json_t *items = rest_caches_namespace_items(r, res, ns);
    return items != NULL ? items : admission_list_namespace(r, res, ns);
}

/* ---- NamespaceLifecycle ---- */

json_t *admission_namespace_lifecycle(struct rest *r, const char *ns, int *code)
{
    const struct resource *nsres = resources_find("", "v1", "namespaces");
    /* The namespace informer first; a namespace it does not know is looked up live. */
    cleanup_json json_t *obj = rest_caches_get(r, nsres, NULL, ns);
    if (obj == NULL) {
        cleanup_free char *key = rest_object_key(nsres, NULL, ns);
        struct etcd3_kv kv = {0};
        struct err e = {0};
        int rc = etcd3_get(r->storage, key, &kv, NULL, &e);
        if (rc == -ENOENT) {
            return rest_answer_status(code, status_not_found("", "namespaces", ns));
        }
        if (rc != 0) {
            return rest_storage_failure(code, rc, &e, nsres, ns);
        }
        obj = rest_decode_stored(&kv);
        etcd3_kv_free(&kv);
    }
    const char *phase = json_string_value(json_object_get(json_object_get(obj, "status"), "phase"));
    if (phase != NULL && strcmp(phase, "Terminating") == 0) {
        cleanup_free char *detail = xasprintf("unable to create new content in namespace %s "
                                              "because it is being terminated",
                                              ns);
        return rest_answer_status(code, status_forbidden("", "namespaces", ns, detail));
    }
    return NULL;
}

/* ---- The lease endpoint reconciler ---- */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Renews (or, when removing, deletes) this apiserver's lease, then makes the kubernetes
 * Endpoints list every apiserver holding a live lease. */
static int lease_reconcile(struct rest *r, bool removing, struct err *err)
{
    const char *self = r->options.advertise_address ? r->options.advertise_address : "127.0.0.1";
    int port = r->options.advertise_port > 0 ? r->options.advertise_port : 6443;
    cleanup_free char *key = xasprintf(MASTER_LEASES_PREFIX "%s", self);
    int rc;
    if (removing) {
        int64_t rev = 0;
        rc = etcd3_delete(r->storage, key, 0, &rev, NULL, err);
        if (rc != 0 && rc != -ENOENT) {
            return rc;
        }
    } else {
        int64_t lease = 0;
        if ((rc = etcd3_lease_grant(r->storage, LEASE_TTL_SECONDS, &lease, err)) != 0) {
            return rc;
        }
        cleanup_json json_t *value =
            json_pack("{s:s,s:s,s:{s:s,s:n},s:[{s:[{s:s}],s:[{s:i,s:s}]}]}", "kind", "Endpoints",
                      "apiVersion", "v1", "metadata", "name", self, "creationTimestamp", "subsets",
                      "addresses", "ip", self, "ports", "port", port, "protocol", "TCP");
        cleanup_free char *text = json_dumps(value, JSON_COMPACT);
        for (int attempt = 0; attempt < UPDATE_RETRIES; attempt++) {
            struct etcd3_kv kv = {0};
            int64_t rev = 0;
            rc = etcd3_get(r->storage, key, &kv, NULL, err);
            if (rc == -ENOENT) {
                rc = etcd3_create(r->storage, key, text, strlen(text), lease, &rev, err);
            } else if (rc == 0) {
                rc = etcd3_update(r->storage, key, text, strlen(text), kv.mod_revision, lease, &rev,
                                  NULL, err);
            }
            etcd3_kv_free(&kv);
            if (rc != -C8S_ECONFLICT && rc != -EEXIST && rc != -ENOENT) {
                break;
            }
        }
        if (rc != 0) {
            return rc;
        }
    }
    struct etcd3_list list = {0};
    if ((rc = etcd3_list(r->storage, MASTER_LEASES_PREFIX, NULL, 0, 0, &list, err)) != 0) {
        return rc;
    }
    const char **addresses = xcalloc(list.count + 1, sizeof *addresses);
    size_t n = 0;
    bool has_self = false;
    for (size_t i = 0; i < list.count; i++) {
        const char *ip = list.kvs[i].key + strlen(MASTER_LEASES_PREFIX);
        uint32_t parsed = 0;
        if (!ipalloc_parse_ipv4(ip, &parsed)) {
            continue;
        }
        has_self = has_self || strcmp(ip, self) == 0;
        addresses[n++] = ip;
    }
    if (!removing && !has_self) {
        addresses[n++] = self;
    }
    qsort(addresses, n, sizeof *addresses, compare_strings);
    rc = admission_kubernetes_service_reconcile(r, addresses, n, err);
    free(addresses);
    etcd3_list_free(&list);
    return rc;
}

static void *lease_loop(void *arg)
{
    struct admission *a = arg;
    pthread_mutex_lock(&a->mu);
    while (!a->stopping) {
        struct timespec deadline;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += LEASE_INTERVAL_MS / 1000;
        while (!a->stopping && pthread_cond_timedwait(&a->wake, &a->mu, &deadline) != ETIMEDOUT) {
        }
        if (a->stopping) {
            break;
        }
        pthread_mutex_unlock(&a->mu);
        struct err e = {0};
        if (lease_reconcile(a->rest, false, &e) != 0) {
            LOG_W("endpoint lease reconcile failed", "err=\"%s\"", e.msg);
        }
        pthread_mutex_lock(&a->mu);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* The serviceaccount controller's stand-in for namespaces that existed before this apiserver. */
static int ensure_service_accounts(struct rest *r, struct err *err)
{
    const struct resource *nsres = resources_find("", "v1", "namespaces");
    cleanup_free char *prefix = rest_list_prefix(nsres, NULL);
    struct etcd3_list list = {0};
    int rc = etcd3_list(r->storage, prefix, NULL, 0, 0, &list, err);
    if (rc != 0) {
        return rc;
    }
    for (size_t i = 0; i < list.count && rc == 0; i++) {
        cleanup_json json_t *ns = rest_decode_stored(&list.kvs[i]);
        const char *name = rest_meta_str(ns, "name");
        if (name != NULL && rest_meta_str(ns, "deletionTimestamp") == NULL) {
            rc = admission_ensure_default_service_account(r, name, err);
        }
    }
    etcd3_list_free(&list);
    return rc;
}

int admission_bootstrap(struct rest *r, struct err *err)
{
    struct admission *a = r->admission;
    int rc = ensure_service_accounts(r, err);
    if (rc != 0) {
        return err_wrap(err, "default service accounts");
    }
    /* The lease thread retries: a kubernetes Service that cannot be repaired now (its IP held
     * by a leaked allocation, a racing apiserver) must not keep this apiserver down. */
    struct err e = {0};
    if (lease_reconcile(r, false, &e) != 0) {
        LOG_W("the kubernetes service could not be reconciled yet", "err=\"%s\"", e.msg);
    }
    if (a != NULL && !a->lease_running) {
        a->rest = r;
        pthread_condattr_t attr;
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_cond_destroy(&a->wake);
        pthread_cond_init(&a->wake, &attr);
        pthread_condattr_destroy(&attr);
        if (pthread_create(&a->lease_thread, NULL, lease_loop, a) == 0) {
            a->lease_running = true;
        }
    }
    return 0;
}
