/* What exec, attach and run -i share (implemented in cmd_exec.c): kubectl's waits on a watch
 * with a deadline, and attaching to a pod's container over a v5.channel.k8s.io WebSocket. */
#ifndef C8S_CTL_ATTACH_H
#define C8S_CTL_ATTACH_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "ctl.h"

/* Decides on one watch event (type "ADDED", "MODIFIED", ...; obj borrowed): true to stop. */
typedef bool (*attach_watch_cond)(const char *type, const json_t *obj, void *data);

/* Lists path?list_query, then watches path?<watch_before>resourceVersion=<list RV><watch_after>
 * until cond says stop, for at most timeout_ns.
 * A listed object that satisfies cond (as "ADDED") ends the wait at once. Returns 0 with
 * *found (new reference), or prints kubectl's error ("timed out waiting for the condition")
 * and returns 1. */
int attach_watch_until(struct ctl *c, const char *path, const char *list_query,
                       const char *watch_before, const char *watch_after, attach_watch_cond cond,
                       void *data, int64_t timeout_ns, json_t **found);

/* How to attach. */
struct attach_opts {
    const char *container; /* NULL or "": the default container */
    bool stdin_open, tty, quiet;
};

/* attach to pod (borrowed): container choice, TTY checks, the prompt line, the stream.
 * command_name ("kubectl attach") is for the reattach hint. Returns the exit status. */
int attach_to_pod(struct ctl *c, const json_t *pod, const struct attach_opts *o,
                  const char *command_name);

#endif
