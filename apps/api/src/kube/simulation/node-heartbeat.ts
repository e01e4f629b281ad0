/**
 * Simulated kubelet heartbeats, computed when read instead of written on a timer (ARCHITECTURE §5:
 * an idle cluster has no periodic jobs). A real kubelet renews its Lease in kube-node-lease every
 * 10 s and, with Leases, re-posts an unchanged node status every 5 min; here the stored renewTime
 * and lastHeartbeatTime are the anchors of those clocks, and a read shows the latest tick at or
 * before now. The resourceVersion is left alone: a real cluster bumps it on every renewal, but what
 * matters to a learner is that `kubectl get lease -n kube-node-lease -o yaml` and
 * `kubectl describe node` look alive. A node whose simulated kubelet is down (see
 * simulated-failure.ts) stops at the last tick before its failure.
 */
import { kubeTime } from "../../platform/clock.ts";
import { isJsonObject, type KubeObject } from "../object/types.ts";
import { simulatedFailure } from "./simulated-failure.ts";

export const NODE_LEASE_NAMESPACE = "kube-node-lease";
/** The kubelet's lease renew interval: a quarter of its 40 s lease duration. */
export const LEASE_RENEW_INTERVAL_MS = 10_000;
/** The kubelet's nodeStatusReportFrequency: how often an unchanged status is posted again. */
export const NODE_STATUS_REPORT_INTERVAL_MS = 5 * 60_000;
/** The conditions the kubelet posts (NetworkUnavailable belongs to the network plugin). */
const KUBELET_CONDITIONS = new Set(["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]);

/** The last tick at or before `until` of a clock ticking every `periodMs` since `anchor`. */
export function lastBeat(anchor: Date, until: Date, periodMs: number): Date {
  const elapsed = until.getTime() - anchor.getTime();
  if (elapsed <= 0) return anchor;
  return new Date(until.getTime() - (elapsed % periodMs));
}

/** metav1.MicroTime: RFC 3339 with microseconds, as Lease times are written. */
export function microTime(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000Z`;
}

/**
 * The read-time heartbeat view, applied by the GET and LIST handlers: a node Lease gets its current
 * renewTime, a Node its current condition heartbeats; any other object is returned as it is.
 * `obj` must be the caller's own copy (it is changed in place).
 */
/** Whether reads of this resource show computed heartbeats (Nodes and their Leases). */
export function hasSimulatedHeartbeat(group: string, resource: string): boolean {
  return (group === "coordination.k8s.io" && resource === "leases") || (group === "" && resource === "nodes");
}

export function withSimulatedHeartbeat(
  group: string,
  resource: string,
  obj: KubeObject,
  now: Date,
): KubeObject {
  if (group === "coordination.k8s.io" && resource === "leases") renewNodeLease(obj, now);
  else if (group === "" && resource === "nodes") postNodeHeartbeats(obj, now);
  return obj;
}

/** Where a clock anchored at `anchor` stands for this object: frozen at its failure, else now. */
function heartbeatUntil(obj: KubeObject, anchor: Date, now: Date): Date {
  const failure = simulatedFailure(obj);
  if (!failure) return now;
  return failure.failedAt ?? anchor;
}

function renewNodeLease(lease: KubeObject, now: Date): void {
  const spec = lease.spec;
  // Only a kubelet's own lease (named after its node and held by it) is renewed.
  if (lease.metadata.namespace !== NODE_LEASE_NAMESPACE || !isJsonObject(spec)) return;
  if (spec.holderIdentity !== lease.metadata.name || typeof spec.renewTime !== "string") return;
  const anchor = parseTime(spec.renewTime);
  if (!anchor) return;
  spec.renewTime = microTime(lastBeat(anchor, heartbeatUntil(lease, anchor, now), LEASE_RENEW_INTERVAL_MS));
}

function postNodeHeartbeats(node: KubeObject, now: Date): void {
  const status = node.status;
  if (!isJsonObject(status) || !Array.isArray(status.conditions)) return;
  for (const condition of status.conditions) {
    if (!isJsonObject(condition) || !KUBELET_CONDITIONS.has(String(condition.type))) continue;
    const anchor = parseTime(condition.lastHeartbeatTime);
    if (!anchor) continue;
    const until = heartbeatUntil(node, anchor, now);
    condition.lastHeartbeatTime = kubeTime(lastBeat(anchor, until, NODE_STATUS_REPORT_INTERVAL_MS));
  }
}

function parseTime(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
