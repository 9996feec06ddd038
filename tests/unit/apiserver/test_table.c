/* Server-side Tables: the columns and cells kube-apiserver 1.32 prints per type, the row objects
 * of each includeObject mode, and the list metadata a Table carries over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "k8stime.h"
#include "table.h"

/* 2026-11-23T10:00:00Z: every test object is aged against it. */
static time_t test_now(void)
{
    struct timespec ts;
    assert_int_equal(k8stime_parse("2026-11-23T10:00:00Z", &ts, NULL), 0);
    return ts.tv_sec;
}

static json_t *load(const char *text)
{
    json_error_t error;
    json_t *v = json_loads(text, 0, &error);
    if (v == NULL) {
        fail_msg("bad test JSON: %s: %s", error.text, text);
    }
    return v;
}

static json_t *build(const char *group, const char *version, const char *plural, const char *object,
                     enum table_include include)
{
    const struct resource *r = resources_find(group, version, plural);
    assert_non_null(r);
    json_t *obj = load(object);
    json_t *t = table_build(r, obj, include, test_now());
    json_decref(obj);
    assert_non_null(t);
    return t;
}

static void assert_json_equal(const json_t *got, const char *want_text)
{
    json_t *want = load(want_text);
    if (!json_equal(got, want)) {
        char *g = json_dumps(got, JSON_COMPACT);
        fail_msg("got  %s\nwant %s", g, want_text);
    }
    json_decref(want);
}

/* The cells of the only row of the table of one object. */
static void assert_cells(const char *group, const char *version, const char *plural,
                         const char *object, const char *want_cells)
{
    json_t *t = build(group, version, plural, object, TABLE_INCLUDE_METADATA);
    const json_t *rows = json_object_get(t, "rows");
    assert_int_equal(json_array_size(rows), 1);
    const json_t *cells = json_object_get(json_array_get(rows, 0), "cells");
    assert_int_equal(json_array_size(cells),
                     json_array_size(json_object_get(t, "columnDefinitions")));
    assert_json_equal(cells, want_cells);
    json_decref(t);
}

/* The column names, "*" marking priority-1 (-o wide) ones. */
static void assert_columns(const char *group, const char *version, const char *plural,
                           const char *want)
{
    json_t *t =
        build(group, version, plural, "{\"metadata\":{\"name\":\"x\"}}", TABLE_INCLUDE_METADATA);
    char got[512] = "";
    size_t i;
    json_t *c;
    json_array_foreach (json_object_get(t, "columnDefinitions"), i, c) {
        if (i > 0) {
            strcat(got, ",");
        }
        if (json_integer_value(json_object_get(c, "priority")) == 1) {
            strcat(got, "*");
        }
        strcat(got, json_string_value(json_object_get(c, "name")));
    }
    assert_string_equal(got, want);
    json_decref(t);
}

#define META(name) \
    "\"metadata\":{\"name\":\"" name "\",\"creationTimestamp\":\"2026-11-23T09:55:00Z\"}"

static void test_table_is_wanted_only_when_accept_asks_first_for_a_v1_table(void **state)
{
    assert_true(table_wanted("application/json;as=Table;v=v1;g=meta.k8s.io,application/"
                             "json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"));
    assert_true(table_wanted("application/json; as=Table; g=meta.k8s.io; v=v1beta1"));
    assert_false(table_wanted("application/json"));
    assert_false(table_wanted("application/vnd.kubernetes.protobuf,application/json"));
    assert_false(table_wanted("application/json, */*"));
    assert_false(table_wanted("application/json,application/json;as=Table;v=v1;g=meta.k8s.io"));
    assert_false(table_wanted("application/json;as=Table;v=v2;g=meta.k8s.io,application/json"));
    assert_false(table_wanted("application/json;as=Table;v=v1;g=example.com"));
    assert_false(table_wanted(NULL));
    assert_false(table_wanted(""));
}

static void test_include_object_defaults_to_metadata(void **state)
{
    assert_int_equal(table_parse_include(NULL), TABLE_INCLUDE_METADATA);
    assert_int_equal(table_parse_include(""), TABLE_INCLUDE_METADATA);
    assert_int_equal(table_parse_include("Metadata"), TABLE_INCLUDE_METADATA);
    assert_int_equal(table_parse_include("None"), TABLE_INCLUDE_NONE);
    assert_int_equal(table_parse_include("Object"), TABLE_INCLUDE_OBJECT);
}

static void test_pod_list_table_is_what_kubectl_get_pods_receives(void **state)
{
    json_t *t = build(
        "", "v1", "pods",
        "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"42\","
        "\"continue\":\"tok\",\"remainingItemCount\":3},\"items\":[{\"kind\":\"Pod\","
        "\"apiVersion\":"
        "\"v1\",\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"labels\":{\"app\":"
        "\"web\"},"
        "\"creationTimestamp\":\"2026-11-23T09:00:00Z\"},\"spec\":{\"nodeName\":\"n1\","
        "\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]},\"status\":{\"phase\":\"Running\","
        "\"podIP\":\"10.0.0.7\",\"podIPs\":[{\"ip\":\"10.0.0.7\"}],\"containerStatuses\":[{"
        "\"name\":\"c\",\"ready\":true,\"restartCount\":2,\"state\":{\"running\":{}},"
        "\"lastState\":{\"terminated\":{\"exitCode\":1,\"finishedAt\":\"2026-11-23T09:55:00Z\"}}}]"
        "}}]}",
        TABLE_INCLUDE_METADATA);
    assert_string_equal(json_string_value(json_object_get(t, "kind")), "Table");
    assert_string_equal(json_string_value(json_object_get(t, "apiVersion")), "meta.k8s.io/v1");
    assert_json_equal(json_object_get(t, "metadata"),
                      "{\"resourceVersion\":\"42\",\"continue\":\"tok\",\"remainingItemCount\":3}");
    const json_t *cols = json_object_get(t, "columnDefinitions");
    assert_int_equal(json_array_size(cols), 9);
    const json_t *name = json_array_get(cols, 0);
    assert_string_equal(json_string_value(json_object_get(name, "format")), "name");
    assert_string_equal(json_string_value(json_object_get(name, "type")), "string");
    assert_non_null(json_object_get(name, "description"));
    const json_t *ip = json_array_get(cols, 5);
    assert_string_equal(json_string_value(json_object_get(ip, "name")), "IP");
    assert_int_equal(json_integer_value(json_object_get(ip, "priority")), 1);
    assert_string_equal(json_string_value(json_object_get(ip, "format")), "");
    assert_json_equal(
        json_array_get(json_object_get(t, "rows"), 0),
        "{\"cells\":[\"web\",\"1/1\",\"Running\",\"2 (5m ago)\",\"60m\",\"10.0.0.7\",\"n1\","
        "\"<none>\",\"<none>\"],\"object\":{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":"
        "\"meta.k8s.io/v1\",\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"labels\":{"
        "\"app\":\"web\"},\"creationTimestamp\":\"2026-11-23T09:00:00Z\"}}}");
    json_decref(t);
}

static void test_include_none_and_object_change_only_the_row_object(void **state)
{
    const char *pod = "{\"kind\":\"Pod\",\"apiVersion\":\"v1\"," META("p") ",\"spec\":{}}";
    json_t *none = build("", "v1", "pods", pod, TABLE_INCLUDE_NONE);
    assert_true(
        json_is_null(json_object_get(json_array_get(json_object_get(none, "rows"), 0), "object")));
    json_decref(none);
    json_t *whole = build("", "v1", "pods", pod, TABLE_INCLUDE_OBJECT);
    assert_json_equal(json_object_get(json_array_get(json_object_get(whole, "rows"), 0), "object"),
                      pod);
    json_decref(whole);
}

static void test_single_object_gives_one_row_and_its_resource_version(void **state)
{
    json_t *t = build("", "v1", "configmaps",
                      "{\"metadata\":{\"name\":\"cm\",\"resourceVersion\":\"7\","
                      "\"creationTimestamp\":\"2026-11-21T09:00:00Z\"},\"data\":{\"a\":\"1\"},"
                      "\"binaryData\":{\"b\":\"AA==\"}}",
                      TABLE_INCLUDE_METADATA);
    assert_json_equal(json_object_get(t, "metadata"), "{\"resourceVersion\":\"7\"}");
    assert_json_equal(json_object_get(json_array_get(json_object_get(t, "rows"), 0), "cells"),
                      "[\"cm\",2,\"2d1h\"]");
    json_decref(t);

    t = build("", "v1", "configmaps", "{\"metadata\":{},\"items\":[]}", TABLE_INCLUDE_METADATA);
    assert_json_equal(json_object_get(t, "rows"), "[]");
    assert_json_equal(json_object_get(t, "metadata"), "{}");
    json_decref(t);
}

static void test_pod_status_follows_containers_like_kubectl(void **state)
{
    /* Waiting reason of a container. */
    assert_cells(
        "", "v1", "pods",
        "{" META(
            "p") ",\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]},"
                 "\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"a\","
                 "\"ready\":true,\"state\":{\"running\":{}},\"restartCount\":0},{\"name\":\"b\","
                 "\"restartCount\":4,\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}}]}}",
        "[\"p\",\"1/2\",\"CrashLoopBackOff\",\"4\",\"5m\",\"<none>\",\"<none>\",\"<none>\","
        "\"<none>\"]");
    /* Second init container running: Init:1/2. */
    assert_cells(
        "", "v1", "pods",
        "{" META(
            "p") ",\"spec\":{\"initContainers\":[{\"name\":\"i1\"},{\"name\":\"i2\"}],"
                 "\"containers\":[{\"name\":\"a\"}]},\"status\":{\"phase\":\"Pending\","
                 "\"initContainerStatuses\":[{\"name\":\"i1\",\"state\":{\"terminated\":{"
                 "\"exitCode\":0,\"reason\":\"Completed\"}}},{\"name\":\"i2\",\"state\":{"
                 "\"running\":{}}}],\"containerStatuses\":[{\"name\":\"a\",\"state\":{\"waiting\":{"
                 "\"reason\":\"PodInitializing\"}}}]}}",
        "[\"p\",\"0/1\",\"Init:1/2\",\"0\",\"5m\",\"<none>\",\"<none>\",\"<none>\","
        "\"<none>\"]");
    /* A failing init container. */
    assert_cells(
        "", "v1", "pods",
        "{" META(
            "p") ",\"spec\":{\"initContainers\":[{\"name\":\"i1\"}],\"containers\":[{"
                 "\"name\":\"a\"}]},\"status\":{\"phase\":\"Pending\",\"initContainerStatuses\":[{"
                 "\"name\":\"i1\",\"restartCount\":3,\"state\":{\"waiting\":{\"reason\":"
                 "\"CrashLoopBackOff\"}}}]}}",
        "[\"p\",\"0/1\",\"Init:CrashLoopBackOff\",\"3\",\"5m\",\"<none>\",\"<none>\","
        "\"<none>\",\"<none>\"]");
    assert_cells(
        "", "v1", "pods",
        "{" META("p") ",\"spec\":{\"initContainers\":[{\"name\":\"i1\"}],\"containers\":[{"
                      "\"name\":\"a\"}]},\"status\":{\"initContainerStatuses\":[{\"name\":\"i1\","
                      "\"state\":{\"terminated\":{\"exitCode\":2}}}]}}",
        "[\"p\",\"0/1\",\"Init:ExitCode:2\",\"0\",\"5m\",\"<none>\",\"<none>\","
        "\"<none>\",\"<none>\"]");
    /* A container that exited without a reason, killed by a signal. */
    assert_cells(
        "", "v1", "pods",
        "{" META("p") ",\"spec\":{\"containers\":[{\"name\":\"a\"}]},\"status\":{"
                      "\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"a\",\"state\":{"
                      "\"terminated\":{\"exitCode\":137,\"signal\":9}}}]}}",
        "[\"p\",\"0/1\",\"Signal:9\",\"0\",\"5m\",\"<none>\",\"<none>\",\"<none>\","
        "\"<none>\"]");
    /* Scheduling gates, and the wide columns. */
    assert_cells(
        "", "v1", "pods",
        "{" META(
            "p") ",\"spec\":{\"containers\":[{\"name\":\"a\"}],\"readinessGates\":[{"
                 "\"conditionType\":\"x/ok\"},{\"conditionType\":\"x/lb\"}]},\"status\":{\"phase\":"
                 "\"Pending\",\"nominatedNodeName\":\"n2\",\"conditions\":[{\"type\":"
                 "\"PodScheduled\","
                 "\"status\":\"False\",\"reason\":\"SchedulingGated\"},{\"type\":\"x/"
                 "ok\",\"status\":"
                 "\"True\"}]}}",
        "[\"p\",\"0/1\",\"SchedulingGated\",\"0\",\"5m\",\"<none>\",\"<none>\",\"n2\",\"1/2\"]");
}

static void test_pod_deletion_and_completion_are_reported(void **state)
{
    const char *running_deleted =
        "{\"metadata\":{\"name\":\"p\",\"creationTimestamp\":\"2026-11-23T09:55:00Z\","
        "\"deletionTimestamp\":\"2026-11-23T09:59:00Z\"},\"spec\":{\"containers\":[{\"name\":"
        "\"a\"}]},\"status\":{\"phase\":\"Running\"}}";
    assert_cells("", "v1", "pods", running_deleted,
                 "[\"p\",\"0/1\",\"Terminating\",\"0\",\"5m\",\"<none>\",\"<none>\",\"<none>\","
                 "\"<none>\"]");
    /* A terminal pod being deleted keeps its phase; Succeeded rows carry the Completed
     * condition. */
    json_t *t =
        build("", "v1", "pods",
              "{\"metadata\":{\"name\":\"p\",\"creationTimestamp\":\"2026-11-23T09:55:00Z\","
              "\"deletionTimestamp\":\"2026-11-23T09:59:00Z\"},\"spec\":{\"containers\":[{"
              "\"name\":\"a\"}]},\"status\":{\"phase\":\"Succeeded\",\"containerStatuses\":"
              "[{\"name\":\"a\",\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":"
              "\"Completed\"}}}]}}",
              TABLE_INCLUDE_NONE);
    const json_t *row = json_array_get(json_object_get(t, "rows"), 0);
    assert_string_equal(json_string_value(json_array_get(json_object_get(row, "cells"), 2)),
                        "Completed");
    assert_json_equal(json_object_get(row, "conditions"),
                      "[{\"type\":\"Completed\",\"status\":\"True\",\"reason\":\"Succeeded\","
                      "\"message\":\"The pod has completed successfully.\"}]");
    json_decref(t);
    /* A node that is gone: Unknown. */
    assert_cells("", "v1", "pods",
                 "{\"metadata\":{\"name\":\"p\",\"creationTimestamp\":\"2026-11-23T09:55:00Z\","
                 "\"deletionTimestamp\":\"2026-11-23T09:59:00Z\"},\"spec\":{\"containers\":[]},"
                 "\"status\":{\"phase\":\"Running\",\"reason\":\"NodeLost\"}}",
                 "[\"p\",\"0/0\",\"Unknown\",\"0\",\"5m\",\"<none>\",\"<none>\",\"<none>\","
                 "\"<none>\"]");
}

static void test_sidecar_init_containers_count_as_containers(void **state)
{
    assert_cells(
        "", "v1", "pods",
        "{" META(
            "p") ",\"spec\":{\"initContainers\":[{\"name\":\"log\",\"restartPolicy\":"
                 "\"Always\"}],\"containers\":[{\"name\":\"a\"}]},\"status\":{\"phase\":"
                 "\"Running\","
                 "\"conditions\":[{\"type\":\"Initialized\",\"status\":\"True\"}],"
                 "\"initContainerStatuses\":[{\"name\":\"log\",\"started\":true,\"ready\":true,"
                 "\"restartCount\":1,\"state\":{\"running\":{}},\"lastState\":{\"terminated\":{"
                 "\"finishedAt\":\"2026-11-23T09:58:00Z\"}}}],\"containerStatuses\":[{\"name\":"
                 "\"a\",\"ready\":true,\"state\":{\"running\":{}}}]}}",
        "[\"p\",\"2/2\",\"Running\",\"1 (2m ago)\",\"5m\",\"<none>\",\"<none>\","
        "\"<none>\",\"<none>\"]");
}

static void test_workload_columns_and_cells(void **state)
{
    assert_columns("apps", "v1", "deployments",
                   "Name,Ready,Up-to-date,Available,Age,*Containers,*Images,*Selector");
    assert_cells(
        "apps", "v1", "deployments",
        "{" META(
            "web") ",\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{"
                   "\"app\":\"web\"},\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\","
                   "\"values\":[\"fe\",\"be\"]}]},\"template\":{\"spec\":{\"containers\":[{"
                   "\"name\":"
                   "\"nginx\",\"image\":\"nginx:1.27\"},{\"name\":\"side\",\"image\":\"busybox\"}]}"
                   "}},"
                   "\"status\":{\"readyReplicas\":2,\"updatedReplicas\":3,\"availableReplicas\":2}"
                   "}",
        "[\"web\",\"2/3\",3,2,\"5m\",\"nginx,side\",\"nginx:1.27,busybox\","
        "\"app=web,tier in (be,fe)\"]");
    assert_columns("apps", "v1", "replicasets",
                   "Name,Desired,Current,Ready,Age,*Containers,*Images,*Selector");
    assert_cells("apps", "v1", "replicasets",
                 "{" META("rs") ",\"spec\":{\"replicas\":2,\"template\":{\"spec\":{\"containers\":["
                                "{\"name\":\"c\",\"image\":\"i\"}]}}},\"status\":{\"replicas\":2}}",
                 "[\"rs\",2,2,0,\"5m\",\"c\",\"i\",\"<none>\"]");
    assert_columns("apps", "v1", "statefulsets", "Name,Ready,Age,*Containers,*Images");
    assert_cells("apps", "v1", "statefulsets",
                 "{" META("db") ",\"spec\":{\"replicas\":3},\"status\":{\"readyReplicas\":1}}",
                 "[\"db\",\"1/3\",\"5m\",\"\",\"\"]");
    assert_columns("apps", "v1", "daemonsets",
                   "Name,Desired,Current,Ready,Up-to-date,Available,Node Selector,Age,*Containers,"
                   "*Images,*Selector");
    assert_cells(
        "apps", "v1", "daemonsets",
        "{" META("ds") ",\"spec\":{\"selector\":{\"matchLabels\":{\"k\":\"v\"}},"
                       "\"template\":{\"spec\":{\"nodeSelector\":{\"os\":\"linux\",\"a\":\"b\"}}}},"
                       "\"status\":{\"desiredNumberScheduled\":2,\"currentNumberScheduled\":2,"
                       "\"numberReady\":1,\"updatedNumberScheduled\":2,\"numberAvailable\":1}}",
        "[\"ds\",2,2,1,2,1,\"a=b,os=linux\",\"5m\",\"\",\"\",\"k=v\"]");
    assert_cells("apps", "v1", "controllerrevisions",
                 "{\"metadata\":{\"name\":\"ds-5f\",\"creationTimestamp\":\"2026-11-23T09:55:00Z\","
                 "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\","
                 "\"name\":\"Fluentd\",\"controller\":true}]},\"revision\":3}",
                 "[\"ds-5f\",\"daemonset.apps/Fluentd\",3,\"5m\"]");
}

static void test_job_status_completions_and_duration(void **state)
{
    assert_columns("batch", "v1", "jobs",
                   "Name,Status,Completions,Duration,Age,*Containers,*Images,*Selector");
    assert_cells(
        "batch", "v1", "jobs",
        "{" META("j") ",\"spec\":{\"completions\":3,\"selector\":{\"matchLabels\":{"
                      "\"batch.kubernetes.io/controller-uid\":\"u\"}}},\"status\":{\"succeeded\":3,"
                      "\"startTime\":\"2026-11-23T09:55:00Z\",\"completionTime\":"
                      "\"2026-11-23T09:55:42Z\",\"conditions\":[{\"type\":\"Complete\",\"status\":"
                      "\"True\"}]}}",
        "[\"j\",\"Complete\",\"3/3\",\"42s\",\"5m\",\"\",\"\","
        "\"batch.kubernetes.io/controller-uid=u\"]");
    assert_cells("batch", "v1", "jobs",
                 "{" META("j") ",\"spec\":{\"parallelism\":4},\"status\":{\"startTime\":"
                               "\"2026-11-23T09:57:00Z\"}}",
                 "[\"j\",\"Running\",\"0/1 of 4\",\"3m\",\"5m\",\"\",\"\",\"<none>\"]");
    assert_cells("batch", "v1", "jobs",
                 "{" META("j") ",\"spec\":{},\"status\":{\"conditions\":[{\"type\":\"Suspended\","
                               "\"status\":\"True\"},{\"type\":\"Failed\",\"status\":\"False\"}]}}",
                 "[\"j\",\"Suspended\",\"0/1\",\"\",\"5m\",\"\",\"\",\"<none>\"]");
    assert_cells(
        "batch", "v1", "cronjobs",
        "{" META(
            "cj") ",\"spec\":{\"schedule\":\"*/5 * * * *\",\"suspend\":false,"
                  "\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":"
                  "\"c\",\"image\":\"busybox\"}]}}}}},\"status\":{\"active\":[{\"name\":\"a\"}],"
                  "\"lastScheduleTime\":\"2026-11-23T09:59:30Z\"}}",
        "[\"cj\",\"*/5 * * * *\",\"<none>\",\"False\",1,\"30s\",\"5m\",\"c\",\"busybox\","
        "\"<none>\"]");
}

static void test_service_types_print_their_external_ip_and_ports(void **state)
{
    assert_columns("", "v1", "services", "Name,Type,Cluster-IP,External-IP,Port(s),Age,*Selector");
    assert_cells(
        "", "v1", "services",
        "{" META(
            "web") ",\"spec\":{\"type\":\"NodePort\",\"clusterIP\":\"10.96.0.10\","
                   "\"clusterIPs\":[\"10.96.0.10\"],\"selector\":{\"app\":\"web\"},\"ports\":[{"
                   "\"port\":80,\"protocol\":\"TCP\"},{\"port\":443,\"nodePort\":30443,"
                   "\"protocol\":"
                   "\"TCP\"},{\"port\":53,\"protocol\":\"UDP\"}]}}",
        "[\"web\",\"NodePort\",\"10.96.0.10\",\"<none>\",\"80/TCP,443:30443/TCP,53/UDP\","
        "\"5m\",\"app=web\"]");
    assert_cells(
        "", "v1", "services",
        "{" META("lb") ",\"spec\":{\"type\":\"LoadBalancer\",\"clusterIPs\":[\"10.96.0.2\"],"
                       "\"ports\":[{\"port\":80,\"nodePort\":31000}]}}",
        "[\"lb\",\"LoadBalancer\",\"10.96.0.2\",\"<pending>\",\"80:31000/TCP\",\"5m\","
        "\"<none>\"]");
    assert_cells(
        "", "v1", "services",
        "{" META("lb") ",\"spec\":{\"type\":\"LoadBalancer\",\"externalIPs\":[\"1.1.1.1\"]},"
                       "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"203.0.113.9\"},{"
                       "\"hostname\":\"a-very-long-balancer.example.com\"}]}}}",
        "[\"lb\",\"LoadBalancer\",\"<none>\",\"203.0.113.9,a-very-long-balancer.example."
        "com,1.1.1.1\",\"<none>\",\"5m\",\"<none>\"]");
    assert_cells("", "v1", "services",
                 "{" META("ext") ",\"spec\":{\"type\":\"ExternalName\",\"externalName\":"
                                 "\"db.example.com\",\"clusterIP\":\"\"}}",
                 "[\"ext\",\"ExternalName\",\"<none>\",\"db.example.com\",\"<none>\",\"5m\","
                 "\"<none>\"]");
    assert_cells("", "v1", "services",
                 "{" META("h") ",\"spec\":{\"type\":\"ClusterIP\",\"clusterIPs\":[\"None\"],"
                               "\"externalIPs\":[\"5.6.7.8\",\"1.2.3.4\"]}}",
                 "[\"h\",\"ClusterIP\",\"None\",\"5.6.7.8,1.2.3.4\",\"<none>\",\"5m\",\"<none>\"]");
}

static void test_endpoints_slices_and_ingresses_list_three_then_count(void **state)
{
    assert_cells("", "v1", "endpoints",
                 "{" META("web") ",\"subsets\":[{\"addresses\":[{\"ip\":\"10.0.0.1\"},{\"ip\":"
                                 "\"10.0.0.2\"},{\"ip\":\"fd00::3\"}],\"ports\":[{\"port\":80},{"
                                 "\"port\":443}]}]}",
                 "[\"web\",\"10.0.0.1:80,10.0.0.2:80,[fd00::3]:80 + 3 more...\",\"5m\"]");
    assert_cells("", "v1", "endpoints", "{" META("none") "}", "[\"none\",\"<none>\",\"5m\"]");
    assert_cells("discovery.k8s.io", "v1", "endpointslices",
                 "{" META("web-abc") ",\"addressType\":\"IPv4\",\"ports\":[{\"port\":80},{\"name\":"
                                     "\"http\"}],\"endpoints\":[{\"addresses\":[\"10.0.0.1\"]}]}",
                 "[\"web-abc\",\"IPv4\",\"80,http\",\"10.0.0.1\",\"5m\"]");
    assert_cells("discovery.k8s.io", "v1", "endpointslices",
                 "{" META("e") ",\"addressType\":\"IPv4\"}",
                 "[\"e\",\"IPv4\",\"<unset>\",\"<unset>\",\"5m\"]");
    assert_cells(
        "networking.k8s.io", "v1", "ingresses",
        "{" META("ing") ",\"spec\":{\"ingressClassName\":\"nginx\",\"tls\":[{}],\"rules\":"
                        "[{\"host\":\"a\"},{},{\"host\":\"b\"},{\"host\":\"c\"},{\"host\":\"d\"}]},"
                        "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"9.9.9.9\"}]}}}",
        "[\"ing\",\"nginx\",\"a,b,c + 2 more...\",\"9.9.9.9\",\"80, 443\",\"5m\"]");
    assert_cells("networking.k8s.io", "v1", "ingresses", "{" META("i") ",\"spec\":{}}",
                 "[\"i\",\"<none>\",\"*\",\"\",\"80\",\"5m\"]");
}

static void test_node_status_roles_and_wide_columns(void **state)
{
    assert_columns("", "v1", "nodes",
                   "Name,Status,Roles,Age,Version,*Internal-IP,*External-IP,*OS-Image,"
                   "*Kernel-Version,*Container-Runtime");
    assert_cells("", "v1", "nodes",
                 "{\"metadata\":{\"name\":\"n1\",\"creationTimestamp\":\"2026-11-20T10:00:00Z\","
                 "\"labels\":{\"node-role.kubernetes.io/control-plane\":\"\","
                 "\"kubernetes.io/role\":\"edge\",\"node-role.kubernetes.io/\":\"\"}},\"spec\":{"
                 "\"unschedulable\":true},\"status\":{\"conditions\":[{\"type\":\"MemoryPressure\","
                 "\"status\":\"False\"},{\"type\":\"Ready\",\"status\":\"True\"}],\"addresses\":[{"
                 "\"type\":\"Hostname\",\"address\":\"n1\"},{\"type\":\"InternalIP\",\"address\":"
                 "\"192.168.1.10\"}],\"nodeInfo\":{\"kubeletVersion\":\"v1.32.0\",\"osImage\":"
                 "\"Debian GNU/Linux 13\",\"kernelVersion\":\"6.12.0\",\"containerRuntimeVersion\":"
                 "\"runc://1.2\"}}}",
                 "[\"n1\",\"Ready,SchedulingDisabled\",\"control-plane,edge\",\"3d\",\"v1.32.0\","
                 "\"192.168.1.10\",\"<none>\",\"Debian GNU/Linux 13\",\"6.12.0\",\"runc://1.2\"]");
    assert_cells("", "v1", "nodes", "{" META("n2") "}",
                 "[\"n2\",\"Unknown\",\"<none>\",\"5m\",\"\",\"<none>\",\"<none>\",\"<unknown>\","
                 "\"<unknown>\",\"<unknown>\"]");
}

static void test_core_config_and_identity_objects(void **state)
{
    assert_cells("", "v1", "namespaces", "{" META("dev") ",\"status\":{\"phase\":\"Terminating\"}}",
                 "[\"dev\",\"Terminating\",\"5m\"]");
    assert_cells("", "v1", "secrets",
                 "{" META("s") ",\"type\":\"kubernetes.io/tls\",\"data\":{\"tls.crt\":\"\","
                               "\"tls.key\":\"\"}}",
                 "[\"s\",\"kubernetes.io/tls\",2,\"5m\"]");
    assert_cells("", "v1", "serviceaccounts", "{" META("default") "}", "[\"default\",0,\"5m\"]");
    assert_cells("coordination.k8s.io", "v1", "leases",
                 "{" META("n1") ",\"spec\":{\"holderIdentity\":\"n1_abc\"}}",
                 "[\"n1\",\"n1_abc\",\"5m\"]");
    assert_cells(
        "", "v1", "resourcequotas",
        "{" META("q") ",\"status\":{\"hard\":{\"pods\":\"10\",\"requests.cpu\":\"1\","
                      "\"limits.memory\":\"2048Mi\",\"limits.cpu\":\"2\"},\"used\":{\"pods\":\"1\","
                      "\"requests.cpu\":\"500m\"}}}",
        "[\"q\",\"5m\",\"pods: 1/10, requests.cpu: 500m/1\",\"limits.cpu: 0/2, "
        "limits.memory: 0/2Gi\"]");
}

static void test_events_show_object_and_trimmed_message(void **state)
{
    assert_columns("", "v1", "events",
                   "Last Seen,Type,Reason,Object,*Subobject,*Source,Message,*First Seen,*Count,"
                   "*Name");
    assert_cells(
        "", "v1", "events",
        "{\"metadata\":{\"name\":\"web.1\"},\"involvedObject\":{\"kind\":\"Pod\",\"name\":"
        "\"web\",\"fieldPath\":\"spec.containers{c}\"},\"reason\":\"Pulled\",\"type\":"
        "\"Normal\",\"message\":\"  Pulled image\\n\",\"source\":{\"component\":"
        "\"kubelet\",\"host\":\"n1\"},\"firstTimestamp\":\"2026-11-23T09:50:00Z\","
        "\"lastTimestamp\":\"2026-11-23T09:59:00Z\",\"count\":3}",
        "[\"60s\",\"Normal\",\"Pulled\",\"pod/web\",\"spec.containers{c}\",\"kubelet, n1\","
        "\"Pulled image\",\"10m\",3,\"web.1\"]");
    /* events.k8s.io style: eventTime only, a series, the reporting controller. */
    assert_cells("", "v1", "events",
                 "{\"metadata\":{\"name\":\"e\"},\"involvedObject\":{\"kind\":\"Node\"},"
                 "\"reason\":\"R\",\"type\":\"Warning\",\"message\":\"m\",\"eventTime\":"
                 "\"2026-11-23T09:58:00.000000Z\",\"reportingComponent\":\"sched\",\"series\":{"
                 "\"count\":5,\"lastObservedTime\":\"2026-11-23T09:59:50.500000Z\"}}",
                 "[\"9s\",\"Warning\",\"R\",\"node\",\"\",\"sched\",\"m\",\"2m\",5,\"e\"]");
}

static void test_storage_policy_and_autoscaling(void **state)
{
    assert_cells("", "v1", "persistentvolumes",
                 "{" META("pv1") ",\"spec\":{\"capacity\":{\"storage\":\"1024Mi\"},\"accessModes\":"
                                 "[\"ReadWriteMany\",\"ReadWriteOnce\"],"
                                 "\"persistentVolumeReclaimPolicy\":\"Retain\","
                                 "\"claimRef\":{\"namespace\":\"default\",\"name\":\"data\"},"
                                 "\"storageClassName\":"
                                 "\"local\"},\"status\":{\"phase\":\"Bound\"}}",
                 "[\"pv1\",\"1Gi\",\"RWO,RWX\",\"Retain\",\"Bound\",\"default/data\",\"local\","
                 "\"<unset>\",\"\",\"5m\",\"<unset>\"]");
    assert_cells(
        "", "v1", "persistentvolumeclaims",
        "{" META("data") ",\"spec\":{\"volumeName\":\"pv1\",\"storageClassName\":"
                         "\"local\",\"volumeMode\":\"Filesystem\"},\"status\":{\"phase\":\"Bound\","
                         "\"capacity\":{\"storage\":\"1Gi\"},\"accessModes\":[\"ReadWriteOnce\"]}}",
        "[\"data\",\"Bound\",\"pv1\",\"1Gi\",\"RWO\",\"local\",\"<unset>\",\"5m\","
        "\"Filesystem\"]");
    assert_cells("policy", "v1", "poddisruptionbudgets",
                 "{" META("pdb") ",\"spec\":{\"minAvailable\":\"50%\"},\"status\":{"
                                 "\"disruptionsAllowed\":1}}",
                 "[\"pdb\",\"50%\",\"N/A\",1,\"5m\"]");
    assert_cells(
        "autoscaling", "v2", "horizontalpodautoscalers",
        "{" META(
            "web") ",\"spec\":{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"web\"},"
                   "\"minReplicas\":1,\"maxReplicas\":10,\"metrics\":[{\"type\":\"Resource\","
                   "\"resource\":{"
                   "\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":"
                   "80}}},{"
                   "\"type\":\"Pods\",\"pods\":{\"target\":{\"averageValue\":\"1k\"}}},{\"type\":"
                   "\"Resource\",\"resource\":{\"name\":\"memory\",\"target\":{\"averageValue\":"
                   "\"1Gi\"}}}]},"
                   "\"status\":{\"currentReplicas\":2,\"currentMetrics\":[{\"type\":\"Resource\","
                   "\"resource\":{\"name\":\"cpu\",\"current\":{\"averageUtilization\":40}}}]}}",
        "[\"web\",\"Deployment/web\",\"cpu: 40%/80%, <unknown>/1k + 1 more...\",\"1\",10,2,"
        "\"5m\"]");
}

static void test_rbac_bindings_and_the_default_table(void **state)
{
    assert_columns("rbac.authorization.k8s.io", "v1", "rolebindings",
                   "Name,Role,Age,*Users,*Groups,*ServiceAccounts");
    assert_cells(
        "rbac.authorization.k8s.io", "v1", "clusterrolebindings",
        "{" META("b") ",\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"},"
                      "\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"},{\"kind\":\"User\","
                      "\"name\":\"bob\"},{\"kind\":\"Group\",\"name\":\"devs\"},{\"kind\":"
                      "\"ServiceAccount\",\"namespace\":\"ci\",\"name\":\"bot\"}]}",
        "[\"b\",\"ClusterRole/view\",\"5m\",\"alice, bob\",\"devs\",\"ci/bot\"]");
    /* Roles have no printer: Name and Created At (type date, RFC 3339). */
    json_t *t = build("rbac.authorization.k8s.io", "v1", "roles",
                      "{\"metadata\":{\"name\":\"r\",\"creationTimestamp\":"
                      "\"2026-11-23T09:55:00Z\"}}",
                      TABLE_INCLUDE_METADATA);
    const json_t *cols = json_object_get(t, "columnDefinitions");
    assert_int_equal(json_array_size(cols), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 1), "name")),
                        "Created At");
    assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 1), "type")),
                        "date");
    assert_json_equal(json_object_get(json_array_get(json_object_get(t, "rows"), 0), "cells"),
                      "[\"r\",\"2026-11-23T09:55:00Z\"]");
    json_decref(t);
    assert_cells("", "v1", "limitranges", "{\"metadata\":{\"name\":\"l\"}}",
                 "[\"l\",\"0001-01-01T00:00:00Z\"]");
}

static void test_unknown_or_missing_timestamps_age_as_unknown(void **state)
{
    assert_cells("", "v1", "configmaps", "{\"metadata\":{\"name\":\"c\"}}",
                 "[\"c\",0,\"<unknown>\"]");
    assert_cells("", "v1", "configmaps",
                 "{\"metadata\":{\"name\":\"c\",\"creationTimestamp\":\"yesterday\"}}",
                 "[\"c\",0,\"<unknown>\"]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_is_wanted_only_when_accept_asks_first_for_a_v1_table),
        cmocka_unit_test(test_include_object_defaults_to_metadata),
        cmocka_unit_test(test_pod_list_table_is_what_kubectl_get_pods_receives),
        cmocka_unit_test(test_include_none_and_object_change_only_the_row_object),
        cmocka_unit_test(test_single_object_gives_one_row_and_its_resource_version),
        cmocka_unit_test(test_pod_status_follows_containers_like_kubectl),
        cmocka_unit_test(test_pod_deletion_and_completion_are_reported),
        cmocka_unit_test(test_sidecar_init_containers_count_as_containers),
        cmocka_unit_test(test_workload_columns_and_cells),
        cmocka_unit_test(test_job_status_completions_and_duration),
        cmocka_unit_test(test_service_types_print_their_external_ip_and_ports),
        cmocka_unit_test(test_endpoints_slices_and_ingresses_list_three_then_count),
        cmocka_unit_test(test_node_status_roles_and_wide_columns),
        cmocka_unit_test(test_core_config_and_identity_objects),
        cmocka_unit_test(test_events_show_object_and_trimmed_message),
        cmocka_unit_test(test_storage_policy_and_autoscaling),
        cmocka_unit_test(test_rbac_bindings_and_the_default_table),
        cmocka_unit_test(test_unknown_or_missing_timestamps_age_as_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
