/* Member identity and URL helpers, following etcd: member IDs are derived from the member's peer
 * URLs and the cluster token, so every member computes the same IDs from --initial-cluster, and
 * a member added at runtime computes its own ID from its --initial-advertise-peer-urls. */
#ifndef C8S_STORE_MEMBER_H
#define C8S_STORE_MEMBER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define MEMBER_MAX 16

struct member_url {
    char scheme[8]; /* "http" or "https" */
    char host[256];
    int port;
};

struct member_initial {
    char name[64];
    char peer_url[300];
    uint64_t id;
};

/* Parses "http://127.0.0.1:2380" (an IPv6 host in brackets is kept without them). */
int member_url_parse(const char *url, struct member_url *out, struct err *err) C8S_MUST_USE;

/* A member ID from its peer URLs (comma-separated, order-insensitive) and the cluster token.
 * Never 0, and fits in int64 so that JSON clients reading it as a signed number agree. */
uint64_t member_id_from_peer_urls(const char *peer_urls, const char *cluster_token);

/* The cluster ID from the whole --initial-cluster text and the token. */
uint64_t member_cluster_id(const char *initial_cluster, const char *cluster_token);

/* Parses --initial-cluster "a=http://h:1,b=http://h:2" into out (at most MEMBER_MAX members);
 * returns the member count, or a negative code with err filled. A name given twice (several
 * peer URLs for one member) is not supported and is an error. */
int member_parse_initial_cluster(const char *text, const char *cluster_token,
                                 struct member_initial *out, size_t max,
                                 struct err *err) C8S_MUST_USE;

/* "host:port" for raft's TCP transport from a peer URL; writes into buf. */
int member_raft_address(const char *peer_url, char *buf, size_t size, struct err *err) C8S_MUST_USE;

#endif
