#!/usr/bin/env python3
"""c8sctl wait against the real kubectl 1.32 (the harness of test_ctl_kubectl.py): conditions
and jsonpath values already met, deletions already done, --timeout=0 and --timeout=1s
failures, -l/--all/-A/-f selections, --for=create, output formats and the flag errors; then
waits started before the change they wait for (status patched, object deleted or created),
which must end when the change happens."""

import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest import wait_for  # noqa: E402
from c8stest.runner import main  # noqa: E402

READY = '{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}'
AVAILABLE = '{"status":{"observedGeneration":1,"conditions":[{"type":"Available","status":"True"}]}}'


class WaitAgainstKubectl(harness.CtlDiffCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        k = lambda *a, stdin=None: cls.run_one("kubectl", "-n", "wt", *a, stdin=stdin,  # noqa
                                               check=False)
        cls.run_one("kubectl", "create", "namespace", "wt", check=False)
        k("run", "ready", "--image=x", "--labels=tier=db")
        k("run", "pending", "--image=x", "--labels=tier=db")
        k("patch", "pod", "ready", "--subresource=status", "--type=merge", "-p", READY)
        k("create", "deployment", "web", "--image=nginx")
        k("patch", "deploy", "web", "--subresource=status", "--type=merge", "-p", AVAILABLE)
        cls.manifest = os.path.join(cls.dir, "ready.yaml")
        with open(cls.manifest, "w") as f:
            f.write(k("get", "pod", "ready", "-o", "yaml").stdout)
        cls.missing = os.path.join(cls.dir, "missing.yaml")
        with open(cls.missing, "w") as f:
            f.write("apiVersion: v1\nkind: Pod\nmetadata: {name: gone, namespace: wt}\n"
                    "spec: {containers: [{name: c, image: x}]}\n")

    def wait(self, *args, **kw):
        return self.both("-n", "wt", "wait", *args, **kw)

    def test_met_conditions_match_kubectl(self):
        for args in (["--for=condition=Ready", "pod/ready"],
                     ["--for=condition=ready=TRUE", "pod", "ready"],
                     ["--for=condition=Available", "deploy/web"],
                     ["--for=condition=Ready=false", "pod/ready", "--timeout=0"],
                     ["--for=jsonpath={.status.phase}=Running", "po/ready"],
                     ["--for=jsonpath=.status.phase", "po/ready"],
                     ["--for=jsonpath={.status.conditions[*].type}", "pod/ready", "--timeout=0"],
                     ["--for=jsonpath={.status.nope}", "pod/ready", "--timeout=0"],
                     ["--for=jsonpath={.status}=x", "po/ready"],
                     ["--for=condition=Ready", "pod", "ready", "ready", "-o", "name"],
                     ["--for=condition=Ready", "pod/ready", "-o", "json"],
                     ["--for=condition=Ready", "pod/ready", "-o", "yaml", "--timeout=0"],
                     ["--for=condition=Ready", "pod/ready", "-o", "jsonpath={.metadata.name}"],
                     ["--for=condition=Ready", "pod", "-l", "tier=db", "--timeout=0"],
                     ["--for=jsonpath={.kind}=Pod", "pod", "--all"],
                     ["--for=condition=Ready", "pod", "-l", "nope=x"],
                     ["--for=condition=Ready", "pod", "-l", "a=b", "--all"],
                     ["--for=condition=Ready", "-f", self.manifest],
                     ["--for=condition=Ready", "-f", self.missing],
                     ["--for=condition=Ready", "po", "ready", "nope"],
                     ["--for=condition=Ready", "po/ready", "deploy/nope"],
                     ["--for=condition=Ready", "pod/ready", "--timeout=-1s"],
                     ["--for=condition=Ready", "pod/pending", "pod/ready", "pod/nope",
                      "--timeout=0"]):
            with self.subTest(args=args):
                self.wait(*args)
        # -A without -n (kubectl refuses objects outside an explicit -n)
        self.both("wait", "--for=jsonpath={.kind}=Pod", "pod", "--all", "-A", "-l", "tier=db")

    def test_deletions_and_creations_already_done_match_kubectl(self):
        for args in (["--for=delete", "pod/nope"], ["--for=delete", "pod/nope", "pod/nope2"],
                     ["--for=delete", "pod", "-l", "nope=1"], ["--for=delete", "-f", self.missing],
                     ["--for=delete", "pod/ready", "--timeout=0"],
                     ["--for=create", "pod/ready"], ["--for=create", "-l", "tier=db", "pod"],
                     ["--for=create", "-l", "tier=zz", "pod"], ["--for=create", "-f", self.manifest],
                     ["--for=create", "pod/nope", "--timeout=0"],
                     ["--for=create", "pod/ready", "--timeout=0"]):
            with self.subTest(args=args):
                self.wait(*args)

    def test_timeouts_match_kubectl(self):
        for args in (["--for=condition=Ready", "pod/pending", "--timeout=1s"],
                     ["--for=delete", "pod/nope", "pod/ready", "--timeout=1s"],
                     ["--for=create", "pod/nope", "--timeout=1s"]):
            with self.subTest(args=args):
                # kubectl may add a klog line about the short watch before its error
                rc, _, err = self.wait(*args, compare_stderr=False)
                self.assertEqual(rc, 1)
                c = self.run_one("c8sctl", "-n", "wt", "wait", *args, check=False)
                self.assertEqual(err.strip().splitlines()[-1],
                                 self.normalise(c.stderr).strip().splitlines()[-1])
                self.assertIn("timed out waiting for the condition", c.stderr)

    def test_flag_errors_match_kubectl(self):
        for args in (["--for=foo", "pod/ready"], ["pod/ready"], ["--for=condition=Ready"],
                     ["--for=condition=Ready", "pod"], ["--for=delete", "pod"],
                     ["--for=condition=Ready", "nosuch/x"],
                     ["--for=jsonpath={.status.phase}=", "pod/ready"],
                     ["--for=jsonpath={.status.phase", "pod/ready"],
                     ["--for=jsonpath={.status.phase}=a=b", "pod/ready"],
                     ["--for=jsonpath=", "pod/ready"], ["--for=jsonpath={.a}{.b}=x", "pod/ready"],
                     ["--for=condition=Ready", "pod/ready", "--timeout=x"],
                     ["--for=condition=Ready", "pod/ready", "-o", "wide"], ["--bogus"]):
            with self.subTest(args=args):
                rc, _, _ = self.wait(*args)
                self.assertEqual(rc, 1)

    # ---- waits that end when the change happens ----

    def start(self, *args):
        """Starts c8sctl wait -v=6 in the background, its stderr lines collected."""
        env = dict(os.environ, HOME=self.dir, KUBECONFIG=self.kubeconfig)
        proc = subprocess.Popen([harness.binary("c8sctl"), "-n", "wt", "wait", "-v=6", *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env)
        proc.err_lines = []
        reader = threading.Thread(target=lambda: proc.err_lines.extend(proc.stderr), daemon=True)
        reader.start()
        proc.reader = reader
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc

    def listed(self, proc, name):
        """Waits until c8sctl listed the object: its watch starts from that list's version, so
        a change made now is seen by the watch (or already by the list)."""
        needle = f"fieldSelector=metadata.name%3D{name}&limit=500&resourceVersion=0"
        wait_for(lambda: proc.poll() is not None or any(needle in l for l in proc.err_lines),
                 20, what=f"c8sctl listing {name}")

    def finish(self, proc, seconds=20):
        out = proc.stdout.read()
        proc.wait(timeout=seconds)
        proc.reader.join(timeout=seconds)
        proc.stdout.close()
        proc.stderr.close()
        return proc.returncode, out, "".join(proc.err_lines)

    def test_condition_met_while_waiting(self):
        self.run_one("kubectl", "-n", "wt", "run", "later", "--image=x")
        proc = self.start("--for=condition=Ready", "pod/later", "--timeout=30s")
        self.listed(proc, "later")
        self.run_one("kubectl", "-n", "wt", "patch", "pod", "later", "--subresource=status",
                     "--type=merge", "-p", READY)
        rc, out, err = self.finish(proc)
        self.assertEqual((rc, out), (0, "pod/later condition met\n"), err)
        self.assertIn("pods?fieldSelector=metadata.name%3Dlater&limit=500&resourceVersion=0",
                      err)

    def test_jsonpath_met_while_waiting(self):
        self.run_one("kubectl", "-n", "wt", "run", "phase", "--image=x")
        proc = self.start("--for=jsonpath={.status.phase}=Running", "pod/phase")
        self.listed(proc, "phase")
        self.run_one("kubectl", "-n", "wt", "patch", "pod", "phase", "--subresource=status",
                     "--type=merge", "-p", READY)
        rc, out, err = self.finish(proc)
        self.assertEqual((rc, out), (0, "pod/phase condition met\n"), err)

    def test_delete_seen_while_waiting(self):
        self.run_one("kubectl", "-n", "wt", "create", "configmap", "doomed")
        proc = self.start("--for=delete", "cm/doomed", "--timeout=30s")
        self.listed(proc, "doomed")
        self.run_one("kubectl", "-n", "wt", "delete", "cm", "doomed")
        rc, out, err = self.finish(proc)
        self.assertEqual((rc, out), (0, "configmap/doomed condition met\n"), err)

    def test_create_seen_while_waiting(self):
        proc = self.start("--for=create", "cm/born", "--timeout=30s")
        wait_for(lambda: proc.poll() is not None or
                 any("configmaps/born status=404" in l for l in proc.err_lines), 20,
                 what="c8sctl looking for cm/born")
        self.run_one("kubectl", "-n", "wt", "create", "configmap", "born")
        rc, out, err = self.finish(proc)
        self.assertEqual((rc, out), (0, "configmap/born condition met\n"), err)

    def test_timeout_ends_a_watch_at_the_deadline(self):
        started = time.monotonic()
        proc = self.start("--for=condition=Ready", "pod/pending", "--timeout=1500ms")
        rc, out, err = self.finish(proc)
        took = time.monotonic() - started
        self.assertEqual((rc, out), (1, ""))
        self.assertIn("error: timed out waiting for the condition on pods/pending", err)
        self.assertLess(took, 10)


if __name__ == "__main__":
    main()
