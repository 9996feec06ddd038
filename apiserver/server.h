/* c8s-apiserver's HTTP front: libmicrohttpd with an internal thread pool; each request runs top
 * to bottom on a worker thread (resolve → decode → REST handler → encode). Watches stream from
 * the storage watch and park their connection while there is nothing to send. Serves /version,
 * /healthz, /livez, /readyz, discovery and every resource of the table. */
#ifndef C8S_APISERVER_SERVER_H
#define C8S_APISERVER_SERVER_H

#include <stdint.h>

#include "authn.h"
#include "err.h"
#include "etcd3.h"
#include "nodeauthz.h"
#include "policy_cache.h"
#include "rest.h"

struct apiserver_config {
    const char *bind_address; /* the plain-HTTP learning port binds here (loopback only) */
    int insecure_port;        /* 0: off */
    /* HTTPS (kube-apiserver's --bind-address, --secure-port, --tls-*): off when no certificate
     * is given. Requests there are authenticated (authn.h). */
    const char *secure_bind_address;
    int secure_port;
    const char *tls_cert_file;
    const char *tls_key_file;
    const char *client_ca_file;  /* NULL: no client certificate authentication */
    struct authn *authn;         /* borrowed; required with a secure port */
    struct policy_cache *policy; /* borrowed; RBAC's policy (escalation checks); may be NULL */
    struct authz_chain *authz;   /* borrowed; --authorization-mode; NULL: AlwaysAllow */
    unsigned threads;            /* worker threads */
    struct etcd3 *storage;       /* borrowed */
    struct rest *rest;           /* borrowed: the REST layer every resource request goes to */
};

struct apiserver;

/* Starts serving. Returns NULL with err filled (address in use, a non-loopback address for the
 * plain port). */
struct apiserver *apiserver_start(const struct apiserver_config *cfg, struct err *err);

/* Stops listening, ends watches and frees everything. */
void apiserver_stop(struct apiserver *s);

#endif
