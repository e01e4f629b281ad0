// metadata.managedFields ⇄ the per-manager field sets server-side apply works on, as
// k8s.io/apimachinery/pkg/util/managedfields/internal/managedfields.go encodes them: one entry per
// manager identity, sorted, FieldsV1, times in RFC 3339 without fractions.
import { FieldSet } from "./field-set.ts";
import { isObject, type JsonObject } from "./json.ts";

/** One entry of `metadata.managedFields`, keys in the order kube-apiserver writes them. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time?: string;
  fieldsType: "FieldsV1";
  fieldsV1: JsonObject;
  subresource?: string;
}

/** One manager's ownership while a write is computed. */
export interface ManagerRecord {
  readonly manager: string;
  readonly operation: "Apply" | "Update";
  readonly apiVersion: string;
  readonly subresource?: string;
  time?: string;
  set: FieldSet;
}

/** Ownership by manager identity (see managerIdentity). */
export type ManagedFields = Map<string, ManagerRecord>;

/**
 * BuildManagerIdentifier: the same manager name is a different owner per operation and subresource,
 * and for Update also per apiVersion; time and fields never take part.
 */
export function managerIdentity(record: Omit<ManagerRecord, "set" | "time">): string {
  const identity: JsonObject = { manager: record.manager, operation: record.operation };
  if (record.operation === "Update") identity.apiVersion = record.apiVersion;
  if (record.subresource) identity.subresource = record.subresource;
  return JSON.stringify(identity);
}

/** printManager of conflict.go: `"kubectl-client-side-apply" using apps/v1`, `"kubectl"`. */
export function describeManager(record: ManagerRecord): string {
  let text = JSON.stringify(record.manager);
  if (record.subresource) text += ` with subresource ${JSON.stringify(record.subresource)}`;
  if (record.operation === "Update") text += ` using ${record.apiVersion}`;
  return text;
}

/** DecodeManagedFields; throws Error with upstream's message on an invalid entry. */
export function decodeManagedFields(entries: unknown): ManagedFields {
  const out: ManagedFields = new Map();
  if (entries === undefined || entries === null) return out;
  if (!Array.isArray(entries)) throw new Error("managedFields must be a list");
  entries.forEach((entry, index) => {
    if (!isObject(entry)) throw new Error(`invalid managed fields entry ${index}`);
    const operation = entry.operation;
    if (operation !== "Apply" && operation !== "Update")
      throw new Error("operation must be `Apply` or `Update`");
    if (typeof entry.apiVersion !== "string" || entry.apiVersion === "")
      throw new Error("apiVersion must not be empty");
    if (entry.fieldsType === undefined || entry.fieldsType === "") {
      throw new Error(`missing fieldsType in managed fields entry ${index}`);
    }
    if (entry.fieldsType !== "FieldsV1") {
      throw new Error(
        `invalid fieldsType ${JSON.stringify(entry.fieldsType)} in managed fields entry ${index}`,
      );
    }
    const record: ManagerRecord = {
      manager: typeof entry.manager === "string" ? entry.manager : "",
      operation,
      apiVersion: entry.apiVersion,
      subresource:
        typeof entry.subresource === "string" && entry.subresource !== "" ? entry.subresource : undefined,
      time: typeof entry.time === "string" ? entry.time : undefined,
      set: FieldSet.fromFieldsV1(entry.fieldsV1),
    };
    out.set(managerIdentity(record), record);
  });
  return out;
}

/** encodeManagedFields: empty sets are dropped; sorted by operation, time, manager, apiVersion, subresource. */
export function encodeManagedFields(managed: ManagedFields): ManagedFieldsEntry[] {
  const entries: ManagedFieldsEntry[] = [];
  for (const record of managed.values()) {
    if (record.set.isEmpty()) continue;
    entries.push({
      manager: record.manager,
      operation: record.operation,
      apiVersion: record.apiVersion,
      ...(record.time ? { time: record.time } : {}),
      fieldsType: "FieldsV1",
      fieldsV1: record.set.toFieldsV1(),
      ...(record.subresource ? { subresource: record.subresource } : {}),
    });
  }
  // Each time parsed once, not once per comparison.
  const timed = entries.map((entry) => ({ entry, seconds: seconds(entry.time) }));
  timed.sort(
    ({ entry: a, seconds: secondsA }, { entry: b, seconds: secondsB }) =>
      order(a.operation, b.operation) ||
      secondsA - secondsB ||
      order(a.manager, b.manager) ||
      order(a.apiVersion, b.apiVersion) ||
      order(a.subresource, b.subresource),
  );
  return timed.map(({ entry }) => entry);
}

/** A managedFields time in whole seconds since the epoch, 0 for none or an unreadable one. */
function seconds(time: string | undefined): number {
  return time ? Math.floor(Date.parse(time) / 1000) || 0 : 0;
}

/** Go's string order, an absent string being "". */
function order(a: string | undefined, b: string | undefined): number {
  return (a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0;
}

/** metav1.Time as serialized: RFC 3339, UTC, whole seconds. */
export function formatTime(date: Date): string {
  // toISOString always ends in milliseconds, ".sssZ".
  return `${date.toISOString().slice(0, -5)}Z`;
}

/**
 * isResetManagedFields: a write that sends `managedFields: []` (or one empty entry) asks to clear them.
 */
export function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && isObject(entries[0]) && Object.keys(entries[0]).length === 0;
}
