/* Service account tokens: signed JWTs as kube-apiserver issues them through the TokenRequest
 * API (POST serviceaccounts/<name>/token) and verifies them on requests (pkg/serviceaccount:
 * RS256 or ES256 with a key id derived from the public key, claims iss, sub, aud, exp, iat, nbf,
 * jti and kubernetes.io {namespace, serviceaccount, pod|secret|node}). Thread-safe after
 * satoken_signer_new: keys are read once and never change. */
#ifndef C8S_APISERVER_SATOKEN_H
#define C8S_APISERVER_SATOKEN_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "etcd3.h"
#include "rest.h"

struct user_info;

/* kube-apiserver's flags for service account tokens. Strings are read during
 * satoken_signer_new and not kept. */
struct satoken_config {
    const char *signing_key_file; /* --service-account-signing-key-file; NULL: no TokenRequest */
    const char *key_files;        /* --service-account-key-file, comma-separated; NULL: the
                                     signing key verifies */
    const char *issuers;          /* --service-account-issuer, comma-separated; the first signs */
    const char *api_audiences;    /* --api-audiences, comma-separated; NULL: the issuers */
    int64_t max_expiration;       /* --service-account-max-token-expiration seconds; 0: none */
    bool extend_expiration;       /* --service-account-extend-token-expiration */
    struct etcd3 *storage;        /* borrowed: service accounts (and bound pods, secrets) are
                                     read from it when a token is verified */
};

struct satoken_signer;

/* Reads the keys. Returns NULL with err filled when a file is unreadable, holds no usable key,
 * or an issuer is missing while keys are given. */
struct satoken_signer *satoken_signer_new(const struct satoken_config *cfg, struct err *err);
void satoken_signer_free(struct satoken_signer *s);

/* True when the signer has a private key (TokenRequest is served). */
bool satoken_can_issue(const struct satoken_signer *s);

/* Signs claims (a JSON object; borrowed) as a compact JWS with the signing key. Returns an owned
 * string, or NULL with err filled. */
char *satoken_sign(const struct satoken_signer *s, const json_t *claims, struct err *err);

/* Verifies a bearer token as kube-apiserver's service account authenticator: a JWT whose iss is
 * one of the issuers (else -ENOENT: not ours, the next authenticator may try), signed by one of
 * the keys, within exp/nbf (one minute of leeway), for one of the API audiences, naming a
 * ServiceAccount that still exists with the same uid (and a bound pod or secret that does).
 * Returns 0 with *user filled (system:serviceaccount:<ns>:<name>, its uid, the groups
 * system:serviceaccounts and system:serviceaccounts:<ns>, and the credential-id/pod extras), or
 * -C8S_EUNAUTHORIZED with why filled (for the log; never holds the token). */
int satoken_authenticate(const struct satoken_signer *s, const char *token, struct user_info *user,
                         struct err *why);

/* POST .../serviceaccounts/<name>/token: an authentication.k8s.io/v1 TokenRequest answered
 * with status.token and status.expirationTimestamp. Returns the answer with *code. */
json_t *satoken_request(struct rest *r, const struct rest_call *call, int *code);

#endif
