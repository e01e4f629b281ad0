import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { newWebhookSecret, signatureHeader, signWebhook } from "../../apps/api/src/webhooks/signature.ts";

/** HMAC-SHA256 by openssl, a code path independent of node:crypto's. */
function opensslSignature(secret: string, content: string): string {
  const hexKey = Buffer.from(secret.slice("whsec_".length), "base64").toString("hex");
  const mac = execFileSync(
    "openssl",
    ["dgst", "-sha256", "-mac", "HMAC", "-macopt", `hexkey:${hexKey}`, "-binary"],
    {
      input: content,
    },
  );
  return mac.toString("base64");
}

describe("webhook signatures (Standard Webhooks)", () => {
  test("match the specification's example", () => {
    // From the Standard Webhooks specification and its reference libraries.
    const signature = signWebhook(
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      "msg_p5jXN8AQM9LWM0D4loKWxJek",
      1614265330,
      '{"test": 2432232314}',
    );
    assert.equal(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  test("match openssl for fresh secrets and bodies", () => {
    for (let i = 0; i < 3; i++) {
      const secret = newWebhookSecret();
      assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
      const body = JSON.stringify({
        type: "cluster.ready",
        data: { n: randomBytes(8).toString("hex"), text: "é ✓" },
      });
      const id = `msg_${i}`;
      const expected = opensslSignature(secret, `${id}.1700000000.${body}`);
      assert.equal(signWebhook(secret, id, 1700000000, body), `v1,${expected}`);
    }
  });

  test("the header carries one signature per secret, current first, separated by spaces", () => {
    const current = newWebhookSecret();
    const previous = newWebhookSecret();
    const header = signatureHeader([current, previous], "msg_1", 1700000000, "{}");
    assert.deepEqual(header.split(" "), [
      signWebhook(current, "msg_1", 1700000000, "{}"),
      signWebhook(previous, "msg_1", 1700000000, "{}"),
    ]);
  });

  test("a secret without the whsec_ prefix is refused", () => {
    assert.throws(() => signWebhook("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg", 1, ""), /whsec_/);
  });
});
