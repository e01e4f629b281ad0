import type { ResourceId } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import type { LabelSelectorObject } from "../../../../apps/api/src/kube/selectors/index.ts";
import { type IntOrPercent, scaledValue } from "../shared/int-or-percent.ts";
import type { PodTemplate } from "../shared/pod-from-template.ts";

export const DEPLOYMENTS: ResourceId = { group: "apps", version: "v1", resource: "deployments" };
export const DEPLOYMENT_CONTROLLER = "deployment-controller";

/** apps.DefaultDeploymentUniqueLabelKey: on a Deployment's ReplicaSets, their selectors and pods. */
export const POD_TEMPLATE_HASH = "pod-template-hash";

/** apps/v1 DeploymentCondition. */
export interface DeploymentCondition {
  type: string;
  status: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface DeploymentSpec {
  replicas?: number;
  selector?: LabelSelectorObject;
  template?: PodTemplate;
  strategy?: {
    type?: string;
    rollingUpdate?: { maxSurge?: IntOrPercent; maxUnavailable?: IntOrPercent };
  };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
}

/** apps/v1 DeploymentStatus: every field is omitted when zero. */
export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
  collisionCount?: number;
}

/** A Deployment as the controller works on it: a private copy whose status it rewrites. */
export type Deployment = KubeObject & { spec: DeploymentSpec; status: DeploymentStatus };

export function asDeployment(obj: KubeObject): Deployment {
  const d = structuredClone(obj) as Deployment;
  d.spec ??= {};
  d.status ??= {};
  return d;
}

export function desiredReplicas(d: Deployment): number {
  return d.spec.replicas ?? 1;
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? "RollingUpdate") === "RollingUpdate";
}

/**
 * ResolveFenceposts: maxSurge rounds up, maxUnavailable down; both 0 (a percentage of a small
 * deployment) would block the rollout, so maxUnavailable becomes 1.
 */
function fenceposts(d: Deployment): { surge: number; unavailable: number } {
  const ru = d.spec.strategy?.rollingUpdate;
  const replicas = desiredReplicas(d);
  const surge = scaledValue(ru?.maxSurge ?? 0, replicas, true);
  let unavailable = scaledValue(ru?.maxUnavailable ?? 0, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** MaxSurge: how many pods above spec.replicas a rolling update may run. */
export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? fenceposts(d).surge : 0;
}

/** MaxUnavailable: how many of spec.replicas may be unavailable, never more than spec.replicas. */
export function maxUnavailable(d: Deployment): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d).unavailable, replicas);
}

/** HasProgressDeadline: set and not MaxInt32 (the old "no deadline" value). */
export function hasProgressDeadline(d: Deployment): boolean {
  const deadline = d.spec.progressDeadlineSeconds;
  return deadline !== undefined && deadline !== 2147483647;
}

export function hasRevisionHistoryLimit(d: Deployment): boolean {
  const limit = d.spec.revisionHistoryLimit;
  return limit !== undefined && limit !== 2147483647;
}
