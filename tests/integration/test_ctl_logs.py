#!/usr/bin/env python3
"""c8sctl logs against the real kubectl 1.32 (the harness of test_ctl_kubectl.py): pods with and
without a node, TYPE/NAME through the workload's selector, -l, the container choice and the
default-container annotation, the flags' query parameters (the request URLs of kubectl -v=6 and
c8sctl -v=6 must be the same), and kubectl's errors."""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest import free_port  # noqa: E402
from c8stest.runner import main  # noqa: E402

NS = "logs"


def pod(name, containers, labels=None, node=None, init=(), annotations=None):
    spec = {"containers": [{"name": c, "image": "busybox"} for c in containers]}
    if init:
        spec["initContainers"] = [{"name": c, "image": "busybox"} for c in init]
    if node:
        spec["nodeName"] = node
    meta = {"name": name, "namespace": NS, "labels": labels or {}}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


# kubectl -v=6: "round_trippers.go:560] GET URL 200 OK"; c8sctl -v=6: "method=GET url=URL".
KUBECTL_GET = re.compile(r"\] GET (\S+) \d{3}")
C8SCTL_GET = re.compile(r"method=GET url=(\S+)")


class CtlLogsTest(harness.CtlDiffCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dead_port = free_port()
        cls.run_one("kubectl", "create", "namespace", NS)
        objects = [
            pod("solo", ["a"], labels={"app": "web"}),
            pod("multi", ["a", "b"], labels={"app": "web"}, init=["i"]),
            pod("annotated", ["a", "b"], annotations={
                "kubectl.kubernetes.io/default-container": "b"}),
            pod("misannotated", ["a", "b"], annotations={
                "kubectl.kubernetes.io/default-container": "zz"}),
            pod("placed", ["a"], labels={"app": "placed"}, node="n1"),
            {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}},
            {"apiVersion": "apps/v1", "kind": "Deployment",
             "metadata": {"name": "web", "namespace": NS},
             "spec": {"selector": {"matchLabels": {"app": "web"}},
                      "template": {"metadata": {"labels": {"app": "web"}},
                                   "spec": {"containers": [{"name": "a", "image": "x"}]}}}},
            {"apiVersion": "apps/v1", "kind": "ReplicaSet",
             "metadata": {"name": "empty", "namespace": NS},
             "spec": {"selector": {"matchLabels": {"app": "none"},
                                   "matchExpressions": [{"key": "tier", "operator": "NotIn",
                                                         "values": ["b", "a"]}]},
                      "template": {"metadata": {"labels": {"app": "none"}},
                                   "spec": {"containers": [{"name": "a", "image": "x"}]}}}},
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "bare", "namespace": NS},
             "spec": {"ports": [{"port": 80}]}},
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm", "namespace": NS}},
        ]
        for obj in objects:
            cls.run_one("kubectl", "create", "-f", "-", stdin=json.dumps(obj))
        status = {"status": {"addresses": [{"type": "InternalIP", "address": "127.0.0.1"}],
                             "daemonEndpoints": {"kubeletEndpoint": {"Port": cls.dead_port}}}}
        cls.run_one("kubectl", "patch", "node", "n1", "--subresource=status", "--type=merge",
                    "-p", json.dumps(status))

    def logs(self, *args, compare_stderr=True):
        return self.both("-n", NS, "logs", *args, compare_stderr=compare_stderr)

    def urls(self, *args):
        """The GET URLs each tool sends for args (discovery left out), sorted: kubectl follows
        several logs in its map's random order."""
        found = {}
        for tool, pattern in (("kubectl", KUBECTL_GET), ("c8sctl", C8SCTL_GET)):
            done = self.run_one(tool, "-n", NS, "logs", "-v=6", *args, check=False)
            # a write between the two runs moves the revision a pod-running watch starts at
            urls = [re.sub(r"resourceVersion=\d+", "resourceVersion=<rv>", u)
                    for u in pattern.findall(done.stderr) if f"/namespaces/{NS}/" in u]
            found[tool] = sorted(urls)
        self.assertEqual(found["kubectl"], found["c8sctl"], " ".join(args))
        self.assertTrue(found["kubectl"], "no requests seen")
        return found["kubectl"]

    def test_pods_without_a_node_have_empty_logs(self):
        self.logs("solo")
        self.logs("multi")
        self.logs("multi", "-c", "b")
        self.logs("multi", "i")
        self.logs("annotated")
        self.logs("misannotated")
        self.logs("multi", "--all-containers", "--prefix")

    def test_container_errors(self):
        self.logs("multi", "-c", "zz")
        self.logs("multi", "x", "-c", "b")
        self.logs("multi", "--all-containers", "-c", "a")

    def test_placed_pod_reports_the_unreachable_kubelet(self):
        rc, _, err = self.logs("placed")
        self.assertEqual(rc, 1)
        self.assertIn("connection refused", err)
        self.logs("placed", "--ignore-errors")
        self.logs("-l", "app=placed", "--ignore-errors", "--prefix")

    def test_query_parameters_match(self):
        self.urls("placed", "--tail=3", "--timestamps", "--since=90s", "--limit-bytes=100",
                  "-p", "-f", "--insecure-skip-tls-verify-backend")
        urls = self.urls("solo", "--since-time=2024-01-01T00:00:00+02:00", "--tail=0")
        self.assertTrue(any("sinceTime=2023-12-31T22%3A00%3A00Z" in u for u in urls), urls)
        self.urls("multi", "--all-containers")
        self.urls("-l", "app=web", "--tail=4", "--all-containers")
        self.urls("deploy/web")
        self.urls("deployment/web", "--all-pods")

    def test_workloads_use_their_selector(self):
        self.logs("deploy/web")
        self.logs("deploy/web", "--all-pods")
        self.logs("deploy/web", "-c", "b")
        self.logs("svc/bare")
        self.logs("cm/cm")
        self.logs("rs/empty", "--pod-running-timeout=1s")
        urls = self.urls("rs/empty", "--pod-running-timeout=1s")
        self.assertTrue(any("labelSelector=app%3Dnone%2Ctier+notin+%28a%2Cb%29" in u
                            for u in urls), urls)

    def test_selectors(self):
        self.logs("-l", "app=web")
        self.logs("-l", "app=nothing")
        self.logs("-l", "app=web", "-f", "--max-log-requests=1")

    def test_errors(self):
        self.logs()
        self.logs("a", "b", "c")
        self.logs("-l", "app=web", "solo")
        self.logs("nope")
        self.logs("deploy/nope")
        self.logs("nope/x")
        self.logs("solo", "--since=1h", "--since-time=2024-01-01T00:00:00Z")
        self.logs("solo", "--since-time=yesterday")
        self.logs("solo", "--tail=-2")
        self.logs("solo", "--limit-bytes=-1")
        self.logs("nope", "--tail=-2")


if __name__ == "__main__":
    main()
