/** qos.ComputePodQOS (pkg/apis/core/helper/qos, release-1.32): the class a pod is given at creation. */
import {
  addQuantities,
  compareQuantities,
  type Quantity,
  ZERO_QUANTITY,
} from "../../../validation/quantity.ts";
import { asObject, type JsonObject, objectsOf } from "../json.ts";
import { resourceEntries } from "../resource-list.ts";

export type QosClass = "Guaranteed" | "Burstable" | "BestEffort";

const QOS_RESOURCES = new Set(["cpu", "memory"]);

function accumulate(into: Map<string, Quantity>, name: string, q: Quantity): void {
  const current = into.get(name);
  into.set(name, current ? addQuantities(current, q) : q);
}

/** Only cpu and memory count; zero quantities are as good as absent. */
export function computeQosClass(spec: JsonObject): QosClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const list of ["containers", "initContainers"]) {
    for (const [c] of objectsOf(spec[list])) {
      const resources = asObject(c.resources) ?? {};
      for (const [name, q] of resourceEntries(resources.requests)) {
        if (QOS_RESOURCES.has(name) && compareQuantities(q, ZERO_QUANTITY) > 0) accumulate(requests, name, q);
      }
      const found = new Set<string>();
      for (const [name, q] of resourceEntries(resources.limits)) {
        if (QOS_RESOURCES.has(name) && compareQuantities(q, ZERO_QUANTITY) > 0) {
          found.add(name);
          accumulate(limits, name, q);
        }
      }
      if (!found.has("cpu") || !found.has("memory")) guaranteed = false;
    }
  }
  if (requests.size === 0 && limits.size === 0) return "BestEffort";
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || compareQuantities(lim, req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? "Guaranteed" : "Burstable";
}
