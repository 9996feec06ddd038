/* kubectl 1.32's node commands: cordon and uncordon (a strategic merge patch of
 * spec.unschedulable, "already cordoned" without one), drain (cordon, then ctl/drain.c's pod
 * evictions, "node/N drained" or kubectl's "unable to drain" lines) and taint (key=value:Effect,
 * key:Effect, key-, key:Effect- with kubectl's parsing, validation and "tainted" / "untainted" /
 * "modified" verdicts; spec.taints is sent whole, as NodeSpec declares no merge key for it). */
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "drain.h"
#include "duration.h"
#include "jpatch.h"
#include "jpath.h"
#include "objects.h"
#include "printers.h"
#include "selector.h"
#include "validate.h"
#include "xalloc.h"

/* ---- kubectl's CheckErr over collected errors ---- */

/* Prints what cmdutil.CheckErr prints for NewAggregate(errs[0..n)): a single plain error as
 * "error: ..." (API errors as "Error from server ..."), an aggregate one line per error. */
static int check_errors(struct ctl *c, const struct drain_error *errs, size_t n)
{
    if (n == 0) {
        return 0;
    }
    if (n == 1 && errs[0].aggregate) {
        for (size_t i = 0; i < errs[0].n; i++) {
            const struct drain_msg *m = &errs[0].v[i];
            fprintf(c->errout, "%s\n", m->api_line ? m->api_line : m->text);
        }
        return 1;
    }
    if (n == 1) {
        const struct drain_msg *m = &errs[0].v[0];
        if (m->api_line) {
            fprintf(c->errout, "%s\n", m->api_line);
        } else {
            fprintf(c->errout, "%s%s\n",
                    strncmp(m->text, "error: ", 7) == 0 ? "" : "error: ", m->text);
        }
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!errs[i].aggregate && errs[i].v[0].api_line) {
            fprintf(c->errout, "%s\n", errs[i].v[0].api_line);
        } else {
            cleanup_free char *text = drain_error_text(&errs[i]);
            fprintf(c->errout, "%s\n", text);
        }
    }
    return 1;
}

static void free_errors(struct drain_error *errs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        drain_error_free(&errs[i]);
    }
    free(errs);
}

/* ---- finding nodes ---- */

/* One node looked up by name ("n1" or "node/n1"): 0 with *out, or 1 with *err filled (an
 * API error keeps kubectl's line). */
static int get_node(struct ctl *c, const char *arg, json_t **out, struct drain_error *err)
{
    const char *slash = strchr(arg, '/');
    const struct mapper_resource *r = NULL;
    cleanup_free char *path = NULL;
    if (slash != NULL) {
        /* TYPE/NAME: the builder fetches the object first and checks its type after */
        cleanup_free char *type = xstrndup(arg, (size_t)(slash - arg));
        struct err e = {0};
        r = ctl_discover(c) == 0 ? mapper_resolve(&c->mapper, type, &e) : NULL;
        if (r == NULL) {
            drain_error_add(err, e.msg[0] ? e.msg : "discovery failed", NULL);
            return 1;
        }
        path = ctl_object_path(c, r, slash + 1);
    } else {
        path = xasprintf("/api/v1/nodes/%s", arg);
    }
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, "GET", path, CTL_ACCEPT_ANY, NULL, NULL, &resp, &e) != 0) {
        drain_error_add(err, e.msg, NULL);
        return 1;
    }
    if (resp.status != 200) {
        drain_error_add_answer(err, &resp);
        http_response_free(&resp);
        return 1;
    }
    if (r != NULL && (strcmp(r->group, "") != 0 || strcmp(r->resource, "nodes") != 0)) {
        http_response_free(&resp);
        cleanup_free char *gvr = xasprintf("%s/%s, Resource=%s", r->group, r->version, r->resource);
        cleanup_free char *quoted = validate_quote(gvr);
        cleanup_free char *text =
            xasprintf("error: expected resource of type node, got %s", quoted);
        drain_error_add(err, text, NULL);
        return 1;
    }
    *out = json_loads(resp.body ? resp.body : "", 0, NULL);
    http_response_free(&resp);
    return *out ? 0 : 1;
}

/* drain/cordon's Complete: the named nodes (stopping at the first failure, printed) or those
 * the selector picks. Returns 0 with *out (a new array), or 1. */
static int select_nodes(struct ctl *c, const struct cli_strv *args, const char *selector, int chunk,
                        json_t **out)
{
    if (ctl_connect(c) != 0) {
        return 1;
    }
    struct drain_error err = {0};
    json_t *nodes = NULL;
    if (args->n == 0) {
        nodes = drain_list(c, "/api/v1/nodes", "/v1, Resource=nodes", NULL, selector, chunk, &err);
    } else {
        nodes = json_array();
        for (size_t i = 0; i < args->n && err.n == 0; i++) {
            json_t *node = NULL;
            if (get_node(c, args->v[i], &node, &err) == 0) {
                json_array_append_new(nodes, node);
            }
        }
    }
    if (err.n > 0) {
        int rc = check_errors(c, &err, 1);
        drain_error_free(&err);
        json_decref(nodes);
        return rc;
    }
    *out = nodes;
    return 0;
}

static const char *node_name(const json_t *node)
{
    const char *name = jpath_get_string(node, "metadata.name");
    return name ? name : "";
}

static const char *dry_run_suffix(enum dry_run d)
{
    return d == DRY_RUN_CLIENT ? " (dry run)" : d == DRY_RUN_SERVER ? " (server dry run)" : "";
}

/* ---- cordon and uncordon ---- */

/* RunCordonOrUncordon: prints each node's line; failures print kubectl's line and go on. */
static void cordon_nodes(struct ctl *c, const json_t *nodes, bool desired, enum dry_run dry_run)
{
    const char *verb = desired ? "cordon" : "uncordon";
    size_t i;
    json_t *node;
    json_array_foreach (nodes, i, node) {
        const char *name = node_name(node);
        if (jpath_get_bool(node, "spec.unschedulable", false) == desired) {
            fprintf(c->out, "node/%s already %sed%s\n", name, verb, dry_run_suffix(dry_run));
            continue;
        }
        if (dry_run != DRY_RUN_CLIENT) {
            cleanup_free char *path = xasprintf("/api/v1/nodes/%s%s", name,
                                                dry_run == DRY_RUN_SERVER ? "?dryRun=All" : "");
            const char *body = desired ? "{\"spec\":{\"unschedulable\":true}}"
                                       : "{\"spec\":{\"unschedulable\":null}}";
            struct http_response resp = {0};
            struct err e = {0};
            if (ctl_request(c, "PATCH", path, CTL_ACCEPT_JSON,
                            "application/strategic-merge-patch+json", body, &resp, &e) != 0) {
                fprintf(c->errout, "error: unable to %s node \"%s\": %s\n", verb, name, e.msg);
                continue;
            }
            if (resp.status < 200 || resp.status > 299) {
                cleanup_json json_t *st = json_loads(resp.body ? resp.body : "", 0, NULL);
                const char *msg = json_string_value(json_object_get(st, "message"));
                fprintf(c->errout, "error: unable to %s node \"%s\": %s\n", verb, name,
                        msg ? msg : "");
                http_response_free(&resp);
                continue;
            }
            http_response_free(&resp);
        }
        fprintf(c->out, "node/%s %sed%s\n", name, verb, dry_run_suffix(dry_run));
    }
    fflush(c->out);
}

/* The checks cordon, uncordon and drain share (DrainCmdOptions.Complete). */
static int check_node_args(struct ctl *c, const struct cli_strv *args, const char *selector,
                           bool selector_changed, const char *dry_run_flag, enum dry_run *dry_run)
{
    if (args->n == 0 && !selector_changed) {
        return ctl_usage_error(c, "USAGE: %s NODE [flags]", c->cmd_path);
    }
    if (args->n > 0 && selector && *selector) {
        return ctl_usage_error(c, "cannot specify both a node name and a --selector option");
    }
    return objects_dry_run(c, dry_run_flag, dry_run);
}

static int cordon_or_uncordon(struct ctl *c, int argc, char **argv, bool desired)
{
    const char *selector = "", *dry_run_flag = "none";
    struct cli_strv args = {0};
    struct cli_flag flags[] = {
        {"selector", 'l', CLI_STRING, &selector, false},
        {"dry-run", 0, CLI_STRING, &dry_run_flag, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    enum dry_run dry_run = DRY_RUN_NONE;
    json_t *nodes = NULL;
    if (ctl_parse(c, flags, argc, argv, &args, &status) &&
        (status = check_node_args(c, &args, selector, flags[0].changed, dry_run_flag, &dry_run)) ==
            0 &&
        (status = select_nodes(c, &args, selector, 500, &nodes)) == 0) {
        cordon_nodes(c, nodes, desired, dry_run);
    }
    json_decref(nodes);
    cli_strv_free(&args);
    return status;
}

int cmd_cordon(struct ctl *c, int argc, char **argv)
{
    return cordon_or_uncordon(c, argc, argv, true);
}

int cmd_uncordon(struct ctl *c, int argc, char **argv)
{
    return cordon_or_uncordon(c, argc, argv, false);
}

/* ---- drain ---- */

int cmd_drain(struct ctl *c, int argc, char **argv)
{
    struct drain_opts o = {.grace_period = -1, .chunk_size = 500, .pod_selector = ""};
    const char *selector = "", *dry_run_flag = "none", *timeout = "0s", *pod_selector = "";
    struct cli_strv args = {0};
    struct cli_flag flags[] = {
        {"selector", 'l', CLI_STRING, &selector, false},
        {"dry-run", 0, CLI_STRING, &dry_run_flag, false},
        {"force", 0, CLI_BOOL, &o.force, false},
        {"ignore-daemonsets", 0, CLI_BOOL, &o.ignore_daemonsets, false},
        {"delete-emptydir-data", 0, CLI_BOOL, &o.delete_emptydir_data, false},
        {"grace-period", 0, CLI_INT, &o.grace_period, false},
        {"timeout", 0, CLI_STRING, &timeout, false},
        {"pod-selector", 0, CLI_STRING, &pod_selector, false},
        {"disable-eviction", 0, CLI_BOOL, &o.disable_eviction, false},
        {"skip-wait-for-delete-timeout", 0, CLI_INT, &o.skip_wait_seconds, false},
        {"chunk-size", 0, CLI_INT, &o.chunk_size, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    json_t *nodes = NULL;
    cleanup_free char *canonical = NULL;
    struct drain_error *fatal = NULL;
    size_t nfatal = 0;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    struct err e = {0};
    if (duration_parse(timeout, &o.timeout_ns, &e) != 0) {
        /* pflag's Duration flag rejects the value while parsing */
        fprintf(c->errout,
                "Error: invalid argument \"%s\" for \"--timeout\" flag: %s\nSee '%s %s --help' "
                "for usage.\n",
                timeout, e.msg, c->prog, c->cmd_path);
        status = 1;
        goto out;
    }
    if ((status = check_node_args(c, &args, selector, flags[0].changed, dry_run_flag,
                                  &o.dry_run)) != 0) {
        goto out;
    }
    if (*pod_selector) {
        struct label_selector *sel = label_selector_parse(pod_selector, &e);
        if (sel == NULL) {
            status = ctl_error(c, "--pod-selector=<pod_selector> must be a valid label selector");
            goto out;
        }
        canonical = label_selector_string(sel);
        label_selector_free(sel);
        o.pod_selector = canonical;
    }
    if ((status = select_nodes(c, &args, selector, o.chunk_size, &nodes)) != 0) {
        goto out;
    }
    cordon_nodes(c, nodes, true, o.dry_run);
    size_t n = json_array_size(nodes);
    fatal = xcalloc(n ? n : 1, sizeof *fatal);
    struct cli_strv pending = {0};
    for (size_t i = 0; i < n; i++) {
        const char *name = node_name(json_array_get(nodes, i));
        if (drain_node_pods(c, &o, name, &fatal[nfatal]) == 0) {
            fprintf(c->out, "node/%s drained%s\n", name, dry_run_suffix(o.dry_run));
            fflush(c->out);
            continue;
        }
        cleanup_free char *text = drain_error_text(&fatal[nfatal]);
        fprintf(c->errout,
                "error: unable to drain node \"%s\" due to error: %s, continuing command...\n",
                name, text);
        cli_strv_add(&pending, name);
        nfatal++;
    }
    if (pending.n > 0) {
        fprintf(c->errout, "There are pending nodes to be drained:\n");
        for (size_t i = 0; i < pending.n; i++) {
            fprintf(c->errout, " %s\n", pending.v[i]);
        }
    }
    cli_strv_free(&pending);
    status = check_errors(c, fatal, nfatal);
out:
    free_errors(fatal, nfatal);
    json_decref(nodes);
    cli_strv_free(&args);
    return status;
}

/* ---- taint ---- */

/* One taint argument: key, value and effect ("" when absent). */
struct taint {
    char *key, *value, *effect;
};

static void taints_free(struct taint *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(t[i].key);
        free(t[i].value);
        free(t[i].effect);
    }
    free(t);
}

static bool valid_effect(const char *effect)
{
    return strcmp(effect, "NoSchedule") == 0 || strcmp(effect, "PreferNoSchedule") == 0 ||
           strcmp(effect, "NoExecute") == 0;
}

/* "invalid taint spec: <spec>, <messages>" when check found problems with value. Owned or
 * NULL. */
static char *invalid_part(const char *spec, const char *value,
                          size_t (*check)(const char *, struct validate_errs *))
{
    struct validate_errs errs = VALIDATE_ERRS_INIT;
    if (check(value, &errs) == 0) {
        return NULL;
    }
    cleanup_free char *joined = validate_errs_join(&errs, "; ");
    validate_errs_free(&errs);
    return xasprintf("invalid taint spec: %s, %s", spec, joined);
}

/* parseTaint: 0 with *t filled, or -1 with *msg (owned) holding kubectl's message. */
static int parse_taint(const char *spec, struct taint *t, char **msg)
{
    *t = (struct taint){0};
    const char *colon = strchr(spec, ':');
    if (colon == NULL) {
        t->key = xstrdup(spec);
        t->value = xstrdup("");
        t->effect = xstrdup("");
    } else if (strchr(colon + 1, ':') != NULL) {
        *msg = xasprintf("invalid taint spec: %s", spec);
        return -1;
    } else {
        if (!valid_effect(colon + 1)) {
            *msg = xasprintf("invalid taint effect: %s, unsupported taint effect", colon + 1);
            return -1;
        }
        cleanup_free char *kv = xstrndup(spec, (size_t)(colon - spec));
        char *eq = strchr(kv, '=');
        if (eq != NULL && strchr(eq + 1, '=') != NULL) {
            *msg = xasprintf("invalid taint spec: %s", spec);
            return -1;
        }
        if (eq != NULL) {
            *eq = '\0';
            if ((*msg = invalid_part(spec, eq + 1, validate_label_value)) != NULL) {
                return -1;
            }
        }
        t->key = xstrdup(kv);
        t->value = xstrdup(eq ? eq + 1 : "");
        t->effect = xstrdup(colon + 1);
    }
    if ((*msg = invalid_part(spec, t->key, validate_qualified_name)) != NULL) {
        free(t->key);
        free(t->value);
        free(t->effect);
        *t = (struct taint){0};
        return -1;
    }
    return 0;
}

struct taint_opts {
    struct taint *add, *remove;
    size_t nadd, nremove;
    bool overwrite;
    const char *output, *field_manager, *validation;
    enum dry_run dry_run;
};

/* parseTaints: the additions and removals, or -1 with *msg (owned). */
static int parse_taints(const struct cli_strv *specs, size_t first, struct taint_opts *o,
                        char **msg)
{
    for (size_t i = first; i < specs->n; i++) {
        const char *spec = specs->v[i];
        size_t len = strlen(spec);
        struct taint t;
        if (len > 0 && spec[len - 1] == '-') {
            cleanup_free char *trimmed = xstrndup(spec, len - 1);
            if (parse_taint(trimmed, &t, msg) != 0) {
                return -1;
            }
            free(t.value);
            t.value = xstrdup("");
            o->remove = xrealloc(o->remove, (o->nremove + 1) * sizeof *o->remove);
            o->remove[o->nremove++] = t;
            continue;
        }
        if (parse_taint(spec, &t, msg) != 0) {
            return -1;
        }
        if (t.effect[0] == '\0') {
            *msg = xasprintf("invalid taint spec: %s", spec);
            free(t.key);
            free(t.value);
            free(t.effect);
            return -1;
        }
        for (size_t j = 0; j < o->nadd; j++) {
            if (strcmp(o->add[j].key, t.key) == 0 && strcmp(o->add[j].effect, t.effect) == 0) {
                *msg = xasprintf("duplicated taints with the same key and effect: {%s %s %s <nil>}",
                                 t.key, t.value, t.effect);
                free(t.key);
                free(t.value);
                free(t.effect);
                return -1;
            }
        }
        o->add = xrealloc(o->add, (o->nadd + 1) * sizeof *o->add);
        o->add[o->nadd++] = t;
    }
    return 0;
}

/* Taint.ToString(). Owned. */
static char *taint_string(const char *key, const char *value, const char *effect)
{
    if (!*effect) {
        return *value ? xasprintf("%s=%s:", key, value) : xstrdup(key);
    }
    return *value ? xasprintf("%s=%s:%s", key, value, effect) : xasprintf("%s:%s", key, effect);
}

static const char *field_or_empty(const json_t *taint, const char *field)
{
    const char *s = json_string_value(json_object_get(taint, field));
    return s ? s : "";
}

static bool taint_matches(const json_t *taint, const char *key, const char *effect)
{
    return strcmp(field_or_empty(taint, "key"), key) == 0 &&
           strcmp(field_or_empty(taint, "effect"), effect) == 0;
}

/* updateTaints: the node's new taint list (new reference) and the verdict, or NULL with *err
 * filled (kubectl's "already has" and "not found" errors). */
static json_t *update_taints(const struct taint_opts *o, const json_t *node, const char **verdict,
                             struct drain_error *err)
{
    const json_t *old = jpath_get(node, "spec.taints");
    size_t i;
    json_t *t;
    if (!o->overwrite) {
        char *exists = xstrdup("");
        for (size_t a = 0; a < o->nadd; a++) {
            json_array_foreach (old, i, t) {
                if (taint_matches(t, o->add[a].key, o->add[a].effect)) {
                    char *next = xasprintf("%s%s%s", exists, *exists ? "," : "", o->add[a].key);
                    free(exists);
                    exists = next;
                }
            }
        }
        if (*exists) {
            cleanup_free char *text = xasprintf("node %s already has %s taint(s) with same "
                                                "effect(s) and --overwrite is false",
                                                node_name(node), exists);
            drain_error_add(err, text, NULL);
            free(exists);
            return NULL;
        }
        free(exists);
    }
    json_t *next = json_array();
    for (size_t a = 0; a < o->nadd; a++) {
        json_t *added = json_pack("{s:s}", "key", o->add[a].key);
        if (*o->add[a].value) {
            json_object_set_new(added, "value", json_string(o->add[a].value));
        }
        json_object_set_new(added, "effect", json_string(o->add[a].effect));
        json_array_append_new(next, added);
    }
    json_array_foreach (old, i, t) {
        bool replaced = false;
        for (size_t a = 0; a < o->nadd && !replaced; a++) {
            replaced = taint_matches(t, o->add[a].key, o->add[a].effect);
        }
        if (!replaced) {
            json_array_append_new(next, json_deep_copy(t));
        }
    }
    bool added = json_array_size(old) != json_array_size(next);
    bool removed = false;
    for (size_t r = 0; r < o->nremove; r++) {
        const struct taint *rm = &o->remove[r];
        size_t before = json_array_size(next);
        for (size_t k = json_array_size(next); k-- > 0;) {
            json_t *cur = json_array_get(next, k);
            if (*rm->effect ? taint_matches(cur, rm->key, rm->effect)
                            : strcmp(field_or_empty(cur, "key"), rm->key) == 0) {
                json_array_remove(next, k);
            }
        }
        removed = json_array_size(next) != before;
        if (!removed) {
            cleanup_free char *name = taint_string(rm->key, "", rm->effect);
            cleanup_free char *quoted = validate_quote(name);
            cleanup_free char *text = xasprintf("taint %s not found", quoted);
            drain_error_add(err, text, NULL);
        }
    }
    if (err->n > 0) {
        err->aggregate = err->n > 1;
        json_decref(next);
        return NULL;
    }
    *verdict = (added && removed) || o->overwrite ? "modified" : added ? "tainted" : "untainted";
    return next;
}

/* The fields a typed v1.Node always marshals (NodeStatus' structs without omitempty), which
 * kubectl prints because it decodes the node into Go types. */
static void add_typed_node_fields(json_t *node)
{
    static const char *const info[] = {
        "machineID",      "systemUUID",       "bootID",
        "kernelVersion",  "osImage",          "containerRuntimeVersion",
        "kubeletVersion", "kubeProxyVersion", "operatingSystem",
        "architecture",
    };
    json_t *status = json_object_get(node, "status");
    if (!json_is_object(status)) {
        status = json_object();
        json_object_set_new(node, "status", status);
    }
    if (json_object_get(status, "daemonEndpoints") == NULL) {
        json_object_set_new(status, "daemonEndpoints",
                            json_pack("{s:{s:i}}", "kubeletEndpoint", "Port", 0));
    }
    json_t *node_info = json_object_get(status, "nodeInfo");
    if (!json_is_object(node_info)) {
        node_info = json_object();
        json_object_set_new(status, "nodeInfo", node_info);
    }
    for (size_t i = 0; i < sizeof info / sizeof info[0]; i++) {
        if (json_object_get(node_info, info[i]) == NULL) {
            json_object_set_new(node_info, info[i], json_string(""));
        }
    }
}

/* taint's printer: "node/N <verdict>" (kubectl sets the operation after the dry-run suffix was
 * added, so none shows), the name, or the typed node as JSON or YAML. */
static void print_tainted(struct ctl *c, const json_t *node, const char *display,
                          const char *verdict, const char *output)
{
    cleanup_json json_t *shown = json_deep_copy(node);
    if (*output) {
        add_typed_node_fields(shown);
    }
    objects_print_result(c, shown, display, verdict, output, DRY_RUN_NONE, false);
}

/* Taints one node: the patch of spec.taints (or the local result on a client dry run) and the
 * printed line. Returns 0 or 1 with *err filled. */
static int taint_node(struct ctl *c, const struct taint_opts *o, const json_t *node,
                      struct drain_error *err)
{
    const char *verdict = NULL;
    cleanup_json json_t *next = update_taints(o, node, &verdict, err);
    if (next == NULL) {
        return 1;
    }
    const json_t *old = jpath_get(node, "spec.taints");
    cleanup_json json_t *none = json_array();
    cleanup_json json_t *patch = json_object();
    if (!json_equal(old ? old : none, next)) {
        json_object_set_new(
            patch, "spec",
            json_pack("{s:O}", "taints", json_array_size(next) ? next : json_null()));
    }
    const char *name = node_name(node);
    cleanup_free char *display = xasprintf("node/%s", name);
    if (o->dry_run == DRY_RUN_CLIENT) {
        cleanup_json json_t *result = json_deep_copy(node);
        json_t *spec = json_object_get(result, "spec");
        if (spec == NULL) {
            spec = json_object();
            json_object_set_new(result, "spec", spec);
        }
        if (json_array_size(next) > 0) {
            json_object_set(spec, "taints", next);
        } else {
            json_object_del(spec, "taints");
        }
        print_tainted(c, result, display, verdict, o->output);
        return 0;
    }
    cleanup_free char *body = printers_json_compact(patch);
    char *query = xstrdup("");
    if (o->dry_run == DRY_RUN_SERVER) {
        ctl_query_add(&query, "dryRun", "All");
    }
    ctl_query_add(&query, "fieldManager", o->field_manager);
    ctl_query_add(&query, "fieldValidation", o->validation);
    cleanup_free char *path = xasprintf("/api/v1/nodes/%s?%s", name, query + 1);
    free(query);
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, "PATCH", path, CTL_ACCEPT_JSON, "application/strategic-merge-patch+json",
                    body, &resp, &e) != 0) {
        drain_error_add(err, e.msg, NULL);
        return 1;
    }
    if (resp.status < 200 || resp.status > 299) {
        drain_error_add_answer(err, &resp);
        http_response_free(&resp);
        return 1;
    }
    cleanup_json json_t *answer = json_loads(resp.body ? resp.body : "", 0, NULL);
    http_response_free(&resp);
    print_tainted(c, answer ? answer : node, display, verdict, o->output);
    return 0;
}

/* Validate's checks after the resource type: conflicting changes, then --all/-l/names. */
static int check_taint_request(struct ctl *c, const struct taint_opts *o, bool all,
                               const char *selector, size_t nresources)
{
    char *conflicts = xstrdup("");
    for (size_t a = 0; a < o->nadd; a++) {
        for (size_t r = 0; r < o->nremove; r++) {
            const struct taint *rm = &o->remove[r];
            if (strcmp(o->add[a].key, rm->key) == 0 &&
                (!*rm->effect || strcmp(o->add[a].effect, rm->effect) == 0)) {
                char *next =
                    xasprintf("%s%s%s=%s", conflicts, *conflicts ? ", " : "", rm->key, rm->effect);
                free(conflicts);
                conflicts = next;
            }
        }
    }
    int status = 0;
    if (*conflicts) {
        status = ctl_error(c,
                           "can not both modify and remove the following taint(s) in the same "
                           "command: %s",
                           conflicts);
    } else if (all && *selector) {
        status = ctl_error(c, "setting 'all' parameter with a non empty selector is prohibited");
    } else if (!all && !*selector && nresources < 2) {
        status = ctl_error(c, "at least one resource name must be specified since 'all' "
                              "parameter is not set");
    }
    free(conflicts);
    return status;
}

/* The taint arguments start at the first one with '=' or ':' or a trailing '-'. */
static bool is_taint_arg(const char *s)
{
    size_t len = strlen(s);
    return strchr(s, '=') || strchr(s, ':') || (len > 0 && s[len - 1] == '-');
}

/* RunTaint: every node (names in order, or the selected ones), continuing after failures. */
static int taint_nodes(struct ctl *c, const struct taint_opts *o, const struct cli_strv *args,
                       size_t nresources, bool all, const char *selector)
{
    struct drain_error *errs = NULL;
    size_t nerrs = 0;
    json_t *nodes = NULL;
    if (all || *selector) {
        struct drain_error e = {0};
        nodes = drain_list(c, "/api/v1/nodes", "/v1, Resource=nodes", NULL, selector, 500, &e);
        if (nodes == NULL) {
            errs = xmalloc(sizeof *errs);
            errs[nerrs++] = e;
        }
    }
    size_t count = nodes ? json_array_size(nodes) : (all || *selector) ? 0 : nresources - 1;
    for (size_t i = 0; i < count; i++) {
        errs = xrealloc(errs, (nerrs + 1) * sizeof *errs);
        errs[nerrs] = (struct drain_error){0};
        cleanup_json json_t *node = NULL;
        if (nodes != NULL) {
            node = json_incref(json_array_get(nodes, i));
        } else if (get_node(c, args->v[i + 1], &node, &errs[nerrs]) != 0) {
            nerrs++;
            continue;
        }
        if (taint_node(c, o, node, &errs[nerrs]) != 0) {
            nerrs++;
        }
    }
    json_decref(nodes);
    int status = check_errors(c, errs, nerrs);
    free_errors(errs, nerrs);
    return status;
}

/* Validate's type check: the first argument must name the nodes resource. Returns 0 or the
 * printed failure's status. */
static int check_node_type(struct ctl *c, const char *arg)
{
    cleanup_free char *type = xstrdup(arg);
    for (char *p = type; *p; p++) {
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    }
    struct err e = {0};
    const struct mapper_resource *r = mapper_resolve(&c->mapper, type, &e);
    if (r == NULL) {
        /* kubectl prints the resource mapper's error without "error: " */
        fprintf(c->errout, "%s\n", e.msg);
        return 1;
    }
    if (strcmp(r->kind, "Node") != 0) {
        return ctl_error(c, "invalid resource type %s, only node types are supported", type);
    }
    return 0;
}

int cmd_taint(struct ctl *c, int argc, char **argv)
{
    bool all = false;
    const char *selector = "", *dry_run_flag = "none", *validate = "strict";
    struct taint_opts o = {.output = "", .field_manager = "kubectl-taint"};
    struct cli_strv args = {0};
    struct cli_flag flags[] = {
        {"selector", 'l', CLI_STRING, &selector, false},
        {"dry-run", 0, CLI_STRING, &dry_run_flag, false},
        {"overwrite", 0, CLI_BOOL, &o.overwrite, false},
        {"all", 0, CLI_BOOL, &all, false},
        {"output", 'o', CLI_STRING, &o.output, false},
        {"field-manager", 0, CLI_STRING, &o.field_manager, false},
        {"validate", 0, CLI_STRING, &validate, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    if (!ctl_parse(c, flags, argc, argv, &args, &status)) {
        goto out;
    }
    if ((status = objects_dry_run(c, dry_run_flag, &o.dry_run)) != 0 ||
        (status = objects_validation(c, validate, &o.validation)) != 0 ||
        (status = objects_check_output(c, o.output)) != 0) {
        goto out;
    }
    size_t nresources = 0;
    bool met_taint = false;
    for (size_t i = 0; i < args.n; i++) {
        bool taint = is_taint_arg(args.v[i]);
        if (met_taint && !taint) {
            status =
                ctl_error(c, "all resources must be specified before taint changes: %s", args.v[i]);
            goto out;
        }
        met_taint = met_taint || taint;
        nresources += !taint;
    }
    if (nresources == 0) {
        status = ctl_error(c, "one or more resources must be specified as <resource> <name>");
        goto out;
    }
    if (nresources == args.n) {
        status = ctl_error(c, "at least one taint update is required");
        goto out;
    }
    char *msg = NULL;
    if (parse_taints(&args, nresources, &o, &msg) != 0) {
        status = ctl_usage_error(c, "%s", msg);
        free(msg);
        goto out;
    }
    if (ctl_discover(c) != 0) {
        status = 1;
        goto out;
    }
    if ((status = check_node_type(c, args.v[0])) != 0) {
        goto out;
    }
    if ((status = check_taint_request(c, &o, all, selector, nresources)) != 0) {
        goto out;
    }
    status = taint_nodes(c, &o, &args, nresources, all, selector);
out:
    taints_free(o.add, o.nadd);
    taints_free(o.remove, o.nremove);
    cli_strv_free(&args);
    return status;
}
