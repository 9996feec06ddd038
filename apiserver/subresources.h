/* The subresources beyond status: scale (autoscaling/v1 Scale of deployments, replicasets,
 * statefulsets), pods/binding (the scheduler's bind), pods/eviction (policy/v1 Eviction,
 * honouring PodDisruptionBudgets). Each takes the parsed call and returns the answer (new
 * reference) with *code set. Thread-safe. */
#ifndef C8S_APISERVER_SUBRESOURCES_H
#define C8S_APISERVER_SUBRESOURCES_H

#include <jansson.h>

#include "rest.h"

json_t *subresource_scale(struct rest *r, const struct rest_call *call, int *code);
json_t *subresource_binding(struct rest *r, const struct rest_call *call, int *code);
json_t *subresource_eviction(struct rest *r, const struct rest_call *call, int *code);

#endif
