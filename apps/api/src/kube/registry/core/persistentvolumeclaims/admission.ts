/**
 * The admission plugins kube-apiserver runs on a new claim (release-1.32): DefaultStorageClass
 * (plugin/pkg/admission/storage/storageclass/setdefault) and StorageObjectInUseProtection
 * (plugin/pkg/admission/storage/storageobjectinuseprotection).
 */
import type { KubeObject } from "../../../object/types.ts";
import { ensureObject } from "../json.ts";

export const PVC_PROTECTION_FINALIZER = "kubernetes.io/pvc-protection";
export const BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";
const DEFAULT_CLASS_ANNOTATIONS = [
  "storageclass.kubernetes.io/is-default-class",
  "storageclass.beta.kubernetes.io/is-default-class",
];

/** storageutil.IsDefaultAnnotation. */
export function isDefaultStorageClass(storageClass: KubeObject): boolean {
  return DEFAULT_CLASS_ANNOTATIONS.some((a) => storageClass.metadata.annotations?.[a] === "true");
}

/** util.GetDefaultClass: of the classes marked default, the newest (ties: the first name). */
export function chooseDefaultStorageClass(classes: readonly KubeObject[]): KubeObject | undefined {
  const created = (c: KubeObject) => Date.parse(c.metadata.creationTimestamp ?? "") || 0;
  return classes
    .filter(isDefaultStorageClass)
    .sort(
      (a, b) => created(b) - created(a) || ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1),
    )[0];
}

/**
 * helper.PersistentVolumeClaimHasClass: a class was asked for, by field (even "", which means "no
 * class") or by the beta annotation.
 */
export function claimHasClass(claim: KubeObject): boolean {
  const spec = claim.spec as { storageClassName?: string | null } | undefined;
  if (typeof spec?.storageClassName === "string") return true;
  return claim.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] !== undefined;
}

/** DefaultStorageClass: a claim that names no class gets the default one, if there is one. */
export function admitDefaultStorageClass(claim: KubeObject, classes: readonly KubeObject[]): void {
  if (claimHasClass(claim)) return;
  const chosen = chooseDefaultStorageClass(classes)?.metadata.name;
  if (chosen !== undefined) ensureObject(claim, "spec").storageClassName = chosen;
}

/** StorageObjectInUseProtection: a claim in use by a pod is only removed once no pod uses it. */
export function addProtectionFinalizer(claim: KubeObject): void {
  const finalizers = claim.metadata.finalizers ?? [];
  if (!finalizers.includes(PVC_PROTECTION_FINALIZER)) {
    claim.metadata.finalizers = [...finalizers, PVC_PROTECTION_FINALIZER];
  }
}
