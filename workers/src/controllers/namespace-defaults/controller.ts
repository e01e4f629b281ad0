import { ApiError } from "../../../../apps/api/src/errors.ts";
import { CORE_V1, InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import { loadOrCreateCa } from "../../../../apps/api/src/tls/server-tls.ts";
import { ROOT_CA_CONFIGMAP, rootCaConfigMap } from "../../provisioning/bootstrap-objects.ts";
import type { Controller } from "../controller.ts";

/**
 * What kube-controller-manager's serviceaccount and root-ca-cert-publisher controllers do for every
 * namespace: a `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap, recreated if deleted.
 */
export const namespaceDefaultsController: Controller = {
  name: "namespace-defaults",
  keysFor(change) {
    const key = (namespace: string) => ({
      clusterId: change.clusterId,
      controller: "namespace-defaults",
      namespace: "",
      name: namespace,
    });
    if (change.group !== "") return [];
    if (change.resource === "namespaces" && change.type !== "DELETED") return [key(change.name)];
    // A deleted default object comes back.
    if (change.type === "DELETED" && change.resource === "serviceaccounts" && change.name === "default")
      return [key(change.namespace)];
    if (change.type === "DELETED" && change.resource === "configmaps" && change.name === ROOT_CA_CONFIGMAP)
      return [key(change.namespace)];
    return [];
  },
  async reconcile(runtime: Runtime, key) {
    const client = new InProcessClient(runtime, key.clusterId, "namespace-defaults-controller");
    const ns = await client.get(CORE_V1("namespaces"), "", key.name);
    if (!ns || ns.metadata.deletionTimestamp) return undefined;
    const ensure = async (
      resource: string,
      name: string,
      build: () => Promise<Parameters<InProcessClient["create"]>[2]>,
    ) => {
      if (await client.get(CORE_V1(resource), key.name, name)) return;
      await client.create(CORE_V1(resource), key.name, await build()).catch((err: unknown) => {
        // Another run created it meanwhile: converged.
        if (!(err instanceof ApiError && err.reason === "AlreadyExists")) throw err;
      });
    };
    await ensure("serviceaccounts", "default", async () => ({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "default", namespace: key.name },
    }));
    await ensure("configmaps", ROOT_CA_CONFIGMAP, async () =>
      rootCaConfigMap(key.name, (await loadOrCreateCa(runtime.db.orm)).certPem),
    );
    return undefined;
  },
};
