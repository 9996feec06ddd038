#!/usr/bin/env python3
"""c8sctl events against the real kubectl 1.32 (the harness of test_ctl_kubectl.py): the
LAST SEEN table sorted by last time, NAMESPACE with -A, --for TYPE/NAME resolved through
discovery into the involvedObject field selector, --types, --no-headers, the typed EventList
of -o json|yaml|jsonpath, the "No events found" lines, the errors, and -w streaming."""

import os
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest import wait_for  # noqa: E402
from c8stest.runner import main  # noqa: E402

# Fixed times years ago: their ages keep their width while the two tools run. The two-line
# message sorts last: rows after it would start a new tabwriter column block in kubectl.
EVENTS = """\
apiVersion: v1
kind: Event
metadata: {name: p1.1, namespace: ev, labels: {b: "2", a: "1"}}
involvedObject: {kind: Pod, name: p1, namespace: ev, apiVersion: v1, fieldPath: "spec.containers{c}"}
reason: Pulling
message: "  Pulling image x\\nsecond line  "
type: Normal
source: {component: kubelet, host: n1}
firstTimestamp: "2020-01-01T00:00:00Z"
lastTimestamp: "2020-01-02T00:00:00Z"
count: 3
---
apiVersion: v1
kind: Event
metadata: {name: web.1, namespace: ev}
involvedObject: {kind: Deployment, name: web, namespace: ev, apiVersion: apps/v1}
reason: ScalingReplicaSet
message: Scaled up replica set web-1 to 1
type: Warning
source: {component: deployment-controller}
firstTimestamp: "2019-01-01T00:00:00Z"
lastTimestamp: "2019-01-01T00:00:00Z"
count: 1
---
apiVersion: v1
kind: Event
metadata: {name: p1.2, namespace: ev}
involvedObject: {kind: Pod, name: p1, namespace: ev, apiVersion: v1}
reason: Scheduled
message: assigned ev/p1 to n1
type: Normal
eventTime: "2018-06-01T00:00:00.000000Z"
reportingComponent: default-scheduler
reportingInstance: s1
action: Binding
---
apiVersion: v1
kind: Event
metadata: {name: other.1, namespace: ev2}
involvedObject: {kind: Pod, name: p1, namespace: ev2, apiVersion: v1}
reason: Killing
message: Stopping container c
type: Normal
source: {component: kubelet}
firstTimestamp: "2016-01-01T00:00:00Z"
lastTimestamp: "2016-01-01T00:00:00Z"
"""

LATER = """\
apiVersion: v1
kind: Event
metadata: {name: late.1}
involvedObject: {kind: Pod, name: p1, namespace: ev, apiVersion: v1}
reason: BackOff
message: Back-off restarting failed container
type: Warning
source: {component: kubelet}
firstTimestamp: "2017-01-01T00:00:00Z"
lastTimestamp: "2017-01-01T00:00:00Z"
"""


class Streaming:
    """A tool running in the background whose stdout lines are collected."""

    def __init__(self, case, tool, *args):
        exe = "kubectl" if tool == "kubectl" else harness.binary("c8sctl")
        env = dict(os.environ, HOME=case.dir, KUBECONFIG=case.kubeconfig)
        self.proc = subprocess.Popen([exe, *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=env)
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.reader.join(timeout=10)
        self.proc.stdout.close()


class EventsAgainstKubectl(harness.CtlDiffCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for ns in ("ev", "ev2", "noev"):
            cls.run_one("kubectl", "create", "namespace", ns, check=False)
        cls.run_one("kubectl", "create", "-f", "-", stdin=EVENTS)

    def test_tables_match_kubectl(self):
        for args in (["events"], ["events", "-A"], ["events", "--no-headers"],
                     ["events", "-A", "--no-headers", "--types=warning"],
                     ["events", "--types=Warning,Normal"],
                     ["events", "--for", "pod/p1"], ["events", "--for=deploy/web"],
                     ["events", "--for", "Deployment.apps/web"], ["events", "--for=pod/"],
                     ["events", "-A", "--for", "pod/p1"], ["events", "--for", "po/nope"],
                     ["events", "ignored", "args"], ["events", "--chunk-size=1"]):
            with self.subTest(args=args):
                self.both("-n", "ev", *args)

    def test_the_ev_short_name_warns_of_events_k8s_io_as_kubectl_does(self):
        # (arguments, how often kubectl warns: describe resolves the type again for the
        # prefix match of a missing name)
        for args, warnings in ((["get", "ev"], 1), (["get", "ev,ev", "-o", "name"], 1),
                               (["get", "ev,events", "-o", "name"], 1),
                               (["describe", "ev", "nope"], 2), (["get", "events"], 0),
                               (["get", "ev.events.k8s.io", "-o", "name"], 0)):
            with self.subTest(args=args):
                _, _, err = self.both("-n", "ev", *args)
                self.assertEqual(err.count("could also match lower priority resource"), warnings)

    def test_empty_answers_print_kubectls_line(self):
        for args in (["-n", "noev", "events"], ["-n", "noev", "events", "-o", "json"],
                     ["-n", "ev", "events", "--for", "pod/nope"],
                     ["-n", "ev2", "events", "--types=Warning"]):
            with self.subTest(args=args):
                rc, out, err = self.both(*args)
                self.assertEqual((rc, out), (0, ""))
                self.assertIn("No events found in", err)

    def test_outputs_are_the_typed_event_list(self):
        for args in (["-o", "json"], ["-o", "yaml"], ["-o", "json", "--for", "pod/p1"],
                     ["-o", "yaml", "--show-managed-fields"], ["-o", "name"],
                     ["-o", "jsonpath={.items[*].metadata.name}"],
                     ["-o", "jsonpath={.items[0]}"]):
            with self.subTest(args=args):
                self.both("-n", "ev", "events", *args)
        _, out, _ = self.both("-n", "ev", "events", "-o", "json")
        self.assertIn('"kind": "EventList"', out)
        self.assertIn('"eventTime": null', out)

    def test_errors_match_kubectl(self):
        for args in (["--types=Bogus"], ["--types=Normal,,Warning"], ["--for", "p1"],
                     ["--for", "pod/a/b"], ["--for", "nosuch/x"], ["--for=/x"],
                     ["-o", "wide"], ["-o", "custom-columns=N:.metadata.name"],
                     ["--bogus"], ["--chunk-size=x"]):
            with self.subTest(args=args):
                rc, _, _ = self.both("-n", "ev", "events", *args)
                self.assertEqual(rc, 1)

    def test_for_sends_kubectls_field_selector(self):
        done = self.run_one("c8sctl", "-n", "ev", "events", "--for", "deploy/web", "-v=6")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("/api/v1/namespaces/ev/events?fieldSelector=involvedObject.kind%3D"
                      "Deployment%2CinvolvedObject.apiVersion%3Dapps%2Fv1%2CinvolvedObject.name"
                      "%3Dweb&limit=500 ", done.stderr)
        self.assertIn("ScalingReplicaSet", done.stdout)
        self.assertNotIn("Pulling", done.stdout)

    def test_watch_prints_the_existing_events_then_new_ones(self):
        streams = {tool: Streaming(self, tool, "-n", "ev", "events", "-w", "--for", "pod/p1")
                   for tool in ("kubectl", "c8sctl")}
        try:
            for s in streams.values():
                wait_for(lambda s=s: len(s.lines) >= 3, 20, what="the existing events")
            self.run_one("kubectl", "-n", "ev", "create", "-f", "-", stdin=LATER)
            for s in streams.values():
                wait_for(lambda s=s: len(s.lines) >= 4, 20, what="the new event")
        finally:
            for s in streams.values():
                s.stop()
            self.run_one("kubectl", "-n", "ev", "delete", "event", "late.1", check=False)
        kubectl, c8sctl = ("".join(streams[t].lines) for t in ("kubectl", "c8sctl"))
        self.assertEqual(self.normalise(kubectl), self.normalise(c8sctl))
        self.assertIn("BackOff", c8sctl)
        self.assertTrue(c8sctl.startswith("LAST SEEN"))


if __name__ == "__main__":
    main()
