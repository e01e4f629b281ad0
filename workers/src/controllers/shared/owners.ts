import type { KubeObject, OwnerReference } from "../../../../apps/api/src/kube/object/types.ts";

/** The owner reference with controller: true, if any (metav1.GetControllerOf). */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((ref) => ref.controller === true);
}

/** The reference a controller puts on what it creates (metav1.NewControllerRef). */
export function controllerRefTo(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? "",
    kind: owner.kind ?? "",
    name: owner.metadata.name ?? "",
    uid: owner.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether `obj` is controlled by an object of this kind (and, when given, this uid). */
export function isControlledBy(obj: KubeObject, kind: string, uid?: string): boolean {
  const ref = controllerOf(obj);
  return ref !== undefined && ref.kind === kind && (uid === undefined || ref.uid === uid);
}
