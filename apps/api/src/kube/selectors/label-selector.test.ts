import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  isEverythingLabels,
  labelSelectorRequiresExactMatch,
  labelSelectorToString,
  matchesLabels,
  NOTHING_LABELS,
  parseLabelSelector,
} from "./label-selector.ts";
import { SelectorError } from "./selector-error.ts";

// Expected values follow apimachinery pkg/labels/selector.go and selector_test.go at release-1.32.

const NAME_PART_RULE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

function parseError(s: string): SelectorError {
  try {
    parseLabelSelector(s);
  } catch (e) {
    assert.ok(e instanceof SelectorError, `expected SelectorError for ${JSON.stringify(s)}`);
    return e;
  }
  assert.fail(`expected ${JSON.stringify(s)} to be rejected`);
}

function matches(s: string, labels: Record<string, string>): boolean {
  return matchesLabels(parseLabelSelector(s), labels);
}

describe("parseLabelSelector: accepted forms and canonical text", () => {
  // TestSelectorParse: String() equals the input without spaces.
  for (const s of ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5"]) {
    test(JSON.stringify(s), () => {
      assert.equal(labelSelectorToString(parseLabelSelector(s)), s.replaceAll(" ", ""));
    });
  }

  test("every operator parses to upstream's operator names", () => {
    const sel = parseLabelSelector("a=1,b==2,c!=3,d in (x,y),e notin (z),f,!g,h>4,i<5");
    assert.deepEqual(
      sel.requirements.map((r) => [r.key, r.operator, r.values]),
      [
        ["a", "=", ["1"]],
        ["b", "==", ["2"]],
        ["c", "!=", ["3"]],
        ["d", "in", ["x", "y"]],
        ["e", "notin", ["z"]],
        ["f", "exists", []],
        ["g", "!", []],
        ["h", "gt", ["4"]],
        ["i", "lt", ["5"]],
      ],
    );
  });

  test("requirements are sorted by key and set values sorted and deduplicated", () => {
    const sel = parseLabelSelector("x notin (abc,,def),bar,z in (),w");
    assert.equal(labelSelectorToString(sel), "bar,w,x notin (,abc,def),z in ()");
    assert.equal(labelSelectorToString(parseLabelSelector("k in (b,a,b)")), "k in (a,b)");
  });

  test("whitespace of every kind separates tokens", () => {
    assert.equal(labelSelectorToString(parseLabelSelector("\rx")), "x");
    assert.equal(labelSelectorToString(parseLabelSelector("foo  in\t (abc)")), "foo in (abc)");
    assert.equal(labelSelectorToString(parseLabelSelector("x notin\n (abc)")), "x notin (abc)");
    assert.equal(labelSelectorToString(parseLabelSelector("a ")), "a");
  });

  test("in and notin are plain values inside a set and after =", () => {
    assert.equal(
      labelSelectorToString(parseLabelSelector("a in (x,y,notin, z,in)")),
      "a in (in,notin,x,y,z)",
    );
    assert.equal(labelSelectorToString(parseLabelSelector("notin=in")), "notin=in");
  });

  test("empty entries in a set are the empty value", () => {
    assert.deepEqual(parseLabelSelector("x in (abc,)").requirements[0]?.values, ["", "abc"]);
    assert.deepEqual(parseLabelSelector("x notin ( )").requirements[0]?.values, [""]);
    assert.deepEqual(parseLabelSelector("x notin (, a)").requirements[0]?.values, ["", "a"]);
    assert.deepEqual(parseLabelSelector("x in (a,,b)").requirements[0]?.values, ["", "a", "b"]);
  });

  test("prefixed keys", () => {
    const sel = parseLabelSelector("0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)");
    assert.equal(labelSelectorToString(sel), "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)");
    assert.equal(
      labelSelectorToString(parseLabelSelector("kubernetes.io/cluster-service=true")),
      "kubernetes.io/cluster-service=true",
    );
  });

  test("blank selector is Everything", () => {
    assert.ok(isEverythingLabels(parseLabelSelector("")));
    assert.ok(isEverythingLabels(parseLabelSelector("   ")));
    assert.ok(!isEverythingLabels(NOTHING_LABELS));
  });
});

describe("parseLabelSelector: errors carry upstream's exact message", () => {
  const cases: [string, string][] = [
    ["app in (a", "unable to parse requirement: found '', expected: ',' or ')'"],
    ["x==a==b", "found '==', expected: ',' or 'end of string'"],
    ["!x=a", "found '=', expected: ',' or 'end of string'"],
    [
      "x<a",
      `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`,
    ],
    [
      "x>",
      `unable to parse requirement: values[0]: Invalid value: "": for 'Gt', 'Lt' operators, the value must be an integer`,
    ],
    ["x,,y", "found ',', expected: identifier after ','"],
    [",x,y", "found ',', expected: !, identifier, or 'end of string'"],
    ["x nott in (y)", "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt"],
    ["a in (xyz),", "found '', expected: identifier after ','"],
    ["a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"],
    ["a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'"],
    ["a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ["a in x", "unable to parse requirement: found 'x' expected: '('"],
    ["a (", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    ["a!b", "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
    ["(", "found '(', expected: !, identifier, or 'end of string'"],
    ["a=(b)", "unable to parse requirement: found '(', expected: identifier"],
    ["!", "unable to parse requirement: found '', expected: identifier"],
    // release-1.32 consumes the second comma of ",,", so a trailing ",,)" is refused there.
    ["x in (a,,)", "unable to parse requirement: found ')', expected: ',', or identifier"],
    ["x in (a=b)", "unable to parse requirement: found '=', expected: ',' or ')'"],
  ];
  for (const [input, message] of cases) {
    test(JSON.stringify(input), () => {
      const err = parseError(input);
      assert.equal(err.message, message);
      assert.equal(err.status, 400);
      assert.equal(err.reason, "BadRequest");
      assert.equal(err.kind, "label-syntax");
    });
  }

  test("invalid key: upstream's nil path prints as <nil>", () => {
    assert.equal(
      parseError("-foo").message,
      `unable to parse requirement: <nil>: Invalid value: "-foo": ${NAME_PART_RULE}`,
    );
  });

  test("invalid key prefix", () => {
    assert.equal(
      parseError("Example.com/app=x").message,
      `unable to parse requirement: <nil>: Invalid value: "Example.com/app": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
    assert.equal(
      parseError("/app").message,
      `unable to parse requirement: <nil>: Invalid value: "/app": prefix part must be non-empty`,
    );
  });

  test("empty name part reports both problems joined by '; '", () => {
    assert.equal(
      parseError("example.com/").message,
      `unable to parse requirement: <nil>: Invalid value: "example.com/": name part must be non-empty; ${NAME_PART_RULE}`,
    );
  });

  test("more than one slash", () => {
    assert.equal(
      parseError("a/b/c").message,
      `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    );
  });

  test("key and value lengths: 63 is fine, 64 is not", () => {
    const k63 = "k".repeat(63);
    assert.equal(parseLabelSelector(`${k63}=${"v".repeat(63)}`).requirements.length, 1);
    assert.equal(
      parseError(`${"k".repeat(64)}=v`).message,
      `unable to parse requirement: <nil>: Invalid value: "${"k".repeat(64)}": name part must be no more than 63 characters`,
    );
    assert.equal(
      parseError(`x=${"v".repeat(64)}`).message,
      `unable to parse requirement: values[0][x]: Invalid value: "${"v".repeat(64)}": must be no more than 63 characters`,
    );
  });

  test("invalid value names its key in the path", () => {
    assert.equal(
      parseError("x=a||y=b").message,
      `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${LABEL_VALUE_RULE}`,
    );
  });

  test("several problems in one requirement are aggregated in brackets", () => {
    assert.equal(
      parseError("x>a-").message,
      `unable to parse requirement: [values[0]: Invalid value: "a-": for 'Gt', 'Lt' operators, the value must be an integer, values[0][x]: Invalid value: "a-": ${LABEL_VALUE_RULE}]`,
    );
  });

  test("a value is quoted as Go's %q would", () => {
    assert.equal(
      parseError('x=a"b').message,
      `unable to parse requirement: values[0][x]: Invalid value: "a\\"b": ${LABEL_VALUE_RULE}`,
    );
  });
});

describe("matchesLabels", () => {
  // TestSelectorMatches
  test("matches", () => {
    assert.ok(matches("", { x: "y" }));
    assert.ok(matches("x=y", { x: "y" }));
    assert.ok(matches("x==y", { x: "y" }));
    assert.ok(matches("x=y,z=w", { x: "y", z: "w" }));
    assert.ok(matches("x!=y,z!=w", { x: "z", z: "a" }));
    assert.ok(matches("notin=in", { notin: "in" }));
    assert.ok(matches("x", { x: "z" }));
    assert.ok(matches("!x", { y: "z" }));
    assert.ok(matches("x>1", { x: "2" }));
    assert.ok(matches("x<1", { x: "0" }));
    assert.ok(matches("x in (a,b)", { x: "b" }));
    assert.ok(matches("x notin (a,b)", { x: "c" }));
    assert.ok(matches("x=", { x: "" }));
  });

  test("does not match", () => {
    assert.ok(!matches("x=z", {}));
    assert.ok(!matches("x=y", { x: "z" }));
    assert.ok(!matches("x=y,z=w", { x: "w", z: "w" }));
    assert.ok(!matches("x!=y,z!=w", { x: "z", z: "w" }));
    assert.ok(!matches("x", { y: "z" }));
    assert.ok(!matches("!x", { x: "z" }));
    assert.ok(!matches("x>1", { x: "0" }));
    assert.ok(!matches("x<1", { x: "2" }));
    assert.ok(!matches("x in (a,b)", { x: "c" }));
    assert.ok(!matches("x in (a,b)", {}));
    assert.ok(!matches("x notin (a,b)", { x: "a" }));
    assert.ok(!matches("foo=bar,foobar=bar,baz=blah", { foo: "bar", baz: "blah" }));
  });

  test("!= and notin match objects without the label; gt/lt do not", () => {
    assert.ok(matches("x!=y", {}));
    assert.ok(matches("x notin (y)", {}));
    assert.ok(!matches("x>1", {}));
    assert.ok(!matches("x<1", {}));
  });

  test("gt/lt compare as 64-bit integers and skip labels that are not integers", () => {
    assert.ok(matches("x>9", { x: "10" })); // numeric, not lexical
    assert.ok(!matches("x>1", { x: "abc" }));
    assert.ok(matches("x<9223372036854775807", { x: "9223372036854775806" }));
    assert.ok(!matches("x>1", { x: "9223372036854775808" })); // out of int64 range
  });

  test("absent labels behave as an empty set; Nothing matches nothing", () => {
    assert.ok(matchesLabels(parseLabelSelector("!x"), undefined));
    assert.ok(!matchesLabels(parseLabelSelector("x"), null));
    assert.ok(!matchesLabels(NOTHING_LABELS, {}));
  });
});

describe("labelSelectorRequiresExactMatch", () => {
  test("=, == and single-valued in pin a value", () => {
    assert.equal(labelSelectorRequiresExactMatch(parseLabelSelector("key=value"), "key"), "value");
    assert.equal(labelSelectorRequiresExactMatch(parseLabelSelector("key==value"), "key"), "value");
    assert.equal(
      labelSelectorRequiresExactMatch(parseLabelSelector("key in (value),key2 in (v2)"), "key2"),
      "v2",
    );
  });
  test("!= and multi-valued in do not", () => {
    assert.equal(labelSelectorRequiresExactMatch(parseLabelSelector("key!=value"), "key"), undefined);
    assert.equal(labelSelectorRequiresExactMatch(parseLabelSelector("key in (a,b)"), "key"), undefined);
    assert.equal(labelSelectorRequiresExactMatch(parseLabelSelector("other=x"), "key"), undefined);
  });
});
