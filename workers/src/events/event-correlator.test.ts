import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";
import { EventCorrelator } from "./event-correlator.ts";

const rs: KubeObject = {
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name: "web-5d8f", namespace: "default", uid: "u-1" },
};
const source = { component: "replicaset-controller" };
const created = (pod: string) => ({
  type: "Normal" as const,
  reason: "SuccessfulCreate",
  message: `Created pod: ${pod}`,
});
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

describe("EventCorrelator (client-go's events_cache)", () => {
  test("nine different messages pass; from the tenth, one combined event stands for them", () => {
    const correlator = new EventCorrelator();
    const out = Array.from({ length: 12 }, (_, i) =>
      correlator.correlate(source, rs, created(`p${i}`), at(i)),
    );
    assert.deepEqual(
      out.slice(0, 9).map((e) => [e.combined, e.input.message]),
      Array.from({ length: 9 }, (_, i) => [false, `Created pod: p${i}`]),
    );
    for (const [i, e] of out.slice(9).entries()) {
      assert.equal(e.combined, true);
      assert.equal(e.input.message, `(combined from similar events): Created pod: p${i + 9}`);
    }
    // Another reason is not similar.
    const other = correlator.correlate(source, rs, { ...created("x"), reason: "SuccessfulDelete" }, at(20));
    assert.equal(other.combined, false);
  });

  test("similar events ten minutes apart start over", () => {
    const correlator = new EventCorrelator();
    for (let i = 0; i < 12; i++) correlator.correlate(source, rs, created(`p${i}`), at(i));
    assert.equal(correlator.correlate(source, rs, created("late"), at(600_020)).combined, false);
  });

  test("25 events about one object at once, then one every five minutes", () => {
    const correlator = new EventCorrelator();
    const admitted = Array.from({ length: 30 }, (_, i) =>
      correlator.correlate(source, rs, created(`p${i}`), at(i)),
    ).filter((e) => e.admitted).length;
    assert.equal(admitted, 25);
    assert.equal(correlator.correlate(source, rs, created("q"), at(60_000)).admitted, false);
    assert.equal(correlator.correlate(source, rs, created("r"), at(300_030)).admitted, true);
    assert.equal(correlator.correlate(source, rs, created("s"), at(300_040)).admitted, false);
    // Another object (or source) has a bucket of its own.
    const pod = { ...rs, kind: "Pod", metadata: { ...rs.metadata, name: "p0", uid: "u-2" } };
    assert.equal(correlator.correlate(source, pod, created("p0"), at(60_000)).admitted, true);
  });

  test("occurrences held back are counted once, by the next write of the event", () => {
    const correlator = new EventCorrelator();
    correlator.hold("default/web.1");
    correlator.hold("default/web.1");
    assert.equal(correlator.held("default/web.1"), 2);
    assert.equal(correlator.held("default/web.1"), 0);
  });
});
