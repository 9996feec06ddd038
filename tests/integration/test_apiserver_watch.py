#!/usr/bin/env python3
"""c8s-apiserver's watch cache with real processes (c8s-store and c8s-apiserver, kubectl get -w).

200 watchers of one resource get the same events in the same order from one store watch; a
watcher that never reads is cut off (its stream ends) while the others keep receiving; a
revision older than the cache's window is 410 Expired with Kubernetes' message, and a compacted
one the store's 410; lists with resourceVersion=0 come from the cache and still answer while the
store is down, and the cache's watch survives the store's restart; two apiservers on one store
deliver the same events; bookmarks come with allowWatchBookmarks.
"""

import json
import os
import re
import selectors
import shutil
import socket
import subprocess
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest import (C8S_STORE, Cluster, Process, c8s_store_binary, free_port,  # noqa: E402
                     make_temp_dir, remove_temp_dir, wait_for)
from c8stest.runner import main  # noqa: E402


def apiserver_binary():
    path = os.path.join(os.environ.get("C8S_BIN_DIR", ""), "c8s-apiserver")
    return path if os.access(path, os.X_OK) else None


def launch_apiserver(store, directory, name, env_extra):
    port = free_port()
    env = dict(os.environ, **env_extra)
    proc = Process(name, [apiserver_binary(), "--etcd-servers", store.members[0].client_url,
                          "--insecure-port", str(port), "--etcd-compaction-interval", "0"],
                   os.path.join(directory, f"{name}.log"), env=env).start()
    return proc, port


def wait_apiserver(proc, port, name):
    def ready():
        if not proc.is_running():
            raise AssertionError(f"{name} exited:\n" + proc.log_text(30))
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False
    wait_for(ready, 30.0, what=f"{name} ready")


def start_apiserver(store, directory, name, env_extra):
    proc, port = launch_apiserver(store, directory, name, env_extra)
    wait_apiserver(proc, port, name)
    return proc, port


def call(port, method, path, body=None, timeout=10):
    """One request; returns (status, parsed JSON body)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def configmap(name, data=None, labels=None):
    meta = {"name": name}
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data or {}}


class WatchStream:
    """A raw HTTP/1.1 watch: the chunked body decoded into WatchEvent lines, without blocking."""

    def __init__(self, port, path, rcvbuf=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.connect(("127.0.0.1", port))
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Accept: application/json\r\n\r\n".encode())
        self.sock.setblocking(False)
        self.raw = b""
        self.head = None
        self.body = b""
        self.events = []
        self.ended = False

    def fileno(self):
        return self.sock.fileno()

    def status(self):
        return int(self.head.split(b" ")[1]) if self.head else None

    def feed(self):
        """Reads what is there; returns False once the connection closed."""
        try:
            data = self.sock.recv(1 << 16)
        except BlockingIOError:
            return True
        if not data:
            self.ended = True
            return False
        self.raw += data
        self._decode()
        return True

    def _decode(self):
        if self.head is None:
            end = self.raw.find(b"\r\n\r\n")
            if end < 0:
                return
            self.head, self.raw = self.raw[:end], self.raw[end + 4:]
        while not self.ended:
            nl = self.raw.find(b"\r\n")
            if nl < 0:
                return
            size = int(self.raw[:nl].split(b";")[0], 16)
            if size == 0:
                self.ended = True
                return
            if len(self.raw) < nl + 2 + size + 2:
                return
            self.body += self.raw[nl + 2:nl + 2 + size]
            self.raw = self.raw[nl + 2 + size + 2:]
            *lines, self.body = self.body.split(b"\n")
            self.events += [json.loads(line) for line in lines if line.strip()]

    def close(self):
        self.sock.close()


def pump(streams, until, timeout, what):
    """Feeds every stream until until() holds."""
    sel = selectors.DefaultSelector()
    for s in streams:
        sel.register(s, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    try:
        while not until():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what}")
            for key, _ in sel.select(min(left, 0.5)):
                if not key.fileobj.feed():
                    sel.unregister(key.fileobj)
    finally:
        sel.close()


def summary(events):
    return [(e["type"], e["object"]["metadata"].get("name"),
             e["object"]["metadata"]["resourceVersion"]) for e in events]


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if apiserver_binary() is None or c8s_store_binary() is None:
            raise unittest.SkipTest("c8s-apiserver or c8s-store is not built")
        cls.dir = make_temp_dir("c8stest-watch-")
        cls.store = Cluster(C8S_STORE, 1).start()
        cls.procs = []

    @classmethod
    def tearDownClass(cls):
        # A clean exit with watches still open: no hang, no leak (the sanitizers' exit codes).
        codes = {proc.name: proc.stop() for proc in cls.procs}
        logs = "\n".join(proc.log_text(20) for proc in cls.procs)
        cls.store.close()
        remove_temp_dir(cls.dir)
        if any(code != 0 for code in codes.values()):
            raise AssertionError(f"apiserver exit codes {codes}:\n{logs}")

    def current_logs(self):
        return "\n".join([p.log_text(30) for p in self.procs] + [self.store.logs(30)])

    def namespace(self, port, name):
        status, _ = call(port, "POST", "/api/v1/namespaces",
                         {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        self.assertIn(status, (201, 409))
        return f"/api/v1/namespaces/{name}/configmaps"

    def create(self, port, path, name, **kw):
        status, obj = call(port, "POST", path, configmap(name, **kw))
        self.assertEqual(status, 201, obj)
        return obj


class WatchCacheTest(Base):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A: a watcher queue of 50 events and bookmarks every 300 ms; B: a window of 20 events.
        a, cls.a = launch_apiserver(cls.store, cls.dir, "apiserver-a", {
            "C8S_WATCH_CACHE_QUEUE": "50", "C8S_WATCH_CACHE_BOOKMARK_MS": "300"})
        b, cls.b = launch_apiserver(cls.store, cls.dir, "apiserver-b", {
            "C8S_WATCH_CACHE_CAPACITY": "20"})
        cls.procs += [a, b]
        wait_apiserver(a, cls.a, "apiserver-a")
        wait_apiserver(b, cls.b, "apiserver-b")

    def test_200_watchers_receive_the_same_events_in_order(self):
        path = self.namespace(self.a, "fan")
        _, listed = call(self.a, "GET", path + "?resourceVersion=0")
        rv = listed["metadata"]["resourceVersion"]
        streams = [WatchStream(self.a, f"{path}?watch=true&resourceVersion={rv}")
                   for _ in range(200)]
        selected = [WatchStream(self.a, f"{path}?watch=true&resourceVersion={rv}"
                                "&labelSelector=tier%3Dweb") for _ in range(5)]
        try:
            for i in range(10):
                self.create(self.a, path, f"cm{i}", labels={"tier": "web"})
            status, _ = call(self.a, "PUT", f"{path}/cm0",
                             configmap("cm0", {"k": "v"}, labels={"tier": "db"}))
            self.assertEqual(status, 200)
            status, _ = call(self.a, "DELETE", f"{path}/cm1")
            self.assertEqual(status, 200)
            everyone = streams + selected
            pump(everyone, lambda: all(len(s.events) >= 12 for s in everyone), 30,
                 "12 events on every watcher")
            want = summary(streams[0].events)
            self.assertEqual([t for t, _, _ in want], ["ADDED"] * 10 + ["MODIFIED", "DELETED"])
            revs = [int(r) for _, _, r in want]
            self.assertEqual(revs, sorted(revs))
            for s in streams:
                self.assertEqual(s.status(), 200)
                self.assertEqual(summary(s.events), want)
            # A label change out of the selector is a DELETED at that revision for them.
            for s in selected:
                got = summary(s.events)
                self.assertEqual(got[10], ("DELETED", "cm0", want[10][2]))
                self.assertEqual(got[11], ("DELETED", "cm1", want[11][2]))
        finally:
            for s in streams + selected:
                s.close()

    def test_a_watcher_that_never_reads_is_cut_off_while_others_keep_receiving(self):
        path = self.namespace(self.a, "slow")
        _, listed = call(self.a, "GET", path + "?resourceVersion=0")
        rv = listed["metadata"]["resourceVersion"]
        stuck = WatchStream(self.a, f"{path}?watch=true&resourceVersion={rv}", rcvbuf=4096)
        reader = WatchStream(self.a, f"{path}?watch=true&resourceVersion={rv}")
        try:
            # ~3 MB: more than the kernel buffers on loopback take before the server stops
            # writing; each event stays below the store's 64 KiB watch buffer.
            big = {"blob": "x" * 24000}
            count = 240
            for i in range(count):
                self.create(self.a, path, f"big{i}", data=big)
                if i % 20 == 0:
                    pump([reader], lambda: len(reader.events) > i - 20, 10, "the reader")
            pump([reader], lambda: len(reader.events) >= count, 30, "every event on the reader")
            self.assertEqual([e["object"]["metadata"]["name"] for e in reader.events],
                             [f"big{i}" for i in range(count)])
            # The stuck watcher's stream ends after what was already on its way.
            pump([stuck], lambda: stuck.ended, 30, "the stuck watcher's end")
            self.assertLess(len(stuck.events), count)
            self.assertEqual(stuck.status(), 200)
            # It relists and watches again like any client.
            _, relisted = call(self.a, "GET", path + "?resourceVersion=0")
            self.assertEqual(len(relisted["items"]), count)
        finally:
            stuck.close()
            reader.close()

    def test_a_revision_older_than_the_window_is_expired(self):
        path = self.namespace(self.b, "window")
        _, listed = call(self.b, "GET", path + "?resourceVersion=0")
        rv = int(listed["metadata"]["resourceVersion"])
        self.create(self.b, path, "w")
        for i in range(30):
            status, _ = call(self.b, "PUT", f"{path}/w", configmap("w", {"n": str(i)}))
            self.assertEqual(status, 200)
        # The window (20 events) may still be catching up with the writes.
        last = int(call(self.b, "GET", f"{path}/w")[1]["metadata"]["resourceVersion"])
        wait_for(lambda: int(call(self.b, "GET", path + f"?resourceVersion={last}"
                                  "&resourceVersionMatch=NotOlderThan")[1]
                             ["metadata"]["resourceVersion"]) >= last, 10, what="cache caught up")
        s = WatchStream(self.b, f"{path}?watch=true&resourceVersion={rv}")
        try:
            pump([s], lambda: s.ended, 10, "the expired watch's end")
            self.assertEqual(s.status(), 200)
            self.assertEqual(len(s.events), 1)
            err = s.events[0]
            self.assertEqual(err["type"], "ERROR")
            self.assertEqual(err["object"]["code"], 410)
            self.assertEqual(err["object"]["reason"], "Expired")
            m = re.fullmatch(r"too old resource version: (\d+) \((\d+)\)",
                             err["object"]["message"])
            self.assertIsNotNone(m, err["object"]["message"])
            self.assertEqual(int(m.group(1)), rv)
            self.assertGreater(int(m.group(2)), rv)
        finally:
            s.close()
        # Inside the window it replays.
        recent = WatchStream(self.b, f"{path}?watch=true&resourceVersion={last - 3}")
        try:
            pump([recent], lambda: len(recent.events) >= 3, 10, "the replay")
            self.assertEqual([int(r) for _, _, r in summary(recent.events)],
                             [last - 2, last - 1, last])
        finally:
            recent.close()

    def test_a_compacted_revision_is_expired_by_the_store(self):
        # Secrets have no cache yet: the cache starts after rv, so the store judges it.
        path = "/api/v1/namespaces/default/secrets"
        status, first = call(self.a, "POST", path, {
            "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s1"}})
        self.assertEqual(status, 201)
        rv = int(first["metadata"]["resourceVersion"])
        for name in ("s2", "s3"):  # compaction keeps its own revision: go past rv + 1
            call(self.a, "POST", path, {"apiVersion": "v1", "kind": "Secret",
                                        "metadata": {"name": name}})
        current = self.store.client.revision()
        reply = self.store.client.post("/v3/kv/compaction",
                                         {"revision": str(current), "physical": True})
        self.assertEqual(reply.status, 200)
        s = WatchStream(self.a, f"{path}?watch=true&resourceVersion={rv}")
        try:
            pump([s], lambda: s.ended, 10, "the compacted watch's end")
            self.assertEqual(s.events[-1]["type"], "ERROR")
            self.assertEqual(s.events[-1]["object"]["code"], 410)
            self.assertEqual(s.events[-1]["object"]["message"],
                             "The resourceVersion for the provided watch is too old.")
        finally:
            s.close()

    def test_two_apiservers_deliver_the_same_events(self):
        path = self.namespace(self.a, "ha")
        _, listed = call(self.a, "GET", path)  # a consistent read from the store
        rv = listed["metadata"]["resourceVersion"]
        wa = WatchStream(self.a, f"{path}?watch=true&resourceVersion={rv}")
        wb = WatchStream(self.b, f"{path}?watch=true&resourceVersion={rv}")
        try:
            for i in range(6):
                self.create(self.a if i % 2 else self.b, path, f"ha{i}")
            call(self.b, "DELETE", f"{path}/ha0")
            pump([wa, wb], lambda: len(wa.events) >= 7 and len(wb.events) >= 7, 20,
                 "7 events on both apiservers")
            self.assertEqual(summary(wa.events), summary(wb.events))
            self.assertEqual(summary(wa.events)[-1][:2], ("DELETED", "ha0"))
        finally:
            wa.close()
            wb.close()

    def test_bookmarks_with_allow_watch_bookmarks(self):
        path = self.namespace(self.a, "marks")
        _, listed = call(self.a, "GET", path + "?resourceVersion=0")
        rv = listed["metadata"]["resourceVersion"]
        s = WatchStream(self.a, f"{path}?watch=true&resourceVersion={rv}"
                        "&allowWatchBookmarks=true&timeoutSeconds=4")
        plain = WatchStream(self.a, f"{path}?watch=true&resourceVersion={rv}&timeoutSeconds=4")
        try:
            created = self.create(self.a, path, "m")
            created_rv = int(created["metadata"]["resourceVersion"])
            pump([s], lambda: any(e["type"] == "BOOKMARK" for e in s.events), 10, "a bookmark")
            self.assertEqual(s.events[0]["type"], "ADDED")
            mark = next(e for e in s.events if e["type"] == "BOOKMARK")["object"]
            self.assertEqual(mark["kind"], "ConfigMap")
            self.assertGreaterEqual(int(mark["metadata"]["resourceVersion"]), created_rv)
            pump([s, plain], lambda: s.ended and plain.ended, 10, "timeoutSeconds")
            self.assertEqual([e["type"] for e in plain.events], ["ADDED"])
        finally:
            s.close()
            plain.close()

    def test_kubectl_get_watch_sees_changes(self):
        if shutil.which("kubectl") is None:
            self.skipTest("kubectl is not installed")
        path = self.namespace(self.a, "kctl")
        self.create(self.a, path, "first")
        env = dict(os.environ, HOME=self.dir, KUBECONFIG=os.path.join(self.dir, "none"))
        proc = subprocess.Popen(
            ["kubectl", "--server", f"http://127.0.0.1:{self.a}", "--cache-dir",
             os.path.join(self.dir, "cache"), "get", "configmaps", "-n", "kctl", "-w",
             "--output-watch-events"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, env=env)
        lines = []

        def read_lines():
            for line in proc.stdout:
                lines.append(line)
        reader = threading.Thread(target=read_lines, daemon=True)
        reader.start()
        try:
            # Once the list is printed, the watch starts from its resourceVersion: nothing
            # written afterwards can be missed.
            wait_for(lambda: any(re.match(r"ADDED\s+first\s", line) for line in lines), 15,
                     what="kubectl's list")
            self.create(self.a, path, "kw", data={"a": "1"})
            call(self.a, "DELETE", f"{path}/kw")
            wait_for(lambda: any(re.match(r"DELETED\s+kw\s", line) for line in lines), 15,
                     what="kubectl's DELETED line")
            self.assertTrue(any(re.match(r"ADDED\s+kw\s+1\s", line) for line in lines), lines)
        finally:
            proc.kill()
            proc.wait(timeout=10)
            reader.join(timeout=5)


class StoreRestartTest(Base):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        proc, cls.a = start_apiserver(cls.store, cls.dir, "apiserver", {})
        cls.procs.append(proc)

    def test_lists_at_zero_answer_while_the_store_is_down_and_watches_survive_its_restart(self):
        path = self.namespace(self.a, "down")
        self.create(self.a, path, "before")
        _, listed = call(self.a, "GET", path + "?resourceVersion=0")
        rv = listed["metadata"]["resourceVersion"]
        s = WatchStream(self.a, f"{path}?watch=true&resourceVersion={rv}")
        try:
            wait_for(lambda: [i["metadata"]["name"] for i in
                              call(self.a, "GET", path + "?resourceVersion=0")[1]["items"]]
                     == ["before"], 10, what="the cache holding 'before'")
            member = self.store.members[0]
            member.kill9()
            status, cached = call(self.a, "GET", path + "?resourceVersion=0")
            self.assertEqual(status, 200)
            self.assertEqual([i["metadata"]["name"] for i in cached["items"]], ["before"])
            status, _ = call(self.a, "GET", path, timeout=30)  # a consistent read needs the store
            self.assertGreaterEqual(status, 500)
            member.start()
            self.store.wait_ready()
            wait_for(lambda: call(self.a, "POST", path, configmap("after"))[0] == 201, 30,
                     what="a write after the restart")
            pump([s], lambda: any(e["object"]["metadata"]["name"] == "after"
                                  for e in s.events), 30, "the event after the restart")
            self.assertEqual(summary(s.events)[-1][:2], ("ADDED", "after"))
        finally:
            s.close()


if __name__ == "__main__":
    main()
