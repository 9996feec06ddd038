#!/usr/bin/env python3
"""c8sctl rollout and set against the real kubectl 1.32 (the harness of test_ctl_kubectl.py):
pause/resume/restart patches and their errors, status messages from statuses the test sets
(there is no controller-manager: `kubectl patch --subresource=status`), a running `rollout
status` that ends when the status completes, history over ReplicaSets and ControllerRevisions
made from manifests, undo, and set image/env. Commands that change objects run in twin
namespaces (ro-k for kubectl, ro-c for c8sctl)."""

import os
import re
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest import wait_for  # noqa: E402
from c8stest.runner import main  # noqa: E402

WORKLOADS = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds, labels: {app: ds}}
spec:
  selector: {matchLabels: {app: ds}}
  template:
    metadata: {labels: {app: ds}}
    spec:
      containers: [{name: c, image: "busybox:1.36"}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: sts}
spec:
  serviceName: sts
  replicas: 2
  selector: {matchLabels: {app: sts}}
  template:
    metadata: {labels: {app: sts}}
    spec:
      containers: [{name: c, image: "busybox:1.36"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c1, labels: {app: w2}}
data: {k: v}
"""

# Two revisions of deployment DEPLOY, as the deployment controller would leave them.
REPLICA_SETS = """\
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: DEPLOY-1
  labels: {app: DEPLOY, pod-template-hash: h1}
  annotations: {deployment.kubernetes.io/revision: "1", kubernetes.io/change-cause: "first one",
                deployment.kubernetes.io/desired-replicas: "1", note: copied}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: DEPLOY, uid: UID,
                     controller: true, blockOwnerDeletion: true}]
spec:
  replicas: 0
  selector: {matchLabels: {app: DEPLOY, pod-template-hash: h1}}
  template:
    metadata: {labels: {app: DEPLOY, pod-template-hash: h1}, annotations: {a: b}}
    spec:
      serviceAccountName: builder
      containers:
      - name: nginx
        image: "nginx:1.26"
        command: [nginx, -g]
        args: [daemon off;]
        env: [{name: X, value: "1"}, {name: FROM, valueFrom: {configMapKeyRef: {name: c1, key: k}}}]
        ports: [{containerPort: 80}, {containerPort: 443, name: https}]
        resources: {limits: {cpu: "1"}, requests: {memory: 1Gi}}
        volumeMounts: [{name: data, mountPath: /data, readOnly: true}]
      volumes: [{name: data, emptyDir: {}}]
      nodeSelector: {disk: ssd}
      tolerations: [{key: k, operator: Exists, effect: NoExecute, tolerationSeconds: 5}]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: DEPLOY-2
  labels: {app: DEPLOY, pod-template-hash: h2}
  annotations: {deployment.kubernetes.io/revision: "2"}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: DEPLOY, uid: UID,
                     controller: true}]
spec:
  replicas: 1
  selector: {matchLabels: {app: DEPLOY, pod-template-hash: h2}}
  template:
    metadata: {labels: {app: DEPLOY, pod-template-hash: h2}}
    spec:
      containers: [{name: nginx, image: "nginx:1.27"}]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: DEPLOY-stranger
  labels: {app: DEPLOY}
  annotations: {deployment.kubernetes.io/revision: "9"}
spec:
  replicas: 0
  selector: {matchLabels: {app: DEPLOY, x: z}}
  template:
    metadata: {labels: {app: DEPLOY, x: z}}
    spec:
      containers: [{name: nginx, image: "nginx:9"}]
"""

CONTROLLER_REVISIONS = """\
apiVersion: apps/v1
kind: ControllerRevision
metadata:
  name: OWNER-1
  labels: {app: OWNER}
  annotations: {kubernetes.io/change-cause: "ds start"}
  ownerReferences: [{apiVersion: apps/v1, kind: KIND, name: OWNER, uid: UID, controller: true}]
revision: 1
data:
  spec:
    template:
      $patch: replace
      metadata: {labels: {app: OWNER}}
      spec:
        containers: [{name: c, image: "busybox:1.35"}]
---
apiVersion: apps/v1
kind: ControllerRevision
metadata:
  name: OWNER-2
  labels: {app: OWNER}
  ownerReferences: [{apiVersion: apps/v1, kind: KIND, name: OWNER, uid: UID, controller: true}]
revision: 2
data:
  spec:
    template:
      $patch: replace
      metadata: {labels: {app: OWNER}}
      spec:
        containers: [{name: c, image: "busybox:1.36"}]
"""

TWINS = ("ro-k", "ro-c")
RESTARTED_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)")


class RolloutAgainstKubectl(harness.CtlDiffCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for ns in TWINS:
            cls.run_one("kubectl", "create", "namespace", ns, check=False)
            cls.k(ns, "create", "-f", "-", stdin=WORKLOADS)
            for name in ("web", "w2", "hist", "paused", "undo", "st", "st2", "img",
                         "img2"):
                cls.k(ns, "create", "deployment", name, "--image=nginx:1.27")
            cls.k(ns, "rollout", "pause", "deploy", "paused")
            for deploy in ("hist", "undo"):
                uid = cls.k(ns, "get", "deploy", deploy, "-o", "jsonpath={.metadata.uid}").stdout
                cls.k(ns, "create", "-f", "-",
                      stdin=REPLICA_SETS.replace("DEPLOY", deploy).replace("UID", uid))
            for owner, kind in (("ds", "DaemonSet"), ("sts", "StatefulSet")):
                uid = cls.k(ns, "get", kind, owner, "-o", "jsonpath={.metadata.uid}").stdout
                cls.k(ns, "create", "-f", "-", stdin=CONTROLLER_REVISIONS.replace(
                    "OWNER", owner).replace("KIND", kind).replace("UID", uid))

    @classmethod
    def k(cls, ns, *args, stdin=None):
        done = cls.run_one("kubectl", "-n", ns, *args, stdin=stdin, check=False)
        if done.returncode != 0:
            raise AssertionError(f"kubectl {args}: {done.stderr}")
        return done

    def set_status(self, kind, name, status):
        for ns in TWINS:
            self.k(ns, "patch", kind, name, "--subresource=status", "--type=merge",
                   "-p", '{"status": %s}' % status)

    def jsonpath(self, ns, kind, name, path):
        return self.k(ns, "get", kind, name, "-o", f"jsonpath={path}").stdout

    def test_pause_and_resume_patch_spec_paused(self):
        for args in (["rollout", "pause", "deploy", "web"], ["rollout", "pause", "deploy/web"],
                     ["rollout", "resume", "deployment/web", "-o", "name"],
                     ["rollout", "resume", "deploy", "web"],
                     ["rollout", "pause", "deploy", "web", "w2"],
                     ["rollout", "pause", "deploy", "web", "w2", "nope"],
                     ["rollout", "resume", "deploy", "-l", "app=w2"],
                     ["rollout", "pause", "ds", "ds"], ["rollout", "resume", "cm/c1"],
                     ["rollout", "pause"],
                     ["rollout", "resume", "deploy", "web", "-o", "yaml"],
                     ["rollout", "bogus"]):
            with self.subTest(args=args):
                self.both(*args, twin="ro")
        for ns in TWINS:
            self.assertEqual(self.jsonpath(ns, "deploy", "w2", "{.spec.paused}"), "")
            self.assertEqual(self.jsonpath(ns, "deploy", "web", "{.spec.paused}"), "")

    def test_restart_sets_the_restarted_at_annotation(self):
        path = "{.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}"
        for args in (["rollout", "restart", "deploy", "web"], ["rollout", "restart", "ds/ds"],
                     ["rollout", "restart", "statefulset", "sts", "-o", "name"],
                     ["rollout", "restart", "deploy", "paused"], ["rollout", "restart", "cm", "c1"],
                     ["rollout", "restart", "deploy", "w2", "cm/c1"],
                     ["rollout", "restart", "deploy", "-l", "app=paused"]):
            with self.subTest(args=args):
                self.both(*args, twin="ro")
        for ns in TWINS:
            for kind, name in (("deploy", "web"), ("ds", "ds"), ("sts", "sts")):
                self.assertRegex(self.jsonpath(ns, kind, name, path), RESTARTED_AT)
            self.assertEqual(self.jsonpath(ns, "deploy", "paused", path), "")

    def test_status_prints_the_viewers_messages(self):
        cases = [
            ("deployment", "st", '{"observedGeneration": 0}'),
            ("deployment", "st", '{"observedGeneration": 9, "replicas": 1, "updatedReplicas": 0}'),
            ("deployment", "st", '{"observedGeneration": 9, "replicas": 2, "updatedReplicas": 1}'),
            ("deployment", "st", '{"observedGeneration": 9, "replicas": 1, "updatedReplicas": 1}'),
            ("deployment", "st", '{"observedGeneration": 9, "replicas": 1, "updatedReplicas": 1,'
                                 ' "availableReplicas": 1}'),
            ("daemonset", "ds", '{"observedGeneration": 0, "desiredNumberScheduled": 2,'
                                ' "numberMisscheduled": 0, "currentNumberScheduled": 0,'
                                ' "numberReady": 0}'),
            ("daemonset", "ds", '{"observedGeneration": 9, "desiredNumberScheduled": 2,'
                                ' "updatedNumberScheduled": 1}'),
            ("daemonset", "ds", '{"observedGeneration": 9, "desiredNumberScheduled": 2,'
                                ' "updatedNumberScheduled": 2, "numberAvailable": 1}'),
            ("daemonset", "ds", '{"observedGeneration": 9, "desiredNumberScheduled": 2,'
                                ' "updatedNumberScheduled": 2, "numberAvailable": 2}'),
            ("statefulset", "sts", '{"observedGeneration": 0, "replicas": 0}'),
            ("statefulset", "sts", '{"observedGeneration": 9, "replicas": 2, "readyReplicas": 1}'),
            ("statefulset", "sts", '{"observedGeneration": 9, "replicas": 2, "readyReplicas": 2,'
                                   ' "updatedReplicas": 1}'),
        ]
        for kind, name, status in cases:
            self.set_status(kind, name, status)
            with self.subTest(status=status):
                self.both("rollout", "status", f"{kind}/{name}", "--watch=false", twin="ro")
        for args in (["rollout", "status", "deploy", "st", "--revision=3"],
                     ["rollout", "status", "deploy/st", "-w=false", "--revision=0"],
                     ["rollout", "status", "deploy", "st", "st"],
                     ["rollout", "status", "cm", "c1"], ["rollout", "status", "deploy", "nope"],
                     ["rollout", "status"]):
            with self.subTest(args=args):
                self.both(*args, twin="ro")
        self.set_status("deployment", "st", '{"observedGeneration": 9, "conditions": [{"type":'
                        ' "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]}')
        self.both("rollout", "status", "deploy/st", twin="ro")

    def test_status_times_out_while_waiting(self):
        self.both("rollout", "status", "deploy/w2", "--timeout=1s", twin="ro")

    def test_a_running_status_ends_when_the_rollout_completes(self):
        self.set_status("deployment", "st2", '{"observedGeneration": 9, "replicas": 1,'
                        ' "updatedReplicas": 1, "availableReplicas": 0}')
        procs = []
        for tool, ns in (("kubectl", "ro-k"), ("c8sctl", "ro-c")):
            exe = "kubectl" if tool == "kubectl" else harness.binary("c8sctl")
            env = dict(os.environ, HOME=self.dir, KUBECONFIG=self.kubeconfig)
            proc = subprocess.Popen([exe, "-n", ns, "rollout", "status", "deploy/st2"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    env=env)
            lines = []
            reader = threading.Thread(target=lambda p=proc, out=lines: out.extend(p.stdout),
                                      daemon=True)
            reader.start()
            procs.append((proc, lines, reader))
        try:
            for proc, lines, _ in procs:
                wait_for(lambda out=lines: len(out) >= 1, 20.0, what="the first status line")
            self.set_status("deployment", "st2", '{"observedGeneration": 9, "replicas": 1,'
                            ' "updatedReplicas": 1, "availableReplicas": 1}')
            for proc, _, reader in procs:
                proc.wait(timeout=20)
                reader.join(timeout=5)
        finally:
            for proc, _, _ in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                proc.stderr.close()
        (kproc, klines, _), (cproc, clines, _) = procs
        self.assertEqual(clines, ['Waiting for deployment "st2" rollout to finish: 0 of 1 '
                                  'updated replicas are available...\n',
                                  'deployment "st2" successfully rolled out\n'])
        self.assertEqual(klines, clines)
        self.assertEqual((kproc.returncode, cproc.returncode), (0, 0))

    def test_history_lists_the_owned_revisions(self):
        for args in (["rollout", "history", "deploy", "hist"],
                     ["rollout", "history", "deploy/hist", "--revision=1"],
                     ["rollout", "history", "deploy/hist", "--revision=7"],
                     ["rollout", "history", "deploy/w2"],
                     ["rollout", "history", "deploy", "hist", "w2"],
                     ["rollout", "history", "ds", "ds"], ["rollout", "history", "ds/ds", "--revision=1"],
                     ["rollout", "history", "sts", "sts"],
                     ["rollout", "history", "sts/sts", "--revision=2"],
                     ["rollout", "history", "cm", "c1"], ["rollout", "history", "rs", "hist-1"],
                     ["rollout", "history"]):
            with self.subTest(args=args):
                self.both(*args, twin="ro")

    def test_undo_restores_the_template_of_a_revision(self):
        for args in (["rollout", "undo", "deploy", "undo", "--dry-run=client"],
                     ["rollout", "undo", "deploy", "undo", "--to-revision=7"],
                     ["rollout", "undo", "deploy", "w2"], ["rollout", "undo", "deploy", "paused"],
                     ["rollout", "undo", "cm", "c1"], ["rollout", "undo", "rs", "undo-1"],
                     ["rollout", "undo", "deploy", "undo", "--to-revision=2", "--dry-run=server"],
                     ["rollout", "undo", "deploy", "undo"],
                     ["rollout", "undo", "deploy", "undo", "--to-revision=1"],
                     ["rollout", "undo", "deploy/undo", "--to-revision=2", "-o", "name"],
                     ["rollout", "undo", "ds", "ds", "--to-revision=1"],
                     ["rollout", "undo", "ds", "ds", "--to-revision=1"],
                     ["rollout", "undo", "sts", "sts", "--to-revision=3"]):
            with self.subTest(args=args):
                self.both(*args, twin="ro")
        for kind, name, path in (("deploy", "undo", "{.spec.template}"),
                                 ("deploy", "undo", "{.metadata.annotations}"),
                                 ("ds", "ds", "{.spec.template}")):
            self.assertEqual(self.jsonpath("ro-k", kind, name, path),
                             self.jsonpath("ro-c", kind, name, path))
        self.assertIn("busybox:1.35", self.jsonpath("ro-c", "ds", "ds", "{.spec.template}"))

    def test_set_image_patches_the_pod_template(self):
        for args in (["set", "image", "deploy/img", "nginx=nginx:1.28"],
                     ["set", "image", "deploy/img", "nginx=nginx:1.28"],
                     ["set", "image", "deploy/img", "x=nginx:1.28"],
                     ["set", "image", "deploy", "img", "*=nginx:1.29", "-o", "name"],
                     ["set", "image", "deploy", "img", "nginx=nginx:1.30", "--dry-run=client",
                      "-o", "yaml"],
                     ["set", "image", "deploy", "-l", "app=img2", "nginx=nginx:2"],
                     ["set", "image", "ds/ds", "sts/sts", "c=busybox:1.37"],
                     ["set", "image", "deploy", "nginx=nginx:1.30"],
                     ["set", "image", "nginx=x"], ["set", "image", "cm/c1", "a=b"],
                     ["set", "image", "pod/nope", "a=b"], ["set", "image", "deploy/img", "nginx="],
                     ["set", "image", "deploy/img", "nginx=nginx:3", "--dry-run=server"]):
            with self.subTest(args=args):
                self.both(*args, twin="ro")
        for kind, name in (("deploy", "img"), ("deploy", "img2"), ("ds", "ds"), ("sts", "sts")):
            # the restart test may have stamped ds and sts at different seconds
            templates = [RESTARTED_AT.sub("<time>", self.jsonpath(ns, kind, name,
                                                                  "{.spec.template}"))
                         for ns in TWINS]
            self.assertEqual(templates[0], templates[1])
        self.assertEqual(self.jsonpath("ro-c", "deploy", "img", "{..image}"), "nginx:1.29")

    def requests(self, tool, ns, *args):
        """The (method, path) of each non-discovery request the tool logs at -v=6."""
        done = self.run_one(tool, "-n", ns, "-v=6", *args, check=False)
        if tool == "kubectl":
            found = re.findall(r"\] (GET|PATCH|POST|PUT|DELETE) (\S+) \d{3}", done.stderr)
        else:
            found = re.findall(r"method=(\w+) url=(\S+) status=", done.stderr)
        paths = [(m, re.sub(r"^https?://[^/]+", "", u).replace(ns, "NS")) for m, u in found]
        return [(m, p) for m, p in paths
                if "timeout=32s" not in p and "watch=true" not in p]

    def test_requests_match_kubectls(self):
        for args in (["rollout", "pause", "deploy/img"], ["rollout", "resume", "deploy/img"],
                     ["rollout", "history", "deploy/hist"], ["rollout", "history", "ds/ds"],
                     ["rollout", "undo", "deploy/hist", "--to-revision=1"],
                     ["rollout", "status", "deploy/hist", "--watch=false"],
                     ["set", "image", "deploy/img2", "nginx=nginx:5"]):
            with self.subTest(args=args):
                self.assertEqual(self.requests("kubectl", "ro-k", *args),
                                 self.requests("c8sctl", "ro-c", *args))


if __name__ == "__main__":
    main()
