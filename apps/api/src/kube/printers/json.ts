/**
 * Read-only accessors over Kubernetes objects as plain JSON. Upstream printers work on Go structs, where
 * an absent field is its zero value; these accessors give the same zero values ("" / 0 / false / empty),
 * so a printer reads like its upstream counterpart without null checks on every line.
 */

/** A Kubernetes object (or any nested JSON object) as returned by the API. */
export type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value at `path`, or undefined when any step is missing or not an object. */
export function valueAt(root: unknown, ...path: string[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** The object at `path`; an empty object when absent (a Go zero-value struct). */
export function objectAt(root: unknown, ...path: string[]): JsonObject {
  const value = valueAt(root, ...path);
  return isObject(value) ? value : {};
}

/** The object at `path`, or undefined when absent (a nil Go pointer). */
export function optionalObjectAt(root: unknown, ...path: string[]): JsonObject | undefined {
  const value = valueAt(root, ...path);
  return isObject(value) ? value : undefined;
}

/** The array at `path`; empty when absent. */
export function arrayAt(root: unknown, ...path: string[]): unknown[] {
  const value = valueAt(root, ...path);
  return Array.isArray(value) ? value : [];
}

/** The objects of the array at `path` (non-object entries skipped). */
export function objectsAt(root: unknown, ...path: string[]): JsonObject[] {
  return arrayAt(root, ...path).filter(isObject);
}

/** The string at `path`; "" when absent. */
export function stringAt(root: unknown, ...path: string[]): string {
  const value = valueAt(root, ...path);
  return typeof value === "string" ? value : "";
}

/** The string at `path`, or undefined when absent (a nil *string). */
export function optionalStringAt(root: unknown, ...path: string[]): string | undefined {
  const value = valueAt(root, ...path);
  return typeof value === "string" ? value : undefined;
}

/** The number at `path`; 0 when absent. */
export function numberAt(root: unknown, ...path: string[]): number {
  return optionalNumberAt(root, ...path) ?? 0;
}

/** The number at `path`, or undefined when absent (a nil *int32). */
export function optionalNumberAt(root: unknown, ...path: string[]): number | undefined {
  const value = valueAt(root, ...path);
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** The boolean at `path`; false when absent. */
export function boolAt(root: unknown, ...path: string[]): boolean {
  return valueAt(root, ...path) === true;
}

/** The boolean at `path`, or undefined when absent (a nil *bool). */
export function optionalBoolAt(root: unknown, ...path: string[]): boolean | undefined {
  const value = valueAt(root, ...path);
  return typeof value === "boolean" ? value : undefined;
}

/** The string map at `path` (labels, annotations, selectors); non-string values skipped. */
export function stringMapAt(root: unknown, ...path: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(objectAt(root, ...path))) {
    if (typeof value === "string") out[key] = value;
  }
  return out;
}

/** How many keys the map at `path` has (`len(obj.Data)` upstream). */
export function mapSizeAt(root: unknown, ...path: string[]): number {
  return Object.keys(objectAt(root, ...path)).length;
}
