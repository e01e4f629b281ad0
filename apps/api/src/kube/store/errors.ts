import { ApiError } from "../../errors.ts";
import { type ObjectRef, qualifiedResource } from "../object/types.ts";

/** The store's errors carry kube-apiserver's exact messages and details. */
function details(ref: ObjectRef, uid?: string) {
  return { name: ref.name, group: ref.group, kind: ref.resource, ...(uid ? { uid } : {}) };
}

export function objectNotFound(ref: ObjectRef): ApiError {
  return new ApiError(
    "NotFound",
    `${qualifiedResource(ref.group, ref.resource)} "${ref.name}" not found`,
    details(ref),
  );
}

export function objectAlreadyExists(ref: ObjectRef): ApiError {
  return new ApiError(
    "AlreadyExists",
    `${qualifiedResource(ref.group, ref.resource)} "${ref.name}" already exists`,
    details(ref),
  );
}

export function objectConflict(ref: ObjectRef, reason?: string): ApiError {
  const why =
    reason ?? "the object has been modified; please apply your changes to the latest version and try again";
  return new ApiError(
    "Conflict",
    `Operation cannot be fulfilled on ${qualifiedResource(ref.group, ref.resource)} "${ref.name}": ${why}`,
    details(ref),
  );
}

export function clusterGone(clusterId: string): ApiError {
  return new ApiError("NotFound", `cluster "${clusterId}" not found`);
}
