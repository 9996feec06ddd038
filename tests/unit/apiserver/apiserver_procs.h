/* Test helpers shared by the client-machinery tests (test_informer.c, test_leaderelection.c): a
 * real one-member c8s-store and real c8s-apiservers ($C8S_BIN_DIR) on free 127.0.0.1 ports with
 * a temp dir, ended by PID; JSON requests over plain HTTP; polling with a deadline. Header-only
 * (static inline) so each test executable takes what it uses. */
#ifndef C8S_TESTS_APISERVER_PROCS_H
#define C8S_TESTS_APISERVER_PROCS_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "http_client.h"
#include "kubeclient.h"
#include "log.h"
#include "xalloc.h"

extern char **environ;

#define PROCS_READY_TIMEOUT_MS 30000
#define PROCS_MAX_APISERVERS   2

struct procs_apiserver {
    pid_t pid;
    int port;
    char url[64];
    char log[192];
};

struct procs {
    char tmpdir[64];
    char bin_dir[512];
    pid_t store_pid;
    int store_port, store_peer_port;
    char store_url[64];
    struct procs_apiserver api[PROCS_MAX_APISERVERS];
    int napi;
};

static inline int64_t procs_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void procs_pause_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static inline int procs_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        abort();
    }
    close(fd);
    return ntohs(a.sin_port);
}

static inline pid_t procs_spawn(const char *const argv[], const char *log_path)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char **)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0 ? pid : -1;
}

/* Ends pid with sig, then SIGKILL after 5 s; reaps it. */
static inline void procs_end(pid_t *pid, int sig)
{
    if (*pid <= 0) {
        return;
    }
    kill(*pid, sig);
    int64_t deadline = procs_now_ms() + 5000;
    while (waitpid(*pid, NULL, WNOHANG) == 0) {
        if (procs_now_ms() > deadline) {
            kill(*pid, SIGKILL);
            waitpid(*pid, NULL, 0);
            break;
        }
        procs_pause_ms(10);
    }
    *pid = 0;
}

/* A plain client on url (no retries). */
static inline struct http_client *procs_client(const char *url)
{
    struct http_config cfg = {.base_url = url, .retry = {.max_attempts = 1}};
    return http_client_new(&cfg, NULL);
}

/* GET path on url until it answers 200 or the deadline passes. */
static inline bool procs_wait_ok(const char *url, const char *path, int64_t timeout_ms)
{
    struct http_client *c = procs_client(url);
    int64_t deadline = procs_now_ms() + timeout_ms;
    bool ok = false;
    while (!ok && procs_now_ms() < deadline) {
        struct http_response resp = {0};
        ok = http_do(c, "GET", path, NULL, NULL, 0, &resp, NULL) == 0 && resp.status == 200;
        http_response_free(&resp);
        if (!ok) {
            procs_pause_ms(50);
        }
    }
    http_client_free(c);
    return ok;
}

static inline void procs_print_log(const char *path)
{
    char *cmd = xasprintf("tail -n 30 %s >&2", path);
    if (system(cmd) != 0) {
        fprintf(stderr, "(no log at %s)\n", path);
    }
    free(cmd);
}

/* Starts apiserver i (port kept across restarts) without waiting. */
static inline bool procs_apiserver_spawn(struct procs *p, int i)
{
    struct procs_apiserver *a = &p->api[i];
    if (a->port == 0) {
        a->port = procs_free_port();
        snprintf(a->url, sizeof a->url, "http://127.0.0.1:%d", a->port);
        char dir[sizeof p->tmpdir]; /* a copy: gcc's -Wrestrict sees one object in p */
        memcpy(dir, p->tmpdir, sizeof dir);
        snprintf(a->log, sizeof a->log, "%s/apiserver%d.log", dir, i);
    }
    char bin[600], etcd[96], port[48];
    snprintf(bin, sizeof bin, "%s/c8s-apiserver", p->bin_dir);
    snprintf(etcd, sizeof etcd, "--etcd-servers=%s", p->store_url);
    snprintf(port, sizeof port, "--insecure-port=%d", a->port);
    const char *argv[] = {bin, etcd, port, "--etcd-compaction-interval=0", NULL};
    a->pid = procs_spawn(argv, a->log);
    return a->pid > 0;
}

/* Waits for apiserver i's /readyz; prints its log on failure. */
static inline bool procs_apiserver_wait_ready(struct procs *p, int i)
{
    if (p->api[i].pid <= 0 || !procs_wait_ok(p->api[i].url, "/readyz", PROCS_READY_TIMEOUT_MS)) {
        procs_print_log(p->api[i].log);
        return false;
    }
    return true;
}

/* Starts apiserver i (port kept across restarts); waits for /readyz. */
static inline bool procs_apiserver_start(struct procs *p, int i)
{
    return procs_apiserver_spawn(p, i) && procs_apiserver_wait_ready(p, i);
}

/* Ends apiserver i abruptly (SIGKILL), as a crash. */
static inline void procs_apiserver_kill(struct procs *p, int i)
{
    procs_end(&p->api[i].pid, SIGKILL);
}

/* A temp dir, a one-member c8s-store and napi apiservers on it. False when the binaries are not
 * built (C8S_BIN_DIR unset) or something did not come up (logs printed). */
static inline bool procs_start(struct procs *p, int napi)
{
    memset(p, 0, sizeof *p);
    const char *bin_dir = getenv("C8S_BIN_DIR");
    if (bin_dir == NULL || bin_dir[0] == '\0') {
        fprintf(stderr, "C8S_BIN_DIR is not set\n");
        return false;
    }
    snprintf(p->bin_dir, sizeof p->bin_dir, "%s", bin_dir);
    snprintf(p->tmpdir, sizeof p->tmpdir, "/tmp/c8s-procs-XXXXXX");
    if (mkdtemp(p->tmpdir) == NULL) {
        return false;
    }
    p->store_port = procs_free_port();
    p->store_peer_port = procs_free_port();
    snprintf(p->store_url, sizeof p->store_url, "http://127.0.0.1:%d", p->store_port);
    char bin[600], data[128], peer[64], cluster[96], log[128];
    snprintf(bin, sizeof bin, "%s/c8s-store", p->bin_dir);
    snprintf(data, sizeof data, "%s/store.data", p->tmpdir);
    snprintf(peer, sizeof peer, "http://127.0.0.1:%d", p->store_peer_port);
    snprintf(cluster, sizeof cluster, "s0=%s", peer);
    snprintf(log, sizeof log, "%s/store.log", p->tmpdir);
    const char *argv[] = {bin,          "--name",
                          "s0",         "--data-dir",
                          data,         "--listen-client-urls",
                          p->store_url, "--advertise-client-urls",
                          p->store_url, "--listen-peer-urls",
                          peer,         "--initial-advertise-peer-urls",
                          peer,         "--initial-cluster",
                          cluster,      "--initial-cluster-state",
                          "new",        "--heartbeat-interval",
                          "50",         "--election-timeout",
                          "500",        NULL};
    p->store_pid = procs_spawn(argv, log);
    if (p->store_pid <= 0 || !procs_wait_ok(p->store_url, "/health", PROCS_READY_TIMEOUT_MS)) {
        procs_print_log(log);
        return false;
    }
    p->napi = napi;
    for (int i = 0; i < napi; i++) {
        procs_apiserver_spawn(p, i); /* in parallel: each takes seconds under ASan */
    }
    for (int i = 0; i < napi; i++) {
        if (!procs_apiserver_wait_ready(p, i)) {
            procs_print_log(log);
            return false;
        }
    }
    return true;
}

/* Ends every process by PID and removes the temp dir. */
static inline void procs_stop(struct procs *p)
{
    for (int i = 0; i < p->napi; i++) {
        procs_end(&p->api[i].pid, SIGTERM);
    }
    procs_end(&p->store_pid, SIGTERM);
    if (p->tmpdir[0] != '\0') {
        char *cmd = xasprintf("rm -rf '%s'", p->tmpdir);
        if (system(cmd) != 0) {
            fprintf(stderr, "could not remove %s\n", p->tmpdir);
        }
        free(cmd);
    }
}

/* cmocka group set-up and tear-down bodies: log as component, start the processes. */
static inline int procs_group_set_up(struct procs *p, const char *component, int napi)
{
    log_init(component, 0);
    if (!procs_start(p, napi)) {
        procs_stop(p);
        return -1;
    }
    return 0;
}

static inline int procs_group_tear_down(struct procs *p)
{
    procs_stop(p);
    http_global_cleanup();
    return 0;
}

/* One JSON request to url; returns kubeclient_json's code, *out (may be NULL) a new reference.
 * body is a JSON text (may be NULL). */
static inline int procs_json(const char *url, const char *method, const char *path,
                             const char *body, json_t **out, struct err *err)
{
    struct http_client *c = procs_client(url);
    json_t *b = body != NULL ? json_loads(body, 0, NULL) : NULL;
    int rv = kubeclient_json(c, method, path, b, out, err);
    json_decref(b);
    http_client_free(c);
    return rv;
}

#endif
