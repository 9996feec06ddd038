/* common/informer against a real c8s-apiserver on a real c8s-store: the initial list (paged)
 * fires adds and syncs; creates, updates and deletes made over plain HTTP reach the handlers;
 * indexes and selectors; a watch broken by an apiserver crash resumes from the last
 * resourceVersion without a relist; a compacted resourceVersion (410) relists and reports what
 * vanished as final-state-unknown deletes; stop is prompt. Waits poll with a deadline. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apiserver_procs.h"
#include "duration.h"
#include "informer.h"
#include "log.h"

#define EVENT_TIMEOUT_MS 15000

static struct procs procs;

/* ---- A recording handler set -------------------------------------------------------------- */

struct recorder {
    pthread_mutex_t mu;
    json_t *events; /* [{"type": "add"|"update"|"delete", "key", "rv", "old_rv", "flag"}] */
};

static void record(struct recorder *r, const char *type, const json_t *old, const json_t *cur,
                   bool flag)
{
    const json_t *obj = cur ? cur : old;
    char *key = informer_key(obj);
    json_t *meta = json_object_get(obj, "metadata");
    json_t *ev = json_pack("{s:s,s:s,s:O,s:b}", "type", type, "key", key, "rv",
                           json_object_get(meta, "resourceVersion"), "flag", flag);
    if (old != NULL && cur != NULL) {
        json_object_set(ev, "old_rv",
                        json_object_get(json_object_get(old, "metadata"), "resourceVersion"));
        json_object_set(ev, "old", (json_t *)old);
        json_object_set(ev, "cur", (json_t *)cur);
    }
    free(key);
    pthread_mutex_lock(&r->mu);
    json_array_append_new(r->events, ev);
    pthread_mutex_unlock(&r->mu);
}

static void on_add(void *data, const json_t *obj, bool initial)
{
    record(data, "add", NULL, obj, initial);
}

static void on_update(void *data, const json_t *old, const json_t *cur)
{
    record(data, "update", old, cur, false);
}

static void on_delete(void *data, const json_t *obj, bool unknown)
{
    record(data, "delete", obj, NULL, unknown);
}

/* The number of recorded events of type (NULL: any) for key (NULL: any). */
static size_t count_events(struct recorder *r, const char *type, const char *key)
{
    size_t n = 0, i;
    json_t *ev;
    pthread_mutex_lock(&r->mu);
    json_array_foreach (r->events, i, ev) {
        if ((type == NULL || strcmp(json_string_value(json_object_get(ev, "type")), type) == 0) &&
            (key == NULL || strcmp(json_string_value(json_object_get(ev, "key")), key) == 0)) {
            n++;
        }
    }
    pthread_mutex_unlock(&r->mu);
    return n;
}

/* The last event of type for key, as a new reference, or NULL. */
static json_t *last_event(struct recorder *r, const char *type, const char *key)
{
    json_t *found = NULL, *ev;
    size_t i;
    pthread_mutex_lock(&r->mu);
    json_array_foreach (r->events, i, ev) {
        if (strcmp(json_string_value(json_object_get(ev, "type")), type) == 0 &&
            strcmp(json_string_value(json_object_get(ev, "key")), key) == 0) {
            found = ev;
        }
    }
    json_incref(found);
    pthread_mutex_unlock(&r->mu);
    return found;
}

static bool wait_events(struct recorder *r, const char *type, const char *key, size_t n)
{
    int64_t deadline = procs_now_ms() + EVENT_TIMEOUT_MS;
    while (count_events(r, type, key) < n) {
        if (procs_now_ms() > deadline) {
            return false;
        }
        procs_pause_ms(10);
    }
    return true;
}

/* ---- Fixture ------------------------------------------------------------------------------ */

struct fixture {
    char ns[32];
    struct recorder rec;
    struct informer *inf;
};

static int group_set_up(void **state)
{
    (void)state;
    return procs_group_set_up(&procs, "test_informer", 2);
}

static int group_tear_down(void **state)
{
    (void)state;
    return procs_group_tear_down(&procs);
}

static int set_up(void **state)
{
    static int seq;
    struct fixture *f = xcalloc(1, sizeof *f);
    snprintf(f->ns, sizeof f->ns, "inf-%d", ++seq);
    pthread_mutex_init(&f->rec.mu, NULL);
    f->rec.events = json_array();
    char *body = xasprintf("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":"
                           "\"%s\"}}",
                           f->ns);
    struct err err = {0};
    int rv = procs_json(procs.api[1].url, "POST", "/api/v1/namespaces", body, NULL, &err);
    free(body);
    if (rv < 0) {
        fprintf(stderr, "create namespace: %s\n", err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    informer_free(f->inf);
    json_decref(f->rec.events);
    pthread_mutex_destroy(&f->rec.mu);
    free(f);
    return 0;
}

/* Starts an informer on apiserver 0 for path with the recorder; optional selectors. */
static void start_informer(struct fixture *f, const char *path, const char *labels,
                           const char *fields, int64_t page_size)
{
    struct http_config http = {.base_url = procs.api[0].url};
    struct informer_config cfg = {
        .http = &http,
        .path = path,
        .label_selector = labels,
        .field_selector = fields,
        .page_size = page_size,
        .backoff_initial_ns = 50 * DURATION_MS,
        .backoff_max_ns = 400 * DURATION_MS,
    };
    struct err err = {0};
    f->inf = informer_new(&cfg, &err);
    assert_non_null(f->inf);
    assert_int_equal(informer_add_index(f->inf, "namespace", informer_index_namespace, NULL), 0);
    assert_int_equal(informer_add_index(f->inf, "node", informer_index_node_name, NULL), 0);
    assert_int_equal(informer_add_index(f->inf, "node", informer_index_node_name, NULL), -EEXIST);
    struct informer_handlers h = {on_add, on_update, on_delete, &f->rec};
    assert_int_equal(informer_add_handlers(f->inf, &h), 0);
    assert_int_equal(informer_start(f->inf, &err), 0);
    assert_int_equal(informer_add_handlers(f->inf, &h), -EBUSY);
    assert_int_equal(informer_start(f->inf, &err), -EBUSY);
}

/* Sends a JSON request to apiserver i; fails the test unless it succeeds. */
static void api(int i, const char *method, const char *path, const char *body)
{
    struct err err = {0};
    int rv = procs_json(procs.api[i].url, method, path, body, NULL, &err);
    if (rv < 0) {
        fail_msg("%s %s: %s", method, path, err.msg);
    }
}

static void create_configmap(int i, const char *ns, const char *name, const char *value)
{
    char *path = xasprintf("/api/v1/namespaces/%s/configmaps", ns);
    char *body = xasprintf("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
                           "\"%s\"},\"data\":{\"k\":\"%s\"}}",
                           name, value);
    api(i, "POST", path, body);
    free(path);
    free(body);
}

/* Replaces the configmap's data (a merge patch: no resourceVersion needed). */
static void update_configmap(int i, const char *ns, const char *name, const char *value)
{
    char *path = xasprintf("/api/v1/namespaces/%s/configmaps/%s", ns, name);
    char *body = xasprintf("{\"data\":{\"k\":\"%s\"}}", value);
    struct http_client *c = procs_client(procs.api[i].url);
    struct http_response resp = {0};
    struct http_request req = {.method = "PATCH",
                               .path = path,
                               .content_type = "application/merge-patch+json",
                               .body = body,
                               .body_len = strlen(body)};
    assert_int_equal(http_send(c, &req, &resp, NULL), 0);
    assert_int_equal(resp.status, 200);
    http_response_free(&resp);
    http_client_free(c);
    free(path);
    free(body);
}

static void delete_object(int i, const char *ns, const char *resource, const char *name)
{
    /* Pods on a node end gracefully (the kubelet's part): ask for an immediate deletion. */
    char *path = xasprintf("/api/v1/namespaces/%s/%s/%s?gracePeriodSeconds=0", ns, resource, name);
    api(i, "DELETE", path, NULL);
    free(path);
}

static char *configmaps_path(const struct fixture *f)
{
    return xasprintf("/api/v1/namespaces/%s/configmaps", f->ns);
}

static char *key_of(const struct fixture *f, const char *name)
{
    return xasprintf("%s/%s", f->ns, name);
}

static const char *data_k(const json_t *obj)
{
    return json_string_value(json_object_get(json_object_get(obj, "data"), "k"));
}

/* ---- Success ------------------------------------------------------------------------------ */

static void test_initial_list_in_pages_fires_adds_and_syncs(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "cm%d", i);
        create_configmap(1, f->ns, name, "v");
    }
    char *path = configmaps_path(f);
    start_informer(f, path, NULL, NULL, 2); /* three pages */
    assert_true(informer_wait_for_sync(f->inf, 10 * DURATION_SECOND));
    assert_true(informer_has_synced(f->inf));
    /* Synced means the list's adds were handed out already. */
    assert_int_equal(count_events(&f->rec, "add", NULL), 5);
    assert_int_equal(count_events(&f->rec, NULL, NULL), 5);
    assert_int_equal(informer_len(f->inf), 5);
    assert_int_equal(informer_list_count(f->inf), 1);
    char *key = key_of(f, "cm3");
    json_t *ev = last_event(&f->rec, "add", key);
    assert_true(json_is_true(json_object_get(ev, "flag"))); /* in the initial list */
    json_decref(ev);
    json_t *obj = informer_get(f->inf, key);
    assert_non_null(obj);
    /* List items get the list's kind, as watch events carry it. */
    assert_string_equal(json_string_value(json_object_get(obj, "kind")), "ConfigMap");
    assert_string_equal(json_string_value(json_object_get(obj, "apiVersion")), "v1");
    json_decref(obj);
    assert_null(informer_get(f->inf, "nope/cm3"));
    json_t *all = informer_list(f->inf);
    assert_int_equal(json_array_size(all), 5);
    json_decref(all);
    char *rv = informer_last_sync_resource_version(f->inf);
    assert_true(rv[0] != '\0');
    free(rv);
    free(key);
    free(path);
}

static void test_create_update_delete_reach_the_handlers(void **state)
{
    struct fixture *f = *state;
    char *path = configmaps_path(f);
    start_informer(f, path, NULL, NULL, 0);
    assert_true(informer_wait_for_sync(f->inf, 10 * DURATION_SECOND));
    assert_int_equal(informer_len(f->inf), 0);
    char *key = key_of(f, "web");

    create_configmap(1, f->ns, "web", "one");
    assert_true(wait_events(&f->rec, "add", key, 1));
    json_t *ev = last_event(&f->rec, "add", key);
    assert_true(json_is_false(json_object_get(ev, "flag")));
    json_decref(ev);
    json_t *obj = informer_get(f->inf, key);
    assert_string_equal(data_k(obj), "one");
    json_decref(obj);

    update_configmap(1, f->ns, "web", "two");
    assert_true(wait_events(&f->rec, "update", key, 1));
    ev = last_event(&f->rec, "update", key);
    assert_string_equal(data_k(json_object_get(ev, "old")), "one");
    assert_string_equal(data_k(json_object_get(ev, "cur")), "two");
    assert_string_not_equal(json_string_value(json_object_get(ev, "old_rv")),
                            json_string_value(json_object_get(ev, "rv")));
    json_decref(ev);
    obj = informer_get(f->inf, key);
    assert_string_equal(data_k(obj), "two");
    json_decref(obj);
    /* The cache's resourceVersion follows the events. */
    char *rv = informer_last_sync_resource_version(f->inf);
    obj = informer_get(f->inf, key);
    assert_string_equal(rv, json_string_value(json_object_get(json_object_get(obj, "metadata"),
                                                              "resourceVersion")));
    json_decref(obj);
    free(rv);

    delete_object(1, f->ns, "configmaps", "web");
    assert_true(wait_events(&f->rec, "delete", key, 1));
    ev = last_event(&f->rec, "delete", key);
    assert_true(json_is_false(json_object_get(ev, "flag"))); /* seen by the watch */
    json_decref(ev);
    assert_null(informer_get(f->inf, key));
    assert_int_equal(count_events(&f->rec, NULL, NULL), 3);
    assert_int_equal(informer_list_count(f->inf), 1);
    free(key);
    free(path);
}

static void create_pod(int i, const char *ns, const char *name, const char *node, const char *app)
{
    char *path = xasprintf("/api/v1/namespaces/%s/pods", ns);
    char *body = xasprintf(
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\",\"labels\":{"
        "\"app\":\"%s\"}},\"spec\":{\"nodeName\":\"%s\",\"containers\":[{\"name\":\"c\","
        "\"image\":\"busybox\"}]}}",
        name, app, node);
    api(i, "POST", path, body);
    free(path);
    free(body);
}

static size_t index_count(struct informer *inf, const char *index, const char *value)
{
    json_t *items = informer_by_index(inf, index, value);
    assert_non_null(items);
    size_t n = json_array_size(items);
    json_decref(items);
    return n;
}

static void test_indexes_by_namespace_and_node_name(void **state)
{
    struct fixture *f = *state;
    char other[48];
    snprintf(other, sizeof other, "%s-b", f->ns);
    char *body = xasprintf("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":"
                           "\"%s\"}}",
                           other);
    api(1, "POST", "/api/v1/namespaces", body);
    free(body);
    create_pod(1, f->ns, "a", "n1", "web");
    create_pod(1, f->ns, "b", "n2", "web");
    create_pod(1, other, "c", "n1", "db");
    /* Every pod of the cluster, selected by label to leave out other tests' pods. */
    start_informer(f, "/api/v1/pods", "app in (web,db)", NULL, 0);
    assert_true(informer_wait_for_sync(f->inf, 10 * DURATION_SECOND));
    assert_int_equal(informer_len(f->inf), 3);
    assert_int_equal(index_count(f->inf, "namespace", f->ns), 2);
    assert_int_equal(index_count(f->inf, "namespace", other), 1);
    assert_int_equal(index_count(f->inf, "node", "n1"), 2);
    assert_int_equal(index_count(f->inf, "node", "n2"), 1);
    assert_int_equal(index_count(f->inf, "node", "n3"), 0);
    assert_null(informer_by_index(f->inf, "no-such-index", "n1"));

    /* A delete leaves the indexes; a new pod joins them. */
    char *key_a = key_of(f, "a");
    delete_object(1, f->ns, "pods", "a");
    assert_true(wait_events(&f->rec, "delete", key_a, 1));
    assert_int_equal(index_count(f->inf, "node", "n1"), 1);
    assert_int_equal(index_count(f->inf, "namespace", f->ns), 1);
    create_pod(1, f->ns, "d", "n3", "web");
    create_pod(1, f->ns, "skipped", "n3", "cache"); /* not selected */
    char *key_d = key_of(f, "d");
    assert_true(wait_events(&f->rec, "add", key_d, 1));
    json_t *n3 = informer_by_index(f->inf, "node", "n3");
    assert_int_equal(json_array_size(n3), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_array_get(n3, 0), "metadata"), "name")),
                        "d");
    json_decref(n3);
    free(key_a);
    free(key_d);
}

static void test_field_selector_limits_the_cache(void **state)
{
    struct fixture *f = *state;
    create_pod(1, f->ns, "on-n7", "n7", "x");
    create_pod(1, f->ns, "on-n8", "n8", "x");
    char *path = xasprintf("/api/v1/namespaces/%s/pods", f->ns);
    start_informer(f, path, NULL, "spec.nodeName=n7", 0);
    assert_true(informer_wait_for_sync(f->inf, 10 * DURATION_SECOND));
    assert_int_equal(informer_len(f->inf), 1);
    char *key = key_of(f, "on-n7");
    json_t *obj = informer_get(f->inf, key);
    assert_non_null(obj);
    json_decref(obj);
    free(key);
    free(path);
}

/* Kills apiserver 0 and makes changes through apiserver 1 meanwhile: cm0 deleted, cm1
 * updated, cm2 created. */
static void changes_while_apiserver_is_down(struct fixture *f)
{
    procs_apiserver_kill(&procs, 0);
    delete_object(1, f->ns, "configmaps", "cm0");
    update_configmap(1, f->ns, "cm1", "changed");
    create_configmap(1, f->ns, "cm2", "new");
}

static void start_with_two_configmaps(struct fixture *f)
{
    create_configmap(1, f->ns, "cm0", "v");
    create_configmap(1, f->ns, "cm1", "v");
    char *path = configmaps_path(f);
    start_informer(f, path, NULL, NULL, 0);
    free(path);
    assert_true(informer_wait_for_sync(f->inf, 10 * DURATION_SECOND));
    assert_int_equal(count_events(&f->rec, "add", NULL), 2);
}

static void assert_missed_changes_arrived(struct fixture *f, bool final_state_unknown)
{
    char *k0 = key_of(f, "cm0"), *k1 = key_of(f, "cm1"), *k2 = key_of(f, "cm2");
    assert_true(wait_events(&f->rec, "delete", k0, 1));
    assert_true(wait_events(&f->rec, "update", k1, 1));
    assert_true(wait_events(&f->rec, "add", k2, 1));
    json_t *ev = last_event(&f->rec, "delete", k0);
    assert_int_equal(json_is_true(json_object_get(ev, "flag")), final_state_unknown);
    json_decref(ev);
    ev = last_event(&f->rec, "update", k1);
    assert_string_equal(data_k(json_object_get(ev, "cur")), "changed");
    json_decref(ev);
    /* No duplicate adds: cm1 was added once, by the first list. */
    assert_int_equal(count_events(&f->rec, "add", k1), 1);
    assert_int_equal(count_events(&f->rec, "add", NULL), 3);
    assert_int_equal(count_events(&f->rec, NULL, NULL), 5);
    assert_int_equal(informer_len(f->inf), 2);
    json_t *obj = informer_get(f->inf, k1);
    assert_string_equal(data_k(obj), "changed");
    json_decref(obj);
    free(k0);
    free(k1);
    free(k2);
}

static void test_watch_resumes_from_last_resource_version_after_apiserver_restart(void **state)
{
    struct fixture *f = *state;
    start_with_two_configmaps(f);
    changes_while_apiserver_is_down(f);
    /* While the apiserver is down the informer retries with backoff; nothing is reported. */
    assert_int_equal(count_events(&f->rec, NULL, NULL), 2);
    assert_true(procs_apiserver_start(&procs, 0));
    assert_missed_changes_arrived(f, false);
    /* The watch resumed: no relist. */
    assert_int_equal(informer_list_count(f->inf), 1);
}

/* Compacts the store at its current revision (etcd's /v3/kv/compaction). */
static void compact_store(void)
{
    struct err err = {0};
    json_t *status = NULL;
    assert_int_equal(
        procs_json(procs.store_url, "POST", "/v3/kv/range", "{\"key\":\"AA==\"}", &status, &err),
        0);
    json_t *rev = json_object_get(json_object_get(status, "header"), "revision");
    char *body = json_is_string(rev)
                     ? xasprintf("{\"revision\":\"%s\",\"physical\":true}", json_string_value(rev))
                     : xasprintf("{\"revision\":%lld,\"physical\":true}",
                                 (long long)json_integer_value(rev));
    json_decref(status);
    int rv = procs_json(procs.store_url, "POST", "/v3/kv/compaction", body, NULL, &err);
    free(body);
    if (rv < 0) {
        fail_msg("compaction: %s", err.msg);
    }
}

static void test_compacted_resource_version_relists_and_reports_vanished_objects(void **state)
{
    struct fixture *f = *state;
    start_with_two_configmaps(f);
    changes_while_apiserver_is_down(f);
    compact_store();
    assert_true(procs_apiserver_start(&procs, 0));
    /* The watch from the old resourceVersion ends with a 410 ERROR event: relist. The delete
     * was not seen, so it comes with final_state_unknown. */
    assert_missed_changes_arrived(f, true);
    assert_int_equal(informer_list_count(f->inf), 2);
    /* The informer watches again after the relist. */
    char *k3 = key_of(f, "cm3");
    create_configmap(1, f->ns, "cm3", "later");
    assert_true(wait_events(&f->rec, "add", k3, 1));
    free(k3);
}

static void test_stop_is_prompt_while_the_watch_idles(void **state)
{
    struct fixture *f = *state;
    char *path = configmaps_path(f);
    start_informer(f, path, NULL, NULL, 0);
    free(path);
    assert_true(informer_wait_for_sync(f->inf, 10 * DURATION_SECOND));
    create_configmap(1, f->ns, "x", "v");
    char *key = key_of(f, "x");
    assert_true(wait_events(&f->rec, "add", key, 1)); /* the watch is running */
    free(key);
    int64_t t0 = procs_now_ms();
    informer_stop(f->inf);
    assert_true(procs_now_ms() - t0 < 1000);
    informer_stop(f->inf); /* idempotent */
    /* The cache stays readable after stop. */
    assert_int_equal(informer_len(f->inf), 1);
}

/* ---- A scripted apiserver, for what the real one does not send ------------------------------ */

/* Answers one request per connection (Connection: close) from a script: a list, a watch that
 * sends a BOOKMARK and ends, a watch refused with HTTP 410, a second list, then a watch that
 * stays open. Records the request paths. */
struct scripted {
    int listen_fd, port;
    int stop_pipe[2];
    pthread_t thread;
    pthread_mutex_t mu;
    json_t *paths;
};

static void send_all(int fd, const char *text)
{
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t n = send(fd, text + off, len - off, MSG_NOSIGNAL);
        if (n <= 0) {
            return;
        }
        off += (size_t)n;
    }
}

static void send_response(int fd, int status, const char *body)
{
    char *text = xasprintf("HTTP/1.1 %d X\r\nContent-Type: application/json\r\nConnection: "
                           "close\r\nContent-Length: %zu\r\n\r\n%s",
                           status, strlen(body), body);
    send_all(fd, text);
    free(text);
}

/* Streams lines (a watch), then keeps the connection open until the client leaves or the
 * server stops when hold, else closes it. */
static void send_stream(struct scripted *s, int fd, const char *lines, bool hold)
{
    send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n");
    send_all(fd, lines);
    if (hold) {
        struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
                              {.fd = s->stop_pipe[0], .events = POLLIN}};
        while (poll(p, 2, -1) < 0) {
        }
    }
}

static void *scripted_main(void *arg)
{
    struct scripted *s = arg;
    for (int step = 0;; step++) {
        struct pollfd p[2] = {{.fd = s->listen_fd, .events = POLLIN},
                              {.fd = s->stop_pipe[0], .events = POLLIN}};
        if (poll(p, 2, -1) < 0 || (p[1].revents & POLLIN)) {
            return NULL;
        }
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0) {
            continue;
        }
        char buf[4096] = "";
        size_t have = 0;
        while (have < sizeof buf - 1 && strstr(buf, "\r\n\r\n") == NULL) {
            ssize_t n = recv(fd, buf + have, sizeof buf - 1 - have, 0);
            if (n <= 0) {
                break;
            }
            have += (size_t)n;
            buf[have] = '\0';
        }
        char method[8] = "", path[1024] = "";
        if (sscanf(buf, "%7s %1023s", method, path) == 2) {
            pthread_mutex_lock(&s->mu);
            json_array_append_new(s->paths, json_string(path));
            pthread_mutex_unlock(&s->mu);
        }
        switch (step) {
        case 0:
            send_response(fd, 200,
                          "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{"
                          "\"resourceVersion\":\"5\"},\"items\":[{\"metadata\":{\"name\":\"a\","
                          "\"namespace\":\"s\",\"resourceVersion\":\"3\"}}]}");
            break;
        case 1:
            send_stream(s, fd,
                        "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"ConfigMap\",\"apiVersion\":"
                        "\"v1\",\"metadata\":{\"resourceVersion\":\"9\"}}}\n",
                        false);
            break;
        case 2:
            send_response(fd, 410,
                          "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":"
                          "\"Failure\",\"message\":\"too old resource version: 9 (12)\","
                          "\"reason\":\"Expired\",\"code\":410}");
            break;
        case 3:
            send_response(fd, 200,
                          "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{"
                          "\"resourceVersion\":\"12\"},\"items\":[{\"metadata\":{\"name\":\"b\","
                          "\"namespace\":\"s\",\"resourceVersion\":\"10\"}}]}");
            break;
        default:
            send_stream(s, fd, "", true);
            break;
        }
        close(fd);
    }
}

static void scripted_start(struct scripted *s)
{
    memset(s, 0, sizeof *s);
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(s->listen_fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s->listen_fd, 16), 0);
    assert_int_equal(getsockname(s->listen_fd, (struct sockaddr *)&a, &len), 0);
    s->port = ntohs(a.sin_port);
    assert_int_equal(pipe(s->stop_pipe), 0);
    pthread_mutex_init(&s->mu, NULL);
    s->paths = json_array();
    pthread_create(&s->thread, NULL, scripted_main, s);
}

static void scripted_stop(struct scripted *s)
{
    assert_int_equal(write(s->stop_pipe[1], "x", 1), 1);
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
    close(s->stop_pipe[0]);
    close(s->stop_pipe[1]);
    pthread_mutex_destroy(&s->mu);
    json_decref(s->paths);
}

static size_t scripted_requests(struct scripted *s)
{
    pthread_mutex_lock(&s->mu);
    size_t n = json_array_size(s->paths);
    pthread_mutex_unlock(&s->mu);
    return n;
}

static const char *scripted_path(struct scripted *s, size_t i)
{
    pthread_mutex_lock(&s->mu);
    const char *p = json_string_value(json_array_get(s->paths, i));
    pthread_mutex_unlock(&s->mu);
    return p;
}

static void test_bookmark_moves_the_resume_point_and_http_410_relists(void **state)
{
    struct fixture *f = *state;
    struct scripted s;
    scripted_start(&s);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", s.port);
    struct http_config http = {.base_url = url};
    struct informer_config cfg = {.http = &http,
                                  .path = "/api/v1/namespaces/s/configmaps",
                                  .label_selector = "app=web,tier in (a,b)",
                                  .backoff_initial_ns = 20 * DURATION_MS,
                                  .backoff_max_ns = 100 * DURATION_MS};
    struct err err = {0};
    f->inf = informer_new(&cfg, &err);
    assert_non_null(f->inf);
    struct informer_handlers h = {on_add, on_update, on_delete, &f->rec};
    assert_int_equal(informer_add_handlers(f->inf, &h), 0);
    assert_int_equal(informer_start(f->inf, &err), 0);
    assert_true(wait_events(&f->rec, "delete", "s/a", 1));
    assert_true(wait_events(&f->rec, "add", "s/b", 1));
    int64_t deadline = procs_now_ms() + EVENT_TIMEOUT_MS;
    while (scripted_requests(&s) < 5 && procs_now_ms() < deadline) {
        procs_pause_ms(10);
    }
    assert_int_equal(scripted_requests(&s), 5);
    /* The list is paged and carries the selector, escaped. */
    assert_string_equal(scripted_path(&s, 0),
                        "/api/v1/namespaces/s/configmaps?limit=500&labelSelector=app%3Dweb%2Ctier%"
                        "20in%20%28a%2Cb%29");
    /* Watches start at the list's version, then at the bookmark's. */
    assert_non_null(strstr(scripted_path(&s, 1), "watch=true&resourceVersion=5&"
                                                 "allowWatchBookmarks=true&timeoutSeconds="));
    assert_non_null(strstr(scripted_path(&s, 2), "resourceVersion=9&"));
    assert_non_null(strstr(scripted_path(&s, 3), "?limit=500&"));
    assert_non_null(strstr(scripted_path(&s, 4), "resourceVersion=12&"));
    json_t *ev = last_event(&f->rec, "delete", "s/a");
    assert_true(json_is_true(json_object_get(ev, "flag")));
    json_decref(ev);
    assert_int_equal(informer_list_count(f->inf), 2);
    char *rv = informer_last_sync_resource_version(f->inf);
    assert_string_equal(rv, "12");
    free(rv);
    int64_t t0 = procs_now_ms();
    informer_stop(f->inf);
    assert_true(procs_now_ms() - t0 < 1000);
    scripted_stop(&s);
}

/* ---- Failure ------------------------------------------------------------------------------ */

static void test_unreachable_apiserver_never_syncs_and_stops_promptly(void **state)
{
    struct fixture *f = *state;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", procs_free_port());
    struct http_config http = {.base_url = url};
    struct informer_config cfg = {.http = &http,
                                  .path = "/api/v1/pods",
                                  .backoff_initial_ns = 20 * DURATION_MS,
                                  .backoff_max_ns = 100 * DURATION_MS};
    struct err err = {0};
    f->inf = informer_new(&cfg, &err);
    assert_non_null(f->inf);
    assert_int_equal(informer_start(f->inf, &err), 0);
    assert_false(informer_wait_for_sync(f->inf, 300 * DURATION_MS));
    assert_false(informer_has_synced(f->inf));
    int64_t t0 = procs_now_ms();
    informer_stop(f->inf);
    assert_true(procs_now_ms() - t0 < 1000);
    assert_int_equal(informer_list_count(f->inf), 0);
}

static void test_new_refuses_a_relative_path(void **state)
{
    (void)state;
    struct http_config http = {.base_url = "http://127.0.0.1:1"};
    struct informer_config cfg = {.http = &http, .path = "api/v1/pods"};
    struct err err = {0};
    assert_null(informer_new(&cfg, &err));
    assert_int_equal(err.code, EINVAL);
    struct http_config bad = {.base_url = "ftp://x"};
    cfg = (struct informer_config){.http = &bad, .path = "/api/v1/pods"};
    assert_null(informer_new(&cfg, &err));
}

static void test_key_of_namespaced_and_cluster_scoped_objects(void **state)
{
    (void)state;
    json_t *pod = json_pack("{s:{s:s,s:s}}", "metadata", "namespace", "ns", "name", "p");
    json_t *node = json_pack("{s:{s:s}}", "metadata", "name", "n1");
    json_t *none = json_pack("{s:{}}", "metadata");
    char *k = informer_key(pod);
    assert_string_equal(k, "ns/p");
    free(k);
    k = informer_key(node);
    assert_string_equal(k, "n1");
    free(k);
    assert_null(informer_key(none));
    json_decref(pod);
    json_decref(node);
    json_decref(none);
}

#define T(name) cmocka_unit_test_setup_teardown(name, set_up, tear_down)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_initial_list_in_pages_fires_adds_and_syncs),
        T(test_create_update_delete_reach_the_handlers),
        T(test_indexes_by_namespace_and_node_name),
        T(test_field_selector_limits_the_cache),
        T(test_watch_resumes_from_last_resource_version_after_apiserver_restart),
        T(test_compacted_resource_version_relists_and_reports_vanished_objects),
        T(test_stop_is_prompt_while_the_watch_idles),
        T(test_bookmark_moves_the_resume_point_and_http_410_relists),
        T(test_unreachable_apiserver_never_syncs_and_stops_promptly),
        T(test_new_refuses_a_relative_path),
        T(test_key_of_namespaced_and_cluster_scoped_objects),
    };
    return cmocka_run_group_tests_name("informer", tests, group_set_up, group_tear_down);
}
