/* What every component's API client needs on top of http_client, as client-go's rest package
 * provides it: an http_config from a resolved kubeconfig (rest.Config), JSON requests whose
 * error answers (Status objects) become err codes with the Status message (apierrors), and
 * query escaping for selectors and continue tokens. */
#ifndef C8S_KUBECLIENT_H
#define C8S_KUBECLIENT_H

#include <jansson.h>

#include "err.h"
#include "http_client.h"
#include "kubeconfig.h"

/* Fills out (zeroed first) from kc: server, CA file or data, client certificate and key files
 * or data, bearer token, tls-server-name, insecure-skip-tls-verify. out borrows kc's strings:
 * kc must outlive it (http_client_new copies them). */
void kubeclient_http_config(const struct kubeconfig *kc, struct http_config *out);

/* The err code for an HTTP status as apierrors classifies it: 400 and 422 C8S_EINVALID, 401
 * C8S_EUNAUTHORIZED, 403 C8S_EFORBIDDEN, 404 ENOENT, 409 C8S_ECONFLICT (C8S_EEXISTS when reason
 * is "AlreadyExists"), 410 C8S_EGONE, 429 C8S_ETOOMANY, 504 ETIMEDOUT, others C8S_EHTTP. reason
 * may be NULL. */
int kubeclient_status_code(long http_status, const char *reason);

/* Sends method path with body (borrowed, may be NULL) as JSON and parses the answer. On 2xx
 * returns 0 and *out (may be NULL to discard) is a new reference to the decoded body (NULL when
 * the body is empty). Otherwise returns a negative code, with err holding the Status message
 * (or "the server responded with status N" when the body is no Status) and the code from
 * kubeclient_status_code, or http_send's transport codes. Never retried: callers such as
 * informers and leader election have their own retry loops. Thread: c's owner. */
int kubeclient_json(struct http_client *c, const char *method, const char *path, const json_t *body,
                    json_t **out, struct err *err) C8S_MUST_USE;

/* Returns an owned copy of s with every byte but unreserved ones (RFC 3986: letters, digits,
 * "-._~") percent-encoded, for a query value (Go's url.QueryEscape, with " " as "%20"). */
char *kubeclient_query_escape(const char *s);

#endif
