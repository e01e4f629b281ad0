import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { ApiError } from "../../../../errors.ts";
import { messages, type StrategyHarness, stored, strategyHarness } from "../testing.ts";
import { configMapStrategy } from "./strategy.ts";

let h: StrategyHarness;
before(async () => {
  h = await strategyHarness();
});
after(() => h.close());

const ref = (name: string) => ({ group: "", resource: "configmaps", namespace: "default", name });
const cm = (name: string, extra: Record<string, unknown>) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "default" },
  ...extra,
});

test("keys are config keys; a key in both bags and more than 1 MiB are refused", async () => {
  assert.deepEqual(
    messages(
      await h.create(
        configMapStrategy,
        ref("keys"),
        cm("keys", { data: { "a b": "x", ok: "y" }, binaryData: { ok: "eQ==" } }),
      ),
    ),
    [
      `data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      'data[ok]: Invalid value: "ok": duplicate of key present in binaryData',
    ],
  );
  assert.deepEqual(
    messages(
      await h.create(
        configMapStrategy,
        ref("big"),
        cm("big", { data: { big: "x".repeat(1024 * 1024 + 1) } }),
      ),
    ),
    [": Too long: may not be more than 1048576 bytes"],
  );
});

test("an immutable ConfigMap refuses data changes and cannot become mutable", async () => {
  const current = stored(
    await h.create(configMapStrategy, ref("frozen"), cm("frozen", { data: { mode: "a" }, immutable: true })),
  );
  assert.deepEqual(
    messages(
      await h.update(configMapStrategy, ref("frozen"), { ...current, data: { mode: "b" }, immutable: false }),
    ),
    [
      "immutable: Forbidden: field is immutable when `immutable` is set",
      "data: Forbidden: field is immutable when `immutable` is set",
    ],
  );
});

test("binaryData that is not base64 is a decoding error (400)", async () => {
  await assert.rejects(
    h.create(configMapStrategy, ref("bin"), cm("bin", { binaryData: { k: "not base64" } })),
    (err: ApiError) =>
      err.status === 400 &&
      err.message ===
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input byte 3',
  );
});
