#!/usr/bin/env python3
"""The real kubectl explain against c8s-apiserver on c8s-store.

kubectl 1.32 reads /openapi/v3 and the group-version document of the resource and prints the
GROUP/KIND/VERSION header, then each field with its type as kubectl names it (<string>,
<[]Container>, <map[string]string>, <IntOrString>, <Quantity>), -required- markers and enum
values, or `error: field "x" does not exist`.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from c8stest.apiserver import LocalApiserver, missing_for_kubectl_tests  # noqa: E402
from c8stest.runner import main  # noqa: E402


class KubectlExplainTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        reason = missing_for_kubectl_tests()
        if reason is not None:
            raise unittest.SkipTest(reason)
        cls.api = LocalApiserver().start()

    @classmethod
    def tearDownClass(cls):
        cls.api.stop()

    def explain(self, *args, check=True):
        return self.api.kubectl("explain", *args, check=check)

    def assertLines(self, out, *lines):
        have = out.split("\n")
        for line in lines:
            self.assertTrue(line in have, f"{line!r} not in:\n{out}")

    def test_kind_prints_header_and_top_level_fields(self):
        out = self.explain("pods").stdout
        # Core kinds have no GROUP line.
        self.assertTrue(out.startswith("KIND:       Pod\nVERSION:    v1\n\nDESCRIPTION:\n"), out)
        self.assertLines(out, "FIELDS:", "  apiVersion\t<string>", "  kind\t<string>",
                         "  metadata\t<ObjectMeta>", "  spec\t<PodSpec>",
                         "  status\t<PodStatus>")
        self.assertNotIn("<empty>", out)
        out = self.explain("deployments").stdout
        self.assertTrue(out.startswith("GROUP:      apps\nKIND:       Deployment\n"
                                       "VERSION:    v1\n"), out)
        self.assertLines(out, "  spec\t<DeploymentSpec>", "  status\t<DeploymentStatus>")

    def test_nested_field_path_follows_references_through_the_pod_template(self):
        out = self.explain("deployment.spec.template.spec.containers").stdout
        self.assertLines(out, "GROUP:      apps", "KIND:       Deployment", "VERSION:    v1",
                         "FIELD: containers <[]Container>",
                         "  name\t<string> -required-", "  image\t<string>",
                         "  args\t<[]string>", "  env\t<[]EnvVar>",
                         "  ports\t<[]ContainerPort>", "  livenessProbe\t<Probe>",
                         "  resources\t<ResourceRequirements>", "  stdin\t<boolean>",
                         "  imagePullPolicy\t<string>", "  enum: Always, IfNotPresent, Never")
        self.assertNotIn("  image\t<string> -required-", out)
        limits = self.explain("pods.spec.containers.resources.limits").stdout
        self.assertLines(limits, "FIELD: limits <map[string]Quantity>")
        labels = self.explain("po.metadata.labels").stdout
        self.assertLines(labels, "FIELD: labels <map[string]string>")
        created = self.explain("pods.metadata.creationTimestamp").stdout
        self.assertLines(created, "FIELD: creationTimestamp <string>")

    def test_recursive_lists_nested_fields_with_types_and_required_markers(self):
        out = self.explain("svc.spec.ports", "--recursive").stdout
        fields = out.split("FIELDS:\n", 1)[1].rstrip("\n").split("\n")
        self.assertEqual(fields, [
            "  appProtocol\t<string>",
            "  name\t<string>",
            "  nodePort\t<integer>",
            "  port\t<integer> -required-",
            "  protocol\t<string>",
            "  enum: SCTP, TCP, UDP",
            "  targetPort\t<IntOrString>",
        ])
        self.assertLines(out, "KIND:       Service", "FIELD: ports <[]ServicePort>")
        deep = self.explain("deploy.spec", "--recursive").stdout
        self.assertLines(deep, "  selector\t<LabelSelector> -required-",
                         "    matchLabels\t<map[string]string>",
                         "      key\t<string> -required-",
                         "  template\t<PodTemplateSpec> -required-",
                         "    spec\t<PodSpec>",
                         "      containers\t<[]Container> -required-",
                         "        name\t<string> -required-",
                         "    rollingUpdate\t<RollingUpdateDeployment>",
                         "      maxSurge\t<IntOrString>")

    def test_spec_of_a_batch_kind(self):
        out = self.explain("cronjobs.spec").stdout
        self.assertLines(out, "GROUP:      batch", "KIND:       CronJob",
                         "FIELD: spec <CronJobSpec>",
                         "  schedule\t<string> -required-",
                         "  jobTemplate\t<JobTemplateSpec> -required-",
                         "  suspend\t<boolean>", "  startingDeadlineSeconds\t<integer>",
                         "  concurrencyPolicy\t<string>", "  enum: Allow, Forbid, Replace")

    def test_kinds_beyond_the_protobuf_tables(self):
        slices = self.explain("endpointslices").stdout
        self.assertLines(slices, "GROUP:      discovery.k8s.io", "KIND:       EndpointSlice",
                         "  addressType\t<string> -required-",
                         "  endpoints\t<[]Endpoint> -required-", "  ports\t<[]EndpointPort>")
        nodes = self.explain("nodes.spec").stdout
        self.assertLines(nodes, "KIND:       Node", "  taints\t<[]Taint>",
                         "  podCIDRs\t<[]string>", "  unschedulable\t<boolean>")
        lease = self.explain("leases.spec").stdout
        self.assertLines(lease, "GROUP:      coordination.k8s.io",
                         "  renewTime\t<string>", "  leaseDurationSeconds\t<integer>")
        crb = self.explain("clusterrolebindings").stdout
        self.assertLines(crb, "GROUP:      rbac.authorization.k8s.io",
                         "KIND:       ClusterRoleBinding", "  roleRef\t<RoleRef> -required-",
                         "  subjects\t<[]Subject>")
        hpa = self.explain("hpa.spec").stdout
        self.assertLines(hpa, "GROUP:      autoscaling", "VERSION:    v2",
                         "  scaleTargetRef\t<CrossVersionObjectReference> -required-",
                         "  maxReplicas\t<integer> -required-", "  metrics\t<[]MetricSpec>")

    def test_unknown_field_is_an_error(self):
        done = self.explain("pods.spec.foo", check=False)
        self.assertEqual(done.returncode, 1)
        self.assertEqual(done.stderr.strip(), 'error: field "foo" does not exist')
        done = self.explain("deployment.spec.template.spec.containers.bogus", check=False)
        self.assertEqual(done.returncode, 1)
        self.assertEqual(done.stderr.strip(), 'error: field "bogus" does not exist')


if __name__ == "__main__":
    main()
