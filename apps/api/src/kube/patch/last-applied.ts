// The bridge between client-side `kubectl apply` (the last-applied-configuration annotation) and
// server-side apply, for the field manager "kubectl" only, as upstream's lastappliedmanager.go and
// lastappliedupdater.go do it.
import type { FieldSet } from "./field-set.ts";
import { isObject, type JsonObject, stableStringify } from "./json.ts";
import type { FieldSchema } from "./merge-keys.ts";
import { compare, TypedValueError, toFieldSet } from "./typed-value.ts";

export const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

/** The manager name kubectl uses for `apply --server-side`; only it gets the bridge. */
export const KUBECTL_APPLY_MANAGER = "kubectl";

function lastAppliedText(object: JsonObject): string | undefined {
  const metadata = object.metadata;
  const annotations = isObject(metadata) ? metadata.annotations : undefined;
  const text = isObject(annotations) ? annotations[LAST_APPLIED_ANNOTATION] : undefined;
  return typeof text === "string" && text !== "" ? text : undefined;
}

/**
 * allowedConflictsFromLastApplied: the fields the annotation says this user applied and that still
 * hold the applied value. Conflicts on them (with kubectl-client-side-apply, say) are not reported when
 * upgrading to server-side apply. Undefined when there is no usable annotation.
 */
export function allowedByLastApplied(
  live: JsonObject,
  root: FieldSchema,
  apiVersion: string,
): FieldSet | undefined {
  const text = lastAppliedText(live);
  if (!text) return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(lastApplied) || lastApplied.apiVersion !== apiVersion) return undefined;
  try {
    const owned = toFieldSet(lastApplied, root);
    const changed = compare(lastApplied, live, root);
    return owned.difference(changed.modified).difference(changed.added).difference(changed.removed);
  } catch (error) {
    if (error instanceof TypedValueError) return undefined;
    throw error;
  }
}

/**
 * Keeps the annotation in step with what "kubectl" applied server-side, if the object has one, so a
 * later client-side apply computes the right patch. Mutates and returns `object`.
 */
export function syncLastApplied(object: JsonObject, applied: JsonObject): JsonObject {
  if (!lastAppliedText(object)) return object;
  const config = structuredClone(applied);
  const metadata = config.metadata;
  if (isObject(metadata) && isObject(metadata.annotations))
    delete metadata.annotations[LAST_APPLIED_ANNOTATION];
  const annotations = (object.metadata as JsonObject).annotations as JsonObject;
  // runtime.Encode writes Go's sorted-key JSON followed by a newline.
  annotations[LAST_APPLIED_ANNOTATION] = `${stableStringify(config)}\n`;
  return object;
}
