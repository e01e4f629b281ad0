// Path elements of sigs.k8s.io/structured-merge-diff (fieldpath/element.go, serialize-pe.go): how a
// field, a keyed list item, a set item or an index is named in FieldsV1 ("f:", "k:", "v:", "i:") and in
// conflict messages (".spec.replicas", `[name="web"]`).
import { isObject } from "./json.ts";

/** One step from an object to a child value. */
export type PathElement =
  | { readonly kind: "field"; readonly name: string }
  /** A keyed list item; `fields` are sorted by name, as SMD sorts them. */
  | { readonly kind: "key"; readonly fields: readonly (readonly [string, unknown])[] }
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "index"; readonly index: number };

export type FieldPath = readonly PathElement[];

export const fieldElement = (name: string): PathElement => ({ kind: "field", name });

/** The FieldsV1 spelling of a field element: `f:replicas`. */
export const fieldKey = (name: string): string => `f:${name}`;

/** A key element from name/value pairs (sorted here). */
export function keyElement(fields: readonly (readonly [string, unknown])[]): PathElement {
  return { kind: "key", fields: [...fields].sort(([a], [b]) => compareStrings(a, b)) };
}

/** The FieldsV1 spelling: `f:replicas`, `k:{"name":"web"}`, `v:"foo"`, `i:0`. */
export function serializeElement(pe: PathElement): string {
  switch (pe.kind) {
    case "field":
      return fieldKey(pe.name);
    case "key":
      return keyText(pe.fields);
    case "value":
      return `v:${JSON.stringify(pe.value)}`;
    case "index":
      return `i:${pe.index}`;
  }
}

/** `k:{"containerPort":80,"protocol":"TCP"}`, in one pass: every list item of every write has one. */
function keyText(fields: readonly (readonly [string, unknown])[]): string {
  let text = "k:{";
  fields.forEach(([name, value], i) => {
    text += `${i === 0 ? "" : ","}${JSON.stringify(name)}:${JSON.stringify(value)}`;
  });
  return `${text}}`;
}

/**
 * A path as the schema walks build it, one link per level: going a level deeper costs one small object
 * instead of a copy of the path, and the element's FieldsV1 key is serialized once, where the walk
 * makes the step. `undefined` stands for the root (the empty path).
 */
export interface PathStep {
  readonly parent: PathStep | undefined;
  readonly pe: PathElement;
  /** serializeElement(pe) */
  readonly key: string;
}

/** The step from `parent` to `pe`. */
export function stepTo(parent: PathStep | undefined, pe: PathElement): PathStep {
  return { parent, pe, key: serializeElement(pe) };
}

/** The step from `parent` to its field `name`. */
export function fieldStep(parent: PathStep | undefined, name: string): PathStep {
  return { parent, pe: fieldElement(name), key: fieldKey(name) };
}

/** The path a step leads to, as an array: for messages, the walks themselves never need it. */
export function pathOf(step: PathStep | undefined): FieldPath {
  const path: PathElement[] = [];
  for (let at = step; at; at = at.parent) path.push(at.pe);
  return path.reverse();
}

/** Parses one FieldsV1 key; throws on anything else. */
export function parseElement(text: string): PathElement {
  if (text.length < 2 || text[1] !== ":") throw new Error(`missing colon: ${text}`);
  const body = text.slice(2);
  switch (text[0]) {
    case "f":
      return fieldElement(body);
    case "k": {
      const parsed: unknown = JSON.parse(body);
      if (!isObject(parsed)) throw new Error(`invalid key element: ${text}`);
      return keyElement(Object.entries(parsed));
    }
    case "v":
      return { kind: "value", value: JSON.parse(body) };
    case "i": {
      const index = Number(body);
      if (!Number.isInteger(index)) throw new Error(`invalid index element: ${text}`);
      return { kind: "index", index };
    }
    default:
      throw new Error("unknown path element type");
  }
}

/** The human form used in conflict messages: `.spec.template.spec.containers[name="web"].image`. */
export function pathToString(path: FieldPath): string {
  return path.map(elementToString).join("");
}

function elementToString(pe: PathElement): string {
  switch (pe.kind) {
    case "field":
      return `.${pe.name}`;
    case "key":
      return `[${pe.fields.map(([name, value]) => `${name}=${valueToString(value)}`).join(",")}]`;
    case "value":
      return `[=${valueToString(pe.value)}]`;
    case "index":
      return `[${pe.index}]`;
  }
}

/** value.ToString: strings quoted, numbers and booleans bare. */
function valueToString(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(valueToString).join(",")}]`;
  if (isObject(value))
    return Object.entries(value)
      .map(([k, v]) => `${k}=${valueToString(v)}`)
      .join("");
  return String(value);
}

const kindRank = { field: 0, key: 1, value: 2, index: 3 } as const;

/** The order FieldsV1 is written in (PathElement.Compare): fields, then keys, then values, then indices. */
export function compareElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return kindRank[a.kind] - kindRank[b.kind];
  switch (a.kind) {
    case "field":
      return compareStrings(a.name, (b as typeof a).name);
    case "key":
      return compareKeyFields(a.fields, (b as typeof a).fields);
    case "value":
      return compareValues(a.value, (b as typeof a).value);
    case "index":
      return a.index - (b as typeof a).index;
  }
}

function compareKeyFields(
  a: readonly (readonly [string, unknown])[],
  b: readonly (readonly [string, unknown])[],
): number {
  for (let i = 0; ; i++) {
    const left = a[i];
    const right = b[i];
    if (!left && !right) return 0;
    if (!left) return -1;
    if (!right) return 1;
    const byName = compareStrings(left[0], right[0]);
    if (byName !== 0) return byName;
    const byValue = compareValues(left[1], right[1]);
    if (byValue !== 0) return byValue;
  }
}

/** The place of a value's type in value.Compare's order. */
function valueRank(v: unknown): number {
  return typeof v === "number"
    ? 0
    : typeof v === "string"
      ? 1
      : typeof v === "boolean"
        ? 2
        : Array.isArray(v)
          ? 3
          : isObject(v)
            ? 4
            : 5;
}

/** value.Compare's total order: numbers, strings, booleans, lists, maps, then null. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return compareStrings(a, b);
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return compareStrings(JSON.stringify(a) ?? "", JSON.stringify(b) ?? "");
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
