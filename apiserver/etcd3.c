/* The API server's etcd v3 client over the JSON gateway, shaped as k8s.io/apiserver's
 * storage/etcd3 (store.go's guarded txns, watcher.go's prev_kv watch from RV+1, compact.go's
 * compaction round on compact_rev_key), with clientv3's endpoint failover and watch resumption. */
#include "etcd3.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "b64.h"
#include "cleanup.h"
#include "http_client.h"
#include "log.h"
#include "xalloc.h"

#define ETCD3_DEFAULT_TIMEOUT_MS 10000
#define ETCD3_MAX_CONNECT_MS     5000
#define ETCD3_COMPACT_REV_KEY    "compact_rev_key"

/* Watch reconnection: clientv3 retries at once on another endpoint; after that, waits grow
 * from 100 ms to 2 s with up to 50% jitter so that many apiservers do not reconnect in step. */
#define WATCH_BACKOFF_BASE_MS 100
#define WATCH_BACKOFF_CAP_MS  2000

/* One thread's connection: an http_client made and used by that thread only. */
struct etcd3_conn {
    struct etcd3 *owner;
    struct http_client *http;
    struct etcd3_conn *prev, *next;
};

/* A prefix whose writes are tracked (etcd3_track_writes). */
struct etcd3_tracked {
    char *prefix;
    size_t len;
    _Atomic int64_t revision;
};

struct etcd3 {
    char **endpoints; /* "http(s)://host:port", no trailing slash */
    size_t nendpoints;
    atomic_size_t preferred; /* the endpoint that answered last */
    struct http_config http_cfg;
    char *ca_file, *cert_file, *key_file;
    pthread_key_t conn_key;
    pthread_mutex_t mu; /* guards conns */
    struct etcd3_conn *conns;
    /* Tracked prefixes: slots below ntracked are set once and never change but for revision. */
    struct etcd3_tracked tracked[ETCD3_TRACKED_MAX];
    atomic_size_t ntracked; /* written under mu, read without it */
};

/* ---- Small helpers ------------------------------------------------------------------------ */

static json_t *i64_json(int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    return json_string(buf);
}

/* etcd writes int64 fields as strings; numbers are accepted too. Missing means 0. */
static int64_t json_i64(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);
    if (json_is_string(v)) {
        return strtoll(json_string_value(v), NULL, 10);
    }
    if (json_is_integer(v)) {
        return (int64_t)json_integer_value(v);
    }
    return 0;
}

static json_t *bytes_json(const char *s, size_t len)
{
    char *enc = b64_encode((const uint8_t *)s, len);
    json_t *j = json_string(enc);
    free(enc);
    return j;
}

static json_t *str_json(const char *s)
{
    return bytes_json(s, strlen(s));
}

/* clientv3.GetPrefixRangeEnd: the prefix with its last byte below 0xff incremented and what
 * follows dropped; "\0" (every key from start) when there is none. Returns an owned string
 * and its length in *len. */
static char *prefix_range_end(const char *prefix, size_t *len)
{
    size_t n = strlen(prefix);
    char *end = xstrndup(prefix, n);
    for (size_t i = n; i > 0; i--) {
        if ((unsigned char)end[i - 1] < 0xff) {
            end[i - 1] = (char)((unsigned char)end[i - 1] + 1);
            end[i] = '\0';
            *len = i;
            return end;
        }
    }
    end[0] = '\0';
    *len = 1; /* the single byte 0 */
    return end;
}

void etcd3_kv_free(struct etcd3_kv *kv)
{
    if (kv == NULL) {
        return;
    }
    free(kv->key);
    free(kv->value);
    memset(kv, 0, sizeof *kv);
}

void etcd3_list_free(struct etcd3_list *l)
{
    if (l == NULL) {
        return;
    }
    for (size_t i = 0; i < l->count; i++) {
        etcd3_kv_free(&l->kvs[i]);
    }
    free(l->kvs);
    memset(l, 0, sizeof *l);
}

/* Fills kv from etcd's KeyValue; key and value are always allocated (empty when absent). */
static int kv_from_json(const json_t *j, struct etcd3_kv *kv, struct err *err)
{
    memset(kv, 0, sizeof *kv);
    const char *key = json_string_value(json_object_get(j, "key"));
    const char *value = json_string_value(json_object_get(j, "value"));
    uint8_t *buf = NULL;
    size_t len = 0;
    if (b64_decode(key ? key : "", key ? strlen(key) : 0, &buf, &len, err) < 0) {
        return err_wrap(err, "key");
    }
    kv->key = (char *)buf;
    kv->key_len = len;
    if (b64_decode(value ? value : "", value ? strlen(value) : 0, &buf, &len, err) < 0) {
        etcd3_kv_free(kv);
        return err_wrap(err, "value");
    }
    kv->value = (char *)buf;
    kv->value_len = len;
    kv->create_revision = json_i64(j, "create_revision");
    kv->mod_revision = json_i64(j, "mod_revision");
    kv->version = json_i64(j, "version");
    kv->lease = json_i64(j, "lease");
    return 0;
}

static int64_t header_revision(const json_t *answer)
{
    return json_i64(json_object_get(answer, "header"), "revision");
}

/* ---- Client and per-thread connections ---------------------------------------------------- */

static void conn_unlink(struct etcd3 *c, struct etcd3_conn *conn)
{
    if (conn->prev != NULL) {
        conn->prev->next = conn->next;
    } else {
        c->conns = conn->next;
    }
    if (conn->next != NULL) {
        conn->next->prev = conn->prev;
    }
}

/* Thread exit: the thread frees its own client. */
static void conn_destroy(void *p)
{
    struct etcd3_conn *conn = p;
    struct etcd3 *c = conn->owner;
    pthread_mutex_lock(&c->mu);
    conn_unlink(c, conn);
    pthread_mutex_unlock(&c->mu);
    http_client_free(conn->http);
    free(conn);
}

/* The calling thread's client for c, made on first use. */
static struct http_client *thread_client(struct etcd3 *c, struct err *err)
{
    struct etcd3_conn *conn = pthread_getspecific(c->conn_key);
    if (conn != NULL) {
        return conn->http;
    }
    struct http_client *http = http_client_new(&c->http_cfg, err);
    if (http == NULL) {
        return NULL;
    }
    conn = xcalloc(1, sizeof *conn);
    conn->owner = c;
    conn->http = http;
    pthread_mutex_lock(&c->mu);
    conn->next = c->conns;
    if (c->conns != NULL) {
        c->conns->prev = conn;
    }
    c->conns = conn;
    pthread_mutex_unlock(&c->mu);
    pthread_setspecific(c->conn_key, conn);
    return http;
}

static void free_endpoints(struct etcd3 *c)
{
    for (size_t i = 0; i < c->nendpoints; i++) {
        free(c->endpoints[i]);
    }
    free(c->endpoints);
}

/* Splits "a,b , c" into endpoint URLs; a bare host:port gets http://. */
static int parse_endpoints(struct etcd3 *c, const char *list, struct err *err)
{
    cleanup_free char *copy = xstrdup(list ? list : "");
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t') {
            tok++;
        }
        size_t n = strlen(tok);
        while (n > 0 && (tok[n - 1] == ' ' || tok[n - 1] == '\t' || tok[n - 1] == '/')) {
            tok[--n] = '\0';
        }
        if (n == 0) {
            continue;
        }
        char *url;
        if (strncmp(tok, "http://", 7) == 0 || strncmp(tok, "https://", 8) == 0) {
            url = xstrdup(tok);
        } else if (strstr(tok, "://") != NULL) {
            return err_set(err, EINVAL, "etcd endpoint %s: only http and https are supported", tok);
        } else {
            url = xasprintf("http://%s", tok);
        }
        c->endpoints = xrealloc(c->endpoints, (c->nendpoints + 1) * sizeof *c->endpoints);
        c->endpoints[c->nendpoints++] = url;
    }
    if (c->nendpoints == 0) {
        return err_set(err, EINVAL, "no etcd endpoint given (--etcd-servers)");
    }
    return 0;
}

struct etcd3 *etcd3_new(const struct etcd3_config *cfg, struct err *err)
{
    struct etcd3 *c = xcalloc(1, sizeof *c);
    if (parse_endpoints(c, cfg->endpoints, err) < 0) {
        free_endpoints(c);
        free(c);
        return NULL;
    }
    int64_t timeout = cfg->timeout_ms > 0 ? cfg->timeout_ms : ETCD3_DEFAULT_TIMEOUT_MS;
    c->ca_file = cfg->ca_file ? xstrdup(cfg->ca_file) : NULL;
    c->cert_file = cfg->cert_file ? xstrdup(cfg->cert_file) : NULL;
    c->key_file = cfg->key_file ? xstrdup(cfg->key_file) : NULL;
    c->http_cfg = (struct http_config){
        .ca_file = c->ca_file,
        .cert_file = c->cert_file,
        .key_file = c->key_file,
        .connect_timeout_ms = timeout < ETCD3_MAX_CONNECT_MS ? timeout : ETCD3_MAX_CONNECT_MS,
        .timeout_ms = timeout,
        .user_agent = "c8s-apiserver",
        /* Failover is ours: one attempt per endpoint. */
        .retry = {.max_attempts = 1},
    };
    pthread_mutex_init(&c->mu, NULL);
    if (pthread_key_create(&c->conn_key, conn_destroy) != 0) {
        err_set(err, EAGAIN, "etcd3: no thread-specific key left");
        pthread_mutex_destroy(&c->mu);
        goto fail;
    }
    /* Reads the TLS files now, so that a bad flag fails at start; the client is this thread's. */
    if (thread_client(c, err) == NULL) {
        err_wrap(err, "etcd client");
        pthread_key_delete(c->conn_key);
        pthread_mutex_destroy(&c->mu);
        goto fail;
    }
    return c;
fail:
    free(c->ca_file);
    free(c->cert_file);
    free(c->key_file);
    free_endpoints(c);
    free(c);
    return NULL;
}

void etcd3_free(struct etcd3 *c)
{
    if (c == NULL) {
        return;
    }
    /* After the key is deleted no destructor runs, so the remaining clients are freed here:
     * they belong to threads that are gone or done with c. */
    pthread_key_delete(c->conn_key);
    while (c->conns != NULL) {
        struct etcd3_conn *conn = c->conns;
        c->conns = conn->next;
        http_client_free(conn->http);
        free(conn);
    }
    pthread_mutex_destroy(&c->mu);
    for (size_t i = 0; i < atomic_load(&c->ntracked); i++) {
        free(c->tracked[i].prefix);
    }
    free(c->ca_file);
    free(c->cert_file);
    free(c->key_file);
    free_endpoints(c);
    free(c);
}

/* ---- Tracked writes ----------------------------------------------------------------------- */

int etcd3_track_writes(struct etcd3 *c, const char *prefix)
{
    int rv = 0;
    pthread_mutex_lock(&c->mu);
    size_t n = atomic_load(&c->ntracked);
    if (etcd3_written_revision(c, prefix) >= 0) {
        rv = 0;
    } else if (n == ETCD3_TRACKED_MAX) {
        rv = -ENOSPC;
    } else {
        c->tracked[n].prefix = xstrdup(prefix);
        c->tracked[n].len = strlen(prefix);
        atomic_init(&c->tracked[n].revision, 0);
        atomic_store_explicit(&c->ntracked, n + 1, memory_order_release);
    }
    pthread_mutex_unlock(&c->mu);
    return rv;
}

int64_t etcd3_written_revision(struct etcd3 *c, const char *prefix)
{
    size_t n = atomic_load_explicit(&c->ntracked, memory_order_acquire);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(c->tracked[i].prefix, prefix) == 0) {
            return atomic_load(&c->tracked[i].revision);
        }
    }
    return -1;
}

/* Records a completed write of key at revision in every tracked prefix holding key. */
static void note_write(struct etcd3 *c, const char *key, int64_t revision)
{
    size_t n = atomic_load_explicit(&c->ntracked, memory_order_acquire);
    for (size_t i = 0; i < n; i++) {
        struct etcd3_tracked *t = &c->tracked[i];
        if (strncmp(key, t->prefix, t->len) != 0) {
            continue;
        }
        int64_t seen = atomic_load(&t->revision);
        while (seen < revision && !atomic_compare_exchange_weak(&t->revision, &seen, revision)) {
        }
    }
}

/* ---- Requests ----------------------------------------------------------------------------- */

/* Maps an etcd error answer to a code (the grpc status and its text, as clientv3 does). */
static int answer_code(long status, const json_t *body, const char **text)
{
    const char *msg = json_string_value(json_object_get(body, "error"));
    int grpc = (int)json_integer_value(json_object_get(body, "code"));
    *text = msg;
    if (msg != NULL) {
        if (strstr(msg, "required revision has been compacted") != NULL) {
            return C8S_EGONE;
        }
        if (strstr(msg, "required revision is a future revision") != NULL) {
            return C8S_ETOOLARGE;
        }
        if (strstr(msg, "context deadline exceeded") != NULL) {
            return ETIMEDOUT;
        }
    }
    if (grpc == 14 || status == 503) { /* Unavailable: request timed out, leader changed, ... */
        return EAGAIN;
    }
    if (grpc == 5 || status == 404) {
        return ENOENT;
    }
    if (grpc == 4 || status == 504) {
        return ETIMEDOUT;
    }
    return EINVAL;
}

/* Whether trying the next endpoint is safe and useful after a transport error: always when
 * nothing reached the server, for repeatable requests also when the answer was lost. */
static bool transport_failover(int rv, bool repeatable)
{
    if (rv == -ECONNREFUSED || rv == -EHOSTUNREACH) {
        return true;
    }
    return repeatable && (rv == -ETIMEDOUT || rv == -ECONNRESET || rv == -EPROTO);
}

struct call {
    const char *op;   /* for messages: "get", "create", ... */
    const char *key;  /* for messages */
    const char *path; /* "/v3/kv/range" */
    bool repeatable;  /* reads and idempotent requests: may go to the next endpoint */
};

/* POSTs body (borrowed) to call->path on the preferred endpoint, then on the others in order
 * when that one cannot answer. Returns 0 with *out (a new reference) holding the 200 answer,
 * or a negative code with err naming the operation, key and endpoint. */
static int etcd_call(struct etcd3 *c, const struct call *call, json_t *body, json_t **out,
                     struct err *err)
{
    *out = NULL;
    struct http_client *http = thread_client(c, err);
    if (http == NULL) {
        return err_wrap(err, "%s %.100s", call->op, call->key);
    }
    cleanup_free char *text = json_dumps(body, JSON_COMPACT);
    size_t first = atomic_load(&c->preferred) % c->nendpoints;
    struct err last = {0};
    int rv = 0;
    for (size_t i = 0; i < c->nendpoints; i++) {
        size_t e = (first + i) % c->nendpoints;
        cleanup_free char *url = xasprintf("%s%s", c->endpoints[e], call->path);
        struct http_request req = {
            .method = "POST",
            .path = url,
            .content_type = "application/json",
            .body = text,
            .body_len = strlen(text),
        };
        struct http_response resp = {0};
        rv = http_send(http, &req, &resp, &last);
        if (rv < 0) {
            err_wrap(&last, "%s %.100s", call->op, call->key);
            if (transport_failover(rv, call->repeatable)) {
                LOG_V(4, "etcd endpoint failed", "endpoint=%s error=\"%s\"", c->endpoints[e],
                      last.msg);
                continue;
            }
            break;
        }
        json_t *answer = json_loadb(resp.body ? resp.body : "", resp.body_len, 0, NULL);
        long status = resp.status;
        http_response_free(&resp);
        if (status == 200 && json_is_object(answer)) {
            if (e != first) {
                atomic_store(&c->preferred, e);
                LOG_V(2, "etcd endpoint switched", "endpoint=%s", c->endpoints[e]);
            }
            *out = answer;
            return 0;
        }
        if (status == 200) {
            json_decref(answer);
            rv = err_set(&last, EPROTO, "%s %.100s on %s: the answer is not a JSON object",
                         call->op, call->key, c->endpoints[e]);
            break;
        }
        const char *msg = NULL;
        int code = answer_code(status, answer, &msg);
        rv = err_set(&last, code, "%s %.100s on %s: %s", call->op, call->key, c->endpoints[e],
                     msg ? msg : "unexpected answer");
        if (msg == NULL) {
            snprintf(last.msg, sizeof last.msg, "%s %.100s on %s: HTTP %ld", call->op, call->key,
                     c->endpoints[e], status);
        }
        json_decref(answer);
        if (code == EAGAIN && call->repeatable) {
            continue;
        }
        break;
    }
    if (err != NULL) {
        *err = last;
    }
    return rv;
}

/* ---- KV ----------------------------------------------------------------------------------- */

int etcd3_get(struct etcd3 *c, const char *key, struct etcd3_kv *out, int64_t *revision,
              struct err *err)
{
    memset(out, 0, sizeof *out);
    cleanup_json json_t *body = json_pack("{s:o}", "key", str_json(key));
    cleanup_json json_t *answer = NULL;
    struct call call = {"get", key, "/v3/kv/range", true};
    int rv = etcd_call(c, &call, body, &answer, err);
    if (rv < 0) {
        return rv;
    }
    if (revision != NULL) {
        *revision = header_revision(answer);
    }
    const json_t *kv = json_array_get(json_object_get(answer, "kvs"), 0);
    if (kv == NULL) {
        return -ENOENT;
    }
    if (kv_from_json(kv, out, err) < 0) {
        return err_wrap(err, "get %.100s", key);
    }
    return 0;
}

int etcd3_list(struct etcd3 *c, const char *start, const char *end, int64_t limit, int64_t revision,
               struct etcd3_list *out, struct err *err)
{
    memset(out, 0, sizeof *out);
    cleanup_json json_t *body = json_pack("{s:o}", "key", str_json(start));
    if (end == NULL) {
        size_t len;
        cleanup_free char *pend = prefix_range_end(start, &len);
        json_object_set_new(body, "range_end", bytes_json(pend, len));
    } else if (end[0] != '\0') {
        json_object_set_new(body, "range_end", str_json(end));
    }
    if (limit > 0) {
        json_object_set_new(body, "limit", i64_json(limit));
    }
    if (revision > 0) {
        json_object_set_new(body, "revision", i64_json(revision));
    }
    cleanup_json json_t *answer = NULL;
    struct call call = {"list", start, "/v3/kv/range", true};
    int rv = etcd_call(c, &call, body, &answer, err);
    if (rv < 0) {
        return rv;
    }
    const json_t *kvs = json_object_get(answer, "kvs");
    size_t n = json_array_size(kvs);
    out->kvs = n ? xcalloc(n, sizeof *out->kvs) : NULL;
    for (size_t i = 0; i < n; i++) {
        if (kv_from_json(json_array_get(kvs, i), &out->kvs[i], err) < 0) {
            etcd3_list_free(out);
            return err_wrap(err, "list %.100s", start);
        }
        out->count = i + 1;
    }
    out->more = json_is_true(json_object_get(answer, "more"));
    out->total = json_i64(answer, "count");
    /* A read at a past revision is that revision's state; header.revision is the current one. */
    out->revision = revision > 0 ? revision : header_revision(answer);
    return 0;
}

int etcd3_count(struct etcd3 *c, const char *prefix, int64_t *count, struct err *err)
{
    size_t len;
    cleanup_free char *pend = prefix_range_end(prefix, &len);
    cleanup_json json_t *body = json_pack("{s:o, s:o, s:b}", "key", str_json(prefix), "range_end",
                                          bytes_json(pend, len), "count_only", 1);
    cleanup_json json_t *answer = NULL;
    struct call call = {"count", prefix, "/v3/kv/range", true};
    int rv = etcd_call(c, &call, body, &answer, err);
    if (rv < 0) {
        return rv;
    }
    *count = json_i64(answer, "count");
    return 0;
}

int etcd3_prefix_state(struct etcd3 *c, const char *prefix, struct etcd3_prefix_state *out,
                       struct err *err)
{
    memset(out, 0, sizeof *out);
    size_t len;
    cleanup_free char *pend = prefix_range_end(prefix, &len);
    /* etcd sorts the whole range before the limit and counts every key in it. */
    cleanup_json json_t *body =
        json_pack("{s:o, s:o, s:o, s:s, s:s, s:b}", "key", str_json(prefix), "range_end",
                  bytes_json(pend, len), "limit", i64_json(1), "sort_order", "DESCEND",
                  "sort_target", "MOD", "keys_only", 1);
    cleanup_json json_t *answer = NULL;
    struct call call = {"prefix state", prefix, "/v3/kv/range", true};
    int rv = etcd_call(c, &call, body, &answer, err);
    if (rv < 0) {
        return rv;
    }
    out->revision = header_revision(answer);
    out->count = json_i64(answer, "count");
    out->max_mod_revision =
        json_i64(json_array_get(json_object_get(answer, "kvs"), 0), "mod_revision");
    return 0;
}

static json_t *compare_mod(const char *key, int64_t mod_revision)
{
    return json_pack("{s:o, s:s, s:s, s:o}", "key", str_json(key), "target", "MOD", "result",
                     "EQUAL", "mod_revision", i64_json(mod_revision));
}

static json_t *put_op(const char *key, const char *value, size_t len, int64_t lease)
{
    json_t *put = json_pack("{s:o, s:o}", "key", str_json(key), "value", bytes_json(value, len));
    if (lease != 0) {
        json_object_set_new(put, "lease", i64_json(lease));
    }
    return json_pack("{s:o}", "request_put", put);
}

static json_t *range_op(const char *key)
{
    return json_pack("{s:{s:o}}", "request_range", "key", str_json(key));
}

/* The failure branch's range answer: its first kv, or NULL when the key is absent. */
static const json_t *failure_kv(const json_t *answer)
{
    const json_t *resp = json_array_get(json_object_get(answer, "responses"), 0);
    const json_t *range = json_object_get(resp, "response_range");
    return json_array_get(json_object_get(range, "kvs"), 0);
}

int etcd3_create(struct etcd3 *c, const char *key, const char *value, size_t len, int64_t lease,
                 int64_t *revision, struct err *err)
{
    cleanup_json json_t *body = json_pack("{s:[o], s:[o], s:[]}", "compare", compare_mod(key, 0),
                                          "success", put_op(key, value, len, lease), "failure");
    cleanup_json json_t *answer = NULL;
    struct call call = {"create", key, "/v3/kv/txn", false};
    int rv = etcd_call(c, &call, body, &answer, err);
    if (rv < 0) {
        return rv;
    }
    if (!json_is_true(json_object_get(answer, "succeeded"))) {
        return err_set(err, EEXIST, "create %.100s: the key already exists", key);
    }
    int64_t written = header_revision(answer);
    note_write(c, key, written);
    if (revision != NULL) {
        *revision = written;
    }
    return 0;
}

int etcd3_update(struct etcd3 *c, const char *key, const char *value, size_t len,
                 int64_t expected_revision, int64_t lease, int64_t *revision,
                 struct etcd3_kv *current, struct err *err)
{
    if (current != NULL) {
        memset(current, 0, sizeof *current);
    }
    cleanup_json json_t *body =
        json_pack("{s:[o], s:[o], s:[o]}", "compare", compare_mod(key, expected_revision),
                  "success", put_op(key, value, len, lease), "failure", range_op(key));
    cleanup_json json_t *answer = NULL;
    struct call call = {"update", key, "/v3/kv/txn", false};
    int rv = etcd_call(c, &call, body, &answer, err);
    if (rv < 0) {
        return rv;
    }
    if (json_is_true(json_object_get(answer, "succeeded"))) {
        int64_t written = header_revision(answer);
        note_write(c, key, written);
        if (revision != NULL) {
            *revision = written;
        }
        return 0;
    }
    const json_t *kv = failure_kv(answer);
    if (kv == NULL) {
        return err_set(err, ENOENT, "update %.100s: the key does not exist", key);
    }
    if (current != NULL && kv_from_json(kv, current, err) < 0) {
        return err_wrap(err, "update %.100s", key);
    }
    return err_set(err, C8S_ECONFLICT,
                   "update %.100s: the key was modified at revision %" PRId64 " (expected %" PRId64
                   ")",
                   key, json_i64(kv, "mod_revision"), expected_revision);
}

int etcd3_delete(struct etcd3 *c, const char *key, int64_t expected_revision, int64_t *revision,
                 struct etcd3_kv *deleted, struct err *err)
{
    if (deleted != NULL) {
        memset(deleted, 0, sizeof *deleted);
    }
    cleanup_json json_t *del = json_pack("{s:o, s:b}", "key", str_json(key), "prev_kv", 1);
    cleanup_json json_t *answer = NULL;
    const json_t *result;
    if (expected_revision == 0) {
        struct call call = {"delete", key, "/v3/kv/deleterange", false};
        int rv = etcd_call(c, &call, del, &answer, err);
        if (rv < 0) {
            return rv;
        }
        result = answer;
    } else {
        cleanup_json json_t *body =
            json_pack("{s:[o], s:[{s:O}], s:[o]}", "compare", compare_mod(key, expected_revision),
                      "success", "request_delete_range", del, "failure", range_op(key));
        struct call call = {"delete", key, "/v3/kv/txn", false};
        int rv = etcd_call(c, &call, body, &answer, err);
        if (rv < 0) {
            return rv;
        }
        if (!json_is_true(json_object_get(answer, "succeeded"))) {
            const json_t *kv = failure_kv(answer);
            if (kv == NULL) {
                return err_set(err, ENOENT, "delete %.100s: the key does not exist", key);
            }
            if (deleted != NULL && kv_from_json(kv, deleted, err) < 0) {
                return err_wrap(err, "delete %.100s", key);
            }
            return err_set(err, C8S_ECONFLICT,
                           "delete %.100s: the key was modified at revision %" PRId64
                           " (expected %" PRId64 ")",
                           key, json_i64(kv, "mod_revision"), expected_revision);
        }
        result = json_object_get(json_array_get(json_object_get(answer, "responses"), 0),
                                 "response_delete_range");
    }
    const json_t *prev = json_array_get(json_object_get(result, "prev_kvs"), 0);
    if (json_i64(result, "deleted") == 0 || prev == NULL) {
        return err_set(err, ENOENT, "delete %.100s: the key does not exist", key);
    }
    int64_t written = header_revision(answer);
    note_write(c, key, written);
    if (revision != NULL) {
        *revision = written;
    }
    if (deleted != NULL && kv_from_json(prev, deleted, err) < 0) {
        return err_wrap(err, "delete %.100s", key);
    }
    return 0;
}

int etcd3_lease_grant(struct etcd3 *c, int64_t ttl, int64_t *id, struct err *err)
{
    cleanup_json json_t *body = json_pack("{s:o}", "TTL", i64_json(ttl));
    cleanup_json json_t *answer = NULL;
    struct call call = {"lease grant", "", "/v3/lease/grant", false};
    int rv = etcd_call(c, &call, body, &answer, err);
    if (rv < 0) {
        return rv;
    }
    const char *e = json_string_value(json_object_get(answer, "error"));
    if (e != NULL && e[0] != '\0') {
        return err_set(err, EINVAL, "lease grant: %s", e);
    }
    *id = json_i64(answer, "ID");
    if (*id == 0) {
        return err_set(err, EPROTO, "lease grant: the answer has no lease ID");
    }
    return 0;
}

/* compact.go: the version of compact_rev_key is the logical time of the compactions. Whoever
 * moves it from the version it last saw records the current revision in it and compacts to the
 * revision recorded the round before; the others learn the new version from the failure
 * branch and try again next interval. A failed txn leaves the state alone; a failed compaction
 * after a won txn still advances it (as compact.go's loop assigns every result). */
int etcd3_compact_round(struct etcd3 *c, int64_t *last_version, int64_t *last_revision,
                        struct err *err)
{
    char recorded[32];
    snprintf(recorded, sizeof recorded, "%" PRId64, *last_revision);
    cleanup_json json_t *compare =
        json_pack("{s:o, s:s, s:s, s:o}", "key", str_json(ETCD3_COMPACT_REV_KEY), "target",
                  "VERSION", "result", "EQUAL", "version", i64_json(*last_version));
    cleanup_json json_t *body =
        json_pack("{s:[O], s:[o], s:[o]}", "compare", compare, "success",
                  put_op(ETCD3_COMPACT_REV_KEY, recorded, strlen(recorded), 0), "failure",
                  range_op(ETCD3_COMPACT_REV_KEY));
    cleanup_json json_t *answer = NULL;
    struct call call = {"compact", ETCD3_COMPACT_REV_KEY, "/v3/kv/txn", false};
    int rv = etcd_call(c, &call, body, &answer, err);
    if (rv < 0) {
        return rv;
    }
    int64_t current = header_revision(answer);
    if (!json_is_true(json_object_get(answer, "succeeded"))) {
        const json_t *kv = failure_kv(answer);
        *last_version = kv ? json_i64(kv, "version") : 0;
        *last_revision = current;
        return 0;
    }
    int64_t target = *last_revision;
    *last_version += 1;
    *last_revision = current;
    if (target == 0) {
        return 0; /* no compaction on bootstrap */
    }
    cleanup_json json_t *compaction = json_pack("{s:o}", "revision", i64_json(target));
    cleanup_json json_t *done = NULL;
    char what[48];
    snprintf(what, sizeof what, "to revision %" PRId64, target);
    struct call ccall = {"compact", what, "/v3/kv/compaction", true};
    rv = etcd_call(c, &ccall, compaction, &done, err);
    if (rv == 0) {
        LOG_V(4, "etcd compacted", "revision=%" PRId64, target);
    }
    return rv;
}

/* ---- Watch -------------------------------------------------------------------------------- */

struct etcd3_watch {
    struct etcd3 *c;
    char *key;
    char *range_end;
    size_t range_end_len;
    etcd3_watch_cb cb;
    etcd3_watch_end_cb end_cb;
    void *data;
    pthread_t thread;

    pthread_mutex_t mu; /* guards stopping and http */
    pthread_cond_t cond;
    bool stopping;
    struct http_client *http; /* the watch thread's; others may only cancel it */

    /* Watch thread only. */
    int64_t next;   /* the next revision to deliver; 0 = from the current one on */
    bool created;   /* this stream's create was acknowledged */
    bool delivered; /* this stream delivered events or progress */
    int end_code;   /* > 0 once the watch ends for good (1: ended without error) */
    struct err end_err;
    uint64_t rng;
};

static double watch_random(struct etcd3_watch *w)
{
    w->rng ^= w->rng << 13;
    w->rng ^= w->rng >> 7;
    w->rng ^= w->rng << 17;
    return (double)(w->rng >> 11) / (double)(1ull << 53);
}

/* Waits ms unless the watch is stopped first; false when stopped. */
static bool watch_wait(struct etcd3_watch *w, int64_t ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&w->mu);
    while (!w->stopping) {
        if (pthread_cond_timedwait(&w->cond, &w->mu, &until) == ETIMEDOUT) {
            break;
        }
    }
    bool go_on = !w->stopping;
    pthread_mutex_unlock(&w->mu);
    return go_on;
}

static void events_free(struct etcd3_event *ev, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        etcd3_kv_free(&ev[i].kv);
        etcd3_kv_free(&ev[i].prev_kv);
    }
    free(ev);
}

/* One WatchResponse: events go to the callback (dropping any below next, which a resumed
 * stream never sends but costs nothing to guard), an empty one is a progress notification.
 * Returns 0 to read on, 1 to end this stream. */
static int watch_result(struct etcd3_watch *w, const json_t *result)
{
    if (json_is_true(json_object_get(result, "canceled"))) {
        int64_t compacted = json_i64(result, "compact_revision");
        if (compacted > 0) {
            w->end_code = C8S_EGONE;
            err_set(&w->end_err, C8S_EGONE,
                    "watch %.100s from revision %" PRId64
                    ": the required revision has been compacted (compact revision %" PRId64 ")",
                    w->key, w->next, compacted);
            return 1;
        }
        const char *reason = json_string_value(json_object_get(result, "cancel_reason"));
        LOG_V(2, "etcd watch canceled; reconnecting", "key=%s reason=\"%s\"", w->key,
              reason ? reason : "");
        return 1;
    }
    int64_t header_rev = header_revision(result);
    if (json_is_true(json_object_get(result, "created"))) {
        w->created = true;
        if (w->next == 0) {
            w->next = header_rev + 1;
        }
        return 0;
    }
    const json_t *events = json_object_get(result, "events");
    size_t n = json_array_size(events);
    if (n == 0) {
        /* Progress: everything up to header_rev was sent. Never report one behind what was
         * delivered (a lagging member after a reconnect). */
        if (header_rev <= 0 || header_rev < w->next - 1) {
            return 0;
        }
        w->delivered = true;
        if (header_rev >= w->next) {
            w->next = header_rev + 1;
        }
        if (w->cb(w->data, NULL, 0, header_rev) != 0) {
            w->end_code = 1;
            return 1;
        }
        return 0;
    }
    struct etcd3_event *ev = xcalloc(n, sizeof *ev);
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *je = json_array_get(events, i);
        struct etcd3_event *e = &ev[count];
        const char *type = json_string_value(json_object_get(je, "type"));
        e->type = type != NULL && strcmp(type, "DELETE") == 0 ? ETCD3_DELETE : ETCD3_PUT;
        struct err perr = {0};
        if (kv_from_json(json_object_get(je, "kv"), &e->kv, &perr) < 0) {
            LOG_W("etcd watch event dropped: bad kv", "key=%s error=\"%s\"", w->key, perr.msg);
            continue;
        }
        const json_t *prev = json_object_get(je, "prev_kv");
        if (prev != NULL && kv_from_json(prev, &e->prev_kv, &perr) < 0) {
            memset(&e->prev_kv, 0, sizeof e->prev_kv);
        }
        if (e->kv.mod_revision < w->next) {
            etcd3_kv_free(&e->kv);
            etcd3_kv_free(&e->prev_kv);
            continue;
        }
        count++;
    }
    int stop = 0;
    if (count > 0) {
        stop = w->cb(w->data, ev, count, 0);
        w->next = ev[count - 1].kv.mod_revision + 1;
        w->delivered = true;
    }
    events_free(ev, count);
    if (stop != 0) {
        w->end_code = 1;
        return 1;
    }
    return 0;
}

static int watch_line(const char *line, size_t len, void *data)
{
    struct etcd3_watch *w = data;
    cleanup_json json_t *msg = json_loadb(line, len, 0, NULL);
    const json_t *result = json_object_get(msg, "result");
    if (result == NULL) {
        /* {"error":{...}}: the server ends the stream (shutting down, transport closing). */
        LOG_V(2, "etcd watch stream error; reconnecting", "key=%s line=%.200s", w->key, line);
        return 1;
    }
    return watch_result(w, result);
}

/* One stream on endpoint e from w->next. Returns when it ends; w->end_code says whether the
 * watch is over. */
static void watch_stream(struct etcd3_watch *w, size_t e)
{
    json_t *create =
        json_pack("{s:o, s:o, s:b, s:b}", "key", str_json(w->key), "range_end",
                  bytes_json(w->range_end, w->range_end_len), "prev_kv", 1, "progress_notify", 1);
    if (w->next > 0) {
        json_object_set_new(create, "start_revision", i64_json(w->next));
    }
    cleanup_json json_t *body = json_pack("{s:o}", "create_request", create);
    cleanup_free char *text = json_dumps(body, JSON_COMPACT);
    cleanup_free char *url = xasprintf("%s/v3/watch", w->c->endpoints[e]);
    struct http_request req = {
        .method = "POST",
        .path = url,
        .content_type = "application/json",
        .body = text,
        .body_len = strlen(text),
    };
    struct http_response resp = {0};
    struct err err = {0};
    w->created = false;
    w->delivered = false;
    int rv = http_stream(w->http, &req, watch_line, w, &resp, &err);
    if (rv < 0 && rv != -ECANCELED) {
        LOG_V(2, "etcd watch stream broke", "key=%s endpoint=%s error=\"%s\"", w->key,
              w->c->endpoints[e], err.msg);
    } else if (resp.status != 200) {
        LOG_V(2, "etcd watch refused", "key=%s endpoint=%s status=%ld body=%.200s", w->key,
              w->c->endpoints[e], resp.status, resp.body ? resp.body : "");
    }
    http_response_free(&resp);
}

static bool watch_stopping(struct etcd3_watch *w)
{
    pthread_mutex_lock(&w->mu);
    bool s = w->stopping;
    pthread_mutex_unlock(&w->mu);
    return s;
}

/* clientv3's resumption: a broken stream is opened again from the revision after the last one
 * delivered, first at once on the next endpoint, then with capped, jittered backoff. */
static void *watch_thread(void *arg)
{
    struct etcd3_watch *w = arg;
    struct err err = {0};
    pthread_mutex_lock(&w->mu);
    if (!w->stopping) {
        w->http = http_client_new(&w->c->http_cfg, &err);
    }
    pthread_mutex_unlock(&w->mu);
    struct http_backoff backoff = {
        .base_ms = WATCH_BACKOFF_BASE_MS, .cap_ms = WATCH_BACKOFF_CAP_MS, .jitter = 0.5};
    size_t e = atomic_load(&w->c->preferred) % w->c->nendpoints;
    unsigned failures = 0;
    while (w->http != NULL && w->end_code == 0 && !watch_stopping(w)) {
        if (failures > 0 &&
            !watch_wait(w, http_backoff_delay_ms(&backoff, failures - 1, -1, watch_random(w)))) {
            break;
        }
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        watch_stream(w, e);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (w->end_code != 0) {
            break;
        }
        /* A stream that served (events, or a created stream that lived a while) earns an
         * immediate reconnect; one that did not counts towards the backoff. The next try goes
         * to the next endpoint: this one just failed us, and failing over is what costs
         * least when a member died. */
        bool served = w->delivered || (w->created && t1.tv_sec - t0.tv_sec >= 1);
        failures = served ? 0 : failures + 1;
        e = (e + 1) % w->c->nendpoints;
    }
    int code = w->end_code > 1 ? -w->end_code : 0;
    if (w->http == NULL && !watch_stopping(w)) {
        /* The client could not be made (unreadable TLS files since start): nothing to retry. */
        code = err.code ? -err.code : -EINVAL;
        w->end_err = err;
    }
    w->end_cb(w->data, code, code ? &w->end_err : NULL);
    pthread_mutex_lock(&w->mu);
    struct http_client *http = w->http;
    w->http = NULL;
    pthread_mutex_unlock(&w->mu);
    http_client_free(http);
    return NULL;
}

struct etcd3_watch *etcd3_watch_start(struct etcd3 *c, const char *prefix, int64_t start_revision,
                                      etcd3_watch_cb cb, etcd3_watch_end_cb end_cb, void *data,
                                      struct err *err)
{
    if (c == NULL || prefix == NULL || cb == NULL || end_cb == NULL || start_revision < 0) {
        err_set(err, EINVAL, "watch: bad arguments");
        return NULL;
    }
    struct etcd3_watch *w = xcalloc(1, sizeof *w);
    w->c = c;
    w->key = xstrdup(prefix);
    w->range_end = prefix_range_end(prefix, &w->range_end_len);
    w->cb = cb;
    w->end_cb = end_cb;
    w->data = data;
    w->next = start_revision;
    w->rng = (uint64_t)(uintptr_t)w ^ (uint64_t)time(NULL) ^ 0x9e3779b97f4a7c15ull;
    pthread_mutex_init(&w->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cond, &ca);
    pthread_condattr_destroy(&ca);
    int rc = pthread_create(&w->thread, NULL, watch_thread, w);
    if (rc != 0) {
        err_set(err, rc, "watch %.100s: cannot start a thread: %s", prefix, strerror(rc));
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->mu);
        free(w->range_end);
        free(w->key);
        free(w);
        return NULL;
    }
    return w;
}

void etcd3_watch_stop(struct etcd3_watch *w)
{
    if (w == NULL) {
        return;
    }
    pthread_mutex_lock(&w->mu);
    w->stopping = true;
    if (w->http != NULL) {
        http_client_cancel(w->http); /* wakes an idle stream at once; sticky */
    }
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->mu);
    free(w->range_end);
    free(w->key);
    free(w);
}

/* ---- Member health (componentstatuses) ------------------------------------------------------ */

size_t etcd3_endpoint_count(const struct etcd3 *c)
{
    return c->nendpoints;
}

const char *etcd3_endpoint(const struct etcd3 *c, size_t i)
{
    return i < c->nendpoints ? c->endpoints[i] : NULL;
}

int etcd3_endpoint_health(struct etcd3 *c, size_t i, struct err *err)
{
    if (i >= c->nendpoints) {
        return err_set(err, EINVAL, "no etcd endpoint %zu", i);
    }
    struct http_client *http = thread_client(c, err);
    if (http == NULL) {
        return err_wrap(err, "etcd member %s", c->endpoints[i]);
    }
    cleanup_free char *url = xasprintf("%s/health", c->endpoints[i]);
    struct http_response resp = {0};
    int rc = http_do(http, "GET", url, NULL, NULL, 0, &resp, err);
    if (rc < 0) {
        return rc;
    }
    cleanup_json json_t *body = resp.body != NULL ? json_loads(resp.body, 0, NULL) : NULL;
    const char *health = json_string_value(json_object_get(body, "health"));
    if (resp.status != 200 || health == NULL || strcmp(health, "true") != 0) {
        rc = err_set(err, EIO, "etcd member %s is unhealthy: got status %ld: %.200s",
                     c->endpoints[i], resp.status, resp.body != NULL ? resp.body : "");
    }
    http_response_free(&resp);
    return rc;
}
