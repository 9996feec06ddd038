#!/usr/bin/env python3
"""c8sctl explain against the real kubectl 1.32 (the harness of test_ctl_kubectl.py): types by
every kind of name, field paths through objects, arrays and maps, --recursive, --api-version,
and kubectl's errors for unknown types, unknown fields and JSONPath syntax; the requests are
kubectl's (the OpenAPI v3 index, then the group-version document)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest.runner import main  # noqa: E402


class ExplainAgainstKubectl(harness.CtlDiffCase):

    def assert_all_alike(self, cases):
        for args in cases:
            with self.subTest(args=args):
                self.both("explain", *args)

    def test_types_by_any_name_print_kubectls_header_description_and_fields(self):
        self.assert_all_alike([
            ["pods"], ["po"], ["Pod"], ["PODS"], ["deploy"], ["deployments.apps"], ["svc"],
            ["ns"], ["nodes"], ["cronjobs.batch"], ["hpa"], ["ev"], ["clusterrolebindings"],
            ["pods", "--output=plaintext"]])

    def test_field_paths_follow_objects_arrays_and_maps(self):
        self.assert_all_alike([
            ["pods.spec"], ["pods.spec."], ["po.spec.containers"], ["pods.spec.containers.name"],
            ["pods.spec.restartPolicy"], ["pods.spec.containers.resources.limits"],
            ["pods.metadata.labels"], ["svc.spec.ports.targetPort"],
            ["svc.spec.type"], ["nodes.status.capacity"], ["cm.data"],
            ["deploy.spec.template.spec"], ["deployments.apps.spec.strategy"],
            ["cronjobs.spec.jobTemplate.spec.template.spec.volumes"],
            ["pods..spec"], ["pods['spec']"]])

    def test_recursive_prints_the_field_tree(self):
        self.assert_all_alike([
            ["configmaps", "--recursive"], ["pods", "--recursive"],
            ["deploy.spec.template.spec", "--recursive"],
            ["pods.spec.containers", "--recursive=true"], ["pods", "--recursive=false"]])

    def test_api_version_chooses_the_document(self):
        self.assert_all_alike([
            ["events", "--api-version=events.k8s.io/v1"], ["pods", "--api-version=v1"],
            ["deploy.spec.replicas", "--api-version=apps/v1"],
            ["deploy", "--api-version=apps/v2"], ["deploy.spec", "--api-version=v1"],
            ["deploy.apps.spec", "--api-version=apps/v1"], ["pods", "--api-version=a/b/c"],
            ["pods.spec[0]", "--api-version=v1"]])

    def test_the_group_is_split_off_only_when_the_resource_and_group_start_the_path(self):
        # kubectl takes "events.events.k8s.io" as core events with the fields events.k8s.io
        self.assert_all_alike([
            ["deployments.v1.apps"], ["Deployment.apps"], ["deploy.apps.spec"],
            ["events.events.k8s.io"], ["events.events.k8s.io.note"]])

    def test_errors_are_kubectls(self):
        cases = [
            [], ["a", "b"], ["nosuchtype"], ["FOO"], ["nosuch", "--api-version=apps/v1"],
            ["pods.foo"], ["pods.spec.foo.bar"], ["pods.metadata.name.x"], ["pods[0]"],
            [".pods"], ["pods.spec.containers[*]"], ["pods.*"], ["pods,spec"], ["pods spec"],
            ["pods}"], ["pods...spec"], ["pods.spec..containers"], ['pods."x"'],
            ["pods[-]"], ["pods[a]"], ["pods{"], ["pods", "-o", "foo"], ["pods", "--bogus"],
            ["pods", "--context=nope"], ["--context=nope"]]
        for args in cases:
            with self.subTest(args=args):
                rc, _, _ = self.both("explain", *args)
                self.assertEqual(rc, 1)

    def test_requests_are_kubectls(self):
        done = self.run_one("c8sctl", "-v=6", "explain", "deploy.spec", check=False)
        self.assertEqual(done.returncode, 0, done.stderr)
        urls = [line.split("url=")[1].split()[0] for line in done.stderr.splitlines()
                if "url=" in line]
        self.assertEqual(urls[-2], f"{self.server}/openapi/v3?timeout=32s")
        self.assertRegex(urls[-1], r"/openapi/v3/apis/apps/v1\?hash=\w+&timeout=32s$")


if __name__ == "__main__":
    main()
