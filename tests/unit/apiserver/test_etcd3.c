/* apiserver/etcd3 against real stores: the same cases run on a 3-member real etcd (Debian's
 * etcd-server on PATH) and a 3-member c8s-store ($C8S_BIN_DIR/c8s-store), started here on free
 * 127.0.0.1 ports with temp data dirs and ended by PID. Waits poll a condition with a deadline. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "etcd3.h"
#include "http_client.h"
#include "log.h"
#include "xalloc.h"

extern char **environ;

#define MEMBERS       3
#define READY_TIMEOUT 30000
#define EVENT_TIMEOUT 20000

struct member {
    pid_t pid;
    int client_port;
    int peer_port;
    char name[8];
};

struct backend {
    const char *kind;
    char binary[512];
    char tmpdir[64];
    struct member m[MEMBERS];
    int nmembers;
    bool tls;            /* https client URLs with --client-cert-auth */
    char endpoints[256]; /* every member, m0 first */
    struct etcd3 *c;
    int64_t compact_version; /* this "apiserver"'s compaction state */
    int64_t compact_revision;
};

/* ---- Helpers ------------------------------------------------------------------------------ */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static int free_port(void)
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

static bool find_on_path(const char *name, char *out, size_t size)
{
    const char *path = getenv("PATH");
    char *copy = xstrdup(path ? path : "/usr/bin:/bin");
    char *save = NULL;
    bool found = false;
    for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
        snprintf(out, size, "%s/%s", dir, name);
        found = access(out, X_OK) == 0;
    }
    free(copy);
    return found;
}

static void print_log_tail(struct backend *b, struct member *m)
{
    char *cmd = xasprintf("tail -n 20 %s/%s.log >&2", b->tmpdir, m->name);
    if (system(cmd) != 0) {
        fprintf(stderr, "(no log)\n");
    }
    free(cmd);
}

static void member_start(struct backend *b, struct member *m, bool restart)
{
    char data[128], client[64], peer[64], cluster[256] = "", logpath[128];
    snprintf(data, sizeof data, "%s/%s.data", b->tmpdir, m->name);
    snprintf(client, sizeof client, "%s://127.0.0.1:%d", b->tls ? "https" : "http", m->client_port);
    snprintf(peer, sizeof peer, "http://127.0.0.1:%d", m->peer_port);
    snprintf(logpath, sizeof logpath, "%s/%s.log", b->tmpdir, m->name);
    for (int i = 0; i < b->nmembers; i++) {
        size_t n = strlen(cluster);
        snprintf(cluster + n, sizeof cluster - n, "%s%s=http://127.0.0.1:%d", i ? "," : "",
                 b->m[i].name, b->m[i].peer_port);
    }
    const char *argv[] = {b->binary,
                          "--name",
                          m->name,
                          "--data-dir",
                          data,
                          "--listen-client-urls",
                          client,
                          "--advertise-client-urls",
                          client,
                          "--listen-peer-urls",
                          peer,
                          "--initial-advertise-peer-urls",
                          peer,
                          "--initial-cluster",
                          cluster,
                          "--initial-cluster-state",
                          restart ? "existing" : "new",
                          "--heartbeat-interval",
                          "50",
                          "--election-timeout",
                          "500",
                          NULL,
                          NULL,
                          NULL,
                          NULL,
                          NULL,
                          NULL,
                          NULL,
                          NULL};
    char cert[128], key[128], ca[128];
    if (b->tls) {
        snprintf(cert, sizeof cert, "%s/server.crt", b->tmpdir);
        snprintf(key, sizeof key, "%s/server.key", b->tmpdir);
        snprintf(ca, sizeof ca, "%s/ca.crt", b->tmpdir);
        size_t n = 21;
        argv[n++] = "--cert-file";
        argv[n++] = cert;
        argv[n++] = "--key-file";
        argv[n++] = key;
        argv[n++] = "--trusted-ca-file";
        argv[n++] = ca;
        argv[n++] = "--client-cert-auth";
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    int rc = posix_spawn(&m->pid, b->binary, &fa, NULL, (char **)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    assert_int_equal(rc, 0);
}

/* Ends m by PID: SIGTERM, then SIGKILL after 5 s. */
static void member_stop(struct member *m, int sig)
{
    if (m->pid <= 0) {
        return;
    }
    kill(m->pid, sig);
    int64_t deadline = now_ms() + 5000;
    while (waitpid(m->pid, NULL, WNOHANG) == 0) {
        if (now_ms() > deadline) {
            kill(m->pid, SIGKILL);
            waitpid(m->pid, NULL, 0);
            break;
        }
        pause_ms(10);
    }
    m->pid = 0;
}

static char cert_dir[64]; /* the TLS backend's tmpdir: ca.crt, client.crt, client.key */

/* A client on endpoints; for https ones, with the test CA and client certificate. */
static struct etcd3 *client_for(const char *endpoints)
{
    char ca[128], cert[128], key[128];
    snprintf(ca, sizeof ca, "%s/ca.crt", cert_dir);
    snprintf(cert, sizeof cert, "%s/client.crt", cert_dir);
    snprintf(key, sizeof key, "%s/client.key", cert_dir);
    bool tls = strstr(endpoints, "https://") != NULL;
    struct etcd3_config cfg = {.endpoints = endpoints,
                               .timeout_ms = 10000,
                               .ca_file = tls ? ca : NULL,
                               .cert_file = tls ? cert : NULL,
                               .key_file = tls ? key : NULL};
    struct err err = {0};
    struct etcd3 *c = etcd3_new(&cfg, &err);
    if (c == NULL) {
        fail_msg("etcd3_new(%s): %s", endpoints, err.msg);
    }
    return c;
}

/* Waits until every member serves a linearizable read (so a leader is elected and known). */
static int wait_ready(struct backend *b)
{
    int64_t deadline = now_ms() + READY_TIMEOUT;
    for (int i = 0; i < b->nmembers; i++) {
        char ep[64];
        snprintf(ep, sizeof ep, "%s://127.0.0.1:%d", b->tls ? "https" : "http",
                 b->m[i].client_port);
        struct etcd3 *c = client_for(ep);
        int64_t count = 0;
        struct err err = {0};
        for (;;) {
            if (etcd3_count(c, "/ready/", &count, &err) == 0) {
                break;
            }
            int status;
            if (waitpid(b->m[i].pid, &status, WNOHANG) != 0 || now_ms() > deadline) {
                fprintf(stderr, "%s member %s not ready: %s\n", b->kind, b->m[i].name, err.msg);
                print_log_tail(b, &b->m[i]);
                etcd3_free(c);
                return -1;
            }
            pause_ms(20);
        }
        etcd3_free(c);
    }
    return 0;
}

static int backend_tear_down(void **state);

static void run_in(const char *dir, const char *cmd)
{
    char *full = xasprintf("cd %s && (%s) >/dev/null 2>&1", dir, cmd);
    int rc = system(full);
    free(full);
    assert_int_equal(rc, 0);
}

/* A CA, a server certificate for 127.0.0.1 (server and client usage, as the lab's member
 * certificates) and a client certificate, made with the openssl CLI. */
static void make_certs(const char *dir)
{
    run_in(dir, "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                "-keyout ca.key -out ca.crt -days 2 -subj /CN=c8s-etcd3-test-ca");
    run_in(dir, "printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n'"
                " > server.ext && openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
                "-nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 && openssl x509 "
                "-req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 "
                "-extfile server.ext -out server.crt");
    run_in(dir, "printf 'extendedKeyUsage=clientAuth\n' > client.ext && openssl req -newkey ec "
                "-pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout client.key -out client.csr "
                "-subj /CN=kube-apiserver && openssl x509 -req -in client.csr -CA ca.crt -CAkey "
                "ca.key -CAcreateserial -days 2 -extfile client.ext -out client.crt");
}

static int backend_set_up(void **state, const char *kind, const char *binary, int nmembers,
                          bool tls)
{
    struct backend *b = xcalloc(1, sizeof *b);
    b->kind = kind;
    b->nmembers = nmembers;
    b->tls = tls;
    snprintf(b->binary, sizeof b->binary, "%s", binary);
    snprintf(b->tmpdir, sizeof b->tmpdir, "/tmp/c8s-etcd3-test-XXXXXX");
    if (mkdtemp(b->tmpdir) == NULL) {
        free(b);
        return -1;
    }
    if (tls) {
        make_certs(b->tmpdir);
        snprintf(cert_dir, sizeof cert_dir, "%s", b->tmpdir);
    }
    size_t n = 0;
    for (int i = 0; i < nmembers; i++) {
        struct member *m = &b->m[i];
        snprintf(m->name, sizeof m->name, "m%d", i);
        m->client_port = free_port();
        m->peer_port = free_port();
        n += (size_t)snprintf(b->endpoints + n, sizeof b->endpoints - n, "%s%s://127.0.0.1:%d",
                              i ? "," : "", tls ? "https" : "http", m->client_port);
    }
    for (int i = 0; i < nmembers; i++) {
        member_start(b, &b->m[i], false);
    }
    *state = b;
    if (wait_ready(b) != 0) {
        backend_tear_down(state);
        *state = NULL;
        return -1;
    }
    b->c = client_for(b->endpoints);
    return 0;
}

static int backend_tear_down(void **state)
{
    struct backend *b = *state;
    if (b == NULL) {
        return 0;
    }
    etcd3_free(b->c);
    for (int i = 0; i < b->nmembers; i++) {
        member_stop(&b->m[i], SIGTERM);
    }
    char *cmd = xasprintf("rm -rf %s", b->tmpdir);
    int rc = system(cmd);
    free(cmd);
    free(b);
    return rc;
}

static int etcd_set_up(void **state)
{
    char path[512];
    if (!find_on_path("etcd", path, sizeof path)) {
        return -1;
    }
    return backend_set_up(state, "etcd", path, MEMBERS, false);
}

static int etcd_tls_set_up(void **state)
{
    char path[512];
    if (!find_on_path("etcd", path, sizeof path)) {
        return -1;
    }
    return backend_set_up(state, "etcd", path, 1, true);
}

static char store_path[512];

static int store_set_up(void **state)
{
    return backend_set_up(state, "c8s-store", store_path, MEMBERS, false);
}

static int store_tls_set_up(void **state)
{
    return backend_set_up(state, "c8s-store", store_path, 1, true);
}

static int64_t create_ok(struct backend *b, const char *key, const char *value)
{
    int64_t rev = 0;
    struct err err = {0};
    int rv = etcd3_create(b->c, key, value, strlen(value), 0, &rev, &err);
    if (rv != 0) {
        fail_msg("create %s: %d %s", key, rv, err.msg);
    }
    assert_true(rev > 0);
    return rev;
}

/* ---- Watch recorder ----------------------------------------------------------------------- */

struct seen {
    enum etcd3_event_type type;
    char *key;
    char *value;
    char *prev_value; /* NULL when the event had no prev_kv */
    int64_t rev;
};

struct recorder {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    struct seen ev[64];
    size_t n;
    size_t calls;
    size_t max_batch;
    bool ended;
    int end_code;
    char end_msg[ERR_MSG_SIZE];
};

static void recorder_init(struct recorder *r)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->cond, &ca);
    pthread_condattr_destroy(&ca);
}

static void recorder_close(struct recorder *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->ev[i].key);
        free(r->ev[i].value);
        free(r->ev[i].prev_value);
    }
    pthread_cond_destroy(&r->cond);
    pthread_mutex_destroy(&r->mu);
}

static int record_events(void *data, const struct etcd3_event *events, size_t count,
                         int64_t progress)
{
    struct recorder *r = data;
    pthread_mutex_lock(&r->mu);
    if (count > 0) {
        r->calls++;
        r->max_batch = count > r->max_batch ? count : r->max_batch;
    }
    for (size_t i = 0; i < count && r->n < 64; i++) {
        struct seen *s = &r->ev[r->n++];
        s->type = events[i].type;
        s->key = xstrdup(events[i].kv.key);
        s->value = xstrdup(events[i].kv.value);
        s->prev_value = events[i].prev_kv.key ? xstrdup(events[i].prev_kv.value) : NULL;
        s->rev = events[i].kv.mod_revision;
    }
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->mu);
    return 0;
}

static void record_end(void *data, int code, const struct err *err)
{
    struct recorder *r = data;
    pthread_mutex_lock(&r->mu);
    r->ended = true;
    r->end_code = code;
    snprintf(r->end_msg, sizeof r->end_msg, "%s", err ? err->msg : "");
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->mu);
}

/* Waits until the recorder holds n events (or the watch ended, when n is 0). */
static bool recorder_wait(struct recorder *r, size_t n, int64_t timeout_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (timeout_ms % 1000) * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&r->mu);
    while (n ? r->n < n : !r->ended) {
        if (pthread_cond_timedwait(&r->cond, &r->mu, &until) == ETIMEDOUT) {
            break;
        }
    }
    bool ok = n ? r->n >= n : r->ended;
    pthread_mutex_unlock(&r->mu);
    return ok;
}

static struct etcd3_watch *watch_ok(struct etcd3 *c, const char *prefix, int64_t from,
                                    struct recorder *r)
{
    struct err err = {0};
    struct etcd3_watch *w = etcd3_watch_start(c, prefix, from, record_events, record_end, r, &err);
    if (w == NULL) {
        fail_msg("watch %s: %s", prefix, err.msg);
    }
    return w;
}

static void assert_seen(const struct seen *s, enum etcd3_event_type type, const char *key,
                        const char *value, const char *prev, int64_t rev)
{
    assert_int_equal(s->type, type);
    assert_string_equal(s->key, key);
    assert_string_equal(s->value, value);
    if (prev == NULL) {
        assert_null(s->prev_value);
    } else {
        assert_non_null(s->prev_value);
        assert_string_equal(s->prev_value, prev);
    }
    assert_int_equal(s->rev, rev);
}

/* ---- Success ------------------------------------------------------------------------------ */

static void test_get_returns_the_key_and_enoent_with_the_revision_when_absent(void **state)
{
    struct backend *b = *state;
    int64_t rev = create_ok(b, "/registry/get/a", "v1");
    struct etcd3_kv kv;
    int64_t at = 0;
    assert_int_equal(etcd3_get(b->c, "/registry/get/a", &kv, &at, NULL), 0);
    assert_string_equal(kv.key, "/registry/get/a");
    assert_int_equal(kv.key_len, strlen("/registry/get/a"));
    assert_string_equal(kv.value, "v1");
    assert_int_equal(kv.value_len, 2);
    assert_int_equal(kv.mod_revision, rev);
    assert_int_equal(kv.create_revision, rev);
    assert_int_equal(kv.version, 1);
    assert_int_equal(kv.lease, 0);
    assert_true(at >= rev);
    etcd3_kv_free(&kv);
    assert_null(kv.key);

    at = 0;
    assert_int_equal(etcd3_get(b->c, "/registry/get/none", &kv, &at, NULL), -ENOENT);
    assert_true(at >= rev);
    assert_null(kv.key);
}

static void test_list_pages_with_limit_more_total_and_the_read_revision(void **state)
{
    struct backend *b = *state;
    char key[64], value[16];
    int64_t last = 0;
    for (int i = 0; i < 5; i++) {
        snprintf(key, sizeof key, "/registry/list/k%d", i);
        snprintf(value, sizeof value, "v%d", i);
        last = create_ok(b, key, value);
    }
    create_ok(b, "/registry/listx", "outside the prefix");

    struct etcd3_list page;
    assert_int_equal(etcd3_list(b->c, "/registry/list/", NULL, 2, 0, &page, NULL), 0);
    assert_int_equal(page.count, 2);
    assert_true(page.more);
    assert_int_equal(page.total, 5);
    assert_true(page.revision > last);
    assert_string_equal(page.kvs[0].key, "/registry/list/k0");
    assert_string_equal(page.kvs[1].value, "v1");
    int64_t rv = page.revision;
    etcd3_list_free(&page);

    /* The next page as the apiserver's continue: after the last key, at the first page's RV. */
    assert_int_equal(
        etcd3_list(b->c, "/registry/list/k1\x01", "/registry/list0", 2, rv, &page, NULL), 0);
    assert_int_equal(page.count, 2);
    assert_true(page.more);
    assert_int_equal(page.total, 3);
    assert_int_equal(page.revision, rv);
    assert_string_equal(page.kvs[0].key, "/registry/list/k2");
    etcd3_list_free(&page);
    assert_int_equal(
        etcd3_list(b->c, "/registry/list/k3\x01", "/registry/list0", 2, rv, &page, NULL), 0);
    assert_int_equal(page.count, 1);
    assert_false(page.more);
    assert_string_equal(page.kvs[0].key, "/registry/list/k4");
    etcd3_list_free(&page);

    /* An explicit [start, end) range; an empty range. */
    assert_int_equal(etcd3_list(b->c, "/registry/list/k1", "/registry/list/k3", 0, 0, &page, NULL),
                     0);
    assert_int_equal(page.count, 2);
    assert_string_equal(page.kvs[1].key, "/registry/list/k2");
    etcd3_list_free(&page);
    assert_int_equal(etcd3_list(b->c, "/registry/nothing/", NULL, 0, 0, &page, NULL), 0);
    assert_int_equal(page.count, 0);
    assert_int_equal(page.total, 0);
    assert_false(page.more);
    etcd3_list_free(&page);

    /* A list at a past revision sees that revision's values. */
    int64_t rev0 = 0;
    struct etcd3_kv kv;
    assert_int_equal(etcd3_get(b->c, "/registry/list/k0", &kv, NULL, NULL), 0);
    assert_int_equal(
        etcd3_update(b->c, "/registry/list/k0", "new", 3, kv.mod_revision, 0, &rev0, NULL, NULL),
        0);
    etcd3_kv_free(&kv);
    assert_int_equal(etcd3_list(b->c, "/registry/list/", NULL, 0, rv, &page, NULL), 0);
    assert_int_equal(page.count, 5);
    assert_string_equal(page.kvs[0].value, "v0");
    etcd3_list_free(&page);
    assert_int_equal(etcd3_list(b->c, "/registry/list/", NULL, 0, 0, &page, NULL), 0);
    assert_string_equal(page.kvs[0].value, "new");
    assert_int_equal(page.kvs[0].mod_revision, rev0);
    assert_int_equal(page.kvs[0].version, 2);
    etcd3_list_free(&page);
}

static void test_count_counts_only_keys_under_the_prefix(void **state)
{
    struct backend *b = *state;
    create_ok(b, "/registry/count/a", "1");
    create_ok(b, "/registry/count/b", "2");
    create_ok(b, "/registry/count/c", "3");
    create_ok(b, "/registry/countx", "4");
    int64_t n = -1;
    assert_int_equal(etcd3_count(b->c, "/registry/count/", &n, NULL), 0);
    assert_int_equal(n, 3);
    assert_int_equal(etcd3_count(b->c, "/registry/count/none/", &n, NULL), 0);
    assert_int_equal(n, 0);
}

static void test_prefix_state_gives_the_revision_count_and_newest_change(void **state)
{
    struct backend *b = *state;
    struct etcd3_prefix_state st;
    assert_int_equal(etcd3_prefix_state(b->c, "/registry/state/", &st, NULL), 0);
    assert_int_equal(st.count, 0);
    assert_int_equal(st.max_mod_revision, 0);
    assert_true(st.revision > 0);
    int64_t a = create_ok(b, "/registry/state/a", "1");
    int64_t z = create_ok(b, "/registry/state/z", "2");
    int64_t rev = 0;
    assert_int_equal(etcd3_update(b->c, "/registry/state/a", "3", 1, a, 0, &rev, NULL, NULL), 0);
    create_ok(b, "/registry/statex", "4"); /* outside the prefix */
    assert_int_equal(etcd3_prefix_state(b->c, "/registry/state/", &st, NULL), 0);
    assert_int_equal(st.count, 2);
    assert_int_equal(st.max_mod_revision, rev); /* the newest change, whatever the key order */
    assert_true(st.revision > rev);
    /* A deletion leaves no key behind: the count tells it. */
    assert_int_equal(etcd3_delete(b->c, "/registry/state/a", 0, &rev, NULL, NULL), 0);
    assert_int_equal(etcd3_prefix_state(b->c, "/registry/state/", &st, NULL), 0);
    assert_int_equal(st.count, 1);
    assert_int_equal(st.max_mod_revision, z);
    assert_true(st.revision >= rev);
}

static void test_create_twice_fails_with_eexist(void **state)
{
    struct backend *b = *state;
    create_ok(b, "/registry/create/a", "first");
    struct err err = {0};
    int64_t rev = -1;
    assert_int_equal(etcd3_create(b->c, "/registry/create/a", "second", 6, 0, &rev, &err), -EEXIST);
    assert_int_equal(rev, -1);
    assert_non_null(strstr(err.msg, "/registry/create/a"));
    struct etcd3_kv kv;
    assert_int_equal(etcd3_get(b->c, "/registry/create/a", &kv, NULL, NULL), 0);
    assert_string_equal(kv.value, "first");
    etcd3_kv_free(&kv);
}

static void test_update_with_a_stale_revision_conflicts_and_returns_the_current(void **state)
{
    struct backend *b = *state;
    int64_t r1 = create_ok(b, "/registry/update/a", "v1");
    int64_t r2 = 0;
    assert_int_equal(etcd3_update(b->c, "/registry/update/a", "v2", 2, r1, 0, &r2, NULL, NULL), 0);
    assert_true(r2 > r1);

    struct etcd3_kv cur;
    struct err err = {0};
    int64_t r3 = -1;
    assert_int_equal(etcd3_update(b->c, "/registry/update/a", "v3", 2, r1, 0, &r3, &cur, &err),
                     -C8S_ECONFLICT);
    assert_int_equal(r3, -1);
    assert_string_equal(cur.value, "v2");
    assert_int_equal(cur.mod_revision, r2);
    assert_int_equal(cur.version, 2);
    assert_non_null(strstr(err.msg, "/registry/update/a"));
    etcd3_kv_free(&cur);

    assert_int_equal(etcd3_update(b->c, "/registry/update/gone", "x", 1, r1, 0, NULL, &cur, NULL),
                     -ENOENT);
    assert_null(cur.key);
}

static void test_delete_guarded_and_unguarded(void **state)
{
    struct backend *b = *state;
    int64_t ra = create_ok(b, "/registry/delete/a", "va");
    create_ok(b, "/registry/delete/b", "vb");

    struct etcd3_kv kv;
    int64_t rev = -1;
    assert_int_equal(etcd3_delete(b->c, "/registry/delete/a", ra - 1, &rev, &kv, NULL),
                     -C8S_ECONFLICT);
    assert_string_equal(kv.value, "va");
    assert_int_equal(kv.mod_revision, ra);
    etcd3_kv_free(&kv);

    assert_int_equal(etcd3_delete(b->c, "/registry/delete/a", ra, &rev, &kv, NULL), 0);
    assert_true(rev > ra);
    assert_string_equal(kv.key, "/registry/delete/a");
    assert_string_equal(kv.value, "va");
    assert_int_equal(kv.mod_revision, ra);
    etcd3_kv_free(&kv);
    assert_int_equal(etcd3_get(b->c, "/registry/delete/a", &kv, NULL, NULL), -ENOENT);
    assert_int_equal(etcd3_delete(b->c, "/registry/delete/a", ra, NULL, &kv, NULL), -ENOENT);
    assert_null(kv.key);

    int64_t rb = 0;
    assert_int_equal(etcd3_delete(b->c, "/registry/delete/b", 0, &rb, &kv, NULL), 0);
    assert_true(rb > rev);
    assert_string_equal(kv.value, "vb");
    etcd3_kv_free(&kv);
    assert_int_equal(etcd3_delete(b->c, "/registry/delete/b", 0, NULL, NULL, NULL), -ENOENT);
}

static void test_written_revision_follows_this_clients_writes_under_tracked_prefixes(void **state)
{
    struct backend *b = *state;
    assert_int_equal(etcd3_written_revision(b->c, "/registry/tracked/"), -1);
    create_ok(b, "/registry/tracked/before", "untracked yet");
    assert_int_equal(etcd3_track_writes(b->c, "/registry/tracked/"), 0);
    assert_int_equal(etcd3_track_writes(b->c, "/registry/tracked/"), 0); /* twice: no-op */
    assert_int_equal(etcd3_written_revision(b->c, "/registry/tracked/"), 0);

    int64_t created = create_ok(b, "/registry/tracked/a", "v1");
    assert_int_equal(etcd3_written_revision(b->c, "/registry/tracked/"), created);
    create_ok(b, "/registry/trackedx/other", "not under the prefix");
    assert_int_equal(etcd3_written_revision(b->c, "/registry/tracked/"), created);
    assert_int_equal(etcd3_create(b->c, "/registry/tracked/a", "again", 5, 0, NULL, NULL), -EEXIST);
    assert_int_equal(etcd3_written_revision(b->c, "/registry/tracked/"), created);

    int64_t updated = 0;
    assert_int_equal(
        etcd3_update(b->c, "/registry/tracked/a", "v2", 2, created, 0, &updated, NULL, NULL), 0);
    assert_int_equal(etcd3_written_revision(b->c, "/registry/tracked/"), updated);
    assert_int_equal(
        etcd3_update(b->c, "/registry/tracked/a", "v3", 2, created, 0, NULL, NULL, NULL),
        -C8S_ECONFLICT); /* no write, no revision */
    assert_int_equal(etcd3_written_revision(b->c, "/registry/tracked/"), updated);

    int64_t deleted = 0;
    assert_int_equal(etcd3_delete(b->c, "/registry/tracked/a", 0, &deleted, NULL, NULL), 0);
    assert_true(deleted > updated);
    assert_int_equal(etcd3_written_revision(b->c, "/registry/tracked/"), deleted);
    assert_int_equal(etcd3_delete(b->c, "/registry/tracked/a", 0, NULL, NULL, NULL), -ENOENT);
    assert_int_equal(etcd3_written_revision(b->c, "/registry/tracked/"), deleted);
}

static void test_lease_grant_gives_an_id_that_keys_carry(void **state)
{
    struct backend *b = *state;
    int64_t id = 0;
    assert_int_equal(etcd3_lease_grant(b->c, 60, &id, NULL), 0);
    assert_true(id != 0);
    int64_t rev = 0;
    assert_int_equal(etcd3_create(b->c, "/registry/events/a", "e", 1, id, &rev, NULL), 0);
    struct etcd3_kv kv;
    assert_int_equal(etcd3_get(b->c, "/registry/events/a", &kv, NULL, NULL), 0);
    assert_int_equal(kv.lease, id);
    etcd3_kv_free(&kv);

    struct err err = {0};
    assert_int_equal(etcd3_create(b->c, "/registry/events/b", "e", 1, id + 12345, NULL, &err),
                     -ENOENT);
    assert_non_null(strstr(err.msg, "requested lease not found"));
}

static void test_a_future_revision_is_too_large(void **state)
{
    struct backend *b = *state;
    struct etcd3_list l;
    struct err err = {0};
    assert_int_equal(etcd3_list(b->c, "/registry/", NULL, 1, 1000000, &l, &err), -C8S_ETOOLARGE);
    assert_non_null(strstr(err.msg, "future revision"));
    assert_non_null(strstr(err.msg, "/registry/"));
    assert_non_null(strstr(err.msg, "http://127.0.0.1:"));
}

static void test_compaction_rounds_compact_the_revision_recorded_the_round_before(void **state)
{
    struct backend *b = *state;
    int64_t old = create_ok(b, "/registry/compact/a", "v1");
    assert_int_equal(etcd3_update(b->c, "/registry/compact/a", "v2", 2, old, 0, NULL, NULL, NULL),
                     0);

    /* Bootstrap: the first round records the current revision and compacts nothing. */
    assert_int_equal(etcd3_compact_round(b->c, &b->compact_version, &b->compact_revision, NULL), 0);
    assert_int_equal(b->compact_version, 1);
    int64_t recorded = b->compact_revision;
    assert_true(recorded > old);
    struct etcd3_list l;
    assert_int_equal(etcd3_list(b->c, "/registry/compact/", NULL, 0, old, &l, NULL), 0);
    assert_string_equal(l.kvs[0].value, "v1");
    etcd3_list_free(&l);

    /* Another apiserver, a version behind, loses the CAS and learns the version. */
    int64_t other_version = 0, other_revision = 0;
    assert_int_equal(etcd3_compact_round(b->c, &other_version, &other_revision, NULL), 0);
    assert_int_equal(other_version, 1);
    assert_true(other_revision >= recorded);
    assert_int_equal(etcd3_list(b->c, "/registry/compact/", NULL, 0, old, &l, NULL), 0);
    etcd3_list_free(&l);

    /* The second round wins and compacts to the revision the first one recorded. */
    assert_int_equal(etcd3_compact_round(b->c, &b->compact_version, &b->compact_revision, NULL), 0);
    assert_int_equal(b->compact_version, 2);
    assert_true(b->compact_revision > recorded);
    struct err err = {0};
    assert_int_equal(etcd3_list(b->c, "/registry/compact/", NULL, 0, old, &l, &err), -C8S_EGONE);
    assert_non_null(strstr(err.msg, "compacted"));
    assert_int_equal(etcd3_list(b->c, "/registry/compact/", NULL, 0, recorded, &l, NULL), 0);
    assert_string_equal(l.kvs[0].value, "v2");
    etcd3_list_free(&l);
}

static void test_watch_delivers_puts_and_deletes_with_prev_kv_in_order(void **state)
{
    struct backend *b = *state;
    /* History before the watch starts arrives as catch-up, several revisions per message. */
    int64_t r1 = create_ok(b, "/registry/watch/x", "x1");
    int64_t r2 = 0, r3, r4 = 0, r5 = 0, r6 = 0;
    assert_int_equal(etcd3_update(b->c, "/registry/watch/x", "x2", 2, r1, 0, &r2, NULL, NULL), 0);
    r3 = create_ok(b, "/registry/watch/y", "y1");
    create_ok(b, "/registry/watchx", "outside the prefix");
    assert_int_equal(etcd3_delete(b->c, "/registry/watch/x", r2, &r4, NULL, NULL), 0);

    struct recorder r;
    recorder_init(&r);
    struct etcd3_watch *w = watch_ok(b->c, "/registry/watch/", r1, &r);
    assert_true(recorder_wait(&r, 4, EVENT_TIMEOUT));
    assert_int_equal(etcd3_update(b->c, "/registry/watch/y", "y2", 2, r3, 0, &r5, NULL, NULL), 0);
    assert_int_equal(etcd3_delete(b->c, "/registry/watch/y", 0, &r6, NULL, NULL), 0);
    assert_true(recorder_wait(&r, 6, EVENT_TIMEOUT));
    etcd3_watch_stop(w);

    assert_int_equal(r.n, 6);
    assert_seen(&r.ev[0], ETCD3_PUT, "/registry/watch/x", "x1", NULL, r1);
    assert_seen(&r.ev[1], ETCD3_PUT, "/registry/watch/x", "x2", "x1", r2);
    assert_seen(&r.ev[2], ETCD3_PUT, "/registry/watch/y", "y1", NULL, r3);
    assert_seen(&r.ev[3], ETCD3_DELETE, "/registry/watch/x", "", "x2", r4);
    assert_seen(&r.ev[4], ETCD3_PUT, "/registry/watch/y", "y2", "y1", r5);
    assert_seen(&r.ev[5], ETCD3_DELETE, "/registry/watch/y", "", "y2", r6);
    assert_true(r.max_batch > 1); /* the catch-up came in one message */
    assert_true(r.ended);
    assert_int_equal(r.end_code, 0);
    recorder_close(&r);
}

static void test_watch_stop_while_idle_returns_promptly(void **state)
{
    struct backend *b = *state;
    struct recorder r;
    recorder_init(&r);
    struct etcd3_watch *w = watch_ok(b->c, "/registry/idle/", 0, &r);
    /* The watch starts at the revision after its creation: write until it sees one. */
    int64_t deadline = now_ms() + EVENT_TIMEOUT;
    for (int i = 0;; i++) {
        assert_true(now_ms() < deadline);
        char key[64];
        snprintf(key, sizeof key, "/registry/idle/k%d", i);
        create_ok(b, key, "v");
        if (recorder_wait(&r, 1, 200)) {
            break;
        }
    }
    int64_t t0 = now_ms();
    etcd3_watch_stop(w);
    int64_t took = now_ms() - t0;
    assert_true(took < 1000);
    assert_true(r.ended);
    assert_int_equal(r.end_code, 0);
    recorder_close(&r);
}

static void test_unary_calls_fail_over_past_a_dead_endpoint(void **state)
{
    struct backend *b = *state;
    char endpoints[320];
    int dead = free_port();
    snprintf(endpoints, sizeof endpoints, "http://127.0.0.1:%d,%s", dead, b->endpoints);
    struct etcd3 *c = client_for(endpoints);
    int64_t rev = 0;
    assert_int_equal(etcd3_create(c, "/registry/failover/a", "v", 1, 0, &rev, NULL), 0);
    struct etcd3_kv kv;
    assert_int_equal(etcd3_get(c, "/registry/failover/a", &kv, NULL, NULL), 0);
    assert_int_equal(kv.mod_revision, rev);
    etcd3_kv_free(&kv);
    etcd3_free(c);

    /* Nothing answers: connection refused, naming the key and an endpoint. */
    char only_dead[64];
    snprintf(only_dead, sizeof only_dead, "127.0.0.1:%d", dead);
    c = client_for(only_dead);
    struct err err = {0};
    assert_int_equal(etcd3_get(c, "/registry/failover/a", &kv, NULL, &err), -ECONNREFUSED);
    assert_non_null(strstr(err.msg, "/registry/failover/a"));
    assert_non_null(strstr(err.msg, only_dead));
    etcd3_free(c);
}

/* ---- Failure ------------------------------------------------------------------------------ */

static void test_watch_from_a_compacted_revision_ends_with_egone(void **state)
{
    struct backend *b = *state;
    assert_true(b->compact_version >= 2); /* after the compaction test */
    struct recorder r;
    recorder_init(&r);
    struct etcd3_watch *w = watch_ok(b->c, "/registry/compact/", 1, &r);
    assert_true(recorder_wait(&r, 0, EVENT_TIMEOUT));
    assert_int_equal(r.end_code, -C8S_EGONE);
    assert_non_null(strstr(r.end_msg, "compacted"));
    assert_int_equal(r.n, 0);
    etcd3_watch_stop(w);
    recorder_close(&r);
}

static void test_new_client_fails_without_endpoints_or_with_unreadable_tls_files(void **state)
{
    struct err err = {0};
    struct etcd3_config none = {.endpoints = " , "};
    assert_null(etcd3_new(&none, &err));
    assert_int_equal(err.code, EINVAL);
    struct etcd3_config bad_ca = {.endpoints = "https://127.0.0.1:2379",
                                  .ca_file = "/nonexistent/ca.crt"};
    assert_null(etcd3_new(&bad_ca, &err));
    assert_non_null(strstr(err.msg, "/nonexistent/ca.crt"));
}

/* Last in each group: kills -9 the member the watch is connected to (m0, the first endpoint). */
static void test_watch_survives_kill_of_its_member_without_loss_or_repeat(void **state)
{
    struct backend *b = *state;
    struct etcd3 *wc = client_for(b->endpoints); /* a fresh client: its watch goes to m0 */
    int64_t start = 0;
    struct etcd3_kv kv;
    assert_int_equal(etcd3_get(wc, "/registry/kill/none", &kv, &start, NULL), -ENOENT);
    struct recorder r;
    recorder_init(&r);
    struct etcd3_watch *w = watch_ok(wc, "/registry/kill/", start + 1, &r);
    char key[64];
    for (int i = 0; i < 5; i++) {
        snprintf(key, sizeof key, "/registry/kill/k%02d", i);
        create_ok(b, key, "before");
    }
    assert_true(recorder_wait(&r, 5, EVENT_TIMEOUT));

    member_stop(&b->m[0], SIGKILL);
    int64_t deadline = now_ms() + EVENT_TIMEOUT;
    for (int i = 5; i < 10; i++) {
        snprintf(key, sizeof key, "/registry/kill/k%02d", i);
        struct err err = {0};
        int rv;
        /* Until the survivors elect a leader, writes may time out; a retried create whose
         * first try was applied answers EEXIST. */
        while ((rv = etcd3_create(b->c, key, "after", 5, 0, NULL, &err)) != 0 && rv != -EEXIST) {
            if (now_ms() > deadline) {
                fail_msg("create %s after the kill: %s", key, err.msg);
            }
            pause_ms(50);
        }
    }
    assert_true(recorder_wait(&r, 10, EVENT_TIMEOUT));
    etcd3_watch_stop(w);
    etcd3_free(wc);

    assert_int_equal(r.n, 10);
    for (size_t i = 0; i < r.n; i++) {
        snprintf(key, sizeof key, "/registry/kill/k%02zu", i);
        assert_string_equal(r.ev[i].key, key);
        assert_int_equal(r.ev[i].type, ETCD3_PUT);
        assert_string_equal(r.ev[i].value, i < 5 ? "before" : "after");
        if (i > 0) {
            assert_true(r.ev[i].rev > r.ev[i - 1].rev);
        }
    }
    recorder_close(&r);
}

/* The TLS group: one member serving https with --client-cert-auth. */
static void test_tls_with_a_client_certificate_serves_reads_writes_and_watches(void **state)
{
    struct backend *b = *state;
    struct recorder r;
    recorder_init(&r);
    int64_t start = 0;
    struct etcd3_kv kv;
    assert_int_equal(etcd3_get(b->c, "/registry/tls/a", &kv, &start, NULL), -ENOENT);
    struct etcd3_watch *w = watch_ok(b->c, "/registry/tls/", start + 1, &r);
    int64_t rev = create_ok(b, "/registry/tls/a", "secret");
    assert_int_equal(etcd3_get(b->c, "/registry/tls/a", &kv, NULL, NULL), 0);
    assert_string_equal(kv.value, "secret");
    etcd3_kv_free(&kv);
    assert_true(recorder_wait(&r, 1, EVENT_TIMEOUT));
    etcd3_watch_stop(w);
    assert_seen(&r.ev[0], ETCD3_PUT, "/registry/tls/a", "secret", NULL, rev);
    recorder_close(&r);

    /* The CA alone is not enough: the store wants a client certificate. */
    char ca[128];
    snprintf(ca, sizeof ca, "%s/ca.crt", cert_dir);
    struct etcd3_config no_cert = {.endpoints = b->endpoints, .ca_file = ca, .timeout_ms = 5000};
    struct err err = {0};
    struct etcd3 *c = etcd3_new(&no_cert, &err);
    assert_non_null(c);
    int rv = etcd3_get(c, "/registry/tls/a", &kv, NULL, &err);
    assert_true(rv < 0 && rv != -ENOENT);
    assert_non_null(strstr(err.msg, "/registry/tls/a"));
    etcd3_free(c);
}

int main(void)
{
    if (http_global_init(NULL) != 0) {
        return 1;
    }
    const char *v = getenv("C8S_TEST_V"); /* library log verbosity, for debugging */
    log_set_verbosity(v ? (int)strtol(v, NULL, 10) : 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_returns_the_key_and_enoent_with_the_revision_when_absent),
        cmocka_unit_test(test_list_pages_with_limit_more_total_and_the_read_revision),
        cmocka_unit_test(test_count_counts_only_keys_under_the_prefix),
        cmocka_unit_test(test_prefix_state_gives_the_revision_count_and_newest_change),
        cmocka_unit_test(test_create_twice_fails_with_eexist),
        cmocka_unit_test(test_update_with_a_stale_revision_conflicts_and_returns_the_current),
        cmocka_unit_test(test_delete_guarded_and_unguarded),
        cmocka_unit_test(test_written_revision_follows_this_clients_writes_under_tracked_prefixes),
        cmocka_unit_test(test_lease_grant_gives_an_id_that_keys_carry),
        cmocka_unit_test(test_a_future_revision_is_too_large),
        cmocka_unit_test(test_compaction_rounds_compact_the_revision_recorded_the_round_before),
        cmocka_unit_test(test_watch_delivers_puts_and_deletes_with_prev_kv_in_order),
        cmocka_unit_test(test_watch_stop_while_idle_returns_promptly),
        cmocka_unit_test(test_unary_calls_fail_over_past_a_dead_endpoint),
        cmocka_unit_test(test_watch_from_a_compacted_revision_ends_with_egone),
        cmocka_unit_test(test_new_client_fails_without_endpoints_or_with_unreadable_tls_files),
        cmocka_unit_test(test_watch_survives_kill_of_its_member_without_loss_or_repeat),
    };
    const struct CMUnitTest tls_tests[] = {
        cmocka_unit_test(test_tls_with_a_client_certificate_serves_reads_writes_and_watches),
    };
    int failed = 0;
    char etcd[512];
    if (find_on_path("etcd", etcd, sizeof etcd)) {
        failed +=
            cmocka_run_group_tests_name("etcd3 on etcd", tests, etcd_set_up, backend_tear_down);
        failed += cmocka_run_group_tests_name("etcd3 on etcd with TLS", tls_tests, etcd_tls_set_up,
                                              backend_tear_down);
    } else {
        fprintf(stderr, "SKIP etcd half: no etcd on PATH (install etcd-server)\n");
    }
    const char *bin = getenv("C8S_BIN_DIR");
    snprintf(store_path, sizeof store_path, "%s/c8s-store", bin ? bin : ".");
    if (bin != NULL && access(store_path, X_OK) == 0) {
        failed += cmocka_run_group_tests_name("etcd3 on c8s-store", tests, store_set_up,
                                              backend_tear_down);
        failed += cmocka_run_group_tests_name("etcd3 on c8s-store with TLS", tls_tests,
                                              store_tls_set_up, backend_tear_down);
    } else {
        fprintf(stderr, "SKIP c8s-store half: %s not built (C8S_BIN_DIR=%s)\n", store_path,
                bin ? bin : "unset");
    }
    http_global_cleanup();
    return failed;
}
