import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  addQuantities,
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  milliValue,
  parseQuantity,
  roundUpQuantity,
} from "./quantity.ts";

const q = (text: string) => {
  const parsed = parseQuantity(text);
  assert.ok(parsed, text);
  return parsed;
};

describe("quantity", () => {
  test("canonical forms match Quantity.String() (apimachinery quantity_test.go)", () => {
    const cases: [unknown, string][] = [
      ["0.5", "500m"],
      ["1000m", "1"],
      ["1.5Gi", "1536Mi"],
      ["1024Mi", "1Gi"],
      ["128Mi", "128Mi"],
      ["1e3", "1e3"],
      ["100M", "100M"],
      [2, "2"],
      ["0.1Ki", "102400m"],
    ];
    for (const [input, expected] of cases) assert.equal(canonicalQuantity(input), expected, String(input));
  });

  test("unparsable input is refused", () => {
    for (const bad of ["1.5x", "abc", "", "--1", "1Gib"]) assert.equal(parseQuantity(bad), undefined, bad);
  });

  test("comparison and sums across suffixes", () => {
    assert.equal(compareQuantities(q("1Gi"), q("1024Mi")), 0);
    assert.equal(compareQuantities(q("500m"), q("0.6")), -1);
    assert.equal(compareQuantities(q("1G"), q("1Gi")), -1);
    assert.equal(formatQuantity(addQuantities(q("250m"), q("0.75"))), "1");
  });

  test("defaulting rounds up to millis; milli values round up too", () => {
    assert.equal(formatQuantity(roundUpQuantity(q("0.0001"), -3)), "1m");
    assert.equal(formatQuantity(roundUpQuantity(q("1.2345"), -3)), "1235m");
    assert.equal(milliValue(q("1.5")), 1500n);
    assert.equal(milliValue(q("1n")), 1n);
  });
});
