/* A WebSocket client (RFC 6455) for Kubernetes' streaming subresources: the opening handshake
 * (Sec-WebSocket-Key/Accept, subprotocol offer), masked client frames, fragmented messages,
 * ping/pong and the closing handshake, plus the channel framing of v5.channel.k8s.io (the first
 * payload byte names the stream) that exec, attach and run -i speak. The connection is opened by
 * libcurl (CURLOPT_CONNECT_ONLY) from a struct http_config, so TLS, client certificates and
 * bearer tokens are those of the HTTP client. One thread per connection; nothing is shared. */
#ifndef C8S_WSCLIENT_H
#define C8S_WSCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "http_client.h"

/* Frame opcodes (RFC 6455 section 5.2). */
enum ws_opcode {
    WS_OP_CONTINUATION = 0x0,
    WS_OP_TEXT = 0x1,
    WS_OP_BINARY = 0x2,
    WS_OP_CLOSE = 0x8,
    WS_OP_PING = 0x9,
    WS_OP_PONG = 0xa,
};

/* Close codes used here. */
#define WS_CLOSE_NORMAL    1000
#define WS_CLOSE_NO_STATUS 1005 /* reported when a close frame carried no code */

/* The largest message ws_recv assembles. */
#define WS_MAX_MESSAGE (64u * 1024 * 1024)

/* v5.channel.k8s.io: the streams of remote command (exec, attach). */
#define WS_PROTOCOL_CHANNEL_V5 "v5.channel.k8s.io"
enum ws_channel {
    WS_CHANNEL_STDIN = 0,
    WS_CHANNEL_STDOUT = 1,
    WS_CHANNEL_STDERR = 2,
    WS_CHANNEL_ERROR = 3,  /* server to client: a Status as JSON, once, at the end */
    WS_CHANNEL_RESIZE = 4, /* client to server: {"Width":W,"Height":H} */
    WS_CHANNEL_CLOSE = 255 /* v5, client to server: payload = the channel that ended */
};

struct ws_conn;

/* What to ask for when dialling. */
struct ws_dial {
    const char *method; /* "GET" (a WebSocket must be GET); NULL means GET */
    const char *path;   /* relative to cfg->base_url, query included */
    /* Subprotocols offered in Sec-WebSocket-Protocol (NULL-terminated). NULL means a plain HTTP
     * upgrade request without the WebSocket headers (e.g. kubectl's SPDY attempt): then only
     * headers are sent and the 101 is not checked further. */
    const char *const *protocols;
    const char *const *headers; /* extra "Name: value" lines, NULL-terminated, or NULL */
};

/* Opens a connection as cfg says (borrowed), sends the upgrade request and reads the answer's
 * head. Returns:
 *   0 with *out set (an owned connection) when the server switched protocols: for a WebSocket
 *     the accept key matched and the server chose one of the offered subprotocols;
 *   0 with *out NULL and *answer filled (status, headers, body; free with
 *     http_response_free) when the server answered anything else;
 *   a negative code with err filled: transport failures as http_send's (Go's url.Error text),
 *   -EPROTO for a broken handshake ("websocket: bad handshake" and why).
 * Blocks up to cfg's connect timeout for the connection and for the answer's head. */
int ws_dial(const struct http_config *cfg, const struct ws_dial *d, struct ws_conn **out,
            struct http_response *answer, struct err *err) C8S_MUST_USE;

/* Wraps a connected socket fd (taking ownership); client says whether frames we send are
 * masked (a client's are). For tests and plain sockets. */
struct ws_conn *ws_conn_from_fd(int fd, bool client);

/* Closes the socket and frees c (NULL is fine). Does not send a close frame. */
void ws_free(struct ws_conn *c);

/* The socket to poll for reading. Data may already be buffered in c (or in TLS): after poll
 * says readable, call ws_recv with timeout 0 until it returns 0. */
int ws_fd(const struct ws_conn *c);

/* The subprotocol the server chose (borrowed from c), or "" for none. */
const char *ws_protocol(const struct ws_conn *c);

/* Sends one frame: fin says whether it ends the message (false to fragment: the next frames
 * are WS_OP_CONTINUATION). Masked when c is a client. Blocks until written. Returns 0 or a
 * negative code (-EPIPE after a close was sent, -ECONNRESET, -EINVAL for a control frame over
 * 125 bytes or fragmented). */
int ws_send_frame(struct ws_conn *c, enum ws_opcode op, bool fin, const void *data, size_t len,
                  struct err *err) C8S_MUST_USE;

/* ws_send_frame of a whole message. */
int ws_send(struct ws_conn *c, enum ws_opcode op, const void *data, size_t len,
            struct err *err) C8S_MUST_USE;

/* A received message. data is borrowed from the connection until the next ws_recv/ws_free. */
struct ws_message {
    enum ws_opcode op; /* WS_OP_TEXT, WS_OP_BINARY or WS_OP_CLOSE */
    const uint8_t *data;
    size_t len;
    uint16_t close_code; /* for WS_OP_CLOSE: the code, or WS_CLOSE_NO_STATUS */
};

/* Reads the next message, joining fragments; pings are answered with pongs and pongs dropped
 * on the way. A close frame is answered with a close frame (once) and returned as WS_OP_CLOSE;
 * after it the peer sends nothing more. Waits up to timeout_ms (-1: no limit, 0: only what is
 * already readable). Returns 1 with *m filled, 0 when the time passed first, or a negative code:
 * -ECONNRESET when the connection ended without a close frame, -EPROTO for a framing error,
 * -C8S_ETOOLARGE past WS_MAX_MESSAGE. */
int ws_recv(struct ws_conn *c, struct ws_message *m, int timeout_ms, struct err *err) C8S_MUST_USE;

/* Sends a close frame with code and reason (may be NULL) unless one was sent already. */
int ws_close(struct ws_conn *c, uint16_t code, const char *reason, struct err *err) C8S_MUST_USE;

/* Sends data on a v5.channel.k8s.io channel: one binary message, the channel byte first. */
int ws_channel_send(struct ws_conn *c, uint8_t channel, const void *data, size_t len,
                    struct err *err) C8S_MUST_USE;

/* Raw bytes on a connection whose upgrade was not a WebSocket (protocols NULL in ws_dial, e.g.
 * kubectl's SPDY/3.1 upgrade): what the server sent after its 101 comes first. ws_raw_read
 * waits up to timeout_ms (-1: no limit, 0: only what is readable) and returns the count (>0),
 * 0 when the time passed, or -ECONNRESET at the end of the stream. ws_raw_write blocks until
 * all is written. */
ssize_t ws_raw_read(struct ws_conn *c, void *buf, size_t cap, int timeout_ms,
                    struct err *err) C8S_MUST_USE;
int ws_raw_write(struct ws_conn *c, const void *data, size_t len, struct err *err) C8S_MUST_USE;

/* The Sec-WebSocket-Accept value for key: base64(SHA-1(key + the RFC's GUID)). Owned. */
char *ws_accept_for_key(const char *key);

#endif
