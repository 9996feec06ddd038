/* The client side of a SPDY/3.1 session (draft-mbelshe-httpbis-spdy-00 with the 3.1 flow-control
 * additions), as moby/spdystream speaks it for Kubernetes' port-forward and remote command
 * streams: frame encoding and decoding, header blocks compressed with one zlib stream per
 * direction primed with SPDY/3's dictionary, odd client stream ids, PING answers, GOAWAY,
 * RST_STREAM and the stream and session windows. The session owns no I/O: bytes read from the
 * transport (a WebSocket tunnel or an upgraded HTTP connection) are fed in, frames go out
 * through a write callback. One thread per session; nothing is shared. */
#ifndef C8S_SPDY_H
#define C8S_SPDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SPDY_VERSION 3

/* Control frame types (SPDY/3 section 2.6). */
enum spdy_frame_type {
    SPDY_SYN_STREAM = 1,
    SPDY_SYN_REPLY = 2,
    SPDY_RST_STREAM = 3,
    SPDY_SETTINGS = 4,
    SPDY_PING = 6,
    SPDY_GOAWAY = 7,
    SPDY_HEADERS = 8,
    SPDY_WINDOW_UPDATE = 9,
};

#define SPDY_FLAG_FIN            0x01
#define SPDY_FLAG_UNIDIRECTIONAL 0x02

/* RST_STREAM status codes. */
enum spdy_rst_status {
    SPDY_PROTOCOL_ERROR = 1,
    SPDY_INVALID_STREAM = 2,
    SPDY_REFUSED_STREAM = 3,
    SPDY_UNSUPPORTED_VERSION = 4,
    SPDY_CANCEL = 5,
    SPDY_INTERNAL_ERROR = 6,
    SPDY_FLOW_CONTROL_ERROR = 7,
};

#define SPDY_SETTINGS_INITIAL_WINDOW_SIZE 7
#define SPDY_INITIAL_WINDOW               65536         /* SPDY/3.1: streams and the session */
#define SPDY_MAX_DATA_FRAME               16384         /* what we put in one DATA frame */
#define SPDY_MAX_HEADER_BLOCK             (256u * 1024) /* decompressed, per frame */

/* SPDY/3's zlib dictionary (1423 bytes, built once; borrowed, static). */
const uint8_t *spdy_dictionary(size_t *len);

/* A header block: names lowercase; a value holding several NUL-separated values comes as
 * several entries with the same name, in order. */
struct spdy_header {
    char *name;
    char *value;
};
struct spdy_headers {
    struct spdy_header *v;
    size_t n;
};

/* The first value of name (borrowed from h), or NULL. */
const char *spdy_header_get(const struct spdy_headers *h, const char *name);

/* What the session reports while spdy_feed runs. Every callback may be NULL; headers and data
 * are borrowed for the call. A callback may call spdy_send_* / spdy_reset on the session. */
struct spdy_handlers {
    void (*on_reply)(void *data, uint32_t stream, const struct spdy_headers *h);
    /* bytes for the stream; call spdy_consumed once they are handed on */
    void (*on_data)(void *data, uint32_t stream, const uint8_t *bytes, size_t len);
    void (*on_remote_fin)(void *data, uint32_t stream); /* the peer sends nothing more */
    void (*on_reset)(void *data, uint32_t stream, uint32_t status);
    void (*on_goaway)(void *data, uint32_t last_good_stream, uint32_t status);
    void (*on_window)(void *data); /* a window grew: sending may resume */
};

/* Writes all of len bytes to the transport (one frame per call); 0 or a negative code. */
typedef int (*spdy_write_fn)(void *ctx, const void *bytes, size_t len, struct err *err);

struct spdy_session;

/* A new client session writing through write (ctx borrowed) and reporting to handlers
 * (copied; handler_data borrowed). Sends nothing yet. Never fails (aborts on OOM). */
struct spdy_session *spdy_session_new(spdy_write_fn write, void *ctx,
                                      const struct spdy_handlers *handlers, void *handler_data);

/* Frees s (NULL is fine); sends nothing. */
void spdy_session_free(struct spdy_session *s);

/* Parses the bytes read from the transport (any split), handling every complete frame:
 * answers PINGs, applies SETTINGS and WINDOW_UPDATEs, refuses streams the server opens, and
 * calls the handlers. Returns 0, or a negative code when the session cannot go on (-EPROTO
 * for a malformed frame or header block, a write error). */
int spdy_feed(struct spdy_session *s, const void *bytes, size_t len, struct err *err) C8S_MUST_USE;

/* Opens a stream: SYN_STREAM with the n name/value pairs (names are sent lowercased), FIN when
 * fin. Returns 0 with *stream (the next odd id), -EPIPE after a GOAWAY, or a write error. */
int spdy_open_stream(struct spdy_session *s, const char *const *names, const char *const *values,
                     size_t n, bool fin, uint32_t *stream, struct err *err) C8S_MUST_USE;

/* How many bytes may be sent on stream now: the smaller of its window and the session's once
 * the peer has shown it does flow control (a WINDOW_UPDATE or SETTINGS_INITIAL_WINDOW_SIZE);
 * until then windows are counted but not enforced, because spdystream (kubelet, apiserver)
 * never sends WINDOW_UPDATE. 0 for an unknown or half-closed stream. */
size_t spdy_send_window(const struct spdy_session *s, uint32_t stream);

/* Sends len bytes (split into DATA frames of SPDY_MAX_DATA_FRAME) and FIN when fin (an empty
 * DATA frame with FIN when len is 0). Returns 0; -ENOBUFS when len exceeds spdy_send_window;
 * -EPIPE for a stream that is unknown, reset or already finished; or a write error. */
int spdy_send_data(struct spdy_session *s, uint32_t stream, const void *bytes, size_t len, bool fin,
                   struct err *err) C8S_MUST_USE;

/* Tells the session that len bytes received on stream were handed on: sends WINDOW_UPDATEs
 * for the stream and the session once half a window is pending. Unknown streams count only
 * for the session. */
int spdy_consumed(struct spdy_session *s, uint32_t stream, size_t len,
                  struct err *err) C8S_MUST_USE;

/* RST_STREAM with status unless the stream is gone or already finished both ways; the stream
 * is forgotten. */
int spdy_reset(struct spdy_session *s, uint32_t stream, enum spdy_rst_status status,
               struct err *err) C8S_MUST_USE;

/* Sends a PING with the next odd id. */
int spdy_ping(struct spdy_session *s, struct err *err) C8S_MUST_USE;

/* Sends GOAWAY (last good stream: the last the server opened, i.e. 0) with status (0 = OK)
 * once; no stream may be opened after it. */
int spdy_goaway(struct spdy_session *s, uint32_t status, struct err *err) C8S_MUST_USE;

/* Whether either side sent GOAWAY. */
bool spdy_gone_away(const struct spdy_session *s);

/* Whether stream is still known (not reset, not finished both ways). */
bool spdy_stream_open(const struct spdy_session *s, uint32_t stream);

#endif
