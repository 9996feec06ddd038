"""Launchers for 1- or 3-member clusters of real etcd (Debian's etcd-server) or c8s-store.

Both take the same etcd flags (--name --data-dir --listen-client-urls --advertise-client-urls
--listen-peer-urls --initial-advertise-peer-urls --initial-cluster --initial-cluster-state), listen
on 127.0.0.1 only, keep their data and logs in one temp dir, and are ended by PID.
"""

import os
import shutil

from .etcdapi import Client
from .proc import Process, WaitAborted, free_port, make_temp_dir, remove_temp_dir, wait_for

ETCD = "etcd"
C8S_STORE = "c8s-store"


def etcd_binary():
    """Path of the real etcd binary, or None when etcd-server is not installed."""
    return shutil.which("etcd") or (os.path.exists("/usr/bin/etcd") and "/usr/bin/etcd") or None


def c8s_store_binary():
    """Path of $C8S_BIN_DIR/c8s-store, or None when C8S_BIN_DIR is unset or it is not built yet."""
    bin_dir = os.environ.get("C8S_BIN_DIR")
    if not bin_dir:
        return None
    path = os.path.join(bin_dir, "c8s-store")
    return path if os.access(path, os.X_OK) else None


def binary_for(kind):
    return etcd_binary() if kind == ETCD else c8s_store_binary()


class Member:
    """One member: its ports, data dir, log file and process. client is a Client on its URL."""

    def __init__(self, cluster, index, name):
        self.cluster = cluster
        self.index = index
        self.name = name
        self.client_port = free_port()
        self.peer_port = free_port()
        self.client_url = f"http://127.0.0.1:{self.client_port}"
        self.peer_url = f"http://127.0.0.1:{self.peer_port}"
        self.data_dir = os.path.join(cluster.base_dir, f"{name}.data")
        self.log_path = os.path.join(cluster.base_dir, f"{name}.log")
        self.client = Client(self.client_url)
        self.process = None
        self.started_once = False

    def argv(self):
        state = "existing" if self.started_once else "new"
        return [self.cluster.binary,
                "--name", self.name,
                "--data-dir", self.data_dir,
                "--listen-client-urls", self.client_url,
                "--advertise-client-urls", self.client_url,
                "--listen-peer-urls", self.peer_url,
                "--initial-advertise-peer-urls", self.peer_url,
                "--initial-cluster", self.cluster.initial_cluster(),
                "--initial-cluster-state", state,
                *self.cluster.extra_args]

    def start(self):
        """Starts the process (a restart keeps the data dir, --initial-cluster-state existing)."""
        self.process = Process(f"{self.cluster.kind}/{self.name}", self.argv(), self.log_path)
        self.process.start()
        self.started_once = True
        return self

    def is_running(self):
        return self.process is not None and self.process.is_running()

    def kill9(self):
        """SIGKILL by PID (a crash: no clean shutdown, data dir kept)."""
        if self.process:
            self.process.kill9()

    def stop(self):
        """SIGTERM by PID, SIGKILL after a grace period."""
        if self.process:
            self.process.stop()

    def restart(self, timeout=20.0):
        """Starts a stopped or killed member again on the same data dir and waits until healthy."""
        if self.is_running():
            self.stop()
        self.start()
        self.wait_healthy(timeout)

    def wait_healthy(self, timeout=20.0):
        def healthy():
            if not self.is_running():
                raise WaitAborted(f"{self.cluster.kind} member {self.name} exited with status "
                                  f"{self.process.exit_code()}; log tail:\n{self.log_tail(15)}")
            return self.client.is_healthy()
        wait_for(healthy, timeout, what=f"{self.cluster.kind} member {self.name} healthy")

    def member_id(self):
        return self.client.status()["header"]["member_id"]

    def log_tail(self, lines=60):
        return self.process.log_text(lines) if self.process else ""


class Cluster:
    """A cluster of size members of kind ETCD or C8S_STORE on 127.0.0.1.

    start() launches every member and waits until each answers /health; close() stops them by
    PID and removes the temp dir. Usable as a context manager.
    """

    def __init__(self, kind, size=1, extra_args=(), binary=None):
        assert kind in (ETCD, C8S_STORE), kind
        self.kind = kind
        self.binary = binary or binary_for(kind)
        if not self.binary:
            bin_dir = os.environ.get("C8S_BIN_DIR")
            raise FileNotFoundError(f"no {kind} binary (C8S_BIN_DIR={bin_dir})")
        self.extra_args = list(extra_args)
        self.base_dir = make_temp_dir(f"c8stest-{kind}-")
        self.members = [Member(self, i, f"m{i}") for i in range(size)]

    def initial_cluster(self):
        return ",".join(f"{m.name}={m.peer_url}" for m in self.members)

    def start(self, timeout=30.0):
        """Launches every member and waits until the cluster is ready; returns self."""
        self.launch()
        self.wait_ready(timeout)
        return self

    def launch(self):
        """Starts every member's process without waiting (to start several clusters at once)."""
        for m in self.members:
            m.start()
        return self

    def wait_ready(self, timeout=30.0):
        """Waits until every member answers /health and all agree on a leader."""
        for m in self.members:
            m.wait_healthy(timeout)
        self.wait_leader(timeout)
        # Both publish each member's name and client URLs through raft shortly after the
        # election; until then member/list shows them empty.
        wait_for(self._members_published, timeout, what=f"{self.kind} members published")
        return self

    def _members_published(self):
        listed = self.client.call("/v3/cluster/member/list", {}).get("members", [])
        return len(listed) == len(self.members) and all(m.get("name") and m.get("clientURLs")
                                                        for m in listed)

    @property
    def client(self):
        """The first member's client (the only one in a 1-member cluster)."""
        return self.members[0].client

    def running_members(self):
        return [m for m in self.members if m.is_running()]

    def leader(self):
        """The running member that is leader according to its own status, or None."""
        for m in self.running_members():
            try:
                st = m.client.status()
            except (OSError, AssertionError):
                continue
            if st.get("leader") and st.get("leader") == st["header"].get("member_id"):
                return m
        return None

    def wait_leader(self, timeout=20.0):
        """Waits until some running member reports itself leader and every running member agrees."""
        def agreed_leader():
            leader = self.leader()
            if leader is None:
                return None
            leader_id = leader.client.status()["header"]["member_id"]
            for m in self.running_members():
                if m.client.status().get("leader") != leader_id:
                    return None
            return leader
        return wait_for(agreed_leader, timeout, what=f"{self.kind} leader elected")

    def followers(self):
        leader = self.leader()
        return [m for m in self.running_members() if m is not leader]

    def logs(self, lines=40):
        """The last lines of every member's log, for failure reports."""
        parts = []
        for m in self.members:
            parts.append(f"----- {self.kind} {m.name} ({m.log_path}) -----\n{m.log_tail(lines)}")
        return "\n".join(parts)

    def close(self):
        for m in self.members:
            m.stop()
        remove_temp_dir(self.base_dir)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
