/* The watch hub: etcd's /v3/watch semantics on top of the kv state machine. One watch_stream per
 * HTTP /v3/watch request holds any number of watchers (create_request / cancel_request /
 * progress_request), and its output is the newline-delimited {"result":WatchResponse} messages
 * that the HTTP layer pulls with watch_stream_read. Every member serves watches from its own
 * applied state, as etcd does. Loop-bound: used only on the store's libuv loop thread. */
#ifndef C8S_STORE_WATCH_H
#define C8S_STORE_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "kv.h"

struct watch_hub;
struct watch_stream;

/* Fills the response header's member fields (cluster_id, member_id, raft_term as strings) into
 * the given object; the hub adds "revision" itself. */
typedef void (*watch_header_cb)(void *data, json_t *header);

/* Called when a stream has new output to read after it had none (the HTTP layer resumes its
 * suspended connection). Never called from inside watch_stream_read. */
typedef void (*watch_ready_cb)(void *data);

/* Creates the hub over kv (borrowed; must outlive the hub) and registers itself as kv's events
 * listener. max_buffered_bytes bounds each stream's unread output: a watcher of a stream over
 * the bound stops receiving live events and catches up from kv history once the reader drains
 * (etcd's unsynced watchers), so a slow client never grows memory without bound.
 * progress_interval_ms: every so often an idle watcher with progress_notify gets an empty
 * message carrying the current revision (0 disables; etcd's default is 10 minutes); driven by
 * watch_hub_tick. */
struct watch_hub *watch_hub_new(struct kv_store *kv, watch_header_cb header_cb, void *header_data,
                                size_t max_buffered_bytes, uint64_t progress_interval_ms);
void watch_hub_free(struct watch_hub *hub);

/* Call periodically (e.g. every 100 ms) with a monotonic clock in ms: sends due progress
 * notifications and catches up unsynced watchers. */
void watch_hub_tick(struct watch_hub *hub, uint64_t now_ms);

/* Call after kv state was replaced wholesale (raft snapshot restore): every watcher catches up
 * from history, or is canceled with compact_revision when its next revision was compacted. */
void watch_hub_state_replaced(struct watch_hub *hub);

/* Number of open streams and watchers (metrics, tests). */
size_t watch_hub_stream_count(const struct watch_hub *hub);
size_t watch_hub_watcher_count(const struct watch_hub *hub);

/* A stream for one HTTP request. ready_cb/data borrowed. */
struct watch_stream *watch_stream_new(struct watch_hub *hub, watch_ready_cb ready_cb, void *data);

/* Handles one request object from the request body: {"create_request":{...}},
 * {"cancel_request":{"watch_id":n}} or {"progress_request":{}}; output is queued. Returns 0, or
 * -1 with err filled for a malformed object (bad base64, not an object ...), which the HTTP
 * layer reports as etcd does for a bad stream request. */
int watch_stream_handle(struct watch_stream *stream, const json_t *request, struct kv_error *err);

/* Copies up to max bytes of pending output into buf; returns the count (0 = nothing now). */
size_t watch_stream_read(struct watch_stream *stream, char *buf, size_t max);

/* Bytes of output waiting. */
size_t watch_stream_pending(const struct watch_stream *stream);

/* Cancels every watcher of the stream and frees it (client gone or request finished). */
void watch_stream_free(struct watch_stream *stream);

#endif
