/* The OpenAPI documents kubectl reads: apply's PATCH operations, explain's component schemas
 * (shapes as kube-openapi emits them for 1.32) and the v2 documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "openapi.h"
#include "openapi_schema.h"
#include "resources.h"

#define REF "#/components/schemas/"

static json_t *schema_of(json_t *doc, const char *name)
{
    return json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"), name);
}

static json_t *prop(json_t *schema, const char *name)
{
    return json_object_get(json_object_get(schema, "properties"), name);
}

/* The schema a property refers to through kube-openapi's one-element allOf. */
static const char *allof_ref(json_t *p)
{
    json_t *all_of = json_object_get(p, "allOf");
    assert_int_equal(json_array_size(all_of), 1);
    const char *ref = json_string_value(json_object_get(json_array_get(all_of, 0), "$ref"));
    assert_non_null(ref);
    assert_true(strncmp(ref, REF, strlen(REF)) == 0);
    return ref + strlen(REF);
}

static bool is_required(json_t *schema, const char *field)
{
    size_t i;
    json_t *v;
    json_array_foreach (json_object_get(schema, "required"), i, v) {
        if (strcmp(json_string_value(v), field) == 0) {
            return true;
        }
    }
    return false;
}

static void test_v3_index_points_at_every_group_version_with_a_content_hash(void **state)
{
    json_t *index = openapi_v3_index();
    json_t *paths = json_object_get(index, "paths");
    size_t n = 0;
    const struct group_version *gvs = resources_group_versions(&n);
    assert_int_equal(json_object_size(paths), n);
    const char *core =
        json_string_value(json_object_get(json_object_get(paths, "api/v1"), "serverRelativeURL"));
    assert_non_null(core);
    assert_true(strncmp(core, "/openapi/v3/api/v1?hash=", 24) == 0);
    assert_string_equal(core + 24, openapi_v3_hash("", "v1"));
    assert_int_equal(strlen(core + 24), 16);
    const char *apps = json_string_value(
        json_object_get(json_object_get(paths, "apis/apps/v1"), "serverRelativeURL"));
    assert_string_not_equal(strchr(apps, '=') + 1, core + 24); /* different content */
    assert_non_null(json_object_get(paths, "apis/rbac.authorization.k8s.io/v1"));
    assert_null(openapi_v3_hash("apps", "v9"));
    json_decref(index);
    (void)gvs;
}

static void test_group_version_document_declares_patch_with_field_validation(void **state)
{
    json_t *doc = openapi_v3_group_version("apps", "v1");
    json_t *op =
        json_object_get(json_object_get(json_object_get(doc, "paths"),
                                        "/apis/apps/v1/namespaces/{namespace}/deployments/{name}"),
                        "patch");
    assert_non_null(op);
    json_t *gvk = json_object_get(op, "x-kubernetes-group-version-kind");
    assert_string_equal(json_string_value(json_object_get(gvk, "kind")), "Deployment");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(op, "parameters"), 0), "name")),
                        "fieldValidation");
    /* No requestBody: kubectl apply keeps its built-in strategic merge patch metadata. */
    assert_null(json_object_get(op, "requestBody"));
    json_decref(doc);
    json_t *core = openapi_v3_group_version("", "v1");
    assert_non_null(json_object_get(json_object_get(core, "paths"), "/api/v1/namespaces/{name}"));
    json_decref(core);
    assert_null(openapi_v3_group_version("apps", "v9"));
}

static void test_documents_are_built_once_and_shared(void **state)
{
    json_t *a = openapi_v3_group_version("batch", "v1");
    json_t *b = openapi_v3_group_version("batch", "v1");
    assert_ptr_equal(a, b);
    json_decref(a);
    json_decref(b);
}

static void test_every_served_kind_has_a_schema_with_its_group_version_kind(void **state)
{
    size_t n = 0;
    const struct resource *all = resources_all(&n);
    for (size_t i = 0; i < n; i++) {
        const struct resource *r = &all[i];
        json_t *doc = openapi_v3_group_version(r->group, r->version);
        json_t *found = NULL;
        const char *name;
        json_t *schema;
        json_object_foreach (json_object_get(json_object_get(doc, "components"), "schemas"), name,
                             schema) {
            json_t *gvk =
                json_array_get(json_object_get(schema, "x-kubernetes-group-version-kind"), 0);
            if (gvk != NULL &&
                strcmp(json_string_value(json_object_get(gvk, "kind")), r->kind) == 0 &&
                strcmp(json_string_value(json_object_get(gvk, "group")), r->group) == 0 &&
                strcmp(json_string_value(json_object_get(gvk, "version")), r->version) == 0) {
                found = schema;
            }
        }
        if (found == NULL) {
            fail_msg("no schema for %s/%s %s", r->group, r->version, r->kind);
        }
        assert_string_equal(json_string_value(json_object_get(prop(found, "kind"), "type")),
                            "string");
        assert_non_null(prop(found, "metadata"));
        assert_non_null(json_object_get(found, "description"));
        json_decref(doc);
    }
}

/* Every $ref of a document names a schema of the same document (kubectl resolves them there). */
static void check_refs(json_t *doc, json_t *value)
{
    if (json_is_object(value)) {
        const char *key;
        json_t *v;
        json_object_foreach (value, key, v) {
            if (strcmp(key, "$ref") == 0) {
                const char *ref = json_string_value(v);
                assert_true(strncmp(ref, REF, strlen(REF)) == 0);
                if (schema_of(doc, ref + strlen(REF)) == NULL) {
                    fail_msg("dangling %s", ref);
                }
            } else {
                check_refs(doc, v);
            }
        }
    } else if (json_is_array(value)) {
        size_t i;
        json_t *v;
        json_array_foreach (value, i, v) {
            check_refs(doc, v);
        }
    }
}

static void test_every_reference_resolves_within_its_document(void **state)
{
    size_t n = 0;
    const struct group_version *gvs = resources_group_versions(&n);
    for (size_t i = 0; i < n; i++) {
        json_t *doc = openapi_v3_group_version(gvs[i].group, gvs[i].version);
        assert_non_null(doc);
        check_refs(doc, json_object_get(doc, "components"));
        json_decref(doc);
    }
}

static void test_pod_schema_has_kubernetes_shape(void **state)
{
    json_t *doc = openapi_v3_group_version("", "v1");
    json_t *pod = schema_of(doc, "io.k8s.api.core.v1.Pod");
    assert_non_null(pod);
    json_t *gvk = json_array_get(json_object_get(pod, "x-kubernetes-group-version-kind"), 0);
    assert_string_equal(json_string_value(json_object_get(gvk, "group")), "");
    assert_string_equal(json_string_value(json_object_get(gvk, "version")), "v1");
    assert_string_equal(json_string_value(json_object_get(gvk, "kind")), "Pod");
    assert_string_equal(allof_ref(prop(pod, "spec")), "io.k8s.api.core.v1.PodSpec");
    assert_string_equal(allof_ref(prop(pod, "metadata")),
                        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");

    json_t *spec = schema_of(doc, "io.k8s.api.core.v1.PodSpec");
    assert_true(is_required(spec, "containers"));
    assert_false(is_required(spec, "volumes"));
    json_t *containers = prop(spec, "containers");
    assert_string_equal(json_string_value(json_object_get(containers, "type")), "array");
    assert_string_equal(allof_ref(json_object_get(containers, "items")),
                        "io.k8s.api.core.v1.Container");
    assert_string_equal(json_string_value(json_object_get(prop(spec, "nodeSelector"), "type")),
                        "object");
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(prop(spec, "nodeSelector"), "additionalProperties"), "type")),
        "string");
    json_t *restart = json_object_get(prop(spec, "restartPolicy"), "enum");
    assert_int_equal(json_array_size(restart), 3);
    assert_string_equal(json_string_value(json_array_get(restart, 0)), "Always");

    json_t *container = schema_of(doc, "io.k8s.api.core.v1.Container");
    assert_true(is_required(container, "name"));
    assert_false(is_required(container, "image"));
    assert_string_equal(json_string_value(json_object_get(prop(container, "image"), "type")),
                        "string");
    assert_non_null(json_object_get(prop(container, "image"), "description"));
    /* Probe inlines ProbeHandler's fields. */
    json_t *probe = schema_of(doc, "io.k8s.api.core.v1.Probe");
    assert_non_null(prop(probe, "httpGet"));
    assert_string_equal(json_string_value(json_object_get(prop(probe, "periodSeconds"), "format")),
                        "int32");
    json_t *port = schema_of(doc, "io.k8s.api.core.v1.ContainerPort");
    assert_true(is_required(port, "containerPort"));
    assert_string_equal(json_string_value(json_object_get(prop(port, "containerPort"), "type")),
                        "integer");
    /* The host path type's enum starts with the empty value, as kube-openapi sorts it. */
    json_t *host_path = schema_of(doc, "io.k8s.api.core.v1.HostPathVolumeSource");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(prop(host_path, "type"), "enum"), 0)), "");
    json_decref(doc);
}

static void test_apimachinery_primitives_render_as_kubectl_expects(void **state)
{
    json_t *doc = openapi_v3_group_version("", "v1");
    json_t *meta = schema_of(doc, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    const char *time = allof_ref(prop(meta, "creationTimestamp"));
    assert_string_equal(json_string_value(json_object_get(schema_of(doc, time), "type")), "string");
    assert_string_equal(json_string_value(json_object_get(schema_of(doc, time), "format")),
                        "date-time");
    json_t *service_port = schema_of(doc, "io.k8s.api.core.v1.ServicePort");
    assert_true(is_required(service_port, "port"));
    const char *intstr = allof_ref(prop(service_port, "targetPort"));
    assert_string_equal(intstr, "io.k8s.apimachinery.pkg.util.intstr.IntOrString");
    /* No "type": kubectl then prints the schema's name, <IntOrString>. */
    assert_null(json_object_get(schema_of(doc, intstr), "type"));
    assert_int_equal(json_array_size(json_object_get(schema_of(doc, intstr), "oneOf")), 2);
    json_t *limits = prop(schema_of(doc, "io.k8s.api.core.v1.ResourceRequirements"), "limits");
    const char *quantity = allof_ref(json_object_get(limits, "additionalProperties"));
    assert_string_equal(quantity, "io.k8s.apimachinery.pkg.api.resource.Quantity");
    assert_null(json_object_get(schema_of(doc, quantity), "type"));
    json_decref(doc);
}

static void test_shared_kproto_messages_keep_their_kubernetes_names(void **state)
{
    json_t *core = openapi_v3_group_version("", "v1");
    json_t *env_source = schema_of(core, "io.k8s.api.core.v1.EnvVarSource");
    assert_string_equal(allof_ref(prop(env_source, "secretKeyRef")),
                        "io.k8s.api.core.v1.SecretKeySelector");
    assert_string_equal(allof_ref(prop(env_source, "configMapKeyRef")),
                        "io.k8s.api.core.v1.ConfigMapKeySelector");
    assert_true(is_required(schema_of(core, "io.k8s.api.core.v1.SecretKeySelector"), "key"));
    json_decref(core);

    json_t *apps = openapi_v3_group_version("apps", "v1");
    json_t *ds_strategy = schema_of(apps, "io.k8s.api.apps.v1.DaemonSetUpdateStrategy");
    assert_non_null(ds_strategy);
    assert_string_equal(allof_ref(prop(ds_strategy, "rollingUpdate")),
                        "io.k8s.api.apps.v1.RollingUpdateDaemonSet");
    json_t *types = json_object_get(prop(ds_strategy, "type"), "enum");
    assert_string_equal(json_string_value(json_array_get(types, 0)), "OnDelete");
    json_t *deploy_spec = schema_of(apps, "io.k8s.api.apps.v1.DeploymentSpec");
    assert_true(is_required(deploy_spec, "selector"));
    assert_true(is_required(deploy_spec, "template"));
    assert_false(is_required(deploy_spec, "replicas"));
    /* StatefulSet claims are PersistentVolumeClaims, a kind of core/v1 with its own GVK. */
    json_t *pvc = schema_of(apps, "io.k8s.api.core.v1.PersistentVolumeClaim");
    assert_non_null(json_object_get(pvc, "x-kubernetes-group-version-kind"));
    json_decref(apps);

    json_t *rbac = openapi_v3_group_version("rbac.authorization.k8s.io", "v1");
    json_t *crb = schema_of(rbac, "io.k8s.api.rbac.v1.ClusterRoleBinding");
    assert_true(is_required(crb, "roleRef"));
    assert_string_equal(allof_ref(prop(crb, "roleRef")), "io.k8s.api.rbac.v1.RoleRef");
    json_decref(rbac);
}

static void test_kinds_without_protobuf_tables_come_from_our_own(void **state)
{
    json_t *core = openapi_v3_group_version("", "v1");
    json_t *node_status = schema_of(core, "io.k8s.api.core.v1.NodeStatus");
    assert_string_equal(allof_ref(json_object_get(prop(node_status, "addresses"), "items")),
                        "io.k8s.api.core.v1.NodeAddress");
    json_t *taint = schema_of(core, "io.k8s.api.core.v1.Taint");
    assert_true(is_required(taint, "key"));
    assert_true(is_required(taint, "effect"));
    /* PersistentVolumeSpec inlines PersistentVolumeSource. */
    json_t *pv_spec = schema_of(core, "io.k8s.api.core.v1.PersistentVolumeSpec");
    assert_string_equal(allof_ref(prop(pv_spec, "hostPath")),
                        "io.k8s.api.core.v1.HostPathVolumeSource");
    json_decref(core);

    json_t *coordination = openapi_v3_group_version("coordination.k8s.io", "v1");
    json_t *lease_spec = schema_of(coordination, "io.k8s.api.coordination.v1.LeaseSpec");
    assert_string_equal(allof_ref(prop(lease_spec, "renewTime")),
                        "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime");
    json_decref(coordination);

    json_t *discovery = openapi_v3_group_version("discovery.k8s.io", "v1");
    json_t *slice = schema_of(discovery, "io.k8s.api.discovery.v1.EndpointSlice");
    assert_true(is_required(slice, "addressType"));
    assert_int_equal(json_array_size(json_object_get(prop(slice, "addressType"), "enum")), 3);
    json_decref(discovery);
}

static void test_v2_json_carries_the_same_definitions(void **state)
{
    json_t *v2 = openapi_v2_json();
    assert_string_equal(json_string_value(json_object_get(v2, "swagger")), "2.0");
    json_t *defs = json_object_get(v2, "definitions");
    json_t *pod = json_object_get(defs, "io.k8s.api.core.v1.Pod");
    assert_non_null(pod);
    json_t *spec = prop(pod, "spec");
    assert_string_equal(json_string_value(json_object_get(spec, "$ref")),
                        "#/definitions/io.k8s.api.core.v1.PodSpec");
    assert_null(json_object_get(spec, "allOf"));
    assert_non_null(json_object_get(defs, "io.k8s.api.apps.v1.Deployment"));
    json_t *intstr = json_object_get(defs, "io.k8s.apimachinery.pkg.util.intstr.IntOrString");
    assert_string_equal(json_string_value(json_object_get(intstr, "type")), "string");
    assert_string_equal(json_string_value(json_object_get(intstr, "format")), "int-or-string");
    json_decref(v2);
}

static void test_schema_names_follow_kube_openapi(void **state)
{
    char buf[160];
    assert_string_equal(openapi_schema_name("core/v1.Pod", buf, sizeof buf),
                        "io.k8s.api.core.v1.Pod");
    assert_string_equal(openapi_schema_name("meta/v1.ObjectMeta", buf, sizeof buf),
                        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    assert_string_equal(openapi_schema_name("autoscaling/v2.MetricSpec", buf, sizeof buf),
                        "io.k8s.api.autoscaling.v2.MetricSpec");
}

static void test_v2_protobuf_is_the_gnostic_header_document(void **state)
{
    size_t len = 0;
    const unsigned char *doc = openapi_v2_protobuf(&len);
    assert_int_equal(len, 28);
    assert_int_equal(doc[0], 0x0a);
    assert_memory_equal(doc + 9, "Kubernetes", 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v3_index_points_at_every_group_version_with_a_content_hash),
        cmocka_unit_test(test_group_version_document_declares_patch_with_field_validation),
        cmocka_unit_test(test_documents_are_built_once_and_shared),
        cmocka_unit_test(test_every_served_kind_has_a_schema_with_its_group_version_kind),
        cmocka_unit_test(test_every_reference_resolves_within_its_document),
        cmocka_unit_test(test_pod_schema_has_kubernetes_shape),
        cmocka_unit_test(test_apimachinery_primitives_render_as_kubectl_expects),
        cmocka_unit_test(test_shared_kproto_messages_keep_their_kubernetes_names),
        cmocka_unit_test(test_kinds_without_protobuf_tables_come_from_our_own),
        cmocka_unit_test(test_v2_json_carries_the_same_definitions),
        cmocka_unit_test(test_schema_names_follow_kube_openapi),
        cmocka_unit_test(test_v2_protobuf_is_the_gnostic_header_document),
    };
    return cmocka_run_group_tests_name("openapi", tests, NULL, NULL);
}
