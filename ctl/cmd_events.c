/* `c8sctl events` as kubectl events (pkg/cmd/events): core/v1 Events of a namespace or all,
 * --for TYPE/NAME as an involvedObject field selector, --types filtering, sorted by their last
 * time, printed as LAST SEEN / TYPE / REASON / OBJECT / MESSAGE or as a typed EventList (-o),
 * and -w streaming the events as they come. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "ctl.h"
#include "jsonpath.h"
#include "k8stime.h"
#include "printers.h"
#include "xalloc.h"
#include "yamlx.h"

struct events_opts {
    const char *output, *for_object;
    bool all_namespaces, watch, no_headers, show_managed_fields;
    struct cli_strv types;
    int chunk_size;
    struct jsonpath *jsonpath; /* -o jsonpath= */
    bool headers_printed;
};

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* ---- the typed Event (k8s.io/api core/v1 as encoding/json prints it) ---- */

/* Copies the keys of src that are set into dst, in the order given (a struct's field order). */
static void copy_keys(json_t *dst, const json_t *src, const char *const *keys)
{
    for (; *keys != NULL; keys++) {
        json_t *v = json_object_get(src, *keys);
        if (v != NULL && !json_is_null(v)) {
            json_object_set(dst, *keys, v);
        }
    }
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A map with its keys sorted, as Go marshals map[string]string. New reference. */
static json_t *sorted_map(const json_t *map)
{
    size_t n = json_object_size(map);
    const char **keys = xcalloc(n ? n : 1, sizeof *keys);
    size_t i = 0;
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *)map, key, value) {
        keys[i++] = key;
    }
    qsort(keys, n, sizeof *keys, compare_strings);
    json_t *out = json_object();
    for (i = 0; i < n; i++) {
        json_object_set(out, keys[i], json_object_get(map, keys[i]));
    }
    free(keys);
    return out;
}

static json_t *typed_list(const json_t *arr, const char *const *keys)
{
    json_t *out = json_array();
    size_t i;
    json_t *item;
    json_array_foreach (arr, i, item) {
        json_t *o = json_object();
        copy_keys(o, item, keys);
        json_array_append_new(out, o);
    }
    return out;
}

static json_t *typed_meta(const json_t *meta, bool managed_fields)
{
    static const char *const head[] = {"name",
                                       "generateName",
                                       "namespace",
                                       "selfLink",
                                       "uid",
                                       "resourceVersion",
                                       "generation",
                                       "creationTimestamp",
                                       "deletionTimestamp",
                                       "deletionGracePeriodSeconds",
                                       NULL};
    static const char *const owner[] = {"apiVersion",         "kind", "name", "uid", "controller",
                                        "blockOwnerDeletion", NULL};
    static const char *const managed[] = {"manager",    "operation", "apiVersion",  "time",
                                          "fieldsType", "fieldsV1",  "subresource", NULL};
    json_t *out = json_object();
    copy_keys(out, meta, head);
    if (json_object_size(json_object_get(meta, "labels"))) {
        json_object_set_new(out, "labels", sorted_map(json_object_get(meta, "labels")));
    }
    if (json_object_size(json_object_get(meta, "annotations"))) {
        json_object_set_new(out, "annotations", sorted_map(json_object_get(meta, "annotations")));
    }
    if (json_array_size(json_object_get(meta, "ownerReferences"))) {
        json_object_set_new(out, "ownerReferences",
                            typed_list(json_object_get(meta, "ownerReferences"), owner));
    }
    if (json_array_size(json_object_get(meta, "finalizers"))) {
        json_object_set(out, "finalizers", json_object_get(meta, "finalizers"));
    }
    if (managed_fields && json_array_size(json_object_get(meta, "managedFields"))) {
        json_object_set_new(out, "managedFields",
                            typed_list(json_object_get(meta, "managedFields"), managed));
    }
    return out;
}

static json_t *typed_reference(const json_t *ref)
{
    static const char *const keys[] = {"kind",       "namespace",       "name",      "uid",
                                       "apiVersion", "resourceVersion", "fieldPath", NULL};
    json_t *out = json_object();
    copy_keys(out, ref, keys);
    return out;
}

/* A time field that is not omitted when zero: the value or null. */
static void set_time(json_t *dst, const char *key, const json_t *src)
{
    json_t *v = json_object_get(src, key);
    json_object_set_new(dst, key, json_is_string(v) ? json_incref(v) : json_null());
}

static void set_nonempty_string(json_t *dst, const char *key, const json_t *src)
{
    if (*str(src, key)) {
        json_object_set(dst, key, json_object_get(src, key));
    }
}

/* The Event as kubectl's typed printers see it: kind and apiVersion set, unknown fields
 * dropped, the fields without omitempty present. New reference. */
static json_t *typed_event(const json_t *e, bool managed_fields)
{
    json_t *out = json_object();
    json_object_set_new(out, "kind", json_string("Event"));
    json_object_set_new(out, "apiVersion", json_string("v1"));
    json_object_set_new(out, "metadata",
                        typed_meta(json_object_get(e, "metadata"), managed_fields));
    json_object_set_new(out, "involvedObject",
                        typed_reference(json_object_get(e, "involvedObject")));
    set_nonempty_string(out, "reason", e);
    set_nonempty_string(out, "message", e);
    static const char *const source[] = {"component", "host", NULL};
    json_t *src = json_object();
    copy_keys(src, json_object_get(e, "source"), source);
    json_object_set_new(out, "source", src);
    set_time(out, "firstTimestamp", e);
    set_time(out, "lastTimestamp", e);
    if (json_integer_value(json_object_get(e, "count")) != 0) {
        json_object_set(out, "count", json_object_get(e, "count"));
    }
    set_nonempty_string(out, "type", e);
    set_time(out, "eventTime", e);
    const json_t *series = json_object_get(e, "series");
    if (json_is_object(series)) {
        json_t *s = json_object();
        if (json_integer_value(json_object_get(series, "count")) != 0) {
            json_object_set(s, "count", json_object_get(series, "count"));
        }
        set_time(s, "lastObservedTime", series);
        json_object_set_new(out, "series", s);
    }
    set_nonempty_string(out, "action", e);
    if (json_is_object(json_object_get(e, "related"))) {
        json_object_set_new(out, "related", typed_reference(json_object_get(e, "related")));
    }
    json_object_set_new(out, "reportingComponent", json_string(str(e, "reportingComponent")));
    json_object_set_new(out, "reportingInstance", json_string(str(e, "reportingInstance")));
    return out;
}

/* ---- the table ---- */

/* A timestamp for sorting; zero sorts first, as Go's zero time. */
struct stamp {
    bool set;
    struct timespec ts;
};

static struct stamp parse_stamp(const char *s)
{
    struct stamp st = {0};
    struct err e = {0};
    st.set = *s && k8stime_parse(s, &st.ts, &e) == 0;
    return st;
}

/* translateTimestampSince / translateMicroTimestampSince. */
static void since(const char *s, char buf[K8STIME_STR_MAX])
{
    struct stamp st = parse_stamp(s);
    if (!st.set) {
        snprintf(buf, K8STIME_STR_MAX, "<unknown>");
        return;
    }
    struct timespec now = k8stime_now();
    k8stime_human_duration(
        ((int64_t)now.tv_sec - st.ts.tv_sec) * 1000000000LL + (now.tv_nsec - st.ts.tv_nsec), buf);
}

/* kubectl's getInterval: "5m", or "2m (x3 over 5m)" for repeated events. Owned. */
static char *interval(const json_t *e)
{
    char first[K8STIME_STR_MAX], last[K8STIME_STR_MAX];
    since(*str(e, "eventTime") ? str(e, "eventTime") : str(e, "firstTimestamp"), first);
    const json_t *series = json_object_get(e, "series");
    json_int_t count = json_integer_value(json_object_get(e, "count"));
    if (json_is_object(series)) {
        since(str(series, "lastObservedTime"), last);
        return xasprintf("%s (x%lld over %s)", last,
                         (long long)json_integer_value(json_object_get(series, "count")), first);
    }
    if (count > 1) {
        since(str(e, "lastTimestamp"), last);
        return xasprintf("%s (x%lld over %s)", last, (long long)count, first);
    }
    return xstrdup(first);
}

/* Go's strings.TrimSpace for ASCII white space. Owned. */
static char *trim_space(const char *s)
{
    while (*s && strchr(" \t\n\v\f\r", *s)) {
        s++;
    }
    size_t len = strlen(s);
    while (len > 0 && strchr(" \t\n\v\f\r", s[len - 1])) {
        len--;
    }
    return xstrndup(s, len);
}

static void event_row(struct tabw *t, const json_t *e, bool all_namespaces)
{
    const json_t *ref = json_object_get(e, "involvedObject");
    cleanup_free char *age = interval(e);
    cleanup_free char *object = xasprintf("%s/%s", str(ref, "kind"), str(ref, "name"));
    /* kubectl 1.32 prints the cells as they are (a line break in a message breaks the row) */
    cleanup_free char *message = trim_space(str(e, "message"));
    const char *cells[] = {str(json_object_get(e, "metadata"), "namespace"),
                           age,
                           str(e, "type"),
                           str(e, "reason"),
                           object,
                           message};
    tabw_row(t, all_namespaces ? cells : cells + 1, all_namespaces ? 6 : 5);
}

static void header_row(struct ctl *c, struct events_opts *o, struct tabw *t)
{
    (void)c;
    if (o->no_headers || o->headers_printed) {
        return;
    }
    static const char *const cells[] = {"NAMESPACE", "LAST SEEN", "TYPE",
                                        "REASON",    "OBJECT",    "MESSAGE"};
    tabw_row(t, o->all_namespaces ? cells : cells + 1, o->all_namespaces ? 6 : 5);
    o->headers_printed = true;
}

/* ---- sorting and filtering ---- */

/* eventTime(): the series' last time, else lastTimestamp, else eventTime. */
static struct stamp sort_time(const json_t *e)
{
    const json_t *series = json_object_get(e, "series");
    if (json_is_object(series)) {
        return parse_stamp(str(series, "lastObservedTime"));
    }
    struct stamp last = parse_stamp(str(e, "lastTimestamp"));
    return last.set ? last : parse_stamp(str(e, "eventTime"));
}

struct sort_entry {
    struct stamp t;
    size_t index;
    json_t *event;
};

static bool before(const struct stamp *a, const struct stamp *b)
{
    if (!b->set) {
        return false;
    }
    if (!a->set) {
        return true;
    }
    return a->ts.tv_sec < b->ts.tv_sec ||
           (a->ts.tv_sec == b->ts.tv_sec && a->ts.tv_nsec < b->ts.tv_nsec);
}

static int compare_entries(const void *pa, const void *pb)
{
    const struct sort_entry *a = pa, *b = pb;
    if (before(&a->t, &b->t)) {
        return -1;
    }
    if (before(&b->t, &a->t)) {
        return 1;
    }
    return a->index < b->index ? -1 : 1;
}

/* filteredEventType: no --types lets every event through; else a case-insensitive match. */
static bool type_wanted(const struct events_opts *o, const char *type)
{
    if (o->types.n == 0) {
        return true;
    }
    for (size_t i = 0; i < o->types.n; i++) {
        if (strcasecmp(o->types.v[i], type) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- printing ---- */

static bool output_allowed(const char *out)
{
    static const char *const kinds[] = {"go-template", "go-template-file", "json",
                                        "jsonpath",    "jsonpath-as-json", "jsonpath-file",
                                        "name",        "template",         "templatefile",
                                        "yaml"};
    size_t len = strcspn(out, "=");
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strlen(kinds[i]) == len && strncmp(out, kinds[i], len) == 0) {
            return true;
        }
    }
    return false;
}

/* Only the JSON and YAML printers drop managed fields (kubectl's OmitManagedFieldsPrinter). */
static bool keep_managed_fields(const struct events_opts *o)
{
    return o->show_managed_fields ||
           (strcmp(o->output, "json") != 0 && strcmp(o->output, "yaml") != 0);
}

/* Prints one typed object (an Event or the EventList) with -o. */
static void print_generic(struct ctl *c, const struct events_opts *o, const json_t *obj)
{
    if (strcmp(o->output, "json") == 0) {
        cleanup_free char *text = printers_json_ordered(obj);
        fputs(text, c->out);
    } else if (strcmp(o->output, "yaml") == 0) {
        cleanup_free char *text = yamlx_dump(obj);
        fputs(text, c->out);
    } else if (strcmp(o->output, "name") == 0) {
        /* kubectl's name printer fails on the typed list and the error is dropped; single
         * events (watch) print "event/<name>" */
        if (strcmp(str(obj, "kind"), "Event") == 0) {
            fprintf(c->out, "event/%s\n", str(json_object_get(obj, "metadata"), "name"));
        }
    } else if (o->jsonpath != NULL) {
        /* kubectl ignores the printer's errors here */
        struct err e = {0};
        cleanup_free char *text = jsonpath_execute(o->jsonpath, obj, true, &e);
        if (text != NULL) {
            fputs(text, c->out);
        }
    }
    fflush(c->out);
}

/* ---- watch ---- */

struct events_watch {
    struct ctl *c;
    struct events_opts *o;
    struct tabw t;
};

static int on_event_line(const char *line, size_t len, void *data)
{
    struct events_watch *w = data;
    (void)len;
    cleanup_json json_t *ev = json_loads(line, 0, NULL);
    const char *type = str(ev, "type");
    json_t *obj = json_object_get(ev, "object");
    /* deleted events are old ones expiring; errors and bookmarks are not Events */
    if (strcmp(type, "ADDED") != 0 && strcmp(type, "MODIFIED") != 0) {
        return 0;
    }
    if (!json_is_object(obj) || !type_wanted(w->o, str(obj, "type"))) {
        return 0;
    }
    cleanup_json json_t *typed = typed_event(obj, keep_managed_fields(w->o));
    if (*w->o->output) {
        print_generic(w->c, w->o, typed);
        return 0;
    }
    header_row(w->c, w->o, &w->t);
    event_row(&w->t, typed, w->o->all_namespaces);
    tabw_flush(&w->t, w->c->out, true);
    fflush(w->c->out);
    return 0;
}

static int run_watch(struct ctl *c, struct events_opts *o, const char *collection,
                     const char *selector)
{
    char *q = xstrdup("");
    ctl_query_add(&q, "fieldSelector", selector);
    ctl_query_add(&q, "limit", "500");
    ctl_query_add(&q, "watch", "true");
    cleanup_free char *path = xasprintf("%s?%s", collection, q + 1);
    free(q);
    char accept[128], command[128];
    snprintf(accept, sizeof accept, "Accept: %s", CTL_ACCEPT_JSON);
    snprintf(command, sizeof command, "Kubectl-Command: kubectl %s", c->cmd_path);
    const char *headers[] = {accept, command, NULL};
    struct http_request req = {.method = "GET", .path = path, .headers = headers};
    struct events_watch w = {.c = c, .o = o};
    struct http_response resp = {0};
    struct err e = {0};
    int rc = http_stream(c->http, &req, on_event_line, &w, &resp, &e);
    tabw_free(&w.t);
    int status = 0;
    if (rc != 0) {
        status = ctl_transport_error(c, &e);
    } else if (resp.status < 200 || resp.status > 299) {
        status = ctl_api_error(c, &resp);
    }
    http_response_free(&resp);
    return status;
}

/* ---- list ---- */

/* Lists the events, following continue tokens. Returns 0 with *items (new) or 1. */
static int list_events(struct ctl *c, const char *collection, const char *selector, json_t **items)
{
    json_t *acc = json_array();
    cleanup_free char *cont = NULL;
    for (;;) {
        char *q = xstrdup("");
        ctl_query_add(&q, "continue", cont);
        ctl_query_add(&q, "fieldSelector", selector);
        ctl_query_add(&q, "limit", "500");
        cleanup_free char *path = xasprintf("%s?%s", collection, q + 1);
        free(q);
        cleanup_json json_t *page = NULL;
        if (ctl_request_json(c, "GET", path, NULL, NULL, NULL, &page) != 0) {
            json_decref(acc);
            return 1;
        }
        json_array_extend(acc, json_object_get(page, "items"));
        const char *next = str(json_object_get(page, "metadata"), "continue");
        if (*next == '\0') {
            break;
        }
        free(cont);
        cont = xstrdup(next);
    }
    *items = acc;
    return 0;
}

static int print_list(struct ctl *c, struct events_opts *o, json_t *items)
{
    size_t n = json_array_size(items);
    struct sort_entry *entries = xcalloc(n ? n : 1, sizeof *entries);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(items, i);
        if (type_wanted(o, str(e, "type"))) {
            entries[kept] = (struct sort_entry){sort_time(e), kept, e};
            kept++;
        }
    }
    if (kept == 0) {
        free(entries);
        if (o->all_namespaces) {
            fprintf(c->errout, "No events found.\n");
        } else {
            fprintf(c->errout, "No events found in %s namespace.\n", c->ns);
        }
        return 0;
    }
    qsort(entries, kept, sizeof *entries, compare_entries);
    if (*o->output) {
        cleanup_json json_t *list = json_object();
        json_object_set_new(list, "kind", json_string("EventList"));
        json_object_set_new(list, "apiVersion", json_string("v1"));
        json_object_set_new(list, "metadata", json_object());
        json_t *arr = json_array();
        for (size_t i = 0; i < kept; i++) {
            json_array_append_new(arr, typed_event(entries[i].event, keep_managed_fields(o)));
        }
        json_object_set_new(list, "items", arr);
        print_generic(c, o, list);
    } else {
        struct tabw t = {0};
        header_row(c, o, &t);
        for (size_t i = 0; i < kept; i++) {
            event_row(&t, entries[i].event, o->all_namespaces);
        }
        tabw_flush(&t, c->out, false);
        tabw_free(&t);
    }
    free(entries);
    return 0;
}

/* ---- the command ---- */

/* decodeResourceTypeName: "--for TYPE/NAME" into the selector on the involved object. Returns
 * 0 with *selector (owned; NULL when the name is empty) or prints the error and returns 1. */
static int for_selector(struct ctl *c, const char *arg, char **selector)
{
    *selector = NULL;
    const char *slash = strchr(arg, '/');
    if (slash == NULL) {
        return ctl_error(c, "--for must be in resource/name form");
    }
    if (strchr(slash + 1, '/') != NULL) {
        return ctl_error(c, "arguments in resource/name form may not have more than one slash");
    }
    cleanup_free char *type = xstrndup(arg, (size_t)(slash - arg));
    if (*type == '\0') {
        return ctl_error(c, "a resource must be present, got: /, Resource=");
    }
    if (ctl_discover(c) != 0) {
        return 1;
    }
    struct err e = {0};
    const struct mapper_resource *r = mapper_resolve(&c->mapper, type, &e);
    if (r == NULL) {
        /* a NoResourceMatchError: kubectl prints it without "error: " */
        fprintf(c->errout, "%s\n", e.msg);
        return 1;
    }
    if (slash[1] == '\0') {
        return 0;
    }
    *selector =
        xasprintf("involvedObject.kind=%s,involvedObject.apiVersion=%s%s%s,involvedObject.name=%s",
                  r->kind, r->group, *r->group ? "/" : "", r->version, slash + 1);
    return 0;
}

/* Lists (or watches) and prints the events once the flags are checked. */
static int run_events(struct ctl *c, struct events_opts *o, const char *selector)
{
    cleanup_free char *collection = o->all_namespaces
                                        ? xstrdup("/api/v1/events")
                                        : xasprintf("/api/v1/namespaces/%s/events", c->ns);
    if (o->watch) {
        return run_watch(c, o, collection, selector);
    }
    cleanup_json json_t *items = NULL;
    if (list_events(c, collection, selector, &items) != 0) {
        return 1;
    }
    return print_list(c, o, items);
}

int cmd_events(struct ctl *c, int argc, char **argv)
{
    struct events_opts o = {.output = "", .for_object = "", .chunk_size = 500};
    const char *template = "";
    bool allow_missing = true;
    struct cli_flag flags[] = {
        {"output", 'o', CLI_STRING, &o.output, false},
        {"all-namespaces", 'A', CLI_BOOL, &o.all_namespaces, false},
        {"watch", 'w', CLI_BOOL, &o.watch, false},
        {"for", 0, CLI_STRING, &o.for_object, false},
        {"types", 0, CLI_STRING_SLICE, &o.types, false},
        {"no-headers", 0, CLI_BOOL, &o.no_headers, false},
        {"chunk-size", 0, CLI_INT, &o.chunk_size, false},
        {"show-managed-fields", 0, CLI_BOOL, &o.show_managed_fields, false},
        {"allow-missing-template-keys", 0, CLI_BOOL, &allow_missing, false},
        {"template", 0, CLI_STRING, &template, false},
        {NULL, 0, CLI_STRING, NULL, false},
    };
    int status = 0;
    cleanup_free char *selector = NULL;
    if (!ctl_parse_flags(c, flags, argc, argv, &status)) {
        goto out;
    }
    if (ctl_connect(c) != 0) {
        status = 1;
        goto out;
    }
    if (*o.for_object && for_selector(c, o.for_object, &selector) != 0) {
        status = 1;
        goto out;
    }
    if (*o.output && !output_allowed(o.output)) {
        status = ctl_error(c,
                           "unable to match a printer suitable for the output format \"%s\", "
                           "allowed formats are: go-template,go-template-file,json,jsonpath,"
                           "jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml",
                           o.output);
        goto out;
    }
    if (strncmp(o.output, "jsonpath=", 9) == 0) {
        struct err e = {0};
        o.jsonpath = jsonpath_parse(o.output + 9, &e);
        if (o.jsonpath == NULL) {
            status = ctl_error(c, "error parsing jsonpath %s, %s", o.output + 9, e.msg);
            goto out;
        }
    } else if (*o.output && strcmp(o.output, "json") != 0 && strcmp(o.output, "yaml") != 0 &&
               strcmp(o.output, "name") != 0) {
        status =
            ctl_error(c, "output format \"%s\" is not implemented by %s yet", o.output, c->prog);
        goto out;
    }
    for (size_t i = 0; i < o.types.n; i++) {
        if (strcasecmp(o.types.v[i], "Normal") != 0 && strcasecmp(o.types.v[i], "Warning") != 0) {
            status = ctl_error(c, "valid --types are Normal or Warning");
            goto out;
        }
    }
    status = run_events(c, &o, selector);
out:
    fflush(c->out);
    jsonpath_free(o.jsonpath);
    cli_strv_free(&o.types);
    return status;
}
