import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatFieldError } from "../../../validation/field-errors.ts";
import { defaultPullPolicy } from "./image-name.ts";
import { defaultPodTemplate, validatePodSpec, validatePodTemplateSpec } from "./pod-spec.ts";

const lines = (errs: ReturnType<typeof validatePodSpec>) => errs.map(formatFieldError);

describe("pod templates", () => {
  test("a Deployment's template is defaulted as the API serves it: no service links, no admission", () => {
    const template: Record<string, unknown> = {
      metadata: { labels: { app: "webapp" } },
      spec: {
        containers: [
          {
            name: "webapp",
            image: "nanajanashia/k8s-demo-app:v1.0",
            ports: [{ containerPort: 3000 }],
            env: [
              { name: "USER_NAME", valueFrom: { secretKeyRef: { name: "mongo-secret", key: "mongo-user" } } },
            ],
          },
        ],
        volumes: [{ name: "cfg", configMap: { name: "mongo-config" } }, { name: "scratch" }],
      },
    };
    defaultPodTemplate(template);
    assert.deepEqual(template, {
      metadata: { creationTimestamp: null, labels: { app: "webapp" } },
      spec: {
        containers: [
          {
            env: [
              { name: "USER_NAME", valueFrom: { secretKeyRef: { key: "mongo-user", name: "mongo-secret" } } },
            ],
            image: "nanajanashia/k8s-demo-app:v1.0",
            imagePullPolicy: "IfNotPresent",
            name: "webapp",
            ports: [{ containerPort: 3000, protocol: "TCP" }],
            resources: {},
            terminationMessagePath: "/dev/termination-log",
            terminationMessagePolicy: "File",
          },
        ],
        dnsPolicy: "ClusterFirst",
        restartPolicy: "Always",
        schedulerName: "default-scheduler",
        securityContext: {},
        terminationGracePeriodSeconds: 30,
        volumes: [
          { configMap: { defaultMode: 420, name: "mongo-config" }, name: "cfg" },
          { emptyDir: {}, name: "scratch" },
        ],
      },
    });
    assert.deepEqual(validatePodTemplateSpec(template, "spec.template"), []);
  });

  test("pull policy follows the tag as parsers.ParseImageName reads it", () => {
    assert.equal(defaultPullPolicy("nginx"), "Always");
    assert.equal(defaultPullPolicy("nginx:latest"), "Always");
    assert.equal(defaultPullPolicy("localhost:5000/app"), "Always");
    assert.equal(defaultPullPolicy("mongo:5.0"), "IfNotPresent");
    assert.equal(defaultPullPolicy(`nginx@sha256:${"a".repeat(64)}`), "IfNotPresent");
    assert.equal(defaultPullPolicy("Nginx"), "IfNotPresent");
  });

  test("template errors are reported under the template's path, labels as upstream places them", () => {
    const template = {
      metadata: { labels: { "bad key!": "x" } },
      spec: {
        containers: [
          {
            name: "Web",
            image: "nginx",
            env: [{ name: "A=B" }, { name: "" }],
            volumeMounts: [{ name: "data", mountPath: "/d" }],
          },
        ],
        volumes: [{ name: "data", emptyDir: {}, hostPath: { path: "/tmp" } }],
      },
    };
    defaultPodTemplate(template);
    assert.deepEqual(lines(validatePodTemplateSpec(template, "spec.template")), [
      `spec.template.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      "spec.template.spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type",
      `spec.template.spec.containers[0].name: Invalid value: "Web": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      `spec.template.spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
      "spec.template.spec.containers[0].env[1].name: Required value",
      'spec.template.spec.containers[0].volumeMounts[0].name: Not found: "data"',
    ]);
  });

  test("probes, env sources and selectors keep upstream's wording", () => {
    const spec = {
      containers: [
        {
          name: "app",
          image: "app:1",
          livenessProbe: { successThreshold: 2 },
          env: [
            { name: "X", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
            { name: "Y", valueFrom: {} },
          ],
        },
      ],
      dnsPolicy: "Sometimes",
    };
    defaultPodTemplate({ spec });
    assert.deepEqual(lines(validatePodSpec(spec, "spec")), [
      'spec.containers[0].env[1].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      "spec.containers[0].livenessProbe: Required value: must specify a handler type",
      "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
      'spec.dnsPolicy: Unsupported value: "Sometimes": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    ]);
  });
});
