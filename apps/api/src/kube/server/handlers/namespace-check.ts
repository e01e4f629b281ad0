import { ApiError } from "../../../errors.ts";
import { qualifiedResource } from "../../object/types.ts";
import { objectNotFound } from "../../store/errors.ts";
import type { StoreTransaction } from "../../store/transaction.ts";
import type { KubeRequest } from "./context.ts";

/**
 * The NamespaceLifecycle admission: new objects need an existing namespace that is not being
 * terminated.
 */
export async function requireLiveNamespace(
  req: KubeRequest,
  tx: StoreTransaction,
  name: string,
): Promise<void> {
  const namespace = req.path.namespace;
  if (!req.def.namespaced || !namespace) return;
  const ref = { group: "", resource: "namespaces", namespace: "", name: namespace };
  const ns = await tx.lookup(ref);
  if (!ns) throw objectNotFound(ref);
  const terminating =
    ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === "Terminating";
  if (terminating) {
    const message = `unable to create new content in namespace ${namespace} because it is being terminated`;
    throw new ApiError(
      "Forbidden",
      `${qualifiedResource(req.def.group, req.def.resource)} "${name}" is forbidden: ${message}`,
      {
        name,
        group: req.def.group,
        kind: req.def.resource,
        causes: [{ reason: "NamespaceTerminating", message, field: "metadata.namespace" }],
      },
    );
  }
}
