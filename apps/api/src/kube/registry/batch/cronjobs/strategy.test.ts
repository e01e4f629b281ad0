import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { KubeObject } from "../../../object/types.ts";
import { createThrough, updateThrough } from "../../support/strategy-pipeline.ts";
import { cronJobStrategy } from "./strategy.ts";

function kubectlCreateCronJob(): KubeObject {
  const url = new URL("../../../protobuf/testdata/create-cronjob.json", import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as KubeObject;
}

describe("CronJob strategy", () => {
  test("kubectl create cronjob: CronJob defaults, the job template gets pod defaults only", () => {
    const { obj, errors } = createThrough(cronJobStrategy, kubectlCreateCronJob());
    assert.deepEqual(errors, []);
    const spec = obj.spec as Record<string, unknown>;
    assert.equal(spec.concurrencyPolicy, "Allow");
    assert.equal(spec.suspend, false);
    assert.equal(spec.successfulJobsHistoryLimit, 3);
    assert.equal(spec.failedJobsHistoryLimit, 1);
    const jobSpec = (spec.jobTemplate as { spec: Record<string, unknown> }).spec;
    assert.deepEqual(Object.keys(jobSpec), ["template"]);
    assert.equal((jobSpec.template as { spec: Record<string, unknown> }).spec.dnsPolicy, "ClusterFirst");
    assert.equal(obj.metadata.generation, 1);
  });

  test("a bad schedule carries robfig/cron's error", () => {
    const body = kubectlCreateCronJob();
    (body.spec as Record<string, unknown>).schedule = "*/5 * * *";
    assert.deepEqual(createThrough(cronJobStrategy, body).errors, [
      'spec.schedule: Invalid value: "*/5 * * *": expected exactly 5 fields, found 4: [*/5 * * *]',
    ]);
  });

  test("TZ in the schedule, time zones, names", () => {
    const body = kubectlCreateCronJob();
    const spec = body.spec as Record<string, unknown>;
    spec.schedule = "CRON_TZ=UTC 0 * * * *";
    spec.timeZone = "Mars/Olympus";
    body.metadata.name = "x".repeat(53);
    assert.deepEqual(createThrough(cronJobStrategy, body).errors, [
      'spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
      'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
      `metadata.name: Invalid value: "${"x".repeat(53)}": must be no more than 52 characters`,
    ]);
  });

  test("job templates may not carry selectors", () => {
    const body = kubectlCreateCronJob();
    const jobSpec = ((body.spec as Record<string, unknown>).jobTemplate as { spec: Record<string, unknown> })
      .spec;
    jobSpec.selector = { matchLabels: { a: "b" } };
    jobSpec.manualSelector = true;
    assert.deepEqual(createThrough(cronJobStrategy, body).errors, [
      'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated',
      'spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"',
    ]);
  });

  test("suspending bumps the generation", () => {
    const stored = createThrough(cronJobStrategy, kubectlCreateCronJob()).obj;
    const next = structuredClone(stored);
    (next.spec as Record<string, unknown>).suspend = true;
    assert.equal(updateThrough(cronJobStrategy, stored, next).obj.metadata.generation, 2);
  });
});
