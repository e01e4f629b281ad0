/**
 * The pods that use a claim: by a persistentVolumeClaim volume, or by a generic ephemeral volume
 * whose claim is `<pod>-<volume>` (ephemeral.VolumeClaimName).
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { isControlledBy } from "../shared/owners.ts";
import { type BinderContext, PODS } from "./context.ts";

interface PodVolume {
  name: string;
  persistentVolumeClaim?: { claimName?: string };
  ephemeral?: unknown;
}

const volumesOf = (pod: KubeObject) => (pod.spec as { volumes?: PodVolume[] } | undefined)?.volumes ?? [];
const nodeNameOf = (pod: KubeObject) => (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? "";
const phaseOf = (pod: KubeObject) => (pod.status as { phase?: string } | undefined)?.phase ?? "";

/** util.IsPodTerminated (the phase part): the kubelet is done with it. */
export const isPodTerminated = (pod: KubeObject) => phaseOf(pod) === "Succeeded" || phaseOf(pod) === "Failed";

/** Every claim name a pod's volumes refer to: what its changes wake. */
export function claimNamesOf(pod: KubeObject): string[] {
  return volumesOf(pod).flatMap((v) => {
    if (v.persistentVolumeClaim?.claimName) return [v.persistentVolumeClaim.claimName];
    if (v.ephemeral) return [`${pod.metadata.name}-${v.name}`];
    return [];
  });
}

/** The pods of the claim's namespace that refer to it, directly or as their ephemeral volume. */
export async function podsUsingClaim(ctx: BinderContext, claim: KubeObject): Promise<KubeObject[]> {
  const pods = await ctx.client.list(PODS, claim.metadata.namespace ?? "");
  return pods.filter((pod) =>
    volumesOf(pod).some(
      (v) =>
        v.persistentVolumeClaim?.claimName === claim.metadata.name ||
        (v.ephemeral !== undefined &&
          `${pod.metadata.name}-${v.name}` === claim.metadata.name &&
          isControlledBy(claim, "Pod", pod.metadata.uid)),
    ),
  );
}

/**
 * pvc-protection's podUsesPVC: a scheduled pod refers to the claim (an ephemeral claim only counts
 * while its pod is not shut down).
 */
export function blocksClaimDeletion(pod: KubeObject, claim: KubeObject): boolean {
  if (!nodeNameOf(pod)) return false;
  return volumesOf(pod).some(
    (v) =>
      v.persistentVolumeClaim?.claimName === claim.metadata.name ||
      (v.ephemeral !== undefined &&
        !isPodTerminated(pod) &&
        `${pod.metadata.name}-${v.name}` === claim.metadata.name),
  );
}

/** The node of the oldest scheduled, running consumer: where a WaitForFirstConsumer volume goes. */
export function consumerNode(pods: KubeObject[]): string | undefined {
  const scheduled = pods
    .filter((p) => nodeNameOf(p) && !isPodTerminated(p) && !p.metadata.deletionTimestamp)
    .sort((a, b) => (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? ""));
  return scheduled[0] ? nodeNameOf(scheduled[0]) : undefined;
}

/** findNonScheduledPodsByPVC: consumers still waiting for the scheduler. */
export function unscheduledConsumers(pods: KubeObject[]): string[] {
  return pods.filter((p) => !isPodTerminated(p) && !nodeNameOf(p)).map((p) => p.metadata.name ?? "");
}
