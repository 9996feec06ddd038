/* A small informer for RBAC objects: one list + watch per kind; every change rebuilds that
 * kind's array in a new immutable snapshot (policies are small and change rarely). */
#include "policy_cache.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cleanup.h"
#include "k8stime.h"
#include "log.h"
#include "rest_internal.h"
#include "xalloc.h"

enum { CR, CRB, ROLE, RB, KINDS };

static const char *const prefixes[KINDS] = {
    "/registry/clusterroles/",
    "/registry/clusterrolebindings/",
    "/registry/roles/",
    "/registry/rolebindings/",
};

/* One immutable snapshot; freed when the last reader releases it. */
struct snapshot {
    json_t *kinds[KINDS]; /* objects keyed by storage key */
    json_t *arrays[KINDS];
    int refs;
};

struct policy_cache;

struct watch_ctx {
    struct policy_cache *cache;
    int kind;
};

struct policy_cache {
    struct etcd3 *storage;
    pthread_mutex_t mu; /* guards current and the snapshots' reference counts */
    struct snapshot *current;
    struct etcd3_watch *watches[KINDS];
    struct watch_ctx contexts[KINDS];
};

static void snapshot_unref(struct snapshot *s)
{
    if (s == NULL || --s->refs > 0) {
        return;
    }
    for (int k = 0; k < KINDS; k++) {
        json_decref(s->kinds[k]);
        json_decref(s->arrays[k]);
    }
    free(s);
}

static struct snapshot *snapshot_copy(const struct snapshot *from)
{
    struct snapshot *s = xcalloc(1, sizeof *s);
    s->refs = 1;
    for (int k = 0; k < KINDS; k++) {
        s->kinds[k] = from ? json_copy(from->kinds[k]) : json_object();
        s->arrays[k] = from ? json_incref(from->arrays[k]) : json_array();
    }
    return s;
}

static void rebuild_array(struct snapshot *s, int k)
{
    json_decref(s->arrays[k]);
    s->arrays[k] = json_array();
    const char *key;
    json_t *obj;
    json_object_foreach (s->kinds[k], key, obj) {
        json_array_append(s->arrays[k], obj);
    }
}

static int on_events(void *data, const struct etcd3_event *events, size_t count,
                     int64_t progress_revision)
{
    struct watch_ctx *ctx = data;
    if (count == 0) {
        return 0;
    }
    struct policy_cache *c = ctx->cache;
    pthread_mutex_lock(&c->mu);
    struct snapshot *next = snapshot_copy(c->current);
    for (size_t i = 0; i < count; i++) {
        const struct etcd3_event *ev = &events[i];
        if (ev->type == ETCD3_DELETE) {
            json_object_del(next->kinds[ctx->kind], ev->kv.key);
        } else {
            json_t *obj = json_loadb(ev->kv.value, ev->kv.value_len, 0, NULL);
            if (obj != NULL) {
                json_object_set_new(next->kinds[ctx->kind], ev->kv.key, obj);
            }
        }
    }
    rebuild_array(next, ctx->kind);
    struct snapshot *old = c->current;
    c->current = next;
    snapshot_unref(old);
    pthread_mutex_unlock(&c->mu);
    return 0;
}

static void on_end(void *data, int code, const struct err *err)
{
    if (code != 0) {
        LOG_E("RBAC policy watch ended; restart the apiserver to recover", "error=\"%s\"",
              err ? err->msg : "");
    }
}

/* Creates each bootstrap object that is missing (cluster-scoped ClusterRoles and
 * ClusterRoleBindings, Roles and RoleBindings in kube-system and kube-public), with a uid and
 * a creationTimestamp as the REST layer would give it. Existing objects are left as they are. */
static int create_bootstrap(struct etcd3 *storage, struct err *err)
{
    static const struct {
        const char *kind, *plural;
    } kinds[] = {{"ClusterRole", "clusterroles"},
                 {"ClusterRoleBinding", "clusterrolebindings"},
                 {"Role", "roles"},
                 {"RoleBinding", "rolebindings"}};
    cleanup_json json_t *objects = rbac_bootstrap_policy();
    char now[K8STIME_STR_MAX];
    rest_now_rfc3339(now);
    size_t i;
    json_t *obj;
    json_array_foreach (objects, i, obj) {
        const char *kind = json_string_value(json_object_get(obj, "kind"));
        json_t *meta = json_object_get(obj, "metadata");
        const char *name = json_string_value(json_object_get(meta, "name"));
        const char *ns = json_string_value(json_object_get(meta, "namespace"));
        const char *plural = NULL;
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            if (kind != NULL && strcmp(kind, kinds[k].kind) == 0) {
                plural = kinds[k].plural;
            }
        }
        if (plural == NULL || name == NULL) {
            continue;
        }
        cleanup_free char *key = ns ? xasprintf("/registry/%s/%s/%s", plural, ns, name)
                                    : xasprintf("/registry/%s/%s", plural, name);
        char *uid = rest_random_uid();
        json_object_set_new(meta, "uid", json_string(uid));
        free(uid);
        json_object_set_new(meta, "creationTimestamp", json_string(now));
        cleanup_free char *value = json_dumps(obj, JSON_COMPACT);
        int64_t rev = 0;
        int rc = etcd3_create(storage, key, value, strlen(value), 0, &rev, err);
        if (rc != 0 && rc != -EEXIST) {
            return rc;
        }
    }
    return 0;
}

struct policy_cache *policy_cache_start(struct etcd3 *storage, struct err *err)
{
    if (create_bootstrap(storage, err) != 0) {
        return NULL;
    }
    struct policy_cache *c = xcalloc(1, sizeof *c);
    c->storage = storage;
    pthread_mutex_init(&c->mu, NULL);
    c->current = snapshot_copy(NULL);
    for (int k = 0; k < KINDS; k++) {
        struct etcd3_list l = {0};
        cleanup_free char *end = xstrdup(prefixes[k]);
        end[strlen(end) - 1] = '0'; /* '/' + 1 */
        if (etcd3_list(storage, prefixes[k], end, 0, 0, &l, err) != 0) {
            policy_cache_stop(c);
            return NULL;
        }
        for (size_t i = 0; i < l.count; i++) {
            json_t *obj = json_loadb(l.kvs[i].value, l.kvs[i].value_len, 0, NULL);
            if (obj != NULL) {
                json_object_set_new(c->current->kinds[k], l.kvs[i].key, obj);
            }
        }
        rebuild_array(c->current, k);
        c->contexts[k] = (struct watch_ctx){c, k};
        c->watches[k] = etcd3_watch_start(storage, prefixes[k], l.revision + 1, on_events, on_end,
                                          &c->contexts[k], err);
        etcd3_list_free(&l);
        if (c->watches[k] == NULL) {
            policy_cache_stop(c);
            return NULL;
        }
    }
    return c;
}

void policy_cache_stop(struct policy_cache *c)
{
    if (c == NULL) {
        return;
    }
    for (int k = 0; k < KINDS; k++) {
        if (c->watches[k] != NULL) {
            etcd3_watch_stop(c->watches[k]);
        }
    }
    snapshot_unref(c->current);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

void *policy_cache_acquire(struct policy_cache *c, struct rbac_policy *policy)
{
    pthread_mutex_lock(&c->mu);
    struct snapshot *s = c->current;
    s->refs++;
    pthread_mutex_unlock(&c->mu);
    *policy = (struct rbac_policy){s->arrays[CR], s->arrays[CRB], s->arrays[ROLE], s->arrays[RB]};
    return s;
}

void policy_cache_release(struct policy_cache *c, void *token)
{
    pthread_mutex_lock(&c->mu);
    snapshot_unref(token);
    pthread_mutex_unlock(&c->mu);
}
