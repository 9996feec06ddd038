/* HTTP client over libcurl, for talking to the API server, etcd and each other: TLS from
 * kubeconfig-style settings (CA, client certificate, bearer token, tls-server-name), keep-alive,
 * retries with capped exponential backoff as client-go's, and line-by-line streaming for
 * watches. Two modes: a blocking client (one thread at a time per client) and http_multi, which
 * runs many requests on a libuv loop (curl's multi-socket interface).
 *
 * Process setup: curl_global_init is not safe to race with other curl calls, so main calls
 * http_global_init() once before it starts threads. http_client_new and http_multi_new call it
 * too (it runs once, under pthread_once), so a forgotten call is harmless if the first client
 * is made before any other thread uses curl. */
#ifndef C8S_HTTP_CLIENT_H
#define C8S_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define HTTP_DEFAULT_MAX_BODY   (128u * 1024 * 1024)
#define HTTP_DEFAULT_MAX_LINE   (16u * 1024 * 1024)
#define HTTP_DEFAULT_CONNECT_MS 30000

/* When to wait before retry number `retry` (0 for the first retry): min(cap, base * 2^retry),
 * then plus up to jitter times that (client-go's wait.Backoff with Jitter), and never past cap.
 * A server's Retry-After replaces the computed delay but is bounded by cap too. */
struct http_backoff {
    int max_attempts; /* tries in all, first included; 0 means 5, 1 means never retry */
    int64_t base_ms;  /* 0 means 100 */
    int64_t cap_ms;   /* 0 means 10000 */
    double jitter;    /* 0..1; 0 means none */
    /* Returns a number in [0, 1); NULL means a per-thread xorshift seeded from the clock. */
    double (*random)(void *data);
    void *random_data;
};

struct http_config {
    /* "https://10.0.0.1:6443": paths given to requests are appended to it. A request path that
     * starts with http:// or https:// is used as is. May be NULL if every path is a URL. */
    const char *base_url;
    /* Trust: a CA bundle file, or PEM text (kubeconfig's certificate-authority-data, decoded).
     * Neither means the system's trust store. */
    const char *ca_file;
    const char *ca_pem;
    /* Client certificate and key: files, or PEM text (client-certificate-data / client-key-data).
     */
    const char *cert_file;
    const char *key_file;
    const char *cert_pem;
    const char *key_pem;
    /* Sent as "Authorization: Bearer <token>"; never logged nor put in error messages. */
    const char *bearer_token;
    bool insecure_skip_verify;
    /* Name to send as SNI and to verify the server certificate against, instead of the URL's
     * host (kubeconfig's tls-server-name). The Host header keeps the URL's host. */
    const char *tls_server_name;
    int64_t connect_timeout_ms; /* 0 means HTTP_DEFAULT_CONNECT_MS */
    int64_t timeout_ms;         /* whole request, streams excepted; 0 means none */
    const char *user_agent;     /* NULL means "c8s/<version>" */
    /* Extra "Name: value" lines sent on every request, NULL-terminated, or NULL: e.g. kubectl's
     * Impersonate-User / Impersonate-Group headers. */
    const char *const *headers;
    size_t max_body; /* response body limit; 0 means HTTP_DEFAULT_MAX_BODY */
    size_t max_line; /* streamed line limit; 0 means HTTP_DEFAULT_MAX_LINE */
    struct http_backoff retry;
};

struct http_header {
    char *name; /* as the server spelled it */
    char *value;
};

/* A response. Everything in it is owned by it: free with http_response_free, or take a field
 * with steal_ptr(&resp.body). */
struct http_response {
    long status;
    struct http_header *headers; /* the final response's headers, in order */
    size_t nheaders;
    char *body; /* NUL-terminated (the NUL is not counted in body_len); NULL when empty */
    size_t body_len;
};

/* Frees what resp owns and zeroes it; the struct itself is the caller's. */
void http_response_free(struct http_response *resp);

/* The value of the first header named name (case-insensitive), borrowed from resp, or NULL. */
const char *http_response_header(const struct http_response *resp, const char *name);

/* Whether a comma-separated header value ("keep-alive, Upgrade") holds token, compared without
 * case as HTTP tokens are. */
bool http_header_has_token(const char *list, const char *token);

/* Once per process: curl_global_init (see the file comment). Safe to call from any thread any
 * number of times; returns 0, or a negative code when curl cannot start or was built without
 * thread safety. http_global_cleanup is for the end of main (and tests) after every client is
 * freed. */
int http_global_init(struct err *err) C8S_MUST_USE;
void http_global_cleanup(void);

/* ---- Blocking client -------------------------------------------------------------------- */

struct http_client;

/* A client with its own copy of cfg (which is borrowed). Each client holds one connection
 * cache, so successive requests reuse a kept-alive connection. A client is used by one thread at
 * a time (curl's rule for handles); threads each make their own from the same config. Returns
 * NULL with err filled when a file named in cfg cannot be read or base_url is not http(s). */
struct http_client *http_client_new(const struct http_config *cfg, struct err *err);

/* Closes the connections and frees c. Not while a request runs on it. */
void http_client_free(struct http_client *c);

/* Makes the request running on c, and every later one, fail with -ECANCELED ("context
 * canceled") promptly: it wakes curl's poll, so an idle watch ends at once. The only function
 * here that other threads may call on c while it is in use. Sticky: free the client after. */
void http_client_cancel(struct http_client *c);

/* One request; body (borrowed, may be NULL) is sent with content_type when not NULL. */
struct http_request {
    const char *method;       /* "GET", "POST", ... */
    const char *path;         /* "/api/v1/pods?limit=500", relative to base_url, or a URL */
    const char *content_type; /* NULL: no Content-Type header */
    const void *body;
    size_t body_len;
    const char *const *headers; /* extra "Name: value" lines, NULL-terminated, or NULL */
    /* The caller says the request is safe to repeat (reads, or writes with a precondition): then
     * connection refused or reset, and 429 or 503 answers, are retried per cfg->retry. */
    bool retry;
};

/* Sends req and waits for the whole response. Returns 0 with resp filled whatever the status
 * (a 404 is an answer, not an error; after the last retry the last 429/503 is returned), or a
 * negative code with err filled and resp empty:
 *   -ECONNREFUSED, -EHOSTUNREACH  cannot connect ("Get "URL": dial tcp ...: connect: ...")
 *   -ETIMEDOUT                    connect or total timeout
 *   -EPROTO                       TLS: handshake, untrusted or mismatching certificate
 *   -ECONNRESET                   the connection broke or closed early ("EOF")
 *   -C8S_ETOOLARGE                the body passed cfg->max_body
 *   -ECANCELED                    http_client_cancel
 *   -EINVAL                       bad URL, unreadable client certificate or CA
 * Messages follow Go's url.Error form: `Get "https://h/p": <cause>`. Thread: c's owner. */
int http_send(struct http_client *c, const struct http_request *req, struct http_response *resp,
              struct err *err) C8S_MUST_USE;

/* http_send without extra headers; retries only GET and HEAD. */
int http_do(struct http_client *c, const char *method, const char *path_and_query,
            const char *content_type, const void *body, size_t body_len, struct http_response *resp,
            struct err *err) C8S_MUST_USE;

/* Called with each line of a streamed body, without its "\n" (nor a "\r" before it), NUL-
 * terminated and borrowed until the callback returns. Empty lines are skipped. Return 0 to go
 * on, anything else to stop the stream (http_stream then returns 0). */
typedef int (*http_line_cb)(const char *line, size_t len, void *data);

/* Sends req and hands the body to cb line by line as chunks arrive (a Kubernetes watch or
 * etcd's /v3/watch): lines split across chunks are joined, a last line without "\n" is
 * delivered at the end. No total timeout and no retries. resp gets the status and headers; when
 * the status is not 2xx, cb is not called and resp->body holds the error body (a Status).
 * Returns 0 when the server ended the body or cb stopped it, else http_send's codes, and
 * -C8S_ETOOLARGE when a line passes cfg->max_line. Thread: c's owner. */
int http_stream(struct http_client *c, const struct http_request *req, http_line_cb cb, void *data,
                struct http_response *resp, struct err *err) C8S_MUST_USE;

/* Called with each piece of a streamed body as it arrives (not NUL-terminated, borrowed until
 * the callback returns). Return 0 to go on, anything else to stop the stream. */
typedef int (*http_chunk_cb)(const char *buf, size_t len, void *data);

/* http_stream for bodies that are bytes, not lines (kubectl logs): cb gets the body exactly as
 * it arrives, nothing split, joined or dropped. Same returns and threading as http_stream. */
int http_stream_raw(struct http_client *c, const struct http_request *req, http_chunk_cb cb,
                    void *data, struct http_response *resp, struct err *err) C8S_MUST_USE;

/* The pure part of retrying, for tests: the wait before retry number `retry` (0-based) with
 * r in [0, 1) as the random draw; retry_after_ms < 0 means the server sent none. */
int64_t http_backoff_delay_ms(const struct http_backoff *b, unsigned retry, int64_t retry_after_ms,
                              double r);

/* Retry-After as seconds ("120") or an HTTP date; returns milliseconds, or -1 when absent or
 * unreadable. now is the current Unix time in seconds (for dates). */
int64_t http_parse_retry_after(const char *value, int64_t now);

/* ---- libuv mode ------------------------------------------------------------------------- */

struct uv_loop_s;
struct http_multi;

/* Called on the loop thread when a request ends: rv 0 with resp (status, headers, body) or a
 * negative code as http_send's with err. resp and err are borrowed for the call; steal fields
 * of resp to keep them. On http_multi_close the pending requests end with -ECANCELED. */
typedef void (*http_multi_done_cb)(void *data, int rv, struct http_response *resp,
                                   const struct err *err);

/* A multi client on loop with its own copy of cfg (borrowed): many concurrent requests on one
 * thread, sharing kept-alive connections. cfg->retry is not used (the store forwards once and
 * answers the error). Loop-bound: every call below is made on the loop's thread. */
struct http_multi *http_multi_new(struct uv_loop_s *loop, const struct http_config *cfg,
                                  struct err *err);

/* Starts req (everything in it is copied, body included) and returns at once; cb runs later
 * on the loop, never from inside this call. Returns 0, or a negative code (the multi is
 * closing, bad URL) with err filled, and then cb is never called. */
int http_multi_send(struct http_multi *m, const struct http_request *req, http_multi_done_cb cb,
                    void *data, struct err *err) C8S_MUST_USE;

/* Number of requests started and not yet called back. */
size_t http_multi_pending(const struct http_multi *m);

/* Ends every pending request with -ECANCELED (their callbacks run inside this call), closes the
 * connections and the libuv handles, and frees m once they are closed; then closed_cb(data)
 * runs (may be NULL). After this the loop has nothing of m left and can end. May be called from
 * a done callback. */
void http_multi_close(struct http_multi *m, void (*closed_cb)(void *data), void *data);

#endif
