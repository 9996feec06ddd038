/* kubectl's describers for pods and what they are made of: containers (with their states,
 * probes, env from fields/resources/secrets/config maps), volumes, pod templates, and the
 * objects around pods: nodes (with their pods' summed requests and limits), persistent volume
 * claims and persistent volumes (k8s.io/kubectl/pkg/describe, 1.32). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "describe.h"
#include "printers.h"
#include "xalloc.h"

/* ---- containers ---- */

/* DescribeProbe. Owned. */
static char *describe_probe(const json_t *p)
{
    cleanup_free char *attrs = xasprintf(
        "delay=%llds timeout=%llds period=%llds #success=%lld #failure=%lld",
        dint(p, "initialDelaySeconds"), dint(p, "timeoutSeconds"), dint(p, "periodSeconds"),
        dint(p, "successThreshold"), dint(p, "failureThreshold"));
    const json_t *x;
    if ((x = json_object_get(p, "exec")) != NULL) {
        cleanup_free char *cmd = go_string_list(json_object_get(x, "command"));
        return xasprintf("exec %s %s", cmd, attrs);
    }
    if ((x = json_object_get(p, "httpGet")) != NULL) {
        cleanup_free char *scheme = xstrdup(dstr(x, "scheme"));
        for (char *s = scheme; *s; s++) {
            *s = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
        }
        cleanup_free char *port = printers_cell(json_object_get(x, "port"));
        const char *host = dstr(x, "host"), *path = dstr(x, "path");
        bool v6 = strchr(host, ':') != NULL;
        return xasprintf("http-get %s%s//%s%s%s:%s%s%s %s", scheme, *scheme ? ":" : "",
                         v6 ? "[" : "", host, v6 ? "]" : "", port, *path && *path != '/' ? "/" : "",
                         path, attrs);
    }
    if ((x = json_object_get(p, "tcpSocket")) != NULL) {
        cleanup_free char *port = printers_cell(json_object_get(x, "port"));
        return xasprintf("tcp-socket %s:%s %s", dstr(x, "host"), port, attrs);
    }
    if ((x = json_object_get(p, "grpc")) != NULL) {
        return xasprintf("grpc <pod>:%lld %s %s", dint(x, "port"), dstr(x, "service"), attrs);
    }
    return xasprintf("unknown %s", attrs);
}

/* describeStatus. */
static void describe_state(FILE *w, const char *title, const json_t *state)
{
    const json_t *x;
    char when[64];
    if ((x = json_object_get(state, "running")) != NULL) {
        rfc1123z(dstr(x, "startedAt"), when, sizeof when, true);
        fprintf(w, "    %s:\tRunning\n      Started:\t%s\n", title, when);
    } else if ((x = json_object_get(state, "waiting")) != NULL) {
        fprintf(w, "    %s:\tWaiting\n", title);
        if (*dstr(x, "reason")) {
            fprintf(w, "      Reason:\t%s\n", dstr(x, "reason"));
        }
    } else if ((x = json_object_get(state, "terminated")) != NULL) {
        fprintf(w, "    %s:\tTerminated\n", title);
        if (*dstr(x, "reason")) {
            fprintf(w, "      Reason:\t%s\n", dstr(x, "reason"));
        }
        if (*dstr(x, "message")) {
            fprintf(w, "      Message:\t%s\n", dstr(x, "message"));
        }
        fprintf(w, "      Exit Code:\t%lld\n", dint(x, "exitCode"));
        if (dint(x, "signal") > 0) {
            fprintf(w, "      Signal:\t%lld\n", dint(x, "signal"));
        }
        rfc1123z(dstr(x, "startedAt"), when, sizeof when, true);
        fprintf(w, "      Started:\t%s\n", when);
        rfc1123z(dstr(x, "finishedAt"), when, sizeof when, true);
        fprintf(w, "      Finished:\t%s\n", when);
    } else {
        fprintf(w, "    %s:\tWaiting\n", title);
    }
}

/* describeResources at the given indent. */
static void describe_resources(FILE *w, const json_t *resources, const char *indent)
{
    const char *kinds[2] = {"limits", "requests"}, *titles[2] = {"Limits", "Requests"};
    for (int k = 0; k < 2; k++) {
        const json_t *res = json_object_get(resources, kinds[k]);
        size_t n;
        const char **keys = sorted_keys(res, &n);
        if (n) {
            fprintf(w, "%s%s:\n", indent, titles[k]);
        }
        for (size_t r = 0; r < n; r++) {
            char q[QUANTITY_STR_MAX];
            fprintf(w, "%s  %s:\t%s\n", indent, keys[r],
                    quantity_text(json_object_get(res, keys[r]), q));
        }
        free(keys);
    }
}

/* The value of a quantity, whole units or milli units. */
static int64_t quantity_json_value(const json_t *v, bool milli)
{
    struct quantity q = QUANTITY_ZERO;
    struct err e = {0};
    if (v == NULL || quantity_from_json(v, &q, &e) != 0) {
        return 0;
    }
    return milli ? quantity_milli_value(&q) : quantity_value(&q);
}

/* resourcehelper.ExtractContainerResourceValue for the standard resources ("" otherwise). */
static char *container_resource_value(const json_t *ref, const json_t *ctr)
{
    const char *resource = dstr(ref, "resource");
    const char *dot = strchr(resource, '.');
    if (dot == NULL) {
        return xstrdup("");
    }
    cleanup_free char *kind = xstrndup(resource, (size_t)(dot - resource));
    const char *name = dot + 1;
    bool cpu = strcmp(name, "cpu") == 0;
    if ((strcmp(kind, "limits") != 0 && strcmp(kind, "requests") != 0) ||
        (!cpu && strcmp(name, "memory") != 0 && strcmp(name, "ephemeral-storage") != 0 &&
         strncmp(name, "hugepages-", 10) != 0)) {
        return xstrdup("");
    }
    int64_t divisor = quantity_json_value(json_object_get(ref, "divisor"), cpu);
    if (divisor == 0) {
        divisor = cpu ? 1000 : 1;
    }
    int64_t value = quantity_json_value(dget(ctr, "resources", kind, name, NULL), cpu);
    return xasprintf("%lld", (long long)ceil((double)value / (double)divisor));
}

/* EnvValueRetriever: client-go's scheme converts only metadata.name and metadata.namespace. */
static const char *field_ref_value(const json_t *pod, const char *path)
{
    if (pod == NULL) {
        return "";
    }
    if (strcmp(path, "metadata.name") == 0 || strcmp(path, "metadata.namespace") == 0) {
        return dstr(json_object_get(pod, "metadata"), path + 9);
    }
    return "";
}

static void describe_env(FILE *w, const json_t *ctr, const json_t *pod)
{
    const json_t *from = json_object_get(ctr, "envFrom");
    size_t j;
    json_t *x;
    if (json_array_size(from) > 0) {
        fputs("    Environment Variables from:\n", w);
        json_array_foreach (from, j, x) {
            const json_t *ref = json_object_get(x, "configMapRef");
            const char *type = "ConfigMap";
            if (ref == NULL && (ref = json_object_get(x, "secretRef")) != NULL) {
                type = "Secret";
            }
            bool optional = json_is_true(json_object_get(ref, "optional"));
            if (*dstr(x, "prefix")) {
                fprintf(w, "      %s\t%s with prefix '%s'\tOptional: %s\n", dstr(ref, "name"),
                        ref ? type : "", dstr(x, "prefix"), optional ? "true" : "false");
            } else {
                fprintf(w, "      %s\t%s\tOptional: %s\n", dstr(ref, "name"), ref ? type : "",
                        optional ? "true" : "false");
            }
        }
    }
    const json_t *env = json_object_get(ctr, "env");
    fprintf(w, "    Environment:%s\n", json_array_size(env) ? "" : "\t<none>");
    json_array_foreach (env, j, x) {
        const json_t *vf = json_object_get(x, "valueFrom"), *ref;
        const char *name = dstr(x, "name");
        if (vf == NULL) {
            cleanup_free char *value = xstrdup(dstr(x, "value"));
            char *line = value;
            for (int first = 1; line; first = 0) {
                char *nl = strchr(line, '\n');
                if (nl) {
                    *nl = '\0';
                }
                if (first) {
                    fprintf(w, "      %s:\t%s\n", name, line);
                } else {
                    fprintf(w, "      \t%s\n", line);
                }
                line = nl ? nl + 1 : NULL;
            }
        } else if ((ref = json_object_get(vf, "fieldRef")) != NULL) {
            fprintf(w, "      %s:\t%s (%s:%s)\n", name,
                    field_ref_value(pod, dstr(ref, "fieldPath")), dstr(ref, "apiVersion"),
                    dstr(ref, "fieldPath"));
        } else if ((ref = json_object_get(vf, "resourceFieldRef")) != NULL) {
            cleanup_free char *value = container_resource_value(ref, ctr);
            const char *resource = dstr(ref, "resource");
            bool limit =
                strcmp(resource, "limits.cpu") == 0 || strcmp(resource, "limits.memory") == 0;
            fprintf(w, "      %s:\t%s (%s)\n", name,
                    strcmp(value, "0") == 0 && limit ? "node allocatable" : value, resource);
        } else if ((ref = json_object_get(vf, "secretKeyRef")) != NULL) {
            fprintf(w, "      %s:\t<set to the key '%s' in secret '%s'>\tOptional: %s\n", name,
                    dstr(ref, "key"), dstr(ref, "name"),
                    json_is_true(json_object_get(ref, "optional")) ? "true" : "false");
        } else if ((ref = json_object_get(vf, "configMapKeyRef")) != NULL) {
            fprintf(w, "      %s:\t<set to the key '%s' of config map '%s'>\tOptional: %s\n", name,
                    dstr(ref, "key"), dstr(ref, "name"),
                    json_is_true(json_object_get(ref, "optional")) ? "true" : "false");
        }
    }
}

static int compare_by_path(const void *a, const void *b, const char *key)
{
    return strcmp(dstr(*(const json_t *const *)a, key), dstr(*(const json_t *const *)b, key));
}

static int compare_mount_path(const void *a, const void *b)
{
    return compare_by_path(a, b, "mountPath");
}

static int compare_device_path(const void *a, const void *b)
{
    return compare_by_path(a, b, "devicePath");
}

/* The items of a JSON array sorted with cmp (owned array of borrowed items). */
static const json_t **sorted_items(const json_t *list, int (*cmp)(const void *, const void *))
{
    size_t n = json_array_size(list);
    const json_t **v = xmalloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        v[i] = json_array_get(list, i);
    }
    if (cmp != NULL) {
        qsort(v, n, sizeof *v, cmp);
    }
    return v;
}

static void describe_mounts(FILE *w, const json_t *ctr)
{
    const json_t *mounts = json_object_get(ctr, "volumeMounts");
    size_t n = json_array_size(mounts);
    fprintf(w, "    Mounts:%s\n", n ? "" : "\t<none>");
    const json_t **sorted = sorted_items(mounts, compare_mount_path);
    for (size_t i = 0; i < n; i++) {
        const json_t *m = sorted[i];
        fprintf(w, "      %s from %s (%s", dstr(m, "mountPath"), dstr(m, "name"),
                json_is_true(json_object_get(m, "readOnly")) ? "ro" : "rw");
        if (*dstr(m, "subPath")) {
            fprintf(w, ",path=\"%s\"", dstr(m, "subPath"));
        }
        fputs(")\n", w);
    }
    free(sorted);
    const json_t *devices = json_object_get(ctr, "volumeDevices");
    if (json_array_size(devices) > 0) {
        fprintf(w, "    Devices:%s\n", n ? "" : "\t<none>");
        sorted = sorted_items(devices, compare_device_path);
        for (size_t i = 0; i < json_array_size(devices); i++) {
            fprintf(w, "      %s from %s\n", dstr(sorted[i], "devicePath"),
                    dstr(sorted[i], "name"));
        }
        free(sorted);
    }
}

/* "80/TCP, 81/UDP" of the container (or host) ports. Owned. */
static char *container_ports(const json_t *ports, const char *field)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    size_t j;
    json_t *p;
    json_array_foreach (ports, j, p) {
        fprintf(f, "%s%lld/%s", j ? ", " : "", dint(p, field), dstr(p, "protocol"));
    }
    fclose(f);
    return buf;
}

static void seccomp_profile(FILE *w, const json_t *security, const char *indent)
{
    const json_t *profile = json_object_get(security, "seccompProfile");
    if (profile == NULL) {
        return;
    }
    fprintf(w, "%sSeccompProfile:\t%s\n", indent, dstr(profile, "type"));
    if (strcmp(dstr(profile, "type"), "Localhost") == 0) {
        fprintf(w, "%s%sLocalhostProfile:\t%s\n", indent, *indent ? "  " : "",
                dstr(profile, "localhostProfile"));
    }
}

void describe_containers(FILE *w, const char *label, const json_t *containers,
                         const json_t *statuses, const json_t *pod, const char *space)
{
    fprintf(w, "%s%s:%s\n", space, label, json_array_size(containers) ? "" : " <none>");
    size_t i, j;
    json_t *ctr, *x;
    json_array_foreach (containers, i, ctr) {
        const json_t *status = NULL;
        json_array_foreach (statuses, j, x) {
            status = strcmp(dstr(x, "name"), dstr(ctr, "name")) == 0 ? x : status;
        }
        fprintf(w, "  %s%s:\n", *space ? " " : "", dstr(ctr, "name"));
        if (status) {
            fprintf(w, "    Container ID:\t%s\n", dstr(status, "containerID"));
        }
        fprintf(w, "    Image:\t%s\n", dstr(ctr, "image"));
        if (status) {
            fprintf(w, "    Image ID:\t%s\n", dstr(status, "imageID"));
        }
        const json_t *ports = json_object_get(ctr, "ports");
        const char *fields[2] = {"containerPort", "hostPort"};
        for (int host = 0; host < 2; host++) {
            cleanup_free char *text = container_ports(ports, fields[host]);
            bool many = strchr(text, ',') != NULL;
            fprintf(w, "    %s%s:\t%s\n", host ? "Host Port" : "Port", many ? "s" : "",
                    *text ? text : "<none>");
        }
        seccomp_profile(w, json_object_get(ctr, "securityContext"), "    ");
        const char *lists[2] = {"command", "args"}, *titles[2] = {"Command", "Args"};
        for (int l = 0; l < 2; l++) {
            const json_t *words = json_object_get(ctr, lists[l]);
            if (json_array_size(words) > 0) {
                fprintf(w, "    %s:\n", titles[l]);
            }
            json_array_foreach (words, j, x) {
                cleanup_free char *word = xstrdup(json_string_value(x) ? json_string_value(x) : "");
                for (char *line = word; line;) {
                    char *nl = strchr(line, '\n');
                    if (nl) {
                        *nl = '\0';
                    }
                    fprintf(w, "      %s\n", line);
                    line = nl ? nl + 1 : NULL;
                }
            }
        }
        if (status) {
            describe_state(w, "State", json_object_get(status, "state"));
            const json_t *last = json_object_get(status, "lastState");
            if (json_object_get(last, "terminated") != NULL) {
                describe_state(w, "Last State", last);
            }
            fprintf(w, "    Ready:\t%s\n    Restart Count:\t%lld\n",
                    json_is_true(json_object_get(status, "ready")) ? "True" : "False",
                    dint(status, "restartCount"));
        }
        describe_resources(w, json_object_get(ctr, "resources"), "    ");
        const char *probes[3] = {"livenessProbe", "readinessProbe", "startupProbe"};
        const char *ptitles[3] = {"Liveness", "Readiness", "Startup"};
        for (int p = 0; p < 3; p++) {
            if (json_object_get(ctr, probes[p]) != NULL) {
                cleanup_free char *text = describe_probe(json_object_get(ctr, probes[p]));
                fprintf(w, "    %s:\t%s\n", ptitles[p], text);
            }
        }
        describe_env(w, ctr, pod);
        describe_mounts(w, ctr);
    }
}

/* ---- volumes ---- */

static const char *go_bool(const json_t *v)
{
    return json_is_true(v) ? "true" : "false";
}

/* Go's %v of a *bool as kubectl prints it: "<nil>" when unset (a set pointer prints its
 * address in kubectl; c8sctl prints the value). */
static const char *go_bool_ptr(const json_t *v)
{
    return v == NULL ? "<nil>" : go_bool(v);
}

void describe_volume_source(FILE *w, const json_t *v, bool persistent)
{
    const json_t *x;
    if ((x = json_object_get(v, "hostPath")) != NULL) {
        fprintf(w,
                "    Type:\tHostPath (bare host directory volume)\n    Path:\t%s\n"
                "    HostPathType:\t%s\n",
                dstr(x, "path"), json_object_get(x, "type") ? dstr(x, "type") : "<none>");
    } else if (!persistent && (x = json_object_get(v, "emptyDir")) != NULL) {
        char q[QUANTITY_STR_MAX];
        const json_t *limit = json_object_get(x, "sizeLimit");
        struct quantity size = QUANTITY_ZERO;
        struct err e = {0};
        bool set = limit && quantity_from_json(limit, &size, &e) == 0 && quantity_sign(&size) > 0;
        fprintf(w,
                "    Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
                "    Medium:\t%s\n    SizeLimit:\t%s\n",
                dstr(x, "medium"), set ? quantity_format(&size, q) : "<unset>");
    } else if (!persistent && (x = json_object_get(v, "secret")) != NULL) {
        fprintf(w,
                "    Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t%s\n"
                "    Optional:\t%s\n",
                dstr(x, "secretName"), go_bool(json_object_get(x, "optional")));
    } else if (!persistent && (x = json_object_get(v, "configMap")) != NULL) {
        fprintf(w,
                "    Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t%s\n"
                "    Optional:\t%s\n",
                dstr(x, "name"), go_bool(json_object_get(x, "optional")));
    } else if ((x = json_object_get(v, "nfs")) != NULL) {
        fprintf(w,
                "    Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n"
                "    Server:\t%s\n    Path:\t%s\n    ReadOnly:\t%s\n",
                dstr(x, "server"), dstr(x, "path"), go_bool(json_object_get(x, "readOnly")));
    } else if (!persistent && (x = json_object_get(v, "persistentVolumeClaim")) != NULL) {
        fprintf(w,
                "    Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in "
                "the same namespace)\n    ClaimName:\t%s\n    ReadOnly:\t%s\n",
                dstr(x, "claimName"), go_bool(json_object_get(x, "readOnly")));
    } else if (!persistent && (x = json_object_get(v, "downwardAPI")) != NULL) {
        fputs("    Type:\tDownwardAPI (a volume populated by information about the pod)\n"
              "    Items:\n",
              w);
        size_t i;
        json_t *item;
        json_array_foreach (json_object_get(x, "items"), i, item) {
            if (json_object_get(item, "fieldRef")) {
                fprintf(w, "      %s -> %s\n", dstr(dget(item, "fieldRef", NULL), "fieldPath"),
                        dstr(item, "path"));
            }
            if (json_object_get(item, "resourceFieldRef")) {
                fprintf(w, "      %s -> %s\n",
                        dstr(dget(item, "resourceFieldRef", NULL), "resource"), dstr(item, "path"));
            }
        }
    } else if (!persistent && (x = json_object_get(v, "projected")) != NULL) {
        fputs("    Type:\tProjected (a volume that contains injected data from multiple "
              "sources)\n",
              w);
        size_t i;
        json_t *s, *y;
        json_array_foreach (json_object_get(x, "sources"), i, s) {
            if ((y = json_object_get(s, "secret")) != NULL) {
                fprintf(w, "    SecretName:\t%s\n    SecretOptionalName:\t%s\n", dstr(y, "name"),
                        go_bool_ptr(json_object_get(y, "optional")));
            } else if (json_object_get(s, "downwardAPI") != NULL) {
                fputs("    DownwardAPI:\ttrue\n", w);
            } else if ((y = json_object_get(s, "configMap")) != NULL) {
                fprintf(w, "    ConfigMapName:\t%s\n    ConfigMapOptional:\t%s\n", dstr(y, "name"),
                        go_bool_ptr(json_object_get(y, "optional")));
            } else if ((y = json_object_get(s, "serviceAccountToken")) != NULL) {
                fprintf(w, "    TokenExpirationSeconds:\t%lld\n", dint(y, "expirationSeconds"));
            }
        }
    } else if (persistent && (x = json_object_get(v, "local")) != NULL) {
        fprintf(w,
                "    Type:\tLocalVolume (a persistent volume backed by local storage on a "
                "node)\n    Path:\t%s\n",
                dstr(x, "path"));
    } else if (!persistent && (x = json_object_get(v, "ephemeral")) != NULL) {
        fputs("    Type:\tEphemeralVolume (an inline specification for a volume that gets "
              "created and deleted with the pod)\n",
              w);
        const json_t *tmpl = json_object_get(x, "volumeClaimTemplate");
        if (tmpl != NULL) {
            char *buf = NULL;
            size_t size = 0;
            FILE *f = open_memstream(&buf, &size);
            describe_pvc_body(f, tmpl, false);
            fclose(f);
            for (char *line = buf; *line;) {
                char *nl = strchr(line, '\n');
                fprintf(w, "    %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
                line = nl ? nl + 1 : line + strlen(line);
            }
            free(buf);
        }
    } else {
        fputs("  <unknown>\n", w);
    }
}

void describe_volumes(FILE *w, const json_t *volumes, const char *space)
{
    if (json_array_size(volumes) == 0) {
        fprintf(w, "%sVolumes:\t<none>\n", space);
        return;
    }
    fprintf(w, "%sVolumes:\n", space);
    size_t i;
    json_t *v;
    json_array_foreach (volumes, i, v) {
        fprintf(w, "  %s%s:\n", *space ? " " : "", dstr(v, "name"));
        describe_volume_source(w, v, false);
    }
}

void tolerations_multiline(FILE *w, const char *title, const json_t *tolerations)
{
    fprintf(w, "%s:\t", title);
    size_t n = json_array_size(tolerations);
    if (n == 0) {
        fputs("<none>\n", w);
        return;
    }
    const json_t **sorted = sorted_items(tolerations, NULL);
    for (size_t i = 1; i < n; i++) { /* sort.Slice by key; insertion keeps equal keys' order */
        for (size_t k = i; k > 0 && strcmp(dstr(sorted[k - 1], "key"), dstr(sorted[k], "key")) > 0;
             k--) {
            const json_t *t = sorted[k];
            sorted[k] = sorted[k - 1];
            sorted[k - 1] = t;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *t = sorted[i];
        const char *key = dstr(t, "key"), *value = dstr(t, "value"), *effect = dstr(t, "effect");
        if (i) {
            fprintf(w, "%.*s\t", (int)strspn(title, " "), title);
        }
        fputs(key, w);
        if (*value) {
            fprintf(w, "=%s", value);
        }
        if (*effect) {
            fprintf(w, ":%s", effect);
        }
        if (strcmp(dstr(t, "operator"), "Exists") == 0 && *value == '\0') {
            fputs(*key || *effect ? " op=Exists" : "op=Exists", w);
        }
        const json_t *secs = json_object_get(t, "tolerationSeconds");
        if (json_is_integer(secs)) {
            fprintf(w, " for %llds", (long long)json_integer_value(secs));
        }
        fputc('\n', w);
    }
    free(sorted);
}

static int compare_topology_key(const void *a, const void *b)
{
    return compare_by_path(a, b, "topologyKey");
}

void topology_spread(FILE *w, const json_t *constraints, const char *space)
{
    size_t n = json_array_size(constraints);
    if (n == 0) {
        return;
    }
    const json_t **sorted = sorted_items(constraints, compare_topology_key);
    fprintf(w, "%sTopology Spread Constraints:\t", space);
    for (size_t i = 0; i < n; i++) {
        const json_t *t = sorted[i];
        if (i) {
            fprintf(w, "%s\t", space);
        }
        fprintf(w, "%s:%s when max skew %lld is exceeded", dstr(t, "topologyKey"),
                dstr(t, "whenUnsatisfiable"), dint(t, "maxSkew"));
        if (json_object_get(t, "labelSelector") != NULL) {
            cleanup_free char *sel = format_label_selector(json_object_get(t, "labelSelector"));
            fprintf(w, " for selector %s", sel);
        }
        fputc('\n', w);
    }
    free(sorted);
}

void describe_pod_template(FILE *w, const json_t *tmpl)
{
    const json_t *tspec = json_object_get(tmpl, "spec"), *tmeta = json_object_get(tmpl, "metadata");
    fputs("Pod Template:\n", w);
    labels_multiline(w, "", "  Labels", json_object_get(tmeta, "labels"));
    if (json_object_size(json_object_get(tmeta, "annotations")) > 0) {
        annotations_multiline(w, "  Annotations", json_object_get(tmeta, "annotations"));
    }
    if (*dstr(tspec, "serviceAccountName")) {
        fprintf(w, "  Service Account:\t%s\n", dstr(tspec, "serviceAccountName"));
    }
    if (json_array_size(json_object_get(tspec, "initContainers")) > 0) {
        describe_containers(w, "Init Containers", json_object_get(tspec, "initContainers"), NULL,
                            NULL, "  ");
    }
    describe_containers(w, "Containers", json_object_get(tspec, "containers"), NULL, NULL, "  ");
    describe_volumes(w, json_object_get(tspec, "volumes"), "  ");
    topology_spread(w, json_object_get(tspec, "topologySpreadConstraints"), "  ");
    if (*dstr(tspec, "priorityClassName")) {
        fprintf(w, "  Priority Class Name:\t%s\n", dstr(tspec, "priorityClassName"));
    }
    labels_multiline(w, "", "  Node-Selectors", json_object_get(tspec, "nodeSelector"));
    tolerations_multiline(w, "  Tolerations", json_object_get(tspec, "tolerations"));
}

/* ---- pods ---- */

/* qos.GetPodQOS, simplified: status.qosClass when the server set it. */
static const char *pod_qos(const json_t *pod)
{
    const char *qos = dstr(json_object_get(pod, "status"), "qosClass");
    if (*qos) {
        return qos;
    }
    bool any = false, guaranteed = true;
    size_t i;
    json_t *ctr;
    json_array_foreach (dget(pod, "spec", "containers", NULL), i, ctr) {
        const json_t *limits = dget(ctr, "resources", "limits", NULL);
        const json_t *requests = dget(ctr, "resources", "requests", NULL);
        any = any || json_object_size(limits) || json_object_size(requests);
        guaranteed =
            guaranteed && json_object_get(limits, "cpu") && json_object_get(limits, "memory");
    }
    return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
}

static void describe_pod_body(FILE *w, const json_t *pod)
{
    const json_t *meta = json_object_get(pod, "metadata"), *spec = json_object_get(pod, "spec");
    const json_t *status = json_object_get(pod, "status");
    fprintf(w, "Name:\t%s\nNamespace:\t%s\n", dstr(meta, "name"), dstr(meta, "namespace"));
    const json_t *priority = json_object_get(spec, "priority");
    if (json_is_integer(priority)) {
        fprintf(w, "Priority:\t%lld\n", (long long)json_integer_value(priority));
    }
    if (*dstr(spec, "priorityClassName")) {
        fprintf(w, "Priority Class Name:\t%s\n", dstr(spec, "priorityClassName"));
    }
    if (*dstr(spec, "runtimeClassName")) {
        fprintf(w, "Runtime Class Name:\t%s\n", dstr(spec, "runtimeClassName"));
    }
    if (*dstr(spec, "serviceAccountName")) {
        fprintf(w, "Service Account:\t%s\n", dstr(spec, "serviceAccountName"));
    }
    if (*dstr(spec, "nodeName")) {
        fprintf(w, "Node:\t%s/%s\n", dstr(spec, "nodeName"), dstr(status, "hostIP"));
    } else {
        fputs("Node:\t<none>\n", w);
    }
    char when[64];
    if (*dstr(status, "startTime")) {
        rfc1123z(dstr(status, "startTime"), when, sizeof when, true);
        fprintf(w, "Start Time:\t%s\n", when);
    }
    labels_multiline(w, "", "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    const char *phase = dstr(status, "phase");
    if (*dstr(meta, "deletionTimestamp") && strcmp(phase, "Failed") != 0 &&
        strcmp(phase, "Succeeded") != 0) {
        char age[K8STIME_STR_MAX];
        since(dstr(meta, "deletionTimestamp"), age);
        fprintf(w, "Status:\tTerminating (lasts %s)\nTermination Grace Period:\t%llds\n", age,
                dint(meta, "deletionGracePeriodSeconds"));
    } else {
        fprintf(w, "Status:\t%s\n", phase);
    }
    if (*dstr(status, "reason")) {
        fprintf(w, "Reason:\t%s\n", dstr(status, "reason"));
    }
    if (*dstr(status, "message")) {
        fprintf(w, "Message:\t%s\n", dstr(status, "message"));
    }
    seccomp_profile(w, json_object_get(spec, "securityContext"), "");
    fprintf(w, "IP:\t%s\n", dstr(status, "podIP"));
    const json_t *ips = json_object_get(status, "podIPs");
    fputs(json_array_size(ips) ? "IPs:\n" : "IPs:\t<none>\n", w);
    size_t i;
    json_t *x;
    json_array_foreach (ips, i, x) {
        fprintf(w, "  IP:\t%s\n", dstr(x, "ip"));
    }
    char owner[512];
    if (controlled_by(pod, owner, sizeof owner)) {
        fprintf(w, "Controlled By:\t%s\n", owner);
    }
    if (*dstr(status, "nominatedNodeName")) {
        fprintf(w, "NominatedNodeName:\t%s\n", dstr(status, "nominatedNodeName"));
    }
    if (json_object_get(spec, "resources") != NULL) {
        fputs("Resources:\n", w);
        describe_resources(w, json_object_get(spec, "resources"), "  ");
    }
    if (json_array_size(json_object_get(spec, "initContainers")) > 0) {
        describe_containers(w, "Init Containers", json_object_get(spec, "initContainers"),
                            json_object_get(status, "initContainerStatuses"), pod, "");
    }
    describe_containers(w, "Containers", json_object_get(spec, "containers"),
                        json_object_get(status, "containerStatuses"), pod, "");
    if (json_array_size(json_object_get(spec, "ephemeralContainers")) > 0) {
        describe_containers(w, "Ephemeral Containers", json_object_get(spec, "ephemeralContainers"),
                            json_object_get(status, "ephemeralContainerStatuses"), pod, "");
    }
    const json_t *conditions = json_object_get(status, "conditions");
    const json_t *gates = json_object_get(spec, "readinessGates");
    if (json_array_size(gates) > 0) {
        fputs("Readiness Gates:\n  Type\tStatus\n", w);
        json_array_foreach (gates, i, x) {
            const char *value = "<none>";
            size_t j;
            json_t *c;
            json_array_foreach (conditions, j, c) {
                if (strcmp(dstr(c, "type"), dstr(x, "conditionType")) == 0) {
                    value = dstr(c, "status");
                    break;
                }
            }
            fprintf(w, "  %s \t%s \n", dstr(x, "conditionType"), value);
        }
    }
    if (json_array_size(conditions) > 0) {
        fputs("Conditions:\n  Type\tStatus\n", w);
        json_array_foreach (conditions, i, x) {
            fprintf(w, "  %s \t%s \n", dstr(x, "type"), dstr(x, "status"));
        }
    }
    describe_volumes(w, json_object_get(spec, "volumes"), "");
    fprintf(w, "QoS Class:\t%s\n", pod_qos(pod));
    labels_multiline(w, "", "Node-Selectors", json_object_get(spec, "nodeSelector"));
    tolerations_multiline(w, "Tolerations", json_object_get(spec, "tolerations"));
    topology_spread(w, json_object_get(spec, "topologySpreadConstraints"), "");
}

int describe_pod(struct describe *d)
{
    describe_pod_body(d->w, d->obj);
    if (d->show_events) {
        /* kubectl clears the reference's kind; a mirror pod's events carry the static pod's
         * uid */
        const char *mirror = json_string_value(
            dget(d->obj, "metadata", "annotations", "kubernetes.io/config.mirror", NULL));
        cleanup_json json_t *events = describe_search_events(d, NULL, mirror);
        describe_events_print(d->w, events);
    }
    return 0;
}

/* ---- pod resources ---- */

/* list[name] += add (or = add). */
static void add_resources(json_t *list, const json_t *add)
{
    const char *name;
    json_t *v;
    json_object_foreach ((json_t *)add, name, v) {
        struct quantity sum = QUANTITY_ZERO, q = QUANTITY_ZERO;
        struct err e = {0};
        if (quantity_from_json(v, &q, &e) != 0) {
            continue;
        }
        const json_t *have = json_object_get(list, name);
        if (have == NULL || quantity_from_json(have, &sum, &e) != 0) {
            json_object_set_new(list, name, quantity_to_json(&q));
        } else if (quantity_add(&sum, &q, &e) == 0) {
            json_object_set_new(list, name, quantity_to_json(&sum));
        }
    }
}

/* list[name] = max(list[name], add[name]). */
static void max_resources(json_t *list, const json_t *add)
{
    const char *name;
    json_t *v;
    json_object_foreach ((json_t *)add, name, v) {
        struct quantity have = QUANTITY_ZERO, q = QUANTITY_ZERO;
        struct err e = {0};
        if (quantity_from_json(v, &q, &e) != 0) {
            continue;
        }
        const json_t *h = json_object_get(list, name);
        if (h == NULL || quantity_from_json(h, &have, &e) != 0 || quantity_cmp(&q, &have) > 0) {
            json_object_set_new(list, name, quantity_to_json(&q));
        }
    }
}

/* podRequests / podLimits of kubectl's resourcehelper (which: "requests" or "limits"). */
static json_t *pod_resources(const json_t *pod, const char *which)
{
    json_t *total = json_object();
    size_t i;
    json_t *ctr;
    json_array_foreach (dget(pod, "spec", "containers", NULL), i, ctr) {
        add_resources(total, dget(ctr, "resources", which, NULL));
    }
    cleanup_json json_t *restartable = json_object(), *init = json_object();
    json_array_foreach (dget(pod, "spec", "initContainers", NULL), i, ctr) {
        const json_t *own = dget(ctr, "resources", which, NULL);
        if (strcmp(dstr(ctr, "restartPolicy"), "Always") == 0) {
            add_resources(total, own);
            add_resources(restartable, own);
            max_resources(init, restartable);
        } else {
            cleanup_json json_t *tmp = json_object();
            add_resources(tmp, own);
            add_resources(tmp, restartable);
            max_resources(init, tmp);
        }
    }
    max_resources(total, init);
    const json_t *overhead = dget(pod, "spec", "overhead", NULL);
    if (strcmp(which, "requests") == 0) {
        add_resources(total, overhead);
    } else {
        const char *name;
        json_t *v;
        json_object_foreach ((json_t *)overhead, name, v) {
            if (quantity_json_value(json_object_get(total, name), true) != 0) {
                cleanup_json json_t *one = json_pack("{s:O}", name, v);
                add_resources(total, one);
            }
        }
    }
    return total;
}

void pod_requests_and_limits(const json_t *pod, json_t **requests, json_t **limits)
{
    *requests = pod_resources(pod, "requests");
    *limits = pod_resources(pod, "limits");
}

void pod_status_counts(struct describe *d, const json_t *sel, int counts[4])
{
    memset(counts, 0, 4 * sizeof *counts);
    cleanup_free char *selector = selector_string(sel);
    const json_t *meta = json_object_get(d->obj, "metadata");
    cleanup_free char *collection =
        xasprintf("/api/v1/namespaces/%s/pods", dstr(meta, "namespace"));
    cleanup_json json_t *pods = describe_list(d, collection, selector, NULL);
    size_t i;
    json_t *pod;
    json_array_foreach (pods, i, pod) {
        bool owned = false;
        size_t j;
        json_t *ref;
        json_array_foreach (dget(pod, "metadata", "ownerReferences", NULL), j, ref) {
            if (json_is_true(json_object_get(ref, "controller"))) {
                owned = strcmp(dstr(ref, "uid"), dstr(meta, "uid")) == 0;
                break;
            }
        }
        const char *phase = dstr(json_object_get(pod, "status"), "phase");
        const char *phases[4] = {"Running", "Pending", "Succeeded", "Failed"};
        for (int p = 0; owned && p < 4; p++) {
            counts[p] += strcmp(phase, phases[p]) == 0;
        }
    }
}

/* ---- nodes ---- */

/* Go's int64(float64) on amd64: NaN, infinities and out-of-range values become INT64_MIN. */
static long long go_int64(double f)
{
    if (isnan(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0) {
        return (long long)INT64_MIN;
    }
    return (long long)f;
}

static void describe_node_resources(FILE *w, const json_t *node, const json_t *pods)
{
    const json_t *allocatable = dget(node, "status", "allocatable", NULL);
    if (json_object_size(allocatable) == 0) {
        allocatable = dget(node, "status", "capacity", NULL);
    }
    double cpu = (double)quantity_json_value(json_object_get(allocatable, "cpu"), true);
    double mem = (double)quantity_json_value(json_object_get(allocatable, "memory"), false);
    double eph =
        (double)quantity_json_value(json_object_get(allocatable, "ephemeral-storage"), false);
    fprintf(w, "Non-terminated Pods:\t(%zu in total)\n", json_array_size(pods));
    fputs("  Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n"
          "  ---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
          w);
    cleanup_json json_t *reqs = json_object(), *limits = json_object();
    size_t i;
    json_t *pod;
    json_array_foreach (pods, i, pod) {
        cleanup_json json_t *r = NULL, *l = NULL;
        pod_requests_and_limits(pod, &r, &l);
        add_resources(reqs, r);
        add_resources(limits, l);
        char age[K8STIME_STR_MAX], q[4][QUANTITY_STR_MAX];
        since(dstr(json_object_get(pod, "metadata"), "creationTimestamp"), age);
        const json_t *cells[4] = {json_object_get(r, "cpu"), json_object_get(l, "cpu"),
                                  json_object_get(r, "memory"), json_object_get(l, "memory")};
        fprintf(w, "  %s\t%s\t\t%s (%lld%%)\t%s (%lld%%)\t%s (%lld%%)\t%s (%lld%%)\t%s\n",
                dstr(json_object_get(pod, "metadata"), "namespace"),
                dstr(json_object_get(pod, "metadata"), "name"), quantity_text(cells[0], q[0]),
                go_int64((double)quantity_json_value(cells[0], true) / cpu * 100),
                quantity_text(cells[1], q[1]),
                go_int64((double)quantity_json_value(cells[1], true) / cpu * 100),
                quantity_text(cells[2], q[2]),
                go_int64((double)quantity_json_value(cells[2], false) / mem * 100),
                quantity_text(cells[3], q[3]),
                go_int64((double)quantity_json_value(cells[3], false) / mem * 100), age);
    }
    fputs("Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
          "  Resource\tRequests\tLimits\n  --------\t--------\t------\n",
          w);
    const char *names[3] = {"cpu", "memory", "ephemeral-storage"};
    double totals[3] = {cpu, mem, eph};
    for (int k = 0; k < 3; k++) {
        const json_t *rq = json_object_get(reqs, names[k]), *lm = json_object_get(limits, names[k]);
        char a[QUANTITY_STR_MAX], b[QUANTITY_STR_MAX];
        long long fr = 0, fl = 0;
        if (totals[k] != 0) {
            fr = go_int64((double)quantity_json_value(rq, k == 0) / totals[k] * 100);
            fl = go_int64((double)quantity_json_value(lm, k == 0) / totals[k] * 100);
        }
        fprintf(w, "  %s\t%s (%lld%%)\t%s (%lld%%)\n", names[k], quantity_text(rq, a), fr,
                quantity_text(lm, b), fl);
    }
    size_t n;
    const char **keys = sorted_keys(allocatable, &n);
    for (int pass = 0; pass < 2; pass++) { /* huge pages first, then extended resources */
        for (size_t k = 0; k < n; k++) {
            bool huge = strncmp(keys[k], "hugepages-", 10) == 0;
            bool standard = strcmp(keys[k], "cpu") == 0 || strcmp(keys[k], "memory") == 0 ||
                            strcmp(keys[k], "ephemeral-storage") == 0 ||
                            strcmp(keys[k], "pods") == 0;
            const json_t *rq = json_object_get(reqs, keys[k]),
                         *lm = json_object_get(limits, keys[k]);
            char a[QUANTITY_STR_MAX], b[QUANTITY_STR_MAX];
            if (pass == 0 && huge) {
                double total =
                    (double)quantity_json_value(json_object_get(allocatable, keys[k]), false);
                long long fr = 0, fl = 0;
                if (total != 0) {
                    fr = go_int64((double)quantity_json_value(rq, false) / total * 100);
                    fl = go_int64((double)quantity_json_value(lm, false) / total * 100);
                }
                fprintf(w, "  %s\t%s (%lld%%)\t%s (%lld%%)\n", keys[k], quantity_text(rq, a), fr,
                        quantity_text(lm, b), fl);
            } else if (pass == 1 && !huge && !standard) {
                fprintf(w, "  %s\t%s\t%s\n", keys[k], quantity_text(rq, a), quantity_text(lm, b));
            }
        }
    }
    free(keys);
}

int describe_node(struct describe *d)
{
    FILE *w = d->w;
    const json_t *node = d->obj;
    const json_t *meta = json_object_get(node, "metadata"), *spec = json_object_get(node, "spec");
    const json_t *status = json_object_get(node, "status");
    const char *name = dstr(meta, "name");
    cleanup_free char *sel =
        xasprintf("spec.nodeName=%s,status.phase!=Failed,status.phase!=Succeeded", name);
    char *q = xstrdup("");
    ctl_query_add(&q, "fieldSelector", sel);
    ctl_query_add(&q, "limit", "500");
    cleanup_free char *pods_path = xasprintf("/api/v1/pods?%s", q + 1);
    free(q);
    int pods_status = 0;
    cleanup_free char *pods_error = NULL;
    cleanup_json json_t *pods = describe_get(d, pods_path, &pods_status, &pods_error);
    if (pods == NULL && pods_status != 403) {
        return ctl_error(d->c, "%s", pods_error ? pods_error : "listing pods failed");
    }
    cleanup_json json_t *events = NULL;
    if (d->show_events) {
        /* the controllers' events name the node by uid, the kubelet's by name */
        events = describe_search_events(d, "Node", NULL);
        cleanup_json json_t *by_name = describe_search_events(d, "Node", name);
        json_array_extend(events, by_name);
    }

    fprintf(w, "Name:\t%s\n", name);
    const json_t *labels = json_object_get(meta, "labels");
    fprintf(w, "Roles:\t");
    size_t n;
    const char **keys = sorted_keys(labels, &n);
    cleanup_json json_t *roles = json_object();
    for (size_t i = 0; i < n; i++) {
        const char *prefix = "node-role.kubernetes.io/";
        if (strncmp(keys[i], prefix, strlen(prefix)) == 0 && keys[i][strlen(prefix)]) {
            json_object_set_new(roles, keys[i] + strlen(prefix), json_true());
        } else if (strcmp(keys[i], "kubernetes.io/role") == 0 && *dstr(labels, keys[i])) {
            json_object_set_new(roles, dstr(labels, keys[i]), json_true());
        }
    }
    free(keys);
    keys = sorted_keys(roles, &n);
    for (size_t i = 0; i < n; i++) {
        fprintf(w, "%s%s", i ? "," : "", keys[i]);
    }
    free(keys);
    fputs(n ? "\n" : "<none>\n", w);
    labels_multiline(w, "", "Labels", labels);
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    char when[64];
    rfc1123z(dstr(meta, "creationTimestamp"), when, sizeof when, true);
    fprintf(w, "CreationTimestamp:\t%s\n", when);
    fputs("Taints:\t", w);
    const json_t *taints = json_object_get(spec, "taints");
    size_t nt = json_array_size(taints);
    const json_t **sorted = sorted_items(taints, NULL);
    for (size_t i = 1; i < nt; i++) { /* by "effect,key" */
        for (size_t k = i; k > 0; k--) {
            cleanup_free char *a =
                xasprintf("%s,%s", dstr(sorted[k - 1], "effect"), dstr(sorted[k - 1], "key"));
            cleanup_free char *b =
                xasprintf("%s,%s", dstr(sorted[k], "effect"), dstr(sorted[k], "key"));
            if (strcmp(a, b) <= 0) {
                break;
            }
            const json_t *t = sorted[k];
            sorted[k] = sorted[k - 1];
            sorted[k - 1] = t;
        }
    }
    for (size_t i = 0; i < nt; i++) {
        const json_t *x = sorted[i];
        fprintf(w, "%s%s%s%s:%s\n", i ? "\t" : "", dstr(x, "key"), *dstr(x, "value") ? "=" : "",
                dstr(x, "value"), dstr(x, "effect"));
    }
    free(sorted);
    if (nt == 0) {
        fputs("<none>\n", w);
    }
    fprintf(w, "Unschedulable:\t%s\n", go_bool(json_object_get(spec, "unschedulable")));
    cleanup_free char *lease_path =
        xasprintf("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/%s", name);
    cleanup_free char *lease_error = NULL;
    cleanup_json json_t *lease = describe_get(d, lease_path, NULL, &lease_error);
    if (lease != NULL) {
        const json_t *ls = json_object_get(lease, "spec");
        char acquire[64], renew[64];
        rfc1123z(dstr(ls, "acquireTime"), acquire, sizeof acquire, false);
        rfc1123z(dstr(ls, "renewTime"), renew, sizeof renew, false);
        fprintf(w, "Lease:\n  HolderIdentity:\t%s\n  AcquireTime:\t%s\n  RenewTime:\t%s\n",
                json_object_get(ls, "holderIdentity") ? dstr(ls, "holderIdentity") : "<unset>",
                *acquire ? acquire : "<unset>", *renew ? renew : "<unset>");
    } else {
        fprintf(w, "Lease:\tFailed to get lease: %s\n", lease_error ? lease_error : "");
    }
    size_t i;
    json_t *x;
    const json_t *conditions = json_object_get(status, "conditions");
    if (json_array_size(conditions) > 0) {
        fputs("Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\t"
              "Message\n  ----\t------\t-----------------\t------------------\t------\t-------\n",
              w);
        json_array_foreach (conditions, i, x) {
            char hb[64], tr[64];
            rfc1123z(dstr(x, "lastHeartbeatTime"), hb, sizeof hb, true);
            rfc1123z(dstr(x, "lastTransitionTime"), tr, sizeof tr, true);
            fprintf(w, "  %s \t%s \t%s \t%s \t%s \t%s\n", dstr(x, "type"), dstr(x, "status"), hb,
                    tr, dstr(x, "reason"), dstr(x, "message"));
        }
    }
    fputs("Addresses:\n", w);
    json_array_foreach (json_object_get(status, "addresses"), i, x) {
        fprintf(w, "  %s:\t%s\n", dstr(x, "type"), dstr(x, "address"));
    }
    const char *lists[2] = {"capacity", "allocatable"}, *titles[2] = {"Capacity", "Allocatable"};
    for (int l = 0; l < 2; l++) {
        const json_t *res = json_object_get(status, lists[l]);
        if (json_object_size(res) == 0) {
            continue;
        }
        fprintf(w, "%s:\n", titles[l]);
        keys = sorted_keys(res, &n);
        for (size_t k = 0; k < n; k++) {
            char qt[QUANTITY_STR_MAX];
            fprintf(w, "  %s:\t%s\n", keys[k], quantity_text(json_object_get(res, keys[k]), qt));
        }
        free(keys);
    }
    const json_t *info = json_object_get(status, "nodeInfo");
    static const char *const fields[][2] = {
        {"Machine ID", "machineID"},
        {"System UUID", "systemUUID"},
        {"Boot ID", "bootID"},
        {"Kernel Version", "kernelVersion"},
        {"OS Image", "osImage"},
        {"Operating System", "operatingSystem"},
        {"Architecture", "architecture"},
        {"Container Runtime Version", "containerRuntimeVersion"},
        {"Kubelet Version", "kubeletVersion"},
        {"Kube-Proxy Version", "kubeProxyVersion"},
    };
    fputs("System Info:\n", w);
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        fprintf(w, "  %s:\t%s\n", fields[f][0], dstr(info, fields[f][1]));
    }
    if (*dstr(spec, "podCIDR")) {
        fprintf(w, "PodCIDR:\t%s\n", dstr(spec, "podCIDR"));
    }
    if (json_array_size(json_object_get(spec, "podCIDRs")) > 0) {
        cleanup_free char *cidrs = join_strings(json_object_get(spec, "podCIDRs"), ",");
        fprintf(w, "PodCIDRs:\t%s\n", cidrs);
    }
    if (*dstr(spec, "providerID")) {
        fprintf(w, "ProviderID:\t%s\n", dstr(spec, "providerID"));
    }
    if (pods != NULL) {
        describe_node_resources(w, node, json_object_get(pods, "items"));
    } else {
        fputs("Pods:\tnot authorized\n", w);
    }
    describe_events_print(w, events);
    return 0;
}

/* ---- persistent volumes and claims ---- */

/* GetAccessModesAsString: the short names in kubectl's fixed order, joined by ",". */
static char *access_modes(const json_t *modes)
{
    static const char *const names[][2] = {
        {"ReadWriteOnce", "RWO"},
        {"ReadOnlyMany", "ROX"},
        {"ReadWriteMany", "RWX"},
        {"ReadWriteOncePod", "RWOP"},
    };
    char *buf = NULL;
    size_t size = 0, shown = 0;
    FILE *f = open_memstream(&buf, &size);
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t i;
        json_t *m;
        json_array_foreach (modes, i, m) {
            if (strcmp(json_string_value(m) ? json_string_value(m) : "", names[k][0]) == 0) {
                fprintf(f, "%s%s", shown++ ? "," : "", names[k][1]);
                break;
            }
        }
    }
    fclose(f);
    return buf;
}

/* GetPersistentVolume(Claim)Class: the beta annotation, else spec.storageClassName. */
static const char *storage_class(const json_t *obj)
{
    const json_t *beta =
        dget(obj, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class", NULL);
    if (beta != NULL) {
        return json_string_value(beta) ? json_string_value(beta) : "";
    }
    return dstr(json_object_get(obj, "spec"), "storageClassName");
}

void describe_pvc_body(FILE *w, const json_t *pvc, bool full)
{
    const json_t *meta = json_object_get(pvc, "metadata"), *spec = json_object_get(pvc, "spec");
    const json_t *status = json_object_get(pvc, "status");
    if (full) {
        fprintf(w, "Name:\t%s\nNamespace:\t%s\n", dstr(meta, "name"), dstr(meta, "namespace"));
    }
    fprintf(w, "StorageClass:\t%s\n", storage_class(pvc));
    if (full) {
        if (*dstr(meta, "deletionTimestamp")) {
            char age[K8STIME_STR_MAX];
            since(dstr(meta, "deletionTimestamp"), age);
            fprintf(w, "Status:\tTerminating (lasts %s)\n", age);
        } else {
            fprintf(w, "Status:\t%s\n", dstr(status, "phase"));
        }
    }
    fprintf(w, "Volume:\t%s\n", dstr(spec, "volumeName"));
    labels_multiline(w, "", "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    if (full) {
        cleanup_free char *finalizers = go_string_list(json_object_get(meta, "finalizers"));
        fprintf(w, "Finalizers:\t%s\n", finalizers);
    }
    cleanup_free char *modes = xstrdup("");
    char capacity[QUANTITY_STR_MAX] = "";
    if (*dstr(spec, "volumeName")) {
        free(modes);
        modes = access_modes(json_object_get(status, "accessModes"));
        quantity_text(dget(status, "capacity", "storage", NULL), capacity);
    }
    fprintf(w, "Capacity:\t%s\nAccess Modes:\t%s\n", capacity, modes);
    if (json_object_get(spec, "volumeMode") != NULL) {
        fprintf(w, "VolumeMode:\t%s\n", dstr(spec, "volumeMode"));
    }
    const json_t *source = json_object_get(spec, "dataSource");
    if (source != NULL) {
        fputs("DataSource:\n", w);
        if (json_object_get(source, "apiGroup") != NULL) {
            fprintf(w, "  APIGroup:\t%s\n", dstr(source, "apiGroup"));
        }
        fprintf(w, "  Kind:\t%s\n  Name:\t%s\n", dstr(source, "kind"), dstr(source, "name"));
    }
}

static int compare_pod_names(const void *a, const void *b)
{
    return strcmp(dstr(dget(*(const json_t *const *)a, "metadata", NULL), "name"),
                  dstr(dget(*(const json_t *const *)b, "metadata", NULL), "name"));
}

int describe_pvc(struct describe *d)
{
    FILE *w = d->w;
    const json_t *pvc = d->obj, *meta = json_object_get(pvc, "metadata");
    cleanup_free char *collection =
        xasprintf("/api/v1/namespaces/%s/pods", dstr(meta, "namespace"));
    cleanup_json json_t *pods = describe_list(d, collection, NULL, NULL);
    if (pods == NULL) {
        return ctl_error(d->c, "listing the pods of %s failed", dstr(meta, "name"));
    }
    /* getPodsForPVC: pods mounting the claim, then owner pods not listed yet */
    cleanup_json json_t *users = json_array();
    size_t i, j;
    json_t *pod, *x;
    json_array_foreach (pods, i, pod) {
        json_array_foreach (dget(pod, "spec", "volumes", NULL), j, x) {
            if (strcmp(dstr(json_object_get(x, "persistentVolumeClaim"), "claimName"),
                       dstr(meta, "name")) == 0 &&
                json_object_get(x, "persistentVolumeClaim") != NULL) {
                json_array_append(users, pod);
            }
        }
    }
    json_array_foreach (json_object_get(meta, "ownerReferences"), j, x) {
        if (strcmp(dstr(x, "kind"), "Pod") != 0) {
            continue;
        }
        json_array_foreach (pods, i, pod) {
            if (strcmp(dstr(json_object_get(pod, "metadata"), "uid"), dstr(x, "uid")) != 0) {
                continue;
            }
            bool listed = false;
            size_t k;
            json_t *u;
            json_array_foreach (users, k, u) {
                listed = listed || u == pod;
            }
            if (!listed) {
                json_array_append(users, pod);
            }
            break;
        }
    }
    describe_pvc_body(w, pvc, true);
    size_t n = json_array_size(users);
    fputs("Used By:\t", w);
    const json_t **sorted = sorted_items(users, compare_pod_names);
    for (size_t k = 0; k < n; k++) {
        fprintf(w, "%s%s\n", k ? "\t" : "", dstr(json_object_get(sorted[k], "metadata"), "name"));
    }
    free(sorted);
    if (n == 0) {
        fputs("<none>\n", w);
    }
    const json_t *conditions = dget(pvc, "status", "conditions", NULL);
    if (json_array_size(conditions) > 0) {
        fputs("Conditions:\n  Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n"
              "  ----\t------\t-----------------\t------------------\t------\t-------\n",
              w);
        json_array_foreach (conditions, i, x) {
            char probe[64], tr[64];
            rfc1123z(dstr(x, "lastProbeTime"), probe, sizeof probe, true);
            rfc1123z(dstr(x, "lastTransitionTime"), tr, sizeof tr, true);
            fprintf(w, "  %s \t%s \t%s \t%s \t%s \t%s\n", dstr(x, "type"), dstr(x, "status"), probe,
                    tr, dstr(x, "reason"), dstr(x, "message"));
        }
    }
    describe_events(d, "PersistentVolumeClaim");
    return 0;
}

int describe_pv(struct describe *d)
{
    FILE *w = d->w;
    const json_t *pv = d->obj, *meta = json_object_get(pv, "metadata");
    const json_t *spec = json_object_get(pv, "spec");
    fprintf(w, "Name:\t%s\n", dstr(meta, "name"));
    labels_multiline(w, "", "Labels", json_object_get(meta, "labels"));
    annotations_multiline(w, "Annotations", json_object_get(meta, "annotations"));
    cleanup_free char *finalizers = go_string_list(json_object_get(meta, "finalizers"));
    fprintf(w, "Finalizers:\t%s\nStorageClass:\t%s\n", finalizers, storage_class(pv));
    if (*dstr(meta, "deletionTimestamp")) {
        char age[K8STIME_STR_MAX];
        since(dstr(meta, "deletionTimestamp"), age);
        fprintf(w, "Status:\tTerminating (lasts %s)\n", age);
    } else {
        fprintf(w, "Status:\t%s\n", dstr(json_object_get(pv, "status"), "phase"));
    }
    const json_t *claim = json_object_get(spec, "claimRef");
    if (claim != NULL) {
        fprintf(w, "Claim:\t%s/%s\n", dstr(claim, "namespace"), dstr(claim, "name"));
    } else {
        fputs("Claim:\t\n", w);
    }
    cleanup_free char *modes = access_modes(json_object_get(spec, "accessModes"));
    fprintf(w, "Reclaim Policy:\t%s\nAccess Modes:\t%s\n",
            dstr(spec, "persistentVolumeReclaimPolicy"), modes);
    if (json_object_get(spec, "volumeMode") != NULL) {
        fprintf(w, "VolumeMode:\t%s\n", dstr(spec, "volumeMode"));
    }
    char capacity[QUANTITY_STR_MAX];
    fprintf(w, "Capacity:\t%s\n", quantity_text(dget(spec, "capacity", "storage", NULL), capacity));
    const json_t *required = dget(spec, "nodeAffinity", "required", NULL);
    if (required == NULL) {
        fputs("Node Affinity:\t<none>\n", w);
    } else {
        fputs("Node Affinity:\t\n", w);
        const json_t *terms = json_object_get(required, "nodeSelectorTerms");
        fprintf(w, "  Required Terms:\t%s\n", json_array_size(terms) ? "" : "<none>");
        size_t i, j;
        json_t *term, *req;
        json_array_foreach (terms, i, term) {
            const json_t *exprs = json_object_get(term, "matchExpressions");
            fprintf(w, "    Term %zu:\t%s", i, json_array_size(exprs) ? "" : "<none>\n");
            json_array_foreach (exprs, j, req) {
                cleanup_free char *op = xstrdup(dstr(req, "operator"));
                for (char *s = op; *s; s++) {
                    *s = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
                }
                if (j) {
                    fputs("    \t", w);
                }
                fprintf(w, "%s %s", dstr(req, "key"), op);
                if (json_array_size(json_object_get(req, "values")) > 0) {
                    cleanup_free char *values = join_strings(json_object_get(req, "values"), ", ");
                    fprintf(w, " [%s]", values);
                }
                fputc('\n', w);
            }
        }
    }
    fprintf(w, "Message:\t%s\nSource:\n", dstr(json_object_get(pv, "status"), "message"));
    describe_volume_source(w, spec, true);
    describe_events(d, "PersistentVolume");
    return 0;
}
