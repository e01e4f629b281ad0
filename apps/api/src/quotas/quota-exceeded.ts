import { ApiError } from "../errors.ts";
import { type ObjectRef, qualifiedResource } from "../kube/object/types.ts";
import { formatQuantity } from "../kube/validation/quantity.ts";
import type { QuotaAmounts, QuotaDimension } from "./amounts.ts";

/** The name refusals give, as a ResourceQuota object's would be. */
export const CLUSTER_QUOTA_NAME = "sandcastle-cluster-quota";

/** ResourceQuota's resource names for each dimension (`objects` has no upstream equivalent). */
const RESOURCE_NAMES: Record<QuotaDimension, string> = {
  objects: "objects",
  pods: "pods",
  cpuMillis: "requests.cpu",
  memoryBytes: "requests.memory",
};

/** A dimension's amount as Kubernetes prints it: counts as numbers, cpu and memory as quantities. */
export function formatAmount(dimension: QuotaDimension, value: number): string {
  if (dimension === "cpuMillis")
    return formatQuantity({ mantissa: BigInt(value), scale: -3, format: "DecimalSI" });
  if (dimension === "memoryBytes")
    return formatQuantity({ mantissa: BigInt(value), scale: 0, format: "BinarySI" });
  return String(value);
}

/** ResourceQuota admission's prettyPrint: `name=value` sorted by name, joined by commas. */
function prettyPrint(dimensions: readonly QuotaDimension[], amounts: QuotaAmounts): string {
  return dimensions
    .map((d) => [RESOURCE_NAMES[d], formatAmount(d, amounts[d])] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join(",");
}

/**
 * The 403 kube-apiserver's ResourceQuota admission answers (admission.NewForbidden), e.g.
 * `pods "web-1" is forbidden: exceeded quota: sandcastle-cluster-quota, requested: pods=1, used:
 * pods=3, limited: pods=3`. kubectl prints it as `Error from server (Forbidden): …`.
 */
export function quotaExceeded(
  ref: ObjectRef,
  exceeded: readonly QuotaDimension[],
  amounts: { requested: QuotaAmounts; used: QuotaAmounts; limited: QuotaAmounts },
): ApiError {
  const reason = `exceeded quota: ${CLUSTER_QUOTA_NAME}, requested: ${prettyPrint(exceeded, amounts.requested)}, used: ${prettyPrint(exceeded, amounts.used)}, limited: ${prettyPrint(exceeded, amounts.limited)}`;
  return new ApiError(
    "Forbidden",
    `${qualifiedResource(ref.group, ref.resource)} "${ref.name}" is forbidden: ${reason}`,
    { name: ref.name, group: ref.group, kind: ref.resource },
    "quota_exceeded",
  );
}
