import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  isEverythingLabels,
  labelSelectorToString,
  matchesLabels,
  NOTHING_LABELS,
} from "./label-selector.ts";
import {
  formatLabelSelector,
  type LabelSelectorObject,
  selectorFromLabelSelector,
  selectorFromSet,
  validateLabelSelector,
} from "./label-selector-object.ts";
import { SelectorError } from "./selector-error.ts";

// Expected values follow apimachinery pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector,
// FormatLabelSelector) and pkg/apis/meta/v1/validation/validation.go at release-1.32.

const NAME_PART_RULE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

function conversionError(ls: LabelSelectorObject): string {
  try {
    selectorFromLabelSelector(ls);
  } catch (e) {
    assert.ok(e instanceof SelectorError);
    assert.equal(e.kind, "label-selector-object");
    return e.message;
  }
  assert.fail("expected the selector to be refused");
}

describe("selectorFromLabelSelector", () => {
  test("nil selects nothing, empty selects everything", () => {
    assert.equal(selectorFromLabelSelector(null), NOTHING_LABELS);
    assert.equal(selectorFromLabelSelector(undefined), NOTHING_LABELS);
    assert.ok(!matchesLabels(selectorFromLabelSelector(null), { app: "web" }));
    assert.ok(isEverythingLabels(selectorFromLabelSelector({})));
    assert.ok(isEverythingLabels(selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] })));
    assert.ok(matchesLabels(selectorFromLabelSelector({}), { app: "web" }));
  });

  test("matchLabels and every expression operator", () => {
    const sel = selectorFromLabelSelector({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["front", "edge"] },
        { key: "env", operator: "NotIn", values: ["dev"] },
        { key: "team", operator: "Exists" },
        { key: "legacy", operator: "DoesNotExist", values: [] },
      ],
    });
    assert.equal(labelSelectorToString(sel), "app=web,env notin (dev),!legacy,team,tier in (edge,front)");
    assert.ok(matchesLabels(sel, { app: "web", tier: "edge", team: "a" }));
    assert.ok(!matchesLabels(sel, { app: "web", tier: "edge", team: "a", env: "dev" }));
    assert.ok(!matchesLabels(sel, { app: "web", tier: "edge", team: "a", legacy: "1" }));
    assert.ok(!matchesLabels(sel, { app: "web", tier: "back", team: "a" }));
    assert.ok(!matchesLabels(sel, { app: "web", tier: "edge" }));
  });

  test("values keep duplicates, as NewRequirement does not deduplicate", () => {
    const sel = selectorFromLabelSelector({
      matchExpressions: [{ key: "k", operator: "In", values: ["b", "a", "b"] }],
    });
    assert.equal(labelSelectorToString(sel), "k in (a,b,b)");
  });

  test("unknown operator", () => {
    assert.equal(
      conversionError({ matchExpressions: [{ key: "k", operator: "Equals", values: ["a"] }] }),
      '"Equals" is not a valid label selector operator',
    );
  });

  test("value count errors print the values as Go's %#v", () => {
    assert.equal(
      conversionError({ matchExpressions: [{ key: "k", operator: "In", values: [] }] }),
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    );
    assert.equal(
      conversionError({ matchExpressions: [{ key: "k", operator: "Exists", values: ["a", "b"] }] }),
      'values: Invalid value: []string{"a", "b"}: values set must be empty for exists and does not exist',
    );
  });

  test("invalid keys and values", () => {
    assert.equal(
      conversionError({ matchLabels: { "bad key": "x" } }),
      `key: Invalid value: "bad key": ${NAME_PART_RULE}`,
    );
    assert.equal(
      conversionError({ matchLabels: { app: "-web" } }),
      `values[0][app]: Invalid value: "-web": ${LABEL_VALUE_RULE}`,
    );
  });
});

describe("formatLabelSelector (what kubectl prints)", () => {
  test("canonical text", () => {
    assert.equal(
      formatLabelSelector({
        matchLabels: { app: "web" },
        matchExpressions: [{ key: "tier", operator: "In", values: ["b", "a"] }],
      }),
      "app=web,tier in (a,b)",
    );
    assert.equal(formatLabelSelector({ matchLabels: { z: "1", a: "2" } }), "a=2,z=1");
  });
  test("<none> for nil and empty, <error> when unconvertible", () => {
    assert.equal(formatLabelSelector(null), "<none>");
    assert.equal(formatLabelSelector({}), "<none>");
    assert.equal(formatLabelSelector({ matchExpressions: [{ key: "k", operator: "Bogus" }] }), "<error>");
  });
});

describe("selectorFromSet", () => {
  test("sorted equality requirements; empty is Everything", () => {
    assert.equal(labelSelectorToString(selectorFromSet({ app: "foo", a: "b" })), "a=b,app=foo");
    assert.ok(isEverythingLabels(selectorFromSet({})));
    assert.ok(isEverythingLabels(selectorFromSet(undefined)));
    assert.ok(matchesLabels(selectorFromSet({ app: "foo" }), { app: "foo", x: "y" }));
    assert.ok(!matchesLabels(selectorFromSet({ app: "foo" }), { app: "bar" }));
  });
});

describe("validateLabelSelector", () => {
  test("a valid selector has no errors; nil is valid", () => {
    assert.deepEqual(validateLabelSelector({ matchLabels: { app: "web" } }, "spec.selector"), []);
    assert.deepEqual(validateLabelSelector(null, "spec.selector"), []);
  });

  test("value count per operator, unknown operator, bad key and value", () => {
    const errs = validateLabelSelector(
      {
        matchLabels: { "a b": "ok", good: "-bad" },
        matchExpressions: [
          { key: "k", operator: "In" },
          { key: "k", operator: "Exists", values: ["x"] },
          { key: "k", operator: "Gt", values: ["1"] },
          { key: "k", operator: "NotIn", values: ["-x"] },
        ],
      },
      "spec.selector",
    );
    assert.deepEqual(errs, [
      {
        type: "FieldValueInvalid",
        field: "spec.selector.matchLabels",
        message: `Invalid value: "a b": ${NAME_PART_RULE}`,
      },
      {
        type: "FieldValueInvalid",
        field: "spec.selector.matchLabels",
        message: `Invalid value: "-bad": ${LABEL_VALUE_RULE}`,
      },
      {
        type: "FieldValueRequired",
        field: "spec.selector.matchExpressions[0].values",
        message: "Required value: must be specified when `operator` is 'In' or 'NotIn'",
      },
      {
        type: "FieldValueForbidden",
        field: "spec.selector.matchExpressions[1].values",
        message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      },
      {
        type: "FieldValueInvalid",
        field: "spec.selector.matchExpressions[2].operator",
        message: 'Invalid value: "Gt": not a valid selector operator',
      },
      {
        type: "FieldValueInvalid",
        field: "spec.selector.matchExpressions[3].values[0]",
        message: `Invalid value: "-x": ${LABEL_VALUE_RULE}`,
      },
    ]);
  });
});
