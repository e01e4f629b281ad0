/** apps/v1 and batch/v1 rows, per pkg/printers/internalversion/printers.go (release-1.32). */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { rowCells } from "./table.ts";

const NOW = new Date("2025-01-15T12:00:00Z");
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const cells = (group: string, resource: string, obj: object) =>
  rowCells(group, resource, obj as Record<string, unknown>, NOW);

const template = {
  spec: {
    containers: [
      { name: "web", image: "nginx:1.27" },
      { name: "log", image: "busybox" },
    ],
  },
};
const meta = { name: "web", creationTimestamp: ago(3 * HOUR + 12 * MINUTE) };

describe("apps/v1", () => {
  test("deployments: ready/desired, up-to-date, available; selector without <none>", () => {
    const deployment = {
      metadata: meta,
      spec: { replicas: 3, selector: { matchLabels: { app: "web" } }, template },
      status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    assert.deepEqual(cells("apps", "deployments", deployment), [
      "web",
      "2/3",
      3,
      2,
      "3h12m",
      "web,log",
      "nginx:1.27,busybox",
      "app=web",
    ]);
    const noSelector = { metadata: meta, spec: { replicas: 1, template }, status: {} };
    assert.equal(cells("apps", "deployments", noSelector)[7], "");
  });

  test("replicasets: desired, current, ready as integers", () => {
    const rs = {
      metadata: { ...meta, name: "web-5d4f8c" },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "web", "pod-template-hash": "5d4f8c" } },
        template,
      },
      status: { replicas: 3, readyReplicas: 3 },
    };
    assert.deepEqual(cells("apps", "replicasets", rs), [
      "web-5d4f8c",
      3,
      3,
      3,
      "3h12m",
      "web,log",
      "nginx:1.27,busybox",
      "app=web,pod-template-hash=5d4f8c",
    ]);
  });

  test("statefulsets: ready/desired, containers and images only", () => {
    const sts = { metadata: meta, spec: { replicas: 2, template }, status: { readyReplicas: 1 } };
    assert.deepEqual(cells("apps", "statefulsets", sts), [
      "web",
      "1/2",
      "3h12m",
      "web,log",
      "nginx:1.27,busybox",
    ]);
  });

  test("daemonsets: five counters and the node selector", () => {
    const ds = {
      metadata: meta,
      spec: {
        selector: { matchLabels: { app: "agent" } },
        template: {
          spec: {
            nodeSelector: { "kubernetes.io/os": "linux" },
            containers: [{ name: "a", image: "agent:1" }],
          },
        },
      },
      status: {
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        numberReady: 2,
        updatedNumberScheduled: 3,
        numberAvailable: 2,
      },
    };
    assert.deepEqual(cells("apps", "daemonsets", ds), [
      "web",
      3,
      3,
      2,
      3,
      2,
      "kubernetes.io/os=linux",
      "3h12m",
      "a",
      "agent:1",
      "app=agent",
    ]);
  });

  test("controllerrevisions: controller as kind.group/name", () => {
    const rev = {
      metadata: {
        ...meta,
        name: "web-7c9b",
        ownerReferences: [
          { apiVersion: "v1", kind: "Pod", name: "other" },
          { apiVersion: "apps/v1", kind: "StatefulSet", name: "web", controller: true },
        ],
      },
      revision: 2,
    };
    assert.deepEqual(cells("apps", "controllerrevisions", rev), [
      "web-7c9b",
      "statefulset.apps/web",
      2,
      "3h12m",
    ]);
    assert.equal(cells("apps", "controllerrevisions", { metadata: meta, revision: 1 })[1], "<none>");
  });
});

describe("batch/v1", () => {
  const job = (spec: object, status: object, extra: object = {}) => ({
    metadata: { ...meta, name: "pi", ...extra },
    spec: { template, selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "u1" } }, ...spec },
    status,
  });

  test("jobs: Complete with completions and start-to-completion duration", () => {
    const done = job(
      { completions: 3, parallelism: 1 },
      {
        succeeded: 3,
        startTime: ago(2 * HOUR),
        completionTime: ago(2 * HOUR - 95_000),
        conditions: [{ type: "Complete", status: "True" }],
      },
    );
    assert.deepEqual(cells("batch", "jobs", done), [
      "pi",
      "Complete",
      "3/3",
      "95s",
      "3h12m",
      "web,log",
      "nginx:1.27,busybox",
      "batch.kubernetes.io/controller-uid=u1",
    ]);
  });

  test("jobs: Running counts from start to now; no completions means /1 (of N when parallel)", () => {
    const running = job({ parallelism: 3 }, { succeeded: 1, startTime: ago(5 * MINUTE + 2000) });
    assert.deepEqual(cells("batch", "jobs", running).slice(1, 4), ["Running", "1/1 of 3", "5m2s"]);
    const notStarted = job({ parallelism: 1 }, {});
    assert.deepEqual(cells("batch", "jobs", notStarted).slice(1, 4), ["Running", "0/1", ""]);
  });

  test("jobs: Failed beats Terminating, which beats Suspended and FailureTarget", () => {
    const status = (type: string) => ({ conditions: [{ type, status: "True" }] });
    assert.equal(
      cells("batch", "jobs", job({}, status("Failed"), { deletionTimestamp: ago(1000) }))[1],
      "Failed",
    );
    assert.equal(
      cells("batch", "jobs", job({}, status("Suspended"), { deletionTimestamp: ago(1000) }))[1],
      "Terminating",
    );
    assert.equal(cells("batch", "jobs", job({}, status("Suspended")))[1], "Suspended");
    assert.equal(cells("batch", "jobs", job({}, status("FailureTarget")))[1], "FailureTarget");
    assert.equal(
      cells("batch", "jobs", job({}, { conditions: [{ type: "Complete", status: "False" }] }))[1],
      "Running",
    );
  });

  test("cronjobs: schedule, timezone, suspend, active, last schedule", () => {
    const cronJob = {
      metadata: meta,
      spec: {
        schedule: "*/5 * * * *",
        suspend: false,
        jobTemplate: { spec: { template } },
      },
      status: { active: [{ name: "web-28950000" }], lastScheduleTime: ago(4 * MINUTE) },
    };
    assert.deepEqual(cells("batch", "cronjobs", cronJob), [
      "web",
      "*/5 * * * *",
      "<none>",
      "False",
      1,
      "4m",
      "3h12m",
      "web,log",
      "nginx:1.27,busybox",
      "<none>",
    ]);
    const never = { metadata: meta, spec: { schedule: "@daily", timeZone: "Etc/UTC" }, status: {} };
    assert.deepEqual(cells("batch", "cronjobs", never).slice(1, 6), [
      "@daily",
      "Etc/UTC",
      "<unset>",
      0,
      "<none>",
    ]);
  });
});
