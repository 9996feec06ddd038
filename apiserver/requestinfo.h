/* What a request is about, resolved from its method, path and query the way kube-apiserver's
 * RequestInfoFactory does (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go): resource
 * requests under /api/v1 and /apis/<group>/<version> get a verb (get, list, watch, create,
 * update, patch, delete, deletecollection), a namespace, a resource, a name and a subresource;
 * everything else is a non-resource request (/version, /healthz, discovery, openapi). RBAC,
 * routing and audit all read it. Pure and thread-safe. */
#ifndef C8S_APISERVER_REQUESTINFO_H
#define C8S_APISERVER_REQUESTINFO_H

#include <stdbool.h>
#include <stddef.h>

#define REQUESTINFO_PART_MAX 254

struct request_info {
    bool is_resource_request;
    char path[2048];
    char verb[24];      /* "get", "list", ...; for non-resource requests the lowercased method */
    char api_prefix[8]; /* "api" or "apis" */
    char api_group[REQUESTINFO_PART_MAX];
    char api_version[64];
    char namespace_[REQUESTINFO_PART_MAX];
    char resource[REQUESTINFO_PART_MAX];
    char subresource[64];
    char name[REQUESTINFO_PART_MAX];
    size_t parts; /* path segments after /api/v1 or /apis/g/v (0: a discovery request) */
};

/* Resolves method + path (without the query) + the query's watch/fieldSelector parameters.
 * watch_param: the value of ?watch= (NULL when absent). field_selector: ?fieldSelector (NULL
 * when absent), used as kube-apiserver does to turn a list with metadata.name=X into a named
 * request. Always succeeds: a path it cannot read is a non-resource request. */
void requestinfo_resolve(const char *method, const char *path, const char *watch_param,
                         const char *field_selector, struct request_info *out);

#endif
