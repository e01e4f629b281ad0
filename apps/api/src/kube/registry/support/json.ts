import { isJsonObject, type JsonObject } from "../../object/types.ts";

export type { JsonObject };
export { isJsonObject };

/*
 * Small readers over the plain JSON objects strategies receive. Kubernetes objects arrive from clients,
 * so every read narrows: a wrong type reads as absent and validation reports what is missing.
 */

export function objectAt(obj: JsonObject | undefined, key: string): JsonObject | undefined {
  const v = obj?.[key];
  return isJsonObject(v) ? v : undefined;
}

/** The object under `key`, created (or replacing a non-object) when absent: defaulting's `&T{}`. */
export function ensureObject(obj: JsonObject, key: string): JsonObject {
  const v = obj[key];
  if (isJsonObject(v)) return v;
  const created: JsonObject = {};
  obj[key] = created;
  return created;
}

export function stringAt(obj: JsonObject | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === "string" ? v : undefined;
}

export function numberAt(obj: JsonObject | undefined, key: string): number | undefined {
  const v = obj?.[key];
  return typeof v === "number" ? v : undefined;
}

export function booleanAt(obj: JsonObject | undefined, key: string): boolean | undefined {
  const v = obj?.[key];
  return typeof v === "boolean" ? v : undefined;
}

export function arrayAt(obj: JsonObject | undefined, key: string): unknown[] | undefined {
  const v = obj?.[key];
  return Array.isArray(v) ? v : undefined;
}

/** The object members of the array under `key` (non-objects are skipped). */
export function objectsAt(obj: JsonObject | undefined, key: string): JsonObject[] {
  return (arrayAt(obj, key) ?? []).filter(isJsonObject);
}

/** A map[string]string field; non-string values are dropped as the Go decoder would refuse them. */
export function stringMapAt(obj: JsonObject | undefined, key: string): Record<string, string> | undefined {
  const v = objectAt(obj, key);
  if (v === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) if (typeof value === "string") out[k] = value;
  return out;
}

/** Whether `key` holds a value at all (Go: a non-nil pointer); JSON null counts as unset. */
export function isSet(obj: JsonObject | undefined, key: string): boolean {
  const v = obj?.[key];
  return v !== undefined && v !== null;
}

/** Sets `key` only when unset, as SetDefaults_* functions do for nil pointers and empty strings. */
export function defaultValue(obj: JsonObject, key: string, value: unknown): void {
  const v = obj[key];
  if (v === undefined || v === null || v === "") obj[key] = value;
}

function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isJsonObject(v)) return Object.values(v).every(isEmptyValue);
  return false;
}

/**
 * apiequality.Semantic.DeepEqual over JSON: nil and empty slices and maps are equal, and so are an
 * absent member and one holding null, [] or {} (JSON cannot tell a map from an empty struct).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmptyValue(a) && isEmptyValue(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => semanticEqual(item, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}
