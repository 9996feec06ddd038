/* c8sctl proxy: kubectl's API proxy (k8s.io/kubectl/pkg/proxy). A local HTTP/1.1 server on
 * --address:--port or --unix-socket forwards requests under --api-prefix to the kubeconfig's
 * server with its credentials, through kubectl's filter (accepted hosts and paths, rejected
 * paths and methods: 403 "Forbidden"), optionally serving --www files under --www-prefix.
 * Responses stream as they arrive (watches), upgrades (port-forward, WebSockets) are tunnelled,
 * and every client connection has its own thread and its own curl handle. */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "ctl.h"
#include "duration.h"
/* The proxy drives curl transfers itself (head first, then the body as it comes, any status),
 * set up exactly as the HTTP client sets up its own (TLS, tokens, tls-server-name). */
#include "http_int.h"
#include "log.h"
#include "wsclient.h"
#include "xalloc.h"

#define HEAD_LIMIT (1u << 20) /* Go's DefaultMaxHeaderBytes */
#define BODY_LIMIT (256u << 20)

/* ---- Options and the filter ------------------------------------------------------------- */

struct regex_list {
    regex_t *re;
    size_t n;
};

struct proxy {
    struct ctl *c;
    const char *www, *www_prefix, *api_prefix;
    char *api_prefix_slash, *www_prefix_slash; /* with the trailing slash kubectl adds */
    bool filter;
    struct regex_list accept_paths, reject_paths, accept_hosts, reject_methods;
    char *origin;      /* scheme://host[:port] of the server */
    char *server_path; /* its path, appended with --append-server-path */
    bool append_server_path;
    struct http_settings settings;
    struct http_config cfg;

    /* connections */
    pthread_mutex_t lock;
    pthread_cond_t idle;
    int *fds;
    size_t nfds, cap;
    atomic_bool stopping;
};

static void regex_list_free(struct regex_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        regfree(&l->re[i]);
    }
    free(l->re);
    l->re = NULL;
    l->n = 0;
}

/* MakeRegexpArray: comma-separated expressions, each searched for anywhere in the string (Go's
 * MatchString); POSIX extended syntax stands in for RE2's. Returns 0 or prints kubectl's fatal
 * line and returns 255. */
static int regex_list_make(struct ctl *c, const char *text, struct regex_list *out)
{
    out->re = NULL;
    out->n = 0;
    if (*text == '\0') {
        return 0;
    }
    for (const char *p = text;;) {
        size_t len = strcspn(p, ",");
        cleanup_free char *one = xstrndup(p, len);
        out->re = xrealloc(out->re, (out->n + 1) * sizeof *out->re);
        int rc = regcomp(&out->re[out->n], one, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char why[256];
            regerror(rc, &out->re[out->n], why, sizeof why);
            regfree(&out->re[out->n]);
            ctl_klog(c, 'F', "proxy_server.go:83",
                     "Error compiling re: error parsing regexp: %s: `%s`", why, one);
            return 255;
        }
        out->n++;
        if (p[len] == '\0') {
            return 0;
        }
        p += len + 1;
    }
}

static bool regex_list_match(const struct regex_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++) {
        if (regexec(&l->re[i], s, 0, NULL, 0) == 0) {
            return true;
        }
    }
    return false;
}

/* FilterServer.accept. */
static bool filter_accepts(const struct proxy *p, const char *method, const char *path,
                           const char *host)
{
    if (regex_list_match(&p->reject_paths, path) || regex_list_match(&p->reject_methods, method)) {
        return false;
    }
    return regex_list_match(&p->accept_paths, path) && regex_list_match(&p->accept_hosts, host);
}

/* net.SplitHostPort's host, or the whole value when it has no port. Owned. */
static char *host_of(const char *value)
{
    if (value[0] == '[') {
        const char *end = strchr(value, ']');
        if (end != NULL && end[1] == ':' && strchr(end + 2, ':') == NULL) {
            return xstrndup(value + 1, (size_t)(end - value - 1));
        }
        return xstrdup(value);
    }
    const char *colon = strchr(value, ':');
    if (colon != NULL && strchr(colon + 1, ':') == NULL) {
        return xstrndup(value, (size_t)(colon - value));
    }
    return xstrdup(value);
}

/* ---- Connections ------------------------------------------------------------------------ */

static void track(struct proxy *p, int fd)
{
    pthread_mutex_lock(&p->lock);
    if (p->nfds == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->fds = xrealloc(p->fds, p->cap * sizeof *p->fds);
    }
    p->fds[p->nfds++] = fd;
    pthread_mutex_unlock(&p->lock);
}

static void untrack(struct proxy *p, int fd)
{
    pthread_mutex_lock(&p->lock);
    for (size_t i = 0; i < p->nfds; i++) {
        if (p->fds[i] == fd) {
            p->fds[i] = p->fds[--p->nfds];
            break;
        }
    }
    close(fd);
    pthread_cond_broadcast(&p->idle);
    pthread_mutex_unlock(&p->lock);
}

static int send_all(int fd, const void *data, size_t len)
{
    const char *s = data;
    while (len > 0) {
        ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

/* One client connection: what was read and not yet used. */
struct conn {
    struct proxy *p;
    int fd;
    char *buf;
    size_t len, cap;
    bool dead; /* the client is gone or the answer broke: close after this request */
    CURL *easy;
    const char *remote; /* the client's IP for X-Forwarded-For, "" for a unix socket */
    char remote_buf[INET6_ADDRSTRLEN];
};

/* Reads more from the client. Returns the count, 0 at the end, -1 on error. */
static ssize_t conn_fill(struct conn *cn)
{
    if (cn->cap - cn->len < 4096) {
        cn->cap = cn->cap ? cn->cap * 2 : 8192;
        cn->buf = xrealloc(cn->buf, cn->cap);
    }
    for (;;) {
        ssize_t n = recv(cn->fd, cn->buf + cn->len, cn->cap - cn->len, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n > 0) {
            cn->len += (size_t)n;
        }
        return n;
    }
}

static void conn_consume(struct conn *cn, size_t n)
{
    memmove(cn->buf, cn->buf + n, cn->len - n);
    cn->len -= n;
}

/* ---- Requests --------------------------------------------------------------------------- */

struct request {
    char *method, *target, *path, *query; /* path: the raw path; query without '?' or NULL */
    int minor;                            /* HTTP/1.x */
    struct cli_strv names, values;
    char *body;
    size_t body_len;
};

static void request_free(struct request *r)
{
    free(r->method);
    free(r->target);
    free(r->path);
    free(r->query);
    cli_strv_free(&r->names);
    cli_strv_free(&r->values);
    free(r->body);
    memset(r, 0, sizeof *r);
}

static const char *request_header(const struct request *r, const char *name)
{
    for (size_t i = 0; i < r->names.n; i++) {
        if (strcasecmp(r->names.v[i], name) == 0) {
            return r->values.v[i];
        }
    }
    return NULL;
}

static ssize_t find_head_end(const struct conn *cn)
{
    for (size_t i = 0; i + 3 < cn->len; i++) {
        if (memcmp(cn->buf + i, "\r\n\r\n", 4) == 0) {
            return (ssize_t)(i + 4);
        }
    }
    return -1;
}

/* Reads a chunked body from the connection into r. Returns 0 or -1. */
static int read_chunked(struct conn *cn, struct request *r)
{
    for (;;) {
        char *nl;
        while ((nl = memchr(cn->buf, '\n', cn->len)) == NULL) {
            if (cn->len > 4096 || conn_fill(cn) <= 0) {
                return -1;
            }
        }
        size_t size = (size_t)strtoull(cn->buf, NULL, 16);
        conn_consume(cn, (size_t)(nl - cn->buf) + 1);
        if (size == 0) {
            /* trailers until an empty line */
            for (;;) {
                while ((nl = memchr(cn->buf, '\n', cn->len)) == NULL) {
                    if (conn_fill(cn) <= 0) {
                        return -1;
                    }
                }
                bool empty = nl == cn->buf || (nl == cn->buf + 1 && cn->buf[0] == '\r');
                conn_consume(cn, (size_t)(nl - cn->buf) + 1);
                if (empty) {
                    return 0;
                }
            }
        }
        if (r->body_len + size > BODY_LIMIT) {
            return -1;
        }
        while (cn->len < size + 2) {
            if (conn_fill(cn) <= 0) {
                return -1;
            }
        }
        r->body = xrealloc(r->body, r->body_len + size + 1);
        memcpy(r->body + r->body_len, cn->buf, size);
        r->body_len += size;
        r->body[r->body_len] = '\0';
        conn_consume(cn, size + 2);
    }
}

/* Reads one request. Returns 1 with r filled, 0 when the client closed between requests, -1 on a
 * broken request (after answering 400 when it makes sense). */
static int read_request(struct conn *cn, struct request *r)
{
    memset(r, 0, sizeof *r);
    ssize_t head;
    while ((head = find_head_end(cn)) < 0) {
        if (cn->len > HEAD_LIMIT) {
            return -1;
        }
        ssize_t n = conn_fill(cn);
        if (n <= 0) {
            return cn->len == 0 && n == 0 ? 0 : -1;
        }
    }
    cleanup_free char *text = xstrndup(cn->buf, (size_t)head);
    conn_consume(cn, (size_t)head);
    char *save = NULL;
    char *line = strtok_r(text, "\r\n", &save);
    char *sp1 = line ? strchr(line, ' ') : NULL;
    char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (sp1 == NULL || sp2 == NULL || strncmp(sp2 + 1, "HTTP/1.", 7) != 0) {
        return -1;
    }
    r->method = xstrndup(line, (size_t)(sp1 - line));
    r->target = xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
    r->minor = atoi(sp2 + 8);
    const char *t = r->target;
    if (strncmp(t, "http://", 7) == 0 || strncmp(t, "https://", 8) == 0) {
        t = strchr(strstr(t, "://") + 3, '/');
        t = t ? t : "/";
    }
    const char *q = strchr(t, '?');
    r->path = q ? xstrndup(t, (size_t)(q - t)) : xstrdup(t);
    r->query = q ? xstrdup(q + 1) : NULL;
    while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
        char *colon = strchr(line, ':');
        if (colon == NULL) {
            continue;
        }
        char *v = colon + 1;
        v += strspn(v, " \t");
        size_t vlen = strlen(v);
        while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t')) {
            v[--vlen] = '\0';
        }
        *colon = '\0';
        cli_strv_add(&r->names, line);
        cli_strv_add(&r->values, v);
    }
    const char *te = request_header(r, "Transfer-Encoding");
    const char *cl = request_header(r, "Content-Length");
    if (te != NULL && http_header_has_token(te, "chunked")) {
        return read_chunked(cn, r) == 0 ? 1 : -1;
    }
    if (cl != NULL) {
        size_t want = (size_t)strtoull(cl, NULL, 10);
        if (want > BODY_LIMIT) {
            return -1;
        }
        while (cn->len < want) {
            if (conn_fill(cn) <= 0) {
                return -1;
            }
        }
        r->body = xmalloc(want + 1);
        memcpy(r->body, cn->buf, want);
        r->body[want] = '\0';
        r->body_len = want;
        conn_consume(cn, want);
    }
    return 1;
}

/* Whether the connection stays open after this request (HTTP/1.1 unless "close"; 1.0 only with
 * "keep-alive"). */
static bool wants_keep_alive(const struct request *r)
{
    const char *conn = request_header(r, "Connection");
    if (r->minor >= 1) {
        return conn == NULL || !http_header_has_token(conn, "close");
    }
    return conn != NULL && http_header_has_token(conn, "keep-alive");
}

/* Percent-decodes a path as Go's url.Path holds it. Owned. */
static char *path_unescape(const char *s)
{
    char *out = xmalloc(strlen(s) + 1), *o = out;
    for (; *s; s++) {
        if (*s == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
            char hex[3] = {s[1], s[2], '\0'};
            *o++ = (char)strtol(hex, NULL, 16);
            s += 2;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

/* ---- Answers ---------------------------------------------------------------------------- */

/* Go's http.StatusText. */
static const char *status_text(long code)
{
    static const struct {
        long code;
        const char *text;
    } texts[] = {
        {100, "Continue"},
        {101, "Switching Protocols"},
        {200, "OK"},
        {201, "Created"},
        {202, "Accepted"},
        {203, "Non-Authoritative Information"},
        {204, "No Content"},
        {206, "Partial Content"},
        {301, "Moved Permanently"},
        {302, "Found"},
        {303, "See Other"},
        {304, "Not Modified"},
        {307, "Temporary Redirect"},
        {308, "Permanent Redirect"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {406, "Not Acceptable"},
        {408, "Request Timeout"},
        {409, "Conflict"},
        {410, "Gone"},
        {411, "Length Required"},
        {412, "Precondition Failed"},
        {413, "Request Entity Too Large"},
        {415, "Unsupported Media Type"},
        {416, "Requested Range Not Satisfiable"},
        {417, "Expectation Failed"},
        {422, "Unprocessable Entity"},
        {426, "Upgrade Required"},
        {428, "Precondition Required"},
        {429, "Too Many Requests"},
        {431, "Request Header Fields Too Large"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        if (texts[i].code == code) {
            return texts[i].text;
        }
    }
    return NULL;
}

/* The status line of code. Owned. */
static char *status_line(long code)
{
    const char *text = status_text(code);
    return text ? xasprintf("HTTP/1.1 %ld %s\r\n", code, text)
                : xasprintf("HTTP/1.1 %ld status code %ld\r\n", code, code);
}

/* RFC 1123 in GMT, as Go's http.TimeFormat. */
static void http_date(time_t t, char *buf, size_t size)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* A whole answer made here: status, extra header lines ("Name: value\r\n"...), body. */
static void answer(struct conn *cn, const struct request *r, long code, const char *headers,
                   const char *body, size_t body_len, bool keep_alive)
{
    char date[64];
    http_date(time(NULL), date, sizeof date);
    cleanup_free char *line = status_line(code);
    cleanup_free char *head =
        xasprintf("%s%sDate: %s\r\nContent-Length: %zu\r\n%s\r\n", line, headers ? headers : "",
                  date, body_len, keep_alive ? "" : "Connection: close\r\n");
    if (send_all(cn->fd, head, strlen(head)) != 0 ||
        (strcmp(r->method, "HEAD") != 0 && body_len > 0 && send_all(cn->fd, body, body_len) != 0)) {
        cn->dead = true;
    }
}

/* Go's http.Error: the text and a newline as text/plain. */
static void answer_error(struct conn *cn, const struct request *r, long code, const char *text,
                         bool keep_alive)
{
    cleanup_free char *body = xasprintf("%s\n", text);
    answer(cn, r, code,
           "Content-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n", body,
           strlen(body), keep_alive);
}

/* Go's http.Redirect with 301 to a location; GET and HEAD get the little HTML body. */
static void answer_redirect(struct conn *cn, const struct request *r, const char *location,
                            bool keep_alive)
{
    cleanup_free char *headers = xasprintf("Location: %s\r\n", location);
    if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0) {
        cleanup_free char *more =
            xasprintf("Content-Type: text/html; charset=utf-8\r\n%s", headers);
        cleanup_free char *body = xasprintf("<a href=\"%s\">Moved Permanently</a>.\n\n", location);
        answer(cn, r, 301, more, body, strlen(body), keep_alive);
    } else {
        answer(cn, r, 301, headers, NULL, 0, keep_alive);
    }
}

/* ---- Static files (http.FileServer under http.StripPrefix) ------------------------------- */

/* FileServer's localRedirect: a relative Location and no body. */
static void answer_local_redirect(struct conn *cn, const struct request *r, const char *location,
                                  bool keep_alive)
{
    cleanup_free char *headers = r->query ? xasprintf("Location: %s?%s\r\n", location, r->query)
                                          : xasprintf("Location: %s\r\n", location);
    answer(cn, r, 301, headers, NULL, 0, keep_alive);
}

static const char *content_type_of(const char *name, const char *data, size_t len)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".avif", "image/avif"},
        {".css", "text/css; charset=utf-8"},
        {".gif", "image/gif"},
        {".htm", "text/html; charset=utf-8"},
        {".html", "text/html; charset=utf-8"},
        {".jpeg", "image/jpeg"},
        {".jpg", "image/jpeg"},
        {".js", "text/javascript; charset=utf-8"},
        {".json", "application/json"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".pdf", "application/pdf"},
        {".png", "image/png"},
        {".svg", "image/svg+xml"},
        {".txt", "text/plain; charset=utf-8"},
        {".wasm", "application/wasm"},
        {".webp", "image/webp"},
        {".xml", "text/xml; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot != NULL && i < sizeof types / sizeof *types; i++) {
        if (strcasecmp(dot, types[i].ext) == 0) {
            return types[i].type;
        }
    }
    /* http.DetectContentType, reduced to text or bytes */
    size_t n = len < 512 ? len : 512;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)data[i];
        if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' && ch != '\f' && ch != 0x1b) {
            return "application/octet-stream";
        }
    }
    const char *s = data + strspn(data, " \t\r\n");
    if (strncasecmp(s, "<!doctype html", 14) == 0 || strncasecmp(s, "<html", 5) == 0) {
        return "text/html; charset=utf-8";
    }
    return "text/plain; charset=utf-8";
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* html.EscapeString and a URL path escape for a listing's names. Owned. */
static char *html_escape(const char *s, bool as_url)
{
    char *out = xstrdup("");
    for (; *s; s++) {
        const char *rep = NULL;
        char one[8];
        switch (*s) {
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '&':
            rep = "&amp;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        case '"':
            rep = "&#34;";
            break;
        default:
            if (as_url && (*s == '?' || *s == '#' || *s == '%' || *s == ' ')) {
                snprintf(one, sizeof one, "%%%02X", (unsigned char)*s);
            } else {
                one[0] = *s;
                one[1] = '\0';
            }
            rep = one;
        }
        char *more = xasprintf("%s%s", out, rep);
        free(out);
        out = more;
    }
    return out;
}

static void serve_listing(struct conn *cn, const struct request *r, const char *dir,
                          const struct stat *st, bool keep_alive)
{
    struct dirent **entries = NULL;
    int n = scandir(dir, &entries, NULL, by_name);
    if (n < 0) {
        answer_error(cn, r, 500, "Error reading directory", keep_alive);
        return;
    }
    char *body = xstrdup("<!doctype html>\n<meta name=\"viewport\" "
                         "content=\"width=device-width\">\n<pre>\n");
    for (int i = 0; i < n; i++) {
        const char *name = entries[i]->d_name;
        if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
            cleanup_free char *path = xasprintf("%s/%s", dir, name);
            struct stat est;
            bool is_dir = stat(path, &est) == 0 && S_ISDIR(est.st_mode);
            cleanup_free char *url = html_escape(name, true);
            cleanup_free char *text = html_escape(name, false);
            char *more = xasprintf("%s<a href=\"%s%s\">%s%s</a>\n", body, url, is_dir ? "/" : "",
                                   text, is_dir ? "/" : "");
            free(body);
            body = more;
        }
        free(entries[i]);
    }
    free(entries);
    char *more = xasprintf("%s</pre>\n", body);
    free(body);
    body = more;
    char modified[64];
    http_date(st->st_mtime, modified, sizeof modified);
    cleanup_free char *headers =
        xasprintf("Content-Type: text/html; charset=utf-8\r\nLast-Modified: %s\r\n", modified);
    answer(cn, r, 200, headers, body, strlen(body), keep_alive);
    free(body);
}

static void serve_static(struct proxy *p, struct conn *cn, const struct request *r,
                         const char *rest, bool keep_alive)
{
    cleanup_free char *decoded = path_unescape(rest);
    /* path.Clean of "/" + rest: no way above the directory */
    if (strstr(decoded, "..") != NULL) {
        struct cli_strv parts = {0};
        cleanup_free char *copy = xstrdup(decoded);
        char *save = NULL;
        for (char *tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
            if (strcmp(tok, "..") == 0) {
                if (parts.n > 0) {
                    free(parts.v[--parts.n]);
                }
            } else if (strcmp(tok, ".") != 0) {
                cli_strv_add(&parts, tok);
            }
        }
        char *joined = xstrdup("");
        for (size_t i = 0; i < parts.n; i++) {
            char *more = xasprintf("%s/%s", joined, parts.v[i]);
            free(joined);
            joined = more;
        }
        cli_strv_free(&parts);
        free(decoded);
        decoded = joined;
    }
    size_t dlen = strlen(decoded);
    bool url_slash = dlen > 0 && decoded[dlen - 1] == '/';
    if (dlen >= 11 && strcmp(decoded + dlen - 11, "/index.html") == 0) {
        answer_local_redirect(cn, r, "./", keep_alive);
        return;
    }
    cleanup_free char *file = xasprintf("%s/%s", p->www, decoded);
    struct stat st;
    if (stat(file, &st) != 0) {
        if (errno == EACCES) {
            answer_error(cn, r, 403, "403 Forbidden", keep_alive);
        } else {
            answer_error(cn, r, 404, "404 page not found", keep_alive);
        }
        return;
    }
    const char *base = strrchr(decoded, '/');
    base = base ? base + 1 : decoded;
    if (S_ISDIR(st.st_mode)) {
        if (!url_slash && dlen > 0) {
            cleanup_free char *loc = xasprintf("%s/", base);
            answer_local_redirect(cn, r, loc, keep_alive);
            return;
        }
        cleanup_free char *index = xasprintf("%s/index.html", file);
        struct stat ist;
        if (stat(index, &ist) != 0 || S_ISDIR(ist.st_mode)) {
            serve_listing(cn, r, file, &st, keep_alive);
            return;
        }
        free(file);
        file = steal_ptr(&index);
        st = ist;
        base = "index.html";
    } else if (url_slash) {
        cleanup_free char *loc = xasprintf("../%s", base);
        answer_local_redirect(cn, r, loc, keep_alive);
        return;
    }
    cleanup_free char *data = NULL;
    size_t len = 0;
    FILE *f = fopen(file, "rb");
    if (f != NULL) {
        data = xmalloc((size_t)st.st_size + 1);
        len = fread(data, 1, (size_t)st.st_size, f);
        data[len] = '\0';
        fclose(f);
    }
    if (data == NULL) {
        answer_error(cn, r, 403, "403 Forbidden", keep_alive);
        return;
    }
    char modified[64];
    http_date(st.st_mtime, modified, sizeof modified);
    cleanup_free char *headers =
        xasprintf("Accept-Ranges: bytes\r\nContent-Type: %s\r\nLast-Modified: %s\r\n",
                  content_type_of(base, data, len), modified);
    answer(cn, r, 200, headers, data, len, keep_alive);
}

/* ---- Forwarding ------------------------------------------------------------------------- */

/* Hop-by-hop headers, which a proxy does not pass on (Go's httputil.ReverseProxy). */
static bool is_hop_header(const char *name)
{
    static const char *const hop[] = {"Connection",
                                      "Proxy-Connection",
                                      "Keep-Alive",
                                      "Proxy-Authenticate",
                                      "Proxy-Authorization",
                                      "Te",
                                      "Trailer",
                                      "Transfer-Encoding",
                                      "Upgrade"};
    for (size_t i = 0; i < sizeof hop / sizeof *hop; i++) {
        if (strcasecmp(name, hop[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* textproto.CanonicalMIMEHeaderKey. Owned. */
static char *canonical_name(const char *name)
{
    char *out = xstrdup(name);
    bool upper = true;
    for (char *p = out; *p; p++) {
        *p = (char)(upper ? toupper((unsigned char)*p) : tolower((unsigned char)*p));
        upper = *p == '-';
    }
    return out;
}

/* One forwarded transfer: the answer's head as it arrives, then the body. */
struct forward {
    struct conn *cn;
    const struct request *r;
    bool keep_alive;
    long status;
    struct cli_strv names, values;
    bool head_sent, chunked, close_delimited, no_body;
};

static int by_header_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Writes the head of the server's answer: status, its end-to-end headers sorted by name as Go
 * writes them, and our framing. */
static void send_head(struct forward *fw)
{
    fw->head_sent = true;
    struct conn *cn = fw->cn;
    bool has_length = false, chunked_in = false;
    struct cli_strv lines = {0};
    for (size_t i = 0; i < fw->names.n; i++) {
        const char *name = fw->names.v[i];
        if (strcasecmp(name, "Transfer-Encoding") == 0) {
            chunked_in = true;
        }
        if (is_hop_header(name)) {
            continue;
        }
        if (strcasecmp(name, "Content-Length") == 0) {
            has_length = true;
        }
        cleanup_free char *canon = canonical_name(name);
        cleanup_free char *line = xasprintf("%s: %s\r\n", canon, fw->values.v[i]);
        cli_strv_add(&lines, line);
    }
    if (chunked_in) {
        has_length = false;
    }
    qsort(lines.v, lines.n, sizeof *lines.v, by_header_name);
    fw->no_body = strcmp(fw->r->method, "HEAD") == 0 || fw->status == 204 || fw->status == 304 ||
                  (fw->status >= 100 && fw->status < 200);
    cleanup_free char *head = status_line(fw->status);
    for (size_t i = 0; i < lines.n; i++) {
        if (has_length || strncmp(lines.v[i], "Content-Length:", 15) != 0) {
            char *more = xasprintf("%s%s", head, lines.v[i]);
            free(head);
            head = more;
        }
    }
    cli_strv_free(&lines);
    const char *framing = "";
    if (!fw->no_body && !has_length) {
        if (fw->r->minor >= 1) {
            fw->chunked = true;
            framing = "Transfer-Encoding: chunked\r\n";
        } else {
            fw->close_delimited = true;
            fw->keep_alive = false;
        }
    }
    char *more =
        xasprintf("%s%s%s\r\n", head, framing, fw->keep_alive ? "" : "Connection: close\r\n");
    free(head);
    head = more;
    if (send_all(cn->fd, head, strlen(head)) != 0) {
        cn->dead = true;
    }
}

static size_t on_forward_header(char *data, size_t size, size_t nmemb, void *userp)
{
    struct forward *fw = userp;
    size_t len = size * nmemb, n = len;
    while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r')) {
        n--;
    }
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        cli_strv_free(&fw->names);
        cli_strv_free(&fw->values);
        const char *sp = memchr(data, ' ', n);
        fw->status = sp ? strtol(sp + 1, NULL, 10) : 502;
        return len;
    }
    if (n == 0) {
        /* the end of a head: an interim 1xx is followed by the real one */
        if (fw->status >= 200 && !fw->head_sent) {
            send_head(fw);
        }
        return fw->cn->dead ? 0 : len;
    }
    const char *colon = memchr(data, ':', n);
    if (colon != NULL) {
        const char *v = colon + 1;
        while (v < data + n && (*v == ' ' || *v == '\t')) {
            v++;
        }
        cleanup_free char *name = xstrndup(data, (size_t)(colon - data));
        cleanup_free char *value = xstrndup(v, (size_t)(data + n - v));
        cli_strv_add(&fw->names, name);
        cli_strv_add(&fw->values, value);
    }
    return len;
}

/* Each piece of the body goes to the client at once: a watch's events arrive as they happen. */
static size_t on_forward_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct forward *fw = userp;
    size_t len = size * nmemb;
    if (!fw->head_sent) {
        send_head(fw);
    }
    if (fw->cn->dead) {
        return 0;
    }
    if (len == 0 || fw->no_body) {
        return len;
    }
    int rc;
    if (fw->chunked) {
        char *chunk = xmalloc(len + 32);
        int h = snprintf(chunk, 32, "%zx\r\n", len);
        memcpy(chunk + h, data, len);
        memcpy(chunk + h + len, "\r\n", 2);
        rc = send_all(fw->cn->fd, chunk, (size_t)h + len + 2);
        free(chunk);
    } else {
        rc = send_all(fw->cn->fd, data, len);
    }
    if (rc != 0) {
        fw->cn->dead = true;
        return 0;
    }
    return len;
}

/* Called by curl about once a second and on progress: stops the transfer when the proxy is
 * ending or the client has hung up (Go cancels the request's context then). */
static int on_forward_progress(void *userp, curl_off_t dltotal, curl_off_t dlnow,
                               curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    struct forward *fw = userp;
    if (atomic_load(&fw->cn->p->stopping)) {
        return 1;
    }
    struct pollfd pfd = {.fd = fw->cn->fd, .events = POLLRDHUP};
    if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
        fw->cn->dead = true;
        return 1;
    }
    return 0;
}

/* The request's headers for the server: the client's end-to-end ones, X-Forwarded-For, and
 * nothing curl would add on its own account. Owned, NULL-terminated. */
static char **forward_headers(const struct proxy *p, const struct conn *cn, const struct request *r,
                              bool upgrade)
{
    struct cli_strv out = {0};
    const char *forwarded_for = NULL;
    const char *connection = request_header(r, "Connection");
    for (size_t i = 0; i < r->names.n; i++) {
        const char *name = r->names.v[i];
        bool keep = !is_hop_header(name) && strcasecmp(name, "Host") != 0 &&
                    strcasecmp(name, "Content-Length") != 0 &&
                    strcasecmp(name, "Content-Type") != 0 && strcasecmp(name, "Expect") != 0 &&
                    !(connection != NULL && http_header_has_token(connection, name));
        if (strcasecmp(name, "X-Forwarded-For") == 0) {
            forwarded_for = r->values.v[i];
            keep = false;
        }
        if (strcasecmp(name, "Authorization") == 0 && p->cfg.bearer_token != NULL &&
            p->cfg.bearer_token[0] != '\0') {
            keep = false; /* the kubeconfig's token is sent; curl would send both */
        }
        if (upgrade) {
            /* an upgrade keeps its Connection and Upgrade; ws_dial writes the User-Agent */
            keep =
                (keep || strcasecmp(name, "Connection") == 0 || strcasecmp(name, "Upgrade") == 0) &&
                strcasecmp(name, "User-Agent") != 0;
        }
        if (keep) {
            cleanup_free char *line = xasprintf("%s: %s", name, r->values.v[i]);
            cli_strv_add(&out, line);
        }
    }
    if (!upgrade && request_header(r, "Accept") == NULL) {
        cli_strv_add(&out, "Accept:"); /* no curl default: the server sees what was sent */
    }
    if (cn->remote[0] != '\0') {
        cleanup_free char *line =
            forwarded_for ? xasprintf("X-Forwarded-For: %s, %s", forwarded_for, cn->remote)
                          : xasprintf("X-Forwarded-For: %s", cn->remote);
        cli_strv_add(&out, line);
    }
    cli_strv_add(&out, "");
    char **v = out.v;
    free(v[out.n - 1]);
    v[out.n - 1] = NULL;
    return v;
}

static void free_strings(char **v)
{
    for (char **s = v; s != NULL && *s != NULL; s++) {
        free(*s);
    }
    free(v);
}

/* Go's error text without url.Error's `Get "URL": ` (ReverseProxy sees the transport's). */
static const char *transport_cause(const char *msg)
{
    const char *q = strstr(msg, "\": ");
    return q != NULL && strchr(msg, '"') < q ? q + 3 : msg;
}

/* The server URL of a request path: the server's scheme and host, plus its path with
 * --append-server-path. Owned. */
static char *upstream_url(const struct proxy *p, const char *path, const char *query)
{
    const char *sp = p->append_server_path ? p->server_path : "";
    size_t splen = strlen(sp);
    bool join_slash = splen > 0 && sp[splen - 1] == '/' && path[0] == '/';
    return xasprintf("%s%.*s%s%s%s", p->origin, (int)(join_slash ? splen - 1 : splen), sp, path,
                     query ? "?" : "", query ? query : "");
}

/* Upgrades (port-forward, WebSockets): the server's 101 and then bytes both ways. */
static void tunnel(struct proxy *p, struct conn *cn, const struct request *r, const char *path)
{
    char **headers = forward_headers(p, cn, r, true);
    cleanup_free char *url = upstream_url(p, path, r->query);
    struct ws_dial d = {.method = r->method,
                        .path = url,
                        .protocols = NULL,
                        .headers = (const char *const *)headers};
    struct ws_conn *ws = NULL;
    struct http_response resp = {0};
    struct err e = {0};
    int rc = ws_dial(&p->cfg, &d, &ws, &resp, &e);
    free_strings(headers);
    cn->dead = true; /* an upgraded or refused upgrade connection is not reused */
    if (rc < 0) {
        ctl_klog(p->c, 'E', "proxy_server.go:147", "Error while proxying request: %s",
                 transport_cause(e.msg));
        answer_error(cn, r, 500, transport_cause(e.msg), false);
        return;
    }
    cleanup_free char *head = status_line(resp.status);
    for (size_t i = 0; i < resp.nheaders; i++) {
        if (ws == NULL && (strcasecmp(resp.headers[i].name, "Content-Length") == 0 ||
                           strcasecmp(resp.headers[i].name, "Transfer-Encoding") == 0)) {
            continue;
        }
        char *more = xasprintf("%s%s: %s\r\n", head, resp.headers[i].name, resp.headers[i].value);
        free(head);
        head = more;
    }
    if (ws == NULL) {
        char *more = xasprintf("%sContent-Length: %zu\r\n", head, resp.body_len);
        free(head);
        head = more;
    }
    char *more = xasprintf("%s\r\n", head);
    free(head);
    head = more;
    if (send_all(cn->fd, head, strlen(head)) != 0 ||
        (ws == NULL && resp.body_len > 0 && send_all(cn->fd, resp.body, resp.body_len) != 0)) {
        ws_free(ws);
        http_response_free(&resp);
        return;
    }
    http_response_free(&resp);
    if (ws == NULL) {
        return;
    }
    char buf[16384];
    if (cn->len > 0) { /* bytes the client sent after its request head */
        if (ws_raw_write(ws, cn->buf, cn->len, &e) < 0) {
            ws_free(ws);
            return;
        }
        cn->len = 0;
    }
    for (bool open = true; open && !atomic_load(&p->stopping);) {
        struct pollfd pfd[2] = {{.fd = cn->fd, .events = POLLIN},
                                {.fd = ws_fd(ws), .events = POLLIN}};
        if (poll(pfd, 2, 1000) < 0 && errno != EINTR) {
            break;
        }
        if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = recv(cn->fd, buf, sizeof buf, 0);
            open = n > 0 && ws_raw_write(ws, buf, (size_t)n, &e) == 0;
        }
        ssize_t n;
        while (open && (n = ws_raw_read(ws, buf, sizeof buf, 0, &e)) != 0) {
            open = n > 0 && send_all(cn->fd, buf, (size_t)n) == 0;
        }
    }
    ws_free(ws);
}

static void forward(struct proxy *p, struct conn *cn, const struct request *r, const char *path,
                    bool keep_alive)
{
    const char *upgrade = request_header(r, "Upgrade");
    const char *connection = request_header(r, "Connection");
    if (upgrade != NULL && connection != NULL && http_header_has_token(connection, "upgrade")) {
        tunnel(p, cn, r, path);
        return;
    }
    char **headers = forward_headers(p, cn, r, false);
    cleanup_free char *url = upstream_url(p, path, r->query);
    const char *content_type = request_header(r, "Content-Type");
    bool plain_get = strcmp(r->method, "GET") == 0 && r->body_len == 0;
    struct http_request req = {
        .method = r->method,
        .path = url,
        .content_type = content_type,
        .body = plain_get ? NULL : (r->body ? r->body : ""),
        .body_len = r->body_len,
        .headers = (const char *const *)headers,
    };
    struct forward fw = {.cn = cn, .r = r, .keep_alive = keep_alive};
    struct http_xfer x;
    struct err e = {0};
    int rv = http_xfer_init(&x, cn->easy, &p->settings, &req, true, false, &e);
    if (rv == 0) {
        if (content_type == NULL && !plain_get) {
            /* no curl default form type on a body the client did not type */
            x.headers = curl_slist_append(x.headers, "Content-Type:");
            curl_easy_setopt(cn->easy, CURLOPT_HTTPHEADER, x.headers);
        }
        curl_easy_setopt(cn->easy, CURLOPT_HEADERFUNCTION, on_forward_header);
        curl_easy_setopt(cn->easy, CURLOPT_HEADERDATA, &fw);
        curl_easy_setopt(cn->easy, CURLOPT_WRITEFUNCTION, on_forward_body);
        curl_easy_setopt(cn->easy, CURLOPT_WRITEDATA, &fw);
        curl_easy_setopt(cn->easy, CURLOPT_XFERINFOFUNCTION, on_forward_progress);
        curl_easy_setopt(cn->easy, CURLOPT_XFERINFODATA, &fw);
        curl_easy_setopt(cn->easy, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(cn->easy, CURLOPT_HTTP_CONTENT_DECODING, 0L);
        curl_easy_setopt(cn->easy, CURLOPT_HTTP_TRANSFER_DECODING, 1L);
        CURLcode code = curl_easy_perform(cn->easy);
        if (code == CURLE_OK && !fw.head_sent) {
            send_head(&fw);
        }
        if (code == CURLE_OK || fw.head_sent || cn->dead) {
            http_xfer_release(&x);
            if (code != CURLE_OK) {
                cn->dead = true; /* the answer broke off: the client sees the end */
            }
        } else {
            struct http_response none = {0};
            rv = http_xfer_finish(&x, cn->easy, code, false, &none, &e);
            http_response_free(&none);
        }
    }
    if (rv < 0) {
        ctl_klog(p->c, 'E', "proxy_server.go:147", "Error while proxying request: %s",
                 transport_cause(e.msg));
        answer_error(cn, r, 500, transport_cause(e.msg), keep_alive);
    } else if (fw.chunked && !cn->dead) {
        if (send_all(cn->fd, "0\r\n\r\n", 5) != 0) {
            cn->dead = true;
        }
    }
    if (fw.close_delimited) {
        cn->dead = true;
    }
    free_strings(headers);
    cli_strv_free(&fw.names);
    cli_strv_free(&fw.values);
}

/* The mux of kubectl's proxy: the API under api_prefix, files under www_prefix. */
static void route(struct proxy *p, struct conn *cn, const struct request *r, bool keep_alive)
{
    const char *path = r->path;
    const char *api = p->api_prefix_slash;
    const char *www = p->www ? p->www_prefix_slash : NULL;
    size_t api_len = strlen(api), www_len = www ? strlen(www) : 0;
    bool in_api = strncmp(path, api, api_len) == 0;
    bool in_www = www != NULL && strncmp(path, www, www_len) == 0;
    if (in_www && (!in_api || www_len >= api_len)) {
        serve_static(p, cn, r, path + www_len - 1, keep_alive);
        return;
    }
    if (!in_api) {
        /* ServeMux sends a subtree's root without its slash to the subtree */
        size_t plen = strlen(path);
        bool api_root = plen + 1 == api_len && strncmp(path, api, plen) == 0;
        bool www_root = www != NULL && plen + 1 == www_len && strncmp(path, www, plen) == 0;
        if (api_root || www_root) {
            cleanup_free char *loc =
                r->query ? xasprintf("%s/?%s", path, r->query) : xasprintf("%s/", path);
            answer_redirect(cn, r, loc, keep_alive);
        } else {
            answer_error(cn, r, 404, "404 page not found", keep_alive);
        }
        return;
    }
    /* stripLeaveSlash unless the prefix starts with /api */
    cleanup_free char *stripped = NULL;
    if (strncmp(api, "/api", 4) != 0) {
        const char *rest = path + api_len - 1;
        stripped = xstrdup(*rest == '\0' ? "/" : rest);
        path = stripped;
    }
    if (p->filter) {
        const char *host_header = request_header(r, "Host");
        cleanup_free char *host = host_of(host_header ? host_header : "");
        cleanup_free char *decoded = path_unescape(path);
        if (!filter_accepts(p, r->method, decoded, host)) {
            LOG_V(3, "proxy", "filter rejecting %s %s %s", r->method, decoded, host);
            answer_error(cn, r, 403, "Forbidden", keep_alive);
            return;
        }
    }
    forward(p, cn, r, path, keep_alive);
}

static void *serve_connection(void *arg)
{
    struct conn *cn = arg;
    cn->easy = curl_easy_init();
    if (cn->easy == NULL) {
        fputs("c8sctl: out of memory in curl_easy_init\n", stderr);
        abort();
    }
    while (!cn->dead && !atomic_load(&cn->p->stopping)) {
        struct request r;
        int rc = read_request(cn, &r);
        if (rc <= 0) {
            if (rc < 0 && r.method == NULL && cn->len > 0) {
                static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; "
                                          "charset=utf-8\r\nConnection: close\r\n\r\n400 Bad "
                                          "Request";
                (void)send_all(cn->fd, bad, sizeof bad - 1);
            }
            request_free(&r);
            break;
        }
        bool keep_alive = wants_keep_alive(&r);
        route(cn->p, cn, &r, keep_alive);
        if (!keep_alive) {
            cn->dead = true;
        }
        request_free(&r);
    }
    curl_easy_cleanup(cn->easy);
    untrack(cn->p, cn->fd);
    free(cn->buf);
    free(cn);
    return NULL;
}

/* ---- Listening and the command ---------------------------------------------------------- */

/* Go's text of an errno: the C text with a lowercase first letter. */
static void go_errno_text(int e, char *buf, size_t size)
{
    snprintf(buf, size, "%s", strerror(e));
    buf[0] = (char)tolower((unsigned char)buf[0]);
}

static int stop_pipe[2] = {-1, -1};
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    int saved = errno;
    stop_signal = sig;
    ssize_t ignored = write(stop_pipe[1], "x", 1);
    (void)ignored;
    errno = saved;
}

/* net.Listen("tcp", address:port). Returns the socket or -1 with *why set (Go's wording). */
static int listen_tcp(const char *address, int port, char *shown, size_t shown_size, char *why,
                      size_t why_size)
{
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(*address ? address : NULL, service, &hints, &res);
    if (gai != 0) {
        snprintf(why, why_size, "listen tcp: lookup %s: no such host", address);
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 128) != 0) {
        char text[128];
        go_errno_text(errno, text, sizeof text);
        snprintf(why, why_size, "listen tcp %s:%d: bind: %s", address, port, text);
        if (fd >= 0) {
            close(fd);
        }
        freeaddrinfo(res);
        return -1;
    }
    freeaddrinfo(res);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    char host[INET6_ADDRSTRLEN] = "";
    int bound = 0;
    if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof host);
        bound = ntohs(s6->sin6_port);
        snprintf(shown, shown_size, "[%s]:%d", host, bound);
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host);
        bound = ntohs(s4->sin_port);
        snprintf(shown, shown_size, "%s:%d", host, bound);
    }
    return fd;
}

/* ListenUnix: a stale socket is removed first; the new one is for this user only. */
static int listen_unix(const char *path, char *why, size_t why_size)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
        unlink(path);
    }
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        snprintf(why, why_size, "listen unix %s: bind: invalid argument", path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    mode_t old = umask(077);
    int rc = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0 || listen(fd, 128) != 0) {
        char text[128];
        go_errno_text(errno, text, sizeof text);
        snprintf(why, why_size, "listen unix %s: bind: %s", path, text);
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

static void accept_loop(struct proxy *p, int lfd, bool unix_socket)
{
    for (;;) {
        struct pollfd pfd[2] = {{.fd = lfd, .events = POLLIN},
                                {.fd = stop_pipe[0], .events = POLLIN}};
        if (poll(pfd, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (pfd[1].revents != 0) {
            break;
        }
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        struct conn *cn = xcalloc(1, sizeof *cn);
        cn->p = p;
        cn->fd = fd;
        cn->remote = cn->remote_buf;
        if (!unix_socket) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (ss.ss_family == AF_INET6) {
                inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, cn->remote_buf,
                          sizeof cn->remote_buf);
            } else {
                inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, cn->remote_buf,
                          sizeof cn->remote_buf);
            }
        }
        track(p, fd);
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, serve_connection, cn) != 0) {
            untrack(p, fd);
            free(cn);
        }
        pthread_attr_destroy(&attr);
    }
}

/* Ends every connection: their threads see `stopping`, their sockets are shut, and we wait for
 * them (a transfer notices within curl's progress interval, about a second). */
static void stop_connections(struct proxy *p)
{
    atomic_store(&p->stopping, true);
    pthread_mutex_lock(&p->lock);
    for (size_t i = 0; i < p->nfds; i++) {
        shutdown(p->fds[i], SHUT_RDWR);
    }
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    while (p->nfds > 0) {
        if (pthread_cond_timedwait(&p->idle, &p->lock, &deadline) == ETIMEDOUT) {
            break;
        }
    }
    pthread_mutex_unlock(&p->lock);
}

/* Splits the server URL into scheme://host[:port] and its path. */
static void split_server(struct proxy *p, const char *server)
{
    const char *scheme_end = strstr(server, "://");
    const char *path = scheme_end ? strchr(scheme_end + 3, '/') : NULL;
    if (path == NULL) {
        p->origin = xstrdup(server);
        p->server_path = xstrdup("");
    } else {
        p->origin = xstrndup(server, (size_t)(path - server));
        p->server_path = xstrdup(path);
    }
}

static int run_proxy(struct proxy *p, const char *address, int port, const char *unix_socket)
{
    char shown[300] = "", why[512] = "";
    int lfd = unix_socket && *unix_socket
                  ? listen_unix(unix_socket, why, sizeof why)
                  : listen_tcp(address, port, shown, sizeof shown, why, sizeof why);
    if (lfd < 0) {
        return ctl_error(p->c, "%s", why);
    }
    if (pipe2(stop_pipe, O_CLOEXEC) != 0) {
        close(lfd);
        return ctl_error(p->c, "pipe: %s", strerror(errno));
    }
    struct sigaction sa = {.sa_handler = on_stop_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    signal(SIGPIPE, SIG_IGN);
    fprintf(p->c->out, "Starting to serve on %s\n",
            unix_socket && *unix_socket ? unix_socket : shown);
    fflush(p->c->out);
    accept_loop(p, lfd, unix_socket && *unix_socket);
    close(lfd);
    stop_connections(p);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    close(stop_pipe[0]);
    close(stop_pipe[1]);
    stop_pipe[0] = stop_pipe[1] = -1;
    return 0;
}

int cmd_proxy(struct ctl *c, int argc, char **argv)
{
    struct proxy p = {.c = c};
    const char *www = "", *www_prefix = "/static/", *api_prefix = "/";
    const char *accept_paths = "^.*";
    const char *reject_paths = "^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach";
    const char *accept_hosts = "^localhost$,^127\\.0\\.0\\.1$,^\\[::1\\]$";
    const char *reject_methods = "^$", *address = "127.0.0.1", *unix_socket = "";
    const char *keepalive = "0s";
    int port = 8001;
    bool disable_filter = false, append_server_path = false;
    struct cli_flag flags[] = {
        {"www", 'w', CLI_STRING, &www, false},
        {"www-prefix", 'P', CLI_STRING, &www_prefix, false},
        {"api-prefix", 0, CLI_STRING, &api_prefix, false},
        {"accept-paths", 0, CLI_STRING, &accept_paths, false},
        {"reject-paths", 0, CLI_STRING, &reject_paths, false},
        {"accept-hosts", 0, CLI_STRING, &accept_hosts, false},
        {"reject-methods", 0, CLI_STRING, &reject_methods, false},
        {"port", 'p', CLI_INT, &port, false},
        {"address", 0, CLI_STRING, &address, false},
        {"disable-filter", 0, CLI_BOOL, &disable_filter, false},
        {"unix-socket", 'u', CLI_STRING, &unix_socket, false},
        {"keepalive", 0, CLI_STRING, &keepalive, false},
        {"append-server-path", 0, CLI_BOOL, &append_server_path, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    if (!ctl_parse_flags(c, flags, argc, argv, &status)) {
        return status;
    }
    int64_t keepalive_ns = 0;
    struct err e = {0};
    if (duration_parse(keepalive, &keepalive_ns, &e) != 0) {
        fprintf(c->errout,
                "Error: invalid argument \"%s\" for \"--keepalive\" flag: time: invalid duration "
                "\"%s\"\nSee '%s proxy --help' for usage.\n",
                keepalive, keepalive, c->prog);
        return 1;
    }
    if (ctl_connect(c) != 0) {
        return 1;
    }
    p.www = *www ? www : NULL;
    p.api_prefix = api_prefix;
    p.www_prefix = www_prefix;
    p.api_prefix_slash = xasprintf(
        "%s%s", api_prefix, *api_prefix && api_prefix[strlen(api_prefix) - 1] == '/' ? "" : "/");
    p.www_prefix_slash = xasprintf(
        "%s%s", www_prefix, *www_prefix && www_prefix[strlen(www_prefix) - 1] == '/' ? "" : "/");
    p.append_server_path = append_server_path;
    if (disable_filter) {
        if (*unix_socket == '\0') {
            ctl_klog(c, 'W', "proxy.go:177",
                     "Request filter disabled, your proxy is vulnerable to XSRF attacks, please be "
                     "cautious");
        }
    } else {
        p.filter = true;
        status = regex_list_make(c, accept_paths, &p.accept_paths);
        status = status ? status : regex_list_make(c, reject_paths, &p.reject_paths);
        status = status ? status : regex_list_make(c, accept_hosts, &p.accept_hosts);
        status = status ? status : regex_list_make(c, reject_methods, &p.reject_methods);
    }
    if (status == 0 && port != 8001 && *unix_socket) {
        status = ctl_error(c, "cannot set --unix-socket and --port at the same time");
    }
    if (status == 0 && p.www != NULL) {
        struct stat st;
        if (stat(p.www, &st) != 0) {
            char text[128];
            go_errno_text(errno, text, sizeof text);
            ctl_klog(c, 'W', "proxy.go:200", "Failed to stat static file directory %s: stat %s: %s",
                     p.www, p.www, text);
        } else if (!S_ISDIR(st.st_mode)) {
            ctl_klog(c, 'W', "proxy.go:202", "Static file directory %s is not a directory", p.www);
        }
    }
    if (status == 0) {
        p.cfg = c->http_cfg;
        if (keepalive_ns > 0) {
            LOG_V(4, "proxy", "keepalive %lld ms (curl's TCP keep-alive is always on)",
                  (long long)(keepalive_ns / 1000000));
        }
        split_server(&p, c->kc.server);
        if (http_settings_init(&p.settings, &p.cfg, &e) < 0) {
            status = ctl_error(c, "%s", e.msg);
        } else {
            pthread_mutex_init(&p.lock, NULL);
            pthread_cond_init(&p.idle, NULL);
            status = run_proxy(&p, address, port, unix_socket);
            pthread_mutex_destroy(&p.lock);
            pthread_cond_destroy(&p.idle);
            http_settings_free(&p.settings);
        }
    }
    regex_list_free(&p.accept_paths);
    regex_list_free(&p.reject_paths);
    regex_list_free(&p.accept_hosts);
    regex_list_free(&p.reject_methods);
    free(p.api_prefix_slash);
    free(p.www_prefix_slash);
    free(p.origin);
    free(p.server_path);
    free(p.fds);
    if (status == 0 && stop_signal != 0) {
        /* end as kubectl does on SIGINT/SIGTERM: killed by the signal */
        fflush(c->out);
        signal(stop_signal, SIG_DFL);
        raise(stop_signal);
    }
    return status;
}
