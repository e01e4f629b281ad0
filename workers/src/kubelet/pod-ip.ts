import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";
import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";

/** The Redis hash holding each node's next pod address, per cluster (one key, dropped with it). */
export function podIpKey(runtime: Runtime, clusterId: string): string {
  return `${runtime.config.redisPrefix}ipam:{${clusterId}}`;
}

/**
 * A pod address from the node's podCIDR, as host-local IPAM hands them out: sequentially from .2,
 * wrapping around. A counter per node is enough because a node holds at most 110 pods, far fewer
 * than the 252 addresses it cycles through, so an address comes back only long after its pod left.
 */
export async function allocatePodIp(runtime: Runtime, clusterId: string, node: KubeObject): Promise<string> {
  const cidr = (node.spec as { podCIDR?: string } | undefined)?.podCIDR ?? "10.244.0.0/24";
  const [base] = cidr.split("/") as [string];
  const octets = base.split(".").map(Number);
  const n = await runtime.redis.hincrby(podIpKey(runtime, clusterId), node.metadata.name ?? "", 1);
  const host = 2 + ((n - 1) % 252);
  return `${octets[0]}.${octets[1]}.${octets[2]}.${host}`;
}

/** The node's InternalIP, where its pods' hostIP points. */
export function nodeInternalIp(node: KubeObject): string {
  const addresses = (node.status as { addresses?: { type: string; address: string }[] } | undefined)
    ?.addresses;
  return addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
}
