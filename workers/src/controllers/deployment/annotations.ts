import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import type { ReplicaSet } from "../replicaset/replica-set.ts";
import { type Deployment, desiredReplicas, maxSurge } from "./deployment.ts";

export const REVISION = "deployment.kubernetes.io/revision";
const REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
/** Bound on revision-history's length (maxRevHistoryLengthInChars). */
const MAX_HISTORY_CHARS = 2000;

/** Deployment annotations a ReplicaSet does not copy: its own bookkeeping, and kubectl apply's. */
const NOT_COPIED = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  "deprecated.deployment.rollback.to",
]);

/** Revision: the revision annotation as a number; 0 when absent, undefined when not a number. */
export function revisionOf(obj: KubeObject): number | undefined {
  const value = obj.metadata.annotations?.[REVISION];
  if (value === undefined) return 0;
  return /^-?\d+$/.test(value) ? Number(value) : undefined;
}

/** MaxRevision: the highest revision among the ReplicaSets (unparsable ones are skipped). */
export function maxRevision(sets: readonly ReplicaSet[]): number {
  return sets.reduce((max, rs) => Math.max(max, revisionOf(rs) ?? 0), 0);
}

/**
 * SetNewReplicaSetAnnotations: the Deployment's annotations (but NOT_COPIED) onto its new
 * ReplicaSet; the revision raised to `newRevision` when lower — and then, if it had one, the old
 * revision appended to revision-history (a rollback reuses an old ReplicaSet); the replicas
 * annotations on a ReplicaSet about to be created. Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(
  d: Deployment,
  rs: ReplicaSet,
  newRevision: number,
  exists: boolean,
): boolean {
  const annotations = { ...(rs.metadata.annotations ?? {}) };
  let changed = false;
  for (const [key, value] of Object.entries(d.metadata.annotations ?? {})) {
    if (NOT_COPIED.has(key) || annotations[key] === value) continue;
    annotations[key] = value;
    changed = true;
  }
  const oldRevision = annotations[REVISION];
  const oldNumber = oldRevision === undefined || oldRevision === "" ? 0 : Number(oldRevision);
  // Upstream gives up on a ReplicaSet whose revision is not a number.
  if (!Number.isInteger(oldNumber)) return false;
  if (oldNumber < newRevision) {
    annotations[REVISION] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined) appendHistory(annotations, oldRevision);
  }
  rs.metadata.annotations = annotations;
  if (!exists && setReplicasAnnotations(rs, desiredReplicas(d), desiredReplicas(d) + maxSurge(d)))
    changed = true;
  return changed;
}

function appendHistory(annotations: Record<string, string>, oldRevision: string): void {
  const history = annotations[REVISION_HISTORY] ?? "";
  if (history === "") {
    annotations[REVISION_HISTORY] = oldRevision;
    return;
  }
  const revisions = history.split(",");
  let total = history.length + oldRevision.length + 1;
  let start = 0;
  while (total > MAX_HISTORY_CHARS && start < revisions.length) {
    total -= revisions[start]!.length + 1;
    start++;
  }
  if (total <= MAX_HISTORY_CHARS)
    annotations[REVISION_HISTORY] = [...revisions.slice(start), oldRevision].join(",");
}

/** SetReplicasAnnotations: desired-replicas and max-replicas (spec.replicas + maxSurge). */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  if (!replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
  rs.metadata.annotations = {
    ...(rs.metadata.annotations ?? {}),
    [DESIRED_REPLICAS]: String(desired),
    [MAX_REPLICAS]: String(max),
  };
  return true;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = rs.metadata.annotations ?? {};
  return annotations[DESIRED_REPLICAS] !== String(desired) || annotations[MAX_REPLICAS] !== String(max);
}

/** An integer annotation of a ReplicaSet (desired-replicas, max-replicas), if present and valid. */
export function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const value = rs.metadata.annotations?.[key];
  return value !== undefined && /^-?\d+$/.test(value) ? Number(value) : undefined;
}

/** SetDeploymentRevision: whether the Deployment's revision annotation changed. */
export function setDeploymentRevision(d: Deployment, revision: string | undefined): boolean {
  if (revision === undefined || d.metadata.annotations?.[REVISION] === revision) return false;
  d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [REVISION]: revision };
  return true;
}
