/* kubeconfig files as kubectl (client-go's clientcmd) loads them: --kubeconfig, else the
 * $KUBECONFIG list merged with the first file to set a name winning, else ~/.kube/config;
 * relative paths resolve against their file's folder; a context resolves to one effective
 * client configuration. Files are read with yamlx and written back with yamlx_dump. */
#ifndef C8S_KUBECONFIG_H
#define C8S_KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"

/* kubectl's server when the configuration names none. */
#define KUBECONFIG_DEFAULT_SERVER "http://localhost:8080"

/* One context resolved (client-go's rest.Config for it). Every pointer is owned and NULL when
 * unset, except server and namespace, which always hold a value. Free with kubeconfig_close. */
struct kubeconfig {
    char *context;                 /* the context's name, NULL when none was selected */
    char *cluster;                 /* the context's cluster name */
    char *user;                    /* the context's user name */
    char *server;                  /* URL; KUBECONFIG_DEFAULT_SERVER when unset */
    char *tls_server_name;         /* tls-server-name */
    bool insecure_skip_tls_verify; /* insecure-skip-tls-verify */
    char *ca_file;                 /* certificate-authority, an absolute path */
    unsigned char *ca_data;        /* certificate-authority-data, decoded (PEM) */
    size_t ca_data_len;
    char *client_cert_file;          /* client-certificate */
    unsigned char *client_cert_data; /* client-certificate-data, decoded */
    size_t client_cert_data_len;
    char *client_key_file;          /* client-key */
    unsigned char *client_key_data; /* client-key-data, decoded */
    size_t client_key_data_len;
    char *token;      /* token, or the trimmed content of tokenFile */
    char *token_file; /* tokenFile */
    char *username;
    char *password;
    char *namespace; /* the context's namespace, "default" when unset */
};

/* Reads one kubeconfig file as written, without resolving paths, into a new reference (an
 * empty file gives an empty object). Errors: -errno with `open <path>: <strerror>`, or
 * C8S_EPARSE with `error loading config file "<path>": <yaml error>`. */
int kubeconfig_read_file(const char *path, json_t **out, struct err *err) C8S_MUST_USE;

/* Loads and merges as kubectl does: explicit_path when not NULL/empty (it must exist:
 * `stat <path>: no such file or directory`); else each file of env_kubeconfig (a
 * colon-separated list; missing files are skipped, repeats ignored) when not NULL/empty; else
 * <home>/.kube/config when it exists; else an empty configuration. The first file to define a
 * cluster, user or context name provides all of it; current-context comes from the first file
 * that sets one. Relative file paths (certificate-authority, client-certificate, client-key,
 * tokenFile) are made absolute against their own file's folder. *out is a new reference in the
 * file format (clusters/contexts/users lists with name). Borrows the strings. */
int kubeconfig_load_paths(const char *explicit_path, const char *env_kubeconfig, const char *home,
                          json_t **out, struct err *err) C8S_MUST_USE;

/* kubeconfig_load_paths with $KUBECONFIG and $HOME from the environment. Not thread-safe
 * against setenv. */
int kubeconfig_load(const char *explicit_path, json_t **out, struct err *err) C8S_MUST_USE;

/* Returns the inner object of the entry called name in the list ("clusters", "contexts" or
 * "users") of config: for contexts, the {cluster, user, namespace} object. Borrowed; NULL when
 * absent. The last entry of a name wins, as client-go's conversion keeps it. */
json_t *kubeconfig_find(const json_t *config, const char *list, const char *name);

/* Resolves context (NULL or "" for current-context) of a loaded config into out (caller
 * storage, filled only on success). Reads tokenFile when there is no token. Errors:
 * -ENOENT `context was not found for specified context: <name>`; -EINVAL for bad base64 in a
 * *-data field; -errno when tokenFile cannot be read. With no context at all, out holds the
 * defaults (server KUBECONFIG_DEFAULT_SERVER, namespace "default"), as kubectl falls back. */
int kubeconfig_resolve(const json_t *config, const char *context, struct kubeconfig *out,
                       struct err *err) C8S_MUST_USE;

/* Frees what kubeconfig_resolve stored in kc and zeroes it. */
void kubeconfig_close(struct kubeconfig *kc);

/* Writes config (borrowed, file format) to path as kubectl writes kubeconfig files: YAML from
 * yamlx_dump, mode 0600, through a temporary file renamed into place; creates the parent folder
 * (0755) when missing. Errors: -errno with the failing operation and path. */
int kubeconfig_write(const char *path, const json_t *config, struct err *err) C8S_MUST_USE;

#endif
