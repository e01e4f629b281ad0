import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { goQuote, goStringSliceLiteral } from "../validation/go-format.ts";
import { dns1123SubdomainErrors, labelKeyErrors, labelValueErrors } from "./label-validation.ts";

// Messages from apimachinery pkg/util/validation/validation.go at release-1.32.

describe("labelKeyErrors (IsQualifiedName)", () => {
  test("valid keys", () => {
    for (const key of ["app", "App_1.x-y", "k8s.io/app", "a.b-c.example.com/Name", "1", "k".repeat(63)]) {
      assert.deepEqual(labelKeyErrors(key), [], key);
    }
  });

  test("name part rules", () => {
    assert.deepEqual(labelKeyErrors("k".repeat(64)), ["name part must be no more than 63 characters"]);
    assert.equal(labelKeyErrors("a_").length, 1);
    assert.match(labelKeyErrors("a_")[0] ?? "", /^name part must consist of alphanumeric characters/);
    assert.equal(labelKeyErrors("").length, 2);
    assert.equal(labelKeyErrors("")[0], "name part must be non-empty");
  });

  test("prefix part rules", () => {
    assert.deepEqual(labelKeyErrors("/x"), ["prefix part must be non-empty"]);
    assert.equal(labelKeyErrors("UPPER.io/x").length, 1);
    assert.match(labelKeyErrors("UPPER.io/x")[0] ?? "", /^prefix part a lowercase RFC 1123 subdomain/);
    const long = `${"a".repeat(250)}.com/x`;
    assert.deepEqual(labelKeyErrors(long), ["prefix part must be no more than 253 characters"]);
  });
});

describe("labelValueErrors (IsValidLabelValue)", () => {
  test("empty and ordinary values are valid", () => {
    for (const v of ["", "a", "1.2.3", "my_value-1", "v".repeat(63)])
      assert.deepEqual(labelValueErrors(v), [], v);
  });
  test("too long and badly formed", () => {
    assert.deepEqual(labelValueErrors("v".repeat(64)), ["must be no more than 63 characters"]);
    assert.equal(labelValueErrors(`-${"v".repeat(63)}`).length, 2);
    assert.equal(labelValueErrors("a b").length, 1);
  });
});

describe("dns1123SubdomainErrors", () => {
  test("lowercase dotted labels only", () => {
    assert.deepEqual(dns1123SubdomainErrors("example.com"), []);
    assert.deepEqual(dns1123SubdomainErrors("Example.com"), [
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
  });
});

describe("Go formatting", () => {
  test("goQuote escapes like %q", () => {
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote("\u0007\t\n\u0001\u007f"), '"\\a\\t\\n\\x01\\x7f"');
    assert.equal(goQuote("héllo✓"), '"héllo✓"');
  });
  test("%#v of a string slice", () => {
    assert.equal(goStringSliceLiteral(null), "[]string(nil)");
    assert.equal(goStringSliceLiteral(["a", "b"]), '[]string{"a", "b"}');
  });
});
