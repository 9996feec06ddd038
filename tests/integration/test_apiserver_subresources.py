#!/usr/bin/env python3
"""The scale, binding and eviction subresources against a real c8s-apiserver and c8s-store:
kubectl scale (patch and --current-replicas' update), the Scale view of
deployments, replicasets and statefulsets, the scheduler's binding POST, and evictions with and
without a PodDisruptionBudget (429 when it allows no disruption or is not observed yet).
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest.apitest import ApiserverCase  # noqa: E402
from c8stest.runner import main  # noqa: E402

PODS = "/api/v1/namespaces/default/pods/"
PDBS = "/apis/policy/v1/namespaces/default/poddisruptionbudgets/"


class SubresourcesTest(ApiserverCase):
    # ---- helpers ----

    def pod(self, name, labels=None, node=None, phase=None, ready=None):
        spec = {"containers": [{"name": "c", "image": "busybox"}]}
        if node:
            spec["nodeName"] = node
        self.create({"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"name": name, "labels": labels or {}}, "spec": spec})
        if phase:
            pod = self.get(PODS + name)
            pod["status"] = {"phase": phase}
            if ready is not None:
                pod["status"]["conditions"] = [{"type": "Ready",
                                                "status": "True" if ready else "False"}]
            code, out = self.http("PUT", PODS + name + "/status", pod)
            self.assertEqual(code, 200, out)

    def evict(self, name, extra=None):
        body = {"apiVersion": "policy/v1", "kind": "Eviction",
                "metadata": {"name": name, "namespace": "default"}}
        body.update(extra or {})
        return self.http("POST", PODS + name + "/eviction", body)

    # ---- scale ----

    def test_kubectl_scale_patches_the_scale_and_bumps_generation(self):
        self.kubectl("create", "deployment", "web", "--image=nginx", "--replicas=1")
        path = "/apis/apps/v1/namespaces/default/deployments/web/scale"
        scale = self.get(path)
        self.assertEqual(scale["kind"], "Scale")
        self.assertEqual(scale["apiVersion"], "autoscaling/v1")
        self.assertEqual(scale["spec"], {"replicas": 1})
        self.assertEqual(scale["status"], {"replicas": 0, "selector": "app=web"})
        deploy = self.get("/apis/apps/v1/namespaces/default/deployments/web")
        self.assertEqual(scale["metadata"]["uid"], deploy["metadata"]["uid"])
        self.assertEqual(scale["metadata"]["resourceVersion"], deploy["metadata"]["resourceVersion"])
        out = self.kubectl("scale", "deploy/web", "--replicas=3").stdout
        self.assertEqual(out.strip(), "deployment.apps/web scaled")
        deploy = self.get("/apis/apps/v1/namespaces/default/deployments/web")
        self.assertEqual(deploy["spec"]["replicas"], 3)
        self.assertEqual(deploy["metadata"]["generation"], 2)
        # --current-replicas reads the Scale and PUTs it back with its resourceVersion.
        wrong = self.kubectl("scale", "deploy/web", "--current-replicas=2", "--replicas=5",
                             check=False)
        self.assertEqual(wrong.returncode, 1)
        self.assertIn("Expected replicas to be 2, was 3", wrong.stderr)
        self.kubectl("scale", "deploy/web", "--current-replicas=3", "--replicas=4")
        self.assertEqual(self.get(path)["spec"]["replicas"], 4)
        self.assertEqual(
            self.get("/apis/apps/v1/namespaces/default/deployments/web")["metadata"]["generation"], 3)

    def test_scale_preconditions_and_validation(self):
        self.kubectl("create", "deployment", "pinned", "--image=nginx", "--replicas=2")
        path = "/apis/apps/v1/namespaces/default/deployments/pinned/scale"
        scale = self.get(path)
        stale = dict(scale, spec={"replicas": 6})
        stale["metadata"] = dict(scale["metadata"], resourceVersion="1")
        code, out = self.http("PUT", path, stale)
        self.assertEqual(code, 409)
        self.assertEqual(out["message"],
                         'Operation cannot be fulfilled on deployments.apps "pinned": the object '
                         'has been modified; please apply your changes to the latest version and '
                         'try again')
        code, out = self.http("PATCH", path, {"spec": {"replicas": -1}},
                              "application/merge-patch+json")
        self.assertEqual(code, 422)
        self.assertEqual(out["message"], 'Scale.autoscaling "pinned" is invalid: spec.replicas: '
                                         'Invalid value: -1: must be greater than or equal to 0')
        code, out = self.http("PUT", path, dict(scale, spec={"replicas": 5}))
        self.assertEqual(code, 200, out)
        self.assertEqual(out["spec"]["replicas"], 5)
        self.assertNotEqual(out["metadata"]["resourceVersion"], scale["metadata"]["resourceVersion"])
        code, out = self.http("PATCH", path, [{"op": "replace", "path": "/spec/replicas",
                                               "value": 0}], "application/json-patch+json")
        self.assertEqual(code, 200, out)
        self.assertEqual(self.get("/apis/apps/v1/namespaces/default/deployments/pinned")
                         ["spec"]["replicas"], 0)
        code, _ = self.http("GET", "/apis/apps/v1/namespaces/default/deployments/nope/scale")
        self.assertEqual(code, 404)

    def test_replicasets_and_statefulsets_scale(self):
        selector = {"matchLabels": {"app": "db"},
                    "matchExpressions": [{"key": "tier", "operator": "In",
                                          "values": ["b", "a"]}]}
        template = {"metadata": {"labels": {"app": "db", "tier": "a"}},
                    "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
        self.create({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
                     "spec": {"replicas": 2, "selector": selector, "serviceName": "db",
                              "template": template}})
        self.create({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs"},
                     "spec": {"selector": selector, "template": template}})
        sts = self.get("/apis/apps/v1/namespaces/default/statefulsets/db/scale")
        self.assertEqual(sts["status"]["selector"], "app=db,tier in (a,b)")
        self.assertEqual(sts["spec"]["replicas"], 2)
        out = self.kubectl("scale", "statefulset/db", "--replicas=1").stdout
        self.assertEqual(out.strip(), "statefulset.apps/db scaled")
        self.assertEqual(self.get("/apis/apps/v1/namespaces/default/statefulsets/db")
                         ["spec"]["replicas"], 1)
        self.kubectl("scale", "rs/rs", "--replicas=4")
        self.assertEqual(self.get("/apis/apps/v1/namespaces/default/replicasets/rs/scale")
                         ["spec"]["replicas"], 4)

    # ---- binding ----

    def test_binding_assigns_the_node_once(self):
        self.pod("unbound")
        binding = {"apiVersion": "v1", "kind": "Binding",
                   "metadata": {"name": "unbound", "annotations": {"scheduler/at": "now"}},
                   "target": {"apiVersion": "v1", "kind": "Node", "name": "n1"}}
        code, out = self.http("POST", PODS + "unbound/binding", binding)
        self.assertEqual(code, 201, out)
        self.assertEqual(out["status"], "Success")
        pod = self.get(PODS + "unbound")
        self.assertEqual(pod["spec"]["nodeName"], "n1")
        self.assertEqual(pod["metadata"]["annotations"]["scheduler/at"], "now")
        scheduled = [c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled"]
        self.assertEqual(scheduled[0]["status"], "True")
        binding["target"]["name"] = "n2"
        code, out = self.http("POST", PODS + "unbound/binding", binding)
        self.assertEqual(code, 409)
        self.assertEqual(out["message"], 'Operation cannot be fulfilled on pods/binding "unbound": '
                                         'pod unbound is already assigned to node "n1"')
        self.assertEqual(self.get(PODS + "unbound")["spec"]["nodeName"], "n1")

    def test_binding_refuses_bad_requests(self):
        self.pod("picky")
        code, out = self.http("POST", PODS + "picky/binding",
                              {"apiVersion": "v1", "kind": "Binding",
                               "metadata": {"name": "other"},
                               "target": {"kind": "Node", "name": "n1"}})
        self.assertEqual(code, 400)
        self.assertEqual(out["message"], "name in URL does not match name in Binding object")
        code, out = self.http("POST", PODS + "picky/binding",
                              {"apiVersion": "v1", "kind": "Binding",
                               "metadata": {"name": "picky"}, "target": {"kind": "Node"}})
        self.assertEqual(code, 500)
        self.assertEqual(out["message"], "target.name: Required value")
        code, out = self.http("POST", PODS + "picky/binding",
                              {"apiVersion": "v1", "kind": "Binding",
                               "metadata": {"name": "picky", "uid": "not-the-pod"},
                               "target": {"kind": "Node", "name": "n1"}})
        self.assertEqual(code, 409)
        self.assertIn("Precondition failed: UID in precondition: not-the-pod", out["message"])
        code, _ = self.http("POST", PODS + "ghost/binding",
                            {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "ghost"},
                             "target": {"kind": "Node", "name": "n1"}})
        self.assertEqual(code, 404)
        self.assertNotIn("nodeName", self.get(PODS + "picky")["spec"])

    # ---- eviction ----

    def test_eviction_without_a_budget_deletes_gracefully(self):
        self.pod("free", labels={"app": "free"}, node="n1", phase="Running", ready=True)
        code, out = self.evict("free")
        self.assertEqual(code, 201, out)
        self.assertEqual(out["status"], "Success")
        pod = self.get(PODS + "free")
        self.assertEqual(pod["metadata"]["deletionGracePeriodSeconds"], 30)
        target = [c for c in pod["status"]["conditions"] if c["type"] == "DisruptionTarget"]
        self.assertEqual(target[0]["reason"], "EvictionByEvictionAPI")
        self.pod("pending-free")
        code, _ = self.evict("pending-free", {"deleteOptions": {"gracePeriodSeconds": 0}})
        self.assertEqual(code, 201)
        self.assertIsNone(self.get(PODS + "pending-free"))
        code, out = self.evict("free-mismatch")
        self.assertEqual(code, 404)

    def test_eviction_spends_the_budget_and_429s_when_none_is_left(self):
        labels = {"app": "guarded"}
        for name in ("g1", "g2"):
            self.pod(name, labels=labels, node="n1", phase="Running", ready=True)
        self.create({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                     "metadata": {"name": "guard"},
                     "spec": {"minAvailable": 1, "selector": {"matchLabels": labels}}})
        # No disruption controller has observed the budget yet: Kubernetes refuses.
        code, out = self.evict("g1")
        self.assertEqual(code, 429, out)
        self.assertEqual(out["reason"], "TooManyRequests")
        self.assertEqual(out["message"],
                         "Cannot evict pod as it would violate the pod's disruption budget.")
        self.assertEqual(out["details"]["causes"],
                         [{"reason": "DisruptionBudget",
                           "message": "The disruption budget guard is still being processed by "
                                      "the server."}])
        # The disruption controller's part, by hand.
        pdb = self.get(PDBS + "guard")
        pdb["status"] = {"observedGeneration": 1, "disruptionsAllowed": 1, "currentHealthy": 2,
                         "desiredHealthy": 1, "expectedPods": 2}
        code, out = self.http("PUT", PDBS + "guard/status", pdb)
        self.assertEqual(code, 200, out)
        code, out = self.evict("g1", {"deleteOptions": {"dryRun": ["All"]}})
        self.assertEqual(code, 201, out)
        self.assertEqual(self.get(PDBS + "guard")["status"]["disruptionsAllowed"], 1)
        self.assertNotIn("deletionTimestamp", self.get(PODS + "g1")["metadata"])
        code, out = self.evict("g1")
        self.assertEqual(code, 201, out)
        status = self.get(PDBS + "guard")["status"]
        self.assertEqual(status["disruptionsAllowed"], 0)
        self.assertIn("g1", status["disruptedPods"])
        allowed = [c for c in status["conditions"] if c["type"] == "DisruptionAllowed"]
        self.assertEqual((allowed[0]["status"], allowed[0]["reason"]), ("False", "InsufficientPods"))
        self.assertIn("deletionTimestamp", self.get(PODS + "g1")["metadata"])
        code, out = self.evict("g2")
        self.assertEqual(code, 429, out)
        self.assertEqual(out["details"]["causes"][0]["message"],
                         "The disruption budget guard needs 1 healthy pods and has 2 currently")
        self.assertNotIn("deletionTimestamp", self.get(PODS + "g2")["metadata"])
        # An unready pod of a healthy budget may go without spending anything.
        self.pod("g3", labels=labels, node="n1", phase="Running", ready=False)
        code, out = self.evict("g3")
        self.assertEqual(code, 201, out)
        self.assertIn("deletionTimestamp", self.get(PODS + "g3")["metadata"])

    def test_kubectl_drain_evicts_and_waits_for_the_pod_to_go(self):
        self.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "drained"}})
        self.pod("on-drained", labels={"app": "drained"}, node="drained", phase="Running",
                 ready=True)
        done = self.kubectl("drain", "drained", "--force", "--timeout=2s", check=False,
                            timeout=30)
        self.assertIn("evicting pod default/on-drained", done.stdout)
        self.assertIn("deletionTimestamp", self.get(PODS + "on-drained")["metadata"])
        self.assertTrue(self.get("/api/v1/nodes/drained")["spec"]["unschedulable"])


if __name__ == "__main__":
    main()
