/** PersistentVolumeClaimSpec defaulting and validation, shared by claims, ephemeral volumes and StatefulSet templates. */
import { dns1123SubdomainErrors, validateLabelSelector } from "../../../selectors/index.ts";
import {
  type FieldError,
  forbiddenField,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import {
  compareQuantities,
  formatQuantity,
  parseQuantity,
  ZERO_QUANTITY,
} from "../../../validation/quantity.ts";
import { asArray, asObject, asString, ensureObject, type JsonObject } from "../json.ts";
import { defaultResourceList } from "../resource-list.ts";
import { validateQuantityValue } from "../resource-names.ts";

const ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
export const VOLUME_MODES = ["Block", "Filesystem"];

/** SetDefaults_PersistentVolumeClaimSpec: volumeMode Filesystem; quantities canonical. */
export function defaultPersistentVolumeClaimSpec(spec: JsonObject): void {
  if (spec.volumeMode === undefined || spec.volumeMode === null) spec.volumeMode = "Filesystem";
  const resources = ensureObject(spec, "resources");
  defaultResourceList(resources.requests);
  defaultResourceList(resources.limits);
}

/** Access modes as both PVs and PVCs validate them (required message differs, hence `required`). */
export function validateAccessModes(
  modes: unknown,
  path: string,
  required: FieldError | undefined,
): FieldError[] {
  const errs: FieldError[] = [];
  const list = asArray(modes);
  if (list.length === 0 && required) errs.push(required);
  let rwop = false;
  let other = false;
  for (const mode of list) {
    if (!ACCESS_MODES.includes(mode as string)) errs.push(notSupportedField(path, mode, ACCESS_MODES));
    else if (mode === "ReadWriteOncePod") rwop = true;
    else other = true;
  }
  if (rwop && other) errs.push(forbiddenField(path, "may not use ReadWriteOncePod with other access modes"));
  return errs;
}

/** ValidatePersistentVolumeClaimSpec (release-1.32) under `path`. */
export function validatePersistentVolumeClaimSpec(specValue: unknown, path: string): FieldError[] {
  const spec = asObject(specValue) ?? {};
  const errs = validateAccessModes(
    spec.accessModes,
    `${path}.accessModes`,
    requiredField(`${path}.accessModes`, "at least 1 access mode is required"),
  );
  if (spec.selector !== undefined && spec.selector !== null) {
    errs.push(...validateLabelSelector(spec.selector as never, `${path}.selector`));
  }
  const storagePath = `${path}.resources[storage]`;
  const requests = asObject(asObject(spec.resources)?.requests) ?? {};
  const storage = parseQuantity(requests.storage);
  if (requests.storage === undefined || !storage) {
    errs.push(requiredField(storagePath));
  } else if (compareQuantities(storage, ZERO_QUANTITY) <= 0) {
    errs.push(invalidField(storagePath, formatQuantity(storage), "must be greater than zero"));
  } else {
    errs.push(...validateQuantityValue("storage", storage, storagePath));
  }
  const className = asString(spec.storageClassName);
  if (className) {
    for (const msg of dns1123SubdomainErrors(className))
      errs.push(invalidField(`${path}.storageClassName`, className, msg));
  }
  if (
    spec.volumeMode !== undefined &&
    spec.volumeMode !== null &&
    !VOLUME_MODES.includes(spec.volumeMode as string)
  ) {
    errs.push(notSupportedField(`${path}.volumeMode`, spec.volumeMode, VOLUME_MODES));
  }
  errs.push(...validateDataSource(asObject(spec.dataSource), `${path}.dataSource`));
  errs.push(...validateDataSource(asObject(spec.dataSourceRef), `${path}.dataSourceRef`));
  return errs;
}

function validateDataSource(ref: JsonObject | undefined, path: string): FieldError[] {
  if (!ref) return [];
  const errs: FieldError[] = [];
  if (!asString(ref.name)) errs.push(requiredField(`${path}.name`));
  if (!asString(ref.kind)) errs.push(requiredField(`${path}.kind`));
  const apiGroup = asString(ref.apiGroup);
  if (!apiGroup && ref.kind !== "PersistentVolumeClaim") {
    errs.push(
      invalidField(
        path,
        asString(ref.kind),
        "must be 'PersistentVolumeClaim' when referencing the default apiGroup",
      ),
    );
  }
  if (apiGroup)
    for (const msg of dns1123SubdomainErrors(apiGroup))
      errs.push(invalidField(`${path}.apiGroup`, apiGroup, msg));
  return errs;
}
