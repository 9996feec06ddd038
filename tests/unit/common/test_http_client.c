/* The blocking HTTP client against real servers on 127.0.0.1: a socket server in threads
 * (http_test_server.h) for requests, retries, streaming and errors, and `openssl s_server`
 * processes for TLS with a CA, client certificates and tls-server-name. Certificates are made
 * with the openssl CLI in a temporary directory removed at the end. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "http_client.h"
#include "http_test_server.h"
#include "xalloc.h"

extern char **environ;

static char tmpdir[] = "/tmp/c8s-http-test-XXXXXX";

struct tls_server {
    pid_t pid;
    int out_fd; /* its stdout, kept open so that it never writes to a closed pipe */
    int port;
};

struct fixture {
    struct test_server server;
    struct http_client *client;
    struct tls_server tls;
    char base[64];
};

/* ---- Helpers ------------------------------------------------------------------------------ */

static void run(const char *fmt, ...) C8S_FMT(1, 2);

static void run(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char *full = xasprintf("cd %s && (%s) >/dev/null 2>&1", tmpdir, cmd);
    int rc = system(full);
    free(full);
    assert_int_equal(rc, 0);
}

static char *path_in_tmp(const char *name)
{
    return xasprintf("%s/%s", tmpdir, name);
}

static char *read_text(const char *name)
{
    char *path = path_in_tmp(name);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *text = xcalloc(1, 65536);
    size_t n = fread(text, 1, 65535, f);
    text[n] = '\0';
    fclose(f);
    free(path);
    return text;
}

/* A key and a certificate signed by the test CA, with the given extensions. */
static void make_cert(const char *name, const char *cn, const char *ext)
{
    run("printf '%%s\\n' '%s' > %s.ext && "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout %s.key "
        "-out %s.csr -subj /CN=%s && "
        "openssl x509 -req -in %s.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 "
        "-extfile %s.ext -out %s.crt",
        ext, name, name, name, cn, name, name, name);
}

static int group_set_up(void **state)
{
    if (mkdtemp(tmpdir) == NULL) {
        return -1;
    }
    run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key "
        "-out ca.crt -days 2 -subj /CN=c8s-test-ca");
    make_cert("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1");
    make_cert("named", "kubernetes.test", "subjectAltName=DNS:kubernetes.test");
    make_cert("admin", "admin", "extendedKeyUsage=clientAuth");
    return http_global_init(NULL);
}

static int group_tear_down(void **state)
{
    char *cmd = xasprintf("rm -rf %s", tmpdir);
    int rc = system(cmd);
    free(cmd);
    http_global_cleanup();
    return rc;
}

/* Starts `openssl s_server -www` with cert (and extra arguments) on a port it picks, and
 * reads the port from its "ACCEPT 127.0.0.1:<port>" line. */
static void tls_server_start(struct tls_server *t, const char *cert, const char *extra)
{
    int out[2];
    assert_int_equal(pipe(out), 0);
    char *cert_path = xasprintf("%s/%s.crt", tmpdir, cert);
    char *key_path = xasprintf("%s/%s.key", tmpdir, cert);
    char *ca_path = path_in_tmp("ca.crt");
    const char *argv[16] = {"openssl", "s_server", "-accept", "127.0.0.1:0", "-www",
                            "-cert",   cert_path,  "-key",    key_path};
    int argc = 9;
    if (extra != NULL) {
        argv[argc++] = extra;
        argv[argc++] = "1";
        argv[argc++] = "-CAfile";
        argv[argc++] = ca_path;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    assert_int_equal(posix_spawnp(&t->pid, "openssl", &fa, NULL, (char **)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    free(cert_path);
    free(key_path);
    free(ca_path);
    t->out_fd = out[0];
    char line[256];
    size_t n = 0;
    t->port = 0;
    while (t->port == 0) {
        char ch;
        assert_int_equal(read(t->out_fd, &ch, 1), 1);
        if (ch != '\n' && n + 1 < sizeof line) {
            line[n++] = ch;
            continue;
        }
        line[n] = '\0';
        n = 0;
        const char *colon = strrchr(line, ':');
        if (strncmp(line, "ACCEPT", 6) == 0 && colon != NULL) {
            t->port = atoi(colon + 1);
        }
    }
}

static void tls_server_stop(struct tls_server *t)
{
    if (t->pid > 0) {
        kill(t->pid, SIGTERM);
        waitpid(t->pid, NULL, 0);
        close(t->out_fd);
        t->pid = 0;
    }
}

static int set_up(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    if (test_server_start(&f->server) != 0) {
        return -1;
    }
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%d", f->server.port);
    *state = f;
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    http_client_free(f->client);
    tls_server_stop(&f->tls);
    test_server_stop(&f->server);
    free(f);
    return 0;
}

/* A client on the fixture's server with fast retries. */
static struct http_client *plain_client(struct fixture *f, struct http_config *cfg)
{
    struct http_config defaults = {0};
    if (cfg == NULL) {
        cfg = &defaults;
    }
    cfg->base_url = f->base;
    cfg->retry.base_ms = 1;
    cfg->retry.cap_ms = 5;
    struct err err = {0};
    f->client = http_client_new(cfg, &err);
    assert_non_null(f->client);
    return f->client;
}

/* ---- Success ------------------------------------------------------------------------------ */

static void test_get_returns_status_headers_and_body(void **state)
{
    struct fixture *f = *state;
    struct http_client *c = plain_client(f, NULL);
    struct http_response resp;
    assert_int_equal(http_do(c, "GET", "/echo?limit=5", NULL, NULL, 0, &resp, NULL), 0);
    assert_int_equal(resp.status, 200);
    assert_string_equal(http_response_header(&resp, "content-type"), "text/plain");
    assert_string_equal(http_response_header(&resp, "X-Test"), "yes");
    assert_null(http_response_header(&resp, "Retry-After"));
    assert_non_null(strstr(resp.body, "GET /echo?limit=5\n"));
    assert_non_null(strstr(resp.body, "\nua=c8s/"));
    assert_int_equal(resp.body_len, strlen(resp.body));
    http_response_free(&resp);
}

static void test_post_sends_body_content_type_and_bearer_token(void **state)
{
    struct fixture *f = *state;
    struct http_config cfg = {.bearer_token = "s3cret", .user_agent = "kubectl/v1.29"};
    struct http_client *c = plain_client(f, &cfg);
    const char *body = "{\"kind\":\"Pod\"}";
    struct http_response resp;
    assert_int_equal(http_do(c, "POST", "/echo/api/v1/namespaces/default/pods", "application/json",
                             body, strlen(body), &resp, NULL),
                     0);
    char *want = xasprintf("POST /echo/api/v1/namespaces/default/pods\nhost=127.0.0.1:%d\n"
                           "auth=Bearer s3cret\nct=application/json\nua=kubectl/v1.29\n"
                           "body={\"kind\":\"Pod\"}",
                           f->server.port);
    assert_string_equal(resp.body, want);
    free(want);
    http_response_free(&resp);
}

static void test_methods_and_extra_headers_reach_the_server(void **state)
{
    struct fixture *f = *state;
    struct http_client *c = plain_client(f, NULL);
    struct http_response resp;
    const char *patch = "{\"spec\":{}}";
    assert_int_equal(http_do(c, "PATCH", "echo/x", "application/merge-patch+json", patch,
                             strlen(patch), &resp, NULL),
                     0);
    assert_non_null(strstr(resp.body, "PATCH /echo/x\n"));
    assert_non_null(strstr(resp.body, "\nct=application/merge-patch+json\n"));
    assert_non_null(strstr(resp.body, "\nbody={\"spec\":{}}"));
    http_response_free(&resp);

    const char *headers[] = {"Content-Type: text/x-extra", NULL};
    struct http_request req = {.method = "DELETE", .path = "/echo/y", .headers = headers};
    assert_int_equal(http_send(c, &req, &resp, NULL), 0);
    assert_non_null(strstr(resp.body, "DELETE /echo/y\n"));
    assert_non_null(strstr(resp.body, "\nct=text/x-extra\n"));
    http_response_free(&resp);
}

static void test_requests_reuse_one_kept_alive_connection(void **state)
{
    struct fixture *f = *state;
    struct http_client *c = plain_client(f, NULL);
    for (int i = 0; i < 3; i++) {
        struct http_response resp;
        assert_int_equal(http_do(c, "GET", "/echo", NULL, NULL, 0, &resp, NULL), 0);
        assert_int_equal(resp.status, 200);
        http_response_free(&resp);
    }
    assert_int_equal(atomic_load(&f->server.requests), 3);
    assert_int_equal(atomic_load(&f->server.connections), 1);
}

static void test_an_error_status_is_an_answer_not_an_error(void **state)
{
    struct fixture *f = *state;
    struct http_client *c = plain_client(f, NULL);
    struct http_response resp;
    struct err err = {0};
    assert_int_equal(http_do(c, "GET", "/status/404", NULL, NULL, 0, &resp, &err), 0);
    assert_int_equal(resp.status, 404);
    assert_string_equal(resp.body, "status 404");
    assert_int_equal(err.code, 0);
    http_response_free(&resp);
}

static void test_get_retries_503_until_it_succeeds(void **state)
{
    struct fixture *f = *state;
    struct http_client *c = plain_client(f, NULL);
    atomic_store(&f->server.flaky_left, 2);
    struct http_response resp;
    assert_int_equal(http_do(c, "GET", "/flaky", NULL, NULL, 0, &resp, NULL), 0);
    assert_int_equal(resp.status, 200);
    assert_string_equal(resp.body, "ok");
    assert_int_equal(atomic_load(&f->server.requests), 3);
    http_response_free(&resp);
}

static void test_retries_end_after_max_attempts_with_the_last_answer(void **state)
{
    struct fixture *f = *state;
    struct http_config cfg = {.retry.max_attempts = 3};
    struct http_client *c = plain_client(f, &cfg);
    struct http_response resp;
    assert_int_equal(http_do(c, "GET", "/status/429", NULL, NULL, 0, &resp, NULL), 0);
    assert_int_equal(resp.status, 429);
    assert_string_equal(http_response_header(&resp, "Retry-After"), "0");
    assert_int_equal(atomic_load(&f->server.requests), 3);
    http_response_free(&resp);
}

static void test_post_is_retried_only_when_the_caller_says_so(void **state)
{
    struct fixture *f = *state;
    struct http_client *c = plain_client(f, NULL);
    atomic_store(&f->server.flaky_left, 1);
    struct http_response resp;
    assert_int_equal(http_do(c, "POST", "/flaky", NULL, "", 0, &resp, NULL), 0);
    assert_int_equal(resp.status, 503);
    assert_int_equal(atomic_load(&f->server.requests), 1);
    http_response_free(&resp);

    atomic_store(&f->server.flaky_left, 1);
    struct http_request req = {.method = "POST", .path = "/flaky", .retry = true};
    assert_int_equal(http_send(c, &req, &resp, NULL), 0);
    assert_int_equal(resp.status, 200);
    assert_int_equal(atomic_load(&f->server.requests), 3);
    http_response_free(&resp);
}

static void test_a_full_url_path_ignores_the_base_url(void **state)
{
    struct fixture *f = *state;
    struct http_config cfg = {0};
    f->client = http_client_new(&cfg, NULL);
    char *url = xasprintf("%s/echo/full", f->base);
    struct http_response resp;
    assert_int_equal(http_do(f->client, "GET", url, NULL, NULL, 0, &resp, NULL), 0);
    assert_non_null(strstr(resp.body, "GET /echo/full\n"));
    http_response_free(&resp);
    free(url);
}

/* ---- Streaming ---------------------------------------------------------------------------- */

struct lines {
    char got[8][64];
    int n;
    int stop_after;
    struct test_server *server; /* continued after the first line, when set */
    int signal_fd;              /* written after the first line, when >= 0 */
};

static int collect_line(const char *line, size_t len, void *data)
{
    struct lines *l = data;
    assert_int_equal(strlen(line), len);
    if (l->n < 8) {
        snprintf(l->got[l->n], sizeof l->got[0], "%s", line);
    }
    l->n++;
    if (l->n == 1 && l->server != NULL) {
        test_server_continue(l->server);
    }
    if (l->n == 1 && l->signal_fd >= 0) {
        char byte = 1;
        assert_int_equal(write(l->signal_fd, &byte, 1), 1);
    }
    return l->stop_after > 0 && l->n >= l->stop_after;
}

/* The server sends the rest only once the first line has reached the callback, so this test
 * ends only if lines are delivered as chunks arrive. */
static void test_stream_delivers_lines_as_chunks_arrive(void **state)
{
    struct fixture *f = *state;
    struct http_client *c = plain_client(f, NULL);
    struct lines l = {.server = &f->server, .signal_fd = -1};
    struct http_request req = {.method = "GET", .path = "/stream"};
    struct http_response resp;
    assert_int_equal(http_stream(c, &req, collect_line, &l, &resp, NULL), 0);
    assert_int_equal(resp.status, 200);
    assert_string_equal(http_response_header(&resp, "Content-Type"), "application/json");
    assert_null(resp.body);
    assert_int_equal(l.n, 4);
    assert_string_equal(l.got[0], "{\"n\":1}");
    assert_string_equal(l.got[1], "{\"n\":2}");
    assert_string_equal(l.got[2], "{\"n\":3}");
    assert_string_equal(l.got[3], "{\"n\":4}");
    http_response_free(&resp);
}

static void test_stream_ends_when_the_callback_says_stop(void **state)
{
    struct fixture *f = *state;
    struct http_client *c = plain_client(f, NULL);
    struct lines l = {.stop_after = 1, .signal_fd = -1};
    struct http_request req = {.method = "GET", .path = "/stream-forever"};
    struct http_response resp;
    assert_int_equal(http_stream(c, &req, collect_line, &l, &resp, NULL), 0);
    assert_int_equal(l.n, 1);
    http_response_free(&resp);
}

struct bytes {
    struct test_server *server;
    char got[256];
    size_t len, chunks;
    bool stop;
};

static int collect_bytes(const char *buf, size_t len, void *data)
{
    struct bytes *b = data;
    assert_true(b->len + len < sizeof b->got);
    memcpy(b->got + b->len, buf, len);
    b->len += len;
    if (b->chunks++ == 0 && b->server != NULL) {
        test_server_continue(b->server);
    }
    return b->stop;
}

/* Raw streams hand over the body byte for byte as it arrives: "\r\n", empty lines and the
 * last line without a newline stay as sent (kubectl logs copies them so). */
static void test_raw_stream_keeps_every_byte_as_chunks_arrive(void **state)
{
    struct fixture *f = *state;
    struct http_client *c = plain_client(f, NULL);
    struct bytes b = {.server = &f->server};
    struct http_request req = {.method = "GET", .path = "/stream"};
    struct http_response resp;
    assert_int_equal(http_stream_raw(c, &req, collect_bytes, &b, &resp, NULL), 0);
    assert_int_equal(resp.status, 200);
    assert_null(resp.body);
    b.got[b.len] = '\0';
    assert_string_equal(b.got, "{\"n\":1}\n{\"n\":2}\r\n{\"n\":3}\n\n\n{\"n\":4}");
    assert_true(b.chunks >= 2);
    http_response_free(&resp);

    struct bytes once = {.stop = true};
    req.path = "/stream-forever";
    assert_int_equal(http_stream_raw(c, &req, collect_bytes, &once, &resp, NULL), 0);
    assert_int_equal(once.chunks, 1);
    http_response_free(&resp);

    struct bytes none = {0};
    req.path = "/status/404";
    assert_int_equal(http_stream_raw(c, &req, collect_bytes, &none, &resp, NULL), 0);
    assert_int_equal(resp.status, 404);
    assert_int_equal(none.chunks, 0);
    http_response_free(&resp);
}

struct stream_thread {
    struct http_client *client;
    struct lines lines;
    int rv;
    struct err err;
};

static void *stream_main(void *arg)
{
    struct stream_thread *t = arg;
    struct http_request req = {.method = "GET", .path = "/stream-forever"};
    struct http_response resp;
    t->rv = http_stream(t->client, &req, collect_line, &t->lines, &resp, &t->err);
    http_response_free(&resp);
    return NULL;
}

static void test_cancel_from_another_thread_ends_an_idle_stream(void **state)
{
    struct fixture *f = *state;
    struct http_client *c = plain_client(f, NULL);
    int first_line[2];
    assert_int_equal(pipe(first_line), 0);
    struct stream_thread t = {.client = c, .lines = {.signal_fd = first_line[1]}};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, stream_main, &t), 0);
    char byte;
    assert_int_equal(read(first_line[0], &byte, 1), 1);
    http_client_cancel(c);
    pthread_join(th, NULL);
    assert_int_equal(t.rv, -ECANCELED);
    assert_int_equal(t.err.code, ECANCELED);
    assert_non_null(strstr(t.err.msg, "context canceled"));
    assert_int_equal(t.lines.n, 1);
    close(first_line[0]);
    close(first_line[1]);
}

static void test_stream_with_an_error_status_returns_the_body(void **state)
{
    struct fixture *f = *state;
    struct http_client *c = plain_client(f, NULL);
    struct lines l = {.signal_fd = -1};
    struct http_request req = {.method = "GET", .path = "/status/410"};
    struct http_response resp;
    assert_int_equal(http_stream(c, &req, collect_line, &l, &resp, NULL), 0);
    assert_int_equal(resp.status, 410);
    assert_string_equal(resp.body, "status 410");
    assert_int_equal(l.n, 0);
    http_response_free(&resp);
}

/* ---- Pure parts --------------------------------------------------------------------------- */

static void test_backoff_doubles_from_base_up_to_the_cap(void **state)
{
    struct http_backoff b = {.base_ms = 100, .cap_ms = 1000};
    assert_int_equal(http_backoff_delay_ms(&b, 0, -1, 0.5), 100);
    assert_int_equal(http_backoff_delay_ms(&b, 1, -1, 0.5), 200);
    assert_int_equal(http_backoff_delay_ms(&b, 3, -1, 0.5), 800);
    assert_int_equal(http_backoff_delay_ms(&b, 4, -1, 0.5), 1000);
    assert_int_equal(http_backoff_delay_ms(&b, 200, -1, 0.5), 1000);
}

static void test_backoff_jitter_adds_a_random_share_within_the_cap(void **state)
{
    struct http_backoff b = {.base_ms = 100, .cap_ms = 1000, .jitter = 0.5};
    assert_int_equal(http_backoff_delay_ms(&b, 0, -1, 0), 100);
    assert_int_equal(http_backoff_delay_ms(&b, 0, -1, 0.5), 125);
    assert_int_equal(http_backoff_delay_ms(&b, 1, -1, 0.999), 299);
    assert_int_equal(http_backoff_delay_ms(&b, 3, -1, 0.9), 1000);
}

static void test_backoff_honours_retry_after_up_to_the_cap(void **state)
{
    struct http_backoff b = {.base_ms = 100, .cap_ms = 5000, .jitter = 1};
    assert_int_equal(http_backoff_delay_ms(&b, 0, 2000, 0.7), 2000);
    assert_int_equal(http_backoff_delay_ms(&b, 5, 0, 0.7), 0);
    assert_int_equal(http_backoff_delay_ms(&b, 0, 60000, 0.7), 5000);
}

static void test_retry_after_reads_seconds_and_http_dates(void **state)
{
    assert_int_equal(http_parse_retry_after("120", 0), 120000);
    assert_int_equal(http_parse_retry_after("0", 0), 0);
    assert_int_equal(http_parse_retry_after(NULL, 0), -1);
    assert_int_equal(http_parse_retry_after("", 0), -1);
    assert_int_equal(http_parse_retry_after("-3", 0), -1);
    assert_int_equal(http_parse_retry_after("soon", 0), -1);
    /* 784111777 is Sun, 06 Nov 1994 08:49:37 GMT. */
    assert_int_equal(http_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111770), 7000);
    assert_int_equal(http_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111800), 0);
}

struct init_thread {
    pthread_barrier_t *start;
    int rv;
};

static void *init_main(void *arg)
{
    struct init_thread *t = arg;
    pthread_barrier_wait(t->start);
    t->rv = http_global_init(NULL);
    return NULL;
}

/* curl_global_init must not race; http_global_init runs it once whoever calls first. */
static void test_global_init_is_safe_from_many_threads_at_once(void **state)
{
    enum { N = 8 };
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, N);
    pthread_t th[N];
    struct init_thread t[N];
    for (int i = 0; i < N; i++) {
        t[i] = (struct init_thread){.start = &start, .rv = -1};
        assert_int_equal(pthread_create(&th[i], NULL, init_main, &t[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(t[i].rv, 0);
    }
    pthread_barrier_destroy(&start);
    assert_true(curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_THREADSAFE);
}

/* ---- Failure ------------------------------------------------------------------------------ */

static void test_connection_refused_is_retried_then_reported_as_go_does(void **state)
{
    struct fixture *f = *state;
    int port = test_closed_port();
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
    struct http_config cfg = {.base_url = base, .retry = {.max_attempts = 2, .base_ms = 1}};
    f->client = http_client_new(&cfg, NULL);
    struct http_response resp;
    struct err err = {0};
    assert_int_equal(http_do(f->client, "GET", "/api", NULL, NULL, 0, &resp, &err), -ECONNREFUSED);
    char *want =
        xasprintf("Get \"%s/api\": dial tcp 127.0.0.1:%d: connect: connection refused", base, port);
    assert_string_equal(err.msg, want);
    assert_null(resp.body);
    free(want);
}

static void test_total_timeout_is_etimedout(void **state)
{
    struct fixture *f = *state;
    struct http_config cfg = {.timeout_ms = 200};
    struct http_client *c = plain_client(f, &cfg);
    struct http_response resp;
    struct err err = {0};
    assert_int_equal(http_do(c, "POST", "/hang", NULL, "", 0, &resp, &err), -ETIMEDOUT);
    char *want = xasprintf("Post \"%s/hang\": context deadline exceeded (Client.Timeout "
                           "exceeded while awaiting headers)",
                           f->base);
    assert_string_equal(err.msg, want);
    free(want);
}

static void test_body_over_the_limit_is_too_large(void **state)
{
    struct fixture *f = *state;
    struct http_config cfg = {.max_body = 1000};
    struct http_client *c = plain_client(f, &cfg);
    struct http_response resp;
    struct err err = {0};
    assert_int_equal(http_do(c, "GET", "/big", NULL, NULL, 0, &resp, &err), -C8S_ETOOLARGE);
    assert_non_null(strstr(err.msg, ": response body larger than 1000 bytes"));
}

static void test_stream_line_over_the_limit_is_too_large(void **state)
{
    struct fixture *f = *state;
    struct http_config cfg = {.max_line = 2000};
    struct http_client *c = plain_client(f, &cfg);
    struct lines l = {.signal_fd = -1};
    struct http_request req = {.method = "GET", .path = "/long-line"};
    struct http_response resp;
    struct err err = {0};
    assert_int_equal(http_stream(c, &req, collect_line, &l, &resp, &err), -C8S_ETOOLARGE);
    assert_non_null(strstr(err.msg, ": streamed line longer than 2000 bytes"));
    assert_int_equal(l.n, 0);
}

static void test_server_closing_early_is_eof(void **state)
{
    struct fixture *f = *state;
    struct http_client *c = plain_client(f, NULL);
    struct http_response resp;
    struct err err = {0};
    assert_int_equal(http_do(c, "POST", "/nothing", NULL, "", 0, &resp, &err), -ECONNRESET);
    char *want = xasprintf("Post \"%s/nothing\": EOF", f->base);
    assert_string_equal(err.msg, want);
    free(want);
    assert_int_equal(http_do(c, "POST", "/short", NULL, "", 0, &resp, &err), -ECONNRESET);
    assert_non_null(strstr(err.msg, "/short\": unexpected EOF"));
}

static void test_client_new_rejects_unreadable_files_and_half_a_key_pair(void **state)
{
    struct err err = {0};
    struct http_config cfg = {.base_url = "https://127.0.0.1:6443", .ca_file = "/nonexistent/ca"};
    assert_null(http_client_new(&cfg, &err));
    assert_int_equal(err.code, EINVAL);
    assert_string_equal(err.msg,
                        "certificate-authority: open /nonexistent/ca: no such file or directory");
    struct http_config half = {.base_url = "https://127.0.0.1:6443", .cert_pem = "x"};
    assert_null(http_client_new(&half, &err));
    assert_string_equal(err.msg, "a client certificate needs both a certificate and a key");
    struct http_config scheme = {.base_url = "ftp://127.0.0.1"};
    assert_null(http_client_new(&scheme, &err));
    assert_string_equal(err.msg, "base URL ftp://127.0.0.1: unsupported protocol scheme");
}

/* ---- TLS ---------------------------------------------------------------------------------- */

/* GET / on f->tls with cfg (base URL filled in); returns http_do's result. */
static int tls_get(struct fixture *f, struct http_config *cfg, struct http_response *resp,
                   struct err *err)
{
    char base[64];
    snprintf(base, sizeof base, "https://127.0.0.1:%d", f->tls.port);
    cfg->base_url = base;
    cfg->retry.max_attempts = 1;
    http_client_free(f->client);
    f->client = http_client_new(cfg, err);
    assert_non_null(f->client);
    return http_do(f->client, "GET", "/", NULL, NULL, 0, resp, err);
}

static void assert_served_by_s_server(struct http_response *resp)
{
    assert_int_equal(resp->status, 200);
    assert_non_null(resp->body);
    assert_non_null(strstr(resp->body, "s_server"));
    http_response_free(resp);
}

static void test_tls_trusts_the_server_through_a_ca_file_or_ca_pem(void **state)
{
    struct fixture *f = *state;
    tls_server_start(&f->tls, "server", NULL);
    char *ca = path_in_tmp("ca.crt");
    struct http_response resp;
    struct http_config by_file = {.ca_file = ca};
    assert_int_equal(tls_get(f, &by_file, &resp, NULL), 0);
    assert_served_by_s_server(&resp);
    char *pem = read_text("ca.crt");
    struct http_config by_pem = {.ca_pem = pem};
    assert_int_equal(tls_get(f, &by_pem, &resp, NULL), 0);
    assert_served_by_s_server(&resp);
    free(pem);
    free(ca);
}

static void test_tls_rejects_an_unknown_authority_unless_insecure(void **state)
{
    struct fixture *f = *state;
    tls_server_start(&f->tls, "server", NULL);
    struct http_response resp;
    struct err err = {0};
    struct http_config system_roots = {0};
    assert_int_equal(tls_get(f, &system_roots, &resp, &err), -EPROTO);
    assert_non_null(strstr(err.msg, "\": tls: failed to verify certificate: x509: certificate "
                                    "signed by unknown authority"));
    struct http_config insecure = {.insecure_skip_verify = true};
    assert_int_equal(tls_get(f, &insecure, &resp, NULL), 0);
    assert_served_by_s_server(&resp);
}

static void test_tls_client_certificate_from_files_or_pem_data(void **state)
{
    struct fixture *f = *state;
    tls_server_start(&f->tls, "server", "-Verify");
    char *ca = path_in_tmp("ca.crt");
    char *cert = path_in_tmp("admin.crt");
    char *key = path_in_tmp("admin.key");
    struct http_response resp;
    struct err err = {0};
    struct http_config none = {.ca_file = ca};
    assert_int_equal(tls_get(f, &none, &resp, &err), -EPROTO);
    assert_non_null(strstr(err.msg, "tls: "));

    struct http_config files = {.ca_file = ca, .cert_file = cert, .key_file = key};
    assert_int_equal(tls_get(f, &files, &resp, NULL), 0);
    assert_served_by_s_server(&resp);

    char *cert_pem = read_text("admin.crt");
    char *key_pem = read_text("admin.key");
    struct http_config data = {.ca_file = ca, .cert_pem = cert_pem, .key_pem = key_pem};
    assert_int_equal(tls_get(f, &data, &resp, NULL), 0);
    assert_served_by_s_server(&resp);
    free(cert_pem);
    free(key_pem);
    free(ca);
    free(cert);
    free(key);
}

static void test_tls_server_name_replaces_the_host_in_verification(void **state)
{
    struct fixture *f = *state;
    tls_server_start(&f->tls, "named", NULL);
    char *ca = path_in_tmp("ca.crt");
    struct http_response resp;
    struct err err = {0};
    struct http_config by_ip = {.ca_file = ca};
    assert_int_equal(tls_get(f, &by_ip, &resp, &err), -EPROTO);
    assert_non_null(strstr(err.msg, "x509: certificate is not valid for 127.0.0.1"));
    struct http_config named = {.ca_file = ca, .tls_server_name = "kubernetes.test"};
    assert_int_equal(tls_get(f, &named, &resp, NULL), 0);
    assert_served_by_s_server(&resp);
    free(ca);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, set_up, tear_down)
        T(test_get_returns_status_headers_and_body),
        T(test_post_sends_body_content_type_and_bearer_token),
        T(test_methods_and_extra_headers_reach_the_server),
        T(test_requests_reuse_one_kept_alive_connection),
        T(test_an_error_status_is_an_answer_not_an_error),
        T(test_get_retries_503_until_it_succeeds),
        T(test_retries_end_after_max_attempts_with_the_last_answer),
        T(test_post_is_retried_only_when_the_caller_says_so),
        T(test_a_full_url_path_ignores_the_base_url),
        T(test_stream_delivers_lines_as_chunks_arrive),
        T(test_stream_ends_when_the_callback_says_stop),
        T(test_raw_stream_keeps_every_byte_as_chunks_arrive),
        T(test_cancel_from_another_thread_ends_an_idle_stream),
        T(test_stream_with_an_error_status_returns_the_body),
        cmocka_unit_test(test_backoff_doubles_from_base_up_to_the_cap),
        cmocka_unit_test(test_backoff_jitter_adds_a_random_share_within_the_cap),
        cmocka_unit_test(test_backoff_honours_retry_after_up_to_the_cap),
        cmocka_unit_test(test_retry_after_reads_seconds_and_http_dates),
        cmocka_unit_test(test_global_init_is_safe_from_many_threads_at_once),
        T(test_connection_refused_is_retried_then_reported_as_go_does),
        T(test_total_timeout_is_etimedout),
        T(test_body_over_the_limit_is_too_large),
        T(test_stream_line_over_the_limit_is_too_large),
        T(test_server_closing_early_is_eof),
        cmocka_unit_test(test_client_new_rejects_unreadable_files_and_half_a_key_pair),
        T(test_tls_trusts_the_server_through_a_ca_file_or_ca_pem),
        T(test_tls_rejects_an_unknown_authority_unless_insecure),
        T(test_tls_client_certificate_from_files_or_pem_data),
        T(test_tls_server_name_replaces_the_host_in_verification),
#undef T
    };
    return cmocka_run_group_tests_name("http_client", tests, group_set_up, group_tear_down);
}
