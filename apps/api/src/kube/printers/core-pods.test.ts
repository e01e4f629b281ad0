/**
 * Pod rows. Cases marked "upstream" are TestPrintPod / TestPrintPodWithRestartableInitContainer of
 * kubernetes pkg/printers/internalversion/printers_test.go, written as the JSON the API returns.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { JsonObject } from "./json.ts";
import { buildTable, rowCells } from "./table.ts";

const NOW = new Date("2025-01-15T12:00:00Z");
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString();
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

const running = { running: { startedAt: ago(MINUTE) } };
const waiting = (reason?: string) => ({ waiting: reason === undefined ? {} : { reason } });
const terminated = (extra: JsonObject = {}) => ({ terminated: { exitCode: 0, ...extra } });
const lastTerminated = (finishedAgo: number) => ({
  terminated: { exitCode: 1, finishedAt: ago(finishedAgo) },
});

function pod(
  name: string,
  containers: number,
  status: JsonObject,
  extra: { initContainers?: JsonObject[] } = {},
) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: {
      containers: Array.from({ length: containers }, (_, i) => ({ name: `c${i}`, image: "nginx" })),
      ...(extra.initContainers ? { initContainers: extra.initContainers } : {}),
    },
    status,
  };
}

const printed = (obj: JsonObject): unknown[] => rowCells("", "pods", obj, NOW).slice(0, 5);

describe("pod status, ready and restarts (upstream TestPrintPod)", () => {
  test("ready counts running+ready containers; restarts sum", () => {
    const p = pod("test1", 2, {
      phase: "podPhase",
      containerStatuses: [
        { ready: true, restartCount: 3, state: running },
        { ready: false, restartCount: 3, state: {} },
      ],
    });
    assert.deepEqual(printed(p), ["test1", "1/2", "podPhase", "6", "<unknown>"]);
  });

  test("a waiting reason overrides the phase, the first container winning", () => {
    const p = pod("test3", 2, {
      phase: "podPhase",
      containerStatuses: [
        { ready: false, restartCount: 3, state: waiting("ContainerWaitingReason") },
        { ready: false, restartCount: 3, state: terminated({ reason: "ContainerTerminatedReason" }) },
      ],
    });
    assert.deepEqual(printed(p), ["test3", "0/2", "ContainerWaitingReason", "6", "<unknown>"]);
  });

  test("status.reason overrides the phase", () => {
    const p = pod("test5", 2, {
      reason: "podReason",
      phase: "podPhase",
      containerStatuses: [
        { ready: true, restartCount: 3, state: running },
        { ready: true, restartCount: 3, state: {} },
      ],
    });
    assert.deepEqual(printed(p), ["test5", "1/2", "podReason", "6", "<unknown>"]);
  });

  test("Completed next to a running container is NotReady, or Running with a Ready condition", () => {
    const statuses = [
      { ready: true, restartCount: 3, state: terminated({ reason: "Completed" }) },
      { ready: true, restartCount: 3, state: running },
    ];
    assert.deepEqual(printed(pod("test6", 2, { phase: "Running", containerStatuses: statuses })), [
      "test6",
      "1/2",
      "NotReady",
      "6",
      "<unknown>",
    ]);
    const ready = pod("test6", 2, {
      phase: "Running",
      containerStatuses: statuses,
      conditions: [{ type: "Ready", status: "True" }],
    });
    assert.deepEqual(printed(ready), ["test6", "1/2", "Running", "6", "<unknown>"]);
  });

  test("Init:0/1 while the first init container runs, with its restarts", () => {
    const p = pod(
      "test7",
      1,
      {
        phase: "podPhase",
        initContainerStatuses: [
          {
            name: "init",
            ready: false,
            restartCount: 3,
            state: running,
            lastState: lastTerminated(10 * SECOND),
          },
        ],
        containerStatuses: [{ ready: false, restartCount: 0, state: waiting() }],
      },
      { initContainers: [{ name: "init", image: "busybox" }] },
    );
    assert.deepEqual(printed(p), ["test7", "0/1", "Init:0/1", "3 (10s ago)", "<unknown>"]);
  });

  test("Init:1/2 once the first init container succeeded; its restarts still count", () => {
    const p = pod(
      "test10",
      1,
      {
        phase: "podPhase",
        initContainerStatuses: [
          {
            name: "a",
            ready: false,
            restartCount: 2,
            state: terminated(),
            lastState: lastTerminated(2 * MINUTE),
          },
          {
            name: "b",
            ready: false,
            restartCount: 3,
            state: running,
            lastState: lastTerminated(10 * SECOND),
          },
        ],
        containerStatuses: [{ ready: false, state: waiting() }],
      },
      { initContainers: [{ name: "a" }, { name: "b" }] },
    );
    assert.deepEqual(printed(p), ["test10", "0/1", "Init:1/2", "5 (10s ago)", "<unknown>"]);
  });

  test("after initialisation only app containers' restarts count", () => {
    const p = pod(
      "test11",
      1,
      {
        phase: "Running",
        initContainerStatuses: [
          {
            name: "a",
            ready: false,
            restartCount: 2,
            state: terminated(),
            lastState: lastTerminated(2 * MINUTE),
          },
        ],
        containerStatuses: [
          { ready: false, restartCount: 4, state: running, lastState: lastTerminated(20 * SECOND) },
        ],
      },
      { initContainers: [{ name: "a" }] },
    );
    assert.deepEqual(printed(p), ["test11", "0/1", "Running", "4 (20s ago)", "<unknown>"]);
  });

  test("restarts show the most recent termination across containers", () => {
    const p = pod("test14", 2, {
      phase: "Running",
      containerStatuses: [
        { ready: true, restartCount: 6, state: running, lastState: lastTerminated(5 * DAY) },
        { ready: true, restartCount: 3, state: running, lastState: lastTerminated(20 * DAY) },
      ],
    });
    assert.deepEqual(printed(p), ["test14", "2/2", "Running", "9 (5d ago)", "<unknown>"]);
  });

  test("SchedulingGated from the PodScheduled condition", () => {
    const p = pod("test15", 2, {
      phase: "podPhase",
      conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }],
    });
    assert.deepEqual(printed(p), ["test15", "0/2", "SchedulingGated", "0", "<unknown>"]);
  });

  test("finished pods: Completed / Error with a Completed row condition, even while deleting", () => {
    const succeeded = pod("test18", 1, {
      phase: "Succeeded",
      containerStatuses: [{ ready: false, restartCount: 0, state: terminated({ reason: "Completed" }) }],
    });
    succeeded.metadata = {
      ...succeeded.metadata,
      deletionTimestamp: ago(10 * SECOND),
    } as typeof succeeded.metadata;
    const failed = pod("test17", 1, {
      phase: "Failed",
      containerStatuses: [
        { ready: false, restartCount: 0, state: terminated({ reason: "Error", exitCode: 1 }) },
      ],
    });
    const table = buildTable("", "pods", [succeeded, failed], { now: NOW, resourceVersion: "7" });
    assert.deepEqual(table.rows?.[0]?.cells.slice(0, 5), ["test18", "0/1", "Completed", "0", "<unknown>"]);
    assert.deepEqual(table.rows?.[0]?.conditions, [
      {
        type: "Completed",
        status: "True",
        reason: "Succeeded",
        message: "The pod has completed successfully.",
      },
    ]);
    assert.deepEqual(table.rows?.[1]?.cells.slice(0, 5), ["test17", "0/1", "Error", "0", "<unknown>"]);
    assert.deepEqual(table.rows?.[1]?.conditions, [
      { type: "Completed", status: "True", reason: "Failed", message: "The pod failed." },
    ]);
  });

  test("a deleting running or pending pod is Terminating", () => {
    const p = pod("test20", 1, { phase: "Pending" });
    p.metadata = { ...p.metadata, deletionTimestamp: ago(10 * SECOND) } as typeof p.metadata;
    assert.deepEqual(printed(p), ["test20", "0/1", "Terminating", "0", "<unknown>"]);
  });
});

describe("pod status, further cases (printPod logic)", () => {
  test("CrashLoopBackOff with the age of the last restart", () => {
    const p = pod("web", 1, {
      phase: "Running",
      containerStatuses: [
        {
          name: "c0",
          ready: false,
          restartCount: 3,
          state: waiting("CrashLoopBackOff"),
          lastState: lastTerminated(5 * MINUTE),
        },
      ],
    });
    p.metadata = { ...p.metadata, creationTimestamp: ago(10 * MINUTE) } as typeof p.metadata;
    assert.deepEqual(printed(p), ["web", "0/1", "CrashLoopBackOff", "3 (5m ago)", "10m"]);
  });

  test("a failing init container: Init:CrashLoopBackOff, Init:Error, Init:ExitCode, Init:Signal", () => {
    const withInit = (state: JsonObject) =>
      printed(
        pod(
          "p",
          1,
          { phase: "Pending", initContainerStatuses: [{ name: "i", restartCount: 0, state }] },
          {
            initContainers: [{ name: "i" }],
          },
        ),
      )[2];
    assert.equal(withInit(waiting("CrashLoopBackOff")), "Init:CrashLoopBackOff");
    assert.equal(withInit(waiting("PodInitializing")), "Init:0/1");
    assert.equal(withInit(terminated({ exitCode: 1, reason: "Error" })), "Init:Error");
    assert.equal(withInit(terminated({ exitCode: 2 })), "Init:ExitCode:2");
    assert.equal(withInit(terminated({ exitCode: 137, signal: 9 })), "Init:Signal:9");
  });

  test("a terminated app container without reason prints ExitCode:N", () => {
    const p = pod("p", 1, {
      phase: "Running",
      containerStatuses: [{ restartCount: 0, state: terminated({ exitCode: 3 }) }],
    });
    assert.equal(printed(p)[2], "ExitCode:3");
  });

  test("a deleting NodeLost pod is Unknown; without deletion NodeLost shows as is", () => {
    const lost = pod("p", 1, { phase: "Running", reason: "NodeLost" });
    assert.equal(printed(lost)[2], "NodeLost");
    lost.metadata = { ...lost.metadata, deletionTimestamp: ago(SECOND) } as typeof lost.metadata;
    assert.equal(printed(lost)[2], "Unknown");
  });

  test("started sidecars count towards Ready and their restarts stay counted", () => {
    const p = pod(
      "test2",
      1,
      {
        phase: "Running",
        initContainerStatuses: [
          {
            name: "sidecar",
            ready: true,
            restartCount: 3,
            started: true,
            state: running,
            lastState: lastTerminated(10 * SECOND),
          },
        ],
        containerStatuses: [{ name: "c0", ready: true, restartCount: 0, state: running }],
        conditions: [{ type: "Initialized", status: "True" }],
      },
      { initContainers: [{ name: "sidecar", restartPolicy: "Always" }] },
    );
    assert.deepEqual(printed(p), ["test2", "2/2", "Running", "3 (10s ago)", "<unknown>"]);
  });

  test("wide cells: IP, node, nominated node, readiness gates", () => {
    const p = {
      metadata: { name: "p" },
      spec: {
        containers: [{ name: "c" }],
        nodeName: "node-1",
        readinessGates: [{ conditionType: "example.com/lb" }, { conditionType: "example.com/dns" }],
      },
      status: {
        phase: "Running",
        podIP: "10.244.0.5",
        podIPs: [{ ip: "10.244.0.5" }, { ip: "fd00::5" }],
        conditions: [{ type: "example.com/lb", status: "True" }],
      },
    };
    assert.deepEqual(rowCells("", "pods", p, NOW).slice(5), ["10.244.0.5", "node-1", "<none>", "1/2"]);
    assert.deepEqual(rowCells("", "pods", { metadata: { name: "q" } }, NOW).slice(5), [
      "<none>",
      "<none>",
      "<none>",
      "<none>",
    ]);
  });
});
