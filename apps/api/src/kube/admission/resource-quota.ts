/**
 * The ResourceQuota admission plugin (plugin/pkg/admission/resourcequota, release-1.32) for creates:
 * an object is refused (403) when it lacks a compute request or limit a quota of its namespace
 * constrains, or when it would take such a quota past spec.hard.
 *
 * Usage is counted from the namespace's objects inside the write transaction, which holds the
 * cluster's counter lock from its start: two creates cannot both take the last slot, and nothing
 * depends on the controller having caught up with status.used (upstream refuses with "status
 * unknown" until it has). A namespace without quotas costs one primary-key-prefix query.
 */
import { exceededQuota, quotaForbidden } from "../../quotas/quota-exceeded.ts";
import type { KubeObject, ObjectRef } from "../object/types.ts";
import type { StoreTransaction } from "../store/transaction.ts";
import { addQuantities, compareQuantities, formatQuantity } from "../validation/quantity.ts";
import {
  hardOf,
  missingComputeResources,
  objectsCounted,
  objectUsage,
  quotaCovers,
  quotaUsed,
} from "./quota-usage.ts";

export async function admitResourceQuotas(
  tx: StoreTransaction,
  ref: ObjectRef,
  obj: KubeObject,
  now: Date,
): Promise<void> {
  if (!ref.namespace) return;
  const quotas = (await tx.lookupList("", "resourcequotas", ref.namespace)).filter((q) =>
    quotaCovers(q, ref.group, ref.resource, obj),
  );
  if (quotas.length === 0) return;
  const requested = objectUsage(ref.group, ref.resource, obj, now);
  const interesting: KubeObject[] = [];
  for (const quota of quotas) {
    const constrained = [...hardOf(quota).keys()].filter((name) => requested.has(name) || isCompute(name));
    if (ref.group === "" && ref.resource === "pods" && requested.size > 0) {
      const missing = missingComputeResources(obj, constrained);
      if (missing) throw quotaForbidden(ref, `failed quota: ${quota.metadata.name}: ${missing}`);
    }
    if (constrained.some((name) => requested.has(name))) interesting.push(quota);
  }
  if (interesting.length === 0) return;
  const objects = await objectsCounted(interesting, (kind) =>
    tx.list(kind.group, kind.resource, ref.namespace),
  );
  for (const quota of interesting) {
    const hard = hardOf(quota);
    const used = quotaUsed(quota, objects, now);
    const exceeded = [...hard].flatMap(([name, limit]) => {
      const request = requested.get(name);
      if (!request) return [];
      const before = used.get(name)!;
      const after = addQuantities(before, request);
      if (compareQuantities(after, limit) <= 0) return [];
      return [
        {
          name,
          requested: formatQuantity(request),
          used: formatQuantity(before),
          limited: formatQuantity(limit),
        },
      ];
    });
    if (exceeded.length > 0) throw exceededQuota(ref, quota.metadata.name ?? "", exceeded);
  }
}

function isCompute(name: string): boolean {
  return /^(requests\.|limits\.)?(cpu|memory)$/.test(name);
}
