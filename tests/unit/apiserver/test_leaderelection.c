/* common/leaderelection against a real c8s-apiserver on a real c8s-store, with short timings
 * (lease 1s, renew deadline 0.8s, retry 0.2s): of two candidates on one Lease exactly one leads
 * and the Lease holds client-go's fields; a release hands over within the retry period; a leader
 * that stops without releasing is replaced only after the lease duration; a Lease held by
 * someone who keeps renewing is respected; configuration and flags. Waits poll a deadline. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apiserver_procs.h"
#include "duration.h"
#include "flags.h"
#include "k8stime.h"
#include "leaderelection.h"
#include "log.h"

#define LEASE_DURATION (1 * DURATION_SECOND)
#define RENEW_DEADLINE (800 * DURATION_MS)
#define RETRY_PERIOD   (200 * DURATION_MS)
#define WAIT_MS        10000

static struct procs procs;

struct candidate {
    char id[32];
    struct leaderelection *le;
    atomic_int started, stopped;
    atomic_int_fast64_t started_at_ms;
    pthread_mutex_t mu;
    json_t *leaders_seen; /* new_leader identities, in order */
};

static void on_started(void *data)
{
    struct candidate *c = data;
    atomic_store(&c->started_at_ms, procs_now_ms());
    atomic_fetch_add(&c->started, 1);
}

static void on_stopped(void *data)
{
    struct candidate *c = data;
    atomic_fetch_add(&c->stopped, 1);
}

static void on_new_leader(void *data, const char *identity)
{
    struct candidate *c = data;
    pthread_mutex_lock(&c->mu);
    json_array_append_new(c->leaders_seen, json_string(identity));
    pthread_mutex_unlock(&c->mu);
}

struct fixture {
    char lease[32];
    struct candidate c[2];
};

static int group_set_up(void **state)
{
    (void)state;
    return procs_group_set_up(&procs, "test_leaderelection", 1);
}

static int group_tear_down(void **state)
{
    (void)state;
    return procs_group_tear_down(&procs);
}

static int set_up(void **state)
{
    static int seq;
    struct fixture *f = xcalloc(1, sizeof *f);
    snprintf(f->lease, sizeof f->lease, "lease-%d", ++seq);
    for (int i = 0; i < 2; i++) {
        snprintf(f->c[i].id, sizeof f->c[i].id, "candidate-%c", 'a' + i);
        pthread_mutex_init(&f->c[i].mu, NULL);
        f->c[i].leaders_seen = json_array();
    }
    *state = f;
    return 0;
}

static int tear_down(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 2; i++) {
        leaderelection_free(f->c[i].le);
        json_decref(f->c[i].leaders_seen);
        pthread_mutex_destroy(&f->c[i].mu);
    }
    free(f);
    return 0;
}

static void start_candidate(struct fixture *f, int i, bool release_on_cancel)
{
    struct http_config http = {.base_url = procs.api[0].url};
    struct candidate *c = &f->c[i];
    struct leaderelection_config cfg = {
        .http = &http,
        .lease_namespace = "kube-system",
        .lease_name = f->lease,
        .identity = c->id,
        .lease_duration_ns = LEASE_DURATION,
        .renew_deadline_ns = RENEW_DEADLINE,
        .retry_period_ns = RETRY_PERIOD,
        .release_on_cancel = release_on_cancel,
        .callbacks = {on_started, on_stopped, on_new_leader, c},
    };
    struct err err = {0};
    c->le = leaderelection_new(&cfg, &err);
    assert_non_null(c->le);
    assert_int_equal(leaderelection_start(c->le, &err), 0);
    assert_int_equal(leaderelection_start(c->le, &err), -EBUSY);
}

/* Waits until one of the two leads; returns its index, or -1. */
static int wait_for_a_leader(struct fixture *f)
{
    int64_t deadline = procs_now_ms() + WAIT_MS;
    while (procs_now_ms() < deadline) {
        for (int i = 0; i < 2; i++) {
            if (atomic_load(&f->c[i].started) > 0) {
                return i;
            }
        }
        procs_pause_ms(5);
    }
    return -1;
}

static bool wait_started(struct candidate *c, int n)
{
    int64_t deadline = procs_now_ms() + WAIT_MS;
    while (atomic_load(&c->started) < n) {
        if (procs_now_ms() > deadline) {
            return false;
        }
        procs_pause_ms(5);
    }
    return true;
}

static json_t *get_lease(const char *name)
{
    char *path = xasprintf("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/%s", name);
    json_t *lease = NULL;
    struct err err = {0};
    int rv = procs_json(procs.api[0].url, "GET", path, NULL, &lease, &err);
    free(path);
    if (rv < 0) {
        fail_msg("get lease: %s", err.msg);
    }
    return lease;
}

static const char *spec_str(const json_t *lease, const char *field)
{
    return json_string_value(json_object_get(json_object_get(lease, "spec"), field));
}

static json_int_t spec_int(const json_t *lease, const char *field)
{
    json_t *v = json_object_get(json_object_get(lease, "spec"), field);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

/* A MicroTime as Kubernetes writes it: RFC 3339, UTC, six fraction digits. */
static void assert_micro_time(const char *s)
{
    assert_non_null(s);
    struct timespec t;
    assert_int_equal(k8stime_parse(s, &t, NULL), 0);
    assert_int_equal(strlen(s), strlen("2026-11-23T10:11:12.123456Z"));
    assert_int_equal(s[19], '.');
    assert_int_equal(s[26], 'Z');
}

static bool seen_leader(struct candidate *c, const char *id)
{
    bool seen = false;
    size_t i;
    json_t *v;
    pthread_mutex_lock(&c->mu);
    json_array_foreach (c->leaders_seen, i, v) {
        seen = seen || strcmp(json_string_value(v), id) == 0;
    }
    pthread_mutex_unlock(&c->mu);
    return seen;
}

/* ---- Success ------------------------------------------------------------------------------ */

static void test_one_of_two_candidates_leads_and_a_release_hands_over_at_once(void **state)
{
    struct fixture *f = *state;
    start_candidate(f, 0, true);
    start_candidate(f, 1, true);
    int leader = wait_for_a_leader(f);
    assert_true(leader >= 0);
    int other = 1 - leader;
    struct candidate *l = &f->c[leader], *o = &f->c[other];

    /* Across more than a lease duration the leader renews and the other waits. */
    int64_t until = procs_now_ms() + 1500;
    while (procs_now_ms() < until) {
        assert_int_equal(atomic_load(&o->started), 0);
        procs_pause_ms(20);
    }
    assert_true(leaderelection_is_leader(l->le));
    assert_false(leaderelection_is_leader(o->le));
    char *seen = leaderelection_get_leader(o->le);
    assert_string_equal(seen, l->id);
    free(seen);
    assert_true(seen_leader(o, l->id));
    assert_true(seen_leader(l, l->id));

    json_t *lease = get_lease(f->lease);
    assert_string_equal(spec_str(lease, "holderIdentity"), l->id);
    assert_int_equal(spec_int(lease, "leaseDurationSeconds"), 1);
    assert_int_equal(spec_int(lease, "leaseTransitions"), 0);
    assert_micro_time(spec_str(lease, "acquireTime"));
    assert_micro_time(spec_str(lease, "renewTime"));
    /* Renewals move renewTime and keep acquireTime. */
    assert_string_not_equal(spec_str(lease, "acquireTime"), spec_str(lease, "renewTime"));
    json_decref(lease);

    /* The leader stops and releases: the other takes over within the retry period (plus its
     * jitter, at most 1.2 times more). */
    leaderelection_stop(l->le);
    int64_t stopped_at = procs_now_ms();
    assert_int_equal(atomic_load(&l->stopped), 1);
    assert_false(leaderelection_is_leader(l->le));
    assert_true(leaderelection_is_done(l->le));
    assert_true(wait_started(o, 1));
    int64_t took = atomic_load(&o->started_at_ms) - stopped_at;
    assert_true(took < 2 * RETRY_PERIOD / DURATION_MS + RETRY_PERIOD / DURATION_MS * 12 / 10 + 300);
    lease = get_lease(f->lease);
    assert_string_equal(spec_str(lease, "holderIdentity"), o->id);
    assert_int_equal(spec_int(lease, "leaseTransitions"), 1);
    assert_int_equal(spec_int(lease, "leaseDurationSeconds"), 1);
    json_decref(lease);
    assert_true(seen_leader(o, o->id));
    assert_int_equal(atomic_load(&l->started), 1);
}

static void test_release_clears_the_holder(void **state)
{
    struct fixture *f = *state;
    start_candidate(f, 0, true);
    assert_true(wait_started(&f->c[0], 1));
    leaderelection_stop(f->c[0].le);
    json_t *lease = get_lease(f->lease);
    assert_string_equal(spec_str(lease, "holderIdentity"), "");
    assert_int_equal(spec_int(lease, "leaseDurationSeconds"), 1);
    assert_int_equal(spec_int(lease, "leaseTransitions"), 0);
    assert_micro_time(spec_str(lease, "renewTime"));
    json_decref(lease);
    assert_int_equal(atomic_load(&f->c[0].stopped), 1);
}

static void test_leader_stopping_without_release_is_replaced_after_the_lease_duration(void **state)
{
    struct fixture *f = *state;
    start_candidate(f, 0, false);
    assert_true(wait_started(&f->c[0], 1));
    start_candidate(f, 1, false);
    /* Let the second see the lease before the first goes away. */
    int64_t deadline = procs_now_ms() + WAIT_MS;
    while (!seen_leader(&f->c[1], f->c[0].id) && procs_now_ms() < deadline) {
        procs_pause_ms(5);
    }
    assert_true(seen_leader(&f->c[1], f->c[0].id));
    leaderelection_stop(f->c[0].le);
    int64_t stopped_at = procs_now_ms();
    json_t *lease = get_lease(f->lease);
    assert_string_equal(spec_str(lease, "holderIdentity"), f->c[0].id); /* not released */
    json_decref(lease);
    assert_true(wait_started(&f->c[1], 1));
    int64_t took = atomic_load(&f->c[1].started_at_ms) - stopped_at;
    /* The second waited for the lease to expire by its own clock: at most 1 s after the last
     * renewal it saw, which came at most one retry period before the stop. */
    assert_true(took >= LEASE_DURATION / DURATION_MS - 2 * RETRY_PERIOD / DURATION_MS);
    assert_true(took < LEASE_DURATION / DURATION_MS + 3 * RETRY_PERIOD / DURATION_MS + 1000);
    lease = get_lease(f->lease);
    assert_string_equal(spec_str(lease, "holderIdentity"), f->c[1].id);
    assert_int_equal(spec_int(lease, "leaseTransitions"), 1);
    json_decref(lease);
}

/* PUTs the Lease with holder "someone" and a fresh renewTime (read-modify-write). */
static void renew_as_someone(const char *name)
{
    json_t *lease = get_lease(name);
    char now[K8STIME_STR_MAX];
    struct timespec t = k8stime_now();
    k8stime_format_micro(&t, now);
    json_t *spec = json_object_get(lease, "spec");
    json_object_set_new(spec, "renewTime", json_string(now));
    char *body = json_dumps(lease, JSON_COMPACT);
    char *path = xasprintf("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/%s", name);
    struct err err = {0};
    int rv = procs_json(procs.api[0].url, "PUT", path, body, NULL, &err);
    /* A conflict means the candidate wrote meanwhile: the test then fails below. */
    if (rv < 0 && rv != -C8S_ECONFLICT) {
        fail_msg("renew: %s", err.msg);
    }
    free(path);
    free(body);
    json_decref(lease);
}

static void test_a_lease_kept_renewed_by_another_holder_is_respected(void **state)
{
    struct fixture *f = *state;
    char *body = xasprintf(
        "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":"
        "\"%s\",\"namespace\":\"kube-system\"},\"spec\":{\"holderIdentity\":\"someone\","
        "\"leaseDurationSeconds\":1,\"leaseTransitions\":4}}",
        f->lease);
    struct err err = {0};
    assert_int_equal(procs_json(procs.api[0].url, "POST",
                                "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases", body,
                                NULL, &err),
                     0);
    free(body);
    start_candidate(f, 0, true);
    /* someone renews every 300 ms for 2 s: the candidate must keep out. */
    int64_t until = procs_now_ms() + 2000;
    while (procs_now_ms() < until) {
        renew_as_someone(f->lease);
        procs_pause_ms(300);
        assert_int_equal(atomic_load(&f->c[0].started), 0);
    }
    assert_true(seen_leader(&f->c[0], "someone"));
    /* someone stops renewing: the candidate takes the lease as the fifth transition. */
    assert_true(wait_started(&f->c[0], 1));
    json_t *lease = get_lease(f->lease);
    assert_string_equal(spec_str(lease, "holderIdentity"), f->c[0].id);
    assert_int_equal(spec_int(lease, "leaseTransitions"), 5);
    assert_int_equal(spec_int(lease, "leaseDurationSeconds"), 1);
    json_decref(lease);
}

static void test_stop_is_prompt_while_waiting_for_the_lease(void **state)
{
    struct fixture *f = *state;
    start_candidate(f, 0, true);
    assert_true(wait_started(&f->c[0], 1));
    start_candidate(f, 1, true);
    int64_t deadline = procs_now_ms() + WAIT_MS;
    while (!seen_leader(&f->c[1], f->c[0].id) && procs_now_ms() < deadline) {
        procs_pause_ms(5);
    }
    int64_t t0 = procs_now_ms();
    leaderelection_stop(f->c[1].le);
    assert_true(procs_now_ms() - t0 < 500);
    /* It never led, so it does not hear stopped_leading, and the lease is untouched. */
    assert_int_equal(atomic_load(&f->c[1].stopped), 0);
    leaderelection_stop(f->c[1].le); /* idempotent */
    assert_true(leaderelection_is_leader(f->c[0].le));
}

static void test_flags_have_kubernetes_defaults_and_parse(void **state)
{
    (void)state;
    struct leaderelection_flags lf;
    leaderelection_flags_defaults(&lf, "kube-scheduler");
    struct flagset fs;
    flags_init(&fs, "test", "test [flags]");
    leaderelection_flags_register(&fs, &lf);
    char *argv[] = {"test", "--leader-elect-lease-duration=30s", "--leader-elect-retry-period",
                    "500ms", NULL};
    assert_int_equal(flags_parse(&fs, 3 + 1, argv, NULL), 0);
    assert_true(lf.leader_elect);
    assert_int_equal(lf.lease_duration_ns, 30 * DURATION_SECOND);
    assert_int_equal(lf.renew_deadline_ns, 10 * DURATION_SECOND);
    assert_int_equal(lf.retry_period_ns, 500 * DURATION_MS);
    assert_string_equal(lf.resource_lock, "leases");
    assert_string_equal(lf.resource_name, "kube-scheduler");
    assert_string_equal(lf.resource_namespace, "kube-system");
    assert_int_equal(leaderelection_flags_validate(&lf, NULL), 0);
    struct leaderelection_config cfg = {0};
    leaderelection_flags_apply(&lf, &cfg);
    assert_int_equal(cfg.lease_duration_ns, 30 * DURATION_SECOND);
    assert_string_equal(cfg.lease_name, "kube-scheduler");
    flags_free(&fs);

    struct err err = {0};
    lf.resource_lock = "endpointsleases";
    assert_int_equal(leaderelection_flags_validate(&lf, &err), -EINVAL);
    assert_string_equal(err.msg, "endpointsleases lock is removed, migrate to leases");
    lf.resource_lock = "bogus";
    assert_int_equal(leaderelection_flags_validate(&lf, &err), -EINVAL);
    assert_string_equal(err.msg, "Invalid lock-type bogus");
}

/* ---- Failure ------------------------------------------------------------------------------ */

static void assert_config_error(int64_t lease, int64_t renew, int64_t retry, const char *identity,
                                const char *want)
{
    struct http_config http = {.base_url = "http://127.0.0.1:1"};
    struct leaderelection_config cfg = {.http = &http,
                                        .lease_name = "x",
                                        .identity = identity,
                                        .lease_duration_ns = lease,
                                        .renew_deadline_ns = renew,
                                        .retry_period_ns = retry};
    struct err err = {0};
    assert_null(leaderelection_new(&cfg, &err));
    assert_int_equal(err.code, EINVAL);
    assert_string_equal(err.msg, want);
}

static void test_bad_timings_are_refused_with_client_go_messages(void **state)
{
    (void)state;
    int64_t s = DURATION_SECOND;
    assert_config_error(10 * s, 10 * s, 2 * s, "a",
                        "leaseDuration must be greater than renewDeadline");
    assert_config_error(15 * s, 2 * s, 2 * s, "a",
                        "renewDeadline must be greater than retryPeriod*JitterFactor");
    assert_config_error(15 * s, 10 * s, 0, "a", "retryPeriod must be greater than zero");
    assert_config_error(15 * s, 10 * s, 2 * s, "", "Lock identity is empty");
    assert_config_error(900 * DURATION_MS, 800 * DURATION_MS, 100 * DURATION_MS, "a",
                        "leaseDuration must be at least 1s (the Lease stores whole seconds)");
}

static void test_default_identity_is_hostname_and_uuid(void **state)
{
    (void)state;
    char *a = leaderelection_default_identity();
    char *b = leaderelection_default_identity();
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    assert_int_equal(strncmp(a, host, strlen(host)), 0);
    assert_int_equal(a[strlen(host)], '_');
    assert_int_equal(strlen(a), strlen(host) + 1 + 36);
    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

#define T(name) cmocka_unit_test_setup_teardown(name, set_up, tear_down)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_one_of_two_candidates_leads_and_a_release_hands_over_at_once),
        T(test_release_clears_the_holder),
        T(test_leader_stopping_without_release_is_replaced_after_the_lease_duration),
        T(test_a_lease_kept_renewed_by_another_holder_is_respected),
        T(test_stop_is_prompt_while_waiting_for_the_lease),
        T(test_flags_have_kubernetes_defaults_and_parse),
        T(test_bad_timings_are_refused_with_client_go_messages),
        T(test_default_identity_is_hostname_and_uuid),
    };
    return cmocka_run_group_tests_name("leaderelection", tests, group_set_up, group_tear_down);
}
