/* The informer: client-go's Reflector (ListAndWatch with a pager, resume from the last
 * resourceVersion, relist on 410 Gone, backoff) feeding a thread-safe indexed cache
 * (cache.Indexer) and handler sets (sharedIndexInformer's listeners), on one thread per
 * informer. There is no DeltaFIFO: changes are applied to the cache, then handed to the
 * handlers in order, on the same thread. */
#include "informer.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgthread.h"
#include "cleanup.h"
#include "clock.h"
#include "duration.h"
#include "keymap.h"
#include "kubeclient.h"
#include "log.h"
#include "xalloc.h"

#define DEFAULT_PAGE_SIZE       500
#define DEFAULT_BACKOFF_INITIAL (800 * DURATION_MS)
#define DEFAULT_BACKOFF_MAX     (30 * DURATION_SECOND)
#define MIN_WATCH_TIMEOUT_S     300
/* A watch that ends sooner than this without delivering anything counts as a failure, so a
 * server that accepts and drops watches is not hammered. */
#define HEALTHY_WATCH_NS (1 * DURATION_SECOND)

struct index {
    char *name;
    informer_index_fn fn;
    void *data;
    struct keymap *values; /* index value -> struct keymap used as a set of cache keys */
};

struct informer {
    struct http_client *client; /* the informer thread's; cancelled by informer_stop */
    char *path;
    char *label_selector; /* NULL when none */
    char *field_selector;
    int64_t page_size;
    int64_t backoff_initial_ns, backoff_max_ns;
    int64_t watch_timeout_ns;

    struct informer_handlers *handlers;
    size_t nhandlers;

    /* The cache. */
    pthread_rwlock_t cache_lock;
    struct keymap *objects; /* key -> json_t * (one reference each) */
    struct index *indexes;
    size_t nindexes;
    char *last_rv; /* under cache_lock */

    /* The thread; its mu also guards synced and lists, and its cond tells sync waiters. */
    struct bgthread bg;
    bool synced;
    uint64_t lists;
};

/* One change, applied to the cache and waiting to be handed to the handlers. */
enum change_kind { CHANGE_ADD, CHANGE_UPDATE, CHANGE_DELETE };

struct change {
    enum change_kind kind;
    json_t *old; /* owned references */
    json_t *cur;
    bool flag; /* add: initial list; delete: final state unknown */
};

struct changes {
    struct change *v;
    size_t count, capacity;
};

/* ---- Index values ------------------------------------------------------------------------- */

void informer_index_values_add(struct informer_index_values *v, const char *value)
{
    if (v->count == v->capacity) {
        v->capacity = v->capacity ? 2 * v->capacity : 4;
        v->values = xrealloc(v->values, v->capacity * sizeof *v->values);
    }
    v->values[v->count++] = xstrdup(value);
}

static void index_values_free(struct informer_index_values *v)
{
    for (size_t i = 0; i < v->count; i++) {
        free(v->values[i]);
    }
    free(v->values);
    memset(v, 0, sizeof *v);
}

void informer_index_namespace(const json_t *obj, struct informer_index_values *out, void *data)
{
    (void)data;
    const char *ns =
        json_string_value(json_object_get(json_object_get(obj, "metadata"), "namespace"));
    informer_index_values_add(out, ns != NULL ? ns : "");
}

void informer_index_node_name(const json_t *obj, struct informer_index_values *out, void *data)
{
    (void)data;
    const char *node = json_string_value(json_object_get(json_object_get(obj, "spec"), "nodeName"));
    if (node != NULL && node[0] != '\0') {
        informer_index_values_add(out, node);
    }
}

/* ---- Objects ------------------------------------------------------------------------------ */

static const char *meta_str(const json_t *obj, const char *field)
{
    return json_string_value(json_object_get(json_object_get(obj, "metadata"), field));
}

char *informer_key(const json_t *obj)
{
    const char *name = meta_str(obj, "name");
    if (name == NULL || name[0] == '\0') {
        return NULL;
    }
    const char *ns = meta_str(obj, "namespace");
    if (ns == NULL || ns[0] == '\0') {
        return xstrdup(name);
    }
    return xasprintf("%s/%s", ns, name);
}

static bool same_resource_version(const json_t *a, const json_t *b)
{
    const char *ra = meta_str(a, "resourceVersion");
    const char *rb = meta_str(b, "resourceVersion");
    return ra != NULL && rb != NULL && strcmp(ra, rb) == 0;
}

/* ---- The cache (callers hold cache_lock for writing) -------------------------------------- */

static void index_remove(struct index *ix, const json_t *obj, const char *key)
{
    struct informer_index_values vals = {0};
    ix->fn(obj, &vals, ix->data);
    for (size_t i = 0; i < vals.count; i++) {
        struct keymap *set = keymap_get(ix->values, vals.values[i]);
        if (set == NULL) {
            continue;
        }
        keymap_remove(set, key);
        if (keymap_len(set) == 0) {
            keymap_remove(ix->values, vals.values[i]);
            keymap_free(set, NULL);
        }
    }
    index_values_free(&vals);
}

static void index_insert(struct index *ix, const json_t *obj, const char *key)
{
    struct informer_index_values vals = {0};
    ix->fn(obj, &vals, ix->data);
    for (size_t i = 0; i < vals.count; i++) {
        struct keymap *set = keymap_get(ix->values, vals.values[i]);
        if (set == NULL) {
            set = keymap_new();
            keymap_put(ix->values, vals.values[i], set);
        }
        keymap_put(set, key, (void *)1);
    }
    index_values_free(&vals);
}

/* Stores obj (a new reference is taken) under key; returns the replaced object (owned), or
 * NULL. */
static json_t *cache_put(struct informer *inf, const char *key, json_t *obj)
{
    json_t *old = keymap_put(inf->objects, key, json_incref(obj));
    for (size_t i = 0; i < inf->nindexes; i++) {
        if (old != NULL) {
            index_remove(&inf->indexes[i], old, key);
        }
        index_insert(&inf->indexes[i], obj, key);
    }
    return old;
}

/* Removes key; returns its object (owned), or NULL. */
static json_t *cache_delete(struct informer *inf, const char *key)
{
    json_t *old = keymap_remove(inf->objects, key);
    if (old != NULL) {
        for (size_t i = 0; i < inf->nindexes; i++) {
            index_remove(&inf->indexes[i], old, key);
        }
    }
    return old;
}

static void set_last_rv(struct informer *inf, const char *rv)
{
    if (rv != NULL && rv[0] != '\0') {
        free(inf->last_rv);
        inf->last_rv = xstrdup(rv);
    }
}

/* ---- Handlers ----------------------------------------------------------------------------- */

static void changes_push(struct changes *c, enum change_kind kind, json_t *old, json_t *cur,
                         bool flag)
{
    if (c->count == c->capacity) {
        c->capacity = c->capacity ? 2 * c->capacity : 16;
        c->v = xrealloc(c->v, c->capacity * sizeof *c->v);
    }
    c->v[c->count++] = (struct change){kind, old, cur, flag};
}

/* Hands every change to every handler set, in order, then frees the changes. */
static void changes_dispatch(struct informer *inf, struct changes *c)
{
    for (size_t i = 0; i < c->count; i++) {
        const struct change *ch = &c->v[i];
        for (size_t h = 0; h < inf->nhandlers; h++) {
            const struct informer_handlers *hs = &inf->handlers[h];
            if (ch->kind == CHANGE_ADD && hs->on_add != NULL) {
                hs->on_add(hs->data, ch->cur, ch->flag);
            } else if (ch->kind == CHANGE_UPDATE && hs->on_update != NULL) {
                hs->on_update(hs->data, ch->old, ch->cur);
            } else if (ch->kind == CHANGE_DELETE && hs->on_delete != NULL) {
                hs->on_delete(hs->data, ch->old, ch->flag);
            }
        }
        json_decref(ch->old);
        json_decref(ch->cur);
    }
    free(c->v);
    memset(c, 0, sizeof *c);
}

/* ---- Life cycle ----------------------------------------------------------------------------- */

/* Waits the backoff for the failures so far (client-go's exponential backoff manager with
 * jitter 1.0), unless stopped first; false when stopped. */
static bool backoff_wait(struct informer *inf, unsigned *failures)
{
    struct http_backoff b = {
        .base_ms = inf->backoff_initial_ns / DURATION_MS,
        .cap_ms = inf->backoff_max_ns / DURATION_MS,
        .jitter = 1.0,
    };
    if (b.base_ms < 1) {
        b.base_ms = 1;
    }
    int64_t delay_ms = http_backoff_delay_ms(&b, *failures, -1, bgthread_random(&inf->bg));
    if (*failures < 64) {
        (*failures)++;
    }
    return bgthread_sleep_until(&inf->bg, clk_now(clk_real()) + delay_ms * DURATION_MS);
}

/* ---- List -------------------------------------------------------------------------------------
 */

/* path?query&labelSelector=..&fieldSelector=.. as an owned string. */
static char *request_path(struct informer *inf, const char *query)
{
    cleanup_free char *ls =
        inf->label_selector ? kubeclient_query_escape(inf->label_selector) : NULL;
    cleanup_free char *fs =
        inf->field_selector ? kubeclient_query_escape(inf->field_selector) : NULL;
    return xasprintf("%s%c%s%s%s%s%s", inf->path, strchr(inf->path, '?') ? '&' : '?', query,
                     ls ? "&labelSelector=" : "", ls ? ls : "", fs ? "&fieldSelector=" : "",
                     fs ? fs : "");
}

/* List items come without kind and apiVersion; give them the list's, as client-go's
 * UnstructuredList does, so that handlers see the same shape from lists and watches. */
static void fill_item_kinds(json_t *list, json_t *items)
{
    const char *kind = json_string_value(json_object_get(list, "kind"));
    const char *api_version = json_string_value(json_object_get(list, "apiVersion"));
    size_t n = kind ? strlen(kind) : 0;
    cleanup_free char *item_kind =
        n > 4 && strcmp(kind + n - 4, "List") == 0 ? xstrndup(kind, n - 4) : NULL;
    size_t i;
    json_t *item;
    json_array_foreach (items, i, item) {
        if (item_kind != NULL && json_object_get(item, "kind") == NULL) {
            json_object_set_new(item, "kind", json_string(item_kind));
        }
        if (api_version != NULL && json_object_get(item, "apiVersion") == NULL) {
            json_object_set_new(item, "apiVersion", json_string(api_version));
        }
    }
}

/* Lists the collection in pages (client-go's ListPager): *items (new array) and *rv (owned).
 * A continue token that expired (410) restarts the list unpaged, as the pager falls back. */
static int list_all(struct informer *inf, json_t **items_out, char **rv_out, struct err *err)
{
    cleanup_json json_t *items = json_array();
    cleanup_free char *cont = NULL;
    cleanup_free char *rv = NULL;
    int64_t limit = inf->page_size;
    for (;;) {
        cleanup_free char *query = NULL;
        if (cont != NULL) {
            cleanup_free char *escaped = kubeclient_query_escape(cont);
            query = xasprintf("limit=%" PRId64 "&continue=%s", limit, escaped);
        } else if (limit > 0) {
            query = xasprintf("limit=%" PRId64, limit);
        } else {
            query = xstrdup("");
        }
        cleanup_free char *path = request_path(inf, query);
        cleanup_json json_t *page = NULL;
        int rv_code = kubeclient_json(inf->client, "GET", path, NULL, &page, err);
        if (rv_code == -C8S_EGONE && cont != NULL) {
            LOG_V(2, "informer: continue token expired, listing again without paging", "path=%s",
                  inf->path);
            json_array_clear(items);
            free(cont);
            cont = NULL;
            limit = 0;
            continue;
        }
        if (rv_code < 0) {
            return rv_code;
        }
        json_t *page_items = json_object_get(page, "items");
        if (!json_is_array(page_items) && !json_is_null(page_items) && page_items != NULL) {
            return err_set(err, C8S_EPARSE, "list %s: items is not a list", inf->path);
        }
        if (page_items != NULL) {
            fill_item_kinds(page, page_items);
            json_array_extend(items, page_items);
        }
        free(rv);
        const char *page_rv = meta_str(page, "resourceVersion");
        rv = xstrdup(page_rv ? page_rv : "");
        const char *next = meta_str(page, "continue");
        free(cont);
        cont = next != NULL && next[0] != '\0' ? xstrdup(next) : NULL;
        if (cont == NULL) {
            break;
        }
    }
    *items_out = steal_ptr(&items);
    *rv_out = steal_ptr(&rv);
    return 0;
}

static void collect_key(const char *key, void *value, void *data)
{
    (void)value;
    struct informer_index_values *keys = data;
    informer_index_values_add(keys, key);
}

/* Replaces the cache's content with a list's (cache.Replace): new objects are adds, changed ones
 * updates, vanished ones deletes with final_state_unknown. */
static void cache_replace(struct informer *inf, json_t *items, const char *rv)
{
    struct changes changes = {0};
    pthread_mutex_lock(&inf->bg.mu);
    bool initial = !inf->synced;
    pthread_mutex_unlock(&inf->bg.mu);

    pthread_rwlock_wrlock(&inf->cache_lock);
    struct keymap *listed = keymap_new();
    size_t i;
    json_t *item;
    json_array_foreach (items, i, item) {
        cleanup_free char *key = informer_key(item);
        if (key == NULL) {
            continue;
        }
        keymap_put(listed, key, (void *)1);
        json_t *cached = keymap_get(inf->objects, key);
        if (cached != NULL && same_resource_version(cached, item)) {
            continue;
        }
        json_t *old = cache_put(inf, key, item);
        changes_push(&changes, old ? CHANGE_UPDATE : CHANGE_ADD, old, json_incref(item),
                     old == NULL && initial);
    }
    struct informer_index_values cached_keys = {0};
    keymap_foreach(inf->objects, collect_key, &cached_keys);
    for (i = 0; i < cached_keys.count; i++) {
        if (keymap_get(listed, cached_keys.values[i]) == NULL) {
            json_t *old = cache_delete(inf, cached_keys.values[i]);
            changes_push(&changes, CHANGE_DELETE, old, NULL, true);
        }
    }
    index_values_free(&cached_keys);
    keymap_free(listed, NULL);
    set_last_rv(inf, rv);
    pthread_rwlock_unlock(&inf->cache_lock);

    changes_dispatch(inf, &changes);
    pthread_mutex_lock(&inf->bg.mu);
    inf->lists++;
    inf->synced = true;
    pthread_cond_broadcast(&inf->bg.cond);
    pthread_mutex_unlock(&inf->bg.mu);
}

/* ---- Watch ------------------------------------------------------------------------------------
 */

enum watch_end {
    WATCH_ENDED,  /* the stream ended or broke: watch again from the last resourceVersion */
    WATCH_GONE,   /* 410: relist now */
    WATCH_FAILED, /* another error: back off, then relist */
};

struct watch_state {
    struct informer *inf;
    enum watch_end end;
    uint64_t events;
    struct err err;
};

static void apply_event(struct informer *inf, const char *type, json_t *obj)
{
    cleanup_free char *key = informer_key(obj);
    struct changes changes = {0};
    pthread_rwlock_wrlock(&inf->cache_lock);
    if (key != NULL && strcmp(type, "DELETED") == 0) {
        json_t *old = cache_delete(inf, key);
        if (old != NULL) {
            /* The event carries the object's final state: hand that out. */
            json_decref(old);
            changes_push(&changes, CHANGE_DELETE, json_incref(obj), NULL, false);
        }
    } else if (key != NULL) {
        json_t *old = cache_put(inf, key, obj);
        changes_push(&changes, old ? CHANGE_UPDATE : CHANGE_ADD, old, json_incref(obj), false);
    }
    set_last_rv(inf, meta_str(obj, "resourceVersion"));
    pthread_rwlock_unlock(&inf->cache_lock);
    changes_dispatch(inf, &changes);
}

static int on_watch_line(const char *line, size_t len, void *data)
{
    struct watch_state *ws = data;
    struct informer *inf = ws->inf;
    if (bgthread_stopping(&inf->bg)) {
        return 1;
    }
    cleanup_json json_t *event = json_loadb(line, len, 0, NULL);
    const char *type = json_string_value(json_object_get(event, "type"));
    json_t *obj = json_object_get(event, "object");
    if (type == NULL || !json_is_object(obj)) {
        /* client-go ends the watch on an undecodable event and watches again. */
        err_set(&ws->err, C8S_EPARSE, "unable to decode an event from the watch stream");
        ws->end = WATCH_ENDED;
        return 1;
    }
    if (strcmp(type, "ERROR") == 0) {
        json_int_t code = json_integer_value(json_object_get(obj, "code"));
        const char *message = json_string_value(json_object_get(obj, "message"));
        err_set(&ws->err, kubeclient_status_code((long)code, NULL), "%s",
                message ? message : "watch error");
        ws->end = code == 410 ? WATCH_GONE : WATCH_FAILED;
        return 1;
    }
    if (strcmp(type, "BOOKMARK") == 0) {
        pthread_rwlock_wrlock(&inf->cache_lock);
        set_last_rv(inf, meta_str(obj, "resourceVersion"));
        pthread_rwlock_unlock(&inf->cache_lock);
        ws->events++;
        return 0;
    }
    if (strcmp(type, "ADDED") != 0 && strcmp(type, "MODIFIED") != 0 &&
        strcmp(type, "DELETED") != 0) {
        err_set(&ws->err, C8S_EPARSE, "unable to understand watch event %s", type);
        ws->end = WATCH_FAILED;
        return 1;
    }
    apply_event(inf, type, obj);
    ws->events++;
    return 0;
}

/* One watch request from the last resourceVersion, until it ends. */
static enum watch_end watch_once(struct informer *inf, uint64_t *events)
{
    pthread_rwlock_rdlock(&inf->cache_lock);
    cleanup_free char *rv = kubeclient_query_escape(inf->last_rv ? inf->last_rv : "");
    pthread_rwlock_unlock(&inf->cache_lock);
    int64_t timeout_s = inf->watch_timeout_ns > 0
                            ? inf->watch_timeout_ns / DURATION_SECOND
                            : (int64_t)(MIN_WATCH_TIMEOUT_S * (1.0 + bgthread_random(&inf->bg)));
    if (timeout_s < 1) {
        timeout_s = 1;
    }
    cleanup_free char *query =
        xasprintf("watch=true&resourceVersion=%s&allowWatchBookmarks=true&timeoutSeconds=%" PRId64,
                  rv, timeout_s);
    cleanup_free char *path = request_path(inf, query);
    const char *const headers[] = {"Accept: application/json", NULL};
    struct http_request req = {.method = "GET", .path = path, .headers = headers};
    struct watch_state ws = {.inf = inf, .end = WATCH_ENDED};
    struct http_response resp = {0};
    int rc = http_stream(inf->client, &req, on_watch_line, &ws, &resp, &ws.err);
    *events = ws.events;
    if (rc < 0) {
        if (rc != -ECANCELED) {
            LOG_V(2, "informer: watch ended", "path=%s err=\"%s\"", inf->path, ws.err.msg);
        }
        return WATCH_ENDED;
    }
    long status = resp.status;
    if (status < 200 || status >= 300) {
        cleanup_json json_t *st = resp.body ? json_loadb(resp.body, resp.body_len, 0, NULL) : NULL;
        const char *message = json_string_value(json_object_get(st, "message"));
        LOG_W("informer: watch refused", "path=%s status=%ld message=\"%s\"", inf->path, status,
              message ? message : "");
        http_response_free(&resp);
        if (status == 410) {
            return WATCH_GONE;
        }
        /* Too many requests: the same watch may succeed later (client-go retries it). */
        return status == 429 ? WATCH_ENDED : WATCH_FAILED;
    }
    http_response_free(&resp);
    if (ws.end != WATCH_ENDED || ws.err.code != 0) {
        LOG_V(2, "informer: watch closed", "path=%s err=\"%s\"", inf->path, ws.err.msg);
    }
    return ws.end;
}

/* ---- The informer thread ------------------------------------------------------------------ */

/* Lists, then watches until a relist is needed: returns 0 to relist now (410), -1 to relist
 * after a backoff, and either once stopping. */
static int list_and_watch(struct informer *inf, unsigned *failures)
{
    cleanup_json json_t *items = NULL;
    cleanup_free char *rv = NULL;
    struct err err = {0};
    if (list_all(inf, &items, &rv, &err) < 0) {
        if (err.code != ECANCELED) {
            LOG_W("informer: list failed", "path=%s err=\"%s\"", inf->path, err.msg);
        }
        return -1;
    }
    cache_replace(inf, items, rv);
    LOG_V(4, "informer: listed", "path=%s resourceVersion=%s items=%zu", inf->path, rv,
          json_array_size(items));
    *failures = 0;
    while (!bgthread_stopping(&inf->bg)) {
        struct clock *clk = clk_real();
        int64_t started = clk_now(clk);
        uint64_t events = 0;
        enum watch_end end = watch_once(inf, &events);
        if (end == WATCH_GONE) {
            return 0;
        }
        if (end == WATCH_FAILED) {
            return -1;
        }
        if (events > 0 || clk_now(clk) - started >= HEALTHY_WATCH_NS) {
            *failures = 0;
        } else if (!backoff_wait(inf, failures)) {
            break;
        }
    }
    return 0;
}

static void *informer_run(void *arg)
{
    struct informer *inf = arg;
    unsigned failures = 0;
    while (!bgthread_stopping(&inf->bg)) {
        if (list_and_watch(inf, &failures) < 0 && !backoff_wait(inf, &failures)) {
            break;
        }
    }
    return NULL;
}

/* ---- Public API -------------------------------------------------------------------------------
 */

struct informer *informer_new(const struct informer_config *cfg, struct err *err)
{
    if (cfg->path == NULL || cfg->path[0] != '/') {
        err_set(err, EINVAL, "informer: the path must be absolute (\"/api/v1/pods\")");
        return NULL;
    }
    struct http_client *client = http_client_new(cfg->http, err);
    if (client == NULL) {
        return NULL;
    }
    struct informer *inf = xcalloc(1, sizeof *inf);
    inf->client = client;
    inf->path = xstrdup(cfg->path);
    if (cfg->label_selector != NULL && cfg->label_selector[0] != '\0') {
        inf->label_selector = xstrdup(cfg->label_selector);
    }
    if (cfg->field_selector != NULL && cfg->field_selector[0] != '\0') {
        inf->field_selector = xstrdup(cfg->field_selector);
    }
    inf->page_size = cfg->page_size > 0 ? cfg->page_size : DEFAULT_PAGE_SIZE;
    inf->backoff_initial_ns =
        cfg->backoff_initial_ns > 0 ? cfg->backoff_initial_ns : DEFAULT_BACKOFF_INITIAL;
    inf->backoff_max_ns = cfg->backoff_max_ns > 0 ? cfg->backoff_max_ns : DEFAULT_BACKOFF_MAX;
    inf->watch_timeout_ns = cfg->watch_timeout_ns;
    inf->objects = keymap_new();
    pthread_rwlock_init(&inf->cache_lock, NULL);
    bgthread_init(&inf->bg);
    return inf;
}

static bool is_started(struct informer *inf)
{
    pthread_mutex_lock(&inf->bg.mu);
    bool started = inf->bg.started;
    pthread_mutex_unlock(&inf->bg.mu);
    return started;
}

int informer_add_index(struct informer *inf, const char *name, informer_index_fn fn, void *data)
{
    if (is_started(inf)) {
        return -EBUSY;
    }
    for (size_t i = 0; i < inf->nindexes; i++) {
        if (strcmp(inf->indexes[i].name, name) == 0) {
            return -EEXIST;
        }
    }
    inf->indexes = xrealloc(inf->indexes, (inf->nindexes + 1) * sizeof *inf->indexes);
    inf->indexes[inf->nindexes++] =
        (struct index){.name = xstrdup(name), .fn = fn, .data = data, .values = keymap_new()};
    return 0;
}

int informer_add_handlers(struct informer *inf, const struct informer_handlers *h)
{
    if (is_started(inf)) {
        return -EBUSY;
    }
    inf->handlers = xrealloc(inf->handlers, (inf->nhandlers + 1) * sizeof *inf->handlers);
    inf->handlers[inf->nhandlers++] = *h;
    return 0;
}

int informer_start(struct informer *inf, struct err *err)
{
    int rc = bgthread_start(&inf->bg, informer_run, inf);
    if (rc < 0) {
        return err_set(err, -rc, "informer %s: start: %s", inf->path, strerror(-rc));
    }
    return 0;
}

void informer_stop(struct informer *inf)
{
    bgthread_request_stop(&inf->bg);
    http_client_cancel(inf->client);
    bgthread_join(&inf->bg);
}

static void free_object(void *value)
{
    json_decref(value);
}

static void free_key_set(void *value)
{
    keymap_free(value, NULL);
}

void informer_free(struct informer *inf)
{
    if (inf == NULL) {
        return;
    }
    informer_stop(inf);
    http_client_free(inf->client);
    for (size_t i = 0; i < inf->nindexes; i++) {
        free(inf->indexes[i].name);
        keymap_free(inf->indexes[i].values, free_key_set);
    }
    free(inf->indexes);
    keymap_free(inf->objects, free_object);
    free(inf->handlers);
    free(inf->path);
    free(inf->label_selector);
    free(inf->field_selector);
    free(inf->last_rv);
    pthread_rwlock_destroy(&inf->cache_lock);
    bgthread_destroy(&inf->bg);
    free(inf);
}

bool informer_has_synced(struct informer *inf)
{
    pthread_mutex_lock(&inf->bg.mu);
    bool synced = inf->synced;
    pthread_mutex_unlock(&inf->bg.mu);
    return synced;
}

bool informer_wait_for_sync(struct informer *inf, int64_t timeout_ns)
{
    struct clock *clk = clk_real();
    int64_t deadline = clk_now(clk) + timeout_ns;
    pthread_mutex_lock(&inf->bg.mu);
    while (!inf->synced && !inf->bg.stopping &&
           !clk_cond_wait_until(clk, &inf->bg.cond, &inf->bg.mu, deadline)) {
    }
    bool synced = inf->synced;
    pthread_mutex_unlock(&inf->bg.mu);
    return synced;
}

json_t *informer_get(struct informer *inf, const char *key)
{
    pthread_rwlock_rdlock(&inf->cache_lock);
    json_t *obj = json_incref(keymap_get(inf->objects, key));
    pthread_rwlock_unlock(&inf->cache_lock);
    return obj;
}

static void append_object(const char *key, void *value, void *data)
{
    (void)key;
    json_array_append(data, value);
}

json_t *informer_list(struct informer *inf)
{
    json_t *out = json_array();
    pthread_rwlock_rdlock(&inf->cache_lock);
    keymap_foreach(inf->objects, append_object, out);
    pthread_rwlock_unlock(&inf->cache_lock);
    return out;
}

struct by_index {
    struct informer *inf;
    json_t *out;
};

static void append_indexed(const char *key, void *value, void *data)
{
    (void)value;
    struct by_index *b = data;
    json_t *obj = keymap_get(b->inf->objects, key);
    if (obj != NULL) {
        json_array_append(b->out, obj);
    }
}

json_t *informer_by_index(struct informer *inf, const char *index_name, const char *value)
{
    json_t *out = NULL;
    pthread_rwlock_rdlock(&inf->cache_lock);
    for (size_t i = 0; i < inf->nindexes; i++) {
        if (strcmp(inf->indexes[i].name, index_name) == 0) {
            out = json_array();
            struct keymap *set = keymap_get(inf->indexes[i].values, value);
            if (set != NULL) {
                struct by_index b = {inf, out};
                keymap_foreach(set, append_indexed, &b);
            }
            break;
        }
    }
    pthread_rwlock_unlock(&inf->cache_lock);
    return out;
}

size_t informer_len(struct informer *inf)
{
    pthread_rwlock_rdlock(&inf->cache_lock);
    size_t n = keymap_len(inf->objects);
    pthread_rwlock_unlock(&inf->cache_lock);
    return n;
}

char *informer_last_sync_resource_version(struct informer *inf)
{
    pthread_rwlock_rdlock(&inf->cache_lock);
    char *rv = xstrdup(inf->last_rv ? inf->last_rv : "");
    pthread_rwlock_unlock(&inf->cache_lock);
    return rv;
}

uint64_t informer_list_count(struct informer *inf)
{
    pthread_mutex_lock(&inf->bg.mu);
    uint64_t n = inf->lists;
    pthread_mutex_unlock(&inf->bg.mu);
    return n;
}
