// What applies and updates share: their options, their result, and the bookkeeping around managedFields
// that k8s.io/apimachinery/pkg/util/managedfields/internal does on every write (stripmeta.go, reset fields).
import { type FieldPath, fieldElement } from "./field-path.ts";
import { FieldSet } from "./field-set.ts";
import { deepClone, isObject, type JsonObject } from "./json.ts";
import { encodeManagedFields, type ManagedFields, type ManagedFieldsEntry } from "./managed-fields.ts";

/** Options common to applies and updates. */
export interface WriteOptions {
  /** The field manager (`?fieldManager=`, or the user agent's first word for updates). */
  readonly manager: string;
  /** The served group/version of the request, e.g. "apps/v1". */
  readonly apiVersion: string;
  /** The kind written; defaults to the objects' `kind`. */
  readonly kind?: string;
  /** "status", "scale"… when the write targets a subresource. */
  readonly subresource?: string;
  /** The clock; managedFields times are its whole seconds. */
  readonly now: Date;
  /**
   * Fields whose changes are never attributed (the strategy's reset fields), as paths of field names.
   * Defaults to `status` for the main resource and `spec` for the status subresource.
   */
  readonly ignoredFields?: readonly (readonly string[])[];
}

/** The object to persist (with `metadata.managedFields` set) and its managedFields. */
export interface WriteResult {
  readonly object: JsonObject;
  readonly managedFields: ManagedFieldsEntry[];
}

/** stripmeta.go: fields no manager ever owns. */
export const STRIPPED = (() => {
  const set = new FieldSet();
  const paths = [
    ["apiVersion"],
    ["kind"],
    ["metadata"],
    ...["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation"].map((f) => [
      "metadata",
      f,
    ]),
    ["metadata", "managedFields"],
    ["metadata", "resourceVersion"],
  ];
  for (const path of paths) set.insert(path.map(fieldElement));
  return set;
})();

/** The reset fields of the write, as paths. */
export function ignoredPaths(options: WriteOptions): FieldPath[] {
  const paths = options.ignoredFields ?? (options.subresource === "status" ? [["spec"]] : [["status"]]);
  return paths.map((path) => path.map(fieldElement));
}

/** A copy of `object` without metadata.managedFields, which no comparison may see. */
export function withoutManagedFields(object: JsonObject): JsonObject {
  const copy = deepClone(object);
  if (isObject(copy.metadata)) delete copy.metadata.managedFields;
  return copy;
}

/** withoutManagedFields() as a view that shares all the rest with `object`: for reading only. */
export function managedFieldsLeftOut(object: JsonObject): JsonObject {
  if (!isObject(object.metadata)) return object;
  const { managedFields: _, ...metadata } = object.metadata;
  return { ...object, metadata };
}

/** Sets (or removes, when empty) metadata.managedFields on `object` and returns both. */
export function finish(object: JsonObject, managed: ManagedFields): WriteResult {
  const managedFields = encodeManagedFields(managed);
  const metadata: JsonObject = isObject(object.metadata) ? object.metadata : {};
  if (managedFields.length > 0) metadata.managedFields = managedFields;
  else delete metadata.managedFields;
  object.metadata = metadata;
  return { object, managedFields };
}
