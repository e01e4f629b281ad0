import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import type { LabelSelectorObject } from "../../../../apps/api/src/kube/selectors/index.ts";

/** The parts of an apps/v1 StatefulSet the controller reads (defaults already applied by the API). */
export interface StatefulSetSpec {
  replicas?: number;
  selector?: LabelSelectorObject;
  template?: { metadata?: KubeObject["metadata"]; spec?: Record<string, unknown> };
  serviceName?: string;
  podManagementPolicy?: "OrderedReady" | "Parallel";
  updateStrategy?: {
    type?: "RollingUpdate" | "OnDelete";
    rollingUpdate?: { partition?: number; maxUnavailable?: number | string };
  };
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  volumeClaimTemplates?: KubeObject[];
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
  ordinals?: { start?: number };
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  conditions?: unknown[];
}

export type StatefulSet = KubeObject & { spec: StatefulSetSpec; status?: Partial<StatefulSetStatus> };

export const STATEFULSETS = { group: "apps", version: "v1", resource: "statefulsets" };
export const COMPONENT = "statefulset-controller";

export function specOf(set: KubeObject): StatefulSetSpec {
  return (set.spec ?? {}) as StatefulSetSpec;
}

export function replicasOf(set: KubeObject): number {
  return specOf(set).replicas ?? 1;
}

export function minReadySecondsOf(set: KubeObject): number {
  return specOf(set).minReadySeconds ?? 0;
}
