import { type SimulationSpeed, simulatedDelayMs } from "../../runtime/cluster-speed.ts";

/**
 * --node-monitor-grace-period: how long the node controller waits for a kubelet's Lease to be
 * renewed before it marks the node Unknown. 50 s since release-1.32 (kubernetes#126287; 40 s before).
 */
const NODE_MONITOR_GRACE_PERIOD_MS = 50_000;

/** When a kubelet that last renewed at `lastRenewal` is declared unreachable, at the cluster's speed. */
export function unreachableAt(lastRenewal: Date, speed: SimulationSpeed): number {
  return lastRenewal.getTime() + simulatedDelayMs(speed, NODE_MONITOR_GRACE_PERIOD_MS);
}
