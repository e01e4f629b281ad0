import { and, eq } from "drizzle-orm";
import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { loadOrCreateCa } from "../../../apps/api/src/tls/server-tls.ts";
import { apiTokens, clusters } from "../../../db/schema/index.ts";
import { bootstrapObjects } from "./bootstrap-objects.ts";

/**
 * Writes a new cluster's initial objects through the store in one transaction and marks it Ready.
 * Idempotent: a retry after a crash finds the objects there and only finishes the phase change.
 */
export async function provisionCluster(runtime: Runtime, clusterId: string): Promise<void> {
  const [cluster] = await runtime.db.orm.select().from(clusters).where(eq(clusters.id, clusterId));
  if (cluster?.phase !== "Provisioning") return;
  const ca = await loadOrCreateCa(runtime.db.orm);
  const now = runtime.clock.now();
  const items = bootstrapObjects({ clusterName: cluster.name, spec: cluster.spec, caPem: ca.certPem, now });
  await runtime.store.transact(clusterId, async (tx) => {
    if (await tx.get(items[0]!.ref)) return;
    await tx.createMany(items);
  });
  await runtime.db.orm
    .update(clusters)
    .set({
      phase: "Ready",
      readyAt: now,
      conditions: [
        {
          type: "Ready",
          status: "True",
          reason: "Provisioned",
          message: "the cluster is ready",
          lastTransitionTime: now.toISOString(),
        },
      ],
    })
    // A cluster deleted meanwhile stays Deleting.
    .where(and(eq(clusters.id, clusterId), eq(clusters.phase, "Provisioning")));
}

/** Removes every row of a deleted cluster: objects, change log, counter, tokens, the cluster itself. */
export async function removeCluster(runtime: Runtime, clusterId: string): Promise<void> {
  await runtime.store.dropCluster(clusterId);
  await runtime.db.orm.delete(apiTokens).where(eq(apiTokens.clusterId, clusterId));
  await runtime.db.orm.delete(clusters).where(eq(clusters.id, clusterId));
}
