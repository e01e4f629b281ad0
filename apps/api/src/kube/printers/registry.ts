/**
 * Which printer serves which group/resource. Kinds absent here (roles, clusterroles, limitranges, …)
 * have no upstream printer and get the default table, exactly as kube-apiserver does.
 */

import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from "./apps.ts";
import { horizontalPodAutoscalerPrinter } from "./autoscaling.ts";
import { cronJobPrinter, jobPrinter } from "./batch.ts";
import { leasePrinter } from "./coordination.ts";
import {
  configMapPrinter,
  endpointsPrinter,
  namespacePrinter,
  replicationControllerPrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
} from "./core.ts";
import { coreEventPrinter, eventsV1EventPrinter } from "./core-events.ts";
import { nodePrinter } from "./core-nodes.ts";
import { podPrinter } from "./core-pods.ts";
import { servicePrinter } from "./core-services.ts";
import { persistentVolumeClaimPrinter, persistentVolumePrinter } from "./core-volumes.ts";
import { defaultPrinter } from "./default-table.ts";
import { endpointSlicePrinter } from "./discovery.ts";
import { ingressClassPrinter, ingressPrinter, networkPolicyPrinter } from "./networking.ts";
import { podDisruptionBudgetPrinter } from "./policy.ts";
import { clusterRoleBindingPrinter, roleBindingPrinter } from "./rbac.ts";
import { storageClassPrinter } from "./storage.ts";
import type { Printer } from "./types.ts";

const PRINTERS: Record<string, Record<string, Printer>> = {
  "": {
    pods: podPrinter,
    services: servicePrinter,
    nodes: nodePrinter,
    events: coreEventPrinter,
    namespaces: namespacePrinter,
    configmaps: configMapPrinter,
    secrets: secretPrinter,
    serviceaccounts: serviceAccountPrinter,
    endpoints: endpointsPrinter,
    persistentvolumes: persistentVolumePrinter,
    persistentvolumeclaims: persistentVolumeClaimPrinter,
    resourcequotas: resourceQuotaPrinter,
    replicationcontrollers: replicationControllerPrinter,
  },
  apps: {
    deployments: deploymentPrinter,
    replicasets: replicaSetPrinter,
    statefulsets: statefulSetPrinter,
    daemonsets: daemonSetPrinter,
    controllerrevisions: controllerRevisionPrinter,
  },
  batch: { jobs: jobPrinter, cronjobs: cronJobPrinter },
  autoscaling: { horizontalpodautoscalers: horizontalPodAutoscalerPrinter },
  "networking.k8s.io": {
    ingresses: ingressPrinter,
    ingressclasses: ingressClassPrinter,
    networkpolicies: networkPolicyPrinter,
  },
  "discovery.k8s.io": { endpointslices: endpointSlicePrinter },
  "events.k8s.io": { events: eventsV1EventPrinter },
  policy: { poddisruptionbudgets: podDisruptionBudgetPrinter },
  "storage.k8s.io": { storageclasses: storageClassPrinter },
  "coordination.k8s.io": { leases: leasePrinter },
  "rbac.authorization.k8s.io": {
    rolebindings: roleBindingPrinter,
    clusterrolebindings: clusterRoleBindingPrinter,
  },
};

/** The printer of a group ("" or "core" for the core group) and plural resource, if upstream has one. */
export function findPrinter(group: string, resource: string): Printer | undefined {
  const byResource = PRINTERS[group === "core" ? "" : group];
  return byResource && Object.hasOwn(byResource, resource) ? byResource[resource] : undefined;
}

/** The printer to use: the kind's own, else the default Name / Created At table. */
export function printerFor(group: string, resource: string): Printer {
  return findPrinter(group, resource) ?? defaultPrinter;
}
