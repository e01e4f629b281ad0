import { eq } from "drizzle-orm";
import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { recountQuotaUsage } from "../../../apps/api/src/quotas/recount.ts";
import { announceClusterChange } from "../../../apps/api/src/services/cluster-events.ts";
import { loadOrCreateCa } from "../../../apps/api/src/tls/server-tls.ts";
import { closeClusterUsage } from "../../../apps/api/src/usage/ledger.ts";
import { kickWebhookDispatch } from "../../../apps/api/src/webhooks/dispatch.ts";
import { clusterEvent, recordPlatformEvent } from "../../../apps/api/src/webhooks/platform-events.ts";
import { apiTokens, type ClusterSpec, clusters } from "../../../db/schema/index.ts";
import { podIpKey } from "../kubelet/pod-ip.ts";
import { bootstrapObjects } from "./bootstrap-objects.ts";

/**
 * Writes a new cluster's initial objects and marks it Ready, in one transaction. Idempotent: a retry
 * after a crash finds the work done, or does all of it.
 */
export async function provisionCluster(runtime: Runtime, clusterId: string): Promise<void> {
  const sql = runtime.db.sql;
  const [cluster] = await sql<{ name: string; spec: ClusterSpec; tenant_id: string }[]>`
    select name, spec, tenant_id from clusters where id = ${clusterId} and phase = 'Provisioning'`;
  if (!cluster) return;
  const caPem = await installCa(runtime);
  const now = runtime.clock.now();
  const items = bootstrapObjects({ clusterName: cluster.name, spec: cluster.spec, caPem, now });
  const conditions = [
    {
      type: "Ready",
      status: "True",
      reason: "Provisioned",
      message: "the cluster is ready",
      lastTransitionTime: now.toISOString(),
    },
  ];
  await runtime.store.bootstrap(clusterId, items, async (tx) => {
    // A cluster deleted meanwhile stays Deleting.
    const ready = await tx`
      update clusters set phase = 'Ready', ready_at = ${now.toISOString()}, conditions = ${JSON.stringify(conditions)}
      where id = ${clusterId} and phase = 'Provisioning' returning id`;
    // Only the run that made it Ready reports it: a retry finds it Ready already.
    if (ready.length > 0) {
      const owner = { tenantId: cluster.tenant_id, id: clusterId, name: cluster.name };
      const status = { phase: "Ready", reason: "Provisioned", message: "the cluster is ready" };
      await recordPlatformEvent(tx, clusterEvent("cluster.ready", owner, status), now);
    }
    // The bootstrap objects are written without commit hooks: their quota usage is counted here.
    await recountQuotaUsage(tx, clusterId);
  });
  await kickWebhookDispatch(runtime);
  await announceClusterChange(runtime, cluster.tenant_id);
}

/** The install's CA never changes once created, so each runtime reads it once. */
const caPems = new WeakMap<Runtime, Promise<string>>();
function installCa(runtime: Runtime): Promise<string> {
  let pem = caPems.get(runtime);
  if (!pem) {
    pem = loadOrCreateCa(runtime.db.orm).then((ca) => ca.certPem);
    pem.catch(() => caPems.delete(runtime));
    caPems.set(runtime, pem);
  }
  return pem;
}

/** Removes every row of a deleted cluster: objects, change log, counter, tokens, the cluster itself. */
export async function removeCluster(runtime: Runtime, clusterId: string): Promise<void> {
  await runtime.store.dropCluster(clusterId);
  await closeClusterUsage(runtime, clusterId);
  await runtime.redis.del(podIpKey(runtime, clusterId));
  await runtime.db.orm.delete(apiTokens).where(eq(apiTokens.clusterId, clusterId));
  await runtime.db.orm.delete(clusters).where(eq(clusters.id, clusterId));
}
