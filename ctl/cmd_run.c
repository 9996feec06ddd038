/* `c8sctl run` and `c8sctl expose` as kubectl's: run creates one pod (labels run=<name>
 * unless --labels, --env, --port, --command or args after "--", restartPolicy and dnsPolicy
 * ClusterFirst); expose makes a Service selecting what a deployment, replica set, pod or service
 * selects, with the ports given or those of the object. Both print the object with
 * --dry-run=client -o json|yaml exactly as kubectl does (Go struct field order). run -i/-t/--attach
 * waits for the pod to run and be ready (an informer-style list and watch, as kubectl's) up to
 * --pod-running-timeout, attaches, and with --rm deletes the pod at the end. */
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "cleanup.h"
#include "duration.h"
#include "generate.h"
#include "printers.h"
#include "xalloc.h"

/* "a=b,c=d" into an object (kubectl's ParseLabels). Returns a new reference or NULL. */
static json_t *parse_labels(const char *spec)
{
    json_t *labels = json_object();
    cleanup_free char *copy = xstrdup(spec);
    char *save = NULL;
    for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (eq == NULL || eq == kv) {
            json_decref(labels);
            return NULL;
        }
        *eq = '\0';
        json_object_set_new(labels, kv, json_string(eq + 1));
    }
    return labels;
}

/* POSTs obj (or only prints it with --dry-run=client) and prints "<display> <verb>" or -o.
 * Returns the exit status. */
static int create_object(struct ctl *c, json_t *obj, const char *resource, const char *verb,
                         const char *output, enum dry_run dry_run)
{
    cleanup_free char *display = objects_display_obj(obj);
    if (dry_run == DRY_RUN_CLIENT) {
        return objects_print_result(c, obj, display, verb, output, dry_run, true);
    }
    cleanup_free char *ns = ctl_query_escape(c->ns);
    cleanup_free char *path = xasprintf(
        "/api/v1/namespaces/%s/%s?%sfieldManager=kubectl-%s&fieldValidation=Strict", ns, resource,
        objects_dry_run_query(dry_run), strcmp(resource, "pods") == 0 ? "run" : "expose");
    cleanup_json json_t *answer = NULL;
    if (ctl_request_json(c, "POST", path, NULL, "application/json", obj, &answer) != 0) {
        return 1;
    }
    return objects_print_result(c, answer, display, verb, output, dry_run, true);
}

/* waitForPod(podRunningAndReady): running and ready, or already completed. */
static bool pod_running_and_ready(const char *type, const json_t *pod, void *data)
{
    (void)data;
    if (strcmp(type, "DELETED") == 0) {
        return false;
    }
    const json_t *st = json_object_get(pod, "status");
    const char *phase = json_string_value(json_object_get(st, "phase"));
    if (phase == NULL) {
        return false;
    }
    if (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0) {
        return true;
    }
    size_t i;
    json_t *cond;
    json_array_foreach (json_object_get(st, "conditions"), i, cond) {
        const char *t = json_string_value(json_object_get(cond, "type"));
        const char *v = json_string_value(json_object_get(cond, "status"));
        if (t && strcmp(t, "Ready") == 0 && v && strcmp(v, "True") == 0) {
            return strcmp(phase, "Running") == 0;
        }
    }
    return false;
}

/* The pod deletion of --rm: GET, then DELETE (Background), "pod "x" deleted". */
static void remove_pod(struct ctl *c, const char *path, const char *name)
{
    cleanup_json json_t *live = NULL, *gone = NULL;
    if (ctl_request_json(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &live) != 0) {
        return;
    }
    cleanup_json json_t *body = json_pack("{s:s, s:s, s:s}", "kind", "DeleteOptions", "apiVersion",
                                          "v1", "propagationPolicy", "Background");
    if (ctl_request_json(c, "DELETE", path, CTL_ACCEPT_JSON, "application/json", body, &gone) ==
        0) {
        fprintf(c->out, "pod \"%s\" deleted\n", name);
    }
}

/* run -i/--attach: creates pod (borrowed), waits until it runs, attaches; --rm deletes it. */
static int run_attached(struct ctl *c, const json_t *pod, const struct attach_opts *o,
                        int64_t timeout_ns, bool remove)
{
    const char *name = json_string_value(json_object_get(json_object_get(pod, "metadata"), "name"));
    cleanup_free char *ns = ctl_query_escape(c->ns);
    cleanup_free char *name_q = ctl_query_escape(name);
    cleanup_free char *collection = xasprintf("/api/v1/namespaces/%s/pods", ns);
    cleanup_free char *create_path = xasprintf("%s?fieldManager=kubectl-run", collection);
    cleanup_free char *object_path = xasprintf("%s/%s", collection, name_q);
    cleanup_json json_t *created = NULL, *running = NULL;
    if (ctl_request_json(c, "POST", create_path, CTL_ACCEPT_ANY, "application/json", pod,
                         &created) != 0) {
        return 1;
    }
    /* client-go's reflector: a random watch timeout between 5 and 10 minutes */
    unsigned seconds = 300 + (unsigned)(rand() % 300);
    char human[32];
    duration_format((int64_t)seconds * 1000000000, human, sizeof human);
    cleanup_free char *field = xasprintf("fieldSelector=metadata.name%%3D%s", name_q);
    cleanup_free char *list_q = xasprintf("%s&limit=500&resourceVersion=0", field);
    cleanup_free char *before = xasprintf("allowWatchBookmarks=true&%s&", field);
    cleanup_free char *after =
        xasprintf("&timeout=%s&timeoutSeconds=%u&watch=true", human, seconds);
    int status = attach_watch_until(c, collection, list_q, before, after, pod_running_and_ready,
                                    NULL, timeout_ns, &running);
    if (status == 0) {
        cleanup_free char *command_name = xasprintf("%s attach", c->prog);
        status = attach_to_pod(c, running, o, command_name);
    }
    fflush(c->errout);
    if (remove) {
        remove_pod(c, object_path, name);
    }
    return status;
}

int cmd_run(struct ctl *c, int argc, char **argv)
{
    struct cli_strv args = {0}, env = {0}, words = {0};
    const char *image = NULL, *restart = "Always", *labels_flag = NULL, *port = NULL;
    const char *output = "", *dry_run_flag = "none", *pull_policy = NULL;
    const char *timeout_flag = "1m0s";
    bool command = false, stdin_open = false, tty = false, attach = false, remove = false;
    bool quiet = false;
    struct cli_flag flags[] = {
        {"image", 0, CLI_STRING, &image, false},
        {"restart", 0, CLI_STRING, &restart, false},
        {"env", 0, CLI_STRING_ARRAY, &env, false},
        {"labels", 'l', CLI_STRING, &labels_flag, false},
        {"port", 0, CLI_STRING, &port, false},
        {"command", 0, CLI_BOOL, &command, false},
        {"output", 'o', CLI_STRING, &output, false},
        {"dry-run", 0, CLI_STRING, &dry_run_flag, false},
        {"image-pull-policy", 0, CLI_STRING, &pull_policy, false},
        {"stdin", 'i', CLI_BOOL, &stdin_open, false},
        {"tty", 't', CLI_BOOL, &tty, false},
        {"attach", 0, CLI_BOOL, &attach, false},
        {"rm", 0, CLI_BOOL, &remove, false},
        {"quiet", 'q', CLI_BOOL, &quiet, false},
        {"pod-running-timeout", 0, CLI_STRING, &timeout_flag, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int dash = argc;
    for (int i = 0; i < argc && dash == argc; i++) {
        dash = strcmp(argv[i], "--") == 0 ? i : argc;
    }
    for (int i = dash + 1; i < argc; i++) {
        cli_strv_add(&words, argv[i]);
    }
    int status = 0;
    int64_t timeout_ns = 0;
    enum dry_run dry_run = DRY_RUN_NONE;
    cleanup_json json_t *obj = NULL;
    if (!ctl_parse(c, flags, dash, argv, &args, &status)) {
        goto out;
    }
    if (args.n == 0) {
        status = ctl_usage_error(c, "NAME is required for run");
        goto out;
    }
    struct err terr = {0};
    if (duration_parse(timeout_flag, &timeout_ns, &terr) != 0 || timeout_ns <= 0) {
        status = ctl_usage_error(c, "%s",
                                 timeout_ns <= 0 && terr.msg[0] == '\0'
                                     ? "--pod-running-timeout must be higher than zero"
                                     : terr.msg);
        goto out;
    }
    if (image == NULL || *image == '\0') {
        status = ctl_error(c, "required flag(s) \"image\" not set");
        goto out;
    }
    if (tty && !stdin_open) {
        status = ctl_usage_error(c, "-i/--stdin is required for containers with -t/--tty=true");
        goto out;
    }
    if (strcmp(restart, "Always") != 0 && strcmp(restart, "OnFailure") != 0 &&
        strcmp(restart, "Never") != 0) {
        status = ctl_usage_error(c, "invalid restart policy: %s", restart);
        goto out;
    }
    if (!cli_changed(flags, "attach")) {
        attach = stdin_open; /* -i attaches unless --attach=false */
    }
    if (!attach && remove) {
        status = ctl_usage_error(c, "--rm should only be used for attached containers");
        goto out;
    }
    if (objects_dry_run(c, dry_run_flag, &dry_run) != 0 || objects_check_output(c, output) != 0) {
        status = 1;
        goto out;
    }
    if (attach && dry_run != DRY_RUN_NONE) {
        status = ctl_usage_error(c, "--dry-run=[server|client] can't be used with attached "
                                    "containers options (--attach, --stdin, or --tty)");
        goto out;
    }
    if (ctl_connect(c) != 0) {
        status = 1;
        goto out;
    }
    /* words after the name and before "--" are arguments too */
    for (size_t i = 1; i < args.n; i++) {
        cli_strv_add(&words, args.v[i]);
    }
    const char *name = args.v[0];
    json_t *labels = labels_flag ? parse_labels(labels_flag) : json_pack("{s:s}", "run", name);
    if (labels == NULL) {
        status = ctl_error(c, "invalid label spec: %s", labels_flag);
        goto out;
    }
    obj = generate_object("v1", "Pod", name);
    json_t *meta = json_object_get(obj, "metadata");
    if (c->ns_explicit) {
        json_t *placed =
            json_pack("{s:s, s:s, s:n}", "name", name, "namespace", c->ns, "creationTimestamp");
        json_object_set_new(obj, "metadata", placed);
        meta = placed;
    }
    json_object_set_new(meta, "labels", labels);
    json_t *ctr = json_pack("{s:s, s:s}", "name", name, "image", image);
    if (words.n > 0) {
        json_t *list = json_array();
        for (size_t i = 0; i < words.n; i++) {
            json_array_append_new(list, json_string(words.v[i]));
        }
        json_object_set_new(ctr, command ? "command" : "args", list);
    }
    if (port != NULL && *port) {
        json_object_set_new(ctr, "ports", json_pack("[{s:i}]", "containerPort", atoi(port)));
    }
    if (env.n > 0) {
        json_t *list = json_array();
        for (size_t i = 0; i < env.n; i++) {
            const char *eq = strchr(env.v[i], '=');
            cleanup_free char *key = eq ? xstrndup(env.v[i], (size_t)(eq - env.v[i])) : NULL;
            if (eq == NULL || *key == '\0') {
                json_decref(list);
                json_decref(ctr);
                status = ctl_error(c, "invalid env: %s", env.v[i]);
                goto out;
            }
            json_array_append_new(list, json_pack("{s:s, s:s}", "name", key, "value", eq + 1));
        }
        json_object_set_new(ctr, "env", list);
    }
    json_object_set_new(ctr, "resources", json_object());
    if (pull_policy != NULL && *pull_policy) {
        json_object_set_new(ctr, "imagePullPolicy", json_string(pull_policy));
    }
    if (stdin_open) {
        json_object_set_new(ctr, "stdin", json_true());
        json_object_set_new(ctr, "stdinOnce", json_true());
    }
    if (tty) {
        json_object_set_new(ctr, "tty", json_true());
    }
    json_t *spec = json_pack("{s:[o], s:s, s:s}", "containers", ctr, "restartPolicy", restart,
                             "dnsPolicy", "ClusterFirst");
    json_object_set_new(obj, "spec", spec);
    json_object_set_new(obj, "status", json_object());
    if (attach) {
        struct attach_opts o = {.stdin_open = stdin_open, .tty = tty, .quiet = quiet};
        status = run_attached(c, obj, &o, timeout_ns, remove);
        goto out;
    }
    status = create_object(c, obj, "pods", "created", output, dry_run);
out:
    cli_strv_free(&args);
    cli_strv_free(&env);
    cli_strv_free(&words);
    return status;
}

/* The selector and ports expose derives from an object: the selector of a deployment or
 * replica set (matchLabels), a service or replication controller (spec.selector), or a pod's
 * labels; the container ports of pods and pod templates, or a service's ports. */
static int exposable(struct ctl *c, const json_t *live, json_t **selector, json_t **ports)
{
    const char *kind = json_string_value(json_object_get(live, "kind"));
    json_t *spec = json_object_get(live, "spec");
    const json_t *pod_spec = NULL;
    if (kind == NULL) {
        kind = "";
    }
    if (strcmp(kind, "Deployment") == 0 || strcmp(kind, "ReplicaSet") == 0) {
        *selector = json_object_get(json_object_get(spec, "selector"), "matchLabels");
        pod_spec = json_object_get(json_object_get(spec, "template"), "spec");
    } else if (strcmp(kind, "ReplicationController") == 0) {
        *selector = json_object_get(spec, "selector");
        pod_spec = json_object_get(json_object_get(spec, "template"), "spec");
    } else if (strcmp(kind, "Pod") == 0) {
        *selector = json_object_get(json_object_get(live, "metadata"), "labels");
        pod_spec = spec;
    } else if (strcmp(kind, "Service") == 0) {
        *selector = json_object_get(spec, "selector");
    } else {
        return ctl_error(c, "cannot expose a %s", kind);
    }
    *ports = json_array();
    size_t i, j;
    json_t *ctr, *p;
    if (pod_spec == NULL) {
        json_array_foreach (json_object_get(spec, "ports"), i, p) {
            json_array_append_new(*ports,
                                  json_pack("{s:O, s:O}", "port", json_object_get(p, "port"),
                                            "protocol", json_object_get(p, "protocol")));
        }
        return 0;
    }
    json_array_foreach (json_object_get(pod_spec, "containers"), i, ctr) {
        json_array_foreach (json_object_get(ctr, "ports"), j, p) {
            json_t *proto = json_object_get(p, "protocol");
            json_array_append_new(*ports, json_pack("{s:O, s:s}", "port",
                                                    json_object_get(p, "containerPort"), "protocol",
                                                    proto ? json_string_value(proto) : "TCP"));
        }
    }
    return 0;
}

/* The Service expose builds: labels of the object, its selector, and ports. */
static json_t *expose_service(struct ctl *c, const json_t *live, const char *name,
                              const json_t *selector, const json_t *ports, const char *port,
                              const char *target_port, const char *protocol, const char *type)
{
    json_t *obj = generate_object("v1", "Service", name);
    json_t *placed =
        json_pack("{s:s, s:s, s:n}", "name", name, "namespace", c->ns, "creationTimestamp");
    json_object_set_new(obj, "metadata", placed);
    json_t *labels = json_object_get(json_object_get(live, "metadata"), "labels");
    if (json_object_size(labels) > 0) {
        json_object_set(placed, "labels", labels);
    }
    json_t *list = json_array();
    if (port != NULL && *port) {
        json_array_append_new(list, json_pack("{s:s, s:i}", "protocol",
                                              protocol && *protocol ? protocol : "TCP", "port",
                                              atoi(port)));
    } else {
        size_t i;
        json_t *p;
        json_array_foreach (ports, i, p) {
            json_t *sp = json_object();
            if (json_array_size(ports) > 1) {
                cleanup_free char *pname = xasprintf("port-%zu", i + 1);
                json_object_set_new(sp, "name", json_string(pname));
            }
            json_object_set_new(
                sp, "protocol",
                json_string(protocol && *protocol
                                ? protocol
                                : json_string_value(json_object_get(p, "protocol"))));
            json_object_set(sp, "port", json_object_get(p, "port"));
            json_array_append_new(list, sp);
        }
    }
    size_t i;
    json_t *sp;
    json_array_foreach (list, i, sp) {
        if (target_port != NULL && *target_port) {
            char *end = NULL;
            long v = strtol(target_port, &end, 10);
            json_object_set_new(sp, "targetPort",
                                *end == '\0' ? json_integer(v) : json_string(target_port));
        } else {
            json_object_set(sp, "targetPort", json_object_get(sp, "port"));
        }
    }
    json_t *spec = json_pack("{s:o, s:O}", "ports", list, "selector", selector);
    if (type != NULL && *type) {
        json_object_set_new(spec, "type", json_string(type));
    }
    json_object_set_new(obj, "spec", spec);
    json_object_set_new(obj, "status", json_pack("{s:{}}", "loadBalancer"));
    return obj;
}

int cmd_expose(struct ctl *c, int argc, char **argv)
{
    struct cli_strv args = {0};
    const char *port = NULL, *target_port = NULL, *type = NULL, *name = NULL, *protocol = NULL;
    const char *output = "", *dry_run_flag = "none";
    struct cli_flag flags[] = {
        {"port", 0, CLI_STRING, &port, false},
        {"target-port", 0, CLI_STRING, &target_port, false},
        {"type", 0, CLI_STRING, &type, false},
        {"name", 0, CLI_STRING, &name, false},
        {"protocol", 0, CLI_STRING, &protocol, false},
        {"output", 'o', CLI_STRING, &output, false},
        {"dry-run", 0, CLI_STRING, &dry_run_flag, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    enum dry_run dry_run = DRY_RUN_NONE;
    struct target *targets = NULL;
    size_t ntargets = 0;
    cleanup_json json_t *live = NULL, *obj = NULL, *ports = NULL;
    cleanup_free char *path = NULL;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    if (args.n == 0) {
        status = ctl_error(c, "You must provide one or more resources by argument or "
                              "filename.\nExample resource specifications include:\n   "
                              "'-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> "
                              "<name>'\n   '<resource>'");
        goto out;
    }
    if (objects_dry_run(c, dry_run_flag, &dry_run) != 0 || objects_check_output(c, output) != 0 ||
        ctl_connect(c) != 0 || ctl_discover(c) != 0 ||
        objects_targets(c, args.v, args.n, false, &targets, &ntargets, NULL) != 0) {
        status = 1;
        goto out;
    }
    path = ctl_object_path(c, targets[0].r, targets[0].name);
    if (ctl_request_json(c, "GET", path, NULL, NULL, NULL, &live) != 0) {
        status = 1;
        goto out;
    }
    json_t *selector = NULL;
    if (exposable(c, live, &selector, &ports) != 0) {
        status = 1;
        goto out;
    }
    if ((port == NULL || !*port) && json_array_size(ports) == 0) {
        status = ctl_error(c, "couldn't find port via --port flag or introspection");
        goto out;
    }
    if (json_object_size(selector) == 0) {
        status = ctl_error(c, "couldn't retrieve selectors via --selector flag or introspection");
        goto out;
    }
    obj = expose_service(c, live, name && *name ? name : targets[0].name, selector, ports, port,
                         target_port, protocol, type);
    status = create_object(c, obj, "services", "exposed", output, dry_run);
out:
    objects_targets_free(targets, ntargets);
    cli_strv_free(&args);
    return status;
}
