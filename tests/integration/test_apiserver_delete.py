#!/usr/bin/env python3
"""Deletion against a real c8s-apiserver and c8s-store, with the real kubectl: graceful pod
deletion (--grace-period, --force, the kubelet's final grace-0 delete), --cascade and each
type's default propagation, the finalizer protocol, preconditions, dry runs, DeleteOptions in
JSON, protobuf and query form, and deletecollection with selectors.
"""

import calendar
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest.apitest import ApiserverCase  # noqa: E402
from c8stest.proc import wait_for  # noqa: E402
from c8stest.runner import main  # noqa: E402


def parse_time(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def varint(n):
    out = b""
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def protobuf_delete_options(grace):
    """DeleteOptions{gracePeriodSeconds} in Kubernetes' protobuf envelope, as client-go sends."""
    options = varint(1 << 3) + varint(grace)
    type_meta = field(1, b"v1") + field(2, b"DeleteOptions")
    return b"k8s\x00" + field(1, type_meta) + field(2, options)


class DeleteTest(ApiserverCase):
    # ---- helpers ----

    def pod(self, name, node=None, labels=None, grace=None, finalizers=None):
        spec = {"containers": [{"name": "c", "image": "busybox"}]}
        if node:
            spec["nodeName"] = node
        if grace is not None:
            spec["terminationGracePeriodSeconds"] = grace
        meta = {"name": name, "labels": labels or {}}
        if finalizers:
            meta["finalizers"] = finalizers
        self.create({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec})

    # ---- graceful deletion ----

    def test_pod_on_a_node_is_deleted_gracefully_and_only_a_shorter_grace_counts(self):
        self.pod("graceful", node="n1", grace=45)
        before = time.time()
        out = self.kubectl("delete", "pod", "graceful", "--wait=false").stdout
        self.assertEqual(out.strip(), 'pod "graceful" deleted')
        pod = self.get("/api/v1/namespaces/default/pods/graceful")
        self.assertEqual(pod["metadata"]["deletionGracePeriodSeconds"], 45)
        due = parse_time(pod["metadata"]["deletionTimestamp"])
        self.assertGreaterEqual(due, int(before) + 44)
        self.assertLessEqual(due, int(time.time()) + 46)
        # A longer grace period changes nothing; a shorter one moves the deadline.
        self.kubectl("delete", "pod", "graceful", "--grace-period=90", "--wait=false")
        again = self.get("/api/v1/namespaces/default/pods/graceful")
        self.assertEqual(again["metadata"]["deletionGracePeriodSeconds"], 45)
        self.assertEqual(again["metadata"]["deletionTimestamp"], pod["metadata"]["deletionTimestamp"])
        self.kubectl("delete", "pod", "graceful", "--grace-period=10", "--wait=false")
        shorter = self.get("/api/v1/namespaces/default/pods/graceful")
        self.assertEqual(shorter["metadata"]["deletionGracePeriodSeconds"], 10)
        self.assertEqual(parse_time(shorter["metadata"]["deletionTimestamp"]), due - 35)
        # The kubelet's final delete (grace 0, in protobuf as client-go sends it) removes it and
        # answers the pod's last state.
        code, last = self.http("DELETE", "/api/v1/namespaces/default/pods/graceful",
                               protobuf_delete_options(0),
                               "application/vnd.kubernetes.protobuf")
        self.assertEqual(code, 200, last)
        self.assertEqual(last["kind"], "Pod")
        self.assertEqual(last["metadata"]["deletionGracePeriodSeconds"], 0)
        self.assertIsNone(self.get("/api/v1/namespaces/default/pods/graceful"))

    def test_default_grace_is_thirty_seconds_and_query_parameters_set_it(self):
        self.pod("default-grace", node="n1")
        self.kubectl("delete", "pod", "default-grace", "--wait=false")
        pod = self.get("/api/v1/namespaces/default/pods/default-grace")
        self.assertEqual(pod["metadata"]["deletionGracePeriodSeconds"], 30)
        self.pod("query-grace", node="n1")
        code, out = self.http("DELETE",
                              "/api/v1/namespaces/default/pods/query-grace?gracePeriodSeconds=7")
        self.assertEqual(code, 200, out)
        self.assertEqual(out["metadata"]["deletionGracePeriodSeconds"], 7)
        code, out = self.http("DELETE",
                              "/api/v1/namespaces/default/pods/query-grace?gracePeriodSeconds=x")
        self.assertEqual(code, 400)
        self.assertEqual(out["message"], 'strconv.ParseInt: parsing "x": invalid syntax')
        for name in ("default-grace", "query-grace"):
            self.kubectl("delete", "pod", name, "--grace-period=0", "--force")
            self.assertIsNone(self.get(f"/api/v1/namespaces/default/pods/{name}"))

    def test_unscheduled_and_finished_pods_go_at_once(self):
        self.pod("pending")
        out = self.kubectl("delete", "pod", "pending", timeout=20).stdout
        self.assertEqual(out.strip(), 'pod "pending" deleted')
        self.assertIsNone(self.get("/api/v1/namespaces/default/pods/pending"))
        self.pod("finished", node="n1")
        pod = self.get("/api/v1/namespaces/default/pods/finished")
        pod["status"] = {"phase": "Succeeded"}
        code, _ = self.http("PUT", "/api/v1/namespaces/default/pods/finished/status", pod)
        self.assertEqual(code, 200)
        self.kubectl("delete", "pod", "finished", timeout=20)
        self.assertIsNone(self.get("/api/v1/namespaces/default/pods/finished"))

    def test_force_deletes_a_scheduled_pod_now(self):
        self.pod("forced", node="n1", grace=300)
        done = self.kubectl("delete", "pod", "forced", "--grace-period=0", "--force")
        self.assertIn('pod "forced" force deleted', done.stdout)
        self.assertIsNone(self.get("/api/v1/namespaces/default/pods/forced"))

    def test_pod_with_a_finalizer_waits_for_it_after_the_kubelet(self):
        self.pod("held", node="n1", finalizers=["example.com/hold"])
        self.kubectl("delete", "pod", "held", "--wait=false")
        code, out = self.http("DELETE", "/api/v1/namespaces/default/pods/held",
                              {"gracePeriodSeconds": 0})
        self.assertEqual(code, 200)
        held = self.get("/api/v1/namespaces/default/pods/held")
        self.assertEqual(held["metadata"]["deletionGracePeriodSeconds"], 0)
        self.kubectl("patch", "pod", "held", "--type=json",
                     "-p", '[{"op":"remove","path":"/metadata/finalizers"}]')
        self.assertIsNone(self.get("/api/v1/namespaces/default/pods/held"))

    # ---- propagation and finalizers ----

    def deployment(self, name):
        self.kubectl("create", "deployment", name, "--image=nginx", "--replicas=1")

    def test_cascade_orphan_and_foreground_leave_finalizers_background_deletes(self):
        base = "/apis/apps/v1/namespaces/default/deployments/"
        for cascade, finalizer in (("orphan", "orphan"), ("foreground", "foregroundDeletion")):
            name = f"cascade-{cascade}"
            self.deployment(name)
            out = self.kubectl("delete", "deploy", name, f"--cascade={cascade}",
                               "--wait=false").stdout
            self.assertEqual(out.strip(), f'deployment.apps "{name}" deleted')
            obj = self.get(base + name)
            self.assertEqual(obj["metadata"]["finalizers"], [finalizer])
            self.assertEqual(obj["metadata"]["deletionGracePeriodSeconds"], 0)
            self.assertIn("deletionTimestamp", obj["metadata"])
            self.assertEqual(obj["metadata"]["generation"], 2)
            # The garbage collector's part: dropping the finalizer completes the deletion.
            self.kubectl("patch", "deploy", name, "--type=merge",
                         "-p", '{"metadata":{"finalizers":null}}')
            self.assertIsNone(self.get(base + name))
        self.deployment("cascade-background")
        code, out = self.http("DELETE", base + "cascade-background",
                              {"kind": "DeleteOptions", "apiVersion": "v1",
                               "propagationPolicy": "Background"})
        self.assertEqual(code, 200)
        self.assertEqual(out["kind"], "Status")
        self.assertEqual(out["status"], "Success")
        self.assertEqual(out["details"]["kind"], "deployments")
        self.assertEqual(out["details"]["group"], "apps")
        self.assertEqual(out["details"]["name"], "cascade-background")
        self.assertIsNone(self.get(base + "cascade-background"))

    def test_jobs_orphan_by_default_deployments_do_not(self):
        self.kubectl("create", "job", "legacy", "--image=busybox")
        code, _ = self.http("DELETE", "/apis/batch/v1/namespaces/default/jobs/legacy")
        self.assertEqual(code, 200)
        job = self.get("/apis/batch/v1/namespaces/default/jobs/legacy")
        self.assertEqual(job["metadata"]["finalizers"], ["orphan"])
        # Deleting again with Background drops the orphan finalizer and the job goes.
        self.kubectl("delete", "job", "legacy", "--cascade=background", "--wait=false")
        self.assertIsNone(self.get("/apis/batch/v1/namespaces/default/jobs/legacy"))
        self.deployment("plain")
        code, _ = self.http("DELETE", "/apis/apps/v1/namespaces/default/deployments/plain")
        self.assertEqual(code, 200)
        self.assertIsNone(self.get("/apis/apps/v1/namespaces/default/deployments/plain"))

    def test_orphan_dependents_false_deletes_dependents_in_background_and_202s_a_stayer(self):
        # The deprecated orphanDependents=false asks for neither GC finalizer: a plain object
        # goes at once; one held by another finalizer stays and the answer is 202 Accepted.
        self.kubectl("create", "configmap", "plain-orphan-false")
        code, out = self.http("DELETE", "/api/v1/namespaces/default/configmaps/plain-orphan-false",
                              {"orphanDependents": False})
        self.assertEqual(code, 200, out)
        self.assertIsNone(self.get("/api/v1/namespaces/default/configmaps/plain-orphan-false"))
        self.create({"apiVersion": "v1", "kind": "ConfigMap",
                     "metadata": {"name": "accepted", "finalizers": ["example.com/keep"]}})
        code, out = self.http("DELETE", "/api/v1/namespaces/default/configmaps/accepted",
                              {"orphanDependents": False})
        self.assertEqual(code, 202, out)
        self.assertEqual(out["metadata"]["finalizers"], ["example.com/keep"])
        self.kubectl("patch", "cm", "accepted", "--type=merge",
                     "-p", '{"metadata":{"finalizers":null}}')
        self.assertIsNone(self.get("/api/v1/namespaces/default/configmaps/accepted"))

    def test_finalizers_hold_an_object_until_the_last_is_removed(self):
        self.create({"apiVersion": "v1", "kind": "ConfigMap",
                     "metadata": {"name": "held", "finalizers": ["a.example.com/x",
                                                                 "b.example.com/y"]}})
        self.kubectl("delete", "cm", "held", "--wait=false")
        cm = self.get("/api/v1/namespaces/default/configmaps/held")
        stamp = cm["metadata"]["deletionTimestamp"]
        # Deleting again keeps the first deletionTimestamp.
        code, again = self.http("DELETE", "/api/v1/namespaces/default/configmaps/held")
        self.assertEqual(code, 200)
        self.assertEqual(again["metadata"]["deletionTimestamp"], stamp)
        self.kubectl("patch", "cm", "held", "--type=json",
                     "-p", '[{"op":"remove","path":"/metadata/finalizers/0"}]')
        self.assertIsNotNone(self.get("/api/v1/namespaces/default/configmaps/held"))
        self.kubectl("patch", "cm", "held", "--type=json",
                     "-p", '[{"op":"remove","path":"/metadata/finalizers/0"}]')
        self.assertIsNone(self.get("/api/v1/namespaces/default/configmaps/held"))

    # ---- options ----

    def test_preconditions_conflict_with_kubernetes_wording(self):
        self.kubectl("create", "configmap", "guarded")
        cm = self.get("/api/v1/namespaces/default/configmaps/guarded")
        uid, rv = cm["metadata"]["uid"], cm["metadata"]["resourceVersion"]
        code, out = self.http("DELETE", "/api/v1/namespaces/default/configmaps/guarded",
                              {"preconditions": {"uid": "not-it"}})
        self.assertEqual(code, 409)
        self.assertEqual(out["reason"], "Conflict")
        self.assertEqual(out["message"],
                         f'Operation cannot be fulfilled on ConfigMap "guarded": the UID in the '
                         f'precondition (not-it) does not match the UID in record ({uid}). The '
                         f'object might have been deleted and then recreated')
        code, out = self.http("DELETE", "/api/v1/namespaces/default/configmaps/guarded",
                              {"preconditions": {"resourceVersion": "1"}})
        self.assertEqual(code, 409)
        self.assertEqual(out["message"],
                         f'Operation cannot be fulfilled on ConfigMap "guarded": the '
                         f'ResourceVersion in the precondition (1) does not match the '
                         f'ResourceVersion in record ({rv}). The object might have been modified')
        code, out = self.http("DELETE", "/api/v1/namespaces/default/configmaps/guarded",
                              {"preconditions": {"uid": uid, "resourceVersion": rv}})
        self.assertEqual(code, 200, out)
        self.assertEqual(out["details"]["uid"], uid)
        self.assertIsNone(self.get("/api/v1/namespaces/default/configmaps/guarded"))

    def test_invalid_options_are_refused(self):
        self.kubectl("create", "configmap", "options")
        path = "/api/v1/namespaces/default/configmaps/options"
        code, out = self.http("DELETE", path, {"propagationPolicy": "Sideways"})
        self.assertEqual(code, 422)
        self.assertEqual(out["message"],
                         'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported '
                         'value: "Sideways": supported values: "Foreground", "Background", '
                         '"Orphan", "nil"')
        code, out = self.http("DELETE", path, {"propagationPolicy": "Orphan",
                                               "orphanDependents": True})
        self.assertEqual(code, 422)
        self.assertIn("orphanDependents and deletionPropagation cannot be both set",
                      out["message"])
        code, out = self.http("DELETE", path, {"gracePeriodSeconds": "soon"})
        self.assertEqual(code, 400)
        self.assertIsNotNone(self.get(path))

    def test_dry_run_changes_nothing(self):
        self.kubectl("create", "configmap", "dry")
        done = self.kubectl("delete", "cm", "dry", "--dry-run=server")
        self.assertIn('configmap "dry" deleted (server dry run)', done.stdout)
        code, _ = self.http("DELETE", "/api/v1/namespaces/default/configmaps/dry?dryRun=All")
        self.assertEqual(code, 200)
        self.assertIsNotNone(self.get("/api/v1/namespaces/default/configmaps/dry"))

    def test_delete_collection_with_selector_and_options(self):
        for i in range(3):
            self.kubectl("create", "configmap", f"coll-{i}")
            self.kubectl("label", "configmap", f"coll-{i}", f"tier={'a' if i < 2 else 'b'}")
        code, out = self.http("DELETE", "/api/v1/namespaces/default/configmaps?labelSelector=tier%3Da",
                              {"propagationPolicy": "Orphan"})
        self.assertEqual(code, 200, out)
        self.assertEqual(sorted(i["metadata"]["name"] for i in out["items"]), ["coll-0", "coll-1"])
        for i in range(2):
            cm = self.get(f"/api/v1/namespaces/default/configmaps/coll-{i}")
            self.assertEqual(cm["metadata"]["finalizers"], ["orphan"])
        code, out = self.http("DELETE",
                              "/api/v1/namespaces/default/configmaps?labelSelector=tier%3Db")
        self.assertEqual(code, 200)
        self.assertIsNone(self.get("/api/v1/namespaces/default/configmaps/coll-2"))

    def test_namespace_goes_terminating_and_stays_while_spec_finalizers_remain(self):
        self.kubectl("create", "namespace", "ending")
        self.kubectl("delete", "namespace", "ending", "--wait=false")
        ns = self.get("/api/v1/namespaces/ending")
        self.assertEqual(ns["status"]["phase"], "Terminating")
        code, again = self.http("DELETE", "/api/v1/namespaces/ending")
        self.assertEqual(code, 200)
        self.assertEqual(again["metadata"]["deletionTimestamp"], ns["metadata"]["deletionTimestamp"])
        self.assertEqual(again["spec"]["finalizers"], ["kubernetes"])

    def test_kubectl_waits_for_a_graceful_delete_to_finish(self):
        self.pod("awaited", node="n1")
        # The "kubelet" finishes the deletion once kubectl is waiting.
        env = dict(os.environ, HOME=self.api.dir, KUBECONFIG=os.path.join(self.api.dir, "none"))
        waiting = subprocess.Popen(["kubectl", "--server", self.api.server, "delete", "pod",
                                    "awaited", "--timeout=20s"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env=env)
        try:
            wait_for(lambda: "deletionTimestamp" in (self.get(
                "/api/v1/namespaces/default/pods/awaited") or {}).get("metadata", {}),
                10.0, what="graceful deletion started")
            code, _ = self.http("DELETE", "/api/v1/namespaces/default/pods/awaited",
                                {"gracePeriodSeconds": 0})
            self.assertEqual(code, 200)
            out, err = waiting.communicate(timeout=25)
        finally:
            if waiting.poll() is None:
                waiting.kill()
                waiting.wait()
        self.assertEqual(waiting.returncode, 0, err)
        self.assertEqual(out.strip(), 'pod "awaited" deleted')


if __name__ == "__main__":
    main()
