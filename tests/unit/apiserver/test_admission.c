/* The pure parts of admission: service range parsing, the bitmap allocator and its
 * RangeAllocation encoding, LimitRanger defaults and limit checks, quota arithmetic and texts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "admission_internal.h"
#include "ipalloc.h"
#include "resources.h"
#include "rest.h"

static json_t *parse(const char *text)
{
    json_error_t error;
    json_t *v = json_loads(text, 0, &error);
    if (v == NULL) {
        fail_msg("bad JSON in test: %s: %s", error.text, text);
    }
    return v;
}

static void test_cidr_excludes_network_and_broadcast_and_reserves_a_lower_band(void **state)
{
    (void)state;
    struct ipalloc_range r;
    struct err e = {0};
    assert_int_equal(ipalloc_parse_cidr("10.0.0.0/24", &r, &e), 0);
    char buf[16];
    assert_string_equal(ipalloc_format_ipv4(r.base, buf), "10.0.0.1");
    assert_int_equal(r.size, 254);
    assert_int_equal(r.offset, 16);
    assert_string_equal(r.spec, "10.0.0.0/24");
    /* A host address in the flag names its network. */
    assert_int_equal(ipalloc_parse_cidr("10.96.3.4/12", &r, &e), 0);
    assert_string_equal(r.spec, "10.96.0.0/12");
    assert_int_equal(r.offset, 256);
    uint32_t ip = 0;
    assert_true(ipalloc_parse_ipv4("10.96.0.1", &ip));
    assert_int_equal(ipalloc_offset_of(&r, ip), 0);
    assert_true(ipalloc_parse_ipv4("10.95.255.255", &ip));
    assert_int_equal(ipalloc_offset_of(&r, ip), -1);
    assert_int_equal(ipalloc_parse_cidr("fd00::/108", &r, &e), -EINVAL);
    assert_int_equal(ipalloc_parse_cidr("10.0.0.0/31", &r, &e), -EINVAL);
    assert_int_equal(ipalloc_parse_cidr("10.0.0/24", &r, &e), -EINVAL);
    assert_false(ipalloc_parse_ipv4("10.0.0.256", &ip));
    assert_false(ipalloc_parse_ipv4("10.0.0.1 ", &ip));
}

static void test_port_ranges_in_every_form_kubernetes_accepts(void **state)
{
    (void)state;
    struct ipalloc_range r;
    struct err e = {0};
    assert_int_equal(ipalloc_parse_ports("30000-32767", &r, &e), 0);
    assert_int_equal(r.base, 30000);
    assert_int_equal(r.size, 2768);
    assert_int_equal(r.offset, 86);
    assert_string_equal(r.spec, "30000-32767");
    assert_int_equal(ipalloc_parse_ports("30000+9", &r, &e), 0);
    assert_string_equal(r.spec, "30000-30009");
    assert_int_equal(r.offset, 0);
    assert_int_equal(ipalloc_parse_ports("32767-30000", &r, &e), -EINVAL);
    assert_int_equal(ipalloc_parse_ports("abc", &r, &e), -EINVAL);
    assert_int_equal(ipalloc_offset_of(&r, 30010), -1);
}

static void test_dynamic_allocation_prefers_the_upper_band_then_fills_the_lower(void **state)
{
    (void)state;
    struct ipalloc_bitmap b;
    ipalloc_bitmap_init(&b, 40);
    for (uint64_t seed = 0; seed < 24; seed++) {
        int64_t at = ipalloc_bitmap_next_free(&b, 16, seed * 7919);
        assert_true(at >= 16 && at < 40);
        assert_false(ipalloc_bitmap_has(&b, (uint32_t)at));
        ipalloc_bitmap_set(&b, (uint32_t)at, true);
    }
    assert_int_equal(ipalloc_bitmap_count(&b), 24);
    for (uint64_t seed = 0; seed < 16; seed++) {
        int64_t at = ipalloc_bitmap_next_free(&b, 16, seed * 104729);
        assert_true(at >= 0 && at < 16);
        ipalloc_bitmap_set(&b, (uint32_t)at, true);
    }
    assert_int_equal(ipalloc_bitmap_next_free(&b, 16, 5), -1);
    ipalloc_bitmap_set(&b, 3, false);
    assert_int_equal(ipalloc_bitmap_next_free(&b, 16, 12345), 3);
    ipalloc_bitmap_free(&b);
}

static void test_bitmap_is_stored_as_go_big_int_bytes(void **state)
{
    (void)state;
    struct ipalloc_bitmap b;
    ipalloc_bitmap_init(&b, 254);
    uint8_t *bytes = NULL;
    size_t len = 0;
    ipalloc_bitmap_encode(&b, &bytes, &len);
    assert_int_equal(len, 0); /* big.Int 0 has no bytes */
    free(bytes);
    ipalloc_bitmap_set(&b, 0, true);
    ipalloc_bitmap_set(&b, 9, true);
    ipalloc_bitmap_encode(&b, &bytes, &len);
    /* 2^9 + 2^0 = 0x0201, big-endian. */
    assert_int_equal(len, 2);
    assert_int_equal(bytes[0], 0x02);
    assert_int_equal(bytes[1], 0x01);
    struct ipalloc_bitmap back;
    ipalloc_bitmap_init(&back, 254);
    struct err e = {0};
    assert_int_equal(ipalloc_bitmap_decode(&back, bytes, len, &e), 0);
    assert_true(ipalloc_bitmap_has(&back, 0));
    assert_true(ipalloc_bitmap_has(&back, 9));
    assert_int_equal(ipalloc_bitmap_count(&back), 2);
    free(bytes);
    uint8_t too_big[33] = {1};
    assert_int_equal(ipalloc_bitmap_decode(&back, too_big, sizeof too_big, &e), -EINVAL);
    ipalloc_bitmap_free(&back);
    ipalloc_bitmap_free(&b);
}

static void test_limit_range_defaults_fill_missing_requests_and_limits_with_annotation(void **state)
{
    (void)state;
    json_t *ranges = parse("[{\"spec\":{\"limits\":[{\"type\":\"Container\","
                           "\"default\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},"
                           "\"defaultRequest\":{\"cpu\":\"100m\"}}]}}]");
    json_t *pod = parse("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":["
                        "{\"name\":\"a\"},"
                        "{\"name\":\"b\",\"resources\":{\"limits\":{\"cpu\":\"1\"}}}],"
                        "\"initContainers\":[{\"name\":\"i\",\"resources\":{"
                        "\"requests\":{\"cpu\":\"200m\"}}}]}}");
    limitranger_default_pod(pod, ranges);
    json_t *a = json_array_get(json_object_get(json_object_get(pod, "spec"), "containers"), 0);
    json_t *b = json_array_get(json_object_get(json_object_get(pod, "spec"), "containers"), 1);
    json_t *want_a = parse("{\"limits\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},"
                           "\"requests\":{\"cpu\":\"100m\",\"memory\":\"256Mi\"}}");
    assert_true(json_equal(json_object_get(a, "resources"), want_a));
    /* b's request comes from its own limit (pod defaulting), not from defaultRequest. */
    json_t *want_b = parse("{\"limits\":{\"cpu\":\"1\",\"memory\":\"256Mi\"},"
                           "\"requests\":{\"cpu\":\"1\",\"memory\":\"256Mi\"}}");
    assert_true(json_equal(json_object_get(b, "resources"), want_b));
    const char *note = json_string_value(
        json_object_get(json_object_get(json_object_get(pod, "metadata"), "annotations"),
                        "kubernetes.io/limit-ranger"));
    assert_string_equal(note, "LimitRanger plugin set: cpu, memory request for container a; "
                              "cpu, memory limit for container a; memory request for container "
                              "b; memory limit for container b; memory request for init "
                              "container i; cpu, memory limit for init container i");
    json_decref(want_a);
    json_decref(want_b);
    json_decref(pod);
    json_decref(ranges);
}

static void test_limit_range_violations_use_kubernetes_messages(void **state)
{
    (void)state;
    json_t *ranges = parse("[{\"spec\":{\"limits\":[{\"type\":\"Container\","
                           "\"max\":{\"cpu\":\"500m\"},\"min\":{\"memory\":\"64Mi\"},"
                           "\"maxLimitRequestRatio\":{\"cpu\":\"2\"}}]}}]");
    json_t *pod = parse("{\"spec\":{\"containers\":[{\"name\":\"a\",\"resources\":{"
                        "\"limits\":{\"cpu\":\"1\"},\"requests\":{\"cpu\":\"250m\","
                        "\"memory\":\"32Mi\"}}}]}}");
    json_t *messages = limitranger_check_pod(pod, ranges);
    char *text = admission_aggregate_messages(messages);
    assert_string_equal(text, "[minimum memory usage per Container is 64Mi, but request is 32Mi, "
                              "maximum cpu usage per Container is 500m, but limit is 1, cpu max "
                              "limit to request ratio per Container is 2, but provided ratio is "
                              "4.000000]");
    free(text);
    json_decref(messages);
    json_decref(pod);
    pod = parse("{\"spec\":{\"containers\":[{\"name\":\"a\"}]}}");
    messages = limitranger_check_pod(pod, ranges);
    assert_int_equal(json_array_size(messages), 3);
    assert_string_equal(json_string_value(json_array_get(messages, 1)),
                        "maximum cpu usage per Container is 500m.  No limit is specified");
    json_decref(messages);
    json_decref(pod);
    json_decref(ranges);
    ranges = parse("[{\"spec\":{\"limits\":[{\"type\":\"PersistentVolumeClaim\","
                   "\"min\":{\"storage\":\"1Gi\"},\"max\":{\"storage\":\"2Gi\"}}]}}]");
    json_t *pvc = parse("{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"5Gi\"}}}}");
    messages = limitranger_check_pvc(pvc, ranges);
    text = admission_aggregate_messages(messages);
    assert_string_equal(
        text, "maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi");
    free(text);
    json_decref(messages);
    json_decref(pvc);
    json_decref(ranges);
}

static void test_pod_limits_sum_containers_and_max_init_containers(void **state)
{
    (void)state;
    json_t *ranges =
        parse("[{\"spec\":{\"limits\":[{\"type\":\"Pod\",\"max\":{\"cpu\":\"1\"}}]}}]");
    json_t *pod = parse("{\"spec\":{\"containers\":["
                        "{\"name\":\"a\",\"resources\":{\"limits\":{\"cpu\":\"600m\"}}},"
                        "{\"name\":\"b\",\"resources\":{\"limits\":{\"cpu\":\"600m\"}}}]}}");
    json_t *messages = limitranger_check_pod(pod, ranges);
    assert_int_equal(json_array_size(messages), 1);
    assert_string_equal(json_string_value(json_array_get(messages, 0)),
                        "maximum cpu usage per Pod is 1, but limit is 1200m");
    json_decref(messages);
    json_decref(pod);
    json_decref(ranges);
}

static void test_quota_usage_of_pods_services_and_claims(void **state)
{
    (void)state;
    const struct resource *pods = resources_find("", "v1", "pods");
    json_t *pod = parse("{\"spec\":{\"containers\":["
                        "{\"name\":\"a\",\"resources\":{\"requests\":{\"cpu\":\"250m\"},"
                        "\"limits\":{\"memory\":\"1Gi\"}}},"
                        "{\"name\":\"b\",\"resources\":{\"requests\":{\"cpu\":\"250m\"}}}]}}");
    json_t *usage = quota_usage_of(pods, pod);
    json_t *want = parse("{\"count/pods\":\"1\",\"pods\":\"1\",\"cpu\":\"500m\","
                         "\"requests.cpu\":\"500m\",\"limits.memory\":\"1Gi\"}");
    assert_true(json_equal(usage, want));
    json_decref(usage);
    json_decref(want);
    json_object_set_new(pod, "status", json_pack("{s:s}", "phase", "Succeeded"));
    usage = quota_usage_of(pods, pod);
    assert_int_equal(json_object_size(usage), 1); /* terminal: only count/pods */
    json_decref(usage);
    json_decref(pod);
    const struct resource *svcs = resources_find("", "v1", "services");
    json_t *svc =
        parse("{\"spec\":{\"type\":\"NodePort\",\"ports\":[{\"port\":80},{\"port\":443}]}}");
    usage = quota_usage_of(svcs, svc);
    want = parse("{\"count/services\":\"1\",\"services\":\"1\",\"services.nodeports\":\"2\","
                 "\"services.loadbalancers\":\"0\"}");
    assert_true(json_equal(usage, want));
    json_decref(usage);
    json_decref(want);
    json_decref(svc);
    const struct resource *deploys = resources_find("apps", "v1", "deployments");
    json_t *d = parse("{}");
    usage = quota_usage_of(deploys, d);
    assert_string_equal(json_string_value(json_object_get(usage, "count/deployments.apps")), "1");
    json_decref(usage);
    json_decref(d);
}

static void test_quota_arithmetic_and_exceeded_text(void **state)
{
    (void)state;
    json_t *used = parse("{\"pods\":\"2\",\"requests.cpu\":\"1500m\"}");
    json_t *delta = parse("{\"pods\":\"1\",\"requests.cpu\":\"500m\",\"count/pods\":\"1\"}");
    json_t *hard = parse("{\"pods\":\"2\",\"requests.cpu\":\"2\"}");
    json_t *sum = quota_add(used, delta, 1);
    assert_string_equal(json_string_value(json_object_get(sum, "requests.cpu")), "2");
    assert_string_equal(json_string_value(json_object_get(sum, "pods")), "3");
    json_t *exceeded = quota_exceeded(hard, sum);
    assert_int_equal(json_array_size(exceeded), 1);
    char *requested = quota_pretty(delta, exceeded);
    char *was = quota_pretty(used, exceeded);
    char *limited = quota_pretty(hard, exceeded);
    assert_string_equal(requested, "pods=1");
    assert_string_equal(was, "pods=2");
    assert_string_equal(limited, "pods=2");
    free(requested);
    free(was);
    free(limited);
    json_t *back = quota_add(sum, delta, -1);
    assert_string_equal(json_string_value(json_object_get(back, "requests.cpu")), "1500m");
    json_decref(back);
    json_decref(exceeded);
    json_decref(sum);
    json_decref(hard);
    json_decref(delta);
    json_decref(used);
}

static void test_quota_on_cpu_requires_every_container_to_say_it(void **state)
{
    (void)state;
    json_t *hard = parse("{\"requests.cpu\":\"2\",\"limits.memory\":\"1Gi\",\"pods\":\"5\"}");
    json_t *pod = parse("{\"spec\":{\"containers\":["
                        "{\"name\":\"b\",\"resources\":{\"requests\":{\"cpu\":\"1\"}}},"
                        "{\"name\":\"a\"}]}}");
    char *missing = quota_pod_missing(pod, hard);
    assert_string_equal(missing, "must specify limits.memory for: a,b; requests.cpu for: a");
    free(missing);
    json_decref(pod);
    pod = parse("{\"spec\":{\"containers\":[{\"name\":\"a\",\"resources\":{"
                "\"requests\":{\"cpu\":\"1\"},\"limits\":{\"memory\":\"1Gi\"}}}]}}");
    assert_null(quota_pod_missing(pod, hard));
    json_decref(pod);
    json_decref(hard);
}

static void test_disable_admission_plugins_knows_kubernetes_names(void **state)
{
    (void)state;
    assert_true(admission_plugin_known("LimitRanger"));
    assert_true(admission_plugin_known("PodSecurity"));
    assert_false(admission_plugin_known("LimitRange"));
    struct rest_options options = {.disable_admission_plugins = "LimitRanger, ResourceQuota"};
    struct err e = {0};
    struct admission *a = admission_new(&options, &e);
    assert_non_null(a);
    assert_false(a->limit_ranger);
    assert_false(a->resource_quota);
    assert_true(a->service_account);
    admission_free(a);
    options.disable_admission_plugins = "Nope";
    assert_null(admission_new(&options, &e));
    assert_string_equal(e.msg, "disable-admission-plugins plugin \"Nope\" is unknown");
    options.disable_admission_plugins = NULL;
    options.service_cluster_ip_range = "10.0.0.0/40";
    assert_null(admission_new(&options, &e));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cidr_excludes_network_and_broadcast_and_reserves_a_lower_band),
        cmocka_unit_test(test_port_ranges_in_every_form_kubernetes_accepts),
        cmocka_unit_test(test_dynamic_allocation_prefers_the_upper_band_then_fills_the_lower),
        cmocka_unit_test(test_bitmap_is_stored_as_go_big_int_bytes),
        cmocka_unit_test(
            test_limit_range_defaults_fill_missing_requests_and_limits_with_annotation),
        cmocka_unit_test(test_limit_range_violations_use_kubernetes_messages),
        cmocka_unit_test(test_pod_limits_sum_containers_and_max_init_containers),
        cmocka_unit_test(test_quota_usage_of_pods_services_and_claims),
        cmocka_unit_test(test_quota_arithmetic_and_exceeded_text),
        cmocka_unit_test(test_quota_on_cpu_requires_every_container_to_say_it),
        cmocka_unit_test(test_disable_admission_plugins_knows_kubernetes_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
