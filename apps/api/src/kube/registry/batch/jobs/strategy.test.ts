import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { KubeObject } from "../../../object/types.ts";
import { createThrough, updateThrough } from "../../support/strategy-pipeline.ts";
import { jobStrategy } from "./strategy.ts";

const UID = "8a5c2f1e-1111-4222-8333-944455556666";

function testdata(name: string): KubeObject {
  const url = new URL(`../../../protobuf/testdata/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as KubeObject;
}

describe("Job strategy", () => {
  test("kubectl create job stores what a 1.32 cluster stores", () => {
    const { obj, errors } = createThrough(jobStrategy, testdata("create-job.json"), { uid: UID });
    assert.deepEqual(errors, []);
    const generated = {
      "batch.kubernetes.io/controller-uid": UID,
      "batch.kubernetes.io/job-name": "j1",
      "controller-uid": UID,
      "job-name": "j1",
    };
    // The Job takes its template's labels, generated ones included (SetDefaults_Job on read).
    assert.deepEqual(obj.metadata.labels, generated);
    assert.equal(obj.metadata.generation, 1);
    assert.deepEqual(obj.spec, {
      backoffLimit: 6,
      completionMode: "NonIndexed",
      completions: 1,
      manualSelector: false,
      parallelism: 1,
      podReplacementPolicy: "TerminatingOrFailed",
      selector: { matchLabels: { "batch.kubernetes.io/controller-uid": UID } },
      suspend: false,
      template: {
        metadata: { creationTimestamp: null, labels: generated },
        spec: {
          containers: [
            {
              command: ["echo", "hi"],
              image: "busybox",
              imagePullPolicy: "Always",
              name: "j1",
              resources: {},
              terminationMessagePath: "/dev/termination-log",
              terminationMessagePolicy: "File",
            },
          ],
          dnsPolicy: "ClusterFirst",
          restartPolicy: "Never",
          schedulerName: "default-scheduler",
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    });
    assert.deepEqual(obj.status, {});
  });

  test("a Job created from a CronJob keeps its own labels and gets the rich template through", () => {
    const { obj, errors } = createThrough(jobStrategy, testdata("create-job-from-cronjob.json"), {
      uid: UID,
    });
    assert.deepEqual(obj.metadata.labels, { tier: "batch" });
    const spec = obj.spec as Record<string, unknown>;
    assert.equal(spec.backoffLimit, 0);
    assert.equal(spec.podReplacementPolicy, "Failed");
    // The template carries a volumeDevice without a matching volume: the pod spec checks report it.
    assert.ok(
      errors.every((e) => e.startsWith("spec.template.spec")),
      errors.join("\n"),
    );
  });

  test("restartPolicy must be OnFailure or Never", () => {
    const body = testdata("create-job.json");
    const template = (body.spec as { template: { spec: Record<string, unknown> } }).template;
    delete template.spec.restartPolicy;
    assert.deepEqual(createThrough(jobStrategy, body, { uid: UID }).errors, [
      'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]);
  });

  test("a user label that contradicts the generated selector is rejected", () => {
    const body = testdata("create-job.json");
    const template = (body.spec as { template: { metadata: Record<string, unknown> } }).template;
    template.metadata.labels = { "controller-uid": "other" };
    // The generated selector names only the prefixed label, so the selector itself still matches.
    assert.deepEqual(createThrough(jobStrategy, body, { uid: UID }).errors, [
      `spec.template.metadata.labels[controller-uid]: Invalid value: map[string]string{"batch.kubernetes.io/controller-uid":"${UID}", "batch.kubernetes.io/job-name":"j1", "controller-uid":"other", "job-name":"j1"}: must be '${UID}'`,
    ]);
  });

  test("a hand-written selector without the manual flag is not the generated one", () => {
    const body = testdata("create-job.json");
    const spec = body.spec as Record<string, unknown>;
    spec.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": "other" } };
    assert.ok(
      createThrough(jobStrategy, body, { uid: UID }).errors.includes(
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"batch.kubernetes.io/controller-uid":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated',
      ),
    );
  });

  test("a manual selector must match the template", () => {
    const body = testdata("create-job.json");
    const spec = body.spec as Record<string, unknown>;
    spec.manualSelector = true;
    spec.selector = { matchLabels: { app: "x" } };
    assert.deepEqual(createThrough(jobStrategy, body, { uid: UID }).errors, [
      "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`",
    ]);
  });

  test("the template and completions are immutable", () => {
    const stored = createThrough(jobStrategy, testdata("create-job.json"), { uid: UID }).obj;
    const next = structuredClone(stored);
    const spec = next.spec as {
      completions: number;
      template: { spec: { containers: { image: string }[] } };
    };
    spec.completions = 2;
    (spec.template.spec.containers[0] as { image: string }).image = "busybox:2";
    const errors = updateThrough(jobStrategy, stored, next).errors;
    assert.equal(errors[0], "spec.completions: Invalid value: 2: field is immutable");
    assert.ok(errors[1]?.startsWith("spec.template: Invalid value: core.PodTemplateSpec{"));
    assert.ok(errors[1]?.endsWith(": field is immutable"));
  });

  test("a suspended Job that never started may change its scheduling directives", () => {
    const body = testdata("create-job.json");
    (body.spec as Record<string, unknown>).suspend = true;
    const stored = createThrough(jobStrategy, body, { uid: UID }).obj;
    const next = structuredClone(stored);
    const podSpec = (next.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    podSpec.nodeSelector = { zone: "a" };
    assert.deepEqual(updateThrough(jobStrategy, stored, next).errors, []);
  });
});

describe("Job uid", () => {
  test("a Job created without a uid gets one, and its selector names it", () => {
    const body = testdata("create-job.json");
    const obj = structuredClone(body);
    jobStrategy.prepareForCreate?.(obj, { now: new Date(), clusterId: "c", dryRun: false });
    const uid = obj.metadata.uid ?? "";
    assert.match(uid, /^[0-9a-f-]{36}$/);
    const selector = (obj.spec as { selector: { matchLabels: Record<string, string> } }).selector;
    assert.deepEqual(selector.matchLabels, { "batch.kubernetes.io/controller-uid": uid });
  });
});
