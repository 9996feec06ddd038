/* c8sctl's shared state and the helpers every command uses: kubectl's global flags, the
 * kubeconfig and its command-line overrides, one HTTP client, discovery, and kubectl's error
 * lines ("error: ...", "Error from server (NotFound): ...") with exit status 1.
 * One thread: nothing here is thread-safe. */
#ifndef C8S_CTL_CTL_H
#define C8S_CTL_CTL_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "cli.h"
#include "err.h"
#include "http_client.h"
#include "kubeconfig.h"
#include "mapper.h"

/* The version c8sctl reports, kubectl's minor so servers treat it as a 1.32 client. */
#define CTL_VERSION "v1.32.0"

/* Accept headers kubectl sends (shared/ref/kubectl-wire.md section 1). */
#define CTL_ACCEPT_TABLE                                                                       \
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta." \
    "k8s.io,application/json"
#define CTL_ACCEPT_JSON "application/json"
#define CTL_ACCEPT_ANY  "application/json, */*"
#define CTL_ACCEPT_AGGREGATED                                                                  \
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=" \
    "apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"

struct ctl {
    const char *prog;  /* how messages name the program: argv[0]'s base name */
    char cmd_path[64]; /* "get", "config view": for "See '<prog> <cmd> -h'" */
    FILE *out, *errout;

    /* Global flags (values borrowed from argv). */
    const char *kubeconfig_path, *context, *cluster, *user, *namespace_flag, *server, *token;
    const char *ca_file, *cert_file, *key_file, *tls_server_name, *request_timeout, *cache_dir;
    bool insecure;
    int verbosity;
    const char *as_user, *as_uid;   /* --as, --as-uid */
    struct cli_strv as_groups;      /* --as-group (repeatable) */
    char **impersonate_headers;     /* owned, NULL-terminated: the Impersonate-* lines sent */
    struct cli_flag *global_flags;  /* owned table */
    struct cli_strv warnings_shown; /* the server's Warning texts printed so far */

    /* Made on first use. */
    json_t *config; /* the merged kubeconfig (new reference) */
    struct kubeconfig kc;
    bool kc_ready;
    struct http_client *http;
    struct http_config http_cfg; /* what c->http was made from (strings borrowed from c->kc) */
    struct mapper mapper;
    bool mapper_ready;
    const char *ns; /* the effective namespace: -n, else the context's, else "default" */
    bool ns_explicit;
};

/* Runs c8sctl: finds the command, parses flags, runs it. Returns the exit status. */
int ctl_main(int argc, char **argv);

/* ---- Output and errors (each returns the exit status to return: 1) ---- */

/* "error: <msg>" on stderr. */
int ctl_error(struct ctl *c, const char *fmt, ...) C8S_FMT(2, 3);
/* A klog line as kubectl prints it on stderr: "W1123 17:26:09.662786   13715 helpers.go:702] "
 * and the message. severity is 'I', 'W' or 'E'; source names kubectl's Go file and line, which
 * the line carries so that it reads as kubectl's. */
void ctl_klog(struct ctl *c, char severity, const char *source, const char *fmt, ...) C8S_FMT(4, 5);
/* kubectl's warning writer: "Warning: <text>" on stderr, each text once per run. */
void ctl_warning(struct ctl *c, const char *text);
/* "error: <msg>" and "See '<prog> <cmd> -h' for help and examples". */
int ctl_usage_error(struct ctl *c, const char *fmt, ...) C8S_FMT(2, 3);
/* kubectl's line for a failed request (transport failure) or an API error answer. */
int ctl_transport_error(struct ctl *c, const struct err *e);
int ctl_api_error(struct ctl *c, const struct http_response *resp);
/* The line ctl_api_error prints, without the newline: an owned string. prefix (may be NULL)
 * goes before the server's message, as kubectl's "error when creating "f.yaml": ". */
char *ctl_api_error_text(const struct http_response *resp, const char *prefix);

/* Parses the command's flags (local, may be NULL) together with the global flags into *args.
 * Returns true to go on; false after printing help or a flag error, with *status set. */
bool ctl_parse(struct ctl *c, struct cli_flag *local, int argc, char **argv, struct cli_strv *args,
               int *status);

/* ctl_parse for commands without positional arguments (any given are ignored). */
bool ctl_parse_flags(struct ctl *c, struct cli_flag *local, int argc, char **argv, int *status);

/* ---- Configuration and requests ---- */

/* Loads the kubeconfig (--kubeconfig, $KUBECONFIG, ~/.kube/config), as a new reference kept in
 * c->config. Returns 0 or prints kubectl's error and returns 1. */
int ctl_load_config(struct ctl *c);

/* Resolves the context with the flag overrides and makes the HTTP client and c->ns. Returns 0
 * or prints the error and returns 1. */
int ctl_connect(struct ctl *c);

/* One request to the server; body may be NULL. Returns 0 with resp filled (any HTTP status) or
 * a negative code with err filled (transport). accept NULL means CTL_ACCEPT_JSON. */
int ctl_request(struct ctl *c, const char *method, const char *path, const char *accept,
                const char *content_type, const char *body, struct http_response *resp,
                struct err *err) C8S_MUST_USE;

/* ctl_request for a JSON answer: on a 2xx answer stores the parsed body (new reference) in *out
 * and returns 0; otherwise prints kubectl's error line and returns 1. */
int ctl_request_json(struct ctl *c, const char *method, const char *path, const char *accept,
                     const char *content_type, const json_t *body, json_t **out);

/* Discovery into c->mapper (once). Returns 0 or prints the error and returns 1. */
int ctl_discover(struct ctl *c);

/* The path of one object: collection path plus "/<name>". Owned. */
char *ctl_object_path(struct ctl *c, const struct mapper_resource *r, const char *name);

/* Percent-encodes a query value as Go's url.Values.Encode does. Owned. */
char *ctl_query_escape(const char *s);

/* Appends "&key=<escaped value>" to *query (an owned string, "" to start) when value is set;
 * callers add keys in Go's sorted order and skip the first "&". */
void ctl_query_add(char **query, const char *key, const char *value);

/* ---- Commands (each returns the exit status) ---- */

/* kubectl commands c8sctl does not have yet: "error: "<cmd>" is not implemented by c8sctl yet". */
int cmd_not_implemented(struct ctl *c, int argc, char **argv);
int cmd_config(struct ctl *c, int argc, char **argv);
int cmd_get(struct ctl *c, int argc, char **argv);
int cmd_apply(struct ctl *c, int argc, char **argv);
int cmd_create(struct ctl *c, int argc, char **argv);
int cmd_delete(struct ctl *c, int argc, char **argv);
int cmd_label(struct ctl *c, int argc, char **argv);
int cmd_annotate(struct ctl *c, int argc, char **argv);
int cmd_patch(struct ctl *c, int argc, char **argv);
int cmd_scale(struct ctl *c, int argc, char **argv);
int cmd_run(struct ctl *c, int argc, char **argv);
int cmd_expose(struct ctl *c, int argc, char **argv);
int cmd_describe(struct ctl *c, int argc, char **argv);
int cmd_replace(struct ctl *c, int argc, char **argv);
int cmd_edit(struct ctl *c, int argc, char **argv);
int cmd_version(struct ctl *c, int argc, char **argv);
int cmd_api_resources(struct ctl *c, int argc, char **argv);
int cmd_api_versions(struct ctl *c, int argc, char **argv);
int cmd_cluster_info(struct ctl *c, int argc, char **argv);
int cmd_auth(struct ctl *c, int argc, char **argv);
int cmd_set(struct ctl *c, int argc, char **argv);
int cmd_explain(struct ctl *c, int argc, char **argv);
int cmd_rollout(struct ctl *c, int argc, char **argv);
int cmd_autoscale(struct ctl *c, int argc, char **argv);
int cmd_top(struct ctl *c, int argc, char **argv);
int cmd_cordon(struct ctl *c, int argc, char **argv);
int cmd_uncordon(struct ctl *c, int argc, char **argv);
int cmd_drain(struct ctl *c, int argc, char **argv);
int cmd_taint(struct ctl *c, int argc, char **argv);
int cmd_logs(struct ctl *c, int argc, char **argv);
int cmd_attach(struct ctl *c, int argc, char **argv);
int cmd_exec(struct ctl *c, int argc, char **argv);
int cmd_port_forward(struct ctl *c, int argc, char **argv);
int cmd_events(struct ctl *c, int argc, char **argv);
int cmd_wait(struct ctl *c, int argc, char **argv);
int cmd_diff(struct ctl *c, int argc, char **argv);
int cmd_proxy(struct ctl *c, int argc, char **argv);
int cmd_options(struct ctl *c, int argc, char **argv);
int cmd_plugin(struct ctl *c, int argc, char **argv);

/* kubectl's plugin mechanism for a command line whose first word is no command (argv without
 * the program name): runs the longest kubectl-<word>-<word>... found on PATH with the remaining
 * arguments. Returns the plugin's exit status, or -1 when no plugin matched. */
int ctl_plugin_run(struct ctl *c, int argc, char **argv);

#endif
