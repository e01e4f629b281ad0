/**
 * Small readers over Kubernetes objects as plain JSON. Strategies see what clients sent, so every
 * accessor tolerates a missing or mistyped value and answers with Go's zero value instead.
 */
import { isJsonObject, type JsonObject } from "../../object/types.ts";

export type { JsonObject };
export { isJsonObject };

/** The value as an object, or undefined. */
export function asObject(value: unknown): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

/** The value as an array (empty when absent). */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The object entries of an array, with their original indexes (non-objects are skipped). */
export function objectsOf(value: unknown): [JsonObject, number][] {
  const out: [JsonObject, number][] = [];
  asArray(value).forEach((v, i) => {
    if (isJsonObject(v)) out.push([v, i]);
  });
  return out;
}

/** The value as a string ("" when absent, as Go's zero value). */
export function asString(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** The value as a number, or undefined. */
export function asNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** `parent[key]` as an object, created empty when absent (a defaulted non-nil struct or pointer). */
export function ensureObject(parent: JsonObject, key: string): JsonObject {
  const current = parent[key];
  if (isJsonObject(current)) return current;
  const created: JsonObject = {};
  parent[key] = created;
  return created;
}

/** Sets `obj[key]` when it is absent or null, as defaulting a nil pointer or empty string does. */
export function setDefault(obj: JsonObject, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null || obj[key] === "") obj[key] = value;
}
