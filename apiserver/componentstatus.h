/* core/v1 componentstatuses (kubectl get cs): not stored but computed on every read by probing
 * the scheduler, the controller-manager and etcd, as kube-apiserver 1.32 does. Deprecated but
 * served: every answer carries the deprecation Warning. Thread-safe: probes use their own
 * connections (etcd's per thread). */
#ifndef C8S_APISERVER_COMPONENTSTATUS_H
#define C8S_APISERVER_COMPONENTSTATUS_H

#include <jansson.h>

#include "rest.h"

/* Serves get and list (every other verb is 405). Returns a new reference to the answer (a
 * ComponentStatus, a ComponentStatusList or a Status) and sets *code. get of an unknown name is
 * kube's 500 "Component not found: <name>". */
json_t *componentstatus_serve(struct rest *r, const struct rest_call *call, int *code);

/* A ComponentStatus with one Healthy condition of status ("True", "False", "Unknown");
 * message and error may be NULL or "" (then omitted). Returns a new reference. */
json_t *componentstatus_make(const char *name, const char *status, const char *message,
                             const char *error);

#endif
