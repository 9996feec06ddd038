"""A c8s-apiserver on a one-member store, on loopback, and the real kubectl pointed at it.

    api = LocalApiserver(extra_args=["--watch-cache=false"]).start()
    api.kubectl("get", "pods")          # check=True: a non-zero exit raises AssertionError
    api.stop()
"""

import os
import shutil
import subprocess
import urllib.request

from .cluster import C8S_STORE, Cluster, c8s_store_binary
from .proc import Process, free_port, make_temp_dir, remove_temp_dir, wait_for


def apiserver_binary():
    """The built c8s-apiserver under $C8S_BIN_DIR, or None."""
    path = os.path.join(os.environ.get("C8S_BIN_DIR", ""), "c8s-apiserver")
    return path if os.access(path, os.X_OK) else None


def missing_for_kubectl_tests():
    """Why kubectl tests cannot run here (a reason for unittest.SkipTest), or None."""
    if apiserver_binary() is None or c8s_store_binary() is None:
        return "c8s-apiserver or c8s-store is not built"
    if shutil.which("kubectl") is None:
        return "kubectl is not installed"
    return None


class LocalApiserver:
    """One c8s-apiserver serving plain HTTP on a free loopback port over its own store."""

    def __init__(self, storage_kind=C8S_STORE, extra_args=(), name="c8s-apiserver"):
        self.storage_kind = storage_kind
        self.extra_args = list(extra_args)
        self.name = name
        self.dir = None
        self.store = None
        self.process = None
        self.server = None

    def start(self):
        self.dir = make_temp_dir("c8stest-apiserver-")
        self.store = Cluster(self.storage_kind, 1).start()
        port = free_port()
        self.server = f"http://127.0.0.1:{port}"
        self.process = Process(self.name, [
            apiserver_binary(), "--etcd-servers", self.store.members[0].client_url,
            "--insecure-port", str(port), "--etcd-compaction-interval", "0",
            *self.extra_args], os.path.join(self.dir, "apiserver.log")).start()
        wait_for(self.ready, 30.0, what="c8s-apiserver ready")
        return self

    def ready(self):
        if not self.process.is_running():
            raise AssertionError("c8s-apiserver exited:\n" + self.process.log_text(30))
        try:
            with urllib.request.urlopen(self.server + "/readyz", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def stop(self):
        if self.process is not None:
            self.process.stop()
        if self.store is not None:
            self.store.close()
        if self.dir is not None:
            remove_temp_dir(self.dir)

    def kubectl(self, *args, stdin=None, check=True, timeout=30):
        """Runs the real kubectl against this apiserver; returns the CompletedProcess."""
        env = dict(os.environ, HOME=self.dir, KUBECONFIG=os.path.join(self.dir, "none"))
        done = subprocess.run(["kubectl", "--server", self.server, "--cache-dir",
                               os.path.join(self.dir, "cache"), *args], input=stdin,
                              capture_output=True, text=True, timeout=timeout, env=env)
        if check and done.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} exited {done.returncode}: "
                                 f"{done.stderr}\napiserver log:\n{self.process.log_text(20)}")
        return done
