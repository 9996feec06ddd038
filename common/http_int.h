/* Internal to http_client.c, http_multi_uv.c and wsclient.c, and to ctl/cmd_proxy.c, which
 * forwards any request with the client's TLS and token setup but drives the transfer itself
 * (the answer's head goes out before its body): the owned copy of a config, and one transfer's
 * state, shared by the blocking and the libuv modes. */
#ifndef C8S_HTTP_INT_H
#define C8S_HTTP_INT_H

#include <curl/curl.h>

#include "http_client.h"

/* cfg with every string owned (strdup'd) and the defaults filled in. */
struct http_settings {
    struct http_config cfg;
};

int http_settings_init(struct http_settings *s, const struct http_config *cfg, struct err *err);
void http_settings_free(struct http_settings *s);

/* One transfer on one easy handle: the response as it arrives and what error mapping needs. */
struct http_xfer {
    struct http_response resp;
    size_t body_cap;
    size_t max_body;
    http_line_cb line_cb;   /* set for line streams */
    http_chunk_cb chunk_cb; /* set for raw streams (line_data is its data) */
    void *line_data;
    size_t max_line;
    char *line;
    size_t line_len, line_cap;
    bool too_large, line_too_long, stopped;
    struct curl_slist *headers;
    struct curl_slist *connect_to; /* curl keeps the list, not a copy */
    char *url;                     /* as the caller meant it, for messages */
    char *dial_addr;               /* "host:port" we connect to, for messages */
    char op[16];                   /* Go's url.Error Op: "Get", "Post" */
    char errbuf[CURL_ERROR_SIZE];
};

/* Resets easy and sets it up for req from s. copy_body: curl keeps its own copy of the body
 * (the libuv mode, where req dies before the transfer ends). On error x is released. */
int http_xfer_init(struct http_xfer *x, CURL *easy, const struct http_settings *s,
                   const struct http_request *req, bool stream, bool copy_body, struct err *err);

/* Turns a finished transfer into 0 with the response moved into resp, or a negative code with
 * err filled (cancelled: the caller aborted it). Then releases x. */
int http_xfer_finish(struct http_xfer *x, CURL *easy, CURLcode rc, bool cancelled,
                     struct http_response *resp, struct err *err);

/* Frees what x owns (idempotent). */
void http_xfer_release(struct http_xfer *x);

#endif
