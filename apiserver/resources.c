/* Kubernetes 1.32's discovery data for the resources c8s serves (kubectl api-resources). */
#include "resources.h"

#include <stdio.h>
#include <string.h>

#define CRUD                                                                              \
    {                                                                                     \
        "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch" \
    }
#define NO_COLLECTION_DELETE                                          \
    {                                                                 \
        "create", "delete", "get", "list", "patch", "update", "watch" \
    }
#define STATUS(kind_name)                \
    {                                    \
        "status", NULL, NULL, kind_name, \
        {                                \
            "get", "patch", "update"     \
        }                                \
    }
#define SCALE                                  \
    {                                          \
        "scale", "autoscaling", "v1", "Scale", \
        {                                      \
            "get", "patch", "update"           \
        }                                      \
    }

static const struct resource table[] = {
    /* core/v1 */
    {"", "v1", "bindings", "binding", "Binding", true, {"create"}, {NULL}, false, {{0}}},
    {"",
     "v1",
     "componentstatuses",
     "componentstatus",
     "ComponentStatus",
     false,
     {"get", "list"},
     {"cs"},
     false,
     {{0}}},
    {"", "v1", "configmaps", "configmap", "ConfigMap", true, CRUD, {"cm"}, false, {{0}}},
    {"", "v1", "endpoints", "endpoints", "Endpoints", true, CRUD, {"ep"}, false, {{0}}},
    {"", "v1", "events", "event", "Event", true, CRUD, {"ev"}, false, {{0}}},
    {"", "v1", "limitranges", "limitrange", "LimitRange", true, CRUD, {"limits"}, false, {{0}}},
    {"",
     "v1",
     "namespaces",
     "namespace",
     "Namespace",
     false,
     NO_COLLECTION_DELETE,
     {"ns"},
     false,
     {{"finalize", NULL, NULL, "Namespace", {"update"}}, STATUS("Namespace")}},
    {"",
     "v1",
     "nodes",
     "node",
     "Node",
     false,
     CRUD,
     {"no"},
     false,
     {{"proxy", NULL, NULL, "NodeProxyOptions", {"create", "delete", "get", "patch", "update"}},
      STATUS("Node")}},
    {"",
     "v1",
     "persistentvolumeclaims",
     "persistentvolumeclaim",
     "PersistentVolumeClaim",
     true,
     CRUD,
     {"pvc"},
     false,
     {STATUS("PersistentVolumeClaim")}},
    {"",
     "v1",
     "persistentvolumes",
     "persistentvolume",
     "PersistentVolume",
     false,
     CRUD,
     {"pv"},
     false,
     {STATUS("PersistentVolume")}},
    {"",
     "v1",
     "pods",
     "pod",
     "Pod",
     true,
     CRUD,
     {"po"},
     true,
     {{"attach", NULL, NULL, "PodAttachOptions", {"create", "get"}},
      {"binding", NULL, NULL, "Binding", {"create"}},
      {"ephemeralcontainers", NULL, NULL, "Pod", {"get", "patch", "update"}},
      {"eviction", "policy", "v1", "Eviction", {"create"}},
      {"exec", NULL, NULL, "PodExecOptions", {"create", "get"}},
      {"log", NULL, NULL, "Pod", {"get"}},
      {"portforward", NULL, NULL, "PodPortForwardOptions", {"create", "get"}},
      {"proxy", NULL, NULL, "PodProxyOptions", {"create", "delete", "get", "patch", "update"}},
      STATUS("Pod")}},
    {"", "v1", "podtemplates", "podtemplate", "PodTemplate", true, CRUD, {NULL}, false, {{0}}},
    {"",
     "v1",
     "replicationcontrollers",
     "replicationcontroller",
     "ReplicationController",
     true,
     CRUD,
     {"rc"},
     true,
     {SCALE, STATUS("ReplicationController")}},
    {"",
     "v1",
     "resourcequotas",
     "resourcequota",
     "ResourceQuota",
     true,
     CRUD,
     {"quota"},
     false,
     {STATUS("ResourceQuota")}},
    {"", "v1", "secrets", "secret", "Secret", true, CRUD, {NULL}, false, {{0}}},
    {"",
     "v1",
     "serviceaccounts",
     "serviceaccount",
     "ServiceAccount",
     true,
     CRUD,
     {"sa"},
     false,
     {{"token", "authentication.k8s.io", "v1", "TokenRequest", {"create"}}}},
    {"",
     "v1",
     "services",
     "service",
     "Service",
     true,
     CRUD,
     {"svc"},
     true,
     {{"proxy", NULL, NULL, "ServiceProxyOptions", {"create", "delete", "get", "patch", "update"}},
      STATUS("Service")}},
    /* apps/v1 */
    {"apps",
     "v1",
     "controllerrevisions",
     "controllerrevision",
     "ControllerRevision",
     true,
     CRUD,
     {NULL},
     false,
     {{0}}},
    {"apps",
     "v1",
     "daemonsets",
     "daemonset",
     "DaemonSet",
     true,
     CRUD,
     {"ds"},
     true,
     {STATUS("DaemonSet")}},
    {"apps",
     "v1",
     "deployments",
     "deployment",
     "Deployment",
     true,
     CRUD,
     {"deploy"},
     true,
     {SCALE, STATUS("Deployment")}},
    {"apps",
     "v1",
     "replicasets",
     "replicaset",
     "ReplicaSet",
     true,
     CRUD,
     {"rs"},
     true,
     {SCALE, STATUS("ReplicaSet")}},
    {"apps",
     "v1",
     "statefulsets",
     "statefulset",
     "StatefulSet",
     true,
     CRUD,
     {"sts"},
     true,
     {SCALE, STATUS("StatefulSet")}},
    /* authentication.k8s.io/v1 */
    {"authentication.k8s.io",
     "v1",
     "selfsubjectreviews",
     "selfsubjectreview",
     "SelfSubjectReview",
     false,
     {"create"},
     {NULL},
     false,
     {{0}}},
    /* authorization.k8s.io/v1 */
    {"authorization.k8s.io",
     "v1",
     "subjectaccessreviews",
     "subjectaccessreview",
     "SubjectAccessReview",
     false,
     {"create"},
     {NULL},
     false,
     {{0}}},
    {"authorization.k8s.io",
     "v1",
     "selfsubjectaccessreviews",
     "selfsubjectaccessreview",
     "SelfSubjectAccessReview",
     false,
     {"create"},
     {NULL},
     false,
     {{0}}},
    {"authorization.k8s.io",
     "v1",
     "selfsubjectrulesreviews",
     "selfsubjectrulesreview",
     "SelfSubjectRulesReview",
     false,
     {"create"},
     {NULL},
     false,
     {{0}}},
    /* autoscaling/v2 */
    {"autoscaling",
     "v2",
     "horizontalpodautoscalers",
     "horizontalpodautoscaler",
     "HorizontalPodAutoscaler",
     true,
     CRUD,
     {"hpa"},
     true,
     {STATUS("HorizontalPodAutoscaler")}},
    /* autoscaling/v1: stored as autoscaling/v2 (convert.c) */
    {"autoscaling",
     "v1",
     "horizontalpodautoscalers",
     "horizontalpodautoscaler",
     "HorizontalPodAutoscaler",
     true,
     CRUD,
     {"hpa"},
     true,
     {STATUS("HorizontalPodAutoscaler")}},
    /* batch/v1 */
    {"batch",
     "v1",
     "cronjobs",
     "cronjob",
     "CronJob",
     true,
     CRUD,
     {"cj"},
     true,
     {STATUS("CronJob")}},
    {"batch", "v1", "jobs", "job", "Job", true, CRUD, {NULL}, true, {STATUS("Job")}},
    /* coordination.k8s.io/v1 */
    {"coordination.k8s.io", "v1", "leases", "lease", "Lease", true, CRUD, {NULL}, false, {{0}}},
    /* discovery.k8s.io/v1 */
    {"discovery.k8s.io",
     "v1",
     "endpointslices",
     "endpointslice",
     "EndpointSlice",
     true,
     CRUD,
     {NULL},
     false,
     {{0}}},
    /* events.k8s.io/v1: stored as core v1 events (convert.c) */
    {"events.k8s.io", "v1", "events", "event", "Event", true, CRUD, {"ev"}, false, {{0}}},
    /* networking.k8s.io/v1 */
    {"networking.k8s.io",
     "v1",
     "ingresses",
     "ingress",
     "Ingress",
     true,
     CRUD,
     {"ing"},
     false,
     {STATUS("Ingress")}},
    {"networking.k8s.io",
     "v1",
     "ingressclasses",
     "ingressclass",
     "IngressClass",
     false,
     CRUD,
     {NULL},
     false,
     {{0}}},
    {"networking.k8s.io",
     "v1",
     "networkpolicies",
     "networkpolicy",
     "NetworkPolicy",
     true,
     CRUD,
     {"netpol"},
     false,
     {{0}}},
    /* node.k8s.io/v1 */
    {"node.k8s.io",
     "v1",
     "runtimeclasses",
     "runtimeclass",
     "RuntimeClass",
     false,
     CRUD,
     {NULL},
     false,
     {{0}}},
    /* policy/v1 */
    {"policy",
     "v1",
     "poddisruptionbudgets",
     "poddisruptionbudget",
     "PodDisruptionBudget",
     true,
     CRUD,
     {"pdb"},
     false,
     {STATUS("PodDisruptionBudget")}},
    /* rbac.authorization.k8s.io/v1 */
    {"rbac.authorization.k8s.io",
     "v1",
     "clusterrolebindings",
     "clusterrolebinding",
     "ClusterRoleBinding",
     false,
     CRUD,
     {NULL},
     false,
     {{0}}},
    {"rbac.authorization.k8s.io",
     "v1",
     "clusterroles",
     "clusterrole",
     "ClusterRole",
     false,
     CRUD,
     {NULL},
     false,
     {{0}}},
    {"rbac.authorization.k8s.io",
     "v1",
     "rolebindings",
     "rolebinding",
     "RoleBinding",
     true,
     CRUD,
     {NULL},
     false,
     {{0}}},
    {"rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, CRUD, {NULL}, false, {{0}}},
    /* scheduling.k8s.io/v1 */
    {"scheduling.k8s.io",
     "v1",
     "priorityclasses",
     "priorityclass",
     "PriorityClass",
     false,
     CRUD,
     {"pc"},
     false,
     {{0}}},
    /* storage.k8s.io/v1 */
    {"storage.k8s.io",
     "v1",
     "csidrivers",
     "csidriver",
     "CSIDriver",
     false,
     CRUD,
     {NULL},
     false,
     {{0}}},
    {"storage.k8s.io", "v1", "csinodes", "csinode", "CSINode", false, CRUD, {NULL}, false, {{0}}},
    {"storage.k8s.io",
     "v1",
     "storageclasses",
     "storageclass",
     "StorageClass",
     false,
     CRUD,
     {"sc"},
     false,
     {{0}}},
    {"storage.k8s.io",
     "v1",
     "volumeattachments",
     "volumeattachment",
     "VolumeAttachment",
     false,
     CRUD,
     {NULL},
     false,
     {STATUS("VolumeAttachment")}},
};

static const struct group_version group_versions[] = {
    {"", "v1"},
    {"apps", "v1"},
    {"authentication.k8s.io", "v1"},
    {"authorization.k8s.io", "v1"},
    {"autoscaling", "v2"}, /* first: the preferred version */
    {"autoscaling", "v1"},
    {"batch", "v1"},
    {"coordination.k8s.io", "v1"},
    {"discovery.k8s.io", "v1"},
    {"events.k8s.io", "v1"},
    {"networking.k8s.io", "v1"},
    {"node.k8s.io", "v1"},
    {"policy", "v1"},
    {"rbac.authorization.k8s.io", "v1"},
    {"scheduling.k8s.io", "v1"},
    {"storage.k8s.io", "v1"},
};

const struct resource *resources_all(size_t *count)
{
    *count = sizeof table / sizeof table[0];
    return table;
}

const struct group_version *resources_group_versions(size_t *count)
{
    *count = sizeof group_versions / sizeof group_versions[0];
    return group_versions;
}

const struct resource *resources_find(const char *group, const char *version, const char *plural)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(table[i].group, group) == 0 && strcmp(table[i].version, version) == 0 &&
            strcmp(table[i].plural, plural) == 0) {
            return &table[i];
        }
    }
    return NULL;
}

const struct resource *resources_find_kind(const char *group, const char *kind)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(table[i].group, group) == 0 && strcmp(table[i].kind, kind) == 0) {
            return &table[i];
        }
    }
    return NULL;
}

const struct subresource *resources_find_sub(const struct resource *r, const char *name)
{
    for (size_t i = 0; i < RESOURCE_MAX_SUBS && r->subresources[i].name != NULL; i++) {
        if (strcmp(r->subresources[i].name, name) == 0) {
            return &r->subresources[i];
        }
    }
    return NULL;
}

const char *resources_group_version(const char *group, const char *version, char *buf, size_t size)
{
    if (group[0] == '\0') {
        snprintf(buf, size, "%s", version);
    } else {
        snprintf(buf, size, "%s/%s", group, version);
    }
    return buf;
}
