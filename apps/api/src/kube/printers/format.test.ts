import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatRFC3339, humanDuration, translateTimestampSince } from "./format.ts";
import { formatLabelSelector, formatLabels, labelSelectorString } from "./label-selector.ts";
import { quantityString } from "./quantity.ts";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe("humanDuration", () => {
  // Cases of TestHumanDuration and TestHumanDurationBoundaries, apimachinery pkg/util/duration (v0.32).
  const cases: [number, string][] = [
    [SECOND, "1s"],
    [70 * SECOND, "70s"],
    [190 * SECOND, "3m10s"],
    [70 * MINUTE, "70m"],
    [47 * HOUR, "47h"],
    [49 * HOUR, "2d1h"],
    [(8 * 24 + 2) * HOUR, "8d"],
    [367 * DAY, "367d"],
    [(365 * 2 * 24 + 25) * HOUR, "2y1d"],
    [(365 * 8 * 24 + 2) * HOUR, "8y"],
    [-2 * SECOND, "<invalid>"],
    [-2 * SECOND + 1, "0s"],
    [0, "0s"],
    [SECOND - 1, "0s"],
    [2 * MINUTE - 1, "119s"],
    [2 * MINUTE, "2m"],
    [2 * MINUTE + SECOND, "2m1s"],
    [10 * MINUTE - 1, "9m59s"],
    [10 * MINUTE + SECOND, "10m"],
    [3 * HOUR - 1, "179m"],
    [3 * HOUR + MINUTE, "3h1m"],
    [8 * HOUR - 1, "7h59m"],
    [8 * HOUR + 59 * MINUTE, "8h"],
    [2 * DAY - 1, "47h"],
    [2 * DAY + HOUR, "2d1h"],
    [8 * DAY - 1, "7d23h"],
    [8 * DAY + 23 * HOUR, "8d"],
    [2 * 365 * DAY - 1, "729d"],
    [2 * 365 * DAY + DAY - 1, "2y"],
    [2 * 365 * DAY + DAY, "2y1d"],
    [5 * 365 * DAY, "5y"],
  ];
  for (const [ms, want] of cases) {
    test(`${ms}ms → ${want}`, () => assert.equal(humanDuration(ms), want));
  }
});

describe("timestamps", () => {
  const now = new Date("2025-01-15T12:00:00Z");

  test("ages are relative to the injected clock; unset times are <unknown>", () => {
    assert.equal(translateTimestampSince("2025-01-15T11:55:00Z", now), "5m");
    assert.equal(translateTimestampSince("2025-01-15T11:59:59.123456Z", now), "0s");
    assert.equal(translateTimestampSince(undefined, now), "<unknown>");
    assert.equal(translateTimestampSince(null, now), "<unknown>");
    assert.equal(translateTimestampSince("0001-01-01T00:00:00Z", now), "<unknown>");
  });

  test("RFC 3339 at second precision in UTC, Go's zero time when unset", () => {
    assert.equal(formatRFC3339("2024-05-01T10:00:00Z"), "2024-05-01T10:00:00Z");
    assert.equal(formatRFC3339("2024-05-01T12:00:00.987654+02:00"), "2024-05-01T10:00:00Z");
    assert.equal(formatRFC3339(undefined), "0001-01-01T00:00:00Z");
  });
});

describe("quantityString (resource.Quantity.String)", () => {
  // Canonical forms per apimachinery pkg/api/resource quantity.go CanonicalizeBytes.
  const cases: [unknown, string][] = [
    ["10Gi", "10Gi"],
    ["2048Ki", "2Mi"],
    ["1.5Gi", "1536Mi"],
    ["0.5Ki", "512"],
    ["1023Ki", "1023Ki"],
    ["0.5", "500m"],
    ["1000m", "1"],
    ["2000m", "2"],
    ["100m", "100m"],
    ["1.0", "1"],
    ["1e3", "1e3"],
    ["10G", "10G"],
    ["0.1m", "100u"],
    [5, "5"],
    ["0", "0"],
  ];
  for (const [input, want] of cases) {
    test(`${JSON.stringify(input)} → ${want}`, () => assert.equal(quantityString(input), want));
  }

  test("absent is the zero Quantity, a nil pointer prints <nil>", () => {
    assert.equal(quantityString(undefined), "0");
    assert.equal(quantityString(undefined, "<nil>"), "<nil>");
  });
});

describe("label formatting", () => {
  test("FormatLabels sorts pairs and uses <none> for an empty map", () => {
    assert.equal(formatLabels({ tier: "web", app: "nginx" }), "app=nginx,tier=web");
    assert.equal(formatLabels({}), "<none>");
  });

  test("selectors sort requirements by key and set values, as labels.Selector.String does", () => {
    const selector = {
      matchLabels: { tier: "web" },
      matchExpressions: [
        { key: "env", operator: "In", values: ["prod", "dev"] },
        { key: "zone", operator: "NotIn", values: ["b"] },
        { key: "canary", operator: "DoesNotExist" },
        { key: "app", operator: "Exists" },
      ],
    };
    assert.equal(formatLabelSelector(selector), "app,!canary,env in (dev,prod),tier=web,zone notin (b)");
  });

  test("nil and empty selectors print <none>; invalid ones <error>", () => {
    assert.equal(formatLabelSelector(undefined), "<none>");
    assert.equal(formatLabelSelector({}), "<none>");
    assert.equal(labelSelectorString(undefined), "");
    assert.equal(
      formatLabelSelector({ matchExpressions: [{ key: "a", operator: "In", values: [] }] }),
      "<error>",
    );
    assert.equal(
      formatLabelSelector({ matchExpressions: [{ key: "a", operator: "Gt", values: ["1"] }] }),
      "<error>",
    );
  });
});
