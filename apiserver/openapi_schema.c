/* OpenAPI v3 component schemas generated from the kproto field tables (and openapi_types.c for
 * the kinds they lack), in kube-openapi's shapes: objects with properties, references through
 * single-element allOf, arrays with items, maps with additionalProperties, Time as a date-time
 * string, Quantity and IntOrString as oneOf schemas, so `kubectl explain` prints what it prints
 * against kube-apiserver 1.32. */
#include "openapi_schema.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "resources.h"
#include "xalloc.h"

#define REF_PREFIX "#/components/schemas/"

#define TIME_SCHEMA      "io.k8s.apimachinery.pkg.apis.meta.v1.Time"
#define MICROTIME_SCHEMA "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"
#define FIELDSV1_SCHEMA  "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1"
#define QUANTITY_SCHEMA  "io.k8s.apimachinery.pkg.api.resource.Quantity"
#define INTORSTR_SCHEMA  "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
#define RAWEXT_SCHEMA    "io.k8s.apimachinery.pkg.runtime.RawExtension"
#define SCHEMA_NAME_MAX  160

/* One generation: the flattened kproto message graph (to find messages by name) and the
 * schemas made so far. */
struct gen {
    const struct kproto_msg **msgs;
    size_t nmsgs, cap;
    json_t *schemas;
};

const char *openapi_schema_name(const char *type, char *buf, size_t size)
{
    const char *slash = strchr(type, '/');
    if (slash == NULL) {
        snprintf(buf, size, "%s", type);
    } else if (strncmp(type, "meta/", 5) == 0) {
        snprintf(buf, size, "io.k8s.apimachinery.pkg.apis.meta.%s", slash + 1);
    } else {
        snprintf(buf, size, "io.k8s.api.%.*s.%s", (int)(slash - type), type, slash + 1);
    }
    return buf;
}

static void collect_msgs(struct gen *g, const struct kproto_msg *msg)
{
    for (size_t i = 0; i < g->nmsgs; i++) {
        if (g->msgs[i] == msg) {
            return;
        }
    }
    if (g->nmsgs == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 64;
        g->msgs = xrealloc(g->msgs, g->cap * sizeof *g->msgs);
    }
    g->msgs[g->nmsgs++] = msg;
    for (size_t i = 0; i < msg->nfields; i++) {
        if (msg->fields[i].msg != NULL) {
            collect_msgs(g, msg->fields[i].msg);
        }
    }
}

static const struct kproto_msg *find_msg(const struct gen *g, const char *name)
{
    for (size_t i = 0; i < g->nmsgs; i++) {
        if (strcmp(g->msgs[i]->name, name) == 0) {
            return g->msgs[i];
        }
    }
    return NULL;
}

static const struct openapi_type *find_extra(const char *name)
{
    for (size_t i = 0; i < openapi_extra_type_count; i++) {
        if (strcmp(openapi_extra_types[i].name, name) == 0) {
            return &openapi_extra_types[i];
        }
    }
    return NULL;
}

/* "apps" -> "apps/v1.Deployment" style type name of a served resource's kind. */
static void kind_type_name(const struct resource *r, char *buf, size_t size)
{
    size_t pkg_len = strcspn(r->group, ".");
    if (pkg_len == 0) {
        snprintf(buf, size, "core/%s.%s", r->version, r->kind);
    } else {
        snprintf(buf, size, "%.*s/%s.%s", (int)pkg_len, r->group, r->version, r->kind);
    }
}

static const struct resource *served_kind(const char *type)
{
    size_t n = 0;
    const struct resource *all = resources_all(&n);
    for (size_t i = 0; i < n; i++) {
        char name[SCHEMA_NAME_MAX];
        kind_type_name(&all[i], name, sizeof name);
        if (strcmp(name, type) == 0) {
            return &all[i];
        }
    }
    return NULL;
}

static const char *text_for(const char *type, const char *field, bool is_kind)
{
    const char *fallback = NULL;
    for (size_t i = 0; i < openapi_text_count; i++) {
        const struct openapi_text *t = &openapi_texts[i];
        bool same_field = field ? (t->field && strcmp(t->field, field) == 0) : t->field == NULL;
        if (!same_field) {
            continue;
        }
        if (strcmp(t->type, type) == 0) {
            return t->text;
        }
        if (is_kind && t->type[0] == '\0') {
            fallback = t->text;
        }
    }
    return fallback;
}

static const char *alias_for(const char *type, const char *field)
{
    for (size_t i = 0; i < openapi_alias_count; i++) {
        if (strcmp(openapi_aliases[i].type, type) == 0 &&
            strcmp(openapi_aliases[i].field, field) == 0) {
            return openapi_aliases[i].ref;
        }
    }
    return NULL;
}

static json_t *ref_to(const char *schema)
{
    char ref[SCHEMA_NAME_MAX + sizeof REF_PREFIX];
    snprintf(ref, sizeof ref, REF_PREFIX "%s", schema);
    return json_pack("{s:[{s:s}]}", "allOf", "$ref", ref);
}

/* The primitive apimachinery types, added to the document the first time a field uses one. */
static json_t *primitive_ref(struct gen *g, const char *schema)
{
    if (json_object_get(g->schemas, schema) == NULL) {
        json_t *s;
        if (strcmp(schema, QUANTITY_SCHEMA) == 0) {
            s = json_pack("{s:[{s:s},{s:s}]}", "oneOf", "type", "string", "type", "number");
        } else if (strcmp(schema, INTORSTR_SCHEMA) == 0) {
            s = json_pack("{s:s,s:[{s:s},{s:s}]}", "format", "int-or-string", "oneOf", "type",
                          "integer", "type", "string");
        } else if (strcmp(schema, TIME_SCHEMA) == 0 || strcmp(schema, MICROTIME_SCHEMA) == 0) {
            s = json_pack("{s:s,s:s}", "type", "string", "format", "date-time");
        } else {
            s = json_pack("{s:s}", "type", "object"); /* RawExtension, FieldsV1: any JSON */
        }
        json_object_set_new(g->schemas, schema, s);
    }
    return ref_to(schema);
}

static void emit_type(struct gen *g, const char *type, const struct kproto_msg *msg,
                      const struct openapi_type *extra);

/* The schema of one value (an element when the field is repeated or a map). */
static json_t *value_schema(struct gen *g, const char *json, enum kproto_type kind,
                            const char *ref_type, const struct kproto_msg *msg)
{
    switch (kind) {
    case KPROTO_STRING:
        return json_pack("{s:s}", "type", "string");
    case KPROTO_BOOL:
        return json_pack("{s:s}", "type", "boolean");
    case KPROTO_INT32:
        return json_pack("{s:s,s:s}", "type", "integer", "format", "int32");
    case KPROTO_INT64:
        return json_pack("{s:s,s:s}", "type", "integer", "format", "int64");
    case KPROTO_BYTES:
        return json_pack("{s:s,s:s}", "type", "string", "format", "byte");
    case KPROTO_TIME:
        return primitive_ref(g, TIME_SCHEMA);
    case KPROTO_MICROTIME:
        return primitive_ref(g, MICROTIME_SCHEMA);
    case KPROTO_DURATION:
        return json_pack("{s:s}", "type", "string");
    case KPROTO_INTORSTR:
        return primitive_ref(g, INTORSTR_SCHEMA);
    case KPROTO_QUANTITY:
        return primitive_ref(g, QUANTITY_SCHEMA);
    case KPROTO_RAWJSON:
        return primitive_ref(g, strcmp(json, "fieldsV1") == 0 ? FIELDSV1_SCHEMA : RAWEXT_SCHEMA);
    case KPROTO_STRLIST:
        return json_pack("{s:s,s:{s:s}}", "type", "array", "items", "type", "string");
    case KPROTO_MSG:
        break;
    }
    const struct openapi_type *extra = NULL;
    if (msg == NULL) {
        msg = find_msg(g, ref_type);
        extra = msg ? NULL : find_extra(ref_type);
    }
    if (msg == NULL && extra == NULL) {
        return json_pack("{s:s}", "type", "object"); /* unknown type: still a valid schema */
    }
    emit_type(g, ref_type, msg, extra);
    char name[SCHEMA_NAME_MAX];
    return ref_to(openapi_schema_name(ref_type, name, sizeof name));
}

static void add_property(struct gen *g, const char *type, json_t *props, const char *json,
                         enum kproto_type kind, unsigned flags, const char *ref_type,
                         const struct kproto_msg *msg)
{
    const char *real = kind == KPROTO_MSG ? alias_for(type, json) : NULL;
    if (real != NULL) {
        ref_type = real;
    }
    json_t *value = value_schema(g, json, kind, ref_type, msg);
    json_t *prop;
    if (flags & KPROTO_REPEATED) {
        if (kind == KPROTO_MSG) {
            json_object_set_new(value, "default", json_object());
        }
        prop = json_pack("{s:s,s:o}", "type", "array", "items", value);
    } else if (flags & KPROTO_MAP) {
        prop = json_pack("{s:s,s:o}", "type", "object", "additionalProperties", value);
    } else {
        prop = value;
    }
    json_object_set_new(props, json, prop);
}

static void add_kproto_fields(struct gen *g, const char *type, const struct kproto_msg *msg,
                              json_t *props)
{
    for (size_t i = 0; i < msg->nfields; i++) {
        const struct kproto_field *f = &msg->fields[i];
        if (f->flags & KPROTO_INLINE) {
            add_kproto_fields(g, type, f->msg, props);
        } else {
            add_property(g, type, props, f->json, f->type, f->flags, f->msg ? f->msg->name : NULL,
                         f->msg);
        }
    }
}

/* Descriptions, enums and required markers: the facts the field tables do not carry. */
static void add_facts(const char *type, json_t *schema, json_t *props, bool is_kind)
{
    const char *key;
    json_t *prop;
    json_object_foreach (props, key, prop) {
        const char *text = text_for(type, key, is_kind);
        if (text != NULL) {
            json_object_set_new(prop, "description", json_string(text));
        }
    }
    for (size_t i = 0; i < openapi_enum_count; i++) {
        const struct openapi_enum *e = &openapi_enums[i];
        prop = json_object_get(props, e->field);
        if (strcmp(e->type, type) != 0 || prop == NULL) {
            continue;
        }
        json_t *values = json_array();
        for (const char *v = e->values;; v++) {
            size_t len = strcspn(v, "|");
            json_array_append_new(values, json_stringn(v, len));
            v += len;
            if (*v == '\0') {
                break;
            }
        }
        json_object_set_new(prop, "enum", values);
    }
    json_t *required = json_array();
    for (size_t i = 0; i < openapi_required_count; i++) {
        const struct openapi_required *r = &openapi_required_fields[i];
        if (strcmp(r->type, type) == 0 && json_object_get(props, r->field) != NULL) {
            json_array_append_new(required, json_string(r->field));
        }
    }
    if (json_array_size(required) > 0) {
        json_object_set_new(schema, "required", required);
    } else {
        json_decref(required);
    }
    const char *text = text_for(type, NULL, false);
    if (text != NULL) {
        json_object_set_new(schema, "description", json_string(text));
    }
}

static void emit_type(struct gen *g, const char *type, const struct kproto_msg *msg,
                      const struct openapi_type *extra)
{
    char name[SCHEMA_NAME_MAX];
    openapi_schema_name(type, name, sizeof name);
    if (json_object_get(g->schemas, name) != NULL) {
        return;
    }
    json_t *schema = json_pack("{s:s}", "type", "object");
    json_t *props = json_object();
    /* Registered before its fields, so a type that reaches itself stops here. */
    json_object_set_new(g->schemas, name, schema);
    const struct resource *kind = served_kind(type);
    if (kind != NULL) {
        json_object_set_new(props, "apiVersion", json_pack("{s:s}", "type", "string"));
        json_object_set_new(props, "kind", json_pack("{s:s}", "type", "string"));
    }
    if (msg != NULL) {
        add_kproto_fields(g, type, msg, props);
    } else {
        for (size_t i = 0; i < extra->nfields; i++) {
            const struct openapi_field *f = &extra->fields[i];
            add_property(g, type, props, f->json, f->type, f->flags, f->ref, NULL);
        }
    }
    add_facts(type, schema, props, kind != NULL);
    json_object_set_new(schema, "properties", props);
    if (kind != NULL) {
        json_object_set_new(schema, "x-kubernetes-group-version-kind",
                            json_pack("[{s:s,s:s,s:s}]", "group", kind->group, "kind", kind->kind,
                                      "version", kind->version));
    }
}

/* The kproto message of a kind: the protobuf kinds table (ClusterRoleBinding shares
 * RoleBinding's), else any message of that name the kinds reach. */
static const struct kproto_msg *kind_msg(const struct gen *g, const struct resource *r,
                                         const char *type)
{
    char api_version[128];
    resources_group_version(r->group, r->version, api_version, sizeof api_version);
    for (size_t i = 0; i < kproto_kind_count; i++) {
        const struct kproto_kind *k = &kproto_kinds[i];
        if (k->api_version != NULL && strcmp(k->api_version, api_version) == 0 &&
            strcmp(k->kind, r->kind) == 0) {
            return k->msg;
        }
    }
    return find_msg(g, type);
}

static void emit_kind(struct gen *g, const struct resource *r)
{
    char type[SCHEMA_NAME_MAX];
    kind_type_name(r, type, sizeof type);
    const struct kproto_msg *msg = kind_msg(g, r, type);
    const struct openapi_type *extra = msg ? NULL : find_extra(type);
    if (msg != NULL || extra != NULL) {
        emit_type(g, type, msg, extra);
    }
}

json_t *openapi_schemas_build(const char *group, const char *version)
{
    struct gen g = {.schemas = json_object()};
    for (size_t i = 0; i < kproto_kind_count; i++) {
        collect_msgs(&g, kproto_kinds[i].msg);
    }
    size_t n = 0;
    const struct resource *all = resources_all(&n);
    bool served = false;
    for (size_t i = 0; i < n; i++) {
        const struct resource *r = &all[i];
        if (strcmp(r->group, group) == 0 && strcmp(r->version, version) == 0) {
            served = true;
            emit_kind(&g, r);
        }
    }
    free(g.msgs);
    if (!served) {
        json_decref(g.schemas);
        return NULL;
    }
    return g.schemas;
}

json_t *openapi_schemas_build_all(void)
{
    struct gen g = {.schemas = json_object()};
    for (size_t i = 0; i < kproto_kind_count; i++) {
        collect_msgs(&g, kproto_kinds[i].msg);
    }
    size_t n = 0;
    const struct resource *all = resources_all(&n);
    for (size_t i = 0; i < n; i++) {
        emit_kind(&g, &all[i]);
    }
    /* Kinds only subresources and options take (Scale, Eviction, Binding, TokenRequest,
     * DeleteOptions), under their message's own name. */
    for (size_t i = 0; i < kproto_kind_count; i++) {
        emit_type(&g, kproto_kinds[i].msg->name, kproto_kinds[i].msg, NULL);
    }
    free(g.msgs);
    return g.schemas;
}
