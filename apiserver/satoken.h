/* Service account tokens: signed JWTs as kube-apiserver issues them through the TokenRequest
 * API (POST serviceaccounts/<name>/token) and verifies them on requests. */
#ifndef C8S_APISERVER_SATOKEN_H
#define C8S_APISERVER_SATOKEN_H

#include <jansson.h>

#include "rest.h"

/* POST .../serviceaccounts/<name>/token: an authentication.k8s.io/v1 TokenRequest answered
 * with status.token and status.expirationTimestamp. Returns the answer with *code. */
json_t *satoken_request(struct rest *r, const struct rest_call *call, int *code);

#endif
