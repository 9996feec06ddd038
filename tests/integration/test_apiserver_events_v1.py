#!/usr/bin/env python3
"""events.k8s.io/v1 Events served over the core v1 Events' storage, as kube-apiserver 1.32
serves them: an Event written through either API is read, listed and watched through both;
field selectors in events.k8s.io terms; the stricter validation of the new API; the real
kubectl's `get events.events.k8s.io`, `get events`, `events` and `api-resources`."""

import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest.apitest import ApiserverCase  # noqa: E402
from c8stest.runner import main  # noqa: E402

EV1 = "/apis/events.k8s.io/v1/namespaces/default/events"
CORE = "/api/v1/namespaces/default/events"
AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

NEW_EVENT = {
    "apiVersion": "events.k8s.io/v1", "kind": "Event",
    "metadata": {"name": "web.scaled"},
    "eventTime": "2025-01-02T03:04:05.000006Z",
    "series": {"count": 2, "lastObservedTime": "2025-01-02T03:05:00.000000Z"},
    "reportingController": "example.com/scaler", "reportingInstance": "scaler-1",
    "action": "Scale", "reason": "Scaled", "note": "scaled up to 3", "type": "Normal",
    "regarding": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "default",
                  "name": "web"},
    "related": {"apiVersion": "apps/v1", "kind": "ReplicaSet", "namespace": "default",
                "name": "web-1"},
}

OLD_EVENT = {
    "apiVersion": "v1", "kind": "Event",
    "metadata": {"name": "pod.pulled", "namespace": "default"},
    "involvedObject": {"apiVersion": "v1", "kind": "Pod", "namespace": "default",
                       "name": "db-0", "fieldPath": "spec.containers{db}"},
    "reason": "Pulled", "message": "image pulled", "type": "Normal", "count": 3,
    "source": {"component": "kubelet", "host": "node-1"},
    "firstTimestamp": "2025-01-02T03:00:00Z", "lastTimestamp": "2025-01-02T03:01:00Z",
}


class EventsV1(ApiserverCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rv_before = None

    def raw(self, path, accept=None):
        req = urllib.request.Request(self.api.server + path)
        if accept:
            req.add_header("Accept", accept)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def ensure(self, path, body, name):
        """Creates body at path unless name is there already (tests share one server)."""
        if self.get(f"{path}/{name}") is None:
            code, obj = self.http("POST", path, body)
            self.assertEqual(code, 201, obj)

    def test_a_post_through_events_v1_is_a_core_event(self):
        code, created = self.http("POST", EV1, NEW_EVENT)
        self.assertEqual(code, 201, created)
        self.assertEqual((created["kind"], created["apiVersion"]), ("Event", "events.k8s.io/v1"))
        for key in ("eventTime", "series", "reportingController", "reportingInstance", "action",
                    "reason", "note", "type", "regarding", "related"):
            self.assertEqual(created[key], NEW_EVENT[key], key)
        # Go writes the zero struct and the null times of the deprecated fields.
        self.assertEqual(created["deprecatedSource"], {})
        self.assertIsNone(created["deprecatedFirstTimestamp"])
        self.assertNotIn("deprecatedCount", created)

        core = self.get(f"{CORE}/web.scaled")
        self.assertEqual(core["apiVersion"], "v1")
        self.assertEqual(core["involvedObject"], NEW_EVENT["regarding"])
        self.assertEqual(core["message"], "scaled up to 3")
        self.assertEqual(core["reportingComponent"], "example.com/scaler")
        self.assertEqual((core["reportingInstance"], core["action"]), ("scaler-1", "Scale"))
        self.assertEqual(core["series"], NEW_EVENT["series"])
        self.assertEqual(core["related"], NEW_EVENT["related"])
        self.assertEqual(core["eventTime"], NEW_EVENT["eventTime"])
        self.assertIsNone(core["firstTimestamp"])
        self.assertEqual(core["metadata"]["uid"], created["metadata"]["uid"])
        self.assertEqual(core["metadata"]["resourceVersion"],
                         created["metadata"]["resourceVersion"])
        # Read back through events.k8s.io/v1: the object the create answered.
        again = self.get(f"{EV1}/web.scaled")
        self.assertEqual(again, created)

        # The new API's update rules: the series may grow, what happened may not change.
        again["series"] = {"count": 3, "lastObservedTime": "2025-01-02T03:06:00.000000Z"}
        code, updated = self.http("PUT", f"{EV1}/web.scaled", again)
        self.assertEqual(code, 200, updated)
        self.assertEqual(self.get(f"{CORE}/web.scaled")["series"]["count"], 3)
        updated["note"] = "rewritten"
        code, refused = self.http("PUT", f"{EV1}/web.scaled", updated)
        self.assertEqual(code, 422, refused)
        self.assertEqual(refused["message"], 'Event "web.scaled" is invalid: message: Invalid '
                                             'value: "rewritten": field is immutable')
        # A merge patch through events.k8s.io/v1 speaks its field names.
        code, patched = self.http("PATCH", f"{EV1}/web.scaled",
                                  {"metadata": {"labels": {"seen": "yes"}}},
                                  content_type="application/merge-patch+json")
        self.assertEqual((code, patched["apiVersion"]), (200, "events.k8s.io/v1"), patched)
        self.assertEqual(patched["metadata"]["labels"], {"seen": "yes"})
        self.assertEqual(patched["note"], "scaled up to 3")

    def test_core_events_are_listed_and_selected_through_events_v1(self):
        self.ensure(EV1, NEW_EVENT, "web.scaled")
        if self.get(f"{CORE}/pod.pulled") is None:
            self.create(OLD_EVENT)
        code, listed = self.http("GET", EV1)
        self.assertEqual(code, 200, listed)
        self.assertEqual((listed["kind"], listed["apiVersion"]), ("EventList", "events.k8s.io/v1"))
        pulled = [e for e in listed["items"] if e["metadata"]["name"] == "pod.pulled"]
        self.assertEqual(len(pulled), 1)
        self.assertEqual(pulled[0]["regarding"], OLD_EVENT["involvedObject"])
        self.assertEqual(pulled[0]["note"], "image pulled")
        self.assertEqual(pulled[0]["deprecatedSource"], OLD_EVENT["source"])
        self.assertEqual(pulled[0]["deprecatedCount"], 3)
        self.assertEqual(pulled[0]["deprecatedFirstTimestamp"], OLD_EVENT["firstTimestamp"])
        self.assertIsNone(pulled[0]["eventTime"])

        def names(path):
            code, obj = self.http("GET", path)
            self.assertEqual(code, 200, obj)
            return sorted(i["metadata"]["name"] for i in obj["items"])

        self.assertEqual(names(EV1 + "?fieldSelector=regarding.name%3Ddb-0"), ["pod.pulled"])
        self.assertEqual(names(EV1 + "?fieldSelector=reportingController%3Dexample.com/scaler"),
                         ["web.scaled"])
        # source is source.component, else the reporting controller; in both APIs.
        self.assertEqual(names(EV1 + "?fieldSelector=source%3Dkubelet"), ["pod.pulled"])
        self.assertEqual(names(CORE + "?fieldSelector=source%3Dexample.com/scaler"),
                         ["web.scaled"])
        self.assertEqual(names(CORE + "?fieldSelector=reportingComponent%3Dexample.com/scaler"),
                         ["web.scaled"])
        self.assertEqual(names(EV1 + "?fieldSelector=regarding.kind%21%3DPod,type%3DNormal"),
                         ["web.scaled"])
        code, bad = self.http("GET", EV1 + "?fieldSelector=involvedObject.name%3Ddb-0")
        self.assertEqual((code, bad["reason"]), (400, "BadRequest"))
        self.assertEqual(bad["message"], "field label not supported: involvedObject.name")

    def test_a_watch_through_events_v1_sees_core_writes(self):
        _, lst = self.http("GET", EV1)
        rv = lst["metadata"]["resourceVersion"]
        body = dict(OLD_EVENT, metadata={"name": "watched", "namespace": "default"},
                    involvedObject={"kind": "Pod", "namespace": "default", "name": "db-1"},
                    source={"component": "watched-kubelet"})
        self.assertEqual(self.http("POST", CORE, body)[0], 201)
        code, text = self.raw(f"{EV1}?watch=true&resourceVersion={rv}&timeoutSeconds=1"
                              "&fieldSelector=regarding.name%3Ddb-1")
        self.assertEqual(code, 200, text)
        events = [json.loads(line) for line in text.splitlines() if line]
        self.assertEqual([(e["type"], e["object"]["metadata"]["name"]) for e in events],
                         [("ADDED", "watched")])
        obj = events[0]["object"]
        self.assertEqual((obj["apiVersion"], obj["note"]), ("events.k8s.io/v1", "image pulled"))
        code, text = self.raw(f"{EV1}?watch=true&fieldSelector=involvedObject.name%3Dx")
        self.assertEqual(code, 400, text)

    def test_the_new_api_validates_as_kube_apiserver(self):
        bad = {"apiVersion": "events.k8s.io/v1", "kind": "Event",
               "metadata": {"name": "bad"}, "type": "Bogus", "deprecatedCount": 2,
               "regarding": {"kind": "Pod", "namespace": "default", "name": "p"},
               "deprecatedSource": {"component": "x"}, "series": {"count": 1}}
        code, status = self.http("POST", EV1, bad)
        self.assertEqual((code, status["reason"]), (422, "Invalid"), status)
        self.assertEqual(status["message"],
                         'Event "bad" is invalid: [series.count: Invalid value: "": should be at '
                         'least 2, series.lastObservedTime: Required value, eventTime: Required '
                         'value, type: Invalid value: "": has invalid value: Bogus, count: '
                         'Invalid value: "": needs to be unset, source: Invalid value: "": needs '
                         'to be unset]')
        self.assertEqual(status["details"]["kind"], "Event")
        self.assertEqual([c["field"] for c in status["details"]["causes"]],
                         ["series.count", "series.lastObservedTime", "eventTime", "type", "count",
                          "source"])
        # With eventTime, the legacy rules ask for the reporting fields (core v1's names).
        bare = {"metadata": {"name": "bare"}, "eventTime": "2025-01-02T03:04:05.000000Z",
                "type": "Warning", "note": "n" * 1025,
                "regarding": {"kind": "Pod", "namespace": "default", "name": "p"}}
        code, status = self.http("POST", EV1, bare)
        self.assertEqual(code, 422, status)
        self.assertEqual([c["field"] for c in status["details"]["causes"]][:3],
                         ["reportingComponent", "reportingComponent", "reportingComponent"])
        self.assertIn("action: Required value, reason: Required value, message: Invalid value: "
                      "\"\": can have at most 1024 characters", status["message"])
        # The same body through core v1 has no events.k8s.io rules.
        old = dict(OLD_EVENT, metadata={"name": "old.style", "namespace": "default"})
        self.assertEqual(self.http("POST", CORE, old)[0], 201)
        self.assertIsNone(self.get(f"{EV1}/bad"))

    def test_kubectl_sees_events_through_both_apis(self):
        self.ensure(EV1, NEW_EVENT, "web.scaled")
        if self.get(f"{CORE}/pod.pulled") is None:
            self.create(OLD_EVENT)
        rows = self.rows("events.events.k8s.io")
        self.assertEqual(rows[0], ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"])
        by_object = {r[3]: r for r in rows[1:]}
        self.assertEqual(by_object["deployment/web"][1:3], ["Normal", "Scaled"])
        self.assertEqual(by_object["pod/db-0"][1:3], ["Normal", "Pulled"])
        core_rows = self.rows("events")
        self.assertEqual(sorted(r[3] for r in core_rows[1:]),
                         sorted(r[3] for r in rows[1:]))
        got = self.json_of("get", "events.v1.events.k8s.io", "web.scaled")
        self.assertEqual((got["apiVersion"], got["note"]), ("events.k8s.io/v1", "scaled up to 3"))
        out = self.kubectl("events").stdout
        self.assertIn("scaled up to 3", out)
        self.assertIn("image pulled", out)
        done = self.kubectl("get", "events.events.k8s.io", "missing", check=False)
        self.assertEqual(done.stderr.strip(),
                         'Error from server (NotFound): events "missing" not found')
        # Both APIs give the short name ev; kubectl picks core v1 and says so, as against
        # kube-apiserver.
        done = self.kubectl("get", "ev")
        self.assertEqual(done.stderr.strip(), 'Warning: short name "ev" could also match lower '
                                              'priority resource events.events.k8s.io')

    def test_kubectl_writes_events_v1_manifests(self):
        manifest = ("apiVersion: events.k8s.io/v1\nkind: Event\nmetadata: {name: NAME}\n"
                    "eventTime: \"2025-01-02T03:04:05.000000Z\"\nreportingController: "
                    "example.com/x\nreportingInstance: x-1\naction: Do\nreason: Done\n"
                    "type: Normal\nnote: hello\nregarding: {kind: Pod, namespace: default, "
                    "name: kubectl-p}\n")
        for args, name, verb in ((["create", "-f", "-"], "by-create", "created"),
                                 (["apply", "-f", "-"], "by-apply", "created"),
                                 (["apply", "--server-side", "-f", "-"], "by-ssa",
                                  "serverside-applied")):
            done = self.kubectl(*args, stdin=manifest.replace("NAME", name))
            self.assertEqual(done.stdout, f"event.events.k8s.io/{name} {verb}\n")
            self.assertEqual(self.get(f"{CORE}/{name}")["message"], "hello")
        ssa = self.get(f"{EV1}/by-ssa")["metadata"]["managedFields"]
        self.assertEqual([(e["manager"], e["apiVersion"]) for e in ssa],
                         [("kubectl", "events.k8s.io/v1")])
        self.assertIn("f:note", ssa[0]["fieldsV1"])
        done = self.kubectl("delete", "events.events.k8s.io", "-l", "x!=y",
                            "--field-selector=regarding.name=kubectl-p")
        self.assertEqual(sorted(done.stdout.splitlines()),
                         [f'event.events.k8s.io "{n}" deleted'
                          for n in ("by-apply", "by-create", "by-ssa")])
        self.assertIsNone(self.get(f"{CORE}/by-create"))

    def test_discovery_and_api_resources(self):
        out = self.kubectl("api-resources", "--api-group=events.k8s.io", "-o", "wide").stdout
        lines = out.splitlines()
        self.assertEqual(lines[1].split(), ["events", "ev", "events.k8s.io/v1", "true", "Event",
                                            "create,delete,deletecollection,get,list,patch,"
                                            "update,watch"])
        self.assertEqual(len(lines), 2, out)
        code, group = self.http("GET", "/apis/events.k8s.io")
        self.assertEqual(group["preferredVersion"],
                         {"groupVersion": "events.k8s.io/v1", "version": "v1"})
        code, resources = self.http("GET", "/apis/events.k8s.io/v1")
        self.assertEqual([(r["name"], r["shortNames"], r["namespaced"])
                          for r in resources["resources"]], [("events", ["ev"], True)])
        code, text = self.raw("/apis", accept=AGGREGATED)
        groups = {g["metadata"]["name"]: g for g in json.loads(text)["items"]}
        res = groups["events.k8s.io"]["versions"][0]["resources"][0]
        self.assertEqual((res["resource"], res["responseKind"]["kind"], res["scope"]),
                         ("events", "Event", "Namespaced"))
        code, index = self.http("GET", "/openapi/v3")
        self.assertIn("apis/events.k8s.io/v1", index["paths"])
        code, doc = self.http("GET", "/openapi/v3/apis/events.k8s.io/v1")
        schema = doc["components"]["schemas"]["io.k8s.api.events.v1.Event"]
        self.assertEqual(schema["required"], ["eventTime"])
        self.assertIn("regarding", schema["properties"])


if __name__ == "__main__":
    main()
