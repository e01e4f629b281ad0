import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { goTimeParseError, RFC3339, RFC3339_MICRO } from "./go-time.ts";

// Expected texts: Go time.ParseError.Error() (time/format.go).
describe("goTimeParseError", () => {
  test("RFC 3339 times parse, with or without a fraction and with an offset", () => {
    for (const value of ["2025-04-22T16:02:27Z", "2025-04-22T16:02:27.5Z", "2025-04-22T16:02:27+02:00"]) {
      assert.equal(goTimeParseError(RFC3339, value), undefined, value);
    }
    assert.equal(goTimeParseError(RFC3339_MICRO, "2025-04-22T16:02:27.123456Z"), undefined);
  });

  test("the element that failed and what was left of the value", () => {
    assert.equal(
      goTimeParseError(RFC3339, "yesterday"),
      'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
    );
    assert.equal(
      goTimeParseError(RFC3339, "2025-04-22 16:02:27"),
      'parsing time "2025-04-22 16:02:27" as "2006-01-02T15:04:05Z07:00": cannot parse " 16:02:27" as "T"',
    );
    assert.equal(
      goTimeParseError(RFC3339, "2025-04-22T16:02:27"),
      'parsing time "2025-04-22T16:02:27" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"',
    );
    assert.equal(
      goTimeParseError(RFC3339_MICRO, "2025-04-22T16:02:27Z"),
      'parsing time "2025-04-22T16:02:27Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"',
    );
  });

  test("out-of-range fields and extra text", () => {
    assert.equal(
      goTimeParseError(RFC3339, "2025-13-01T00:00:00Z"),
      'parsing time "2025-13-01T00:00:00Z": month out of range',
    );
    assert.equal(
      goTimeParseError(RFC3339, "2025-02-30T00:00:00Z"),
      'parsing time "2025-02-30T00:00:00Z": day out of range',
    );
    assert.equal(
      goTimeParseError(RFC3339, "2025-02-03T00:00:00Zabc"),
      'parsing time "2025-02-03T00:00:00Zabc": extra text: "abc"',
    );
  });
});
