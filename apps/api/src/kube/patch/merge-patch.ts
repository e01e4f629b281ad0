// RFC 7386 JSON merge patch as gopkg.in/evanphx/json-patch.v4 MergePatch applies it for kube-apiserver:
// null deletes, objects merge recursively, anything else (arrays included) replaces, and a value added
// where nothing was has its nulls pruned.
import { PatchError } from "./errors.ts";
import { deepClone, isObject, type JsonObject, pruneNulls } from "./json.ts";

/**
 * Applies a merge patch (the decoded `application/merge-patch+json` body) to a copy of `doc`.
 * Throws PatchError 400 "Invalid JSON Patch" when the patch is not an object, as kube does.
 */
export function applyMergePatch(doc: JsonObject, patch: unknown): JsonObject {
  if (!isObject(patch)) throw new PatchError(400, "BadRequest", "Invalid JSON Patch");
  return mergeObjects(deepClone(doc), patch);
}

function mergeObjects(target: JsonObject, patch: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete target[key];
      continue;
    }
    const current = target[key];
    if (current === undefined || current === null || !isObject(current) || !isObject(value)) {
      target[key] = isObject(current) ? deepClone(value) : pruneNulls(deepClone(value));
      continue;
    }
    target[key] = mergeObjects(current, value);
  }
  return target;
}
