/**
 * What a reconcile job names: one object of one cluster, for one controller. Reconcilers take only
 * this and re-read the world (controller-runtime's Request).
 */
export interface ReconcileKey {
  clusterId: string;
  controller: string;
  namespace: string;
  name: string;
}

/** The key's identity: equal keys coalesce into one job. */
export function keyId(key: ReconcileKey): string {
  return `${key.controller}:${key.clusterId}:${key.namespace}/${key.name}`;
}
