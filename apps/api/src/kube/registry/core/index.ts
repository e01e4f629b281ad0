/**
 * The strategies of the core/v1 kinds (and coordination.k8s.io Leases). Importing this module
 * registers them; it must be evaluated before resources.ts resolves strategies (e.g. imported at
 * the top of resources.ts, whose imports run before its body).
 */
import type { Strategy } from "../types.ts";
import { configMapStrategy } from "./configmaps/strategy.ts";
import { endpointsStrategy } from "./endpoints/strategy.ts";
import { eventStrategy } from "./events/strategy.ts";
import { leaseStrategy } from "./leases/strategy.ts";
import { limitRangeStrategy } from "./limitranges/strategy.ts";
import { namespaceStrategy } from "./namespaces/strategy.ts";
import { nodeStrategy } from "./nodes/strategy.ts";
import { persistentVolumeClaimStrategy } from "./persistentvolumeclaims/strategy.ts";
import { persistentVolumeStrategy } from "./persistentvolumes/strategy.ts";
import { podStrategy } from "./pods/strategy.ts";
import { resourceQuotaStrategy } from "./resourcequotas/strategy.ts";
import { secretStrategy } from "./secrets/strategy.ts";
import { serviceAccountStrategy } from "./serviceaccounts/strategy.ts";
import { serviceStrategy } from "./services/strategy.ts";

/** The strategies of the core kinds, keyed by the storage group and resource they apply to. */
export const CORE_STRATEGIES: readonly { group: string; resource: string; strategy: Strategy }[] = [
  { group: "", resource: "pods", strategy: podStrategy },
  { group: "", resource: "services", strategy: serviceStrategy },
  { group: "", resource: "namespaces", strategy: namespaceStrategy },
  { group: "", resource: "configmaps", strategy: configMapStrategy },
  { group: "", resource: "secrets", strategy: secretStrategy },
  { group: "", resource: "serviceaccounts", strategy: serviceAccountStrategy },
  { group: "", resource: "nodes", strategy: nodeStrategy },
  { group: "", resource: "endpoints", strategy: endpointsStrategy },
  { group: "", resource: "persistentvolumeclaims", strategy: persistentVolumeClaimStrategy },
  { group: "", resource: "persistentvolumes", strategy: persistentVolumeStrategy },
  { group: "", resource: "resourcequotas", strategy: resourceQuotaStrategy },
  { group: "", resource: "limitranges", strategy: limitRangeStrategy },
  { group: "", resource: "events", strategy: eventStrategy },
  { group: "coordination.k8s.io", resource: "leases", strategy: leaseStrategy },
];
