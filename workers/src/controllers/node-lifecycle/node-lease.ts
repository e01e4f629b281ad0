/**
 * The simulated kubelet's Lease in kube-node-lease. Renewals are computed at read time
 * (apps/api/src/kube/simulation/node-heartbeat.ts); what is written here are the moments a real
 * kubelet's renewals would change course: it stops (the Lease gets the node's failure annotation
 * and its last renewal), it comes back (renewed now), or its Lease is missing (created, as the
 * kubelet does at start).
 */
import { ApiError } from "../../../../apps/api/src/errors.ts";
import type { InProcessClient, ResourceId } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import {
  LEASE_RENEW_INTERVAL_MS,
  lastBeat,
  microTime,
  NODE_LEASE_NAMESPACE,
} from "../../../../apps/api/src/kube/simulation/node-heartbeat.ts";
import {
  SIMULATED_FAILURE_ANNOTATION,
  simulatedFailure,
} from "../../../../apps/api/src/kube/simulation/simulated-failure.ts";

const LEASES: ResourceId = { group: "coordination.k8s.io", version: "v1", resource: "leases" };
/** The kubelet's nodeLeaseDurationSeconds. */
const LEASE_DURATION_SECONDS = 40;

/**
 * Brings the node's Lease in line with its simulated kubelet and answers its last renewal (the
 * node controller's health signal), or undefined when there is no Lease.
 */
export async function syncNodeLease(
  client: InProcessClient,
  node: KubeObject,
  now: Date,
): Promise<Date | undefined> {
  const name = node.metadata.name ?? "";
  const failure = node.metadata.annotations?.[SIMULATED_FAILURE_ANNOTATION];
  const lease = await client.get(LEASES, NODE_LEASE_NAMESPACE, name);
  if (!lease) {
    if (failure !== undefined) return undefined;
    await client.create(LEASES, NODE_LEASE_NAMESPACE, newLease(node, now)).catch((err: unknown) => {
      if (!(err instanceof ApiError && err.reason === "AlreadyExists")) throw err;
    });
    return now;
  }
  if (lease.metadata.annotations?.[SIMULATED_FAILURE_ANNOTATION] === failure) return renewTimeOf(lease);
  const written = await client.update(LEASES, NODE_LEASE_NAMESPACE, name, (current) =>
    failure === undefined ? resumed(current, now) : stopped(current, failure),
  );
  return renewTimeOf(written);
}

/** The kubelet stopped: renewals end at the last one before the failure. */
function stopped(lease: KubeObject, failure: string): KubeObject {
  const next = structuredClone(lease);
  next.metadata.annotations = { ...next.metadata.annotations, [SIMULATED_FAILURE_ANNOTATION]: failure };
  const spec = (next.spec ?? {}) as Record<string, unknown>;
  const anchor = typeof spec.renewTime === "string" ? new Date(spec.renewTime) : undefined;
  const failedAt = simulatedFailure(next)?.failedAt;
  if (anchor && !Number.isNaN(anchor.getTime()) && failedAt) {
    spec.renewTime = microTime(lastBeat(anchor, failedAt, LEASE_RENEW_INTERVAL_MS));
  }
  next.spec = spec;
  return next;
}

/** The kubelet is back: it renews at once, and the computed renewals continue from there. */
function resumed(lease: KubeObject, now: Date): KubeObject {
  const next = structuredClone(lease);
  const { [SIMULATED_FAILURE_ANNOTATION]: _gone, ...annotations } = next.metadata.annotations ?? {};
  if (Object.keys(annotations).length > 0) next.metadata.annotations = annotations;
  else delete next.metadata.annotations;
  next.spec = { ...((next.spec as Record<string, unknown> | undefined) ?? {}), renewTime: microTime(now) };
  return next;
}

function newLease(node: KubeObject, now: Date): KubeObject {
  const name = node.metadata.name ?? "";
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name,
      namespace: NODE_LEASE_NAMESPACE,
      ownerReferences: [{ apiVersion: "v1", kind: "Node", name, uid: node.metadata.uid ?? "" }],
    },
    spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(now) },
  };
}

function renewTimeOf(lease: KubeObject): Date | undefined {
  const renewTime = (lease.spec as { renewTime?: unknown } | undefined)?.renewTime;
  if (typeof renewTime !== "string") return undefined;
  const ms = Date.parse(renewTime);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
