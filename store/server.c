/* etcd v3 JSON gateway on libmicrohttpd in external-epoll mode inside the libuv loop: a uv_poll
 * watches MHD's epoll fd and a timer follows MHD_get_timeout, so HTTP, raft and the state
 * machine share one thread and need no locks. A request that waits (a proposal, a read barrier,
 * a leader) suspends its connection and is resumed with its answer. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>
#include <raft.h>

#include "b64.h"
#include "cleanup.h"
#include "fileio.h"
#include "gojson.h"
#include "http_client.h"
#include "log.h"
#include "member.h"
#include "metrics.h"
#include "watch.h"
#include "xalloc.h"

#define MAX_LISTENERS      4
#define TICK_MS            100
#define STREAM_BLOCK_BYTES (64 * 1024)
#define WATCH_BUFFER_BYTES (16 * 1024 * 1024)
#define ETCD_VERSION       "3.4.23"
#define ETCD_CLUSTER_VER   "3.4.0"
#define MAX_LEASE_TTL      INT64_C(9000000000)

enum route_kind {
    ROUTE_RANGE,
    ROUTE_PUT,
    ROUTE_DELETE_RANGE,
    ROUTE_TXN,
    ROUTE_COMPACT,
    ROUTE_WATCH,
    ROUTE_LEASE_GRANT,
    ROUTE_LEASE_REVOKE,
    ROUTE_LEASE_KEEPALIVE,
    ROUTE_LEASE_TIMETOLIVE,
    ROUTE_LEASE_LEASES,
    ROUTE_STATUS,
    ROUTE_HASH,
    ROUTE_ALARM,
    ROUTE_SNAPSHOT,
    ROUTE_MEMBER_LIST,
    ROUTE_MEMBER_ADD,
    ROUTE_MEMBER_REMOVE,
    ROUTE_PUBLISH, /* c8s-internal: a follower publishing its attributes through the leader */
    ROUTE_HEALTH,
    ROUTE_VERSION,
    ROUTE_METRICS,
};

struct route {
    const char *path;
    enum route_kind kind;
    bool is_get;
};

static const struct route routes[] = {
    {"/v3/kv/range", ROUTE_RANGE, false},
    {"/v3/kv/put", ROUTE_PUT, false},
    {"/v3/kv/deleterange", ROUTE_DELETE_RANGE, false},
    {"/v3/kv/txn", ROUTE_TXN, false},
    {"/v3/kv/compaction", ROUTE_COMPACT, false},
    {"/v3/watch", ROUTE_WATCH, false},
    {"/v3/lease/grant", ROUTE_LEASE_GRANT, false},
    {"/v3/lease/revoke", ROUTE_LEASE_REVOKE, false},
    {"/v3/kv/lease/revoke", ROUTE_LEASE_REVOKE, false},
    {"/v3/lease/keepalive", ROUTE_LEASE_KEEPALIVE, false},
    {"/v3/lease/timetolive", ROUTE_LEASE_TIMETOLIVE, false},
    {"/v3/kv/lease/timetolive", ROUTE_LEASE_TIMETOLIVE, false},
    {"/v3/lease/leases", ROUTE_LEASE_LEASES, false},
    {"/v3/kv/lease/leases", ROUTE_LEASE_LEASES, false},
    {"/v3/maintenance/status", ROUTE_STATUS, false},
    {"/v3/maintenance/hash", ROUTE_HASH, false},
    {"/v3/maintenance/alarm", ROUTE_ALARM, false},
    {"/v3/maintenance/snapshot", ROUTE_SNAPSHOT, false},
    {"/v3/cluster/member/list", ROUTE_MEMBER_LIST, false},
    {"/v3/cluster/member/add", ROUTE_MEMBER_ADD, false},
    {"/v3/cluster/member/remove", ROUTE_MEMBER_REMOVE, false},
    {"/c8s/v1/member/publish", ROUTE_PUBLISH, false},
    {"/health", ROUTE_HEALTH, true},
    {"/version", ROUTE_VERSION, true},
    {"/metrics", ROUTE_METRICS, true},
};

enum request_state {
    REQ_READING,
    REQ_WAITING,  /* suspended until an answer arrives */
    REQ_ANSWERED, /* answer ready, not yet queued */
    REQ_DONE,
};

struct request {
    struct store_server *srv;
    struct MHD_Connection *conn;
    const struct route *route;
    bool method_ok;
    enum request_state state;
    bool suspended;
    char *body;
    size_t len, cap;
    bool too_large;
    size_t total_len; /* bytes received, kept or not */
    json_t *parsed;   /* the request object, kept until the answer (raft borrows it) */
    enum kv_cmd cmd;
    uint64_t deadline_ms;
    uint64_t started_ms;

    unsigned status;
    char *answer; /* owned */
    size_t answer_len;
    const char *content_type;

    struct watch_stream *stream;
    bool stream_suspended;
    bool read_ready; /* a read barrier completed: serve from local state */

    bool forwarded_to_us; /* came from a follower: never forward it again */
    bool unauthenticated; /* no valid client certificate under --client-cert-auth */
    bool forwarding;

    struct request *prev, *next;           /* all live requests */
    struct request *wait_prev, *wait_next; /* waiting for a leader */
    bool in_wait_list;
};

struct lease_timer {
    int64_t id;
    int64_t ttl;
    uint64_t expiry_ms;
    bool revoking;
};

struct store_server {
    uv_loop_t *loop;
    struct kv_store *kv;
    struct raft_node *raft;
    struct watch_hub *hub;
    struct store_server_config cfg;
    char *name;
    char *cluster_token;
    char *advertise_client_urls;
    char *advertise_peer_urls;

    struct MHD_Daemon *daemons[MAX_LISTENERS];
    uv_poll_t polls[MAX_LISTENERS];
    uv_timer_t mhd_timer;
    size_t daemon_count;
    uv_timer_t tick_timer;

    struct request *requests;
    struct request *waiting; /* for a leader */

    struct lease_timer *leases;
    size_t lease_count, lease_cap;
    uint64_t next_lease_seq;

    bool published;
    bool publishing;
    json_t *publish_request; /* borrowed by raft while publishing */
    bool promoting;
    bool closing;
    void (*stop_cb)(void *data);
    void *stop_data;

    struct http_multi *forwarder;
    bool publish_forwarding;
    char *cert_pem, *key_pem, *ca_pem; /* TLS material, alive as long as the daemons */
    bool tls_daemon[MAX_LISTENERS];
    uint64_t leaderless_since_ms; /* 0 while a leader is known */
    bool asking_membership;
    size_t membership_probe; /* which peer to ask next */

    struct metrics_registry *metrics;
    struct metrics_counter *requests_total;
    struct metrics_histogram *request_seconds;
    struct metrics_gauge *has_leader;
    struct metrics_counter *leader_changes;
};

static uint64_t now_ms(const struct store_server *srv)
{
    return uv_now(srv->loop);
}

/* ---- Answers ---- */

static char *u64_text(uint64_t v, char *buf, size_t size)
{
    snprintf(buf, size, "%llu", (unsigned long long)v);
    return buf;
}

static json_t *json_u64(uint64_t v)
{
    char buf[24];
    return json_string(u64_text(v, buf, sizeof buf));
}

static json_t *make_header(const struct store_server *srv, bool with_revision)
{
    json_t *h = json_object();
    json_object_set_new(h, "cluster_id", json_u64(srv->cfg.cluster_id));
    json_object_set_new(h, "member_id", json_u64(srv->cfg.member_id));
    if (with_revision) {
        json_object_set_new(h, "revision", json_u64((uint64_t)kv_revision(srv->kv)));
    }
    json_object_set_new(h, "raft_term", json_u64(srv->raft ? raft_node_term(srv->raft) : 0));
    return h;
}

static void watch_header(void *data, json_t *header)
{
    struct store_server *srv = data;
    json_object_set_new(header, "cluster_id", json_u64(srv->cfg.cluster_id));
    json_object_set_new(header, "member_id", json_u64(srv->cfg.member_id));
    json_object_set_new(header, "raft_term", json_u64(srv->raft ? raft_node_term(srv->raft) : 0));
}

static void on_mhd_timer(uv_timer_t *timer);

/* MHD needs a run after a resume (its header says so); in external mode nothing wakes the
 * epoll fd for it, so ask the loop for one right away. */
static void schedule_mhd_run(struct store_server *srv)
{
    if (!srv->closing) {
        uv_timer_start(&srv->mhd_timer, on_mhd_timer, 0, 0);
    }
}

static void resume(struct request *r)
{
    if (r->suspended) {
        r->suspended = false;
        MHD_resume_connection(r->conn);
        schedule_mhd_run(r->srv);
    }
}

/* Takes ownership of text. */
static void answer_text(struct request *r, unsigned status, char *text, size_t len,
                        const char *content_type)
{
    free(r->answer);
    r->status = status;
    r->answer = text;
    r->answer_len = len;
    r->content_type = content_type;
    r->state = REQ_ANSWERED;
    resume(r);
}

/* Takes ownership of body. */
static void answer_json(struct request *r, unsigned status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    answer_text(r, status, text, strlen(text), "application/json");
}

static void answer_error(struct request *r, unsigned status, int grpc_code, const char *message)
{
    json_t *body = json_object();
    json_object_set_new(body, "error", json_string(message));
    json_object_set_new(body, "message", json_string(message));
    json_object_set_new(body, "code", json_integer(grpc_code));
    answer_json(r, status, body);
}

static void answer_kv_error(struct request *r, const struct kv_error *e)
{
    answer_error(r, (unsigned)e->http_status, e->grpc_code, e->message);
}

/* A header first, then the fields of body (consumed). */
static void answer_with_header(struct request *r, json_t *body, bool with_revision)
{
    json_t *out = json_object();
    json_object_set_new(out, "header", make_header(r->srv, with_revision));
    if (body != NULL) {
        json_object_update(out, body);
        json_decref(body);
    }
    answer_json(r, 200, out);
}

static void answer_raft_failure(struct request *r, int status)
{
    if (status < 0) {
        status = -status;
    }
    switch (status) {
    case RAFT_LEADERSHIPLOST:
    case RAFT_NOTLEADER:
        answer_error(r, 503, 14, "etcdserver: leader changed");
        break;
    case RAFT_SHUTDOWN:
        answer_error(r, 503, 14, "etcdserver: server stopped");
        break;
    case RAFT_TOOBIG:
        answer_error(r, 400, 3, "etcdserver: request is too large");
        break;
    default: {
        char msg[128];
        snprintf(msg, sizeof msg, "etcdserver: raft: %s", raft_node_strerror(status));
        answer_error(r, 503, 14, msg);
    }
    }
}

/* ---- Waiting for a leader ---- */

static void wait_unlink(struct request *r)
{
    if (!r->in_wait_list) {
        return;
    }
    if (r->wait_prev != NULL) {
        r->wait_prev->wait_next = r->wait_next;
    } else {
        r->srv->waiting = r->wait_next;
    }
    if (r->wait_next != NULL) {
        r->wait_next->wait_prev = r->wait_prev;
    }
    r->wait_prev = r->wait_next = NULL;
    r->in_wait_list = false;
}

static void wait_for_leader(struct request *r)
{
    struct store_server *srv = r->srv;
    r->state = REQ_WAITING;
    if (r->in_wait_list) {
        return;
    }
    r->wait_next = srv->waiting;
    r->wait_prev = NULL;
    if (srv->waiting != NULL) {
        srv->waiting->wait_prev = r;
    }
    srv->waiting = r;
    r->in_wait_list = true;
}

/* ---- Leases (leader-local timers) ---- */

static struct lease_timer *lease_find(struct store_server *srv, int64_t id)
{
    for (size_t i = 0; i < srv->lease_count; i++) {
        if (srv->leases[i].id == id) {
            return &srv->leases[i];
        }
    }
    return NULL;
}

static void lease_track(struct store_server *srv, int64_t id, int64_t ttl)
{
    struct lease_timer *t = lease_find(srv, id);
    if (t == NULL) {
        if (srv->lease_count == srv->lease_cap) {
            srv->lease_cap = srv->lease_cap ? srv->lease_cap * 2 : 16;
            srv->leases = xrealloc(srv->leases, srv->lease_cap * sizeof *srv->leases);
        }
        t = &srv->leases[srv->lease_count++];
    }
    *t =
        (struct lease_timer){.id = id, .ttl = ttl, .expiry_ms = now_ms(srv) + (uint64_t)ttl * 1000};
}

static void lease_forget(struct store_server *srv, int64_t id)
{
    struct lease_timer *t = lease_find(srv, id);
    if (t != NULL) {
        *t = srv->leases[--srv->lease_count];
    }
}

/* A new leader starts every lease's countdown afresh (etcd's lessor Promote), so a lease never
 * expires early because of a leader change. */
static void leases_promote(struct store_server *srv)
{
    srv->lease_count = 0;
    cleanup_json json_t *list = kv_lease_list(srv->kv);
    size_t i;
    json_t *item;
    json_array_foreach (list, i, item) {
        const char *id_text = json_string_value(json_object_get(item, "ID"));
        int64_t id = id_text ? strtoll(id_text, NULL, 10) : 0;
        int64_t ttl = kv_lease_granted_ttl(srv->kv, id, NULL);
        if (ttl > 0) {
            lease_track(srv, id, ttl);
        }
    }
}

static int64_t min_lease_ttl(const struct store_server *srv)
{
    /* etcd: 1.5 election timeouts, rounded up to whole seconds. */
    uint64_t ms = (uint64_t)srv->cfg.election_timeout_ms * 3 / 2;
    return (int64_t)((ms + 999) / 1000);
}

static void on_revoke_applied(void *data, int status, json_t *response,
                              const struct kv_error *kv_err, int64_t revision)
{
    json_t *request = data;
    json_decref(response);
    if (status != 0) {
        /* Leadership moved: the next leader restarts the countdown. */
        json_t *id = json_object_get(request, "ID");
        LOG_V(2, "lease expiry not committed", "lease=%lld status=%d",
              (long long)json_integer_value(id), status);
    }
    json_decref(request);
}

static void leases_expire(struct store_server *srv)
{
    uint64_t now = now_ms(srv);
    for (size_t i = 0; i < srv->lease_count; i++) {
        struct lease_timer *t = &srv->leases[i];
        if (t->revoking || t->expiry_ms > now) {
            continue;
        }
        json_t *request = json_pack("{s:I}", "ID", (json_int_t)t->id);
        if (raft_node_propose(srv->raft, KV_CMD_LEASE_REVOKE, request, on_revoke_applied,
                              request) == 0) {
            t->revoking = true;
            LOG_V(2, "lease expired", "lease=%lld", (long long)t->id);
        } else {
            json_decref(request);
        }
    }
}

/* ---- Request bodies ---- */

static int64_t json_int64_field(const json_t *obj, const char *name)
{
    json_t *v = json_object_get(obj, name);
    if (json_is_integer(v)) {
        return json_integer_value(v);
    }
    if (json_is_string(v)) {
        return strtoll(json_string_value(v), NULL, 10);
    }
    return 0;
}

/* Parses the body as one JSON object; an empty body is an empty request (the gateway's io.EOF
 * rule). Answers and returns -1 on bad JSON, with Go's wording where it matters to clients. */
static int parse_body(struct request *r)
{
    size_t i = 0;
    while (i < r->len &&
           (r->body[i] == ' ' || r->body[i] == '\n' || r->body[i] == '\r' || r->body[i] == '\t')) {
        i++;
    }
    if (i == r->len) {
        r->parsed = json_object();
        return 0;
    }
    json_error_t jerr;
    r->parsed = json_loadb(r->body, r->len, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &jerr);
    if (json_is_null(r->parsed)) {
        json_decref(r->parsed);
        r->parsed = json_object();
        return 0;
    }
    if (r->parsed == NULL || !json_is_object(r->parsed)) {
        char msg[300];
        if (r->parsed != NULL) {
            const char *kind = json_is_array(r->parsed)     ? "array"
                               : json_is_string(r->parsed)  ? "string"
                               : json_is_boolean(r->parsed) ? "bool"
                                                            : "number";
            snprintf(msg, sizeof msg,
                     "json: cannot unmarshal %s into Go value of type map[string]json.RawMessage",
                     kind);
        } else if (gojson_first_value_error(r->body, r->len, msg, sizeof msg)) {
            /* Go accepts what jansson refused (e.g. a NUL in a string): say so plainly. */
            snprintf(msg, sizeof msg, "invalid JSON: %s", jerr.text);
        }
        json_decref(r->parsed);
        r->parsed = NULL;
        answer_error(r, 400, 3, msg);
        return -1;
    }
    return 0;
}

/* ---- Request size limits ---- */

/* etcd's gRPC server takes messages up to --max-request-bytes plus 512 KiB of overhead, then
 * etcd itself refuses requests over --max-request-bytes. Sizes are protobuf sizes. */
#define GRPC_OVERHEAD_BYTES (512 * 1024)

static size_t grpc_limit(const struct store_server *srv)
{
    return srv->cfg.max_request_bytes + GRPC_OVERHEAD_BYTES;
}

/* The largest body kept: base64 makes the JSON 4/3 of the protobuf size. */
static size_t body_limit(const struct store_server *srv)
{
    return grpc_limit(srv) / 3 * 4 + 64 * 1024;
}

static size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* A bytes field's protobuf size from its base64 text (0 when empty: proto3 omits it). */
static size_t bytes_field_len(const json_t *request, const char *name)
{
    const char *text = json_string_value(json_object_get(request, name));
    size_t len = text ? strlen(text) : 0;
    if (len == 0) {
        return 0;
    }
    size_t raw = len / 4 * 3 - (text[len - 1] == '=') - (len > 1 && text[len - 2] == '=');
    return 1 + varint_len(raw) + raw;
}

/* The protobuf size of the request: exact for puts, the decoded body size for the rest. */
static size_t request_proto_size(const struct request *r)
{
    if (r->route->kind != ROUTE_PUT || r->parsed == NULL) {
        return r->len / 4 * 3;
    }
    size_t n = bytes_field_len(r->parsed, "key") + bytes_field_len(r->parsed, "value");
    json_t *l = json_object_get(r->parsed, "lease");
    int64_t lease = json_is_string(l) ? strtoll(json_string_value(l), NULL, 10)
                                      : (int64_t)json_integer_value(l);
    if (lease != 0) {
        n += 1 + varint_len((uint64_t)lease);
    }
    const char *flags[] = {"prev_kv", "ignore_value", "ignore_lease"};
    for (size_t i = 0; i < 3; i++) {
        n += json_is_true(json_object_get(r->parsed, flags[i])) ? 2 : 0;
    }
    return n;
}

static void answer_too_large(struct request *r, size_t size)
{
    char msg[160];
    snprintf(msg, sizeof msg, "grpc: received message larger than max (%zu vs. %zu)", size,
             grpc_limit(r->srv));
    answer_error(r, 429, 8, msg);
}

/* Answers and returns true when the request is over a limit. */
static bool refuse_oversized(struct request *r)
{
    size_t size = request_proto_size(r);
    if (size > grpc_limit(r->srv)) {
        answer_too_large(r, size);
        return true;
    }
    if (size > r->srv->cfg.max_request_bytes) {
        answer_error(r, 400, 3, "etcdserver: request is too large");
        return true;
    }
    return false;
}

/* ---- Dispatch ---- */

static void dispatch(struct request *r);

static void on_write_applied(void *data, int status, json_t *response,
                             const struct kv_error *kv_err, int64_t revision)
{
    struct request *r = data;
    struct store_server *srv = r->srv;
    if (status != 0) {
        json_decref(response);
        answer_raft_failure(r, status);
        return;
    }
    if (kv_err != NULL) {
        json_decref(response);
        answer_kv_error(r, kv_err);
        return;
    }
    if (r->cmd == KV_CMD_LEASE_GRANT) {
        lease_track(srv, json_int64_field(r->parsed, "ID"), json_int64_field(r->parsed, "TTL"));
    } else if (r->cmd == KV_CMD_LEASE_REVOKE) {
        lease_forget(srv, json_int64_field(r->parsed, "ID"));
    }
    /* The header revision is the one right after this apply, as etcd reports it. */
    json_t *out = json_object();
    json_t *header = json_object();
    json_object_set_new(header, "cluster_id", json_u64(srv->cfg.cluster_id));
    json_object_set_new(header, "member_id", json_u64(srv->cfg.member_id));
    json_object_set_new(header, "revision", json_u64((uint64_t)revision));
    json_object_set_new(header, "raft_term", json_u64(raft_node_term(srv->raft)));
    json_object_set_new(out, "header", header);
    if (response != NULL) {
        json_object_update(out, response);
        json_decref(response);
    }
    answer_json(r, 200, out);
}

static void on_read_ready(void *data, int status)
{
    struct request *r = data;
    if (status != 0) {
        answer_raft_failure(r, status);
        return;
    }
    r->read_ready = true;
    dispatch(r);
}

/* True when a txn (and its nested txns) only reads. */
static bool txn_is_read_only(const json_t *txn)
{
    const char *lists[] = {"success", "failure"};
    for (size_t l = 0; l < 2; l++) {
        size_t i;
        json_t *op;
        json_array_foreach (json_object_get(txn, lists[l]), i, op) {
            if (json_object_get(op, "request_put") || json_object_get(op, "request_delete_range")) {
                return false;
            }
            json_t *nested = json_object_get(op, "request_txn");
            if (nested != NULL && !txn_is_read_only(nested)) {
                return false;
            }
        }
    }
    return true;
}

static bool needs_leader(struct request *r)
{
    switch (r->route->kind) {
    case ROUTE_RANGE:
        return !json_is_true(json_object_get(r->parsed, "serializable"));
    case ROUTE_PUT:
    case ROUTE_DELETE_RANGE:
    case ROUTE_TXN:
    case ROUTE_COMPACT:
    case ROUTE_LEASE_GRANT:
    case ROUTE_LEASE_REVOKE:
    case ROUTE_LEASE_KEEPALIVE:
    case ROUTE_LEASE_TIMETOLIVE:
    case ROUTE_MEMBER_ADD:
    case ROUTE_MEMBER_REMOVE:
    case ROUTE_PUBLISH:
    case ROUTE_SNAPSHOT: /* a backup holds every write acknowledged before it began */
        return true;
    default:
        return false;
    }
}

static void serve_range_local(struct request *r)
{
    struct kv_error e = {0};
    json_t *body = kv_range(r->srv->kv, r->parsed, &e);
    if (body == NULL) {
        answer_kv_error(r, &e);
        return;
    }
    answer_with_header(r, body, true);
}

static void serve_read_only_txn(struct request *r)
{
    struct kv_error e = {0};
    json_t *body = NULL;
    if (kv_apply(r->srv->kv, KV_CMD_TXN, r->parsed, &body, &e) != 0) {
        answer_kv_error(r, &e);
        return;
    }
    answer_with_header(r, body, true);
}

static void propose(struct request *r, enum kv_cmd cmd)
{
    struct store_server *srv = r->srv;
    r->cmd = cmd;
    struct kv_error e = {0};
    if (kv_validate(cmd, r->parsed, srv->cfg.max_txn_ops, &e) != 0) {
        answer_kv_error(r, &e);
        return;
    }
    r->state = REQ_WAITING;
    int rc = raft_node_propose(srv->raft, cmd, r->parsed, on_write_applied, r);
    if (rc == -RAFT_NOTLEADER) {
        wait_for_leader(r);
    } else if (rc != 0) {
        answer_raft_failure(r, rc);
    }
}

static void serve_lease_grant(struct request *r)
{
    struct store_server *srv = r->srv;
    int64_t ttl = json_int64_field(r->parsed, "TTL");
    int64_t id = json_int64_field(r->parsed, "ID");
    if (ttl > MAX_LEASE_TTL) {
        answer_error(r, 400, 11, "etcdserver: too large lease TTL");
        return;
    }
    if (ttl < min_lease_ttl(srv)) {
        ttl = min_lease_ttl(srv);
    }
    if (id == 0) {
        /* etcd's ID generator: the member's low 16 bits, then wall-clock ms << 8 plus a
         * counter, masked positive; unique across leaders and restarts. */
        if (srv->next_lease_seq == 0) {
            srv->next_lease_seq = (uint64_t)time(NULL) * 1000 << 8;
        }
        do {
            uint64_t suffix = srv->next_lease_seq++ & UINT64_C(0xffffffffffff);
            id = (int64_t)(((srv->cfg.member_id & 0xffff) << 48 | suffix) &
                           UINT64_C(0x7fffffffffffffff));
        } while (id == 0 || kv_lease_exists(srv->kv, id));
    }
    json_object_set_new(r->parsed, "ID", json_integer((json_int_t)id));
    json_object_set_new(r->parsed, "TTL", json_integer((json_int_t)ttl));
    propose(r, KV_CMD_LEASE_GRANT);
}

static void serve_lease_timetolive(struct request *r)
{
    struct store_server *srv = r->srv;
    int64_t id = json_int64_field(r->parsed, "ID");
    json_t *keys = NULL;
    bool want_keys = json_is_true(json_object_get(r->parsed, "keys"));
    int64_t granted = kv_lease_granted_ttl(srv->kv, id, want_keys ? &keys : NULL);
    json_t *body = json_object();
    json_object_set_new(body, "ID", json_u64((uint64_t)id));
    struct lease_timer *t = lease_find(srv, id);
    if (granted < 0 || t == NULL) {
        json_object_set_new(body, "TTL", json_string("-1"));
        json_decref(keys);
    } else {
        uint64_t now = now_ms(srv);
        int64_t remaining = t->expiry_ms > now ? (int64_t)((t->expiry_ms - now) / 1000) : 0;
        json_object_set_new(body, "TTL", json_u64((uint64_t)remaining));
        json_object_set_new(body, "grantedTTL", json_u64((uint64_t)granted));
        if (keys != NULL && json_array_size(keys) > 0) {
            json_object_set_new(body, "keys", keys);
        } else {
            json_decref(keys);
        }
    }
    answer_with_header(r, body, true);
}

/* The next JSON object of a body that holds several (the keepalive and watch request
 * streams). Returns a new reference; NULL at the end (*failed false) or on malformed JSON
 * (*failed true, jerr filled). Advances *offset past the object. */
static json_t *next_body_object(const struct request *r, size_t *offset, bool *failed,
                                json_error_t *jerr)
{
    *failed = false;
    while (*offset < r->len && strchr(" \r\n\t", r->body[*offset]) != NULL) {
        (*offset)++;
    }
    if (*offset >= r->len) {
        return NULL;
    }
    json_t *obj = json_loadb(r->body + *offset, r->len - *offset, JSON_DISABLE_EOF_CHECK, jerr);
    if (obj == NULL) {
        *failed = true;
        return NULL;
    }
    *offset += (size_t)jerr->position;
    return obj;
}

/* The keepalive stream: every {"ID":n} object in the body gets one {"result":...} line. */
static void serve_lease_keepalive(struct request *r)
{
    struct store_server *srv = r->srv;
    char *out = NULL;
    size_t out_len = 0;
    FILE *f = open_memstream(&out, &out_len);
    size_t offset = 0;
    json_error_t jerr;
    bool failed = false;
    json_t *obj;
    while ((obj = next_body_object(r, &offset, &failed, &jerr)) != NULL) {
        int64_t id = json_int64_field(obj, "ID");
        json_decref(obj);
        json_t *result = json_object();
        json_object_set_new(result, "header", make_header(srv, true));
        json_object_set_new(result, "ID", json_u64((uint64_t)id));
        struct lease_timer *t = lease_find(srv, id);
        if (t != NULL && kv_lease_exists(srv->kv, id)) {
            t->expiry_ms = now_ms(srv) + (uint64_t)t->ttl * 1000;
            json_object_set_new(result, "TTL", json_u64((uint64_t)t->ttl));
        }
        json_t *line = json_pack("{s:o}", "result", result);
        json_dumpf(line, f, JSON_COMPACT);
        fputc('\n', f);
        json_decref(line);
    }
    fclose(f);
    answer_text(r, 200, out, out_len, "application/json");
}

/* ---- Members ---- */

/* The raft configuration as arrays (borrowed addresses, valid until the next change). */
struct member_list {
    uint64_t ids[MEMBER_MAX];
    int roles[MEMBER_MAX];
    const char *addresses[MEMBER_MAX];
};

static size_t members_of(const struct store_server *srv, struct member_list *m)
{
    return raft_node_members(srv->raft, m->ids, m->roles, m->addresses, MEMBER_MAX);
}

static json_t *member_json(const struct store_server *srv, uint64_t id, const char *address)
{
    char name[48];
    snprintf(name, sizeof name, "member/%llx", (unsigned long long)id);
    const json_t *meta = kv_meta_get(srv->kv, name);
    json_t *m = json_object();
    json_object_set_new(m, "ID", json_u64(id));
    const char *member_name = json_string_value(json_object_get(meta, "name"));
    if (member_name != NULL && member_name[0] != '\0') {
        json_object_set_new(m, "name", json_string(member_name));
    }
    json_t *peers = json_object_get(meta, "peerURLs");
    if (peers != NULL) {
        json_object_set(m, "peerURLs", peers);
    } else {
        json_object_set_new(m, "peerURLs", json_pack("[s+]", "http://", address));
    }
    json_t *clients = json_object_get(meta, "clientURLs");
    if (clients != NULL && json_array_size(clients) > 0) {
        json_object_set(m, "clientURLs", clients);
    }
    return m;
}

static int compare_ids(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static json_t *members_json(const struct store_server *srv)
{
    struct member_list m;
    size_t n = members_of(srv, &m);
    uint64_t sorted[MEMBER_MAX];
    memcpy(sorted, m.ids, n * sizeof m.ids[0]);
    qsort(sorted, n, sizeof sorted[0], compare_ids);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            if (m.ids[j] == sorted[i]) {
                json_array_append_new(list, member_json(srv, m.ids[j], m.addresses[j]));
            }
        }
    }
    return list;
}

/* The leader's client URL, from the members table, or NULL when unknown. */
static const char *leader_client_url(const struct store_server *srv)
{
    uint64_t leader = raft_node_leader_id(srv->raft);
    if (leader == 0) {
        return NULL;
    }
    char name[48];
    snprintf(name, sizeof name, "member/%llx", (unsigned long long)leader);
    const json_t *meta = kv_meta_get(srv->kv, name);
    return json_string_value(json_array_get(json_object_get(meta, "clientURLs"), 0));
}

static json_t *split_urls(const char *text)
{
    json_t *list = json_array();
    cleanup_free char *copy = xstrdup(text ? text : "");
    char *save = NULL;
    for (char *p = strtok_r(copy, ",", &save); p != NULL; p = strtok_r(NULL, ",", &save)) {
        json_array_append_new(list, json_string(p));
    }
    return list;
}

static void serve_member_list(struct request *r)
{
    json_t *body = json_object();
    json_object_set_new(body, "members", members_json(r->srv));
    answer_with_header(r, body, false);
}

static void on_member_change(void *data, int status)
{
    struct request *r = data;
    if (status != 0) {
        answer_raft_failure(r, status);
        return;
    }
    json_t *body = json_object();
    if (r->route->kind == ROUTE_MEMBER_ADD) {
        json_t *peers = json_object_get(r->parsed, "peerURLs");
        json_object_set_new(body, "member",
                            json_pack("{s:o,s:O}", "ID",
                                      json_u64((uint64_t)json_int64_field(r->parsed, "_id")),
                                      "peerURLs", peers));
    }
    json_object_set_new(body, "members", members_json(r->srv));
    answer_with_header(r, body, false);
}

static void on_member_meta_applied(void *data, int status, json_t *response,
                                   const struct kv_error *kv_err, int64_t revision)
{
    struct request *r = data;
    json_decref(response);
    if (status != 0) {
        answer_raft_failure(r, status);
        return;
    }
    uint64_t id = (uint64_t)json_int64_field(r->parsed, "_id");
    const char *address = json_string_value(json_object_get(r->parsed, "_address"));
    int rc = raft_node_add_member(r->srv->raft, id, address, on_member_change, r);
    if (rc != 0) {
        answer_raft_failure(r, rc);
    }
}

static void serve_member_add(struct request *r)
{
    struct store_server *srv = r->srv;
    json_t *peers = json_object_get(r->parsed, "peerURLs");
    if (!json_is_array(peers) || json_array_size(peers) == 0) {
        answer_error(r, 400, 3, "etcdserver: member peerURL not given");
        return;
    }
    /* The ID comes from the peer URLs, so the new member computes the same one itself. */
    char joined[1024] = "";
    char address[300];
    size_t i;
    json_t *url;
    json_array_foreach (peers, i, url) {
        const char *s = json_string_value(url);
        struct err e = {0};
        if (s == NULL || member_raft_address(s, address, sizeof address, &e) != 0) {
            answer_error(r, 400, 3, "etcdserver: invalid peer URL");
            return;
        }
        snprintf(joined + strlen(joined), sizeof joined - strlen(joined), "%s%s", i ? "," : "", s);
    }
    if (member_raft_address(json_string_value(json_array_get(peers, 0)), address, sizeof address,
                            NULL) != 0) {
        answer_error(r, 400, 3, "etcdserver: invalid peer URL");
        return;
    }
    uint64_t id = member_id_from_peer_urls(joined, srv->cluster_token);
    struct member_list m;
    size_t n = members_of(srv, &m);
    for (size_t k = 0; k < n; k++) {
        if (m.ids[k] == id || strcmp(m.addresses[k], address) == 0) {
            answer_error(r, 412, 9, "etcdserver: Peer URLs already exists");
            return;
        }
    }
    json_object_set_new(r->parsed, "_id", json_integer((json_int_t)id));
    json_object_set_new(r->parsed, "_address", json_string(address));
    /* Record the member's peer URLs first, then add it to raft as a spare; the tick promotes it
     * to voter once it has caught up. */
    char name[48];
    snprintf(name, sizeof name, "member/%llx", (unsigned long long)id);
    json_t *meta =
        json_pack("{s:s,s:{s:O,s:b}}", "name", name, "value", "peerURLs", peers, "voter", 1);
    r->state = REQ_WAITING;
    json_object_set_new(r->parsed, "_meta", meta);
    int rc = raft_node_propose(srv->raft, KV_CMD_META_SET, meta, on_member_meta_applied, r);
    if (rc != 0) {
        answer_raft_failure(r, rc);
    }
}

static void serve_member_remove(struct request *r)
{
    uint64_t id = (uint64_t)json_int64_field(r->parsed, "ID");
    struct member_list m;
    size_t n = members_of(r->srv, &m);
    bool found = false;
    for (size_t k = 0; k < n; k++) {
        found = found || m.ids[k] == id;
    }
    if (!found) {
        answer_error(r, 404, 5, "etcdserver: member not found");
        return;
    }
    r->state = REQ_WAITING;
    int rc = raft_node_remove_member(r->srv->raft, id, on_member_change, r);
    if (rc != 0) {
        answer_raft_failure(r, rc);
    }
}

static void serve_status(struct request *r)
{
    struct store_server *srv = r->srv;
    json_t *body = json_object();
    json_object_set_new(body, "version", json_string(ETCD_VERSION));
    json_object_set_new(body, "dbSize", json_u64(kv_size_bytes(srv->kv)));
    uint64_t leader = raft_node_leader_id(srv->raft);
    if (leader != 0) {
        json_object_set_new(body, "leader", json_u64(leader));
    }
    json_object_set_new(body, "raftIndex", json_u64(raft_node_last_index(srv->raft)));
    json_object_set_new(body, "raftTerm", json_u64(raft_node_term(srv->raft)));
    json_object_set_new(body, "raftAppliedIndex", json_u64(raft_node_applied_index(srv->raft)));
    if (leader == 0) {
        json_object_set_new(body, "errors", json_pack("[s]", "etcdserver: no leader"));
    }
    json_object_set_new(body, "dbSizeInUse", json_u64(kv_size_bytes(srv->kv)));
    answer_with_header(r, body, true);
}

static void serve_snapshot(struct request *r)
{
    void *data = NULL;
    size_t len = 0;
    if (kv_snapshot_save(r->srv->kv, &data, &len) != 0) {
        answer_error(r, 500, 13, "etcdserver: snapshot failed");
        return;
    }
    /* etcd streams {"result":{"header":..,"remaining_bytes":"N","blob":"<base64>"}} lines. */
    char *out = NULL;
    size_t out_len = 0;
    FILE *f = open_memstream(&out, &out_len);
    size_t chunk = 32 * 1024;
    for (size_t off = 0; off < len || off == 0; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk;
        char *blob = b64_encode((const uint8_t *)data + off, n);
        json_t *result = json_object();
        json_object_set_new(result, "header", make_header(r->srv, true));
        json_object_set_new(result, "remaining_bytes", json_u64(len - off - n));
        json_object_set_new(result, "blob", json_string(blob));
        free(blob);
        json_t *line = json_pack("{s:o}", "result", result);
        json_dumpf(line, f, JSON_COMPACT);
        fputc('\n', f);
        json_decref(line);
        if (len == 0) {
            break;
        }
    }
    fclose(f);
    free(data);
    answer_text(r, 200, out, out_len, "application/json");
}

/* A member's attributes (name, client URLs) go through the log, so every member can map the
 * leader's raft id to the URL it forwards to, and member/list shows them (etcd's publish). */
static json_t *self_attributes(const struct store_server *srv)
{
    char name[48];
    snprintf(name, sizeof name, "member/%llx", (unsigned long long)srv->cfg.member_id);
    return json_pack("{s:s,s:{s:s,s:o,s:o,s:b}}", "name", name, "value", "name", srv->name,
                     "peerURLs", split_urls(srv->advertise_peer_urls), "clientURLs",
                     split_urls(srv->advertise_client_urls), "voter", 1);
}

static void serve_publish(struct request *r)
{
    json_t *value = json_object_get(r->parsed, "value");
    const char *name = json_string_value(json_object_get(r->parsed, "name"));
    if (name == NULL || strncmp(name, "member/", 7) != 0 || !json_is_object(value)) {
        answer_error(r, 400, 3, "c8s: bad member attributes");
        return;
    }
    propose(r, KV_CMD_META_SET);
}

static void serve_metrics(struct request *r)
{
    struct store_server *srv = r->srv;
    metrics_gauge_set(srv->has_leader, raft_node_leader_id(srv->raft) != 0 ? 1 : 0);
    char *text = metrics_render(srv->metrics);
    answer_text(r, 200, text, strlen(text), METRICS_CONTENT_TYPE);
}

/* ---- Watch streams ---- */

static void on_stream_ready(void *data)
{
    struct request *r = data;
    if (r->stream_suspended) {
        r->stream_suspended = false;
        MHD_resume_connection(r->conn);
        schedule_mhd_run(r->srv);
    }
}

static ssize_t read_stream(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct request *r = cls;
    if (r->srv->closing) {
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    size_t n = watch_stream_read(r->stream, buf, max);
    if (n == 0) {
        /* Nothing to send: park the connection until the hub has output. */
        r->stream_suspended = true;
        MHD_suspend_connection(r->conn);
        return 0;
    }
    return (ssize_t)n;
}

static void serve_watch(struct request *r)
{
    r->stream = watch_stream_new(r->srv->hub, on_stream_ready, r);
    size_t offset = 0;
    json_error_t jerr;
    bool failed = false;
    json_t *obj;
    while ((obj = next_body_object(r, &offset, &failed, &jerr)) != NULL || failed) {
        if (failed) {
            char msg[300];
            if (gojson_first_value_error(r->body + offset, r->len - offset, msg, sizeof msg)) {
                snprintf(msg, sizeof msg, "invalid JSON: %s", jerr.text);
            }
            answer_error(r, 500, 2, msg);
            return;
        }
        struct kv_error e = {0};
        int rc = watch_stream_handle(r->stream, obj, &e);
        json_decref(obj);
        if (rc != 0) {
            answer_error(r, 500, 2, e.message);
            return;
        }
    }
    r->state = REQ_DONE;
    struct MHD_Response *resp = MHD_create_response_from_callback(
        MHD_SIZE_UNKNOWN, STREAM_BLOCK_BYTES, read_stream, r, NULL);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_queue_response(r->conn, 200, resp);
    MHD_destroy_response(resp);
}

/* ---- Forwarding to the leader ---- */

static void on_forwarded(void *data, int rv, struct http_response *resp, const struct err *err)
{
    struct request *r = data;
    r->forwarding = false;
    if (rv == -ECANCELED) {
        answer_error(r, 503, 14, "etcdserver: server stopped");
        return;
    }
    if (rv != 0 || resp->status == 503) {
        /* The leader went away or is changing: wait for the next one (bounded by deadline). */
        LOG_V(4, "forward failed; waiting for a leader", "error=\"%s\"", rv ? err->msg : "503");
        wait_for_leader(r);
        return;
    }
    const char *type = http_response_header(resp, "Content-Type");
    bool is_json = type == NULL || strncmp(type, "application/json", 16) == 0;
    char *body = steal_ptr(&resp->body);
    size_t len = resp->body_len;
    if (body == NULL) {
        body = xstrdup("");
        len = 0;
    }
    answer_text(r, (unsigned)resp->status, body, len,
                is_json ? "application/json" : "text/plain; charset=utf-8");
}

/* Sends the request as received to the leader's client URL; false when that URL is unknown. */
static bool forward(struct request *r)
{
    struct store_server *srv = r->srv;
    const char *base = leader_client_url(srv);
    if (base == NULL || r->forwarded_to_us) {
        return false;
    }
    char url[512];
    snprintf(url, sizeof url, "%s%s", base, r->route->path);
    static const char *const headers[] = {"X-C8s-Forwarded: 1", NULL};
    struct http_request req = {
        .method = "POST",
        .path = url,
        .content_type = "application/json",
        .body = r->body,
        .body_len = r->len,
        .headers = headers,
    };
    struct err err = {0};
    r->state = REQ_WAITING;
    if (http_multi_send(srv->forwarder, &req, on_forwarded, r, &err) != 0) {
        LOG_W("cannot forward to the leader", "url=%s error=\"%s\"", url, err.msg);
        return false;
    }
    r->forwarding = true;
    return true;
}

/* True when a linearizable read may be served now (its read barrier completed). Otherwise
 * asks raft for one, and dispatch runs again from on_read_ready (or the request is answered
 * with the raft failure). */
static bool at_read_point(struct request *r)
{
    if (r->read_ready) {
        return true;
    }
    r->state = REQ_WAITING;
    int rc = raft_node_read_index(r->srv->raft, on_read_ready, r);
    if (rc != 0) {
        answer_raft_failure(r, rc);
    }
    return false;
}

/* ---- The router ---- */

static void dispatch(struct request *r)
{
    struct store_server *srv = r->srv;
    if (r->parsed == NULL && r->route->kind != ROUTE_WATCH &&
        r->route->kind != ROUTE_LEASE_KEEPALIVE && !r->route->is_get) {
        if (parse_body(r) != 0 || refuse_oversized(r)) {
            return;
        }
    }
    if (needs_leader(r) && !raft_node_is_leader(srv->raft)) {
        if (!forward(r)) {
            wait_for_leader(r);
        }
        return;
    }
    switch (r->route->kind) {
    case ROUTE_RANGE:
        if (json_is_true(json_object_get(r->parsed, "serializable")) || at_read_point(r)) {
            serve_range_local(r);
        }
        break;
    case ROUTE_PUT:
        propose(r, KV_CMD_PUT);
        break;
    case ROUTE_DELETE_RANGE:
        propose(r, KV_CMD_DELETE_RANGE);
        break;
    case ROUTE_TXN:
        if (txn_is_read_only(r->parsed)) {
            struct kv_error e = {0};
            if (kv_validate(KV_CMD_TXN, r->parsed, srv->cfg.max_txn_ops, &e) != 0) {
                answer_kv_error(r, &e);
            } else if (at_read_point(r)) {
                serve_read_only_txn(r);
            }
        } else {
            propose(r, KV_CMD_TXN);
        }
        break;
    case ROUTE_COMPACT:
        propose(r, KV_CMD_COMPACT);
        break;
    case ROUTE_LEASE_GRANT:
        serve_lease_grant(r);
        break;
    case ROUTE_LEASE_REVOKE:
        if (!kv_lease_exists(srv->kv, json_int64_field(r->parsed, "ID"))) {
            answer_error(r, 404, 5, "etcdserver: requested lease not found");
        } else {
            propose(r, KV_CMD_LEASE_REVOKE);
        }
        break;
    case ROUTE_LEASE_KEEPALIVE:
    case ROUTE_LEASE_TIMETOLIVE:
        if (!raft_node_is_ready_leader(srv->raft)) {
            wait_for_leader(r);
        } else if (r->route->kind == ROUTE_LEASE_KEEPALIVE) {
            serve_lease_keepalive(r);
        } else {
            serve_lease_timetolive(r);
        }
        break;
    case ROUTE_LEASE_LEASES: {
        /* etcd lists IDs only. */
        json_t *leases = kv_lease_list(srv->kv);
        size_t i;
        json_t *item;
        json_array_foreach (leases, i, item) {
            json_object_del(item, "TTL");
        }
        answer_with_header(r, json_pack("{s:o}", "leases", leases), true);
        break;
    }
    case ROUTE_STATUS:
        serve_status(r);
        break;
    case ROUTE_HASH:
        answer_with_header(r, json_pack("{s:I}", "hash", (json_int_t)kv_hash(srv->kv)), true);
        break;
    case ROUTE_ALARM:
        /* No alarms are ever raised; etcd's gateway answers an empty object. */
        answer_json(r, 200, json_object());
        break;
    case ROUTE_SNAPSHOT:
        if (at_read_point(r)) {
            serve_snapshot(r);
        }
        break;
    case ROUTE_MEMBER_LIST:
        serve_member_list(r);
        break;
    case ROUTE_MEMBER_ADD:
        serve_member_add(r);
        break;
    case ROUTE_MEMBER_REMOVE:
        serve_member_remove(r);
        break;
    case ROUTE_PUBLISH:
        serve_publish(r);
        break;
    case ROUTE_WATCH:
        serve_watch(r);
        break;
    case ROUTE_HEALTH: {
        bool ok = raft_node_leader_id(srv->raft) != 0;
        const char *text = ok ? "{\"health\":\"true\"}" : "{\"health\":\"false\"}";
        answer_text(r, ok ? 200 : 503, xstrdup(text), strlen(text), "application/json");
        break;
    }
    case ROUTE_VERSION: {
        const char *text =
            "{\"etcdserver\":\"" ETCD_VERSION "\",\"etcdcluster\":\"" ETCD_CLUSTER_VER "\"}";
        answer_text(r, 200, xstrdup(text), strlen(text), "application/json");
        break;
    }
    case ROUTE_METRICS:
        serve_metrics(r);
        break;
    }
}

/* ---- libmicrohttpd glue ---- */

static enum MHD_Result queue_answer(struct request *r)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(r->answer_len, r->answer, MHD_RESPMEM_MUST_FREE);
    r->answer = NULL;
    MHD_add_response_header(resp, "Content-Type", r->content_type);
    enum MHD_Result rc = MHD_queue_response(r->conn, r->status, resp);
    MHD_destroy_response(resp);
    r->state = REQ_DONE;
    const char *kind = r->route ? r->route->path : "unknown";
    char code[8];
    snprintf(code, sizeof code, "%u", r->status);
    metrics_counter_inc(r->srv->requests_total, kind, code);
    metrics_histogram_observe(r->srv->request_seconds,
                              (double)(now_ms(r->srv) - r->started_ms) / 1000.0, kind);
    return rc;
}

static enum MHD_Result answer_plain(struct MHD_Connection *conn, unsigned status, const char *text)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
    enum MHD_Result rc = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* With --client-cert-auth, libmicrohttpd only asks for a certificate during the handshake, so
 * every request checks that one was given and that it chains to --trusted-ca-file. */
static bool client_cert_ok(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (info == NULL || info->tls_session == NULL) {
        return false;
    }
    gnutls_session_t session = (gnutls_session_t)info->tls_session;
    unsigned int count = 0;
    if (gnutls_certificate_get_peers(session, &count) == NULL || count == 0) {
        return false;
    }
    unsigned int status = 0;
    return gnutls_certificate_verify_peers2(session, &status) == GNUTLS_E_SUCCESS && status == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    struct store_server *srv = cls;
    struct request *r = *con_cls;
    if (r == NULL) {
        r = xcalloc(1, sizeof *r);
        r->srv = srv;
        r->conn = conn;
        r->started_ms = now_ms(srv);
        /* etcd 3.4 still serves the /v3beta/ spelling of every /v3/ path. */
        char alias[128];
        if (strncmp(url, "/v3beta/", 8) == 0) {
            snprintf(alias, sizeof alias, "/v3/%s", url + 8);
            url = alias;
        }
        for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
            if (strcmp(url, routes[i].path) == 0) {
                r->route = &routes[i];
            }
        }
        if (r->route != NULL) {
            r->method_ok = r->route->is_get
                               ? strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0
                               : strcmp(method, "POST") == 0;
        }
        r->forwarded_to_us =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-C8s-Forwarded") != NULL;
        r->unauthenticated = srv->cfg.client_cert_auth && !client_cert_ok(conn);
        r->next = srv->requests;
        if (srv->requests != NULL) {
            srv->requests->prev = r;
        }
        srv->requests = r;
        *con_cls = r;
        return MHD_YES;
    }
    if (r->state == REQ_READING && *upload_size > 0) {
        r->total_len += *upload_size;
        if (r->len + *upload_size > body_limit(srv)) {
            r->too_large = true; /* keep reading to answer, but keep nothing */
        } else {
            if (r->len + *upload_size > r->cap) {
                r->cap = (r->len + *upload_size) * 2;
                r->body = xrealloc(r->body, r->cap);
            }
            memcpy(r->body + r->len, upload_data, *upload_size);
            r->len += *upload_size;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->state == REQ_READING) {
        if (r->route == NULL) {
            r->state = REQ_DONE;
            /* etcd: the gateway's mux under /v3/, Go's default mux elsewhere. */
            return answer_plain(conn, 404,
                                (strncmp(url, "/v3/", 4) == 0 || strncmp(url, "/v3beta/", 8) == 0)
                                    ? "Not Found\n"
                                    : "404 page not found\n");
        }
        if (r->unauthenticated) {
            r->state = REQ_DONE;
            LOG_V(2, "refused a client without a valid certificate", NULL);
            return answer_plain(conn, 401, "client certificate required\n");
        }
        if (!r->method_ok) {
            r->state = REQ_DONE;
            return answer_plain(conn, 405, "Method Not Allowed\n");
        }
        if (r->too_large) {
            answer_too_large(r, r->total_len / 4 * 3);
        } else if (srv->raft == NULL) {
            answer_error(r, 503, 14, "etcdserver: not started");
        } else {
            r->deadline_ms = now_ms(srv) + srv->cfg.request_timeout_ms;
            dispatch(r);
        }
    }
    if (r->state == REQ_ANSWERED) {
        return queue_answer(r);
    }
    if (r->state == REQ_WAITING && !r->suspended) {
        r->suspended = true;
        MHD_suspend_connection(conn);
    }
    return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct store_server *srv = cls;
    struct request *r = *con_cls;
    if (r == NULL) {
        return;
    }
    wait_unlink(r);
    if (r->prev != NULL) {
        r->prev->next = r->next;
    } else {
        srv->requests = r->next;
    }
    if (r->next != NULL) {
        r->next->prev = r->prev;
    }
    if (r->stream != NULL) {
        watch_stream_free(r->stream);
    }
    json_decref(r->parsed);
    free(r->body);
    free(r->answer);
    free(r);
    *con_cls = NULL;
}

/* Runs every daemon's pending work, then re-arms the timer MHD asks for. */
static void run_mhd(struct store_server *srv)
{
    uint64_t timeout = UINT64_MAX;
    for (size_t i = 0; i < srv->daemon_count; i++) {
        MHD_run(srv->daemons[i]);
        MHD_UNSIGNED_LONG_LONG t = 0;
        if (MHD_get_timeout(srv->daemons[i], &t) == MHD_YES && t < timeout) {
            timeout = t;
        }
    }
    if (srv->closing) {
        return;
    }
    if (timeout != UINT64_MAX) {
        uv_timer_start(&srv->mhd_timer, on_mhd_timer, timeout, 0);
    } else {
        uv_timer_stop(&srv->mhd_timer);
    }
}

static void on_mhd_timer(uv_timer_t *timer)
{
    run_mhd(timer->data);
}

static void on_mhd_poll(uv_poll_t *poll, int status, int events)
{
    run_mhd(poll->data);
}

/* ---- Periodic work ---- */

static void on_publish_applied(void *data, int status, json_t *response,
                               const struct kv_error *kv_err, int64_t revision)
{
    struct store_server *srv = data;
    json_decref(response);
    srv->publishing = false;
    srv->published = status == 0 && kv_err == NULL;
}

static void publish_self(struct store_server *srv)
{
    if (srv->published || srv->publishing || !raft_node_is_ready_leader(srv->raft)) {
        return;
    }
    json_decref(srv->publish_request);
    srv->publish_request = self_attributes(srv);
    if (raft_node_propose(srv->raft, KV_CMD_META_SET, srv->publish_request, on_publish_applied,
                          srv) == 0) {
        srv->publishing = true;
    }
}

static void on_publish_forwarded(void *data, int rv, struct http_response *resp,
                                 const struct err *err)
{
    struct store_server *srv = data;
    srv->publish_forwarding = false;
    srv->published = rv == 0 && resp->status == 200;
}

/* A follower publishes its attributes through the leader, once it knows where that is. */
static void publish_through_leader(struct store_server *srv)
{
    if (srv->published || srv->publish_forwarding || raft_node_is_leader(srv->raft)) {
        return;
    }
    const char *base = leader_client_url(srv);
    if (base == NULL) {
        return;
    }
    char url[512];
    snprintf(url, sizeof url, "%s/c8s/v1/member/publish", base);
    cleanup_json json_t *attributes = self_attributes(srv);
    cleanup_free char *body = json_dumps(attributes, JSON_COMPACT);
    struct http_request req = {
        .method = "POST",
        .path = url,
        .content_type = "application/json",
        .body = body,
        .body_len = strlen(body),
    };
    if (http_multi_send(srv->forwarder, &req, on_publish_forwarded, srv, NULL) == 0) {
        srv->publish_forwarding = true;
    }
}

static void on_promoted(void *data, int status)
{
    struct store_server *srv = data;
    srv->promoting = false;
    if (status != 0) {
        LOG_V(2, "member promotion not done yet", "status=%d", status);
    }
}

/* Spares added with member/add become voters once they are reachable and caught up. */
static void promote_spares(struct store_server *srv)
{
    if (srv->promoting || !raft_node_is_ready_leader(srv->raft)) {
        return;
    }
    struct member_list m;
    size_t n = members_of(srv, &m);
    for (size_t i = 0; i < n; i++) {
        if (m.roles[i] == RAFT_SPARE) {
            if (raft_node_promote_member(srv->raft, m.ids[i], on_promoted, srv) == 0) {
                srv->promoting = true;
                LOG_I("promoting member to voter", "member=%llx", (unsigned long long)m.ids[i]);
            }
            return;
        }
    }
}

static void stop_member(struct store_server *srv)
{
    if (srv->stop_cb != NULL) {
        void (*cb)(void *) = srv->stop_cb;
        srv->stop_cb = NULL;
        cb(srv->stop_data);
    }
}

static void check_removed(struct store_server *srv)
{
    struct member_list m;
    size_t n = members_of(srv, &m);
    if (n == 0) {
        return; /* a joining member has no configuration yet */
    }
    for (size_t i = 0; i < n; i++) {
        if (m.ids[i] == srv->cfg.member_id) {
            return;
        }
    }
    LOG_W("this member was removed from the cluster; stopping", "member=%llx",
          (unsigned long long)srv->cfg.member_id);
    stop_member(srv);
}

static void on_membership_answer(void *data, int rv, struct http_response *resp,
                                 const struct err *err)
{
    struct store_server *srv = data;
    srv->asking_membership = false;
    if (rv != 0 || resp->status != 200) {
        return;
    }
    cleanup_json json_t *answer = json_loadb(resp->body, resp->body_len, 0, NULL);
    json_t *members = json_object_get(answer, "members");
    if (json_array_size(members) == 0) {
        return;
    }
    char self[24];
    u64_text(srv->cfg.member_id, self, sizeof self);
    size_t i;
    json_t *m;
    json_array_foreach (members, i, m) {
        if (strcmp(json_string_value(json_object_get(m, "ID")) ?: "", self) == 0) {
            return;
        }
    }
    LOG_W("the cluster no longer lists this member (removed); stopping", "member=%llx",
          (unsigned long long)srv->cfg.member_id);
    stop_member(srv);
}

/* A removed member never hears of its removal: the leader stops replicating to it at once. So
 * a member that has had no leader for a while asks a peer whether it is still listed, and stops
 * when it is not (etcd's peers answer a removed member with an error that stops it). */
static void check_removed_remotely(struct store_server *srv, uint64_t now)
{
    if (raft_node_leader_id(srv->raft) != 0) {
        srv->leaderless_since_ms = 0;
        return;
    }
    if (srv->leaderless_since_ms == 0) {
        srv->leaderless_since_ms = now;
        return;
    }
    if (srv->asking_membership ||
        now - srv->leaderless_since_ms < 3 * srv->cfg.election_timeout_ms) {
        return;
    }
    struct member_list m;
    size_t n = members_of(srv, &m);
    for (size_t tries = 0; tries < n; tries++) {
        uint64_t id = m.ids[srv->membership_probe++ % n];
        char name[48];
        snprintf(name, sizeof name, "member/%llx", (unsigned long long)id);
        const char *base = json_string_value(
            json_array_get(json_object_get(kv_meta_get(srv->kv, name), "clientURLs"), 0));
        if (id == srv->cfg.member_id || base == NULL) {
            continue;
        }
        char url[512];
        snprintf(url, sizeof url, "%s/v3/cluster/member/list", base);
        struct http_request req = {.method = "POST", .path = url, .body = "{}", .body_len = 2};
        if (http_multi_send(srv->forwarder, &req, on_membership_answer, srv, NULL) == 0) {
            srv->asking_membership = true;
        }
        return;
    }
}

static void on_tick(uv_timer_t *timer)
{
    struct store_server *srv = timer->data;
    if (srv->raft == NULL || srv->closing) {
        return;
    }
    uint64_t now = now_ms(srv);
    /* Requests waiting for a leader: retry them, or time out as etcd does. */
    struct request *r = srv->waiting;
    bool leader_known = raft_node_is_leader(srv->raft) ||
                        (raft_node_leader_id(srv->raft) != 0 && leader_client_url(srv) != NULL);
    while (r != NULL) {
        struct request *next = r->wait_next;
        if (leader_known || now >= r->deadline_ms) {
            wait_unlink(r);
            if (now >= r->deadline_ms) {
                answer_error(r, 503, 14, "etcdserver: request timed out");
            } else {
                dispatch(r);
            }
        }
        r = next;
    }
    if (raft_node_is_ready_leader(srv->raft)) {
        leases_expire(srv);
        publish_self(srv);
        promote_spares(srv);
    }
    publish_through_leader(srv);
    check_removed(srv);
    check_removed_remotely(srv, now);
    watch_hub_tick(srv->hub, now);
}

void store_server_on_leader(void *data, uint64_t leader_id, bool is_ready_leader)
{
    struct store_server *srv = data;
    metrics_counter_inc(srv->leader_changes);
    if (is_ready_leader) {
        leases_promote(srv);
        srv->published = false;
    } else {
        srv->lease_count = 0;
    }
}

void store_server_on_restored(void *data)
{
    struct store_server *srv = data;
    watch_hub_state_replaced(srv->hub);
}

/* ---- Setup and teardown ---- */

static int read_pem(const char *path, const char *flag, char **out, struct err *err)
{
    *out = file_read_pem(path, flag, err);
    return *out != NULL ? 0 : -1;
}

static bool is_loopback(const char *host)
{
    if (strcmp(host, "localhost") == 0 || strcmp(host, "::1") == 0) {
        return true;
    }
    struct in_addr a;
    return inet_pton(AF_INET, host, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

static int listen_on(struct store_server *srv, const char *url_text, struct err *err)
{
    struct member_url url;
    if (member_url_parse(url_text, &url, err) != 0) {
        return err_wrap(err, "--listen-client-urls");
    }
    bool tls = strcmp(url.scheme, "https") == 0;
    /* Only the API server may reach the store: off loopback that takes TLS with client
     * certificates signed by the trusted CA. */
    if (!is_loopback(url.host) && !(tls && srv->cfg.client_cert_auth)) {
        return err_set(err, EINVAL,
                       "--listen-client-urls %s: off loopback c8s-store needs https with "
                       "--client-cert-auth and --trusted-ca-file",
                       url_text);
    }
    if (tls && (srv->cert_pem == NULL || srv->key_pem == NULL)) {
        return err_set(err, EINVAL,
                       "--listen-client-urls %s: https needs --cert-file and --key-file", url_text);
    }
    if (srv->daemon_count == MAX_LISTENERS) {
        return err_set(err, EINVAL, "--listen-client-urls: at most %d URLs", MAX_LISTENERS);
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    char port[8];
    snprintf(port, sizeof port, "%d", url.port);
    if (getaddrinfo(url.host, port, &hints, &ai) != 0 || ai == NULL) {
        return err_set(err, EINVAL, "--listen-client-urls %s: cannot resolve host", url_text);
    }
    unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO;
    if (ai->ai_family == AF_INET6) {
        flags |= MHD_USE_IPv6;
    }
    struct MHD_OptionItem tls_options[4] = {{MHD_OPTION_END, 0, NULL}};
    if (tls) {
        flags |= MHD_USE_TLS;
        size_t k = 0;
        tls_options[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, srv->key_pem};
        tls_options[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, srv->cert_pem};
        if (srv->cfg.client_cert_auth) {
            tls_options[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0, srv->ca_pem};
        }
        tls_options[k] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)url.port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)10000, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)0,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_ARRAY, tls_options,
        MHD_OPTION_END);
    freeaddrinfo(ai);
    if (d == NULL) {
        return err_set(err, EADDRINUSE, "listen on %s: address in use or not available", url_text);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
    size_t i = srv->daemon_count++;
    srv->daemons[i] = d;
    srv->tls_daemon[i] = tls;
    uv_poll_init(srv->loop, &srv->polls[i], info->epoll_fd);
    srv->polls[i].data = srv;
    uv_poll_start(&srv->polls[i], UV_READABLE, on_mhd_poll);
    return 0;
}

struct store_server *store_server_new(const struct store_server_config *cfg, struct err *err)
{
    struct store_server *srv = xcalloc(1, sizeof *srv);
    srv->loop = cfg->loop;
    srv->kv = cfg->kv;
    srv->cfg = *cfg;
    srv->name = xstrdup(cfg->name);
    srv->cluster_token = xstrdup(cfg->cluster_token);
    srv->advertise_client_urls = xstrdup(cfg->advertise_client_urls);
    srv->advertise_peer_urls = xstrdup(cfg->advertise_peer_urls);
    srv->hub =
        watch_hub_new(cfg->kv, watch_header, srv, WATCH_BUFFER_BYTES, cfg->progress_notify_ms);

    srv->metrics = metrics_registry_new();
    srv->requests_total =
        metrics_counter_new(srv->metrics, "c8s_store_requests_total",
                            "Client requests by path and HTTP status.", "path", "code", NULL);
    srv->request_seconds =
        metrics_histogram_new(srv->metrics, "c8s_store_request_duration_seconds",
                              "Client request latency by path.", NULL, 0, "path", NULL);
    srv->has_leader =
        metrics_gauge_new(srv->metrics, "etcd_server_has_leader",
                          "Whether or not a leader exists. 1 is existence, 0 is not.", NULL);
    srv->leader_changes = metrics_counter_new(srv->metrics, "etcd_server_leader_changes_seen_total",
                                              "The number of leader changes seen.", NULL);

    if (cfg->cert_file != NULL || cfg->key_file != NULL || cfg->client_cert_auth) {
        if (read_pem(cfg->cert_file, "--cert-file", &srv->cert_pem, err) != 0 ||
            read_pem(cfg->key_file, "--key-file", &srv->key_pem, err) != 0 ||
            (cfg->client_cert_auth &&
             read_pem(cfg->trusted_ca_file, "--trusted-ca-file", &srv->ca_pem, err) != 0)) {
            store_server_free(srv);
            return NULL;
        }
    }
    /* Forwarding goes to the leader's client URL with this member's certificate. */
    struct http_config forward_cfg = {
        .timeout_ms = (int64_t)cfg->request_timeout_ms,
        .connect_timeout_ms = 1000,
        .user_agent = "c8s-store",
        .ca_file = cfg->trusted_ca_file,
        .cert_file = cfg->cert_file,
        .key_file = cfg->key_file,
    };
    srv->forwarder = http_multi_new(srv->loop, &forward_cfg, err);
    if (srv->forwarder == NULL) {
        store_server_free(srv);
        return NULL;
    }
    uv_timer_init(srv->loop, &srv->mhd_timer);
    srv->mhd_timer.data = srv;
    uv_timer_init(srv->loop, &srv->tick_timer);
    srv->tick_timer.data = srv;

    cleanup_free char *urls = xstrdup(cfg->listen_client_urls);
    char *save = NULL;
    for (char *u = strtok_r(urls, ",", &save); u != NULL; u = strtok_r(NULL, ",", &save)) {
        if (listen_on(srv, u, err) != 0) {
            store_server_close(srv);
            uv_run(srv->loop, UV_RUN_NOWAIT);
            store_server_free(srv);
            return NULL;
        }
    }
    uv_timer_start(&srv->tick_timer, on_tick, TICK_MS, TICK_MS);
    return srv;
}

void store_server_attach_raft(struct store_server *srv, struct raft_node *raft)
{
    srv->raft = raft;
}

void store_server_set_stop_cb(struct store_server *srv, void (*cb)(void *data), void *data)
{
    srv->stop_cb = cb;
    srv->stop_data = data;
}

void store_server_close(struct store_server *srv)
{
    if (srv->closing) {
        return;
    }
    srv->closing = true;
    if (srv->forwarder != NULL) {
        http_multi_close(srv->forwarder, NULL, NULL); /* answers forwarded requests with 503 */
        srv->forwarder = NULL;
    }
    /* Resume everything parked so MHD can finish and free it. */
    for (struct request *r = srv->requests; r != NULL; r = r->next) {
        wait_unlink(r);
        if (r->state == REQ_WAITING) {
            answer_error(r, 503, 14, "etcdserver: server stopped");
        }
        resume(r);
        on_stream_ready(r);
    }
    for (size_t i = 0; i < srv->daemon_count; i++) {
        MHD_run(srv->daemons[i]);
        uv_poll_stop(&srv->polls[i]);
        uv_close((uv_handle_t *)&srv->polls[i], NULL);
        MHD_stop_daemon(srv->daemons[i]);
    }
    uv_timer_stop(&srv->mhd_timer);
    uv_close((uv_handle_t *)&srv->mhd_timer, NULL);
    uv_timer_stop(&srv->tick_timer);
    uv_close((uv_handle_t *)&srv->tick_timer, NULL);
}

void store_server_free(struct store_server *srv)
{
    if (srv == NULL) {
        return;
    }
    watch_hub_free(srv->hub);
    metrics_registry_free(srv->metrics);
    json_decref(srv->publish_request);
    free(srv->leases);
    free(srv->cert_pem);
    free(srv->key_pem);
    free(srv->ca_pem);
    free(srv->name);
    free(srv->cluster_token);
    free(srv->advertise_client_urls);
    free(srv->advertise_peer_urls);
    free(srv);
}
