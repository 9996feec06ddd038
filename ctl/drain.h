/* The pod half of kubectl drain (k8s.io/kubectl/pkg/drain): list a node's pods, filter them as
 * kubectl does (DaemonSet-managed, mirror, emptyDir, unmanaged, long-terminating), then evict
 * them (policy Eviction, retried every 5 s while a PodDisruptionBudget refuses) or delete them,
 * and wait until they are gone, with kubectl's lines and error texts. */
#ifndef C8S_CTL_DRAIN_H
#define C8S_CTL_DRAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl.h"
#include "objects.h"

/* One error as kubectl's drain holds it: text is what err.Error() gives; api_line (may be
 * NULL) is the "Error from server (...): ..." line kubectl's CheckErr prints for an API error. */
struct drain_msg {
    char *text;
    char *api_line;
};

/* A failure: one plain error, or a utilerrors.Aggregate of several (which CheckErr prints one
 * per line without "error: "). */
struct drain_error {
    bool aggregate;
    size_t n;
    struct drain_msg *v;
};

/* Adds a message (copies; api_line may be NULL). */
void drain_error_add(struct drain_error *e, const char *text, const char *api_line);
/* Frees the messages and zeroes e. */
void drain_error_free(struct drain_error *e);
/* err.Error(): the one message, or "[a, b]" for an aggregate of several (duplicates once), as
 * utilerrors.Aggregate prints. Returns an owned string. */
char *drain_error_text(const struct drain_error *e);

/* Adds the error of an API answer: its Status message and kubectl's "Error from server" line. */
void drain_error_add_answer(struct drain_error *e, const struct http_response *resp);

/* Every page of a list (limit=chunk when > 0, following metadata.continue), with the resource
 * builder's EnhanceListError wording on 400/404 ("Unable to find \"/v1, Resource=pods\" that
 * match label selector ..."); gvr names the resource in it. Selectors may be NULL or "".
 * Returns the items (a new array), or NULL with *err filled. */
json_t *drain_list(struct ctl *c, const char *collection, const char *gvr,
                   const char *field_selector, const char *label_selector, int chunk,
                   struct drain_error *err);

/* drain's flags (DrainCmdOptions' drain.Helper). */
struct drain_opts {
    bool force, ignore_daemonsets, delete_emptydir_data, disable_eviction;
    int grace_period;         /* < 0: each pod's own */
    int64_t timeout_ns;       /* 0: no limit */
    const char *pod_selector; /* canonical label selector, "" for all pods */
    int skip_wait_seconds;    /* > 0: pods terminating longer than this are not waited for */
    int chunk_size;           /* list page size (limit) */
    enum dry_run dry_run;
};

/* Drains the pods of node: kubectl's deleteOrEvictPodsSimple. Prints the warnings, "evicting
 * pod NS/NAME", "pod/NAME evicted", the retry lines and, after a failure, the pods still
 * pending. Returns 0, or 1 with *err filled (the caller prints kubectl's "unable to drain"
 * lines). Not thread-safe (uses c's client). */
int drain_node_pods(struct ctl *c, const struct drain_opts *o, const char *node,
                    struct drain_error *err);

#endif
