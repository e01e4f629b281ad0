import type { ClusterPhase } from "../../../../../db/schema/index.ts";
import type { Principal } from "../../auth/tokens.ts";
import { ApiError } from "../../errors.ts";
import type { Runtime } from "../../platform/runtime.ts";

export interface ClusterAccess {
  principal: Principal;
  clusterId: string;
  tenantId: string;
  /** Read with the token, so the request path knows a hibernated cluster without another query. */
  phase: ClusterPhase;
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
  const { principal, clusterPhase } = await runtime.tokens.authenticateFor(authorization, clusterId);
  const scopedElsewhere = principal.kind === "cluster" && principal.clusterId !== clusterId;
  if (scopedElsewhere || !clusterPhase) {
    throw new ApiError(
      "NotFound",
      `the server could not find the requested resource (cluster "${clusterId}")`,
    );
  }
  return { principal, clusterId, tenantId: principal.tenantId, phase: clusterPhase };
}
