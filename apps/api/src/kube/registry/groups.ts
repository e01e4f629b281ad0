import { controllerRevisionStrategy } from "./apps/controllerrevisions/strategy.ts";
import { daemonSetStrategy } from "./apps/daemonsets/strategy.ts";
import { deploymentStrategy } from "./apps/deployments/strategy.ts";
import { replicaSetStrategy } from "./apps/replicasets/strategy.ts";
import { statefulSetStrategy } from "./apps/statefulsets/strategy.ts";
import { horizontalPodAutoscalerStrategy } from "./autoscaling/horizontalpodautoscalers/strategy.ts";
import { cronJobStrategy } from "./batch/cronjobs/strategy.ts";
import { jobStrategy } from "./batch/jobs/strategy.ts";
import { endpointSliceStrategy } from "./discovery/endpointslices/strategy.ts";
import { ingressClassStrategy } from "./networking/ingressclasses/strategy.ts";
import { ingressStrategy } from "./networking/ingresses/strategy.ts";
import { networkPolicyStrategy } from "./networking/networkpolicies/strategy.ts";
import { podDisruptionBudgetStrategy } from "./policy/poddisruptionbudgets/strategy.ts";
import { clusterRoleBindingStrategy } from "./rbac/clusterrolebindings/strategy.ts";
import { clusterRoleStrategy } from "./rbac/clusterroles/strategy.ts";
import { roleBindingStrategy } from "./rbac/rolebindings/strategy.ts";
import { roleStrategy } from "./rbac/roles/strategy.ts";
import { storageClassStrategy } from "./storage/storageclasses/strategy.ts";
import type { Strategy } from "./types.ts";

export { horizontalPodAutoscalerV1Conversion } from "./autoscaling/horizontalpodautoscalers/v1-conversion.ts";
export { eventsV1Conversion } from "./events/events/conversion.ts";
export { validateEventsV1Create, validateEventsV1Update } from "./events/events/validation.ts";
export { applyScale, type Scale, toScale } from "./scale.ts";

/**
 * The strategies of the non-core groups, keyed by the storage group and resource they apply to
 * (autoscaling/v1 HPAs and events.k8s.io Events share their storage resource's strategy).
 */
export const GROUP_STRATEGIES: readonly { group: string; resource: string; strategy: Strategy }[] = [
  { group: "apps", resource: "controllerrevisions", strategy: controllerRevisionStrategy },
  { group: "apps", resource: "daemonsets", strategy: daemonSetStrategy },
  { group: "apps", resource: "deployments", strategy: deploymentStrategy },
  { group: "apps", resource: "replicasets", strategy: replicaSetStrategy },
  { group: "apps", resource: "statefulsets", strategy: statefulSetStrategy },
  { group: "autoscaling", resource: "horizontalpodautoscalers", strategy: horizontalPodAutoscalerStrategy },
  { group: "batch", resource: "cronjobs", strategy: cronJobStrategy },
  { group: "batch", resource: "jobs", strategy: jobStrategy },
  { group: "discovery.k8s.io", resource: "endpointslices", strategy: endpointSliceStrategy },
  { group: "networking.k8s.io", resource: "ingressclasses", strategy: ingressClassStrategy },
  { group: "networking.k8s.io", resource: "ingresses", strategy: ingressStrategy },
  { group: "networking.k8s.io", resource: "networkpolicies", strategy: networkPolicyStrategy },
  { group: "policy", resource: "poddisruptionbudgets", strategy: podDisruptionBudgetStrategy },
  {
    group: "rbac.authorization.k8s.io",
    resource: "clusterrolebindings",
    strategy: clusterRoleBindingStrategy,
  },
  { group: "rbac.authorization.k8s.io", resource: "clusterroles", strategy: clusterRoleStrategy },
  { group: "rbac.authorization.k8s.io", resource: "rolebindings", strategy: roleBindingStrategy },
  { group: "rbac.authorization.k8s.io", resource: "roles", strategy: roleStrategy },
  { group: "storage.k8s.io", resource: "storageclasses", strategy: storageClassStrategy },
];
