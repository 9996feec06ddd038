#!/usr/bin/env python3
"""Consistent lists (no resourceVersion) served from the watch cache, as kube-apiserver 1.32's
ConsistentListFromCache: two apiservers on one store (c8s-store, and a real etcd 3.4), a write
through one and at once a list through the other sees it (creates, updates, deletions), with a
resourceVersion at least the write's; pages continue at the first page's revision whatever is
written in between, with remainingItemCount and selectors as from the store; an object the
cache cannot hold (not JSON) makes it read the store instead.
"""

import base64
import json
import os
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from c8stest import C8S_STORE, ETCD, Client, Cluster, binary_for, make_temp_dir  # noqa: E402
from c8stest.apiserver import apiserver_binary  # noqa: E402
from c8stest.runner import main  # noqa: E402
import test_apiserver_watch as watch_tests  # noqa: E402
from test_apiserver_watch import call, configmap, launch_apiserver, wait_apiserver  # noqa: E402


def names(listed):
    return [i["metadata"]["name"] for i in listed["items"]]


def continue_revision(token):
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    return json.loads(raw)["rv"]


class ConsistentListCases(watch_tests.Base):
    """Run once per storage backend (the subclasses); Base stops the processes and the store."""
    storage_kind = None

    @classmethod
    def setUpClass(cls):
        if apiserver_binary() is None or binary_for(cls.storage_kind) is None:
            raise unittest.SkipTest(f"c8s-apiserver or {cls.storage_kind} is missing")
        cls.dir = make_temp_dir("c8stest-clist-")
        cls.store = Cluster(cls.storage_kind, 1).start()
        a, cls.a = launch_apiserver(cls.store, cls.dir, "apiserver-a", {})
        b, cls.b = launch_apiserver(cls.store, cls.dir, "apiserver-b", {})
        cls.procs = [a, b]
        wait_apiserver(a, cls.a, "apiserver-a")
        wait_apiserver(b, cls.b, "apiserver-b")

    def list_ok(self, port, path):
        status, listed = call(port, "GET", path)
        self.assertEqual(status, 200, listed)
        return listed

    def test_a_list_through_the_other_apiserver_sees_each_write_at_once(self):
        path = self.namespace(self.a, "rw")
        # Each apiserver's cache is loaded (the first list opens it) before the writes race it.
        self.list_ok(self.a, path)
        self.list_ok(self.b, path)
        for i in range(12):
            writer, reader = (self.a, self.b) if i % 2 == 0 else (self.b, self.a)
            name = f"cm{i}"
            status, made = call(writer, "POST", path, configmap(name, {"v": "1"}))
            self.assertEqual(status, 201, made)
            listed = self.list_ok(reader, path)
            self.assertIn(name, names(listed))
            self.assertGreaterEqual(int(listed["metadata"]["resourceVersion"]),
                                    int(made["metadata"]["resourceVersion"]))

            status, updated = call(reader, "PUT", f"{path}/{name}",
                                   dict(made, data={"v": "2"}))
            self.assertEqual(status, 200, updated)
            listed = self.list_ok(writer, path)
            item = [x for x in listed["items"] if x["metadata"]["name"] == name][0]
            self.assertEqual(item["data"], {"v": "2"})
            self.assertEqual(item["metadata"]["resourceVersion"],
                             updated["metadata"]["resourceVersion"])

            if i % 3 == 2:  # a deletion is the last write: nothing newer tells the cache
                status, _ = call(writer, "DELETE", f"{path}/{name}")
                self.assertEqual(status, 200)
                self.assertNotIn(name, names(self.list_ok(reader, path)))
        expected = sorted(f"cm{i}" for i in range(12) if i % 3 != 2)  # key order
        self.assertEqual(names(self.list_ok(self.a, path)), expected)
        self.assertEqual(names(self.list_ok(self.b, path)), expected)

    def test_pages_continue_at_the_first_pages_revision(self):
        path = self.namespace(self.a, "pages")
        for i in range(5):
            self.assertEqual(call(self.a, "POST", path, configmap(
                f"p{i}", labels={"odd": str(i % 2 == 1).lower()}))[0], 201)
        first = self.list_ok(self.b, path + "?limit=2")
        self.assertEqual(names(first), ["p0", "p1"])
        meta = first["metadata"]
        self.assertEqual(meta["remainingItemCount"], 3)
        rv = meta["resourceVersion"]
        self.assertEqual(continue_revision(meta["continue"]), int(rv))
        # Written between pages: not in this list (later pages read the first page's revision).
        self.assertEqual(call(self.a, "POST", path, configmap("p2a"))[0], 201)
        self.assertEqual(call(self.a, "DELETE", f"{path}/p4")[0], 200)
        token = urllib.parse.quote(meta["continue"])
        second = self.list_ok(self.b, f"{path}?limit=2&continue={token}")
        self.assertEqual(names(second), ["p2", "p3"])
        self.assertEqual(second["metadata"]["resourceVersion"], rv)
        self.assertEqual(second["metadata"]["remainingItemCount"], 1)
        token = urllib.parse.quote(second["metadata"]["continue"])
        third = self.list_ok(self.b, f"{path}?limit=2&continue={token}")
        self.assertEqual(names(third), ["p4"])
        self.assertNotIn("continue", third["metadata"])
        # A new list sees the writes; with a selector there is no remainingItemCount.
        self.assertEqual(names(self.list_ok(self.b, path)), ["p0", "p1", "p2", "p2a", "p3"])
        odd = self.list_ok(self.b, path + "?limit=1&labelSelector=odd%3Dtrue")
        self.assertEqual(names(odd), ["p1"])
        self.assertIn("continue", odd["metadata"])
        self.assertNotIn("remainingItemCount", odd["metadata"])
        token = urllib.parse.quote(odd["metadata"]["continue"])
        rest = self.list_ok(self.b, f"{path}?limit=1&labelSelector=odd%3Dtrue&continue={token}")
        self.assertEqual(names(rest), ["p3"])
        self.assertNotIn("continue", rest["metadata"])  # p3 is the last key
        # The limit reached on the last key: nothing to continue.
        whole = self.list_ok(self.b, path + "?limit=5")
        self.assertEqual(len(whole["items"]), 5)
        self.assertNotIn("continue", whole["metadata"])


class OnC8sStore(ConsistentListCases):
    storage_kind = C8S_STORE

    def test_an_object_the_cache_cannot_hold_makes_it_read_the_store(self):
        path = self.namespace(self.a, "broken")
        self.assertEqual(call(self.a, "POST", path, configmap("good"))[0], 201)
        self.assertEqual(names(self.list_ok(self.a, path)), ["good"])
        # Not JSON: the cache skips it, so it never holds the store's count of keys.
        Client(self.store.members[0].client_url).put("/registry/configmaps/broken/bad", "{")
        self.assertEqual(names(self.list_ok(self.a, path)), ["good"])
        self.assertEqual(call(self.a, "POST", path, configmap("later"))[0], 201)
        self.assertEqual(names(self.list_ok(self.b, path)), ["good", "later"])


class OnRealEtcd(ConsistentListCases):
    storage_kind = ETCD


del ConsistentListCases  # only its subclasses run


if __name__ == "__main__":
    main()
