// Field ownership of non-apply writes (create, update, JSON/merge/strategic patches), as the
// managedfields pipeline records them with operation "Update".
import type { FieldSet } from "./field-set.ts";
import { isObject, type JsonObject } from "./json.ts";
import {
  decodeManagedFields,
  formatTime,
  isResetManagedFields,
  type ManagedFields,
  managerIdentity,
} from "./managed-fields.ts";
import { type FieldSchema, ssaSchemaFor } from "./merge-keys.ts";
import {
  finish,
  ignoredPaths,
  managedFieldsLeftOut,
  STRIPPED,
  type WriteOptions,
  type WriteResult,
} from "./ownership.ts";
import { type Comparison, compare, TypedValueError } from "./typed-value.ts";

/** Options of `updateManagedFields`. */
export interface UpdateOptions extends WriteOptions {
  readonly operation?: "Update";
}

/**
 * Records the fields a create, update or non-apply patch changed as owned by `manager` (operation
 * Update), taking them from whoever owned them, so that later applies see the conflicts. `before` is the
 * stored object (undefined on create), `after` the object about to be stored, defaulted. A client may
 * rewrite managedFields in `after` (kubectl's SSA migration does); `managedFields: []` clears them.
 */
export function updateManagedFields(
  before: JsonObject | undefined,
  after: JsonObject,
  options: UpdateOptions,
): WriteResult {
  const kind = options.kind ?? String(after.kind ?? before?.kind ?? "");
  const root: FieldSchema = { type: ssaSchemaFor(options.apiVersion, kind) };
  const beforeFields = before && isObject(before.metadata) ? before.metadata.managedFields : undefined;
  const managed = startingManagedFields(beforeFields, after, options.subresource !== undefined);
  // Only compared, and finish() sets the managed fields on `next`'s own metadata: views will do.
  const base = before ? managedFieldsLeftOut(before) : {};
  const next = managedFieldsLeftOut(after);

  let changes: Comparison;
  try {
    changes = compare(base, next, root, ignoredPaths(options));
  } catch (error) {
    // UpdateNoErrors: a failure to compute ownership keeps the stored managedFields.
    if (!(error instanceof TypedValueError)) throw error;
    return finish(next, safeDecode(beforeFields));
  }
  // The sets below are all this call's own (compare's, or decoded just now): they change in place,
  // so the parts of a manager's set that a write leaves alone keep their decoded fieldsV1.
  const changed = changedPaths(changes);
  for (const [id, record] of managed) {
    record.set.removeAll(changed);
    record.set.removeAll(changes.removed);
    if (record.set.isEmpty()) managed.delete(id);
  }
  // What the writer owns from now on: the changed paths (not needed as such any more) but stripped ones.
  const own = changed;
  own.removeAll(STRIPPED);
  if (!own.isEmpty()) {
    const identity = {
      manager: options.manager,
      operation: "Update" as const,
      apiVersion: options.apiVersion,
      subresource: options.subresource,
    };
    const id = managerIdentity(identity);
    const previous = managed.get(id)?.set;
    previous?.addAll(own);
    managed.set(id, { ...identity, time: formatTime(options.now), set: previous ?? own });
  }
  return finish(next, managed);
}

/** The paths the write added or modified, made from compare's own sets. */
function changedPaths(changes: Comparison): FieldSet {
  if (changes.modified.isEmpty()) return changes.added;
  changes.modified.addAll(changes.added);
  return changes.modified;
}

/** decodeLiveOrNew of fieldmanager.go. */
function startingManagedFields(
  beforeFields: unknown,
  after: JsonObject,
  subresource: boolean,
): ManagedFields {
  if (subresource) return safeDecode(beforeFields);
  const requested = isObject(after.metadata) ? after.metadata.managedFields : undefined;
  if (isResetManagedFields(requested)) return new Map();
  const fromRequest = safeDecode(requested);
  return fromRequest.size > 0 ? fromRequest : safeDecode(beforeFields);
}

function safeDecode(entries: unknown): ManagedFields {
  try {
    return decodeManagedFields(entries);
  } catch {
    return new Map();
  }
}
