/* PodSpec and PodTemplateSpec defaults and validation, shared by pods and the workloads:
 * pkg/apis/core/v1/defaults.go (SetDefaults_PodSpec, _Container, _Volume, _Probe, ...) and
 * ValidatePodSpec / ValidatePodTemplateSpec / metav1 ValidateLabelSelector, with Kubernetes 1.32's
 * field paths and messages. Also the field-error and resource helpers the strategy files share. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "quantity.h"
#include "strategy.h"
#include "validate.h"
#include "xalloc.h"

/* ---- Field-error helpers ---- */

static char *vformat(const char *fmt, va_list ap) C8S_FMT(1, 0);

static char *vformat(const char *fmt, va_list ap)
{
    char *out = NULL;
    if (vasprintf(&out, fmt, ap) < 0) {
        abort(); /* out of memory, as xalloc does */
    }
    return out;
}

void strategy_error(struct field_errors *errs, enum field_error_type type, const json_t *bad_value,
                    const char *detail, const char *path_fmt, ...)
{
    va_list ap;
    va_start(ap, path_fmt);
    cleanup_free char *path = vformat(path_fmt, ap);
    va_end(ap);
    field_errors_add(errs, type, path, bad_value, detail);
}

void strategy_error_str(struct field_errors *errs, enum field_error_type type, const char *value,
                        const char *detail, const char *path_fmt, ...)
{
    va_list ap;
    va_start(ap, path_fmt);
    cleanup_free char *path = vformat(path_fmt, ap);
    va_end(ap);
    cleanup_json json_t *v = json_string(value ? value : "");
    field_errors_add(errs, type, path, v, detail);
}

void strategy_error_int(struct field_errors *errs, enum field_error_type type, long long value,
                        const char *detail, const char *path_fmt, ...)
{
    va_list ap;
    va_start(ap, path_fmt);
    cleanup_free char *path = vformat(path_fmt, ap);
    va_end(ap);
    cleanup_json json_t *v = json_integer(value);
    field_errors_add(errs, type, path, v, detail);
}

/* Appends one cause and its line as field_errors_add would, with the message as given. */
static void add_raw(struct field_errors *errs, const char *reason, const char *path,
                    const char *message)
{
    json_array_append_new(errs->causes, json_pack("{s:s,s:s,s:s}", "reason", reason, "message",
                                                  message, "field", path));
    cleanup_free char *line = xasprintf("%s: %s", path, message);
    json_array_append_new(errs->lines, json_string(line));
}

void strategy_error_printed(struct field_errors *errs, enum field_error_type type,
                            const char *printed, const char *detail, const char *path_fmt, ...)
{
    va_list ap;
    va_start(ap, path_fmt);
    cleanup_free char *path = vformat(path_fmt, ap);
    va_end(ap);
    const char *reason = NULL, *label = NULL;
    switch (type) {
    case FIELD_INVALID:
        reason = "FieldValueInvalid", label = "Invalid value";
        break;
    case FIELD_NOT_SUPPORTED:
        reason = "FieldValueNotSupported", label = "Unsupported value";
        break;
    case FIELD_DUPLICATE:
        reason = "FieldValueDuplicate", label = "Duplicate value";
        break;
    case FIELD_NOT_FOUND:
        reason = "FieldValueNotFound", label = "Not found";
        break;
    default: /* the other types print no value */
        field_errors_add(errs, type, path, NULL, detail);
        return;
    }
    cleanup_free char *message =
        type == FIELD_NOT_SUPPORTED && detail != NULL
            ? xasprintf("%s: %s: supported values: %s", label, printed, detail)
        : detail != NULL ? xasprintf("%s: %s: %s", label, printed, detail)
                         : xasprintf("%s: %s", label, printed);
    add_raw(errs, reason, path, message);
}

/* The strings of validate_errs as Invalid errors on one string value. */
static void add_msgs(struct field_errors *errs, struct validate_errs *msgs, const char *value,
                     const char *path)
{
    for (size_t i = 0; i < msgs->n; i++) {
        strategy_error_str(errs, FIELD_INVALID, value, msgs->msg[i], "%s", path);
    }
    validate_errs_free(msgs);
}

void strategy_validate_with(size_t (*check)(const char *, struct validate_errs *),
                            const char *value, const char *path, struct field_errors *errs)
{
    struct validate_errs msgs = VALIDATE_ERRS_INIT;
    check(value, &msgs);
    add_msgs(errs, &msgs, value, path);
}

static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *strategy_go_string_map(const json_t *map)
{
    if (!json_is_object(map)) {
        return xstrdup("map[string]string(nil)");
    }
    size_t n = json_object_size(map), i = 0;
    const char **keys = xcalloc(n + 1, sizeof *keys);
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *)map, key, value) {
        keys[i++] = key;
    }
    qsort(keys, n, sizeof *keys, compare_keys);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fputs("map[string]string{", f);
    for (i = 0; i < n; i++) {
        cleanup_free char *k = validate_quote(keys[i]);
        const char *s = json_string_value(json_object_get(map, keys[i]));
        cleanup_free char *v = validate_quote(s ? s : "");
        fprintf(f, "%s%s:%s", i ? ", " : "", k, v);
    }
    fputc('}', f);
    fclose(f);
    free(keys);
    return buf;
}

char *strategy_go_string_slice(const json_t *list)
{
    if (!json_is_array(list)) {
        return xstrdup("[]string(nil)");
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fputs("[]string{", f);
    size_t i;
    json_t *item;
    json_array_foreach (list, i, item) {
        const char *s = json_string_value(item);
        cleanup_free char *q = validate_quote(s ? s : "");
        fprintf(f, "%s%s", i ? ", " : "", q);
    }
    fputc('}', f);
    fclose(f);
    return buf;
}

/* ---- Quantities ---- */

/* The text a quantity decodes from (JSON string trimmed, or a number). A new string. */
static char *quantity_text(const json_t *value)
{
    if (json_is_string(value)) {
        const char *s = json_string_value(value);
        size_t n = strlen(s);
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n')) {
            n--;
        }
        while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n')) {
            s++, n--;
        }
        return xstrndup(s, n);
    }
    if (json_is_integer(value)) {
        return xasprintf("%lld", (long long)json_integer_value(value));
    }
    if (json_is_real(value)) {
        return xasprintf("%.17g", json_real_value(value));
    }
    return xstrdup("0");
}

/* What resource.ParseQuantity keeps of text: the fast path's int64Amount and cached string. */
struct go_quantity {
    bool fast;
    long long value;
    int scale;
    bool keep_text;
    const char *format;
};

static bool digits_only(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    return true;
}

static void go_parse_quantity(const char *text, struct go_quantity *out)
{
    *out = (struct go_quantity){.format = "DecimalSI"};
    const char *p = text;
    bool positive = true;
    if (*p == '-' || *p == '+') {
        positive = *p++ == '+';
    }
    while (*p == '0') {
        p++;
    }
    const char *num = p;
    size_t num_len = strspn(p, "0123456789");
    p += num_len;
    const char *denom = "";
    size_t denom_len = 0;
    if (*p == '.') {
        denom = ++p;
        denom_len = strspn(p, "0123456789");
        p += denom_len;
    }
    if (num_len == 0) {
        num = "0", num_len = 1;
    }
    /* The suffix: decimal SI, binary SI or an exponent. */
    static const struct {
        const char *suffix;
        int exponent;
        bool binary;
    } suffixes[] = {{"", 0, false},   {"n", -9, false}, {"u", -6, false}, {"m", -3, false},
                    {"k", 3, false},  {"M", 6, false},  {"G", 9, false},  {"T", 12, false},
                    {"P", 15, false}, {"E", 18, false}, {"Ki", 10, true}, {"Mi", 20, true},
                    {"Gi", 30, true}, {"Ti", 40, true}, {"Pi", 50, true}, {"Ei", 60, true}};
    int exponent = 0;
    bool binary = false, known = false;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        if (strcmp(p, suffixes[i].suffix) == 0) {
            exponent = suffixes[i].exponent, binary = suffixes[i].binary, known = true;
        }
    }
    if (!known && (*p == 'e' || *p == 'E')) {
        exponent = atoi(p + 1);
        out->format = "DecimalExponent";
    }
    long long mantissa = 1;
    int precision, scale = 0;
    if (binary) {
        out->format = "BinarySI";
        if (denom_len > 0) {
            return;
        }
        mantissa = 1LL << exponent;
        precision = 15 - (int)num_len - (int)((float)exponent * 3 / 10) - 1;
    } else {
        scale = exponent;
        precision = 18 - (int)(num_len + denom_len);
    }
    if (precision < 0) {
        return;
    }
    scale -= (int)denom_len;
    if (scale < -9) {
        return;
    }
    char shifted[64];
    if (num_len + denom_len >= sizeof shifted || !digits_only(num, num_len)) {
        return;
    }
    memcpy(shifted, num, num_len);
    memcpy(shifted + num_len, denom, denom_len);
    shifted[num_len + denom_len] = '\0';
    long long v = strtoll(shifted, NULL, 10);
    if (v != 0 && mantissa > __LONG_LONG_MAX__ / v) {
        return;
    }
    out->fast = true;
    out->value = positive ? v * mantissa : -(v * mantissa);
    out->scale = scale;
    size_t n = strlen(shifted);
    if (binary) {
        out->keep_text = exponent % 10 == 0 && (v & 7) != 0;
    } else {
        out->keep_text =
            scale % 3 == 0 && !(n >= 3 && strcmp(shifted + n - 3, "000") == 0) && shifted[0] != '0';
    }
    /* SetDefaults_ResourceList rounds up to milli, forgetting the text when it must round. */
    while (out->scale < -3) {
        out->value = out->value / 10 + (out->value % 10 != 0 ? (out->value > 0 ? 1 : -1) : 0);
        out->scale++;
        out->keep_text = false;
    }
}

char *strategy_go_quantity(const json_t *value)
{
    cleanup_free char *text = quantity_text(value);
    struct go_quantity q;
    go_parse_quantity(text, &q);
    if (!q.fast) {
        return xasprintf("resource.Quantity{i:resource.int64Amount{value:0, scale:0}, "
                         "d:resource.infDecAmount{Dec:(*inf.Dec)(0xc000a3c0e0)}, s:\"\", "
                         "Format:\"%s\"}",
                         q.format);
    }
    cleanup_free char *s = validate_quote(q.keep_text ? text : "");
    return xasprintf("resource.Quantity{i:resource.int64Amount{value:%lld, scale:%d}, "
                     "d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:%s, Format:\"%s\"}",
                     q.value, q.scale, s, q.format);
}

void strategy_normalize_resource_list(json_t *list)
{
    const char *key;
    json_t *value;
    json_object_foreach (list, key, value) {
        struct quantity q;
        struct err e = {0};
        if (quantity_from_json(value, &q, &e) != 0) {
            continue;
        }
        if (q.exp < -3) {
            quantity_init_scaled(&q, quantity_milli_value(&q), -3, q.format);
        }
        json_object_set_new(list, key, quantity_to_json(&q));
    }
}

/* ---- Resource names (pkg/apis/core/helper) ---- */

static bool in_list(const char *s, const char *const *list)
{
    for (; *list != NULL; list++) {
        if (strcmp(s, *list) == 0) {
            return true;
        }
    }
    return false;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_hugepages(const char *name)
{
    return has_prefix(name, "hugepages-");
}

static bool is_native(const char *name)
{
    return strchr(name, '/') == NULL || strstr(name, "kubernetes.io/") != NULL;
}

static bool is_extended(const char *name)
{
    if (is_native(name) || has_prefix(name, "requests.")) {
        return false;
    }
    cleanup_free char *quota_name = xasprintf("requests.%s", name);
    struct validate_errs msgs = VALIDATE_ERRS_INIT;
    bool ok = validate_qualified_name(quota_name, &msgs) == 0;
    validate_errs_free(&msgs);
    return ok;
}

bool strategy_resource_overcommits(const char *name)
{
    return is_native(name) && !is_hugepages(name);
}

/* Object counts quotas limit: integer resources. */
static const char *const object_counts[] = {"pods",
                                            "services",
                                            "replicationcontrollers",
                                            "resourcequotas",
                                            "secrets",
                                            "configmaps",
                                            "persistentvolumeclaims",
                                            "services.nodeports",
                                            "services.loadbalancers",
                                            NULL};
/* Compute resources, as containers name them and as quotas do. */
static const char *const compute[] = {"cpu",
                                      "memory",
                                      "ephemeral-storage",
                                      "requests.cpu",
                                      "requests.memory",
                                      "requests.ephemeral-storage",
                                      "limits.cpu",
                                      "limits.memory",
                                      "limits.ephemeral-storage",
                                      NULL};

static bool is_integer_resource(const char *name)
{
    return in_list(name, object_counts) || has_prefix(name, "count/") || is_extended(name);
}

bool strategy_validate_resource_name(const char *name, enum strategy_resource_names names,
                                     const char *path, struct field_errors *errs)
{
    bool standard = in_list(name, object_counts) || in_list(name, compute) ||
                    strcmp(name, "storage") == 0 || strcmp(name, "requests.storage") == 0;
    bool quota = standard && strcmp(name, "storage") != 0;
    static const char *const container[] = {"cpu", "memory", "ephemeral-storage", NULL};
    size_t before = field_errors_count(errs);
    strategy_validate_with(validate_qualified_name, name, path, errs);
    if (field_errors_count(errs) > before) {
        return false;
    }
    bool plain = strchr(name, '/') == NULL;
    bool huge = is_hugepages(name) || has_prefix(name, "requests.hugepages-");
    if (plain && !standard && !huge) {
        strategy_error_str(errs, FIELD_INVALID, name,
                           "must be a standard resource type or fully qualified", "%s", path);
        return false;
    }
    if (names == STRATEGY_RESOURCES_CONTAINER) {
        if (plain && !in_list(name, container) && !is_hugepages(name)) {
            strategy_error_str(errs, FIELD_INVALID, name,
                               "must be a standard resource for containers", "%s", path);
            return false;
        }
        if (!plain && !is_native(name) && !is_extended(name)) {
            strategy_error_str(errs, FIELD_INVALID, name,
                               "doesn't follow extended resource name standard", "%s", path);
            return false;
        }
    }
    if (names == STRATEGY_RESOURCES_QUOTA && plain && !quota && !huge) {
        strategy_error_str(errs, FIELD_INVALID, name, "must be a standard resource for quota", "%s",
                           path);
        return false;
    }
    return true;
}

bool strategy_validate_quantity(const char *name, const json_t *value, const char *path,
                                struct field_errors *errs, struct quantity *out)
{
    struct err e = {0};
    if (quantity_from_json(value, out, &e) != 0) {
        /* kube-apiserver refuses this while decoding the body (400); here it is a field error. */
        cleanup_free char *text = quantity_text(value);
        strategy_error_str(errs, FIELD_INVALID, text, e.msg, "%s", path);
        return false;
    }
    if (quantity_sign(out) < 0) {
        char buf[QUANTITY_STR_MAX];
        strategy_error_str(errs, FIELD_INVALID, quantity_format(out, buf),
                           "must be greater than or equal to 0", "%s", path);
    }
    if (is_integer_resource(name) && quantity_milli_value(out) % 1000 != 0) {
        cleanup_free char *printed = strategy_go_quantity(value);
        strategy_error_printed(errs, FIELD_INVALID, printed, "must be an integer", "%s", path);
    }
    return true;
}

/* ---- Small JSON readers ---- */

const char *strategy_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s != NULL ? s : "";
}

long long strategy_int(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (long long)json_integer_value(v) : (long long)json_number_value(v);
}

json_t *strategy_object_at(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_object(v)) {
        v = json_object();
        json_object_set_new(obj, key, v);
    }
    return v;
}

bool strategy_is_status(const char *subresource)
{
    return subresource != NULL && strcmp(subresource, "status") == 0;
}

static bool has_key(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return v != NULL && !json_is_null(v);
}

static void set_default_str(json_t *obj, const char *key, const char *value)
{
    if (json_is_object(obj) && strategy_str(obj, key)[0] == '\0') {
        json_object_set_new(obj, key, json_string(value));
    }
}

static void set_default_int(json_t *obj, const char *key, long long value)
{
    if (json_is_object(obj) && !has_key(obj, key)) {
        json_object_set_new(obj, key, json_integer(value));
    }
}

/* ---- Defaults ---- */

/* The tag of an image reference as parsers.ParseImageName finds it: "latest" when it names
 * neither a tag nor a digest. */
static bool image_is_latest(const char *image)
{
    if (image[0] == '\0') {
        return false; /* unparsable: the error is ignored, the tag is "" */
    }
    if (strchr(image, '@') != NULL) {
        const char *at = strchr(image, '@');
        const char *slash = image;
        for (const char *s = image; s < at; s++) {
            if (*s == '/') {
                slash = s;
            }
        }
        const char *colon = memchr(slash, ':', (size_t)(at - slash));
        return colon != NULL && strncmp(colon + 1, "latest", (size_t)(at - colon - 1)) == 0 &&
               at - colon - 1 == 6;
    }
    const char *slash = strrchr(image, '/');
    const char *colon = strrchr(slash != NULL ? slash : image, ':');
    return colon == NULL || strcmp(colon + 1, "latest") == 0;
}

static void default_http_get(json_t *handler)
{
    json_t *http = json_object_get(handler, "httpGet");
    set_default_str(http, "path", "/");
    set_default_str(http, "scheme", "HTTP");
}

static void default_probe(json_t *probe)
{
    if (!json_is_object(probe)) {
        return;
    }
    static const struct {
        const char *key;
        int value;
    } zeros[] = {{"timeoutSeconds", 1},
                 {"periodSeconds", 10},
                 {"successThreshold", 1},
                 {"failureThreshold", 3}};
    for (size_t i = 0; i < sizeof zeros / sizeof zeros[0]; i++) {
        if (strategy_int(probe, zeros[i].key) == 0) {
            json_object_set_new(probe, zeros[i].key, json_integer(zeros[i].value));
        }
    }
    default_http_get(probe);
}

static void default_field_ref(json_t *holder)
{
    set_default_str(json_object_get(holder, "fieldRef"), "apiVersion", "v1");
    json_t *resource_ref = json_object_get(holder, "resourceFieldRef");
    if (json_is_object(resource_ref) && !has_key(resource_ref, "divisor")) {
        json_object_set_new(resource_ref, "divisor", json_string("0"));
    }
}

static void default_container(json_t *c)
{
    if (!json_is_object(c)) {
        return;
    }
    if (strategy_str(c, "imagePullPolicy")[0] == '\0') {
        json_object_set_new(
            c, "imagePullPolicy",
            json_string(image_is_latest(strategy_str(c, "image")) ? "Always" : "IfNotPresent"));
    }
    set_default_str(c, "terminationMessagePath", "/dev/termination-log");
    set_default_str(c, "terminationMessagePolicy", "File");
    size_t i;
    json_t *item;
    json_array_foreach (json_object_get(c, "ports"), i, item) {
        set_default_str(item, "protocol", "TCP");
    }
    json_array_foreach (json_object_get(c, "env"), i, item) {
        default_field_ref(json_object_get(item, "valueFrom"));
    }
    default_probe(json_object_get(c, "livenessProbe"));
    default_probe(json_object_get(c, "readinessProbe"));
    default_probe(json_object_get(c, "startupProbe"));
    json_t *lifecycle = json_object_get(c, "lifecycle");
    default_http_get(json_object_get(lifecycle, "postStart"));
    default_http_get(json_object_get(lifecycle, "preStop"));
    /* ResourceRequirements is a struct in Go: it always serializes, as {} when empty. */
    json_t *resources = json_object_get(c, "resources");
    if (!json_is_object(resources)) {
        resources = json_object();
        json_object_set_new(c, "resources", resources);
    }
    strategy_normalize_resource_list(json_object_get(resources, "limits"));
    strategy_normalize_resource_list(json_object_get(resources, "requests"));
}

static const char *const volume_sources[] = {"emptyDir",
                                             "hostPath",
                                             "gitRepo",
                                             "gcePersistentDisk",
                                             "awsElasticBlockStore",
                                             "secret",
                                             "nfs",
                                             "iscsi",
                                             "glusterfs",
                                             "flexVolume",
                                             "persistentVolumeClaim",
                                             "rbd",
                                             "cinder",
                                             "cephfs",
                                             "quobyte",
                                             "downwardAPI",
                                             "fc",
                                             "azureFile",
                                             "vsphereVolume",
                                             "photonPersistentDisk",
                                             "portworxVolume",
                                             "azureDisk",
                                             "storageos",
                                             "configMap",
                                             "scaleIO",
                                             "projected",
                                             "csi",
                                             "ephemeral",
                                             "image",
                                             NULL};

static void default_items_field_refs(json_t *source)
{
    size_t i;
    json_t *item;
    json_array_foreach (json_object_get(source, "items"), i, item) {
        default_field_ref(item);
    }
}

static void default_volume(json_t *v)
{
    if (!json_is_object(v)) {
        return;
    }
    bool any = false;
    for (const char *const *s = volume_sources; *s != NULL; s++) {
        any = any || has_key(v, *s);
    }
    if (!any) {
        json_object_set_new(v, "emptyDir", json_object());
    }
    static const char *const with_mode[] = {"secret", "configMap", "downwardAPI", "projected"};
    for (size_t i = 0; i < sizeof with_mode / sizeof with_mode[0]; i++) {
        set_default_int(json_object_get(v, with_mode[i]), "defaultMode", 420);
    }
    json_t *host_path = json_object_get(v, "hostPath");
    if (json_is_object(host_path) && !has_key(host_path, "type")) {
        json_object_set_new(host_path, "type", json_string(""));
    }
    default_items_field_refs(json_object_get(v, "downwardAPI"));
    size_t i;
    json_t *source;
    json_array_foreach (json_object_get(json_object_get(v, "projected"), "sources"), i, source) {
        set_default_int(json_object_get(source, "serviceAccountToken"), "expirationSeconds", 3600);
        default_items_field_refs(json_object_get(source, "downwardAPI"));
    }
    json_t *claim_spec = json_object_get(
        json_object_get(json_object_get(v, "ephemeral"), "volumeClaimTemplate"), "spec");
    set_default_str(claim_spec, "volumeMode", "Filesystem");
}

void strategy_default_pod_spec(json_t *spec)
{
    if (!json_is_object(spec)) {
        return;
    }
    set_default_str(spec, "dnsPolicy", "ClusterFirst");
    set_default_str(spec, "restartPolicy", "Always");
    if (!json_is_object(json_object_get(spec, "securityContext"))) {
        json_object_set_new(spec, "securityContext", json_object());
    }
    set_default_int(spec, "terminationGracePeriodSeconds", 30);
    set_default_str(spec, "schedulerName", "default-scheduler");
    static const char *const lists[] = {"containers", "initContainers", "ephemeralContainers"};
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        size_t i;
        json_t *c;
        json_array_foreach (json_object_get(spec, lists[l]), i, c) {
            default_container(c);
        }
    }
    size_t i;
    json_t *v;
    json_array_foreach (json_object_get(spec, "volumes"), i, v) {
        default_volume(v);
    }
    strategy_normalize_resource_list(json_object_get(spec, "overhead"));
}

void strategy_default_pod_template(json_t *template_)
{
    if (!json_is_object(template_)) {
        return;
    }
    /* ObjectMeta is a struct in Go: a template's metadata always serializes, with a null
     * creationTimestamp. */
    json_t *meta = json_object_get(template_, "metadata");
    if (!json_is_object(meta)) {
        meta = json_object();
        json_object_set_new(template_, "metadata", meta);
    }
    if (json_object_get(meta, "creationTimestamp") == NULL) {
        json_object_set_new(meta, "creationTimestamp", json_null());
    }
    strategy_default_pod_spec(json_object_get(template_, "spec"));
}

/* ---- Validation ---- */

void strategy_validate_labels(const json_t *labels, const char *path, struct field_errors *errs)
{
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *)labels, key, value) {
        strategy_validate_with(validate_qualified_name, key, path, errs);
        strategy_validate_with(validate_label_value,
                               json_string_value(value) ? json_string_value(value) : "", path,
                               errs);
    }
}

void strategy_validate_label_selector(const json_t *selector, const char *path,
                                      struct field_errors *errs)
{
    if (!json_is_object(selector)) {
        return;
    }
    cleanup_free char *labels_path = xasprintf("%s.matchLabels", path);
    strategy_validate_labels(json_object_get(selector, "matchLabels"), labels_path, errs);
    size_t i;
    json_t *expr;
    json_array_foreach (json_object_get(selector, "matchExpressions"), i, expr) {
        const char *op = strategy_str(expr, "operator");
        size_t nvalues = json_array_size(json_object_get(expr, "values"));
        if (strcmp(op, "In") == 0 || strcmp(op, "NotIn") == 0) {
            if (nvalues == 0) {
                strategy_error(errs, FIELD_REQUIRED, NULL,
                               "must be specified when `operator` is 'In' or 'NotIn'",
                               "%s.matchExpressions[%zu].values", path, i);
            }
        } else if (strcmp(op, "Exists") == 0 || strcmp(op, "DoesNotExist") == 0) {
            if (nvalues > 0) {
                strategy_error(errs, FIELD_FORBIDDEN, NULL,
                               "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                               "%s.matchExpressions[%zu].values", path, i);
            }
        } else {
            strategy_error_str(errs, FIELD_INVALID, op, "not a valid selector operator",
                               "%s.matchExpressions[%zu].operator", path, i);
        }
        cleanup_free char *key_path = xasprintf("%s.matchExpressions[%zu].key", path, i);
        strategy_validate_with(validate_qualified_name, strategy_str(expr, "key"), key_path, errs);
        size_t j;
        json_t *v;
        json_array_foreach (json_object_get(expr, "values"), j, v) {
            cleanup_free char *value_path =
                xasprintf("%s.matchExpressions[%zu].values[%zu]", path, i, j);
            const char *s = json_string_value(v);
            strategy_validate_with(validate_label_value, s ? s : "", value_path, errs);
        }
    }
}

/* A name that must be a DNS-1123 label: Required when empty, else the label's messages. */
static void validate_required_label(const char *value, const char *path, struct field_errors *errs)
{
    if (value[0] == '\0') {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s", path);
    } else {
        strategy_validate_with(validate_dns1123_label, value, path, errs);
    }
}

/* A closed set of values: Required when empty, NotSupported (in the given order) otherwise. */
static void validate_enum(const char *value, const char *const *supported, const char *path,
                          struct field_errors *errs)
{
    if (value[0] == '\0') {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s", path);
        return;
    }
    if (in_list(value, supported)) {
        return;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    for (size_t i = 0; supported[i] != NULL; i++) {
        fprintf(f, "%s\"%s\"", i ? ", " : "", supported[i]);
    }
    fclose(f);
    strategy_error_str(errs, FIELD_NOT_SUPPORTED, value, buf, "%s", path);
    free(buf);
}

static const char *const port_protocols[] = {"SCTP", "TCP", "UDP", NULL};

static void validate_port_num_or_name(const json_t *port, const char *path,
                                      struct field_errors *errs)
{
    struct validate_errs msgs = VALIDATE_ERRS_INIT;
    if (json_is_string(port)) {
        validate_port_name(json_string_value(port), &msgs);
        add_msgs(errs, &msgs, json_string_value(port), path);
        return;
    }
    long long n = json_is_integer(port) ? (long long)json_integer_value(port) : 0;
    validate_port_num(n, &msgs);
    for (size_t i = 0; i < msgs.n; i++) {
        strategy_error_int(errs, FIELD_INVALID, n, msgs.msg[i], "%s", path);
    }
    validate_errs_free(&msgs);
}

static void validate_port_number(long long port, const char *path, struct field_errors *errs)
{
    struct validate_errs msgs = VALIDATE_ERRS_INIT;
    validate_port_num(port, &msgs);
    for (size_t i = 0; i < msgs.n; i++) {
        strategy_error_int(errs, FIELD_INVALID, port, msgs.msg[i], "%s", path);
    }
    validate_errs_free(&msgs);
}

static void validate_container_ports(const json_t *ports, const char *path,
                                     struct field_errors *errs)
{
    cleanup_json json_t *names = json_object();
    size_t i;
    json_t *port;
    json_array_foreach (ports, i, port) {
        const char *name = strategy_str(port, "name");
        if (name[0] != '\0') {
            struct validate_errs msgs = VALIDATE_ERRS_INIT;
            cleanup_free char *name_path = xasprintf("%s[%zu].name", path, i);
            if (validate_port_name(name, &msgs) > 0) {
                add_msgs(errs, &msgs, name, name_path);
            } else if (json_object_get(names, name) != NULL) {
                strategy_error_str(errs, FIELD_DUPLICATE, name, NULL, "%s", name_path);
            } else {
                json_object_set_new(names, name, json_true());
            }
        }
        long long container_port = strategy_int(port, "containerPort");
        cleanup_free char *port_path = xasprintf("%s[%zu].containerPort", path, i);
        if (container_port == 0) {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s", port_path);
        } else {
            validate_port_number(container_port, port_path, errs);
        }
        if (strategy_int(port, "hostPort") != 0) {
            cleanup_free char *host_path = xasprintf("%s[%zu].hostPort", path, i);
            validate_port_number(strategy_int(port, "hostPort"), host_path, errs);
        }
        cleanup_free char *protocol_path = xasprintf("%s[%zu].protocol", path, i);
        validate_enum(strategy_str(port, "protocol"), port_protocols, protocol_path, errs);
    }
}

/* IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is on in 1.32). */
static void validate_env_name(const char *name, const char *path, struct field_errors *errs)
{
    if (name[0] == '\0') {
        strategy_error_str(errs, FIELD_INVALID, name, "environment variable name must be non-empty",
                           "%s", path);
    }
    for (const char *p = name; *p != '\0'; p++) {
        if (*p < 0x20 || *p > 0x7e || *p == '=') {
            strategy_error_str(errs, FIELD_INVALID, name,
                               "a valid environment variable name must consist only of printable "
                               "ASCII characters other than '='",
                               "%s", path);
            break;
        }
    }
}

void strategy_validate_config_key(const char *key, const char *path, struct field_errors *errs)
{
    if (strlen(key) > 253) {
        strategy_error_str(errs, FIELD_INVALID, key, "must be no more than 253 characters", "%s",
                           path);
    }
    if (key[0] == '\0' || strspn(key, "-._abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "0123456789") != strlen(key)) {
        strategy_error_str(errs, FIELD_INVALID, key,
                           "a valid config key must consist of alphanumeric characters, '-', '_' "
                           "or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used "
                           "for validation is '[-._a-zA-Z0-9]+')",
                           "%s", path);
    }
    const char *chdir = strcmp(key, ".") == 0    ? "must not be '.'"
                        : strcmp(key, "..") == 0 ? "must not be '..'"
                        : has_prefix(key, "..")  ? "must not start with '..'"
                                                 : NULL;
    if (chdir != NULL) {
        strategy_error_str(errs, FIELD_INVALID, key, chdir, "%s", path);
    }
}

/* A ConfigMap or Secret key selector {name, key}. */
static void validate_key_selector(const json_t *ref, const char *path, struct field_errors *errs)
{
    if (strategy_str(ref, "name")[0] == '\0') {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.name", path);
    }
    const char *key = strategy_str(ref, "key");
    if (key[0] == '\0') {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.key", path);
    } else {
        cleanup_free char *key_path = xasprintf("%s.key", path);
        strategy_validate_config_key(key, key_path, errs);
    }
}

static void validate_env(const json_t *env, const char *path, struct field_errors *errs)
{
    size_t i;
    json_t *ev;
    json_array_foreach (env, i, ev) {
        const char *name = strategy_str(ev, "name");
        if (name[0] == '\0') {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s[%zu].name", path, i);
        }
        cleanup_free char *name_path = xasprintf("%s[%zu].name", path, i);
        validate_env_name(name, name_path, errs);
        json_t *from = json_object_get(ev, "valueFrom");
        if (!json_is_object(from)) {
            continue;
        }
        static const char *const sources[] = {"fieldRef", "resourceFieldRef", "configMapKeyRef",
                                              "secretKeyRef"};
        size_t count = 0;
        for (size_t s = 0; s < 4; s++) {
            if (!has_key(from, sources[s])) {
                continue;
            }
            count++;
            cleanup_free char *ref_path = xasprintf("%s[%zu].valueFrom.%s", path, i, sources[s]);
            json_t *ref = json_object_get(from, sources[s]);
            if (s == 0 && strategy_str(ref, "fieldPath")[0] == '\0') {
                strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.fieldPath", ref_path);
            } else if (s == 1 && strategy_str(ref, "resource")[0] == '\0') {
                strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.resource", ref_path);
            } else if (s >= 2) {
                validate_key_selector(ref, ref_path, errs);
            }
        }
        if (count == 0) {
            strategy_error_str(errs, FIELD_INVALID, "",
                               "must specify one of: `fieldRef`, `resourceFieldRef`, "
                               "`configMapKeyRef` or `secretKeyRef`",
                               "%s[%zu].valueFrom", path, i);
        } else if (count > 1) {
            strategy_error_str(errs, FIELD_INVALID, "",
                               "may not have more than one field specified at a time",
                               "%s[%zu].valueFrom", path, i);
        } else if (strategy_str(ev, "value")[0] != '\0') {
            strategy_error_str(errs, FIELD_INVALID, "",
                               "may not be specified when `value` is not empty",
                               "%s[%zu].valueFrom", path, i);
        }
    }
}

static void validate_env_from(const json_t *env_from, const char *path, struct field_errors *errs)
{
    size_t i;
    json_t *source;
    json_array_foreach (env_from, i, source) {
        if (has_key(source, "prefix")) {
            cleanup_free char *prefix_path = xasprintf("%s[%zu].prefix", path, i);
            validate_env_name(strategy_str(source, "prefix"), prefix_path, errs);
        }
        bool config_map = has_key(source, "configMapRef"), secret = has_key(source, "secretRef");
        if (!config_map && !secret) {
            strategy_error_str(errs, FIELD_INVALID, "",
                               "must specify one of: `configMapRef` or `secretRef`", "%s[%zu]",
                               path, i);
        } else if (config_map && secret) {
            strategy_error_str(errs, FIELD_INVALID, "",
                               "may not have more than one field specified at a time", "%s[%zu]",
                               path, i);
        } else {
            const char *ref = config_map ? "configMapRef" : "secretRef";
            const char *name = strategy_str(json_object_get(source, ref), "name");
            cleanup_free char *name_path = xasprintf("%s[%zu].%s.name", path, i, ref);
            if (name[0] == '\0') {
                strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s", name_path);
            } else {
                strategy_validate_with(validate_dns1123_subdomain, name, name_path, errs);
            }
        }
    }
}

/* validateLocalDescendingPath: relative, without ".." elements. */
static void validate_descending_path(const char *value, const char *path, struct field_errors *errs)
{
    if (value[0] == '/') {
        strategy_error_str(errs, FIELD_INVALID, value, "must be a relative path", "%s", path);
    }
    const char *p = value;
    while (*p != '\0') {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            strategy_error_str(errs, FIELD_INVALID, value, "must not contain '..'", "%s", path);
            break;
        }
        p += n;
        p += *p == '/';
    }
}

static void validate_volume_mounts(const json_t *mounts, const json_t *volumes, const char *path,
                                   struct field_errors *errs)
{
    cleanup_json json_t *mount_points = json_object();
    size_t i;
    json_t *m;
    json_array_foreach (mounts, i, m) {
        const char *name = strategy_str(m, "name");
        if (name[0] == '\0') {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s[%zu].name", path, i);
        }
        if (json_object_get(volumes, name) == NULL) {
            strategy_error_str(errs, FIELD_NOT_FOUND, name, NULL, "%s[%zu].name", path, i);
        }
        const char *mount_path = strategy_str(m, "mountPath");
        if (mount_path[0] == '\0') {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s[%zu].mountPath", path, i);
        }
        if (json_object_get(mount_points, mount_path) != NULL) {
            strategy_error_str(errs, FIELD_INVALID, mount_path, "must be unique",
                               "%s[%zu].mountPath", path, i);
        }
        json_object_set_new(mount_points, mount_path, json_true());
        const char *sub_path = strategy_str(m, "subPath");
        if (sub_path[0] != '\0') {
            /* Kubernetes reports it on the list's path, not the item's. */
            cleanup_free char *sub = xasprintf("%s.subPath", path);
            validate_descending_path(sub_path, sub, errs);
        }
    }
}

void strategy_validate_resource_requirements(const json_t *resources, const char *path,
                                             struct field_errors *errs)
{
    json_t *limits = json_object_get(resources, "limits");
    json_t *requests = json_object_get(resources, "requests");
    const char *name;
    json_t *value;
    json_object_foreach (limits, name, value) {
        cleanup_free char *p = xasprintf("%s.limits[%s]", path, name);
        struct quantity q;
        if (strategy_validate_resource_name(name, STRATEGY_RESOURCES_CONTAINER, p, errs)) {
            (void)strategy_validate_quantity(name, value, p, errs, &q);
        }
    }
    json_object_foreach (requests, name, value) {
        cleanup_free char *p = xasprintf("%s.requests[%s]", path, name);
        struct quantity q, limit;
        if (!strategy_validate_resource_name(name, STRATEGY_RESOURCES_CONTAINER, p, errs) ||
            !strategy_validate_quantity(name, value, p, errs, &q)) {
            continue;
        }
        json_t *limit_value = json_object_get(limits, name);
        struct err e = {0};
        char qbuf[QUANTITY_STR_MAX], lbuf[QUANTITY_STR_MAX];
        if (limit_value != NULL && quantity_from_json(limit_value, &limit, &e) == 0) {
            int cmp = quantity_cmp(&q, &limit);
            const char *relation = NULL;
            if (cmp != 0 && !strategy_resource_overcommits(name)) {
                relation = "equal to";
            } else if (cmp > 0) {
                relation = "less than or equal to";
            }
            if (relation != NULL) {
                cleanup_free char *detail = xasprintf("must be %s %s limit of %s", relation, name,
                                                      quantity_format(&limit, lbuf));
                strategy_error_str(errs, FIELD_INVALID, quantity_format(&q, qbuf), detail,
                                   "%s.requests", path);
            }
        } else if (limit_value == NULL && !strategy_resource_overcommits(name)) {
            strategy_error(errs, FIELD_REQUIRED, NULL,
                           "Limit must be set for non overcommitable resources", "%s.limits", path);
        }
    }
}

static void validate_http_get(const json_t *http, const char *path, struct field_errors *errs)
{
    if (strategy_str(http, "path")[0] == '\0') {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.path", path);
    }
    cleanup_free char *port_path = xasprintf("%s.port", path);
    validate_port_num_or_name(json_object_get(http, "port"), port_path, errs);
    static const char *const schemes[] = {"HTTP", "HTTPS", NULL};
    const char *scheme = strategy_str(http, "scheme");
    if (!in_list(scheme, schemes)) {
        strategy_error_str(errs, FIELD_NOT_SUPPORTED, scheme, "\"HTTP\", \"HTTPS\"", "%s.scheme",
                           path);
    }
}

/* validateHandler: exactly one of exec, httpGet, tcpSocket, grpc, sleep. */
static void validate_handler(const json_t *handler, const char *path, struct field_errors *errs)
{
    static const char *const kinds[] = {"exec", "httpGet", "tcpSocket", "grpc", "sleep", NULL};
    size_t count = 0;
    for (size_t k = 0; kinds[k] != NULL; k++) {
        json_t *h = json_object_get(handler, kinds[k]);
        if (h == NULL || json_is_null(h)) {
            continue;
        }
        cleanup_free char *p = xasprintf("%s.%s", path, kinds[k]);
        if (count++ > 0) {
            strategy_error(errs, FIELD_FORBIDDEN, NULL, "may not specify more than 1 handler type",
                           "%s", p);
            continue;
        }
        if (strcmp(kinds[k], "exec") == 0 && json_array_size(json_object_get(h, "command")) == 0) {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.command", p);
        } else if (strcmp(kinds[k], "httpGet") == 0) {
            validate_http_get(h, p, errs);
        } else if (strcmp(kinds[k], "tcpSocket") == 0) {
            cleanup_free char *port_path = xasprintf("%s.port", p);
            validate_port_num_or_name(json_object_get(h, "port"), port_path, errs);
        } else if (strcmp(kinds[k], "grpc") == 0) {
            cleanup_free char *port_path = xasprintf("%s.port", p);
            validate_port_number(strategy_int(h, "port"), port_path, errs);
        }
    }
    if (count == 0) {
        strategy_error(errs, FIELD_REQUIRED, NULL, "must specify a handler type", "%s", path);
    }
}

static void validate_probe(const json_t *probe, const char *kind, const char *path,
                           struct field_errors *errs)
{
    if (!json_is_object(probe)) {
        return;
    }
    validate_handler(probe, path, errs);
    static const char *const counters[] = {"initialDelaySeconds", "timeoutSeconds", "periodSeconds",
                                           "successThreshold", "failureThreshold"};
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++) {
        long long v = strategy_int(probe, counters[i]);
        if (v < 0) {
            strategy_error_int(errs, FIELD_INVALID, v, "must be greater than or equal to 0",
                               "%s.%s", path, counters[i]);
        }
    }
    if (has_key(probe, "terminationGracePeriodSeconds")) {
        long long grace = strategy_int(probe, "terminationGracePeriodSeconds");
        if (strcmp(kind, "readinessProbe") == 0) {
            strategy_error(
                errs, FIELD_INVALID, json_object_get(probe, "terminationGracePeriodSeconds"),
                "must not be set for readinessProbes", "%s.terminationGracePeriodSeconds", path);
        } else if (grace <= 0) {
            strategy_error_int(errs, FIELD_INVALID, grace, "must be greater than 0",
                               "%s.terminationGracePeriodSeconds", path);
        }
    }
    if (strcmp(kind, "readinessProbe") != 0 && strategy_int(probe, "successThreshold") != 1) {
        strategy_error_int(errs, FIELD_INVALID, strategy_int(probe, "successThreshold"),
                           "must be 1", "%s.successThreshold", path);
    }
}

/* validateContainerCommon: what every kind of container must satisfy. */
static void validate_container_common(const json_t *c, const json_t *volumes, const char *path,
                                      struct field_errors *errs)
{
    cleanup_free char *name_path = xasprintf("%s.name", path);
    validate_required_label(strategy_str(c, "name"), name_path, errs);
    if (strategy_str(c, "image")[0] == '\0') {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.image", path);
    }
    const char *policy = strategy_str(c, "terminationMessagePolicy");
    static const char *const policies[] = {"File", "FallbackToLogsOnError", NULL};
    cleanup_free char *policy_path = xasprintf("%s.terminationMessagePolicy", path);
    validate_enum(policy, policies, policy_path, errs);
    cleanup_free char *ports_path = xasprintf("%s.ports", path);
    validate_container_ports(json_object_get(c, "ports"), ports_path, errs);
    cleanup_free char *env_path = xasprintf("%s.env", path);
    validate_env(json_object_get(c, "env"), env_path, errs);
    cleanup_free char *env_from_path = xasprintf("%s.envFrom", path);
    validate_env_from(json_object_get(c, "envFrom"), env_from_path, errs);
    cleanup_free char *mounts_path = xasprintf("%s.volumeMounts", path);
    validate_volume_mounts(json_object_get(c, "volumeMounts"), volumes, mounts_path, errs);
    static const char *const pull[] = {"Always", "IfNotPresent", "Never", NULL};
    cleanup_free char *pull_path = xasprintf("%s.imagePullPolicy", path);
    validate_enum(strategy_str(c, "imagePullPolicy"), pull, pull_path, errs);
    cleanup_free char *resources_path = xasprintf("%s.resources", path);
    strategy_validate_resource_requirements(json_object_get(c, "resources"), resources_path, errs);
}

static void validate_container_probes(const json_t *c, const char *path, struct field_errors *errs)
{
    static const char *const probes[] = {"livenessProbe", "readinessProbe", "startupProbe"};
    for (size_t p = 0; p < 3; p++) {
        cleanup_free char *probe_path = xasprintf("%s.%s", path, probes[p]);
        validate_probe(json_object_get(c, probes[p]), probes[p], probe_path, errs);
    }
    json_t *lifecycle = json_object_get(c, "lifecycle");
    static const char *const hooks[] = {"postStart", "preStop"};
    for (size_t h = 0; h < 2; h++) {
        json_t *hook = json_object_get(lifecycle, hooks[h]);
        if (json_is_object(hook)) {
            cleanup_free char *hook_path = xasprintf("%s.lifecycle.%s", path, hooks[h]);
            validate_handler(hook, hook_path, errs);
        }
    }
}

static void validate_containers(const json_t *spec, const json_t *volumes, const char *path,
                                struct field_errors *errs)
{
    json_t *containers = json_object_get(spec, "containers");
    if (json_array_size(containers) == 0) {
        strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.containers", path);
    }
    cleanup_json json_t *names = json_object();
    size_t i;
    json_t *c;
    json_array_foreach (containers, i, c) {
        cleanup_free char *cpath = xasprintf("%s.containers[%zu]", path, i);
        validate_container_common(c, volumes, cpath, errs);
        const char *name = strategy_str(c, "name");
        if (json_object_get(names, name) != NULL) {
            strategy_error_str(errs, FIELD_DUPLICATE, name, NULL, "%s.name", cpath);
        } else {
            json_object_set_new(names, name, json_true());
        }
        validate_container_probes(c, cpath, errs);
        if (has_key(c, "restartPolicy")) {
            strategy_error(errs, FIELD_FORBIDDEN, NULL, "may not be set for non-init containers",
                           "%s.restartPolicy", cpath);
        }
    }
    json_array_foreach (json_object_get(spec, "initContainers"), i, c) {
        cleanup_free char *cpath = xasprintf("%s.initContainers[%zu]", path, i);
        validate_container_common(c, volumes, cpath, errs);
        const char *restart = strategy_str(c, "restartPolicy");
        bool sidecar = strcmp(restart, "Always") == 0;
        if (has_key(c, "restartPolicy") && !sidecar) {
            strategy_error_str(errs, FIELD_NOT_SUPPORTED, restart, "\"Always\"", "%s.restartPolicy",
                               cpath);
        }
        if (sidecar) {
            validate_container_probes(c, cpath, errs);
        } else {
            static const char *const not_for_init[] = {"lifecycle", "livenessProbe",
                                                       "readinessProbe", "startupProbe"};
            for (size_t k = 0; k < 4; k++) {
                if (has_key(c, not_for_init[k])) {
                    strategy_error(errs, FIELD_FORBIDDEN, NULL,
                                   "may not be set for init containers without "
                                   "restartPolicy=Always",
                                   "%s.%s", cpath, not_for_init[k]);
                }
            }
        }
        const char *name = strategy_str(c, "name");
        if (json_object_get(names, name) != NULL) {
            strategy_error_str(errs, FIELD_DUPLICATE, name, NULL, "%s.name", cpath);
        } else if (name[0] != '\0') {
            json_object_set_new(names, name, json_true());
        }
    }
}

static void validate_file_mode(const json_t *source, const char *key, const char *path,
                               struct field_errors *errs)
{
    if (has_key(source, key)) {
        long long mode = strategy_int(source, key);
        if (mode < 0 || mode > 0777) {
            strategy_error_int(errs, FIELD_INVALID, mode,
                               "must be a number between 0 and 0777 (octal), both inclusive",
                               "%s.%s", path, key);
        }
    }
}

/* validateVolumeSource for the common kinds; the others are only counted. */
static void validate_volume_source(const json_t *v, const char *kind, const char *path,
                                   struct field_errors *errs)
{
    const json_t *s = json_object_get(v, kind);
    if (strcmp(kind, "hostPath") == 0) {
        if (strategy_str(s, "path")[0] == '\0') {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.path", path);
        }
        static const char *const types[] = {
            "",           "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket",
            "CharDevice", "BlockDevice",       NULL};
        const char *type = strategy_str(s, "type");
        if (!in_list(type, types)) {
            strategy_error_str(errs, FIELD_NOT_SUPPORTED, type,
                               "\"\", \"BlockDevice\", \"CharDevice\", \"Directory\", "
                               "\"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\"",
                               "%s.type", path);
        }
    } else if (strcmp(kind, "secret") == 0) {
        if (strategy_str(s, "secretName")[0] == '\0') {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.secretName", path);
        }
        validate_file_mode(s, "defaultMode", path, errs);
    } else if (strcmp(kind, "configMap") == 0) {
        if (strategy_str(s, "name")[0] == '\0') {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.name", path);
        }
        validate_file_mode(s, "defaultMode", path, errs);
    } else if (strcmp(kind, "persistentVolumeClaim") == 0) {
        if (strategy_str(s, "claimName")[0] == '\0') {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.claimName", path);
        }
    } else if (strcmp(kind, "nfs") == 0) {
        if (strategy_str(s, "server")[0] == '\0') {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.server", path);
        }
        const char *nfs_path = strategy_str(s, "path");
        if (nfs_path[0] == '\0') {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.path", path);
        } else if (nfs_path[0] != '/') {
            strategy_error_str(errs, FIELD_INVALID, nfs_path, "must be an absolute path", "%s.path",
                               path);
        }
    } else if (strcmp(kind, "emptyDir") == 0) {
        json_t *limit = json_object_get(s, "sizeLimit");
        if (limit != NULL && !json_is_null(limit)) {
            struct quantity q;
            cleanup_free char *limit_path = xasprintf("%s.sizeLimit", path);
            (void)strategy_validate_quantity("ephemeral-storage", limit, limit_path, errs, &q);
        }
    } else if (strcmp(kind, "downwardAPI") == 0 || strcmp(kind, "projected") == 0) {
        validate_file_mode(s, "defaultMode", path, errs);
    }
}

/* ValidateVolumes: returns the valid volumes' names (a new object used as a set). */
static json_t *validate_volumes(const json_t *volumes, const char *path, struct field_errors *errs)
{
    json_t *names = json_object();
    size_t i;
    json_t *v;
    json_array_foreach (volumes, i, v) {
        size_t before = field_errors_count(errs);
        size_t count = 0;
        for (const char *const *kind = volume_sources; *kind != NULL; kind++) {
            if (!has_key(v, *kind)) {
                continue;
            }
            if (count++ > 0) {
                strategy_error(errs, FIELD_FORBIDDEN, NULL,
                               "may not specify more than 1 volume type", "%s[%zu].%s", path, i,
                               *kind);
                continue;
            }
            cleanup_free char *source_path = xasprintf("%s[%zu].%s", path, i, *kind);
            validate_volume_source(v, *kind, source_path, errs);
        }
        if (count == 0) {
            strategy_error(errs, FIELD_REQUIRED, NULL, "must specify a volume type", "%s[%zu]",
                           path, i);
        }
        const char *name = strategy_str(v, "name");
        cleanup_free char *name_path = xasprintf("%s[%zu].name", path, i);
        validate_required_label(name, name_path, errs);
        if (json_object_get(names, name) != NULL) {
            strategy_error_str(errs, FIELD_DUPLICATE, name, NULL, "%s", name_path);
        }
        if (field_errors_count(errs) == before) {
            json_object_set_new(names, name, json_true());
        }
    }
    return names;
}

static const char *const taint_effects[] = {"NoSchedule", "PreferNoSchedule", "NoExecute", NULL};

void strategy_validate_taint_effect(const char *effect, bool allow_empty, const char *path,
                                    struct field_errors *errs)
{
    if (effect[0] == '\0' && allow_empty) {
        return;
    }
    validate_enum(effect, taint_effects, path, errs);
}

/* Go's %#v of a core.Toleration. A new string. */
static char *go_toleration(const json_t *t)
{
    cleanup_free char *key = validate_quote(strategy_str(t, "key"));
    cleanup_free char *op = validate_quote(strategy_str(t, "operator"));
    cleanup_free char *value = validate_quote(strategy_str(t, "value"));
    cleanup_free char *effect = validate_quote(strategy_str(t, "effect"));
    return xasprintf("core.Toleration{Key:%s, Operator:%s, Value:%s, Effect:%s, "
                     "TolerationSeconds:(*int64)(%s)}",
                     key, op, value, effect,
                     has_key(t, "tolerationSeconds") ? "0xc0006a8f58" : "nil");
}

void strategy_validate_tolerations(const json_t *tolerations, const char *path,
                                   struct field_errors *errs)
{
    size_t i;
    json_t *t;
    json_array_foreach (tolerations, i, t) {
        const char *key = strategy_str(t, "key");
        const char *op = strategy_str(t, "operator");
        const char *effect = strategy_str(t, "effect");
        if (key[0] != '\0') {
            cleanup_free char *key_path = xasprintf("%s[%zu].key", path, i);
            strategy_validate_with(validate_qualified_name, key, key_path, errs);
        }
        if (key[0] == '\0' && strcmp(op, "Exists") != 0) {
            strategy_error_str(errs, FIELD_INVALID, op,
                               "operator must be Exists when `key` is empty, which means \"match "
                               "all values and all keys\"",
                               "%s[%zu].operator", path, i);
        }
        if (has_key(t, "tolerationSeconds") && strcmp(effect, "NoExecute") != 0) {
            strategy_error_str(errs, FIELD_INVALID, effect,
                               "effect must be 'NoExecute' when `tolerationSeconds` is set",
                               "%s[%zu].effect", path, i);
        }
        if (op[0] == '\0' || strcmp(op, "Equal") == 0) {
            struct validate_errs msgs = VALIDATE_ERRS_INIT;
            if (validate_label_value(strategy_str(t, "value"), &msgs) > 0) {
                cleanup_free char *joined = validate_errs_join(&msgs, ";");
                strategy_error_str(errs, FIELD_INVALID, strategy_str(t, "value"), joined,
                                   "%s[%zu].operator", path, i);
            }
            validate_errs_free(&msgs);
        } else if (strcmp(op, "Exists") == 0) {
            if (strategy_str(t, "value")[0] != '\0') {
                cleanup_free char *printed = go_toleration(t);
                strategy_error_printed(errs, FIELD_INVALID, printed,
                                       "value must be empty when `operator` is 'Exists'",
                                       "%s[%zu].operator", path, i);
            }
        } else {
            strategy_error_str(errs, FIELD_NOT_SUPPORTED, op, "\"Equal\", \"Exists\"",
                               "%s[%zu].operator", path, i);
        }
        if (effect[0] != '\0') {
            cleanup_free char *effect_path = xasprintf("%s[%zu].effect", path, i);
            strategy_validate_taint_effect(effect, true, effect_path, errs);
        }
    }
}

static void validate_optional_name(const json_t *spec, const char *key,
                                   size_t (*check)(const char *, struct validate_errs *),
                                   const char *path, struct field_errors *errs)
{
    const char *value = strategy_str(spec, key);
    if (value[0] != '\0') {
        cleanup_free char *p = xasprintf("%s.%s", path, key);
        strategy_validate_with(check, value, p, errs);
    }
}

void strategy_validate_pod_spec(const json_t *spec, const char *path, struct field_errors *errs)
{
    cleanup_free char *volumes_path = xasprintf("%s.volumes", path);
    cleanup_json json_t *volumes =
        validate_volumes(json_object_get(spec, "volumes"), volumes_path, errs);
    validate_containers(spec, volumes, path, errs);
    static const char *const restart[] = {"Always", "OnFailure", "Never", NULL};
    cleanup_free char *restart_path = xasprintf("%s.restartPolicy", path);
    validate_enum(strategy_str(spec, "restartPolicy"), restart, restart_path, errs);
    static const char *const dns[] = {"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None",
                                      NULL};
    cleanup_free char *dns_path = xasprintf("%s.dnsPolicy", path);
    validate_enum(strategy_str(spec, "dnsPolicy"), dns, dns_path, errs);
    cleanup_free char *selector_path = xasprintf("%s.nodeSelector", path);
    strategy_validate_labels(json_object_get(spec, "nodeSelector"), selector_path, errs);
    size_t i;
    json_t *secret;
    json_array_foreach (json_object_get(spec, "imagePullSecrets"), i, secret) {
        if (strategy_str(secret, "name")[0] == '\0') {
            strategy_error(errs, FIELD_REQUIRED, NULL, NULL, "%s.imagePullSecrets[%zu].name", path,
                           i);
        }
    }
    validate_optional_name(spec, "serviceAccountName", validate_dns1123_subdomain, path, errs);
    validate_optional_name(spec, "nodeName", validate_dns1123_subdomain, path, errs);
    if (has_key(spec, "activeDeadlineSeconds")) {
        long long deadline = strategy_int(spec, "activeDeadlineSeconds");
        if (deadline < 1 || deadline > 2147483647) {
            strategy_error_int(errs, FIELD_INVALID, deadline,
                               "must be between 1 and 2147483647, inclusive",
                               "%s.activeDeadlineSeconds", path);
        }
    }
    validate_optional_name(spec, "hostname", validate_dns1123_label, path, errs);
    validate_optional_name(spec, "subdomain", validate_dns1123_label, path, errs);
    cleanup_free char *tolerations_path = xasprintf("%s.tolerations", path);
    strategy_validate_tolerations(json_object_get(spec, "tolerations"), tolerations_path, errs);
    validate_optional_name(spec, "priorityClassName", validate_dns1123_subdomain, path, errs);
    if (has_key(spec, "preemptionPolicy")) {
        static const char *const preemption[] = {"Never", "PreemptLowerPriority", NULL};
        cleanup_free char *p = xasprintf("%s.preemptionPolicy", path);
        validate_enum(strategy_str(spec, "preemptionPolicy"), preemption, p, errs);
    }
}

void strategy_validate_pod_template(const json_t *template_, const char *path,
                                    struct field_errors *errs)
{
    json_t *meta = json_object_get(template_, "metadata");
    cleanup_free char *labels_path = xasprintf("%s.labels", path);
    strategy_validate_labels(json_object_get(meta, "labels"), labels_path, errs);
    json_t *annotations = json_object_get(meta, "annotations");
    if (annotations != NULL) {
        cleanup_free char *annotations_path = xasprintf("%s.annotations", path);
        struct validate_errs msgs = VALIDATE_ERRS_INIT;
        validate_annotations(annotations, annotations_path, &msgs);
        for (size_t i = 0; i < msgs.n; i++) {
            /* validate_annotations gives whole "path: message" lines; keep the message. */
            const char *msg = msgs.msg[i];
            size_t plen = strlen(annotations_path);
            if (strncmp(msg, annotations_path, plen) == 0 && strncmp(msg + plen, ": ", 2) == 0) {
                msg += plen + 2;
            }
            add_raw(errs,
                    strncmp(msg, "Too long", 8) == 0 ? "FieldValueTooLong" : "FieldValueInvalid",
                    annotations_path, msg);
        }
        validate_errs_free(&msgs);
    }
    json_t *spec = json_object_get(template_, "spec");
    cleanup_free char *spec_path = xasprintf("%s.spec", path);
    strategy_validate_pod_spec(spec, spec_path, errs);
    if (json_array_size(json_object_get(spec, "ephemeralContainers")) > 0) {
        strategy_error(errs, FIELD_FORBIDDEN, NULL,
                       "ephemeral containers not allowed in pod template",
                       "%s.spec.ephemeralContainers", path);
    }
}
