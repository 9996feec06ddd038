#!/usr/bin/env python3
"""c8s-apiserver's /metrics: kube-apiserver's request metrics, by verb, resource, scope and code."""

import os
import re
import subprocess
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest import wait_for  # noqa: E402
from c8stest.apiserver import LocalApiserver, missing_for_kubectl_tests  # noqa: E402
from c8stest.runner import main  # noqa: E402


class Metrics(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        reason = missing_for_kubectl_tests()
        if reason:
            raise unittest.SkipTest(reason)
        cls.api = LocalApiserver().start()

    @classmethod
    def tearDownClass(cls):
        cls.api.stop()

    def scrape(self):
        with urllib.request.urlopen(self.api.server + "/metrics", timeout=5) as r:
            self.assertEqual(r.headers["Content-Type"],
                             "text/plain; version=0.0.4; charset=utf-8")
            return r.read().decode()

    def value(self, text, name, **labels):
        """The value of the series name{labels...} (labels given must all match), or 0."""
        total = 0.0
        for line in text.splitlines():
            m = re.match(r"^(\w+)\{(.*)\} (\S+)$", line)
            if not m or m.group(1) != name:
                continue
            have = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
            if all(have.get(k) == v for k, v in labels.items()):
                total += float(m.group(3))
        return total

    def test_requests_are_counted_by_verb_resource_scope_and_code(self):
        before = self.scrape()
        self.api.kubectl("create", "configmap", "m1", "--from-literal=a=b")
        self.api.kubectl("get", "configmap", "m1")
        self.api.kubectl("get", "configmap", "nope", check=False)
        after = self.scrape()
        for labels, delta in [
                (dict(verb="POST", resource="configmaps", scope="namespace", code="201"), 1),
                (dict(verb="GET", resource="configmaps", scope="resource", code="200"), 1),
                (dict(verb="GET", resource="configmaps", scope="resource", code="404"), 1)]:
            self.assertEqual(self.value(after, "apiserver_request_total", **labels)
                             - self.value(before, "apiserver_request_total", **labels), delta,
                             labels)
        self.assertGreaterEqual(
            self.value(after, "apiserver_request_duration_seconds_count", verb="POST",
                       resource="configmaps"), 1)
        self.assertIn('apiserver_request_duration_seconds_bucket{component="apiserver",'
                      'dry_run="",group="",resource="configmaps",scope="namespace",'
                      'subresource="",verb="POST",version="v1",le="0.005"}', after)

    def test_open_watches_are_long_running_requests(self):
        watcher = subprocess.Popen(
            ["kubectl", "--server", self.api.server, "get", "secrets", "-w"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=dict(os.environ, KUBECONFIG="/dev/null", HOME=self.api.dir))
        try:
            wait_for(lambda: self.value(self.scrape(), "apiserver_longrunning_requests",
                                        resource="secrets", verb="WATCH") == 1,
                     20.0, what="the watch counted")
        finally:
            watcher.kill()
            watcher.wait()
        wait_for(lambda: self.value(self.scrape(), "apiserver_longrunning_requests",
                                    resource="secrets", verb="WATCH") == 0,
                 20.0, what="the ended watch uncounted")


if __name__ == "__main__":
    main()
