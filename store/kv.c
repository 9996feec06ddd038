/* The store's state machine: etcd 3.4's KV, txn, compaction and lease semantics (etcdserver
 * apply.go, v3rpc key.go checks, lessor grant/revoke) over the MVCC index of mvcc.c, speaking
 * the v3 JSON gateway's request and response shapes (base64 bytes, int64 as strings, zero values
 * left out). Requests are parsed once into an arena, validated, then executed. */
#include "kv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "cleanup.h"
#include "jpath.h"
#include "mvcc.h"
#include "xalloc.h"

#define KV_MAX_LEASE_TTL  9000000000LL
#define SNAP_MAGIC        "C8SKVSN1"
#define SNAP_VERSION      1u
#define SNAP_SEED         0xc85eedULL
#define HASH_SEED         0x6b76ULL
#define GATEWAY_OBJ_TYPE  "map[string]json.RawMessage"
#define GATEWAY_LIST_TYPE "[]json.RawMessage"

static const char MSG_EMPTY_KEY[] = "etcdserver: key is not provided";
static const char MSG_KEY_NOT_FOUND[] = "etcdserver: key not found";
static const char MSG_VALUE_PROVIDED[] = "etcdserver: value is provided";
static const char MSG_LEASE_PROVIDED[] = "etcdserver: lease is provided";
static const char MSG_TOO_MANY_OPS[] = "etcdserver: too many operations in txn request";
static const char MSG_DUPLICATE_KEY[] = "etcdserver: duplicate key given in txn request";
static const char MSG_COMPACTED[] = "etcdserver: mvcc: required revision has been compacted";
static const char MSG_FUTURE_REV[] = "etcdserver: mvcc: required revision is a future revision";
static const char MSG_LEASE_NOT_FOUND[] = "etcdserver: requested lease not found";
static const char MSG_LEASE_EXISTS[] = "etcdserver: lease already exists";
static const char MSG_LEASE_TTL_TOO_LARGE[] = "etcdserver: too large lease TTL";

/* ---- errors ---- */

C8S_FMT(4, 5)
static int fail(struct kv_error *err, int grpc_code, int http_status, const char *fmt, ...)
{
    if (err != NULL) {
        err->grpc_code = grpc_code;
        err->http_status = http_status;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return -1;
}

#define FAIL_INVALID(err, ...)    fail((err), 3, 400, __VA_ARGS__)
#define FAIL_OUT_OF_RANGE(err, m) fail((err), 11, 400, "%s", (m))
#define FAIL_NOT_FOUND(err, m)    fail((err), 5, 404, "%s", (m))
#define FAIL_PRECOND(err, m)      fail((err), 9, 412, "%s", (m))

/* ---- a bump allocator for one parsed request ---- */

struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

struct arena {
    struct arena_block *head;
};

static void *arena_alloc(struct arena *a, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    struct arena_block *b = a->head;
    if (b == NULL || b->cap - b->used < n) {
        size_t cap = n > 4096 ? n : 4096;
        b = xmalloc(sizeof *b + cap);
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

static void *arena_zalloc(struct arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

static void arena_free(struct arena *a)
{
    while (a->head != NULL) {
        struct arena_block *b = a->head;
        a->head = b->next;
        free(b);
    }
}

static json_t *b64_json(const uint8_t *p, size_t n)
{
    char stack[512];
    size_t need = b64_encoded_len(n);
    char *buf = need <= sizeof stack ? stack : xmalloc(need);
    size_t len = b64_encode_into(p, n, buf);
    json_t *j = json_stringn_nocheck(buf, len);
    if (buf != stack) {
        free(buf);
    }
    return j;
}

static json_t *i64_json(int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%" PRId64, v);
    return json_stringn_nocheck(buf, (size_t)n);
}

/* ---- reading the gateway's JSON (the grpc-gateway's jsonpb rules and messages) ---- */

struct bytes {
    const uint8_t *p;
    size_t n;
};

/* A field, or NULL when absent or null (both mean the zero value). */
static const json_t *field(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);
    return v == NULL || json_is_null(v) ? NULL : v;
}

static int get_bytes(struct arena *a, const json_t *obj, const char *name, struct bytes *out,
                     struct kv_error *err)
{
    out->p = NULL;
    out->n = 0;
    const json_t *v = field(obj, name);
    if (v == NULL) {
        return 0;
    }
    if (!json_is_string(v)) {
        return FAIL_INVALID(err, "json: cannot unmarshal %s into Go value of type []uint8",
                            jpath_type_name(v));
    }
    uint8_t *buf = NULL;
    struct err e;
    if (b64_decode(json_string_value(v), json_string_length(v), &buf, &out->n, &e) != 0) {
        return FAIL_INVALID(err, "%s", e.msg);
    }
    uint8_t *copy = arena_alloc(a, out->n + 1);
    memcpy(copy, buf, out->n);
    free(buf);
    out->p = copy;
    return 0;
}

static int parse_i64_string(const char *s, int64_t *out, struct kv_error *err)
{
    if (*s == '\0') {
        return FAIL_INVALID(err, "unexpected end of JSON input");
    }
    if (*s != '-' && (*s < '0' || *s > '9')) {
        return FAIL_INVALID(err, "invalid character '%c' looking for beginning of value", *s);
    }
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || end == s) {
        return FAIL_INVALID(err, "json: cannot unmarshal number %s into Go value of type int64", s);
    }
    *out = v;
    return 0;
}

static int get_i64(const json_t *obj, const char *name, int64_t *out, struct kv_error *err)
{
    *out = 0;
    const json_t *v = field(obj, name);
    if (v == NULL) {
        return 0;
    }
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 0;
    }
    if (json_is_string(v)) {
        return parse_i64_string(json_string_value(v), out, err);
    }
    if (json_is_real(v)) {
        return FAIL_INVALID(err, "json: cannot unmarshal number %g into Go value of type int64",
                            json_real_value(v));
    }
    return FAIL_INVALID(err, "json: cannot unmarshal %s into Go value of type int64",
                        jpath_type_name(v));
}

static int get_bool(const json_t *obj, const char *name, bool *out, struct kv_error *err)
{
    *out = false;
    const json_t *v = field(obj, name);
    if (v == NULL) {
        return 0;
    }
    if (!json_is_boolean(v)) {
        return FAIL_INVALID(err, "json: cannot unmarshal %s into Go value of type bool",
                            jpath_type_name(v));
    }
    *out = json_is_true(v);
    return 0;
}

/* Enums come as names or numbers; unknown numbers pass (proto3 open enums), as in etcd. */
static int get_enum(const json_t *obj, const char *name, const char *const *names, int nnames,
                    const char *enum_type, int *out, struct kv_error *err)
{
    *out = 0;
    const json_t *v = field(obj, name);
    if (v == NULL) {
        return 0;
    }
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < INT32_MIN || i > INT32_MAX) {
            return FAIL_INVALID(err, "json: cannot unmarshal number into Go value of type %s",
                                enum_type);
        }
        *out = (int)i;
        return 0;
    }
    if (json_is_string(v)) {
        for (int i = 0; i < nnames; i++) {
            if (strcmp(json_string_value(v), names[i]) == 0) {
                *out = i;
                return 0;
            }
        }
        return FAIL_INVALID(err, "unknown value \"%s\" for enum %s", json_string_value(v),
                            enum_type);
    }
    return FAIL_INVALID(err, "json: cannot unmarshal %s into Go value of type %s",
                        jpath_type_name(v), enum_type);
}

static int want_object(const json_t *v, struct kv_error *err)
{
    if (!json_is_object(v)) {
        return FAIL_INVALID(err, "json: cannot unmarshal %s into Go value of type %s",
                            jpath_type_name(v), GATEWAY_OBJ_TYPE);
    }
    return 0;
}

/* ---- parsed requests ---- */

enum { SORT_NONE = 0, SORT_ASCEND = 1, SORT_DESCEND = 2 };
enum { TARGET_KEY = 0, TARGET_VERSION = 1, TARGET_CREATE = 2, TARGET_MOD = 3, TARGET_VALUE = 4 };
enum { CMP_EQUAL = 0, CMP_GREATER = 1, CMP_LESS = 2, CMP_NOT_EQUAL = 3 };
enum { CT_VERSION = 0, CT_CREATE = 1, CT_MOD = 2, CT_VALUE = 3, CT_LEASE = 4 };

static const char *const SORT_ORDER_NAMES[] = {"NONE", "ASCEND", "DESCEND"};
static const char *const SORT_TARGET_NAMES[] = {"KEY", "VERSION", "CREATE", "MOD", "VALUE"};
static const char *const CMP_RESULT_NAMES[] = {"EQUAL", "GREATER", "LESS", "NOT_EQUAL"};
static const char *const CMP_TARGET_NAMES[] = {"VERSION", "CREATE", "MOD", "VALUE", "LEASE"};

struct range_req {
    struct bytes key, end;
    int64_t limit, revision, min_mod, max_mod, min_create, max_create;
    int sort_order, sort_target;
    bool keys_only, count_only;
};

struct put_req {
    struct bytes key, value;
    int64_t lease;
    bool prev_kv, ignore_value, ignore_lease;
};

struct del_req {
    struct bytes key, end;
    bool prev_kv;
};

struct compare {
    struct bytes key, end, value;
    int target, result;
    int given;   /* which target field the request set (a CT_* value), -1 for none */
    int64_t num; /* version/create/mod/lease when given */
};

enum op_kind { OP_NONE, OP_RANGE, OP_PUT, OP_DELETE, OP_TXN };

struct txn_req;

struct op {
    enum op_kind kind;
    union {
        struct range_req range;
        struct put_req put;
        struct del_req del;
        struct txn_req *txn;
    } u;
};

struct txn_req {
    struct compare *cmp;
    struct op *success, *failure;
    size_t ncmp, nsuccess, nfailure;
    bool succeeded; /* decided on the state before the txn's writes, as etcd's compareToPath */
};

static int parse_range(struct arena *a, const json_t *o, struct range_req *r, struct kv_error *err)
{
    memset(r, 0, sizeof *r);
    if (want_object(o, err) || get_bytes(a, o, "key", &r->key, err) ||
        get_bytes(a, o, "range_end", &r->end, err) || get_i64(o, "limit", &r->limit, err) ||
        get_i64(o, "revision", &r->revision, err) ||
        get_enum(o, "sort_order", SORT_ORDER_NAMES, 3, "etcdserverpb.RangeRequest_SortOrder",
                 &r->sort_order, err) ||
        get_enum(o, "sort_target", SORT_TARGET_NAMES, 5, "etcdserverpb.RangeRequest_SortTarget",
                 &r->sort_target, err) ||
        get_bool(o, "keys_only", &r->keys_only, err) ||
        get_bool(o, "count_only", &r->count_only, err) ||
        get_i64(o, "min_mod_revision", &r->min_mod, err) ||
        get_i64(o, "max_mod_revision", &r->max_mod, err) ||
        get_i64(o, "min_create_revision", &r->min_create, err) ||
        get_i64(o, "max_create_revision", &r->max_create, err)) {
        return -1;
    }
    bool serializable;
    return get_bool(o, "serializable", &serializable, err);
}

static int parse_put(struct arena *a, const json_t *o, struct put_req *p, struct kv_error *err)
{
    memset(p, 0, sizeof *p);
    if (want_object(o, err) || get_bytes(a, o, "key", &p->key, err) ||
        get_bytes(a, o, "value", &p->value, err) || get_i64(o, "lease", &p->lease, err) ||
        get_bool(o, "prev_kv", &p->prev_kv, err) ||
        get_bool(o, "ignore_value", &p->ignore_value, err) ||
        get_bool(o, "ignore_lease", &p->ignore_lease, err)) {
        return -1;
    }
    return 0;
}

static int parse_del(struct arena *a, const json_t *o, struct del_req *d, struct kv_error *err)
{
    memset(d, 0, sizeof *d);
    if (want_object(o, err) || get_bytes(a, o, "key", &d->key, err) ||
        get_bytes(a, o, "range_end", &d->end, err) || get_bool(o, "prev_kv", &d->prev_kv, err)) {
        return -1;
    }
    return 0;
}

static int parse_compare(struct arena *a, const json_t *o, struct compare *c, struct kv_error *err)
{
    memset(c, 0, sizeof *c);
    c->given = -1;
    if (want_object(o, err) ||
        get_enum(o, "result", CMP_RESULT_NAMES, 4, "etcdserverpb.Compare_CompareResult", &c->result,
                 err) ||
        get_enum(o, "target", CMP_TARGET_NAMES, 5, "etcdserverpb.Compare_CompareTarget", &c->target,
                 err) ||
        get_bytes(a, o, "key", &c->key, err) || get_bytes(a, o, "range_end", &c->end, err)) {
        return -1;
    }
    /* the target_union oneof: the last field present in proto order wins */
    static const char *const union_fields[] = {"version", "create_revision", "mod_revision",
                                               "value", "lease"};
    for (int i = 0; i < 5; i++) {
        if (field(o, union_fields[i]) == NULL) {
            continue;
        }
        c->given = i;
        if (i == CT_VALUE) {
            if (get_bytes(a, o, "value", &c->value, err)) {
                return -1;
            }
        } else if (get_i64(o, union_fields[i], &c->num, err)) {
            return -1;
        }
    }
    return 0;
}

static int parse_txn(struct arena *a, const json_t *o, struct txn_req **out, struct kv_error *err);

static int parse_ops(struct arena *a, const json_t *o, const char *name, struct op **ops, size_t *n,
                     struct kv_error *err)
{
    *ops = NULL;
    *n = 0;
    const json_t *arr = field(o, name);
    if (arr == NULL) {
        return 0;
    }
    if (!json_is_array(arr)) {
        return FAIL_INVALID(err, "json: cannot unmarshal %s into Go value of type %s",
                            jpath_type_name(arr), GATEWAY_LIST_TYPE);
    }
    *n = json_array_size(arr);
    *ops = arena_zalloc(a, (*n ? *n : 1) * sizeof **ops);
    for (size_t i = 0; i < *n; i++) {
        const json_t *v = json_array_get(arr, i);
        struct op *op = &(*ops)[i];
        if (json_is_null(v)) {
            continue;
        }
        if (want_object(v, err)) {
            return -1;
        }
        /* a oneof: with several fields set the last in proto order wins */
        const json_t *x;
        if ((x = field(v, "request_range")) != NULL) {
            op->kind = OP_RANGE;
            if (parse_range(a, x, &op->u.range, err)) {
                return -1;
            }
        }
        if ((x = field(v, "request_put")) != NULL) {
            op->kind = OP_PUT;
            if (parse_put(a, x, &op->u.put, err)) {
                return -1;
            }
        }
        if ((x = field(v, "request_delete_range")) != NULL) {
            op->kind = OP_DELETE;
            if (parse_del(a, x, &op->u.del, err)) {
                return -1;
            }
        }
        if ((x = field(v, "request_txn")) != NULL) {
            op->kind = OP_TXN;
            if (parse_txn(a, x, &op->u.txn, err)) {
                return -1;
            }
        }
    }
    return 0;
}

static int parse_txn(struct arena *a, const json_t *o, struct txn_req **out, struct kv_error *err)
{
    struct txn_req *t = arena_zalloc(a, sizeof *t);
    *out = t;
    if (want_object(o, err)) {
        return -1;
    }
    const json_t *arr = field(o, "compare");
    if (arr != NULL) {
        if (!json_is_array(arr)) {
            return FAIL_INVALID(err, "json: cannot unmarshal %s into Go value of type %s",
                                jpath_type_name(arr), GATEWAY_LIST_TYPE);
        }
        t->ncmp = json_array_size(arr);
        t->cmp = arena_zalloc(a, (t->ncmp ? t->ncmp : 1) * sizeof *t->cmp);
        for (size_t i = 0; i < t->ncmp; i++) {
            const json_t *c = json_array_get(arr, i);
            if (json_is_null(c)) {
                t->cmp[i].given = -1;
                continue;
            }
            if (parse_compare(a, c, &t->cmp[i], err)) {
                return -1;
            }
        }
    }
    return parse_ops(a, o, "success", &t->success, &t->nsuccess, err) ||
                   parse_ops(a, o, "failure", &t->failure, &t->nfailure, err)
               ? -1
               : 0;
}

/* ---- validation (etcd's v3rpc checks, which need no state) ---- */

static int check_range(const struct range_req *r, struct kv_error *err)
{
    if (r->key.n == 0) {
        return FAIL_INVALID(err, "%s", MSG_EMPTY_KEY);
    }
    return 0;
}

static int check_put(const struct put_req *p, struct kv_error *err)
{
    if (p->key.n == 0) {
        return FAIL_INVALID(err, "%s", MSG_EMPTY_KEY);
    }
    if (p->ignore_value && p->value.n != 0) {
        return FAIL_INVALID(err, "%s", MSG_VALUE_PROVIDED);
    }
    if (p->ignore_lease && p->lease != 0) {
        return FAIL_INVALID(err, "%s", MSG_LEASE_PROVIDED);
    }
    return 0;
}

static int check_del(const struct del_req *d, struct kv_error *err)
{
    if (d->key.n == 0) {
        return FAIL_INVALID(err, "%s", MSG_EMPTY_KEY);
    }
    return 0;
}

static int check_txn(const struct txn_req *t, int64_t max_ops, struct kv_error *err);

static int check_op(const struct op *op, int64_t max_ops, struct kv_error *err)
{
    switch (op->kind) {
    case OP_RANGE:
        return check_range(&op->u.range, err);
    case OP_PUT:
        return check_put(&op->u.put, err);
    case OP_DELETE:
        return check_del(&op->u.del, err);
    case OP_TXN:
        return check_txn(op->u.txn, max_ops, err);
    default:
        return FAIL_INVALID(err, "%s", MSG_KEY_NOT_FOUND);
    }
}

static int check_txn(const struct txn_req *t, int64_t max_ops, struct kv_error *err)
{
    int64_t opc = (int64_t)t->ncmp;
    if (opc < (int64_t)t->nsuccess) {
        opc = (int64_t)t->nsuccess;
    }
    if (opc < (int64_t)t->nfailure) {
        opc = (int64_t)t->nfailure;
    }
    if (opc > max_ops) {
        return FAIL_INVALID(err, "%s", MSG_TOO_MANY_OPS);
    }
    for (size_t i = 0; i < t->ncmp; i++) {
        if (t->cmp[i].key.n == 0) {
            return FAIL_INVALID(err, "%s", MSG_EMPTY_KEY);
        }
    }
    for (size_t i = 0; i < t->nsuccess; i++) {
        if (check_op(&t->success[i], max_ops - opc, err)) {
            return -1;
        }
    }
    for (size_t i = 0; i < t->nfailure; i++) {
        if (check_op(&t->failure[i], max_ops - opc, err)) {
            return -1;
        }
    }
    return 0;
}

static int bytes_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    if (c != 0) {
        return c;
    }
    return an < bn ? -1 : (an > bn ? 1 : 0);
}

/* The put and delete sets of checkIntervals: puts are keys, deletes [key, end) intervals with
 * a single-key delete as the point interval (end = key + "\0"); bytes compare literally. */
struct ivset {
    struct bytes *puts;
    size_t nputs, cap_puts;
    struct del_req **dels;
    size_t ndels, cap_dels;
};

static void ivset_free(struct ivset *s)
{
    free(s->puts);
    free(s->dels);
    memset(s, 0, sizeof *s);
}

static bool ivset_has_put(const struct ivset *s, const struct bytes *k)
{
    for (size_t i = 0; i < s->nputs; i++) {
        if (bytes_cmp(s->puts[i].p, s->puts[i].n, k->p, k->n) == 0) {
            return true;
        }
    }
    return false;
}

static void ivset_add_put(struct ivset *s, const struct bytes *k)
{
    if (ivset_has_put(s, k)) {
        return;
    }
    if (s->nputs == s->cap_puts) {
        s->cap_puts = s->cap_puts ? s->cap_puts * 2 : 8;
        s->puts = xrealloc(s->puts, s->cap_puts * sizeof *s->puts);
    }
    s->puts[s->nputs++] = *k;
}

static void ivset_add_del(struct ivset *s, struct del_req *d)
{
    if (s->ndels == s->cap_dels) {
        s->cap_dels = s->cap_dels ? s->cap_dels * 2 : 8;
        s->dels = xrealloc(s->dels, s->cap_dels * sizeof *s->dels);
    }
    s->dels[s->ndels++] = d;
}

static bool ivset_dels_hit(const struct ivset *s, const struct bytes *k)
{
    for (size_t i = 0; i < s->ndels; i++) {
        const struct del_req *d = s->dels[i];
        if (d->end.n == 0) {
            if (bytes_cmp(d->key.p, d->key.n, k->p, k->n) == 0) {
                return true;
            }
        } else if (bytes_cmp(d->key.p, d->key.n, k->p, k->n) <= 0 &&
                   bytes_cmp(k->p, k->n, d->end.p, d->end.n) < 0) {
            return true;
        }
    }
    return false;
}

static int check_intervals(struct op *ops, size_t n, struct ivset *out, struct kv_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (ops[i].kind == OP_DELETE) {
            ivset_add_del(out, &ops[i].u.del);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (ops[i].kind != OP_TXN) {
            continue;
        }
        struct ivset then = {0}, els = {0};
        int rv = 0;
        if (check_intervals(ops[i].u.txn->success, ops[i].u.txn->nsuccess, &then, err) ||
            check_intervals(ops[i].u.txn->failure, ops[i].u.txn->nfailure, &els, err)) {
            rv = -1;
        }
        for (size_t j = 0; rv == 0 && j < then.nputs; j++) {
            if (ivset_has_put(out, &then.puts[j]) || ivset_dels_hit(out, &then.puts[j])) {
                rv = FAIL_INVALID(err, "%s", MSG_DUPLICATE_KEY);
            } else {
                ivset_add_put(out, &then.puts[j]);
            }
        }
        for (size_t j = 0; rv == 0 && j < els.nputs; j++) {
            if ((ivset_has_put(out, &els.puts[j]) && !ivset_has_put(&then, &els.puts[j])) ||
                ivset_dels_hit(out, &els.puts[j])) {
                rv = FAIL_INVALID(err, "%s", MSG_DUPLICATE_KEY);
            } else {
                ivset_add_put(out, &els.puts[j]);
            }
        }
        for (size_t j = 0; rv == 0 && j < then.ndels; j++) {
            ivset_add_del(out, then.dels[j]);
        }
        for (size_t j = 0; rv == 0 && j < els.ndels; j++) {
            ivset_add_del(out, els.dels[j]);
        }
        ivset_free(&then);
        ivset_free(&els);
        if (rv != 0) {
            return -1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (ops[i].kind != OP_PUT) {
            continue;
        }
        const struct bytes *k = &ops[i].u.put.key;
        if (ivset_has_put(out, k) || ivset_dels_hit(out, k)) {
            return FAIL_INVALID(err, "%s", MSG_DUPLICATE_KEY);
        }
        ivset_add_put(out, k);
    }
    return 0;
}

static int check_txn_full(struct txn_req *t, int64_t max_ops, struct kv_error *err)
{
    if (check_txn(t, max_ops, err)) {
        return -1;
    }
    struct ivset s = {0};
    int rv = check_intervals(t->success, t->nsuccess, &s, err);
    ivset_free(&s);
    if (rv == 0) {
        rv = check_intervals(t->failure, t->nfailure, &s, err);
        ivset_free(&s);
    }
    return rv;
}

/* ---- leases ---- */

struct kv_lease {
    int64_t id;
    int64_t ttl;
    struct mvcc_key *keys; /* attached keys, linked through mvcc_key.lease_prev/next */
    size_t nkeys;
};

/* Open addressing on the lease ID, with backward-shift deletion. */
struct lease_table {
    struct kv_lease **slots;
    size_t cap, n;
};

static size_t lease_slot(const struct lease_table *t, int64_t id)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h ^ (h >> 29)) & (t->cap - 1);
}

static struct kv_lease *lease_find(const struct lease_table *t, int64_t id)
{
    if (t->cap == 0) {
        return NULL;
    }
    for (size_t i = lease_slot(t, id);; i = (i + 1) & (t->cap - 1)) {
        if (t->slots[i] == NULL) {
            return NULL;
        }
        if (t->slots[i]->id == id) {
            return t->slots[i];
        }
    }
}

static void lease_insert(struct lease_table *t, struct kv_lease *l)
{
    if ((t->n + 1) * 2 > t->cap) {
        struct lease_table nt = {.cap = t->cap ? t->cap * 2 : 16};
        nt.slots = xcalloc(nt.cap, sizeof *nt.slots);
        for (size_t i = 0; i < t->cap; i++) {
            if (t->slots[i] != NULL) {
                lease_insert(&nt, t->slots[i]);
            }
        }
        free(t->slots);
        *t = nt;
    }
    size_t i = lease_slot(t, l->id);
    while (t->slots[i] != NULL) {
        i = (i + 1) & (t->cap - 1);
    }
    t->slots[i] = l;
    t->n++;
}

static void lease_remove(struct lease_table *t, struct kv_lease *l)
{
    size_t i = lease_slot(t, l->id);
    while (t->slots[i] != l) {
        i = (i + 1) & (t->cap - 1);
    }
    t->slots[i] = NULL;
    t->n--;
    for (size_t j = (i + 1) & (t->cap - 1); t->slots[j] != NULL; j = (j + 1) & (t->cap - 1)) {
        size_t home = lease_slot(t, t->slots[j]->id);
        /* move j back to the hole i when its home is not within (i, j] cyclically */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            t->slots[i] = t->slots[j];
            t->slots[j] = NULL;
            i = j;
        }
    }
}

static void lease_table_free(struct lease_table *t)
{
    for (size_t i = 0; i < t->cap; i++) {
        free(t->slots[i]);
    }
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static void lease_attach(struct lease_table *t, struct mvcc_key *k, int64_t id)
{
    struct kv_lease *l = lease_find(t, id);
    if (l == NULL) {
        return;
    }
    k->lease_prev = NULL;
    k->lease_next = l->keys;
    if (l->keys != NULL) {
        l->keys->lease_prev = k;
    }
    l->keys = k;
    l->nkeys++;
}

static void lease_detach(struct lease_table *t, struct mvcc_key *k, int64_t id)
{
    struct kv_lease *l = lease_find(t, id);
    if (l == NULL) {
        return;
    }
    if (k->lease_prev != NULL) {
        k->lease_prev->lease_next = k->lease_next;
    } else if (l->keys == k) {
        l->keys = k->lease_next;
    } else {
        return; /* not attached here */
    }
    if (k->lease_next != NULL) {
        k->lease_next->lease_prev = k->lease_prev;
    }
    k->lease_prev = k->lease_next = NULL;
    l->nkeys--;
}

static int cmp_key_ptr(const void *a, const void *b)
{
    const struct mvcc_key *x = *(struct mvcc_key *const *)a;
    const struct mvcc_key *y = *(struct mvcc_key *const *)b;
    return bytes_cmp(x->key, x->key_len, y->key, y->key_len);
}

/* The lease's keys in key order (new array, free()). */
static struct mvcc_key **lease_sorted_keys(const struct kv_lease *l)
{
    struct mvcc_key **v = xmalloc((l->nkeys ? l->nkeys : 1) * sizeof *v);
    size_t n = 0;
    for (struct mvcc_key *k = l->keys; k != NULL; k = k->lease_next) {
        v[n++] = k;
    }
    qsort(v, n, sizeof *v, cmp_key_ptr);
    return v;
}

/* ---- the store ---- */

struct kv_store {
    struct mvcc *m;
    struct lease_table leases;
    json_t *meta;
    kv_events_cb cb;
    void *cb_data;
    /* scratch for event delivery during apply */
    struct kv_event *events;
    struct kv_kv *prevs;
    size_t cap_events;
};

struct kv_store *kv_new(void)
{
    struct kv_store *kv = xcalloc(1, sizeof *kv);
    kv->m = mvcc_new();
    kv->meta = json_object();
    return kv;
}

void kv_free(struct kv_store *kv)
{
    if (kv == NULL) {
        return;
    }
    mvcc_free(kv->m);
    lease_table_free(&kv->leases);
    json_decref(kv->meta);
    free(kv->events);
    free(kv->prevs);
    free(kv);
}

void kv_set_events_cb(struct kv_store *kv, kv_events_cb cb, void *data)
{
    kv->cb = cb;
    kv->cb_data = data;
}

int64_t kv_revision(const struct kv_store *kv)
{
    return mvcc_revision(kv->m);
}

int64_t kv_compact_revision(const struct kv_store *kv)
{
    return mvcc_compact_revision(kv->m);
}

size_t kv_key_count(const struct kv_store *kv)
{
    return mvcc_live_count(kv->m);
}

size_t kv_size_bytes(const struct kv_store *kv)
{
    return mvcc_size_bytes(kv->m) + kv->leases.n * sizeof(struct kv_lease) +
           kv->leases.cap * sizeof(void *);
}

/* ---- events ---- */

static void kv_of_entry(const struct mvcc_entry *e, struct kv_kv *out)
{
    out->key = e->key->key;
    out->key_len = e->key->key_len;
    out->value = e->tombstone ? NULL : e->value;
    out->value_len = e->tombstone ? 0 : e->value_len;
    out->create_revision = e->create_revision;
    out->mod_revision = e->mod_revision;
    out->version = e->version;
    out->lease = e->lease;
}

static void fill_event(const struct mvcc_entry *e, struct kv_event *ev, struct kv_kv *prev)
{
    ev->is_delete = e->tombstone;
    kv_of_entry(e, &ev->kv);
    const struct mvcc_entry *p = mvcc_entry_prev(e);
    if (p != NULL) {
        kv_of_entry(p, prev);
        ev->prev = prev;
    } else {
        ev->prev = NULL;
    }
}

static void grow_events(struct kv_event **events, struct kv_kv **prevs, size_t *cap, size_t n)
{
    if (n <= *cap) {
        return;
    }
    size_t c = *cap ? *cap : 16;
    while (c < n) {
        c *= 2;
    }
    *events = xrealloc(*events, c * sizeof **events);
    *prevs = xrealloc(*prevs, c * sizeof **prevs);
    *cap = c;
}

/* Commits the open txn and hands its events to the listener. */
static void commit(struct kv_store *kv)
{
    const struct mvcc_entry *const *changes;
    size_t n = mvcc_commit(kv->m, &changes);
    if (n == 0 || kv->cb == NULL) {
        return;
    }
    grow_events(&kv->events, &kv->prevs, &kv->cap_events, n);
    for (size_t i = 0; i < n; i++) {
        fill_event(changes[i], &kv->events[i], &kv->prevs[i]);
    }
    kv->cb(kv->cb_data, kv_revision(kv), kv->events, n);
}

/* ---- key ranges ---- */

enum range_mode { RANGE_SINGLE, RANGE_BOUNDED, RANGE_TO_END };

/* etcd's rules: no range_end = one key, "\0" = every key >= key, else [key, range_end). */
static enum range_mode range_mode_of(const struct bytes *end)
{
    if (end->n == 0) {
        return RANGE_SINGLE;
    }
    if (end->n == 1 && end->p[0] == 0) {
        return RANGE_TO_END;
    }
    return RANGE_BOUNDED;
}

struct evec {
    const struct mvcc_entry **v;
    size_t n, cap;
};

static void evec_push(struct evec *v, const struct mvcc_entry *e)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->v = xrealloc(v->v, v->cap * sizeof *v->v);
    }
    v->v[v->n++] = e;
}

/* Appends the versions visible at rev in [key, end) in key order, at most limit (0 = all).
 * Returns the number of visible keys scanned past the limit when count_rest (for counts of
 * historical reads), else 0. */
static size_t collect_range(const struct mvcc *m, const struct bytes *key, const struct bytes *end,
                            int64_t rev, size_t limit, bool count_rest, struct evec *out)
{
    enum range_mode mode = range_mode_of(end);
    if (mode == RANGE_SINGLE) {
        struct mvcc_key *k = mvcc_find(m, key->p, key->n);
        const struct mvcc_entry *e = k ? mvcc_key_at(k, rev) : NULL;
        if (e != NULL) {
            evec_push(out, e);
        }
        return 0;
    }
    struct mvcc_iter it;
    mvcc_iter_seek(&it, m, key->p, key->n, mode == RANGE_BOUNDED ? end->p : NULL,
                   mode == RANGE_BOUNDED ? end->n : 0);
    size_t rest = 0;
    struct mvcc_key *k;
    while ((k = mvcc_iter_next(&it)) != NULL) {
        const struct mvcc_entry *e = mvcc_key_at(k, rev);
        if (e == NULL) {
            continue;
        }
        if (limit == 0 || out->n < limit) {
            evec_push(out, e);
        } else if (count_rest) {
            rest++;
        } else {
            break;
        }
    }
    mvcc_iter_close(&it);
    return rest;
}

/* Number of keys visible at rev in the range. */
static size_t count_range(const struct mvcc *m, const struct bytes *key, const struct bytes *end,
                          int64_t rev)
{
    enum range_mode mode = range_mode_of(end);
    if (mode == RANGE_SINGLE) {
        struct mvcc_key *k = mvcc_find(m, key->p, key->n);
        return k && mvcc_key_at(k, rev) ? 1 : 0;
    }
    if (rev == mvcc_read_revision(m)) {
        return mvcc_count_live(m, key->p, key->n, mode == RANGE_BOUNDED ? end->p : NULL,
                               mode == RANGE_BOUNDED ? end->n : 0);
    }
    struct evec none = {0};
    size_t n = collect_range(m, key, end, rev, 1, true, &none);
    n += none.n;
    free(none.v);
    return n;
}

/* ---- responses ---- */

static json_t *kv_json(const struct mvcc_entry *e, bool keys_only)
{
    json_t *o = json_object();
    json_object_set_new_nocheck(o, "key", b64_json(e->key->key, e->key->key_len));
    json_object_set_new_nocheck(o, "create_revision", i64_json(e->create_revision));
    json_object_set_new_nocheck(o, "mod_revision", i64_json(e->mod_revision));
    json_object_set_new_nocheck(o, "version", i64_json(e->version));
    if (!keys_only && e->value_len > 0) {
        json_object_set_new_nocheck(o, "value", b64_json(e->value, e->value_len));
    }
    if (e->lease != 0) {
        json_object_set_new_nocheck(o, "lease", i64_json(e->lease));
    }
    return o;
}

static json_t *nested_header(int64_t rev)
{
    json_t *h = json_object();
    json_object_set_new_nocheck(h, "revision", i64_json(rev));
    return h;
}

/* ---- execution ---- */

struct exec {
    struct kv_store *kv;
    bool build; /* build responses (false on members that only replay) */
};

struct sort_item {
    const struct mvcc_entry *e;
    size_t idx;
};

static int cmp_i64(int64_t a, int64_t b)
{
    return a < b ? -1 : (a > b ? 1 : 0);
}

static int cmp_sort_item(const void *pa, const void *pb, int target)
{
    const struct sort_item *a = pa, *b = pb;
    int c = 0;
    switch (target) {
    case TARGET_KEY:
        c = bytes_cmp(a->e->key->key, a->e->key->key_len, b->e->key->key, b->e->key->key_len);
        break;
    case TARGET_VERSION:
        c = cmp_i64(a->e->version, b->e->version);
        break;
    case TARGET_CREATE:
        c = cmp_i64(a->e->create_revision, b->e->create_revision);
        break;
    case TARGET_MOD:
        c = cmp_i64(a->e->mod_revision, b->e->mod_revision);
        break;
    case TARGET_VALUE:
        c = bytes_cmp(a->e->value, a->e->value_len, b->e->value, b->e->value_len);
        break;
    }
    return c;
}

/* Ties keep key order, as Go's insertion sort does for etcd's small results. */
static int cmp_sort_asc(const void *pa, const void *pb, void *target)
{
    int c = cmp_sort_item(pa, pb, *(const int *)target);
    if (c == 0) {
        c = cmp_i64((int64_t)((const struct sort_item *)pa)->idx,
                    (int64_t)((const struct sort_item *)pb)->idx);
    }
    return c;
}

static int cmp_sort_desc(const void *pa, const void *pb, void *target)
{
    int c = -cmp_sort_item(pa, pb, *(const int *)target);
    if (c == 0) {
        c = cmp_i64((int64_t)((const struct sort_item *)pa)->idx,
                    (int64_t)((const struct sort_item *)pb)->idx);
    }
    return c;
}

static void sort_entries(struct evec *v, int order, int target)
{
    if (v->n < 2 || target < TARGET_KEY || target > TARGET_VALUE ||
        (order != SORT_ASCEND && order != SORT_DESCEND)) {
        return;
    }
    struct sort_item *items = xmalloc(v->n * sizeof *items);
    for (size_t i = 0; i < v->n; i++) {
        items[i].e = v->v[i];
        items[i].idx = i;
    }
    qsort_r(items, v->n, sizeof *items, order == SORT_ASCEND ? cmp_sort_asc : cmp_sort_desc,
            &target);
    for (size_t i = 0; i < v->n; i++) {
        v->v[i] = items[i].e;
    }
    free(items);
}

static void prune(struct evec *v, const struct range_req *r)
{
    size_t j = 0;
    for (size_t i = 0; i < v->n; i++) {
        const struct mvcc_entry *e = v->v[i];
        if ((r->max_mod != 0 && e->mod_revision > r->max_mod) ||
            (r->min_mod != 0 && e->mod_revision < r->min_mod) ||
            (r->max_create != 0 && e->create_revision > r->max_create) ||
            (r->min_create != 0 && e->create_revision < r->min_create)) {
            continue;
        }
        v->v[j++] = e;
    }
    v->n = j;
}

/* etcd's applierV3backend.Range: returns the body (with a revision header when nested). */
static json_t *exec_range(struct exec *x, const struct range_req *r, bool nested,
                          struct kv_error *err)
{
    const struct mvcc *m = x->kv->m;
    int64_t cur = mvcc_read_revision(m);
    int64_t rev = r->revision;
    if (rev > cur) {
        FAIL_OUT_OF_RANGE(err, MSG_FUTURE_REV);
        return NULL;
    }
    if (rev <= 0) {
        rev = cur;
    }
    if (rev < mvcc_compact_revision(m)) {
        FAIL_OUT_OF_RANGE(err, MSG_COMPACTED);
        return NULL;
    }
    int64_t fetch = r->limit;
    if (r->sort_order != SORT_NONE || r->min_mod != 0 || r->max_mod != 0 || r->min_create != 0 ||
        r->max_create != 0) {
        fetch = 0;
    }
    if (fetch > 0 && fetch < INT64_MAX) {
        fetch++;
    }
    struct evec kvs = {0};
    size_t count;
    if (r->count_only) {
        count = count_range(m, &r->key, &r->end, rev);
    } else {
        size_t lim = fetch > 0 ? (size_t)fetch : 0;
        bool historical = rev != cur;
        size_t rest = collect_range(m, &r->key, &r->end, rev, lim, historical, &kvs);
        if (lim == 0 || kvs.n < lim || historical) {
            count = kvs.n + rest;
        } else {
            count = count_range(m, &r->key, &r->end, rev);
        }
    }
    prune(&kvs, r);
    int order = r->sort_order;
    if (r->sort_target != TARGET_KEY && order == SORT_NONE) {
        order = SORT_ASCEND;
    }
    if (!(order == SORT_ASCEND && r->sort_target == TARGET_KEY)) {
        sort_entries(&kvs, order, r->sort_target);
    }
    bool more = false;
    if (r->limit > 0 && kvs.n > (uint64_t)r->limit) {
        kvs.n = (size_t)r->limit;
        more = true;
    }
    json_t *resp = json_object();
    if (nested) {
        json_object_set_new_nocheck(resp, "header", nested_header(cur));
    }
    if (kvs.n > 0) {
        json_t *arr = json_array();
        for (size_t i = 0; i < kvs.n; i++) {
            json_array_append_new(arr, kv_json(kvs.v[i], r->keys_only));
        }
        json_object_set_new_nocheck(resp, "kvs", arr);
    }
    if (more) {
        json_object_set_new_nocheck(resp, "more", json_true());
    }
    if (count > 0) {
        json_object_set_new_nocheck(resp, "count", i64_json((int64_t)count));
    }
    free(kvs.v);
    return resp;
}

/* The key's current version (at the read revision) or NULL. */
static const struct mvcc_entry *current_of(const struct mvcc *m, const struct bytes *key)
{
    struct mvcc_key *k = mvcc_find(m, key->p, key->n);
    return k ? mvcc_key_at(k, mvcc_read_revision(m)) : NULL;
}

/* Checks of a put against state (etcd's checkRequestPut / Put outside a txn). */
static int check_put_state(const struct kv_store *kv, const struct put_req *p, struct kv_error *err)
{
    if ((p->ignore_value || p->ignore_lease) && current_of(kv->m, &p->key) == NULL) {
        return FAIL_INVALID(err, "%s", MSG_KEY_NOT_FOUND);
    }
    if (p->lease != 0 && lease_find(&kv->leases, p->lease) == NULL) {
        return FAIL_NOT_FOUND(err, MSG_LEASE_NOT_FOUND);
    }
    return 0;
}

static json_t *exec_put(struct exec *x, const struct put_req *p, bool nested)
{
    struct kv_store *kv = x->kv;
    const struct mvcc_entry *prev = current_of(kv->m, &p->key);
    const uint8_t *value = p->value.p;
    size_t value_len = p->value.n;
    int64_t lease = p->lease;
    if (p->ignore_value && prev != NULL) {
        value = prev->value;
        value_len = prev->value_len;
    }
    if (p->ignore_lease && prev != NULL) {
        lease = prev->lease;
    }
    const struct mvcc_entry *e = mvcc_put(kv->m, p->key.p, p->key.n, value, value_len, lease);
    if (prev != NULL && prev->lease != 0) {
        lease_detach(&kv->leases, e->key, prev->lease);
    }
    if (lease != 0) {
        lease_attach(&kv->leases, e->key, lease);
    }
    if (!x->build) {
        return NULL;
    }
    json_t *resp = json_object();
    if (nested) {
        json_object_set_new_nocheck(resp, "header", nested_header(mvcc_read_revision(kv->m)));
    }
    if (p->prev_kv && prev != NULL) {
        json_object_set_new_nocheck(resp, "prev_kv", kv_json(prev, false));
    }
    return resp;
}

static void tombstone_key(struct kv_store *kv, struct mvcc_key *k)
{
    const struct mvcc_entry *cur = mvcc_key_at(k, mvcc_read_revision(kv->m));
    if (cur != NULL && cur->lease != 0) {
        lease_detach(&kv->leases, k, cur->lease);
    }
    mvcc_tombstone(kv->m, k);
}

static json_t *exec_delete(struct exec *x, const struct del_req *d, bool nested)
{
    struct kv_store *kv = x->kv;
    struct evec found = {0};
    collect_range(kv->m, &d->key, &d->end, mvcc_read_revision(kv->m), 0, false, &found);
    for (size_t i = 0; i < found.n; i++) {
        tombstone_key(kv, found.v[i]->key);
    }
    json_t *resp = NULL;
    if (x->build) {
        resp = json_object();
        if (nested) {
            json_object_set_new_nocheck(resp, "header", nested_header(mvcc_read_revision(kv->m)));
        }
        if (found.n > 0) {
            json_object_set_new_nocheck(resp, "deleted", i64_json((int64_t)found.n));
            if (d->prev_kv) {
                json_t *arr = json_array();
                for (size_t i = 0; i < found.n; i++) {
                    json_array_append_new(arr, kv_json(found.v[i], false));
                }
                json_object_set_new_nocheck(resp, "prev_kvs", arr);
            }
        }
    }
    free(found.v);
    return resp;
}

/* etcd's applyCompare on the current state. */
static bool compare_holds(const struct mvcc *m, const struct compare *c)
{
    struct evec kvs = {0};
    collect_range(m, &c->key, &c->end, mvcc_read_revision(m), 0, false, &kvs);
    bool ok = true;
    if (kvs.n == 0 && c->target == CT_VALUE) {
        ok = false; /* a value compare on a missing key always fails */
    }
    size_t n = kvs.n ? kvs.n : 1;
    for (size_t i = 0; ok && i < n; i++) {
        const struct mvcc_entry *e = kvs.n ? kvs.v[i] : NULL;
        int result = 0;
        int64_t want = c->given == c->target ? c->num : 0;
        switch (c->target) {
        case CT_VALUE: {
            const uint8_t *v = c->given == CT_VALUE ? c->value.p : NULL;
            size_t vn = c->given == CT_VALUE ? c->value.n : 0;
            result = bytes_cmp(e->value, e->value_len, v, vn);
            break;
        }
        case CT_CREATE:
            result = cmp_i64(e ? e->create_revision : 0, want);
            break;
        case CT_MOD:
            result = cmp_i64(e ? e->mod_revision : 0, want);
            break;
        case CT_VERSION:
            result = cmp_i64(e ? e->version : 0, want);
            break;
        case CT_LEASE:
            result = cmp_i64(e ? e->lease : 0, want);
            break;
        default:
            break;
        }
        switch (c->result) {
        case CMP_EQUAL:
            ok = result == 0;
            break;
        case CMP_NOT_EQUAL:
            ok = result != 0;
            break;
        case CMP_GREATER:
            ok = result > 0;
            break;
        case CMP_LESS:
            ok = result < 0;
            break;
        default:
            break;
        }
    }
    free(kvs.v);
    return ok;
}

/* Decides every txn on the chosen path before any write (etcd's compareToPath). */
static void decide(const struct mvcc *m, struct txn_req *t)
{
    t->succeeded = true;
    for (size_t i = 0; i < t->ncmp && t->succeeded; i++) {
        if (!compare_holds(m, &t->cmp[i])) {
            t->succeeded = false;
        }
    }
    struct op *ops = t->succeeded ? t->success : t->failure;
    size_t n = t->succeeded ? t->nsuccess : t->nfailure;
    for (size_t i = 0; i < n; i++) {
        if (ops[i].kind == OP_TXN) {
            decide(m, ops[i].u.txn);
        }
    }
}

static bool txn_is_readonly(const struct txn_req *t)
{
    for (int side = 0; side < 2; side++) {
        const struct op *ops = side ? t->failure : t->success;
        size_t n = side ? t->nfailure : t->nsuccess;
        for (size_t i = 0; i < n; i++) {
            if (ops[i].kind == OP_PUT || ops[i].kind == OP_DELETE ||
                (ops[i].kind == OP_TXN && !txn_is_readonly(ops[i].u.txn))) {
                return false;
            }
        }
    }
    return true;
}

/* etcd's checkRequests over the chosen path, puts (when writing) or ranges. */
static int check_txn_state(const struct kv_store *kv, const struct txn_req *t, bool puts,
                           struct kv_error *err)
{
    const struct op *ops = t->succeeded ? t->success : t->failure;
    size_t n = t->succeeded ? t->nsuccess : t->nfailure;
    for (size_t i = 0; i < n; i++) {
        const struct op *op = &ops[i];
        if (op->kind == OP_TXN) {
            if (check_txn_state(kv, op->u.txn, puts, err)) {
                return -1;
            }
        } else if (puts && op->kind == OP_PUT) {
            if (check_put_state(kv, &op->u.put, err)) {
                return -1;
            }
        } else if (!puts && op->kind == OP_RANGE) {
            int64_t rev = op->u.range.revision;
            if (rev == 0) {
                continue;
            }
            if (rev > mvcc_revision(kv->m)) {
                return FAIL_OUT_OF_RANGE(err, MSG_FUTURE_REV);
            }
            int64_t first = mvcc_compact_revision(kv->m);
            if (rev < (first > 0 ? first : -1)) { /* etcd's FirstRev starts at -1 */
                return FAIL_OUT_OF_RANGE(err, MSG_COMPACTED);
            }
        }
    }
    return 0;
}

static json_t *exec_txn(struct exec *x, const struct txn_req *t, bool nested)
{
    const struct op *ops = t->succeeded ? t->success : t->failure;
    size_t n = t->succeeded ? t->nsuccess : t->nfailure;
    json_t *responses = x->build && n > 0 ? json_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        const struct op *op = &ops[i];
        json_t *r = NULL;
        const char *name = NULL;
        switch (op->kind) {
        case OP_RANGE:
            if (x->build) {
                r = exec_range(x, &op->u.range, true, NULL);
                name = "response_range";
            }
            break;
        case OP_PUT:
            r = exec_put(x, &op->u.put, true);
            name = "response_put";
            break;
        case OP_DELETE:
            r = exec_delete(x, &op->u.del, true);
            name = "response_delete_range";
            break;
        case OP_TXN:
            r = exec_txn(x, op->u.txn, true);
            name = "response_txn";
            break;
        default:
            break;
        }
        if (responses != NULL) {
            json_t *wrap = json_object();
            if (r != NULL) {
                json_object_set_new_nocheck(wrap, name, r);
            }
            json_array_append_new(responses, wrap);
        } else {
            json_decref(r);
        }
    }
    if (!x->build) {
        return NULL;
    }
    json_t *resp = json_object();
    if (nested) {
        json_object_set_new_nocheck(resp, "header", json_object());
    }
    if (t->succeeded) {
        json_object_set_new_nocheck(resp, "succeeded", json_true());
    }
    if (responses != NULL) {
        json_object_set_new_nocheck(resp, "responses", responses);
    }
    return resp;
}

/* ---- commands ---- */

/* Parses and statelessly checks one command; fills whichever request struct applies. */
struct parsed {
    struct arena arena;
    struct range_req range;
    struct put_req put;
    struct del_req del;
    struct txn_req *txn;
    int64_t revision, id, ttl;
    const char *meta_name;
    const json_t *meta_value;
    json_t *empty; /* stands for a NULL request */
};

static int parse_cmd(enum kv_cmd cmd, const json_t *request, int64_t max_ops, bool applying,
                     struct parsed *p, struct kv_error *err)
{
    if (request == NULL) {
        p->empty = json_object();
    }
    const json_t *o = request != NULL ? request : p->empty;
    if (want_object(o, err)) {
        return -1;
    }
    switch (cmd) {
    case KV_CMD_PUT:
        return parse_put(&p->arena, o, &p->put, err) || check_put(&p->put, err) ? -1 : 0;
    case KV_CMD_DELETE_RANGE:
        return parse_del(&p->arena, o, &p->del, err) || check_del(&p->del, err) ? -1 : 0;
    case KV_CMD_TXN:
        return parse_txn(&p->arena, o, &p->txn, err) || check_txn_full(p->txn, max_ops, err) ? -1
                                                                                             : 0;
    case KV_CMD_COMPACT: {
        bool physical;
        return get_i64(o, "revision", &p->revision, err) || get_bool(o, "physical", &physical, err)
                   ? -1
                   : 0;
    }
    case KV_CMD_LEASE_GRANT:
        if (get_i64(o, "ID", &p->id, err) || get_i64(o, "TTL", &p->ttl, err)) {
            return -1;
        }
        if (applying && p->id == 0) { /* the leader fills in the ID after validation */
            return FAIL_NOT_FOUND(err, MSG_LEASE_NOT_FOUND);
        }
        if (p->ttl > KV_MAX_LEASE_TTL) {
            return FAIL_OUT_OF_RANGE(err, MSG_LEASE_TTL_TOO_LARGE);
        }
        return 0;
    case KV_CMD_LEASE_REVOKE:
        return get_i64(o, "ID", &p->id, err);
    case KV_CMD_META_SET: {
        const json_t *name = field(o, "name");
        if (name == NULL || !json_is_string(name) || json_string_length(name) == 0) {
            return FAIL_INVALID(err, "meta: name must be a non-empty string");
        }
        p->meta_name = json_string_value(name);
        p->meta_value = field(o, "value");
        return 0;
    }
    }
    return FAIL_INVALID(err, "unknown command %d", (int)cmd);
}

int kv_validate(enum kv_cmd cmd, const json_t *request, size_t max_txn_ops, struct kv_error *err)
{
    struct parsed p = {0};
    int64_t max_ops = max_txn_ops > INT64_MAX ? INT64_MAX : (int64_t)max_txn_ops;
    int rv = parse_cmd(cmd, request, max_ops, false, &p, err);
    arena_free(&p.arena);
    json_decref(p.empty);
    return rv;
}

static int apply_txn(struct kv_store *kv, struct txn_req *t, struct exec *x, json_t **resp,
                     struct kv_error *err)
{
    decide(kv->m, t);
    if (!txn_is_readonly(t) && check_txn_state(kv, t, true, err)) {
        return -1;
    }
    if (check_txn_state(kv, t, false, err)) {
        return -1;
    }
    *resp = exec_txn(x, t, false);
    commit(kv);
    return 0;
}

static int apply_compact(struct kv_store *kv, int64_t rev, struct kv_error *err)
{
    int64_t compacted = mvcc_compact_revision(kv->m);
    /* etcd starts from compact revision -1, so compacting to 0 on a fresh store succeeds */
    if (rev <= (compacted > 0 ? compacted : -1)) {
        return FAIL_OUT_OF_RANGE(err, MSG_COMPACTED);
    }
    if (rev > mvcc_revision(kv->m)) {
        return FAIL_OUT_OF_RANGE(err, MSG_FUTURE_REV);
    }
    if (rev > compacted) {
        mvcc_compact(kv->m, rev);
    }
    return 0;
}

static int apply_lease_grant(struct kv_store *kv, int64_t id, int64_t ttl, json_t **resp,
                             struct kv_error *err)
{
    if (lease_find(&kv->leases, id) != NULL) {
        return FAIL_PRECOND(err, MSG_LEASE_EXISTS);
    }
    struct kv_lease *l = xcalloc(1, sizeof *l);
    l->id = id;
    l->ttl = ttl;
    lease_insert(&kv->leases, l);
    if (resp != NULL) {
        *resp = json_object();
        json_object_set_new_nocheck(*resp, "ID", i64_json(id));
        json_object_set_new_nocheck(*resp, "TTL", i64_json(ttl));
    }
    return 0;
}

static int apply_lease_revoke(struct kv_store *kv, int64_t id, struct kv_error *err)
{
    struct kv_lease *l = lease_find(&kv->leases, id);
    if (l == NULL) {
        return FAIL_NOT_FOUND(err, MSG_LEASE_NOT_FOUND);
    }
    struct mvcc_key **keys = lease_sorted_keys(l);
    size_t n = l->nkeys;
    for (size_t i = 0; i < n; i++) {
        tombstone_key(kv, keys[i]);
    }
    free(keys);
    lease_remove(&kv->leases, l);
    free(l);
    commit(kv);
    return 0;
}

int kv_apply(struct kv_store *kv, enum kv_cmd cmd, const json_t *request, json_t **response,
             struct kv_error *err)
{
    struct parsed p = {0};
    struct exec x = {.kv = kv, .build = response != NULL};
    json_t *resp = NULL;
    int rv = parse_cmd(cmd, request, INT64_MAX, true, &p, err);
    if (rv != 0) {
        goto out;
    }
    switch (cmd) {
    case KV_CMD_PUT:
        rv = check_put_state(kv, &p.put, err);
        if (rv == 0) {
            resp = exec_put(&x, &p.put, false);
            commit(kv);
        }
        break;
    case KV_CMD_DELETE_RANGE:
        resp = exec_delete(&x, &p.del, false);
        commit(kv);
        break;
    case KV_CMD_TXN:
        rv = apply_txn(kv, p.txn, &x, &resp, err);
        break;
    case KV_CMD_COMPACT:
        rv = apply_compact(kv, p.revision, err);
        break;
    case KV_CMD_LEASE_GRANT:
        rv = apply_lease_grant(kv, p.id, p.ttl, x.build ? &resp : NULL, err);
        break;
    case KV_CMD_LEASE_REVOKE:
        rv = apply_lease_revoke(kv, p.id, err);
        break;
    case KV_CMD_META_SET:
        if (p.meta_value == NULL) {
            json_object_del(kv->meta, p.meta_name);
        } else {
            json_object_set_new(kv->meta, p.meta_name, json_deep_copy(p.meta_value));
        }
        break;
    }
    if (rv == 0 && response != NULL) {
        *response = resp != NULL ? resp : json_object();
        resp = NULL;
    }
out:
    json_decref(resp);
    arena_free(&p.arena);
    json_decref(p.empty);
    return rv;
}

json_t *kv_range(struct kv_store *kv, const json_t *request, struct kv_error *err)
{
    struct arena a = {0};
    struct range_req r;
    json_t *resp = NULL;
    json_t *empty = request == NULL ? json_object() : NULL;
    if (parse_range(&a, request != NULL ? request : empty, &r, err) == 0 &&
        check_range(&r, err) == 0) {
        struct exec x = {.kv = kv, .build = true};
        resp = exec_range(&x, &r, false, err);
    }
    arena_free(&a);
    json_decref(empty);
    return resp;
}

/* ---- watch catch-up ---- */

static bool key_in_range(const uint8_t *k, size_t kn, const uint8_t *key, size_t key_len,
                         const uint8_t *end, size_t end_len)
{
    int c = bytes_cmp(k, kn, key, key_len);
    if (end_len == 0) {
        return c == 0;
    }
    if (c < 0) {
        return false;
    }
    if (end_len == 1 && end[0] == 0) {
        return true;
    }
    return bytes_cmp(k, kn, end, end_len) < 0;
}

int kv_history(struct kv_store *kv, int64_t start_revision, const uint8_t *key, size_t key_len,
               const uint8_t *range_end, size_t range_end_len, kv_events_cb cb, void *data,
               int64_t *compact_revision, struct kv_error *err)
{
    if (start_revision <= 0) {
        return 0;
    }
    int64_t compacted = mvcc_compact_revision(kv->m);
    if (start_revision <= compacted) {
        if (compact_revision != NULL) {
            *compact_revision = compacted;
        }
        return FAIL_OUT_OF_RANGE(err, MSG_COMPACTED);
    }
    struct kv_event *events = NULL;
    struct kv_kv *prevs = NULL;
    size_t cap = 0;
    int64_t cur = mvcc_revision(kv->m);
    for (int64_t rev = start_revision; rev <= cur; rev++) {
        size_t n;
        const struct mvcc_entry *const *changes = mvcc_changes(kv->m, rev, &n);
        grow_events(&events, &prevs, &cap, n);
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            const struct mvcc_entry *e = changes[i];
            if (key_in_range(e->key->key, e->key->key_len, key, key_len, range_end,
                             range_end_len)) {
                fill_event(e, &events[k], &prevs[k]);
                k++;
            }
        }
        if (k > 0) {
            cb(data, rev, events, k);
        }
    }
    free(events);
    free(prevs);
    return 0;
}

/* ---- leases and metadata as state ---- */

bool kv_lease_exists(const struct kv_store *kv, int64_t id)
{
    return lease_find(&kv->leases, id) != NULL;
}

static int cmp_lease_id(const void *a, const void *b)
{
    const struct kv_lease *x = *(struct kv_lease *const *)a;
    const struct kv_lease *y = *(struct kv_lease *const *)b;
    return cmp_i64(x->id, y->id);
}

/* The leases sorted by ID (new array of borrowed pointers, free()). */
static struct kv_lease **leases_sorted(const struct lease_table *t)
{
    struct kv_lease **v = xmalloc((t->n ? t->n : 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slots[i] != NULL) {
            v[n++] = t->slots[i];
        }
    }
    qsort(v, n, sizeof *v, cmp_lease_id);
    return v;
}

json_t *kv_lease_list(const struct kv_store *kv)
{
    struct kv_lease **v = leases_sorted(&kv->leases);
    json_t *arr = json_array();
    for (size_t i = 0; i < kv->leases.n; i++) {
        json_t *o = json_object();
        json_object_set_new_nocheck(o, "ID", i64_json(v[i]->id));
        json_object_set_new_nocheck(o, "TTL", i64_json(v[i]->ttl));
        json_array_append_new(arr, o);
    }
    free(v);
    return arr;
}

int64_t kv_lease_granted_ttl(const struct kv_store *kv, int64_t id, json_t **keys)
{
    const struct kv_lease *l = lease_find(&kv->leases, id);
    if (l == NULL) {
        if (keys != NULL) {
            *keys = json_array();
        }
        return -1;
    }
    if (keys != NULL) {
        struct mvcc_key **v = lease_sorted_keys(l);
        *keys = json_array();
        for (size_t i = 0; i < l->nkeys; i++) {
            json_array_append_new(*keys, b64_json(v[i]->key, v[i]->key_len));
        }
        free(v);
    }
    return l->ttl;
}

const json_t *kv_meta_get(const struct kv_store *kv, const char *name)
{
    return json_object_get(kv->meta, name);
}

/* ---- snapshots ----
 * Layout: "C8SKVSN1", u32 LE format version, the MVCC index (mvcc_encode), uvarint lease count
 * then (varint ID, varint TTL) in ID order, uvarint length + compact JSON of the metadata
 * object (sorted keys), u64 LE checksum (mvcc_hash64) of everything before it. */

static void put_u32(struct mvcc_buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    mvcc_buf_put(b, x, 4);
}

static void put_u64(struct mvcc_buf *b, uint64_t v)
{
    uint8_t x[8];
    for (int i = 0; i < 8; i++) {
        x[i] = (uint8_t)(v >> (8 * i));
    }
    mvcc_buf_put(b, x, 8);
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

int kv_snapshot_save(const struct kv_store *kv, void **buf, size_t *len)
{
    struct mvcc_buf b = {0};
    mvcc_buf_put(&b, SNAP_MAGIC, 8);
    put_u32(&b, SNAP_VERSION);
    mvcc_encode(kv->m, &b);
    struct kv_lease **v = leases_sorted(&kv->leases);
    mvcc_buf_uvarint(&b, kv->leases.n);
    for (size_t i = 0; i < kv->leases.n; i++) {
        mvcc_buf_varint(&b, v[i]->id);
        mvcc_buf_varint(&b, v[i]->ttl);
    }
    free(v);
    char *meta = json_dumps(kv->meta, JSON_COMPACT | JSON_SORT_KEYS);
    size_t mlen = meta ? strlen(meta) : 0;
    mvcc_buf_uvarint(&b, mlen);
    mvcc_buf_put(&b, meta, mlen);
    free(meta);
    put_u64(&b, mvcc_hash64(b.p, b.len, SNAP_SEED));
    *buf = b.p;
    *len = b.len;
    return 0;
}

int kv_snapshot_load(struct kv_store *kv, const void *data, size_t len, struct kv_error *err)
{
    const uint8_t *p = data;
    if (p == NULL || len < 8 + 4 + 8) {
        return fail(err, 13, 500, "snapshot: truncated (%zu bytes)", len);
    }
    if (memcmp(p, SNAP_MAGIC, 8) != 0) {
        return fail(err, 13, 500, "snapshot: not a c8s-store snapshot");
    }
    uint32_t version =
        (uint32_t)p[8] | (uint32_t)p[9] << 8 | (uint32_t)p[10] << 16 | (uint32_t)p[11] << 24;
    if (version != SNAP_VERSION) {
        return fail(err, 13, 500, "snapshot: unsupported format version %u", version);
    }
    if (get_u64(p + len - 8) != mvcc_hash64(p, len - 8, SNAP_SEED)) {
        return fail(err, 13, 500, "snapshot: checksum mismatch");
    }
    struct mvcc_reader r = {.p = p, .len = len - 8, .off = 12};
    struct mvcc *m = mvcc_decode(&r);
    if (m == NULL) {
        return fail(err, 13, 500, "snapshot: malformed key space");
    }
    struct lease_table leases = {0};
    json_t *meta = NULL;
    uint64_t nleases = mvcc_read_uvarint(&r);
    for (uint64_t i = 0; i < nleases && !r.bad; i++) {
        int64_t id = mvcc_read_varint(&r);
        int64_t ttl = mvcc_read_varint(&r);
        if (r.bad || id == 0 || lease_find(&leases, id) != NULL) {
            r.bad = true;
            break;
        }
        struct kv_lease *l = xcalloc(1, sizeof *l);
        l->id = id;
        l->ttl = ttl;
        lease_insert(&leases, l);
    }
    uint64_t mlen = mvcc_read_uvarint(&r);
    const uint8_t *mp = mvcc_read_bytes(&r, mlen);
    if (!r.bad) {
        meta = json_loadb((const char *)mp, mlen, JSON_REJECT_DUPLICATES, NULL);
        if (meta == NULL || !json_is_object(meta) || r.off != r.len) {
            r.bad = true;
        }
    }
    /* attach every live key to its lease; a key naming a missing lease is corrupt state */
    struct mvcc_iter it;
    mvcc_iter_seek(&it, m, (const uint8_t *)"", 0, NULL, 0);
    struct mvcc_key *k;
    while (!r.bad && (k = mvcc_iter_next(&it)) != NULL) {
        const struct mvcc_entry *e = mvcc_key_at(k, mvcc_revision(m));
        if (e == NULL || e->lease == 0) {
            continue;
        }
        if (lease_find(&leases, e->lease) == NULL) {
            r.bad = true;
            break;
        }
        lease_attach(&leases, k, e->lease);
    }
    mvcc_iter_close(&it);
    if (r.bad) {
        mvcc_free(m);
        lease_table_free(&leases);
        json_decref(meta);
        return fail(err, 13, 500, "snapshot: malformed leases or metadata");
    }
    mvcc_free(kv->m);
    lease_table_free(&kv->leases);
    json_decref(kv->meta);
    kv->m = m;
    kv->leases = leases;
    kv->meta = meta;
    return 0;
}

uint32_t kv_hash(const struct kv_store *kv)
{
    uint64_t h = mvcc_hash_state(kv->m, HASH_SEED);
    return (uint32_t)(h ^ (h >> 32));
}
