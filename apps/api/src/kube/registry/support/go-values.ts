import { compareGoStrings, goQuote, goStringSliceLiteral } from "../../validation/go-format.ts";
import { isJsonObject, type JsonObject } from "./json.ts";

/*
 * field.Invalid prints a bad value that is neither a string, a number nor a Stringer with Go's %#v, and
 * kubectl shows that text verbatim: `map[string]string{"app":"x"}`,
 * `v1.LabelSelector{MatchLabels:…, MatchExpressions:…}`. These functions render the values that
 * appear in the messages of the kinds in this module.
 */

/** %#v of a map[string]string: keys in Go's sorted order, `(nil)` for an absent map. */
export function goStringMap(m: Record<string, unknown> | null | undefined): string {
  if (m === null || m === undefined) return "map[string]string(nil)";
  const entries = Object.entries(m)
    .filter((e): e is [string, string] => typeof e[1] === "string")
    .sort(([a], [b]) => compareGoStrings(a, b));
  return `map[string]string{${entries.map(([k, v]) => `${goQuote(k)}:${goQuote(v)}`).join(", ")}}`;
}

function stringList(v: unknown): string[] | null {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : null;
}

/** %#v of a metav1.LabelSelector value (pointers are dereferenced by field.Error first). */
export function goLabelSelector(sel: JsonObject | null | undefined): string {
  if (sel === null || sel === undefined) return "null";
  const labels = isJsonObject(sel.matchLabels) ? goStringMap(sel.matchLabels) : "map[string]string(nil)";
  let expressions = "[]v1.LabelSelectorRequirement(nil)";
  if (Array.isArray(sel.matchExpressions)) {
    const items = sel.matchExpressions.filter(isJsonObject).map((e) => {
      const key = typeof e.key === "string" ? e.key : "";
      const op = typeof e.operator === "string" ? e.operator : "";
      return `v1.LabelSelectorRequirement{Key:${goQuote(key)}, Operator:${goQuote(op)}, Values:${goStringSliceLiteral(stringList(e.values))}}`;
    });
    expressions = `[]v1.LabelSelectorRequirement{${items.join(", ")}}`;
  }
  return `v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${expressions}}`;
}

/** %#v of an intstr.IntOrString value: Type 0 for ints, 1 for strings. */
export function goIntOrString(v: unknown): string {
  if (typeof v === "string") return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`;
  const n = typeof v === "number" ? v : 0;
  return `intstr.IntOrString{Type:0, IntVal:${n}, StrVal:""}`;
}

/** %#v of a named string slice such as []networking.PolicyType. */
export function goTypedStringSlice(typeName: string, values: readonly unknown[] | null | undefined): string {
  if (values === null || values === undefined) return `[]${typeName}(nil)`;
  return `[]${typeName}{${values.map((v) => goQuote(typeof v === "string" ? v : String(v))).join(", ")}}`;
}

/** %#v of a []int32. */
export function goInt32Slice(values: readonly unknown[] | null | undefined): string {
  if (values === null || values === undefined) return "[]int32(nil)";
  return `[]int32{${values.map((v) => String(v)).join(", ")}}`;
}

/** %#v of a struct of string fields, e.g. rbac.RoleRef{APIGroup:"…", Kind:"…", Name:"…"}. */
export function goStringStruct(
  typeName: string,
  fields: readonly [goName: string, value: unknown][],
): string {
  const parts = fields.map(([name, value]) => `${name}:${goQuote(typeof value === "string" ? value : "")}`);
  return `${typeName}{${parts.join(", ")}}`;
}

/**
 * An approximation of %#v for a large internal struct (core.PodTemplateSpec and the like), whose exact
 * rendering includes pointer addresses no client can rely on: the type name followed by the JSON.
 */
export function goStructApproximation(typeName: string, value: unknown): string {
  return `${typeName}${JSON.stringify(value ?? {})}`;
}

/**
 * encoding/json.Marshal: JSON.stringify plus Go's HTML-safe escaping of <, > and & and of the
 * JavaScript line separators, which Go applies by default.
 */
export function goJsonMarshal(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
