/* The SPDY/3.1 client session of spdy.h. Frames are assembled whole and written with one
 * callback each; received bytes are buffered until a frame is complete. Header blocks share
 * one deflate stream (outgoing) and one inflate stream (incoming) for the whole session, each
 * primed with the SPDY/3 dictionary, and every block ends with a zlib sync flush, as the
 * draft requires and spdystream does. */
#include "spdy.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cleanup.h"
#include "xalloc.h"

/* ---- The dictionary (SPDY/3 section 2.6.10.1) --------------------------------------------- */

/* The dictionary is 65 words, each after its 4-byte big-endian length, then the tail. */
static const char *const DICT_WORDS[] = {"options",
                                         "head",
                                         "post",
                                         "put",
                                         "delete",
                                         "trace",
                                         "accept",
                                         "accept-charset",
                                         "accept-encoding",
                                         "accept-language",
                                         "accept-ranges",
                                         "age",
                                         "allow",
                                         "authorization",
                                         "cache-control",
                                         "connection",
                                         "content-base",
                                         "content-encoding",
                                         "content-language",
                                         "content-length",
                                         "content-location",
                                         "content-md5",
                                         "content-range",
                                         "content-type",
                                         "date",
                                         "etag",
                                         "expect",
                                         "expires",
                                         "from",
                                         "host",
                                         "if-match",
                                         "if-modified-since",
                                         "if-none-match",
                                         "if-range",
                                         "if-unmodified-since",
                                         "last-modified",
                                         "location",
                                         "max-forwards",
                                         "pragma",
                                         "proxy-authenticate",
                                         "proxy-authorization",
                                         "range",
                                         "referer",
                                         "retry-after",
                                         "server",
                                         "te",
                                         "trailer",
                                         "transfer-encoding",
                                         "upgrade",
                                         "user-agent",
                                         "vary",
                                         "via",
                                         "warning",
                                         "www-authenticate",
                                         "method",
                                         "get",
                                         "status",
                                         "200 OK",
                                         "version",
                                         "HTTP/1.1",
                                         "url",
                                         "public",
                                         "set-cookie",
                                         "keep-alive",
                                         "origin"};

static const char DICT_TAIL[] =
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 "
    "Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 "
    "Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, "
    "Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,application/xml,"
    "application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age=gzip,deflate,sdch"
    "charset=utf-8charset=iso-8859-1,utf-,*,enq=0.";

#define DICT_LEN 1423

static uint8_t dictionary[DICT_LEN];
static size_t dictionary_len;
static pthread_once_t dictionary_once = PTHREAD_ONCE_INIT;

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void build_dictionary(void)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof DICT_WORDS / sizeof *DICT_WORDS; i++) {
        size_t len = strlen(DICT_WORDS[i]);
        put32(dictionary + n, (uint32_t)len);
        memcpy(dictionary + n + 4, DICT_WORDS[i], len);
        n += 4 + len;
    }
    memcpy(dictionary + n, DICT_TAIL, sizeof DICT_TAIL - 1);
    dictionary_len = n + sizeof DICT_TAIL - 1;
}

const uint8_t *spdy_dictionary(size_t *len)
{
    pthread_once(&dictionary_once, build_dictionary);
    *len = dictionary_len;
    return dictionary;
}

const char *spdy_header_get(const struct spdy_headers *h, const char *name)
{
    for (size_t i = 0; h != NULL && i < h->n; i++) {
        if (strcmp(h->v[i].name, name) == 0) {
            return h->v[i].value;
        }
    }
    return NULL;
}

static void headers_free(struct spdy_headers *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->v[i].name);
        free(h->v[i].value);
    }
    free(h->v);
    *h = (struct spdy_headers){0};
}

/* ---- The session -------------------------------------------------------------------------- */

struct spdy_stream {
    uint32_t id;
    bool local_fin, remote_fin;
    int64_t send_window; /* what the peer lets us send; may go negative (SETTINGS) */
    size_t recv_unacked; /* consumed bytes not yet given back in a WINDOW_UPDATE */
};

struct spdy_session {
    spdy_write_fn write;
    void *write_ctx;
    struct spdy_handlers h;
    void *hdata;
    z_stream deflate, inflate;
    bool inflate_primed;
    uint8_t *rbuf;
    size_t rlen, rcap;
    struct spdy_stream *streams;
    size_t nstreams;
    uint32_t next_stream, next_ping;
    int64_t peer_initial_window, session_send_window;
    size_t session_recv_unacked;
    bool peer_flow_control; /* the peer sent WINDOW_UPDATE or SETTINGS_INITIAL_WINDOW_SIZE */
    bool goaway_sent, goaway_received;
};

struct spdy_session *spdy_session_new(spdy_write_fn write, void *ctx,
                                      const struct spdy_handlers *handlers, void *handler_data)
{
    struct spdy_session *s = xcalloc(1, sizeof *s);
    s->write = write;
    s->write_ctx = ctx;
    if (handlers != NULL) {
        s->h = *handlers;
    }
    s->hdata = handler_data;
    s->next_stream = 1;
    s->next_ping = 1;
    s->peer_initial_window = SPDY_INITIAL_WINDOW;
    s->session_send_window = SPDY_INITIAL_WINDOW;
    size_t dict_len;
    const uint8_t *dict = spdy_dictionary(&dict_len);
    /* spdystream compresses with zlib.BestCompression; any level reads the same */
    if (deflateInit2(&s->deflate, Z_BEST_COMPRESSION, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) !=
            Z_OK ||
        deflateSetDictionary(&s->deflate, dict, (uInt)dict_len) != Z_OK ||
        inflateInit(&s->inflate) != Z_OK) {
        fputs("c8s: out of memory in zlib\n", stderr);
        abort();
    }
    return s;
}

void spdy_session_free(struct spdy_session *s)
{
    if (s == NULL) {
        return;
    }
    deflateEnd(&s->deflate);
    inflateEnd(&s->inflate);
    free(s->rbuf);
    free(s->streams);
    free(s);
}

bool spdy_gone_away(const struct spdy_session *s)
{
    return s->goaway_sent || s->goaway_received;
}

static struct spdy_stream *find_stream(const struct spdy_session *s, uint32_t id)
{
    for (size_t i = 0; i < s->nstreams; i++) {
        if (s->streams[i].id == id) {
            return &s->streams[i];
        }
    }
    return NULL;
}

bool spdy_stream_open(const struct spdy_session *s, uint32_t stream)
{
    return find_stream(s, stream) != NULL;
}

static void forget_stream(struct spdy_session *s, uint32_t id)
{
    struct spdy_stream *st = find_stream(s, id);
    if (st != NULL) {
        *st = s->streams[--s->nstreams];
    }
}

/* Forgets the stream once both sides finished it. */
static void maybe_forget(struct spdy_session *s, struct spdy_stream *st)
{
    if (st->local_fin && st->remote_fin) {
        forget_stream(s, st->id);
    }
}

/* ---- Writing frames ----------------------------------------------------------------------- */

/* Writes a control frame: the 8-byte head, then payload. */
static int write_control(struct spdy_session *s, enum spdy_frame_type type, uint8_t flags,
                         const uint8_t *payload, size_t len, struct err *err)
{
    cleanup_free uint8_t *frame = xmalloc(8 + len);
    frame[0] = 0x80 | (SPDY_VERSION >> 8);
    frame[1] = SPDY_VERSION & 0xff;
    frame[2] = (uint8_t)(type >> 8);
    frame[3] = (uint8_t)type;
    put32(frame + 4, (uint32_t)flags << 24 | (uint32_t)len);
    if (len > 0) {
        memcpy(frame + 8, payload, len);
    }
    return s->write(s->write_ctx, frame, 8 + len, err);
}

/* A control frame whose payload is two 32-bit words. */
static int write_words(struct spdy_session *s, enum spdy_frame_type type, uint32_t a, uint32_t b,
                       struct err *err)
{
    uint8_t payload[8];
    put32(payload, a);
    put32(payload + 4, b);
    return write_control(s, type, 0, payload, sizeof payload, err);
}

static void buf_append(uint8_t **buf, size_t *len, size_t *cap, const void *data, size_t n)
{
    if (*len + n > *cap) {
        *cap = (*len + n) * 2 + 256;
        *buf = xrealloc(*buf, *cap);
    }
    memcpy(*buf + *len, data, n);
    *len += n;
}

/* The header block of the pairs, compressed on the session's deflate stream. Owned. */
static uint8_t *compress_headers(struct spdy_session *s, const char *const *names,
                                 const char *const *values, size_t n, size_t *out_len)
{
    uint8_t *raw = NULL;
    size_t rlen = 0, rcap = 0;
    uint8_t word[4];
    put32(word, (uint32_t)n);
    buf_append(&raw, &rlen, &rcap, word, 4);
    for (size_t i = 0; i < n; i++) {
        size_t nlen = strlen(names[i]), vlen = strlen(values[i]);
        put32(word, (uint32_t)nlen);
        buf_append(&raw, &rlen, &rcap, word, 4);
        size_t at = rlen;
        buf_append(&raw, &rlen, &rcap, names[i], nlen);
        for (size_t j = at; j < rlen; j++) {
            raw[j] = (uint8_t)tolower(raw[j]);
        }
        put32(word, (uint32_t)vlen);
        buf_append(&raw, &rlen, &rcap, word, 4);
        buf_append(&raw, &rlen, &rcap, values[i], vlen);
    }
    size_t cap = deflateBound(&s->deflate, (uLong)rlen) + 64;
    uint8_t *out = xmalloc(cap);
    s->deflate.next_in = raw;
    s->deflate.avail_in = (uInt)rlen;
    size_t len = 0;
    do {
        if (cap - len < 64) {
            cap *= 2;
            out = xrealloc(out, cap);
        }
        s->deflate.next_out = out + len;
        s->deflate.avail_out = (uInt)(cap - len);
        deflate(&s->deflate, Z_SYNC_FLUSH); /* cannot fail on a valid stream */
        len = cap - s->deflate.avail_out;
    } while (s->deflate.avail_out == 0 || s->deflate.avail_in > 0);
    free(raw);
    *out_len = len;
    return out;
}

int spdy_open_stream(struct spdy_session *s, const char *const *names, const char *const *values,
                     size_t n, bool fin, uint32_t *stream, struct err *err)
{
    if (spdy_gone_away(s)) {
        return err_set(err, EPIPE, "spdy: the session is going away");
    }
    if (s->next_stream > 0x7fffffff) {
        return err_set(err, EPIPE, "spdy: no stream ids left");
    }
    size_t hlen;
    cleanup_free uint8_t *block = compress_headers(s, names, values, n, &hlen);
    cleanup_free uint8_t *payload = xmalloc(10 + hlen);
    uint32_t id = s->next_stream;
    s->next_stream += 2;
    put32(payload, id);
    put32(payload + 4, 0); /* associated-to */
    payload[8] = 0;        /* priority 0, as spdystream's CreateStream */
    payload[9] = 0;        /* slot */
    memcpy(payload + 10, block, hlen);
    s->streams = xrealloc(s->streams, (s->nstreams + 1) * sizeof *s->streams);
    s->streams[s->nstreams++] =
        (struct spdy_stream){.id = id, .local_fin = fin, .send_window = s->peer_initial_window};
    *stream = id;
    return write_control(s, SPDY_SYN_STREAM, fin ? SPDY_FLAG_FIN : 0, payload, 10 + hlen, err);
}

size_t spdy_send_window(const struct spdy_session *s, uint32_t stream)
{
    const struct spdy_stream *st = find_stream(s, stream);
    if (st == NULL || st->local_fin) {
        return 0;
    }
    if (!s->peer_flow_control) {
        return SPDY_INITIAL_WINDOW;
    }
    int64_t w = st->send_window < s->session_send_window ? st->send_window : s->session_send_window;
    return w > 0 ? (size_t)w : 0;
}

int spdy_send_data(struct spdy_session *s, uint32_t stream, const void *bytes, size_t len, bool fin,
                   struct err *err)
{
    struct spdy_stream *st = find_stream(s, stream);
    if (st == NULL || st->local_fin) {
        return err_set(err, EPIPE, "spdy: stream %u is closed", stream);
    }
    if (s->peer_flow_control && len > spdy_send_window(s, stream)) {
        return err_set(err, ENOBUFS, "spdy: %zu bytes exceed the window of stream %u", len, stream);
    }
    const uint8_t *p = bytes;
    size_t left = len;
    do {
        size_t n = left < SPDY_MAX_DATA_FRAME ? left : SPDY_MAX_DATA_FRAME;
        bool last = n == left;
        uint8_t frame[8 + SPDY_MAX_DATA_FRAME];
        put32(frame, stream & 0x7fffffff);
        put32(frame + 4, (uint32_t)(last && fin ? SPDY_FLAG_FIN : 0) << 24 | (uint32_t)n);
        if (n > 0) {
            memcpy(frame + 8, p, n);
        }
        st->send_window -= (int64_t)n;
        s->session_send_window -= (int64_t)n;
        int rv = s->write(s->write_ctx, frame, 8 + n, err);
        if (rv < 0) {
            return rv;
        }
        p = n > 0 ? p + n : p;
        left -= n;
    } while (left > 0);
    if (fin) {
        st->local_fin = true;
        maybe_forget(s, st);
    }
    return 0;
}

int spdy_consumed(struct spdy_session *s, uint32_t stream, size_t len, struct err *err)
{
    struct spdy_stream *st = find_stream(s, stream);
    if (st != NULL && !st->remote_fin) {
        st->recv_unacked += len;
        if (st->recv_unacked >= SPDY_INITIAL_WINDOW / 2) {
            uint32_t delta = (uint32_t)st->recv_unacked;
            st->recv_unacked = 0;
            int rv = write_words(s, SPDY_WINDOW_UPDATE, stream, delta, err);
            if (rv < 0) {
                return rv;
            }
        }
    }
    s->session_recv_unacked += len;
    if (s->session_recv_unacked >= SPDY_INITIAL_WINDOW / 2) {
        uint32_t delta = (uint32_t)s->session_recv_unacked;
        s->session_recv_unacked = 0;
        return write_words(s, SPDY_WINDOW_UPDATE, 0, delta, err);
    }
    return 0;
}

int spdy_reset(struct spdy_session *s, uint32_t stream, enum spdy_rst_status status,
               struct err *err)
{
    struct spdy_stream *st = find_stream(s, stream);
    /* spdystream's Reset after Close sends nothing: the stream is finished on our side */
    bool send = st != NULL && !st->local_fin;
    forget_stream(s, stream);
    return send ? write_words(s, SPDY_RST_STREAM, stream, (uint32_t)status, err) : 0;
}

int spdy_ping(struct spdy_session *s, struct err *err)
{
    uint8_t id[4];
    put32(id, s->next_ping);
    s->next_ping = s->next_ping >= 0x7ffffffd ? 1 : s->next_ping + 2;
    return write_control(s, SPDY_PING, 0, id, 4, err);
}

int spdy_goaway(struct spdy_session *s, uint32_t status, struct err *err)
{
    if (s->goaway_sent) {
        return 0;
    }
    s->goaway_sent = true;
    return write_words(s, SPDY_GOAWAY, 0, status, err);
}

/* ---- Reading frames ----------------------------------------------------------------------- */

/* Inflates one header block (len bytes at p) on the session's stream and parses it. */
static int decompress_headers(struct spdy_session *s, const uint8_t *p, size_t len,
                              struct spdy_headers *out, struct err *err)
{
    cleanup_free uint8_t *raw = xmalloc(4096);
    size_t cap = 4096, rlen = 0;
    s->inflate.next_in = (uint8_t *)p;
    s->inflate.avail_in = (uInt)len;
    for (;;) {
        if (cap - rlen < 1024) {
            if (cap >= SPDY_MAX_HEADER_BLOCK) {
                return err_set(err, EPROTO, "spdy: header block larger than %u bytes",
                               SPDY_MAX_HEADER_BLOCK);
            }
            cap *= 2;
            raw = xrealloc(raw, cap);
        }
        s->inflate.next_out = raw + rlen;
        s->inflate.avail_out = (uInt)(cap - rlen);
        int zr = inflate(&s->inflate, Z_SYNC_FLUSH);
        rlen = cap - s->inflate.avail_out;
        if (zr == Z_NEED_DICT && !s->inflate_primed) {
            size_t dict_len;
            const uint8_t *dict = spdy_dictionary(&dict_len);
            if (inflateSetDictionary(&s->inflate, dict, (uInt)dict_len) != Z_OK) {
                return err_set(err, EPROTO,
                               "spdy: header block not compressed with the SPDY "
                               "dictionary");
            }
            s->inflate_primed = true;
            continue;
        }
        if (zr == Z_BUF_ERROR ||
            (zr == Z_OK && s->inflate.avail_in == 0 && s->inflate.avail_out > 0)) {
            break; /* all input used and all output flushed */
        }
        if (zr != Z_OK) {
            return err_set(err, EPROTO, "spdy: header block: %s",
                           s->inflate.msg ? s->inflate.msg : "zlib error");
        }
    }
    if (s->inflate.avail_in != 0) {
        return err_set(err, EPROTO, "spdy: compressed payload size was incorrect");
    }
    /* count, then (length, name, length, value) pairs, lengths 32-bit in SPDY/3 */
    size_t at = 0;
    if (rlen < 4) {
        return err_set(err, EPROTO, "spdy: truncated header block");
    }
    uint32_t count = get32(raw);
    at = 4;
    for (uint32_t i = 0; i < count; i++) {
        size_t nlen, vlen;
        if (rlen - at < 4 || (nlen = get32(raw + at)) > rlen - at - 4) {
            goto truncated;
        }
        const char *name = (const char *)raw + at + 4;
        at += 4 + nlen;
        if (rlen - at < 4 || (vlen = get32(raw + at)) > rlen - at - 4) {
            goto truncated;
        }
        const char *value = (const char *)raw + at + 4;
        at += 4 + vlen;
        /* several values are NUL-separated: one entry each */
        size_t start = 0;
        for (size_t j = 0; j <= vlen; j++) {
            if (j == vlen || value[j] == '\0') {
                out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
                out->v[out->n].name = xstrndup(name, nlen);
                out->v[out->n].value = xstrndup(value + start, j - start);
                for (char *c = out->v[out->n].name; *c; c++) {
                    *c = (char)tolower((unsigned char)*c);
                }
                out->n++;
                start = j + 1;
            }
        }
    }
    return 0;
truncated:
    return err_set(err, EPROTO, "spdy: truncated header block");
}

/* SYN_REPLY and HEADERS: stream id, then the header block. */
static int handle_headers_frame(struct spdy_session *s, int type, uint8_t flags, const uint8_t *p,
                                size_t len, struct err *err)
{
    if (len < 4) {
        return err_set(err, EPROTO, "spdy: short %s frame",
                       type == SPDY_SYN_REPLY ? "SYN_REPLY" : "HEADERS");
    }
    uint32_t id = get32(p) & 0x7fffffff;
    struct spdy_headers h = {0};
    int rv = decompress_headers(s, p + 4, len - 4, &h, err); /* always: keeps zlib in step */
    struct spdy_stream *st = rv == 0 ? find_stream(s, id) : NULL;
    if (st != NULL) {
        if (type == SPDY_SYN_REPLY && s->h.on_reply != NULL) {
            s->h.on_reply(s->hdata, id, &h);
        }
        st = find_stream(s, id); /* a handler may have reset it */
        if (st != NULL && (flags & SPDY_FLAG_FIN) && !st->remote_fin) {
            st->remote_fin = true;
            if (s->h.on_remote_fin != NULL) {
                s->h.on_remote_fin(s->hdata, id);
            }
            st = find_stream(s, id);
            if (st != NULL) {
                maybe_forget(s, st);
            }
        }
    }
    headers_free(&h);
    return rv;
}

/* A SYN_STREAM from the server: its header block is read (to keep zlib in step) and the stream
 * refused; kubectl's peers never open streams. */
static int handle_syn_stream(struct spdy_session *s, const uint8_t *p, size_t len, struct err *err)
{
    if (len < 10) {
        return err_set(err, EPROTO, "spdy: short SYN_STREAM frame");
    }
    struct spdy_headers h = {0};
    int rv = decompress_headers(s, p + 10, len - 10, &h, err);
    headers_free(&h);
    if (rv < 0) {
        return rv;
    }
    return write_words(s, SPDY_RST_STREAM, get32(p) & 0x7fffffff, SPDY_REFUSED_STREAM, err);
}

static void window_grew(struct spdy_session *s)
{
    if (s->h.on_window != NULL) {
        s->h.on_window(s->hdata);
    }
}

static int handle_settings(struct spdy_session *s, const uint8_t *p, size_t len, struct err *err)
{
    if (len < 4 || (len - 4) / 8 < get32(p)) {
        return err_set(err, EPROTO, "spdy: short SETTINGS frame");
    }
    uint32_t count = get32(p);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t id = get32(p + 4 + 8 * i) & 0xffffff;
        uint32_t value = get32(p + 8 + 8 * i);
        if (id == SPDY_SETTINGS_INITIAL_WINDOW_SIZE && value <= 0x7fffffff) {
            /* the change applies to every open stream (SPDY/3.1 section 2.6.8) */
            int64_t delta = (int64_t)value - s->peer_initial_window;
            for (size_t j = 0; j < s->nstreams; j++) {
                s->streams[j].send_window += delta;
            }
            s->peer_initial_window = value;
            s->peer_flow_control = true;
            window_grew(s);
        }
    }
    return 0;
}

static int handle_control(struct spdy_session *s, const uint8_t *frame, size_t len, struct err *err)
{
    unsigned version = (unsigned)(frame[0] & 0x7f) << 8 | frame[1];
    int type = frame[2] << 8 | frame[3];
    uint8_t flags = frame[4];
    const uint8_t *p = frame + 8;
    if (version != SPDY_VERSION) {
        return err_set(err, EPROTO, "spdy: unsupported version %u", version);
    }
    switch (type) {
    case SPDY_SYN_STREAM:
        return handle_syn_stream(s, p, len, err);
    case SPDY_SYN_REPLY:
    case SPDY_HEADERS:
        return handle_headers_frame(s, type, flags, p, len, err);
    case SPDY_RST_STREAM: {
        if (len != 8) {
            return err_set(err, EPROTO, "spdy: RST_STREAM of %zu bytes", len);
        }
        uint32_t id = get32(p) & 0x7fffffff;
        if (find_stream(s, id) != NULL) {
            forget_stream(s, id);
            if (s->h.on_reset != NULL) {
                s->h.on_reset(s->hdata, id, get32(p + 4));
            }
        }
        return 0;
    }
    case SPDY_SETTINGS:
        return handle_settings(s, p, len, err);
    case SPDY_PING:
        if (len != 4) {
            return err_set(err, EPROTO, "spdy: PING of %zu bytes", len);
        }
        /* the server's pings have even ids: answer them; odd ones answer ours */
        return (get32(p) & 1) == 0 ? write_control(s, SPDY_PING, 0, p, 4, err) : 0;
    case SPDY_GOAWAY:
        if (len < 8) {
            return err_set(err, EPROTO, "spdy: GOAWAY of %zu bytes", len);
        }
        s->goaway_received = true;
        if (s->h.on_goaway != NULL) {
            s->h.on_goaway(s->hdata, get32(p) & 0x7fffffff, get32(p + 4));
        }
        return 0;
    case SPDY_WINDOW_UPDATE: {
        if (len != 8) {
            return err_set(err, EPROTO, "spdy: WINDOW_UPDATE of %zu bytes", len);
        }
        uint32_t id = get32(p) & 0x7fffffff;
        int64_t delta = get32(p + 4) & 0x7fffffff;
        s->peer_flow_control = true;
        if (id == 0) {
            s->session_send_window += delta;
        } else {
            struct spdy_stream *st = find_stream(s, id);
            if (st == NULL) {
                return 0;
            }
            st->send_window += delta;
        }
        window_grew(s);
        return 0;
    }
    default:
        return 0; /* unknown control frames are ignored (SPDY/3 section 2.2.1) */
    }
}

static int handle_data(struct spdy_session *s, const uint8_t *frame, size_t len, struct err *err)
{
    uint32_t id = get32(frame) & 0x7fffffff;
    uint8_t flags = frame[4];
    struct spdy_stream *st = find_stream(s, id);
    if (st == NULL || st->remote_fin) {
        /* a stream we forgot (reset): its bytes still count for the session window */
        return len > 0 ? spdy_consumed(s, id, len, err) : 0;
    }
    if (len > 0 && s->h.on_data != NULL) {
        s->h.on_data(s->hdata, id, frame + 8, len);
    } else if (len > 0) {
        int rv = spdy_consumed(s, id, len, err);
        if (rv < 0) {
            return rv;
        }
    }
    st = find_stream(s, id);
    if (st != NULL && (flags & SPDY_FLAG_FIN)) {
        st->remote_fin = true;
        if (s->h.on_remote_fin != NULL) {
            s->h.on_remote_fin(s->hdata, id);
        }
        st = find_stream(s, id);
        if (st != NULL) {
            maybe_forget(s, st);
        }
    }
    return 0;
}

int spdy_feed(struct spdy_session *s, const void *bytes, size_t len, struct err *err)
{
    if (len > 0) {
        buf_append(&s->rbuf, &s->rlen, &s->rcap, bytes, len);
    }
    size_t at = 0;
    int rv = 0;
    while (rv == 0 && s->rlen - at >= 8) {
        const uint8_t *frame = s->rbuf + at;
        size_t flen = get32(frame + 4) & 0xffffff;
        if (s->rlen - at - 8 < flen) {
            break;
        }
        rv = (frame[0] & 0x80) ? handle_control(s, frame, flen, err)
                               : handle_data(s, frame, flen, err);
        at += 8 + flen;
    }
    if (at > 0) {
        memmove(s->rbuf, s->rbuf + at, s->rlen - at);
        s->rlen -= at;
    }
    return rv;
}
