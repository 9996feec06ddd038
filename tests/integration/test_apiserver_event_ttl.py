#!/usr/bin/env python3
"""--event-ttl as kube-apiserver 1.32 applies it: every Event written (core v1 or
events.k8s.io/v1, one storage) carries an etcd lease of the TTL, so it is deleted when the TTL
passes (watchers see DELETED) while other objects stay; an update attaches a fresh lease, so the
TTL starts again; a value that is not a duration stops start-up with the flag's error."""

import json
import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest.apiserver import apiserver_binary  # noqa: E402
from c8stest.apitest import ApiserverCase  # noqa: E402
from c8stest.proc import wait_for  # noqa: E402
from c8stest.runner import main  # noqa: E402

TTL = 6.0  # seconds: wide enough that a loaded machine's slow requests keep their margins
CORE = "/api/v1/namespaces/default/events"
EV1 = "/apis/events.k8s.io/v1/namespaces/default/events"
CM = "/api/v1/namespaces/default/configmaps"


def core_event(name, message="first"):
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": name, "namespace": "default"},
            "involvedObject": {"kind": "Pod", "namespace": "default", "name": "p"},
            "reason": "Tested", "message": message, "type": "Normal",
            "source": {"component": "ttl-test"}}


def v1_event(name):
    return {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": name},
            "eventTime": "2025-01-02T03:04:05.000006Z", "reportingController": "example.com/t",
            "reportingInstance": "t-1", "action": "Test", "reason": "Tested", "note": "n",
            "type": "Normal", "regarding": {"kind": "Pod", "namespace": "default", "name": "p"}}


def wait_until(moment):
    """Blocks until time.monotonic() reaches moment: the behaviour under test is time itself."""
    wait_for(lambda: time.monotonic() >= moment, moment - time.monotonic() + 5,
             what="the clock")


class EventTTL(ApiserverCase):
    apiserver_args = (f"--event-ttl={int(TTL)}s",)

    def exists(self, path):
        code, body = self.http("GET", path)
        self.assertIn(code, (200, 404), body)
        return code == 200

    def test_events_expire_watchers_see_them_go_and_other_objects_stay(self):
        _, listed = self.http("GET", CORE)
        rv = listed["metadata"]["resourceVersion"]
        stream = urllib.request.urlopen(
            f"{self.api.server}{CORE}?watch=true&resourceVersion={rv}&timeoutSeconds=20",
            timeout=20)
        try:
            started = time.monotonic()
            self.assertEqual(self.http("POST", CORE, core_event("ttl-core"))[0], 201)
            self.assertEqual(self.http("POST", EV1, v1_event("ttl-v1"))[0], 201)
            code, cm = self.http("POST", CM, {"metadata": {"name": "ttl-keep"},
                                              "data": {"k": "v"}})
            self.assertEqual(code, 201, cm)
            self.assertTrue(self.exists(f"{CORE}/ttl-core"))
            self.assertTrue(self.exists(f"{EV1}/ttl-v1"))

            wait_for(lambda: not self.exists(f"{CORE}/ttl-core")
                     and not self.exists(f"{EV1}/ttl-v1"), TTL + 10, what="the Events to expire")
            # A lease never ends early: the Events lived at least the TTL.
            self.assertGreaterEqual(time.monotonic() - started, TTL - 0.1)
            self.assertTrue(self.exists(f"{CM}/ttl-keep"))

            seen = []
            while ("DELETED", "ttl-v1") not in seen or ("DELETED", "ttl-core") not in seen:
                line = stream.readline()
                self.assertTrue(line, f"the watch ended after {seen}")
                event = json.loads(line)
                name = event["object"]["metadata"]["name"]
                if name in ("ttl-core", "ttl-v1"):
                    seen.append((event["type"], name))
            self.assertEqual(sorted(seen), [("ADDED", "ttl-core"), ("ADDED", "ttl-v1"),
                                            ("DELETED", "ttl-core"), ("DELETED", "ttl-v1")])
        finally:
            stream.close()

    def test_an_update_starts_the_ttl_again(self):
        self.assertEqual(self.http("POST", CORE, core_event("ttl-put"))[0], 201)
        self.assertEqual(self.http("POST", CORE, core_event("ttl-patched"))[0], 201)
        created = time.monotonic()
        wait_until(created + TTL - 2)
        _, current = self.http("GET", f"{CORE}/ttl-put")
        current["message"] = "second"
        code, put = self.http("PUT", f"{CORE}/ttl-put", current)
        self.assertEqual(code, 200, put)
        # Through events.k8s.io/v1, whose validation keeps note and the like immutable.
        code, patched = self.http("PATCH", f"{EV1}/ttl-patched",
                                  {"metadata": {"labels": {"bumped": "yes"}}},
                                  content_type="application/merge-patch+json")
        self.assertEqual(code, 200, patched)
        updated = time.monotonic()
        # Past the first lease's end (and its expiry's latency) but before the second's.
        wait_until(created + TTL + 1.5)
        self.assertLess(time.monotonic(), updated + TTL)
        self.assertTrue(self.exists(f"{CORE}/ttl-put"))
        self.assertTrue(self.exists(f"{CORE}/ttl-patched"))
        wait_for(lambda: not self.exists(f"{CORE}/ttl-put")
                 and not self.exists(f"{CORE}/ttl-patched"), TTL + 10,
                 what="the updated Events to expire")

    def test_a_bad_event_ttl_stops_start_up(self):
        for value, message in (
                ("1x", 'invalid argument "1x" for "--event-ttl" flag: '
                       'time: unknown unit "x" in duration "1x"'),
                ("soon", 'invalid argument "soon" for "--event-ttl" flag: '
                         'time: invalid duration "soon"'),
                ("-5s", "--event-ttl must not be negative, got -5s")):
            done = subprocess.run([apiserver_binary(), "--etcd-servers", "http://127.0.0.1:1",
                                   f"--event-ttl={value}"], capture_output=True, text=True,
                                  timeout=20)
            self.assertNotEqual(done.returncode, 0, done.stderr)
            self.assertIn(message, done.stderr)


if __name__ == "__main__":
    main()
