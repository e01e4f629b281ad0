import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KubeObject } from "../../../object/types.ts";
import { createThrough, updateThrough } from "../../support/strategy-pipeline.ts";
import { endpointSliceStrategy } from "./strategy.ts";

const slice: KubeObject = {
  apiVersion: "discovery.k8s.io/v1",
  kind: "EndpointSlice",
  metadata: { name: "web-abc12", labels: { "kubernetes.io/service-name": "web" } },
  addressType: "IPv4",
  endpoints: [{ addresses: ["10.244.0.5"], conditions: { ready: true } }],
  ports: [{ port: 80 }],
};

describe("EndpointSlice strategy", () => {
  test("ports default to unnamed TCP; generation starts at 1", () => {
    const { obj, errors } = createThrough(endpointSliceStrategy, slice);
    assert.deepEqual(errors, []);
    assert.deepEqual(obj.ports, [{ port: 80, protocol: "TCP", name: "" }]);
    assert.equal(obj.metadata.generation, 1);
  });

  test("addresses must fit the address type", () => {
    const body = { ...structuredClone(slice), endpoints: [{ addresses: ["fe80::1", "127.0.0.1"] }] };
    assert.deepEqual(createThrough(endpointSliceStrategy, body).errors, [
      'endpoints[0].addresses[0]: Invalid value: "fe80::1": must be a valid IPv4 address',
      'endpoints[0].addresses[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    ]);
  });

  test("generation follows endpoint and label changes; addressType is immutable", () => {
    const stored = createThrough(endpointSliceStrategy, slice).obj;
    const same = updateThrough(endpointSliceStrategy, stored, { ...structuredClone(stored) });
    assert.equal(same.obj.metadata.generation, 1);
    const moved = { ...structuredClone(stored), endpoints: [{ addresses: ["10.244.0.6"] }] };
    assert.equal(updateThrough(endpointSliceStrategy, stored, moved).obj.metadata.generation, 2);
    const retyped = { ...structuredClone(stored), addressType: "IPv6", endpoints: [] };
    assert.deepEqual(updateThrough(endpointSliceStrategy, stored, retyped).errors, [
      'addressType: Invalid value: "IPv6": field is immutable',
    ]);
  });
});
