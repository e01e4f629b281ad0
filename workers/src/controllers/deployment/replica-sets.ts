import type { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import { semanticEqual } from "../../../../apps/api/src/kube/registry/support/json.ts";
import { selectorFromLabelSelector } from "../../../../apps/api/src/kube/selectors/index.ts";
import {
  asReplicaSet,
  REPLICASETS,
  type ReplicaSet,
  specReplicas,
  statusOf,
} from "../replicaset/replica-set.ts";
import { claimObjects, recheckOwner } from "../shared/controller-ref-manager.ts";
import type { PodTemplate } from "../shared/pod-from-template.ts";
import { revisionOf } from "./annotations.ts";
import { DEPLOYMENTS, type Deployment, POD_TEMPLATE_HASH } from "./deployment.ts";

/**
 * getReplicaSetsForDeployment: the namespace's ReplicaSets the Deployment controls, after adopting
 * orphans its selector matches and releasing those it no longer matches.
 */
export async function replicaSetsForDeployment(
  client: InProcessClient,
  d: Deployment,
): Promise<ReplicaSet[]> {
  const all = await client.list(REPLICASETS, d.metadata.namespace);
  const claimed = await claimObjects(all, {
    client,
    owner: d,
    resource: REPLICASETS,
    selector: selectorFromLabelSelector(d.spec.selector),
    canAdopt: recheckOwner(client, DEPLOYMENTS, d),
  });
  return claimed.map(asReplicaSet);
}

/** EqualIgnoreHash: semantically equal pod templates, but for the pod-template-hash label. */
export function equalIgnoreHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  return semanticEqual(withoutHash(a), withoutHash(b));
}

function withoutHash(template: PodTemplate | undefined): PodTemplate {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels) {
    const { [POD_TEMPLATE_HASH]: _hash, ...labels } = copy.metadata.labels;
    copy.metadata.labels = labels;
  }
  return copy;
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's. */
export function findNewReplicaSet(d: Deployment, sets: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...sets].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** FindOldReplicaSets (all of them, with or without replicas). */
export function findOldReplicaSets(d: Deployment, sets: readonly ReplicaSet[]): ReplicaSet[] {
  const newRS = findNewReplicaSet(d, sets);
  return sets.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
}

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const ta = Date.parse(a.metadata.creationTimestamp ?? "") || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? "") || 0;
  if (ta !== tb) return ta - tb;
  return (a.metadata.name ?? "") < (b.metadata.name ?? "")
    ? -1
    : (a.metadata.name ?? "") > (b.metadata.name ?? "")
      ? 1
      : 0;
}

/** ReplicaSetsBySizeNewer: largest first; equal sizes newest first (scaling up). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreation(b, a);
}

/** ReplicaSetsBySizeOlder: largest first; equal sizes oldest first (scaling down). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreation(a, b);
}

/** ReplicaSetsByRevision: lowest revision first, then oldest. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  return (revisionOf(a) ?? 0) - (revisionOf(b) ?? 0) || byCreation(a, b);
}

/** FilterActiveReplicaSets: those asking for pods. */
export function activeReplicaSets(sets: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return sets.filter((rs): rs is ReplicaSet => rs !== undefined && specReplicas(rs) > 0);
}

/** GetReplicaCountForReplicaSets: the pods asked for (spec.replicas). */
export function specReplicaCount(sets: readonly (ReplicaSet | undefined)[]): number {
  return sets.reduce((sum, rs) => sum + (rs ? specReplicas(rs) : 0), 0);
}

/** GetActualReplicaCountForReplicaSets: the pods they have (status.replicas). */
export function actualReplicaCount(sets: readonly (ReplicaSet | undefined)[]): number {
  return sets.reduce((sum, rs) => sum + (rs ? (statusOf(rs).replicas ?? 0) : 0), 0);
}

export function readyReplicaCount(sets: readonly (ReplicaSet | undefined)[]): number {
  return sets.reduce((sum, rs) => sum + (rs ? (statusOf(rs).readyReplicas ?? 0) : 0), 0);
}

export function availableReplicaCount(sets: readonly (ReplicaSet | undefined)[]): number {
  return sets.reduce((sum, rs) => sum + (rs ? (statusOf(rs).availableReplicas ?? 0) : 0), 0);
}
