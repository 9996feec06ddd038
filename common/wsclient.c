/* The WebSocket client of wsclient.h: RFC 6455 framing over either a libcurl connect-only
 * connection (TLS and credentials from struct http_config, as the HTTP client's) or a plain
 * socket. Frames are parsed from one receive buffer; fragments are joined into one message
 * buffer, as gorilla/websocket's reader (the library behind kubectl's streams) returns them. */
#include "wsclient.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "b64.h"
#include "cleanup.h"
#include "http_int.h"
#include "xalloc.h"

#define WS_GUID          "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define HEAD_LIMIT       (64u * 1024)
#define ERROR_BODY_LIMIT (64u * 1024) /* what client-go reads of a refused upgrade */

struct ws_conn {
    CURL *easy; /* NULL for a plain socket */
    int fd;
    bool client;
    bool eof;
    bool close_sent;
    char *protocol;
    uint8_t *rbuf; /* received, not yet parsed */
    size_t rlen, rcap;
    uint8_t *msg; /* the message being assembled */
    size_t msg_len, msg_cap;
    int msg_op; /* opcode of the message in progress, 0 for none */
    uint8_t ctl[125];
};

/* ---- SHA-1 (FIPS 180-4), only for Sec-WebSocket-Accept ------------------------------------ */

static uint32_t rol32(uint32_t v, unsigned n)
{
    return (v << n) | (v >> (32 - n));
}

static void sha1_block(uint32_t h[5], const uint8_t *p)
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++) {
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    }
    for (int i = 16; i < 80; i++) {
        w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) {
            f = (b & c) | (~b & d), k = 0x5a827999;
        } else if (i < 40) {
            f = b ^ c ^ d, k = 0x6ed9eba1;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d), k = 0x8f1bbcdc;
        } else {
            f = b ^ c ^ d, k = 0xca62c1d6;
        }
        uint32_t t = rol32(a, 5) + f + e + k + w[i];
        e = d, d = c, c = rol32(b, 30), b = a, a = t;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

static void sha1(const uint8_t *data, size_t len, uint8_t out[20])
{
    uint32_t h[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    size_t full = len / 64 * 64;
    for (size_t i = 0; i < full; i += 64) {
        sha1_block(h, data + i);
    }
    uint8_t tail[128] = {0};
    size_t rest = len - full;
    memcpy(tail, data + full, rest);
    tail[rest] = 0x80;
    size_t tail_len = rest + 9 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++) {
        tail[tail_len - 1 - i] = (uint8_t)(bits >> (8 * i));
    }
    for (size_t i = 0; i < tail_len; i += 64) {
        sha1_block(h, tail + i);
    }
    for (int i = 0; i < 5; i++) {
        out[4 * i] = (uint8_t)(h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(h[i] >> 8);
        out[4 * i + 3] = (uint8_t)h[i];
    }
}

char *ws_accept_for_key(const char *key)
{
    cleanup_free char *joined = xasprintf("%s%s", key, WS_GUID);
    uint8_t digest[20];
    sha1((const uint8_t *)joined, strlen(joined), digest);
    return b64_encode(digest, sizeof digest);
}

/* ---- Connections and raw I/O -------------------------------------------------------------- */

static struct ws_conn *conn_new(int fd, bool client)
{
    struct ws_conn *c = xcalloc(1, sizeof *c);
    c->fd = fd;
    c->client = client;
    c->protocol = xstrdup("");
    return c;
}

struct ws_conn *ws_conn_from_fd(int fd, bool client)
{
    return conn_new(fd, client);
}

void ws_free(struct ws_conn *c)
{
    if (c == NULL) {
        return;
    }
    if (c->easy != NULL) {
        curl_easy_cleanup(c->easy); /* closes the socket */
    } else if (c->fd >= 0) {
        close(c->fd);
    }
    free(c->protocol);
    free(c->rbuf);
    free(c->msg);
    free(c);
}

int ws_fd(const struct ws_conn *c)
{
    return c->fd;
}

const char *ws_protocol(const struct ws_conn *c)
{
    return c->protocol;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads what is available into buf: >0 bytes, 0 when nothing is (would block), -ECONNRESET at
 * the end of the stream, another negative code on errors. */
static ssize_t io_read(struct ws_conn *c, void *buf, size_t cap, struct err *err)
{
    if (c->easy != NULL) {
        size_t n = 0;
        CURLcode rc = curl_easy_recv(c->easy, buf, cap, &n);
        if (rc == CURLE_AGAIN) {
            return 0;
        }
        if (rc != CURLE_OK) {
            return err_set(err, ECONNRESET, "read: %s", curl_easy_strerror(rc));
        }
        return n > 0 ? (ssize_t)n : err_set(err, ECONNRESET, "EOF");
    }
    ssize_t n = recv(c->fd, buf, cap, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return 0;
    }
    if (n < 0) {
        return err_set(err, ECONNRESET, "read: %s", strerror(errno));
    }
    return n > 0 ? n : err_set(err, ECONNRESET, "EOF");
}

/* Waits until the socket is readable (or writable) or timeout_ms passes (-1: no limit).
 * Returns 1 when ready, 0 on timeout. */
static int io_wait(struct ws_conn *c, bool write, int timeout_ms)
{
    struct pollfd p = {.fd = c->fd, .events = write ? POLLOUT : POLLIN};
    int n;
    do {
        n = poll(&p, 1, timeout_ms);
    } while (n < 0 && errno == EINTR);
    return n > 0 ? 1 : 0;
}

static int io_write_all(struct ws_conn *c, const void *data, size_t len, struct err *err)
{
    const uint8_t *p = data;
    while (len > 0) {
        size_t n = 0;
        if (c->easy != NULL) {
            CURLcode rc = curl_easy_send(c->easy, p, len, &n);
            if (rc != CURLE_OK && rc != CURLE_AGAIN) {
                return err_set(err, ECONNRESET, "write: %s", curl_easy_strerror(rc));
            }
        } else {
            ssize_t w = send(c->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                return err_set(err, ECONNRESET, "write: %s", strerror(errno));
            }
            n = w > 0 ? (size_t)w : 0;
        }
        if (n == 0) {
            io_wait(c, true, 1000);
        }
        p += n;
        len -= n;
    }
    return 0;
}

/* Makes room for at least want more bytes in the receive buffer. */
static void rbuf_reserve(struct ws_conn *c, size_t want)
{
    if (c->rcap - c->rlen >= want) {
        return;
    }
    size_t cap = c->rcap ? c->rcap : 16384;
    while (cap - c->rlen < want) {
        cap *= 2;
    }
    c->rbuf = xrealloc(c->rbuf, cap);
    c->rcap = cap;
}

/* Reads more into the receive buffer, waiting until deadline (-1: none; else a now_ms value).
 * Returns 1 when bytes came, 0 at the deadline, or a negative code. */
static int fill(struct ws_conn *c, int64_t deadline, struct err *err)
{
    for (;;) {
        rbuf_reserve(c, 16384);
        ssize_t n = io_read(c, c->rbuf + c->rlen, c->rcap - c->rlen, err);
        if (n > 0) {
            c->rlen += (size_t)n;
            return 1;
        }
        if (n < 0) {
            c->eof = true;
            return (int)n;
        }
        int wait = -1;
        if (deadline >= 0) {
            int64_t left = deadline - now_ms();
            if (left <= 0) {
                return 0;
            }
            wait = left > 60000 ? 60000 : (int)left;
        }
        if (io_wait(c, false, wait) == 0 && deadline >= 0 && now_ms() >= deadline) {
            return 0;
        }
    }
}

/* ---- Frames ------------------------------------------------------------------------------- */

static void random_bytes(uint8_t *out, size_t len)
{
    while (len > 0) {
        ssize_t n = getrandom(out, len, 0);
        if (n > 0) {
            out += n;
            len -= (size_t)n;
        }
    }
}

int ws_send_frame(struct ws_conn *c, enum ws_opcode op, bool fin, const void *data, size_t len,
                  struct err *err)
{
    if (c->close_sent) {
        return err_set(err, EPIPE, "websocket: close sent");
    }
    if (op >= WS_OP_CLOSE && (len > 125 || !fin)) {
        return err_set(err, EINVAL, "websocket: invalid control frame");
    }
    uint8_t head[14];
    size_t n = 0;
    head[n++] = (uint8_t)((fin ? 0x80 : 0) | op);
    uint8_t mask_bit = c->client ? 0x80 : 0;
    if (len <= 125) {
        head[n++] = (uint8_t)(mask_bit | len);
    } else if (len <= 0xffff) {
        head[n++] = mask_bit | 126;
        head[n++] = (uint8_t)(len >> 8);
        head[n++] = (uint8_t)len;
    } else {
        head[n++] = mask_bit | 127;
        for (int i = 7; i >= 0; i--) {
            head[n++] = (uint8_t)((uint64_t)len >> (8 * i));
        }
    }
    uint8_t key[4] = {0};
    if (c->client) {
        random_bytes(key, sizeof key);
        memcpy(head + n, key, 4);
        n += 4;
    }
    cleanup_free uint8_t *frame = xmalloc(n + len + 1);
    memcpy(frame, head, n);
    const uint8_t *src = data;
    for (size_t i = 0; i < len; i++) {
        frame[n + i] = c->client ? src[i] ^ key[i & 3] : src[i];
    }
    if (op == WS_OP_CLOSE) {
        c->close_sent = true;
    }
    return io_write_all(c, frame, n + len, err);
}

int ws_send(struct ws_conn *c, enum ws_opcode op, const void *data, size_t len, struct err *err)
{
    return ws_send_frame(c, op, true, data, len, err);
}

int ws_close(struct ws_conn *c, uint16_t code, const char *reason, struct err *err)
{
    if (c->close_sent) {
        return 0;
    }
    uint8_t body[125];
    size_t rlen = reason ? strnlen(reason, sizeof body - 2) : 0;
    body[0] = (uint8_t)(code >> 8);
    body[1] = (uint8_t)code;
    memcpy(body + 2, reason ? reason : "", rlen);
    return ws_send_frame(c, WS_OP_CLOSE, true, body, rlen + 2, err);
}

int ws_channel_send(struct ws_conn *c, uint8_t channel, const void *data, size_t len,
                    struct err *err)
{
    cleanup_free uint8_t *buf = xmalloc(len + 1);
    buf[0] = channel;
    if (len > 0) {
        memcpy(buf + 1, data, len);
    }
    return ws_send(c, WS_OP_BINARY, buf, len + 1, err);
}

/* One parsed frame header. */
struct frame {
    bool fin;
    int op;
    bool masked;
    uint8_t key[4];
    size_t head_len;
    uint64_t len;
};

/* Parses the frame at the start of the receive buffer: 1 when header and payload are all
 * there, 0 when more bytes are needed, or a negative code. */
static int parse_frame(struct ws_conn *c, struct frame *f, struct err *err)
{
    const uint8_t *p = c->rbuf;
    if (c->rlen < 2) {
        return 0;
    }
    f->fin = (p[0] & 0x80) != 0;
    f->op = p[0] & 0x0f;
    f->masked = (p[1] & 0x80) != 0;
    if ((p[0] & 0x70) != 0) {
        return err_set(err, EPROTO, "websocket: RSV bits set without an extension");
    }
    if (f->op != WS_OP_CONTINUATION && f->op != WS_OP_TEXT && f->op != WS_OP_BINARY &&
        f->op != WS_OP_CLOSE && f->op != WS_OP_PING && f->op != WS_OP_PONG) {
        return err_set(err, EPROTO, "websocket: unknown opcode %d", f->op);
    }
    if (f->masked == c->client) {
        return err_set(err, EPROTO, "websocket: %s frame from the %s",
                       f->masked ? "masked" : "unmasked", c->client ? "server" : "client");
    }
    size_t n = 2;
    uint64_t len = p[1] & 0x7f;
    if (len == 126) {
        if (c->rlen < 4) {
            return 0;
        }
        len = (uint64_t)p[2] << 8 | p[3];
        n = 4;
    } else if (len == 127) {
        if (c->rlen < 10) {
            return 0;
        }
        len = 0;
        for (int i = 0; i < 8; i++) {
            len = len << 8 | p[2 + i];
        }
        n = 10;
        if (len >> 63) {
            return err_set(err, EPROTO, "websocket: frame length with the high bit set");
        }
    }
    if (f->op >= WS_OP_CLOSE && (len > 125 || !f->fin)) {
        return err_set(err, EPROTO, "websocket: invalid control frame");
    }
    if (len > WS_MAX_MESSAGE) {
        return err_set(err, C8S_ETOOLARGE, "websocket: frame of %llu bytes is too large",
                       (unsigned long long)len);
    }
    if (f->masked) {
        if (c->rlen < n + 4) {
            return 0;
        }
        memcpy(f->key, p + n, 4);
        n += 4;
    }
    f->head_len = n;
    f->len = len;
    return c->rlen >= n + len ? 1 : 0;
}

/* Copies the payload of f (unmasked) to dst and drops the frame from the receive buffer. */
static void take_payload(struct ws_conn *c, const struct frame *f, uint8_t *dst)
{
    const uint8_t *src = c->rbuf + f->head_len;
    for (size_t i = 0; i < f->len; i++) {
        dst[i] = f->masked ? src[i] ^ f->key[i & 3] : src[i];
    }
    size_t used = f->head_len + (size_t)f->len;
    memmove(c->rbuf, c->rbuf + used, c->rlen - used);
    c->rlen -= used;
}

/* Handles one complete frame: 1 when it completed a message (in *m), 0 to read on. */
static int handle_frame(struct ws_conn *c, const struct frame *f, struct ws_message *m,
                        struct err *err)
{
    if (f->op >= WS_OP_CLOSE) {
        take_payload(c, f, c->ctl);
        size_t len = (size_t)f->len;
        if (f->op == WS_OP_PING) {
            return c->close_sent ? 0 : ws_send(c, WS_OP_PONG, c->ctl, len, err);
        }
        if (f->op == WS_OP_PONG) {
            return 0;
        }
        uint16_t code = len >= 2 ? (uint16_t)(c->ctl[0] << 8 | c->ctl[1]) : WS_CLOSE_NO_STATUS;
        /* Echo the code, as RFC 6455 5.5.1 asks; a peer that already left is fine. */
        struct err ignored = {0};
        if (ws_close(c, code == WS_CLOSE_NO_STATUS ? WS_CLOSE_NORMAL : code, NULL, &ignored) < 0) {
            c->eof = true;
        }
        *m = (struct ws_message){.op = WS_OP_CLOSE,
                                 .data = len > 2 ? c->ctl + 2 : c->ctl,
                                 .len = len > 2 ? len - 2 : 0,
                                 .close_code = code};
        return 1;
    }
    if (f->op == WS_OP_CONTINUATION && c->msg_op == 0) {
        return err_set(err, EPROTO, "websocket: continuation frame without a message");
    }
    if (f->op != WS_OP_CONTINUATION) {
        if (c->msg_op != 0) {
            return err_set(err, EPROTO, "websocket: new message inside a fragmented one");
        }
        c->msg_op = f->op;
        c->msg_len = 0;
    }
    if (c->msg_len + f->len > WS_MAX_MESSAGE) {
        return err_set(err, C8S_ETOOLARGE, "websocket: message larger than %u bytes",
                       WS_MAX_MESSAGE);
    }
    if (c->msg_len + f->len + 1 > c->msg_cap) {
        c->msg_cap = (c->msg_len + (size_t)f->len + 1) * 2;
        c->msg = xrealloc(c->msg, c->msg_cap);
    }
    take_payload(c, f, c->msg + c->msg_len);
    c->msg_len += (size_t)f->len;
    if (!f->fin) {
        return 0;
    }
    c->msg[c->msg_len] = 0; /* text messages read as C strings */
    *m = (struct ws_message){.op = (enum ws_opcode)c->msg_op, .data = c->msg, .len = c->msg_len};
    c->msg_op = 0;
    return 1;
}

int ws_recv(struct ws_conn *c, struct ws_message *m, int timeout_ms, struct err *err)
{
    int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    for (;;) {
        struct frame f;
        int rv;
        while ((rv = parse_frame(c, &f, err)) == 1) {
            rv = handle_frame(c, &f, m, err);
            if (rv != 0) {
                return rv;
            }
        }
        if (rv < 0) {
            return rv;
        }
        if (c->eof) {
            return err_set(err, ECONNRESET, "websocket: connection closed without a close frame");
        }
        rv = fill(c, deadline, err);
        if (rv <= 0) {
            return rv == -ECONNRESET ? err_set(err, ECONNRESET,
                                               "websocket: connection closed without a close "
                                               "frame")
                                     : rv;
        }
    }
}

ssize_t ws_raw_read(struct ws_conn *c, void *buf, size_t cap, int timeout_ms, struct err *err)
{
    if (c->rlen == 0) {
        int rv = c->eof ? -ECONNRESET : fill(c, timeout_ms < 0 ? -1 : now_ms() + timeout_ms, err);
        if (rv <= 0) {
            return rv < 0 ? err_set(err, ECONNRESET, "EOF") : 0;
        }
    }
    size_t n = c->rlen < cap ? c->rlen : cap;
    memcpy(buf, c->rbuf, n);
    memmove(c->rbuf, c->rbuf + n, c->rlen - n);
    c->rlen -= n;
    return (ssize_t)n;
}

int ws_raw_write(struct ws_conn *c, const void *data, size_t len, struct err *err)
{
    return io_write_all(c, data, len, err);
}

/* ---- The opening handshake ---------------------------------------------------------------- */

/* The end of the head ("\r\n\r\n") in the receive buffer: its length, or 0. */
static size_t head_end(const struct ws_conn *c)
{
    for (size_t i = 3; i < c->rlen; i++) {
        if (memcmp(c->rbuf + i - 3, "\r\n\r\n", 4) == 0) {
            return i + 1;
        }
    }
    return 0;
}

static void add_header(struct http_response *r, const char *name, size_t nlen, const char *value,
                       size_t vlen)
{
    r->headers = xrealloc(r->headers, (r->nheaders + 1) * sizeof *r->headers);
    r->headers[r->nheaders].name = xstrndup(name, nlen);
    r->headers[r->nheaders].value = xstrndup(value, vlen);
    r->nheaders++;
}

/* Parses the status line and headers of head (len bytes, ending with the blank line). */
static int parse_head(const char *head, size_t len, struct http_response *r, struct err *err)
{
    const char *end = head + len, *line = head;
    const char *eol = memchr(line, '\n', (size_t)(end - line));
    if (eol == NULL || strncmp(line, "HTTP/1.", 7) != 0 || eol - line < 12) {
        return err_set(err, EPROTO, "malformed HTTP response %.*s", (int)(eol ? eol - line : 0),
                       line);
    }
    r->status = strtol(line + 9, NULL, 10);
    for (line = eol + 1; line < end; line = eol + 1) {
        eol = memchr(line, '\n', (size_t)(end - line));
        if (eol == NULL) {
            break;
        }
        size_t n = (size_t)(eol - line);
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        const char *colon = memchr(line, ':', n);
        if (n == 0 || colon == NULL) {
            continue;
        }
        const char *v = colon + 1, *vend = line + n;
        while (v < vend && (*v == ' ' || *v == '\t')) {
            v++;
        }
        while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t')) {
            vend--;
        }
        add_header(r, line, (size_t)(colon - line), v, (size_t)(vend - v));
    }
    return 0;
}

/* Reads the body of a refused upgrade into r: Content-Length, chunked, or until the end,
 * at most ERROR_BODY_LIMIT bytes; the answer's head is already consumed. */
static void read_error_body(struct ws_conn *c, struct http_response *r, int64_t deadline)
{
    const char *cl = http_response_header(r, "Content-Length");
    const char *te = http_response_header(r, "Transfer-Encoding");
    bool chunked = te != NULL && http_header_has_token(te, "chunked");
    size_t want = cl ? (size_t)strtoull(cl, NULL, 10) : SIZE_MAX;
    struct err ignored = {0};
    if (!chunked) {
        while (c->rlen < want && c->rlen < ERROR_BODY_LIMIT && fill(c, deadline, &ignored) > 0) {
        }
        size_t n = c->rlen < want ? c->rlen : want;
        n = n < ERROR_BODY_LIMIT ? n : ERROR_BODY_LIMIT;
        r->body = xstrndup((const char *)c->rbuf, n);
        r->body_len = n;
        return;
    }
    char *body = xstrdup("");
    size_t blen = 0, pos = 0;
    for (;;) {
        const uint8_t *nl = c->rlen > pos ? memchr(c->rbuf + pos, '\n', c->rlen - pos) : NULL;
        if (nl == NULL) {
            if (c->rlen > ERROR_BODY_LIMIT * 2 || fill(c, deadline, &ignored) <= 0) {
                break;
            }
            continue;
        }
        size_t size = (size_t)strtoull((const char *)c->rbuf + pos, NULL, 16);
        size_t data = (size_t)(nl - c->rbuf) + 1;
        if (size == 0) {
            break;
        }
        while (c->rlen < data + size + 2 && fill(c, deadline, &ignored) > 0) {
        }
        if (c->rlen < data + size) {
            break;
        }
        if (blen + size <= ERROR_BODY_LIMIT) {
            body = xrealloc(body, blen + size + 1);
            memcpy(body + blen, c->rbuf + data, size);
            blen += size;
            body[blen] = '\0';
        }
        pos = data + size + 2;
    }
    r->body = body;
    r->body_len = blen;
}

/* Go's url.Error Op for the method: "Get", "Post". */
static const char *req_op(const struct ws_dial *d)
{
    return d->method != NULL && strcmp(d->method, "POST") == 0 ? "Post" : "Get";
}

/* The request line and headers of the upgrade request. Owned. */
static char *upgrade_request(const struct http_config *cfg, const struct ws_dial *d,
                             const char *url, const char *key, struct err *err)
{
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *path = NULL, *query = NULL;
    char *text = NULL;
    if (u == NULL || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
        err_set(err, EINVAL, "parse \"%s\": invalid URL", url);
        goto out;
    }
    curl_url_get(u, CURLUPART_PORT, &port, 0);
    curl_url_get(u, CURLUPART_QUERY, &query, 0);
    text =
        xasprintf("%s %s%s%s HTTP/1.1\r\nHost: %s%s%s\r\nUser-Agent: %s\r\n",
                  d->method ? d->method : "GET", path, query ? "?" : "", query ? query : "", host,
                  port ? ":" : "", port ? port : "", cfg->user_agent ? cfg->user_agent : "c8s");
    if (d->protocols != NULL) {
        char *more = xasprintf("%sConnection: Upgrade\r\nUpgrade: websocket\r\n"
                               "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\n",
                               text, key);
        free(text);
        text = more;
        for (const char *const *p = d->protocols; *p != NULL; p++) {
            more = xasprintf("%sSec-WebSocket-Protocol: %s\r\n", text, *p);
            free(text);
            text = more;
        }
    }
    if (cfg->bearer_token != NULL && cfg->bearer_token[0] != '\0') {
        char *more = xasprintf("%sAuthorization: Bearer %s\r\n", text, cfg->bearer_token);
        explicit_bzero(text, strlen(text));
        free(text);
        text = more;
    }
    /* The client's own headers (impersonation) go on every request, as in http_client. */
    for (const char *const *h = cfg->headers; h != NULL && *h != NULL; h++) {
        char *more = xasprintf("%s%s\r\n", text, *h);
        explicit_bzero(text, strlen(text));
        free(text);
        text = more;
    }
    for (const char *const *h = d->headers; h != NULL && *h != NULL; h++) {
        char *more = xasprintf("%s%s\r\n", text, *h);
        explicit_bzero(text, strlen(text));
        free(text);
        text = more;
    }
    char *more = xasprintf("%s\r\n", text);
    explicit_bzero(text, strlen(text));
    free(text);
    text = more;
out:
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    return text;
}

/* Connects with curl as the HTTP client would (TLS, client certificate, tls-server-name) but
 * sends nothing. Returns 0 with c->easy and c->fd set and *url the full URL (owned). */
static int connect_only(struct ws_conn *c, const struct http_config *cfg, const struct ws_dial *d,
                        char **url, struct err *err)
{
    struct http_settings s;
    int rv = http_settings_init(&s, cfg, err);
    if (rv < 0) {
        return rv;
    }
    c->easy = curl_easy_init();
    if (c->easy == NULL) {
        fputs("c8s: out of memory in curl_easy_init\n", stderr);
        abort();
    }
    struct http_request req = {.method = d->method ? d->method : "GET", .path = d->path};
    struct http_xfer x;
    rv = http_xfer_init(&x, c->easy, &s, &req, true, false, err);
    if (rv == 0) {
        *url = xstrdup(x.url);
        curl_easy_setopt(c->easy, CURLOPT_CONNECT_ONLY, 1L);
        CURLcode rc = curl_easy_perform(c->easy);
        struct http_response none = {0};
        rv = http_xfer_finish(&x, c->easy, rc, false, &none, err);
        http_response_free(&none);
    }
    http_settings_free(&s);
    curl_socket_t sock = CURL_SOCKET_BAD;
    if (rv == 0 && (curl_easy_getinfo(c->easy, CURLINFO_ACTIVESOCKET, &sock) != CURLE_OK ||
                    sock == CURL_SOCKET_BAD)) {
        rv = err_set(err, ECONNRESET, "%s \"%s\": no connection", req.method, *url);
    }
    c->fd = (int)sock;
    return rv;
}

int ws_dial(const struct http_config *cfg, const struct ws_dial *d, struct ws_conn **out,
            struct http_response *answer, struct err *err)
{
    *out = NULL;
    memset(answer, 0, sizeof *answer);
    struct ws_conn *c = conn_new(-1, true);
    cleanup_free char *url = NULL, *key = NULL, *request = NULL, *accept = NULL;
    int rv = connect_only(c, cfg, d, &url, err);
    if (rv < 0) {
        free(url);
        url = NULL;
        goto fail;
    }
    uint8_t nonce[16];
    random_bytes(nonce, sizeof nonce);
    key = b64_encode(nonce, sizeof nonce);
    request = upgrade_request(cfg, d, url, key, err);
    if (request == NULL) {
        rv = -EINVAL;
        goto fail;
    }
    rv = io_write_all(c, request, strlen(request), err);
    explicit_bzero(request, strlen(request));
    if (rv < 0) {
        goto fail;
    }
    int64_t timeout =
        cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : HTTP_DEFAULT_CONNECT_MS;
    int64_t deadline = now_ms() + timeout;
    size_t head_len;
    while ((head_len = head_end(c)) == 0) {
        if (c->rlen > HEAD_LIMIT) {
            rv = err_set(err, EPROTO, "%s \"%s\": response head too large", req_op(d), url);
            goto fail;
        }
        rv = fill(c, deadline, err);
        if (rv <= 0) {
            rv = rv == 0 ? err_set(err, ETIMEDOUT, "%s \"%s\": timeout awaiting response headers",
                                   req_op(d), url)
                         : err_set(err, ECONNRESET, "%s \"%s\": EOF", req_op(d), url);
            goto fail;
        }
    }
    rv = parse_head((const char *)c->rbuf, head_len, answer, err);
    if (rv < 0) {
        goto fail;
    }
    memmove(c->rbuf, c->rbuf + head_len, c->rlen - head_len);
    c->rlen -= head_len;
    if (answer->status != 101) {
        read_error_body(c, answer, deadline);
        ws_free(c);
        return 0;
    }
    if (d->protocols != NULL) {
        const char *upgrade = http_response_header(answer, "Upgrade");
        const char *connection = http_response_header(answer, "Connection");
        const char *got = http_response_header(answer, "Sec-WebSocket-Accept");
        const char *proto = http_response_header(answer, "Sec-WebSocket-Protocol");
        accept = ws_accept_for_key(key);
        if (upgrade == NULL || !http_header_has_token(upgrade, "websocket") || connection == NULL ||
            !http_header_has_token(connection, "upgrade") || got == NULL ||
            strcmp(got, accept) != 0) {
            rv = err_set(err, EPROTO, "websocket: bad handshake");
            goto fail;
        }
        bool offered = false;
        for (const char *const *p = d->protocols; proto != NULL && *p != NULL; p++) {
            offered = offered || strcmp(*p, proto) == 0;
        }
        if (!offered) {
            rv = err_set(err, EPROTO, "websocket: the server chose no offered subprotocol (%s)",
                         proto ? proto : "none");
            goto fail;
        }
        free(c->protocol);
        c->protocol = xstrdup(proto);
    }
    *out = c;
    return 0;
fail:
    http_response_free(answer);
    ws_free(c);
    return rv;
}
