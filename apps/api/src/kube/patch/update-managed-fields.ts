// Field ownership of non-apply writes (create, update, JSON/merge/strategic patches), as the
// managedfields pipeline records them with operation "Update".
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
import { compare, TypedValueError } from "./typed-value.ts";

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

  let changes: ReturnType<typeof compare>;
  try {
    changes = compare(base, next, root);
  } catch (error) {
    // UpdateNoErrors: a failure to compute ownership keeps the stored managedFields.
    if (!(error instanceof TypedValueError)) throw error;
    return finish(next, safeDecode(beforeFields));
  }
  const ignored = ignoredPaths(options);
  const changed = changes.modified.union(changes.added).withoutPrefixes(ignored);
  const removed = changes.removed.withoutPrefixes(ignored);
  for (const [id, record] of managed) {
    record.set = record.set.difference(changed).difference(removed);
    if (record.set.isEmpty()) managed.delete(id);
  }
  const own = changed.difference(STRIPPED);
  if (!own.isEmpty()) {
    const identity = {
      manager: options.manager,
      operation: "Update" as const,
      apiVersion: options.apiVersion,
      subresource: options.subresource,
    };
    const id = managerIdentity(identity);
    const previous = managed.get(id);
    managed.set(id, {
      ...identity,
      time: formatTime(options.now),
      set: previous ? previous.set.union(own) : own,
    });
  }
  return finish(next, managed);
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
