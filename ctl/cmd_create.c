/* `c8sctl create` as kubectl create: -f (files posted with fieldManager=kubectl-create) and the
 * generators namespace, configmap, secret generic, deployment and serviceaccount, building the
 * objects kubectl builds (creationTimestamp null, empty status) and answering
 * "configmap/x created" or kubectl's "error: failed to create configmap: ..." lines. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "cleanup.h"
#include "fileio.h"
#include "generate.h"
#include "printers.h"
#include "xalloc.h"

/* Removes every "creationTimestamp": null from the object's nested metadata. */
static void drop_null_timestamps(json_t *v)
{
    const char *key;
    json_t *child;
    size_t i;
    if (json_is_object(v)) {
        if (json_is_null(json_object_get(v, "creationTimestamp"))) {
            json_object_del(v, "creationTimestamp");
        }
        json_object_foreach (v, key, child) {
            drop_null_timestamps(child);
        }
    } else if (json_is_array(v)) {
        json_array_foreach (v, i, child) {
            drop_null_timestamps(child);
        }
    }
}

/* Creates a generated object (or only prints it with --dry-run=client): POST to the collection
 * of g->resource with fieldManager=kubectl-create, then kubectl's line or -o output. */
static int post_generated(struct ctl *c, const struct generated *g, const struct create_opts *o)
{
    static const char *const cluster_scoped[] = {"namespaces", "clusterroles",
                                                 "clusterrolebindings"};
    bool namespaced = true;
    for (size_t i = 0; i < sizeof cluster_scoped / sizeof cluster_scoped[0]; i++) {
        namespaced = namespaced && strcmp(g->resource, cluster_scoped[i]) != 0;
    }
    if (namespaced && c->ns_explicit) {
        /* kubectl's EnforceNamespace: metadata.namespace right after the name */
        json_t *meta = json_object_get(g->obj, "metadata");
        json_t *placed =
            json_pack("{s:O, s:s}", "name", json_object_get(meta, "name"), "namespace", c->ns);
        json_object_update_missing(placed, meta);
        json_object_set_new(g->obj, "metadata", placed);
    }
    cleanup_free char *display = objects_display_obj(g->obj);
    if (o->dry_run == DRY_RUN_CLIENT) {
        return objects_print_result(c, g->obj, display, "created", o->output, o->dry_run, true);
    }
    if (ctl_discover(c) != 0) {
        return 1;
    }
    const struct mapper_resource *r = NULL;
    for (size_t i = 0; i < c->mapper.n && r == NULL; i++) {
        if (strcmp(c->mapper.v[i].resource, g->resource) == 0 &&
            strcmp(c->mapper.v[i].group, g->group) == 0 && c->mapper.v[i].preferred) {
            r = &c->mapper.v[i];
        }
    }
    if (r == NULL) {
        return ctl_error(c, "the server doesn't have a resource type \"%s\"", g->resource);
    }
    cleanup_free char *collection = mapper_collection_path(r, c->ns);
    cleanup_free char *path =
        xasprintf("%s?%sfieldManager=kubectl-create&fieldValidation=%s", collection,
                  objects_dry_run_query(o->dry_run), o->validation);
    /* kubectl's typed clients send no null timestamps (protobuf has none) */
    cleanup_json json_t *sent = json_deep_copy(g->obj);
    drop_null_timestamps(sent);
    cleanup_free char *body = printers_json_compact(sent);
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, "POST", path, CTL_ACCEPT_JSON, "application/json", body, &resp, &e) != 0) {
        return ctl_transport_error(c, &e);
    }
    int status = 0;
    if (resp.status < 200 || resp.status > 299) {
        if (g->what != NULL) {
            cleanup_json json_t *st = json_loads(resp.body ? resp.body : "", 0, NULL);
            const char *msg = json_string_value(json_object_get(st, "message"));
            if (msg != NULL) {
                /* kubectl wraps the generator's error as text: "failed to create X: msg" (a
                 * secret says "failed to create secret msg") */
                bool secret = strcmp(g->what, "secret") == 0;
                status = ctl_error(c, "failed to create %s%s%s", g->what, secret ? " " : ": ", msg);
                http_response_free(&resp);
                return status;
            }
        }
        status = ctl_api_error(c, &resp);
    } else {
        cleanup_json json_t *answer = json_loads(resp.body ? resp.body : "", 0, NULL);
        status = objects_print_result(c, answer ? answer : g->obj, display, "created", o->output,
                                      o->dry_run, true);
    }
    http_response_free(&resp);
    return status;
}

/* --from-literal=k=v and --from-file=[k=]path into data (base64 when encode). */
static int fill_data(struct ctl *c, json_t *data, const struct cli_strv *literals,
                     const struct cli_strv *files, bool encode)
{
    for (size_t i = 0; i < literals->n; i++) {
        const char *eq = strchr(literals->v[i], '=');
        if (eq == NULL || eq == literals->v[i]) {
            return ctl_error(c, "invalid literal source %s, expected key=value", literals->v[i]);
        }
        cleanup_free char *key = xstrndup(literals->v[i], (size_t)(eq - literals->v[i]));
        if (json_object_get(data, key) != NULL) {
            return ctl_error(c,
                             "cannot add key %s, another key by that name already exists in "
                             "Data for %s",
                             key, encode ? "Secret" : "ConfigMap");
        }
        cleanup_free char *value =
            encode ? b64_encode((const uint8_t *)eq + 1, strlen(eq + 1)) : xstrdup(eq + 1);
        json_object_set_new(data, key, json_string(value));
    }
    for (size_t i = 0; i < files->n; i++) {
        const char *spec = files->v[i];
        const char *eq = strchr(spec, '=');
        const char *path = eq ? eq + 1 : spec;
        const char *base = strrchr(path, '/');
        cleanup_free char *key =
            eq ? xstrndup(spec, (size_t)(eq - spec)) : xstrdup(base ? base + 1 : path);
        char *content = NULL;
        size_t len = 0;
        struct err e = {0};
        if (file_read_all(path, &content, &len, &e) != 0) {
            return ctl_error(c, "error reading %s: no such file or directory", path);
        }
        char *value = encode ? b64_encode((const uint8_t *)content, len) : xstrndup(content, len);
        free(content);
        json_object_set_new(data, key, json_string(value));
        free(value);
    }
    return 0;
}

/* The container name kubectl derives from an image: its last path element without tag or
 * digest. Owned. */
static char *container_name(const char *image)
{
    const char *slash = strrchr(image, '/');
    const char *base = slash ? slash + 1 : image;
    size_t len = strcspn(base, ":@");
    return xstrndup(base, len);
}

/* namespace, serviceaccount, configmap, secret generic and deployment. */
static int generate_simple(struct ctl *c, const struct create_opts *o, const char *gen,
                           const char *name, struct generated *g)
{
    json_t *obj = NULL;
    if (strcmp(gen, "namespace") == 0) {
        obj = generate_object("v1", "Namespace", name);
        json_object_set_new(obj, "spec", json_object());
        json_object_set_new(obj, "status", json_object());
        *g = (struct generated){obj, "namespaces", "", NULL};
    } else if (strcmp(gen, "serviceaccount") == 0) {
        obj = generate_object("v1", "ServiceAccount", name);
        *g = (struct generated){obj, "serviceaccounts", "", "serviceaccount"};
    } else if (strcmp(gen, "configmap") == 0 || strcmp(gen, "secret") == 0) {
        bool secret = strcmp(gen, "secret") == 0;
        obj = generate_object("v1", secret ? "Secret" : "ConfigMap", name);
        json_t *data = json_object();
        json_object_set_new(obj, "data", data);
        if (fill_data(c, data, &o->literals, &o->from_files, secret) != 0) {
            json_decref(obj);
            return 1;
        }
        if (json_object_size(data) == 0 && !secret) {
            json_object_del(obj, "data");
        }
        if (secret && o->secret_type && *o->secret_type) {
            json_object_set_new(obj, "type", json_string(o->secret_type));
        }
        *g = (struct generated){obj, secret ? "secrets" : "configmaps", "",
                                secret ? "secret" : "configmap"};
    } else {
        if (o->images.n == 0) {
            return ctl_error(c, "required flag(s) \"image\" not set");
        }
        obj = generate_object("apps/v1", "Deployment", name);
        json_object_set_new(json_object_get(obj, "metadata"), "labels",
                            json_pack("{s:s}", "app", name));
        json_t *containers = json_array();
        for (size_t i = 0; i < o->images.n; i++) {
            cleanup_free char *cname = container_name(o->images.v[i]);
            json_t *ctr = generate_container(cname, o->images.v[i], &o->command);
            if (o->port >= 0) {
                json_t *res = json_incref(json_object_get(ctr, "resources"));
                json_object_del(ctr, "resources");
                json_object_set_new(ctr, "ports", json_pack("[{s:i}]", "containerPort", o->port));
                json_object_set_new(ctr, "resources", res);
            }
            json_array_append_new(containers, ctr);
        }
        json_object_set_new(obj, "spec",
                            json_pack("{s:i, s:{s:{s:s}}, s:{s:{s:n, s:{s:s}}, s:{s:o}}, s:{}}",
                                      "replicas", o->replicas, "selector", "matchLabels", "app",
                                      name, "template", "metadata", "creationTimestamp", "labels",
                                      "app", name, "spec", "containers", containers, "strategy"));
        json_object_set_new(obj, "status", json_object());
        *g = (struct generated){obj, "deployments", "apps", "deployment"};
    }
    return 0;
}

/* kubectl create's subcommands and their aliases. */
static const char *generator_name(const char *word)
{
    static const char *const aliases[][2] = {
        {"ns", "namespace"},
        {"cm", "configmap"},
        {"deploy", "deployment"},
        {"sa", "serviceaccount"},
        {"svc", "service"},
        {"cj", "cronjob"},
        {"namespace", "namespace"},
        {"configmap", "configmap"},
        {"deployment", "deployment"},
        {"serviceaccount", "serviceaccount"},
        {"secret", "secret"},
        {"service", "service"},
        {"job", "job"},
        {"cronjob", "cronjob"},
        {"role", "role"},
        {"clusterrole", "clusterrole"},
        {"rolebinding", "rolebinding"},
        {"clusterrolebinding", "clusterrolebinding"},
        {"token", "token"},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (strcmp(word, aliases[i][0]) == 0) {
            return aliases[i][1];
        }
    }
    return NULL;
}

static int create_generated(struct ctl *c, struct create_opts *o, struct cli_strv *args)
{
    const char *gen = generator_name(args->v[0]);
    if (gen == NULL) {
        fprintf(c->errout, "Error: unknown command \"%s\" for \"%s create\"\n", args->v[0],
                c->prog);
        return 1;
    }
    snprintf(c->cmd_path, sizeof c->cmd_path, "create %s", gen);
    size_t first = 1;
    const char *sub = NULL;
    if (strcmp(gen, "secret") == 0 || strcmp(gen, "service") == 0) {
        bool secret = strcmp(gen, "secret") == 0;
        if (args->n < 2 ||
            (secret && strcmp(args->v[1], "generic") != 0 && strcmp(args->v[1], "tls") != 0)) {
            return ctl_error(c, "\"create %s %s\" is not implemented by %s yet", gen,
                             args->n < 2 ? "" : args->v[1], c->prog);
        }
        sub = args->v[1];
        snprintf(c->cmd_path, sizeof c->cmd_path, "create %s %s", gen, sub);
        first = 2;
    }
    if (args->n - first != 1) {
        return ctl_usage_error(c, "exactly one NAME is required, got %zu", args->n - first);
    }
    if (objects_dry_run(c, o->dry_run_flag, &o->dry_run) != 0 ||
        objects_validation(c, o->validate, &o->validation) != 0 ||
        objects_check_output(c, o->output) != 0 || ctl_connect(c) != 0) {
        return 1;
    }
    const char *name = args->v[first];
    if (strcmp(gen, "token") == 0) {
        return generate_token(c, o, name);
    }
    struct generated g = {0};
    int rc;
    if (strcmp(gen, "service") == 0) {
        rc = generate_service(c, o, sub, name, &g);
    } else if (sub != NULL && strcmp(sub, "tls") == 0) {
        rc = generate_secret_tls(c, o, name, &g);
    } else if (strcmp(gen, "job") == 0) {
        rc = generate_job(c, o, name, &g);
    } else if (strcmp(gen, "cronjob") == 0) {
        rc = generate_cronjob(c, o, name, &g);
    } else if (strcmp(gen, "role") == 0 || strcmp(gen, "clusterrole") == 0) {
        rc = generate_role(c, o, strcmp(gen, "clusterrole") == 0, name, &g);
    } else if (strcmp(gen, "rolebinding") == 0 || strcmp(gen, "clusterrolebinding") == 0) {
        rc = generate_binding(c, o, strcmp(gen, "clusterrolebinding") == 0, name, &g);
    } else {
        rc = generate_simple(c, o, gen, name, &g);
    }
    if (rc != 0) {
        return rc;
    }
    rc = post_generated(c, &g, o);
    json_decref(g.obj);
    return rc;
}

static void create_opts_free(struct create_opts *o)
{
    struct cli_strv *lists[] = {
        &o->files,     &o->literals, &o->from_files,       &o->images,
        &o->tcp,       &o->verbs,    &o->resources,        &o->resource_names,
        &o->users,     &o->groups,   &o->service_accounts, &o->non_resource_urls,
        &o->audiences, &o->command};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        cli_strv_free(lists[i]);
    }
}

int cmd_create(struct ctl *c, int argc, char **argv)
{
    struct create_opts o = {
        .output = "", .validate = "strict", .dry_run_flag = "none", .replicas = 1, .port = -1};
    struct cli_strv args = {0};
    struct cli_flag flags[] = {
        {"filename", 'f', CLI_STRING_SLICE, &o.files, false},
        {"recursive", 'R', CLI_BOOL, &o.recursive, false},
        {"output", 'o', CLI_STRING, &o.output, false},
        {"validate", 0, CLI_STRING, &o.validate, false},
        {"dry-run", 0, CLI_STRING, &o.dry_run_flag, false},
        {"from-literal", 0, CLI_STRING_ARRAY, &o.literals, false},
        {"from-file", 0, CLI_STRING_SLICE, &o.from_files, false},
        {"type", 0, CLI_STRING, &o.secret_type, false},
        {"image", 0, CLI_STRING_SLICE, &o.images, false},
        {"replicas", 'r', CLI_INT, &o.replicas, false},
        {"port", 0, CLI_INT, &o.port, false},
        {"cert", 0, CLI_STRING, &o.cert, false},
        {"key", 0, CLI_STRING, &o.key, false},
        {"tcp", 0, CLI_STRING_SLICE, &o.tcp, false},
        {"clusterip", 0, CLI_STRING, &o.cluster_ip, false},
        {"external-name", 0, CLI_STRING, &o.external_name, false},
        {"node-port", 0, CLI_INT, &o.node_port, false},
        {"from", 0, CLI_STRING, &o.from, false},
        {"schedule", 0, CLI_STRING, &o.schedule, false},
        {"restart", 0, CLI_STRING, &o.restart, false},
        {"verb", 0, CLI_STRING_SLICE, &o.verbs, false},
        {"resource", 0, CLI_STRING_SLICE, &o.resources, false},
        {"resource-name", 0, CLI_STRING_ARRAY, &o.resource_names, false},
        {"non-resource-url", 0, CLI_STRING_SLICE, &o.non_resource_urls, false},
        {"role", 0, CLI_STRING, &o.role, false},
        {"clusterrole", 0, CLI_STRING, &o.cluster_role, false},
        {"user", 0, CLI_STRING_ARRAY, &o.users, false},
        {"group", 0, CLI_STRING_ARRAY, &o.groups, false},
        {"serviceaccount", 0, CLI_STRING_ARRAY, &o.service_accounts, false},
        {"duration", 0, CLI_STRING, &o.duration, false},
        {"audience", 0, CLI_STRING_ARRAY, &o.audiences, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    /* the words after "--" are the container's command (kubectl's ArgsLenAtDash) */
    int dash = argc;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            dash = i;
            break;
        }
    }
    for (int i = dash + 1; i < argc; i++) {
        cli_strv_add(&o.command, argv[i]);
    }
    int status = 0;
    if (!ctl_parse(c, flags, dash, argv, &args, &status)) {
        goto out;
    }
    if (args.n == 0) {
        if (objects_dry_run(c, o.dry_run_flag, &o.dry_run) != 0 ||
            objects_validation(c, o.validate, &o.validation) != 0) {
            status = 1;
        } else if (o.files.n == 0) {
            status = ctl_error(c, "must specify one of -f and -k");
        } else {
            struct run_files_opts ro = {RUN_CREATE, o.recursive, o.output,    o.dry_run,
                                        NULL,       false,       o.validation};
            status = ctl_run_files(c, &o.files, &ro);
        }
        goto out;
    }
    status = create_generated(c, &o, &args);
out:
    create_opts_free(&o);
    cli_strv_free(&args);
    return status;
}
