#!/usr/bin/env python3
"""c8sctl diff (new, changed and unchanged objects, --server-side conflicts, -l, -R, stdin,
masked Secret data, $KUBECTL_EXTERNAL_DIFF, errors and exit codes 0/1/2) and replace --force
against the real kubectl 1.32 (the harness of test_ctl_kubectl.py). The diff headers name temp
dirs and file times, which differ between runs, so they are normalised."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest.runner import main  # noqa: E402

# The harness's Deployment and ConfigMap with the replicas, the data and a label to select on.
APP = (harness.MANIFEST.replace("replicas: 1", "replicas: REPLICAS")
       .replace("{name: settings}", "{name: settings, labels: {tier: config}}")
       .replace("mode: fast", "mode: MODE"))

SECRET = """\
apiVersion: v1
kind: Secret
metadata: {name: creds}
data: DATA
"""

BAD = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: bad}
data: {"a b": c}
"""

BOGUS = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: fine}
---
apiVersion: v1
kind: Bogus
metadata: {name: x}
"""

# Prints what the diff program is given: the two dirs (by their prefix) with their files, then
# the other arguments; exits with $EXIT_WITH.
EXTERNAL = """\
#!/bin/sh
for a in "$@"; do
  case "$a" in
    /*) echo "dir ${a##*/}" | sed 's/-.*//'; ls "$a"; cat "$a"/* ;;
    *) echo "arg $a" ;;
  esac
done
exit "${EXIT_WITH:-0}"
"""

DIFF_DIR = re.compile(r"/(LIVE|MERGED)-[A-Za-z0-9]+")
FILE_TIME = re.compile(r"\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? [+-]\d{4}$", re.M)


class DiffAndForceReplace(harness.CtlDiffCase):
    @staticmethod
    def normalise(text, ns=None):
        text = FILE_TIME.sub("\t<mtime>", DIFF_DIR.sub(r"/\1-<dir>", text))
        return harness.CtlDiffCase.normalise(text, ns)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def app(self, name, image="1", replicas="1", mode="fast"):
        return self.write(name, APP.replace("IMAGE", image).replace("REPLICAS", replicas)
                          .replace("MODE", mode))

    def with_env(self, env, *args, **kwargs):
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            return self.both(*args, **kwargs)
        finally:
            for k, v in saved.items():
                if v is None:
                    del os.environ[k]
                else:
                    os.environ[k] = v

    def test_diff_shows_what_apply_would_change_like_kubectl(self):
        self.twin_namespaces("df")
        first = self.app("df/app.yaml")
        changed = self.app("df/tree/app.yaml", image="2", replicas="3", mode="slow")
        # nothing there yet: every object is new (exit 1)
        rc, out, _ = self.both("diff", "-f", first, twin="df")
        self.assertEqual(rc, 1)
        self.assertIn("+++ /tmp/MERGED-<dir>/apps.v1.Deployment.ctl-X.app", out)
        self.both("apply", "-f", first, twin="df")
        rc, out, _ = self.both("diff", "-f", first, twin="df")
        self.assertEqual((rc, out), (0, ""))
        for args in (["diff", "-f", changed], ["diff", "-R", "-f", os.path.dirname(changed)],
                     ["diff", "-f", changed, "--show-managed-fields"],
                     ["diff", "-f", changed, "-l", "tier=config"],
                     ["diff", "-f", changed, "-l", "tier=none"],
                     ["diff", "-f", changed, "-l", "tier=(x"],
                     # kubectl-client-side-apply owns the fields: conflicts, four tries, exit 2
                     ["diff", "-f", changed, "--server-side"],
                     ["diff", "-f", changed, "--server-side", "--force-conflicts"],
                     ["diff", "-f", changed, "--server-side", "--field-manager=kubectl-client-side-apply"]):
            with self.subTest(args=args):
                self.both(*args, twin="df")
        rc, out, _ = self.both("diff", "-f", "-", twin="df",
                               stdin=APP.replace("IMAGE", "1").replace("REPLICAS", "2")
                               .replace("MODE", "fast"))
        self.assertEqual(rc, 1)
        self.assertIn("-  replicas: 1\n+  replicas: 2\n", out)
        # nothing was changed by any of it
        _, out, _ = self.both("get", "deploy,cm", "-o", "yaml", twin="df")
        self.assertIn("image: nginx:1", out)

    def test_diff_masks_secret_data_like_kubectl(self):
        self.twin_namespaces("ds")
        first = self.write("ds/secret.yaml", SECRET.replace("DATA", "{a: YQ==, b: Yg==, c: Yw==}"))
        later = self.write("ds/secret2.yaml", SECRET.replace("DATA", "{a: YQ==, b: Ynh4, d: ZA==}")
                           + "stringData: {e: plain}\n")
        rc, out, _ = self.both("diff", "-f", first, twin="ds")
        self.assertIn("-null\n", out)  # kubectl's Masker prints the missing live Secret as null
        self.assertNotIn("YQ==", out)
        self.both("apply", "-f", first, twin="ds")
        rc, out, _ = self.both("diff", "-f", later, twin="ds")
        self.assertEqual(rc, 1)
        self.assertIn("-  b: '*** (before)'\n-  c: '***'\n+  b: '*** (after)'\n", out)
        self.assertNotIn("Ynh4", out)
        # --prune: what apply created and the files no longer name shows as removed, printed
        # whole as kubectl prints it (data and managed fields included)
        app = self.app("ds/app.yaml")
        for args, code in ((["diff", "--prune", "-f", app], 1),
                           (["diff", "--prune", "-f", app, "--prune-allowlist=core/v1/Secret"], 1),
                           (["diff", "--prune", "-f", app, "--prune-allowlist=v1/Secret"], 2),
                           (["diff", "--prune", "-f", app, "-l", "tier=config"], 1),
                           (["diff", "--prune", "-f", first], 0)):
            with self.subTest(args=args):
                rc, _, _ = self.both(*args, twin="ds")
                self.assertEqual(rc, code)

    def test_diff_errors_and_external_diff_programs_match_kubectl(self):
        self.twin_namespaces("de")
        bad = self.write("de/bad.yaml", BAD)
        bogus = self.write("de/bogus.yaml", BOGUS)
        empty = os.path.join(self.dir, "de/empty")
        os.makedirs(empty, exist_ok=True)
        app = self.app("de/app.yaml")
        for args in (["diff"], ["diff", "x", "y"], ["diff", "-f", app, "--bogus"],
                     ["diff", "-f", app, "--force-conflicts"], ["diff", "-f", "/nonexistent"],
                     ["diff", "-f", empty], ["diff", "-f", bad], ["diff", "-f", bogus],
                     ["diff", "-f", app, "-n", "nope"], ["diff", "-f", app, "--concurrency=x"],
                     ["--context", "nope", "diff", "-f", app]):
            with self.subTest(args=args):
                rc, _, _ = self.both(*args, twin="de" if "nope" not in args else False)
                self.assertEqual(rc, 2)
        script = self.write("de/show-diff.sh", EXTERNAL)
        os.chmod(script, 0o755)
        for env, code in (({"KUBECTL_EXTERNAL_DIFF": script}, 0),
                          ({"KUBECTL_EXTERNAL_DIFF": f"{script} -x --a=b a/b  c"}, 0),
                          ({"KUBECTL_EXTERNAL_DIFF": script, "EXIT_WITH": "1"}, 1),
                          ({"KUBECTL_EXTERNAL_DIFF": script, "EXIT_WITH": "3"}, 2),
                          ({"KUBECTL_EXTERNAL_DIFF": "no-such-diff-program"}, 2)):
            with self.subTest(env=env):
                rc, out, _ = self.with_env(env, "diff", "-f", app, twin="de")
                self.assertEqual(rc, code)
                if code < 2:
                    self.assertIn("dir LIVE\n", out)

    def test_replace_force_deletes_and_creates_again_like_kubectl(self):
        self.twin_namespaces("rf")
        first = self.app("rf/app.yaml")
        changed = self.app("rf/app2.yaml", image="2", mode="slow")
        bad = self.write("rf/bad.yaml", BAD)
        two_bad = self.write("rf/two-bad.yaml", BAD + "---\n" + BAD.replace("bad", "bad2"))
        # missing objects are simply created
        _, out, _ = self.both("replace", "--force", "-f", first, twin="rf")
        self.assertEqual(out, "deployment.apps/app replaced\nconfigmap/settings replaced\n")
        uid = self.run_one("c8sctl", "-n", "rf-c", "get", "cm", "settings", "-o",
                           "jsonpath={.metadata.uid}").stdout
        for args in (["replace", "--force", "-f", changed],
                     ["replace", "--force", "-f", first, "-o", "name"],
                     ["replace", "--force", "-f", changed, "--grace-period=0", "-o", "yaml"],
                     ["replace", "--force", "-f", first, "--cascade=background", "--wait"],
                     ["replace", "--force", "-f", bad], ["replace", "--force", "-f", two_bad],
                     ["replace", "--grace-period=1", "-f", first],
                     ["replace", "--timeout=1s", "-f", first],
                     ["replace", "--force", "--dry-run=server", "-f", first],
                     ["replace", "--force", "-f", first, "extra"],
                     ["replace", "--force", "--timeout=x", "-f", first],
                     ["replace", "--force", "--cascade=bogus", "-f", first],
                     ["get", "deploy,cm", "-o", "yaml"]):
            with self.subTest(args=args):
                self.both(*args, twin="rf")
        again = self.run_one("c8sctl", "-n", "rf-c", "get", "cm", "settings", "-o",
                             "jsonpath={.metadata.uid}").stdout
        self.assertTrue(uid and again and uid != again, "replace --force makes a new object")


if __name__ == "__main__":
    main()
