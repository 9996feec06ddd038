/* canonical/raft 0.15 behind one module. The pitfalls of that version shape this file (see
 * shared/ref/etcd-and-raft.md §3.3): no no-op entry on election and no ReadIndex, so reads and
 * leader readiness go through barriers; apply results exist only on the proposing member, so
 * proposals are matched by (proposer id, request id); apply never fails; raft_close is deferred
 * to the loop because calling it from a raft callback aborts in libuv. */
#include "raft_node.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <raft.h>
#include <raft/uv.h>

#include "log.h"
#include "xalloc.h"

/* Command entry: magic, kv_cmd, proposer id, request id (little endian), then the JSON body. */
#define ENTRY_MAGIC       0xC8
#define ENTRY_HEADER_SIZE 18

struct proposal {
    struct raft_apply req;
    struct raft_node *node;
    uint64_t request_id;
    const json_t *request; /* borrowed from the caller until cb */
    raft_node_apply_cb cb;
    void *data;
    bool applied;
    int kv_rc;
    json_t *response;
    struct kv_error kv_err;
    int64_t revision;
    struct proposal *prev, *next;
};

struct read_waiter {
    raft_node_read_cb cb;
    void *data;
    struct read_waiter *next;
};

struct change_request {
    struct raft_change req;
    struct raft_node *node;
    raft_node_change_cb cb;
    void *data;
};

struct raft_node {
    uv_loop_t *loop;
    struct kv_store *kv;
    struct raft raft;
    struct raft_io io;
    struct raft_uv_transport transport;
    struct raft_fsm fsm;
    uint64_t id;
    char *raft_dir;
    char *address;

    uint64_t next_request_id;
    struct proposal *proposals; /* in flight on this member, newest first */

    /* Linearizable reads: waiters that arrived while a barrier was in flight wait for the next
     * one, so one barrier serves every read queued behind it (etcd's ReadIndex batching). */
    struct raft_barrier read_barrier;
    bool read_barrier_in_flight;
    struct read_waiter *reads_in_flight;
    struct read_waiter *reads_next;
    struct read_waiter **reads_next_tail;

    /* Leadership, polled on a timer (raft 0.15 has no state-change callback). */
    uv_timer_t state_timer;
    uint64_t known_leader;
    uint64_t known_term;
    bool ready;
    bool ready_barrier_in_flight;
    struct raft_barrier ready_barrier;
    raft_node_leader_cb leader_cb;
    void *leader_data;
    void (*restored_cb)(void *data);
    void *restored_data;

    /* Shutdown. */
    uv_timer_t close_timer;
    void (*close_cb)(void *data);
    void *close_data;
    bool closing;
    bool started;
    /* Seeded from a backup: snapshot thresholds to restore after the first snapshot. */
    bool seed_snapshot_pending;
    unsigned snapshot_threshold;
};

const char *raft_node_strerror(int code)
{
    return raft_strerror(code < 0 ? -code : code);
}

/* ---- FSM ---- */

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static struct proposal *find_proposal(struct raft_node *node, uint64_t request_id)
{
    for (struct proposal *p = node->proposals; p != NULL; p = p->next) {
        if (p->request_id == request_id) {
            return p;
        }
    }
    return NULL;
}

/* Runs on every member for every committed command. It must not fail: a non-zero return
 * stalls raft on this entry forever, so business failures travel in the proposal instead. */
static int fsm_apply(struct raft_fsm *fsm, const struct raft_buffer *buf, void **result)
{
    struct raft_node *node = fsm->data;
    *result = NULL;
    const uint8_t *bytes = buf->base;
    if (buf->len < ENTRY_HEADER_SIZE || bytes[0] != ENTRY_MAGIC) {
        LOG_E("skipping a log entry that is not a store command", "len=%zu", buf->len);
        return 0;
    }
    enum kv_cmd cmd = (enum kv_cmd)bytes[1];
    uint64_t proposer = get_u64(bytes + 2);
    uint64_t request_id = get_u64(bytes + 10);
    struct proposal *p = proposer == node->id ? find_proposal(node, request_id) : NULL;

    /* The proposer still holds the parsed request: skip parsing it again. */
    json_t *parsed = NULL;
    const json_t *request = p ? p->request : NULL;
    if (request == NULL) {
        json_error_t jerr;
        parsed = json_loadb((const char *)bytes + ENTRY_HEADER_SIZE, buf->len - ENTRY_HEADER_SIZE,
                            0, &jerr);
        if (parsed == NULL) {
            LOG_E("skipping a store command that is not JSON", "error=\"%s\"", jerr.text);
            return 0;
        }
        request = parsed;
    }
    struct kv_error kv_err = {0};
    json_t *response = NULL;
    int rc = kv_apply(node->kv, cmd, request, p ? &response : NULL, &kv_err);
    if (p != NULL) {
        p->applied = true;
        p->kv_rc = rc;
        p->response = response;
        p->kv_err = kv_err;
        p->revision = kv_revision(node->kv);
    }
    json_decref(parsed);
    return 0;
}

static int fsm_snapshot(struct raft_fsm *fsm, struct raft_buffer *bufs[], unsigned *n_bufs)
{
    struct raft_node *node = fsm->data;
    void *data = NULL;
    size_t len = 0;
    if (kv_snapshot_save(node->kv, &data, &len) != 0) {
        return RAFT_NOMEM;
    }
    /* raft frees both with raft_free; its default heap is the C library's. */
    *bufs = raft_malloc(sizeof **bufs);
    if (*bufs == NULL) {
        free(data);
        return RAFT_NOMEM;
    }
    (*bufs)[0].base = data;
    (*bufs)[0].len = len;
    *n_bufs = 1;
    if (node->seed_snapshot_pending) {
        node->seed_snapshot_pending = false;
        if (node->snapshot_threshold > 0) {
            raft_set_snapshot_threshold(&node->raft, node->snapshot_threshold);
            raft_set_snapshot_trailing(&node->raft, node->snapshot_threshold / 2 + 1);
        }
        LOG_I("the restored state is now in a raft snapshot", "revision=%lld",
              (long long)kv_revision(node->kv));
    }
    LOG_V(2, "raft snapshot taken", "bytes=%zu revision=%lld", len,
          (long long)kv_revision(node->kv));
    return 0;
}

static int fsm_restore(struct raft_fsm *fsm, struct raft_buffer *buf)
{
    struct raft_node *node = fsm->data;
    struct kv_error kv_err = {0};
    if (kv_snapshot_load(node->kv, buf->base, buf->len, &kv_err) != 0) {
        LOG_E("raft snapshot rejected", "error=\"%s\"", kv_err.message);
        return RAFT_CORRUPT;
    }
    raft_free(buf->base);
    LOG_I("state restored from a raft snapshot", "revision=%lld", (long long)kv_revision(node->kv));
    if (node->restored_cb != NULL) {
        node->restored_cb(node->restored_data);
    }
    return 0;
}

/* ---- Proposals ---- */

static void unlink_proposal(struct raft_node *node, struct proposal *p)
{
    if (p->prev != NULL) {
        p->prev->next = p->next;
    } else {
        node->proposals = p->next;
    }
    if (p->next != NULL) {
        p->next->prev = p->prev;
    }
}

static void on_applied(struct raft_apply *req, int status, void *result)
{
    struct proposal *p = req->data;
    struct raft_node *node = p->node;
    unlink_proposal(node, p);
    if (status == 0 && !p->applied) {
        status = RAFT_IOERR; /* cannot happen: apply runs before this callback */
    }
    if (status == 0) {
        p->cb(p->data, 0, p->response, p->kv_rc != 0 ? &p->kv_err : NULL, p->revision);
    } else {
        json_decref(p->response);
        p->cb(p->data, status, NULL, NULL, 0);
    }
    free(p);
}

int raft_node_propose(struct raft_node *node, enum kv_cmd cmd, const json_t *request,
                      raft_node_apply_cb cb, void *data)
{
    if (node->closing) {
        return -RAFT_SHUTDOWN;
    }
    if (raft_state(&node->raft) != RAFT_LEADER) {
        return -RAFT_NOTLEADER;
    }
    char *body = json_dumps(request, JSON_COMPACT);
    if (body == NULL) {
        return -RAFT_MALFORMED;
    }
    size_t body_len = strlen(body);
    /* libraft 0.15's disk format pads entries to 8 bytes and mis-reads unpadded ones when a
     * member reloads its log after a crash (an ASan overflow seen here); pad with spaces, which
     * JSON parsing ignores. */
    struct raft_buffer buf = {.len = (ENTRY_HEADER_SIZE + body_len + 7) & ~(size_t)7};
    buf.base = raft_malloc(buf.len);
    if (buf.base == NULL) {
        free(body);
        return -RAFT_NOMEM;
    }
    struct proposal *p = xcalloc(1, sizeof *p);
    p->node = node;
    p->request_id = node->next_request_id++;
    p->request = request;
    p->cb = cb;
    p->data = data;
    p->req.data = p;

    uint8_t *bytes = buf.base;
    bytes[0] = ENTRY_MAGIC;
    bytes[1] = (uint8_t)cmd;
    put_u64(bytes + 2, node->id);
    put_u64(bytes + 10, p->request_id);
    memcpy(bytes + ENTRY_HEADER_SIZE, body, body_len);
    memset(bytes + ENTRY_HEADER_SIZE + body_len, ' ', buf.len - ENTRY_HEADER_SIZE - body_len);
    free(body);

    p->next = node->proposals;
    if (node->proposals != NULL) {
        node->proposals->prev = p;
    }
    node->proposals = p;
    int rc = raft_apply(&node->raft, &p->req, &buf, 1, on_applied);
    if (rc != 0) {
        unlink_proposal(node, p);
        free(p);
        raft_free(buf.base);
        return -rc;
    }
    return 0;
}

/* ---- Linearizable reads ---- */

static void start_read_barrier(struct raft_node *node);

static void on_read_barrier(struct raft_barrier *req, int status)
{
    struct raft_node *node = req->data;
    struct read_waiter *w = node->reads_in_flight;
    node->reads_in_flight = NULL;
    node->read_barrier_in_flight = false;
    while (w != NULL) {
        struct read_waiter *next = w->next;
        w->cb(w->data, status);
        free(w);
        w = next;
    }
    if (!node->read_barrier_in_flight && node->reads_next != NULL) {
        start_read_barrier(node);
    }
}

static void fail_waiters(struct read_waiter *w, int status)
{
    while (w != NULL) {
        struct read_waiter *next = w->next;
        w->cb(w->data, status);
        free(w);
        w = next;
    }
}

static void start_read_barrier(struct raft_node *node)
{
    node->reads_in_flight = node->reads_next;
    node->reads_next = NULL;
    node->reads_next_tail = &node->reads_next;
    node->read_barrier_in_flight = true;
    node->read_barrier.data = node;
    int rc = raft_barrier(&node->raft, &node->read_barrier, on_read_barrier);
    if (rc != 0) {
        struct read_waiter *w = node->reads_in_flight;
        node->reads_in_flight = NULL;
        node->read_barrier_in_flight = false;
        fail_waiters(w, rc);
    }
}

int raft_node_read_index(struct raft_node *node, raft_node_read_cb cb, void *data)
{
    if (node->closing) {
        return -RAFT_SHUTDOWN;
    }
    if (raft_state(&node->raft) != RAFT_LEADER) {
        return -RAFT_NOTLEADER;
    }
    struct read_waiter *w = xcalloc(1, sizeof *w);
    w->cb = cb;
    w->data = data;
    *node->reads_next_tail = w;
    node->reads_next_tail = &w->next;
    if (!node->read_barrier_in_flight) {
        start_read_barrier(node);
    }
    return 0;
}

/* ---- Leadership ---- */

static void on_ready_barrier(struct raft_barrier *req, int status)
{
    struct raft_node *node = req->data;
    node->ready_barrier_in_flight = false;
    if (node->closing) {
        return;
    }
    if (status == 0 && raft_state(&node->raft) == RAFT_LEADER &&
        node->raft.current_term == node->known_term) {
        node->ready = true;
        LOG_I("leader ready", "term=%llu applied=%llu revision=%lld",
              (unsigned long long)node->known_term,
              (unsigned long long)raft_last_applied(&node->raft), (long long)kv_revision(node->kv));
        if (node->leader_cb != NULL) {
            node->leader_cb(node->leader_data, node->id, true);
        }
    }
}

static void poll_state(uv_timer_t *timer)
{
    struct raft_node *node = timer->data;
    if (node->closing) {
        return;
    }
    raft_id leader_id = 0;
    const char *leader_address = NULL;
    raft_leader(&node->raft, &leader_id, &leader_address);
    bool is_leader = raft_state(&node->raft) == RAFT_LEADER;
    uint64_t term = node->raft.current_term;
    if (leader_id != node->known_leader || term != node->known_term) {
        bool was_ready = node->ready;
        node->known_leader = leader_id;
        node->known_term = term;
        node->ready = false;
        LOG_I("leadership changed", "leader=%llx term=%llu self=%llx",
              (unsigned long long)leader_id, (unsigned long long)term,
              (unsigned long long)node->id);
        if (node->leader_cb != NULL && (was_ready || leader_id != node->id)) {
            node->leader_cb(node->leader_data, leader_id, false);
        }
    }
    /* A new leader proves its log is current with a barrier in its own term (0.15 appends no
     * entry on election), then it may serve leases and lease-dependent answers. */
    if (is_leader && !node->ready && !node->ready_barrier_in_flight) {
        node->ready_barrier.data = node;
        node->ready_barrier_in_flight = true;
        if (raft_barrier(&node->raft, &node->ready_barrier, on_ready_barrier) != 0) {
            node->ready_barrier_in_flight = false;
        }
    }
}

bool raft_node_is_leader(const struct raft_node *node)
{
    return raft_state((struct raft *)&node->raft) == RAFT_LEADER;
}

bool raft_node_is_ready_leader(const struct raft_node *node)
{
    return node->ready && raft_node_is_leader(node);
}

uint64_t raft_node_leader_id(const struct raft_node *node)
{
    raft_id id = 0;
    const char *address = NULL;
    raft_leader((struct raft *)&node->raft, &id, &address);
    return id;
}

uint64_t raft_node_term(const struct raft_node *node)
{
    return node->raft.current_term;
}

uint64_t raft_node_id(const struct raft_node *node)
{
    return node->id;
}

uint64_t raft_node_applied_index(const struct raft_node *node)
{
    return raft_last_applied((struct raft *)&node->raft);
}

uint64_t raft_node_last_index(const struct raft_node *node)
{
    return raft_last_index((struct raft *)&node->raft);
}

size_t raft_node_members(const struct raft_node *node, uint64_t *ids, int *roles,
                         const char **addresses, size_t max)
{
    const struct raft_configuration *c = &node->raft.configuration;
    size_t n = 0;
    for (unsigned i = 0; i < c->n && n < max; i++, n++) {
        ids[n] = c->servers[i].id;
        roles[n] = c->servers[i].role;
        addresses[n] = c->servers[i].address;
    }
    return n;
}

/* ---- Membership ---- */

static void on_change(struct raft_change *req, int status)
{
    struct change_request *c = req->data;
    if (c->cb != NULL) {
        c->cb(c->data, status);
    }
    free(c);
}

static struct change_request *new_change(struct raft_node *node, raft_node_change_cb cb, void *data)
{
    struct change_request *c = xcalloc(1, sizeof *c);
    c->node = node;
    c->cb = cb;
    c->data = data;
    c->req.data = c;
    return c;
}

int raft_node_add_member(struct raft_node *node, uint64_t id, const char *address,
                         raft_node_change_cb cb, void *data)
{
    struct change_request *c = new_change(node, cb, data);
    int rc = raft_add(&node->raft, &c->req, id, address, on_change);
    if (rc != 0) {
        free(c);
        return -rc;
    }
    return 0;
}

int raft_node_promote_member(struct raft_node *node, uint64_t id, raft_node_change_cb cb,
                             void *data)
{
    struct change_request *c = new_change(node, cb, data);
    int rc = raft_assign(&node->raft, &c->req, id, RAFT_VOTER, on_change);
    if (rc != 0) {
        free(c);
        return -rc;
    }
    return 0;
}

int raft_node_remove_member(struct raft_node *node, uint64_t id, raft_node_change_cb cb, void *data)
{
    struct change_request *c = new_change(node, cb, data);
    int rc = raft_remove(&node->raft, &c->req, id, on_change);
    if (rc != 0) {
        free(c);
        return -rc;
    }
    return 0;
}

/* ---- Start and close ---- */

static int make_dir(const char *path, struct err *err)
{
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        return err_set(err, errno, "mkdir %s: %s", path, strerror(errno));
    }
    return 0;
}

static uint64_t random_u64(void)
{
    uint64_t v = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (f != NULL) {
        if (fread(&v, sizeof v, 1, f) != 1) {
            v = 0;
        }
        fclose(f);
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return v ^ ((uint64_t)ts.tv_sec << 30) ^ (uint64_t)ts.tv_nsec;
}

struct raft_node *raft_node_start(const struct raft_node_config *cfg, raft_node_leader_cb leader_cb,
                                  void *leader_data, struct err *err)
{
    struct raft_node *node = xcalloc(1, sizeof *node);
    node->loop = cfg->loop;
    node->kv = cfg->kv;
    node->id = cfg->id;
    node->address = xstrdup(cfg->address);
    node->raft_dir = xasprintf("%s/raft", cfg->data_dir);
    node->next_request_id = random_u64();
    node->reads_next_tail = &node->reads_next;
    node->leader_cb = leader_cb;
    node->leader_data = leader_data;
    node->restored_cb = cfg->restored_cb;
    node->restored_data = cfg->restored_data;

    if (make_dir(cfg->data_dir, err) != 0 || make_dir(node->raft_dir, err) != 0) {
        goto fail;
    }
    int rc = raft_uv_tcp_init(&node->transport, node->loop);
    if (rc != 0) {
        err_set(err, EIO, "raft transport: %s", raft_strerror(rc));
        goto fail;
    }
    if (cfg->bind_address != NULL && strcmp(cfg->bind_address, cfg->address) != 0) {
        raft_uv_tcp_set_bind_address(&node->transport, cfg->bind_address);
    }
    rc = raft_uv_init(&node->io, node->loop, node->raft_dir, &node->transport);
    if (rc != 0) {
        err_set(err, EIO, "raft storage in %s: %s", node->raft_dir, node->io.errmsg);
        raft_uv_tcp_close(&node->transport);
        goto fail;
    }
    node->fsm = (struct raft_fsm){
        .version = 1,
        .data = node,
        .apply = fsm_apply,
        .snapshot = fsm_snapshot,
        .restore = fsm_restore,
    };
    rc = raft_init(&node->raft, &node->io, &node->fsm, node->id, node->address);
    if (rc != 0) {
        err_set(err, EIO, "raft init: %s", raft_errmsg(&node->raft));
        raft_uv_close(&node->io);
        raft_uv_tcp_close(&node->transport);
        goto fail;
    }
    node->raft.data = node;
    if (cfg->bootstrap) {
        struct raft_configuration conf;
        raft_configuration_init(&conf);
        for (size_t i = 0; i < cfg->peer_count; i++) {
            raft_configuration_add(&conf, cfg->peers[i].id, cfg->peers[i].address, RAFT_VOTER);
        }
        rc = raft_bootstrap(&node->raft, &conf);
        raft_configuration_close(&conf);
        if (rc != 0 && rc != RAFT_CANTBOOTSTRAP) {
            err_set(err, EIO, "raft bootstrap: %s", raft_errmsg(&node->raft));
            goto fail_started;
        }
    }
    raft_set_pre_vote(&node->raft, true);
    raft_set_election_timeout(&node->raft, cfg->election_timeout_ms);
    raft_set_heartbeat_timeout(&node->raft, cfg->heartbeat_ms);
    node->snapshot_threshold = cfg->snapshot_threshold;
    if (cfg->seeded) {
        node->seed_snapshot_pending = true;
        raft_set_snapshot_threshold(&node->raft, 1);
        raft_set_snapshot_trailing(&node->raft, 0);
    } else if (cfg->snapshot_threshold > 0) {
        raft_set_snapshot_threshold(&node->raft, cfg->snapshot_threshold);
        raft_set_snapshot_trailing(&node->raft, cfg->snapshot_threshold / 2 + 1);
    }
    rc = raft_start(&node->raft);
    if (rc != 0) {
        err_set(err, EIO, "raft start: %s", raft_errmsg(&node->raft));
        goto fail_started;
    }
    node->started = true;
    uv_timer_init(node->loop, &node->state_timer);
    node->state_timer.data = node;
    uv_timer_start(&node->state_timer, poll_state, 10, 10);
    uv_timer_init(node->loop, &node->close_timer);
    node->close_timer.data = node;
    return node;

fail_started:
    /* raft_init succeeded: its handles must be closed through the loop. */
    raft_close(&node->raft, NULL);
    uv_run(node->loop, UV_RUN_DEFAULT);
    raft_uv_close(&node->io);
    raft_uv_tcp_close(&node->transport);
fail:
    free(node->raft_dir);
    free(node->address);
    free(node);
    return NULL;
}

static void on_raft_closed(struct raft *raft)
{
    struct raft_node *node = raft->data;
    raft_uv_close(&node->io);
    raft_uv_tcp_close(&node->transport);
    /* Anything raft did not answer before closing. */
    while (node->proposals != NULL) {
        struct proposal *p = node->proposals;
        unlink_proposal(node, p);
        json_decref(p->response);
        p->cb(p->data, RAFT_SHUTDOWN, NULL, NULL, 0);
        free(p);
    }
    fail_waiters(node->reads_next, RAFT_SHUTDOWN);
    node->reads_next = NULL;
    uv_close((uv_handle_t *)&node->state_timer, NULL);
    uv_close((uv_handle_t *)&node->close_timer, NULL);
    if (node->close_cb != NULL) {
        node->close_cb(node->close_data);
    }
}

static void close_from_loop(uv_timer_t *timer)
{
    struct raft_node *node = timer->data;
    uv_timer_stop(&node->state_timer);
    raft_close(&node->raft, on_raft_closed);
}

void raft_node_close(struct raft_node *node, void (*cb)(void *data), void *data)
{
    if (node->closing) {
        return;
    }
    node->closing = true;
    node->close_cb = cb;
    node->close_data = data;
    uv_timer_start(&node->close_timer, close_from_loop, 0, 0);
}

void raft_node_free(struct raft_node *node)
{
    if (node == NULL) {
        return;
    }
    free(node->raft_dir);
    free(node->address);
    free(node);
}
