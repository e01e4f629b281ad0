import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { persistentVolumeStrategy } from "../persistentvolumes/strategy.ts";
import { messages, type StrategyHarness, stored, strategyHarness } from "../testing.ts";
import { persistentVolumeClaimStrategy } from "./strategy.ts";

let h: StrategyHarness;
before(async () => {
  h = await strategyHarness();
});
after(() => h.close());

const ref = (name: string) => ({ group: "", resource: "persistentvolumeclaims", namespace: "default", name });
const pvc = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name, namespace: "default" },
  spec,
});

test("a claim defaults to Filesystem, canonical sizes, and starts Pending", async () => {
  const created = stored(
    await h.create(
      persistentVolumeClaimStrategy,
      ref("data"),
      pvc("data", { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1024Mi" } } }),
    ),
  );
  assert.deepEqual(created.spec, {
    accessModes: ["ReadWriteOnce"],
    resources: { requests: { storage: "1Gi" } },
    volumeMode: "Filesystem",
  });
  assert.deepEqual(created.status, { phase: "Pending" });
});

test("access modes and a storage request are required, with upstream's paths", async () => {
  assert.deepEqual(
    messages(
      await h.create(
        persistentVolumeClaimStrategy,
        ref("empty"),
        pvc("empty", { accessModes: ["ReadWriteSometimes"] }),
      ),
    ),
    [
      'spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
      "spec.resources[storage]: Required value",
    ],
  );
  assert.deepEqual(
    messages(
      await h.create(
        persistentVolumeClaimStrategy,
        ref("none"),
        pvc("none", { resources: { requests: { storage: "0" } } }),
      ),
    ),
    [
      "spec.accessModes: Required value: at least 1 access mode is required",
      'spec.resources[storage]: Invalid value: "0": must be greater than zero',
    ],
  );
});

test("the spec is immutable after creation", async () => {
  const current = stored(
    await h.create(
      persistentVolumeClaimStrategy,
      ref("fixed"),
      pvc("fixed", { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } }),
    ),
  );
  const [err] = messages(
    await h.update(persistentVolumeClaimStrategy, ref("fixed"), {
      ...current,
      spec: { ...(current.spec as object), accessModes: ["ReadWriteMany"] },
    }),
  );
  assert.ok(
    err?.startsWith(
      "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n",
    ),
    err,
  );
});

test("a PersistentVolume defaults to Retain and starts Pending with its transition time", async () => {
  const pv = stored(
    await h.create(
      persistentVolumeStrategy,
      { group: "", resource: "persistentvolumes", namespace: "", name: "pv1" },
      {
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name: "pv1" },
        spec: { accessModes: ["ReadWriteOnce"], capacity: { storage: "5Gi" }, hostPath: { path: "/data" } },
      },
    ),
  );
  assert.deepEqual(pv.spec, {
    accessModes: ["ReadWriteOnce"],
    capacity: { storage: "5Gi" },
    hostPath: { path: "/data", type: "" },
    persistentVolumeReclaimPolicy: "Retain",
    volumeMode: "Filesystem",
  });
  assert.deepEqual(pv.status, { phase: "Pending", lastPhaseTransitionTime: "2025-05-01T10:00:00Z" });
});
