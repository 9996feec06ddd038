#!/usr/bin/env python3
"""c8s-store as users run it: 3 members on loopback, crashes, restarts, membership changes,
snapshot install and backup/restore. Every check is on real processes; waits have deadlines.
"""

import os
import random
import shutil
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest import (C8S_STORE, ApiError, Client, Cluster, StreamClosed, b64,  # noqa: E402
                     c8s_store_binary, prefix_end, unb64, wait_for)
from c8stest.runner import main  # noqa: E402

ELECTION_MS = 1000
HEARTBEAT_MS = 100


class Writers:
    """Threads putting unique keys to random live members; every acknowledged put is recorded
    with its revision and the time it was acknowledged. A failed put is "unknown", never lost."""

    def __init__(self, cluster, prefix, count=4):
        self.cluster = cluster
        self.prefix = prefix
        self.count = count
        self.acked = {}  # key -> (value, revision, ack_time)
        self.unknown = set()
        self.per_writer_revisions = [[] for _ in range(count)]
        self.lock = threading.Lock()
        self.stop_flag = threading.Event()
        self.threads = []

    def _run(self, w):
        rng = random.Random(w)
        i = 0
        while not self.stop_flag.is_set() and i < 100000:
            members = self.cluster.running_members()
            if not members:
                time.sleep(0.01)
                continue
            client = Client(rng.choice(members).client_url, timeout=10.0)
            key = f"{self.prefix}{w}/{i:06d}"
            value = f"v{w}-{i}"
            try:
                answer = client.put(key, value)
                revision = int(answer["header"]["revision"])
                with self.lock:
                    self.acked[key] = (value, revision, time.monotonic())
                    self.per_writer_revisions[w].append(revision)
            except (OSError, ApiError):
                with self.lock:
                    self.unknown.add(key)
            i += 1

    def start(self):
        for w in range(self.count):
            t = threading.Thread(target=self._run, args=(w,), daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def acked_count(self):
        with self.lock:
            return len(self.acked)

    def stop(self):
        self.stop_flag.set()
        for t in self.threads:
            t.join(timeout=30)


def all_kvs(client, prefix):
    """Every key under prefix as {key: (value, mod_revision)} from one linearizable range."""
    kvs = client.get(prefix, range_end=prefix_end(prefix))
    return {unb64(kv["key"]).decode(): (unb64(kv.get("value", "")).decode(),
                                        int(kv["mod_revision"])) for kv in kvs}


class StoreClusterTest(unittest.TestCase):
    cluster = None

    def setUp(self):
        if c8s_store_binary() is None:
            self.skipTest("$C8S_BIN_DIR/c8s-store is not built")

    def tearDown(self):
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def current_logs(self):
        return self.cluster.logs() if self.cluster else ""

    def start_cluster(self, size=3, extra=()):
        self.cluster = Cluster(C8S_STORE, size, extra_args=[
            "--election-timeout", str(ELECTION_MS), "--heartbeat-interval", str(HEARTBEAT_MS),
            *extra])
        self.cluster.start()
        return self.cluster

    def wait_converged(self, members):
        """Waits until every member has applied the same revision (serializable reads)."""
        def same_revision():
            revs = {int(m.client.call("/v3/kv/range", {"key": b64("\0"), "serializable": True})
                        ["header"]["revision"]) for m in members}
            return len(revs) == 1
        wait_for(same_revision, 20.0, what="members at the same revision")

    def assert_same_state(self, members):
        self.wait_converged(members)
        hashes = {m.name: m.client.call("/v3/maintenance/hash", {})["hash"] for m in members}
        self.assertEqual(len(set(hashes.values())), 1, f"members differ: {hashes}")

    # ---------------------------------------------------------------------------------------

    def test_leader_kill9_under_writes_keeps_every_acknowledged_write(self):
        """kill -9 of the leader under load: a new leader within 2 election timeouts, no acked
        write lost, revisions only go forward, and a watch resumed from its last revision sees
        every event exactly once, in order."""
        cluster = self.start_cluster()
        leader = cluster.leader()
        watch = leader.client.watch({"key": b64("load/"), "range_end": b64(prefix_end("load/")),
                                     "start_revision": "1"})
        watch.next_result(timeout=5.0)  # created
        writers = Writers(cluster, "load/").start()
        wait_for(lambda: writers.acked_count() >= 200, 30.0, what="200 acknowledged puts")

        seen = []  # (revision, key) in arrival order

        def drain(stream, until_revision=None, timeout=10.0):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    result = stream.next_result(timeout=0.5)
                except (StreamClosed, OSError, TimeoutError):
                    return False
                except AssertionError:
                    continue
                for ev in result.get("events", []):
                    seen.append((int(ev["kv"]["mod_revision"]), unb64(ev["kv"]["key"]).decode()))
                if until_revision and seen and seen[-1][0] >= until_revision:
                    return True
            return False

        drain(watch, timeout=0.5)
        killed_at = time.monotonic()
        leader.kill9()
        watch.close()
        survivors = cluster.running_members()
        new_leader = cluster.wait_leader(timeout=10.0)
        elected_after = time.monotonic() - killed_at
        self.assertIsNotNone(new_leader)
        # Two election timeouts, plus the polling interval of wait_leader.
        self.assertLess(elected_after, 2 * ELECTION_MS / 1000 + 0.5,
                        f"new leader after {elected_after:.2f}s")

        wait_for(lambda: writers.acked_count() >= 400, 30.0, what="writes after the failover")
        writers.stop()

        final = all_kvs(survivors[0].client, "load/")
        for key, (value, revision, _) in writers.acked.items():
            self.assertIn(key, final, f"acknowledged write {key} lost")
            self.assertEqual(final[key], (value, revision), key)
        for revisions in writers.per_writer_revisions:
            self.assertEqual(revisions, sorted(revisions), "a writer saw revisions go backwards")
            self.assertEqual(len(revisions), len(set(revisions)))

        # Resume the watch on a survivor from the revision after the last one it delivered.
        last = seen[-1][0] if seen else 0
        final_revision = max(rev for _, rev in final.values())
        resumed = survivors[0].client.watch({"key": b64("load/"),
                                             "range_end": b64(prefix_end("load/")),
                                             "start_revision": str(last + 1)})
        resumed.next_result(timeout=5.0)
        self.assertTrue(drain(resumed, until_revision=final_revision, timeout=30.0),
                        "the resumed watch did not reach the final revision")
        resumed.close()
        revisions = [rev for rev, _ in seen]
        self.assertEqual(revisions, sorted(revisions), "watch events out of order")
        self.assertEqual(len(seen), len(set(seen)), "a watch event was delivered twice")
        seen_keys = {key for _, key in seen}
        for key in writers.acked:
            self.assertIn(key, seen_keys, f"the watch missed {key}")

        # The crashed member comes back and catches up.
        leader.restart()
        self.assert_same_state(cluster.members)

    def test_restart_of_all_members_keeps_state(self):
        """Every member stopped (SIGTERM), then one kill -9'd on restart: the state survives."""
        cluster = self.start_cluster()
        for i in range(50):
            cluster.client.put(f"keep/{i:03d}", f"value-{i}")
        before = all_kvs(cluster.client, "keep/")
        revision = cluster.client.revision()
        for m in cluster.members:
            m.stop()
        for m in cluster.members:
            m.start()
        cluster.wait_ready()
        self.assertEqual(all_kvs(cluster.client, "keep/"), before)
        self.assertEqual(cluster.client.revision(), revision)
        cluster.members[1].kill9()
        cluster.members[1].restart()
        cluster.wait_leader()
        self.assertEqual(all_kvs(cluster.members[1].client, "keep/"), before)
        self.assert_same_state(cluster.members)

    def test_member_remove_then_add_back_with_a_fresh_data_dir(self):
        """member/remove stops the removed member; member/add plus a start with
        --initial-cluster-state existing brings it back as a voter with the whole state."""
        cluster = self.start_cluster()
        for i in range(20):
            cluster.client.put(f"m/{i:02d}", "x")
        leader = cluster.leader()
        victim = cluster.followers()[0]
        victim_id = victim.member_id()
        leader.client.call("/v3/cluster/member/remove", {"ID": victim_id})
        listed = leader.client.call("/v3/cluster/member/list", {})["members"]
        self.assertNotIn(victim_id, [m["ID"] for m in listed])
        wait_for(lambda: not victim.is_running(), 15.0, what="the removed member to stop")
        leader.client.put("m/after-remove", "y")

        shutil.rmtree(victim.data_dir)
        added = leader.client.call("/v3/cluster/member/add", {"peerURLs": [victim.peer_url]})
        self.assertEqual(added["member"]["peerURLs"], [victim.peer_url])
        self.assertEqual(added["member"]["ID"], victim_id)
        victim.start()
        victim.wait_healthy()
        wait_for(lambda: len(leader.client.call("/v3/cluster/member/list", {})["members"]) == 3
                 and all(m.get("name") for m in
                         leader.client.call("/v3/cluster/member/list", {})["members"]),
                 20.0, what="the member listed again with its name")
        self.assert_same_state(cluster.members)
        self.assertEqual(all_kvs(victim.client, "m/")["m/after-remove"][0], "y")

    def test_wiped_member_catches_up_by_snapshot_install(self):
        """With a low --snapshot-count the log is compacted; a member whose data dir was wiped
        gets the state by snapshot install."""
        cluster = self.start_cluster(extra=("--snapshot-count", "40"))
        victim = cluster.followers()[0]
        victim.kill9()
        shutil.rmtree(victim.data_dir)
        writer = cluster.running_members()[0].client
        for i in range(300):
            writer.put(f"s/{i:03d}", f"value-{i}")
        victim.start()
        victim.wait_healthy()
        self.assert_same_state(cluster.members)
        self.assertEqual(len(all_kvs(victim.client, "s/")), 300)

    def test_backup_under_load_restores_every_write_acknowledged_before_it(self):
        """snapshot save during writes, snapshot restore into a new 3-member cluster: it holds
        every write acknowledged before the save began."""
        cluster = self.start_cluster()
        writers = Writers(cluster, "b/", count=3).start()
        wait_for(lambda: writers.acked_count() >= 100, 30.0, what="100 acknowledged puts")
        save_started = time.monotonic()
        backup = os.path.join(cluster.base_dir, "backup.snap")
        endpoints = ",".join(m.client_url for m in cluster.members)
        saved = subprocess.run([c8s_store_binary(), "snapshot", "save", backup,
                                "--endpoints", endpoints], capture_output=True, text=True,
                               timeout=60)
        self.assertEqual(saved.returncode, 0, saved.stderr)
        self.assertIn("Snapshot saved at", saved.stdout)
        writers.stop()
        status = subprocess.run([c8s_store_binary(), "snapshot", "status", backup],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertIn("REVISION", status.stdout)

        restored = Cluster(C8S_STORE, 3, extra_args=["--election-timeout", str(ELECTION_MS)])
        try:
            for m in restored.members:
                done = subprocess.run(
                    [c8s_store_binary(), "snapshot", "restore", backup, "--data-dir", m.data_dir,
                     "--name", m.name, "--initial-cluster", restored.initial_cluster(),
                     "--initial-advertise-peer-urls", m.peer_url],
                    capture_output=True, text=True, timeout=30)
                self.assertEqual(done.returncode, 0, done.stderr)
            again = subprocess.run(
                [c8s_store_binary(), "snapshot", "restore", backup, "--data-dir",
                 restored.members[0].data_dir, "--initial-cluster", restored.initial_cluster()],
                capture_output=True, text=True, timeout=30)
            self.assertNotEqual(again.returncode, 0, "restore over an existing data dir")
            restored.start()
            state = all_kvs(restored.client, "b/")
            for key, (value, revision, acked_at) in writers.acked.items():
                if acked_at < save_started:
                    self.assertEqual(state.get(key), (value, revision), key)
            # The restored cluster takes writes after the restored revision.
            answer = restored.client.put("b/new", "after-restore")
            self.assertGreater(int(answer["header"]["revision"]),
                               max(rev for _, rev in state.values()))
            self.assert_same_state(restored.members)
        finally:
            restored.close()

    def test_leader_change_never_expires_a_lease_early(self):
        """A lease's keys outlive a leader crash for at least the TTL (the new leader restarts
        the countdown), then vanish together in one revision."""
        cluster = self.start_cluster()
        leader = cluster.leader()
        granted = leader.client.call("/v3/lease/grant", {"TTL": "4"})
        granted_at = time.monotonic()
        lease = granted["ID"]
        for key in ("lease/a", "lease/b"):
            leader.client.put(key, "x", lease=lease)
        leader.kill9()
        survivor = cluster.running_members()[0]
        watch = survivor.client.watch({"key": b64("lease/"), "range_end": b64(prefix_end("lease/"))})
        watch.next_result(timeout=10.0)
        while time.monotonic() - granted_at < 3.5:
            # Linearizable: a follower may not have applied the last acknowledged put yet.
            self.assertEqual(len(survivor.client.get("lease/", range_end=prefix_end("lease/"))),
                             2, "a lease expired before its TTL")
            time.sleep(0.1)
        # The survivor may still deliver the last put (committed by the new leader) first.
        events = []
        deadline = time.monotonic() + 15.0
        while not events and time.monotonic() < deadline:
            events = [e for e in watch.next_result(timeout=15.0).get("events", [])
                      if e.get("type") == "DELETE"]
        watch.close()
        self.assertEqual([e.get("type") for e in events], ["DELETE", "DELETE"])
        self.assertEqual(len({e["kv"]["mod_revision"] for e in events}), 1)
        wait_for(lambda: survivor.client.get("lease/", range_end=prefix_end("lease/")) == [],
                 10.0, what="the lease's keys deleted")

    def test_corrupt_backup_is_refused(self):
        """A truncated backup is refused by status and restore, and nothing is created."""
        cluster = self.start_cluster(size=1)
        cluster.client.put("c/1", "x")
        backup = os.path.join(cluster.base_dir, "backup.snap")
        saved = subprocess.run([c8s_store_binary(), "snapshot", "save", backup, "--endpoints",
                                cluster.client.url], capture_output=True, text=True, timeout=60)
        self.assertEqual(saved.returncode, 0, saved.stderr)
        with open(backup, "rb") as f:
            data = f.read()
        with open(backup, "wb") as f:
            f.write(data[: len(data) // 2])
        target = os.path.join(cluster.base_dir, "restored")
        refused = subprocess.run([c8s_store_binary(), "snapshot", "restore", backup,
                                  "--data-dir", target], capture_output=True, text=True,
                                 timeout=30)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("snapshot", refused.stderr)
        self.assertFalse(os.path.exists(target))


if __name__ == "__main__":
    main()
