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

/** One resource past a quota, its amounts printed as Kubernetes prints quantities. */
export interface ExceededResource {
  name: string;
  requested: string;
  used: string;
  limited: string;
}

/** ResourceQuota admission's prettyPrint: `name=value` sorted by name, joined by commas. */
function prettyPrint(resources: readonly ExceededResource[], pick: (r: ExceededResource) => string): string {
  return [...resources]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((r) => `${r.name}=${pick(r)}`)
    .join(",");
}

/**
 * The 403 kube-apiserver's ResourceQuota admission answers (admission.NewForbidden), e.g.
 * `pods "web-1" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=3, limited:
 * pods=3`. kubectl prints it as `Error from server (Forbidden): …`.
 */
export function exceededQuota(
  ref: Pick<ObjectRef, "group" | "resource" | "name">,
  quotaName: string,
  resources: readonly ExceededResource[],
): ApiError {
  return quotaForbidden(
    ref,
    `exceeded quota: ${quotaName}, requested: ${prettyPrint(resources, (r) => r.requested)}, used: ${prettyPrint(resources, (r) => r.used)}, limited: ${prettyPrint(resources, (r) => r.limited)}`,
  );
}

/** admission.NewForbidden for a quota's refusal (`exceeded quota: …`, `failed quota: …`). */
export function quotaForbidden(
  ref: Pick<ObjectRef, "group" | "resource" | "name">,
  reason: string,
): ApiError {
  return new ApiError(
    "Forbidden",
    `${qualifiedResource(ref.group, ref.resource)} "${ref.name}" is forbidden: ${reason}`,
    { name: ref.name, group: ref.group, kind: ref.resource },
    "quota_exceeded",
  );
}

/** The platform's cluster quota refusal, worded as if a ResourceQuota named CLUSTER_QUOTA_NAME said it. */
export function quotaExceeded(
  ref: ObjectRef,
  exceeded: readonly QuotaDimension[],
  amounts: { requested: QuotaAmounts; used: QuotaAmounts; limited: QuotaAmounts },
): ApiError {
  return exceededQuota(
    ref,
    CLUSTER_QUOTA_NAME,
    exceeded.map((d) => ({
      name: RESOURCE_NAMES[d],
      requested: formatAmount(d, amounts.requested[d]),
      used: formatAmount(d, amounts.used[d]),
      limited: formatAmount(d, amounts.limited[d]),
    })),
  );
}
