import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KubeObject } from "../../../object/types.ts";
import { eventsV1Conversion } from "./conversion.ts";
import { validateEventsV1Create, validateEventsV1Update } from "./validation.ts";

const metadata = { name: "web.17f0", namespace: "default" };
const regarding = {
  kind: "Pod",
  namespace: "default",
  name: "web",
  uid: "u1",
  apiVersion: "v1",
  resourceVersion: "7",
};

/** An event as the kubelet's events.k8s.io recorder writes it. */
const eventsV1: KubeObject = {
  apiVersion: "events.k8s.io/v1",
  kind: "Event",
  metadata,
  eventTime: "2025-01-01T00:00:00.000000Z",
  series: { count: 2, lastObservedTime: "2025-01-01T00:01:00.000000Z" },
  reportingController: "kubelet",
  reportingInstance: "node-1",
  action: "Pulling",
  reason: "Pulling",
  regarding,
  related: { kind: "Node", name: "node-1" },
  note: 'Pulling image "nginx"',
  type: "Normal",
};

describe("events.k8s.io/v1 ⇄ core/v1 Event", () => {
  test("fields map onto their core names, zero values serialize as Go does", () => {
    const core = eventsV1Conversion.toStorage(eventsV1);
    assert.deepEqual(core, {
      apiVersion: "v1",
      kind: "Event",
      metadata,
      involvedObject: regarding,
      reason: "Pulling",
      message: 'Pulling image "nginx"',
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      type: "Normal",
      eventTime: "2025-01-01T00:00:00.000000Z",
      series: { count: 2, lastObservedTime: "2025-01-01T00:01:00.000000Z" },
      action: "Pulling",
      related: { kind: "Node", name: "node-1" },
      reportingComponent: "kubelet",
      reportingInstance: "node-1",
    });
    assert.deepEqual(eventsV1Conversion.fromStorage(core), {
      ...eventsV1,
      deprecatedSource: {},
      deprecatedFirstTimestamp: null,
      deprecatedLastTimestamp: null,
    });
  });

  test("a legacy core event reads with its deprecated fields", () => {
    const core: KubeObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata,
      involvedObject: regarding,
      reason: "Scheduled",
      message: "Successfully assigned default/web to node-1",
      source: { component: "default-scheduler" },
      firstTimestamp: "2025-01-01T00:00:00Z",
      lastTimestamp: "2025-01-01T00:00:05Z",
      count: 3,
      type: "Normal",
      eventTime: null,
      reportingComponent: "",
      reportingInstance: "",
    };
    const v1 = eventsV1Conversion.fromStorage(core);
    assert.deepEqual(v1, {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata,
      eventTime: null,
      reason: "Scheduled",
      regarding,
      note: "Successfully assigned default/web to node-1",
      type: "Normal",
      deprecatedSource: { component: "default-scheduler" },
      deprecatedFirstTimestamp: "2025-01-01T00:00:00Z",
      deprecatedLastTimestamp: "2025-01-01T00:00:05Z",
      deprecatedCount: 3,
    });
    assert.deepEqual(eventsV1Conversion.toStorage(v1), core);
  });

  test("events.k8s.io/v1 writes are checked strictly", () => {
    const core = eventsV1Conversion.toStorage({
      ...eventsV1,
      eventTime: undefined,
      type: "Info",
      deprecatedCount: 4,
    });
    assert.deepEqual(
      validateEventsV1Create(core).map((e) => `${e.field}: ${e.message}`),
      [
        "eventTime: Required value",
        'type: Invalid value: "": has invalid value: Info',
        'count: Invalid value: "": needs to be unset',
      ],
    );
    const stored = eventsV1Conversion.toStorage(eventsV1);
    const changed = { ...stored, message: "other" };
    assert.deepEqual(
      validateEventsV1Update(changed, stored).map((e) => `${e.field}: ${e.message}`),
      ['message: Invalid value: "other": field is immutable'],
    );
  });
});
