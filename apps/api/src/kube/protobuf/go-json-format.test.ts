import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatGoDuration, formatMicroTime, formatTime, GO_ZERO_TIME_UNIX } from "./go-json-format.ts";

describe("formatGoDuration", () => {
  test("matches time.Duration.String (cases from Go's src/time/time_test.go durationTests)", () => {
    const cases: Array<[string, bigint]> = [
      ["0s", 0n],
      ["1ns", 1n],
      ["1.1µs", 1100n],
      ["2.2ms", 2_200_000n],
      ["3.3s", 3_300_000_000n],
      ["4m5s", 245_000_000_000n],
      ["4m5.001s", 245_001_000_000n],
      ["5h6m7.001s", 18_367_001_000_000n],
      ["8m0.000000001s", 480_000_000_001n],
      ["2562047h47m16.854775807s", 2n ** 63n - 1n],
      ["-2562047h47m16.854775808s", -(2n ** 63n)],
    ];
    for (const [text, nanos] of cases) assert.equal(formatGoDuration(nanos), text);
    assert.equal(formatGoDuration(3_600_000_000_000n), "1h0m0s");
    assert.equal(formatGoDuration(-90_000_000_000n), "-1m30s");
  });
});

describe("formatTime", () => {
  test("RFC 3339 at whole seconds in UTC; Go's zero time is null", () => {
    assert.equal(formatTime(1704164645n), "2024-01-02T03:04:05Z");
    assert.equal(formatTime(0n), "1970-01-01T00:00:00Z");
    assert.equal(formatTime(253402300799n), "9999-12-31T23:59:59Z");
    assert.equal(formatTime(GO_ZERO_TIME_UNIX), null);
  });

  test("years Go cannot marshal are rejected", () => {
    assert.throws(() => formatTime(253402300800n), /year outside of range \[0,9999\]/);
  });
});

describe("formatMicroTime", () => {
  test("six fractional digits, nanoseconds truncated, out-of-range nanos normalised like time.Unix", () => {
    assert.equal(formatMicroTime(1704164645n, 123456789n), "2024-01-02T03:04:05.123456Z");
    assert.equal(formatMicroTime(1704164645n, 0n), "2024-01-02T03:04:05.000000Z");
    assert.equal(formatMicroTime(10n, -1000n), "1970-01-01T00:00:09.999999Z");
    assert.equal(formatMicroTime(10n, 1_500_000_000n), "1970-01-01T00:00:11.500000Z");
    assert.equal(formatMicroTime(GO_ZERO_TIME_UNIX, 999n), null);
  });
});
