/* The apiserver's own Prometheus metrics under kube-apiserver's names and labels:
 * apiserver_request_total, apiserver_request_duration_seconds, apiserver_current_inflight_requests
 * and apiserver_longrunning_requests, served on /metrics. Thread-safe. */
#ifndef C8S_APISERVER_APIMETRICS_H
#define C8S_APISERVER_APIMETRICS_H

#include <stdbool.h>

#include "requestinfo.h"

struct apimetrics;

struct apimetrics *apimetrics_new(void);
void apimetrics_free(struct apimetrics *m);

/* The request's verb as the metrics name it: "LIST", "WATCH", "APPLY", "POST", "GET", ...
 * (the HTTP method for non-resource requests). apply: a server-side apply patch. */
const char *apimetrics_verb(const struct request_info *ri, const char *method, bool apply);

/* A finished request: counts it under its HTTP code and, unless it was a watch, observes its
 * duration in seconds. */
void apimetrics_request_done(struct apimetrics *m, const struct request_info *ri, const char *verb,
                             int code, bool dry_run, double seconds);

/* Requests being served now: mutating (POST, PUT, PATCH, DELETE) or readOnly; delta +1/-1. */
void apimetrics_inflight(struct apimetrics *m, bool mutating, int delta);

/* Watches open now; delta +1/-1. */
void apimetrics_watching(struct apimetrics *m, const struct request_info *ri, int delta);

/* The text exposition of every metric (owned string). */
char *apimetrics_render(struct apimetrics *m);

#endif
