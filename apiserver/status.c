/* apimachinery's api/errors constructors, re-done for c8s: same reasons, codes and wording. */
#include "status.h"

#include <stdio.h>
#include <string.h>

#include "xalloc.h"

char *status_qualified(const char *group, const char *plural, char *buf, size_t size)
{
    if (group == NULL || group[0] == '\0') {
        snprintf(buf, size, "%s", plural);
    } else {
        snprintf(buf, size, "%s.%s", plural, group);
    }
    return buf;
}

json_t *status_new(int code, const char *reason, const char *message, const char *group,
                   const char *details_kind, const char *name)
{
    json_t *s = json_object();
    json_object_set_new(s, "kind", json_string("Status"));
    json_object_set_new(s, "apiVersion", json_string("v1"));
    json_object_set_new(s, "metadata", json_object());
    json_object_set_new(s, "status", json_string("Failure"));
    json_object_set_new(s, "message", json_string(message));
    json_object_set_new(s, "reason", json_string(reason));
    if (details_kind != NULL || name != NULL) {
        json_t *d = json_object();
        if (name != NULL && name[0] != '\0') {
            json_object_set_new(d, "name", json_string(name));
        }
        if (group != NULL && group[0] != '\0') {
            json_object_set_new(d, "group", json_string(group));
        }
        if (details_kind != NULL) {
            json_object_set_new(d, "kind", json_string(details_kind));
        }
        json_object_set_new(s, "details", d);
    }
    json_object_set_new(s, "code", json_integer(code));
    return s;
}

int status_code(const json_t *status)
{
    return (int)json_integer_value(json_object_get(status, "code"));
}

json_t *status_not_found(const char *group, const char *plural, const char *name)
{
    char q[256];
    char *msg =
        xasprintf("%s \"%s\" not found", status_qualified(group, plural, q, sizeof q), name);
    json_t *s = status_new(404, "NotFound", msg, group, plural, name);
    free(msg);
    return s;
}

json_t *status_already_exists(const char *group, const char *plural, const char *name)
{
    char q[256];
    char *msg =
        xasprintf("%s \"%s\" already exists", status_qualified(group, plural, q, sizeof q), name);
    json_t *s = status_new(409, "AlreadyExists", msg, group, plural, name);
    free(msg);
    return s;
}

json_t *status_conflict(const char *group, const char *plural, const char *name, const char *detail)
{
    char q[256];
    char *msg = xasprintf("Operation cannot be fulfilled on %s \"%s\": %s",
                          status_qualified(group, plural, q, sizeof q), name,
                          detail ? detail
                                 : "the object has been modified; please apply your changes to "
                                   "the latest version and try again");
    json_t *s = status_new(409, "Conflict", msg, group, plural, name);
    free(msg);
    return s;
}

json_t *status_bad_request(const char *message)
{
    return status_new(400, "BadRequest", message, NULL, NULL, NULL);
}

json_t *status_forbidden(const char *group, const char *plural, const char *name,
                         const char *detail)
{
    char q[256];
    status_qualified(group, plural, q, sizeof q);
    char *msg = name && name[0] ? xasprintf("%s \"%s\" is forbidden: %s", q, name, detail)
                                : xasprintf("%s is forbidden: %s", q, detail);
    json_t *s = status_new(403, "Forbidden", msg, group, plural, name);
    free(msg);
    return s;
}

json_t *status_unauthorized(void)
{
    return status_new(401, "Unauthorized", "Unauthorized", NULL, NULL, NULL);
}

json_t *status_gone(const char *message)
{
    return status_new(410, "Expired", message, NULL, NULL, NULL);
}

json_t *status_method_not_allowed(void)
{
    return status_new(405, "MethodNotAllowed",
                      "the server does not allow this method on the requested resource", NULL, NULL,
                      NULL);
}

json_t *status_unsupported_media_type(const char *accepted)
{
    char *msg = xasprintf("the body of the request was in an unknown format - accepted media "
                          "types include: %s",
                          accepted);
    json_t *s = status_new(415, "UnsupportedMediaType", msg, NULL, NULL, NULL);
    free(msg);
    return s;
}

json_t *status_internal(const char *detail)
{
    char *msg = xasprintf("Internal error occurred: %s", detail);
    json_t *s = status_new(500, "InternalError", msg, NULL, NULL, NULL);
    json_object_set_new(s, "details", json_pack("{s:[{s:s}]}", "causes", "message", detail));
    free(msg);
    return s;
}

json_t *status_unavailable(const char *message)
{
    return status_new(503, "ServiceUnavailable", message, NULL, NULL, NULL);
}

json_t *status_timeout(const char *message)
{
    return status_new(504, "Timeout", message, NULL, NULL, NULL);
}

json_t *status_too_large(const char *message)
{
    return status_new(413, "RequestEntityTooLarge", message, NULL, NULL, NULL);
}

json_t *status_success(const char *group, const char *plural, const char *name, const char *uid)
{
    json_t *s = json_object();
    json_object_set_new(s, "kind", json_string("Status"));
    json_object_set_new(s, "apiVersion", json_string("v1"));
    json_object_set_new(s, "metadata", json_object());
    json_object_set_new(s, "status", json_string("Success"));
    json_t *d = json_object();
    json_object_set_new(d, "name", json_string(name));
    if (group != NULL && group[0] != '\0') {
        json_object_set_new(d, "group", json_string(group));
    }
    json_object_set_new(d, "kind", json_string(plural));
    if (uid != NULL) {
        json_object_set_new(d, "uid", json_string(uid));
    }
    json_object_set_new(s, "details", d);
    return s;
}

/* ---- Field errors ---- */

void field_errors_init(struct field_errors *fe)
{
    fe->causes = json_array();
    fe->lines = json_array();
}

void field_errors_free(struct field_errors *fe)
{
    json_decref(fe->causes);
    json_decref(fe->lines);
    fe->causes = fe->lines = NULL;
}

size_t field_errors_count(const struct field_errors *fe)
{
    return json_array_size(fe->causes);
}

/* Go's %v/%q of a bad value: strings quoted with escapes, the rest as JSON prints them. */
static char *format_value(const json_t *v)
{
    if (json_is_string(v)) {
        char *quoted = json_dumps(v, JSON_ENCODE_ANY);
        return quoted;
    }
    if (json_is_integer(v)) {
        return xasprintf("%lld", (long long)json_integer_value(v));
    }
    if (json_is_boolean(v)) {
        return xstrdup(json_is_true(v) ? "true" : "false");
    }
    if (v == NULL || json_is_null(v)) {
        return xstrdup("null");
    }
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

void field_errors_add(struct field_errors *fe, enum field_error_type type, const char *field,
                      const json_t *bad_value, const char *detail)
{
    static const char *const reasons[] = {
        [FIELD_REQUIRED] = "FieldValueRequired",          [FIELD_INVALID] = "FieldValueInvalid",
        [FIELD_NOT_SUPPORTED] = "FieldValueNotSupported", [FIELD_DUPLICATE] = "FieldValueDuplicate",
        [FIELD_FORBIDDEN] = "FieldValueForbidden",        [FIELD_TOO_LONG] = "FieldValueTooLong",
        [FIELD_NOT_FOUND] = "FieldValueNotFound",
    };
    char *value = bad_value ? format_value(bad_value) : NULL;
    char *message = NULL;
    switch (type) {
    case FIELD_REQUIRED:
        message = detail ? xasprintf("Required value: %s", detail) : xstrdup("Required value");
        break;
    case FIELD_INVALID:
        message = detail ? xasprintf("Invalid value: %s: %s", value ? value : "null", detail)
                         : xasprintf("Invalid value: %s", value ? value : "null");
        break;
    case FIELD_NOT_SUPPORTED:
        message = detail ? xasprintf("Unsupported value: %s: supported values: %s",
                                     value ? value : "null", detail)
                         : xasprintf("Unsupported value: %s", value ? value : "null");
        break;
    case FIELD_DUPLICATE:
        message = xasprintf("Duplicate value: %s", value ? value : "null");
        break;
    case FIELD_FORBIDDEN:
        message = detail ? xasprintf("Forbidden: %s", detail) : xstrdup("Forbidden");
        break;
    case FIELD_TOO_LONG:
        message = detail ? xasprintf("Too long: %s", detail) : xstrdup("Too long");
        break;
    case FIELD_NOT_FOUND:
        message = xasprintf("Not found: %s", value ? value : "null");
        break;
    }
    json_array_append_new(fe->causes, json_pack("{s:s,s:s,s:s}", "reason", reasons[type], "message",
                                                message, "field", field));
    char *line = xasprintf("%s: %s", field, message);
    json_array_append_new(fe->lines, json_string(line));
    free(line);
    free(message);
    free(value);
}

json_t *status_invalid(const char *group, const char *kind, const char *name,
                       const struct field_errors *fe)
{
    size_t n = json_array_size(fe->lines);
    char *joined = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&joined, &len);
    if (n > 1) {
        fputc('[', f);
    }
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s%s", i ? ", " : "", json_string_value(json_array_get(fe->lines, i)));
    }
    if (n > 1) {
        fputc(']', f);
    }
    fclose(f);
    /* Kubernetes names the kind with its group: Deployment.apps "x" is invalid. */
    char *msg = xasprintf("%s%s%s \"%s\" is invalid: %s", kind, group[0] ? "." : "", group,
                          name ? name : "", joined);
    json_t *s = status_new(422, "Invalid", msg, group, kind, name);
    json_object_set(json_object_get(s, "details"), "causes", fe->causes);
    free(msg);
    free(joined);
    return s;
}
