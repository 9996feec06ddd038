/* The WebSocket client against peers written here: byte-exact frames over a socketpair
 * (masking, the three length forms, fragments, ping/pong, close) and the opening handshake
 * against a loopback listener (accept key, subprotocol, refused upgrades with their bodies). */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "wsclient.h"

/* ---- The peer's side: raw frames ---------------------------------------------------------- */

static void write_all(int fd, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        assert_true(n > 0);
        p += n;
        len -= (size_t)n;
    }
}

static void read_exactly(int fd, void *data, size_t len)
{
    uint8_t *p = data;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        assert_true(n > 0);
        p += n;
        len -= (size_t)n;
    }
}

/* Writes one unmasked (server) frame, or a masked one with mask_key when it is not NULL. */
static void peer_send(int fd, int op, bool fin, const void *data, size_t len,
                      const uint8_t *mask_key)
{
    uint8_t head[14];
    size_t n = 0;
    uint8_t mask_bit = mask_key ? 0x80 : 0;
    head[n++] = (uint8_t)((fin ? 0x80 : 0) | op);
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
    if (mask_key) {
        memcpy(head + n, mask_key, 4);
        n += 4;
    }
    write_all(fd, head, n);
    uint8_t *body = malloc(len + 1);
    for (size_t i = 0; i < len; i++) {
        body[i] = ((const uint8_t *)data)[i] ^ (mask_key ? mask_key[i & 3] : 0);
    }
    write_all(fd, body, len);
    free(body);
}

/* A frame the client sent, as the peer read it. */
struct raw_frame {
    int op;
    bool fin, masked;
    size_t len_form;  /* 1, 3 or 9: bytes of the length field */
    uint8_t *payload; /* unmasked, owned */
    size_t len;
};

static void peer_recv(int fd, struct raw_frame *f)
{
    uint8_t h[2];
    read_exactly(fd, h, 2);
    f->fin = (h[0] & 0x80) != 0;
    f->op = h[0] & 0x0f;
    f->masked = (h[1] & 0x80) != 0;
    uint64_t len = h[1] & 0x7f;
    f->len_form = 1;
    if (len == 126) {
        uint8_t b[2];
        read_exactly(fd, b, 2);
        len = (uint64_t)b[0] << 8 | b[1];
        f->len_form = 3;
    } else if (len == 127) {
        uint8_t b[8];
        read_exactly(fd, b, 8);
        len = 0;
        for (int i = 0; i < 8; i++) {
            len = len << 8 | b[i];
        }
        f->len_form = 9;
    }
    uint8_t key[4] = {0};
    if (f->masked) {
        read_exactly(fd, key, 4);
    }
    f->len = (size_t)len;
    f->payload = malloc(f->len + 1);
    read_exactly(fd, f->payload, f->len);
    for (size_t i = 0; i < f->len; i++) {
        f->payload[i] ^= key[i & 3];
    }
}

struct pair {
    struct ws_conn *client;
    int peer;
};

static int pair_setup(void **state)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    int big = 1 << 20;
    for (int i = 0; i < 2; i++) {
        setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
        setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    }
    struct pair *p = calloc(1, sizeof *p);
    p->client = ws_conn_from_fd(sv[0], true);
    p->peer = sv[1];
    *state = p;
    return 0;
}

static int pair_teardown(void **state)
{
    struct pair *p = *state;
    ws_free(p->client);
    close(p->peer);
    free(p);
    return 0;
}

static uint8_t *pattern(size_t len)
{
    uint8_t *b = malloc(len);
    for (size_t i = 0; i < len; i++) {
        b[i] = (uint8_t)(i * 7 + 3);
    }
    return b;
}

/* ---- Tests -------------------------------------------------------------------------------- */

static void test_accept_key_matches_the_rfc_example(void **state)
{
    (void)state;
    char *accept = ws_accept_for_key("dGhlIHNhbXBsZSBub25jZQ==");
    assert_string_equal(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    free(accept);
}

static void test_client_frames_are_masked_with_each_length_form(void **state)
{
    struct pair *p = *state;
    const size_t sizes[] = {0, 125, 126, 65535, 65536};
    const size_t forms[] = {1, 1, 3, 3, 9};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *data = pattern(sizes[i]);
        struct err err = {0};
        assert_int_equal(ws_send(p->client, WS_OP_BINARY, data, sizes[i], &err), 0);
        struct raw_frame f;
        peer_recv(p->peer, &f);
        assert_true(f.masked);
        assert_true(f.fin);
        assert_int_equal(f.op, WS_OP_BINARY);
        assert_int_equal(f.len, sizes[i]);
        assert_int_equal(f.len_form, forms[i]);
        assert_memory_equal(f.payload, data, sizes[i]);
        free(f.payload);
        free(data);
    }
}

static void test_server_frames_of_each_length_form_are_received(void **state)
{
    struct pair *p = *state;
    const size_t sizes[] = {125, 126, 65536, 200000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *data = pattern(sizes[i]);
        peer_send(p->peer, WS_OP_BINARY, true, data, sizes[i], NULL);
        struct ws_message m;
        struct err err = {0};
        assert_int_equal(ws_recv(p->client, &m, 5000, &err), 1);
        assert_int_equal(m.op, WS_OP_BINARY);
        assert_int_equal(m.len, sizes[i]);
        assert_memory_equal(m.data, data, sizes[i]);
        free(data);
    }
}

static void test_fragments_join_and_pings_between_them_get_pongs(void **state)
{
    struct pair *p = *state;
    peer_send(p->peer, WS_OP_TEXT, false, "hel", 3, NULL);
    peer_send(p->peer, WS_OP_PING, true, "are you there", 13, NULL);
    peer_send(p->peer, WS_OP_CONTINUATION, false, "lo ", 3, NULL);
    peer_send(p->peer, WS_OP_PONG, true, "x", 1, NULL);
    peer_send(p->peer, WS_OP_CONTINUATION, true, "world", 5, NULL);
    struct ws_message m;
    struct err err = {0};
    assert_int_equal(ws_recv(p->client, &m, 5000, &err), 1);
    assert_int_equal(m.op, WS_OP_TEXT);
    assert_int_equal(m.len, 11);
    assert_memory_equal(m.data, "hello world", 11);
    struct raw_frame f;
    peer_recv(p->peer, &f);
    assert_int_equal(f.op, WS_OP_PONG);
    assert_true(f.masked);
    assert_int_equal(f.len, 13);
    assert_memory_equal(f.payload, "are you there", 13);
    free(f.payload);
}

static void test_client_fragments_carry_continuation_frames(void **state)
{
    struct pair *p = *state;
    struct err err = {0};
    assert_int_equal(ws_send_frame(p->client, WS_OP_TEXT, false, "ab", 2, &err), 0);
    assert_int_equal(ws_send_frame(p->client, WS_OP_CONTINUATION, true, "cd", 2, &err), 0);
    struct raw_frame f1, f2;
    peer_recv(p->peer, &f1);
    peer_recv(p->peer, &f2);
    assert_int_equal(f1.op, WS_OP_TEXT);
    assert_false(f1.fin);
    assert_int_equal(f2.op, WS_OP_CONTINUATION);
    assert_true(f2.fin);
    assert_memory_equal(f2.payload, "cd", 2);
    free(f1.payload);
    free(f2.payload);
    /* control frames may not be fragmented nor longer than 125 bytes */
    uint8_t big[126] = {0};
    assert_int_equal(ws_send(p->client, WS_OP_PING, big, sizeof big, &err), -EINVAL);
    assert_int_equal(ws_send_frame(p->client, WS_OP_PING, false, "x", 1, &err), -EINVAL);
}

static void test_close_is_echoed_and_ends_sending(void **state)
{
    struct pair *p = *state;
    peer_send(p->peer, WS_OP_CLOSE, true,
              "\x03\xe8"
              "bye",
              5, NULL);
    struct ws_message m;
    struct err err = {0};
    assert_int_equal(ws_recv(p->client, &m, 5000, &err), 1);
    assert_int_equal(m.op, WS_OP_CLOSE);
    assert_int_equal(m.close_code, 1000);
    assert_int_equal(m.len, 3);
    assert_memory_equal(m.data, "bye", 3);
    struct raw_frame f;
    peer_recv(p->peer, &f);
    assert_int_equal(f.op, WS_OP_CLOSE);
    assert_int_equal(f.len, 2);
    assert_memory_equal(f.payload, "\x03\xe8", 2);
    free(f.payload);
    assert_int_equal(ws_send(p->client, WS_OP_BINARY, "x", 1, &err), -EPIPE);
    assert_int_equal(ws_close(p->client, 1000, NULL, &err), 0); /* once only */
}

static void test_client_close_sends_code_and_reason(void **state)
{
    struct pair *p = *state;
    struct err err = {0};
    assert_int_equal(ws_close(p->client, 1001, "going", &err), 0);
    struct raw_frame f;
    peer_recv(p->peer, &f);
    assert_int_equal(f.op, WS_OP_CLOSE);
    assert_memory_equal(f.payload, "\x03\xe9going", 7);
    free(f.payload);
    /* an empty close frame reads as 1005 */
    peer_send(p->peer, WS_OP_CLOSE, true, "", 0, NULL);
    struct ws_message m;
    assert_int_equal(ws_recv(p->client, &m, 5000, &err), 1);
    assert_int_equal(m.close_code, WS_CLOSE_NO_STATUS);
}

static void test_framing_errors_are_reported(void **state)
{
    struct pair *p = *state;
    struct ws_message m;
    struct err err = {0};
    assert_int_equal(ws_recv(p->client, &m, 0, &err), 0); /* nothing yet */
    static const uint8_t key[4] = {1, 2, 3, 4};
    peer_send(p->peer, WS_OP_BINARY, true, "x", 1, key);
    assert_int_equal(ws_recv(p->client, &m, 5000, &err), -EPROTO);
    assert_string_equal(err.msg, "websocket: masked frame from the server");
}

static void test_continuation_without_a_message_is_an_error(void **state)
{
    struct pair *p = *state;
    struct ws_message m;
    struct err err = {0};
    peer_send(p->peer, WS_OP_CONTINUATION, true, "x", 1, NULL);
    assert_int_equal(ws_recv(p->client, &m, 5000, &err), -EPROTO);
}

static void test_end_of_stream_without_close_is_a_reset(void **state)
{
    struct pair *p = *state;
    struct ws_message m;
    struct err err = {0};
    peer_send(p->peer, WS_OP_BINARY, false, "part", 4, NULL);
    shutdown(p->peer, SHUT_WR);
    assert_int_equal(ws_recv(p->client, &m, 5000, &err), -ECONNRESET);
}

static void test_channel_send_puts_the_channel_byte_first(void **state)
{
    struct pair *p = *state;
    struct err err = {0};
    assert_int_equal(ws_channel_send(p->client, WS_CHANNEL_RESIZE, "{\"Width\":80}", 12, &err), 0);
    assert_int_equal(ws_channel_send(p->client, WS_CHANNEL_CLOSE, "\0", 1, &err), 0);
    struct raw_frame f;
    peer_recv(p->peer, &f);
    assert_int_equal(f.op, WS_OP_BINARY);
    assert_int_equal(f.len, 13);
    assert_int_equal(f.payload[0], 4);
    assert_memory_equal(f.payload + 1, "{\"Width\":80}", 12);
    free(f.payload);
    peer_recv(p->peer, &f);
    assert_int_equal(f.len, 2);
    assert_memory_equal(f.payload, "\xff\x00", 2);
    free(f.payload);
}

/* ---- The handshake against a loopback listener ------------------------------------------- */

struct server {
    int listener;
    int port;
    const char *mode; /* "ok", "refused", "chunked", "noproto", "badkey" */
    char request[4096];
    pthread_t thread;
};

static const char *request_header(const char *request, const char *name)
{
    static char value[256];
    const char *p = strcasestr(request, name);
    if (p == NULL) {
        return NULL;
    }
    p += strlen(name) + 2;
    size_t n = strcspn(p, "\r");
    snprintf(value, sizeof value, "%.*s", (int)n, p);
    return value;
}

static void *serve_once(void *arg)
{
    struct server *s = arg;
    int fd = accept(s->listener, NULL, NULL);
    size_t len = 0;
    while (strstr(s->request, "\r\n\r\n") == NULL && len < sizeof s->request - 1) {
        ssize_t n = read(fd, s->request + len, sizeof s->request - 1 - len);
        if (n <= 0) {
            break;
        }
        len += (size_t)n;
    }
    char answer[1024];
    if (strcmp(s->mode, "refused") == 0) {
        const char *body = "{\"kind\":\"Status\",\"message\":\"no\"}";
        snprintf(answer, sizeof answer,
                 "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
                 "Content-Length: %zu\r\n\r\n%s",
                 strlen(body), body);
    } else if (strcmp(s->mode, "chunked") == 0) {
        snprintf(answer, sizeof answer,
                 "HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    } else {
        const char *key = request_header(s->request, "Sec-WebSocket-Key");
        char *accept = ws_accept_for_key(strcmp(s->mode, "badkey") == 0 ? "x" : key);
        snprintf(answer, sizeof answer,
                 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n%s\r\n",
                 accept,
                 strcmp(s->mode, "noproto") == 0 ? ""
                                                 : "Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n");
        free(accept);
        /* a first frame in the same packet as the head must not be lost */
        size_t n = strlen(answer);
        memcpy(answer + n, "\x82\x03\x01hi", 5);
        write_all(fd, answer, n + 5);
        close(fd);
        return NULL;
    }
    write_all(fd, answer, strlen(answer));
    close(fd);
    return NULL;
}

static void server_start(struct server *s, const char *mode)
{
    memset(s, 0, sizeof *s);
    s->mode = mode;
    s->listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s->listener, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t alen = sizeof a;
    getsockname(s->listener, (struct sockaddr *)&a, &alen);
    s->port = ntohs(a.sin_port);
    assert_int_equal(listen(s->listener, 1), 0);
    pthread_create(&s->thread, NULL, serve_once, s);
}

static int dial(struct server *s, struct ws_conn **conn, struct http_response *answer,
                struct err *err)
{
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", s->port);
    struct http_config cfg = {.base_url = base, .bearer_token = "tok", .user_agent = "ua/1"};
    const char *protocols[] = {WS_PROTOCOL_CHANNEL_V5, NULL};
    const char *headers[] = {"X-Extra: 1", NULL};
    struct ws_dial d = {.path = "/api/v1/namespaces/d/pods/p/exec?command=ls&stdout=true",
                        .protocols = protocols,
                        .headers = headers};
    int rv = ws_dial(&cfg, &d, conn, answer, err);
    pthread_join(s->thread, NULL);
    close(s->listener);
    return rv;
}

static void test_dial_sends_the_upgrade_and_checks_the_accept_key(void **state)
{
    (void)state;
    struct server s;
    server_start(&s, "ok");
    struct ws_conn *conn = NULL;
    struct http_response answer;
    struct err err = {0};
    assert_int_equal(dial(&s, &conn, &answer, &err), 0);
    assert_non_null(conn);
    assert_string_equal(ws_protocol(conn), "v5.channel.k8s.io");
    assert_non_null(strstr(
        s.request, "GET /api/v1/namespaces/d/pods/p/exec?command=ls&stdout=true HTTP/1.1\r\n"));
    char host[64];
    snprintf(host, sizeof host, "Host: 127.0.0.1:%d\r\n", s.port);
    assert_non_null(strstr(s.request, host));
    assert_non_null(strstr(s.request, "Upgrade: websocket\r\n"));
    assert_non_null(strstr(s.request, "Connection: Upgrade\r\n"));
    assert_non_null(strstr(s.request, "Sec-WebSocket-Version: 13\r\n"));
    assert_non_null(strstr(s.request, "Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n"));
    assert_non_null(strstr(s.request, "Authorization: Bearer tok\r\n"));
    assert_non_null(strstr(s.request, "User-Agent: ua/1\r\n"));
    assert_non_null(strstr(s.request, "X-Extra: 1\r\n"));
    struct ws_message m;
    assert_int_equal(ws_recv(conn, &m, 5000, &err), 1);
    assert_int_equal(m.len, 3);
    assert_memory_equal(m.data, "\x01hi", 3);
    assert_int_equal(ws_recv(conn, &m, 5000, &err), -ECONNRESET);
    http_response_free(&answer);
    ws_free(conn);
}

static void test_dial_returns_a_refused_answer_with_its_body(void **state)
{
    (void)state;
    struct server s;
    server_start(&s, "refused");
    struct ws_conn *conn = NULL;
    struct http_response answer;
    struct err err = {0};
    assert_int_equal(dial(&s, &conn, &answer, &err), 0);
    assert_null(conn);
    assert_int_equal(answer.status, 400);
    assert_string_equal(answer.body, "{\"kind\":\"Status\",\"message\":\"no\"}");
    assert_string_equal(http_response_header(&answer, "content-type"), "application/json");
    http_response_free(&answer);

    server_start(&s, "chunked");
    assert_int_equal(dial(&s, &conn, &answer, &err), 0);
    assert_null(conn);
    assert_int_equal(answer.status, 403);
    assert_string_equal(answer.body, "hello world");
    http_response_free(&answer);
}

static void test_dial_rejects_a_bad_accept_or_a_missing_subprotocol(void **state)
{
    (void)state;
    struct server s;
    struct ws_conn *conn = NULL;
    struct http_response answer;
    struct err err = {0};
    server_start(&s, "badkey");
    assert_int_equal(dial(&s, &conn, &answer, &err), -EPROTO);
    assert_string_equal(err.msg, "websocket: bad handshake");
    assert_null(conn);
    server_start(&s, "noproto");
    assert_int_equal(dial(&s, &conn, &answer, &err), -EPROTO);
    assert_null(conn);
}

static void test_dial_reports_a_refused_connection_like_go(void **state)
{
    (void)state;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t alen = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &alen);
    close(fd); /* nothing listens there now */
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", ntohs(a.sin_port));
    struct http_config cfg = {.base_url = base};
    const char *protocols[] = {"p", NULL};
    struct ws_dial d = {.path = "/x", .protocols = protocols};
    struct ws_conn *conn = NULL;
    struct http_response answer;
    struct err err = {0};
    assert_int_equal(ws_dial(&cfg, &d, &conn, &answer, &err), -ECONNREFUSED);
    assert_non_null(strstr(err.msg, "connect: connection refused"));
    assert_null(conn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accept_key_matches_the_rfc_example),
        cmocka_unit_test_setup_teardown(test_client_frames_are_masked_with_each_length_form,
                                        pair_setup, pair_teardown),
        cmocka_unit_test_setup_teardown(test_server_frames_of_each_length_form_are_received,
                                        pair_setup, pair_teardown),
        cmocka_unit_test_setup_teardown(test_fragments_join_and_pings_between_them_get_pongs,
                                        pair_setup, pair_teardown),
        cmocka_unit_test_setup_teardown(test_client_fragments_carry_continuation_frames, pair_setup,
                                        pair_teardown),
        cmocka_unit_test_setup_teardown(test_close_is_echoed_and_ends_sending, pair_setup,
                                        pair_teardown),
        cmocka_unit_test_setup_teardown(test_client_close_sends_code_and_reason, pair_setup,
                                        pair_teardown),
        cmocka_unit_test_setup_teardown(test_framing_errors_are_reported, pair_setup,
                                        pair_teardown),
        cmocka_unit_test_setup_teardown(test_continuation_without_a_message_is_an_error, pair_setup,
                                        pair_teardown),
        cmocka_unit_test_setup_teardown(test_end_of_stream_without_close_is_a_reset, pair_setup,
                                        pair_teardown),
        cmocka_unit_test_setup_teardown(test_channel_send_puts_the_channel_byte_first, pair_setup,
                                        pair_teardown),
        cmocka_unit_test(test_dial_sends_the_upgrade_and_checks_the_accept_key),
        cmocka_unit_test(test_dial_returns_a_refused_answer_with_its_body),
        cmocka_unit_test(test_dial_rejects_a_bad_accept_or_a_missing_subprotocol),
        cmocka_unit_test(test_dial_reports_a_refused_connection_like_go),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
