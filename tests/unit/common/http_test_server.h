/* A real HTTP/1.1 server for the HTTP client tests: plain sockets on 127.0.0.1, one thread per
 * connection, keep-alive, chunked streaming that waits for the test between chunks. Header-only
 * so that test_http_client.c and test_http_multi_uv.c each build it in. Routes:
 *   /echo...         200 text: method, path, Host, Authorization, Content-Type, User-Agent, body
 *   /status/NNN      that status (429 and 503 with Retry-After: 0)
 *   /flaky           503 + Retry-After: 0 while flaky_left > 0, then 200 "ok"
 *   /big             200 with 100000 bytes
 *   /stream          chunked lines; after the first chunk waits for test_server_continue()
 *   /stream-forever  one line, then nothing until the client leaves or the server stops
 *   /long-line       a 3000-byte line in three chunks
 *   /hang            no answer until the client leaves or the server stops
 *   /nothing         closes at once; /short promises 100 bytes and sends 5 */
#ifndef C8S_HTTP_TEST_SERVER_H
#define C8S_HTTP_TEST_SERVER_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define TS_UNUSED    __attribute__((unused))
#define TS_MAX_CONNS 512
#define TS_BUF       (256 * 1024)

struct test_server {
    int listen_fd;
    int port;
    int stop_pipe[2];     /* written once at stop: readable forever after */
    int continue_pipe[2]; /* one byte lets /stream go on */
    pthread_t acceptor;
    pthread_mutex_t mu;
    pthread_t conns[TS_MAX_CONNS];
    int nconns;
    atomic_int connections; /* accepted so far */
    atomic_int requests;
    atomic_int flaky_left;
};

struct ts_conn {
    struct test_server *s;
    int fd;
};

/* Waits until fd is readable; false when the server stops first. */
static bool ts_wait_readable(struct test_server *s, int fd)
{
    struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = s->stop_pipe[0], .events = POLLIN}};
    for (;;) {
        int n = poll(p, 2, -1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        return n > 0 && !(p[1].revents & POLLIN);
    }
}

static bool ts_send(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        data += n;
        len -= (size_t)n;
    }
    return true;
}

static bool ts_sendf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool ts_sendf(int fd, const char *fmt, ...)
{
    char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&text, fmt, ap);
    va_end(ap);
    bool ok = n >= 0 && ts_send(fd, text, (size_t)n);
    free(text);
    return ok;
}

static bool ts_chunk(int fd, const char *data)
{
    return ts_sendf(fd, "%zx\r\n%s\r\n", strlen(data), data);
}

/* Copies the value of header name from the raw head into out ("" when absent). */
static void ts_header(const char *head, const char *name, char *out, size_t size)
{
    out[0] = '\0';
    size_t n = strlen(name);
    for (const char *p = strstr(head, "\r\n"); p != NULL; p = strstr(p + 2, "\r\n")) {
        if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':') {
            const char *v = p + 3 + n;
            while (*v == ' ') {
                v++;
            }
            const char *end = strstr(v, "\r\n");
            snprintf(out, size, "%.*s", (int)(end ? end - v : (long)strlen(v)), v);
            return;
        }
    }
}

/* Answers one request; false when the connection must close. */
static bool ts_route(struct test_server *s, int fd, const char *method, const char *path,
                     const char *head, const char *body, size_t body_len)
{
    char host[256], auth[256], ctype[256], agent[256];
    ts_header(head, "Host", host, sizeof host);
    ts_header(head, "Authorization", auth, sizeof auth);
    ts_header(head, "Content-Type", ctype, sizeof ctype);
    ts_header(head, "User-Agent", agent, sizeof agent);
    if (strncmp(path, "/echo", 5) == 0) {
        char *text = NULL;
        int n = asprintf(&text, "%s %s\nhost=%s\nauth=%s\nct=%s\nua=%s\nbody=%.*s", method, path,
                         host, auth, ctype, agent, (int)body_len, body);
        bool ok =
            n >= 0 && ts_sendf(fd,
                               "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Test: yes\r\n"
                               "Content-Length: %d\r\n\r\n%s",
                               n, text);
        free(text);
        return ok;
    }
    if (strncmp(path, "/status/", 8) == 0) {
        int code = atoi(path + 8);
        return ts_sendf(fd, "HTTP/1.1 %d X\r\n%sContent-Length: 10\r\n\r\nstatus %d", code,
                        code == 429 || code == 503 ? "Retry-After: 0\r\n" : "", code);
    }
    if (strcmp(path, "/flaky") == 0) {
        if (atomic_fetch_sub(&s->flaky_left, 1) > 0) {
            return ts_sendf(fd, "HTTP/1.1 503 Unavailable\r\nRetry-After: 0\r\n"
                                "Content-Length: 4\r\n\r\nbusy");
        }
        return ts_sendf(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }
    if (strcmp(path, "/big") == 0) {
        static char big[100000];
        memset(big, 'x', sizeof big);
        return ts_sendf(fd, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", sizeof big) &&
               ts_send(fd, big, sizeof big);
    }
    const char *chunked = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n";
    if (strcmp(path, "/stream") == 0) {
        if (!ts_sendf(fd, "%s", chunked) || !ts_chunk(fd, "{\"n\":1}\n{\"n\"")) {
            return false;
        }
        char byte;
        if (!ts_wait_readable(s, s->continue_pipe[0]) || read(s->continue_pipe[0], &byte, 1) != 1) {
            return false;
        }
        return ts_chunk(fd, ":2}\r\n{\"n\":3}\n") && ts_chunk(fd, "\n\n{\"n\":4}") &&
               ts_send(fd, "0\r\n\r\n", 5);
    }
    if (strcmp(path, "/stream-forever") == 0) {
        if (ts_sendf(fd, "%s", chunked) && ts_chunk(fd, "{\"n\":1}\n")) {
            ts_wait_readable(s, fd);
        }
        return false;
    }
    if (strcmp(path, "/long-line") == 0) {
        char part[1001];
        memset(part, 'a', 1000);
        part[1000] = '\0';
        return ts_sendf(fd, "%s", chunked) && ts_chunk(fd, part) && ts_chunk(fd, part) &&
               ts_chunk(fd, part) && ts_chunk(fd, "\n") && ts_send(fd, "0\r\n\r\n", 5);
    }
    if (strcmp(path, "/hang") == 0) {
        ts_wait_readable(s, fd);
        return false;
    }
    if (strcmp(path, "/nothing") == 0) {
        return false;
    }
    if (strcmp(path, "/short") == 0) {
        ts_sendf(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort");
        return false;
    }
    return ts_sendf(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
}

/* Reads more of the connection into buf; false at EOF, when full, or when the server stops. */
static bool ts_fill(struct ts_conn *c, char *buf, size_t *have)
{
    if (*have == TS_BUF || !ts_wait_readable(c->s, c->fd)) {
        return false;
    }
    ssize_t n = recv(c->fd, buf + *have, TS_BUF - *have, 0);
    if (n <= 0) {
        return false;
    }
    *have += (size_t)n;
    return true;
}

static void *ts_conn_main(void *arg)
{
    struct ts_conn *c = arg;
    struct test_server *s = c->s;
    char *buf = malloc(TS_BUF + 1);
    size_t have = 0;
    for (;;) {
        char *end;
        while ((end = (buf[have] = '\0', strstr(buf, "\r\n\r\n"))) == NULL) {
            if (!ts_fill(c, buf, &have)) {
                goto out;
            }
        }
        size_t head_len = (size_t)(end - buf) + 4;
        char method[16] = "", path[1024] = "", length[32];
        sscanf(buf, "%15s %1023s", method, path);
        buf[head_len - 2] = '\0';
        ts_header(buf, "Content-Length", length, sizeof length);
        size_t body_len = (size_t)atol(length);
        while (have < head_len + body_len) {
            if (!ts_fill(c, buf, &have)) {
                goto out;
            }
        }
        atomic_fetch_add(&s->requests, 1);
        if (!ts_route(s, c->fd, method, path, buf, buf + head_len, body_len)) {
            goto out;
        }
        memmove(buf, buf + head_len + body_len, have - head_len - body_len);
        have -= head_len + body_len;
    }
out:
    close(c->fd);
    free(buf);
    free(c);
    return NULL;
}

static void *ts_accept_main(void *arg)
{
    struct test_server *s = arg;
    while (ts_wait_readable(s, s->listen_fd)) {
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0) {
            continue;
        }
        atomic_fetch_add(&s->connections, 1);
        struct ts_conn *c = malloc(sizeof *c);
        c->s = s;
        c->fd = fd;
        pthread_mutex_lock(&s->mu);
        if (s->nconns == TS_MAX_CONNS ||
            pthread_create(&s->conns[s->nconns], NULL, ts_conn_main, c) != 0) {
            close(fd);
            free(c);
        } else {
            s->nconns++;
        }
        pthread_mutex_unlock(&s->mu);
    }
    return NULL;
}

/* Listens on 127.0.0.1 on a port the kernel picks; returns 0 or -1. */
static TS_UNUSED int test_server_start(struct test_server *s)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    if (pipe(s->stop_pipe) != 0 || pipe(s->continue_pipe) != 0) {
        return -1;
    }
    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(s->listen_fd, 128) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&addr, &len) != 0) {
        return -1;
    }
    s->port = ntohs(addr.sin_port);
    return pthread_create(&s->acceptor, NULL, ts_accept_main, s) == 0 ? 0 : -1;
}

/* Lets a waiting /stream send the rest. */
static TS_UNUSED void test_server_continue(struct test_server *s)
{
    char byte = 1;
    if (write(s->continue_pipe[1], &byte, 1) != 1) {
        abort();
    }
}

/* Stops every thread, joins them and closes everything. */
static TS_UNUSED void test_server_stop(struct test_server *s)
{
    char byte = 1;
    if (write(s->stop_pipe[1], &byte, 1) != 1) {
        abort();
    }
    pthread_join(s->acceptor, NULL);
    for (int i = 0; i < s->nconns; i++) {
        pthread_join(s->conns[i], NULL);
    }
    close(s->listen_fd);
    close(s->stop_pipe[0]);
    close(s->stop_pipe[1]);
    close(s->continue_pipe[0]);
    close(s->continue_pipe[1]);
    pthread_mutex_destroy(&s->mu);
}

/* A port nothing listens on: bound, then closed. */
static TS_UNUSED int test_closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    bind(fd, (struct sockaddr *)&addr, sizeof addr);
    getsockname(fd, (struct sockaddr *)&addr, &len);
    close(fd);
    return ntohs(addr.sin_port);
}

#endif
