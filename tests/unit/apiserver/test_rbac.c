/* RBAC evaluation and the bootstrap policy, as Kubernetes' authorizer decides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rbac.h"

struct fixture {
    json_t *cluster_roles, *cluster_role_bindings, *roles, *role_bindings;
    struct rbac_policy policy;
};

static void add_object(struct fixture *f, json_t *obj)
{
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    json_t *target = strcmp(kind, "ClusterRole") == 0          ? f->cluster_roles
                     : strcmp(kind, "ClusterRoleBinding") == 0 ? f->cluster_role_bindings
                     : strcmp(kind, "Role") == 0               ? f->roles
                                                               : f->role_bindings;
    json_array_append(target, obj);
}

static int set_up(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->cluster_roles = json_array();
    f->cluster_role_bindings = json_array();
    f->roles = json_array();
    f->role_bindings = json_array();
    json_t *policy = rbac_bootstrap_policy();
    size_t i;
    json_t *obj;
    json_array_foreach (policy, i, obj) {
        add_object(f, obj);
    }
    json_decref(policy);
    /* bob may view in "dev", edit in "stage"; carol reads one configmap by name. */
    add_object(f, json_loads("{\"kind\":\"RoleBinding\",\"metadata\":{\"name\":\"b\",\"namespace\":"
                             "\"dev\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"},"
                             "\"subjects\":[{\"kind\":\"User\",\"name\":\"bob\"}]}",
                             0, NULL));
    add_object(f, json_loads("{\"kind\":\"RoleBinding\",\"metadata\":{\"name\":\"e\",\"namespace\":"
                             "\"stage\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"admin\"},"
                             "\"subjects\":[{\"kind\":\"User\",\"name\":\"bob\"}]}",
                             0, NULL));
    add_object(
        f, json_loads("{\"kind\":\"Role\",\"metadata\":{\"name\":\"one\",\"namespace\":\"dev\"},"
                      "\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],"
                      "\"resourceNames\":[\"a\"],\"verbs\":[\"get\"]}]}",
                      0, NULL));
    add_object(f,
               json_loads("{\"kind\":\"RoleBinding\",\"metadata\":{\"name\":\"c\",\"namespace\":"
                          "\"dev\"},\"roleRef\":{\"kind\":\"Role\",\"name\":\"one\"},\"subjects\":"
                          "[{\"kind\":\"ServiceAccount\",\"name\":\"reader\"}]}",
                          0, NULL));
    /* json_loads results were appended with a new reference: drop ours. */
    for (size_t k = json_array_size(f->roles); k-- > 0;) {
        json_decref(json_array_get(f->roles, k));
    }
    for (size_t k = 0; k < json_array_size(f->role_bindings); k++) {
        json_decref(json_array_get(f->role_bindings, k));
    }
    f->policy = (struct rbac_policy){f->cluster_roles, f->cluster_role_bindings, f->roles,
                                     f->role_bindings};
    *state = f;
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    json_decref(f->cluster_roles);
    json_decref(f->cluster_role_bindings);
    json_decref(f->roles);
    json_decref(f->role_bindings);
    free(f);
    return 0;
}

static struct user_info user(const char *name, const char *group1, const char *group2)
{
    struct user_info u = {0};
    snprintf(u.name, sizeof u.name, "%s", name);
    const char *groups[] = {group1, group2};
    for (size_t i = 0; i < 2; i++) {
        if (groups[i] != NULL) {
            snprintf(u.groups[u.ngroups++], sizeof u.groups[0], "%s", groups[i]);
        }
    }
    return u;
}

static struct authz_attributes res(const char *verb, const char *group, const char *resource,
                                   const char *sub, const char *name, const char *ns)
{
    return (struct authz_attributes){true, verb, group, resource, sub, name, ns, NULL, NULL};
}

static struct authz_attributes path(const char *verb, const char *p)
{
    return (struct authz_attributes){false, verb, "", "", "", "", "", p, NULL};
}

#define ALLOWED(f, u, a) rbac_allows(&(f)->policy, &(u), &(a))

static void test_system_masters_may_do_anything(void **state)
{
    struct fixture *f = *state;
    struct user_info admin = user("kubernetes-admin", "system:masters", "system:authenticated");
    struct authz_attributes a = res("delete", "apps", "deployments", "", "web", "prod");
    assert_true(ALLOWED(f, admin, a));
    struct authz_attributes p = path("get", "/metrics");
    assert_true(ALLOWED(f, admin, p));
}

static void test_authenticated_users_get_discovery_but_no_resources(void **state)
{
    struct fixture *f = *state;
    struct user_info eve = user("eve", "system:authenticated", NULL);
    struct authz_attributes api = path("get", "/apis/apps/v1");
    assert_true(ALLOWED(f, eve, api));
    struct authz_attributes health = path("get", "/healthz");
    assert_true(ALLOWED(f, eve, health));
    struct authz_attributes post = path("post", "/healthz");
    assert_false(ALLOWED(f, eve, post));
    struct authz_attributes pods = res("list", "", "pods", "", "", "");
    assert_false(ALLOWED(f, eve, pods));
    struct authz_attributes whoami =
        res("create", "authentication.k8s.io", "selfsubjectreviews", "", "", "");
    assert_true(ALLOWED(f, eve, whoami));
    struct user_info anon = user("system:anonymous", "system:unauthenticated", NULL);
    struct authz_attributes version = path("get", "/version");
    assert_true(ALLOWED(f, anon, version));
    assert_false(ALLOWED(f, anon, api));
}

static void test_aggregated_roles_bound_in_a_namespace(void **state)
{
    struct fixture *f = *state;
    struct user_info bob = user("bob", "system:authenticated", NULL);
    struct authz_attributes list_dev = res("list", "", "pods", "", "", "dev");
    struct authz_attributes list_other = res("list", "", "pods", "", "", "other");
    struct authz_attributes secrets_dev = res("get", "", "secrets", "", "s", "dev");
    struct authz_attributes create_dev = res("create", "apps", "deployments", "", "", "dev");
    struct authz_attributes create_stage = res("create", "apps", "deployments", "", "", "stage");
    struct authz_attributes logs_dev = res("get", "", "pods", "log", "web", "dev");
    struct authz_attributes bind_stage =
        res("create", "rbac.authorization.k8s.io", "rolebindings", "", "", "stage");
    struct authz_attributes scale_stage =
        res("patch", "apps", "deployments", "scale", "w", "stage");
    assert_true(ALLOWED(f, bob, list_dev));     /* view */
    assert_false(ALLOWED(f, bob, list_other));  /* not bound there */
    assert_false(ALLOWED(f, bob, secrets_dev)); /* view leaves secrets out */
    assert_false(ALLOWED(f, bob, create_dev));
    assert_true(ALLOWED(f, bob, logs_dev));     /* pods/log is in view */
    assert_true(ALLOWED(f, bob, create_stage)); /* admin ⊇ edit, by aggregation */
    assert_true(ALLOWED(f, bob, bind_stage));   /* admin's own rules */
    assert_true(ALLOWED(f, bob, scale_stage));
}

static void test_resource_names_and_service_account_subjects(void **state)
{
    struct fixture *f = *state;
    struct user_info sa = user("system:serviceaccount:dev:reader", "system:serviceaccounts", NULL);
    struct authz_attributes get_a = res("get", "", "configmaps", "", "a", "dev");
    struct authz_attributes get_b = res("get", "", "configmaps", "", "b", "dev");
    struct authz_attributes list = res("list", "", "configmaps", "", "", "dev");
    assert_true(ALLOWED(f, sa, get_a));
    assert_false(ALLOWED(f, sa, get_b));
    assert_false(ALLOWED(f, sa, list)); /* resourceNames never match a list */
    struct user_info other = user("system:serviceaccount:other:reader", NULL, NULL);
    assert_false(ALLOWED(f, other, get_a));
}

static void test_escalation_check_names_the_first_rule_not_held(void **state)
{
    struct fixture *f = *state;
    struct user_info bob = user("bob", "system:authenticated", NULL);
    json_t *held = json_loads("[{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"pods/log\"],"
                              "\"verbs\":[\"get\",\"list\"]}]",
                              0, NULL);
    char *missing = NULL;
    assert_true(rbac_rules_covered(&f->policy, &bob, held, "dev", &missing));
    assert_null(missing);
    assert_false(rbac_rules_covered(&f->policy, &bob, held, "other", &missing));
    assert_string_equal(
        missing, "{APIGroups:[\"\"], Resources:[\"pods\" \"pods/log\"], Verbs:[\"get\" \"list\"]}");
    free(missing);
    json_decref(held);
    json_t *wild =
        json_loads("[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"get\"]}]", 0, NULL);
    assert_false(rbac_rules_covered(&f->policy, &bob, wild, "stage", NULL)); /* no "*" held */
    json_decref(wild);
    json_t *ref = json_loads("{\"kind\":\"ClusterRole\",\"name\":\"edit\"}", 0, NULL);
    json_t *rules = rbac_role_rules(&f->policy, ref, "stage");
    assert_true(json_array_size(rules) > 10); /* edit's own rules plus view's, aggregated */
    assert_true(rbac_rules_covered(&f->policy, &bob, rules, "stage", NULL));
    assert_false(rbac_rules_covered(&f->policy, &bob, rules, "dev", NULL));
    json_decref(rules);
    json_decref(ref);
}

static void test_rule_matching_forms(void **state)
{
    json_t *rule = json_loads("{\"apiGroups\":[\"apps\"],\"resources\":[\"*/scale\"],"
                              "\"verbs\":[\"*\"]}",
                              0, NULL);
    struct authz_attributes scale = res("update", "apps", "deployments", "scale", "x", "d");
    struct authz_attributes main_res = res("update", "apps", "deployments", "", "x", "d");
    assert_true(rbac_rule_matches(rule, &scale));
    assert_false(rbac_rule_matches(rule, &main_res));
    json_decref(rule);
    json_t *urls = json_loads("{\"nonResourceURLs\":[\"/logs/*\"],\"verbs\":[\"get\"]}", 0, NULL);
    struct authz_attributes logs = path("get", "/logs/kubelet.log");
    struct authz_attributes metrics = path("get", "/metrics");
    assert_true(rbac_rule_matches(urls, &logs));
    assert_false(rbac_rule_matches(urls, &metrics));
    json_decref(urls);
}

static void test_denial_reasons_read_like_kubernetes(void **state)
{
    struct user_info bob = user("bob", NULL, NULL);
    struct authz_attributes ns = res("list", "", "pods", "", "", "default");
    char *m = rbac_denial_reason(&bob, &ns);
    assert_string_equal(m, "User \"bob\" cannot list resource \"pods\" in API group \"\" in the "
                           "namespace \"default\"");
    free(m);
    struct authz_attributes cluster = res("get", "", "nodes", "proxy", "n1", "");
    m = rbac_denial_reason(&bob, &cluster);
    assert_string_equal(m, "User \"bob\" cannot get resource \"nodes/proxy\" in API group \"\" at "
                           "the cluster scope");
    free(m);
    struct authz_attributes p = path("get", "/metrics");
    m = rbac_denial_reason(&bob, &p);
    assert_string_equal(m, "User \"bob\" cannot get path \"/metrics\"");
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_system_masters_may_do_anything, set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_authenticated_users_get_discovery_but_no_resources,
                                        set_up, tear_down),
        cmocka_unit_test_setup_teardown(test_aggregated_roles_bound_in_a_namespace, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_resource_names_and_service_account_subjects, set_up,
                                        tear_down),
        cmocka_unit_test_setup_teardown(test_escalation_check_names_the_first_rule_not_held, set_up,
                                        tear_down),
        cmocka_unit_test(test_rule_matching_forms),
        cmocka_unit_test(test_denial_reasons_read_like_kubernetes),
    };
    return cmocka_run_group_tests_name("rbac", tests, NULL, NULL);
}
