import type { ResourceId } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import type { LabelSelectorObject } from "../../../../apps/api/src/kube/selectors/index.ts";
import type { PodTemplate } from "../shared/pod-from-template.ts";

export const REPLICASETS: ResourceId = { group: "apps", version: "v1", resource: "replicasets" };

/** apps/v1 ReplicaSetCondition (no lastUpdateTime, unlike Deployments). */
export interface ReplicaSetCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: LabelSelectorObject;
  template?: PodTemplate;
}

/** apps/v1 ReplicaSetStatus: `replicas` is always present, the other counters are omitted at 0. */
export interface ReplicaSetStatus {
  replicas?: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaSetCondition[];
}

/** A ReplicaSet as the controllers read it (the API has defaulted and validated it). */
export type ReplicaSet = KubeObject & { spec: ReplicaSetSpec; status?: ReplicaSetStatus };

export function asReplicaSet(obj: KubeObject): ReplicaSet {
  const rs = obj as ReplicaSet;
  rs.spec ??= {};
  return rs;
}

/** spec.replicas (defaulted to 1 by the API). */
export function specReplicas(rs: ReplicaSet): number {
  return rs.spec.replicas ?? 1;
}

export function statusOf(rs: ReplicaSet): ReplicaSetStatus {
  return rs.status ?? {};
}

export function minReadySeconds(rs: ReplicaSet): number {
  return rs.spec.minReadySeconds ?? 0;
}
