import { and, eq } from "drizzle-orm";
import { stringify } from "yaml";
import { apiTokens } from "../../../../db/schema/index.ts";
import { randomId } from "../platform/ids.ts";
import { kubernetesApiUrl } from "./cluster-view.ts";
import { getClusterRow } from "./clusters.ts";
import type { TenantContext } from "./context.ts";

/**
 * A kubeconfig kubectl uses as-is: the cluster's API URL, the install's CA, and a token that reaches
 * this one cluster. All downloads share one token row per cluster, so revoking it (DELETE
 * /v1/tokens/{id}) cuts every copy; the next download then issues a new one.
 */
export async function getKubeconfig(ctx: TenantContext, clusterId: string, caPem: string): Promise<string> {
  const { runtime, principal } = ctx;
  const cluster = await getClusterRow(ctx, clusterId);
  const orm = runtime.db.orm;
  const [existing] = await orm
    .select()
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.clusterId, cluster.id),
        eq(apiTokens.kind, "cluster"),
        eq(apiTokens.tenantId, principal.tenantId),
      ),
    )
    .limit(1);
  const row = existing ?? {
    id: `tok_${randomId(16)}`,
    tenantId: principal.tenantId,
    kind: "cluster" as const,
    clusterId: cluster.id,
  };
  if (!existing) {
    await orm.insert(apiTokens).values({ ...row, name: `kubeconfig ${cluster.name}` });
  }
  const token = await runtime.tokens.sign(row, null);
  const user = `${cluster.name}-admin`;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: cluster.name,
        cluster: {
          server: kubernetesApiUrl(runtime, cluster.id),
          "certificate-authority-data": Buffer.from(caPem).toString("base64"),
        },
      },
    ],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: cluster.name, context: { cluster: cluster.name, user, namespace: "default" } }],
    "current-context": cluster.name,
    preferences: {},
  });
}
