/**
 * The PersistentVolumeClaim strategy (pkg/registry/core/persistentvolumeclaim, validation.go;
 * release-1.32): Pending on creation, a spec that is immutable but for a bound claim's size; on
 * creation the default StorageClass and the pvc-protection finalizer are admitted.
 */
import { jsonEqual } from "../../../object/equality.ts";
import { type FieldError, forbiddenField, invalidField } from "../../../validation/field-errors.ts";
import { compareQuantities, parseQuantity } from "../../../validation/quantity.ts";
import type { Strategy } from "../../types.ts";
import { withDecodeErrors } from "../decode-error.ts";
import { asObject, ensureObject, type JsonObject } from "../json.ts";
import { specDiff } from "../spec-diff.ts";
import {
  addProtectionFinalizer,
  admitDefaultStorageClass,
  BETA_STORAGE_CLASS_ANNOTATION,
} from "./admission.ts";
import { defaultPersistentVolumeClaimSpec, validatePersistentVolumeClaimSpec } from "./claim-spec.ts";

function storageRequest(spec: JsonObject): unknown {
  return asObject(asObject(spec.resources)?.requests)?.storage;
}

/** ValidatePersistentVolumeClaimUpdate (the spec rules; metadata is validated generically). */
function validateClaimUpdate(
  next: JsonObject,
  prev: JsonObject,
  annotations: Record<string, string> | undefined,
): FieldError[] {
  const spec = asObject(next.spec) ?? {};
  const old = asObject(prev.spec) ?? {};
  const errs = validatePersistentVolumeClaimSpec(spec, "spec");
  const newClone = structuredClone(spec);
  const oldClone = structuredClone(old);
  if (!old.volumeName) oldClone.volumeName = newClone.volumeName;
  const oldAnnotation = asObject(asObject(prev.metadata)?.annotations)?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (old.storageClassName === undefined && newClone.storageClassName !== undefined) {
    if (oldAnnotation === undefined || newClone.storageClassName === oldAnnotation)
      oldClone.storageClassName = newClone.storageClassName;
  }
  if (annotations?.[BETA_STORAGE_CLASS_ANNOTATION] !== oldAnnotation) {
    errs.push(
      invalidField(
        `metadata.annotations.${BETA_STORAGE_CLASS_ANNOTATION}`,
        annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? "",
        "field is immutable",
      ),
    );
  }
  const bound = asObject(next.status)?.phase === "Bound";
  if (bound) {
    const requests = asObject(asObject(newClone.resources)?.requests);
    if (requests) requests.storage = storageRequest(old);
    if (newClone.volumeAttributesClassName !== undefined)
      newClone.volumeAttributesClassName = oldClone.volumeAttributesClassName;
  }
  if (!jsonEqual(newClone, oldClone)) {
    errs.push(
      forbiddenField(
        "spec",
        `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${specDiff("PersistentVolumeClaimSpec", oldClone, newClone)}`,
      ),
    );
  }
  const newSize = parseQuantity(storageRequest(spec));
  const oldSize = parseQuantity(storageRequest(old));
  const capacity = parseQuantity(asObject(asObject(prev.status)?.capacity)?.storage);
  // RecoverVolumeExpansionFailure is on in 1.32: shrinking is refused only down to the real capacity.
  if (
    newSize &&
    oldSize &&
    compareQuantities(newSize, oldSize) < 0 &&
    capacity &&
    compareQuantities(newSize, capacity) <= 0
  ) {
    errs.push(
      forbiddenField("spec.resources.requests.storage", "field can not be less than status.capacity"),
    );
  }
  if (old.volumeMode !== spec.volumeMode)
    errs.push(invalidField("volumeMode", spec.volumeMode ?? null, "field is immutable"));
  return errs;
}

export const persistentVolumeClaimStrategy: Strategy = {
  hasStatusSubresource: true,
  tracksGeneration: false,
  applyDefaults: (pvc) =>
    withDecodeErrors("PersistentVolumeClaim", "v1", () => {
      defaultPersistentVolumeClaimSpec(ensureObject(pvc, "spec"));
      const status = ensureObject(pvc, "status");
      if (!status.phase) status.phase = "Pending";
    }),
  prepareForCreate(pvc) {
    pvc.status = { phase: "Pending" };
  },
  prepareForUpdate(next, prev) {
    if (prev.status === undefined) delete next.status;
    else next.status = structuredClone(prev.status);
  },
  async beforeCreate(pvc, ctx) {
    admitDefaultStorageClass(pvc, await ctx.tx.lookupList("storage.k8s.io", "storageclasses"));
    addProtectionFinalizer(pvc);
  },
  validate: (pvc) => validatePersistentVolumeClaimSpec(pvc.spec, "spec"),
  validateUpdate: (next, prev) => validateClaimUpdate(next, prev, next.metadata.annotations),
};
