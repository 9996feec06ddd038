/* kubectl's create generators beyond the simple ones: service clusterip|nodeport|loadbalancer|
 * externalname, secret tls, job (--image or --from=cronjob/x), cronjob, role/clusterrole (one
 * rule per API group, groups sorted), rolebinding/clusterrolebinding and token (TokenRequest),
 * with kubectl's validation messages. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "cleanup.h"
#include "fileio.h"
#include "generate.h"
#include "xalloc.h"

json_t *generate_object(const char *api_version, const char *kind, const char *name)
{
    return json_pack("{s:s, s:s, s:{s:s, s:n}}", "kind", kind, "apiVersion", api_version,
                     "metadata", "name", name, "creationTimestamp");
}

json_t *generate_container(const char *name, const char *image, const struct cli_strv *command)
{
    json_t *ctr = json_pack("{s:s, s:s}", "name", name, "image", image);
    if (command != NULL && command->n > 0) {
        json_t *words = json_array();
        for (size_t i = 0; i < command->n; i++) {
            json_array_append_new(words, json_string(command->v[i]));
        }
        json_object_set_new(ctr, "command", words);
    }
    json_object_set_new(ctr, "resources", json_object());
    return ctr;
}

/* utilsnet.ParsePort: a decimal 0..65535 with strconv's messages. */
static int parse_port(struct ctl *c, const char *s, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *s == '-' || *s == '+' || *end != '\0') {
        return ctl_error(c, "strconv.ParseUint: parsing \"%s\": invalid syntax", s);
    }
    if (errno != 0 || v > 65535) {
        return ctl_error(c, "strconv.ParseUint: parsing \"%s\": value out of range", s);
    }
    *out = v;
    return 0;
}

int generate_service(struct ctl *c, const struct create_opts *o, const char *kind_word,
                     const char *name, struct generated *g)
{
    static const char *const types[][3] = {
        {"clusterip", "ClusterIP", "ClusterIP service"},
        {"nodeport", "NodePort", "NodePort service"},
        {"loadbalancer", "LoadBalancer", "LoadBalancer service"},
        {"externalname", "ExternalName", "ExternalName service"}};
    const char *type = NULL, *what = NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(kind_word, types[i][0]) == 0) {
            type = types[i][1];
            what = types[i][2];
        }
    }
    if (type == NULL) {
        fprintf(c->errout, "Error: unknown command \"%s\" for \"%s create service\"\n", kind_word,
                c->prog);
        return 1;
    }
    bool external = strcmp(type, "ExternalName") == 0;
    if (external && (o->external_name == NULL || *o->external_name == '\0')) {
        return ctl_error(c, "required flag(s) \"external-name\" not set");
    }
    bool headless = o->cluster_ip != NULL && strcmp(o->cluster_ip, "None") == 0;
    if (o->tcp.n == 0 && !external && !headless) {
        return ctl_error(c, "at least one tcp port specifier must be provided");
    }
    json_t *ports = json_array();
    for (size_t i = 0; i < o->tcp.n; i++) {
        cleanup_free char *spec = xstrdup(o->tcp.v[i]);
        char *colon = strchr(spec, ':');
        if (colon) {
            *colon = '\0';
        }
        long port = 0;
        if (parse_port(c, spec, &port) != 0) {
            json_decref(ports);
            return 1;
        }
        cleanup_free char *port_name = xstrdup(o->tcp.v[i]);
        for (char *p = port_name; *p; p++) {
            *p = *p == ':' ? '-' : *p;
        }
        json_t *sp = json_pack("{s:s, s:s, s:I}", "name", port_name, "protocol", "TCP", "port",
                               (json_int_t)port);
        const char *target = colon ? colon + 1 : NULL;
        char *end = NULL;
        long tnum = target ? strtol(target, &end, 10) : port;
        if (target != NULL && (*target == '\0' || *end != '\0')) {
            json_object_set_new(sp, "targetPort", json_string(target));
        } else {
            json_object_set_new(sp, "targetPort", json_integer(tnum));
        }
        if (o->node_port > 0) {
            json_object_set_new(sp, "nodePort", json_integer(o->node_port));
        }
        json_array_append_new(ports, sp);
    }
    json_t *obj = generate_object("v1", "Service", name);
    json_object_set_new(json_object_get(obj, "metadata"), "labels",
                        json_pack("{s:s}", "app", name));
    json_t *spec = json_object();
    if (json_array_size(ports) > 0) {
        json_object_set_new(spec, "ports", ports);
    } else {
        json_decref(ports);
    }
    json_object_set_new(spec, "selector", json_pack("{s:s}", "app", name));
    if (o->cluster_ip != NULL && *o->cluster_ip) {
        json_object_set_new(spec, "clusterIP", json_string(o->cluster_ip));
    }
    json_object_set_new(spec, "type", json_string(type));
    if (external) {
        json_object_set_new(spec, "externalName", json_string(o->external_name));
    }
    json_object_set_new(obj, "spec", spec);
    json_object_set_new(obj, "status", json_pack("{s:{}}", "loadBalancer"));
    *g = (struct generated){obj, "services", "", what};
    return 0;
}

int generate_secret_tls(struct ctl *c, const struct create_opts *o, const char *name,
                        struct generated *g)
{
    if (o->cert == NULL || o->key == NULL || !*o->cert || !*o->key) {
        return ctl_error(c, "key and cert must be specified");
    }
    const char *paths[2] = {o->cert, o->key};
    const char *keys[2] = {"tls.crt", "tls.key"};
    json_t *data = json_object();
    for (int i = 0; i < 2; i++) {
        char *content = NULL;
        size_t len = 0;
        struct err e = {0};
        if (file_read_all(paths[i], &content, &len, &e) != 0) {
            json_decref(data);
            return ctl_error(c, "Cannot read file %s, open %s: no such file or directory", paths[i],
                             paths[i]);
        }
        char *value = b64_encode((const uint8_t *)content, len);
        free(content);
        json_object_set_new(data, keys[i], json_string(value));
        free(value);
    }
    json_t *obj = generate_object("v1", "Secret", name);
    json_object_set_new(obj, "data", data);
    json_object_set_new(obj, "type", json_string("kubernetes.io/tls"));
    *g = (struct generated){obj, "secrets", "", "secret"};
    return 0;
}

/* {"template": {"metadata": {"creationTimestamp": null}, "spec": {containers, restartPolicy}}}:
 * a JobSpec of kubectl's job and cronjob generators. Returns a new reference. */
static json_t *job_spec(const char *name, const char *image, const struct cli_strv *command,
                        const char *restart)
{
    json_t *ctr = generate_container(name, image, command);
    return json_pack("{s:{s:{s:n}, s:{s:[o], s:s}}}", "template", "metadata", "creationTimestamp",
                     "spec", "containers", ctr, "restartPolicy", restart);
}

/* The job kubectl makes from a CronJob (--from=cronjob/x): the job template's spec, labels and
 * annotations, "cronjob.kubernetes.io/instantiate": "manual" and a controller reference. */
static int job_from_cronjob(struct ctl *c, const struct create_opts *o, const char *name,
                            struct generated *g)
{
    const char *slash = strchr(o->from, '/');
    cleanup_free char *type = xstrndup(o->from, slash ? (size_t)(slash - o->from) : 0);
    if (slash == NULL || ctl_discover(c) != 0) {
        return slash == NULL ? ctl_error(c, "from must be of the form TYPE/NAME") : 1;
    }
    struct err e = {0};
    const struct mapper_resource *r = mapper_resolve(&c->mapper, type, &e);
    if (r == NULL) {
        return ctl_error(c, "%s", e.msg);
    }
    if (strcmp(r->resource, "cronjobs") != 0) {
        return ctl_error(c, "unknown object type %s", r->kind);
    }
    cleanup_free char *path = ctl_object_path(c, r, slash + 1);
    cleanup_json json_t *cj = NULL;
    if (ctl_request_json(c, "GET", path, NULL, NULL, NULL, &cj) != 0) {
        return 1;
    }
    json_t *tmpl = json_object_get(json_object_get(cj, "spec"), "jobTemplate");
    json_t *tmeta = json_object_get(tmpl, "metadata");
    json_t *obj = generate_object("batch/v1", "Job", name);
    json_t *meta = json_object_get(obj, "metadata");
    json_t *labels = json_object_get(tmeta, "labels");
    if (json_object_size(labels) > 0) {
        json_object_set(meta, "labels", labels);
    }
    json_t *annotations = json_pack("{s:s}", "cronjob.kubernetes.io/instantiate", "manual");
    json_object_update(annotations, json_object_get(tmeta, "annotations"));
    json_object_set_new(meta, "annotations", annotations);
    json_t *cmeta = json_object_get(cj, "metadata");
    json_object_set_new(meta, "ownerReferences",
                        json_pack("[{s:s, s:s, s:O, s:O, s:b}]", "apiVersion", "batch/v1", "kind",
                                  "CronJob", "name", json_object_get(cmeta, "name"), "uid",
                                  json_object_get(cmeta, "uid"), "controller", 1));
    json_t *spec = json_object_get(tmpl, "spec");
    json_object_set_new(obj, "spec", spec ? json_deep_copy(spec) : json_object());
    json_object_set_new(obj, "status", json_object());
    *g = (struct generated){obj, "jobs", "batch", "job"};
    return 0;
}

int generate_job(struct ctl *c, const struct create_opts *o, const char *name, struct generated *g)
{
    bool has_image = o->images.n > 0, has_from = o->from != NULL && *o->from;
    if (has_image == has_from) {
        return ctl_error(c, "either --image or --from must be specified");
    }
    if (has_from && o->command.n > 0) {
        return ctl_error(c, "cannot specify --from and command");
    }
    if (has_from) {
        return job_from_cronjob(c, o, name, g);
    }
    json_t *obj = generate_object("batch/v1", "Job", name);
    json_object_set_new(obj, "spec", job_spec(name, o->images.v[0], &o->command, "Never"));
    json_object_set_new(obj, "status", json_object());
    *g = (struct generated){obj, "jobs", "batch", "job"};
    return 0;
}

int generate_cronjob(struct ctl *c, const struct create_opts *o, const char *name,
                     struct generated *g)
{
    bool no_image = o->images.n == 0, no_schedule = o->schedule == NULL || !*o->schedule;
    if (no_image || no_schedule) {
        return ctl_error(c, "required flag(s) %s%s%s not set", no_image ? "\"image\"" : "",
                         no_image && no_schedule ? ", " : "", no_schedule ? "\"schedule\"" : "");
    }
    const char *restart = o->restart && *o->restart ? o->restart : "OnFailure";
    json_t *obj = generate_object("batch/v1", "CronJob", name);
    json_t *tmpl = json_pack("{s:{s:s, s:n}, s:o}", "metadata", "name", name, "creationTimestamp",
                             "spec", job_spec(name, o->images.v[0], &o->command, restart));
    json_object_set_new(obj, "spec",
                        json_pack("{s:s, s:o}", "schedule", o->schedule, "jobTemplate", tmpl));
    json_object_set_new(obj, "status", json_object());
    *g = (struct generated){obj, "cronjobs", "batch", "cronjob"};
    return 0;
}

static json_t *string_array(const struct cli_strv *sv)
{
    json_t *a = json_array();
    for (size_t i = 0; i < sv->n; i++) {
        json_array_append_new(a, json_string(sv->v[i]));
    }
    return a;
}

/* The verbs kubectl knows; others get a warning. */
static bool standard_verb(const char *verb)
{
    static const char *const verbs[] = {
        "get", "list", "watch",    "create",      "update", "patch", "delete", "deletecollection",
        "use", "bind", "escalate", "impersonate", "*"};
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (strcmp(verb, verbs[i]) == 0) {
            return true;
        }
    }
    return false;
}

static int compare_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int generate_role(struct ctl *c, const struct create_opts *o, bool cluster, const char *name,
                  struct generated *g)
{
    if (o->verbs.n == 0) {
        return ctl_error(c, "at least one verb must be specified");
    }
    if (o->resources.n == 0 && (!cluster || o->non_resource_urls.n == 0)) {
        return ctl_error(c, cluster ? "one of resource or nonResourceURL must be specified"
                                    : "at least one resource must be specified");
    }
    for (size_t i = 0; i < o->verbs.n; i++) {
        if (!standard_verb(o->verbs.v[i])) {
            fprintf(c->errout, "Warning: '%s' is not a standard resource verb\n", o->verbs.v[i]);
        }
    }
    if (o->resources.n > 0 && ctl_discover(c) != 0) {
        return 1;
    }
    /* group -> resources, in first-seen order per group */
    cleanup_json json_t *by_group = json_object();
    for (size_t i = 0; i < o->resources.n; i++) {
        cleanup_free char *spec = xstrdup(o->resources.v[i]);
        char *sub = strchr(spec, '/');
        if (sub) {
            *sub++ = '\0';
        }
        cleanup_free char *resource = NULL, *group = NULL;
        if (strcmp(spec, "*") == 0) {
            resource = xstrdup("*");
            group = xstrdup("");
        } else {
            struct err e = {0};
            const struct mapper_resource *r = mapper_resolve(&c->mapper, spec, &e);
            if (r == NULL) {
                fprintf(c->errout, "%s\n", e.msg);
                return 1;
            }
            resource = xstrdup(r->resource);
            group = xstrdup(r->group);
        }
        cleanup_free char *full = sub ? xasprintf("%s/%s", resource, sub) : xstrdup(resource);
        json_t *list = json_object_get(by_group, group);
        if (list == NULL) {
            list = json_array();
            json_object_set_new(by_group, group, list);
        }
        bool seen = false;
        for (size_t j = 0; j < json_array_size(list); j++) {
            seen = seen || strcmp(json_string_value(json_array_get(list, j)), full) == 0;
        }
        if (!seen) {
            json_array_append_new(list, json_string(full));
        }
    }
    size_t ngroups = json_object_size(by_group);
    const char **groups = xmalloc((ngroups ? ngroups : 1) * sizeof *groups);
    size_t k = 0;
    const char *key;
    json_t *val;
    json_object_foreach (by_group, key, val) {
        groups[k++] = key;
    }
    qsort(groups, ngroups, sizeof *groups, compare_str);
    json_t *rules = json_array();
    for (size_t i = 0; i < ngroups; i++) {
        json_t *rule = json_pack("{s:o, s:[s], s:O}", "verbs", string_array(&o->verbs), "apiGroups",
                                 groups[i], "resources", json_object_get(by_group, groups[i]));
        if (o->resource_names.n > 0) {
            json_object_set_new(rule, "resourceNames", string_array(&o->resource_names));
        }
        json_array_append_new(rules, rule);
    }
    free(groups);
    if (cluster && o->non_resource_urls.n > 0) {
        json_array_append_new(rules,
                              json_pack("{s:o, s:o}", "verbs", string_array(&o->verbs),
                                        "nonResourceURLs", string_array(&o->non_resource_urls)));
    }
    json_t *obj =
        generate_object("rbac.authorization.k8s.io/v1", cluster ? "ClusterRole" : "Role", name);
    json_object_set_new(obj, "rules", rules);
    *g = (struct generated){obj, cluster ? "clusterroles" : "roles", "rbac.authorization.k8s.io",
                            NULL};
    return 0;
}

int generate_binding(struct ctl *c, const struct create_opts *o, bool cluster, const char *name,
                     struct generated *g)
{
    bool has_role = o->role != NULL && *o->role;
    bool has_cluster_role = o->cluster_role != NULL && *o->cluster_role;
    if (cluster && !has_cluster_role) {
        return ctl_error(c, "required flag(s) \"clusterrole\" not set");
    }
    if (!cluster && has_role == has_cluster_role) {
        return ctl_error(c, "exactly one of clusterrole or role must be specified");
    }
    json_t *subjects = json_array();
    const struct cli_strv *lists[2] = {&o->users, &o->groups};
    const char *kinds[2] = {"User", "Group"};
    for (int l = 0; l < 2; l++) {
        for (size_t i = 0; i < lists[l]->n; i++) {
            json_array_append_new(subjects,
                                  json_pack("{s:s, s:s, s:s}", "kind", kinds[l], "apiGroup",
                                            "rbac.authorization.k8s.io", "name", lists[l]->v[i]));
        }
    }
    for (size_t i = 0; i < o->service_accounts.n; i++) {
        const char *sa = o->service_accounts.v[i];
        const char *colon = strchr(sa, ':');
        if (colon == NULL || strchr(colon + 1, ':') != NULL) {
            json_decref(subjects);
            return ctl_error(c, "serviceaccount must be <namespace>:<name>");
        }
        cleanup_free char *ns = xstrndup(sa, (size_t)(colon - sa));
        json_array_append_new(subjects, json_pack("{s:s, s:s, s:s}", "kind", "ServiceAccount",
                                                  "name", colon + 1, "namespace", ns));
    }
    json_t *obj = generate_object("rbac.authorization.k8s.io/v1",
                                  cluster ? "ClusterRoleBinding" : "RoleBinding", name);
    if (json_array_size(subjects) > 0) {
        json_object_set_new(obj, "subjects", subjects);
    } else {
        json_decref(subjects);
    }
    json_object_set_new(obj, "roleRef",
                        json_pack("{s:s, s:s, s:s}", "apiGroup", "rbac.authorization.k8s.io",
                                  "kind", has_role ? "Role" : "ClusterRole", "name",
                                  has_role ? o->role : o->cluster_role));
    *g = (struct generated){obj, cluster ? "clusterrolebindings" : "rolebindings",
                            "rbac.authorization.k8s.io",
                            cluster ? "clusterrolebinding" : "rolebinding"};
    return 0;
}

int generate_token(struct ctl *c, const struct create_opts *o, const char *sa)
{
    json_t *spec =
        json_pack("{s:o}", "audiences", o->audiences.n ? string_array(&o->audiences) : json_null());
    if (o->duration != NULL && *o->duration) {
        char *end = NULL;
        long secs = strtol(o->duration, &end, 10);
        if (end && strcmp(end, "h") == 0) {
            secs *= 3600;
        } else if (end && strcmp(end, "m") == 0) {
            secs *= 60;
        } else if (end == NULL || (strcmp(end, "s") != 0 && *end != '\0')) {
            json_decref(spec);
            return ctl_error(c,
                             "invalid argument \"%s\" for \"--duration\" flag: time: invalid "
                             "duration \"%s\"",
                             o->duration, o->duration);
        }
        json_object_set_new(spec, "expirationSeconds", json_integer(secs));
    }
    json_object_set_new(spec, "boundObjectRef", json_null());
    cleanup_json json_t *req =
        json_pack("{s:s, s:s, s:{s:n}, s:o, s:{s:s, s:n}}", "kind", "TokenRequest", "apiVersion",
                  "authentication.k8s.io/v1", "metadata", "creationTimestamp", "spec", spec,
                  "status", "token", "", "expirationTimestamp");
    cleanup_free char *ns = ctl_query_escape(c->ns);
    cleanup_free char *sa_escaped = ctl_query_escape(sa);
    cleanup_free char *path =
        xasprintf("/api/v1/namespaces/%s/serviceaccounts/%s/token", ns, sa_escaped);
    cleanup_free char *body = json_dumps(req, JSON_COMPACT);
    struct http_response resp = {0};
    struct err e = {0};
    if (ctl_request(c, "POST", path, CTL_ACCEPT_JSON, "application/json", body, &resp, &e) != 0) {
        return ctl_transport_error(c, &e);
    }
    cleanup_json json_t *answer = json_loads(resp.body ? resp.body : "", 0, NULL);
    int status = 0;
    if (resp.status < 200 || resp.status > 299) {
        const char *msg = json_string_value(json_object_get(answer, "message"));
        if (msg != NULL) {
            status = ctl_error(c, "failed to create token: %s", msg);
        } else {
            status = ctl_api_error(c, &resp);
        }
    } else {
        const char *token =
            json_string_value(json_object_get(json_object_get(answer, "status"), "token"));
        fprintf(c->out, "%s\n", token ? token : "");
    }
    http_response_free(&resp);
    return status;
}
