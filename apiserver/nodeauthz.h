/* The Node authorizer (plugin/pkg/auth/authorizer/node) and the ordered authorizer chain of
 * --authorization-mode (AlwaysAllow, AlwaysDeny, Node, RBAC). A kubelet — user system:node:NAME
 * in group system:nodes — reads its own Node, the pods bound to it (list/watch with the
 * spec.nodeName=NAME field selector), and the secrets, configmaps, persistent volume claims,
 * persistent volumes and service account tokens those pods reference; it writes its own lease in
 * kube-node-lease; everything else is checked against the system:node role's rules, which
 * Kubernetes applies inside this authorizer instead of binding the role. Pod references are read
 * from storage on each decision that needs them (no graph kept). Thread-safe. */
#ifndef C8S_APISERVER_NODEAUTHZ_H
#define C8S_APISERVER_NODEAUTHZ_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "authn.h"
#include "err.h"
#include "etcd3.h"
#include "policy_cache.h"
#include "rbac.h"

enum authz_decision { AUTHZ_NO_OPINION, AUTHZ_ALLOW, AUTHZ_DENY };

#define AUTHZ_REASON_MAX 1024

/* The node name of a node identity (user system:node:NAME in group system:nodes): a pointer
 * into user->name, "" for "system:node:" alone, NULL for any other user. */
const char *nodeauthz_node_name(const struct user_info *user);

struct nodeauthz;

/* storage is borrowed and must outlive the authorizer; pods and the objects they reference are
 * read from it. */
struct nodeauthz *nodeauthz_new(struct etcd3 *storage);
void nodeauthz_free(struct nodeauthz *n);

/* Node's decision: ALLOW, or NO_OPINION with reason (Kubernetes' text, "" when it has none) for
 * requests of node identities; NO_OPINION with "" for everyone else. */
enum authz_decision nodeauthz_authorize(struct nodeauthz *n, const struct user_info *user,
                                        const struct authz_attributes *attrs,
                                        char reason[AUTHZ_REASON_MAX]);

/* The NodeRestriction admission plugin's checks for a node identity's writes: its own Node
 * only (create, update, patch, status), mirror pods bound to it, deleting, evicting and updating
 * the status of pods bound to it, its own lease, and tokens bound to a pod on it. body is the
 * request object (borrowed; may be NULL). Returns true when allowed (always for other users);
 * else false with reason (Kubernetes' text). n may be NULL (then everything passes). */
bool nodeauthz_admit(struct nodeauthz *n, const struct user_info *user,
                     const struct authz_attributes *attrs, const json_t *body,
                     char reason[AUTHZ_REASON_MAX]);

/* ---- The chain ---- */

struct authz_chain;

/* Parses a comma-separated --authorization-mode (AlwaysAllow, AlwaysDeny, Node, RBAC; each at
 * most once, as kube-apiserver checks). policy is required with RBAC, storage with Node (both
 * borrowed). Returns NULL with err filled ("authorization-mode \"X\" is not a valid mode"). */
struct authz_chain *authz_chain_new(const char *modes, struct policy_cache *policy,
                                    struct etcd3 *storage, struct err *err);
void authz_chain_free(struct authz_chain *c);

/* The chain's Node authorizer (borrowed), or NULL when Node is not among the modes. */
struct nodeauthz *authz_chain_node(struct authz_chain *c);

/* True when the chain needs the RBAC policy cache / the Node authorizer. */
bool authz_mode_has(const char *modes, const char *mode);

/* Asks each authorizer in order; the first ALLOW or DENY decides, NO_OPINION passes on, and
 * when every one passes the request is denied. On denial, reason gets the authorizers' reasons
 * joined with ", " ("" when none gave one). */
bool authz_chain_allows(struct authz_chain *c, const struct user_info *user,
                        const struct authz_attributes *attrs, char reason[AUTHZ_REASON_MAX]);

#endif
