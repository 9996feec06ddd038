/* The generic REST handlers over storage: get, list, create, update, patch, delete,
 * deletecollection and watch for every resource of the table, with kube-apiserver's semantics
 * for metadata (uid, creationTimestamp, resourceVersion = the store's mod_revision, generation,
 * generateName), optimistic concurrency (409 on a stale resourceVersion), label and field
 * selectors, paging with continue tokens, and Status errors. Independent of HTTP: the server
 * hands in a parsed call and sends back what comes out. Thread-safe: calls run on many worker
 * threads at once. */
#ifndef C8S_APISERVER_REST_H
#define C8S_APISERVER_REST_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "etcd3.h"
#include "requestinfo.h"
#include "resources.h"

struct rest;
struct user_info;
struct satoken_signer;

/* What the REST layer needs from the apiserver's flags. Strings are borrowed and must outlive
 * the rest; NULL or 0 takes kube-apiserver's default. */
struct rest_options {
    const char *service_cluster_ip_range;  /* --service-cluster-ip-range (10.0.0.0/24) */
    const char *service_node_port_range;   /* --service-node-port-range (30000-32767) */
    const char *advertise_address;         /* --advertise-address: the kubernetes Endpoints */
    int advertise_port;                    /* the secure port kubernetes Endpoints name */
    const char *disable_admission_plugins; /* --disable-admission-plugins, comma-separated */
    bool watch_cache;                      /* --watch-cache (true) */
    int64_t event_ttl_seconds;             /* --event-ttl in whole seconds; 0: Events stay */
    struct satoken_signer *token_signer;   /* issues TokenRequest tokens; NULL: none */
};

/* storage is borrowed and must outlive the rest; options may be NULL (defaults). Returns NULL
 * with err filled when an option is invalid (a malformed range). */
struct rest *rest_new(struct etcd3 *storage, const struct rest_options *options, struct err *err);
void rest_free(struct rest *r);

/* Looks up a query parameter of the request (NULL when absent). */
typedef const char *(*rest_query_fn)(void *ctx, const char *name);

struct rest_call {
    const struct request_info *info;
    const struct resource *resource; /* resolved from info (group, version, plural) */
    const char *body;                /* request body (borrowed), may be NULL */
    size_t body_len;
    const char *content_type; /* the body's Content-Type, NULL when none */
    rest_query_fn query;
    void *query_ctx;
    const struct user_info *user; /* who asks (admission, field managers); NULL internally */
    const char *user_agent;       /* the User-Agent header, NULL when none */
    /* Watch events carry Tables instead of objects (kubectl get -w with human output);
     * table_include is an enum table_include. */
    bool as_table;
    int table_include;
    /* Collects the texts of the answer's Warning headers (an array of strings the caller owns
     * and sends as `299 - "text"`); NULL drops warnings. */
    json_t *warnings;
};

/* Serves every verb but watch. Returns a new reference to the answer (the object, a list, or a
 * Status) and sets *code to the HTTP status. */
json_t *rest_handle(struct rest *r, const struct rest_call *call, int *code);

/* Creates the namespaces Kubernetes starts with (default, kube-system, kube-public,
 * kube-node-lease) and the `kubernetes` Service when they are missing. Returns 0 or a negative code
 * with err filled. */
int rest_bootstrap(struct rest *r, struct err *err) C8S_MUST_USE;

/* ---- Watch ---- */

struct rest_watch;

/* Called (from a storage thread) when a watch has output after having none. */
typedef void (*rest_watch_ready_cb)(void *data);

/* Starts a watch (GET ...?watch=true): with no resourceVersion (or "0") it first sends ADDED for
 * every matching object, then changes; with a resourceVersion it sends changes after it, or a
 * 410 Expired ERROR event when that version was compacted. Honours labelSelector,
 * fieldSelector and timeoutSeconds. Returns NULL with *error (a Status) and *code set when the
 * request is invalid. */
struct rest_watch *rest_watch_start(struct rest *r, const struct rest_call *call,
                                    rest_watch_ready_cb ready_cb, void *data, json_t **error,
                                    int *code);

/* Copies up to max bytes of pending output (newline-delimited JSON watch events). Sets *ended
 * when the watch is over and everything was read. Never blocks. */
size_t rest_watch_read(struct rest_watch *w, char *buf, size_t max, bool *ended);

/* Stops the watch and frees it (not from the ready callback). */
void rest_watch_free(struct rest_watch *w);

#endif
