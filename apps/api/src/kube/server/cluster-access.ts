import type { Principal } from "../../auth/tokens.ts";
import { ApiError } from "../../errors.ts";
import type { Runtime } from "../../platform/runtime.ts";

export interface ClusterAccess {
  principal: Principal;
  clusterId: string;
  tenantId: string;
}

/**
 * Who may reach /k8s/<clusterId>: its kubeconfig token, or an API token of the tenant that owns it.
 * Anyone else, and any deleted cluster, gets the same 404 as a cluster that never existed.
 */
export async function authorizeCluster(
  runtime: Runtime,
  authorization: string | undefined,
  clusterId: string,
): Promise<ClusterAccess> {
  const principal = await runtime.tokens.authenticate(authorization);
  const notFound = new ApiError(
    "NotFound",
    `the server could not find the requested resource (cluster "${clusterId}")`,
  );
  if (principal.kind === "cluster" && principal.clusterId !== clusterId) throw notFound;
  const [row] = await runtime.db.sql<{ tenant_id: string }[]>`
    select tenant_id from clusters
    where id = ${clusterId} and tenant_id = ${principal.tenantId} and phase <> 'Deleting'`;
  if (!row) throw notFound;
  return { principal, clusterId, tenantId: row.tenant_id };
}
