/* The one module that knows canonical/raft 0.15 (so a move to the cowsql/raft fork stays local):
 * the raft instance on the store's libuv loop, the FSM that feeds committed commands to the kv
 * state machine, proposals with their results, and linearizable-read barriers batched the way
 * etcd batches ReadIndex. Loop-bound: every function runs on the loop thread. */
#ifndef C8S_STORE_RAFT_NODE_H
#define C8S_STORE_RAFT_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <uv.h>

#include "err.h"
#include "kv.h"

struct raft_node_peer {
    uint64_t id;
    char address[300]; /* host:port of its raft transport */
};

struct raft_node_config {
    uv_loop_t *loop;          /* borrowed */
    struct kv_store *kv;      /* borrowed: the state machine */
    const char *data_dir;     /* raft's files go in <data_dir>/raft, created when missing */
    uint64_t id;              /* this member */
    const char *address;      /* host:port other members reach this member's raft at */
    const char *bind_address; /* host:port to listen on when it differs, or NULL */
    bool bootstrap;           /* --initial-cluster-state new: bootstrap with peers on first start */
    const struct raft_node_peer *peers; /* the initial voters, this member included */
    size_t peer_count;
    unsigned election_timeout_ms;
    unsigned heartbeat_ms;
    unsigned snapshot_threshold; /* entries between raft snapshots (etcd --snapshot-count) */
    /* Called after a raft snapshot replaced the kv state (a follower catching up by snapshot
     * install), so that watchers resynchronise. Optional. */
    /* The state was seeded from a backup (snapshot restore): take a raft snapshot as soon as
     * possible and drop the log before it, so that a member added later receives the seeded
     * state by snapshot install rather than replaying a log that lacks it. */
    bool seeded;
    void (*restored_cb)(void *data);
    void *restored_data;
};

/* Called after a proposal was applied on this member (status 0: response is a new reference to
 * the kv response body, or NULL with kv_err filled for a business failure), or failed in raft
 * (status != 0: a RAFT_* code; the outcome is unknown when it is RAFT_LEADERSHIPLOST).
 * revision is the store revision right after the apply. */
typedef void (*raft_node_apply_cb)(void *data, int status, json_t *response,
                                   const struct kv_error *kv_err, int64_t revision);

/* Called when a read may proceed (status 0): everything committed before the read was asked
 * for has been applied here and this member was still the leader. */
typedef void (*raft_node_read_cb)(void *data, int status);

/* Called when this member's view of leadership changes (leader id 0 = none known) and when it
 * becomes a leader ready to serve (is_ready_leader), after its first barrier committed. */
typedef void (*raft_node_leader_cb)(void *data, uint64_t leader_id, bool is_ready_leader);

struct raft_node;

/* Starts raft on cfg->loop. Returns a node, or NULL with err filled. */
struct raft_node *raft_node_start(const struct raft_node_config *cfg, raft_node_leader_cb leader_cb,
                                  void *leader_data, struct err *err);

/* Closes raft; cb runs on the loop once everything raft owned is released (then free the node
 * with raft_node_free after uv_run returns). Pending proposals and reads fail with
 * RAFT_SHUTDOWN. Never call from inside a raft callback: it defers itself to the loop. */
void raft_node_close(struct raft_node *node, void (*cb)(void *data), void *data);
void raft_node_free(struct raft_node *node);

/* Proposes a command (request is borrowed and must stay unchanged until cb). Only on the
 * leader: returns 0, or a negative RAFT_* code (e.g. -RAFT_NOTLEADER) without calling cb. */
int raft_node_propose(struct raft_node *node, enum kv_cmd cmd, const json_t *request,
                      raft_node_apply_cb cb, void *data);

/* Waits for a linearizable read point (leader only, batched behind one barrier). Returns 0 or
 * a negative RAFT_* code without calling cb. */
int raft_node_read_index(struct raft_node *node, raft_node_read_cb cb, void *data);

bool raft_node_is_leader(const struct raft_node *node);
/* True once a barrier of this leader's term committed: its applied state is current. */
bool raft_node_is_ready_leader(const struct raft_node *node);
uint64_t raft_node_leader_id(const struct raft_node *node);
uint64_t raft_node_term(const struct raft_node *node);
uint64_t raft_node_id(const struct raft_node *node);
uint64_t raft_node_applied_index(const struct raft_node *node);
uint64_t raft_node_last_index(const struct raft_node *node);

/* The current configuration: fills ids/roles (RAFT_VOTER, RAFT_STANDBY, RAFT_SPARE) and
 * addresses (borrowed, valid until the next configuration change); returns the count. */
size_t raft_node_members(const struct raft_node *node, uint64_t *ids, int *roles,
                         const char **addresses, size_t max);

/* Membership changes (leader only). cb gets 0 or a RAFT_* code. */
typedef void (*raft_node_change_cb)(void *data, int status);
int raft_node_add_member(struct raft_node *node, uint64_t id, const char *address,
                         raft_node_change_cb cb, void *data);
int raft_node_promote_member(struct raft_node *node, uint64_t id, raft_node_change_cb cb,
                             void *data);
int raft_node_remove_member(struct raft_node *node, uint64_t id, raft_node_change_cb cb,
                            void *data);

/* A RAFT_* code's text. */
const char *raft_node_strerror(int code);

#endif
