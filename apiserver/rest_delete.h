/* Deletion as k8s.io/apiserver's registry Store.Delete and rest.BeforeDelete do it, shared by
 * DELETE, deletecollection, pods/eviction and updates that remove an object's last finalizer:
 * DeleteOptions (body or query), preconditions, graceful deletion of pods, the garbage
 * collector's finalizers (orphan, foregroundDeletion) and the finalizer protocol.
 * Thread-safe: nothing here keeps state between calls. */
#ifndef C8S_APISERVER_REST_DELETE_H
#define C8S_APISERVER_REST_DELETE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "err.h"
#include "rest.h"

enum rest_propagation {
    REST_PROPAGATION_UNSET,
    REST_PROPAGATION_ORPHAN,
    REST_PROPAGATION_BACKGROUND,
    REST_PROPAGATION_FOREGROUND,
};

/* metav1.DeleteOptions. Strings are owned (rest_delete_options_free). */
struct rest_delete_options {
    bool has_grace_period;
    int64_t grace_period_seconds;
    enum rest_propagation propagation;
    int orphan_dependents;               /* -1 unset, else 0 or 1 (deprecated field) */
    char *precondition_uid;              /* NULL when unset */
    char *precondition_resource_version; /* NULL when unset */
    bool dry_run;                        /* dryRun: ["All"] */
};

/* Options that say nothing (every field unset). */
void rest_delete_options_init(struct rest_delete_options *o);
void rest_delete_options_free(struct rest_delete_options *o);

/* Reads a DeleteOptions JSON object (a DELETE body, or an Eviction's deleteOptions; NULL reads
 * as empty) into o and validates it as ValidateDeleteOptions does. Returns NULL, or a Status
 * (new reference: 400 for a malformed field, 422 DeleteOptions.meta.k8s.io invalid) with *code
 * set; o is then freed. */
json_t *rest_delete_options_from_json(const json_t *obj, struct rest_delete_options *o, int *code);

/* The options of a DELETE or deletecollection request: the body when there is one (JSON or
 * YAML; protobuf arrives as JSON), else the query parameters gracePeriodSeconds,
 * orphanDependents, propagationPolicy and dryRun (preconditions only come in a body, as in
 * Kubernetes). Same results as rest_delete_options_from_json. */
json_t *rest_delete_options_parse(const struct rest_call *call, struct rest_delete_options *o,
                                  int *code);

/* What deleting an object does, decided from its current state (rest.BeforeDelete and
 * Store.Delete's branches). */
enum rest_delete_step {
    REST_DELETE_FAILED,           /* *error holds the Status (preconditions, 409/500) */
    REST_DELETE_PENDING,          /* graceful deletion already under way: nothing to write */
    REST_DELETE_MARK,             /* write *next; the object stays (finalizers, grace > 0) */
    REST_DELETE_MARK_THEN_DELETE, /* write *next (grace 0), then remove it */
    REST_DELETE_NOW,              /* remove it as it is */
};

/* Decides the deletion of current (borrowed; with its resourceVersion) of resource res with
 * options o at time now. For MARK steps *next is a new reference to the object to write
 * (deletionTimestamp, deletionGracePeriodSeconds, GC finalizers, generation); it may equal
 * current (then nothing needs writing). Pure. */
enum rest_delete_step rest_delete_decide(const struct resource *res, const json_t *current,
                                         const struct rest_delete_options *o,
                                         const struct timespec *now, json_t **next, json_t **error,
                                         int *code);

/* Deletes one object of res (ns ignored when cluster-scoped) with options o, retrying on
 * concurrent writes. Returns the answer as kube-apiserver gives it (new reference): the object
 * while it stays (deletionTimestamp set), else the last state for the types that return it
 * (pods, services, namespaces, ...) or a Success Status; *deleted tells whether it is gone. */
json_t *rest_delete_with_options(struct rest *r, const struct rest_call *call,
                                 const struct resource *res, const char *ns, const char *name,
                                 const struct rest_delete_options *o, bool *deleted, int *code);

/* Store.Update's ShouldDeleteDuringUpdate: next (what an update would write) has no finalizers
 * while current's deletion is due (deletionTimestamp set, deletionGracePeriodSeconds 0 or
 * absent). Borrows both. */
bool rest_should_delete_during_update(const json_t *current, const json_t *next);

/* Writes the result of an update at key guarded on revision (current's mod_revision), as
 * Store.Update does: when rest_should_delete_during_update holds, the object is deleted instead
 * (and released by admission as a delete). The written object carries lease (0: none, e.g.
 * rest_object_lease's). Returns 0 with *rev the new revision (the deletion's when *deleted),
 * -C8S_ECONFLICT when the key changed, -ENOENT when it is gone, other negative codes with e
 * filled. */
int rest_write_update(struct rest *r, const struct rest_call *call, const char *key,
                      const json_t *current, const json_t *next, int64_t revision, int64_t lease,
                      int64_t *rev, bool *deleted, struct err *e) C8S_MUST_USE;

#endif
