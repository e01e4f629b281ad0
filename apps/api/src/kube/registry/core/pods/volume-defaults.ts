/**
 * Volume defaulting (SetDefaults_Volume and the per-source defaulters, release-1.32): a volume with
 * no source is an emptyDir, file modes default to 0644 (420), projected tokens to one hour.
 */

import { asObject, type JsonObject, objectsOf } from "../json.ts";
import { defaultPersistentVolumeClaimSpec } from "../persistentvolumeclaims/claim-spec.ts";
import { defaultQuantityField } from "../resource-list.ts";
import { defaultEnvSource, defaultResourceFieldRef } from "./container-defaults.ts";
import { VOLUME_SOURCES } from "./volume-sources.ts";

const DEFAULT_FILE_MODE = 0o644;

/** Defaults one entry of spec.volumes in place. */
export function defaultVolume(volume: JsonObject): void {
  const sources = [...VOLUME_SOURCES, "image"];
  if (!sources.some((s) => volume[s] !== undefined && volume[s] !== null)) volume.emptyDir = {};
  // The ImageVolume gate is off in 1.32: the field is dropped after defaulting saw it, so a volume
  // with only an image source ends up with none and fails validation, as upstream.
  delete volume.image;
  const emptyDir = asObject(volume.emptyDir);
  if (emptyDir) defaultQuantityField(emptyDir, "sizeLimit");
  const hostPath = asObject(volume.hostPath);
  if (hostPath && (hostPath.type === undefined || hostPath.type === null)) hostPath.type = "";
  for (const source of ["secret", "configMap", "downwardAPI", "projected"]) {
    const s = asObject(volume[source]);
    if (s && (s.defaultMode === undefined || s.defaultMode === null)) s.defaultMode = DEFAULT_FILE_MODE;
  }
  defaultDownwardItems(asObject(volume.downwardAPI));
  for (const [source] of objectsOf(asObject(volume.projected)?.sources)) {
    const token = asObject(source.serviceAccountToken);
    if (token && (token.expirationSeconds === undefined || token.expirationSeconds === null)) {
      token.expirationSeconds = 3600;
    }
    defaultDownwardItems(asObject(source.downwardAPI));
  }
  const claimSpec = asObject(asObject(asObject(volume.ephemeral)?.volumeClaimTemplate)?.spec);
  if (claimSpec) defaultPersistentVolumeClaimSpec(claimSpec);
}

function defaultDownwardItems(downward: JsonObject | undefined): void {
  for (const [item] of objectsOf(downward?.items)) {
    defaultEnvSource({ fieldRef: item.fieldRef });
    defaultResourceFieldRef(asObject(item.resourceFieldRef));
  }
}
