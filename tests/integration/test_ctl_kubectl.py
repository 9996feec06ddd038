#!/usr/bin/env python3
"""c8sctl against the real kubectl 1.32: the same command lines, the same kubeconfig, the same
c8s-apiserver (on c8s-store); stdout, stderr and exit codes must match.

c8sctl names itself where kubectl prints "kubectl", so its output has "c8sctl" replaced by
"kubectl" before the comparison; AGE values are normalised. Commands that change objects run
once per tool in twin namespaces (ctl-k for kubectl, ctl-c for c8sctl) prepared alike, and the
namespace names are normalised too.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest import free_port, make_temp_dir, remove_temp_dir, wait_for  # noqa: E402
from c8stest.apiserver import LocalApiserver, missing_for_kubectl_tests  # noqa: E402
from c8stest.runner import main  # noqa: E402


def binary(name):
    path = os.path.join(os.environ.get("C8S_BIN_DIR", ""), name)
    return path if os.access(path, os.X_OK) else None


AGE = re.compile(r"(?<![\w/.:-])\d+[smhdy](\d+[smhdy])?(?![\w/.:-])")

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels: {app: app}
spec:
  replicas: 1
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
      - name: c
        image: nginx:IMAGE
        env: [{name: A, value: "1"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: fast}
"""


class CtlDiffCase(unittest.TestCase):
    """The harness (no tests): one apiserver, a kubeconfig, and `both` running a command line
    through kubectl and c8sctl. Other test_ctl_*.py files subclass it."""

    @classmethod
    def setUpClass(cls):
        reason = missing_for_kubectl_tests() or (binary("c8sctl") is None and "c8sctl is not built")
        if reason:
            raise unittest.SkipTest(reason)
        cls.api = LocalApiserver().start()
        cls.dir = make_temp_dir("c8stest-ctl-")
        cls.server = cls.api.server
        cls.kubeconfig = cls.write_config("config", "main")
        # Objects the read-only cases look at.
        cls.run_one("kubectl", "create", "namespace", "shared")
        cls.run_one("kubectl", "create", "namespace", "empty")
        cls.run_one("kubectl", "-n", "shared", "create", "deployment", "web", "--image=nginx:1.27")
        cls.run_one("kubectl", "-n", "shared", "run", "p1", "--image=busybox", "--labels=tier=db")
        cls.run_one("kubectl", "-n", "shared", "run", "p2", "--image=busybox:1.36")
        cls.run_one("kubectl", "-n", "shared", "create", "service", "clusterip", "s1",
                    "--tcp=80:80")
        cls.run_one("kubectl", "-n", "shared", "create", "configmap", "c1",
                    "--from-literal=a=b")

    @classmethod
    def tearDownClass(cls):
        cls.api.stop()
        remove_temp_dir(cls.dir)

    def current_logs(self):
        return self.api.process.log_text(40)

    @classmethod
    def write_config(cls, name, current):
        path = os.path.join(cls.dir, name)
        with open(path, "w") as f:
            f.write(f"""apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: {cls.server}
contexts:
- name: main
  context: {{cluster: local, user: admin, namespace: shared}}
- name: other
  context: {{cluster: local, user: admin, namespace: kube-system}}
current-context: {current}
users:
- name: admin
  user: {{token: not-checked}}
- name: certs
  user: {{client-certificate-data: QUJD, client-key-data: REVG}}
""")
        return path

    @classmethod
    def run_one(cls, tool, *args, kubeconfig=None, stdin=None, check=True):
        exe = "kubectl" if tool == "kubectl" else binary("c8sctl")
        env = dict(os.environ, HOME=cls.dir, KUBECONFIG=kubeconfig or cls.kubeconfig)
        done = subprocess.run([exe, *args], capture_output=True, text=True, timeout=30, env=env,
                              input=stdin)
        if check and done.returncode != 0 and tool == "kubectl" and stdin is None and \
                args and args[0] in ("create", "-n") and "already exists" not in done.stderr:
            raise AssertionError(f"kubectl {args}: {done.stderr}")
        return done

    @staticmethod
    def normalise(text, ns=None):
        text = text.replace("c8sctl", "kubectl")
        # klog headers carry the time and the process id
        text = re.sub(r"^([IWE])\d{4} [\d:.]+ +\d+ ", r"\1<klog> ", text, flags=re.M)
        # edit's kept copy: Go's CreateTemp puts digits where mkstemps puts letters
        text = re.sub(r"/tmp/kubectl-edit-[^\"\s]+\.yaml", "/tmp/kubectl-edit-<x>.yaml", text)
        if ns:
            # whole names only: the temp dir (c8stest-ctl-k0b...) may start like a namespace
            text = re.sub(r"\b" + re.escape(ns) + r"\b", "ctl-X", text)
        text = re.sub(r"(uid|resourceVersion|creationTimestamp|time)(\"?: ?)\"?[^\s\",]+\"?",
                      r"\1\2<x>", text)
        # allocated service addresses and node ports differ between the twins
        text = re.sub(r"\b10\.0\.\d+\.\d+\b", "<ip>", text)
        text = re.sub(r"(nodePort\"?: )3\d{4}\b", r"\1<port>", text)
        return AGE.sub("<age>", text)

    def both(self, *args, twin=False, stdin=None, kubeconfigs=None, compare_stderr=True):
        """Runs args through kubectl and c8sctl and asserts the same outcome; returns kubectl's."""
        results = []
        prefix = twin if isinstance(twin, str) else "ctl"
        for tool in ("kubectl", "c8sctl"):
            ns = (f"{prefix}-k" if tool == "kubectl" else f"{prefix}-c") if twin else None
            argv = [a.replace("NS", ns) if ns else a for a in args]
            if twin:
                argv = ["-n", ns, *argv]
            kc = kubeconfigs[tool] if kubeconfigs else None
            done = self.run_one(tool, *argv, kubeconfig=kc, stdin=stdin, check=False)
            results.append((done.returncode, self.normalise(done.stdout, ns),
                            self.normalise(done.stderr, ns)))
        (krc, kout, kerr), (crc, cout, cerr) = results
        label = " ".join(args)
        self.assertEqual(kout, cout, f"stdout of `{label}`")
        if compare_stderr:
            self.assertEqual(kerr, cerr, f"stderr of `{label}`")
        self.assertEqual(krc, crc, f"exit code of `{label}`")
        return results[0]

    def twin_namespaces(self, name):
        for ns in ("ctl-k", "ctl-c"):
            self.run_one("kubectl", "create", "namespace", ns.replace("ctl", name), check=False)



class CtlAgainstKubectl(CtlDiffCase):

    def test_usage_errors_and_unknown_commands_fail_like_kubectl(self):
        for args in (["foo"], ["gett", "po"], ["get"], ["get", "po", "--bogus"],
                     ["get", "po", "-x"], ["get", "po", "-n"], ["get", "po", "-A=x"],
                     ["get", "po", "-o", "foo"], ["get", "nosuchtype"], ["delete"],
                     ["delete", "po"], ["label", "po", "p1"], ["patch", "po", "p1"], ["apply"],
                     ["apply", "-f", "nope.yaml"], ["scale", "--replicas=x", "deploy/web"],
                     ["get", "deploy", "web", "po/p1"], ["--context", "nope", "get", "po"],
                     ["describe", "cm", "cm/c1"], ["delete", "cm", "cm/c1"],
                     ["rollout", "status", "deploy", "deploy/web"]):
            with self.subTest(args=args):
                rc, _, _ = self.both(*args)
                self.assertNotEqual(rc, 0)

    def test_missing_context_is_named_as_each_kubectl_command_names_it(self):
        for args in (["get", "po"], ["api-resources"], ["version"], ["auth", "whoami"],
                     ["create", "ns", "x"], ["create", "token", "default"], ["delete", "po", "x"],
                     ["apply", "-f", "x.yaml"], ["run", "x", "--image=y"], ["top", "pod"],
                     ["top", "node"], ["wait", "--for=delete", "po/x"], ["logs", "x"]):
            with self.subTest(args=args):
                self.both("--context", "nope", *args)

    def test_unreachable_server_prints_kubectls_last_line(self):
        dead = f"http://127.0.0.1:{free_port()}"
        k = self.run_one("kubectl", "-s", dead, "get", "po", check=False)
        c = self.run_one("c8sctl", "-s", dead, "get", "po", check=False)
        self.assertEqual(k.returncode, c.returncode)
        self.assertEqual(k.stderr.strip().splitlines()[-1], c.stderr.strip())

    def test_config_commands_read_and_write_kubeconfig_like_kubectl(self):
        for args in (["config", "view"], ["config", "view", "--minify"],
                     ["config", "view", "--raw"], ["config", "get-contexts"],
                     ["config", "get-contexts", "other"], ["config", "get-contexts", "nope"],
                     ["config", "get-contexts", "-o", "name"], ["config", "current-context"],
                     ["config", "use-context", "nope"]):
            with self.subTest(args=args):
                self.both(*args)
        configs = {tool: self.write_config(f"config-{tool}", "main")
                   for tool in ("kubectl", "c8sctl")}
        for args in (["config", "use-context", "other"],
                     ["config", "set-context", "--current", "--namespace=extra"],
                     ["config", "set-context", "fresh", "--namespace=n1"],
                     ["config", "set-context"], ["get", "po"]):
            with self.subTest(args=args):
                self.both(*args, kubeconfigs=configs)
        with open(configs["kubectl"]) as k, open(configs["c8sctl"]) as c:
            self.assertEqual(k.read(), c.read())
        empty = {tool: os.path.join(self.dir, f"none-{tool}") for tool in ("kubectl", "c8sctl")}
        self.both("config", "view", kubeconfigs=empty)
        self.both("config", "current-context", kubeconfigs=empty)

    def test_get_prints_the_servers_tables_like_kubectl(self):
        for args in (["get", "po"], ["get", "pods"], ["get", "pod", "p1"], ["get", "deploy,po"],
                     ["get", "all"], ["get", "po", "-A"], ["get", "ns", "--show-labels"],
                     ["get", "po", "-o", "wide"], ["get", "po", "-l", "tier=db"],
                     ["get", "po", "--field-selector", "metadata.name=p2"],
                     ["get", "po", "--sort-by", ".metadata.name"], ["get", "po", "--no-headers"],
                     ["get", "po", "-L", "tier,x"], ["get", "deployments.apps"],
                     ["get", "Deployment"], ["get", "deploy/web", "po/p1"],
                     ["get", "deploy,svc,cm,secret"], ["get", "po", "nope"],
                     ["get", "po", "nope", "p1"], ["get", "po", "-n", "empty"],
                     ["get", "ns", "nope"], ["get", "po", "-l", "tier=none"],
                     ["-n", "kube-system", "get", "cm"], ["get", "po", "--context", "other"]):
            with self.subTest(args=args):
                self.both(*args)

    def test_get_output_formats_match_kubectl(self):
        for args in (["get", "po", "-o", "json"], ["get", "po", "p1", "-o", "json"],
                     ["get", "deploy", "web", "-o", "yaml"], ["get", "po,deploy", "-o", "name"],
                     ["get", "po", "-o", "jsonpath={.items[*].metadata.name}"],
                     ["get", "po", "-o",
                      'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.spec.containers[0].image}'
                      '{"\\n"}{end}'],
                     ["get", "po", "-o", "jsonpath={.items[?(@.metadata.name==\"p1\")].metadata.labels}"],
                     ["get", "po", "p1", "-o", "jsonpath={..image}"],
                     ["get", "po", "p1", "-o", "jsonpath={.nope}"],
                     ["get", "po", "-o",
                      "custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image,X:.x"],
                     ["get", "po", "nope", "-o", "json"], ["get", "po", "-n", "empty", "-o", "yaml"]):
            with self.subTest(args=args):
                self.both(*args)

    def test_apply_create_and_changes_match_kubectl(self):
        self.twin_namespaces("ctl")
        path = os.path.join(self.dir, "app.yaml")
        with open(path, "w") as f:
            f.write(MANIFEST.replace("IMAGE", "1"))
        self.both("apply", "-f", path, twin=True)
        self.both("apply", "-f", path, twin=True)
        self.both("get", "deploy", "app", "-o", "yaml", twin=True)
        with open(path, "w") as f:
            f.write(MANIFEST.replace("IMAGE", "2").replace("mode: fast", "mode: slow"))
        self.both("apply", "-f", path, twin=True)
        self.both("get", "deploy,cm", "-o", "yaml", twin=True)
        self.both("apply", "-f", "-", twin=True, stdin=MANIFEST.replace("IMAGE", "3"))
        self.both("create", "-f", path, twin=True)
        for args in (["create", "configmap", "cm1", "--from-literal=a=b", "--from-literal=c=d"],
                     ["create", "configmap", "cm1", "--from-literal=a=b"],
                     ["create", "secret", "generic", "s1", "--from-literal=k=v"],
                     ["create", "secret", "generic", "s1", "--from-literal=k=v"],
                     ["create", "deployment", "d1", "--image=nginx:1.27", "--replicas=0"],
                     ["create", "serviceaccount", "sa1"], ["create", "sa", "sa1"],
                     ["label", "cm", "cm1", "a=b"], ["label", "cm", "cm1", "a=c"],
                     ["label", "cm", "cm1", "a=c", "--overwrite"], ["label", "cm/cm1", "a-"],
                     ["label", "cm", "cm1", "zz-"], ["annotate", "cm", "cm1", "note=x"],
                     ["annotate", "cm", "cm1", "note=y"],
                     ["patch", "cm", "cm1", "-p", '{"data":{"e":"f"}}'],
                     ["patch", "cm", "cm1", "-p", '{"data":{"e":"f"}}'],
                     ["patch", "cm", "cm1", "--type=merge", "-p", "{bad"],
                     ["patch", "cm", "cm1", "--type=json", "-p",
                      '[{"op":"remove","path":"/data/e"}]'],
                     ["get", "cm", "cm1", "-o", "yaml"], ["get", "deploy", "d1", "-o", "json"],
                     ["scale", "deploy", "nope", "--replicas=2"],
                     ["delete", "cm", "cm1"], ["delete", "cm", "cm1"],
                     ["delete", "cm", "cm1", "--ignore-not-found"],
                     ["delete", "-f", path], ["delete", "sa,secret", "--all"],
                     ["delete", "deploy", "-l", "app=none"], ["get", "all"]):
            with self.subTest(args=args):
                self.both(*args, twin=True)

    def test_discovery_and_identity_commands_match_kubectl(self):
        for args in (["api-resources"], ["api-resources", "-o", "wide"],
                     ["api-resources", "-o", "name"], ["api-resources", "--namespaced=false"],
                     ["api-resources", "--api-group", "apps"], ["api-versions"], ["cluster-info"],
                     ["auth", "whoami"], ["auth", "can-i", "get", "pods"],
                     ["auth", "can-i", "list", "deployments.apps"],
                     ["auth", "can-i", "get", "/logs"]):
            with self.subTest(args=args):
                self.both(*args)
        k = self.run_one("kubectl", "version").stdout
        c = self.run_one("c8sctl", "version").stdout
        server = [line for line in k.splitlines() if line.startswith("Server Version:")]
        self.assertEqual(server, [line for line in c.splitlines()
                                  if line.startswith("Server Version:")])

    def test_impersonation_flags_and_kubeconfig_fields_match_kubectl(self):
        # The insecure port honours Impersonate-* headers: whoami shows what was sent.
        for args in (["--as=alice", "auth", "whoami"],
                     ["--as=alice", "--as-group=g1", "--as-group=g2", "--as-uid=u1", "auth",
                      "whoami", "-o", "json"],
                     ["--as-group=g1", "get", "po"], ["--as-uid=u1", "auth", "whoami"],
                     ["--as=system:serviceaccount:shared:default", "auth", "can-i", "get", "po"]):
            with self.subTest(args=args):
                self.both(*args)
        path = os.path.join(self.dir, "config-as")
        with open(self.kubeconfig) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text.replace("  user: {token: not-checked}",
                                 "  user: {token: not-checked, as: bob, as-groups: [team],"
                                 " as-uid: b1, as-user-extra: {scopes.example/x: [a, b]}}"))
        for args in (["auth", "whoami", "-o", "json"], ["--as=carol", "auth", "whoami"],
                     ["--as=carol", "--as-group=ops", "auth", "whoami", "-o", "yaml"]):
            with self.subTest(kubeconfig="as", args=args):
                self.both(*args, kubeconfigs={"kubectl": path, "c8sctl": path})

    def test_watch_prints_table_events_like_kubectl(self):
        self.run_one("kubectl", "create", "namespace", "watched", check=False)
        self.run_one("kubectl", "-n", "watched", "run", "w1", "--image=x")
        env = dict(os.environ, HOME=self.dir, KUBECONFIG=self.kubeconfig)
        outputs = {}
        procs = {}
        for tool, exe in (("kubectl", "kubectl"), ("c8sctl", binary("c8sctl"))):
            path = os.path.join(self.dir, f"watch-{tool}.out")
            out = open(path, "w")
            procs[tool] = (subprocess.Popen([exe, "-n", "watched", "get", "po", "-w"],
                                            stdout=out, stderr=subprocess.STDOUT, env=env), out)
            outputs[tool] = path

        def printed(tool, text):
            with open(outputs[tool]) as f:
                return text in f.read()
        try:
            for tool in procs:
                wait_for(lambda t=tool: printed(t, "w1 "), 20.0, what=f"{tool} lists w1")
            self.run_one("kubectl", "-n", "watched", "run", "w2", "--image=x")
            for tool in procs:
                wait_for(lambda t=tool: printed(t, "w2 "), 20.0, what=f"{tool} shows w2")
        finally:
            for proc, out in procs.values():
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=10)
                out.close()
        texts = {}
        for tool, path in outputs.items():
            with open(path) as f:
                texts[tool] = self.normalise(f.read())
        self.assertEqual(texts["kubectl"], texts["c8sctl"])


if __name__ == "__main__":
    main()
