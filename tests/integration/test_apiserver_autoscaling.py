#!/usr/bin/env python3
"""HorizontalPodAutoscalers served as autoscaling/v1 and autoscaling/v2 over one stored object
(autoscaling/v2), as kube-apiserver 1.32 serves them: the real kubectl's `autoscale` (a v1 POST),
reads in both versions, v1 read-modify-write and patches that keep v2-only metrics and behavior,
watches and Tables under v1, server-side apply under v1, discovery, OpenAPI and the errors."""

import json
import os
import sys
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest.apiserver import LocalApiserver, missing_for_kubectl_tests  # noqa: E402
from c8stest.runner import main  # noqa: E402

V1 = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers"
V2 = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"
AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

V2_ONLY = {
    "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
    "metadata": {"name": "rich", "annotations": {"team": "a"}},
    "spec": {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
        "minReplicas": 2, "maxReplicas": 6,
        "metrics": [
            {"type": "Resource", "resource": {"name": "memory", "target": {
                "type": "AverageValue", "averageValue": "500Mi"}}},
            {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {
                "type": "AverageValue", "averageValue": "1k"}}},
            {"type": "Resource", "resource": {"name": "cpu", "target": {
                "type": "Utilization", "averageUtilization": 60}}},
        ],
        "behavior": {"scaleDown": {"stabilizationWindowSeconds": 120, "selectPolicy": "Min",
                                   "policies": [{"type": "Pods", "value": 1,
                                                 "periodSeconds": 60}]}},
    },
}


class AutoscalingVersions(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        reason = missing_for_kubectl_tests()
        if reason:
            raise unittest.SkipTest(reason)
        cls.api = LocalApiserver().start()
        cls.api.kubectl("create", "deployment", "web", "--image=nginx")

    @classmethod
    def tearDownClass(cls):
        cls.api.stop()

    def http(self, method, path, body=None, content_type="application/json", accept=None):
        data = None if body is None else (body if isinstance(body, str) else json.dumps(body))
        req = urllib.request.Request(self.api.server + path, method=method,
                                     data=data.encode() if data is not None else None)
        if data is not None:
            req.add_header("Content-Type", content_type)
        if accept:
            req.add_header("Accept", accept)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def json(self, method, path, body=None, **kw):
        code, text = self.http(method, path, body, **kw)
        return code, json.loads(text)

    def test_kubectl_autoscale_posts_v1_and_both_versions_read_it(self):
        done = self.api.kubectl("autoscale", "deploy", "web", "--max=3", "--cpu-percent=50",
                                "-v=6")
        self.assertEqual(done.stdout, "horizontalpodautoscaler.autoscaling/web autoscaled\n")
        self.assertIn(f"POST {self.api.server}{V1}?fieldManager=kubectl-autoscale 201",
                      done.stderr)
        code, v1 = self.json("GET", V1 + "/web")
        self.assertEqual(code, 200)
        self.assertEqual(v1["apiVersion"], "autoscaling/v1")
        self.assertEqual(v1["spec"], {"scaleTargetRef": {"kind": "Deployment", "name": "web",
                                                         "apiVersion": "apps/v1"},
                                      "minReplicas": 1, "maxReplicas": 3,
                                      "targetCPUUtilizationPercentage": 50})
        self.assertEqual(v1["status"], {"currentReplicas": 0, "desiredReplicas": 0})
        entry = v1["metadata"]["managedFields"][0]
        self.assertEqual((entry["manager"], entry["apiVersion"]),
                         ("kubectl-autoscale", "autoscaling/v1"))
        self.assertIn("f:targetCPUUtilizationPercentage", entry["fieldsV1"]["f:spec"])
        code, v2 = self.json("GET", V2 + "/web")
        self.assertEqual(v2["apiVersion"], "autoscaling/v2")
        self.assertEqual(v2["spec"]["metrics"], [{"type": "Resource", "resource": {
            "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}])
        self.assertEqual(v2["metadata"]["resourceVersion"], v1["metadata"]["resourceVersion"])
        out = self.api.kubectl("get", "horizontalpodautoscalers.v1.autoscaling", "web").stdout
        self.assertIn("cpu: <unknown>/50%", out)
        out = self.api.kubectl("get", "horizontalpodautoscalers.v1.autoscaling", "web", "-o",
                               "jsonpath={.apiVersion} {.spec.targetCPUUtilizationPercentage}")
        self.assertEqual(out.stdout, "autoscaling/v1 50")
        code, lst = self.json("GET", V1)
        self.assertEqual((lst["kind"], lst["apiVersion"]),
                         ("HorizontalPodAutoscalerList", "autoscaling/v1"))
        self.assertTrue(all(i["apiVersion"] == "autoscaling/v1" for i in lst["items"]))

    def test_v1_without_cpu_target_reads_the_implicit_80_percent(self):
        code, obj = self.json("POST", V1, {"apiVersion": "autoscaling/v1", "kind":
                                           "HorizontalPodAutoscaler", "metadata": {"name": "imp"},
                                           "spec": {"scaleTargetRef": {"kind": "Deployment",
                                                                       "name": "web"},
                                                    "maxReplicas": 2}})
        self.assertEqual(code, 201, obj)
        self.assertEqual(obj["spec"]["targetCPUUtilizationPercentage"], 80)
        self.assertEqual(obj["spec"]["minReplicas"], 1)
        _, v2 = self.json("GET", V2 + "/imp")
        self.assertEqual(v2["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"], 80)

    def test_v2_only_metrics_and_behavior_survive_v1_updates_and_patches(self):
        code, created = self.json("POST", V2, V2_ONLY)
        self.assertEqual(code, 201, created)
        _, v1 = self.json("GET", V1 + "/rich")
        notes = v1["metadata"]["annotations"]
        self.assertEqual(v1["spec"]["targetCPUUtilizationPercentage"], 60)
        self.assertEqual(len(json.loads(notes["autoscaling.alpha.kubernetes.io/metrics"])), 2)
        self.assertEqual(json.loads(notes["autoscaling.alpha.kubernetes.io/behavior"])
                         ["ScaleDown"]["StabilizationWindowSeconds"], 120)
        self.assertEqual(notes["team"], "a")
        # A v1 client's read-modify-write keeps what v1 cannot express.
        v1["spec"]["maxReplicas"] = 9
        code, put = self.json("PUT", V1 + "/rich", v1)
        self.assertEqual(code, 200, put)
        self.assertEqual(put["apiVersion"], "autoscaling/v1")
        self.assertEqual(put["spec"]["maxReplicas"], 9)
        _, v2 = self.json("GET", V2 + "/rich")
        self.assertEqual(v2["spec"]["maxReplicas"], 9)
        self.assertEqual(v2["spec"]["behavior"]["scaleDown"], V2_ONLY["spec"]["behavior"]
                         ["scaleDown"])
        names = [m["resource"]["name"] if m["type"] == "Resource" else m["pods"]["metric"]["name"]
                 for m in v2["spec"]["metrics"]]
        self.assertEqual(names, ["memory", "qps", "cpu"])
        self.assertEqual(v2["metadata"]["annotations"], {"team": "a"})
        # A v1 merge patch of the CPU target changes only the CPU metric.
        code, patched = self.json("PATCH", V1 + "/rich",
                                  {"spec": {"targetCPUUtilizationPercentage": 70}},
                                  content_type="application/merge-patch+json")
        self.assertEqual(code, 200, patched)
        self.assertEqual(patched["spec"]["targetCPUUtilizationPercentage"], 70)
        _, v2 = self.json("GET", V2 + "/rich")
        self.assertEqual(v2["spec"]["metrics"][2]["resource"]["target"]["averageUtilization"], 70)
        self.assertEqual(v2["spec"]["metrics"][0]["resource"]["name"], "memory")
        # The Table of v1 prints the v2 columns; row objects are v1.
        code, table = self.json("GET", V1 + "/rich?includeObject=Object", accept=TABLE)
        self.assertEqual(table["kind"], "Table")
        row = table["rows"][0]
        self.assertIn("500Mi", row["cells"][2])
        self.assertEqual(row["object"]["apiVersion"], "autoscaling/v1")
        # Delete under v1 answers a Status naming the HPA, as kube-apiserver does.
        code, gone = self.json("DELETE", V1 + "/rich")
        self.assertEqual(code, 200, gone)
        self.assertEqual((gone["kind"], gone["details"]["name"]), ("Status", "rich"))
        self.assertEqual(self.http("GET", V1 + "/rich")[0], 404)

    def test_watch_under_v1_sends_v1_objects(self):
        _, lst = self.json("GET", V1)
        rv = lst["metadata"]["resourceVersion"]
        body = dict(V2_ONLY, metadata={"name": "watched"})
        self.assertEqual(self.json("POST", V2, body)[0], 201)
        for extra in ("", "&allowWatchBookmarks=true"):
            code, text = self.http("GET", f"{V1}?watch=true&resourceVersion={rv}"
                                          f"&timeoutSeconds=1{extra}")
            self.assertEqual(code, 200)
            events = [json.loads(line) for line in text.splitlines() if line]
            added = [e for e in events if e["type"] == "ADDED"]
            self.assertEqual(len(added), 1, events)
            self.assertEqual(added[0]["object"]["apiVersion"], "autoscaling/v1")
            self.assertEqual(added[0]["object"]["spec"]["targetCPUUtilizationPercentage"], 60)
        # The initial state of a watch without a version comes converted too.
        code, text = self.http("GET", f"{V1}?watch=true&timeoutSeconds=1")
        objs = [json.loads(line)["object"] for line in text.splitlines() if line]
        self.assertTrue(objs and all(o["apiVersion"] == "autoscaling/v1" for o in objs))

    def test_server_side_apply_under_v1_records_v1_managed_fields(self):
        manifest = ("apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n"
                    "  name: applied\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: "
                    "Deployment, name: web}\n  maxReplicas: 4\n  targetCPUUtilizationPercentage: "
                    "TARGET\n")
        for target in ("40", "45"):
            done = self.api.kubectl("apply", "--server-side", "-f", "-",
                                    stdin=manifest.replace("TARGET", target))
            self.assertIn("serverside-applied", done.stdout)
        _, v1 = self.json("GET", V1 + "/applied")
        self.assertEqual(v1["spec"]["targetCPUUtilizationPercentage"], 45)
        applied = [e for e in v1["metadata"]["managedFields"] if e["operation"] == "Apply"]
        self.assertEqual([(e["manager"], e["apiVersion"]) for e in applied],
                         [("kubectl", "autoscaling/v1")])
        _, v2 = self.json("GET", V2 + "/applied")
        self.assertEqual(v2["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"], 45)

    def test_errors_name_v2_field_paths_as_kubernetes(self):
        done = self.api.kubectl("autoscale", "deploy", "web", "--max=3", "--cpu-percent=0",
                                "--name=zero", check=False)
        self.assertEqual(done.returncode, 1)
        self.assertEqual(done.stderr, 'The HorizontalPodAutoscaler "zero" is invalid: '
                                      "spec.metrics[0].resource.target.averageUtilization: "
                                      "Invalid value: 0: must be greater than 0\n")
        code, status = self.json("POST", V1, {"apiVersion": "autoscaling/v2", "kind":
                                              "HorizontalPodAutoscaler", "metadata": {"name": "x"}})
        self.assertEqual(code, 400, status)
        code, status = self.json("POST", V1, {"metadata": {"name": "nomax"}, "spec": {
            "scaleTargetRef": {"kind": "Deployment", "name": "web"}}})
        self.assertEqual(code, 422)
        self.assertIn("spec.maxReplicas", status["message"])
        code, status = self.json("GET", V1 + "/missing")
        self.assertEqual((code, status["reason"]), (404, "NotFound"))
        done = self.api.kubectl("autoscale", "cm", "nope", "--max=2", check=False)
        self.assertIn('configmaps "nope" not found', done.stderr)

    def test_discovery_and_openapi_list_both_versions_v2_preferred(self):
        _, groups = self.json("GET", "/apis")
        autoscaling = [g for g in groups["groups"] if g["name"] == "autoscaling"][0]
        self.assertEqual([v["version"] for v in autoscaling["versions"]], ["v2", "v1"])
        self.assertEqual(autoscaling["preferredVersion"]["version"], "v2")
        _, agg = self.json("GET", "/apis", accept=AGGREGATED)
        items = [i for i in agg["items"] if i["metadata"]["name"] == "autoscaling"]
        self.assertEqual(len(items), 1)
        self.assertEqual([v["version"] for v in items[0]["versions"]], ["v2", "v1"])
        _, rl = self.json("GET", "/apis/autoscaling/v1")
        self.assertEqual([r["name"] for r in rl["resources"]],
                         ["horizontalpodautoscalers", "horizontalpodautoscalers/status"])
        _, paths = self.json("GET", "/openapi/v3")
        self.assertIn("apis/autoscaling/v1", paths["paths"])
        _, doc = self.json("GET", "/openapi/v3/apis/autoscaling/v1")
        schema = doc["components"]["schemas"]["io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler"]
        self.assertIn("spec", schema["properties"])
        self.assertIn("targetCPUUtilizationPercentage", json.dumps(doc))


if __name__ == "__main__":
    main()
