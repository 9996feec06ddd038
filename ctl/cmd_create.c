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
#include "objects.h"
#include "printers.h"
#include "xalloc.h"

int ctl_run_files(struct ctl *c, const struct cli_strv *files, bool recursive, const char *output,
                  bool apply);

/* Posts a generated object to the collection of resource (found by plural and group).
 * what names the object in kubectl's failure line ("configmap") or NULL for plain errors. */
static int post_generated(struct ctl *c, const char *resource, const char *group, json_t *obj,
                          const char *what, const char *output)
{
    if (ctl_discover(c) != 0) {
        return 1;
    }
    const struct mapper_resource *r = NULL;
    for (size_t i = 0; i < c->mapper.n && r == NULL; i++) {
        if (strcmp(c->mapper.v[i].resource, resource) == 0 &&
            strcmp(c->mapper.v[i].group, group) == 0 && c->mapper.v[i].preferred) {
            r = &c->mapper.v[i];
        }
    }
    if (r == NULL) {
        return ctl_error(c, "the server doesn't have a resource type \"%s\"", resource);
    }
    const char *name = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
    cleanup_free char *collection = mapper_collection_path(r, c->ns);
    cleanup_free char *path =
        xasprintf("%s?fieldManager=kubectl-create&fieldValidation=Strict", collection);
    cleanup_free char *body = printers_json_compact(obj);
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, "POST", path, CTL_ACCEPT_JSON, "application/json", body, &resp, &e) != 0) {
        return ctl_transport_error(c, &e);
    }
    int status = 0;
    if (resp.status < 200 || resp.status > 299) {
        if (what != NULL) {
            cleanup_json json_t *st = json_loads(resp.body ? resp.body : "", 0, NULL);
            const char *msg = json_string_value(json_object_get(st, "message"));
            const char *reason = json_string_value(json_object_get(st, "reason"));
            if (msg != NULL && !(reason && strcmp(reason, "Invalid") == 0)) {
                /* kubectl wraps the generator's error as text: "failed to create X: msg" (a
                 * secret says "failed to create secret msg") */
                bool secret = strcmp(what, "secret") == 0;
                status = ctl_error(c, "failed to create %s%s%s", what, secret ? " " : ": ", msg);
                http_response_free(&resp);
                return status;
            }
        }
        status = ctl_api_error(c, &resp);
    } else {
        cleanup_free char *display = objects_display(r, name ? name : "");
        if (strcmp(output, "name") == 0) {
            fprintf(c->out, "%s\n", display);
        } else {
            fprintf(c->out, "%s created\n", display);
        }
    }
    http_response_free(&resp);
    return status;
}

static json_t *new_object(const char *api_version, const char *kind, const char *name)
{
    return json_pack("{s:s, s:s, s:{s:s, s:n}}", "kind", kind, "apiVersion", api_version,
                     "metadata", "name", name, "creationTimestamp");
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

int cmd_create(struct ctl *c, int argc, char **argv)
{
    struct cli_strv files = {0}, args = {0}, literals = {0}, from_files = {0}, images = {0};
    bool recursive = false;
    const char *output = "", *validate = "strict";
    int replicas = 1, port = -1;
    cleanup_json json_t *obj = NULL;
    struct cli_flag flags[] = {
        {"filename", 'f', CLI_STRING_SLICE, &files, false},
        {"recursive", 'R', CLI_BOOL, &recursive, false},
        {"output", 'o', CLI_STRING, &output, false},
        {"validate", 0, CLI_STRING, &validate, false},
        {"from-literal", 0, CLI_STRING_ARRAY, &literals, false},
        {"from-file", 0, CLI_STRING_SLICE, &from_files, false},
        {"image", 0, CLI_STRING_SLICE, &images, false},
        {"replicas", 'r', CLI_INT, &replicas, false},
        {"port", 0, CLI_INT, &port, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    if (args.n == 0) {
        if (files.n == 0) {
            status = ctl_error(c, "must specify one of -f and -k");
        } else {
            status = ctl_run_files(c, &files, recursive, output, false);
        }
        goto out;
    }
    static const char *const aliases[][2] = {
        {"ns", "namespace"},          {"cm", "configmap"},
        {"deploy", "deployment"},     {"sa", "serviceaccount"},
        {"namespace", "namespace"},   {"configmap", "configmap"},
        {"deployment", "deployment"}, {"serviceaccount", "serviceaccount"},
        {"secret", "secret"},
    };
    const char *gen = NULL;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (strcmp(args.v[0], aliases[i][0]) == 0) {
            gen = aliases[i][1];
        }
    }
    if (gen == NULL) {
        fprintf(c->errout, "Error: unknown command \"%s\" for \"%s create\"\n", args.v[0], c->prog);
        status = 1;
        goto out;
    }
    snprintf(c->cmd_path, sizeof c->cmd_path, "create %s", gen);
    size_t first = 1;
    if (strcmp(gen, "secret") == 0) {
        if (args.n < 2 || strcmp(args.v[1], "generic") != 0) {
            status =
                ctl_error(c, "only \"create secret generic\" is implemented by %s yet", c->prog);
            goto out;
        }
        snprintf(c->cmd_path, sizeof c->cmd_path, "create secret generic");
        first = 2;
    }
    if (args.n - first != 1) {
        status = ctl_usage_error(c, "exactly one NAME is required, got %zu", args.n - first);
        goto out;
    }
    if (ctl_connect(c) != 0) {
        status = 1;
        goto out;
    }
    const char *name = args.v[first];
    if (strcmp(gen, "namespace") == 0) {
        obj = new_object("v1", "Namespace", name);
        json_object_set_new(obj, "spec", json_object());
        json_object_set_new(obj, "status", json_object());
        status = post_generated(c, "namespaces", "", obj, NULL, output);
    } else if (strcmp(gen, "serviceaccount") == 0) {
        obj = new_object("v1", "ServiceAccount", name);
        status = post_generated(c, "serviceaccounts", "", obj, "serviceaccount", output);
    } else if (strcmp(gen, "configmap") == 0 || strcmp(gen, "secret") == 0) {
        bool secret = strcmp(gen, "secret") == 0;
        obj = new_object("v1", secret ? "Secret" : "ConfigMap", name);
        json_t *data = json_object();
        json_object_set_new(obj, "data", data);
        if (fill_data(c, data, &literals, &from_files, secret) != 0) {
            status = 1;
            goto out;
        }
        if (json_object_size(data) == 0 && !secret) {
            json_object_del(obj, "data");
        }
        status = post_generated(c, secret ? "secrets" : "configmaps", "", obj,
                                secret ? "secret" : "configmap", output);
    } else if (strcmp(gen, "deployment") == 0) {
        if (images.n == 0) {
            status = ctl_error(c, "required flag(s) \"image\" not set");
            goto out;
        }
        obj = new_object("apps/v1", "Deployment", name);
        json_object_set_new(json_object_get(obj, "metadata"), "labels",
                            json_pack("{s:s}", "app", name));
        json_t *containers = json_array();
        for (size_t i = 0; i < images.n; i++) {
            cleanup_free char *cname = container_name(images.v[i]);
            json_t *ctr =
                json_pack("{s:s, s:s, s:{}}", "name", cname, "image", images.v[i], "resources");
            if (port >= 0) {
                json_object_set_new(ctr, "ports", json_pack("[{s:i}]", "containerPort", port));
            }
            json_array_append_new(containers, ctr);
        }
        json_object_set_new(obj, "spec",
                            json_pack("{s:i, s:{s:{s:s}}, s:{s:{s:{s:s}}, s:{s:o}}, s:{}}",
                                      "replicas", replicas, "selector", "matchLabels", "app", name,
                                      "template", "metadata", "labels", "app", name, "spec",
                                      "containers", containers, "strategy"));
        json_object_set_new(obj, "status", json_object());
        status = post_generated(c, "deployments", "apps", obj, "deployment", output);
    }
out:
    cli_strv_free(&files);
    cli_strv_free(&args);
    cli_strv_free(&literals);
    cli_strv_free(&from_files);
    cli_strv_free(&images);
    return status;
}
