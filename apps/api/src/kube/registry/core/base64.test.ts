import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeGoBase64 } from "./base64.ts";

test("decodes like Go's StdEncoding and reports its CorruptInputError offsets", () => {
  const ok = decodeGoBase64("bW9uZ291c2Vy");
  assert.ok(ok.ok && ok.bytes.toString() === "mongouser");
  const padded = decodeGoBase64("bW9uZ29wYXNzd29yZA==");
  assert.ok(padded.ok && padded.bytes.toString() === "mongopassword");
  const wrapped = decodeGoBase64("YWJj\nZGVm\n");
  assert.ok(wrapped.ok && wrapped.bytes.toString() === "abcdef");
  // Values taken from encoding/base64's decoder: the byte where it gave up.
  assert.deepEqual(decodeGoBase64("abc"), { ok: false, error: "illegal base64 data at input byte 0" });
  assert.deepEqual(decodeGoBase64("ab!d"), { ok: false, error: "illegal base64 data at input byte 2" });
  assert.deepEqual(decodeGoBase64("YQ=x"), { ok: false, error: "illegal base64 data at input byte 2" });
  assert.deepEqual(decodeGoBase64("YQ==YQ=="), { ok: false, error: "illegal base64 data at input byte 4" });
  assert.deepEqual(decodeGoBase64("plain text"), { ok: false, error: "illegal base64 data at input byte 5" });
});
