/* Request resolution as kube-apiserver's RequestInfoFactory does it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "requestinfo.h"

struct expect {
    const char *method, *path, *watch, *field_selector;
    bool resource;
    const char *verb, *group, *version, *ns, *res, *name, *sub;
};

static void test_paths_resolve_like_kubernetes(void **state)
{
    static const struct expect cases[] = {
        {"GET", "/api/v1/namespaces/default/pods", NULL, NULL, true, "list", "", "v1", "default",
         "pods", "", ""},
        {"GET", "/api/v1/namespaces/default/pods", "true", NULL, true, "watch", "", "v1", "default",
         "pods", "", ""},
        {"GET", "/api/v1/namespaces/default/pods/web", NULL, NULL, true, "get", "", "v1", "default",
         "pods", "web", ""},
        {"POST", "/api/v1/namespaces/default/pods/web/eviction", NULL, NULL, true, "create", "",
         "v1", "default", "pods", "web", "eviction"},
        {"GET", "/api/v1/namespaces/default/pods/web/log", NULL, NULL, true, "get", "", "v1",
         "default", "pods", "web", "log"},
        {"PATCH", "/apis/apps/v1/namespaces/ns1/deployments/d/scale", NULL, NULL, true, "patch",
         "apps", "v1", "ns1", "deployments", "d", "scale"},
        {"DELETE", "/apis/apps/v1/namespaces/ns1/deployments", NULL, NULL, true, "deletecollection",
         "apps", "v1", "ns1", "deployments", "", ""},
        {"GET", "/api/v1/pods", NULL, NULL, true, "list", "", "v1", "", "pods", "", ""},
        {"GET", "/api/v1/nodes/n1", NULL, NULL, true, "get", "", "v1", "", "nodes", "n1", ""},
        {"GET", "/api/v1/namespaces", NULL, NULL, true, "list", "", "v1", "", "namespaces", "", ""},
        {"GET", "/api/v1/namespaces/kube-system", NULL, NULL, true, "get", "", "v1", "kube-system",
         "namespaces", "kube-system", ""},
        {"PUT", "/api/v1/namespaces/dev/finalize", NULL, NULL, true, "update", "", "v1", "dev",
         "namespaces", "dev", "finalize"},
        {"PUT", "/api/v1/namespaces/dev/status", NULL, NULL, true, "update", "", "v1", "dev",
         "namespaces", "dev", "status"},
        {"GET", "/api/v1/watch/namespaces/default/pods", NULL, NULL, true, "watch", "", "v1",
         "default", "pods", "", ""},
        {"GET", "/api/v1/namespaces/default/pods", NULL, "metadata.name=web", true, "list", "",
         "v1", "default", "pods", "web", ""},
        {"GET", "/api/v1/namespaces/default/pods", NULL, "metadata.name=web,status.phase=Running",
         true, "list", "", "v1", "default", "pods", "", ""},
        {"GET", "/api", NULL, NULL, false, "get", "", "", "", "", "", ""},
        {"GET", "/apis", NULL, NULL, false, "get", "", "", "", "", "", ""},
        {"GET", "/apis/apps", NULL, NULL, false, "get", "", "", "", "", "", ""},
        {"GET", "/apis/apps/v1", NULL, NULL, false, "get", "apps", "v1", "", "", "", ""},
        {"GET", "/version", NULL, NULL, false, "get", "", "", "", "", "", ""},
        {"POST", "/healthz", NULL, NULL, false, "post", "", "", "", "", "", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct expect *c = &cases[i];
        struct request_info ri;
        requestinfo_resolve(c->method, c->path, c->watch, c->field_selector, &ri);
        if (ri.is_resource_request != c->resource || strcmp(ri.verb, c->verb) != 0 ||
            strcmp(ri.api_group, c->group) != 0 || strcmp(ri.api_version, c->version) != 0 ||
            strcmp(ri.namespace_, c->ns) != 0 || strcmp(ri.resource, c->res) != 0 ||
            strcmp(ri.name, c->name) != 0 || strcmp(ri.subresource, c->sub) != 0) {
            fail_msg("%s %s: got resource=%d verb=%s group=%s version=%s ns=%s res=%s name=%s "
                     "sub=%s",
                     c->method, c->path, ri.is_resource_request, ri.verb, ri.api_group,
                     ri.api_version, ri.namespace_, ri.resource, ri.name, ri.subresource);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths_resolve_like_kubernetes),
    };
    return cmocka_run_group_tests_name("requestinfo", tests, NULL, NULL);
}
