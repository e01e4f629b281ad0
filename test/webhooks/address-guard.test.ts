import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  guardedLookup,
  refusedAddressKind,
  refusedHostKind,
} from "../../apps/api/src/webhooks/address-guard.ts";
import { nextAttempt } from "../../workers/src/webhooks/retry-policy.ts";
import { parseRetryAfter } from "../../workers/src/webhooks/send-webhook.ts";

describe("webhook address guard", () => {
  test("refuses loopback, private, link-local, CGNAT, unspecified, multicast and metadata addresses", () => {
    const refused: [string, string][] = [
      ["127.0.0.1", "a loopback"],
      ["127.8.9.10", "a loopback"],
      ["::1", "a loopback"],
      ["10.1.2.3", "a private"],
      ["172.16.0.1", "a private"],
      ["172.31.255.255", "a private"],
      ["192.168.1.1", "a private"],
      ["fc00::1", "a private"],
      ["fd12:3456::1", "a private"],
      ["169.254.1.1", "a link-local"],
      ["fe80::1", "a link-local"],
      ["100.64.0.1", "a carrier-grade NAT"],
      ["100.127.255.254", "a carrier-grade NAT"],
      ["0.0.0.0", "an unspecified"],
      ["::", "an unspecified"],
      ["224.0.0.1", "a multicast"],
      ["ff02::1", "a multicast"],
      ["169.254.169.254", "a cloud metadata"],
      ["fd00:ec2::254", "a cloud metadata"],
      ["255.255.255.255", "a reserved"],
    ];
    for (const [ip, kind] of refused) assert.equal(refusedAddressKind(ip), kind, ip);
  });

  test("judges IPv6 forms that carry an IPv4 address by that address", () => {
    assert.equal(refusedAddressKind("::ffff:127.0.0.1"), "a loopback");
    assert.equal(refusedAddressKind("::ffff:7f00:1"), "a loopback");
    assert.equal(refusedAddressKind("::ffff:169.254.169.254"), "a cloud metadata");
    assert.equal(refusedAddressKind("64:ff9b::10.0.0.1"), "a private");
    assert.equal(refusedAddressKind("::ffff:8.8.8.8"), undefined);
  });

  test("lets public addresses through", () => {
    for (const ip of [
      "8.8.8.8",
      "1.1.1.1",
      "172.32.0.1",
      "100.128.0.1",
      "2606:4700:4700::1111",
      "2001:4860::8888",
    ]) {
      assert.equal(refusedAddressKind(ip), undefined, ip);
    }
  });

  test("judges URL hosts without resolving: literals and localhost names", () => {
    assert.equal(refusedHostKind("localhost"), "a loopback");
    assert.equal(refusedHostKind("api.localhost"), "a loopback");
    assert.equal(refusedHostKind("LOCALHOST."), "a loopback");
    assert.equal(refusedHostKind("[::1]"), "a loopback");
    assert.equal(refusedHostKind("[::ffff:7f00:1]"), "a loopback");
    assert.equal(refusedHostKind("10.0.0.1"), "a private");
    assert.equal(refusedHostKind("example.com"), undefined);
    assert.equal(refusedHostKind("93.184.216.34"), undefined);
  });

  test("the connect-time lookup refuses a name that resolves to loopback", async () => {
    const error = await new Promise<Error | null>((resolve) =>
      guardedLookup("localhost", {}, (err) => resolve(err)),
    );
    assert.ok(error);
    assert.match(
      error.message,
      /^refused to connect to localhost \((127\.0\.0\.1|::1)\): a loopback address/,
    );
    const all = await new Promise<Error | null>((resolve) =>
      guardedLookup("localhost", { all: true }, (err) => resolve(err)),
    );
    assert.match(String(all?.message), /refused to connect to localhost/);
  });
});

describe("webhook retry timing", () => {
  const base = { windowStartedAt: new Date(0), scheduleMs: [1000, 5000, 30_000], maxRetryMs: 86_400_000 };

  test("follows the schedule with ±20 % jitter, repeating its last step", () => {
    const now = new Date(10_000);
    const at = (attempts: number, random: number) =>
      nextAttempt({ ...base, attempts, now, random: () => random }).retryAt!.getTime() - now.getTime();
    assert.equal(at(1, 0.5), 1000);
    assert.equal(at(1, 0), 800);
    assert.equal(at(1, 1), 1200);
    assert.equal(at(2, 0.5), 5000);
    assert.equal(at(3, 0.5), 30_000);
    assert.equal(at(9, 0.5), 30_000);
  });

  test("a Retry-After replaces the pause", () => {
    const now = new Date(10_000);
    const decision = nextAttempt({ ...base, attempts: 1, now, retryAfterMs: 120_000 });
    assert.equal(decision.retryAt?.getTime(), 130_000);
  });

  test("a Retry-After of 0 or a past date waits at least the schedule's step", () => {
    const now = new Date(10_000);
    const pause = (attempts: number, retryAfterMs: number) =>
      nextAttempt({ ...base, attempts, now, retryAfterMs }).retryAt!.getTime() - now.getTime();
    assert.equal(pause(1, 0), 1000);
    assert.equal(pause(2, 0), 5000);
    assert.equal(pause(2, 3000), 5000);
    // A schedule of zero still leaves a second between attempts.
    const fast = nextAttempt({ ...base, scheduleMs: [0], attempts: 1, now, retryAfterMs: 0 });
    assert.equal(fast.retryAt!.getTime() - now.getTime(), 1000);
  });

  test("a Retry-After past the window gets one last attempt at the window's end", () => {
    const now = new Date(86_000_000);
    const decision = nextAttempt({ ...base, attempts: 5, now, retryAfterMs: 3_600_000 });
    assert.equal(decision.retryAt?.getTime(), 86_400_000);
    // That attempt, made at the end, is the last.
    const last = nextAttempt({ ...base, attempts: 6, now: new Date(86_400_000), retryAfterMs: 3_600_000 });
    assert.equal(last.retryAt, undefined);
  });

  test("nothing is retried past the window", () => {
    const decision = nextAttempt({ ...base, attempts: 3, now: new Date(86_390_000), random: () => 0.5 });
    assert.equal(decision.retryAt, undefined);
  });

  test("Retry-After is read as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(parseRetryAfter("120", now), 120_000);
    assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now), 30_000);
    assert.equal(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now), 0);
    assert.equal(parseRetryAfter("soon", now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});
