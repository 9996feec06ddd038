#!/usr/bin/env python3
"""c8sctl apply --server-side (apply patches, conflicts, --force-conflicts, --field-manager,
dry runs) and replace -f against the real kubectl 1.32 (the harness of test_ctl_kubectl.py)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest.runner import main  # noqa: E402

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels: {app: app}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
      - name: c
        image: nginx:IMAGE
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: fast}
"""


class ServerSideApplyAndReplace(harness.CtlDiffCase):
    def write(self, name, image, replicas):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(APP.replace("IMAGE", image).replace("REPLICAS", replicas))
        return path

    def test_server_side_apply_and_replace_match_kubectl(self):
        self.twin_namespaces("ssa")
        first = self.write("ssa1.yaml", "1", "1")
        more = self.write("ssa2.yaml", "1", "2")
        changed = self.write("ssa3.yaml", "2", "1")
        for args in (["apply", "--server-side", "-f", first],
                     ["apply", "--server-side", "-f", first],
                     ["scale", "deploy", "app", "--replicas=3"],
                     ["apply", "--server-side", "-f", more],
                     ["apply", "--server-side", "-f", more, "--force-conflicts", "-o", "name"],
                     ["apply", "--server-side", "-f", changed, "--dry-run=server"],
                     ["apply", "--server-side", "-f", changed, "--dry-run=client"],
                     ["apply", "--server-side", "-f", more, "-o", "yaml"],
                     # another manager: conflicts on the image and the replicas, then forced
                     ["apply", "--server-side", "--field-manager=me", "-f", changed],
                     ["apply", "--server-side", "--field-manager=me", "-f", changed,
                      "--force-conflicts"],
                     ["get", "deploy", "app", "-o", "yaml", "--show-managed-fields"],
                     ["replace", "-f", first], ["replace", "-f", changed, "-o", "name"],
                     ["replace", "-f", changed, "--dry-run=server", "-o", "yaml"],
                     ["replace", "-f", "/nonexistent"], ["replace"],
                     ["get", "deploy,cm", "-o", "yaml"]):
            with self.subTest(args=args):
                self.both(*args, twin="ssa")
        self.both("-n", "nope", "replace", "-f", first)

    def edit(self, editor, *args):
        saved = os.environ.get("EDITOR")
        os.environ["EDITOR"] = editor
        try:
            return self.both("edit", *args, twin="ssa")
        finally:
            if saved is None:
                del os.environ["EDITOR"]
            else:
                os.environ["EDITOR"] = saved

    def test_edit_patches_what_the_editor_changed(self):
        self.twin_namespaces("ssa")
        for ns in ("ssa-k", "ssa-c"):
            self.run_one("kubectl", "-n", ns, "create", "configmap", "ed", "--from-literal=a=b")
        self.edit("true", "cm", "ed")
        self.edit("sed -i s/a:\\ b/a:\\ c/", "cm", "ed")
        self.edit("sed -i s/^data/labels/", "cm/ed")
        # re-opened with the causes, the second save is a valid one
        fixer = os.path.join(self.dir, "fix-on-reopen.sh")
        with open(fixer, "w") as f:
            f.write("#!/bin/sh\n"
                    "if grep -q 'was not valid' \"$1\"; then\n"
                    "  sed -i -e 's/^labels/data/' -e 's/a: c/a: e/' \"$1\"\n"
                    "else\n"
                    "  sed -i 's/^data/labels/' \"$1\"\n"
                    "fi\n")
        os.chmod(fixer, 0o755)
        self.edit(fixer, "cm", "ed")
        _, out, _ = self.both("get", "cm", "ed", "-o", "jsonpath={.data.a}", twin="ssa")
        self.assertEqual(out, "e")
        self.edit("sed -i s/a:\\ e/a:\\ c/", "cm", "ed")
        self.edit("true", "cm", "nope")
        _, out, _ = self.both("get", "cm", "ed", "-o", "yaml", twin="ssa")
        self.assertIn("a: c", out)
        rc, _, _ = self.both("edit")
        self.assertNotEqual(rc, 0)

    def test_validate_dry_run_and_cascade_values_match_kubectl(self):
        self.twin_namespaces("val")
        odd = os.path.join(self.dir, "odd.yaml")
        with open(odd, "w") as f:
            f.write(ODD)
        made = ["create", "deployment", "d", "--image=nginx"]
        for args in (["apply", "-f", odd],  # Strict: the server refuses the unknown field
                     ["apply", "-f", odd, "--validate=Warn"], ["replace", "--validate=bogus"],
                     ["create", "--dry-run=bogus", "--validate=bogus"],
                     [*made, "--validate=bogus"],
                     ["taint", "nodes", "nope", "a=b:NoSchedule", "--validate=bogus"],
                     # warned once for both objects, then accepted without a word
                     ["apply", "-f", odd, "--validate=warn"],
                     ["apply", "-f", odd, "--validate=false"],
                     ["replace", "-f", odd, "--validate"],
                     ["replace", "-f", odd, "--validate=ignore", "-o", "name"],
                     ["apply", "--server-side", "-f", odd]):
            with self.subTest(args=args):
                self.both(*args, twin="val")
        self.edit("true", "cm", "odd2", "--validate=bogus")
        for args in (# a bare --dry-run and the boolean values are deprecated spellings
                     [*made, "--dry-run", "-o", "yaml"], [*made, "--dry-run=T", "-o", "name"],
                     [*made, "--dry-run=false", "-o", "name"],
                     ["delete", "deploy", "d", "--dry-run=server"],
                     ["delete", "deploy", "d", "--dry-run", "-o", "name"],
                     ["delete", "deploy", "d", "--cascade=true", "--dry-run=client"],
                     ["delete", "deploy", "d", "--cascade=bogus"], ["delete", "--cascade=bogus"],
                     ["delete", "deploy", "d", "--cascade=fore"],
                     ["get", "deploy,cm", "-o", "name"],
                     ["delete", "deploy", "d", "--cascade"],
                     ["delete", "-f", odd, "--cascade=background"],
                     ["get", "deploy,cm", "-o", "name"]):
            with self.subTest(args=args):
                self.both(*args, twin="val")

    def test_folders_without_manifests_fail_as_kubectls_builder(self):
        empty = os.path.join(self.dir, "empty")
        text_only = os.path.join(self.dir, "text-only")
        nested = os.path.join(self.dir, "nested", "sub")
        for folder in (empty, text_only, nested):
            os.makedirs(folder, exist_ok=True)
        with open(os.path.join(text_only, "notes.txt"), "w") as f:
            f.write("not a manifest\n")
        with open(os.path.join(nested, "cm.yaml"), "w") as f:
            f.write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nested}\n")
        top = os.path.dirname(nested)
        good = os.path.join(nested, "cm.yaml")
        for args in (["apply", "-f", empty], ["create", "-f", empty], ["replace", "-f", empty],
                     ["delete", "-f", empty], ["diff", "-f", empty], ["apply", "-f", top],
                     # the error comes when no file has been read yet after a path
                     ["apply", "-f", text_only, "-f", good, "--dry-run=client"],
                     ["apply", "-f", good, "-f", text_only, "--dry-run=client"],
                     ["apply", "-R", "-f", top, "--dry-run=client"]):
            with self.subTest(args=args):
                self.both(*args)

ODD = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: odd}
data: {a: b}
bogusField: 1
---
apiVersion: v1
kind: ConfigMap
metadata: {name: odd2}
bogusField: 2
"""


if __name__ == "__main__":
    main()
