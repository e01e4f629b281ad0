/**
 * A StatefulSet pod's stable identity (stateful_set_utils.go, release-1.32): the name
 * `<set>-<ordinal>`, its labels, hostname and subdomain, and the claims `<template>-<set>-<ordinal>`
 * mounted under the template's name.
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { podFromTemplate } from "../shared/pod-from-template.ts";
import { specOf } from "./types.ts";

export const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
export const REVISION_LABEL = "controller-revision-hash";

const STATEFUL_POD_NAME = /^(.*)-([0-9]+)$/;
const MAX_INT32 = 2 ** 31 - 1;

/** getParentNameAndOrdinal: `web-3` → web, 3; anything else has no parent and ordinal -1. */
export function parentAndOrdinal(name: string): { parent: string; ordinal: number } {
  const match = STATEFUL_POD_NAME.exec(name);
  if (!match) return { parent: "", ordinal: -1 };
  const ordinal = Number(match[2]);
  return { parent: match[1] ?? "", ordinal: ordinal <= MAX_INT32 ? ordinal : -1 };
}

export function ordinalOf(pod: KubeObject): number {
  return parentAndOrdinal(pod.metadata.name ?? "").ordinal;
}

export function podName(set: KubeObject, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

export function claimName(template: KubeObject, set: KubeObject, ordinal: number): string {
  return `${template.metadata.name}-${set.metadata.name}-${ordinal}`;
}

export function isMemberOf(set: KubeObject, pod: KubeObject): boolean {
  return parentAndOrdinal(pod.metadata.name ?? "").parent === set.metadata.name;
}

export function startOrdinal(set: KubeObject): number {
  return specOf(set).ordinals?.start ?? 0;
}

/** The last ordinal the set wants (inclusive). */
export function endOrdinal(set: KubeObject): number {
  return startOrdinal(set) + (specOf(set).replicas ?? 1) - 1;
}

export function inOrdinalRange(pod: KubeObject, set: KubeObject): boolean {
  const ordinal = ordinalOf(pod);
  return ordinal >= startOrdinal(set) && ordinal <= endOrdinal(set);
}

export function podRevision(pod: KubeObject): string {
  return pod.metadata.labels?.[REVISION_LABEL] ?? "";
}

export function identityMatches(set: KubeObject, pod: KubeObject): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod.metadata.name ?? "");
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name
  );
}

interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName?: string; readOnly?: boolean };
  [key: string]: unknown;
}

function volumesOf(pod: KubeObject): Volume[] {
  const spec = pod.spec as { volumes?: Volume[] } | undefined;
  return spec?.volumes ?? [];
}

/** Every claim template is mounted from this ordinal's claim. */
export function storageMatches(set: KubeObject, pod: KubeObject): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map(volumesOf(pod).map((v) => [v.name, v]));
  return (specOf(set).volumeClaimTemplates ?? []).every(
    (t) =>
      volumes.get(t.metadata.name ?? "")?.persistentVolumeClaim?.claimName === claimName(t, set, ordinal),
  );
}

/**
 * getPersistentVolumeClaims: the claims of one ordinal, by template name: the template's metadata and
 * spec, named for the ordinal, with the set's matchLabels added to the template's labels.
 */
export function claimsFor(set: KubeObject, ordinal: number): Map<string, KubeObject> {
  const claims = new Map<string, KubeObject>();
  const matchLabels = specOf(set).selector?.matchLabels ?? {};
  for (const template of specOf(set).volumeClaimTemplates ?? []) {
    const { name: _name, namespace: _ns, ...meta } = template.metadata;
    claims.set(template.metadata.name ?? "", {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: {
        ...structuredClone(meta),
        name: claimName(template, set, ordinal),
        namespace: set.metadata.namespace,
        labels: { ...(template.metadata.labels ?? {}), ...matchLabels },
      },
      spec: structuredClone(template.spec ?? {}),
    });
  }
  return claims;
}

/** updateStorage: the claim volumes first, then the pod's other volumes (same-named ones replaced). */
export function updateStorage(set: KubeObject, pod: KubeObject): void {
  const claims = claimsFor(set, ordinalOf(pod));
  const volumes: Volume[] = [...claims].map(([name, claim]) => ({
    name,
    persistentVolumeClaim: { claimName: claim.metadata.name ?? "" },
  }));
  for (const volume of volumesOf(pod)) if (!claims.has(volume.name)) volumes.push(volume);
  (pod.spec as { volumes?: Volume[] }).volumes = volumes;
}

/** updateIdentity: the name and namespace from the ordinal, and the pod-name and pod-index labels. */
export function updateIdentity(set: KubeObject, pod: KubeObject): void {
  const ordinal = ordinalOf(pod);
  pod.metadata.name = podName(set, ordinal);
  pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels = {
    ...(pod.metadata.labels ?? {}),
    [POD_NAME_LABEL]: pod.metadata.name,
    [POD_INDEX_LABEL]: String(ordinal),
  };
}

/**
 * newStatefulSetPod + setPodRevision: the pod of `ordinal` from `set`'s template (the set as of a
 * revision), with hostname and subdomain, which only a new pod gets (they are immutable).
 */
export function newStatefulSetPod(set: KubeObject, ordinal: number, revision: string): KubeObject {
  const pod = podFromTemplate(specOf(set).template, set);
  pod.metadata.name = podName(set, ordinal);
  updateIdentity(set, pod);
  const spec = pod.spec as Record<string, unknown>;
  spec.hostname = pod.metadata.name;
  const serviceName = specOf(set).serviceName;
  if (serviceName) spec.subdomain = serviceName;
  updateStorage(set, pod);
  pod.metadata.labels = { ...pod.metadata.labels, [REVISION_LABEL]: revision };
  return pod;
}
