import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KubeObject } from "../../../object/types.ts";
import { createThrough, updateThrough } from "../../support/strategy-pipeline.ts";
import { daemonSetStrategy, TEMPLATE_GENERATION_ANNOTATION } from "./strategy.ts";

function daemonSet(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "agent" },
    spec: {
      selector: { matchLabels: { app: "agent" } },
      template: {
        metadata: { labels: { app: "agent" } },
        spec: { containers: [{ name: "a", image: "busybox" }] },
      },
      ...spec,
    },
  };
}

describe("DaemonSet strategy", () => {
  test("defaults, status and the template generation annotation", () => {
    const { obj, errors } = createThrough(daemonSetStrategy, daemonSet());
    assert.deepEqual(errors, []);
    const spec = obj.spec as Record<string, unknown>;
    assert.deepEqual(spec.updateStrategy, {
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.deepEqual(obj.metadata.annotations, { [TEMPLATE_GENERATION_ANNOTATION]: "1" });
    assert.deepEqual(obj.status, {
      currentNumberScheduled: 0,
      numberMisscheduled: 0,
      desiredNumberScheduled: 0,
      numberReady: 0,
    });
  });

  test("a template change bumps both generations; clients cannot set the template generation", () => {
    const stored = createThrough(daemonSetStrategy, daemonSet()).obj;
    const next = structuredClone(stored);
    next.metadata.annotations = { [TEMPLATE_GENERATION_ANNOTATION]: "7" };
    const unchanged = updateThrough(daemonSetStrategy, stored, next).obj;
    assert.equal(unchanged.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION], "1");
    assert.equal(unchanged.metadata.generation, 1);

    const changed = structuredClone(stored);
    const template = (changed.spec as { template: { spec: { containers: { image: string }[] } } }).template;
    (template.spec.containers[0] as { image: string }).image = "busybox:2";
    const updated = updateThrough(daemonSetStrategy, stored, changed).obj;
    assert.equal(updated.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION], "2");
    assert.equal(updated.metadata.generation, 2);
  });

  test("a missing selector fails the template match, not a required check", () => {
    const body = daemonSet();
    delete (body.spec as Record<string, unknown>).selector;
    assert.deepEqual(createThrough(daemonSetStrategy, body).errors, [
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"agent"}: `selector` does not match template `labels`',
    ]);
  });

  test("surge and unavailability are exclusive", () => {
    const body = daemonSet({
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } },
    });
    assert.deepEqual(createThrough(daemonSetStrategy, body).errors, [
      'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero',
    ]);
  });
});
