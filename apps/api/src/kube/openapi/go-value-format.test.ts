import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { goFloat, goJsonMarshal, goSprintSharpV, goSprintV } from "./go-value-format.ts";

describe("Go formatting of decoded JSON", () => {
  test("%v prints maps with sorted keys and lists space-separated", () => {
    assert.equal(
      goSprintV({ spec: { replicas: "3" }, data: { b: 1, a: [true, null] } }),
      "map[data:map[a:[true <nil>] b:1] spec:map[replicas:3]]",
    );
  });

  test("%#v prints the types of interface values", () => {
    assert.equal(goSprintSharpV(1), "1");
    assert.equal(goSprintSharpV("x"), '"x"');
    assert.equal(
      goSprintSharpV({ b: [1, "x"], a: 1.5 }),
      'map[string]interface {}{"a":1.5, "b":[]interface {}{1, "x"}}',
    );
  });

  test("floats use %g with the shortest precision", () => {
    assert.equal(goFloat(1.5), "1.5");
    assert.equal(goFloat(0.00001), "1e-05");
    assert.equal(goFloat(1234567.5), "1.2345675e+06");
  });

  test("json.Marshal sorts keys and escapes HTML characters", () => {
    assert.equal(
      goJsonMarshal({ b: "<a&b>", a: [1, { d: null, c: 2 }] }),
      '{"a":[1,{"c":2,"d":null}],"b":"\\u003ca\\u0026b\\u003e"}',
    );
  });
});
