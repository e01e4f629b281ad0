import { eq } from "drizzle-orm";
import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { type ClusterSpec, clusters } from "../../../db/schema/index.ts";

export type SimulationSpeed = ClusterSpec["speed"];

// A cluster's speed is fixed at creation, so a process may keep what it read.
const speeds = new Map<string, SimulationSpeed>();

/**
 * The cluster's simulation speed: `realistic` (a learner sees ContainerCreating for about a
 * second, crash-loop back-off as on a real node) or `instant` (every simulated delay is zero, for CI).
 */
export async function clusterSpeed(runtime: Runtime, clusterId: string): Promise<SimulationSpeed> {
  const known = speeds.get(clusterId);
  if (known) return known;
  const [row] = await runtime.db.orm
    .select({ spec: clusters.spec })
    .from(clusters)
    .where(eq(clusters.id, clusterId));
  const speed = row?.spec.speed ?? "realistic";
  if (speeds.size > 100_000) speeds.clear();
  speeds.set(clusterId, speed);
  return speed;
}

/** A simulated delay at the cluster's speed. */
export function simulatedDelayMs(speed: SimulationSpeed, realisticMs: number): number {
  return speed === "instant" ? 0 : realisticMs;
}
