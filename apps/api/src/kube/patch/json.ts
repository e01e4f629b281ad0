/** A Kubernetes object or any JSON object inside one, as parsed from a request body. */
export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A deep copy of a JSON value; patches never mutate their inputs. */
export { cloneJson as deepClone } from "../object/equality.ts";

/**
 * Structural equality of two JSON values, ignoring the order of object keys (array order counts).
 * The lead uses it to answer a write that changes nothing with the stored object, unchanged.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}

/** JSON text with object keys sorted, as Go's encoding/json writes a map. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => stableStringify(item)).join(",")}]`;
  if (isObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => value[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${stableStringify(value[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Removes null-valued keys recursively (also inside objects held in arrays), like a merge patch adding a new value. */
export function pruneNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => pruneNulls(item));
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== null) out[key] = pruneNulls(item);
    }
    return out;
  }
  return value;
}
