/**
 * The PersistentVolume strategy (ValidatePersistentVolume(Update), SetDefaults_PersistentVolume;
 * release-1.32): Retain and Filesystem by default, Pending with a transition time on creation.
 */

import { kubeTime } from "../../../../platform/clock.ts";
import { jsonEqual } from "../../../object/equality.ts";
import { dns1123SubdomainErrors } from "../../../selectors/index.ts";
import {
  type FieldError,
  forbiddenField,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { compareQuantities, formatQuantity, ZERO_QUANTITY } from "../../../validation/quantity.ts";
import type { Strategy } from "../../types.ts";
import { withDecodeErrors } from "../decode-error.ts";
import { notSupportedRendered } from "../go-values.ts";
import { asObject, asString, ensureObject, type JsonObject } from "../json.ts";
import { VOLUME_MODES, validateAccessModes } from "../persistentvolumeclaims/claim-spec.ts";
import { defaultResourceList, resourceEntries } from "../resource-list.ts";
import { validateQuantityValue } from "../resource-names.ts";
import { specDiff } from "../spec-diff.ts";

/** The in-tree and CSI sources a PersistentVolume may have, in validation order. */
const PV_SOURCES = [
  "hostPath",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "glusterfs",
  "flocker",
  "nfs",
  "rbd",
  "quobyte",
  "cephfs",
  "iscsi",
  "cinder",
  "fc",
  "flexVolume",
  "azureFile",
  "vsphereVolume",
  "photonPersistentDisk",
  "portworxVolume",
  "azureDisk",
  "scaleIO",
  "local",
  "storageos",
  "csi",
];
const RECLAIM_POLICIES = ["Delete", "Recycle", "Retain"];

function validateVolumeSpec(spec: JsonObject): FieldError[] {
  const errs = validateAccessModes(spec.accessModes, "spec.accessModes", requiredField("spec.accessModes"));
  const capacity = asObject(spec.capacity);
  const entries = resourceEntries(capacity);
  if (entries.length === 0) errs.push(requiredField("spec.capacity"));
  if (!capacity || !("storage" in capacity) || Object.keys(capacity).length > 1) {
    const rendered = capacity
      ? `core.ResourceList{${Object.keys(capacity)
          .map((k) => JSON.stringify(k))
          .join(", ")}}`
      : "core.ResourceList(nil)";
    errs.push(notSupportedRendered("spec.capacity", rendered, ["storage"]));
  }
  for (const [name, q] of entries) {
    errs.push(...validateQuantityValue(name, q, `spec.capacity[${name}]`));
    if (compareQuantities(q, ZERO_QUANTITY) <= 0)
      errs.push(invalidField(`spec.capacity[${name}]`, formatQuantity(q), "must be greater than zero"));
  }
  const policy = asString(spec.persistentVolumeReclaimPolicy);
  if (policy && !RECLAIM_POLICIES.includes(policy))
    errs.push(notSupportedField("spec.persistentVolumeReclaimPolicy", policy, RECLAIM_POLICIES));
  let sources = 0;
  for (const source of PV_SOURCES) {
    if (spec[source] === undefined || spec[source] === null) continue;
    if (sources > 0 && source !== "flexVolume") {
      errs.push(forbiddenField(`spec.${source}`, "may not specify more than 1 volume type"));
      continue;
    }
    sources++;
    const s = asObject(spec[source]) ?? {};
    if ((source === "hostPath" || source === "local" || source === "nfs") && !asString(s.path))
      errs.push(requiredField(`spec.${source}.path`));
    if (source === "nfs" && !asString(s.server)) errs.push(requiredField("spec.nfs.server"));
    if (source === "csi" && !asString(s.driver)) errs.push(requiredField("spec.csi.driver"));
    if (source === "csi" && !asString(s.volumeHandle)) errs.push(requiredField("spec.csi.volumeHandle"));
    if (source === "local" && !asObject(spec.nodeAffinity))
      errs.push(requiredField("spec.nodeAffinity", "Local volume requires node affinity"));
  }
  if (sources === 0) errs.push(requiredField("spec", "must specify a volume type"));
  const className = asString(spec.storageClassName);
  if (className)
    for (const msg of dns1123SubdomainErrors(className))
      errs.push(invalidField("spec.storageClassName", className, msg));
  if (
    spec.volumeMode !== undefined &&
    spec.volumeMode !== null &&
    !VOLUME_MODES.includes(spec.volumeMode as string)
  ) {
    errs.push(notSupportedField("spec.volumeMode", spec.volumeMode, VOLUME_MODES));
  }
  return errs;
}

function sourceOf(spec: JsonObject): JsonObject {
  return Object.fromEntries(PV_SOURCES.filter((s) => spec[s] !== undefined).map((s) => [s, spec[s]]));
}

export const persistentVolumeStrategy: Strategy = {
  hasStatusSubresource: true,
  tracksGeneration: false,
  applyDefaults: (pv) =>
    withDecodeErrors("PersistentVolume", "v1", () => {
      const spec = ensureObject(pv, "spec");
      if (!spec.persistentVolumeReclaimPolicy) spec.persistentVolumeReclaimPolicy = "Retain";
      if (!spec.volumeMode) spec.volumeMode = "Filesystem";
      defaultResourceList(spec.capacity);
      const hostPath = asObject(spec.hostPath);
      if (hostPath && hostPath.type === undefined) hostPath.type = "";
      const status = ensureObject(pv, "status");
      if (!status.phase) status.phase = "Pending";
    }),
  prepareForCreate(pv, ctx) {
    pv.status = { phase: "Pending", lastPhaseTransitionTime: kubeTime(ctx.now) };
  },
  prepareForUpdate(next, prev) {
    if (prev.status === undefined) delete next.status;
    else next.status = structuredClone(prev.status);
  },
  validate: (pv) => validateVolumeSpec(asObject(pv.spec) ?? {}),
  validateUpdate(next, prev) {
    const spec = asObject(next.spec) ?? {};
    const old = asObject(prev.spec) ?? {};
    const errs = validateVolumeSpec(spec);
    if (!jsonEqual(sourceOf(spec), sourceOf(old))) {
      errs.push(
        forbiddenField(
          "spec.persistentvolumesource",
          `spec.persistentvolumesource is immutable after creation\n${specDiff("PersistentVolumeSource", sourceOf(old), sourceOf(spec))}`,
        ),
      );
    }
    if (spec.volumeMode !== old.volumeMode)
      errs.push(invalidField("volumeMode", spec.volumeMode ?? null, "field is immutable"));
    return errs;
  },
};
