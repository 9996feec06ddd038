#!/usr/bin/env python3
"""c8sctl's bash completion, run in bash: command names, resource types from discovery, object
names; logs/exec/attach/port-forward complete pod names, cordon/uncordon/drain/taint node names,
rollout/set/top their subcommands and then types and names; kubectl's completion errors."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest.runner import main  # noqa: E402

NODES = """\
apiVersion: v1
kind: Node
metadata: {name: worker-a}
---
apiVersion: v1
kind: Node
metadata: {name: worker-b}
"""


class BashCompletion(harness.CtlDiffCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.run_one("kubectl", "create", "-f", "-", stdin=NODES)

    def complete(self, *words):
        """Runs c8sctl's completion function for a command line in bash; returns COMPREPLY."""
        script = self.run_one("c8sctl", "completion", "bash").stdout
        path = os.path.join(self.dir, "completion.bash")
        with open(path, "w") as f:
            f.write(script)
        quoted = " ".join("'" + w + "'" for w in words)
        env = dict(os.environ, HOME=self.dir, KUBECONFIG=self.kubeconfig,
                   PATH=os.path.dirname(harness.binary("c8sctl")) + ":" + os.environ["PATH"])
        done = subprocess.run(
            ["bash", "-c", f"source {path}; COMP_WORDS=(c8sctl {quoted}); "
             f"COMP_CWORD={len(words)}; __c8sctl_complete; echo \"${{COMPREPLY[*]}}\""],
            capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(done.returncode, 0, done.stderr)
        return done.stdout.split()

    def test_completes_commands_types_and_names(self):
        self.assertEqual(self.complete("ge"), ["get"])
        self.assertIn("describe", self.complete("de"))
        self.assertEqual(self.complete("get", "deploym"), ["deployments"])
        self.assertEqual(self.complete("-n", "shared", "get", "po", "p"), ["p1", "p2"])
        self.assertEqual(self.complete("describe", "deploy", ""), ["web"])
        self.assertEqual(self.complete("config", "use-context", ""), ["main", "other"])
        self.assertEqual(self.complete("create", "se"), ["secret", "service", "serviceaccount"])

    def test_completion_errors_match_kubectl(self):
        self.both("completion")
        rc, _, _ = self.both("completion", "bash", "zsh")
        self.assertNotEqual(rc, 0)

    def test_pod_commands_complete_pod_names(self):
        for cmd in ("logs", "exec", "attach", "port-forward"):
            with self.subTest(cmd=cmd):
                self.assertEqual(self.complete(cmd, "p"), ["p1", "p2"])
        self.assertEqual(self.complete("-n", "empty", "logs", ""), [])
        # the pod is already named: nothing more to offer
        self.assertEqual(self.complete("logs", "p1", ""), [])

    def test_node_commands_complete_node_names(self):
        for cmd in ("cordon", "uncordon", "drain", "taint"):
            with self.subTest(cmd=cmd):
                self.assertEqual(self.complete(cmd, "worker-"), ["worker-a", "worker-b"])

    def test_subcommands_then_types_then_names(self):
        self.assertEqual(self.complete("rollout", "re"), ["restart", "resume"])
        self.assertEqual(self.complete("rollout", "status", "deploym"), ["deployments"])
        self.assertEqual(self.complete("rollout", "status", "deploy", ""), ["web"])
        self.assertEqual(self.complete("set", "im"), ["image"])
        self.assertEqual(self.complete("set", "image", "deploy", "w"), ["web"])
        self.assertEqual(self.complete("top", ""), ["node", "pod"])
        self.assertEqual(self.complete("top", "node", "worker-b"), ["worker-b"])
        self.assertEqual(self.complete("wait", "deploy", ""), ["web"])
        self.assertEqual(self.complete("autoscale", "deploy", ""), ["web"])

    def test_new_commands_are_offered(self):
        self.assertEqual(self.complete("rol"), ["rollout"])
        self.assertIn("port-forward", self.complete("po"))


if __name__ == "__main__":
    main()
