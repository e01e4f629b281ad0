import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { messages, type StrategyHarness, stored, strategyHarness } from "../testing.ts";
import { namespaceStrategy } from "./strategy.ts";

let h: StrategyHarness;
before(async () => {
  h = await strategyHarness();
});
after(() => h.close());

const ref = (name: string) => ({ group: "", resource: "namespaces", namespace: "", name });

test("a new namespace is Active, finalized by kubernetes and labelled with its name", async () => {
  const created = stored(
    await h.create(namespaceStrategy, ref("team-a"), {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "team-a" },
      status: { phase: "Terminating" },
    }),
  );
  assert.deepEqual(created.metadata.labels, { "kubernetes.io/metadata.name": "team-a" });
  assert.deepEqual(created.spec, { finalizers: ["kubernetes"] });
  assert.deepEqual(created.status, { phase: "Active" });
  assert.equal(namespaceStrategy.nameValidation, "dns-label");
});

test("the name label cannot be changed and the finalizers are kept on update", async () => {
  const current = stored(
    await h.create(namespaceStrategy, ref("team-b"), {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "team-b" },
    }),
  );
  const edited = structuredClone(current);
  edited.metadata.labels = { "kubernetes.io/metadata.name": "other", env: "dev" };
  edited.spec = {};
  const updated = stored(await h.update(namespaceStrategy, ref("team-b"), edited));
  assert.deepEqual(updated.metadata.labels, { "kubernetes.io/metadata.name": "team-b", env: "dev" });
  assert.deepEqual(updated.spec, { finalizers: ["kubernetes"] });
});

test("finalizer names must be standard or qualified", async () => {
  const errs = await h.create(namespaceStrategy, ref("team-c"), {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "team-c" },
    spec: { finalizers: ["custom"] },
  });
  assert.deepEqual(messages(errs), [
    'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
  ]);
});
