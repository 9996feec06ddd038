/* The blocking HTTP client and what both modes share: settings, request setup, response
 * collection, line splitting for watches, Go-style error messages (net/http's url.Error), and
 * retries with client-go's backoff shape. Each client drives its easy handle through a private
 * multi handle so that another thread can wake it (curl_multi_wakeup) to cancel. */
#include "http_client.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cleanup.h"
#include "http_int.h"
#include "xalloc.h"

#ifndef C8S_VERSION
#define C8S_VERSION "dev"
#endif

/* ---- Process setup ------------------------------------------------------------------------ */

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;
static bool global_threadsafe;

static void global_init_once(void)
{
    global_rc = curl_global_init(CURL_GLOBAL_ALL);
    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    global_threadsafe = info != NULL && (info->features & CURL_VERSION_THREADSAFE) != 0;
}

int http_global_init(struct err *err)
{
    pthread_once(&global_once, global_init_once);
    if (global_rc != CURLE_OK) {
        return err_set(err, EIO, "curl_global_init: %s", curl_easy_strerror(global_rc));
    }
    if (!global_threadsafe) {
        return err_set(err, ENOTSUP, "libcurl was built without thread safety");
    }
    return 0;
}

void http_global_cleanup(void)
{
    curl_global_cleanup();
}

/* ---- Responses ---------------------------------------------------------------------------- */

static void headers_free(struct http_response *resp)
{
    for (size_t i = 0; i < resp->nheaders; i++) {
        free(resp->headers[i].name);
        free(resp->headers[i].value);
    }
    free(resp->headers);
    resp->headers = NULL;
    resp->nheaders = 0;
}

void http_response_free(struct http_response *resp)
{
    if (resp == NULL) {
        return;
    }
    headers_free(resp);
    free(resp->body);
    memset(resp, 0, sizeof *resp);
}

bool http_header_has_token(const char *list, const char *token)
{
    size_t tlen = strlen(token);
    for (const char *p = list; p != NULL && *p;) {
        while (*p == ' ' || *p == ',' || *p == '\t') {
            p++;
        }
        size_t n = strcspn(p, ",");
        size_t trimmed = n;
        while (trimmed > 0 && (p[trimmed - 1] == ' ' || p[trimmed - 1] == '\t')) {
            trimmed--;
        }
        if (trimmed == tlen && strncasecmp(p, token, tlen) == 0) {
            return true;
        }
        p += n;
    }
    return false;
}

const char *http_response_header(const struct http_response *resp, const char *name)
{
    for (size_t i = 0; i < resp->nheaders; i++) {
        if (strcasecmp(resp->headers[i].name, name) == 0) {
            return resp->headers[i].value;
        }
    }
    return NULL;
}

/* ---- Settings ----------------------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

static bool is_url(const char *s)
{
    return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

static int check_readable(const char *what, const char *path, struct err *err)
{
    if (path != NULL && access(path, R_OK) != 0) {
        int e = errno;
        char text[128];
        snprintf(text, sizeof text, "%s", strerror(e));
        text[0] = (char)tolower((unsigned char)text[0]);
        return err_set(err, EINVAL, "%s: open %s: %s", what, path, text);
    }
    return 0;
}

int http_settings_init(struct http_settings *s, const struct http_config *cfg, struct err *err)
{
    if (cfg->base_url != NULL && !is_url(cfg->base_url)) {
        return err_set(err, EINVAL, "base URL %s: unsupported protocol scheme", cfg->base_url);
    }
    if ((cfg->cert_file || cfg->cert_pem) != (cfg->key_file || cfg->key_pem)) {
        return err_set(err, EINVAL, "a client certificate needs both a certificate and a key");
    }
    int rv;
    if ((rv = check_readable("certificate-authority", cfg->ca_file, err)) < 0 ||
        (rv = check_readable("client-certificate", cfg->cert_file, err)) < 0 ||
        (rv = check_readable("client-key", cfg->key_file, err)) < 0) {
        return rv;
    }
    struct http_config *c = &s->cfg;
    *c = *cfg;
    if (cfg->base_url != NULL) {
        /* Drop trailing slashes so that base + "/path" has one. */
        size_t n = strlen(cfg->base_url);
        while (n > 0 && cfg->base_url[n - 1] == '/') {
            n--;
        }
        c->base_url = xstrndup(cfg->base_url, n);
    }
    c->ca_file = dup_or_null(cfg->ca_file);
    c->ca_pem = dup_or_null(cfg->ca_pem);
    c->cert_file = dup_or_null(cfg->cert_file);
    c->key_file = dup_or_null(cfg->key_file);
    c->cert_pem = dup_or_null(cfg->cert_pem);
    c->key_pem = dup_or_null(cfg->key_pem);
    c->bearer_token = dup_or_null(cfg->bearer_token);
    c->tls_server_name = dup_or_null(cfg->tls_server_name);
    c->user_agent = xstrdup(cfg->user_agent ? cfg->user_agent : "c8s/" C8S_VERSION);
    if (cfg->headers != NULL) {
        size_t n = 0;
        while (cfg->headers[n] != NULL) {
            n++;
        }
        char **copy = xcalloc(n + 1, sizeof *copy);
        for (size_t i = 0; i < n; i++) {
            copy[i] = xstrdup(cfg->headers[i]);
        }
        c->headers = (const char *const *)copy;
    }
    if (c->connect_timeout_ms <= 0) {
        c->connect_timeout_ms = HTTP_DEFAULT_CONNECT_MS;
    }
    if (c->max_body == 0) {
        c->max_body = HTTP_DEFAULT_MAX_BODY;
    }
    if (c->max_line == 0) {
        c->max_line = HTTP_DEFAULT_MAX_LINE;
    }
    if (c->retry.max_attempts <= 0) {
        c->retry.max_attempts = 5;
    }
    if (c->retry.base_ms <= 0) {
        c->retry.base_ms = 100;
    }
    if (c->retry.cap_ms <= 0) {
        c->retry.cap_ms = 10000;
    }
    return 0;
}

void http_settings_free(struct http_settings *s)
{
    struct http_config *c = &s->cfg;
    free((char *)c->base_url);
    free((char *)c->ca_file);
    free((char *)c->ca_pem);
    free((char *)c->cert_file);
    free((char *)c->key_file);
    free((char *)c->cert_pem);
    free((char *)c->key_pem);
    if (c->bearer_token != NULL) {
        explicit_bzero((char *)c->bearer_token, strlen(c->bearer_token));
    }
    free((char *)c->bearer_token);
    free((char *)c->tls_server_name);
    free((char *)c->user_agent);
    for (const char *const *h = c->headers; h != NULL && *h != NULL; h++) {
        free((char *)*h);
    }
    free((void *)c->headers);
    memset(s, 0, sizeof *s);
}

/* ---- Transfer callbacks ------------------------------------------------------------------- */

/* Makes *buf hold at least need bytes, doubling from 4 KiB. */
static void grow(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap) {
        return;
    }
    size_t n = *cap ? *cap : 4096;
    while (n < need) {
        n *= 2;
    }
    *buf = xrealloc(*buf, n);
    *cap = n;
}

static void body_append(struct http_xfer *x, const char *data, size_t len)
{
    struct http_response *r = &x->resp;
    grow(&r->body, &x->body_cap, r->body_len + len + 1);
    memcpy(r->body + r->body_len, data, len);
    r->body_len += len;
    r->body[r->body_len] = '\0';
}

/* Hands the buffered line to the callback; false when it asked to stop. */
static bool line_deliver(struct http_xfer *x)
{
    size_t n = x->line_len;
    if (n > 0 && x->line[n - 1] == '\r') {
        n--;
    }
    x->line_len = 0;
    if (n == 0) {
        return true;
    }
    x->line[n] = '\0';
    if (x->line_cb(x->line, n, x->line_data) != 0) {
        x->stopped = true;
        return false;
    }
    return true;
}

static bool line_append(struct http_xfer *x, const char *data, size_t len)
{
    if (x->line_len + len > x->max_line) {
        x->line_too_long = true;
        return false;
    }
    grow(&x->line, &x->line_cap, x->line_len + len + 1);
    memcpy(x->line + x->line_len, data, len);
    x->line_len += len;
    return true;
}

static bool status_is_success(long status)
{
    return status >= 200 && status < 300;
}

/* Returning less than given makes curl fail the transfer with CURLE_WRITE_ERROR; the flags say
 * why (too large, line too long, or the callback stopped the stream). */
static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct http_xfer *x = userp;
    size_t len = size * nmemb;
    if (x->chunk_cb != NULL && status_is_success(x->resp.status)) {
        if (len > 0 && x->chunk_cb(data, len, x->line_data) != 0) {
            x->stopped = true;
            return 0;
        }
        return len;
    }
    if (x->line_cb != NULL && status_is_success(x->resp.status)) {
        const char *p = data, *end = data + len;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *stop = nl ? nl : end;
            if (!line_append(x, p, (size_t)(stop - p))) {
                return 0;
            }
            if (nl != NULL && !line_deliver(x)) {
                return 0;
            }
            p = nl ? nl + 1 : end;
        }
        return len;
    }
    if (x->resp.body_len + len > x->max_body) {
        x->too_large = true;
        return 0;
    }
    body_append(x, data, len);
    return len;
}

/* Called once per header line, status lines included; a new status line (after a 100 Continue
 * or an interim answer) starts the headers over. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    struct http_xfer *x = userp;
    size_t len = size * nmemb;
    while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r')) {
        len--;
    }
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        headers_free(&x->resp);
        const char *sp = memchr(data, ' ', len);
        x->resp.status = sp ? strtol(sp + 1, NULL, 10) : 0;
        return size * nmemb;
    }
    const char *colon = memchr(data, ':', len);
    if (colon == NULL) {
        return size * nmemb;
    }
    const char *v = colon + 1, *end = data + len;
    while (v < end && (*v == ' ' || *v == '\t')) {
        v++;
    }
    struct http_response *r = &x->resp;
    r->headers = xrealloc(r->headers, (r->nheaders + 1) * sizeof *r->headers);
    r->headers[r->nheaders].name = xstrndup(data, (size_t)(colon - data));
    r->headers[r->nheaders].value = xstrndup(v, (size_t)(end - v));
    r->nheaders++;
    return size * nmemb;
}

/* ---- Transfer setup ----------------------------------------------------------------------- */

void http_xfer_release(struct http_xfer *x)
{
    http_response_free(&x->resp);
    free(x->line);
    x->line = NULL;
    curl_slist_free_all(x->headers);
    x->headers = NULL;
    curl_slist_free_all(x->connect_to);
    x->connect_to = NULL;
    free(x->url);
    x->url = NULL;
    free(x->dial_addr);
    x->dial_addr = NULL;
}

static void headers_add(struct http_xfer *x, const char *line)
{
    struct curl_slist *l = curl_slist_append(x->headers, line);
    if (l == NULL) {
        fputs("c8s: out of memory in curl_slist_append\n", stderr);
        abort();
    }
    x->headers = l;
}

/* Go's url.Error names the operation after the method: "Get", "Post", "Delete". */
static void set_op(struct http_xfer *x, const char *method)
{
    size_t i = 0;
    for (; method[i] != '\0' && i + 1 < sizeof x->op; i++) {
        x->op[i] =
            (char)(i == 0 ? toupper((unsigned char)method[i]) : tolower((unsigned char)method[i]));
    }
    x->op[i] = '\0';
}

/* With tls_server_name: rewrites the URL to that name and has curl connect to the real address
 * (CURLOPT_CONNECT_TO) with the real Host header, so SNI and the certificate check use the name
 * while the request goes where the URL says. */
static int url_rename(struct http_xfer *x, CURL *easy, CURLU *u, const char *name, const char *host,
                      const char *port, struct err *err)
{
    char *explicit_port = NULL, *rewritten = NULL;
    curl_url_get(u, CURLUPART_PORT, &explicit_port, 0);
    cleanup_free char *host_header =
        explicit_port ? xasprintf("Host: %s:%s", host, explicit_port) : xasprintf("Host: %s", host);
    curl_free(explicit_port);
    headers_add(x, host_header);
    cleanup_free char *mapping = xasprintf("%s:%s:%s:%s", name, port, host, port);
    x->connect_to = curl_slist_append(NULL, mapping);
    if (curl_url_set(u, CURLUPART_HOST, name, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_URL, &rewritten, 0) != CURLUE_OK) {
        return err_set(err, EINVAL, "tls-server-name %s: not a host name", name);
    }
    curl_easy_setopt(easy, CURLOPT_URL, rewritten);
    curl_easy_setopt(easy, CURLOPT_CONNECT_TO, x->connect_to);
    curl_free(rewritten);
    return 0;
}

/* Checks the URL, keeps "host:port" for messages and sets it on easy. */
static int url_prepare(struct http_xfer *x, CURL *easy, const struct http_settings *s,
                       struct err *err)
{
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *scheme = NULL;
    int rv = 0;
    const char *name = s->cfg.tls_server_name;
    if (u == NULL || curl_url_set(u, CURLUPART_URL, x->url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
        rv = err_set(err, EINVAL, "parse \"%s\": invalid URL", x->url);
    } else if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
        rv = err_set(err, EINVAL, "%s \"%s\": unsupported protocol scheme \"%s\"", x->op, x->url,
                     scheme);
    } else if (name != NULL && name[0] != '\0' && strcmp(scheme, "https") == 0) {
        x->dial_addr = xasprintf("%s:%s", host, port);
        rv = url_rename(x, easy, u, name, host, port, err);
    } else {
        x->dial_addr = xasprintf("%s:%s", host, port);
        curl_easy_setopt(easy, CURLOPT_URL, x->url);
    }
    curl_free(host);
    curl_free(port);
    curl_free(scheme);
    curl_url_cleanup(u);
    return rv;
}

static void set_blob(CURL *easy, CURLoption opt, const char *pem)
{
    struct curl_blob blob = {.data = (void *)pem, .len = strlen(pem), .flags = CURL_BLOB_COPY};
    curl_easy_setopt(easy, opt, &blob);
}

static void setup_tls(CURL *easy, const struct http_config *c)
{
    if (c->insecure_skip_verify) {
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    /* A given CA replaces the system store, as Go's tls.Config.RootCAs does. */
    if (c->ca_file != NULL || c->ca_pem != NULL) {
        curl_easy_setopt(easy, CURLOPT_CAINFO, c->ca_file);
        curl_easy_setopt(easy, CURLOPT_CAPATH, NULL);
    }
    if (c->ca_pem != NULL) {
        set_blob(easy, CURLOPT_CAINFO_BLOB, c->ca_pem);
    }
    if (c->cert_file != NULL) {
        curl_easy_setopt(easy, CURLOPT_SSLCERT, c->cert_file);
    } else if (c->cert_pem != NULL) {
        set_blob(easy, CURLOPT_SSLCERT_BLOB, c->cert_pem);
    }
    if (c->key_file != NULL) {
        curl_easy_setopt(easy, CURLOPT_SSLKEY, c->key_file);
    } else if (c->key_pem != NULL) {
        set_blob(easy, CURLOPT_SSLKEY_BLOB, c->key_pem);
    }
}

static void setup_method(CURL *easy, const struct http_request *req, bool copy_body)
{
    const char *m = req->method ? req->method : "GET";
    if (strcmp(m, "HEAD") == 0) {
        curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
        return;
    }
    if (strcmp(m, "GET") == 0 && req->body == NULL) {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
        return;
    }
    /* POSTFIELDS makes it a POST with a body (even an empty one); CUSTOMREQUEST renames it. */
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    if (copy_body) {
        curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, req->body ? (const char *)req->body : "");
    } else {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req->body ? (const char *)req->body : "");
    }
    if (strcmp(m, "POST") != 0) {
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, m);
    }
}

int http_xfer_init(struct http_xfer *x, CURL *easy, const struct http_settings *s,
                   const struct http_request *req, bool stream, bool copy_body, struct err *err)
{
    const struct http_config *c = &s->cfg;
    memset(x, 0, sizeof *x);
    set_op(x, req->method ? req->method : "GET");
    x->max_body = c->max_body;
    x->max_line = c->max_line;
    if (is_url(req->path)) {
        x->url = xstrdup(req->path);
    } else if (c->base_url != NULL) {
        x->url = xasprintf("%s%s%s", c->base_url, req->path[0] == '/' ? "" : "/", req->path);
    } else {
        return err_set(err, EINVAL, "%s \"%s\": no base URL for a relative path", x->op, req->path);
    }
    curl_easy_reset(easy);
    int rv = url_prepare(x, easy, s, err);
    if (rv < 0) {
        http_xfer_release(x);
        return rv;
    }
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, c->user_agent);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, (long)c->connect_timeout_ms);
    if (!stream && c->timeout_ms > 0) {
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)c->timeout_ms);
    }
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, x);
    setup_tls(easy, c);
    setup_method(easy, req, copy_body);
    /* Kubernetes servers do not use 100-continue; waiting for it only adds a second. */
    headers_add(x, "Expect:");
    if (req->content_type != NULL) {
        cleanup_free char *ct = xasprintf("Content-Type: %s", req->content_type);
        headers_add(x, ct);
    }
    if (c->bearer_token != NULL && c->bearer_token[0] != '\0') {
        cleanup_free char *auth = xasprintf("Authorization: Bearer %s", c->bearer_token);
        headers_add(x, auth);
        explicit_bzero(auth, strlen(auth));
    }
    for (const char *const *h = c->headers; h != NULL && *h != NULL; h++) {
        headers_add(x, *h);
    }
    for (const char *const *h = req->headers; h != NULL && *h != NULL; h++) {
        headers_add(x, *h);
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, x->headers);
    return 0;
}

/* ---- Errors ------------------------------------------------------------------------------- */

/* strerror's text with a lowercase first letter, as Go's syscall errors read. */
static const char *errno_text(int e, char *buf, size_t size)
{
    snprintf(buf, size, "%s", strerror(e));
    buf[0] = (char)tolower((unsigned char)buf[0]);
    return buf;
}

/* curl's detail, or its generic text when the error buffer is empty. */
static const char *curl_detail(const struct http_xfer *x, CURLcode rc)
{
    return x->errbuf[0] != '\0' ? x->errbuf : curl_easy_strerror(rc);
}

/* The host part of x->dial_addr ("host:port"). */
static void dial_host(const struct http_xfer *x, char *buf, size_t size)
{
    snprintf(buf, size, "%s", x->dial_addr);
    char *colon = strrchr(buf, ':');
    if (colon != NULL) {
        *colon = '\0';
    }
}

static int tls_name_error(struct http_xfer *x, struct err *err)
{
    char host[256];
    dial_host(x, host, sizeof host);
    return err_set(err, EPROTO,
                   "%s \"%s\": tls: failed to verify certificate: x509: certificate is not "
                   "valid for %s",
                   x->op, x->url, host);
}

static int tls_verify_error(struct http_xfer *x, CURL *easy, CURLcode rc, struct err *err)
{
    long verify = 0;
    curl_easy_getinfo(easy, CURLINFO_SSL_VERIFYRESULT, &verify);
    const char *why;
    switch (verify) {
    case 18: /* X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT */
    case 19: /* X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN */
    case 20: /* X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY */
    case 21: /* X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE */
        why = "x509: certificate signed by unknown authority";
        break;
    case 9:  /* X509_V_ERR_CERT_NOT_YET_VALID */
    case 10: /* X509_V_ERR_CERT_HAS_EXPIRED */
        why = "x509: certificate has expired or is not yet valid";
        break;
    case 0:  /* the chain was good, so curl's own host name check failed */
    case 62: /* X509_V_ERR_HOSTNAME_MISMATCH */
    case 64: /* X509_V_ERR_IP_ADDRESS_MISMATCH */
        return tls_name_error(x, err);
    default:
        if (strstr(x->errbuf, "subject name") == NULL) {
            return err_set(err, EPROTO, "%s \"%s\": tls: failed to verify certificate: %s", x->op,
                           x->url, curl_detail(x, rc));
        }
        return tls_name_error(x, err);
    }
    return err_set(err, EPROTO, "%s \"%s\": tls: failed to verify certificate: %s", x->op, x->url,
                   why);
}

static int map_error(struct http_xfer *x, CURL *easy, CURLcode rc, struct err *err)
{
    char text[128];
    long os_errno = 0;
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
        curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
        if (os_errno == 0) {
            os_errno = ECONNREFUSED;
        }
        return err_set(err, (int)os_errno, "%s \"%s\": dial tcp %s: connect: %s", x->op, x->url,
                       x->dial_addr, errno_text((int)os_errno, text, sizeof text));
    case CURLE_COULDNT_RESOLVE_HOST: {
        char host[256];
        dial_host(x, host, sizeof host);
        return err_set(err, EHOSTUNREACH, "%s \"%s\": dial tcp: lookup %s: no such host", x->op,
                       x->url, host);
    }
    case CURLE_OPERATION_TIMEDOUT: {
        curl_off_t connected = 0;
        curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connected);
        if (connected == 0) {
            return err_set(err, ETIMEDOUT, "%s \"%s\": dial tcp %s: i/o timeout", x->op, x->url,
                           x->dial_addr);
        }
        return err_set(err, ETIMEDOUT,
                       "%s \"%s\": context deadline exceeded (Client.Timeout exceeded while "
                       "awaiting headers)",
                       x->op, x->url);
    }
    case CURLE_PEER_FAILED_VERIFICATION:
        return tls_verify_error(x, easy, rc, err);
    case CURLE_SSL_CONNECT_ERROR:
        return err_set(err, EPROTO, "%s \"%s\": tls: handshake failure: %s", x->op, x->url,
                       curl_detail(x, rc));
    case CURLE_SSL_CERTPROBLEM:
        return err_set(err, EINVAL, "%s \"%s\": tls: failed to load client certificate: %s", x->op,
                       x->url, curl_detail(x, rc));
    case CURLE_SSL_CACERT_BADFILE:
        return err_set(err, EINVAL, "%s \"%s\": unable to load root certificates: %s", x->op,
                       x->url, curl_detail(x, rc));
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
        /* OpenSSL errors (an alert such as "certificate required") come as read errors. */
        if (strstr(x->errbuf, "SSL") != NULL || strstr(x->errbuf, "alert") != NULL) {
            return err_set(err, EPROTO, "%s \"%s\": tls: %s", x->op, x->url, x->errbuf);
        }
        return err_set(err, ECONNRESET, "%s \"%s\": %s: connection reset by peer", x->op, x->url,
                       rc == CURLE_SEND_ERROR ? "write" : "read");
    case CURLE_GOT_NOTHING:
        return err_set(err, ECONNRESET, "%s \"%s\": EOF", x->op, x->url);
    case CURLE_PARTIAL_FILE:
        return err_set(err, ECONNRESET, "%s \"%s\": unexpected EOF", x->op, x->url);
    case CURLE_ABORTED_BY_CALLBACK:
        return err_set(err, ECANCELED, "%s \"%s\": context canceled", x->op, x->url);
    case CURLE_WRITE_ERROR:
        if (x->too_large) {
            return err_set(err, C8S_ETOOLARGE, "%s \"%s\": response body larger than %zu bytes",
                           x->op, x->url, x->max_body);
        }
        if (x->line_too_long) {
            return err_set(err, C8S_ETOOLARGE, "%s \"%s\": streamed line longer than %zu bytes",
                           x->op, x->url, x->max_line);
        }
        break;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return err_set(err, EINVAL, "%s \"%s\": %s", x->op, x->url, curl_detail(x, rc));
    default:
        break;
    }
    return err_set(err, EIO, "%s \"%s\": %s", x->op, x->url, curl_detail(x, rc));
}

int http_xfer_finish(struct http_xfer *x, CURL *easy, CURLcode rc, bool cancelled,
                     struct http_response *resp, struct err *err)
{
    int rv = 0;
    if (cancelled) {
        rv = map_error(x, easy, CURLE_ABORTED_BY_CALLBACK, err);
    } else if (rc == CURLE_WRITE_ERROR && x->stopped) {
        rc = CURLE_OK; /* the line callback ended the stream */
    } else if (rc == CURLE_OK && x->line_cb != NULL && x->line_len > 0 &&
               status_is_success(x->resp.status)) {
        line_deliver(x); /* the last line had no newline */
    }
    if (rv == 0 && rc != CURLE_OK) {
        rv = map_error(x, easy, rc, err);
    }
    if (rv == 0) {
        long status = 0;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        if (status != 0) {
            x->resp.status = status;
        }
        *resp = x->resp;
        memset(&x->resp, 0, sizeof x->resp);
    }
    http_xfer_release(x);
    return rv;
}

/* ---- Backoff ------------------------------------------------------------------------------ */

int64_t http_backoff_delay_ms(const struct http_backoff *b, unsigned retry, int64_t retry_after_ms,
                              double r)
{
    int64_t base = b->base_ms > 0 ? b->base_ms : 100;
    int64_t cap = b->cap_ms > 0 ? b->cap_ms : 10000;
    if (retry_after_ms >= 0) {
        return retry_after_ms < cap ? retry_after_ms : cap;
    }
    int64_t d = cap;
    if (retry < 62 && base <= (cap >> retry)) {
        d = base << retry;
    }
    if (b->jitter > 0 && r > 0) {
        d += (int64_t)(r * b->jitter * (double)d);
    }
    return d < cap ? d : cap;
}

int64_t http_parse_retry_after(const char *value, int64_t now)
{
    if (value == NULL || value[0] == '\0') {
        return -1;
    }
    char *end;
    errno = 0;
    long long secs = strtoll(value, &end, 10);
    if (end != value && *end == '\0' && errno == 0) {
        return secs < 0 ? -1 : (secs > INT64_MAX / 1000 ? INT64_MAX : secs * 1000);
    }
    time_t when = curl_getdate(value, NULL);
    if (when == -1) {
        return -1;
    }
    return when > now ? ((int64_t)when - now) * 1000 : 0;
}

/* Per-thread xorshift64*, seeded from the clock and the thread: jitter needs no quality. */
static double default_random(void *data)
{
    static _Thread_local uint64_t state;
    if (state == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        state = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ (uint64_t)pthread_self();
        state |= 1;
    }
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return (double)((state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

/* ---- Blocking client ---------------------------------------------------------------------- */

struct http_client {
    struct http_settings settings;
    CURL *easy;
    CURLM *multi; /* holds the connection cache; lets http_client_cancel wake the poll */
    atomic_bool cancelled;
};

struct http_client *http_client_new(const struct http_config *cfg, struct err *err)
{
    if (http_global_init(err) < 0) {
        return NULL;
    }
    struct http_client *c = xcalloc(1, sizeof *c);
    if (http_settings_init(&c->settings, cfg, err) < 0) {
        free(c);
        return NULL;
    }
    c->easy = curl_easy_init();
    c->multi = curl_multi_init();
    if (c->easy == NULL || c->multi == NULL) {
        fputs("c8s: out of memory in curl_easy_init\n", stderr);
        abort();
    }
    atomic_init(&c->cancelled, false);
    return c;
}

void http_client_free(struct http_client *c)
{
    if (c == NULL) {
        return;
    }
    curl_easy_cleanup(c->easy);
    curl_multi_cleanup(c->multi);
    http_settings_free(&c->settings);
    free(c);
}

void http_client_cancel(struct http_client *c)
{
    atomic_store(&c->cancelled, true);
    curl_multi_wakeup(c->multi);
}

/* Runs the easy handle to the end; *cancelled when http_client_cancel stopped it. */
static CURLcode perform(struct http_client *c, bool *cancelled)
{
    CURLcode rc = CURLE_OK;
    *cancelled = false;
    curl_multi_add_handle(c->multi, c->easy);
    for (;;) {
        if (atomic_load(&c->cancelled)) {
            *cancelled = true;
            break;
        }
        int running = 0;
        CURLMcode mc = curl_multi_perform(c->multi, &running);
        if (mc != CURLM_OK) {
            rc = CURLE_FAILED_INIT;
            break;
        }
        int left;
        CURLMsg *msg = curl_multi_info_read(c->multi, &left);
        if (msg != NULL && msg->msg == CURLMSG_DONE) {
            rc = msg->data.result;
            break;
        }
        curl_multi_poll(c->multi, NULL, 0, 1000, NULL);
    }
    curl_multi_remove_handle(c->multi, c->easy);
    return rc;
}

static int send_once(struct http_client *c, const struct http_request *req, http_line_cb cb,
                     http_chunk_cb chunk_cb, void *data, struct http_response *resp,
                     struct err *err)
{
    struct http_xfer x;
    bool stream = cb != NULL || chunk_cb != NULL;
    int rv = http_xfer_init(&x, c->easy, &c->settings, req, stream, false, err);
    if (rv < 0) {
        return rv;
    }
    x.line_cb = cb;
    x.chunk_cb = chunk_cb;
    x.line_data = data;
    bool cancelled;
    CURLcode rc = perform(c, &cancelled);
    return http_xfer_finish(&x, c->easy, rc, cancelled, resp, err);
}

/* Waits ms unless cancelled first; false when cancelled. */
static bool backoff_wait(struct http_client *c, int64_t ms)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (atomic_load(&c->cancelled)) {
            return false;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        int64_t elapsed =
            (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (elapsed >= ms) {
            return true;
        }
        int64_t left = ms - elapsed;
        curl_multi_poll(c->multi, NULL, 0, left > 1000 ? 1000 : (int)left, NULL);
    }
}

static bool should_retry(int rv, const struct http_response *resp)
{
    if (rv == -ECONNREFUSED || rv == -ECONNRESET) {
        return true;
    }
    return rv == 0 && (resp->status == 429 || resp->status == 503);
}

int http_send(struct http_client *c, const struct http_request *req, struct http_response *resp,
              struct err *err)
{
    const struct http_backoff *b = &c->settings.cfg.retry;
    memset(resp, 0, sizeof *resp);
    for (unsigned attempt = 1;; attempt++) {
        struct err last = {0};
        int rv = send_once(c, req, NULL, NULL, NULL, resp, &last);
        if (!req->retry || (int)attempt >= b->max_attempts || !should_retry(rv, resp)) {
            if (rv < 0 && err != NULL) {
                *err = last;
            }
            return rv;
        }
        int64_t after = -1;
        if (rv == 0) {
            after = http_parse_retry_after(http_response_header(resp, "Retry-After"),
                                           (int64_t)time(NULL));
            http_response_free(resp);
        }
        double r = b->random ? b->random(b->random_data) : default_random(NULL);
        if (!backoff_wait(c, http_backoff_delay_ms(b, attempt - 1, after, r))) {
            return err_set(err, ECANCELED, "%s: context canceled", req->path);
        }
    }
}

int http_do(struct http_client *c, const char *method, const char *path_and_query,
            const char *content_type, const void *body, size_t body_len, struct http_response *resp,
            struct err *err)
{
    struct http_request req = {
        .method = method,
        .path = path_and_query,
        .content_type = content_type,
        .body = body,
        .body_len = body_len,
        .retry = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0,
    };
    return http_send(c, &req, resp, err);
}

int http_stream(struct http_client *c, const struct http_request *req, http_line_cb cb, void *data,
                struct http_response *resp, struct err *err)
{
    memset(resp, 0, sizeof *resp);
    return send_once(c, req, cb, NULL, data, resp, err);
}

int http_stream_raw(struct http_client *c, const struct http_request *req, http_chunk_cb cb,
                    void *data, struct http_response *resp, struct err *err)
{
    memset(resp, 0, sizeof *resp);
    return send_once(c, req, NULL, cb, data, resp, err);
}
