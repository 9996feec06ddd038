/* The libuv mode of the HTTP client: curl's multi-socket interface driven by a libuv loop, in
 * the shape of curl's docs/examples/multi-uv.c. curl says which sockets to watch (socket
 * callback -> a uv_poll_t per socket) and when to call it back (timer callback -> one
 * uv_timer_t); each event goes back in through curl_multi_socket_action, after which finished
 * transfers are collected. Loop-bound: everything runs on the loop's thread. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <uv.h>

#include "http_client.h"
#include "http_int.h"
#include "xalloc.h"

struct multi_req {
    struct multi_req *prev, *next;
    struct http_multi *m;
    CURL *easy;
    struct http_xfer x;
    http_multi_done_cb cb;
    void *data;
};

/* One watched socket. Freed in the uv_close callback, since libuv owns it until then. */
struct poll_ctx {
    uv_poll_t poll;
    curl_socket_t fd;
    struct http_multi *m;
    struct poll_ctx *prev, *next; /* in m->polls while open */
};

struct http_multi {
    uv_loop_t *loop;
    CURLM *multi;
    uv_timer_t timer;
    struct http_settings settings;
    struct multi_req *reqs; /* pending, newest first */
    struct poll_ctx *polls; /* watched sockets */
    size_t pending;
    int open_handles; /* the timer and every poll not yet closed */
    int dispatching;  /* > 0 while done callbacks run: closing then waits for them */
    bool closing;
    bool torn_down;
    void (*closed_cb)(void *data);
    void *closed_data;
};

static void teardown(struct http_multi *m);

/* ---- Handles ------------------------------------------------------------------------------ */

static void on_poll_closed(uv_handle_t *h);

static void handle_closed(struct http_multi *m)
{
    if (--m->open_handles == 0) {
        void (*cb)(void *) = m->closed_cb;
        void *data = m->closed_data;
        http_settings_free(&m->settings);
        free(m);
        if (cb != NULL) {
            cb(data);
        }
    }
}

static void poll_close(struct poll_ctx *ctx)
{
    struct http_multi *m = ctx->m;
    if (ctx->prev != NULL) {
        ctx->prev->next = ctx->next;
    } else {
        m->polls = ctx->next;
    }
    if (ctx->next != NULL) {
        ctx->next->prev = ctx->prev;
    }
    uv_poll_stop(&ctx->poll);
    uv_close((uv_handle_t *)&ctx->poll, on_poll_closed);
}

static void on_poll_closed(uv_handle_t *h)
{
    struct poll_ctx *ctx = h->data;
    struct http_multi *m = ctx->m;
    free(ctx);
    handle_closed(m);
}

static void on_timer_closed(uv_handle_t *h)
{
    handle_closed(h->data);
}

/* ---- Finishing ---------------------------------------------------------------------------- */

static void req_unlink(struct multi_req *r)
{
    struct http_multi *m = r->m;
    if (r->prev != NULL) {
        r->prev->next = r->next;
    } else {
        m->reqs = r->next;
    }
    if (r->next != NULL) {
        r->next->prev = r->prev;
    }
    m->pending--;
}

/* Detaches r from curl, maps its outcome and calls back, then frees it. */
static void req_finish(struct multi_req *r, CURLcode rc, bool cancelled)
{
    struct http_multi *m = r->m;
    req_unlink(r);
    curl_multi_remove_handle(m->multi, r->easy);
    struct http_response resp = {0};
    struct err err = {0};
    int rv = http_xfer_finish(&r->x, r->easy, rc, cancelled, &resp, &err);
    curl_easy_cleanup(r->easy);
    m->dispatching++;
    r->cb(r->data, rv, rv == 0 ? &resp : NULL, rv == 0 ? NULL : &err);
    m->dispatching--;
    http_response_free(&resp);
    free(r);
}

static void collect_done(struct http_multi *m)
{
    CURLMsg *msg;
    int left;
    m->dispatching++;
    while (!m->closing && (msg = curl_multi_info_read(m->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE) {
            continue;
        }
        struct multi_req *r = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        req_finish(r, msg->data.result, false);
    }
    m->dispatching--;
    if (m->closing && m->dispatching == 0) {
        teardown(m);
    }
}

/* ---- curl's callbacks --------------------------------------------------------------------- */

static void on_poll(uv_poll_t *h, int status, int events)
{
    struct poll_ctx *ctx = h->data;
    struct http_multi *m = ctx->m;
    int flags = 0;
    if (status < 0) {
        flags = CURL_CSELECT_ERR;
    } else {
        flags |= (events & UV_READABLE) ? CURL_CSELECT_IN : 0;
        flags |= (events & UV_WRITABLE) ? CURL_CSELECT_OUT : 0;
    }
    int running;
    curl_multi_socket_action(m->multi, ctx->fd, flags, &running);
    collect_done(m);
}

static void on_timeout(uv_timer_t *h)
{
    struct http_multi *m = h->data;
    int running;
    curl_multi_socket_action(m->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    collect_done(m);
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    struct http_multi *m = userp;
    struct poll_ctx *ctx = socketp;
    if (what == CURL_POLL_REMOVE) {
        if (ctx != NULL) {
            poll_close(ctx);
            curl_multi_assign(m->multi, fd, NULL);
        }
        return 0;
    }
    if (ctx == NULL) {
        ctx = xcalloc(1, sizeof *ctx);
        ctx->fd = fd;
        ctx->m = m;
        if (uv_poll_init_socket(m->loop, &ctx->poll, fd) != 0) {
            free(ctx);
            return -1; /* curl fails the transfers on this socket */
        }
        ctx->poll.data = ctx;
        ctx->next = m->polls;
        if (m->polls != NULL) {
            m->polls->prev = ctx;
        }
        m->polls = ctx;
        m->open_handles++;
        curl_multi_assign(m->multi, fd, ctx);
    }
    int events = 0;
    events |= (what == CURL_POLL_IN || what == CURL_POLL_INOUT) ? UV_READABLE : 0;
    events |= (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) ? UV_WRITABLE : 0;
    uv_poll_start(&ctx->poll, events, on_poll);
    return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    struct http_multi *m = userp;
    if (timeout_ms < 0) {
        uv_timer_stop(&m->timer);
    } else {
        /* 0 means "as soon as possible": the next loop iteration, never inside the caller. */
        uv_timer_start(&m->timer, on_timeout, (uint64_t)timeout_ms, 0);
    }
    return 0;
}

/* ---- Public ------------------------------------------------------------------------------- */

struct http_multi *http_multi_new(uv_loop_t *loop, const struct http_config *cfg, struct err *err)
{
    if (http_global_init(err) < 0) {
        return NULL;
    }
    struct http_multi *m = xcalloc(1, sizeof *m);
    if (http_settings_init(&m->settings, cfg, err) < 0) {
        free(m);
        return NULL;
    }
    m->loop = loop;
    m->multi = curl_multi_init();
    if (m->multi == NULL) {
        fputs("c8s: out of memory in curl_multi_init\n", stderr);
        abort();
    }
    uv_timer_init(loop, &m->timer);
    m->timer.data = m;
    m->open_handles = 1;
    curl_multi_setopt(m->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(m->multi, CURLMOPT_SOCKETDATA, m);
    curl_multi_setopt(m->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(m->multi, CURLMOPT_TIMERDATA, m);
    return m;
}

int http_multi_send(struct http_multi *m, const struct http_request *req, http_multi_done_cb cb,
                    void *data, struct err *err)
{
    if (m->closing) {
        return err_set(err, ECANCELED, "%s: http client is closing", req->path);
    }
    struct multi_req *r = xcalloc(1, sizeof *r);
    r->easy = curl_easy_init();
    if (r->easy == NULL) {
        fputs("c8s: out of memory in curl_easy_init\n", stderr);
        abort();
    }
    int rv = http_xfer_init(&r->x, r->easy, &m->settings, req, false, true, err);
    if (rv < 0) {
        curl_easy_cleanup(r->easy);
        free(r);
        return rv;
    }
    curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
    r->m = m;
    r->cb = cb;
    r->data = data;
    r->next = m->reqs;
    if (m->reqs != NULL) {
        m->reqs->prev = r;
    }
    m->reqs = r;
    m->pending++;
    CURLMcode mc = curl_multi_add_handle(m->multi, r->easy);
    if (mc != CURLM_OK) {
        req_unlink(r);
        http_xfer_release(&r->x);
        curl_easy_cleanup(r->easy);
        free(r);
        return err_set(err, EIO, "%s: %s", req->path, curl_multi_strerror(mc));
    }
    return 0;
}

size_t http_multi_pending(const struct http_multi *m)
{
    return m->pending;
}

/* Closes curl (which drops its sockets through on_socket) and the timer; m is freed when the
 * last libuv handle has closed. */
static void teardown(struct http_multi *m)
{
    if (m->torn_down) {
        return;
    }
    m->torn_down = true;
    curl_multi_cleanup(m->multi);
    m->multi = NULL;
    while (m->polls != NULL) {
        poll_close(m->polls);
    }
    uv_timer_stop(&m->timer);
    uv_close((uv_handle_t *)&m->timer, on_timer_closed);
}

void http_multi_close(struct http_multi *m, void (*closed_cb)(void *data), void *data)
{
    if (m->closing) {
        return;
    }
    m->closing = true;
    m->closed_cb = closed_cb;
    m->closed_data = data;
    m->dispatching++;
    while (m->reqs != NULL) {
        req_finish(m->reqs, CURLE_ABORTED_BY_CALLBACK, true);
    }
    m->dispatching--;
    if (m->dispatching == 0) {
        teardown(m);
    }
}
