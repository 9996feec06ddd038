#!/usr/bin/env python3
"""c8sctl run and expose against the real kubectl 1.32 (the harness of test_ctl_kubectl.py):
the pods and services `--dry-run=client -o json|yaml` prints, what the server stores, and the
errors."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest.runner import main  # noqa: E402


class RunAndExposeAgainstKubectl(harness.CtlDiffCase):
    def test_run_builds_kubectls_pod(self):
        for args in (["run", "p1", "--image=nginx", "-o", "json"],
                     ["run", "p2", "--image=nginx", "--restart=Never", "--env=A=1", "--env=B=2",
                      "--labels=a=b,c=d", "--port=80", "-o", "json", "--", "sleep", "10"],
                     ["run", "p3", "--image=nginx", "--command", "-o", "yaml", "--", "sleep",
                      "10"],
                     ["run", "p4", "--image=nginx", "--restart=OnFailure", "-o", "yaml",
                      "--image-pull-policy=Always"],
                     ["run", "p4", "--image=x", "--serviceaccount=sa"],
                     ["-n", "other", "run", "p5", "--image=x", "-o", "json"],
                     ["run", "p6", "--image=x"], ["run", "p6", "--image=x", "-o", "name"]):
            with self.subTest(args=args):
                dash = args.index("--") if "--" in args else len(args)
                self.both(*args[:dash], "--dry-run=client", *args[dash:])

    def test_run_errors_match_kubectl(self):
        for args in (["run", "--image=x"], ["run", "p6", "--image=x", "--restart=Bad"],
                     ["run", "p6", "--image=x", "--env=bad"],
                     ["run", "p6", "--image=x", "--dry-run=x"],
                     ["run", "p6", "--image=x", "-o", "wide"]):
            with self.subTest(args=args):
                rc, _, _ = self.both(*args)
                self.assertNotEqual(rc, 0)
        _, _, err = self.both("run", "p5", "--dry-run=client", compare_stderr=False)
        self.assertIn("required flag(s)", err)
        self.assertIn("image", err)

    def test_run_and_expose_create_what_kubectl_creates(self):
        self.twin_namespaces("run")
        for args in (["run", "p8", "--image=x", "--port=90", "--labels=x=y"],
                     ["run", "p8", "--image=x"], ["run", "P9", "--image=x"],
                     ["run", "p9", "--image=x", "--dry-run=server", "-o", "yaml"],
                     ["get", "po", "p8", "-o", "yaml"],
                     ["create", "deployment", "web", "--image=nginx", "--port=8080"],
                     ["expose", "deploy", "web", "--port=80", "--dry-run=client", "-o", "json"],
                     ["expose", "deploy", "web", "--dry-run=client", "-o", "yaml"],
                     ["expose", "pod", "p8", "--port=80", "--target-port=9090", "--type=NodePort",
                      "--name=px", "--dry-run=client", "-o", "yaml"],
                     ["expose", "svc/nope", "--port=80"], ["expose", "deploy", "web"],
                     ["expose", "deploy", "web"], ["expose", "cm/kube-root-ca.crt", "--port=80"],
                     ["expose", "deploy", "web", "--type=Bad", "--port=1", "--name=z"],
                     ["expose", "svc", "web", "--name=web3", "--port=81", "-o", "yaml"],
                     ["expose", "po/p8", "--name=p8", "--protocol=UDP"], ["expose"],
                     ["get", "svc", "-o", "yaml"]):
            with self.subTest(args=args):
                self.both(*args, twin="run")


if __name__ == "__main__":
    main()
