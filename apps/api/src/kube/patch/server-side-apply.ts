// Server-side apply and field ownership, after sigs.k8s.io/structured-merge-diff merge/update.go and
// the managedfields pipeline of k8s.io/apimachinery (structuredmerge.go, stripmeta.go,
// managedfieldsupdater.go, conflict.go). Pure functions: the caller persists the result.
import { badRequest, internalPatchError, PatchError } from "./errors.ts";
import { type FieldPath, pathToString } from "./field-path.ts";
import { FieldSet } from "./field-set.ts";
import { deepClone, isObject, type JsonObject, jsonEqual } from "./json.ts";
import { allowedByLastApplied, KUBECTL_APPLY_MANAGER, syncLastApplied } from "./last-applied.ts";
import {
  decodeManagedFields,
  describeManager,
  formatTime,
  type ManagedFields,
  type ManagerRecord,
  managerIdentity,
} from "./managed-fields.ts";
import { type FieldSchema, groupOf, ssaSchemaFor } from "./merge-keys.ts";
import {
  finish,
  ignoredPaths,
  STRIPPED,
  type WriteOptions,
  type WriteResult,
  withoutManagedFields,
} from "./ownership.ts";
import { compare, merge, removeItems, TypedValueError, toFieldSet, validateApplied } from "./typed-value.ts";

/** Options of `applyPatch`. */
export interface ApplyOptions extends WriteOptions {
  /** `?force=true`: take ownership of conflicting fields instead of failing. */
  readonly force?: boolean;
}

/** Metadata a client may send as null in a manifest (`creationTimestamp: null`) without meaning "clear". */
const SYSTEM_METADATA = [
  "creationTimestamp",
  "resourceVersion",
  "uid",
  "generation",
  "selfLink",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
];

/**
 * Server-side apply (`PATCH` with `application/apply-patch+yaml`): merges `applied` into `live` (or
 * creates from it when `live` is undefined), records the applier's fields, prunes the fields it applied
 * before and no longer applies (unless someone else owns them), and moves ownership on `force`.
 * Throws PatchError: 400 for a wrong apiVersion/kind or managedFields in the body, 409 Conflict with
 * FieldManagerConflict causes, 500 for a configuration that does not fit the schema.
 */
export function applyPatch(
  live: JsonObject | undefined,
  applied: unknown,
  options: ApplyOptions,
): WriteResult {
  if (!isObject(applied)) throw badRequest("invalid object type: /, Kind=");
  const kind = options.kind ?? (typeof live?.kind === "string" ? live.kind : String(applied.kind ?? ""));
  if (applied.apiVersion !== options.apiVersion || applied.kind !== kind) {
    const version = typeof applied.apiVersion === "string" ? applied.apiVersion : "";
    const gv = version.includes("/") ? version : `/${version}`;
    throw badRequest(
      `invalid object type: ${gv}, Kind=${typeof applied.kind === "string" ? applied.kind : ""}`,
    );
  }
  const appliedMeta = isObject(applied.metadata) ? applied.metadata : undefined;
  if (appliedMeta?.managedFields !== undefined && appliedMeta.managedFields !== null) {
    throw badRequest("metadata.managedFields must be nil");
  }

  const root: FieldSchema = { type: ssaSchemaFor(options.apiVersion, kind) };
  const config = withoutSystemNulls(applied);
  try {
    validateApplied(config, root);
  } catch (error) {
    if (error instanceof TypedValueError) {
      throw internalPatchError(
        `failed to create typed patch object (${describeObject(config, kind)}): ${error.message}`,
      );
    }
    throw error;
  }

  const base = live ? withoutManagedFields(live) : {};
  let managed: ManagedFields;
  try {
    managed = decodeManagedFields(live && isObject(live.metadata) ? live.metadata.managedFields : undefined);
  } catch (error) {
    throw internalPatchError(`failed to decode managed fields: ${(error as Error).message}`);
  }

  const attempt = (force: boolean) => applyOnce(base, config, managed, root, kind, options, force);
  let outcome = attempt(options.force ?? false);
  if (outcome instanceof PatchError && options.manager === KUBECTL_APPLY_MANAGER) {
    outcome = retryWithLastApplied(base, root, options, outcome, attempt);
  }
  if (outcome instanceof PatchError) throw outcome;

  const { object, managed: result } = outcome;
  if (options.manager === KUBECTL_APPLY_MANAGER) syncLastApplied(object, applied);
  return finish(object, result);
}

interface Applied {
  readonly object: JsonObject;
  readonly managed: ManagedFields;
}

interface Conflict {
  readonly record: ManagerRecord;
  readonly path: FieldPath;
}

function applyOnce(
  base: JsonObject,
  config: JsonObject,
  managedIn: ManagedFields,
  root: FieldSchema,
  kind: string,
  options: ApplyOptions,
  force: boolean,
): Applied | PatchError {
  const managed = cloneManaged(managedIn);
  const ignored = ignoredPaths(options);
  const identity = managerIdentity({
    manager: options.manager,
    operation: "Apply",
    apiVersion: options.apiVersion,
    subresource: options.subresource,
  });
  const previous = managed.get(identity);
  const applierSet = toFieldSet(config, root).withoutPrefixes(ignored);
  const applier: ManagerRecord = {
    manager: options.manager,
    operation: "Apply",
    apiVersion: options.apiVersion,
    subresource: options.subresource,
    time: previous?.time,
    set: applierSet,
  };

  let merged: JsonObject;
  try {
    merged = merge(base, config, root) as JsonObject;
  } catch (error) {
    if (error instanceof TypedValueError) {
      return internalPatchError(`failed to merge config: ${error.message} (${describeObject(config, kind)})`);
    }
    throw error;
  }
  managed.set(identity, applier);
  if (previous && !previous.set.isEmpty()) merged = prune(merged, previous.set, managed, root);

  const changes = compare(base, merged, root, ignored);
  const changed = changes.modified.union(changes.added);
  const removed = changes.removed;
  const conflicts: Conflict[] = [];
  const lost = new Map<string, FieldSet>();
  for (const [id, record] of managed) {
    if (id === identity) continue;
    const taken = record.set.intersection(changed);
    if (!taken.isEmpty()) {
      lost.set(id, taken);
      for (const path of taken.paths()) conflicts.push({ record, path });
    }
  }
  if (conflicts.length > 0 && !force) return conflictError(conflicts);

  for (const [id, record] of managed) {
    if (id === identity) continue;
    record.set = record.set.difference(lost.get(id) ?? new FieldSet()).difference(removed);
    if (record.set.isEmpty()) managed.delete(id);
  }
  applier.set = applier.set.difference(STRIPPED);
  if (applier.set.isEmpty()) managed.delete(identity);
  if (!jsonEqual(base, merged) || !applier.time) applier.time = formatTime(options.now);
  return { object: merged, managed };
}

/** prune of update.go: what the applier owned last time, no longer applies, and nobody else owns goes. */
function prune(merged: JsonObject, lastSet: FieldSet, managed: ManagedFields, root: FieldSchema): JsonObject {
  let owned = new FieldSet();
  for (const record of managed.values()) owned = owned.union(record.set);
  const toRemove = lastSet.withNamedFieldsAsMembers().difference(owned.withNamedFieldsAsMembers());
  return (removeItems(merged, toRemove, root) as JsonObject | undefined) ?? {};
}

/** lastappliedmanager.go: conflicts on fields the annotation shows this user applied are forced. */
function retryWithLastApplied(
  base: JsonObject,
  root: FieldSchema,
  options: ApplyOptions,
  error: PatchError,
  attempt: (force: boolean) => Applied | PatchError,
): Applied | PatchError {
  const allowed = allowedByLastApplied(base, root, options.apiVersion);
  const conflicts = (error as ConflictError).conflicts;
  if (!allowed || !conflicts) return error;
  const remaining = conflicts.filter((conflict) => !allowed.has(conflict.path));
  return remaining.length > 0 ? conflictError(remaining) : attempt(true);
}

class ConflictError extends PatchError {
  constructor(
    message: string,
    causes: PatchError["causes"],
    readonly conflicts: readonly Conflict[],
  ) {
    super(409, "Conflict", message, { causes });
  }
}

/** NewConflictError of conflict.go: one cause per field, the message grouped by manager. */
function conflictError(conflicts: readonly Conflict[]): ConflictError {
  const sorted = [...conflicts].sort((a, b) => {
    const ida = managerIdentity(a.record);
    const idb = managerIdentity(b.record);
    return ida < idb ? -1 : ida > idb ? 1 : 0;
  });
  const causes = sorted.map((conflict) => ({
    type: "FieldManagerConflict",
    message: `conflict with ${describeManager(conflict.record)}`,
    field: pathToString(conflict.path),
  }));
  const [first] = sorted;
  if (sorted.length === 1 && first) {
    const message = `Apply failed with 1 conflict: conflict with ${describeManager(first.record)}: ${pathToString(first.path)}`;
    return new ConflictError(message, causes, sorted);
  }
  const lines: string[] = [];
  let current: string | undefined;
  for (const conflict of sorted) {
    const id = managerIdentity(conflict.record);
    if (id !== current) {
      lines.push(`conflicts with ${describeManager(conflict.record)}:`);
      current = id;
    }
    lines.push(`- ${pathToString(conflict.path)}`);
  }
  return new ConflictError(
    `Apply failed with ${sorted.length} conflicts: ${lines.join("\n")}`,
    causes,
    sorted,
  );
}

function cloneManaged(managed: ManagedFields): ManagedFields {
  return new Map([...managed].map(([id, record]) => [id, { ...record, set: record.set.clone() }]));
}

function withoutSystemNulls(applied: JsonObject): JsonObject {
  const copy = deepClone(applied);
  if (isObject(copy.metadata)) {
    for (const key of SYSTEM_METADATA) if (copy.metadata[key] === null) delete copy.metadata[key];
  }
  return copy;
}

/** objectGVKNN of structuredmerge.go: "ns/name; apps/v1, Kind=Deployment". */
function describeObject(object: JsonObject, kind: string): string {
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : "";
  const name = typeof metadata.name === "string" ? metadata.name : "";
  const apiVersion = String(object.apiVersion ?? "");
  const version = apiVersion.slice(apiVersion.indexOf("/") + 1);
  return `${namespace}/${name}; ${groupOf(apiVersion)}/${version}, Kind=${kind}`;
}
