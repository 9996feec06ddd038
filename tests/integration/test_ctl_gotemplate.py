#!/usr/bin/env python3
"""c8sctl -o go-template, go-template-file, template, templatefile and --template against the
real kubectl 1.32 (the harness of test_ctl_kubectl.py): get of lists and single objects,
the writing commands' printers, and Go's parse and execution errors."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_ctl_kubectl as harness  # noqa: E402
from c8stest.runner import main  # noqa: E402

APPLIED = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: applied, labels: {app: web, tier: db}}
data: {k: v, encoded: aGVsbG8=}
"""


class GoTemplates(harness.CtlDiffCase):
    def test_get_lists_and_objects_through_templates_match_kubectl(self):
        for template in (
                "{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}",
                "{{.kind}} {{.apiVersion}} {{.metadata}} {{len .items}}",
                "{{range .items}}{{.metadata.name}}:{{range $k, $v := .metadata.labels}}"
                "{{$k}}={{$v}},{{end}};{{end}}",
                "{{range .items}}{{if index .metadata.labels \"tier\"}}"
                "{{index .metadata.labels \"tier\"}}{{else}}none{{end}} {{end}}",
                "{{range $i, $p := .items}}{{if $i}},{{end}}{{printf \"%-4s|%3d\" "
                "$p.metadata.name (len $p.spec.containers)}}{{end}}",
                "{{- range .items }}\n  {{ .metadata.name -}}\n{{ end }}",
                "{{range .items}}{{with .spec.nodeName}}{{.}}{{else}}-{{end}}{{end}}",
                "{{range .items}}{{(index .spec.containers 0).image}} {{end}}",
                "{{range .items}}{{.metadata.nope}}{{end}}"):
            with self.subTest(template=template):
                self.both("get", "pods", "-o", "go-template=" + template)
        self.both("get", "pod", "p1", "-o",
                  "go-template={{.metadata.name}} {{.metadata.labels}} {{.spec.containers}}")
        self.both("get", "deploy/web", "-o",
                  "go-template={{.spec.replicas}} {{printf \"%T %d %v\" .spec.replicas "
                  ".spec.replicas .spec.selector}}")
        self.both("get", "cm", "c1", "po/p1", "--template={{range .items}}{{.kind}} {{end}}")
        self.both("get", "cm", "c1", "-o", "template={{.data.a}}")
        self.both("get", "cm", "-n", "empty", "-o", "go-template=[{{len .items}}]")

    def test_template_files_and_flags_match_kubectl(self):
        path = os.path.join(self.dir, "names.tmpl")
        with open(path, "w") as f:
            f.write("{{range .items}}{{.metadata.name}}\n{{end}}")
        self.both("get", "pods", "-o", "go-template-file=" + path)
        self.both("get", "pods", "-o", "templatefile=" + path)
        self.both("get", "pods", "-o", "go-template-file", "--template", path)
        self.both("get", "pods", "-o", "go-template-file=" + path + ".missing")
        self.both("get", "pods", "-o", "go-template")
        self.both("get", "pods", "-o", "go-template=")
        self.both("get", "pod", "p1", "-o", "jsonpath", "--template={.metadata.name}")

    def test_parse_and_execution_errors_match_kubectl(self):
        for template in ("{{.a}", "{{range .items}}{{else}}", "{{if}}{{end}}", "{{$x}}",
                         "{{foo}}", "{{end}}", "{{\"a\".x}}", "{{)}}",
                         "{{.metadata.name.x}}", "{{index .items \"x\"}}", "{{range .kind}}{{end}}",
                         "{{eq .kind 1}}", "{{len .nope}}", "{{printf .nope}}",
                         "{{.kind}}|{{base64decode \"!!\"}}"):
            with self.subTest(template=template):
                rc, _, _ = self.both("get", "cm", "c1", "-o", "go-template=" + template)
                self.assertEqual(rc, 1)
        rc, out, _ = self.both("get", "cm", "c1", "-o", "go-template={{.nope}}",
                               "--allow-missing-template-keys=false")
        self.assertIn("map has no entry for key", out)
        _, out, _ = self.both("get", "cm", "c1", "-o", "go-template={{.nope}}")
        self.assertEqual(out, "<no value>")

    def test_writing_commands_print_through_templates_like_kubectl(self):
        dry = ["--dry-run=client", "-o"]
        self.both("create", "cm", "t", "--from-literal=a=b", *dry,
                  "go-template={{.metadata.name}} {{.data}} {{.metadata}}")
        self.both("create", "deployment", "d", "--image=nginx", "--replicas=3", *dry,
                  "go-template={{.spec.replicas}} {{printf \"%T\" .spec.replicas}} {{.spec}}")
        self.both("run", "r", "--image=nginx", *dry,
                  "go-template={{range .spec.containers}}{{.name}}={{.image}}{{end}}")
        self.both("create", "cm", "t", "--from-literal=a=b", *dry, "go-template={{.a}")
        self.both("create", "cm", "t", "--from-literal=a=b", *dry, "go-template")
        # a template that fails on the written object: kubectl's report and exit status 1
        for args in (["create", "cm", "t", "--from-literal=a=b"], ["run", "r", "--image=nginx"]):
            with self.subTest(args=args):
                rc, _, _ = self.both(*args, *dry, "go-template={{.metadata.name.x}}")
                self.assertEqual(rc, 1)
        self.twin_namespaces("tpl")
        path = os.path.join(self.dir, "applied.yaml")
        with open(path, "w") as f:
            f.write(APPLIED)
        shown = "go-template={{.metadata.name}} {{.metadata.labels}} {{base64decode .data.encoded}}"
        self.both("create", "cm", "made", "--from-literal=a=b", "-o",
                  "go-template={{.metadata.name}}/{{.metadata.namespace}} {{.data.a}}", twin="tpl")
        self.both("apply", "-f", path, "-o", shown, twin="tpl")
        self.both("apply", "-f", path, "-o", "go-template={{.metadata.name}}", twin="tpl")
        self.both("create", "cm", "srv", "--from-literal=a=b", "--dry-run=server", "-o",
                  "go-template={{.metadata.name}} {{exists .metadata \"uid\"}}", twin="tpl")


if __name__ == "__main__":
    main()
