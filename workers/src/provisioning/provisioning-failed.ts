import { and, eq } from "drizzle-orm";
import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { announceClusterChange } from "../../../apps/api/src/services/cluster-events.ts";
import { clusters } from "../../../db/schema/index.ts";

/** After the last retry, the cluster says why it never became Ready instead of staying Provisioning. */
export async function markProvisioningFailed(
  runtime: Runtime,
  clusterId: string,
  message: string,
): Promise<void> {
  const now = runtime.clock.now().toISOString();
  await runtime.db.orm
    .update(clusters)
    .set({
      phase: "Failed",
      conditions: [
        { type: "Ready", status: "False", reason: "ProvisioningFailed", message, lastTransitionTime: now },
      ],
    })
    .where(and(eq(clusters.id, clusterId), eq(clusters.phase, "Provisioning")))
    .returning({ tenantId: clusters.tenantId })
    .then(async (rows) => {
      for (const row of rows) await announceClusterChange(runtime, row.tenantId);
    });
}
