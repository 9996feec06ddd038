/* Defaulting and validation of PriorityClasses, the storage.k8s.io kinds, NetworkPolicies and
 * IngressClasses (strategy_sched_storage.c, strategy_net_node.c): Kubernetes 1.32's defaults and
 * field errors, word for word. */
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
#include "strategy_checks.h"

#define SCHED "scheduling.k8s.io"
#define STORE "storage.k8s.io"

static void test_priority_class_values_and_reserved_prefix(void **state)
{
    (void)state;
    json_t *pc = defaulted(find(SCHED, "priorityclasses"), "{\"metadata\":{\"name\":\"a\"}}");
    assert_string_equal(json_string_value(json_object_get(pc, "preemptionPolicy")),
                        "PreemptLowerPriority");
    json_decref(pc);
    expect(SCHED, "priorityclasses", "{\"metadata\":{\"name\":\"a\"},\"value\":-100}", NULL, "");
    expect(SCHED, "priorityclasses", "{\"metadata\":{\"name\":\"a\"},\"value\":1000000001}", NULL,
           "value: Forbidden: maximum allowed value of a user defined priority is 1000000000");
    expect(SCHED, "priorityclasses",
           "{\"metadata\":{\"name\":\"system-node-critical\"},\"value\":2000001000}", NULL, "");
    expect(SCHED, "priorityclasses",
           "{\"metadata\":{\"name\":\"system-node-critical\"},\"value\":5}", NULL,
           "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved "
           "for system use only. error: value of system-node-critical PriorityClass must be "
           "2000001000");
    expect(SCHED, "priorityclasses",
           "{\"metadata\":{\"name\":\"system-cluster-critical\"},\"value\":2000000000,"
           "\"globalDefault\":true}",
           NULL,
           "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved "
           "for system use only. error: globalDefault of system-cluster-critical PriorityClass "
           "must be false");
    expect(SCHED, "priorityclasses",
           "{\"metadata\":{\"name\":\"a\"},\"value\":1,\"preemptionPolicy\":\"Maybe\"}", NULL,
           "preemptionPolicy: Unsupported value: \"Maybe\": supported values: \"Never\", "
           "\"PreemptLowerPriority\"");
}

static void test_priority_class_value_and_policy_are_immutable(void **state)
{
    (void)state;
    expect(SCHED, "priorityclasses", "{\"metadata\":{\"name\":\"a\"},\"value\":2}",
           "{\"metadata\":{\"name\":\"a\"},\"value\":1}",
           "value: Forbidden: may not be changed in an update.");
    expect(SCHED, "priorityclasses",
           "{\"metadata\":{\"name\":\"a\"},\"value\":1,\"preemptionPolicy\":\"Never\"}",
           "{\"metadata\":{\"name\":\"a\"},\"value\":1}",
           "preemptionPolicy: Invalid value: \"Never\": field is immutable");
    expect(SCHED, "priorityclasses",
           "{\"metadata\":{\"name\":\"a\"},\"value\":1,\"description\":\"new\"}",
           "{\"metadata\":{\"name\":\"a\"},\"value\":1}", "");
}

static void test_storage_class_defaults_and_rules(void **state)
{
    (void)state;
    json_t *sc =
        defaulted(find(STORE, "storageclasses"), "{\"metadata\":{\"name\":\"s\"},\"provisioner\":"
                                                 "\"x.io/y\"}");
    assert_string_equal(json_string_value(json_object_get(sc, "reclaimPolicy")), "Delete");
    assert_string_equal(json_string_value(json_object_get(sc, "volumeBindingMode")), "Immediate");
    json_decref(sc);
    expect(STORE, "storageclasses", "{\"metadata\":{\"name\":\"s\"},\"provisioner\":\"X.io/Y\"}",
           NULL, "");
    expect(STORE, "storageclasses",
           "{\"metadata\":{\"name\":\"s\"},\"provisioner\":\"a b\",\"parameters\":{\"\":\"v\"}}",
           NULL,
           "provisioner: Invalid value: \"a b\": name part must consist of alphanumeric "
           "characters, '-', '_' or '.', and must start and end with an alphanumeric character "
           "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
           "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n"
           "parameters: Invalid value: \"\": field can not be empty.");
    const char *old = "{\"metadata\":{\"name\":\"s\"},\"provisioner\":\"p\",\"parameters\":{"
                      "\"a\":\"1\"}}";
    expect(STORE, "storageclasses",
           "{\"metadata\":{\"name\":\"s\"},\"provisioner\":\"q\",\"reclaimPolicy\":\"Retain\","
           "\"volumeBindingMode\":\"WaitForFirstConsumer\"}",
           old,
           "parameters: Forbidden: updates to parameters are forbidden.\n"
           "provisioner: Forbidden: updates to provisioner are forbidden.\n"
           "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.\n"
           "volumeBindingMode: Invalid value: \"WaitForFirstConsumer\": field is immutable");
    expect(STORE, "storageclasses",
           "{\"metadata\":{\"name\":\"s\",\"labels\":{\"k\":\"v\"}},\"provisioner\":\"p\","
           "\"parameters\":{\"a\":\"1\"},\"allowVolumeExpansion\":true}",
           old, "");
}

static void test_csi_driver_node_and_attachment_rules(void **state)
{
    (void)state;
    json_t *d = defaulted(find(STORE, "csidrivers"), "{\"metadata\":{\"name\":\"d.io\"}}");
    const json_t *spec = json_object_get(d, "spec");
    assert_true(json_is_true(json_object_get(spec, "attachRequired")));
    assert_true(json_is_false(json_object_get(spec, "podInfoOnMount")));
    assert_string_equal(json_string_value(json_object_get(spec, "fsGroupPolicy")),
                        "ReadWriteOnceWithFSType");
    json_decref(d);
    expect(STORE, "csidrivers",
           "{\"metadata\":{\"name\":\"d.io\"},\"spec\":{\"attachRequired\":false}}",
           "{\"metadata\":{\"name\":\"d.io\"},\"spec\":{}}",
           "spec.attachRequired: Invalid value: false: field is immutable");
    expect(STORE, "csinodes",
           "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"drivers\":[{\"name\":\"a.io\",\"nodeID\":"
           "\"1\"},{\"name\":\"a.io\"}]}}",
           NULL,
           "spec.drivers[1].name: Duplicate value: \"a.io\"\n"
           "spec.drivers[1].nodeID: Required value: nodeID must be provided");
    expect(STORE, "volumeattachments",
           "{\"metadata\":{\"name\":\"v\"},\"spec\":{\"attacher\":\"a.io\",\"source\":{}}}", NULL,
           "spec.nodeName: Required value\n"
           "spec.source: Required value: must specify exactly one of inlineVolumeSpec and "
           "persistentVolumeName");
    const char *va = "{\"metadata\":{\"name\":\"v\"},\"spec\":{\"attacher\":\"a.io\",\"nodeName\":"
                     "\"n\",\"source\":{\"persistentVolumeName\":\"p\"}}}";
    expect(STORE, "volumeattachments", va, NULL, "");
    char *errs = lines_of(STORE, "volumeattachments", "",
                          "{\"metadata\":{\"name\":\"v\"},\"spec\":{\"attacher\":\"a.io\","
                          "\"nodeName\":\"m\",\"source\":{\"persistentVolumeName\":\"p\"}}}",
                          va);
    assert_non_null(strstr(errs, "spec: Invalid value: "));
    assert_non_null(strstr(errs, ": field is immutable"));
    free(errs);
}

#define NET "networking.k8s.io"

static void test_network_policy_defaults_and_peers(void **state)
{
    (void)state;
    json_t *np = defaulted(find(NET, "networkpolicies"),
                           "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"podSelector\":{},"
                           "\"egress\":[{\"ports\":[{\"port\":53}]}]}}");
    const json_t *spec = json_object_get(np, "spec");
    char *types = json_dumps(json_object_get(spec, "policyTypes"), JSON_COMPACT);
    assert_string_equal(types, "[\"Ingress\",\"Egress\"]");
    free(types);
    json_decref(np);
    expect(NET, "networkpolicies",
           "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"podSelector\":{},\"ingress\":[{"
           "\"ports\":[{\"port\":0,\"protocol\":\"ICMP\"},{\"port\":\"http\",\"endPort\":9}],"
           "\"from\":[{\"ipBlock\":{\"cidr\":\"10.0.0.0/33\"}},{\"ipBlock\":{\"cidr\":"
           "\"10.0.0.0/8\"},\"podSelector\":{}}]}],\"policyTypes\":[\"Sideways\"]}}",
           NULL,
           "spec.ingress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: "
           "\"SCTP\", \"TCP\", \"UDP\"\n"
           "spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, "
           "inclusive\n"
           "spec.ingress[0].ports[1].endPort: Required value: may not be specified when `port` "
           "is non-numeric\n"
           "spec.ingress[0].from[0].ipBlock.cidr: Invalid value: \"10.0.0.0/33\": must be a "
           "valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)\n"
           "spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer\n"
           "spec.policyTypes[0]: Unsupported value: \"Sideways\": supported values: \"Egress\", "
           "\"Ingress\"");
}

static void test_ingress_class_controller_and_parameters(void **state)
{
    (void)state;
    expect(NET, "ingressclasses",
           "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"controller\":\"acme.io/lb\","
           "\"parameters\":{\"kind\":\"K\",\"name\":\"p\"}}}",
           NULL, "");
    expect(NET, "ingressclasses",
           "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"controller\":\"nopath\","
           "\"parameters\":{\"kind\":\"K\",\"name\":\"p\",\"scope\":\"Namespace\"}}}",
           NULL,
           "spec.controller: Invalid value: \"nopath\": must be a domain-prefixed path (such as "
           "\"acme.io/foo\")\n"
           "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'");
    expect(NET, "ingressclasses",
           "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"controller\":\"acme.io/b\"}}",
           "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"controller\":\"acme.io/a\"}}",
           "spec.controller: Invalid value: \"acme.io/b\": field is immutable");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_priority_class_values_and_reserved_prefix),
        cmocka_unit_test(test_priority_class_value_and_policy_are_immutable),
        cmocka_unit_test(test_storage_class_defaults_and_rules),
        cmocka_unit_test(test_csi_driver_node_and_attachment_rules),
        cmocka_unit_test(test_network_policy_defaults_and_peers),
        cmocka_unit_test(test_ingress_class_controller_and_parameters),
    };
    return cmocka_run_group_tests_name("strategy_moretypes", tests, NULL, NULL);
}
