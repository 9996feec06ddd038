/* The streaming subresources of pods: log, exec, attach and portforward. */
#ifndef C8S_APISERVER_PODSTREAM_H
#define C8S_APISERVER_PODSTREAM_H

#include <jansson.h>

#include "rest_internal.h"

/* Serves pods/log|exec|attach|portforward for call. Returns the answer (new reference) with
 * *code set, as the other subresource handlers. */
json_t *podstream_serve(struct rest *r, const struct rest_call *call, int *code);

#endif
