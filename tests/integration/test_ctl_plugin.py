#!/usr/bin/env python3
"""c8sctl options, plugin list and kubectl's plugin mechanism beside the real kubectl 1.32 (the
harness of test_ctl_kubectl.py): the same PATH of kubectl-* files gives the same listing,
warnings and errors, and the same command lines run the same plugins with the same arguments and
environment."""

import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest.runner import main  # noqa: E402

ECHO = '#!/bin/sh\necho "NAME argv0=$0 args=[$*] var=[$PLUGIN_VAR]"\necho "to stderr" >&2\n'


class PluginsAndOptionsAgainstKubectl(harness.CtlDiffCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kubectl = shutil.which("kubectl")
        cls.first = cls.plugin_dir("first", {
            "kubectl-foo": ECHO.replace("NAME", "foo"),
            "kubectl-foo-bar": ECHO.replace("NAME", "foo-bar") + "exit 3\n",
            "kubectl-dash_word": ECHO.replace("NAME", "dash_word"),
            "kubectl-noshebang": "\x7fnot a program\n",
        })
        cls.second = cls.plugin_dir("second", {
            "kubectl-foo": ECHO.replace("NAME", "second foo"),
            "kubectl-get": ECHO, "kubectl-config-view": ECHO, "kubectl-create-cm": ECHO,
            "kubectl-create-thing": ECHO, "kubectl-top-po": ECHO, "kubectl-version": ECHO,
            "kubectl-plain": None,  # not executable
            "other-tool": ECHO,
        })
        os.symlink(os.path.join(cls.dir, "missing"), os.path.join(cls.second, "kubectl-broken"))
        os.mkdir(os.path.join(cls.second, "kubectl-dir"))

    @classmethod
    def plugin_dir(cls, name, files):
        path = os.path.join(cls.dir, name)
        os.mkdir(path)
        for file, text in files.items():
            with open(os.path.join(path, file), "w") as f:
                f.write(text or "#!/bin/sh\n")
            if text is not None:
                os.chmod(os.path.join(path, file), 0o755)
        return path

    def run_both(self, *args, path, extra_env=None):
        """Runs args through both tools with PATH=path; asserts the same outcome; returns it."""
        results = []
        for exe in (self.kubectl, harness.binary("c8sctl")):
            env = dict(os.environ, HOME=self.dir, KUBECONFIG=self.kubeconfig, PATH=path,
                       **(extra_env or {}))
            done = subprocess.run([exe, *args], capture_output=True, text=True, timeout=30,
                                  env=env, cwd=self.dir)
            results.append((done.returncode, self.normalise(done.stdout),
                            self.normalise(done.stderr)))
        self.assertEqual(results[0], results[1], " ".join(args))
        return results[0]

    def test_options_print_kubectls_text_for_the_global_flags_c8sctl_has(self):
        env = dict(os.environ, HOME=self.dir)
        env.pop("KUBECACHEDIR", None)
        texts = [subprocess.run([exe, "options"], capture_output=True, text=True, env=env,
                                timeout=30, check=True).stdout
                 for exe in (self.kubectl, harness.binary("c8sctl"))]
        block = re.compile(r"^    (?:-\w, )?--([\w-]+)=.*:\n\t.*\n\n", re.M)
        ours = [m.group(1) for m in block.finditer(texts[1])]
        for name in ("as", "as-group", "as-uid", "cache-dir", "certificate-authority",
                     "client-certificate", "client-key", "cluster", "context",
                     "insecure-skip-tls-verify", "kubeconfig", "namespace", "request-timeout",
                     "server", "tls-server-name", "token", "user", "v"):
            self.assertIn(name, ours)
        header = "The following options can be passed to any command:\n\n"
        kept = "".join(m.group(0) for m in block.finditer(texts[0]) if m.group(1) in ours)
        self.assertEqual(texts[1], header + kept)
        self.assertIn(f"--cache-dir='{self.dir}/.kube/cache'", texts[1])

    def test_plugin_list_names_shadowing_overwrites_and_unreadable_entries_like_kubectl(self):
        path = f"{self.first}:{self.second}:{self.dir}/nonexistent:{self.first}::"
        rc, out, err = self.run_both("plugin", "list", path=path)
        self.assertEqual(rc, 1)
        self.assertIn(f"{self.second}/kubectl-foo is overshadowed", err)
        self.assertIn('kubectl-create-cm overwrites existing command: "kubectl create configmap"',
                      err)
        self.assertIn(f"{self.first}/kubectl-foo\n", out)
        self.run_both("plugin", "list", "--name-only", path=path)
        rc, out, _ = self.run_both("plugin", "list", path=self.first)
        self.assertEqual((rc, out.splitlines()[0]),
                         (0, "The following compatible plugins are available:"))
        rc, out, err = self.run_both("plugin", "list", path=os.path.join(self.dir, "empty"))
        self.assertEqual((rc, out), (1, ""))
        self.assertTrue(err.endswith("error: unable to find any kubectl plugins in your PATH\n"))
        self.run_both("plugin", "list", "--bogus", path=self.first)
        self.run_both("plugin", "nope", path=self.first)

    def test_unknown_commands_run_the_longest_matching_plugin_like_kubectl(self):
        path = f"{self.first}:{self.second}"
        env = {"PLUGIN_VAR": "from the caller"}
        for args in (["foo"], ["foo", "bar", "baz", "-x", "--y=1", "z"], ["foo", "-n", "x", "bar"],
                     ["foo", "baz", "bar"], ["dash-word", "a"], ["foo-bar", "q"],
                     ["-n", "x", "foo"], ["plain"], ["noshebang"], ["nothing", "here"],
                     ["get", "--bogus"]):
            with self.subTest(args=args):
                self.run_both(*args, path=path, extra_env=env)
        rc, out, _ = self.run_both("foo", "bar", "baz", "-x", path=path, extra_env=env)
        self.assertEqual((rc, out),
                         (3, f"foo-bar argv0={self.first}/kubectl-foo-bar args=[baz -x] "
                             "var=[from the caller]\n"))
        rc, _, err = self.run_both("noshebang", path=path)
        self.assertEqual((rc, err), (1, "Error: exec format error\n"))


if __name__ == "__main__":
    main()
