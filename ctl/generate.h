/* The object generators of `c8sctl create` and `c8sctl run`: they build the objects kubectl's
 * generators build (k8s.io/kubectl/pkg/cmd/create, run), with the fields in the order of the Go
 * structs so that `--dry-run=client -o json` prints what kubectl prints. */
#ifndef C8S_CTL_GENERATE_H
#define C8S_CTL_GENERATE_H

#include <stdbool.h>

#include <jansson.h>

#include "objects.h"

/* Every flag of the create generators (kubectl gives each subcommand its own set; c8sctl
 * accepts their union on all of them). */
struct create_opts {
    struct cli_strv files, literals, from_files, images, tcp, verbs, resources, resource_names;
    struct cli_strv users, groups, service_accounts, non_resource_urls, audiences;
    struct cli_strv command; /* the words after "--" */
    bool recursive;
    const char *output, *validate, *dry_run_flag, *cert, *key, *cluster_ip, *external_name;
    const char *from, *schedule, *restart, *role, *cluster_role, *duration, *secret_type;
    int replicas, port, node_port;
    enum dry_run dry_run;
    const char *validation; /* fieldValidation, from validate */
};

/* What a generator made: the object (new reference) and where it goes. */
struct generated {
    json_t *obj;
    const char *resource, *group; /* "services", "" */
    const char *what; /* kubectl's words in "failed to create <what>: ..." or NULL (plain) */
};

/* Each builds the object named name into *g and returns 0, or prints kubectl's error and
 * returns 1. kind_word is the service type word ("clusterip", ...). */
int generate_service(struct ctl *c, const struct create_opts *o, const char *kind_word,
                     const char *name, struct generated *g);
int generate_secret_tls(struct ctl *c, const struct create_opts *o, const char *name,
                        struct generated *g);
int generate_job(struct ctl *c, const struct create_opts *o, const char *name, struct generated *g);
int generate_cronjob(struct ctl *c, const struct create_opts *o, const char *name,
                     struct generated *g);
int generate_role(struct ctl *c, const struct create_opts *o, bool cluster, const char *name,
                  struct generated *g);
int generate_binding(struct ctl *c, const struct create_opts *o, bool cluster, const char *name,
                     struct generated *g);

/* `create token SA`: prints the token of a TokenRequest. Returns the exit status. */
int generate_token(struct ctl *c, const struct create_opts *o, const char *sa);

/* kubectl's ObjectMeta of a generated object: {"name": name, "creationTimestamp": null}
 * inside {"kind", "apiVersion", "metadata"}. Returns a new reference. */
json_t *generate_object(const char *api_version, const char *kind, const char *name);

/* A container as kubectl's generators make it: name, image, command (words, may be empty),
 * resources {}. Returns a new reference. */
json_t *generate_container(const char *name, const char *image, const struct cli_strv *command);

#endif
