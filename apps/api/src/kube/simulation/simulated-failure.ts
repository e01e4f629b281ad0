import type { KubeObject } from "../object/types.ts";

/**
 * Where a node's "the simulated kubelet is down" state lives: an annotation on the Node, whose value
 * is the time of the failure (RFC 3339). It is visible (`kubectl get node -o yaml`), survives any
 * restart, needs no schema, and a write to it wakes the node-lifecycle controller like any Node
 * change. The tenant API sets and removes it (POST /v1/clusters/{id}/nodes/{name}/fail|recover);
 * the node-lifecycle controller copies it onto the node's Lease so that the Lease view can freeze
 * renewTime without reading the Node.
 */
export const SIMULATED_FAILURE_ANNOTATION = "sandcastle.dev/simulated-failure";

/**
 * When the object's simulated kubelet stopped, or undefined while it is healthy. An annotation whose
 * value is not a time (edited by hand) still means "failed"; its heartbeats then stay where they are.
 */
export function simulatedFailure(obj: KubeObject): { failedAt: Date | undefined } | undefined {
  const value = obj.metadata.annotations?.[SIMULATED_FAILURE_ANNOTATION];
  if (value === undefined) return undefined;
  const at = Date.parse(value);
  return { failedAt: Number.isNaN(at) ? undefined : new Date(at) };
}
