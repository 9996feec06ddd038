/* The core/v1 strategies: Kubernetes 1.32's defaults, status resets and validation messages,
 * checked through the strategy table as rest.c calls it and through status_invalid's message,
 * which is what kubectl prints after "The <Kind> ... is invalid: ". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "resources.h"
#include "status.h"
#include "strategy.h"

static json_t *parse(const char *text)
{
    json_error_t err;
    json_t *v = json_loads(text, 0, &err);
    if (v == NULL) {
        fail_msg("bad test JSON: %s: %s", err.text, text);
    }
    return v;
}

static const struct strategy *strategy_of(const char *plural)
{
    const struct resource *res = resources_find("", "v1", plural);
    assert_non_null(res);
    const struct strategy *st = strategy_find(res);
    assert_non_null(st);
    return st;
}

/* The object as a create leaves the strategy: defaults, then PrepareForCreate. */
static json_t *created(const char *plural, const char *text)
{
    const struct strategy *st = strategy_of(plural);
    json_t *obj = parse(text);
    if (st->apply_defaults) {
        st->apply_defaults(obj);
    }
    if (st->prepare_create) {
        st->prepare_create(obj);
    }
    return obj;
}

/* The Invalid message of a create (old_text NULL) or update, "" when valid. A new string. */
static char *invalid_message(const char *plural, const char *subresource, const char *text,
                             const char *old_text)
{
    const struct strategy *st = strategy_of(plural);
    const struct resource *res = resources_find("", "v1", plural);
    json_t *obj = old_text ? parse(text) : created(plural, text);
    json_t *old = NULL;
    if (old_text != NULL) {
        old = created(plural, old_text);
        if (st->apply_defaults) {
            st->apply_defaults(obj);
        }
        if (st->prepare_update) {
            st->prepare_update(subresource, obj, old);
        }
    }
    struct field_errors fe;
    field_errors_init(&fe);
    st->validate(subresource, obj, old, &fe);
    char *out = strdup("");
    if (field_errors_count(&fe) > 0) {
        const char *name =
            json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
        json_t *status = status_invalid(res->group, res->kind, name, &fe);
        free(out);
        out = strdup(json_string_value(json_object_get(status, "message")));
        json_decref(status);
    }
    field_errors_free(&fe);
    json_decref(obj);
    json_decref(old);
    return out;
}

static void assert_invalid(const char *plural, const char *text, const char *want)
{
    char *got = invalid_message(plural, "", text, NULL);
    if (strcmp(got, want) != 0) {
        fail_msg("got  %s\nwant %s", got, want);
    }
    free(got);
}

static void assert_update_invalid(const char *plural, const char *old, const char *now,
                                  const char *want_prefix)
{
    char *got = invalid_message(plural, "", now, old);
    if (strncmp(got, want_prefix, strlen(want_prefix)) != 0 ||
        (want_prefix[0] == '\0' && got[0] != '\0')) {
        fail_msg("got  %s\nwant %s...", got, want_prefix);
    }
    free(got);
}

static const char *str_at(const json_t *obj, const char *path)
{
    json_t *v = (json_t *)obj;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *part = strtok(buf, "."); part != NULL; part = strtok(NULL, ".")) {
        v = part[0] >= '0' && part[0] <= '9' ? json_array_get(v, (size_t)atoi(part))
                                             : json_object_get(v, part);
    }
    return json_string_value(v);
}

static json_int_t int_at(const json_t *obj, const char *path)
{
    json_t *v = (json_t *)obj;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *part = strtok(buf, "."); part != NULL; part = strtok(NULL, ".")) {
        v = part[0] >= '0' && part[0] <= '9' ? json_array_get(v, (size_t)atoi(part))
                                             : json_object_get(v, part);
    }
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

#define POD(spec) "{\"metadata\":{\"name\":\"x\"},\"spec\":" spec "}"

/* ---- Pods ---- */

static void test_pod_defaults_match_kubernetes(void **state)
{
    (void)state;
    json_t *pod =
        created("pods", POD("{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\","
                            "\"ports\":[{\"containerPort\":80}],"
                            "\"resources\":{\"limits\":{\"cpu\":\"0.5\",\"memory\":"
                            "\"128Mi\"}}},{\"name\":\"side\",\"image\":\"busybox:1.36\"}]}"));
    assert_string_equal(str_at(pod, "spec.restartPolicy"), "Always");
    assert_string_equal(str_at(pod, "spec.dnsPolicy"), "ClusterFirst");
    assert_string_equal(str_at(pod, "spec.schedulerName"), "default-scheduler");
    assert_int_equal(int_at(pod, "spec.terminationGracePeriodSeconds"), 30);
    assert_true(json_is_true(json_object_get(json_object_get(pod, "spec"), "enableServiceLinks")));
    assert_int_equal(
        json_object_size(json_object_get(json_object_get(pod, "spec"), "securityContext")), 0);
    assert_non_null(json_object_get(json_object_get(pod, "spec"), "securityContext"));
    assert_string_equal(str_at(pod, "spec.containers.0.imagePullPolicy"), "Always");
    assert_string_equal(str_at(pod, "spec.containers.1.imagePullPolicy"), "IfNotPresent");
    assert_string_equal(str_at(pod, "spec.containers.0.terminationMessagePath"),
                        "/dev/termination-log");
    assert_string_equal(str_at(pod, "spec.containers.0.terminationMessagePolicy"), "File");
    assert_string_equal(str_at(pod, "spec.containers.0.ports.0.protocol"), "TCP");
    /* Requests default to limits, quantities are written canonically, {} when empty. */
    assert_string_equal(str_at(pod, "spec.containers.0.resources.requests.cpu"), "500m");
    assert_string_equal(str_at(pod, "spec.containers.0.resources.limits.cpu"), "500m");
    assert_string_equal(str_at(pod, "spec.containers.0.resources.requests.memory"), "128Mi");
    assert_int_equal(
        json_object_size(json_object_get(
            json_array_get(json_object_get(json_object_get(pod, "spec"), "containers"), 1),
            "resources")),
        0);
    /* PrepareForCreate: Pending with the QoS class. */
    assert_string_equal(str_at(pod, "status.phase"), "Pending");
    assert_string_equal(str_at(pod, "status.qosClass"), "Burstable");
    json_decref(pod);
}

static void test_image_pull_policy_follows_the_tag(void **state)
{
    (void)state;
    static const struct {
        const char *image, *policy;
    } cases[] = {
        {"nginx", "Always"},
        {"nginx:latest", "Always"},
        {"nginx:1.27", "IfNotPresent"},
        {"localhost:5000/app", "Always"},
        {"localhost:5000/app:v2", "IfNotPresent"},
        {"nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         "IfNotPresent"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, POD("{\"containers\":[{\"name\":\"c\",\"image\":\"%s\"}]}"),
                 cases[i].image);
        json_t *pod = created("pods", text);
        assert_string_equal(str_at(pod, "spec.containers.0.imagePullPolicy"), cases[i].policy);
        json_decref(pod);
    }
}

static void test_qos_class_is_computed_on_create(void **state)
{
    (void)state;
    json_t *best = created("pods", POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}"));
    assert_string_equal(str_at(best, "status.qosClass"), "BestEffort");
    json_decref(best);
    json_t *guaranteed = created(
        "pods", POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":{\"limits\":"
                    "{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}]}"));
    assert_string_equal(str_at(guaranteed, "status.qosClass"), "Guaranteed");
    json_decref(guaranteed);
}

static void test_pod_template_defaults_leave_pod_only_fields_out(void **state)
{
    (void)state;
    json_t *tmpl = parse("{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":"
                         "[{\"name\":\"c\",\"image\":\"nginx:1\",\"resources\":{\"limits\":"
                         "{\"cpu\":\"1\"}}}]}}");
    strategy_default_pod_template(tmpl);
    assert_true(
        json_is_null(json_object_get(json_object_get(tmpl, "metadata"), "creationTimestamp")));
    assert_string_equal(str_at(tmpl, "spec.restartPolicy"), "Always");
    assert_null(json_object_get(json_object_get(tmpl, "spec"), "enableServiceLinks"));
    assert_null(str_at(tmpl, "spec.containers.0.resources.requests.cpu"));
    json_decref(tmpl);
}

static void test_pod_validation_messages(void **state)
{
    (void)state;
    assert_invalid("pods", POD("{\"containers\":[{\"name\":\"web\"}]}"),
                   "Pod \"x\" is invalid: spec.containers[0].image: Required value");
    assert_invalid("pods", POD("{\"containers\":[]}"),
                   "Pod \"x\" is invalid: spec.containers: Required value");
    assert_invalid("pods",
                   POD("{\"restartPolicy\":\"Sometimes\",\"containers\":[{\"name\":\"c\","
                       "\"image\":\"i\"}]}"),
                   "Pod \"x\" is invalid: spec.restartPolicy: Unsupported value: \"Sometimes\": "
                   "supported values: \"Always\", \"OnFailure\", \"Never\"");
    assert_invalid("pods",
                   POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\"},{\"name\":\"c\","
                       "\"image\":\"i\"}]}"),
                   "Pod \"x\" is invalid: spec.containers[1].name: Duplicate value: \"c\"");
    assert_invalid("pods", POD("{\"containers\":[{\"name\":\"Web_1\",\"image\":\"i\"}]}"),
                   "Pod \"x\" is invalid: spec.containers[0].name: Invalid value: \"Web_1\": a "
                   "lowercase RFC 1123 label must consist of lower case alphanumeric characters "
                   "or '-', and must start and end with an alphanumeric character (e.g. "
                   "'my-name',  or '123-abc', regex used for validation is "
                   "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
    assert_invalid("pods",
                   POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"ports\":"
                       "[{\"containerPort\":70000,\"protocol\":\"HTTP\"}]}]}"),
                   "Pod \"x\" is invalid: [spec.containers[0].ports[0].containerPort: Invalid "
                   "value: 70000: must be between 1 and 65535, inclusive, "
                   "spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported "
                   "values: \"SCTP\", \"TCP\", \"UDP\"]");
    assert_invalid("pods",
                   POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"volumeMounts\":"
                       "[{\"name\":\"data\",\"mountPath\":\"/d\"}]}]}"),
                   "Pod \"x\" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "
                   "\"data\"");
    assert_invalid("pods",
                   POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":"
                       "{\"requests\":{\"cpu\":\"2\"},\"limits\":{\"cpu\":\"1\"}}}]}"),
                   "Pod \"x\" is invalid: spec.containers[0].resources.requests: Invalid value: "
                   "\"2\": must be less than or equal to cpu limit of 1");
    assert_invalid("pods",
                   POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"env\":"
                       "[{\"name\":\"A=B\",\"value\":\"v\"}]}]}"),
                   "Pod \"x\" is invalid: spec.containers[0].env[0].name: Invalid value: "
                   "\"A=B\": a valid environment variable name must consist only of printable "
                   "ASCII characters other than '='");
    assert_invalid("pods",
                   POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":"
                       "{\"limits\":{\"gpu\":\"1\"}}}]}"),
                   "Pod \"x\" is invalid: [spec.containers[0].resources.limits[gpu]: Invalid "
                   "value: \"gpu\": must be a standard resource type or fully qualified, "
                   "spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be "
                   "a standard resource type or fully qualified]");
    assert_invalid("pods",
                   POD("{\"volumes\":[{\"name\":\"v\",\"hostPath\":{\"path\":\"/x\"},"
                       "\"emptyDir\":{}}],\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}"),
                   "Pod \"x\" is invalid: spec.volumes[0].hostPath: Forbidden: may not specify "
                   "more than 1 volume type");
    assert_invalid("pods",
                   POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"livenessProbe\":"
                       "{\"initialDelaySeconds\":1}}]}"),
                   "Pod \"x\" is invalid: spec.containers[0].livenessProbe: Required value: "
                   "must specify a handler type");
    assert_invalid("pods",
                   POD("{\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\",\"value\":"
                       "\"v\"}],\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}"),
                   "Pod \"x\" is invalid: spec.tolerations[0].operator: Invalid value: "
                   "core.Toleration{Key:\"k\", Operator:\"Exists\", Value:\"v\", Effect:\"\", "
                   "TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is "
                   "'Exists'");
    assert_invalid("pods", POD("{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}"), "");
}

static void test_pod_updates_change_only_mutable_fields(void **state)
{
    (void)state;
    const char *old = POD("{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1\"}],"
                          "\"tolerations\":[{\"key\":\"a\",\"operator\":\"Exists\"}]}");
    /* Images and added tolerations may change. */
    assert_update_invalid("pods", old,
                          POD("{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:2\"}],"
                              "\"tolerations\":[{\"key\":\"a\",\"operator\":\"Exists\"},"
                              "{\"key\":\"b\",\"operator\":\"Exists\"}]}"),
                          "");
    assert_update_invalid(
        "pods", old,
        POD("{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1\"}],"
            "\"tolerations\":[{\"key\":\"a\",\"operator\":\"Exists\"}]}"),
        "Pod \"x\" is invalid: spec: Forbidden: pod updates may not change fields other than "
        "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
        "`spec.tolerations` (only additions to existing tolerations),"
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "
        "negative)\n  core.PodSpec{\n- \tRestartPolicy: \"Always\",\n+ \tRestartPolicy: "
        "\"Never\",\n");
    assert_update_invalid("pods", old,
                          POD("{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1\"},"
                              "{\"name\":\"d\",\"image\":\"x\"}],"
                              "\"tolerations\":[{\"key\":\"a\",\"operator\":\"Exists\"}]}"),
                          "Pod \"x\" is invalid: spec.containers: Forbidden: pod updates may not "
                          "add or remove containers");
    assert_update_invalid("pods", old,
                          POD("{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1\"}]}"),
                          "Pod \"x\" is invalid: spec.tolerations: Forbidden: existing "
                          "toleration can not be modified except its tolerationSeconds");
}

/* ---- Services ---- */

#define SVC(spec) "{\"metadata\":{\"name\":\"s\"},\"spec\":" spec "}"

static void test_service_defaults_and_status_reset(void **state)
{
    (void)state;
    json_t *svc = created("services", "{\"metadata\":{\"name\":\"s\"},\"spec\":{\"ports\":"
                                      "[{\"port\":80}],\"selector\":{\"app\":\"web\"}},"
                                      "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":"
                                      "\"1.2.3.4\"}]}}}");
    assert_string_equal(str_at(svc, "spec.type"), "ClusterIP");
    assert_string_equal(str_at(svc, "spec.sessionAffinity"), "None");
    assert_string_equal(str_at(svc, "spec.internalTrafficPolicy"), "Cluster");
    assert_string_equal(str_at(svc, "spec.ports.0.protocol"), "TCP");
    assert_int_equal(int_at(svc, "spec.ports.0.targetPort"), 80);
    assert_null(json_object_get(json_object_get(svc, "spec"), "externalTrafficPolicy"));
    assert_int_equal(
        json_object_size(json_object_get(json_object_get(svc, "status"), "loadBalancer")), 0);
    json_decref(svc);
    json_t *np = created("services", SVC("{\"type\":\"NodePort\",\"ports\":[{\"port\":80,"
                                         "\"targetPort\":\"http\"}]}"));
    assert_string_equal(str_at(np, "spec.externalTrafficPolicy"), "Cluster");
    assert_string_equal(str_at(np, "spec.ports.0.targetPort"), "http");
    json_decref(np);
}

static void test_service_validation_messages(void **state)
{
    (void)state;
    assert_invalid("services", SVC("{}"), "Service \"s\" is invalid: spec.ports: Required value");
    assert_invalid("services", SVC("{\"clusterIP\":\"None\"}"), "");
    assert_invalid("services",
                   SVC("{\"type\":\"ExternalName\",\"externalName\":\"db.example.com.\"}"), "");
    assert_invalid("services", SVC("{\"ports\":[{\"port\":80},{\"port\":443}]}"),
                   "Service \"s\" is invalid: [spec.ports[0].name: Required value, "
                   "spec.ports[1].name: Required value]");
    assert_invalid("services", SVC("{\"ports\":[{\"port\":80,\"nodePort\":30080}]}"),
                   "Service \"s\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used "
                   "when `type` is 'ClusterIP'");
    assert_invalid("services", SVC("{\"type\":\"Weird\",\"ports\":[{\"port\":80}]}"),
                   "Service \"s\" is invalid: spec.type: Unsupported value: \"Weird\": supported "
                   "values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"");
    assert_invalid("services", SVC("{\"ports\":[{\"port\":0}]}"),
                   "Service \"s\" is invalid: [spec.ports[0].port: Invalid value: 0: must be "
                   "between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 0: "
                   "must be between 1 and 65535, inclusive]");
}

static void test_service_cluster_ip_is_kept_and_immutable(void **state)
{
    (void)state;
    const char *old = SVC("{\"clusterIP\":\"10.96.0.10\",\"ports\":[{\"port\":53}]}");
    /* A replace that leaves clusterIP out keeps the allocated one. */
    assert_update_invalid("services", old, SVC("{\"ports\":[{\"port\":54}]}"), "");
    assert_update_invalid("services", old,
                          SVC("{\"clusterIP\":\"10.96.0.11\",\"ports\":[{\"port\":53}]}"),
                          "Service \"s\" is invalid: spec.clusterIPs[0]: Invalid value: "
                          "[]string{\"10.96.0.11\"}: may not change once set");
}

/* ---- ConfigMaps and Secrets ---- */

static void test_configmap_keys_size_and_immutability(void **state)
{
    (void)state;
    assert_invalid("configmaps", "{\"metadata\":{\"name\":\"c\"},\"data\":{\"a b\":\"1\"}}",
                   "ConfigMap \"c\" is invalid: data[a b]: Invalid value: \"a b\": a valid config "
                   "key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
                   "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
                   "'[-._a-zA-Z0-9]+')");
    assert_invalid("configmaps", "{\"metadata\":{\"name\":\"c\"},\"data\":{\"..x\":\"1\"}}",
                   "ConfigMap \"c\" is invalid: data[..x]: Invalid value: \"..x\": must not start "
                   "with '..'");
    char *big = malloc(1024 * 1024 + 64);
    strcpy(big, "{\"metadata\":{\"name\":\"c\"},\"data\":{\"k\":\"");
    size_t n = strlen(big);
    memset(big + n, 'a', 1024 * 1024 + 1);
    strcpy(big + n + 1024 * 1024 + 1, "\"}}");
    assert_invalid("configmaps", big,
                   "ConfigMap \"c\" is invalid: : Too long: may not be more than 1048576 bytes");
    free(big);
    assert_update_invalid(
        "configmaps", "{\"metadata\":{\"name\":\"c\"},\"immutable\":true,\"data\":{\"a\":\"1\"}}",
        "{\"metadata\":{\"name\":\"c\"},\"immutable\":true,\"data\":{\"a\":\"2\"}}",
        "ConfigMap \"c\" is invalid: data: Forbidden: field is immutable when "
        "`immutable` is set");
    assert_update_invalid("configmaps", "{\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"1\"}}",
                          "{\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"2\"}}", "");
}

static void test_secret_defaults_string_data_and_type_rules(void **state)
{
    (void)state;
    json_t *s = created("secrets", "{\"metadata\":{\"name\":\"s\"},\"data\":{\"a\":\"MQ==\"},"
                                   "\"stringData\":{\"a\":\"two\",\"b\":\"x\"}}");
    assert_string_equal(str_at(s, "type"), "Opaque");
    assert_string_equal(str_at(s, "data.a"), "dHdv");
    assert_string_equal(str_at(s, "data.b"), "eA==");
    assert_null(json_object_get(s, "stringData"));
    json_decref(s);
    assert_invalid("secrets", "{\"metadata\":{\"name\":\"t\"},\"type\":\"kubernetes.io/tls\"}",
                   "Secret \"t\" is invalid: [data[tls.crt]: Required value, data[tls.key]: "
                   "Required value]");
    assert_invalid("secrets",
                   "{\"metadata\":{\"name\":\"d\"},\"type\":\"kubernetes.io/dockerconfigjson\","
                   "\"data\":{\".dockerconfigjson\":\"e30=\"}}",
                   "");
    assert_invalid("secrets",
                   "{\"metadata\":{\"name\":\"d\"},\"type\":\"kubernetes.io/dockerconfigjson\","
                   "\"data\":{\".dockerconfigjson\":\"eyJ4\"}}",
                   "Secret \"d\" is invalid: data[.dockerconfigjson]: Invalid value: \"<secret "
                   "contents redacted>\": unexpected end of JSON input");
    assert_invalid("secrets",
                   "{\"metadata\":{\"name\":\"b\"},\"type\":\"kubernetes.io/basic-auth\"}",
                   "Secret \"b\" is invalid: [data[username]: Required value, data[password]: "
                   "Required value]");
    assert_invalid("secrets",
                   "{\"metadata\":{\"name\":\"k\"},\"type\":"
                   "\"kubernetes.io/service-account-token\"}",
                   "Secret \"k\" is invalid: "
                   "metadata.annotations[kubernetes.io/service-account.name]: Required value");
    assert_update_invalid("secrets", "{\"metadata\":{\"name\":\"s\"},\"type\":\"Opaque\"}",
                          "{\"metadata\":{\"name\":\"s\"},\"type\":\"example.com/x\"}",
                          "Secret \"s\" is invalid: type: Invalid value: \"example.com/x\": field "
                          "is immutable");
}

/* ---- The rest of core/v1 ---- */

static void test_namespace_node_endpoints_and_event_rules(void **state)
{
    (void)state;
    assert_invalid("namespaces",
                   "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"finalizers\":[\"custom\"]}}",
                   "Namespace \"n\" is invalid: spec.finalizers: Invalid value: \"custom\": name "
                   "is neither a standard finalizer name nor is it fully qualified");
    assert_invalid("nodes",
                   "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"taints\":[{\"key\":\"k\","
                   "\"effect\":\"Sometimes\"}]}}",
                   "Node \"n1\" is invalid: spec.taints[0].effect: Unsupported value: "
                   "\"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", "
                   "\"NoExecute\"");
    assert_update_invalid(
        "nodes", "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"podCIDRs\":[\"10.0.0.0/24\"]}}",
        "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"podCIDRs\":[\"10.0.1.0/24\"]}}",
        "Node \"n1\" is invalid: spec.podCIDRs: Forbidden: node updates may not "
        "change podCIDR except from \"\" to valid");
    json_t *node = created("nodes", "{\"metadata\":{\"name\":\"n1\"},\"status\":{\"capacity\":"
                                    "{\"cpu\":\"4\",\"pods\":\"110\"}}}");
    assert_string_equal(str_at(node, "status.allocatable.pods"), "110");
    json_decref(node);
    /* podCIDR and podCIDRs agree after the round trip through the internal type. */
    node = created("nodes", "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"podCIDR\":"
                            "\"10.244.1.0/24\"}}");
    assert_string_equal(str_at(node, "spec.podCIDRs.0"), "10.244.1.0/24");
    json_decref(node);
    node = created("nodes", "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"podCIDR\":"
                            "\"10.0.0.0/8\",\"podCIDRs\":[\"10.244.2.0/24\",\"fd00::/64\"]}}");
    assert_string_equal(str_at(node, "spec.podCIDR"), "10.244.2.0/24");
    json_decref(node);
    assert_invalid("endpoints",
                   "{\"metadata\":{\"name\":\"e\"},\"subsets\":[{\"addresses\":[{\"ip\":"
                   "\"169.254.1.1\"}],\"ports\":[{\"port\":80}]}]}",
                   "Endpoints \"e\" is invalid: subsets[0].addresses[0].ip: Invalid value: "
                   "\"169.254.1.1\": may not be in the link-local range (169.254.0.0/16, "
                   "fe80::/10)");
    /* Loopback is accepted: the lab's apiservers advertise 127.0.0.1. */
    assert_invalid("endpoints",
                   "{\"metadata\":{\"name\":\"e\"},\"subsets\":[{\"addresses\":[{\"ip\":"
                   "\"127.0.0.1\"}],\"ports\":[{\"name\":\"https\",\"port\":6443}]}]}",
                   "");
    assert_invalid("events",
                   "{\"metadata\":{\"name\":\"ev\",\"namespace\":\"default\"},"
                   "\"involvedObject\":{\"kind\":\"Pod\",\"namespace\":\"other\"}}",
                   "Event \"ev\" is invalid: involvedObject.namespace: Invalid value: \"other\": "
                   "does not match event.namespace");
    assert_invalid("events",
                   "{\"metadata\":{\"name\":\"ev\",\"namespace\":\"default\"},\"eventTime\":"
                   "\"2024-01-01T00:00:00.000000Z\",\"reportingComponent\":\"c\","
                   "\"reportingInstance\":\"i\",\"involvedObject\":{\"kind\":\"Pod\"}}",
                   "Event \"ev\" is invalid: [action: Required value, reason: Required value]");
}

static void test_volumes_and_claims(void **state)
{
    (void)state;
    assert_invalid("persistentvolumeclaims", "{\"metadata\":{\"name\":\"c\"},\"spec\":{}}",
                   "PersistentVolumeClaim \"c\" is invalid: [spec.accessModes: Required value: "
                   "at least 1 access mode is required, spec.resources[storage]: Required value]");
    json_t *pvc = created("persistentvolumeclaims",
                          "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"accessModes\":"
                          "[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":"
                          "\"1Gi\"}}},\"status\":{\"phase\":\"Bound\"}}");
    assert_string_equal(str_at(pvc, "status.phase"), "Pending");
    assert_string_equal(str_at(pvc, "spec.volumeMode"), "Filesystem");
    json_decref(pvc);
    const char *bound_old = "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"accessModes\":"
                            "[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":"
                            "\"1Gi\"}}}}";
    assert_update_invalid("persistentvolumeclaims", bound_old,
                          "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"accessModes\":"
                          "[\"ReadWriteMany\"],\"resources\":{\"requests\":{\"storage\":"
                          "\"1Gi\"}}},\"status\":{\"phase\":\"Pending\"}}",
                          "PersistentVolumeClaim \"c\" is invalid: spec: Forbidden: spec is "
                          "immutable after creation except resources.requests and "
                          "volumeAttributesClassName for bound claims\n");
    assert_update_invalid("persistentvolumeclaims", bound_old,
                          "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"accessModes\":"
                          "[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":"
                          "\"2Gi\"}},\"volumeMode\":\"Filesystem\"},\"status\":{\"phase\":"
                          "\"Bound\"}}",
                          "");
    assert_invalid("persistentvolumes",
                   "{\"metadata\":{\"name\":\"v\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
                   "\"capacity\":{\"storage\":\"1Gi\"}}}",
                   "PersistentVolume \"v\" is invalid: spec: Required value: must specify a "
                   "volume type");
    json_t *pv = created("persistentvolumes", "{\"metadata\":{\"name\":\"v\"},\"spec\":"
                                              "{\"hostPath\":{\"path\":\"/d\"}}}");
    assert_string_equal(str_at(pv, "spec.persistentVolumeReclaimPolicy"), "Retain");
    assert_string_equal(str_at(pv, "status.phase"), "Pending");
    assert_non_null(str_at(pv, "status.lastPhaseTransitionTime"));
    json_decref(pv);
}

static void test_quotas_and_limit_ranges(void **state)
{
    (void)state;
    assert_invalid("resourcequotas",
                   "{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":{\"pods\":\"-1\"}}}",
                   "ResourceQuota \"q\" is invalid: spec.hard[pods]: Invalid value: \"-1\": must "
                   "be greater than or equal to 0");
    assert_invalid(
        "resourcequotas", "{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":{\"pods\":\"500m\"}}}",
        "ResourceQuota \"q\" is invalid: spec.hard[pods]: Invalid value: "
        "resource.Quantity{i:resource.int64Amount{value:500, scale:-3}, "
        "d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"500m\", Format:\"DecimalSI\"}: "
        "must be an integer");
    assert_invalid("resourcequotas",
                   "{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":{\"widgets\":\"1\"}}}",
                   "ResourceQuota \"q\" is invalid: spec.hard[widgets]: Invalid value: "
                   "\"widgets\": must be a standard resource type or fully qualified");
    assert_invalid(
        "limitranges",
        "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"limits\":[{\"type\":\"Container\","
        "\"min\":{\"cpu\":\"2\"},\"max\":{\"cpu\":\"1\"}}]}}",
        "LimitRange \"l\" is invalid: [spec.limits[0].min[cpu]: Invalid value: "
        "resource.Quantity{i:resource.int64Amount{value:2, scale:0}, "
        "d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"2\", Format:\"DecimalSI\"}: "
        "min value 2 is greater than max value 1, spec.limits[0].defaultRequest[cpu]: "
        "Invalid value: resource.Quantity{i:resource.int64Amount{value:1, scale:0}, "
        "d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"1\", Format:\"DecimalSI\"}: "
        "min value 2 is greater than default request value 1, spec.limits[0].default[cpu]: "
        "Invalid value: resource.Quantity{i:resource.int64Amount{value:2, scale:0}, "
        "d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"2\", Format:\"DecimalSI\"}: "
        "min value 2 is greater than default value 1]");
    json_t *lr = created("limitranges", "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"limits\":"
                                        "[{\"type\":\"Container\",\"max\":{\"memory\":\"1Gi\"},"
                                        "\"min\":{\"cpu\":\"100m\"}}]}}");
    assert_string_equal(str_at(lr, "spec.limits.0.default.memory"), "1Gi");
    assert_string_equal(str_at(lr, "spec.limits.0.defaultRequest.memory"), "1Gi");
    assert_string_equal(str_at(lr, "spec.limits.0.defaultRequest.cpu"), "100m");
    json_decref(lr);
    assert_invalid("limitranges",
                   "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"limits\":[{\"type\":\"Node\"}]}}",
                   "LimitRange \"l\" is invalid: spec.limits[0].type: Invalid value: \"Node\": "
                   "must be a standard limit type or fully qualified");
}

static void test_label_selector_and_go_printing(void **state)
{
    (void)state;
    struct field_errors fe;
    field_errors_init(&fe);
    json_t *sel = parse("{\"matchLabels\":{\"app\":\"-x\"},\"matchExpressions\":[{\"key\":\"a\","
                        "\"operator\":\"In\"},{\"key\":\"b\",\"operator\":\"Near\"}]}");
    strategy_validate_label_selector(sel, "spec.selector", &fe);
    assert_int_equal(field_errors_count(&fe), 3);
    assert_string_equal(json_string_value(json_array_get(fe.lines, 1)),
                        "spec.selector.matchExpressions[0].values: Required value: must be "
                        "specified when `operator` is 'In' or 'NotIn'");
    assert_string_equal(json_string_value(json_array_get(fe.lines, 2)),
                        "spec.selector.matchExpressions[1].operator: Invalid value: \"Near\": not "
                        "a valid selector operator");
    json_decref(sel);
    field_errors_free(&fe);
    json_t *labels = parse("{\"b\":\"2\",\"a\":\"1\"}");
    char *map = strategy_go_string_map(labels);
    assert_string_equal(map, "map[string]string{\"a\":\"1\", \"b\":\"2\"}");
    free(map);
    json_decref(labels);
    json_t *q = json_string("500m");
    char *printed = strategy_go_quantity(q);
    assert_string_equal(printed, "resource.Quantity{i:resource.int64Amount{value:500, scale:-3}, "
                                 "d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"500m\", "
                                 "Format:\"DecimalSI\"}");
    free(printed);
    json_decref(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pod_defaults_match_kubernetes),
        cmocka_unit_test(test_image_pull_policy_follows_the_tag),
        cmocka_unit_test(test_qos_class_is_computed_on_create),
        cmocka_unit_test(test_pod_template_defaults_leave_pod_only_fields_out),
        cmocka_unit_test(test_pod_validation_messages),
        cmocka_unit_test(test_pod_updates_change_only_mutable_fields),
        cmocka_unit_test(test_service_defaults_and_status_reset),
        cmocka_unit_test(test_service_validation_messages),
        cmocka_unit_test(test_service_cluster_ip_is_kept_and_immutable),
        cmocka_unit_test(test_configmap_keys_size_and_immutability),
        cmocka_unit_test(test_secret_defaults_string_data_and_type_rules),
        cmocka_unit_test(test_namespace_node_endpoints_and_event_rules),
        cmocka_unit_test(test_volumes_and_claims),
        cmocka_unit_test(test_quotas_and_limit_ranges),
        cmocka_unit_test(test_label_selector_and_go_printing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
