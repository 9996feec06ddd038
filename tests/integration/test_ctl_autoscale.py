#!/usr/bin/env python3
"""c8sctl autoscale against the real kubectl 1.32 (the harness of test_ctl_kubectl.py), in twin
namespaces: TYPE NAME, TYPE/NAME and -f, --min/--max/--cpu-percent/--name, dry runs, -o,
--save-config, --field-manager, the request sent, and kubectl's errors."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest.runner import main  # noqa: E402

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: fromfile}
spec:
  selector: {matchLabels: {app: f}}
  template:
    metadata: {labels: {app: f}}
    spec: {containers: [{name: c, image: nginx}]}
"""


class AutoscaleAgainstKubectl(harness.CtlDiffCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for ns in ("as-k", "as-c"):
            cls.run_one("kubectl", "create", "namespace", ns)
            for name in ("web", "api", "solo"):
                cls.run_one("kubectl", "-n", ns, "create", "deployment", name, "--image=nginx")
            cls.run_one("kubectl", "-n", ns, "run", "p1", "--image=nginx")
            cls.run_one("kubectl", "-n", ns, "create", "job", "j1", "--image=nginx")
        cls.file = os.path.join(cls.dir, "deploy.yaml")
        with open(cls.file, "w") as f:
            f.write(DEPLOYMENT)

    def test_autoscale_creates_the_hpa_kubectl_creates(self):
        self.both("autoscale", "deploy", "web", "--max=3", twin="as")
        self.both("autoscale", "deployment/api", "--max=5", "--min=2", "--cpu-percent=50",
                  "--name=api-hpa", "--save-config", twin="as")
        self.both("autoscale", "-f", self.file, "--max=4", twin="as")
        self.both("autoscale", "deploy", "solo", "--max=2", "--field-manager=me", "-o", "name",
                  twin="as")
        for args in (["get", "hpa"], ["get", "hpa", "-o", "yaml"],
                     ["get", "horizontalpodautoscalers.v1.autoscaling", "api-hpa", "-o", "yaml"]):
            with self.subTest(args=args):
                self.both(*args, twin="as")

    def test_dry_runs_and_output_formats_match(self):
        for args in (["--dry-run=client", "-o", "json"], ["--dry-run=client", "-o", "yaml"],
                     ["--dry-run=client"], ["--dry-run=server"], ["--dry-run=server", "-o", "name"],
                     ["--dry-run=client", "--min=0", "--cpu-percent=-1", "-o", "json"],
                     ["--dry-run=client", "--save-config", "-o", "yaml"],
                     ["--dry-run=bogus"]):
            with self.subTest(args=args):
                self.both("autoscale", "deploy", "web", "--max=3", "--min=1",
                          "--cpu-percent=70", "--name=dry", *args, twin="as")

    def test_errors_are_kubectls(self):
        self.both("autoscale", "deploy", "web", "--max=3", "--name=dup", twin="as")
        for args in (["deploy", "web", "--max=3", "--name=dup"],
                     ["deploy", "web", "--max=0"], ["deploy", "web", "--max=2", "--min=3"],
                     ["deploy", "web", "--max=3", "--cpu-percent=0", "--name=zero"],
                     ["deploy", "web", "--max=3", "--name=Bad_Name"],
                     ["deploy", "nope", "--max=2"], ["pod", "p1", "--max=2"],
                     ["job", "j1", "--max=2"], ["deploy", "--max=2"], ["nosuch", "x", "--max=2"],
                     ["--max=2"], ["deploy", "web", "--max=x"], ["-f", "nope.yaml", "--max=2"]):
            with self.subTest(args=args):
                rc, _, _ = self.both("autoscale", *args, twin="as")
                self.assertEqual(rc, 1)

    def test_missing_max_is_refused_before_any_request(self):
        # kubectl prints the same words in a klog line ("command failed" err=...).
        rc, out, _ = self.both("autoscale", "deploy", "web", twin="as", compare_stderr=False)
        self.assertEqual((rc, out), (1, ""))
        c = self.run_one("c8sctl", "-n", "as-c", "autoscale", "deploy", "web", check=False)
        self.assertEqual(c.stderr, 'error: required flag(s) "max" not set\n')

    def test_requests_are_kubectls(self):
        self.run_one("c8sctl", "-n", "as-c", "delete", "hpa", "req", "--ignore-not-found")
        c = self.run_one("c8sctl", "-n", "as-c", "-v=6", "autoscale", "deploy", "api",
                         "--max=2", "--name=req", check=False)
        self.assertIn(f"method=GET url={self.server}/apis/apps/v1/namespaces/as-c/deployments/api "
                      "status=200", c.stderr)
        self.assertIn(f"method=POST url={self.server}/apis/autoscaling/v1/namespaces/as-c/"
                      "horizontalpodautoscalers?fieldManager=kubectl-autoscale status=201",
                      c.stderr)
        c = self.run_one("c8sctl", "-n", "as-c", "-v=6", "autoscale", "-f", self.file,
                         "--max=2", "--name=req2", "--dry-run=server", check=False)
        self.assertNotIn("/deployments/", c.stderr)
        self.assertIn("horizontalpodautoscalers?dryRun=All&fieldManager=kubectl-autoscale "
                      "status=201", c.stderr)


if __name__ == "__main__":
    main()
