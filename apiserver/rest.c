/* Generic REST over etcd, following k8s.io/apiserver's registry/generic Store: BeforeCreate
 * fills server-set metadata, updates are GuaranteedUpdate loops guarded on mod_revision,
 * lists are ranges over the resource's key prefix with continue tokens. */
#include "rest.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admission.h"
#include "apply.h"
#include "authn.h"
#include "b64.h"
#include "cleanup.h"
#include "componentstatus.h"
#include "convert.h"
#include "jpatch.h"
#include "k8stime.h"
#include "lease_manager.h"
#include "log.h"
#include "podstream.h"
#include "rest_delete.h"
#include "rest_internal.h"
#include "satoken.h"
#include "selector.h"
#include "smp_builtin.h"
#include "status.h"
#include "strategy.h"
#include "subresources.h"
#include "table.h"
#include "typecheck.h"
#include "validate.h"
#include "xalloc.h"
#include "yamlx.h"

struct rest *rest_new(struct etcd3 *storage, const struct rest_options *options, struct err *err)
{
    struct rest *r = xcalloc(1, sizeof *r);
    r->storage = storage;
    if (options != NULL) {
        r->options = *options;
    } else {
        r->options.watch_cache = true;
    }
    r->admission = admission_new(&r->options, err);
    if (r->admission == NULL) {
        free(r);
        return NULL;
    }
    r->caches = r->options.watch_cache ? rest_caches_new(r) : NULL;
    if (r->options.event_ttl_seconds > 0) {
        r->event_leases = lease_manager_new_etcd(storage);
    }
    return r;
}

void rest_free(struct rest *r)
{
    if (r == NULL) {
        return;
    }
    rest_caches_free(r->caches);
    admission_free(r->admission);
    lease_manager_free(r->event_leases);
    free(r);
}

int rest_object_lease(struct rest *r, const struct resource *res, int64_t *lease, struct err *e)
{
    *lease = 0;
    /* events.k8s.io/v1 Events are stored as core v1 Events: both pass here as the core one. */
    bool event = strcmp(res->plural, "events") == 0 &&
                 (res->group[0] == '\0' || strcmp(res->group, "events.k8s.io") == 0);
    if (!event || r->event_leases == NULL) {
        return 0;
    }
    return lease_manager_get(r->event_leases, r->options.event_ttl_seconds, lease, e);
}

/* ---- Storage keys ---- */

/* kube-apiserver's etcd key prefix of a resource (most are the plural; a few are historical). */
const char *rest_storage_prefix(const struct resource *res)
{
    if (strcmp(res->plural, "services") == 0 && res->group[0] == '\0') {
        return "services/specs";
    }
    if (strcmp(res->plural, "endpoints") == 0 && res->group[0] == '\0') {
        return "services/endpoints";
    }
    if (strcmp(res->plural, "nodes") == 0 && res->group[0] == '\0') {
        return "minions";
    }
    if (strcmp(res->plural, "ingresses") == 0) {
        return "ingress";
    }
    if (strcmp(res->plural, "replicationcontrollers") == 0 && res->group[0] == '\0') {
        return "controllers";
    }
    return res->plural;
}

char *rest_object_key(const struct resource *res, const char *ns, const char *name)
{
    if (res->namespaced) {
        return xasprintf("/registry/%s/%s/%s", rest_storage_prefix(res), ns, name);
    }
    return xasprintf("/registry/%s/%s", rest_storage_prefix(res), name);
}

/* The list prefix: every namespace, or one. Ends with "/". */
char *rest_list_prefix(const struct resource *res, const char *ns)
{
    if (res->namespaced && ns != NULL && ns[0] != '\0') {
        return xasprintf("/registry/%s/%s/", rest_storage_prefix(res), ns);
    }
    return xasprintf("/registry/%s/", rest_storage_prefix(res));
}

/* ---- Object helpers ---- */

json_t *rest_meta_of(json_t *obj)
{
    json_t *m = json_object_get(obj, "metadata");
    if (!json_is_object(m)) {
        m = json_object();
        json_object_set_new(obj, "metadata", m);
    }
    return m;
}

const char *rest_meta_str(const json_t *obj, const char *field)
{
    return json_string_value(json_object_get(json_object_get(obj, "metadata"), field));
}

void rest_set_resource_version(json_t *obj, int64_t rev)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, rev);
    json_object_set_new(rest_meta_of(obj), "resourceVersion", json_string(buf));
}

/* The stored object with its resourceVersion, as a new reference (NULL when not JSON). */
json_t *rest_decode_stored(const struct etcd3_kv *kv)
{
    json_t *obj = json_loadb(kv->value, kv->value_len, 0, NULL);
    if (obj != NULL) {
        rest_set_resource_version(obj, kv->mod_revision);
    }
    return obj;
}

/* What is written: the object without resourceVersion (the store's revision is the truth). */
char *rest_encode_for_storage(const json_t *obj)
{
    cleanup_json json_t *copy = json_deep_copy(obj);
    json_object_del(rest_meta_of(copy), "resourceVersion");
    json_object_del(rest_meta_of(copy), "selfLink");
    return json_dumps(copy, JSON_COMPACT);
}

char *rest_random_uid(void)
{
    unsigned char b[16];
    FILE *f = fopen("/dev/urandom", "rb");
    if (f == NULL || fread(b, 1, sizeof b, f) != sizeof b) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        for (size_t i = 0; i < sizeof b; i++) {
            b[i] = (unsigned char)((uint64_t)ts.tv_nsec >> (i % 8) ^ (uint64_t)rand());
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    return xasprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                     b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
                     b[13], b[14], b[15]);
}

/* names.SimpleNameGenerator: generateName + 5 characters from a consonant-and-digit alphabet. */
static char *generate_name(const char *base)
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    unsigned char r[5] = {0};
    FILE *f = fopen("/dev/urandom", "rb");
    if (f != NULL) {
        if (fread(r, 1, sizeof r, f) != sizeof r) {
            memset(r, 7, sizeof r);
        }
        fclose(f);
    }
    size_t len = strlen(base);
    if (len > 58) {
        len = 58; /* maxGeneratedNameLength = 63 - 5 */
    }
    char suffix[6];
    for (size_t i = 0; i < 5; i++) {
        suffix[i] = alphabet[r[i] % (sizeof alphabet - 1)];
    }
    suffix[5] = '\0';
    return xasprintf("%.*s%s", (int)len, base, suffix);
}

void rest_now_rfc3339(char buf[K8STIME_STR_MAX])
{
    struct timespec now = k8stime_now();
    now.tv_nsec = 0;
    k8stime_format(&now, buf);
}

/* Resources whose strategies keep metadata.generation (those with a spec that controllers
 * observe through status.observedGeneration). */
bool rest_tracks_generation(const struct resource *res)
{
    static const char *const groups[] = {"apps", "batch", "autoscaling", "policy",
                                         "networking.k8s.io"};
    if (res->group[0] == '\0' && strcmp(res->plural, "replicationcontrollers") == 0) {
        return true;
    }
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        if (strcmp(res->group, groups[i]) == 0) {
            return true;
        }
    }
    return false;
}

bool rest_has_status(const struct resource *res)
{
    return resources_find_sub(res, "status") != NULL;
}

const struct resource *rest_served_resource(const struct rest_call *call)
{
    const char *version = call->info != NULL ? call->info->api_version : "";
    if (version[0] == '\0') {
        return call->resource;
    }
    /* The group too: events.k8s.io/v1 events are served by core v1's storage. */
    const char *group = call->info->api_group;
    if (strcmp(version, call->resource->version) == 0 &&
        strcmp(group, call->resource->group) == 0) {
        return call->resource;
    }
    const struct resource *served = resources_find(group, version, call->resource->plural);
    return served != NULL ? served : call->resource;
}

json_t *rest_to_served(const struct rest_call *call, const json_t *obj)
{
    return convert_answer(call->resource, rest_served_resource(call), obj);
}

json_t *rest_from_served(const struct rest_call *call, const json_t *obj)
{
    return convert_object(rest_served_resource(call), call->resource, obj);
}

/* The query of a request moved to the storage version: the field selector in the storage
 * version's labels, every other parameter as the client sent it. */
static const char *storage_query(void *ctx, const char *name)
{
    const struct rest_storage_call *sc = ctx;
    if (strcmp(name, "fieldSelector") == 0 && sc->field_selector != NULL) {
        return sc->field_selector;
    }
    return sc->outer->query(sc->outer->query_ctx, name);
}

json_t *rest_storage_call_init(struct rest_storage_call *sc, const struct rest_call *call,
                               int *code)
{
    memset(sc, 0, sizeof *sc);
    sc->outer = call;
    sc->call = *call;
    sc->call.resource = convert_storage_resource(call->resource);
    const char *selector =
        call->query != NULL ? call->query(call->query_ctx, "fieldSelector") : NULL;
    if (selector != NULL) {
        struct err e = {0};
        sc->field_selector = convert_field_selector(call->resource, selector, &e);
        if (sc->field_selector == NULL) {
            return rest_answer_status(code, status_bad_request(e.msg));
        }
        sc->call.query = storage_query;
        sc->call.query_ctx = sc;
    }
    return NULL;
}

void rest_storage_call_done(struct rest_storage_call *sc)
{
    free(sc->field_selector);
    sc->field_selector = NULL;
}

/* ---- Answers ---- */

json_t *rest_answer(int *code, int value, json_t *body)
{
    *code = value;
    return body;
}

json_t *rest_answer_status(int *code, json_t *status)
{
    *code = status_code(status);
    return status;
}

/* Maps a storage failure to its Status. */
json_t *rest_storage_failure(int *code, int rc, const struct err *e, const struct resource *res,
                             const char *name)
{
    switch (-rc) {
    case ENOENT:
        return rest_answer_status(code, status_not_found(res->group, res->plural, name));
    case EEXIST:
        return rest_answer_status(code, status_already_exists(res->group, res->plural, name));
    case C8S_ECONFLICT:
        return rest_answer_status(code, status_conflict(res->group, res->plural, name, NULL));
    case C8S_EGONE:
        return rest_answer_status(code, status_gone(e->msg));
    case ETIMEDOUT:
        return rest_answer_status(code, status_timeout(e->msg));
    default:
        LOG_W("storage request failed", "resource=%s name=%s error=\"%s\"", res->plural,
              name ? name : "", e->msg);
        return rest_answer_status(code, status_internal(e->msg));
    }
}

/* ---- Body decoding ---- */

void rest_add_warning(const struct rest_call *call, const char *text)
{
    if (call->warnings == NULL) {
        return;
    }
    size_t i;
    json_t *w;
    json_array_foreach (call->warnings, i, w) {
        if (strcmp(json_string_value(w), text) == 0) {
            return;
        }
    }
    json_array_append_new(call->warnings, json_string(text));
}

json_t *rest_field_validation(const struct rest_call *call, enum rest_field_validation *out,
                              int *code)
{
    const char *v = call->query ? call->query(call->query_ctx, "fieldValidation") : NULL;
    *out = REST_VALIDATION_WARN;
    if (v == NULL || v[0] == '\0' || strcmp(v, "Warn") == 0) {
        return NULL;
    }
    if (strcmp(v, "Strict") == 0 || strcmp(v, "Ignore") == 0) {
        *out = v[0] == 'S' ? REST_VALIDATION_STRICT : REST_VALIDATION_IGNORE;
        return NULL;
    }
    const char *verb = call->info->verb;
    const char *options = strcmp(verb, "update") == 0  ? "UpdateOptions"
                          : strcmp(verb, "patch") == 0 ? "PatchOptions"
                                                       : "CreateOptions";
    struct field_errors fe;
    field_errors_init(&fe);
    cleanup_json json_t *bad = json_string(v);
    field_errors_add(&fe, FIELD_NOT_SUPPORTED, "fieldValidation", bad,
                     "\"\", \"Ignore\", \"Strict\", \"Warn\"");
    json_t *s = status_invalid("meta.k8s.io", options, "", &fe);
    field_errors_free(&fe);
    return rest_answer_status(code, s);
}

char *rest_strict_errors(const struct rest_call *call, enum rest_field_validation directive,
                         const json_t *unknown)
{
    if (json_array_size(unknown) == 0 || directive == REST_VALIDATION_IGNORE) {
        return NULL;
    }
    if (directive == REST_VALIDATION_STRICT) {
        return typecheck_strict_message(unknown);
    }
    size_t i;
    const json_t *e;
    json_array_foreach (unknown, i, e) {
        rest_add_warning(call, json_string_value(e));
    }
    return NULL;
}

/* The kind a body decodes into: the resource's, or its subresource's (Scale, Eviction,
 * Binding, TokenRequest); NULL for bodies kube-apiserver does not decode strictly
 * (DeleteOptions). */
static const char *body_schema(const struct rest_call *call, char *buf, size_t size)
{
    const char *verb = call->info->verb;
    if (strcmp(verb, "delete") == 0 || strcmp(verb, "deletecollection") == 0) {
        return NULL;
    }
    /* Patches and apply see the object in the version the request speaks. */
    const struct resource *res = rest_served_resource(call);
    const char *sub = call->info->subresource;
    if (res->group[0] == '\0' && strcmp(res->plural, "bindings") == 0) {
        sub = "binding";
    }
    return typecheck_kind_schema(res->group, res->version, res->kind, sub, buf, size);
}

/* Decodes obj into the request's kind as the create and update handlers do: a decoding error
 * is 400 "<Kind> in version "<v>" cannot be handled as a <Kind>: ...". Unknown fields are
 * dropped from obj. NULL, or the answer with *code. */
static json_t *typecheck_body(const struct rest_call *call, json_t *obj, bool from_yaml, int *code)
{
    char schema[256];
    if (rest_served_resource(call) != call->resource) {
        return NULL; /* serve_converted checked it in the client's version */
    }
    if (body_schema(call, schema, sizeof schema) == NULL) {
        return NULL;
    }
    const char *into = strrchr(schema, '.') + 1;
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    if (kind != NULL && kind[0] != '\0' && strcmp(kind, into) != 0) {
        return NULL; /* the kind checks that follow say what is wrong */
    }
    enum rest_field_validation directive;
    json_t *error = rest_field_validation(call, &directive, code);
    if (error != NULL) {
        return error;
    }
    /* The version part of the body's apiVersion, else the one the kind is served in. */
    const char *api_version = json_string_value(json_object_get(obj, "apiVersion"));
    char version[64];
    if (api_version != NULL && api_version[0] != '\0') {
        const char *slash = strrchr(api_version, '/');
        snprintf(version, sizeof version, "%s", slash ? slash + 1 : api_version);
    } else {
        size_t len = (size_t)(into - 1 - schema);
        const char *v = schema + len;
        while (v > schema && v[-1] != '.') {
            v--;
        }
        snprintf(version, sizeof version, "%.*s", (int)(schema + len - v), v);
    }
    char gvk_kind[128];
    snprintf(gvk_kind, sizeof gvk_kind, "%s", kind != NULL && kind[0] != '\0' ? kind : into);
    struct typecheck_result tc;
    typecheck_value(schema, obj, TYPECHECK_JSON, from_yaml, &tc);
    cleanup_free char *strict =
        tc.error == NULL ? rest_strict_errors(call, directive, tc.unknown) : NULL;
    const char *why = tc.error != NULL ? tc.error : strict;
    if (why != NULL) {
        cleanup_free char *msg = xasprintf("%s in version \"%s\" cannot be handled as a %s: %s",
                                           gvk_kind, version, into, why);
        error = rest_answer_status(code, status_bad_request(msg));
    }
    typecheck_result_free(&tc);
    return error;
}

json_t *rest_decode_body(const struct rest_call *call, json_t **error, int *code)
{
    if (call->body == NULL || call->body_len == 0) {
        *error = rest_answer_status(code, status_bad_request("the body of the request is empty"));
        return NULL;
    }
    struct err e = {0};
    json_t *obj = NULL;
    const char *type = call->content_type ? call->content_type : "application/json";
    bool yaml = strncmp(type, "application/yaml", 16) == 0 ||
                strncmp(type, "application/apply-patch+yaml", 28) == 0;
    if (yaml) {
        obj = yamlx_load(call->body, call->body_len, &e);
    } else {
        json_error_t jerr;
        obj = json_loadb(call->body, call->body_len, 0, &jerr);
        if (obj == NULL) {
            snprintf(e.msg, sizeof e.msg, "%s", jerr.text);
        }
    }
    if (obj == NULL || !json_is_object(obj)) {
        json_decref(obj);
        char *msg = xasprintf("couldn't get version/kind; json parse error: %s", e.msg);
        *error = rest_answer_status(code, status_bad_request(msg));
        free(msg);
        return NULL;
    }
    if ((*error = typecheck_body(call, obj, yaml, code)) != NULL) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

/* The body's apiVersion/kind must be the resource's (or absent). */
static json_t *check_kind(const struct rest_call *call, const json_t *obj, int *code)
{
    const struct resource *res = call->resource;
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    const char *api_version = json_string_value(json_object_get(obj, "apiVersion"));
    char gv[128];
    resources_group_version(res->group, res->version, gv, sizeof gv);
    if ((kind != NULL && strcmp(kind, res->kind) != 0) ||
        (api_version != NULL && strcmp(api_version, gv) != 0)) {
        char *msg = xasprintf("%s in version \"%s\" cannot be handled as a %s: no kind \"%s\" is "
                              "registered for version \"%s\"",
                              kind ? kind : "", res->version, res->kind, kind ? kind : "",
                              api_version ? api_version : "");
        json_t *s = status_bad_request(msg);
        free(msg);
        return rest_answer_status(code, s);
    }
    return NULL;
}

/* ---- Namespaces (NamespaceLifecycle admission) ---- */

json_t *rest_check_namespace(struct rest *r, const char *ns, int *code)
{
    return admission_namespace_lifecycle(r, ns, code);
}

/* ---- Validation shared by create and update ---- */

static size_t validate_name_for(const struct resource *res, const char *name,
                                struct validate_errs *out)
{
    if (strcmp(res->plural, "namespaces") == 0) {
        return validate_name_dns_label(name, false, out);
    }
    if (strcmp(res->plural, "services") == 0 && res->group[0] == '\0') {
        return validate_name_dns1035_label(name, false, out);
    }
    if (strcmp(res->group, "rbac.authorization.k8s.io") == 0) {
        return validate_path_segment_name(name, false, out);
    }
    return validate_name_dns_subdomain(name, false, out);
}

json_t *rest_validate_metadata(const struct resource *res, const json_t *obj, int *code)
{
    struct field_errors fe;
    field_errors_init(&fe);
    const char *name = rest_meta_str(obj, "name");
    struct validate_errs errs = VALIDATE_ERRS_INIT;
    if (name == NULL || name[0] == '\0') {
        field_errors_add(&fe, FIELD_REQUIRED, "metadata.name", NULL,
                         "name or generateName is required");
    } else if (validate_name_for(res, name, &errs) > 0) {
        json_t *bad = json_string(name);
        for (size_t i = 0; i < errs.n; i++) {
            field_errors_add(&fe, FIELD_INVALID, "metadata.name", bad, errs.msg[i]);
        }
        json_decref(bad);
    }
    validate_errs_free(&errs);
    json_t *labels = json_object_get(json_object_get(obj, "metadata"), "labels");
    const char *key;
    json_t *value;
    json_object_foreach (labels, key, value) {
        struct validate_errs le = VALIDATE_ERRS_INIT;
        char field[300];
        snprintf(field, sizeof field, "metadata.labels");
        if (validate_qualified_name(key, &le) > 0) {
            json_t *bad = json_string(key);
            for (size_t i = 0; i < le.n; i++) {
                field_errors_add(&fe, FIELD_INVALID, field, bad, le.msg[i]);
            }
            json_decref(bad);
        }
        validate_errs_free(&le);
        const char *v = json_string_value(value);
        if (v == NULL || validate_label_value(v, &le) > 0) {
            for (size_t i = 0; i < le.n; i++) {
                field_errors_add(&fe, FIELD_INVALID, field, value, le.msg[i]);
            }
        }
        validate_errs_free(&le);
    }
    struct validate_errs ae = VALIDATE_ERRS_INIT;
    json_t *annotations = json_object_get(json_object_get(obj, "metadata"), "annotations");
    if (annotations != NULL && validate_annotations(annotations, "metadata.annotations", &ae) > 0) {
        for (size_t i = 0; i < ae.n; i++) {
            field_errors_add(&fe, FIELD_INVALID, "metadata.annotations", NULL, ae.msg[i]);
        }
    }
    validate_errs_free(&ae);
    json_t *result = NULL;
    if (field_errors_count(&fe) > 0) {
        result = rest_answer_status(code, status_invalid(res->group, res->kind, name, &fe));
    }
    field_errors_free(&fe);
    return result;
}

/* ---- get ---- */

static json_t *do_get(struct rest *r, const struct rest_call *call, int *code)
{
    const struct resource *res = call->resource;
    cleanup_free char *key = rest_object_key(res, call->info->namespace_, call->info->name);
    struct etcd3_kv kv = {0};
    struct err e = {0};
    int rc = etcd3_get(r->storage, key, &kv, NULL, &e);
    if (rc != 0) {
        return rest_storage_failure(code, rc, &e, res, call->info->name);
    }
    json_t *obj = rest_decode_stored(&kv);
    etcd3_kv_free(&kv);
    if (obj == NULL) {
        return rest_answer_status(code, status_internal("stored object is not JSON"));
    }
    return rest_answer(code, 200, obj);
}

/* ---- list ---- */

/* The field set a field selector sees (apiserver's per-type GetAttrs). */
json_t *rest_field_set(const struct resource *res, const json_t *obj)
{
    json_t *f = json_object();
    const char *name = rest_meta_str(obj, "name");
    const char *ns = rest_meta_str(obj, "namespace");
    json_object_set_new(f, "metadata.name", json_string(name ? name : ""));
    if (res->namespaced) {
        json_object_set_new(f, "metadata.namespace", json_string(ns ? ns : ""));
    }
    if (strcmp(res->plural, "pods") == 0) {
        const json_t *spec = json_object_get(obj, "spec");
        const json_t *status = json_object_get(obj, "status");
        const char *node = json_string_value(json_object_get(spec, "nodeName"));
        const char *phase = json_string_value(json_object_get(status, "phase"));
        const char *restart = json_string_value(json_object_get(spec, "restartPolicy"));
        const char *scheduler = json_string_value(json_object_get(spec, "schedulerName"));
        const char *sa = json_string_value(json_object_get(spec, "serviceAccountName"));
        const char *ip = json_string_value(json_object_get(status, "podIP"));
        json_object_set_new(f, "spec.nodeName", json_string(node ? node : ""));
        json_object_set_new(f, "spec.restartPolicy", json_string(restart ? restart : ""));
        json_object_set_new(f, "spec.schedulerName", json_string(scheduler ? scheduler : ""));
        json_object_set_new(f, "spec.serviceAccountName", json_string(sa ? sa : ""));
        json_object_set_new(f, "status.phase", json_string(phase ? phase : ""));
        json_object_set_new(f, "status.podIP", json_string(ip ? ip : ""));
    } else if (strcmp(res->plural, "nodes") == 0) {
        json_t *unsched = json_object_get(json_object_get(obj, "spec"), "unschedulable");
        json_object_set_new(f, "spec.unschedulable",
                            json_string(json_is_true(unsched) ? "true" : "false"));
    } else if (strcmp(res->plural, "namespaces") == 0) {
        const char *phase =
            json_string_value(json_object_get(json_object_get(obj, "status"), "phase"));
        json_object_set_new(f, "status.phase", json_string(phase ? phase : ""));
    } else if (strcmp(res->plural, "replicationcontrollers") == 0) {
        /* ControllerToSelectableFields: status.replicas as a decimal string. */
        char replicas[24];
        snprintf(replicas, sizeof replicas, "%lld",
                 (long long)json_integer_value(
                     json_object_get(json_object_get(obj, "status"), "replicas")));
        json_object_set_new(f, "status.replicas", json_string(replicas));
    } else if (strcmp(res->plural, "secrets") == 0) {
        const char *type = json_string_value(json_object_get(obj, "type"));
        json_object_set_new(f, "type", json_string(type ? type : ""));
    } else if (strcmp(res->plural, "events") == 0) {
        const json_t *io = json_object_get(obj, "involvedObject");
        const char *fields[] = {"kind",       "namespace",       "name",     "uid",
                                "apiVersion", "resourceVersion", "fieldPath"};
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            char k[64];
            snprintf(k, sizeof k, "involvedObject.%s", fields[i]);
            const char *v = json_string_value(json_object_get(io, fields[i]));
            json_object_set_new(f, k, json_string(v ? v : ""));
        }
        const char *reason = json_string_value(json_object_get(obj, "reason"));
        const char *type = json_string_value(json_object_get(obj, "type"));
        json_object_set_new(f, "reason", json_string(reason ? reason : ""));
        json_object_set_new(f, "type", json_string(type ? type : ""));
        /* ToSelectableFields: source is source.component, else the reporting controller. */
        const char *reporting = json_string_value(json_object_get(obj, "reportingComponent"));
        const char *component =
            json_string_value(json_object_get(json_object_get(obj, "source"), "component"));
        json_object_set_new(f, "reportingComponent", json_string(reporting ? reporting : ""));
        json_object_set_new(f, "source",
                            json_string(component && component[0] ? component
                                        : reporting               ? reporting
                                                                  : ""));
    }
    return f;
}

void rest_selectors_free(struct rest_selectors *s)
{
    label_selector_free(s->labels);
    field_selector_free(s->fields);
}

json_t *rest_parse_selectors(const struct rest_call *call, struct rest_selectors *s, int *code)
{
    memset(s, 0, sizeof *s);
    struct err e = {0};
    const char *ls = call->query(call->query_ctx, "labelSelector");
    const char *fs = call->query(call->query_ctx, "fieldSelector");
    if (ls != NULL && (s->labels = label_selector_parse(ls, &e)) == NULL) {
        return rest_answer_status(code, status_bad_request(e.msg));
    }
    if (fs != NULL && (s->fields = field_selector_parse(fs, &e)) == NULL) {
        rest_selectors_free(s);
        return rest_answer_status(code, status_bad_request(e.msg));
    }
    return NULL;
}

bool rest_selected(const struct resource *res, const struct rest_selectors *s, const json_t *obj)
{
    if (s->labels != NULL &&
        !label_selector_matches(s->labels,
                                json_object_get(json_object_get(obj, "metadata"), "labels"))) {
        return false;
    }
    if (s->fields != NULL) {
        cleanup_json json_t *f = rest_field_set(res, obj);
        if (!field_selector_matches(s->fields, f)) {
            return false;
        }
    }
    return true;
}

/* continue = base64url(JSON {"v":"meta.k8s.io/v1","rv":R,"start":"<key after prefix>\0"}). */
char *rest_encode_continue(int64_t rev, const char *start_after_prefix)
{
    cleanup_json json_t *token =
        json_pack("{s:s,s:I,s:s%}", "v", "meta.k8s.io/v1", "rv", (json_int_t)rev, "start",
                  start_after_prefix, strlen(start_after_prefix) + 1);
    cleanup_free char *text = json_dumps(token, JSON_COMPACT);
    char *b = b64_encode((const uint8_t *)text, strlen(text));
    for (char *p = b; *p; p++) {
        *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
    }
    size_t n = strlen(b);
    while (n > 0 && b[n - 1] == '=') {
        b[--n] = '\0';
    }
    return b;
}

int rest_decode_continue(const char *token, int64_t *rev, char **start)
{
    size_t n = strlen(token);
    cleanup_free char *std = xmalloc(n + 4);
    for (size_t i = 0; i < n; i++) {
        std[i] = token[i] == '-' ? '+' : token[i] == '_' ? '/' : token[i];
    }
    while (n % 4 != 0) {
        std[n++] = '=';
    }
    std[n] = '\0';
    cleanup_free uint8_t *raw = NULL;
    size_t raw_len = 0;
    if (b64_decode(std, n, &raw, &raw_len, NULL) != 0) {
        return -EINVAL;
    }
    cleanup_json json_t *t = json_loadb((const char *)raw, raw_len, JSON_ALLOW_NUL, NULL);
    json_t *start_json = json_object_get(t, "start");
    if (!json_is_integer(json_object_get(t, "rv")) || !json_is_string(start_json)) {
        return -EINVAL;
    }
    *rev = json_integer_value(json_object_get(t, "rv"));
    *start = xstrndup(json_string_value(start_json), json_string_length(start_json));
    return 0;
}

json_t *rest_list(struct rest *r, const struct rest_call *call, int *code)
{
    if (r->caches != NULL) {
        json_t *cached = rest_caches_list(r, call, code);
        if (cached != NULL) {
            return cached;
        }
    }
    const struct resource *res = call->resource;
    struct rest_selectors sel;
    json_t *bad = rest_parse_selectors(call, &sel, code);
    if (bad != NULL) {
        return bad;
    }
    cleanup_free char *prefix = rest_list_prefix(res, call->info->namespace_);
    const char *limit_text = call->query(call->query_ctx, "limit");
    const char *cont = call->query(call->query_ctx, "continue");
    const char *rv_text = call->query(call->query_ctx, "resourceVersion");
    const char *rv_match = call->query(call->query_ctx, "resourceVersionMatch");
    int64_t limit = limit_text ? strtoll(limit_text, NULL, 10) : 0;
    int64_t revision = 0;
    cleanup_free char *start = xstrdup(prefix);
    if (cont != NULL && cont[0] != '\0') {
        char *after = NULL;
        if (rest_decode_continue(cont, &revision, &after) != 0) {
            rest_selectors_free(&sel);
            return rest_answer_status(
                code, status_bad_request("continue key is not valid: illegal base64"));
        }
        free(start);
        start = xasprintf("%s%s\x01", prefix, after); /* the token names the last key sent */
        free(after);
    } else if (rv_text != NULL && rv_match != NULL && strcmp(rv_match, "Exact") == 0) {
        revision = strtoll(rv_text, NULL, 10);
    }
    cleanup_free char *end = xstrdup(prefix);
    end[strlen(end) - 1] = (char)(end[strlen(end) - 1] + 1); /* prefix end: '/' + 1 */

    json_t *items = json_array();
    int64_t list_rev = 0;
    bool more = false;
    int64_t remaining = 0;
    cleanup_free char *next_start = NULL;
    /* Page through the store until the limit is filled with selected objects. */
    for (;;) {
        /* With selectors, pages are read large and filtered here (the store cannot filter). */
        int64_t page = 0;
        if (limit > 0) {
            page = sel.labels == NULL && sel.fields == NULL
                       ? limit - (int64_t)json_array_size(items)
                       : LIST_PAGE_MAX;
        }
        struct etcd3_list l = {0};
        struct err e = {0};
        int rc = etcd3_list(r->storage, start, end, page, revision, &l, &e);
        if (rc != 0) {
            json_decref(items);
            rest_selectors_free(&sel);
            if (rc == -C8S_EGONE) {
                return rest_answer_status(
                    code, status_gone("The provided continue parameter is too old to display a "
                                      "consistent list result. You can start a new list without "
                                      "the continue parameter, or use the continue token in this "
                                      "response to retrieve the remainder of the results."));
            }
            return rest_storage_failure(code, rc, &e, res, NULL);
        }
        list_rev = l.revision;
        revision = l.revision; /* later pages read the same snapshot */
        size_t i = 0;
        for (; i < l.count; i++) {
            json_t *obj = rest_decode_stored(&l.kvs[i]);
            if (obj == NULL) {
                continue;
            }
            if (rest_selected(res, &sel, obj)) {
                json_array_append_new(items, obj);
            } else {
                json_decref(obj);
            }
            if (limit > 0 && (int64_t)json_array_size(items) >= limit) {
                i++;
                break;
            }
        }
        bool stopped_early = i < l.count;
        bool store_has_more = l.more || stopped_early;
        if (limit > 0 && (int64_t)json_array_size(items) >= limit && store_has_more) {
            const char *last = l.kvs[i - 1].key;
            free(next_start);
            next_start = xstrdup(last + strlen(prefix));
            more = true;
            if (sel.labels == NULL && sel.fields == NULL) {
                remaining = l.total - (int64_t)i;
            }
            etcd3_list_free(&l);
            break;
        }
        if (!l.more) {
            etcd3_list_free(&l);
            break;
        }
        /* The next page starts just after the last key: for C-string keys that is the key
         * followed by "\x01" (etcd's "\x00" successor, which no stored key can contain). */
        free(start);
        start = xasprintf("%s\x01", l.kvs[l.count - 1].key);
        etcd3_list_free(&l);
    }
    rest_selectors_free(&sel);
    return rest_list_answer(res, items, list_rev, more ? next_start : NULL, remaining, code);
}

json_t *rest_list_answer(const struct resource *res, json_t *items, int64_t revision,
                         const char *next_start, int64_t remaining, int *code)
{
    char gv[128];
    json_t *list_meta = json_object();
    char rev_text[32];
    snprintf(rev_text, sizeof rev_text, "%" PRId64, revision);
    json_object_set_new(list_meta, "resourceVersion", json_string(rev_text));
    if (next_start != NULL) {
        char *token = rest_encode_continue(revision, next_start);
        json_object_set_new(list_meta, "continue", json_string(token));
        free(token);
        if (remaining > 0) {
            json_object_set_new(list_meta, "remainingItemCount", json_integer(remaining));
        }
    }
    char *kind = xasprintf("%sList", res->kind);
    json_t *list = json_pack("{s:s,s:s,s:o,s:o}", "kind", kind, "apiVersion",
                             resources_group_version(res->group, res->version, gv, sizeof gv),
                             "metadata", list_meta, "items", items);
    free(kind);
    return rest_answer(code, 200, list);
}

/* ---- create ---- */

/* BeforeCreate: server-set metadata, status reset, the namespace from the path. */
static json_t *prepare_create(const struct rest_call *call, json_t *obj, int *code)
{
    const struct resource *res = call->resource;
    json_t *meta = rest_meta_of(obj);
    const char *body_ns = rest_meta_str(obj, "namespace");
    if (res->namespaced) {
        if (body_ns != NULL && body_ns[0] != '\0' && strcmp(body_ns, call->info->namespace_) != 0) {
            return rest_answer_status(
                code, status_bad_request("the namespace of the provided object does not "
                                         "match the namespace sent on the request"));
        }
        json_object_set_new(meta, "namespace", json_string(call->info->namespace_));
    } else {
        json_object_del(meta, "namespace");
    }
    const char *name = rest_meta_str(obj, "name");
    const char *generate = rest_meta_str(obj, "generateName");
    if ((name == NULL || name[0] == '\0') && generate != NULL && generate[0] != '\0') {
        char *generated = generate_name(generate);
        json_object_set_new(meta, "name", json_string(generated));
        free(generated);
    }
    char *uid = rest_random_uid();
    json_object_set_new(meta, "uid", json_string(uid));
    free(uid);
    char ts[K8STIME_STR_MAX];
    rest_now_rfc3339(ts);
    json_object_set_new(meta, "creationTimestamp", json_string(ts));
    json_object_del(meta, "resourceVersion");
    json_object_del(meta, "deletionTimestamp");
    json_object_del(meta, "deletionGracePeriodSeconds");
    if (rest_tracks_generation(res)) {
        json_object_set_new(meta, "generation", json_integer(1));
    } else {
        json_object_del(meta, "generation");
    }
    if (strcmp(res->plural, "namespaces") == 0 && res->group[0] == '\0') {
        json_object_set_new(obj, "spec", json_pack("{s:[s]}", "finalizers", "kubernetes"));
        json_object_set_new(obj, "status", json_pack("{s:s}", "phase", "Active"));
        json_t *labels = json_object_get(meta, "labels");
        if (!json_is_object(labels)) {
            labels = json_object();
            json_object_set_new(meta, "labels", labels);
        }
        json_object_set_new(labels, "kubernetes.io/metadata.name",
                            json_string(rest_meta_str(obj, "name")));
    } else if (strcmp(res->plural, "pods") == 0 && res->group[0] == '\0') {
        json_object_set_new(obj, "status", json_pack("{s:s}", "phase", "Pending"));
    } else if (rest_has_status(res)) {
        json_object_set_new(obj, "status", json_object());
    }
    return NULL;
}

/* Strategy validation after the generic metadata checks: NULL or a 422 Status. */
static json_t *validate_object(const struct rest_call *call, const json_t *obj, const json_t *old,
                               int *code)
{
    const struct resource *res = call->resource;
    json_t *error = rest_validate_metadata(res, obj, code);
    if (error != NULL) {
        return error;
    }
    const struct strategy *st = strategy_find(res);
    if (st == NULL || st->validate == NULL) {
        return NULL;
    }
    struct field_errors fe;
    field_errors_init(&fe);
    st->validate(call->info->subresource, obj, old, &fe);
    const struct resource *served = rest_served_resource(call);
    if (served != res) {
        convert_validate(served, obj, old, &fe);
    }
    if (field_errors_count(&fe) > 0) {
        error = rest_answer_status(
            code, status_invalid(res->group, res->kind, rest_meta_str(obj, "name"), &fe));
    }
    field_errors_free(&fe);
    return error;
}

static void apply_defaults(const struct resource *res, json_t *obj)
{
    const struct strategy *st = strategy_find(res);
    if (st != NULL && st->apply_defaults != NULL) {
        st->apply_defaults(obj);
    }
    /* ObjectMeta's maps and lists are omitempty: an emptied one is gone, as after a Go
     * round trip (kubectl label x- leaves no "labels": {}). */
    json_t *meta = json_object_get(obj, "metadata");
    static const char *const omitempty[] = {"labels", "annotations", "finalizers",
                                            "ownerReferences"};
    for (size_t i = 0; i < sizeof omitempty / sizeof omitempty[0]; i++) {
        json_t *v = json_object_get(meta, omitempty[i]);
        if ((json_is_object(v) && json_object_size(v) == 0) ||
            (json_is_array(v) && json_array_size(v) == 0)) {
            json_object_del(meta, omitempty[i]);
        }
    }
}

static bool is_apply(const struct rest_call *call)
{
    return call->content_type != NULL &&
           strncmp(call->content_type, "application/apply-patch+yaml", 28) == 0;
}

static bool is_dry_run(const struct rest_call *call)
{
    const char *dry_run = call->query ? call->query(call->query_ctx, "dryRun") : NULL;
    return dry_run != NULL && strcmp(dry_run, "All") == 0;
}

static struct admission_attributes attributes_of(const struct rest_call *call,
                                                 enum admission_operation op, const char *name)
{
    return (struct admission_attributes){
        .operation = op,
        .resource = call->resource,
        .subresource = call->info->subresource,
        .namespace_ = call->resource->namespaced ? call->info->namespace_ : "",
        .name = name,
        .user = call->user,
        .dry_run = is_dry_run(call),
    };
}

const char *rest_field_manager(const struct rest_call *call, char *buf, size_t size)
{
    const char *manager = call->query ? call->query(call->query_ctx, "fieldManager") : NULL;
    if (manager != NULL && manager[0] != '\0') {
        return manager;
    }
    /* kube-apiserver: the User-Agent up to its first '/', "unknown" without one. */
    const char *agent = call->user_agent;
    if (agent == NULL || agent[0] == '\0') {
        return "unknown";
    }
    size_t n = strcspn(agent, "/");
    snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), agent);
    return buf;
}

/* managedFields as the fieldmanager records them: in the version the request spoke (its
 * apiVersion in the entry, its field paths), whatever version is stored. */
static void track_fields(const struct rest_call *call, json_t *obj, const json_t *old)
{
    char manager_buf[128];
    const char *manager = rest_field_manager(call, manager_buf, sizeof manager_buf);
    const struct resource *served = rest_served_resource(call);
    if (served == call->resource) {
        managedfields_update(call->resource, obj, old, manager, call->info->subresource);
        return;
    }
    cleanup_json json_t *view = rest_to_served(call, obj);
    cleanup_json json_t *old_view = old != NULL ? rest_to_served(call, old) : NULL;
    managedfields_update(served, view, old_view, manager, call->info->subresource);
    json_t *entries = json_object_get(json_object_get(view, "metadata"), "managedFields");
    if (entries != NULL) {
        json_object_set(rest_meta_of(obj), "managedFields", entries);
    } else {
        json_object_del(rest_meta_of(obj), "managedFields");
    }
}

json_t *rest_create_object(struct rest *r, const struct rest_call *call, json_t *obj, int *code)
{
    const struct resource *res = call->resource;
    json_t *error = NULL;
    apply_defaults(res, obj);
    if ((error = prepare_create(call, obj, code)) != NULL) {
        return error;
    }
    const struct strategy *st = strategy_find(res);
    if (st != NULL && st->prepare_create != NULL) {
        st->prepare_create(obj);
    }
    if (res->namespaced &&
        (error = rest_check_namespace(r, call->info->namespace_, code)) != NULL) {
        return error;
    }
    if (json_object_get(obj, "kind") == NULL) {
        char gv[128];
        json_object_set_new(
            obj, "apiVersion",
            json_string(resources_group_version(res->group, res->version, gv, sizeof gv)));
        json_object_set_new(obj, "kind", json_string(res->kind));
    }
    struct admission_attributes attrs =
        attributes_of(call, ADMISSION_CREATE, rest_meta_str(obj, "name"));
    if ((error = admission_mutate(r, &attrs, obj, NULL, code)) != NULL) {
        return error;
    }
    if ((error = validate_object(call, obj, NULL, code)) != NULL ||
        (error = admission_validate(r, &attrs, obj, NULL, code)) != NULL) {
        admission_finish(r, &attrs, obj, NULL, false);
        return error;
    }
    track_fields(call, obj, NULL);
    const char *name = rest_meta_str(obj, "name");
    if (attrs.dry_run) {
        admission_finish(r, &attrs, obj, NULL, false);
        return rest_answer(code, 201, json_incref(obj));
    }
    cleanup_free char *key = rest_object_key(res, call->info->namespace_, name);
    cleanup_free char *value = rest_encode_for_storage(obj);
    int64_t rev = 0;
    struct err e = {0};
    int64_t lease = 0;
    int rc = rest_object_lease(r, res, &lease, &e);
    if (rc == 0) {
        rc = etcd3_create(r->storage, key, value, strlen(value), lease, &rev, &e);
    }
    admission_finish(r, &attrs, obj, NULL, rc == 0);
    if (rc != 0) {
        return rest_storage_failure(code, rc, &e, res, name);
    }
    rest_set_resource_version(obj, rev);
    return rest_answer(code, 201, json_incref(obj));
}

static json_t *do_create(struct rest *r, const struct rest_call *call, int *code)
{
    json_t *error = NULL;
    cleanup_json json_t *obj = rest_decode_body(call, &error, code);
    if (obj == NULL) {
        return error;
    }
    if ((error = check_kind(call, obj, code)) != NULL) {
        return error;
    }
    return rest_create_object(r, call, obj, code);
}

/* ---- update and patch (GuaranteedUpdate) ---- */

/* What an update may change: the main resource keeps the stored status, /status keeps the
 * stored spec and metadata except labels and annotations; server-set metadata always stays. */
static json_t *merge_update(const struct resource *res, const char *subresource,
                            const json_t *current, json_t *desired)
{
    json_t *out = json_deep_copy(desired);
    json_t *meta = rest_meta_of(out);
    const json_t *cur_meta = json_object_get(current, "metadata");
    const char *keep[] = {"uid",
                          "creationTimestamp",
                          "namespace",
                          "deletionTimestamp",
                          "deletionGracePeriodSeconds",
                          "generation"};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        json_t *v = json_object_get(cur_meta, keep[i]);
        if (v != NULL) {
            json_object_set(meta, keep[i], v);
        } else {
            json_object_del(meta, keep[i]);
        }
    }
    bool status_only = subresource != NULL && strcmp(subresource, "status") == 0;
    if (status_only) {
        json_t *status = json_object_get(desired, "status");
        json_decref(out);
        out = json_deep_copy(current);
        if (status != NULL) {
            json_object_set(out, "status", status);
        } else {
            json_object_del(out, "status");
        }
        return out;
    }
    if (rest_has_status(res)) {
        json_t *status = json_object_get(current, "status");
        if (status != NULL) {
            json_object_set(out, "status", status);
        } else {
            json_object_del(out, "status");
        }
    }
    if (strcmp(res->plural, "namespaces") == 0 && res->group[0] == '\0') {
        json_object_set(out, "spec", json_object_get(current, "spec"));
    }
    /* A spec change is a new generation (strategies' PrepareForUpdate). */
    if (rest_tracks_generation(res) &&
        !json_equal(json_object_get(current, "spec"), json_object_get(out, "spec"))) {
        json_int_t gen = json_integer_value(json_object_get(cur_meta, "generation"));
        json_object_set_new(meta, "generation", json_integer(gen + 1));
    }
    return out;
}

/* The stored object at key with its revision, or NULL with *failure (a Status) set. */
json_t *rest_read_current(struct rest *r, const char *key, const struct resource *res,
                          const char *name, int64_t *revision, json_t **failure, int *code)
{
    struct etcd3_kv kv = {0};
    struct err e = {0};
    int rc = etcd3_get(r->storage, key, &kv, NULL, &e);
    if (rc != 0) {
        *failure = rest_storage_failure(code, rc, &e, res, name);
        return NULL;
    }
    json_t *current = rest_decode_stored(&kv);
    *revision = kv.mod_revision;
    etcd3_kv_free(&kv);
    if (current == NULL) {
        *failure = rest_answer_status(code, status_internal("stored object is not JSON"));
    }
    return current;
}

/* Reads, mutates and writes guarded on the read revision, retrying on conflicts unless the
 * caller's object named a resourceVersion (then a conflict is the caller's 409). */
json_t *rest_guaranteed_update(struct rest *r, const struct rest_call *call, rest_mutate_fn mutate,
                               void *data, int *code)
{
    const struct resource *res = call->resource;
    const char *name = call->info->name;
    cleanup_free char *key = rest_object_key(res, call->info->namespace_, name);
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
        json_t *error = NULL;
        cleanup_json json_t *desired = mutate(call, current, data, &error, code);
        if (desired == NULL) {
            return error;
        }
        const char *want_rv = rest_meta_str(desired, "resourceVersion");
        if (want_rv != NULL && want_rv[0] != '\0' && strtoll(want_rv, NULL, 10) != current_rev) {
            return rest_answer_status(code, status_conflict(res->group, res->plural, name, NULL));
        }
        apply_defaults(res, desired);
        cleanup_json json_t *next = merge_update(res, call->info->subresource, current, desired);
        const struct strategy *st = strategy_find(res);
        if (st != NULL && st->prepare_update != NULL) {
            st->prepare_update(call->info->subresource, next, current);
        }
        struct admission_attributes attrs = attributes_of(call, ADMISSION_UPDATE, name);
        if ((error = admission_mutate(r, &attrs, next, current, code)) != NULL) {
            return error;
        }
        if ((error = validate_object(call, next, current, code)) != NULL ||
            (error = admission_validate(r, &attrs, next, current, code)) != NULL) {
            admission_finish(r, &attrs, next, current, false);
            return error;
        }
        if (!is_apply(call)) {
            track_fields(call, next, current);
        }
        /* An update that changes nothing is not written (GuaranteedUpdate skips it). */
        json_object_del(rest_meta_of(next), "resourceVersion");
        json_object_del(rest_meta_of(current), "resourceVersion");
        if (json_equal(next, current) || attrs.dry_run) {
            admission_finish(r, &attrs, next, current, false);
            rest_set_resource_version(next, current_rev);
            return rest_answer(code, 200, json_incref(next));
        }
        int64_t rev = 0;
        bool deleted = false;
        /* An Event's update attaches a fresh lease: its TTL starts again. */
        int64_t lease = 0;
        rc = rest_object_lease(r, res, &lease, &e);
        if (rc == 0) {
            rc = rest_write_update(r, call, key, current, next, current_rev, lease, &rev, &deleted,
                                   &e);
        }
        if (rc == 0 && deleted) {
            /* The last finalizer went: what the object held goes as on a delete. */
            struct admission_attributes gone = attrs;
            gone.operation = ADMISSION_DELETE;
            admission_finish(r, &gone, NULL, current, true);
        } else {
            admission_finish(r, &attrs, next, current, rc == 0);
        }
        if (rc == -C8S_ECONFLICT) {
            if (want_rv != NULL && want_rv[0] != '\0') {
                return rest_answer_status(code,
                                          status_conflict(res->group, res->plural, name, NULL));
            }
            continue;
        }
        if (rc != 0) {
            return rest_storage_failure(code, rc, &e, res, name);
        }
        rest_set_resource_version(next, rev);
        return rest_answer(code, 200, json_incref(next));
    }
    return rest_answer_status(code, status_conflict(res->group, res->plural, name, NULL));
}

static json_t *mutate_replace(const struct rest_call *call, const json_t *current, void *data,
                              json_t **error, int *code)
{
    json_t *body = data;
    const char *name = rest_meta_str(body, "name");
    if (name != NULL && strcmp(name, call->info->name) != 0) {
        char *msg = xasprintf("the name of the object (%s) does not match the name on the URL (%s)",
                              name, call->info->name);
        *error = rest_answer_status(code, status_bad_request(msg));
        free(msg);
        return NULL;
    }
    json_t *out = json_deep_copy(body);
    json_object_set_new(rest_meta_of(out), "name", json_string(call->info->name));
    return out;
}

static json_t *do_update(struct rest *r, const struct rest_call *call, int *code)
{
    json_t *error = NULL;
    cleanup_json json_t *body = rest_decode_body(call, &error, code);
    if (body == NULL) {
        return error;
    }
    if ((error = check_kind(call, body, code)) != NULL) {
        return error;
    }
    return rest_guaranteed_update(r, call, mutate_replace, body, code);
}

/* The patched object decoded into the kind as patch.go does: JSON and merge patches through
 * encoding/json, strategic merge patches through the unstructured converter; errors are 422
 * `"" is invalid: patch: Invalid value: "<patched object or patch>": <why>`. Unknown fields
 * are dropped from out. NULL, or the answer with *code. */
static json_t *typecheck_patched(const struct rest_call *call, const json_t *patch, json_t *out,
                                 bool smp, int *code)
{
    char schema[256];
    if (body_schema(call, schema, sizeof schema) == NULL) {
        return NULL;
    }
    enum rest_field_validation directive;
    json_t *error = rest_field_validation(call, &directive, code);
    if (error != NULL) {
        return error;
    }
    /* What kube-apiserver shows: the patched JSON, or the strategic patch as Go prints a map. */
    cleanup_free char *shown = smp ? typecheck_go_format(patch) : json_dumps(out, JSON_COMPACT);
    struct typecheck_result tc;
    typecheck_value(schema, out, smp ? TYPECHECK_UNSTRUCTURED : TYPECHECK_JSON, false, &tc);
    cleanup_free char *strict =
        tc.error == NULL ? rest_strict_errors(call, directive, tc.unknown) : NULL;
    const char *why = tc.error != NULL ? tc.error : strict;
    if (why != NULL) {
        struct field_errors fe;
        field_errors_init(&fe);
        cleanup_json json_t *bad = json_string(shown);
        field_errors_add(&fe, FIELD_INVALID, "patch", bad, why);
        error = rest_answer_status(code, status_invalid("", "", "", &fe));
        field_errors_free(&fe);
    }
    typecheck_result_free(&tc);
    return error;
}

static json_t *mutate_patch(const struct rest_call *call, const json_t *current, void *data,
                            json_t **error, int *code)
{
    const json_t *patch = data;
    const char *type = call->content_type ? call->content_type : "";
    struct err e = {0};
    json_t *out = NULL;
    /* A patch applies to the object as the client sees it: in the version it speaks. */
    cleanup_json json_t *view = rest_to_served(call, current);
    if (strncmp(type, "application/json-patch+json", 27) == 0) {
        out = jpatch_json_apply(view, patch, &e);
    } else if (strncmp(type, "application/merge-patch+json", 28) == 0) {
        out = jpatch_merge_apply(view, patch, &e);
    } else if (strncmp(type, "application/strategic-merge-patch+json", 38) == 0) {
        out = jpatch_smp_apply(view, patch, &smp_builtin_schema, &e);
    } else {
        *error = rest_answer_status(
            code, status_unsupported_media_type("application/json-patch+json, "
                                                "application/merge-patch+json, "
                                                "application/apply-patch+yaml, "
                                                "application/strategic-merge-patch+json"));
        return NULL;
    }
    if (out == NULL) {
        *error = rest_answer_status(code, e.code == C8S_EINVALID
                                              ? status_new(422, "Invalid", e.msg, NULL, NULL, NULL)
                                              : status_bad_request(e.msg));
        return NULL;
    }
    bool smp = strncmp(type, "application/strategic-merge-patch+json", 38) == 0;
    if ((*error = typecheck_patched(call, patch, out, smp, code)) != NULL) {
        json_decref(out);
        return NULL;
    }
    if (rest_served_resource(call) != call->resource) {
        json_t *stored = rest_from_served(call, out);
        json_decref(out);
        out = stored;
    }
    /* A patch's resourceVersion, if any, is a precondition; the current one otherwise. */
    const char *patch_rv = json_string_value(json_object_get(
        json_object_get(json_is_object(patch) ? patch : NULL, "metadata"), "resourceVersion"));
    if (patch_rv == NULL) {
        json_object_del(rest_meta_of(out), "resourceVersion");
    }
    return out;
}

static json_t *do_patch(struct rest *r, const struct rest_call *call, int *code)
{
    if (call->body == NULL || call->body_len == 0) {
        return rest_answer_status(code, status_bad_request("the body of the request is empty"));
    }
    json_error_t jerr;
    cleanup_json json_t *patch = json_loadb(call->body, call->body_len, 0, &jerr);
    if (patch == NULL) {
        char *msg = xasprintf("error decoding patch: %s", jerr.text);
        json_t *s = status_bad_request(msg);
        free(msg);
        return rest_answer_status(code, s);
    }
    return rest_guaranteed_update(r, call, mutate_patch, patch, code);
}

/* ---- Entry point ---- */

static json_t *serve_subresource(struct rest *r, const struct rest_call *call, int *code)
{
    const struct resource *res = call->resource;
    const char *sub = call->info->subresource;
    if (resources_find_sub(res, sub) == NULL) {
        return rest_answer_status(code,
                                  status_not_found(res->group, res->plural, call->info->name));
    }
    if (strcmp(sub, "scale") == 0) {
        return subresource_scale(r, call, code);
    }
    if (strcmp(sub, "binding") == 0) {
        return subresource_binding(r, call, code);
    }
    if (strcmp(sub, "eviction") == 0) {
        return subresource_eviction(r, call, code);
    }
    if (strcmp(sub, "token") == 0) {
        return satoken_request(r, call, code);
    }
    if (strcmp(sub, "log") == 0 || strcmp(sub, "exec") == 0 || strcmp(sub, "attach") == 0 ||
        strcmp(sub, "portforward") == 0) {
        return podstream_serve(r, call, code);
    }
    return rest_answer_status(code, status_method_not_allowed());
}

/* serve_converted's body once inner (the request in the storage version) is set up. */
static json_t *serve_in_storage_version(struct rest *r, const struct rest_call *call,
                                        struct rest_call *inner, int *code)
{
    const struct resource *served = call->resource;
    const struct resource *storage = inner->resource;
    const char *verb = call->info->verb;
    cleanup_free char *body = NULL;
    if ((strcmp(verb, "create") == 0 || strcmp(verb, "update") == 0) &&
        (call->info->subresource[0] == '\0' || strcmp(call->info->subresource, "status") == 0)) {
        json_t *error = NULL;
        cleanup_json json_t *obj = rest_decode_body(call, &error, code);
        if (obj == NULL) {
            return error;
        }
        if ((error = check_kind(call, obj, code)) != NULL) {
            return error;
        }
        cleanup_json json_t *stored = convert_object(served, storage, obj);
        body = json_dumps(stored, JSON_COMPACT);
        inner->body = body;
        inner->body_len = strlen(body);
        inner->content_type = "application/json";
    }
    return rest_handle(r, inner, code);
}

/* A request in a version other than the storage version (convert.h): the storage version is
 * served, with a whole-object body converted on the way in and the answer on the way out.
 * Patches and apply convert inside the update loop (mutate_patch, apply.c), since they apply
 * to the object in the client's version. */
static json_t *serve_converted(struct rest *r, const struct rest_call *call, int *code)
{
    const struct resource *served = call->resource;
    const struct resource *storage = convert_storage_resource(served);
    struct rest_storage_call sc;
    json_t *refused = rest_storage_call_init(&sc, call, code);
    if (refused != NULL) {
        rest_storage_call_done(&sc);
        return refused;
    }
    struct rest_call *inner = &sc.call;
    json_t *answer = serve_in_storage_version(r, call, inner, code);
    rest_storage_call_done(&sc);
    json_t *out = convert_answer(storage, served, answer);
    json_decref(answer);
    return out;
}

json_t *rest_handle(struct rest *r, const struct rest_call *call, int *code)
{
    const char *write_verb = call->info->verb;
    if (strcmp(write_verb, "create") == 0 || strcmp(write_verb, "update") == 0 ||
        strcmp(write_verb, "patch") == 0) {
        enum rest_field_validation directive;
        json_t *invalid = rest_field_validation(call, &directive, code);
        if (invalid != NULL) {
            return invalid;
        }
    }
    if (convert_is_needed(call->resource)) {
        return serve_converted(r, call, code);
    }
    const struct request_info *info = call->info;
    const char *verb = info->verb;
    if (info->subresource[0] != '\0' && strcmp(info->subresource, "status") != 0) {
        return serve_subresource(r, call, code);
    }
    if (call->resource->group[0] == '\0' &&
        strcmp(call->resource->plural, "componentstatuses") == 0) {
        return componentstatus_serve(r, call, code);
    }
    /* The deprecated POST .../bindings: pods/binding with the pod named in the body. */
    if (call->resource->group[0] == '\0' && strcmp(call->resource->plural, "bindings") == 0) {
        return strcmp(verb, "create") == 0 ? subresource_binding(r, call, code)
                                           : rest_answer_status(code, status_method_not_allowed());
    }
    if (strcmp(verb, "patch") == 0 && is_apply(call)) {
        return apply_patch(r, call, code);
    }
    if (strcmp(verb, "get") == 0) {
        return do_get(r, call, code);
    }
    if (strcmp(verb, "list") == 0) {
        return rest_list(r, call, code);
    }
    if (strcmp(verb, "create") == 0 && info->name[0] == '\0') {
        return do_create(r, call, code);
    }
    if (strcmp(verb, "update") == 0) {
        return do_update(r, call, code);
    }
    if (strcmp(verb, "patch") == 0) {
        return do_patch(r, call, code);
    }
    if (strcmp(verb, "delete") == 0) {
        return rest_delete_one(r, call, info->namespace_, info->name, code);
    }
    if (strcmp(verb, "deletecollection") == 0) {
        return rest_delete_collection(r, call, code);
    }
    return rest_answer_status(code, status_method_not_allowed());
}

int rest_bootstrap(struct rest *r, struct err *err)
{
    static const char *const names[] = {"default", "kube-system", "kube-public", "kube-node-lease"};
    const struct resource *nsres = resources_find("", "v1", "namespaces");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cleanup_json json_t *obj = json_pack("{s:s,s:s,s:{s:s}}", "apiVersion", "v1", "kind",
                                             "Namespace", "metadata", "name", names[i]);
        struct request_info info = {0};
        snprintf(info.name, sizeof info.name, "%s", names[i]);
        struct rest_call call = {.info = &info, .resource = nsres};
        int code = 0;
        json_t *failure = prepare_create(&call, obj, &code);
        json_decref(failure);
        cleanup_free char *key = rest_object_key(nsres, NULL, names[i]);
        cleanup_free char *value = rest_encode_for_storage(obj);
        int64_t rev = 0;
        int rc = etcd3_create(r->storage, key, value, strlen(value), 0, &rev, err);
        if (rc != 0 && rc != -EEXIST) {
            return err_wrap(err, "create namespace %s", names[i]);
        }
    }
    return admission_bootstrap(r, err);
}
