/* Watch: each request's events, as kube-apiserver frames them (newline-delimited JSON
 * WatchEvents, one-row Tables for kubectl get -w), with selector transitions turned into
 * ADDED/DELETED, timeoutSeconds, and 410 Expired for a compacted resourceVersion. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "k8stime.h"
#include "log.h"
#include "rest_internal.h"
#include "status.h"
#include "table.h"
#include "xalloc.h"

/* ---- Watch ---- */

struct rest_watch {
    struct rest *r;
    const struct resource *res;
    struct rest_selectors sel;
    struct etcd3_watch *storage_watch;
    pthread_mutex_t mu; /* guards the output buffer and ended */
    char *buf;
    size_t len, cap, off;
    bool ended;
    bool overflowed;
    struct timespec deadline; /* CLOCK_MONOTONIC; tv_sec 0: none */
    bool as_table;            /* events carry Table rows */
    int table_include;
    bool sent_columns; /* the first Table event carries the column definitions */
    rest_watch_ready_cb ready_cb;
    void *data;
};

/* Appends one event line; returns true when the reader had nothing before (wake it). */
static bool append_event(struct rest_watch *w, const char *type, json_t *object)
{
    cleanup_json json_t *event = NULL;
    if (w->as_table && strcmp(type, "ERROR") != 0) {
        /* As kube-apiserver: each event a one-row Table, the columns only on the first. */
        json_t *table =
            table_build(w->res, object, (enum table_include)w->table_include, time(NULL));
        pthread_mutex_lock(&w->mu);
        bool first = !w->sent_columns;
        w->sent_columns = true;
        pthread_mutex_unlock(&w->mu);
        if (!first) {
            json_object_set_new(table, "columnDefinitions", json_null());
        }
        event = json_pack("{s:s,s:o}", "type", type, "object", table);
    } else {
        event = json_pack("{s:s,s:O}", "type", type, "object", object);
    }
    cleanup_free char *line = json_dumps(event, JSON_COMPACT);
    size_t n = strlen(line);
    pthread_mutex_lock(&w->mu);
    bool was_empty = w->len == w->off;
    if (w->len - w->off + n + 1 > WATCH_BUFFER_MAX) {
        /* A reader this slow is cut off; it will relist (kube-apiserver closes it too). */
        w->overflowed = true;
        w->ended = true;
    } else {
        if (w->off > 0 && w->off == w->len) {
            w->off = w->len = 0;
        }
        if (w->len + n + 1 > w->cap) {
            w->cap = (w->len + n + 1) * 2;
            w->buf = xrealloc(w->buf, w->cap);
        }
        memcpy(w->buf + w->len, line, n);
        w->buf[w->len + n] = '\n';
        w->len += n + 1;
    }
    pthread_mutex_unlock(&w->mu);
    return was_empty;
}

static json_t *event_object(const struct etcd3_kv *kv, int64_t rev)
{
    if (kv->value == NULL) {
        return NULL;
    }
    json_t *obj = json_loadb(kv->value, kv->value_len, 0, NULL);
    if (obj != NULL) {
        rest_set_resource_version(obj, rev);
    }
    return obj;
}

static int on_storage_events(void *data, const struct etcd3_event *events, size_t count,
                             int64_t progress_revision)
{
    struct rest_watch *w = data;
    bool wake = false;
    for (size_t i = 0; i < count; i++) {
        const struct etcd3_event *ev = &events[i];
        int64_t rev = ev->kv.mod_revision;
        cleanup_json json_t *cur = ev->type == ETCD3_PUT ? event_object(&ev->kv, rev) : NULL;
        cleanup_json json_t *prev = event_object(&ev->prev_kv, rev);
        bool cur_in = cur != NULL && rest_selected(w->res, &w->sel, cur);
        bool prev_in = prev != NULL && rest_selected(w->res, &w->sel, prev);
        if (ev->type == ETCD3_DELETE) {
            if (prev_in) {
                wake |= append_event(w, "DELETED", prev);
            }
        } else if (cur_in && prev_in) {
            wake |= append_event(w, "MODIFIED", cur);
        } else if (cur_in) {
            wake |= append_event(w, "ADDED", cur);
        } else if (prev_in) {
            wake |= append_event(w, "DELETED", prev);
        }
    }
    if (wake && w->ready_cb != NULL) {
        w->ready_cb(w->data);
    }
    pthread_mutex_lock(&w->mu);
    bool stop = w->ended;
    pthread_mutex_unlock(&w->mu);
    return stop ? 1 : 0;
}

static void on_storage_end(void *data, int code, const struct err *err)
{
    struct rest_watch *w = data;
    if (code == -C8S_EGONE) {
        cleanup_json json_t *gone =
            status_gone(err && err->msg[0] ? err->msg : "too old resource version");
        append_event(w, "ERROR", gone);
    }
    pthread_mutex_lock(&w->mu);
    w->ended = true;
    pthread_mutex_unlock(&w->mu);
    if (w->ready_cb != NULL) {
        w->ready_cb(w->data);
    }
}

struct rest_watch *rest_watch_start(struct rest *r, const struct rest_call *call,
                                    rest_watch_ready_cb ready_cb, void *data, json_t **error,
                                    int *code)
{
    struct rest_watch *w = xcalloc(1, sizeof *w);
    w->r = r;
    w->res = call->resource;
    w->ready_cb = ready_cb;
    w->data = data;
    w->as_table = call->as_table;
    w->table_include = call->table_include;
    pthread_mutex_init(&w->mu, NULL);
    if ((*error = rest_parse_selectors(call, &w->sel, code)) != NULL) {
        pthread_mutex_destroy(&w->mu);
        free(w);
        return NULL;
    }
    const char *timeout = call->query(call->query_ctx, "timeoutSeconds");
    if (timeout != NULL && strtoll(timeout, NULL, 10) > 0) {
        clock_gettime(CLOCK_MONOTONIC, &w->deadline);
        w->deadline.tv_sec += strtoll(timeout, NULL, 10);
    }
    cleanup_free char *prefix = rest_list_prefix(call->resource, call->info->namespace_);
    const char *rv_text = call->query(call->query_ctx, "resourceVersion");
    int64_t start = 0;
    if (rv_text == NULL || rv_text[0] == '\0' || strcmp(rv_text, "0") == 0) {
        /* No version: the current state as ADDED events first, then changes after it. */
        int list_code = 0;
        cleanup_json json_t *list = rest_list(r, call, &list_code);
        if (list_code != 200) {
            *code = list_code;
            *error = json_incref(list);
            rest_watch_free(w);
            return NULL;
        }
        size_t i;
        json_t *item;
        json_array_foreach (json_object_get(list, "items"), i, item) {
            append_event(w, "ADDED", item);
        }
        start = strtoll(rest_meta_str(list, "resourceVersion"), NULL, 10) + 1;
    } else {
        char *end = NULL;
        long long rv = strtoll(rv_text, &end, 10);
        if (*end != '\0' || rv < 0) {
            char *msg = xasprintf("resourceVersion: Invalid value: \"%s\": must be a valid "
                                  "resource version",
                                  rv_text);
            *error = rest_answer_status(code, status_bad_request(msg));
            free(msg);
            rest_watch_free(w);
            return NULL;
        }
        start = rv + 1;
    }
    struct err e = {0};
    w->storage_watch =
        etcd3_watch_start(r->storage, prefix, start, on_storage_events, on_storage_end, w, &e);
    if (w->storage_watch == NULL) {
        *error = rest_answer_status(code, status_internal(e.msg));
        rest_watch_free(w);
        return NULL;
    }
    *code = 200;
    return w;
}

size_t rest_watch_read(struct rest_watch *w, char *buf, size_t max, bool *ended)
{
    pthread_mutex_lock(&w->mu);
    size_t n = w->len - w->off;
    if (n > max) {
        n = max;
    }
    if (n > 0) {
        memcpy(buf, w->buf + w->off, n);
        w->off += n;
    }
    if (w->deadline.tv_sec != 0) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > w->deadline.tv_sec ||
            (now.tv_sec == w->deadline.tv_sec && now.tv_nsec >= w->deadline.tv_nsec)) {
            w->ended = true;
        }
    }
    *ended = w->ended && w->off == w->len;
    pthread_mutex_unlock(&w->mu);
    return n;
}

void rest_watch_free(struct rest_watch *w)
{
    if (w == NULL) {
        return;
    }
    if (w->storage_watch != NULL) {
        etcd3_watch_stop(w->storage_watch);
    }
    rest_selectors_free(&w->sel);
    pthread_mutex_destroy(&w->mu);
    free(w->buf);
    free(w);
}

/* ---- Watch caches (not yet: lists and watches read the store) ---- */

struct watch_caches *rest_caches_new(struct rest *r)
{
    (void)r;
    return NULL;
}

void rest_caches_free(struct watch_caches *c)
{
    (void)c;
}

json_t *rest_caches_list(struct rest *r, const struct rest_call *call, int *code)
{
    return NULL;
}
