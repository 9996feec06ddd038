#!/usr/bin/env python3
"""c8sctl set env|resources|serviceaccount|selector|subject against the real kubectl 1.32 (the
harness of test_ctl_kubectl.py): the changes, listings, dry runs, -o, --local files and kubectl's
errors, each command line run in twin namespaces (st-k for kubectl, st-c for c8sctl) holding the
same objects; the objects are compared afterwards, and the requests of a few commands too.
(set image is tested with rollout in test_ctl_rollout.py.)"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
import test_ctl_rollout as rollout  # noqa: E402
from c8stest.runner import main  # noqa: E402

# A deployment per test (NAME), with references for --list --resolve; the init container's
# env is merged by name too (kubectl's patches carry $setElementOrder for it).
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: NAME, labels: {app: NAME}}
spec:
  selector: {matchLabels: {app: NAME}}
  template:
    metadata: {labels: {app: NAME}}
    spec:
      initContainers: [{name: init, image: busybox, env: [{name: I, value: "0"}]}]
      containers:
      - name: nginx
        image: nginx
        env:
        - {name: A, value: "1"}
        - {name: SEC, valueFrom: {secretKeyRef: {name: sec, key: k}}}
        - {name: CM, valueFrom: {configMapKeyRef: {name: cm, key: mode}}}
        - {name: F, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: L, valueFrom: {fieldRef: {fieldPath: metadata.labels}}}
        - {name: R, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
        - {name: C, valueFrom: {resourceFieldRef: {containerName: nginx, resource: limits.cpu,
                                                   divisor: 1m}}}
        - {name: GONE, valueFrom: {secretKeyRef: {name: nosuch, key: k}}}
        - {name: GONE2, valueFrom: {secretKeyRef: {name: nosuch, key: j}}}
        - {name: NOKEY, valueFrom: {configMapKeyRef: {name: cm, key: nokey}}}
        resources: {limits: {memory: 512Mi, cpu: 250m}}
      - name: sidecar
        image: busybox
---
"""

OBJECTS = "".join(DEPLOYMENT.replace("NAME", n) for n in ("envweb", "resweb", "saweb")) + """\
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data: {mode: fast, "my-key.x": v2}
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
stringData: {k: secret-value}
---
apiVersion: v1
kind: Service
metadata: {name: s1}
spec: {selector: {app: s1}, ports: [{port: 80}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: u1}]
"""

# What --local reads: a deployment, a config map and a role binding.
LOCAL = DEPLOYMENT.replace("NAME", "local") + """\
apiVersion: v1
kind: ConfigMap
metadata: {name: localcm}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: localrb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
"""

TWINS = ("st-k", "st-c")


class SetAgainstKubectl(harness.CtlDiffCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        objects = os.path.join(cls.dir, "objects.yaml")
        with open(objects, "w") as f:
            f.write(OBJECTS)
        cls.local = os.path.join(cls.dir, "local.yaml")
        with open(cls.local, "w") as f:
            f.write(LOCAL)
        for ns in TWINS:
            for args in (["create", "namespace", ns], ["-n", ns, "apply", "-f", objects],
                         ["create", "clusterrolebinding", f"crb-{ns}", "--clusterrole=r",
                          "--group=g1"]):
                done = cls.run_one("kubectl", *args, check=False)
                if done.returncode != 0:
                    raise AssertionError(f"kubectl {args}: {done.stderr}")

    def run_all(self, commands):
        for args in commands:
            stdin = None
            if isinstance(args, tuple):
                args, stdin = args
            with self.subTest(args=args):
                self.both(*args, twin="st", stdin=stdin)

    def test_env_lists_adds_removes_and_imports_variables(self):
        self.run_all([
            ["set", "env", "deploy/envweb", "--list", "--resolve"],
            ["set", "env", "deploy/envweb", "--list", "-c", "side*", "Z=1"],
            ["set", "env", "deploy/envweb", "B=2", "A-"],
            ["set", "env", "deploy/envweb", "-c", "init", "J=1"],
            ["set", "env", "deploy/envweb", "B=2"],  # unchanged: nothing sent or printed
            ["set", "env", "deploy/envweb", "B=3", "--overwrite=false"],
            ["set", "env", "deploy/envweb", "-c", "side*", "-e", "X=1", "Y=", "-o", "name"],
            ["set", "env", "deploy/envweb", "-c", "nope", "X=1"],
            ["set", "env", "deploy/envweb", "-c", "nginx", "--from=configmap/cm", "--prefix=P_"],
            ["set", "env", "deploy/envweb", "-c", "nginx", "--from=secret/sec", "--keys=k",
             "--dry-run=client", "-o", "yaml"],
            (["set", "env", "deploy/envweb", "-c", "nginx", "-"], "S1=a\n# note\nS2=b # x\n"),
            ["set", "env", "deploy", "-l", "app=envweb", "-c", "sidecar", "X-",
             "--dry-run=server"],
            ["set", "env", "--local", "-f", self.local, "Z=1", "-o", "name"],
            ["get", "deploy", "envweb", "-o", "yaml"],
            # errors
            ["set", "env"], ["set", "env", "deploy/envweb", "A=1", "deploy/x"],
            ["set", "env", "deploy/envweb", "1A=2"], ["set", "env", "deploy/envweb", "A=1", "A-"],
            ["set", "env", "deploy/envweb", "--keys=a", "A=1"],
            ["set", "env", "deploy/envweb", "--list", "-o", "yaml"],
            ["set", "env", "deploy/envweb", "--from=deploy/envweb"],
            ["set", "env", "cm/cm", "secret/sec", "A=1"],
            ["set", "env", "deploy/nope", "deploy/nope2", "A=1"],
        ])

    def test_resources_set_limits_and_requests(self):
        self.run_all([
            ["set", "resources", "deploy/resweb", "--limits=cpu=1,memory=1Gi",
             "--requests=cpu=0.5"],
            ["set", "resources", "deploy/resweb", "--limits=cpu=1,memory=1Gi",
             "--requests=cpu=0.5"],
            ["set", "resources", "deploy/resweb", "-c", "side*", "--limits=cpu=2", "-o", "name"],
            ["set", "resources", "deploy/resweb", "--limits=cpu=3", "--dry-run=client", "-o",
             "yaml"],
            ["set", "resources", "deploy", "--all", "-c", "init", "--requests=memory=1e3",
             "--dry-run=server"],
            ["get", "deploy", "resweb", "-o", "yaml"],
            # errors
            ["set", "resources"], ["set", "resources", "deploy/resweb"],
            ["set", "resources", "deploy/resweb", "--limits=cpu=x"],
            ["set", "resources", "deploy/resweb", "--limits=,cpu=3"],
            ["set", "resources", "deploy/resweb", "-c", "nope", "--limits=cpu=2"],
            ["set", "resources", "deploy/resweb", "cm/cm", "--limits=cpu=2", "--dry-run=server"],
            ["set", "resources", "--local", "--limits=cpu=1", "deploy/resweb"],
            ["set", "resources", "deploy/resweb", "--requests=cpu=-1"],
        ])

    def test_serviceaccount_sets_the_pod_templates_account(self):
        self.run_all([
            ["set", "sa", "deploy/saweb", "sa1"], ["set", "sa", "deploy/saweb", "sa1"],
            ["set", "serviceaccount", "deploy/saweb", "sa2", "-o", "name", "--dry-run=client"],
            ["set", "sa", "--local", "-f", self.local, "sa1"],
            ["get", "deploy", "saweb", "-o", "yaml"],
            ["set", "sa"], ["set", "sa", "cm/cm", "sa1"],
        ])

    def test_selector_replaces_a_services_selector(self):
        self.run_all([
            ["set", "selector", "svc/s1", "app=web"],
            ["set", "selector", "svc/s1", "app=web,tier=x", "-o", "yaml", "--dry-run=client"],
            ["set", "selector", "svc", "--all", "a=b", "--dry-run=server"],
            ["set", "selector", "svc/s1", "app=web", "--resource-version=1"],
            ["set", "selector", "--local", "-f", self.local, "a=b", "-o", "name"],
            ["set", "selector"], ["set", "selector", "svc/s1", "app in (a),!b"],
            ["set", "selector", "svc/s1", "app!=x"], ["set", "selector", "svc/s1", "a=b=c"],
            ["set", "selector", "svc/nope", "svc/s1", "cm/cm", "a=c"],
            ["set", "selector", "svc/s1", ""],
            ["get", "svc", "s1", "-o", "yaml"],
        ])

    def test_subject_adds_users_groups_and_service_accounts(self):
        self.run_all([
            ["set", "subject", "rolebinding/rb", "--user=u2", "--user=u0", "--group=g",
             "--serviceaccount=ns1:sa1", "--serviceaccount=:sa2"],
            ["set", "subject", "rolebinding/rb", "--user=u2"],
            ["set", "subject", "clusterrolebinding/crb-NS", "--serviceaccount=a:b", "--group=g2",
             "--group=g2", "-o", "yaml", "--dry-run=client"],
            ["set", "subject", "--local", "-f", self.local, "--user=x", "-o", "name"],
            ["get", "rolebinding", "rb", "-o", "yaml"],
            ["set", "subject", "rolebinding/rb"],
            ["set", "subject", "clusterrolebinding/crb-NS", "--serviceaccount=:sa2"],
            ["set", "subject", "rolebinding/rb", "--serviceaccount=sa2"],
            ["set", "subject", "deploy/saweb", "--user=x"],
            ["set", "subject", "rolebinding", "-l", "a=b", "--all", "--user=x"],
        ])

    def test_set_itself_prints_help_or_an_unknown_command(self):
        self.run_all([["set"], ["set", "foo"]])

    # (method, path) of each request at -v=6, as the rollout test reads them
    requests = rollout.RolloutAgainstKubectl.requests

    def test_requests_match_kubectls(self):
        for args in (["set", "env", "deploy/envweb", "--list", "--resolve"],
                     ["set", "env", "deploy/envweb", "-c", "nginx", "--from=configmap/cm",
                      "--keys=mode", "--prefix=Q_"],
                     ["set", "selector", "svc/s1", "x=y"],
                     ["set", "subject", "rolebinding/rb", "--user=zz"],
                     # lists without a limit, as kubectl's set commands
                     ["set", "sa", "deploy", "-l", "app=saweb", "builder"],
                     ["set", "sa", "deploy", "--all", "builder", "--dry-run=server"]):
            with self.subTest(args=args):
                self.assertEqual(self.requests("kubectl", "st-k", *args),
                                 self.requests("c8sctl", "st-c", *args))


if __name__ == "__main__":
    main()
