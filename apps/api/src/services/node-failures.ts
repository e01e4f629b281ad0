import { ApiError, notFoundError } from "../errors.ts";
import { CORE_V1, InProcessClient } from "../kube/client/in-process-client.ts";
import type { KubeObject } from "../kube/object/types.ts";
import { SIMULATED_FAILURE_ANNOTATION, simulatedFailure } from "../kube/simulation/simulated-failure.ts";
import { kubeTime } from "../platform/clock.ts";
import { getClusterRow } from "./clusters.ts";
import type { TenantContext } from "./context.ts";

/** The REST shape of a node's simulated health. */
export interface NodeFailureView {
  clusterId: string;
  name: string;
  /** Failed: its simulated kubelet has stopped (no Lease renewals, no status). */
  state: "Failed" | "Healthy";
  failedAt: string | null;
}

export interface NodeFailureChange {
  node: NodeFailureView;
  /** False when the node was already in that state (the call changed nothing). */
  changed: boolean;
}

/**
 * Stops the node's simulated kubelet, as if the machine lost power or its network: the Lease stops
 * being renewed, and the node lifecycle controller takes it from there (NotReady after the grace
 * period, unreachable taints, evictions). Failing a failed node changes nothing, and keeps the time
 * of the first failure, so a retried request is harmless.
 */
export function failNode(
  ctx: TenantContext,
  clusterId: string,
  nodeName: string,
): Promise<NodeFailureChange> {
  const failedAt = kubeTime(ctx.runtime.clock.now());
  return changeNode(ctx, clusterId, nodeName, (node) => {
    if (simulatedFailure(node)) return undefined;
    node.metadata.annotations = { ...node.metadata.annotations, [SIMULATED_FAILURE_ANNOTATION]: failedAt };
    return node;
  });
}

/** Starts the node's simulated kubelet again: it renews its Lease and posts Ready at once. */
export function recoverNode(
  ctx: TenantContext,
  clusterId: string,
  nodeName: string,
): Promise<NodeFailureChange> {
  return changeNode(ctx, clusterId, nodeName, (node) => {
    if (!simulatedFailure(node)) return undefined;
    const { [SIMULATED_FAILURE_ANNOTATION]: _gone, ...annotations } = node.metadata.annotations ?? {};
    node.metadata.annotations = annotations;
    return node;
  });
}

/** Applies `change` (undefined: nothing to do) to the node of this tenant's cluster. */
async function changeNode(
  ctx: TenantContext,
  clusterId: string,
  nodeName: string,
  change: (node: KubeObject) => KubeObject | undefined,
): Promise<NodeFailureChange> {
  await getClusterRow(ctx, clusterId);
  const client = new InProcessClient(ctx.runtime, clusterId, "sandcastle");
  let changed = false;
  try {
    const node = await client.update(CORE_V1("nodes"), "", nodeName, (current) => {
      const next = change(current);
      changed = next !== undefined;
      return next ?? current;
    });
    return { node: nodeFailureView(clusterId, node), changed };
  } catch (err) {
    if (err instanceof ApiError && err.reason === "NotFound")
      throw notFoundError(`node "${nodeName}" not found in cluster "${clusterId}"`);
    throw err;
  }
}

function nodeFailureView(clusterId: string, node: KubeObject): NodeFailureView {
  const failure = simulatedFailure(node);
  return {
    clusterId,
    name: node.metadata.name ?? "",
    state: failure ? "Failed" : "Healthy",
    failedAt: failure ? (node.metadata.annotations?.[SIMULATED_FAILURE_ANNOTATION] ?? null) : null,
  };
}
