/* Inside the REST layer: the pieces rest.c, rest_delete.c, rest_watch.c, apply.c,
 * subresources.c and admission.c share — storage keys, object helpers, answers, selectors, the
 * GuaranteedUpdate loop. Not for the HTTP layer (that uses rest.h). */
#ifndef C8S_APISERVER_REST_INTERNAL_H
#define C8S_APISERVER_REST_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "etcd3.h"
#include "jpatch.h"
#include "k8stime.h"
#include "rest.h"

#define LIST_PAGE_MAX    10000
#define UPDATE_RETRIES   16
#define WATCH_BUFFER_MAX (64u * 1024 * 1024)

struct admission;
struct lease_manager;
struct watch_caches;

struct rest {
    struct etcd3 *storage;
    struct rest_options options; /* strings borrowed from the caller */
    struct admission *admission; /* admission.c's state (allocators); NULL before it exists */
    struct watch_caches *caches; /* rest_watch.c's watch caches; NULL when off */
    struct lease_manager *event_leases; /* Events' leases (--event-ttl); NULL when 0 */
};

/* ---- Storage keys (kube-apiserver's layout: /registry/<prefix>/<namespace>/<name>) ---- */

/* The key prefix of a resource: mostly the plural, a few historical ("minions", ...). */
const char *rest_storage_prefix(const struct resource *res);
/* The object's key; a new string. ns is ignored for cluster-scoped resources. */
char *rest_object_key(const struct resource *res, const char *ns, const char *name);
/* Every namespace's objects, or one namespace's; ends with "/". A new string. */
char *rest_list_prefix(const struct resource *res, const char *ns);

/* The lease a create or update of res attaches (the registry's TTLFunc): for Events, one from
 * r->event_leases living at least --event-ttl; 0 for everything else. Returns 0, or the lease
 * grant's error with e filled. Thread-safe. */
int rest_object_lease(struct rest *r, const struct resource *res, int64_t *lease,
                      struct err *e) C8S_MUST_USE;

/* ---- Object helpers ---- */

/* obj's metadata object, created when missing (borrowed reference). */
json_t *rest_meta_of(json_t *obj);
/* A string field of obj's metadata, or NULL (borrowed). */
const char *rest_meta_str(const json_t *obj, const char *field);
void rest_set_resource_version(json_t *obj, int64_t rev);
/* The stored object with its resourceVersion (new reference; NULL when not JSON). */
json_t *rest_decode_stored(const struct etcd3_kv *kv);
/* What is written: obj without resourceVersion and selfLink. A new string. */
char *rest_encode_for_storage(const json_t *obj);
/* A random RFC 4122 version 4 uid. A new string. */
char *rest_random_uid(void);
void rest_now_rfc3339(char buf[K8STIME_STR_MAX]);
/* Whether metadata.generation counts spec changes for this resource. */
bool rest_tracks_generation(const struct resource *res);
/* Whether the resource has a status subresource (then the main resource ignores status). */
bool rest_has_status(const struct resource *res);
/* The resource in the version the request speaks (its URL's), which may differ from
 * call->resource once rest_handle moved a request to the storage version (convert.h). */
const struct resource *rest_served_resource(const struct rest_call *call);
/* obj (call->resource's version, an object or list) in the served version; a new reference. */
json_t *rest_to_served(const struct rest_call *call, const json_t *obj);
/* obj (one object in the served version) in call->resource's version; a new reference. */
json_t *rest_from_served(const struct rest_call *call, const json_t *obj);

/* A request moved to its resource's storage version (convert.h): call is the outer request
 * with the storage resource and, when the client sent one, the field selector in the storage
 * version's labels. Lives on the caller's stack; must not move after init. */
struct rest_storage_call {
    struct rest_call call;
    const struct rest_call *outer; /* borrowed */
    char *field_selector;          /* owned; NULL when the query's is used as is */
};
/* Fills sc from the outer call. NULL, or a 400 Status (`field label not supported: x`) with
 * *code; either way rest_storage_call_done releases sc. */
json_t *rest_storage_call_init(struct rest_storage_call *sc, const struct rest_call *call,
                               int *code);
void rest_storage_call_done(struct rest_storage_call *sc);
/* The field set field selectors match for obj (new reference): metadata.name,
 * metadata.namespace and the per-type fields (spec.nodeName, status.phase, ...). */
json_t *rest_field_set(const struct resource *res, const json_t *obj);

/* ---- Answers: set *code and hand back the body (the reference passes to the caller) ---- */

json_t *rest_answer(int *code, int value, json_t *body);
json_t *rest_answer_status(int *code, json_t *status);
/* The Status of a failed storage call rc (NotFound, AlreadyExists, Conflict, Expired, ...). */
json_t *rest_storage_failure(int *code, int rc, const struct err *e, const struct resource *res,
                             const char *name);

/* ---- Requests ---- */

/* The request body as JSON (JSON, YAML or protobuf by Content-Type), decoded as
 * kube-apiserver decodes it into the kind the request takes (typecheck.h): type mismatches
 * are 400 `<Kind> in version "v1" cannot be handled as a <Kind>: json: ...`, unknown fields
 * are dropped and, by ?fieldValidation=, refused (Strict), warned about (Warn, the default)
 * or ignored. NULL with *error set. */
json_t *rest_decode_body(const struct rest_call *call, json_t **error, int *code);

/* ?fieldValidation= (metav1.FieldValidation*): how unknown and duplicate fields are treated. */
enum rest_field_validation {
    REST_VALIDATION_WARN, /* the default: dropped, with a Warning header each */
    REST_VALIDATION_STRICT,
    REST_VALIDATION_IGNORE,
};

/* The request's directive; NULL, or for a value Kubernetes does not know a 422 Status
 * against CreateOptions/UpdateOptions/PatchOptions by verb, with *code. */
json_t *rest_field_validation(const struct rest_call *call, enum rest_field_validation *out,
                              int *code);

/* Adds a Warning header text to the answer (once per distinct text). Thread-safe as far as
 * the call is: one request runs on one thread. */
void rest_add_warning(const struct rest_call *call, const char *text);

/* Records unknown (strict) field errors as the directive says: Warn adds each as a warning
 * and returns NULL; Ignore returns NULL; Strict returns the owned message
 * "strict decoding error: ..." the caller wraps. NULL when there are none. */
char *rest_strict_errors(const struct rest_call *call, enum rest_field_validation directive,
                         const json_t *unknown);
/* NamespaceLifecycle: NULL when objects may be created in ns, else a Status (404 missing,
 * 403 terminating). */
json_t *rest_check_namespace(struct rest *r, const char *ns, int *code);
/* Generic metadata validation (name, generateName, labels, annotations, ...): NULL or 422. */
json_t *rest_validate_metadata(const struct resource *res, const json_t *obj, int *code);
/* The field manager of a write: ?fieldManager=, else the User-Agent's program name as
 * kube-apiserver derives it ("kubectl-client-side-apply", "kubectl", ...). Borrowed or static. */
const char *rest_field_manager(const struct rest_call *call, char *buf, size_t size);

/* ---- Selectors ---- */

struct rest_selectors {
    struct label_selector *labels;
    struct field_selector *fields;
};

/* Parses labelSelector and fieldSelector; NULL, or a 400 Status with *code. */
json_t *rest_parse_selectors(const struct rest_call *call, struct rest_selectors *s, int *code);
void rest_selectors_free(struct rest_selectors *s);
bool rest_selected(const struct resource *res, const struct rest_selectors *s, const json_t *obj);

/* ---- Verbs shared across files ---- */

/* continue tokens: base64url of {"v":"meta.k8s.io/v1","rv":R,"start":"<key after prefix>\0"}. */
char *rest_encode_continue(int64_t rev, const char *start_after_prefix);
int rest_decode_continue(const char *token, int64_t *rev, char **start);

/* LIST from storage (consistent read, or at a resourceVersion). */
json_t *rest_list(struct rest *r, const struct rest_call *call, int *code);

/* The 200 answer of a LIST: a <Kind>List of items (taken over) at revision; with next_start
 * (the last item's key after the list prefix) a continue token, and remainingItemCount when
 * remaining > 0. */
json_t *rest_list_answer(const struct resource *res, json_t *items, int64_t revision,
                         const char *next_start, int64_t remaining, int *code);

/* Creates obj (already decoded and kind-checked) as POST does: generic metadata, strategy
 * defaults/prepare/validate, admission, the store create. Takes a reference to nothing;
 * obj is changed in place. Returns the answer (201 + object, or a Status). */
json_t *rest_create_object(struct rest *r, const struct rest_call *call, json_t *obj, int *code);

/* The stored object at key with its revision (new reference), or NULL with *failure set. */
json_t *rest_read_current(struct rest *r, const char *key, const struct resource *res,
                          const char *name, int64_t *revision, json_t **failure, int *code);

/* A mutation of GuaranteedUpdate: the desired object (new reference) from the current one, or
 * NULL with *error (a Status) and *code set. */
typedef json_t *(*rest_mutate_fn)(const struct rest_call *call, const json_t *current, void *data,
                                  json_t **error, int *code);

/* Reads, mutates, applies update rules (status vs main resource, generation, strategies,
 * admission) and writes guarded on the read revision, retrying on conflicts unless the desired
 * object named a resourceVersion (then a conflict is the caller's 409). */
json_t *rest_guaranteed_update(struct rest *r, const struct rest_call *call, rest_mutate_fn mutate,
                               void *data, int *code);

/* DELETE of one object / deletecollection (rest_delete.c). */
json_t *rest_delete_one(struct rest *r, const struct rest_call *call, const char *ns,
                        const char *name, int *code);
json_t *rest_delete_collection(struct rest *r, const struct rest_call *call, int *code);

/* ---- Watch caches (rest_watch.c) ---- */

/* Creates r->caches (NULL when caching is off). */
struct watch_caches *rest_caches_new(struct rest *r);
void rest_caches_free(struct watch_caches *c);
/* A LIST served from the watch cache (resourceVersion=0 and the like), or NULL when the cache
 * does not serve this request (then storage does). */
json_t *rest_caches_list(struct rest *r, const struct rest_call *call, int *code);

#endif
