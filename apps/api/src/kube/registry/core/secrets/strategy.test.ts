import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { ApiError } from "../../../../errors.ts";
import { messages, type StrategyHarness, stored, strategyHarness } from "../testing.ts";
import { secretStrategy } from "./strategy.ts";

let h: StrategyHarness;
before(async () => {
  h = await strategyHarness();
});
after(() => h.close());

const ref = (name: string) => ({ group: "", resource: "secrets", namespace: "default", name });
const secret = (name: string, extra: Record<string, unknown>) => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name, namespace: "default" },
  ...extra,
});

test("the walkthrough's mongo-secret is stored as sent, typed Opaque; stringData folds into data", async () => {
  const mongo = stored(
    await h.create(
      secretStrategy,
      ref("mongo-secret"),
      secret("mongo-secret", {
        type: "Opaque",
        data: { "mongo-user": "bW9uZ291c2Vy", "mongo-password": "bW9uZ29wYXNzd29yZA==" },
      }),
    ),
  );
  assert.deepEqual(mongo.data, { "mongo-user": "bW9uZ291c2Vy", "mongo-password": "bW9uZ29wYXNzd29yZA==" });
  const mixed = stored(
    await h.create(
      secretStrategy,
      ref("mixed"),
      secret("mixed", { data: { a: "YQ==" }, stringData: { a: "override", b: "bee" } }),
    ),
  );
  assert.deepEqual(
    [mixed.type, mixed.data, mixed.stringData],
    ["Opaque", { a: "b3ZlcnJpZGU=", b: "YmVl" }, undefined],
  );
});

test("bad base64 is a 400 with Go's decoder message", async () => {
  await assert.rejects(
    h.create(secretStrategy, ref("bad64"), secret("bad64", { data: { pw: "abc" } })),
    (err: ApiError) =>
      err.status === 400 &&
      err.message ===
        'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0',
  );
});

test("typed secrets need their keys; the type is immutable", async () => {
  assert.deepEqual(
    messages(
      await h.create(secretStrategy, ref("tls"), secret("tls", { type: "kubernetes.io/tls", data: {} })),
    ),
    ["data[tls.crt]: Required value", "data[tls.key]: Required value"],
  );
  assert.deepEqual(
    messages(
      await h.create(
        secretStrategy,
        ref("reg"),
        secret("reg", { type: "kubernetes.io/dockerconfigjson", stringData: { ".dockerconfigjson": "[]" } }),
      ),
    ),
    [
      'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}',
    ],
  );
  const opaque = stored(
    await h.create(secretStrategy, ref("typed"), secret("typed", { data: { a: "YQ==" } })),
  );
  assert.deepEqual(
    messages(await h.update(secretStrategy, ref("typed"), { ...opaque, type: "kubernetes.io/basic-auth" })),
    [
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
      "data[username]: Required value",
      "data[password]: Required value",
    ],
  );
});
