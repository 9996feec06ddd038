/* c8s-store's wiring: one libuv loop holds raft, the HTTP server and the state machine. */
#include "store_main.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <uv.h>

#include "duration.h"
#include "flags.h"
#include "kv.h"
#include "log.h"
#include "member.h"
#include "raft_node.h"
#include "server.h"
#include "snapshot_cli.h"
#include "xalloc.h"

struct store_options {
    const char *name;
    const char *data_dir;
    const char *listen_client_urls;
    const char *advertise_client_urls;
    const char *listen_peer_urls;
    const char *initial_advertise_peer_urls;
    const char *initial_cluster;
    const char *initial_cluster_state;
    const char *initial_cluster_token;
    int64_t snapshot_count;
    int heartbeat_interval;
    int election_timeout;
    int64_t max_request_bytes;
    int max_txn_ops;
    int64_t progress_notify_interval;
    int verbosity;
    const char *cert_file;
    const char *key_file;
    const char *trusted_ca_file;
    bool client_cert_auth;
};

struct store_process {
    uv_loop_t loop;
    uv_signal_t sigterm, sigint;
    struct kv_store *kv;
    struct store_server *server;
    struct raft_node *raft;
    bool stopping;
};

static void on_raft_closed(void *data)
{
    struct store_process *p = data;
    store_server_close(p->server);
    uv_close((uv_handle_t *)&p->sigterm, NULL);
    uv_close((uv_handle_t *)&p->sigint, NULL);
}

static void stop(void *data)
{
    struct store_process *p = data;
    if (p->stopping) {
        return;
    }
    p->stopping = true;
    LOG_I("stopping", NULL);
    /* raft first: its pending proposals are answered while the HTTP server still runs. */
    raft_node_close(p->raft, on_raft_closed, p);
}

static void on_signal(uv_signal_t *handle, int signum)
{
    stop(handle->data);
}

/* A data dir made by `snapshot restore` holds the backup to start from. Returns 1 when loaded,
 * 0 when there is none, -1 when it is unreadable or corrupt (the member must not start). */
static int load_seed(const char *data_dir, struct kv_store *kv)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", data_dir, SNAPSHOT_SEED_FILE);
    void *data = NULL;
    size_t len = 0;
    struct err err = {0};
    int rc = snapshot_read_file(path, &data, &len, &err);
    if (rc == -ENOENT) {
        return 0;
    }
    struct kv_error kerr = {0};
    if (rc != 0 || kv_snapshot_load(kv, data, len, &kerr) != 0) {
        fprintf(stderr, "c8s-store: %s\n", rc != 0 ? err.msg : kerr.message);
        free(data);
        return -1;
    }
    free(data);
    LOG_I("starting from a restored backup", "file=%s revision=%lld", path,
          (long long)kv_revision(kv));
    return 1;
}

static int run(const struct store_options *o)
{
    struct err err = {0};
    struct member_initial members[MEMBER_MAX];
    int n = member_parse_initial_cluster(o->initial_cluster, o->initial_cluster_token, members,
                                         MEMBER_MAX, &err);
    if (n < 0) {
        fprintf(stderr, "c8s-store: %s\n", err.msg);
        return 2;
    }
    uint64_t self_id =
        member_id_from_peer_urls(o->initial_advertise_peer_urls, o->initial_cluster_token);
    bool is_new = strcmp(o->initial_cluster_state, "new") == 0;
    if (!is_new && strcmp(o->initial_cluster_state, "existing") != 0) {
        fprintf(stderr, "c8s-store: --initial-cluster-state must be new or existing, not %s\n",
                o->initial_cluster_state);
        return 2;
    }
    bool listed = false;
    struct raft_node_peer peers[MEMBER_MAX];
    for (int i = 0; i < n; i++) {
        peers[i].id = members[i].id;
        if (member_raft_address(members[i].peer_url, peers[i].address, sizeof peers[i].address,
                                &err) != 0) {
            fprintf(stderr, "c8s-store: %s\n", err.msg);
            return 2;
        }
        listed = listed || members[i].id == self_id;
    }
    if (!listed) {
        fprintf(stderr,
                "c8s-store: --initial-cluster has no member with this member's "
                "--initial-advertise-peer-urls (%s)\n",
                o->initial_advertise_peer_urls);
        return 2;
    }
    char raft_address[300];
    if (member_raft_address(o->initial_advertise_peer_urls, raft_address, sizeof raft_address,
                            &err) != 0) {
        fprintf(stderr, "c8s-store: --initial-advertise-peer-urls: %s\n", err.msg);
        return 2;
    }

    char bind_address[300];
    if (member_raft_address(o->listen_peer_urls, bind_address, sizeof bind_address, &err) != 0) {
        fprintf(stderr, "c8s-store: --listen-peer-urls: %s\n", err.msg);
        return 2;
    }

    struct store_process p = {0};
    uv_loop_init(&p.loop);
    p.kv = kv_new();
    int seeded = load_seed(o->data_dir, p.kv);
    if (seeded < 0) {
        kv_free(p.kv);
        uv_loop_close(&p.loop);
        return 1;
    }
    struct store_server_config scfg = {
        .loop = &p.loop,
        .kv = p.kv,
        .name = o->name,
        .cluster_token = o->initial_cluster_token,
        .member_id = self_id,
        .cluster_id = member_cluster_id(o->initial_cluster, o->initial_cluster_token),
        .listen_client_urls = o->listen_client_urls,
        .advertise_client_urls = o->advertise_client_urls,
        .advertise_peer_urls = o->initial_advertise_peer_urls,
        .max_request_bytes = (size_t)o->max_request_bytes,
        .max_txn_ops = (size_t)o->max_txn_ops,
        .election_timeout_ms = (unsigned)o->election_timeout,
        .heartbeat_ms = (unsigned)o->heartbeat_interval,
        .request_timeout_ms = 5000 + 2 * (uint64_t)o->election_timeout,
        .progress_notify_ms = (uint64_t)(o->progress_notify_interval / DURATION_MS),
        .cert_file = o->cert_file,
        .key_file = o->key_file,
        .trusted_ca_file = o->trusted_ca_file,
        .client_cert_auth = o->client_cert_auth,
    };
    p.server = store_server_new(&scfg, &err);
    if (p.server == NULL) {
        fprintf(stderr, "c8s-store: %s\n", err.msg);
        kv_free(p.kv);
        uv_loop_close(&p.loop);
        return 1;
    }
    struct raft_node_config rcfg = {
        .loop = &p.loop,
        .kv = p.kv,
        .data_dir = o->data_dir,
        .id = self_id,
        .address = raft_address,
        .bind_address = bind_address,
        .bootstrap = is_new,
        .peers = peers,
        .peer_count = (size_t)n,
        .election_timeout_ms = (unsigned)o->election_timeout,
        .heartbeat_ms = (unsigned)o->heartbeat_interval,
        .snapshot_threshold = (unsigned)o->snapshot_count,
        .seeded = seeded > 0,
        .restored_cb = store_server_on_restored,
        .restored_data = p.server,
    };
    p.raft = raft_node_start(&rcfg, store_server_on_leader, p.server, &err);
    if (p.raft == NULL) {
        fprintf(stderr, "c8s-store: %s\n", err.msg);
        store_server_close(p.server);
        uv_run(&p.loop, UV_RUN_DEFAULT);
        store_server_free(p.server);
        kv_free(p.kv);
        uv_loop_close(&p.loop);
        return 1;
    }
    store_server_attach_raft(p.server, p.raft);
    store_server_set_stop_cb(p.server, stop, &p);

    uv_signal_init(&p.loop, &p.sigterm);
    p.sigterm.data = &p;
    uv_signal_start(&p.sigterm, on_signal, SIGTERM);
    uv_signal_init(&p.loop, &p.sigint);
    p.sigint.data = &p;
    uv_signal_start(&p.sigint, on_signal, SIGINT);

    LOG_I("c8s-store started", "name=%s member=%llx client_urls=%s peer=%s", o->name,
          (unsigned long long)self_id, o->advertise_client_urls, raft_address);
    uv_run(&p.loop, UV_RUN_DEFAULT);

    raft_node_free(p.raft);
    store_server_free(p.server);
    kv_free(p.kv);
    uv_loop_close(&p.loop);
    LOG_I("c8s-store stopped", NULL);
    return 0;
}

int store_main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc > 1 && strcmp(argv[1], "snapshot") == 0) {
        return snapshot_cli_main(argc, argv);
    }
    json_object_seed(0);
    struct store_options o = {
        .name = "default",
        .data_dir = NULL,
        .listen_client_urls = "http://localhost:2379",
        .advertise_client_urls = "http://localhost:2379",
        .listen_peer_urls = "http://localhost:2380",
        .initial_advertise_peer_urls = "http://localhost:2380",
        .initial_cluster = "default=http://localhost:2380",
        .initial_cluster_state = "new",
        .initial_cluster_token = "etcd-cluster",
        .snapshot_count = 100000,
        .heartbeat_interval = 100,
        .election_timeout = 1000,
        .max_request_bytes = 1572864,
        .max_txn_ops = 128,
        .progress_notify_interval = 10 * DURATION_MINUTE,
        .verbosity = 0,
    };
    struct flagset fs;
    flags_init(&fs, "c8s-store", "c8s-store [flags]");
    flags_string(&fs, "name", 0, &o.name, "Human-readable name for this member.");
    flags_string(&fs, "data-dir", 0, &o.data_dir,
                 "Path to the data directory (default \"<name>.etcd\").");
    flags_string(&fs, "listen-client-urls", 0, &o.listen_client_urls,
                 "List of URLs to listen on for client traffic.");
    flags_string(&fs, "advertise-client-urls", 0, &o.advertise_client_urls,
                 "List of this member's client URLs to advertise to the rest of the cluster.");
    flags_string(&fs, "listen-peer-urls", 0, &o.listen_peer_urls,
                 "URL to listen on for peer (raft) traffic; its port must match the advertised "
                 "one.");
    flags_string(&fs, "initial-advertise-peer-urls", 0, &o.initial_advertise_peer_urls,
                 "This member's peer URL to advertise to the rest of the cluster.");
    flags_string(&fs, "initial-cluster", 0, &o.initial_cluster,
                 "Initial cluster configuration for bootstrapping: name=peer-url,...");
    flags_string(&fs, "initial-cluster-state", 0, &o.initial_cluster_state,
                 "Initial cluster state ('new' or 'existing').");
    flags_string(&fs, "initial-cluster-token", 0, &o.initial_cluster_token,
                 "Initial cluster token for the cluster during bootstrap.");
    flags_int64(&fs, "snapshot-count", 0, &o.snapshot_count,
                "Number of committed transactions to trigger a snapshot to disk.");
    flags_int(&fs, "heartbeat-interval", 0, &o.heartbeat_interval,
              "Time (in milliseconds) of a heartbeat interval.");
    flags_int(&fs, "election-timeout", 0, &o.election_timeout,
              "Time (in milliseconds) for an election to timeout.");
    flags_int64(&fs, "max-request-bytes", 0, &o.max_request_bytes,
                "Maximum client request size in bytes the server will accept.");
    flags_int(&fs, "max-txn-ops", 0, &o.max_txn_ops,
              "Maximum number of operations permitted in a transaction.");
    flags_duration(&fs, "experimental-watch-progress-notify-interval", 0,
                   &o.progress_notify_interval,
                   "Duration of periodic watch progress notifications.");
    flags_string(&fs, "cert-file", 0, &o.cert_file, "Path to the client server TLS cert file.");
    flags_string(&fs, "key-file", 0, &o.key_file, "Path to the client server TLS key file.");
    flags_bool(&fs, "client-cert-auth", 0, &o.client_cert_auth,
               "Enable client cert authentication.");
    flags_string(&fs, "trusted-ca-file", 0, &o.trusted_ca_file,
                 "Path to the client server TLS trusted CA cert file.");
    flags_int(&fs, "v", 'v', &o.verbosity, "number for the log level verbosity");
    flags_parse_or_exit(&fs, argc, argv);
    if (fs.nargs > 0) {
        fprintf(stderr, "c8s-store: unexpected argument %s (see 'c8s-store --help')\n", fs.args[0]);
        flags_free(&fs);
        return 2;
    }
    log_init("c8s-store", o.verbosity);
    char *default_dir = NULL;
    if (o.data_dir == NULL) {
        default_dir = xasprintf("%s.etcd", o.name);
        o.data_dir = default_dir;
    }
    if (o.client_cert_auth && o.trusted_ca_file == NULL) {
        fprintf(stderr, "c8s-store: --client-cert-auth needs --trusted-ca-file\n");
        flags_free(&fs);
        free(default_dir);
        return 2;
    }
    if (o.election_timeout < 5 * o.heartbeat_interval) {
        fprintf(stderr,
                "c8s-store: --election-timeout[%dms] should be at least as 5 times as "
                "--heartbeat-interval[%dms]\n",
                o.election_timeout, o.heartbeat_interval);
        flags_free(&fs);
        free(default_dir);
        return 2;
    }
    int rc = run(&o);
    flags_free(&fs);
    free(default_dir);
    return rc;
}
