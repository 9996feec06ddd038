/* Leader election on a Lease, following client-go's LeaderElector (acquire with jittered
 * retries, renew within the renew deadline, tryAcquireOrRenew's fast and slow paths, release)
 * and LeaseLock (the Lease spec as the election record, updates guarded by resourceVersion). */
#include "leaderelection.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "bgthread.h"
#include "cleanup.h"
#include "clock.h"
#include "duration.h"
#include "k8stime.h"
#include "kubeclient.h"
#include "log.h"
#include "xalloc.h"

/* client-go's LeaderElectionRecord: the Lease spec's election fields. Strings owned. */
struct record {
    char *holder;
    int64_t lease_duration_s;
    char *acquire_time;
    char *renew_time;
    int64_t transitions;
};

struct leaderelection {
    struct http_client *client;         /* the elector's requests; cancelled by stop */
    struct http_client *release_client; /* the release after stop, never cancelled */
    char *lease_namespace, *lease_name, *identity;
    char *lease_path, *leases_path;
    int64_t lease_duration_ns, renew_deadline_ns, retry_period_ns;
    bool release_on_cancel;
    struct leaderelection_callbacks cb;

    /* The elector thread's own state. */
    json_t *lease;         /* the last Lease read or written (its resourceVersion guards) */
    char *observed_raw;    /* the last spec read, serialized, to notice changes */
    char *reported_leader; /* the last holder handed to new_leader */

    /* The thread; its mu also guards what other threads read: */
    struct bgthread bg;
    struct record observed;
    int64_t observed_time; /* monotonic ns when observed last changed */
    bool done;
};

/* ---- Records ------------------------------------------------------------------------------ */

static void record_free(struct record *r)
{
    free(r->holder);
    free(r->acquire_time);
    free(r->renew_time);
    memset(r, 0, sizeof *r);
}

static void record_copy(struct record *dst, const struct record *src)
{
    record_free(dst);
    dst->holder = xstrdup(src->holder ? src->holder : "");
    dst->lease_duration_s = src->lease_duration_s;
    dst->acquire_time = src->acquire_time ? xstrdup(src->acquire_time) : NULL;
    dst->renew_time = src->renew_time ? xstrdup(src->renew_time) : NULL;
    dst->transitions = src->transitions;
}

/* LeaseSpecToLeaderElectionRecord: absent fields read as zero values. */
static void record_from_spec(struct record *r, const json_t *spec)
{
    const char *holder = json_string_value(json_object_get(spec, "holderIdentity"));
    const char *acquire = json_string_value(json_object_get(spec, "acquireTime"));
    const char *renew = json_string_value(json_object_get(spec, "renewTime"));
    r->holder = xstrdup(holder ? holder : "");
    r->lease_duration_s = json_integer_value(json_object_get(spec, "leaseDurationSeconds"));
    r->acquire_time = acquire ? xstrdup(acquire) : NULL;
    r->renew_time = renew ? xstrdup(renew) : NULL;
    r->transitions = json_integer_value(json_object_get(spec, "leaseTransitions"));
}

/* LeaderElectionRecordToLeaseSpec: every field is written, holderIdentity even when empty. */
static json_t *record_to_spec(const struct record *r)
{
    json_t *spec = json_object();
    json_object_set_new(spec, "holderIdentity", json_string(r->holder ? r->holder : ""));
    json_object_set_new(spec, "leaseDurationSeconds", json_integer(r->lease_duration_s));
    if (r->acquire_time != NULL) {
        json_object_set_new(spec, "acquireTime", json_string(r->acquire_time));
    }
    if (r->renew_time != NULL) {
        json_object_set_new(spec, "renewTime", json_string(r->renew_time));
    }
    json_object_set_new(spec, "leaseTransitions", json_integer(r->transitions));
    return spec;
}

/* ---- Observed state ----------------------------------------------------------------------- */

static void set_observed(struct leaderelection *le, const struct record *r)
{
    pthread_mutex_lock(&le->bg.mu);
    record_copy(&le->observed, r);
    le->observed_time = clk_now(clk_real());
    pthread_mutex_unlock(&le->bg.mu);
}

bool leaderelection_is_leader(struct leaderelection *le)
{
    pthread_mutex_lock(&le->bg.mu);
    bool leader = le->observed.holder != NULL && strcmp(le->observed.holder, le->identity) == 0;
    pthread_mutex_unlock(&le->bg.mu);
    return leader;
}

char *leaderelection_get_leader(struct leaderelection *le)
{
    pthread_mutex_lock(&le->bg.mu);
    char *holder = xstrdup(le->observed.holder ? le->observed.holder : "");
    pthread_mutex_unlock(&le->bg.mu);
    return holder;
}

/* Whether the observed Lease is still within its duration, counted from when this candidate
 * saw it change (not from renewTime: clocks of candidates may differ). */
static bool lease_is_valid(struct leaderelection *le, int64_t now)
{
    pthread_mutex_lock(&le->bg.mu);
    bool valid = le->observed_time + le->observed.lease_duration_s * DURATION_SECOND > now;
    pthread_mutex_unlock(&le->bg.mu);
    return valid;
}

static void observed_copy(struct leaderelection *le, struct record *out)
{
    pthread_mutex_lock(&le->bg.mu);
    record_copy(out, &le->observed);
    pthread_mutex_unlock(&le->bg.mu);
}

/* maybeReportTransition, for non-empty holders. */
static void report_transition(struct leaderelection *le)
{
    cleanup_free char *holder = leaderelection_get_leader(le);
    if (le->reported_leader != NULL && strcmp(le->reported_leader, holder) == 0) {
        return;
    }
    free(le->reported_leader);
    le->reported_leader = xstrdup(holder);
    if (holder[0] != '\0') {
        LOG_V(2, "leaderelection: new leader", "lease=%s/%s holder=%s", le->lease_namespace,
              le->lease_name, holder);
        if (le->cb.new_leader != NULL) {
            le->cb.new_leader(le->cb.data, holder);
        }
    }
}

/* ---- The Lease (LeaseLock) -------------------------------------------------------------- */

static int lease_get(struct leaderelection *le, struct http_client *c, struct err *err)
{
    json_t *lease = NULL;
    int rv = kubeclient_json(c, "GET", le->lease_path, NULL, &lease, err);
    if (rv < 0) {
        return rv;
    }
    json_decref(le->lease);
    le->lease = lease;
    return 0;
}

static int lease_create(struct leaderelection *le, const struct record *r, struct err *err)
{
    cleanup_json json_t *body =
        json_pack("{s:s,s:s,s:{s:s,s:s},s:o}", "apiVersion", "coordination.k8s.io/v1", "kind",
                  "Lease", "metadata", "name", le->lease_name, "namespace", le->lease_namespace,
                  "spec", record_to_spec(r));
    json_t *created = NULL;
    int rv = kubeclient_json(le->client, "POST", le->leases_path, body, &created, err);
    if (rv < 0) {
        return rv;
    }
    json_decref(le->lease);
    le->lease = created;
    return 0;
}

/* Writes r as the spec of the last Lease read, guarded by its resourceVersion. */
static int lease_update(struct leaderelection *le, struct http_client *c, const struct record *r,
                        struct err *err)
{
    if (le->lease == NULL) {
        return err_set(err, EINVAL, "lease not initialized, call get or create first");
    }
    cleanup_json json_t *body = json_deep_copy(le->lease);
    json_object_set_new(body, "spec", record_to_spec(r));
    json_t *updated = NULL;
    int rv = kubeclient_json(c, "PUT", le->lease_path, body, &updated, err);
    if (rv < 0) {
        return rv;
    }
    json_decref(le->lease);
    le->lease = updated;
    return 0;
}

/* ---- The protocol ------------------------------------------------------------------------- */

static void now_micro(char buf[K8STIME_STR_MAX])
{
    struct timespec now = k8stime_now();
    k8stime_format_micro(&now, buf);
}

/* tryAcquireOrRenew: true when this candidate holds the Lease afterwards. */
static bool try_acquire_or_renew(struct leaderelection *le)
{
    char now_text[K8STIME_STR_MAX];
    now_micro(now_text);
    int64_t now = clk_now(clk_real());
    struct record rec = {
        .holder = xstrdup(le->identity),
        .lease_duration_s = le->lease_duration_ns / DURATION_SECOND,
        .acquire_time = xstrdup(now_text),
        .renew_time = xstrdup(now_text),
    };
    struct record old = {0};
    struct err err = {0};
    bool ok = false;
    cleanup_free char *raw = NULL;

    /* 1. The leader's fast path: update the Lease it wrote last, assuming nobody touched it. */
    if (leaderelection_is_leader(le) && lease_is_valid(le, now)) {
        observed_copy(le, &old);
        free(rec.acquire_time);
        rec.acquire_time = old.acquire_time ? xstrdup(old.acquire_time) : NULL;
        rec.transitions = old.transitions;
        record_free(&old);
        if (lease_update(le, le->client, &rec, &err) == 0) {
            set_observed(le, &rec);
            ok = true;
            goto out;
        }
        LOG_V(2, "leaderelection: failed to update lock optimistically, falling back to slow path",
              "lease=%s/%s err=\"%s\"", le->lease_namespace, le->lease_name, err.msg);
        err_clear(&err);
    }

    /* 2. Read the Lease, or create it. */
    int rv = lease_get(le, le->client, &err);
    if (rv == -ENOENT) {
        if (lease_create(le, &rec, &err) < 0) {
            LOG_V(2, "leaderelection: error initially creating leader election record",
                  "lease=%s/%s err=\"%s\"", le->lease_namespace, le->lease_name, err.msg);
            goto out;
        }
        set_observed(le, &rec);
        ok = true;
        goto out;
    }
    if (rv < 0) {
        if (err.code != ECANCELED) {
            LOG_W("leaderelection: error retrieving resource lock", "lease=%s/%s err=\"%s\"",
                  le->lease_namespace, le->lease_name, err.msg);
        }
        goto out;
    }

    /* 3. Note a change of the record, and when it was seen; respect a valid Lease of another. */
    json_t *spec = json_object_get(le->lease, "spec");
    record_from_spec(&old, spec);
    raw = spec ? json_dumps(spec, JSON_COMPACT | JSON_SORT_KEYS) : xstrdup("");
    if (le->observed_raw == NULL || strcmp(le->observed_raw, raw) != 0) {
        set_observed(le, &old);
        free(le->observed_raw);
        le->observed_raw = steal_ptr(&raw);
    }
    if (old.holder[0] != '\0' && lease_is_valid(le, now) && !leaderelection_is_leader(le)) {
        LOG_V(4, "leaderelection: lock is held and has not yet expired", "lease=%s/%s holder=%s",
              le->lease_namespace, le->lease_name, old.holder);
        goto out;
    }

    /* 4. Take or renew it. */
    if (leaderelection_is_leader(le)) {
        free(rec.acquire_time);
        rec.acquire_time = old.acquire_time ? xstrdup(old.acquire_time) : NULL;
        rec.transitions = old.transitions;
    } else {
        rec.transitions = old.transitions + 1;
    }
    if (lease_update(le, le->client, &rec, &err) < 0) {
        if (err.code != ECANCELED) {
            LOG_V(2, "leaderelection: failed to update lock", "lease=%s/%s err=\"%s\"",
                  le->lease_namespace, le->lease_name, err.msg);
        }
        goto out;
    }
    set_observed(le, &rec);
    ok = true;
out:
    record_free(&rec);
    record_free(&old);
    return ok;
}

/* release: an empty holder and a 1 s duration, so the others take over at once. On a conflict
 * (a renewal in flight when stop cancelled it may have landed) it reads the Lease again and
 * retries once if this candidate still holds it. */
static void release(struct leaderelection *le)
{
    if (!leaderelection_is_leader(le)) {
        return;
    }
    char now_text[K8STIME_STR_MAX];
    now_micro(now_text);
    struct record rec = {
        .holder = xstrdup(""),
        .lease_duration_s = 1,
        .acquire_time = xstrdup(now_text),
        .renew_time = xstrdup(now_text),
    };
    pthread_mutex_lock(&le->bg.mu);
    rec.transitions = le->observed.transitions;
    pthread_mutex_unlock(&le->bg.mu);
    struct err err = {0};
    int rv = lease_update(le, le->release_client, &rec, &err);
    if (rv == -C8S_ECONFLICT && lease_get(le, le->release_client, &err) == 0) {
        const char *holder = json_string_value(
            json_object_get(json_object_get(le->lease, "spec"), "holderIdentity"));
        if (holder != NULL && strcmp(holder, le->identity) == 0) {
            err_clear(&err);
            rv = lease_update(le, le->release_client, &rec, &err);
        } else {
            rv = 0; /* somebody else holds it already */
        }
    }
    if (rv < 0) {
        LOG_E("leaderelection: failed to release lock", "lease=%s/%s err=\"%s\"",
              le->lease_namespace, le->lease_name, err.msg);
    } else {
        LOG_I("leaderelection: released lock", "lease=%s/%s", le->lease_namespace, le->lease_name);
        set_observed(le, &rec);
    }
    record_free(&rec);
}

/* ---- The elector thread ------------------------------------------------------------------- */

/* acquire: tries until it holds the Lease, waiting retry_period plus up to 1.2 times it
 * between tries (wait.JitterUntil, sliding). False when stopped first. */
static bool acquire(struct leaderelection *le)
{
    LOG_I("leaderelection: attempting to acquire leader lease", "lease=%s/%s", le->lease_namespace,
          le->lease_name);
    for (;;) {
        bool ok = try_acquire_or_renew(le);
        report_transition(le);
        if (ok) {
            LOG_I("leaderelection: successfully acquired lease", "lease=%s/%s", le->lease_namespace,
                  le->lease_name);
            return true;
        }
        double jitter = bgthread_random(&le->bg) * LEADERELECTION_JITTER_FACTOR;
        int64_t wait = le->retry_period_ns + (int64_t)(jitter * (double)le->retry_period_ns);
        if (!bgthread_sleep_until(&le->bg, clk_now(clk_real()) + wait)) {
            return false;
        }
    }
}

/* renew: every retry_period, renews, retrying every retry_period until the renew deadline;
 * returns when that fails (leadership lost) or on stop. */
static void renew(struct leaderelection *le)
{
    struct clock *clk = clk_real();
    for (;;) {
        int64_t deadline = clk_now(clk) + le->renew_deadline_ns;
        bool ok = false;
        for (;;) {
            ok = try_acquire_or_renew(le);
            if (ok || clk_now(clk) + le->retry_period_ns > deadline ||
                !bgthread_sleep_until(&le->bg, clk_now(clk) + le->retry_period_ns)) {
                break;
            }
        }
        report_transition(le);
        if (!ok) {
            if (!bgthread_stopping(&le->bg)) {
                LOG_E("leaderelection: failed to renew lease, leadership lost", "lease=%s/%s",
                      le->lease_namespace, le->lease_name);
            }
            return;
        }
        if (!bgthread_sleep_until(&le->bg, clk_now(clk) + le->retry_period_ns)) {
            return;
        }
    }
}

static void *elector_run(void *arg)
{
    struct leaderelection *le = arg;
    if (acquire(le)) {
        if (le->cb.started_leading != NULL) {
            le->cb.started_leading(le->cb.data);
        }
        renew(le);
        if (le->release_on_cancel) {
            release(le);
        }
        if (le->cb.stopped_leading != NULL) {
            le->cb.stopped_leading(le->cb.data);
        }
    }
    pthread_mutex_lock(&le->bg.mu);
    le->done = true;
    pthread_mutex_unlock(&le->bg.mu);
    return NULL;
}

/* ---- Public API -------------------------------------------------------------------------------
 */

struct leaderelection *leaderelection_new(const struct leaderelection_config *cfg, struct err *err)
{
    int64_t retry_jittered = (int64_t)(LEADERELECTION_JITTER_FACTOR * (double)cfg->retry_period_ns);
    if (cfg->lease_duration_ns <= cfg->renew_deadline_ns) {
        err_set(err, EINVAL, "leaseDuration must be greater than renewDeadline");
        return NULL;
    }
    if (cfg->renew_deadline_ns <= retry_jittered) {
        err_set(err, EINVAL, "renewDeadline must be greater than retryPeriod*JitterFactor");
        return NULL;
    }
    if (cfg->lease_duration_ns < 1) {
        err_set(err, EINVAL, "leaseDuration must be greater than zero");
        return NULL;
    }
    if (cfg->renew_deadline_ns < 1) {
        err_set(err, EINVAL, "renewDeadline must be greater than zero");
        return NULL;
    }
    if (cfg->retry_period_ns < 1) {
        err_set(err, EINVAL, "retryPeriod must be greater than zero");
        return NULL;
    }
    if (cfg->lease_duration_ns < DURATION_SECOND) {
        err_set(err, EINVAL, "leaseDuration must be at least 1s (the Lease stores whole seconds)");
        return NULL;
    }
    if (cfg->identity == NULL || cfg->identity[0] == '\0') {
        err_set(err, EINVAL, "Lock identity is empty");
        return NULL;
    }
    if (cfg->lease_name == NULL || cfg->lease_name[0] == '\0') {
        err_set(err, EINVAL, "Lock must not be nil.");
        return NULL;
    }
    /* Requests must not outlive the renew deadline (client-go bounds them by its context). */
    struct http_config http = *cfg->http;
    int64_t deadline_ms = cfg->renew_deadline_ns / DURATION_MS;
    if (http.timeout_ms <= 0 || http.timeout_ms > deadline_ms) {
        http.timeout_ms = deadline_ms;
    }
    struct http_client *client = http_client_new(&http, err);
    if (client == NULL) {
        return NULL;
    }
    struct leaderelection *le = xcalloc(1, sizeof *le);
    le->client = client;
    le->release_client = http_client_new(&http, NULL);
    le->lease_namespace =
        xstrdup(cfg->lease_namespace && cfg->lease_namespace[0] ? cfg->lease_namespace
                                                                : LEADERELECTION_DEFAULT_NAMESPACE);
    le->lease_name = xstrdup(cfg->lease_name);
    le->identity = xstrdup(cfg->identity);
    le->leases_path =
        xasprintf("/apis/coordination.k8s.io/v1/namespaces/%s/leases", le->lease_namespace);
    le->lease_path = xasprintf("%s/%s", le->leases_path, le->lease_name);
    le->lease_duration_ns = cfg->lease_duration_ns;
    le->renew_deadline_ns = cfg->renew_deadline_ns;
    le->retry_period_ns = cfg->retry_period_ns;
    le->release_on_cancel = cfg->release_on_cancel;
    le->cb = cfg->callbacks;
    bgthread_init(&le->bg);
    return le;
}

int leaderelection_start(struct leaderelection *le, struct err *err)
{
    int rc = bgthread_start(&le->bg, elector_run, le);
    if (rc < 0) {
        return err_set(err, -rc, "leader election %s/%s: start: %s", le->lease_namespace,
                       le->lease_name, strerror(-rc));
    }
    return 0;
}

void leaderelection_stop(struct leaderelection *le)
{
    bgthread_request_stop(&le->bg);
    http_client_cancel(le->client);
    bgthread_join(&le->bg);
}

void leaderelection_free(struct leaderelection *le)
{
    if (le == NULL) {
        return;
    }
    leaderelection_stop(le);
    http_client_free(le->client);
    http_client_free(le->release_client);
    json_decref(le->lease);
    free(le->observed_raw);
    free(le->reported_leader);
    record_free(&le->observed);
    free(le->lease_namespace);
    free(le->lease_name);
    free(le->identity);
    free(le->lease_path);
    free(le->leases_path);
    bgthread_destroy(&le->bg);
    free(le);
}

bool leaderelection_is_done(struct leaderelection *le)
{
    pthread_mutex_lock(&le->bg.mu);
    bool done = le->done;
    pthread_mutex_unlock(&le->bg.mu);
    return done;
}

char *leaderelection_default_identity(void)
{
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') {
        snprintf(host, sizeof host, "localhost");
    }
    uint8_t b[16] = {0};
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        memcpy(b, &ts, sizeof ts < sizeof b ? sizeof ts : sizeof b);
    }
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    return xasprintf("%s_%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                     host, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                     b[12], b[13], b[14], b[15]);
}

/* ---- Flags -------------------------------------------------------------------------------- */

void leaderelection_flags_defaults(struct leaderelection_flags *f, const char *resource_name)
{
    *f = (struct leaderelection_flags){
        .leader_elect = true,
        .lease_duration_ns = LEADERELECTION_DEFAULT_LEASE_DURATION,
        .renew_deadline_ns = LEADERELECTION_DEFAULT_RENEW_DEADLINE,
        .retry_period_ns = LEADERELECTION_DEFAULT_RETRY_PERIOD,
        .resource_lock = "leases",
        .resource_name = resource_name,
        .resource_namespace = LEADERELECTION_DEFAULT_NAMESPACE,
    };
}

void leaderelection_flags_register(struct flagset *fs, struct leaderelection_flags *f)
{
    flags_bool(fs, "leader-elect", 0, &f->leader_elect,
               "Run a leader election among the replicas of this component and work only while "
               "leading (for highly available control planes).");
    flags_duration(fs, "leader-elect-lease-duration", 0, &f->lease_duration_ns,
                   "How long candidates that are not leading wait, after they last saw the lease "
                   "change, before they try to take it from an unresponsive leader.");
    flags_duration(fs, "leader-elect-renew-deadline", 0, &f->renew_deadline_ns,
                   "How long the leader keeps trying to renew its lease before it stops leading; "
                   "shorter than the lease duration.");
    flags_duration(fs, "leader-elect-retry-period", 0, &f->retry_period_ns,
                   "The pause between two attempts to take or renew the lease.");
    flags_string(fs, "leader-elect-resource-lock", 0, &f->resource_lock,
                 "The kind of object the election is held on; only 'leases' is supported.");
    flags_string(fs, "leader-elect-resource-name", 0, &f->resource_name,
                 "The name of the Lease the election is held on.");
    flags_string(fs, "leader-elect-resource-namespace", 0, &f->resource_namespace,
                 "The namespace of the Lease the election is held on.");
}

int leaderelection_flags_validate(const struct leaderelection_flags *f, struct err *err)
{
    const char *lock = f->resource_lock ? f->resource_lock : "";
    if (strcmp(lock, "leases") != 0) {
        static const char *const removed[] = {"endpoints", "configmaps", "endpointsleases",
                                              "configmapsleases"};
        for (size_t i = 0; i < sizeof removed / sizeof removed[0]; i++) {
            if (strcmp(lock, removed[i]) == 0) {
                return err_set(err, EINVAL, "%s lock is removed, migrate to leases", lock);
            }
        }
        return err_set(err, EINVAL, "Invalid lock-type %s", lock);
    }
    if (f->leader_elect && (f->resource_name == NULL || f->resource_name[0] == '\0')) {
        return err_set(err, EINVAL, "leaderElection.resourceName: Required value");
    }
    if (f->leader_elect && (f->resource_namespace == NULL || f->resource_namespace[0] == '\0')) {
        return err_set(err, EINVAL, "leaderElection.resourceNamespace: Required value");
    }
    return 0;
}

void leaderelection_flags_apply(const struct leaderelection_flags *f,
                                struct leaderelection_config *cfg)
{
    cfg->lease_duration_ns = f->lease_duration_ns;
    cfg->renew_deadline_ns = f->renew_deadline_ns;
    cfg->retry_period_ns = f->retry_period_ns;
    cfg->lease_name = f->resource_name;
    cfg->lease_namespace = f->resource_namespace;
}
