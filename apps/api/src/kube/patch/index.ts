// Every patch type kube-apiserver accepts, and server-side apply — pure functions over JSON objects.
export type { PatchErrorCause, PatchErrorReason } from "./errors.ts";
export { PatchError } from "./errors.ts";
export { type JsonObject, jsonEqual } from "./json.ts";
export { applyJsonPatch, type JsonPatchOperation } from "./json-patch.ts";
export { LAST_APPLIED_ANNOTATION } from "./last-applied.ts";
export type { ManagedFieldsEntry } from "./managed-fields.ts";
export { type FieldSchema, type ListSchema, schemaFor, type TypeSchema } from "./merge-keys.ts";
export { applyMergePatch } from "./merge-patch.ts";
export type { WriteOptions, WriteResult } from "./ownership.ts";
export { type ApplyOptions, applyPatch } from "./server-side-apply.ts";
export { applyStrategicMergePatch } from "./strategic-merge-patch.ts";
export { type UpdateOptions, updateManagedFields } from "./update-managed-fields.ts";
