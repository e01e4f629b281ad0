import type { ClusterCondition, ClusterPhase, ClusterSpec } from "../../../../db/schema/index.ts";
import { publicUrlOf } from "../config.ts";
import type { Runtime } from "../platform/runtime.ts";

export interface ClusterRow {
  id: string;
  name: string;
  phase: ClusterPhase;
  conditions: ClusterCondition[];
  spec: ClusterSpec;
  createdAt: Date;
  readyAt: Date | null;
  expiresAt: Date | null;
  hibernatedAt?: Date | null;
}

/** The REST shape of a cluster, the same in every /v1 answer. */
export interface ClusterView {
  id: string;
  name: string;
  status: { phase: ClusterPhase; conditions: ClusterCondition[] };
  nodes: ClusterSpec["nodes"];
  speed: ClusterSpec["speed"];
  server: string;
  createdAt: string;
  readyAt: string | null;
  expiresAt: string | null;
  /** Set while the cluster is Hibernated: since when. */
  hibernatedAt: string | null;
}

export function clusterView(runtime: Runtime, row: ClusterRow): ClusterView {
  return {
    id: row.id,
    name: row.name,
    status: { phase: row.phase, conditions: row.conditions },
    nodes: row.spec.nodes,
    speed: row.spec.speed,
    server: kubernetesApiUrl(runtime, row.id),
    createdAt: row.createdAt.toISOString(),
    readyAt: row.readyAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    hibernatedAt: row.hibernatedAt?.toISOString() ?? null,
  };
}

export function kubernetesApiUrl(runtime: Runtime, clusterId: string): string {
  return `${publicUrlOf(runtime.config)}/k8s/${clusterId}`;
}
