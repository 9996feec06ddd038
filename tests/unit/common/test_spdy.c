/* The SPDY/3.1 session against byte sequences derived from the draft (frame layouts, the
 * dictionary, header blocks inflated and deflated by an independent zlib peer here), flow
 * control accounting, PING answers, RST_STREAM and GOAWAY, and a whole port-forward exchange
 * over a socketpair with a PROTOCOL TEST DOUBLE thread playing the kubelet's side (the real
 * end-to-end test comes with the kubelet). */
#include <errno.h>
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
#include <zlib.h>

#include <cmocka.h>

#include "spdy.h"

/* ---- The peer's codec (independent of spdy.c) --------------------------------------------- */

struct peer {
    z_stream in, out; /* inflate what the client sends, deflate what we send */
    bool primed;
};

static void peer_init(struct peer *p)
{
    size_t n;
    const uint8_t *dict = spdy_dictionary(&n);
    memset(p, 0, sizeof *p);
    assert_int_equal(inflateInit(&p->in), Z_OK);
    assert_int_equal(deflateInit(&p->out, Z_DEFAULT_COMPRESSION), Z_OK);
    assert_int_equal(deflateSetDictionary(&p->out, dict, (uInt)n), Z_OK);
}

static void peer_free(struct peer *p)
{
    inflateEnd(&p->in);
    deflateEnd(&p->out);
}

/* Inflates a header block; returns the raw length in out. */
static size_t peer_inflate(struct peer *p, const uint8_t *block, size_t len, uint8_t *out,
                           size_t cap)
{
    p->in.next_in = (uint8_t *)block;
    p->in.avail_in = (uInt)len;
    p->in.next_out = out;
    p->in.avail_out = (uInt)cap;
    int zr = inflate(&p->in, Z_SYNC_FLUSH);
    if (zr == Z_NEED_DICT) {
        size_t n;
        const uint8_t *dict = spdy_dictionary(&n);
        assert_false(p->primed);
        assert_int_equal(inflateSetDictionary(&p->in, dict, (uInt)n), Z_OK);
        p->primed = true;
        zr = inflate(&p->in, Z_SYNC_FLUSH);
    }
    assert_int_equal(zr, Z_OK);
    assert_int_equal(p->in.avail_in, 0);
    return cap - p->in.avail_out;
}

static size_t peer_deflate(struct peer *p, const uint8_t *raw, size_t len, uint8_t *out, size_t cap)
{
    p->out.next_in = (uint8_t *)raw;
    p->out.avail_in = (uInt)len;
    p->out.next_out = out;
    p->out.avail_out = (uInt)cap;
    assert_int_equal(deflate(&p->out, Z_SYNC_FLUSH), Z_OK);
    return cap - p->out.avail_out;
}

static void be32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)(v >> 24), b[1] = (uint8_t)(v >> 16), b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
}

static uint32_t rd32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* A control frame head + payload into out; returns its length. */
static size_t control(uint8_t *out, int type, uint8_t flags, const uint8_t *payload, size_t len)
{
    out[0] = 0x80, out[1] = 3, out[2] = 0, out[3] = (uint8_t)type;
    be32(out + 4, (uint32_t)flags << 24 | (uint32_t)len);
    memcpy(out + 8, payload, len);
    return 8 + len;
}

/* SYN_REPLY for stream with an empty header block compressed by the peer. */
static size_t syn_reply(struct peer *p, uint8_t *out, uint32_t stream, uint8_t flags)
{
    uint8_t raw[4] = {0}, payload[256];
    be32(payload, stream);
    size_t n = peer_deflate(p, raw, 4, payload + 4, sizeof payload - 4);
    return control(out, SPDY_SYN_REPLY, flags, payload, 4 + n);
}

static size_t data_frame(uint8_t *out, uint32_t stream, uint8_t flags, const void *d, size_t len)
{
    be32(out, stream);
    be32(out + 4, (uint32_t)flags << 24 | (uint32_t)len);
    memcpy(out + 8, d, len);
    return 8 + len;
}

/* ---- A session whose writes are captured ------------------------------------------------- */

struct capture {
    uint8_t bytes[1 << 20];
    size_t len;
    size_t writes;
    /* what the handlers saw */
    uint32_t replied, fin, reset, reset_status, goaway;
    char reply_header[64];
    uint8_t data[1024];
    size_t data_len;
    int windows;
};

static int capture_write(void *ctx, const void *bytes, size_t len, struct err *err)
{
    struct capture *c = ctx;
    (void)err;
    assert_true(c->len + len <= sizeof c->bytes);
    memcpy(c->bytes + c->len, bytes, len);
    c->len += len;
    c->writes++;
    return 0;
}

static void on_reply(void *d, uint32_t stream, const struct spdy_headers *h)
{
    struct capture *c = d;
    c->replied = stream;
    const char *v = spdy_header_get(h, "x-a");
    snprintf(c->reply_header, sizeof c->reply_header, "%s", v ? v : "");
}

static void on_data(void *d, uint32_t stream, const uint8_t *bytes, size_t len)
{
    struct capture *c = d;
    (void)stream;
    memcpy(c->data + c->data_len, bytes, len);
    c->data_len += len;
}

static void on_fin(void *d, uint32_t stream)
{
    ((struct capture *)d)->fin = stream;
}

static void on_reset(void *d, uint32_t stream, uint32_t status)
{
    struct capture *c = d;
    c->reset = stream;
    c->reset_status = status;
}

static void on_goaway(void *d, uint32_t last, uint32_t status)
{
    (void)last;
    ((struct capture *)d)->goaway = status + 100;
}

static void on_window(void *d)
{
    ((struct capture *)d)->windows++;
}

static const struct spdy_handlers HANDLERS = {on_reply, on_data,   on_fin,
                                              on_reset, on_goaway, on_window};

static const char *const NAMES[] = {"streamType", "port", "requestID"};
static const char *const ERROR_VALUES[] = {"error", "80", "0"};

/* ---- Tests ------------------------------------------------------------------------------- */

static void test_the_dictionary_is_the_drafts(void **state)
{
    (void)state;
    size_t n;
    const uint8_t *dict = spdy_dictionary(&n);
    assert_int_equal(n, 1423);
    /* the DICTID every SPDY/3 header block's zlib header names */
    assert_int_equal(adler32(1, dict, (uInt)n), 0xe3c6a7c2);
    assert_memory_equal(dict, "\0\0\0\7options\0\0\0\4head", 19);
    assert_memory_equal(dict + n - 6, "enq=0.", 6);
}

static void test_syn_stream_layout_and_one_zlib_stream_per_direction(void **state)
{
    (void)state;
    struct capture *c = calloc(1, sizeof *c);
    struct spdy_session *s = spdy_session_new(capture_write, c, &HANDLERS, c);
    uint32_t id1, id2;
    assert_int_equal(spdy_open_stream(s, NAMES, ERROR_VALUES, 3, false, &id1, NULL), 0);
    size_t first = c->len;
    const char *const data_values[] = {"data", "80", "0"};
    assert_int_equal(spdy_open_stream(s, NAMES, data_values, 3, true, &id2, NULL), 0);
    assert_int_equal(id1, 1);
    assert_int_equal(id2, 3);
    assert_int_equal(c->writes, 2);
    /* control bit + version 3, type 1, flags 0, length; stream id, associated id, priority */
    static const uint8_t head[] = {0x80, 0x03, 0x00, 0x01, 0x00};
    assert_memory_equal(c->bytes, head, 5);
    assert_int_equal(rd32(c->bytes + 4) & 0xffffff, first - 8);
    assert_int_equal(rd32(c->bytes + 8), 1);
    assert_int_equal(rd32(c->bytes + 12), 0);
    assert_int_equal(c->bytes[16], 0);
    assert_int_equal(c->bytes[17], 0);
    /* the zlib header names the SPDY dictionary: 78 xx e3 c6 a7 c2 */
    assert_int_equal(c->bytes[18], 0x78);
    assert_int_equal(rd32(c->bytes + 20), 0xe3c6a7c2);
    assert_int_equal(c->bytes[first + 4], SPDY_FLAG_FIN);

    struct peer p;
    peer_init(&p);
    uint8_t raw[512];
    size_t n = peer_inflate(&p, c->bytes + 18, first - 18, raw, sizeof raw);
    static const uint8_t expect[] = "\0\0\0\3"
                                    "\0\0\0\12streamtype\0\0\0\5error"
                                    "\0\0\0\4port\0\0\0\00280"
                                    "\0\0\0\11requestid\0\0\0\0010";
    assert_int_equal(n, sizeof expect - 1);
    assert_memory_equal(raw, expect, n);
    /* the second block continues the same zlib stream (no new header) */
    n = peer_inflate(&p, c->bytes + first + 18, c->len - first - 18, raw, sizeof raw);
    assert_int_equal(n, sizeof expect - 2);
    assert_memory_equal(raw + 18, "\0\0\0\4data", 8);
    peer_free(&p);
    spdy_session_free(s);
    free(c);
}

static void test_replies_data_and_fin_reach_the_handlers_in_any_split(void **state)
{
    (void)state;
    struct capture *c = calloc(1, sizeof *c);
    struct spdy_session *s = spdy_session_new(capture_write, c, &HANDLERS, c);
    uint32_t id;
    assert_int_equal(spdy_open_stream(s, NAMES, ERROR_VALUES, 3, false, &id, NULL), 0);
    struct peer p;
    peer_init(&p);
    uint8_t in[1024];
    /* a reply carrying x-a: "one\0two" (two values), then data, then FIN */
    uint8_t raw[64], payload[256];
    static const uint8_t block[] = "\0\0\0\1\0\0\0\3x-a\0\0\0\7one\0two";
    memcpy(raw, block, sizeof block - 1);
    be32(payload, id);
    size_t n = peer_deflate(&p, raw, sizeof block - 1, payload + 4, sizeof payload - 4);
    size_t len = control(in, SPDY_SYN_REPLY, 0, payload, 4 + n);
    len += data_frame(in + len, id, 0, "hello ", 6);
    len += data_frame(in + len, id, SPDY_FLAG_FIN, "world", 5);
    for (size_t i = 0; i < len; i++) { /* byte by byte */
        assert_int_equal(spdy_feed(s, in + i, 1, NULL), 0);
    }
    assert_int_equal(c->replied, id);
    assert_string_equal(c->reply_header, "one");
    assert_int_equal(c->data_len, 11);
    assert_memory_equal(c->data, "hello world", 11);
    assert_int_equal(c->fin, id);
    assert_true(spdy_stream_open(s, id)); /* our side is still open */
    assert_int_equal(spdy_send_data(s, id, NULL, 0, true, NULL), 0);
    assert_false(spdy_stream_open(s, id));
    peer_free(&p);
    spdy_session_free(s);
    free(c);
}

static void test_pings_from_the_server_are_answered_and_ours_are_odd(void **state)
{
    (void)state;
    struct capture *c = calloc(1, sizeof *c);
    struct spdy_session *s = spdy_session_new(capture_write, c, &HANDLERS, c);
    uint8_t id[4], in[16];
    be32(id, 2);
    size_t len = control(in, SPDY_PING, 0, id, 4);
    assert_int_equal(spdy_feed(s, in, len, NULL), 0);
    assert_int_equal(c->len, 12);
    assert_memory_equal(c->bytes, in, 12); /* echoed as is */
    be32(id, 1);                           /* the answer to a ping of ours: nothing to send */
    len = control(in, SPDY_PING, 0, id, 4);
    assert_int_equal(spdy_feed(s, in, len, NULL), 0);
    assert_int_equal(c->len, 12);
    assert_int_equal(spdy_ping(s, NULL), 0);
    assert_int_equal(spdy_ping(s, NULL), 0);
    static const uint8_t pings[] = {0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 1,
                                    0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 3};
    assert_memory_equal(c->bytes + 12, pings, sizeof pings);
    spdy_session_free(s);
    free(c);
}

static void test_flow_control_is_counted_and_enforced_once_the_peer_uses_it(void **state)
{
    (void)state;
    struct capture *c = calloc(1, sizeof *c);
    struct spdy_session *s = spdy_session_new(capture_write, c, &HANDLERS, c);
    uint32_t id;
    assert_int_equal(spdy_open_stream(s, NAMES, ERROR_VALUES, 3, false, &id, NULL), 0);
    static uint8_t big[100000];
    /* spdystream never sends WINDOW_UPDATE: not enforced, only counted */
    assert_int_equal(spdy_send_window(s, id), SPDY_INITIAL_WINDOW);
    assert_int_equal(spdy_send_data(s, id, big, 70000, false, NULL), 0);
    c->len = 0;
    /* the peer gives 10000 back to the stream: the stream has 65536-70000+10000 = 5536 */
    uint8_t payload[8], in[64];
    be32(payload, id);
    be32(payload + 4, 10000);
    size_t len = control(in, SPDY_WINDOW_UPDATE, 0, payload, 8);
    be32(payload, 0); /* and 20000 to the session: 65536-70000+20000 = 15536 */
    be32(payload + 4, 20000);
    len += control(in + len, SPDY_WINDOW_UPDATE, 0, payload, 8);
    assert_int_equal(spdy_feed(s, in, len, NULL), 0);
    assert_int_equal(c->windows, 2);
    assert_int_equal(spdy_send_window(s, id), 5536);
    struct err e = {0};
    assert_int_equal(spdy_send_data(s, id, big, 5537, false, &e), -ENOBUFS);
    assert_int_equal(spdy_send_data(s, id, big, 5536, false, NULL), 0);
    assert_int_equal(spdy_send_window(s, id), 0);
    /* SETTINGS_INITIAL_WINDOW_SIZE moves open streams by the difference */
    uint8_t settings[12];
    be32(settings, 1);
    be32(settings + 4, SPDY_SETTINGS_INITIAL_WINDOW_SIZE);
    be32(settings + 8, SPDY_INITIAL_WINDOW + 3000);
    len = control(in, SPDY_SETTINGS, 0, settings, 12);
    assert_int_equal(spdy_feed(s, in, len, NULL), 0);
    assert_int_equal(spdy_send_window(s, id), 3000);
    /* consuming half a window sends WINDOW_UPDATEs for the stream and the session */
    c->len = 0;
    assert_int_equal(spdy_consumed(s, id, 30000, NULL), 0);
    assert_int_equal(c->len, 0);
    assert_int_equal(spdy_consumed(s, id, 2768, NULL), 0);
    static const uint8_t updates[] = {0x80, 3, 0, 9, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0x80, 0,
                                      0x80, 3, 0, 9, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0x80, 0};
    assert_int_equal(c->len, sizeof updates);
    assert_memory_equal(c->bytes, updates, sizeof updates);
    spdy_session_free(s);
    free(c);
}

static void test_reset_goaway_and_server_streams(void **state)
{
    (void)state;
    struct capture *c = calloc(1, sizeof *c);
    struct spdy_session *s = spdy_session_new(capture_write, c, &HANDLERS, c);
    uint32_t id;
    assert_int_equal(spdy_open_stream(s, NAMES, ERROR_VALUES, 3, false, &id, NULL), 0);
    uint8_t payload[64], in[256];
    be32(payload, id);
    be32(payload + 4, SPDY_CANCEL);
    size_t len = control(in, SPDY_RST_STREAM, 0, payload, 8);
    assert_int_equal(spdy_feed(s, in, len, NULL), 0);
    assert_int_equal(c->reset, id);
    assert_int_equal(c->reset_status, SPDY_CANCEL);
    assert_false(spdy_stream_open(s, id));
    struct err e = {0};
    assert_int_equal(spdy_send_data(s, id, "x", 1, false, &e), -EPIPE);
    /* our reset of a live stream: RST_STREAM; of a finished one: nothing (as spdystream) */
    assert_int_equal(spdy_open_stream(s, NAMES, ERROR_VALUES, 3, false, &id, NULL), 0);
    c->len = 0;
    assert_int_equal(spdy_reset(s, id, SPDY_CANCEL, NULL), 0);
    static const uint8_t rst[] = {0x80, 3, 0, 3, 0, 0, 0, 8, 0, 0, 0, 3, 0, 0, 0, 5};
    assert_memory_equal(c->bytes, rst, sizeof rst);
    assert_int_equal(spdy_open_stream(s, NAMES, ERROR_VALUES, 3, true, &id, NULL), 0);
    c->len = 0;
    assert_int_equal(spdy_reset(s, id, SPDY_CANCEL, NULL), 0);
    assert_int_equal(c->len, 0);
    /* a stream the server opens is refused (its header block still read) */
    struct peer p;
    peer_init(&p);
    uint8_t raw[4] = {0};
    be32(payload, 2);
    be32(payload + 4, 0);
    payload[8] = payload[9] = 0;
    size_t n = peer_deflate(&p, raw, 4, payload + 10, sizeof payload - 10);
    len = control(in, SPDY_SYN_STREAM, 0, payload, 10 + n);
    assert_int_equal(spdy_feed(s, in, len, NULL), 0);
    static const uint8_t refused[] = {0x80, 3, 0, 3, 0, 0, 0, 8, 0, 0, 0, 2, 0, 0, 0, 3};
    assert_memory_equal(c->bytes, refused, sizeof refused);
    /* an unknown control type is ignored; a bad version ends the session */
    len = control(in, 0x77, 0, payload, 4);
    assert_int_equal(spdy_feed(s, in, len, NULL), 0);
    in[1] = 2;
    assert_int_equal(spdy_feed(s, in, len, &e), -EPROTO);
    spdy_session_free(s);

    c->len = 0;
    s = spdy_session_new(capture_write, c, &HANDLERS, c);
    be32(payload, 0);
    be32(payload + 4, 1);
    len = control(in, SPDY_GOAWAY, 0, payload, 8);
    assert_int_equal(spdy_feed(s, in, len, NULL), 0);
    assert_int_equal(c->goaway, 101);
    assert_true(spdy_gone_away(s));
    assert_int_equal(spdy_open_stream(s, NAMES, ERROR_VALUES, 3, false, &id, &e), -EPIPE);
    peer_free(&p);
    spdy_session_free(s);
    free(c);
}

static void test_a_corrupt_header_block_is_a_protocol_error(void **state)
{
    (void)state;
    struct capture *c = calloc(1, sizeof *c);
    struct spdy_session *s = spdy_session_new(capture_write, c, &HANDLERS, c);
    uint32_t id;
    assert_int_equal(spdy_open_stream(s, NAMES, ERROR_VALUES, 3, false, &id, NULL), 0);
    uint8_t payload[16] = {0, 0, 0, 1, 0x12, 0x34, 0x56, 0x78}, in[64];
    size_t len = control(in, SPDY_SYN_REPLY, 0, payload, 8);
    struct err e = {0};
    assert_int_equal(spdy_feed(s, in, len, &e), -EPROTO);
    spdy_session_free(s);
    free(c);
}

/* ---- A port-forward exchange with the test double over a socketpair --------------------- */

static int fd_write(void *ctx, const void *bytes, size_t len, struct err *err)
{
    (void)err;
    const uint8_t *p = bytes;
    while (len > 0) {
        ssize_t n = write(*(int *)ctx, p, len);
        if (n <= 0) {
            return -EPIPE;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void read_exactly(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        assert_true(n > 0);
        p += n;
        len -= (size_t)n;
    }
}

/* The kubelet's side: replies to both streams, echoes the data stream reversed per frame,
 * and on the client's FIN finishes the data and error streams. */
static void *double_run(void *arg)
{
    int fd = *(int *)arg;
    struct peer p;
    peer_init(&p);
    uint8_t head[8], *body = malloc(1 << 24), out[1024], raw[1024];
    uint32_t error_stream = 0;
    for (;;) {
        read_exactly(fd, head, 8);
        size_t len = rd32(head + 4) & 0xffffff;
        read_exactly(fd, body, len);
        if (head[0] & 0x80 && head[3] == SPDY_SYN_STREAM) {
            uint32_t id = rd32(body);
            size_t n = peer_inflate(&p, body + 10, len - 10, raw, sizeof raw);
            bool is_error = n > 26 && memcmp(raw + 18, "\0\0\0\5error", 9) == 0;
            error_stream = is_error ? id : error_stream;
            size_t w = syn_reply(&p, out, id, 0);
            assert_int_equal(fd_write(&fd, out, w, NULL), 0);
        } else if (!(head[0] & 0x80) && rd32(head) != error_stream) {
            uint32_t id = rd32(head);
            for (size_t i = 0; i < len / 2; i++) {
                uint8_t t = body[i];
                body[i] = body[len - 1 - i], body[len - 1 - i] = t;
            }
            if (len > 0) {
                size_t w = data_frame(out, id, 0, body, len < 512 ? len : 512);
                assert_int_equal(fd_write(&fd, out, w, NULL), 0);
            }
            if (head[4] & SPDY_FLAG_FIN) {
                size_t w = data_frame(out, id, SPDY_FLAG_FIN, "", 0);
                w += data_frame(out + w, error_stream, SPDY_FLAG_FIN, "", 0);
                assert_int_equal(fd_write(&fd, out, w, NULL), 0);
                break;
            }
        }
    }
    free(body);
    peer_free(&p);
    return NULL;
}

static void test_a_port_forward_exchange_with_the_protocol_double(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    pthread_t t;
    pthread_create(&t, NULL, double_run, &sv[1]);
    struct capture *c = calloc(1, sizeof *c);
    struct spdy_session *s = spdy_session_new(fd_write, &sv[0], &HANDLERS, c);
    uint32_t err_id, data_id;
    uint8_t buf[4096];
    assert_int_equal(spdy_open_stream(s, NAMES, ERROR_VALUES, 3, false, &err_id, NULL), 0);
    while (c->replied != err_id) {
        ssize_t n = read(sv[0], buf, sizeof buf);
        assert_true(n > 0);
        assert_int_equal(spdy_feed(s, buf, (size_t)n, NULL), 0);
    }
    assert_int_equal(spdy_send_data(s, err_id, NULL, 0, true, NULL), 0);
    const char *const data_values[] = {"data", "80", "0"};
    assert_int_equal(spdy_open_stream(s, NAMES, data_values, 3, false, &data_id, NULL), 0);
    while (c->replied != data_id) {
        ssize_t n = read(sv[0], buf, sizeof buf);
        assert_true(n > 0);
        assert_int_equal(spdy_feed(s, buf, (size_t)n, NULL), 0);
    }
    assert_int_equal(spdy_send_data(s, data_id, "abc", 3, true, NULL), 0);
    while (spdy_stream_open(s, err_id) || spdy_stream_open(s, data_id)) {
        ssize_t n = read(sv[0], buf, sizeof buf);
        assert_true(n > 0);
        assert_int_equal(spdy_feed(s, buf, (size_t)n, NULL), 0);
    }
    assert_int_equal(c->data_len, 3);
    assert_memory_equal(c->data, "cba", 3);
    pthread_join(t, NULL);
    spdy_session_free(s);
    close(sv[0]);
    close(sv[1]);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_dictionary_is_the_drafts),
        cmocka_unit_test(test_syn_stream_layout_and_one_zlib_stream_per_direction),
        cmocka_unit_test(test_replies_data_and_fin_reach_the_handlers_in_any_split),
        cmocka_unit_test(test_pings_from_the_server_are_answered_and_ours_are_odd),
        cmocka_unit_test(test_flow_control_is_counted_and_enforced_once_the_peer_uses_it),
        cmocka_unit_test(test_reset_goaway_and_server_streams),
        cmocka_unit_test(test_a_corrupt_header_block_is_a_protocol_error),
        cmocka_unit_test(test_a_port_forward_exchange_with_the_protocol_double),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
