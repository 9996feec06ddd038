/* Authentication as kube-apiserver does it, in its order: an X.509 client certificate signed by
 * --client-ca-file (CN = user, O = groups), then a bearer token from --token-auth-file
 * (Kubernetes' CSV: token,user,uid,"group1,group2"), then a service account token (a JWT signed
 * with --service-account-key-file's keys, satoken.h), then — when --anonymous-auth allows it —
 * system:anonymous in system:unauthenticated. Authenticated users also get the group
 * system:authenticated. Thread-safe after authn_new. */
#ifndef C8S_APISERVER_AUTHN_H
#define C8S_APISERVER_AUTHN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"

#define AUTHN_MAX_GROUPS 16
#define AUTHN_MAX_EXTRA  6

/* One value of UserInfo.extra (Kubernetes allows several values per key; c8s's authenticators
 * set one). */
struct user_extra {
    char key[64];
    char value[160];
};

struct user_info {
    char name[256];
    char uid[128];
    char groups[AUTHN_MAX_GROUPS][128];
    size_t ngroups;
    struct user_extra extra[AUTHN_MAX_EXTRA]; /* sorted by key, as Go prints a map */
    size_t nextra;
};

struct satoken_signer;

struct authn_config {
    const char *token_auth_file; /* NULL: no static tokens */
    bool anonymous;              /* --anonymous-auth */
    /* Verifies service account JWTs (borrowed, must outlive the authn); NULL: none. */
    const struct satoken_signer *sa_tokens;
};

struct authn;

/* Reads the token file. Returns NULL with err filled on an unreadable or malformed file (the
 * line number named, as kube-apiserver does). */
struct authn *authn_new(const struct authn_config *cfg, struct err *err);
void authn_free(struct authn *a);

/* The identity of a request. client_cert_der/len: the verified client certificate (DER) when the
 * TLS layer verified one against the client CA, else NULL. authorization: the Authorization
 * header or NULL. Returns 0 with *user filled, or -C8S_EUNAUTHORIZED. A certificate wins over a
 * token, as kube-apiserver's union authenticator tries x509 first; a bad token is refused even
 * when anonymous access is on. */
int authn_authenticate(const struct authn *a, const void *client_cert_der, size_t cert_len,
                       const char *authorization, struct user_info *user);

/* Adds group to user unless it is there already (at most AUTHN_MAX_GROUPS). */
void authn_add_group(struct user_info *user, const char *group);

/* Fills user from a certificate's subject (CN = name, each O = a group); 0 or -EINVAL. */
int authn_user_from_certificate(const void *der, size_t len, struct user_info *user);

/* {"username","uid","groups":[...],"extra":{...}} as UserInfo in SelfSubjectReview. New
 * reference. */
json_t *authn_user_json(const struct user_info *user);

#endif
