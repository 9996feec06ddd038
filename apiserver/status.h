/* Kubernetes Status objects: every API error leaves the apiserver as
 * {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":..,"reason":..,
 *  "details":{"name","group","kind","causes"},"code":..} with kube-apiserver's reasons, codes and
 * message wording (k8s.io/apimachinery/pkg/api/errors), so kubectl prints exactly what it prints
 * against Kubernetes. All functions return new references and are thread-safe. */
#ifndef C8S_APISERVER_STATUS_H
#define C8S_APISERVER_STATUS_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

/* The HTTP code of a Status (its "code" field). */
int status_code(const json_t *status);

/* A Status from its parts; group may be "" and name may be NULL. details_kind is the resource
 * plural for most reasons and the Kind for Invalid, as Kubernetes fills it. */
json_t *status_new(int code, const char *reason, const char *message, const char *group,
                   const char *details_kind, const char *name);

/* 404 NotFound: `deployments.apps "web" not found`. */
json_t *status_not_found(const char *group, const char *plural, const char *name);
/* 409 AlreadyExists: `configmaps "x" already exists`. */
json_t *status_already_exists(const char *group, const char *plural, const char *name);
/* 409 Conflict: `Operation cannot be fulfilled on pods "x": <detail>`; detail NULL gives the
 * stale-resourceVersion text ("the object has been modified; please apply your changes to the
 * latest version and try again"). */
json_t *status_conflict(const char *group, const char *plural, const char *name,
                        const char *detail);
/* 400 BadRequest with the message as given. */
json_t *status_bad_request(const char *message);
/* 403 Forbidden: `pods "x" is forbidden: <detail>` (`pods is forbidden: ...` without a name). */
json_t *status_forbidden(const char *group, const char *plural, const char *name,
                         const char *detail);
/* 401 Unauthorized. */
json_t *status_unauthorized(void);
/* 410 Expired: message as given (e.g. "too old resource version: 5 (12)"). */
json_t *status_gone(const char *message);
/* 405 MethodNotAllowed: `the server does not allow this method on the requested resource`. */
json_t *status_method_not_allowed(void);
/* 415 UnsupportedMediaType: `the body of the request was in an unknown format - accepted media
 * types include: ...`. */
json_t *status_unsupported_media_type(const char *accepted);
/* 500 InternalError: `Internal error occurred: <detail>`. */
json_t *status_internal(const char *detail);
/* 503 ServiceUnavailable / 504 Timeout with the message as given. */
json_t *status_unavailable(const char *message);
json_t *status_timeout(const char *message);
/* 413 RequestEntityTooLarge. */
json_t *status_too_large(const char *message);

/* 200 Success, for deletes that return a Status ({"status":"Success","details":{...}}). */
json_t *status_success(const char *group, const char *plural, const char *name, const char *uid);

/* Field errors for 422 Invalid (k8s.io/apimachinery/pkg/util/validation/field). */
enum field_error_type {
    FIELD_REQUIRED,      /* "Required value" */
    FIELD_INVALID,       /* `Invalid value: "x": detail` */
    FIELD_NOT_SUPPORTED, /* `Unsupported value: "x": supported values: "a", "b"` */
    FIELD_DUPLICATE,     /* `Duplicate value: "x"` */
    FIELD_FORBIDDEN,     /* "Forbidden: detail" */
    FIELD_TOO_LONG,      /* "Too long: detail" */
    FIELD_NOT_FOUND,     /* `Not found: "x"` */
};

/* A growing list of field errors. */
struct field_errors {
    json_t *causes; /* owned array of {"reason","message","field"} */
    json_t *lines;  /* owned array of "field: message" strings */
};

void field_errors_init(struct field_errors *fe);
void field_errors_free(struct field_errors *fe);
size_t field_errors_count(const struct field_errors *fe);

/* Adds one error. bad_value is the offending value as JSON (borrowed; NULL when the type takes
 * none): strings print quoted as Go's %q, numbers and booleans plain. detail may be NULL. For
 * FIELD_NOT_SUPPORTED, detail is the list of supported values already formatted
 * (`"Always", "Never"`). */
void field_errors_add(struct field_errors *fe, enum field_error_type type, const char *field,
                      const json_t *bad_value, const char *detail);

/* 422 Invalid: `Pod "x" is invalid: <one error>` or `... is invalid: [<e1>, <e2>]`, the kind
 * qualified by a non-empty group (`Deployment.apps "x"`), with
 * details.kind the Kind and details.causes the errors. Consumes nothing. */
json_t *status_invalid(const char *group, const char *kind, const char *name,
                       const struct field_errors *fe);

/* The qualified resource as messages print it: "pods", "deployments.apps". */
char *status_qualified(const char *group, const char *plural, char *buf, size_t size);

#endif
