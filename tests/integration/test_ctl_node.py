#!/usr/bin/env python3
"""c8sctl cordon, uncordon, taint and drain against the real kubectl 1.32 (the harness of
test_ctl_kubectl.py). Nodes are cluster-wide, so each case makes twin nodes named like its twin
namespaces (drain-k for kubectl, drain-c for c8sctl) and binds pods to them with spec.nodeName;
"NS" in a command line names both the namespace and the node. No kubelet runs: evicted pods
only go away with --grace-period=0 or when finished; the waits are cut by small --timeouts."""

import json
import os
import concurrent.futures
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest import make_temp_dir, wait_for  # noqa: E402
from c8stest.apiserver import LocalApiserver, missing_for_kubectl_tests  # noqa: E402
from c8stest.runner import main  # noqa: E402

RS_OWNER = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "controller": True,
            "uid": "11111111-1111-1111-1111-111111111111"}
DS_OWNER = {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "ds", "controller": True,
            "uid": "22222222-2222-2222-2222-222222222222"}
DAEMONSET = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "ds"},
             "spec": {"selector": {"matchLabels": {"a": "b"}},
                      "template": {"metadata": {"labels": {"a": "b"}},
                                   "spec": {"containers": [{"name": "c", "image": "x"}]}}}}


def pod(name, owner=None, labels=None, annotations=None, empty_dir=False):
    meta = {"name": name}
    if owner:
        meta["ownerReferences"] = [owner]
    if labels:
        meta["labels"] = labels
    if annotations:
        meta["annotations"] = annotations
    spec = {"nodeName": "NODE", "containers": [{"name": "c", "image": "x"}]}
    if empty_dir:
        spec["volumes"] = [{"name": "v", "emptyDir": {}}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


class NodeCommandsAgainstKubectl(harness.CtlDiffCase):
    @classmethod
    def setUpClass(cls):
        # the harness's apiserver and kubeconfig, without the shared objects nothing here reads
        reason = missing_for_kubectl_tests() or (harness.binary("c8sctl") is None and
                                                 "c8sctl is not built")
        if reason:
            raise unittest.SkipTest(reason)
        cls.api = LocalApiserver().start()
        cls.dir = make_temp_dir("c8stest-ctl-node-")
        cls.server = cls.api.server
        cls.kubeconfig = cls.write_config("config", "main")

    def kubectl(self, *args, stdin=None):
        done = self.run_one("kubectl", *args, stdin=stdin, check=False)
        self.assertEqual(done.returncode, 0, f"kubectl {args}: {done.stderr}")
        return done.stdout

    def twin_nodes(self, prefix, objects=(), spec=None, extra_nodes=0):
        """Namespaces prefix-k and prefix-c, a node of the same name for each (labelled
        pool=<name>, plus extra_nodes more named <name>-2...), and the objects (pods are bound
        to the node) in each namespace."""
        for name in (f"{prefix}-k", f"{prefix}-c"):
            self.run_one("kubectl", "create", "namespace", name, check=False)
            for node in [name] + [f"{name}-{i + 2}" for i in range(extra_nodes)]:
                manifest = {"apiVersion": "v1", "kind": "Node",
                            "metadata": {"name": node, "labels": {"pool": name}},
                            "spec": spec or {}}
                self.kubectl("create", "-f", "-", stdin=json.dumps(manifest))
            for obj in objects:
                text = json.dumps(obj).replace("NODE", name)
                self.kubectl("-n", name, "create", "-f", "-", stdin=text)

    def pods(self, ns):
        return sorted(self.kubectl("-n", ns, "get", "pods", "-o",
                                   "jsonpath={.items[*].metadata.name}").split())

    def node_field(self, name, path):
        return self.kubectl("get", "node", name, "-o", f"jsonpath={path}")

    def both_each(self, cases, twin):
        """both() for command lines that change nothing, several at a time; returns kubectl's
        exit codes."""
        def run(args):
            try:
                return self.both(*args, twin=twin), None
            except AssertionError as e:
                return None, e
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            outcomes = list(pool.map(run, cases))
        for args, (result, failure) in zip(cases, outcomes):
            with self.subTest(args=args):
                if failure is not None:
                    raise failure
        return [result[0] for result, _ in outcomes if result is not None]

    def spawn_both(self, *args, twin):
        """Starts the command line through kubectl and c8sctl on their twins at once; returns
        (namespace, process) pairs."""
        procs = []
        for tool in ("kubectl", "c8sctl"):
            ns = f"{twin}-k" if tool == "kubectl" else f"{twin}-c"
            exe = "kubectl" if tool == "kubectl" else harness.binary("c8sctl")
            env = dict(os.environ, HOME=self.dir, KUBECONFIG=self.kubeconfig)
            argv = [exe, "-n", ns, *[a.replace("NS", ns) for a in args]]
            procs.append((ns, subprocess.Popen(argv, stdout=subprocess.PIPE,
                                               stderr=subprocess.PIPE, text=True, env=env)))
        return procs

    def finish_both(self, procs, label, stderr_head=("", "")):
        """Waits for spawn_both's processes and asserts the same normalised outcome."""
        results = []
        for (ns, p), head in zip(procs, stderr_head):
            out, err = p.communicate(timeout=60)
            results.append((p.returncode, self.normalise(out, ns), self.normalise(head + err, ns)))
        self.assertEqual(results[0][1], results[1][1], f"stdout of `{label}`")
        self.assertEqual(results[0][2], results[1][2], f"stderr of `{label}`")
        self.assertEqual(results[0][0], results[1][0], f"exit code of `{label}`")
        return results[0]

    def both_parallel(self, *args, twin):
        """Like both(), with the two tools running at the same time (for the slow paths)."""
        return self.finish_both(self.spawn_both(*args, twin=twin), " ".join(args))

    # ---- cordon and uncordon ----

    def test_cordon_and_uncordon_patch_the_node_like_kubectl(self):
        self.twin_nodes("cordon")
        for args in (["cordon"], ["cordon", "NS", "-l", "pool=NS"],
                     ["cordon", "NS", "--dry-run=foo"], ["cordon", "NS", "nope"],
                     ["cordon", "pod/nope"], ["cordon", "NS", "--dry-run=server"]):
            with self.subTest(args=args):
                self.both(*args, twin="cordon")
        for name in ("cordon-k", "cordon-c"):
            self.assertEqual(self.node_field(name, "{.spec.unschedulable}"), "")
        for args in (["cordon", "NS"], ["cordon", "node/NS", "--dry-run=server"],
                     ["uncordon", "NS", "--dry-run=client"]):
            with self.subTest(args=args):
                self.both(*args, twin="cordon")
        for name in ("cordon-k", "cordon-c"):
            self.assertEqual(self.node_field(name, "{.spec.unschedulable}"), "true")
        for args in (["uncordon", "NS"], ["cordon", "-l", "pool=NS"],
                     ["uncordon", "-l", "pool=nothing"], ["cordon", "-l", "bad sel"]):
            with self.subTest(args=args):
                self.both(*args, twin="cordon")
        for name in ("cordon-k", "cordon-c"):
            self.assertEqual(self.node_field(name, "{.spec.unschedulable}"), "true")

    # ---- taint ----

    def test_taint_adds_replaces_and_removes_like_kubectl(self):
        self.twin_nodes("taint", spec={"taints": [{"key": "a", "value": "x",
                                                    "effect": "NoSchedule"}]})
        for args in (["taint", "node", "NS", "a=y:NoSchedule"],
                     ["taint", "node", "NS", "a=y:NoSchedule", "--overwrite"],
                     ["taint", "node", "NS", "b:NoExecute", "c=1:PreferNoSchedule"],
                     ["taint", "nodes", "NS", "c=2:PreferNoSchedule", "c:NoExecute"],
                     ["taint", "no", "NS", "c:PreferNoSchedule-"],
                     ["taint", "node", "NS", "zz-", "yy:NoSchedule-"],
                     ["taint", "Node", "NS", "d=v:NoSchedule", "c-"],
                     ["taint", "node", "NS", "e:NoSchedule", "--dry-run=server", "-o", "name"],
                     ["taint", "node", "NS", "e:NoSchedule", "-o", "yaml"],
                     ["taint", "node", "NS", "e-", "--dry-run=client", "-o", "json"],
                     ["taint", "node", "-l", "pool=NS", "f:NoSchedule"],
                     ["taint", "node", "NS", "nope", "f:NoSchedule"],
                     ["taint", "node", "-l", "pool=nothing", "f:NoSchedule"],
                     ["taint", "node", "--all", "never-there-"],
                     ["taint", "node", "NS", "a-", "b-", "d-", "e-", "f-", "g-"]):
            with self.subTest(args=args):
                self.both(*args, twin="taint")
        self.assertEqual(self.node_field("taint-k", "{.spec.taints}"),
                         self.node_field("taint-c", "{.spec.taints}"))
        # NodeSpec.taints has no merge key: removing one of several replaces the list.
        self.both("taint", "node", "NS", "x:NoSchedule", "y:NoSchedule", "z:NoSchedule",
                  twin="taint")
        before = self.node_field("taint-c", "{.spec.taints[*].key}").split()
        self.assertIn("y", before)
        self.both("taint", "node", "NS", "y-", twin="taint")
        for node in ("taint-k", "taint-c"):
            self.assertEqual(self.node_field(node, "{.spec.taints[*].key}").split(),
                             [k for k in before if k != "y"])
        self.twin_nodes("taint1", spec={"taints": [{"key": "a", "effect": "NoSchedule"}]})
        self.both("taint", "node", "NS", "a-", twin="taint1")  # the last one: taints: null
        self.assertEqual(self.node_field("taint1-c", "{.spec.taints}"), "")

    def test_taint_rejects_what_kubectl_rejects(self):
        self.twin_nodes("taintbad")
        cases = (["taint", "node", "NS"], ["taint", "node", "k=v:NoSchedule"],
                 ["taint", "node", "NS", "k=v:Bad"], ["taint", "node", "NS", "k=v"],
                 ["taint", "node", "NS", "k=a=b:NoSchedule"], ["taint", "node", "NS", "k:a:b"],
                 ["taint", "node", "NS", "k=-x:NoSchedule"],
                 ["taint", "node", "NS", "k=1:NoSchedule", "k=2:NoSchedule"],
                 ["taint", "node", "NS", "k=1:NoSchedule", "k:NoSchedule-", "j:NoExecute"],
                 ["taint", "node", "NS", "k:NoSchedule", "other"],
                 ["taint", "NS", "k:NoSchedule"], ["taint", "pods", "NS", "k:NoSchedule"],
                 ["taint", "nosuch", "NS", "k:NoSchedule"],
                 ["taint", "node/NS", "k:NoSchedule"],
                 ["taint", "node", "--all", "-l", "a=b", "k:NoSchedule"],
                 ["taint", "node", "nope", "k:NoSchedule"])
        self.assertEqual(set(self.both_each(cases, "taintbad")), {1})
        self.assertEqual(self.node_field("taintbad-c", "{.spec.taints}"), "")

    # ---- drain ----

    def test_drain_usage_errors_match_kubectl(self):
        self.twin_nodes("drainuse")
        cases = (["drain"], ["drain", "NS", "-l", "pool=NS"],
                 ["drain", "NS", "--pod-selector=a b"], ["drain", "NS", "--timeout=abc"],
                 ["drain", "NS", "nope"])
        self.assertEqual(set(self.both_each(cases, "drainuse")), {1})
        self.assertEqual(self.node_field("drainuse-c", "{.spec.unschedulable}"), "")

    def test_drain_filters_refuse_and_warn_like_kubectl(self):
        self.twin_nodes("drainf", [pod("bare")])
        self.both("drain", "NS", twin="drainf")  # cordons, then refuses the bare pod
        self.assertEqual(self.node_field("drainf-c", "{.spec.unschedulable}"), "true")
        self.both("drain", "NS", "--force", "--dry-run=client", twin="drainf")
        self.both("drain", "NS", "--pod-selector=x=y", twin="drainf")

        self.twin_nodes("drainds", [pod("dsp", owner=DS_OWNER)])
        self.both("drain", "NS", "--ignore-daemonsets", twin="drainds")  # its DaemonSet is gone
        self.both("drain", "NS", "--force", "--dry-run=client", twin="drainds")
        for ns in ("drainds-k", "drainds-c"):
            self.kubectl("-n", ns, "create", "-f", "-", stdin=json.dumps(DAEMONSET))
        self.both("drain", "NS", twin="drainds")
        self.both("drain", "NS", "--ignore-daemonsets", twin="drainds")

        self.twin_nodes("draine", [pod("ed", owner=RS_OWNER, empty_dir=True),
                                   pod("mirror", annotations={"kubernetes.io/config.mirror": "x"})])
        self.both("drain", "NS", twin="draine")
        self.both("drain", "NS", "--delete-emptydir-data", "--dry-run=client", twin="draine")

    def test_drain_evicts_and_waits_for_the_pods(self):
        self.twin_nodes("drainev", [pod("one", owner=RS_OWNER, labels={"app": "one"}),
                                    pod("done"), pod("keep", owner=RS_OWNER, labels={"app": "keep"})],
                        extra_nodes=1)
        for ns in ("drainev-k", "drainev-c"):
            # a finished pod needs neither --force nor a grace period: it goes at once
            self.kubectl("-n", ns, "patch", "pod", "done", "--subresource=status", "--type=merge",
                         "-p", '{"status":{"phase":"Succeeded"}}')
        self.both("drain", "NS", "--pod-selector=app=one", "--dry-run=server",
                  "--grace-period=0", twin="drainev")
        self.assertEqual(self.pods("drainev-c"), ["done", "keep", "one"])
        self.both("drain", "NS", "--pod-selector=app=one", "--grace-period=0",
                  "--chunk-size=1", twin="drainev")
        self.both("drain", "NS", "--pod-selector=!app,!x", twin="drainev")
        self.assertEqual(self.pods("drainev-c"), ["keep"])
        self.both("drain", "-l", "pool=NS", "--disable-eviction", "--grace-period=0",
                  twin="drainev")
        self.assertEqual(self.pods("drainev-c"), [])
        self.both("uncordon", "-l", "pool=NS", twin="drainev")

    def test_drain_gives_up_at_the_timeout(self):
        self.twin_nodes("draint", [pod("slow", owner=RS_OWNER)])
        started = time.monotonic()
        self.both_parallel("drain", "NS", "--timeout=1500ms", twin="draint")
        self.assertLess(time.monotonic() - started, 10)
        # still terminating: no kubelet confirms the graceful delete
        for ns in ("draint-k", "draint-c"):
            stamp = self.kubectl("-n", ns, "get", "pod", "slow", "-o",
                                 "jsonpath={.metadata.deletionTimestamp}")
            self.assertNotEqual(stamp, "")
        self.both_parallel("drain", "NS", "--disable-eviction", "--timeout=1s", twin="draint")

    def test_drain_skips_pods_terminating_for_long(self):
        self.twin_nodes("drains", [pod("old", owner=RS_OWNER)])
        for ns in ("drains-k", "drains-c"):
            self.kubectl("-n", ns, "delete", "pod", "old", "--grace-period=1", "--wait=false")

        def terminating_for_two_seconds():
            stamp = self.kubectl("-n", "drains-c", "get", "pod", "old", "-o",
                                 "jsonpath={.metadata.deletionTimestamp}")
            since = time.time() - time.mktime(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")) + \
                time.mktime(time.gmtime(0))
            return since > 2.5
        wait_for(terminating_for_two_seconds, 10.0, what="a pod terminating for 2 s")
        self.both("drain", "NS", "--skip-wait-for-delete-timeout=1", twin="drains")

    def test_drain_retries_while_a_disruption_budget_refuses(self):
        budget = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                  "metadata": {"name": "pdb"},
                  "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "g"}}}}
        self.twin_nodes("drainp", [pod("guarded", owner=RS_OWNER, labels={"app": "g"}),
                                   budget])
        for ns in ("drainp-k", "drainp-c"):
            self.kubectl("-n", ns, "patch", "pod", "guarded", "--subresource=status",
                         "--type=merge", "-p", '{"status":{"phase":"Running","conditions":'
                         '[{"type":"Ready","status":"True"}]}}')
            self.kubectl("-n", ns, "patch", "pdb", "pdb", "--subresource=status", "--type=merge",
                         "-p", '{"status":{"observedGeneration":1,"disruptionsAllowed":0,'
                         '"currentHealthy":1,"desiredHealthy":1,"expectedPods":1}}')
        # refused, retried after 5 s, then the global timeout
        self.both_parallel("drain", "NS", "--grace-period=0", "--timeout=1s", twin="drainp")
        # the budget allows one disruption while drain waits to retry
        procs = self.spawn_both("drain", "NS", "--grace-period=0", twin="drainp")
        heads = []
        for ns, proc in procs:
            heads.append(proc.stderr.readline())
            self.assertIn("will retry after 5s", heads[-1])
            self.kubectl("-n", ns, "patch", "pdb", "pdb", "--subresource=status",
                         "--type=merge", "-p", '{"status":{"disruptionsAllowed":1}}')
        rc, out, _ = self.finish_both(procs, "drain after a refusal", heads)
        self.assertEqual(rc, 0)
        self.assertIn("pod/guarded evicted", out)


if __name__ == "__main__":
    main()
