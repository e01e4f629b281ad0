import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { KubeObject } from "../../../object/types.ts";
import { createThrough, updateThrough } from "../../support/strategy-pipeline.ts";
import { deploymentStrategy } from "./strategy.ts";

/** What `kubectl create deployment web --image=nginx` sends (captured from kubectl 1.32). */
function kubectlCreateDeployment(): KubeObject {
  const url = new URL("../../../protobuf/testdata/create-deployment.json", import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as KubeObject;
}

function deployment(
  spec: Record<string, unknown>,
  labels: Record<string, string> = { app: "x" },
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "x" },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: "c", image: "nginx" }] } },
      ...spec,
    },
  };
}

describe("Deployment strategy", () => {
  test("kubectl create deployment stores what a 1.32 cluster stores", () => {
    const { obj, errors } = createThrough(deploymentStrategy, kubectlCreateDeployment());
    assert.deepEqual(errors, []);
    assert.equal(obj.metadata.generation, 1);
    assert.deepEqual(obj.metadata.labels, { app: "web" });
    // `kubectl get deploy web -o yaml` on kube-apiserver 1.32, before the controller writes status.
    assert.deepEqual(obj.spec, {
      progressDeadlineSeconds: 600,
      replicas: 1,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: "web" } },
      strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" }, type: "RollingUpdate" },
      template: {
        metadata: { creationTimestamp: null, labels: { app: "web" } },
        spec: {
          containers: [
            {
              image: "nginx",
              imagePullPolicy: "Always",
              name: "nginx",
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
        },
      },
    });
    assert.deepEqual(obj.status, {});
  });

  test("a client's status is dropped on create", () => {
    const body = deployment({});
    body.status = { replicas: 5 };
    assert.deepEqual(createThrough(deploymentStrategy, body).obj.status, {});
  });

  test("a missing selector is required and cannot select the template", () => {
    const body = deployment({});
    delete (body.spec as Record<string, unknown>).selector;
    assert.deepEqual(createThrough(deploymentStrategy, body).errors, [
      "spec.selector: Required value",
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
    ]);
  });

  test("a selector that does not match prints the labels as Go's %#v of the map", () => {
    const body = deployment({ selector: { matchLabels: { app: "y" } } }, { app: "x", tier: "web" });
    assert.deepEqual(createThrough(deploymentStrategy, body).errors, [
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x", "tier":"web"}: `selector` does not match template `labels`',
    ]);
  });

  test("an empty selector is invalid", () => {
    const body = deployment({ selector: {} });
    assert.ok(
      createThrough(deploymentStrategy, body).errors.includes(
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
      ),
    );
  });

  test("negative replicas", () => {
    assert.deepEqual(createThrough(deploymentStrategy, deployment({ replicas: -1 })).errors, [
      "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
    ]);
  });

  test("Recreate forbids rollingUpdate", () => {
    const body = deployment({ strategy: { type: "Recreate", rollingUpdate: { maxSurge: 1 } } });
    assert.deepEqual(createThrough(deploymentStrategy, body).errors, [
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ]);
  });

  test("a Recreate deployment gets no rollingUpdate", () => {
    const { obj } = createThrough(deploymentStrategy, deployment({ strategy: { type: "Recreate" } }));
    assert.deepEqual((obj.spec as Record<string, unknown>).strategy, { type: "Recreate" });
  });

  test("rolling update numbers are validated as int-or-percent", () => {
    const body = deployment({
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: "150%" } },
    });
    assert.deepEqual(createThrough(deploymentStrategy, body).errors, [
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
    ]);
    const zero = deployment({
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } },
    });
    assert.deepEqual(createThrough(deploymentStrategy, zero).errors, [
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
    ]);
  });

  test("progressDeadlineSeconds must exceed minReadySeconds", () => {
    assert.deepEqual(createThrough(deploymentStrategy, deployment({ minReadySeconds: 700 })).errors, [
      "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds",
    ]);
  });

  test("the pod template must restart Always", () => {
    const body = deployment({});
    const template = (body.spec as { template: { spec: Record<string, unknown> } }).template;
    template.spec.restartPolicy = "Never";
    assert.ok(
      createThrough(deploymentStrategy, body).errors.includes(
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
      ),
    );
  });

  test("the selector is immutable in apps/v1", () => {
    const stored = createThrough(deploymentStrategy, deployment({})).obj;
    const next = structuredClone(stored);
    const spec = next.spec as { selector: unknown; template: { metadata: { labels: unknown } } };
    spec.selector = { matchLabels: { app: "y" } };
    spec.template.metadata.labels = { app: "y" };
    assert.deepEqual(updateThrough(deploymentStrategy, stored, next).errors, [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"y"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });

  test("generation follows spec and annotation changes, status is kept", () => {
    const stored = createThrough(deploymentStrategy, deployment({})).obj;
    stored.status = { replicas: 1 };
    const same = updateThrough(deploymentStrategy, stored, {
      ...structuredClone(stored),
      status: { replicas: 9 },
    });
    assert.equal(same.obj.metadata.generation, 1);
    assert.deepEqual(same.obj.status, { replicas: 1 });

    const scaled = structuredClone(stored);
    (scaled.spec as Record<string, unknown>).replicas = 3;
    assert.equal(updateThrough(deploymentStrategy, stored, scaled).obj.metadata.generation, 2);

    const annotated = structuredClone(stored);
    annotated.metadata.annotations = { "kubernetes.io/change-cause": "x" };
    assert.equal(updateThrough(deploymentStrategy, stored, annotated).obj.metadata.generation, 2);
  });

  test("a PUT without defaulted fields does not count as a spec change", () => {
    const stored = createThrough(deploymentStrategy, deployment({})).obj;
    const bare = deployment({});
    bare.metadata = structuredClone(stored.metadata);
    assert.equal(updateThrough(deploymentStrategy, stored, bare).obj.metadata.generation, 1);
  });
});
