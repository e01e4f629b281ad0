/**
 * How many pods a PodDisruptionBudget expects and how many must stay healthy
 * (pkg/controller/disruption/disruption.go getExpectedPodCount, getExpectedScale and the controller
 * finders; release-1.32).
 */
import type { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject, OwnerReference } from "../../../../apps/api/src/kube/object/types.ts";
import { resourcesOf } from "../../../../apps/api/src/kube/registry/registry.ts";
import { controllerOf } from "../shared/owners.ts";

export type IntOrString = number | string;

export interface BudgetSpec {
  minAvailable?: IntOrString | null;
  maxUnavailable?: IntOrString | null;
}

export interface ExpectedCount {
  expectedCount: number;
  desiredHealthy: number;
  /** Pods without a controller, which a percentage or maxUnavailable cannot account for. */
  unmanagedPods: string[];
}

/** intstr.GetScaledValueFromIntOrPercent, rounding up. */
export function scaledValue(value: IntOrString, total: number): number {
  if (typeof value === "number") return value;
  if (!value.endsWith("%")) {
    throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  }
  const percent = Number(value.slice(0, -1));
  if (!Number.isInteger(percent)) {
    throw new Error(
      `invalid value for IntOrString: invalid value "${value}": strconv.Atoi: parsing "${value.slice(0, -1)}": invalid syntax`,
    );
  }
  return Math.ceil((percent * total) / 100);
}

export async function expectedPodCount(
  client: InProcessClient,
  spec: BudgetSpec,
  pods: readonly KubeObject[],
  namespace: string,
): Promise<ExpectedCount> {
  const { maxUnavailable, minAvailable } = spec;
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    const { expectedCount, unmanagedPods } = await expectedScale(client, pods, namespace);
    const desiredHealthy = Math.max(0, expectedCount - scaledValue(maxUnavailable, expectedCount));
    return { expectedCount, desiredHealthy, unmanagedPods };
  }
  if (typeof minAvailable === "number") {
    return { expectedCount: pods.length, desiredHealthy: minAvailable, unmanagedPods: [] };
  }
  if (typeof minAvailable === "string") {
    const { expectedCount, unmanagedPods } = await expectedScale(client, pods, namespace);
    return { expectedCount, desiredHealthy: scaledValue(minAvailable, expectedCount), unmanagedPods };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] };
}

/**
 * getExpectedScale: the sum of the scale of every controller owning one of the pods; pods without
 * a controller are reported, a controller that cannot be found is an error.
 */
async function expectedScale(
  client: InProcessClient,
  pods: readonly KubeObject[],
  namespace: string,
): Promise<{ expectedCount: number; unmanagedPods: string[] }> {
  const scales = new Map<string, number>();
  const unmanagedPods: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) {
      unmanagedPods.push(pod.metadata.name ?? "");
      continue;
    }
    if (scales.has(ref.uid)) continue;
    const found = await controllerAndScale(client, ref, namespace);
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
    scales.set(found.uid, found.scale);
  }
  let expectedCount = 0;
  for (const scale of scales.values()) expectedCount += scale;
  return { expectedCount, unmanagedPods };
}

interface ControllerAndScale {
  uid: string;
  scale: number;
}

function groupVersionOf(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function replicasOf(obj: KubeObject): number {
  return (obj.spec as { replicas?: number } | undefined)?.replicas ?? 1;
}

/**
 * The finders: a ReplicaSet of a Deployment counts as the Deployment; any other controller by the
 * replicas of its scale subresource (ReplicationController, ReplicaSet, StatefulSet …).
 */
async function controllerAndScale(
  client: InProcessClient,
  ref: OwnerReference,
  namespace: string,
): Promise<ControllerAndScale | undefined> {
  const { group, version } = groupVersionOf(ref.apiVersion);
  if (ref.kind === "ReplicaSet" && (group === "apps" || group === "extensions")) {
    const rs = await client.get(
      { group: "apps", version: "v1", resource: "replicasets" },
      namespace,
      ref.name,
    );
    const owner = rs && rs.metadata.uid === ref.uid ? controllerOf(rs) : undefined;
    if (
      owner?.kind === "Deployment" &&
      ["apps", "extensions"].includes(groupVersionOf(owner.apiVersion).group)
    ) {
      const deployment = await client.get(
        { group: "apps", version: "v1", resource: "deployments" },
        namespace,
        owner.name,
      );
      if (deployment && deployment.metadata.uid === owner.uid) {
        return { uid: owner.uid, scale: replicasOf(deployment) };
      }
    }
  }
  const def = resourcesOf(group, version).find((d) => d.kind === ref.kind);
  if (!def) throw new Error(`no matches for kind "${ref.kind}" in version "${ref.apiVersion}"`);
  if (!def.subresources.some((s) => s.name === "scale")) {
    throw new Error(
      `${group ? `${def.resource}.${group}` : def.resource} does not implement the scale subresource`,
    );
  }
  const obj = await client.get({ group, version, resource: def.resource }, namespace, ref.name);
  if (!obj || obj.metadata.uid !== ref.uid) return undefined;
  return { uid: ref.uid, scale: replicasOf(obj) };
}
