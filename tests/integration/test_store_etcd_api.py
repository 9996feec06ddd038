#!/usr/bin/env python3
"""etcd v3 JSON API compatibility: one suite run against real etcd 3.4 and against c8s-store.

On etcd alone, the explicit assertions prove the expectations (etcd 3.4.23 behaviour). On c8s-store,
every request also goes to a fresh etcd in lockstep and the answers must match exactly (status
and JSON body, after dropping cluster_id/member_id/raft_term and mapping lease IDs; header.revision
is kept).
"""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest import (C8S_STORE, ETCD, Cluster, b64, c8s_store_binary,  # noqa: E402
                     etcd_binary, prefix_end, unb64, wait_for, watch_events)
from c8stest.runner import main  # noqa: E402

HEADER_NOISE = ("cluster_id", "member_id", "raft_term")
LEASE_FIELDS = ("ID", "lease")
COMPACTED = "etcdserver: mvcc: required revision has been compacted"
FUTURE = "etcdserver: mvcc: required revision is a future revision"

C8S_MISSING = ("SKIP-NOTE: c8s-store half skipped: $C8S_BIN_DIR/c8s-store does not exist yet "
               f"(C8S_BIN_DIR={os.environ.get('C8S_BIN_DIR')!r})")


# --- normalisation and comparison -------------------------------------------------------------

def normalize(obj, lease_map=None):
    """A copy of an answer without per-cluster header noise, lease IDs mapped through lease_map."""
    lease_map = lease_map or {}
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            if key == "header" and isinstance(value, dict):
                out[key] = {k: v for k, v in value.items() if k not in HEADER_NOISE}
            elif key in LEASE_FIELDS and isinstance(value, (str, int)):
                out[key] = lease_map.get(str(value), value)
            elif key == "keys" and isinstance(value, list):
                # etcd lists a lease's keys in Go map order, which is random.
                out[key] = sorted(value)
            else:
                out[key] = normalize(value, lease_map)
        return out
    if isinstance(obj, list):
        return [normalize(v, lease_map) for v in obj]
    return obj


def drop_fields(obj, names):
    """A copy of obj without the given keys at any depth."""
    if isinstance(obj, dict):
        return {k: drop_fields(v, names) for k, v in obj.items() if k not in names}
    if isinstance(obj, list):
        return [drop_fields(v, names) for v in obj]
    return obj


def shape(obj):
    """The structure of a JSON value: key sets, list lengths and scalar types, not the values."""
    if isinstance(obj, dict):
        return {k: shape(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [shape(v) for v in obj]
    return type(obj).__name__


def translate_request(body, id_map):
    """A copy of a request body with subject lease IDs replaced by the reference's."""
    if isinstance(body, dict):
        return {k: (type(v)(id_map[str(v)]) if k in LEASE_FIELDS and isinstance(v, (str, int))
                    and str(v) in id_map else translate_request(v, id_map))
                for k, v in body.items()}
    if isinstance(body, list):
        return [translate_request(v, id_map) for v in body]
    return body


def canonical_watch(results, lease_map):
    """Watch results without message boundaries: created/canceled markers and events in order.

    Progress answers (no events, not created or canceled) are returned separately as the sorted list
    of their header revisions: etcd may send one before or after catch-up events.
    """
    items, progress = [], []
    for result in normalize(results, lease_map):
        header_rev = result.get("header", {}).get("revision")
        if result.get("created"):
            items.append(("created", result.get("watch_id"), header_rev))
        for ev in result.get("events", []):
            items.append(("event", ev.get("type", "PUT"), ev.get("kv"), ev.get("prev_kv")))
        if result.get("canceled"):
            items.append(("canceled", result.get("watch_id"), result.get("compact_revision"),
                          result.get("cancel_reason")))
        if not result.get("created") and not result.get("canceled") and not result.get("events"):
            progress.append((result.get("watch_id"), header_rev))
    return items, sorted(progress, key=repr)


class DiffApi:
    """Sends each request to the subject and, in differential mode, to a reference etcd in lockstep.

    Answers are compared at once, so a failure names the first request whose answers differ.
    Lease IDs the subject grants are mapped to the reference's from the grant answers.
    """

    def __init__(self, test, subject, reference=None):
        self.test = test
        self.subject = subject
        self.reference = reference
        self.to_reference = {}  # subject lease ID -> reference lease ID

    @property
    def differential(self):
        return self.reference is not None

    def post(self, path, body=None, compare="exact", ignore=(), method="POST"):
        """Sends one request; returns the subject's Reply after comparing with the reference.

        compare: "exact" (normalised JSON or text), "shape" (keys and types), "status" (HTTP
        status only).
        ignore: JSON keys dropped at any depth before comparing (time-dependent fields).
        """
        if body is None and method == "POST":
            body = {}
        cases = type(self.test)
        try:
            got = self.subject.request(method, path, body)
        except TimeoutError:
            cases.consecutive_timeouts += 1
            raise
        cases.consecutive_timeouts = 0
        if not self.reference:
            return got
        want = self.reference.request(method, path, translate_request(body, self.to_reference))
        self._learn_leases(path, got, want)
        self._compare(f"{method} {path} {_short(body)}", got, want, compare, ignore)
        return got

    def _learn_leases(self, path, got, want):
        if path.endswith("/lease/grant") and got.json and want.json:
            if "ID" in got.json and "ID" in want.json:
                self.to_reference[got.json["ID"]] = want.json["ID"]

    def _compare(self, what, got, want, compare, ignore):
        if got.status != want.status:
            self.test.fail(f"{what}: HTTP status differs: c8s-store {got.status} {got.text[:300]!r}"
                           f" vs etcd {want.status} {want.text[:300]!r}")
        if compare == "status":
            return
        if got.json is None or want.json is None:
            self.test.assertEqual(got.text, want.text, f"{what}: non-JSON bodies differ")
            return
        mine = drop_fields(normalize(got.json, self.to_reference), ignore)
        theirs = drop_fields(normalize(want.json), ignore)
        if compare == "shape":
            mine, theirs = shape(mine), shape(theirs)
        if mine != theirs:
            self.test.fail(f"{what}: answers differ"
                           f"\n  c8s-store: {json.dumps(mine, sort_keys=True)}"
                           f"\n  etcd:      {json.dumps(theirs, sort_keys=True)}")

    def ok(self, path, body=None, **kw):
        """post() that also asserts HTTP 200 with a JSON body; returns the subject's JSON."""
        reply = self.post(path, body, **kw)
        self.test.assertEqual(reply.status, 200, f"{path} {_short(body)}: {reply.text[:300]}")
        self.test.assertIsNotNone(reply.json, reply.text[:300])
        return reply.json

    def error(self, path, body, status, code, message):
        """post() that asserts etcd's unary error shape {"error","message","code"} and status."""
        reply = self.post(path, body)
        self.test.assertEqual(reply.status, status, reply.text[:300])
        self.test.assertEqual(reply.json, {"error": message, "message": message, "code": code})
        return reply

    def stream(self, path, messages, timeout=10.0):
        """Opens the same stream on both servers; see DiffStream."""
        return DiffStream(self, path, messages, timeout)

    def watch(self, create_request, extra=()):
        return self.stream("/v3/watch", [{"create_request": create_request}, *extra])


class DiffStream:
    """A streaming call opened on the subject and (in differential mode) on the reference.

    until()/drain() read the same logical amount from both and compare message-boundary-free views.
    """

    def __init__(self, api, path, messages, timeout):
        self.api = api
        self.path = path
        self.subject = api.subject.stream(path, messages, timeout)
        self.reference = (api.reference.stream(path, translate_request(messages, api.to_reference),
                                               timeout) if api.reference else None)
        self.received = []
        self.reference_received = []

    def until(self, predicate, timeout=5.0):
        """Reads until predicate(results so far) holds on each server; returns the new results."""
        new = self.subject.results_until(lambda got: predicate(self.received + got), timeout)
        self.received += new
        if self.reference:
            more = self.reference.results_until(
                lambda got: predicate(self.reference_received + got), timeout)
            self.reference_received += more
            self.compare()
        return new

    def events_at_least(self, n, timeout=5.0):
        """Reads until at least n events arrived in total; returns all flattened events so far."""
        self.until(lambda rs: len(watch_events(rs)) >= n, timeout)
        return watch_events(self.received)

    def drain(self, quiet=0.3):
        """Reads until quiet for `quiet` seconds on each server; returns the new subject results."""
        new = self.subject.drain(quiet)
        self.received += new
        if self.reference:
            self.reference_received += self.reference.drain(quiet)
            self.compare()
        return new

    def compare(self):
        mine = canonical_watch(self.received, self.api.to_reference)
        theirs = canonical_watch(self.reference_received, {})
        if mine != theirs:
            self.api.test.fail(f"{self.path}: streams differ"
                               f"\n  c8s-store: {mine}\n  etcd:      {theirs}")

    def close(self):
        self.subject.close()
        if self.reference:
            self.reference.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _short(body):
    text = body if isinstance(body, str) else json.dumps(body) if body is not None else ""
    return text if len(text) <= 160 else text[:160] + "..."


def kv_values(answer):
    """{key bytes: value bytes} of a range answer's kvs."""
    return {unb64(kv["key"]): unb64(kv.get("value")) for kv in answer.get("kvs", [])}


def keys_of(answer):
    return [unb64(kv["key"]) for kv in answer.get("kvs", [])]


def put_req(key, value, **opts):
    return dict(key=b64(key), value=b64(value), **opts)


# --- the suite --------------------------------------------------------------------------------

class StoreApiCases:
    """The cases; a subclass picks the subject (etcd alone, or c8s-store diffed with etcd)."""

    SUBJECT = ETCD
    MEMBERS = 1

    # Set when the subject could not start once, or timed out in several cases in a row: later
    # cases then fail at once instead of waiting again (a hung server costs seconds per request).
    startup_failure = None
    consecutive_timeouts = 0

    def setUp(self):
        if type(self).startup_failure:
            self.fail(f"{self.SUBJECT} did not start in an earlier case: "
                      f"{type(self).startup_failure}")
        if type(self).consecutive_timeouts >= 3:
            self.fail(f"{self.SUBJECT} timed out in the last {type(self).consecutive_timeouts} "
                      "requests of earlier cases; not trying again")
        self.clusters = []
        subject = Cluster(self.SUBJECT, self.MEMBERS)
        self.clusters.append(subject)
        reference = None
        if self.SUBJECT != ETCD:
            reference = Cluster(ETCD, self.MEMBERS)
            self.clusters.append(reference)
        try:
            for c in self.clusters:
                c.launch()
            for c in self.clusters:
                c.wait_ready(timeout=15)
        except BaseException as e:
            type(self).startup_failure = repr(e)[:300]
            self._capture_and_close()
            raise
        self.subject_cluster, self.reference_cluster = subject, reference
        self.api = DiffApi(self, subject.client, reference.client if reference else None)
        self.cl = subject.client  # for plain state reads that need no comparison
        self.streams = []

    def tearDown(self):
        for s in self.streams:
            s.close()
        self._capture_and_close()

    def current_logs(self):
        """The tail of every member's log (the runner prints it when a case fails)."""
        return "\n".join(c.logs() for c in getattr(self, "clusters", []))

    def _capture_and_close(self):
        self.captured_logs = "\n".join(c.logs() for c in self.clusters)
        for c in self.clusters:
            c.close()

    # helpers -----------------------------------------------------------------------------------
    def put(self, key, value, **opts):
        return self.api.ok("/v3/kv/put", put_req(key, value, **opts))

    def rng(self, key, **opts):
        body = {"key": b64(key)}
        for name, value in opts.items():
            body[name] = b64(value) if name == "range_end" else value
        return self.api.ok("/v3/kv/range", body)

    def rev(self, answer):
        return int(answer["header"]["revision"])

    def watch(self, create_request, extra=()):
        stream = self.api.watch(create_request, extra)
        self.streams.append(stream)
        return stream

    def txn(self, compare=(), success=(), failure=()):
        body = {}
        if compare:
            body["compare"] = list(compare)
        if success:
            body["success"] = list(success)
        if failure:
            body["failure"] = list(failure)
        return self.api.ok("/v3/kv/txn", body)

    # KV: put -------------------------------------------------------------------------------------
    def test_put_answers_header_revision_and_prev_kv(self):
        """put → {header}; every put bumps the revision; prev_kv returns the old kv."""
        first = self.put("a", "1")
        self.assertEqual(set(first), {"header"})
        self.assertEqual(self.rev(first), 2)
        again = self.put("a", "1")
        self.assertEqual(self.rev(again), 3, "a put of the same value still bumps the revision")
        with_prev = self.put("a", "2", prev_kv=True)
        self.assertEqual(with_prev["prev_kv"], {"key": b64("a"), "create_revision": "2",
                                                "mod_revision": "3", "version": "2",
                                                "value": b64("1")})
        fresh = self.put("new", "x", prev_kv=True)
        self.assertNotIn("prev_kv", fresh, "no prev_kv for a key that did not exist")
        got = self.rng("a")
        self.assertEqual(got["kvs"], [{"key": b64("a"), "create_revision": "2", "mod_revision": "4",
                                       "version": "3", "value": b64("2")}])
        self.assertEqual(got["count"], "1")
        empty_value = self.put("empty", "")
        self.assertEqual(self.rev(empty_value), 6)
        kv = self.rng("empty")["kvs"][0]
        self.assertNotIn("value", kv, "an empty value is left out like every default")

    def test_put_version_restarts_after_delete(self):
        """After a delete, version restarts at 1 and create_revision is the new put's revision."""
        self.put("k", "1")
        self.put("k", "2")
        self.api.ok("/v3/kv/deleterange", {"key": b64("k")})
        self.put("k", "3")
        kv = self.rng("k")["kvs"][0]
        self.assertEqual((kv["version"], kv["create_revision"], kv["mod_revision"]),
                         ("1", "5", "5"))

    def test_put_errors_and_ignore_flags(self):
        """Empty key, unknown lease, ignore_value/ignore_lease, int64 fields given as numbers."""
        self.api.error("/v3/kv/put", {"key": "", "value": b64("v")}, 400, 3,
                       "etcdserver: key is not provided")
        self.api.error("/v3/kv/put", put_req("k", "v", lease="12345"), 404, 5,
                       "etcdserver: requested lease not found")
        self.api.error("/v3/kv/put", {"key": b64("missing"), "ignore_value": True}, 400, 3,
                       "etcdserver: key not found")
        self.api.error("/v3/kv/put", {"key": b64("missing"), "value": b64("v"),
                                      "ignore_lease": True}, 400, 3, "etcdserver: key not found")
        self.put("k", "v1")
        lease = self.api.ok("/v3/lease/grant", {"TTL": "60"})["ID"]
        self.put("k", "v2", lease=lease)
        kept = self.api.ok("/v3/kv/put", {"key": b64("k"), "ignore_value": True, "prev_kv": True})
        self.assertEqual(unb64(kept["prev_kv"]["value"]), b"v2")
        self.assertNotIn("lease", self.rng("k")["kvs"][0], "ignore_value without lease clears it")
        self.put("k", "v3", lease=lease)
        self.api.ok("/v3/kv/put", {"key": b64("k"), "value": b64("v4"), "ignore_lease": True})
        kv = self.rng("k")["kvs"][0]
        self.assertEqual((unb64(kv["value"]), kv.get("lease")), (b"v4", lease))
        self.api.error("/v3/kv/put", {"key": b64("k"), "value": b64("v"), "ignore_lease": True,
                                      "lease": lease}, 400, 3,
                       "etcdserver: lease is provided")
        numeric = self.api.ok("/v3/kv/range", {"key": b64("k"), "revision": 0, "limit": 5})
        self.assertEqual(numeric["count"], "1", "int64 fields accept JSON numbers too")

    # KV: range -----------------------------------------------------------------------------------
    def _fill(self, keys):
        for i, key in enumerate(keys):
            self.put(key, f"v{i}")

    def test_range_missing_key_has_no_kvs_and_no_count(self):
        """A range that matches nothing answers only the header (zero values are omitted)."""
        self.put("a", "1")
        got = self.rng("zzz")
        self.assertEqual(set(got), {"header"})
        self.assertEqual(self.rev(got), 2)
        self.api.error("/v3/kv/range", {}, 400, 3, "etcdserver: key is not provided")

    def test_range_prefix_and_nul_range_end(self):
        """range_end = prefix end selects the prefix; "\\0" means every key >= key; \\0..\\0 all."""
        self._fill(["/registry/pods/a", "/registry/pods/b", "/registry/pods0", "/registry/svc/a",
                    "a", "z"])
        pods = self.rng("/registry/pods/", range_end=prefix_end("/registry/pods/"))
        self.assertEqual(keys_of(pods), [b"/registry/pods/a", b"/registry/pods/b"])
        self.assertEqual(pods["count"], "2")
        from_key = self.rng("/registry/pods0", range_end=b"\0")
        self.assertEqual(keys_of(from_key), [b"/registry/pods0", b"/registry/svc/a", b"a", b"z"])
        everything = self.rng("\0", range_end=b"\0")
        self.assertEqual(everything["count"], "6")
        self.assertEqual(keys_of(everything)[0], b"/registry/pods/a", "keys come sorted by bytes")
        backwards = self.rng("z", range_end=b"a")
        self.assertEqual(set(backwards), {"header"}, "range_end < key matches nothing")
        half_open = self.rng("a", range_end=b"z")
        self.assertEqual(keys_of(half_open), [b"a"], "range_end is exclusive")

    def test_range_limit_more_and_count(self):
        """limit truncates kvs and sets more; count is always the total; limit <= 0 is no limit."""
        self._fill(["k1", "k2", "k3"])
        for limit, n, more in ((1, 1, True), (2, 2, True), (3, 3, False), (4, 3, False),
                               (0, 3, False), (-1, 3, False)):
            got = self.rng("k", range_end=prefix_end("k"), limit=str(limit))
            self.assertEqual(len(got["kvs"]), n, f"limit {limit}")
            self.assertEqual(got.get("more", False), more, f"limit {limit}")
            self.assertEqual(got["count"], "3", f"limit {limit}: count is the total")
        page2 = self.rng("k2\0", range_end=prefix_end("k"), limit="1")
        self.assertEqual((keys_of(page2), page2.get("more", False), page2["count"]),
                         ([b"k3"], False, "1"), "the next page starts at last key + \\0")

    def test_range_at_revision_compacted_and_future(self):
        """Historical reads see old values with the current header revision; errors are code 11."""
        self.put("h", "1")  # rev 2
        self.put("h", "2")  # rev 3
        self.put("h", "3")  # rev 4
        old = self.rng("h", revision="2")
        self.assertEqual(kv_values(old), {b"h": b"1"})
        self.assertEqual(self.rev(old), 4, "header.revision is the current one for a past read")
        self.assertEqual(kv_values(self.rng("h", revision="1")), {})
        self.assertEqual(kv_values(self.rng("h", revision="-3")), {b"h": b"3"})
        self.api.error("/v3/kv/range", {"key": b64("h"), "revision": "5"}, 400, 11, FUTURE)
        self.api.ok("/v3/kv/compaction", {"revision": "3"})
        self.api.error("/v3/kv/range", {"key": b64("h"), "revision": "2"}, 400, 11, COMPACTED)
        self.assertEqual(kv_values(self.rng("h", revision="3")), {b"h": b"2"},
                         "the compaction revision itself stays readable")
        self.api.error("/v3/kv/txn", {"success": [{"request_range": {"key": b64("h"),
                                                                     "revision": "2"}}]},
                       400, 11, COMPACTED)

    def test_range_keys_only_and_count_only(self):
        """keys_only drops value; count_only answers count alone (no kvs, no more)."""
        self._fill(["p/a", "p/b", "p/c"])
        keys = self.rng("p/", range_end=prefix_end("p/"), keys_only=True)
        self.assertTrue(all("value" not in kv for kv in keys["kvs"]))
        self.assertEqual(keys_of(keys), [b"p/a", b"p/b", b"p/c"])
        counted = self.rng("p/", range_end=prefix_end("p/"), count_only=True)
        self.assertEqual(set(counted), {"header", "count"})
        self.assertEqual(counted["count"], "3")
        limited = self.rng("p/", range_end=prefix_end("p/"), count_only=True, limit="1")
        self.assertEqual(limited["count"], "3")
        nothing = self.rng("q/", range_end=prefix_end("q/"), count_only=True)
        self.assertEqual(set(nothing), {"header"})

    def test_range_sort_order_and_target(self):
        """Every sort_order x sort_target (names and numbers); sort applies before limit."""
        # Distinct keys, values, versions, create and mod revisions: no ties to order.
        self.put("s/b", "3")   # rev 2
        self.put("s/a", "1")   # rev 3
        self.put("s/c", "2")   # rev 4
        self.put("s/a", "5")   # rev 5: s/a version 2
        self.put("s/a", "4")   # rev 6: s/a version 3
        self.put("s/c", "0")   # rev 7: s/c version 2
        end = prefix_end("s/")
        expect = {
            "KEY": [b"s/a", b"s/b", b"s/c"],
            "VERSION": [b"s/b", b"s/c", b"s/a"],
            "CREATE": [b"s/b", b"s/a", b"s/c"],
            "MOD": [b"s/b", b"s/a", b"s/c"],
            "VALUE": [b"s/c", b"s/b", b"s/a"],
        }
        for target, ascending in expect.items():
            up = self.rng("s/", range_end=end, sort_order="ASCEND", sort_target=target)
            self.assertEqual(keys_of(up), ascending, f"ASCEND {target}")
            down = self.rng("s/", range_end=end, sort_order="DESCEND", sort_target=target)
            self.assertEqual(keys_of(down), ascending[::-1], f"DESCEND {target}")
            top = self.rng("s/", range_end=end, sort_order="DESCEND", sort_target=target, limit=1)
            self.assertEqual((keys_of(top), top.get("more"), top["count"]),
                             ([ascending[-1]], True, "3"), f"DESCEND {target} limit 1")
        self.assertEqual(keys_of(self.rng("s/", range_end=end, sort_order=2, sort_target=4)),
                         expect["VALUE"][::-1], "enums accept numbers")
        self.assertEqual(keys_of(self.rng("s/", range_end=end, sort_target="VALUE")),
                         expect["VALUE"], "a sort_target without sort_order sorts ascending")
        self.assertEqual(keys_of(self.rng("s/", range_end=end, sort_order="NONE")), expect["KEY"])
        self.api.error("/v3/kv/range", {"key": b64("s/"), "sort_order": "BOGUS"}, 400, 3,
                       'unknown value "BOGUS" for enum etcdserverpb.RangeRequest_SortOrder')

    def test_range_min_max_revision_filters(self):
        """min/max_mod_revision and min/max_create_revision filter kvs; count stays unfiltered."""
        self.put("f/a", "1")  # rev 2
        self.put("f/b", "1")  # rev 3
        self.put("f/c", "1")  # rev 4
        self.put("f/a", "2")  # rev 5
        end = prefix_end("f/")
        cases = [
            ({"min_mod_revision": "4"}, [b"f/a", b"f/c"]),
            ({"max_mod_revision": "3"}, [b"f/b"]),
            ({"min_create_revision": "3"}, [b"f/b", b"f/c"]),
            ({"max_create_revision": "2"}, [b"f/a"]),
            ({"min_mod_revision": "3", "max_mod_revision": "4"}, [b"f/b", b"f/c"]),
            ({"min_create_revision": "9"}, []),
        ]
        for filters, want in cases:
            got = self.rng("f/", range_end=end, **filters)
            self.assertEqual(keys_of(got), want, str(filters))
            self.assertEqual(got.get("count"), "3", f"{filters}: count ignores the filters")
        limited = self.rng("f/", range_end=end, min_mod_revision="3", limit="1")
        self.assertEqual(keys_of(limited), [b"f/a"])
        self.assertTrue(limited.get("more"))

    # KV: deleterange and compaction ------------------------------------------------------------
    def test_deleterange_single_prefix_prev_kv_and_nothing(self):
        """deleted counts keys; prev_kv returns them; deleting nothing keeps the revision."""
        self._fill(["d/a", "d/b", "d/c", "e"])
        one = self.api.ok("/v3/kv/deleterange", {"key": b64("e")})
        self.assertEqual((one["deleted"], self.rev(one)), ("1", 6))
        nothing = self.api.ok("/v3/kv/deleterange", {"key": b64("e"), "prev_kv": True})
        self.assertEqual(set(nothing), {"header"})
        self.assertEqual(self.rev(nothing), 6, "deleting nothing does not bump the revision")
        many = self.api.ok("/v3/kv/deleterange", {"key": b64("d/"), "prev_kv": True,
                                                   "range_end": b64(prefix_end("d/"))})
        self.assertEqual(many["deleted"], "3")
        self.assertEqual([unb64(kv["key"]) for kv in many["prev_kvs"]], [b"d/a", b"d/b", b"d/c"])
        self.assertEqual(self.rev(many), 7, "one delete of many keys is one revision")
        self._fill(["x", "y"])
        everything = self.api.ok("/v3/kv/deleterange", {"key": b64("\0"), "range_end": b64("\0")})
        self.assertEqual(everything["deleted"], "2")
        self.api.error("/v3/kv/deleterange", {}, 400, 3, "etcdserver: key is not provided")

    def test_compaction_errors_and_history(self):
        """Compaction: to current ok, again/lower → compacted (11), future → future (11)."""
        for i in range(4):
            self.put("c", str(i))  # revs 2..5
        self.api.error("/v3/kv/compaction", {"revision": "9"}, 400, 11, FUTURE)
        done = self.api.ok("/v3/kv/compaction", {"revision": "3", "physical": True})
        self.assertEqual(set(done), {"header"})
        self.assertEqual(self.rev(done), 5, "compaction does not bump the revision")
        self.api.error("/v3/kv/compaction", {"revision": "3"}, 400, 11, COMPACTED)
        self.api.error("/v3/kv/compaction", {"revision": "2"}, 400, 11, COMPACTED)
        self.api.ok("/v3/kv/compaction", {"revision": "5"})
        self.assertEqual(kv_values(self.rng("c", revision="5")), {b"c": b"3"})
        self.put("c", "after")
        self.assertEqual(self.rev(self.rng("c")), 6)

    # Txn ---------------------------------------------------------------------------------------
    def test_txn_compare_matrix(self):
        """VALUE/VERSION/CREATE/MOD/LEASE x EQUAL/NOT_EQUAL/GREATER/LESS, present and missing."""
        lease = self.api.ok("/v3/lease/grant", {"TTL": "60"})["ID"]
        if self.api.differential:
            # The operand lease+1 must be the same neighbour on both sides, or GREATER/LESS
            # would compare unrelated IDs.
            reference = self.api.to_reference[lease]
            self.api.to_reference[str(int(lease) + 1)] = str(int(reference) + 1)
        self.put("t/k", "m")                 # rev 2: create 2
        self.put("t/k", "m", lease=lease)    # rev 3: version 2, mod 3, lease
        state = {"value": b"m", "version": 2, "create": 2, "mod": 3, "lease": int(lease)}
        missing = {"value": None, "version": 0, "create": 0, "mod": 0, "lease": 0}
        fields = {"VALUE": ("value", "value"), "VERSION": ("version", "version"),
                  "CREATE": ("create_revision", "create"), "MOD": ("mod_revision", "mod"),
                  "LEASE": ("lease", "lease")}
        operands = {"value": [b"a", b"m", b"z"], "version": [1, 2, 3], "create": [0, 2, 5],
                    "mod": [2, 3, 4], "lease": [0, int(lease), int(lease) + 1]}
        ops = {"EQUAL": lambda a, b: a == b, "NOT_EQUAL": lambda a, b: a != b,
               "GREATER": lambda a, b: a > b, "LESS": lambda a, b: a < b}
        checked = 0
        for target, (json_field, name) in fields.items():
            for result, op in ops.items():
                for operand in operands[name]:
                    for key, kv in ((b"t/k", state), (b"t/none", missing)):
                        wire = b64(operand) if name == "value" else str(operand)
                        cmp = {"key": b64(key), "target": target, "result": result,
                               json_field: wire}
                        answer = self.txn([cmp], [{"request_range": {"key": b64("t/k")}}])
                        if kv[name] is None:
                            want = False  # a VALUE compare on a missing key always fails
                        else:
                            want = op(kv[name], operand)
                        self.assertEqual(answer.get("succeeded", False), want,
                                         f"{target} {result} {operand!r} on {key!r}")
                        self.assertEqual("responses" in answer, want)
                        checked += 1
        self.assertEqual(checked, 5 * 4 * 3 * 2)
        # A compare over a range holds only when every key in it matches.
        self.put("t/l", "m")
        over_range = {"key": b64("t/"), "range_end": b64(prefix_end("t/")), "target": "VALUE",
                      "value": b64("m")}
        self.assertTrue(self.txn([over_range]).get("succeeded"))
        self.put("t/l", "n")
        self.assertNotIn("succeeded", self.txn([over_range]))
        several = [{"key": b64("t/k"), "target": "VALUE", "value": b64("m")},
                   {"key": b64("t/l"), "target": "VALUE", "value": b64("m")}]
        self.assertNotIn("succeeded", self.txn(several), "all compares must hold")

    def test_txn_defaults_and_empty(self):
        """target defaults to VERSION, result to EQUAL; an empty txn succeeds, no new revision."""
        self.put("k", "v")
        empty = self.api.ok("/v3/kv/txn", {})
        self.assertEqual((empty.get("succeeded"), self.rev(empty)), (True, 2))
        self.assertNotIn("responses", empty)
        # {"key","value"} without target compares VERSION == 0: false for an existing key.
        self.assertNotIn("succeeded", self.txn([{"key": b64("k"), "value": b64("v")}]))
        self.assertTrue(self.txn([{"key": b64("k"), "version": "1"}]).get("succeeded"))
        self.assertTrue(self.txn([{"key": b64("nope")}]).get("succeeded"),
                        "VERSION == 0 holds for a missing key")
        self.assertTrue(self.txn([{"key": b64("k"), "target": 0, "result": 0,
                                   "version": 1}]).get("succeeded"))

    def test_txn_failure_branch_and_nested_headers(self):
        """A failed compare runs failure ops; nested responses carry only header.revision."""
        self.put("a", "1")  # rev 2
        failed = self.txn([{"key": b64("a"), "target": "VALUE", "value": b64("2")}],
                          [{"request_put": put_req("a", "ok")}],
                          [{"request_range": {"key": b64("a")}},
                           {"request_put": put_req("b", "from-failure")},
                           {"request_delete_range": {"key": b64("zz")}}])
        self.assertNotIn("succeeded", failed)
        self.assertEqual(self.rev(failed), 3)
        rr, pr, dr = (r for r in failed["responses"])
        self.assertEqual(rr["response_range"]["header"], {"revision": "2"},
                         "a range before a put in one txn sees the old revision")
        self.assertEqual(kv_values(rr["response_range"]), {b"a": b"1"})
        self.assertEqual(pr, {"response_put": {"header": {"revision": "3"}}})
        self.assertEqual(dr, {"response_delete_range": {"header": {"revision": "3"}}})
        both = self.txn(success=[{"request_put": put_req("c", "1")},
                                 {"request_put": put_req("d", "1")},
                                 {"request_range": {"key": b64("c"), "range_end": b64("e")}}])
        self.assertEqual(self.rev(both), 4, "one txn is one revision however many writes")
        self.assertEqual(both["responses"][2]["response_range"]["count"], "2",
                         "a range after puts in the same txn sees them")
        self.assertEqual(self.rev(self.rng("c")), 4)
        noop_failure = self.txn([{"key": b64("a"), "target": "MOD", "mod_revision": "0"}],
                                [{"request_put": put_req("a", "x")}])
        self.assertEqual(set(noop_failure), {"header"})

    def test_txn_nested_txn(self):
        """request_txn nests: response_txn has header {} and inner responses; one revision."""
        self.put("n", "1")
        nested = self.txn(success=[
            {"request_put": put_req("outer", "1")},
            {"request_txn": {"compare": [{"key": b64("n"), "target": "VALUE", "value": b64("1")}],
                             "success": [{"request_put": put_req("inner", "1")}],
                             "failure": [{"request_range": {"key": b64("n")}}]}},
            {"request_txn": {"compare": [{"key": b64("n"), "target": "VALUE", "value": b64("9")}],
                             "failure": [{"request_range": {"key": b64("n")}}]}},
        ])
        self.assertTrue(nested["succeeded"])
        self.assertEqual(self.rev(nested), 3)
        inner_ok = nested["responses"][1]["response_txn"]
        self.assertEqual(inner_ok, {"header": {}, "succeeded": True,
                                    "responses": [{"response_put": {"header": {"revision": "3"}}}]})
        inner_failed = nested["responses"][2]["response_txn"]
        self.assertEqual(inner_failed["header"], {})
        self.assertNotIn("succeeded", inner_failed)
        self.assertEqual(kv_values(inner_failed["responses"][0]["response_range"]), {b"n": b"1"})

    def test_txn_duplicate_keys_are_rejected(self):
        """Writing one key twice in a txn (put/put, put/delete, put in a nested txn) is code 3."""
        dup = "etcdserver: duplicate key given in txn request"
        put_x = {"request_put": put_req("x", "1")}
        for ops in ([put_x, {"request_put": put_req("x", "2")}],
                    [put_x, {"request_delete_range": {"key": b64("x")}}],
                    [put_x, {"request_delete_range": {"key": b64("a"), "range_end": b64("z")}}],
                    [put_x, {"request_txn": {"success": [{"request_put": put_req("x", "3")}]}}]):
            self.api.error("/v3/kv/txn", {"success": ops}, 400, 3, dup)
        self.api.error("/v3/kv/txn", {"failure": [put_x, put_x]}, 400, 3, dup)
        fine = self.txn(success=[put_x, {"request_range": {"key": b64("x")}},
                                 {"request_delete_range": {"key": b64("y")}},
                                 {"request_delete_range": {"key": b64("y")}}])
        self.assertTrue(fine["succeeded"], "reads and repeated deletes are not duplicates")
        self.assertEqual(self.rev(fine), 2)

    def test_txn_too_many_operations(self):
        """More than 128 ops in success, failure or compare is code 3; 128 is fine."""
        def puts(n, prefix):
            return [{"request_put": put_req(f"{prefix}{i}", "v")} for i in range(n)]
        too_many = "etcdserver: too many operations in txn request"
        self.api.error("/v3/kv/txn", {"success": puts(129, "s")}, 400, 3, too_many)
        self.api.error("/v3/kv/txn", {"failure": puts(129, "f")}, 400, 3, too_many)
        compares = [{"key": b64(f"c{i}")} for i in range(129)]
        self.api.error("/v3/kv/txn", {"compare": compares}, 400, 3, too_many)
        full = self.txn(success=puts(128, "s"))
        self.assertEqual(len(full["responses"]), 128)
        self.assertEqual(self.rng("s", range_end=prefix_end("s"), count_only=True)["count"], "128")

    def test_txn_kube_apiserver_create_update_delete(self):
        """The txn shapes of k8s.io/apiserver storage/etcd3: create, GuaranteedUpdate, delete."""
        key = "/registry/pods/default/nginx"
        create = {"compare": [{"target": "MOD", "key": b64(key), "mod_revision": "0"}],
                  "success": [{"request_put": put_req(key, "pod-v1")}], "failure": []}
        created = self.api.ok("/v3/kv/txn", create)
        self.assertTrue(created["succeeded"])
        rv = created["responses"][0]["response_put"]["header"]["revision"]
        self.assertEqual(rv, "2")
        exists = self.api.ok("/v3/kv/txn", create)
        self.assertEqual(set(exists), {"header"}, "AlreadyExists: no succeeded, no responses")

        def update(orig_rv, value):
            return self.api.ok("/v3/kv/txn", {
                "compare": [{"target": "MOD", "result": "EQUAL", "key": b64(key),
                             "mod_revision": orig_rv}],
                "success": [{"request_put": put_req(key, value)}],
                "failure": [{"request_range": {"key": b64(key)}}]})
        updated = update(rv, "pod-v2")
        self.assertTrue(updated["succeeded"])
        new_rv = updated["responses"][0]["response_put"]["header"]["revision"]
        self.assertEqual(new_rv, "3")
        conflict = update(rv, "pod-v3")
        self.assertNotIn("succeeded", conflict)
        current = conflict["responses"][0]["response_range"]["kvs"][0]
        self.assertEqual((current["mod_revision"], unb64(current["value"])), ("3", b"pod-v2"))
        delete = {"compare": [{"target": "MOD", "key": b64(key), "mod_revision": new_rv}],
                  "success": [{"request_delete_range": {"key": b64(key), "prev_kv": True}}],
                  "failure": [{"request_range": {"key": b64(key)}}]}
        deleted = self.api.ok("/v3/kv/txn", delete)
        resp = deleted["responses"][0]["response_delete_range"]
        self.assertEqual((resp["header"]["revision"], resp["deleted"]), ("4", "1"))
        self.assertEqual(unb64(resp["prev_kvs"][0]["value"]), b"pod-v2")
        gone = self.api.ok("/v3/kv/txn", delete)
        self.assertEqual(set(gone["responses"][0]["response_range"]), {"header"})
        listing = self.rng("/registry/pods/", range_end=prefix_end("/registry/pods/"), limit="500")
        self.assertEqual(set(listing), {"header"})

    # Leases ------------------------------------------------------------------------------------
    def test_lease_grant_timetolive_leases_and_errors(self):
        """grant (server or client ID), timetolive with keys, leases list, unknown/duplicate IDs."""
        granted = self.api.ok("/v3/lease/grant", {"TTL": "60"})
        lease = granted["ID"]
        self.assertEqual(granted["TTL"], "60")
        self.assertGreater(int(lease), 0)
        self.put("la", "1", lease=lease)
        self.put("lb", "1", lease=lease)
        ttl = self.api.ok("/v3/lease/timetolive", {"ID": lease, "keys": True}, ignore=("TTL",))
        self.assertEqual((ttl["ID"], ttl["grantedTTL"], sorted(ttl["keys"])),
                         (lease, "60", [b64("la"), b64("lb")]))
        self.assertTrue(0 < int(ttl["TTL"]) <= 60)
        no_keys = self.api.ok("/v3/kv/lease/timetolive", {"ID": lease}, ignore=("TTL",))
        self.assertNotIn("keys", no_keys)
        unknown = self.api.ok("/v3/lease/timetolive", {"ID": "999", "keys": True})
        self.assertEqual((unknown["ID"], unknown["TTL"]), ("999", "-1"))
        self.assertNotIn("grantedTTL", unknown)
        mine = self.api.ok("/v3/lease/grant", {"TTL": "30", "ID": "4242"})
        self.assertEqual((mine["ID"], mine["TTL"]), ("4242", "30"))
        self.api.error("/v3/lease/grant", {"TTL": "30", "ID": "4242"}, 412, 9,
                       "etcdserver: lease already exists")
        short = self.api.ok("/v3/lease/grant", {"TTL": "1", "ID": "77"})
        self.assertEqual(short["TTL"], "2",
                         "TTLs below etcd's minimum (1.5 election timeouts) are raised")
        listed = self.api.ok("/v3/lease/leases", {})
        self.assertEqual(sorted(int(x["ID"]) for x in listed["leases"]),
                         sorted([int(lease), 4242, 77]))
        self.api.error("/v3/lease/revoke", {"ID": "999"}, 404, 5,
                       "etcdserver: requested lease not found")
        self.assertEqual(self.rev(self.api.ok("/v3/lease/grant", {"TTL": "60"})), 3,
                         "grant does not bump the revision")

    def test_lease_revoke_deletes_attached_keys_in_one_revision(self):
        """Revoke deletes every attached key at one new revision; the lease is then unknown."""
        lease = self.api.ok("/v3/lease/grant", {"TTL": "60"})["ID"]
        for key in ("r/a", "r/b", "r/c"):
            self.put(key, "1", lease=lease)  # revs 2..4
        self.put("r/plain", "1")             # rev 5
        w = self.watch({"key": b64("r/"), "range_end": b64(prefix_end("r/")), "prev_kv": True})
        w.until(lambda rs: any(r.get("created") for r in rs))
        revoked = self.api.ok("/v3/kv/lease/revoke", {"ID": lease})
        self.assertEqual(set(revoked), {"header"})
        self.assertEqual(self.rev(revoked), 6)
        self.assertEqual(keys_of(self.rng("r/", range_end=prefix_end("r/"))), [b"r/plain"])
        events = w.events_at_least(3)
        self.assertEqual([(rev, typ, key) for rev, typ, key, _, _ in events],
                         [(6, "DELETE", b"r/a"), (6, "DELETE", b"r/b"), (6, "DELETE", b"r/c")])
        self.api.error("/v3/lease/revoke", {"ID": lease}, 404, 5,
                       "etcdserver: requested lease not found")
        self.api.error("/v3/kv/put", put_req("r/x", "1", lease=lease), 404, 5,
                       "etcdserver: requested lease not found")
        self.assertEqual(self.api.ok("/v3/lease/timetolive", {"ID": lease})["TTL"], "-1")

    def test_lease_keepalive_stream(self):
        """keepalive answers one {"result":{ID,TTL}} per request; an unknown lease has no TTL."""
        lease = self.api.ok("/v3/lease/grant", {"TTL": "20"})["ID"]
        ka = self.api.stream("/v3/lease/keepalive", [{"ID": lease}, {"ID": "999"}, {"ID": lease}])
        self.streams.append(ka)
        results = ka.subject.results_until(lambda got: len(got) >= 3)
        if ka.reference:
            want = ka.reference.results_until(lambda got: len(got) >= 3)
            self.assertEqual(normalize(results, self.api.to_reference), normalize(want))
        self.assertEqual([(r.get("ID"), r.get("TTL")) for r in results],
                         [(lease, "20"), ("999", None), (lease, "20")])
        self.assertEqual(set(results[1]), {"header", "ID"})

    def test_lease_expiry_deletes_keys(self):
        """A lease that is not kept alive expires (min TTL 2 s) and its keys are deleted."""
        lease = self.api.ok("/v3/lease/grant", {"TTL": "2"})["ID"]
        self.put("exp/a", "1", lease=lease)
        self.put("exp/b", "1", lease=lease)

        def gone(client, lease_id):
            answer = client.call("/v3/lease/timetolive", {"ID": lease_id})
            return answer["TTL"] == "-1" and not client.get("exp/", range_end=prefix_end("exp/"))
        wait_for(lambda: gone(self.cl, lease), timeout=10, what="lease expiry")
        if self.api.differential:
            ref_id = self.api.to_reference[lease]
            wait_for(lambda: gone(self.api.reference, ref_id), timeout=10, what="etcd lease expiry")
        after = self.rng("exp/", range_end=prefix_end("exp/"))
        self.assertEqual(self.rev(after), 4, "one expiry is one deleting revision")

    # Watch -------------------------------------------------------------------------------------
    def test_watch_created_then_events_in_order_with_prev_kv(self):
        """created:true first (current revision); PUT events without type; DELETE kv = key+rev."""
        self.put("w/a", "0")  # rev 2
        w = self.watch({"key": b64("w/a"), "prev_kv": True})
        created = w.until(lambda rs: len(rs) >= 1)[0]
        self.assertEqual((created.get("created"), created["header"]["revision"]), (True, "2"))
        self.assertNotIn("watch_id", created, "watch_id 0 is omitted")
        self.put("w/a", "1")
        self.put("w/other", "x")
        self.put("w/a", "2")
        self.api.ok("/v3/kv/deleterange", {"key": b64("w/a")})
        events = w.events_at_least(3)
        self.assertEqual(events, [(3, "PUT", b"w/a", b"1", b"0"), (5, "PUT", b"w/a", b"2", b"1"),
                                  (6, "DELETE", b"w/a", None, b"2")])
        delete_event = [e for r in w.received for e in r.get("events", [])][-1]
        self.assertEqual(delete_event["type"], "DELETE")
        self.assertEqual(delete_event["kv"], {"key": b64("w/a"), "mod_revision": "6"})
        first_put = [e for r in w.received for e in r.get("events", [])][0]
        self.assertNotIn("type", first_put)
        self.assertEqual(first_put["kv"], {"key": b64("w/a"), "create_revision": "2",
                                           "mod_revision": "3", "version": "2",
                                           "value": b64("1")})
        w.drain()

    def test_watch_filters_noput_nodelete(self):
        """filters NOPUT drops puts, NODELETE drops deletes."""
        only_deletes = self.watch({"key": b64("f"), "filters": ["NOPUT"]})
        only_puts = self.watch({"key": b64("f"), "filters": ["NODELETE"]})
        only_deletes.until(lambda rs: len(rs) >= 1)
        only_puts.until(lambda rs: len(rs) >= 1)
        self.put("f", "1")
        self.api.ok("/v3/kv/deleterange", {"key": b64("f")})
        self.put("f", "2")
        self.assertEqual([e[:2] for e in only_puts.events_at_least(2)], [(2, "PUT"), (4, "PUT")])
        self.assertEqual([e[:2] for e in only_deletes.events_at_least(1)], [(3, "DELETE")])
        both = self.watch({"key": b64("f"), "filters": ["NOPUT", "NODELETE"]})
        both.until(lambda rs: len(rs) >= 1)
        self.put("f", "3")
        self.assertEqual(watch_events(both.drain()), [])
        only_puts.drain()
        only_deletes.drain()

    def test_watch_start_revision_catch_up(self):
        """start_revision replays history in revision order, then continues live."""
        self.put("c/a", "1")  # 2
        self.put("c/b", "1")  # 3
        self.api.ok("/v3/kv/deleterange", {"key": b64("c/a")})  # 4
        self.put("c/a", "2")  # 5
        w = self.watch({"key": b64("c/"), "range_end": b64(prefix_end("c/")), "start_revision": "3",
                        "prev_kv": True})
        events = w.events_at_least(3)
        self.assertEqual(events, [(3, "PUT", b"c/b", b"1", None), (4, "DELETE", b"c/a", None, b"1"),
                                  (5, "PUT", b"c/a", b"2", None)])
        self.assertTrue(w.received[0].get("created"))
        self.put("c/b", "2")
        self.assertEqual(w.events_at_least(4)[-1], (6, "PUT", b"c/b", b"2", b"1"))
        future = self.watch({"key": b64("c/a"), "start_revision": "8"})
        future.until(lambda rs: len(rs) >= 1)
        self.put("c/a", "3")  # 7: before the start revision, not reported
        self.put("c/a", "4")  # 8
        self.assertEqual(future.events_at_least(1), [(8, "PUT", b"c/a", b"4", None)])
        future.drain()

    def test_watch_compacted_start_revision_is_canceled(self):
        """start_revision below the compaction: created, then canceled with compact_revision."""
        for i in range(4):
            self.put("k", str(i))  # 2..5
        self.api.ok("/v3/kv/compaction", {"revision": "4"})
        w = self.watch({"key": b64("k"), "start_revision": "3"})
        results = w.until(lambda rs: any(r.get("canceled") for r in rs))
        self.assertTrue(results[0].get("created"))
        canceled = results[-1]
        self.assertEqual(canceled.get("compact_revision"), "4")
        self.assertNotIn("revision", canceled["header"], "the cancel header has no revision")
        at_compaction = self.watch({"key": b64("k"), "start_revision": "4"})
        self.assertEqual(at_compaction.events_at_least(2),
                         [(4, "PUT", b"k", b"2", None), (5, "PUT", b"k", b"3", None)])
        at_compaction.drain()

    def test_watch_cancel_request_and_explicit_watch_id(self):
        """A client watch_id is echoed; cancel_request answers canceled; no later events."""
        w = self.watch({"key": b64("k"), "watch_id": "7"},
                       extra=[{"cancel_request": {"watch_id": "7"}}])
        results = w.until(lambda rs: any(r.get("canceled") for r in rs))
        self.assertEqual(
            [(r.get("watch_id"), r.get("created"), r.get("canceled")) for r in results],
            [("7", True, None), ("7", None, True)])
        self.put("k", "after-cancel")
        self.assertEqual(watch_events(w.drain()), [])
        two = self.watch({"key": b64("a")},
                         extra=[{"create_request": {"key": b64("b")}},
                                {"cancel_request": {"watch_id": "0"}}])
        got = two.until(lambda rs: len(rs) >= 3)
        self.assertEqual([(r.get("watch_id"), bool(r.get("created")), bool(r.get("canceled")))
                          for r in got], [(None, True, False), ("1", True, False),
                                          (None, False, True)])
        self.put("a", "1")
        self.put("b", "1")
        self.assertEqual([e[2] for e in two.events_at_least(1)], [b"b"])
        two.drain()

    def test_watch_progress_request(self):
        """progress_request answers watch_id -1 with the current header revision (3.4 shape)."""
        self.put("p", "1")
        self.put("p", "2")
        w = self.watch({"key": b64("p")}, extra=[{"progress_request": {}}])
        got = w.until(lambda rs: len(rs) >= 2)
        progress = got[1]
        self.assertEqual((progress.get("watch_id"), progress["header"]["revision"]), ("-1", "3"))
        self.assertNotIn("events", progress)
        self.put("p", "3")
        self.assertEqual(w.events_at_least(1), [(4, "PUT", b"p", b"3", None)])

    def test_watch_range_events_and_txn_in_one_message(self):
        """A range watch sees only keys in [key, range_end); a txn's events share one message."""
        w = self.watch({"key": b64("r/b"), "range_end": b64("r/d")})
        w.until(lambda rs: len(rs) >= 1)
        self.put("r/a", "out")
        self.put("r/b", "in")
        self.txn(success=[{"request_put": put_req("r/c", "1")},
                          {"request_put": put_req("r/d", "out")},
                          {"request_delete_range": {"key": b64("r/b")}}])
        everything = self.watch({"key": b64("\0"), "range_end": b64("\0"), "start_revision": "1"})
        events = w.events_at_least(3)
        self.assertEqual([e[:3] for e in events],
                         [(3, "PUT", b"r/b"), (4, "PUT", b"r/c"), (4, "DELETE", b"r/b")])
        all_events = everything.events_at_least(5)
        self.assertEqual([e[2] for e in all_events], [b"r/a", b"r/b", b"r/c", b"r/d", b"r/b"])
        for stream in (w, everything):
            by_message = [{int(e["kv"]["mod_revision"]) for e in r.get("events", [])}
                          for r in stream.received]
            holders = [i for i, revs in enumerate(by_message) if 4 in revs]
            self.assertEqual(len(holders), 1, "all events of one txn travel in one message")
        w.drain()

    def test_watch_bad_request_body(self):
        """A watch body that is not JSON fails with HTTP 500, code 2 (a stream decode error)."""
        msg = "invalid character 'b' looking for beginning of object key string"
        self.api.error("/v3/watch", "{bad", 500, 2, msg)
        self.put("still", "serving")

    # Maintenance, cluster, health --------------------------------------------------------------
    def test_status_fields(self):
        """maintenance/status has version, dbSize, leader (= own member_id), raft indexes."""
        st = self.api.ok("/v3/maintenance/status", {}, compare="shape")
        for field in ("version", "dbSize", "leader", "raftIndex", "raftTerm", "raftAppliedIndex",
                      "dbSizeInUse"):
            self.assertIn(field, st)
        self.assertEqual(st["leader"], st["header"]["member_id"], "a single member leads")
        self.assertGreater(int(st["raftIndex"]), 0)
        self.assertEqual(self.api.ok("/v3/maintenance/alarm", {"action": "GET"}), {})
        hashed = self.api.ok("/v3/maintenance/hash", {}, compare="shape")
        self.assertIsInstance(hashed["hash"], int, "uint32 stays a JSON number")

    def test_member_list_shape(self):
        """cluster/member/list: header without revision, one member with name and URLs."""
        listed = self.api.ok("/v3/cluster/member/list", {}, compare="shape")
        self.assertNotIn("revision", listed["header"])
        member = self.subject_cluster.members[0]
        [only] = listed["members"]
        self.assertEqual((only["name"], only["peerURLs"], only["clientURLs"]),
                         ("m0", [member.peer_url], [member.client_url]))
        self.assertEqual(only["ID"], listed["header"]["member_id"])

    def test_health_and_version(self):
        """GET /health → {"health":"true"}; GET /version names etcdserver and etcdcluster."""
        health = self.api.post("/health", method="GET")
        self.assertEqual((health.status, health.json), (200, {"health": "true"}))
        version = self.api.post("/version", method="GET", compare="shape")
        self.assertEqual(set(version.json), {"etcdserver", "etcdcluster"})

    # Bad input ---------------------------------------------------------------------------------
    def assert_still_serves(self):
        self.put("alive", "yes")
        self.assertEqual(kv_values(self.rng("alive")), {b"alive": b"yes"})

    def test_bad_json_base64_types_and_unknown_fields(self):
        """Malformed JSON and bad base64 are 400 code 3; unknown fields are ignored."""
        bad_json = "invalid character 'b' looking for beginning of object key string"
        self.api.error("/v3/kv/put", "{bad", 400, 3, bad_json)
        self.api.error("/v3/kv/put", {"key": "!!!", "value": b64("v")}, 400, 3,
                       "illegal base64 data at input byte 0")
        self.api.error("/v3/kv/range", {"key": b64("k"), "limit": "abc"}, 400, 3,
                       "invalid character 'a' looking for beginning of value")
        self.api.error("/v3/kv/range", [1], 400, 3, "json: cannot unmarshal array into Go value "
                       "of type map[string]json.RawMessage")
        self.api.error("/v3/kv/range", "", 400, 3, "etcdserver: key is not provided")
        self.api.error("/v3/kv/range", "null", 400, 3, "etcdserver: key is not provided")
        ignored = self.api.ok("/v3/kv/put", {"key": b64("k"), "value": b64("v"), "foo": 1,
                                             "nested": {"x": [1, 2]}})
        self.assertEqual(self.rev(ignored), 2)
        self.assert_still_serves()

    def test_http_method_and_path_errors(self):
        """GET on a POST path is 405 text; unknown /v3 path 404 "Not Found"; aliases answer."""
        get = self.api.post("/v3/kv/range", method="GET")
        self.assertEqual((get.status, get.text), (405, "Method Not Allowed\n"))
        unknown = self.api.post("/v3/kv/nope", {})
        self.assertEqual((unknown.status, unknown.text), (404, "Not Found\n"))
        outside = self.api.post("/nope", {})
        self.assertEqual((outside.status, outside.text), (404, "404 page not found\n"))
        self.assertEqual(self.api.post("/v3/maintenance/hashkv", {}).status, 404)
        self.put("k", "v")
        beta = self.api.ok("/v3beta/kv/range", {"key": b64("k")})
        self.assertEqual(kv_values(beta), {b"k": b"v"})
        self.assert_still_serves()

    def test_oversized_values(self):
        """A 2 MiB value is refused by gRPC (429, code 8); > 1.5 MiB by etcd (400, code 3)."""
        huge = {"key": b64("big"), "value": b64(b"x" * (2 * 1024 * 1024))}
        self.api.error("/v3/kv/put", huge, 429, 8,
                       "grpc: received message larger than max (2097162 vs. 2097152)")
        large = {"key": b64("big"), "value": b64(b"x" * (1024 * 1024 + 600 * 1000))}
        self.api.error("/v3/kv/put", large, 400, 3, "etcdserver: request is too large")
        fits = self.put("big", b"x" * (1024 * 1024))
        self.assertEqual(self.rev(fits), 2)
        self.assert_still_serves()

    def test_huge_range(self):
        """Ranges over 1000 keys (1 KiB values): all kvs, limit+count, count_only, keys_only."""
        value = "v" * 1024
        for batch in range(10):
            self.txn(success=[{"request_put": put_req(f"huge/{batch * 100 + i:04d}", value)}
                              for i in range(100)])
        end = prefix_end("huge/")
        everything = self.rng("huge/", range_end=end)
        self.assertEqual((len(everything["kvs"]), everything["count"]), (1000, "1000"))
        self.assertEqual(unb64(everything["kvs"][-1]["key"]), b"huge/0999")
        page = self.rng("huge/", range_end=end, limit="10", revision="5")
        self.assertEqual((len(page["kvs"]), page["more"], page["count"]), (10, True, "400"))
        self.assertEqual(self.rng("huge/", range_end=end, count_only=True)["count"], "1000")
        self.assertEqual(len(self.rng("huge/", range_end=end, keys_only=True)["kvs"]), 1000)
        deleted = self.api.ok("/v3/kv/deleterange", {"key": b64("huge/"), "range_end": b64(end)})
        self.assertEqual(deleted["deleted"], "1000")
        self.assert_still_serves()


class ThreeMemberCases:
    """Cases that need 3 members: membership, follower reads/writes, leader crash and restart."""

    SUBJECT = ETCD

    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster(cls.SUBJECT, 3)
        try:
            cls.cluster.start()
        except BaseException:
            print(f"\n===== {cls.SUBJECT} 3-member start failed; logs =====\n{cls.cluster.logs()}")
            cls.cluster.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.cluster.close()

    def setUp(self):
        # A case that killed a member and failed before restarting it must not break the next one.
        for m in self.cluster.members:
            if not m.is_running():
                m.restart()
        self.cluster.wait_leader()

    def current_logs(self):
        return self.cluster.logs()

    def test_member_list_names_every_member(self):
        """member/list names the three members with their URLs, the same from every member."""
        lists = [m.client.call("/v3/cluster/member/list", {}) for m in self.cluster.members]
        names = sorted((x["name"], tuple(x["peerURLs"]), tuple(x["clientURLs"]))
                       for x in lists[0]["members"])
        self.assertEqual(names, sorted((m.name, (m.peer_url,), (m.client_url,))
                                       for m in self.cluster.members))
        ids = {x["ID"] for x in lists[0]["members"]}
        for answer, member in zip(lists, self.cluster.members):
            self.assertEqual({x["ID"] for x in answer["members"]}, ids)
            self.assertIn(answer["header"]["member_id"], ids)
        leaders = {m.client.status()["leader"] for m in self.cluster.members}
        self.assertEqual(len(leaders), 1, "every member names the same leader")
        self.assertIn(leaders.pop(), ids)

    def test_write_on_follower_is_read_everywhere(self):
        """A put sent to a follower is linearizably readable on every member, same revision."""
        follower = self.cluster.followers()[0]
        put = follower.client.put("3m/key", "from-follower")
        rev = put["header"]["revision"]
        for m in self.cluster.members:
            answer = m.client.call("/v3/kv/range", {"key": b64("3m/key")})
            self.assertEqual(kv_values(answer), {b"3m/key": b"from-follower"}, m.name)
            self.assertGreaterEqual(int(answer["header"]["revision"]), int(rev))
            self.assertEqual(answer["kvs"][0]["mod_revision"], rev)
        txn = follower.client.call("/v3/kv/txn", {
            "compare": [{"key": b64("3m/key"), "target": "MOD", "mod_revision": rev}],
            "success": [{"request_put": put_req("3m/key", "cas")}]})
        self.assertTrue(txn.get("succeeded"))

    def test_watch_on_follower_sees_leader_writes(self):
        """A watch opened on a follower delivers writes made through the leader, in order."""
        leader, follower = self.cluster.leader(), self.cluster.followers()[0]
        with follower.client.watch({"key": b64("3w/"), "range_end": b64(prefix_end("3w/"))}) as w:
            w.results_until(lambda rs: len(rs) >= 1)
            revs = [int(leader.client.put(f"3w/{i}", str(i))["header"]["revision"])
                    for i in range(5)]
            got = []
            wait_for(lambda: (got.extend(watch_events(w.drain(0.1))) or len(got) >= 5),
                     timeout=10, what="follower watch events")
            self.assertEqual([(e[0], e[2]) for e in got],
                             [(r, f"3w/{i}".encode()) for i, r in enumerate(revs)])

    def test_leader_kill9_elects_new_leader_and_restart_catches_up(self):
        """kill -9 of the leader: a new leader serves writes; the restarted member catches up."""
        self.cluster.leader().client.put("3k/before", "1")
        old = self.cluster.wait_leader()
        old.kill9()
        new = self.cluster.wait_leader(timeout=20)
        self.assertIsNot(new, old)
        put = new.client.put("3k/after", "2")
        rev = int(put["header"]["revision"])
        for m in self.cluster.running_members():
            self.assertEqual(kv_values(m.client.call("/v3/kv/range", {"key": b64("3k/before")})),
                             {b"3k/before": b"1"}, "acked writes survive the leader crash")
        old.restart()

        def caught_up():
            answer = old.client.call("/v3/kv/range", {"key": b64("3k/after"),
                                                      "serializable": True})
            return kv_values(answer) == {b"3k/after": b"2"} and int(
                answer["header"]["revision"]) >= rev
        wait_for(caught_up, timeout=20, what="restarted member catches up")
        self.cluster.wait_leader()


# --- the two halves ---------------------------------------------------------------------------

@unittest.skipUnless(etcd_binary(), "etcd is not installed (apt-get install etcd-server)")
class OnEtcd(StoreApiCases, unittest.TestCase):
    """The expectations, proven on real etcd 3.4."""

    SUBJECT = ETCD


@unittest.skipUnless(etcd_binary(), "etcd is not installed (apt-get install etcd-server)")
class ThreeMembersOnEtcd(ThreeMemberCases, unittest.TestCase):
    SUBJECT = ETCD


@unittest.skipUnless(c8s_store_binary() and etcd_binary(), C8S_MISSING)
class OnC8sStore(StoreApiCases, unittest.TestCase):
    """c8s-store, every answer diffed against a fresh etcd driven in lockstep."""

    SUBJECT = C8S_STORE


@unittest.skipUnless(c8s_store_binary(), C8S_MISSING)
class ThreeMembersOnC8sStore(ThreeMemberCases, unittest.TestCase):
    SUBJECT = C8S_STORE


if __name__ == "__main__":
    main()
