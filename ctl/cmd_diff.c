/* `c8sctl diff -f` as kubectl 1.32's: each object of the files is fetched (LIVE) and merged by
 * the server in a dry run (MERGED: a dry-run create, the client-side-apply three-way patch with a
 * resourceVersion precondition, or with --server-side an apply patch), both written as YAML into
 * LIVE-xxxx and MERGED-xxxx temp dirs with managed fields dropped and Secret data masked, then
 * `diff -u -N` (or $KUBECTL_EXTERNAL_DIFF) compares the dirs. Exit 0: no differences, 1:
 * differences, 2: kubectl or the diff program failed. */
#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "jpatch.h"
#include "jpath.h"
#include "log.h"
#include "objects.h"
#include "printers.h"
#include "selector.h"
#include "xalloc.h"
#include "yamlx.h"

/* kubectl diff's exit status for its own failures (CheckDiffErr adds one to the usual 1). */
#define DIFF_FAILED 2

/* How many times an object is fetched and merged again after a conflict (kubectl's maxRetries);
 * the last try goes without the resourceVersion precondition. */
#define DIFF_TRIES 4

struct diff_opts {
    bool server_side, force_conflicts, show_managed_fields;
    const char *field_manager;
    const char *selector_text;       /* -l as given, NULL without */
    struct label_selector *selector; /* NULL without -l */

    /* --prune: the types to look through and what the files named (kubectl's tracker) */
    bool prune, prune_defaults;
    const struct mapper_resource **prune_types; /* owned array of borrowed mappings */
    size_t nprune_types;
    struct cli_strv visited_namespaces, visited_uids;

    char *failure_line; /* owned: the failed object's error, printed at the end */
};

/* The two trees the diff program compares. */
struct diff_dirs {
    char *live, *merged; /* owned paths, NULL until made */
};

/* ---- temp dirs ---- */

static void remove_tree(const char *dir)
{
    if (dir == NULL) {
        return;
    }
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
                cleanup_free char *path = xasprintf("%s/%s", dir, de->d_name);
                unlink(path);
            }
        }
        closedir(d);
    }
    rmdir(dir);
}

/* Go's os.MkdirTemp("", prefix + "-"): under $TMPDIR, else /tmp. Owned, or NULL with errno. */
static char *make_temp_dir(const char *prefix)
{
    const char *tmp = getenv("TMPDIR");
    char *path = xasprintf("%s/%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
    if (mkdtemp(path) == NULL) {
        free(path);
        return NULL;
    }
    return path;
}

/* Writes obj as YAML to dir/name; NULL leaves the file empty, as kubectl's printer does, or with
 * null_text holds "null" (YAML of a nil pointer). */
static int write_version(struct ctl *c, const char *dir, const char *name, const json_t *obj,
                         bool null_text)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        return ctl_error(c, "open %s: %s", path, strerror(errno));
    }
    chmod(path, 0700);
    if (obj != NULL) {
        cleanup_free char *text = yamlx_dump(obj);
        fputs(text, f);
    } else if (null_text) {
        fputs("null\n", f);
    }
    if (fclose(f) != 0) {
        return ctl_error(c, "write %s: %s", path, strerror(errno));
    }
    return 0;
}

/* ---- the diff program ---- */

/* Go's exec.LookPath: a name with a slash as it is, else the first executable file on $PATH.
 * Owned, or NULL. */
static char *look_path(const char *name)
{
    struct stat st;
    if (strchr(name, '/') != NULL) {
        return stat(name, &st) == 0 ? xstrdup(name) : NULL;
    }
    const char *path = getenv("PATH");
    cleanup_free char *dirs = xstrdup(path ? path : "");
    char *save = NULL;
    for (char *dir = strtok_r(dirs, ":", &save); dir && *name; dir = strtok_r(NULL, ":", &save)) {
        char *candidate = xasprintf("%s/%s", *dir ? dir : ".", name);
        if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0) {
            return candidate;
        }
        free(candidate);
    }
    return NULL;
}

/* kubectl's DiffProgram: $KUBECTL_EXTERNAL_DIFF split on spaces, its words after the first kept
 * only when made of letters, digits, '-' and '=' and passed after the two dirs; else
 * `diff -u -N`. Fills argv (owned strings). */
static void diff_command(const struct diff_dirs *dirs, struct cli_strv *argv)
{
    const char *external = getenv("KUBECTL_EXTERNAL_DIFF");
    if (external == NULL || *external == '\0') {
        const char *words[] = {"diff", "-u", "-N", dirs->live, dirs->merged};
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
            cli_strv_add(argv, words[i]);
        }
        return;
    }
    regex_t plain;
    if (regcomp(&plain, "^[a-zA-Z0-9=-]+$", REG_EXTENDED | REG_NOSUB) != 0) {
        abort();
    }
    cleanup_free char *copy = xstrdup(external);
    char *rest = strchr(copy, ' ');
    if (rest != NULL) {
        *rest++ = '\0';
    }
    cli_strv_add(argv, copy);
    cli_strv_add(argv, dirs->live);
    cli_strv_add(argv, dirs->merged);
    while (rest != NULL) {
        char *word = rest;
        rest = strchr(rest, ' ');
        if (rest != NULL) {
            *rest++ = '\0';
        }
        if (regexec(&plain, word, 0, NULL, 0) == 0) {
            cli_strv_add(argv, word);
        }
    }
    regfree(&plain);
}

/* Runs the diff program on the two dirs with c8sctl's stdout and stderr. Returns its exit status
 * when 0 or 1, 1 when a signal ended it (kubectl's ExitError of -1), or prints kubectl's
 * "failed to run" error and returns DIFF_FAILED. */
static int run_diff_program(struct ctl *c, const struct diff_dirs *dirs)
{
    struct cli_strv argv = {0};
    diff_command(dirs, &argv);
    argv.v = xrealloc(argv.v, (argv.n + 1) * sizeof *argv.v);
    argv.v[argv.n] = NULL;
    int status = 0;
    cleanup_free char *program = look_path(argv.v[0]);
    if (program == NULL) {
        ctl_error(c, "failed to run \"%s\": executable file not found in $PATH", argv.v[0]);
        cli_strv_free(&argv);
        return DIFF_FAILED;
    }
    fflush(c->out);
    fflush(c->errout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fileno(c->out), STDOUT_FILENO);
        dup2(fileno(c->errout), STDERR_FILENO);
        execv(program, argv.v);
        _exit(127);
    }
    int wstatus = 0;
    if (pid < 0 || waitpid(pid, &wstatus, 0) < 0) {
        status = ctl_error(c, "failed to run \"%s\": %s", argv.v[0], strerror(errno)) + 1;
    } else if (WIFSIGNALED(wstatus)) {
        status = 1;
    } else if (WEXITSTATUS(wstatus) > 1) {
        ctl_error(c, "failed to run \"%s\": exit status %d", argv.v[0], WEXITSTATUS(wstatus));
        status = DIFF_FAILED;
    } else {
        status = WEXITSTATUS(wstatus);
    }
    cli_strv_free(&argv);
    return status;
}

/* ---- what the files named (for --prune) ---- */

static bool strv_has(const struct cli_strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++) {
        if (strcmp(sv->v[i], s) == 0) {
            return true;
        }
    }
    return false;
}

/* kubectl's tracker: the namespaces of the files' objects and the uids of the live ones. */
static void mark_visited(struct diff_opts *o, const char *ns, const char *uid)
{
    if (ns != NULL && !strv_has(&o->visited_namespaces, ns)) {
        cli_strv_add(&o->visited_namespaces, ns);
    }
    if (uid != NULL && !strv_has(&o->visited_uids, uid)) {
        cli_strv_add(&o->visited_uids, uid);
    }
}

/* ---- one object ---- */

/* Where an object of the files lives: its mapping, name, namespace ("" when cluster-scoped) and
 * the path of the object and of its collection. */
struct diff_target {
    const struct mapper_resource *r;
    const char *name, *ns; /* borrowed from the manifest */
    char *collection, *path;
};

/* What one failed request leaves: the error line to print (owned) and whether it was a
 * 409 Conflict, which kubectl answers by fetching the object again. */
struct diff_failure {
    char *line;
    bool conflict;
    bool printed; /* a transport error, already printed */
};

/* Maps a manifest as kubectl's builder does (setting the default namespace in it). Returns 0,
 * or 1 with kubectl's error line in *failure. */
static int diff_place(struct ctl *c, const struct manifest *m, struct diff_target *t,
                      struct diff_failure *failure)
{
    struct err e = {0};
    json_t *meta = json_object_get(m->obj, "metadata");
    const char *name = json_string_value(json_object_get(meta, "name"));
    const char *ns = json_string_value(json_object_get(meta, "namespace"));
    t->r = mapper_for_kind(&c->mapper, json_string_value(json_object_get(m->obj, "apiVersion")),
                           json_string_value(json_object_get(m->obj, "kind")), &e);
    if (t->r == NULL) {
        failure->line = xasprintf("error: resource mapping not found for name: \"%s\" namespace: "
                                  "\"%s\" from \"%s\": %s\nensure CRDs are installed first",
                                  name ? name : "", ns ? ns : "", m->source, e.msg);
        return 1;
    }
    if (t->r->namespaced) {
        if (ns != NULL && *ns && c->ns_explicit && strcmp(ns, c->ns) != 0) {
            failure->line = xasprintf("error: the namespace from the provided object \"%s\" does "
                                      "not match the namespace \"%s\". You must pass "
                                      "'--namespace=%s' to perform this operation.",
                                      ns, c->ns, ns);
            return 1;
        }
        if (ns == NULL || *ns == '\0') {
            if (!json_is_object(meta)) {
                meta = json_object();
                json_object_set_new(m->obj, "metadata", meta);
            }
            json_object_set_new(meta, "namespace", json_string(c->ns));
        }
        t->ns = json_string_value(json_object_get(meta, "namespace"));
    } else {
        t->ns = "";
    }
    if (name == NULL || *name == '\0') {
        failure->line = xstrdup("error: resource name may not be empty");
        return 1;
    }
    t->name = name;
    t->collection = mapper_collection_path(t->r, t->r->namespaced ? t->ns : NULL);
    t->path = xasprintf("%s/%s", t->collection, name);
    return 0;
}

/* Sends body (may be NULL) and stores a 2xx answer in *answer (new reference); otherwise fills
 * *failure with kubectl's line (prefix inside it, as AddSourceToErr) and returns 1. */
static int diff_send(struct ctl *c, const char *method, const char *path, const char *ctype,
                     const json_t *body, const char *prefix, json_t **answer,
                     struct diff_failure *failure)
{
    cleanup_free char *text = body ? printers_json_compact(body) : NULL;
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, method, path, CTL_ACCEPT_JSON, ctype, text, &resp, &e) != 0) {
        ctl_transport_error(c, &e);
        failure->printed = true;
        return 1;
    }
    int rc = 0;
    if (resp.status >= 200 && resp.status <= 299) {
        *answer = json_loads(resp.body ? resp.body : "", 0, NULL);
    } else if (resp.status == 404 && strcmp(method, "GET") == 0) {
        *answer = NULL; /* no live object */
    } else {
        failure->line = ctl_api_error_text(&resp, prefix);
        failure->conflict = resp.status == 409;
        rc = 1;
    }
    http_response_free(&resp);
    return rc;
}

/* The object as it would be after kubectl apply, from the server's dry run. Returns 0 with
 * *merged (new reference) or 1 with *failure filled. */
static int merged_object(struct ctl *c, const struct diff_opts *o, const struct manifest *m,
                         const struct diff_target *t, const json_t *live, bool without_lock,
                         json_t **merged, struct diff_failure *failure)
{
    char *q = xstrdup("");
    ctl_query_add(&q, "dryRun", "All");
    ctl_query_add(&q, "fieldManager", o->field_manager);
    if (o->server_side) {
        ctl_query_add(&q, "force", o->force_conflicts ? "true" : "false");
        cleanup_free char *url = xasprintf("%s?%s", t->path, q + 1);
        free(q);
        return diff_send(c, "PATCH", url, "application/apply-patch+yaml", m->obj, NULL, merged,
                         failure);
    }
    if (live == NULL) {
        cleanup_free char *url = xasprintf("%s?%s", t->collection, q + 1);
        free(q);
        return diff_send(c, "POST", url, "application/json", m->obj, NULL, merged, failure);
    }
    cleanup_free char *url = xasprintf("%s?%s", t->path, q + 1);
    free(q);
    cleanup_json json_t *modified = objects_modified_configuration(m->obj, false);
    const char *recorded = json_string_value(json_object_get(
        json_object_get(json_object_get(live, "metadata"), "annotations"), OBJECTS_LAST_APPLIED));
    cleanup_json json_t *original = recorded ? json_loads(recorded, 0, NULL) : NULL;
    const struct jpatch_smp_schema *schema = objects_smp_schema(t->r);
    struct err e = {0};
    cleanup_json json_t *patch = jpatch_smp_create_three_way(original, modified, live, schema, &e);
    if (patch == NULL) {
        failure->line = xasprintf("error: error when creating patch with:\nsource: \"%s\": %s",
                                  m->source, e.msg);
        return 1;
    }
    if (json_object_size(patch) == 0) {
        *merged = json_deep_copy(live); /* kubectl sends nothing */
        return 0;
    }
    if (!without_lock) {
        json_t *rv = json_object_get(json_object_get(live, "metadata"), "resourceVersion");
        json_t *meta = json_object_get(patch, "metadata");
        if (!json_is_object(meta)) {
            meta = json_object();
            json_object_set_new(patch, "metadata", meta);
        }
        json_object_set_new(meta, "resourceVersion",
                            json_string(json_string_value(rv) ? json_string_value(rv) : ""));
    }
    cleanup_free char *prefix = xasprintf("error when patching \"%s\": ", m->source);
    return diff_send(c, "PATCH", url,
                     schema ? "application/strategic-merge-patch+json"
                            : "application/merge-patch+json",
                     patch, prefix, merged, failure);
}

/* Go's GroupVersionKind.String() of a manifest: "apps/v1, Kind=Deployment", "/v1, Kind=Pod". */
static char *gvk_string(const struct mapper_resource *r)
{
    return xasprintf("%s/%s, Kind=%s", r->group, r->version, r->kind);
}

/* kubectl's Masker: Secret data values become "***", or "*** (before)" / "*** (after)" where
 * the two versions differ, so the diff shows which keys changed but no value. */
static void mask_secret_data(json_t *live, json_t *merged)
{
    json_t *from = json_object_get(live, "data");
    json_t *to = json_object_get(merged, "data");
    from = json_is_object(from) ? from : NULL;
    to = json_is_object(to) ? to : NULL;
    const char *key;
    json_t *value;
    json_object_foreach (from, key, value) {
        json_t *other = to ? json_object_get(to, key) : NULL;
        if (other != NULL && !json_equal(value, other)) {
            json_object_set_new(from, key, json_string("*** (before)"));
            json_object_set_new(to, key, json_string("*** (after)"));
            continue;
        }
        if (other != NULL) {
            json_object_set_new(to, key, json_string("***"));
        }
        json_object_set_new(from, key, json_string("***"));
    }
    json_object_foreach (to, key, value) {
        if (from == NULL || json_object_get(from, key) == NULL) {
            json_object_set_new(to, key, json_string("***"));
        }
    }
}

static bool is_v1_secret(const json_t *obj)
{
    const char *api_version = json_string_value(json_object_get(obj, "apiVersion"));
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    const char *slash = api_version ? strchr(api_version, '/') : NULL;
    const char *version = slash ? slash + 1 : api_version;
    return version && kind && strcmp(version, "v1") == 0 && strcmp(kind, "Secret") == 0;
}

/* Fetches, merges and writes one object (kubectl's loop: again after a conflict, the last time
 * without the resourceVersion precondition). Returns 0, or 1 after printing the error. */
static int diff_object(struct ctl *c, struct diff_opts *o, const struct diff_dirs *dirs,
                       const struct manifest *m)
{
    struct diff_target t = {0};
    struct diff_failure failure = {0};
    int rc = diff_place(c, m, &t, &failure);
    cleanup_json json_t *live = NULL;
    cleanup_json json_t *merged = NULL;
    for (int attempt = 1; rc == 0 && attempt <= DIFF_TRIES; attempt++) {
        json_decref(live);
        live = NULL;
        free(failure.line);
        failure = (struct diff_failure){0};
        if (diff_send(c, "GET", t.path, NULL, NULL, NULL, &live, &failure) != 0) {
            rc = 1;
            break;
        }
        if (o->prune) {
            mark_visited(o, t.r->namespaced ? t.ns : NULL, jpath_get_string(live, "metadata.uid"));
        }
        bool without_lock = attempt == DIFF_TRIES;
        if (without_lock) {
            cleanup_free char *gvk = gvk_string(t.r);
            ctl_klog(c, 'W', "diff.go:723", "Object (%s: %s) keeps changing, diffing without lock",
                     gvk, t.name);
        }
        if (merged_object(c, o, m, &t, live, without_lock, &merged, &failure) == 0) {
            break;
        }
        if (!failure.conflict || attempt == DIFF_TRIES) {
            rc = 1;
        }
    }
    if (rc != 0 && failure.line != NULL) {
        /* kubectl prints the error last, after pruning's warnings */
        o->failure_line = failure.line;
        failure.line = NULL;
    }
    if (rc == 0) {
        cleanup_json json_t *from = live ? json_deep_copy(live) : NULL;
        cleanup_json json_t *to = merged ? json_deep_copy(merged) : NULL;
        if (!o->show_managed_fields) {
            json_object_del(json_object_get(from, "metadata"), "managedFields");
            json_object_del(json_object_get(to, "metadata"), "managedFields");
        }
        if (is_v1_secret(to)) {
            mask_secret_data(from, to);
        }
        cleanup_free char *file =
            *t.r->group
                ? xasprintf("%s.%s.%s.%s.%s", t.r->group, t.r->version, t.r->kind, t.ns, t.name)
                : xasprintf("%s.%s.%s.%s", t.r->version, t.r->kind, t.ns, t.name);
        /* the Masker turns a missing live Secret into a nil object, which prints as null */
        bool null_live = from == NULL && is_v1_secret(to);
        rc = write_version(c, dirs->live, file, from, null_live) ||
             write_version(c, dirs->merged, file, to, false);
    }
    if (json_object_get(json_object_get(live, "metadata"), "deletionTimestamp") != NULL) {
        fprintf(c->errout,
                "Warning: Detected changes to resource %s which is currently being deleted.\n",
                t.name);
    }
    free(failure.line);
    free(t.collection);
    free(t.path);
    return rc;
}

/* ---- --prune ---- */

/* The types --prune looks through: kubectl's default list, or --prune-allowlist's
 * group/version/kind entries ("core" for the core group). Returns 0 or prints kubectl's error
 * and returns 1. */
static int prune_types(struct ctl *c, struct diff_opts *o, const struct cli_strv *allowlist)
{
    static const char *const defaults[] = {
        "core/v1/ConfigMap",
        "core/v1/Endpoints",
        "core/v1/Namespace",
        "core/v1/PersistentVolumeClaim",
        "core/v1/PersistentVolume",
        "core/v1/Pod",
        "core/v1/ReplicationController",
        "core/v1/Secret",
        "core/v1/Service",
        "batch/v1/Job",
        "batch/v1/CronJob",
        "networking.k8s.io/v1/Ingress",
        "apps/v1/DaemonSet",
        "apps/v1/Deployment",
        "apps/v1/ReplicaSet",
        "apps/v1/StatefulSet",
    };
    size_t n = allowlist->n ? allowlist->n : sizeof defaults / sizeof defaults[0];
    o->prune_types = xcalloc(n, sizeof *o->prune_types);
    for (size_t i = 0; i < n; i++) {
        const char *entry = allowlist->n ? allowlist->v[i] : defaults[i];
        cleanup_free char *copy = xstrdup(entry);
        char *version = strchr(copy, '/');
        char *kind = version ? strchr(version + 1, '/') : NULL;
        if (kind == NULL || strchr(kind + 1, '/') != NULL) {
            return ctl_error(c,
                             "invalid GroupVersionKind format: %s, please follow "
                             "<group/version/kind>",
                             entry);
        }
        *version++ = '\0';
        *kind++ = '\0';
        cleanup_free char *api_version = strcmp(copy, "core") == 0 || *copy == '\0'
                                             ? xstrdup(version)
                                             : xasprintf("%s/%s", copy, version);
        struct err e = {0};
        const struct mapper_resource *r = mapper_for_kind(&c->mapper, api_version, kind, &e);
        if (r == NULL) {
            return allowlist->n ? ctl_error(c, "%s", e.msg) : 0;
        }
        o->prune_types[o->nprune_types++] = r;
    }
    o->prune_defaults = allowlist->n == 0;
    return 0;
}

/* Lists one type in ns (NULL: cluster-scoped) and writes into LIVE the objects apply created
 * (last-applied annotation) that the files did not name: the diff shows them removed. As
 * kubectl, they are printed whole (managed fields and Secret data included). */
static int prune_list(struct ctl *c, const struct diff_opts *o, const struct diff_dirs *dirs,
                      const struct mapper_resource *r, const char *ns)
{
    cleanup_free char *collection = mapper_collection_path(r, ns);
    char *q = xstrdup("");
    ctl_query_add(&q, "labelSelector", o->selector_text);
    cleanup_free char *path = *q ? xasprintf("%s?%s", collection, q + 1) : xstrdup(collection);
    free(q);
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, "GET", path, CTL_ACCEPT_JSON, NULL, NULL, &resp, &e) != 0) {
        return ctl_transport_error(c, &e);
    }
    cleanup_json json_t *list = json_loads(resp.body ? resp.body : "", 0, NULL);
    int status = resp.status == 200 ? 0 : 1;
    if (status != 0) {
        cleanup_free char *line = ctl_api_error_text(&resp, NULL);
        ctl_klog(c, 'W', "diff.go:760", "pruning failed and could not be evaluated err: %s", line);
    }
    http_response_free(&resp);
    size_t i;
    json_t *item;
    json_array_foreach (json_object_get(list, "items"), i, item) {
        const char *uid = jpath_get_string(item, "metadata.uid");
        if (json_object_get(json_object_get(json_object_get(item, "metadata"), "annotations"),
                            OBJECTS_LAST_APPLIED) == NULL ||
            (uid && strv_has(&o->visited_uids, uid))) {
            continue;
        }
        /* the dynamic client's list gives each item its kind */
        cleanup_free char *api_version =
            *r->group ? xasprintf("%s/%s", r->group, r->version) : xstrdup(r->version);
        if (json_object_get(item, "apiVersion") == NULL) {
            json_object_set_new(item, "apiVersion", json_string(api_version));
        }
        if (json_object_get(item, "kind") == NULL) {
            json_object_set_new(item, "kind", json_string(r->kind));
        }
        const char *item_ns = jpath_get_string(item, "metadata.namespace");
        const char *name = jpath_get_string(item, "metadata.name");
        cleanup_free char *file = *r->group
                                      ? xasprintf("%s.%s.%s.%s.%s", r->group, r->version, r->kind,
                                                  item_ns ? item_ns : "", name ? name : "")
                                      : xasprintf("%s.%s.%s.%s", r->version, r->kind,
                                                  item_ns ? item_ns : "", name ? name : "");
        if (write_version(c, dirs->live, file, item, false) != 0) {
            return 1;
        }
    }
    return 0;
}

/* kubectl's pruneAll: the namespaced types in every namespace the files named, then the
 * cluster-scoped ones. A failed list ends the pruning with a warning, not the diff. */
static int prune_all(struct ctl *c, const struct diff_opts *o, const struct diff_dirs *dirs)
{
    if (o->prune_defaults) {
        ctl_klog(c, 'W', "prune.go:71",
                 "Deprecated: kubectl apply will no longer prune non-namespaced resources by "
                 "default when used with the --namespace flag in a future release. To preserve "
                 "the current behaviour, list the resources you want to target explicitly in the "
                 "--prune-allowlist flag.");
    }
    for (size_t i = 0; i < o->visited_namespaces.n; i++) {
        for (size_t j = 0; j < o->nprune_types; j++) {
            if (o->prune_types[j]->namespaced &&
                prune_list(c, o, dirs, o->prune_types[j], o->visited_namespaces.v[i]) != 0) {
                return 0;
            }
        }
    }
    for (size_t j = 0; j < o->nprune_types; j++) {
        if (!o->prune_types[j]->namespaced && prune_list(c, o, dirs, o->prune_types[j], NULL)) {
            return 0;
        }
    }
    return 0;
}

/* ---- the command ---- */

static bool manifest_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot &&
           (strcmp(dot, ".json") == 0 || strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the files the builder reads under dir, in filepath.Walk's order (names sorted,
 * subfolders descended where they sort, only with recursive). */
static void add_folder_files(const char *dir, bool recursive, struct cli_strv *out)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return;
    }
    struct cli_strv names = {0};
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] != '.') {
            cli_strv_add(&names, de->d_name);
        }
    }
    closedir(d);
    if (names.n > 1) {
        qsort(names.v, names.n, sizeof *names.v, compare_names);
    }
    for (size_t i = 0; i < names.n; i++) {
        cleanup_free char *child = xasprintf("%s/%s", dir, names.v[i]);
        struct stat st;
        if (stat(child, &st) != 0) {
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (recursive) {
                add_folder_files(child, recursive, out);
            }
        } else if (manifest_name(names.v[i])) {
            cli_strv_add(out, child);
        }
    }
    cli_strv_free(&names);
}

/* The builder's work on -f before anything is read: each path exists, and some file with a
 * recognized extension has been found by the end of each path. Fills *out with the files
 * ("-" for stdin) in the order kubectl visits them. Returns 0 or prints the error and
 * returns 1. */
static int expand_paths(struct ctl *c, const struct cli_strv *files, bool recursive,
                        struct cli_strv *out)
{
    for (size_t i = 0; i < files->n; i++) {
        struct stat st;
        if (strcmp(files->v[i], "-") == 0) {
            cli_strv_add(out, "-");
            continue;
        }
        if (stat(files->v[i], &st) != 0) {
            return ctl_error(c, "the path \"%s\" does not exist", files->v[i]);
        }
        if (S_ISDIR(st.st_mode)) {
            add_folder_files(files->v[i], recursive, out);
        } else {
            cli_strv_add(out, files->v[i]);
        }
        if (out->n == 0) {
            return ctl_error(c,
                             "error reading [%s]: recognized file extensions are [.json .yaml "
                             ".yml]",
                             files->v[i]);
        }
    }
    return 0;
}

/* Reads one file and diffs its objects (those the selector matches). Returns 0 or 1 after
 * printing the error. */
static int diff_file(struct ctl *c, struct diff_opts *o, const struct diff_dirs *dirs,
                     const char *file)
{
    struct cli_strv one = {0};
    cli_strv_add(&one, file);
    struct manifest *ms = NULL;
    size_t n = 0;
    int status = objects_read(c, &one, false, &ms, &n) != 0 || (n > 0 && ctl_discover(c) != 0);
    for (size_t i = 0; i < n && status == 0; i++) {
        const json_t *labels = json_object_get(json_object_get(ms[i].obj, "metadata"), "labels");
        if (o->selector == NULL || label_selector_matches(o->selector, labels)) {
            status = diff_object(c, o, dirs, &ms[i]);
        }
    }
    objects_manifests_free(ms, n);
    cli_strv_free(&one);
    return status;
}

/* Reads, merges and writes every object, then runs the diff program. Returns the exit status. */
static int diff_files(struct ctl *c, struct diff_opts *o, const struct cli_strv *files,
                      bool recursive, const char *selector)
{
    struct diff_dirs dirs = {make_temp_dir("LIVE"), make_temp_dir("MERGED")};
    struct cli_strv paths = {0};
    int status = 0;
    struct err e = {0};
    struct diff_opts run = *o;
    run.selector_text = selector;
    if (dirs.live == NULL || dirs.merged == NULL) {
        status = ctl_error(c, "mkdir temp: %s", strerror(errno));
    } else if (expand_paths(c, files, recursive, &paths) != 0) {
        status = 1;
    } else if (selector != NULL && (run.selector = label_selector_parse(selector, &e)) == NULL) {
        status = ctl_error(c, "the provided selector \"%s\" is not valid: %s", selector, e.msg);
    }
    bool visited = status == 0;
    for (size_t i = 0; i < paths.n && status == 0; i++) {
        status = diff_file(c, &run, &dirs, paths.v[i]);
    }
    if (run.prune && visited) {
        /* kubectl prunes (and warns) even after a failed object; the failure still wins */
        status = prune_all(c, &run, &dirs) || status;
    }
    if (run.failure_line != NULL) {
        fprintf(c->errout, "%s\n", run.failure_line);
        free(run.failure_line);
    }
    /* kubectl runs the diff program only when every object went well */
    status = status ? DIFF_FAILED : run_diff_program(c, &dirs);
    label_selector_free(run.selector);
    cli_strv_free(&run.visited_namespaces);
    cli_strv_free(&run.visited_uids);
    cli_strv_free(&paths);
    remove_tree(dirs.live);
    remove_tree(dirs.merged);
    free(dirs.live);
    free(dirs.merged);
    return status;
}

int cmd_diff(struct ctl *c, int argc, char **argv)
{
    struct cli_strv files = {0}, args = {0}, prune_allowlist = {0};
    bool recursive = false, prune = false;
    int concurrency = 1;
    const char *selector = NULL;
    struct diff_opts o = {0};
    struct cli_flag flags[] = {
        {"filename", 'f', CLI_STRING_SLICE, &files, false},
        {"recursive", 'R', CLI_BOOL, &recursive, false},
        {"server-side", 0, CLI_BOOL, &o.server_side, false},
        {"force-conflicts", 0, CLI_BOOL, &o.force_conflicts, false},
        {"field-manager", 0, CLI_STRING, &o.field_manager, false},
        {"selector", 'l', CLI_STRING, &selector, false},
        {"prune", 0, CLI_BOOL, &prune, false},
        {"prune-allowlist", 0, CLI_STRING_ARRAY, &prune_allowlist, false},
        {"show-managed-fields", 0, CLI_BOOL, &o.show_managed_fields, false},
        {"concurrency", 0, CLI_INT, &concurrency, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    struct err e = {0};
    /* kubectl diff's flag errors exit 2 like its other errors (1 means "differences") */
    int parsed = cli_parse(c->global_flags, flags, argc, argv, &args, &e);
    if (parsed < 0) {
        status = ctl_usage_error(c, "%s", e.msg) + 1;
        goto out;
    }
    if (parsed == 1) {
        cli_strv_free(&args);
        ctl_parse(c, flags, argc, argv, &args, &status);
        goto out;
    }
    log_set_verbosity(c->verbosity);
    if (args.n > 0) {
        cleanup_free char *joined = xstrdup("");
        for (size_t i = 0; i < args.n; i++) {
            char *next = xasprintf("%s%s%s", joined, i ? " " : "", args.v[i]);
            free(joined);
            joined = next;
        }
        status = ctl_usage_error(c, "Unexpected args: [%s]", joined) + 1;
        goto out;
    }
    if (files.n == 0) {
        status = ctl_error(c, "must specify one of -f and -k") + 1;
        goto out;
    }
    if (o.force_conflicts && !o.server_side) {
        status = ctl_error(c, "--force-conflicts only works with --server-side") + 1;
        goto out;
    }
    if (o.field_manager == NULL) {
        o.field_manager = o.server_side ? "kubectl" : "kubectl-client-side-apply";
    }
    if (ctl_connect(c) != 0) {
        status = DIFF_FAILED;
        goto out;
    }
    o.prune = prune;
    if (prune && (ctl_discover(c) != 0 || prune_types(c, &o, &prune_allowlist) != 0)) {
        status = DIFF_FAILED;
        goto out;
    }
    status = diff_files(c, &o, &files, recursive, selector);
out:
    cli_strv_free(&files);
    cli_strv_free(&args);
    cli_strv_free(&prune_allowlist);
    free(o.prune_types);
    return status;
}
