/**
 * ValidateVolumes and validateVolumeSource (pkg/apis/core/validation, release-1.32) for the sources
 * people use; the remaining in-tree sources get their required-field checks only.
 */
import { dns1123LabelErrors } from "../../../selectors/index.ts";
import {
  duplicateField,
  type FieldError,
  forbiddenField,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { compareQuantities, parseQuantity, ZERO_QUANTITY } from "../../../validation/quantity.ts";
import { asArray, asNumber, asObject, asString, type JsonObject, objectsOf } from "../json.ts";
import { validatePersistentVolumeClaimSpec } from "../persistentvolumeclaims/claim-spec.ts";
import {
  VOLUME_FIELD_PATHS,
  validateObjectFieldSelector,
  validateResourceFieldSelector,
} from "./field-selectors.ts";
import {
  validateFileMode,
  validateKeyToPath,
  validateLocalDescendingPath,
  validateLocalNonReservedPath,
  validateNoBacksteps,
} from "./paths.ts";
import { FORBIDDEN_SOURCE_PATH, VOLUME_SOURCES, type VolumeSourceName } from "./volume-sources.ts";

const HOST_PATH_TYPES = [
  "",
  "BlockDevice",
  "CharDevice",
  "Directory",
  "DirectoryOrCreate",
  "File",
  "FileOrCreate",
  "Socket",
];

/** Sources whose only checks are required fields: [path segment used in errors, required fields]. */
const REQUIRED_ONLY: Partial<Record<VolumeSourceName, [string, string[]]>> = {
  gcePersistentDisk: ["persistentDisk", ["pdName"]],
  awsElasticBlockStore: ["awsElasticBlockStore", ["volumeID"]],
  iscsi: ["iscsi", ["targetPortal", "iqn"]],
  glusterfs: ["glusterfs", ["endpoints", "path"]],
  rbd: ["rbd", ["monitors", "image"]],
  cinder: ["cinder", ["volumeID"]],
  cephfs: ["cephfs", ["monitors"]],
  quobyte: ["quobyte", ["registry", "volume"]],
  flexVolume: ["flexVolume", ["driver"]],
  azureFile: ["azureFile", ["secretName", "shareName"]],
  vsphereVolume: ["vsphereVolume", ["volumePath"]],
  photonPersistentDisk: ["photonPersistentDisk", ["pdID"]],
  portworxVolume: ["portworxVolume", ["volumeID"]],
  azureDisk: ["azureDisk", ["diskName", "diskURI"]],
  storageos: ["storageos", ["volumeName"]],
  scaleIO: ["scaleIO", ["gateway", "system", "volumeName"]],
  csi: ["csi", ["driver"]],
};

export interface VolumesResult {
  /** Valid volumes by name: what volumeMounts may reference. */
  volumes: Map<string, JsonObject>;
  errors: FieldError[];
}

/** ValidateVolumes: `podName` is the pod's own name (absent for templates) for ephemeral claim names. */
export function validateVolumes(value: unknown, path: string, podName?: string): VolumesResult {
  const volumes = new Map<string, JsonObject>();
  const errors: FieldError[] = [];
  const createdClaims = new Set<string>();
  if (podName) {
    for (const [v] of objectsOf(value)) if (v.ephemeral) createdClaims.add(`${podName}-${asString(v.name)}`);
  }
  asArray(value).forEach((raw, i) => {
    const vol = asObject(raw) ?? {};
    const at = `${path}[${i}]`;
    const name = asString(vol.name);
    const el = validateVolumeSource(vol, at, name, podName);
    if (!name) el.push(requiredField(`${at}.name`));
    else for (const msg of dns1123LabelErrors(name)) el.push(invalidField(`${at}.name`, name, msg));
    if (volumes.has(name)) el.push(duplicateField(`${at}.name`, name));
    if (el.length === 0) volumes.set(name, vol);
    else errors.push(...el);
    const claimName = asString(asObject(vol.persistentVolumeClaim)?.claimName);
    if (claimName && createdClaims.has(claimName)) {
      errors.push(
        invalidField(
          `${at}.persistentVolumeClaim.claimName`,
          claimName,
          "must not reference a PVC that gets created for an ephemeral volume",
        ),
      );
    }
  });
  return { volumes, errors };
}

function validateVolumeSource(
  vol: JsonObject,
  path: string,
  name: string,
  podName: string | undefined,
): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const source of VOLUME_SOURCES) {
    const value = vol[source];
    if (value === undefined || value === null) continue;
    if (count > 0) {
      errs.push(
        forbiddenField(
          `${path}.${FORBIDDEN_SOURCE_PATH[source] ?? source}`,
          "may not specify more than 1 volume type",
        ),
      );
      continue;
    }
    count++;
    errs.push(...validateOneSource(source, asObject(value) ?? {}, path, name, podName));
  }
  if (count === 0) errs.push(requiredField(path, "must specify a volume type"));
  return errs;
}

function validateOneSource(
  source: VolumeSourceName,
  s: JsonObject,
  volPath: string,
  name: string,
  podName: string | undefined,
): FieldError[] {
  const path = `${volPath}.${source}`;
  const required = REQUIRED_ONLY[source];
  if (required) {
    const [segment, fields] = required;
    return fields
      .filter((f) => (Array.isArray(s[f]) ? (s[f] as unknown[]).length === 0 : !s[f]))
      .map((f) => requiredField(`${volPath}.${segment}.${f}`));
  }
  switch (source) {
    case "emptyDir": {
      const limit = parseQuantity(s.sizeLimit);
      return limit && compareQuantities(limit, ZERO_QUANTITY) < 0
        ? [forbiddenField(`${path}.sizeLimit`, "SizeLimit field must be a valid resource quantity")]
        : [];
    }
    case "hostPath": {
      const target = asString(s.path);
      if (!target) return [requiredField(`${path}.path`)];
      const errs = validateNoBacksteps(target, `${path}.path`);
      if (s.type !== undefined && s.type !== null && !HOST_PATH_TYPES.includes(s.type as string)) {
        errs.push(notSupportedField(`${path}.type`, s.type, HOST_PATH_TYPES));
      }
      return errs;
    }
    case "gitRepo": {
      const errs = asString(s.repository) ? [] : [requiredField(`${path}.repository`)];
      return [...errs, ...validateLocalDescendingPath(asString(s.directory), `${path}.directory`)];
    }
    case "secret":
      return validateItemsSource(s, path, "secretName");
    case "configMap":
      return validateItemsSource(s, path, "name");
    case "persistentVolumeClaim":
      return asString(s.claimName) ? [] : [requiredField(`${path}.claimName`)];
    case "nfs": {
      const errs: FieldError[] = [];
      if (!asString(s.server)) errs.push(requiredField(`${path}.server`));
      if (!asString(s.path)) errs.push(requiredField(`${path}.path`));
      if (!asString(s.path).startsWith("/"))
        errs.push(invalidField(`${path}.path`, asString(s.path), "must be an absolute path"));
      return errs;
    }
    case "downwardAPI": {
      const errs = validateFileMode(s.defaultMode, `${path}.defaultMode`);
      for (const [file] of objectsOf(s.items)) errs.push(...validateDownwardFile(file, path));
      return errs;
    }
    case "projected":
      return validateProjected(s, path);
    case "ephemeral": {
      const template = asObject(s.volumeClaimTemplate);
      if (!template) return [requiredField(`${path}.volumeClaimTemplate`)];
      const errs = validatePersistentVolumeClaimSpec(template.spec, `${path}.volumeClaimTemplate.spec`);
      if (podName && name) {
        // The claim is named <pod>-<volume>; upstream reports a bad combination on the volume name.
        const claim = `${podName}-${name}`;
        if (claim.length > 253) {
          errs.push(
            invalidField(
              `${volPath}.name`,
              name,
              `PVC name ${JSON.stringify(claim)}: must be no more than 253 characters`,
            ),
          );
        }
      }
      return errs;
    }
    default:
      return [];
  }
}

/** Secret and configMap sources: a name, a valid default mode, valid items. */
function validateItemsSource(s: JsonObject, path: string, nameField: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!asString(s[nameField])) errs.push(requiredField(`${path}.${nameField}`));
  errs.push(...validateFileMode(s.defaultMode, `${path}.defaultMode`));
  for (const [item, i] of objectsOf(s.items)) errs.push(...validateKeyToPath(item, `${path}.items[${i}]`));
  return errs;
}

/** validateDownwardAPIVolumeFile; upstream reports item errors on the source path itself. */
function validateDownwardFile(file: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const target = asString(file.path);
  if (!target) errs.push(requiredField(`${path}.path`));
  errs.push(...validateLocalNonReservedPath(target, `${path}.path`));
  const fieldRef = asObject(file.fieldRef);
  const resourceRef = asObject(file.resourceFieldRef);
  if (fieldRef) {
    errs.push(...validateObjectFieldSelector(fieldRef, VOLUME_FIELD_PATHS, `${path}.fieldRef`));
    if (resourceRef)
      errs.push(
        invalidField(path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"),
      );
  } else if (resourceRef) {
    errs.push(...validateResourceFieldSelector(resourceRef, `${path}.resourceFieldRef`, true));
  } else {
    errs.push(requiredField(path, "one of fieldRef and resourceFieldRef is required"));
  }
  errs.push(...validateFileMode(file.mode, `${path}.mode`));
  return errs;
}

function validateProjected(s: JsonObject, path: string): FieldError[] {
  const errs = validateFileMode(s.defaultMode, `${path}.defaultMode`);
  const paths = new Set<string>();
  const claimPath = (p: string, conflict: string) => {
    if (!p) return;
    if (paths.has(p)) errs.push(invalidField(path, conflict, "conflicting duplicate paths"));
    paths.add(p);
  };
  asArray(s.sources).forEach((raw, i) => {
    const source = asObject(raw) ?? {};
    const at = `${path}.sources[${i}]`;
    let kinds = 0;
    for (const kind of ["secret", "configMap"] as const) {
      const ref = asObject(source[kind]);
      if (!ref) continue;
      kinds++;
      if (!asString(ref.name)) errs.push(requiredField(`${at}.${kind}.name`));
      for (const [item, j] of objectsOf(ref.items)) {
        errs.push(...validateKeyToPath(item, `${at}.${kind}.items[${j}]`));
        claimPath(asString(item.path), asString(ref.name));
      }
    }
    const downward = asObject(source.downwardAPI);
    if (downward) {
      kinds++;
      for (const [file] of objectsOf(downward.items)) {
        errs.push(...validateDownwardFile(file, `${at}.downwardAPI`));
        claimPath(asString(file.path), asString(file.path));
      }
    }
    const token = asObject(source.serviceAccountToken);
    if (token) {
      kinds++;
      const seconds = asNumber(token.expirationSeconds) ?? 0;
      if (seconds < 600) {
        errs.push(
          invalidField(
            `${at}.serviceAccountToken.expirationSeconds`,
            seconds,
            "may not specify a duration less than 10 minutes",
          ),
        );
      }
      if (seconds > 2 ** 32) {
        errs.push(
          invalidField(
            `${at}.serviceAccountToken.expirationSeconds`,
            seconds,
            "may not specify a duration larger than 2^32 seconds",
          ),
        );
      }
      if (!asString(token.path)) errs.push(requiredField(`${path}.path`));
      else errs.push(...validateLocalNonReservedPath(asString(token.path), `${path}.path`));
    }
    if (source.clusterTrustBundle) kinds++;
    if (kinds > 1) errs.push(forbiddenField(at, "may not specify more than 1 volume type per source"));
  });
  return errs;
}
