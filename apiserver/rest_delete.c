/* DELETE and deletecollection: the finalizer protocol (objects with finalizers are only marked
 * with deletionTimestamp), namespaces going Terminating, guarded on mod_revision as
 * k8s.io/apiserver's registry Store.Delete does. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admission.h"
#include "cleanup.h"
#include "k8stime.h"
#include "log.h"
#include "rest_internal.h"
#include "status.h"
#include "table.h"
#include "xalloc.h"

/* ---- delete ---- */

json_t *rest_delete_one(struct rest *r, const struct rest_call *call, const char *ns,
                        const char *name, int *code)
{
    const struct resource *res = call->resource;
    cleanup_free char *key = rest_object_key(res, ns, name);
    for (int attempt = 0; attempt < UPDATE_RETRIES; attempt++) {
        struct err e = {0};
        int64_t current_rev = 0;
        json_t *failure = NULL;
        cleanup_json json_t *current =
            rest_read_current(r, key, res, name, &current_rev, &failure, code);
        if (current == NULL) {
            return failure;
        }
        int rc = 0;
        /* Objects with finalizers are only marked; whoever owns a finalizer removes it and
         * the last update deletes (the finalizer protocol). */
        json_t *finalizers = json_object_get(json_object_get(current, "metadata"), "finalizers");
        bool is_namespace = strcmp(res->plural, "namespaces") == 0 && res->group[0] == '\0';
        if (json_array_size(finalizers) > 0 || is_namespace) {
            if (rest_meta_str(current, "deletionTimestamp") != NULL) {
                return rest_answer(code, 200, json_incref(current));
            }
            char ts[K8STIME_STR_MAX];
            rest_now_rfc3339(ts);
            json_object_set_new(rest_meta_of(current), "deletionTimestamp", json_string(ts));
            json_object_set_new(rest_meta_of(current), "deletionGracePeriodSeconds",
                                json_integer(0));
            if (is_namespace) {
                json_object_set_new(current, "status", json_pack("{s:s}", "phase", "Terminating"));
            }
            cleanup_free char *value = rest_encode_for_storage(current);
            int64_t rev = 0;
            rc =
                etcd3_update(r->storage, key, value, strlen(value), current_rev, 0, &rev, NULL, &e);
            if (rc == -C8S_ECONFLICT) {
                continue;
            }
            if (rc != 0) {
                return rest_storage_failure(code, rc, &e, res, name);
            }
            rest_set_resource_version(current, rev);
            return rest_answer(code, 200, json_incref(current));
        }
        int64_t rev = 0;
        rc = etcd3_delete(r->storage, key, current_rev, &rev, NULL, &e);
        if (rc == 0) {
            struct admission_attributes attrs = {
                .operation = ADMISSION_DELETE,
                .resource = res,
                .subresource = "",
                .namespace_ = res->namespaced ? ns : "",
                .name = name,
                .user = call->user,
            };
            admission_finish(r, &attrs, NULL, current, true);
        }
        if (rc == -C8S_ECONFLICT) {
            continue;
        }
        if (rc != 0) {
            return rest_storage_failure(code, rc, &e, res, name);
        }
        return rest_answer(code, 200, json_incref(current));
    }
    return rest_answer_status(code, status_conflict(res->group, res->plural, name, NULL));
}

json_t *rest_delete_collection(struct rest *r, const struct rest_call *call, int *code)
{
    json_t *list = rest_list(r, call, code);
    if (*code != 200) {
        return list;
    }
    size_t i;
    json_t *item;
    json_t *deleted = json_array();
    json_array_foreach (json_object_get(list, "items"), i, item) {
        int one_code = 0;
        json_t *out = rest_delete_one(r, call, rest_meta_str(item, "namespace"),
                                      rest_meta_str(item, "name"), &one_code);
        if (one_code == 200) {
            json_array_append_new(deleted, out);
        } else {
            json_decref(out);
        }
    }
    json_object_set_new(list, "items", deleted);
    return rest_answer(code, 200, list);
}
