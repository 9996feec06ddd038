/* The store's client API: etcd 3.4's v3 JSON gateway (POST /v3/kv/..., /v3/watch, /v3/lease/...,
 * /v3/maintenance/..., /v3/cluster/member/...) plus GET /health, /version and /metrics, served by
 * libmicrohttpd driven from the store's libuv loop. Writes go through raft; linearizable reads
 * wait for a batched barrier; a follower forwards what needs the leader. The leader also runs the
 * lessor (lease expiry is leader-local time, replicated as revoke commands, as in etcd).
 * Loop-bound. */
#ifndef C8S_STORE_SERVER_H
#define C8S_STORE_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "err.h"
#include "kv.h"
#include "raft_node.h"

struct store_server_config {
    uv_loop_t *loop;
    struct kv_store *kv;
    const char *name;
    const char *cluster_token;
    uint64_t member_id;
    uint64_t cluster_id;
    const char *listen_client_urls;    /* comma-separated http://host:port */
    const char *advertise_client_urls; /* comma-separated */
    const char *advertise_peer_urls;   /* comma-separated */
    size_t max_request_bytes;          /* etcd --max-request-bytes (1.5 MiB) */
    size_t max_txn_ops;                /* etcd --max-txn-ops (128) */
    unsigned election_timeout_ms;      /* for the minimum lease TTL, as etcd */
    unsigned heartbeat_ms;
    uint64_t request_timeout_ms; /* how long a request may wait for a leader */
    uint64_t progress_notify_ms; /* watch progress notifications (0: off) */
    /* TLS for https:// client URLs (etcd's flags). With client_cert_auth every request must
     * carry a certificate signed by trusted_ca_file; the same certificate is this member's
     * client certificate when it forwards to the leader. */
    const char *cert_file;
    const char *key_file;
    const char *trusted_ca_file;
    bool client_cert_auth;
};

struct store_server;

/* Binds the client listeners. Returns NULL with err filled (bad URL, address in use, a
 * non-loopback address without TLS and client certificate authentication, unreadable
 * certificate files). */
struct store_server *store_server_new(const struct store_server_config *cfg, struct err *err);

/* Hands the raft node to the server (created after the server, since raft's callbacks go to
 * it). From then on requests are served. */
void store_server_attach_raft(struct store_server *srv, struct raft_node *raft);

/* The callbacks raft_node_start and the raft config take (leader changes, snapshot restores). */
void store_server_on_leader(void *srv, uint64_t leader_id, bool is_ready_leader);
void store_server_on_restored(void *srv);

/* Called once when this member finds it was removed from the cluster, or on a fatal error:
 * main stops the member. */
void store_server_set_stop_cb(struct store_server *srv, void (*cb)(void *data), void *data);

/* Stops listening, answers or drops what is in flight, closes every handle on the loop. */
void store_server_close(struct store_server *srv);
void store_server_free(struct store_server *srv);

#endif
