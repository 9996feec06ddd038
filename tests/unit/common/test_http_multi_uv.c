/* http_multi on a real libuv loop against the socket server of http_test_server.h: many
 * concurrent POSTs, connection reuse, errors through callbacks, and a close that cancels what
 * is pending and leaves the loop with nothing to run. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <uv.h>

#include "cleanup.h"
#include "http_client.h"
#include "http_test_server.h"
#include "xalloc.h"

#define MANY 100

struct fixture {
    struct test_server server;
    uv_loop_t loop;
    struct http_multi *multi;
    pthread_t loop_thread;
    int done;
    int cancelled;
    int closed;
    int next; /* for chained requests */
    char base[64];
};

static int set_up(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    if (test_server_start(&f->server) != 0 || uv_loop_init(&f->loop) != 0) {
        return -1;
    }
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%d", f->server.port);
    struct http_config cfg = {.base_url = f->base, .timeout_ms = 10000};
    f->multi = http_multi_new(&f->loop, &cfg, NULL);
    f->loop_thread = pthread_self();
    *state = f;
    return f->multi != NULL ? 0 : -1;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    int rv = uv_loop_close(&f->loop);
    test_server_stop(&f->server);
    free(f);
    return rv;
}

static void on_closed(void *data)
{
    struct fixture *f = data;
    f->closed++;
}

/* Runs the loop until nothing is left; the multi must have been closed by then. */
static void run_to_the_end(struct fixture *f)
{
    assert_int_equal(uv_run(&f->loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(f->closed, 1);
}

/* ---- Success ------------------------------------------------------------------------------ */

struct post {
    struct fixture *f;
    int i;
};

static void on_post_done(void *data, int rv, struct http_response *resp, const struct err *err)
{
    struct post *p = data;
    struct fixture *f = p->f;
    assert_true(pthread_equal(pthread_self(), f->loop_thread));
    assert_int_equal(rv, 0);
    assert_int_equal(resp->status, 200);
    char want[64];
    snprintf(want, sizeof want, "POST /echo/%d\n", p->i);
    assert_non_null(strstr(resp->body, want));
    snprintf(want, sizeof want, "\nbody={\"i\":%d}", p->i);
    assert_non_null(strstr(resp->body, want));
    free(p);
    if (++f->done == MANY) {
        http_multi_close(f->multi, on_closed, f);
    }
}

static void test_many_concurrent_posts_complete_on_the_loop(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < MANY; i++) {
        struct post *p = xcalloc(1, sizeof *p);
        p->f = f;
        p->i = i;
        char path[32], body[32];
        snprintf(path, sizeof path, "/echo/%d", i);
        snprintf(body, sizeof body, "{\"i\":%d}", i);
        /* The body is copied: this buffer dies before the request ends. */
        struct http_request req = {.method = "POST",
                                   .path = path,
                                   .content_type = "application/json",
                                   .body = body,
                                   .body_len = strlen(body)};
        assert_int_equal(http_multi_send(f->multi, &req, on_post_done, p, NULL), 0);
    }
    assert_int_equal(http_multi_pending(f->multi), MANY);
    assert_int_equal(f->done, 0); /* callbacks only run on the loop */
    run_to_the_end(f);
    assert_int_equal(f->done, MANY);
    assert_int_equal(atomic_load(&f->server.requests), MANY);
}

static void send_get(struct fixture *f, const char *path, http_multi_done_cb cb);

static void on_chained_done(void *data, int rv, struct http_response *resp, const struct err *err)
{
    struct fixture *f = data;
    assert_int_equal(rv, 0);
    assert_int_equal(resp->status, 200);
    f->done++;
    if (++f->next < 3) {
        send_get(f, "/echo", on_chained_done);
    } else {
        http_multi_close(f->multi, on_closed, f);
    }
}

static void send_get(struct fixture *f, const char *path, http_multi_done_cb cb)
{
    struct http_request req = {.method = "GET", .path = path};
    assert_int_equal(http_multi_send(f->multi, &req, cb, f, NULL), 0);
}

static void test_requests_one_after_another_reuse_the_connection(void **state)
{
    struct fixture *f = *state;
    send_get(f, "/echo", on_chained_done);
    run_to_the_end(f);
    assert_int_equal(f->done, 3);
    assert_int_equal(atomic_load(&f->server.connections), 1);
}

static void on_status_done(void *data, int rv, struct http_response *resp, const struct err *err)
{
    struct fixture *f = data;
    assert_int_equal(rv, 0);
    assert_int_equal(resp->status, 404);
    char *body = steal_ptr(&resp->body);
    assert_string_equal(body, "not found");
    free(body);
    f->done++;
    http_multi_close(f->multi, on_closed, f);
}

static void test_an_error_status_arrives_as_a_response(void **state)
{
    struct fixture *f = *state;
    send_get(f, "/missing", on_status_done);
    run_to_the_end(f);
    assert_int_equal(f->done, 1);
}

/* ---- Failure ------------------------------------------------------------------------------ */

static void on_refused(void *data, int rv, struct http_response *resp, const struct err *err)
{
    struct fixture *f = data;
    assert_int_equal(rv, -ECONNREFUSED);
    assert_null(resp);
    assert_non_null(strstr(err->msg, ": connect: connection refused"));
    f->done++;
    http_multi_close(f->multi, on_closed, f);
}

static void test_connection_refused_arrives_through_the_callback(void **state)
{
    struct fixture *f = *state;
    char *url = xasprintf("http://127.0.0.1:%d/x", test_closed_port());
    send_get(f, url, on_refused);
    free(url);
    run_to_the_end(f);
    assert_int_equal(f->done, 1);
}

static void on_cancelled(void *data, int rv, struct http_response *resp, const struct err *err)
{
    struct fixture *f = data;
    assert_int_equal(rv, -ECANCELED);
    assert_non_null(strstr(err->msg, "context canceled"));
    f->cancelled++;
    struct http_request req = {.method = "GET", .path = "/echo"};
    struct err send_err = {0};
    assert_int_equal(http_multi_send(f->multi, &req, on_cancelled, f, &send_err), -ECANCELED);
}

static void test_close_cancels_pending_requests_at_once(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 5; i++) {
        send_get(f, "/hang", on_cancelled);
    }
    http_multi_close(f->multi, on_closed, f);
    assert_int_equal(f->cancelled, 5);
    run_to_the_end(f);
}

static void close_when_all_arrived(uv_idle_t *idle)
{
    struct fixture *f = idle->data;
    if (atomic_load(&f->server.requests) == 5) {
        uv_idle_stop(idle);
        uv_close((uv_handle_t *)idle, NULL);
        http_multi_close(f->multi, on_closed, f);
    }
}

static void test_close_ends_requests_in_flight_and_the_loop_can_end(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 5; i++) {
        send_get(f, "/hang", on_cancelled);
    }
    uv_idle_t idle;
    uv_idle_init(&f->loop, &idle);
    idle.data = f;
    uv_idle_start(&idle, close_when_all_arrived);
    run_to_the_end(f);
    assert_int_equal(f->cancelled, 5);
}

static void on_first_closes(void *data, int rv, struct http_response *resp, const struct err *err)
{
    struct fixture *f = data;
    if (rv == 0) {
        f->done++;
        http_multi_close(f->multi, on_closed, f);
    } else {
        assert_int_equal(rv, -ECANCELED);
        f->cancelled++;
    }
}

static void test_close_from_a_done_callback_cancels_the_rest(void **state)
{
    struct fixture *f = *state;
    send_get(f, "/echo", on_first_closes);
    send_get(f, "/hang", on_first_closes);
    run_to_the_end(f);
    assert_int_equal(f->done, 1);
    assert_int_equal(f->cancelled, 1);
}

static void test_send_rejects_a_relative_path_without_base_url(void **state)
{
    struct fixture *f = *state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    struct http_config cfg = {0};
    struct http_multi *m = http_multi_new(&loop, &cfg, NULL);
    struct http_request req = {.method = "GET", .path = "/x"};
    struct err err = {0};
    assert_int_equal(http_multi_send(m, &req, on_cancelled, f, &err), -EINVAL);
    assert_string_equal(err.msg, "Get \"/x\": no base URL for a relative path");
    http_multi_close(m, on_closed, f);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(uv_loop_close(&loop), 0);
    assert_int_equal(f->closed, 1);
    http_multi_close(f->multi, NULL, NULL);
    assert_int_equal(uv_run(&f->loop, UV_RUN_DEFAULT), 0);
}

static int group_tear_down(void **state)
{
    http_global_cleanup();
    return 0;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, set_up, tear_down)
        T(test_many_concurrent_posts_complete_on_the_loop),
        T(test_requests_one_after_another_reuse_the_connection),
        T(test_an_error_status_arrives_as_a_response),
        T(test_connection_refused_arrives_through_the_callback),
        T(test_close_cancels_pending_requests_at_once),
        T(test_close_ends_requests_in_flight_and_the_loop_can_end),
        T(test_close_from_a_done_callback_cancels_the_rest),
        T(test_send_rejects_a_relative_path_without_base_url),
#undef T
    };
    return cmocka_run_group_tests_name("http_multi_uv", tests, NULL, group_tear_down);
}
