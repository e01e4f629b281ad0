import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  fieldSelectorRequiresName,
  fieldSelectorToString,
  isEverythingFields,
  matchesFields,
  parseFieldSelector,
} from "./field-selector.ts";
import { SelectorError } from "./selector-error.ts";

// Parsing follows apimachinery pkg/fields/selector.go at release-1.32; which labels each resource
// accepts and how objects answer are covered in field-labels.test.ts.

function fieldError(s: string, group = "", resource = "pods"): SelectorError {
  try {
    parseFieldSelector(s, group, resource);
  } catch (e) {
    assert.ok(e instanceof SelectorError, `expected SelectorError for ${JSON.stringify(s)}`);
    assert.equal(e.status, 400);
    assert.equal(e.reason, "BadRequest");
    return e;
  }
  assert.fail(`expected ${JSON.stringify(s)} to be rejected`);
}

const terms = (s: string, resource = "pods") =>
  parseFieldSelector(s, "", resource).requirements.map((r) => [r.field, r.operator, r.value]);

describe("parseFieldSelector: operators and terms", () => {
  test("=, == and != ; == is kept as =", () => {
    assert.deepEqual(terms("metadata.name=a"), [["metadata.name", "=", "a"]]);
    assert.deepEqual(terms("metadata.name==a"), [["metadata.name", "=", "a"]]);
    assert.deepEqual(terms("metadata.name!=a"), [["metadata.name", "!=", "a"]]);
  });

  test("comma is AND; terms are sorted as upstream sorts them before parsing", () => {
    assert.deepEqual(terms("status.phase!=Succeeded,spec.nodeName=n1,status.phase!=Failed"), [
      ["spec.nodeName", "=", "n1"],
      ["status.phase", "!=", "Failed"],
      ["status.phase", "!=", "Succeeded"],
    ]);
  });

  test("empty values and empty terms", () => {
    assert.deepEqual(terms("spec.nodeName="), [["spec.nodeName", "=", ""]]);
    assert.deepEqual(terms("spec.nodeName=a,,"), [["spec.nodeName", "=", "a"]]);
    assert.ok(isEverythingFields(parseFieldSelector("", "", "pods")));
    assert.ok(isEverythingFields(parseFieldSelector(",", "", "pods")));
  });

  test("the first operator in a term splits it, so the value may hold '!'", () => {
    assert.deepEqual(terms("metadata.name=a!b"), [["metadata.name", "=", "a!b"]]);
  });

  test("spaces are not trimmed: they become part of the field name", () => {
    assert.equal(
      fieldError("metadata.name = x", "", "configmaps").message,
      '"metadata.name " is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });
});

describe("parseFieldSelector: escaping", () => {
  test("\\, \\= and \\\\ unescape in values", () => {
    assert.deepEqual(terms("metadata.name=a\\,b"), [["metadata.name", "=", "a,b"]]);
    assert.deepEqual(terms("metadata.name=a\\=b"), [["metadata.name", "=", "a=b"]]);
    assert.deepEqual(terms("metadata.name=a\\\\b"), [["metadata.name", "=", "a\\b"]]);
    assert.deepEqual(terms("metadata.name=a\\,b,metadata.namespace=ns"), [
      ["metadata.name", "=", "a,b"],
      ["metadata.namespace", "=", "ns"],
    ]);
  });

  test("String() escapes again and shows == as =", () => {
    const sel = parseFieldSelector("metadata.name==a\\,b\\=c\\\\d,spec.nodeName!=n", "", "pods");
    assert.equal(fieldSelectorToString(sel), "metadata.name=a\\,b\\=c\\\\d,spec.nodeName!=n");
  });

  test("unknown escape, trailing backslash, unescaped '='", () => {
    assert.equal(
      fieldError("metadata.name=a\\b").message,
      "invalid field selector: invalid escape sequence: \\b",
    );
    assert.equal(
      fieldError("metadata.name=a\\").message,
      "invalid field selector: invalid escape sequence: \\",
    );
    // Upstream prints the rune with %v: its code point.
    assert.equal(
      fieldError("metadata.name=a=b").message,
      "invalid field selector: unescaped character in value: 61",
    );
    assert.equal(
      fieldError("metadata.name!==b").message,
      "invalid field selector: unescaped character in value: 61",
    );
    assert.equal(fieldError("metadata.name=a=b").kind, "field-syntax");
  });
});

describe("parseFieldSelector: errors", () => {
  test("a term without operator names the whole selector", () => {
    assert.equal(fieldError("foo").message, "invalid selector: 'foo'; can't understand 'foo'");
    assert.equal(
      fieldError("metadata.name=x,foo").message,
      "invalid selector: 'metadata.name=x,foo'; can't understand 'foo'",
    );
  });

  test("syntax errors win over unsupported fields (all terms parse before conversion)", () => {
    assert.equal(fieldError("a=1,zzz").message, "invalid selector: 'a=1,zzz'; can't understand 'zzz'");
  });

  test("the first unsupported field in sorted order is reported", () => {
    const err = fieldError("status.foo=1,spec.bar=2");
    assert.equal(err.message, "field label not supported: spec.bar");
    assert.equal(err.kind, "field-unsupported");
  });
});

describe("matchesFields", () => {
  const pod = (nodeName: string | undefined, phase: string) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web-1", namespace: "default" },
    spec: nodeName === undefined ? {} : { nodeName },
    status: { phase },
  });

  test("the selector `kubectl describe node` sends", () => {
    const sel = parseFieldSelector(
      "spec.nodeName=node-1,status.phase!=Succeeded,status.phase!=Failed",
      "",
      "pods",
    );
    assert.ok(matchesFields(sel, pod("node-1", "Running")));
    assert.ok(matchesFields(sel, pod("node-1", "Pending")));
    assert.ok(!matchesFields(sel, pod("node-1", "Succeeded")));
    assert.ok(!matchesFields(sel, pod("node-1", "Failed")));
    assert.ok(!matchesFields(sel, pod("node-2", "Running")));
    assert.ok(!matchesFields(sel, pod(undefined, "Pending")));
  });

  test("unset fields compare as the empty string", () => {
    assert.ok(matchesFields(parseFieldSelector("spec.nodeName=", "", "pods"), pod(undefined, "Pending")));
    assert.ok(
      matchesFields(parseFieldSelector("spec.nodeName!=node-1", "", "pods"), pod(undefined, "Pending")),
    );
  });

  test("metadata fields for any resource", () => {
    const cm = { metadata: { name: "cfg", namespace: "team-a" } };
    assert.ok(
      matchesFields(parseFieldSelector("metadata.name=cfg,metadata.namespace=team-a", "", "configmaps"), cm),
    );
    assert.ok(!matchesFields(parseFieldSelector("metadata.namespace!=team-a", "", "configmaps"), cm));
    assert.ok(matchesFields(parseFieldSelector("", "", "configmaps"), cm));
  });
});

describe("fieldSelectorRequiresName", () => {
  test("the value of metadata.name= or metadata.name==", () => {
    assert.equal(
      fieldSelectorRequiresName(parseFieldSelector("metadata.name=web", "apps", "deployments")),
      "web",
    );
    assert.equal(fieldSelectorRequiresName(parseFieldSelector("metadata.name==web", "", "pods")), "web");
    assert.equal(
      fieldSelectorRequiresName(parseFieldSelector("metadata.namespace=ns,metadata.name=web", "", "pods")),
      "web",
    );
    assert.equal(fieldSelectorRequiresName(parseFieldSelector("metadata.name=", "", "pods")), "");
  });

  test("nothing pinned by != or other fields", () => {
    assert.equal(fieldSelectorRequiresName(parseFieldSelector("metadata.name!=web", "", "pods")), undefined);
    assert.equal(fieldSelectorRequiresName(parseFieldSelector("spec.nodeName=web", "", "pods")), undefined);
    assert.equal(fieldSelectorRequiresName(parseFieldSelector("", "", "pods")), undefined);
  });
});
