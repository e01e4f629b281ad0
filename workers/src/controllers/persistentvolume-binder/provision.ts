/**
 * Dynamic provisioning. The binder's part (pv_controller.go provisionClaim,
 * provisionClaimOperationExternal; release-1.32) hands the claim to the class's external provisioner
 * by annotation; the provisioner's part (sig-storage-lib-external-provisioner, as kind's
 * rancher.io/local-path runs it) is simulated here: a volume `pvc-<claim uid>` of the requested
 * size, pre-bound to the claim and, for a chosen node, pinned to it. The binder then binds the two.
 */
import { createHash } from "node:crypto";
import { ApiError } from "../../../../apps/api/src/errors.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_PROVISIONED_BY,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  type BinderContext,
  claimClass,
  claimSpec,
  PV_PROTECTION_FINALIZER,
  PVCS,
  PVS,
  STORAGE_CLASSES,
} from "./context.ts";

/** kubernetes.io/no-provisioner: a class of pre-created (local) volumes that nothing provisions. */
const NO_PROVISIONER = "kubernetes.io/no-provisioner";
const LOCAL_PATH = "rancher.io/local-path";

interface StorageClass {
  provisioner?: string;
  reclaimPolicy?: string;
  mountOptions?: string[];
}

export async function provisionClaim(ctx: BinderContext, claim: KubeObject): Promise<void> {
  const className = claimClass(claim);
  const storageClass = await ctx.client.get(STORAGE_CLASSES, "", className);
  if (!storageClass) {
    await ctx.event(
      claim,
      "Warning",
      "ProvisioningFailed",
      `storageclass.storage.k8s.io "${className}" not found`,
    );
    return;
  }
  const provisioner = (storageClass as StorageClass).provisioner ?? "";
  if (provisioner === NO_PROVISIONER) {
    await ctx.event(claim, "Warning", "ProvisioningFailed", `no volume plugin matched name: ${provisioner}`);
    return;
  }
  const handedOver = await setClaimProvisioner(ctx, claim, provisioner);
  await ctx.event(
    handedOver,
    "Normal",
    "ExternalProvisioning",
    `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
  );
  await provisionExternally(ctx, handedOver, storageClass as KubeObject & StorageClass, provisioner);
}

/** setClaimProvisioner: the annotations external provisioners watch for. */
async function setClaimProvisioner(ctx: BinderContext, claim: KubeObject, provisioner: string) {
  return ctx.client.update(PVCS, claim.metadata.namespace ?? "", claim.metadata.name ?? "", (current) => {
    current.metadata.annotations = {
      ...(current.metadata.annotations ?? {}),
      [ANN_BETA_STORAGE_PROVISIONER]: provisioner,
      [ANN_STORAGE_PROVISIONER]: provisioner,
    };
    return current;
  });
}

/** The simulated external provisioner: its events carry its own identity, as on a real cluster. */
async function provisionExternally(
  ctx: BinderContext,
  claim: KubeObject,
  storageClass: KubeObject & StorageClass,
  provisioner: string,
): Promise<void> {
  const source = provisionerIdentity(provisioner, ctx.clusterId);
  const key = `${claim.metadata.namespace}/${claim.metadata.name}`;
  const name = `pvc-${claim.metadata.uid}`;
  if (await ctx.client.get(PVS, "", name)) return;
  await ctx.event(
    claim,
    "Normal",
    "Provisioning",
    `External provisioner is provisioning volume for claim "${key}"`,
    source,
  );
  const node = claim.metadata.annotations?.[ANN_SELECTED_NODE];
  const spec = claimSpec(claim);
  const volume: KubeObject = {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: {
      name,
      annotations: {
        ...(node && provisioner === LOCAL_PATH ? { "local.path.provisioner/selected-node": node } : {}),
        [ANN_PROVISIONED_BY]: provisioner,
      },
      finalizers: [PV_PROTECTION_FINALIZER],
    },
    spec: {
      accessModes: [...(spec.accessModes ?? [])],
      capacity: { storage: spec.resources?.requests?.storage ?? "0" },
      claimRef: {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        namespace: claim.metadata.namespace,
        name: claim.metadata.name,
        uid: claim.metadata.uid,
        resourceVersion: claim.metadata.resourceVersion,
      },
      hostPath: {
        path: `/var/local-path-provisioner/${name}_${claim.metadata.namespace}_${claim.metadata.name}`,
        type: "DirectoryOrCreate",
      },
      ...(node
        ? {
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [node] }] },
                ],
              },
            },
          }
        : {}),
      persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? "Delete",
      storageClassName: storageClass.metadata.name,
      volumeMode: spec.volumeMode ?? "Filesystem",
      ...(storageClass.mountOptions?.length ? { mountOptions: [...storageClass.mountOptions] } : {}),
    },
  };
  try {
    await ctx.client.create(PVS, "", volume);
  } catch (err) {
    if (err instanceof ApiError && err.reason === "AlreadyExists") return;
    const message = err instanceof Error ? err.message : String(err);
    await ctx.event(
      claim,
      "Warning",
      "ProvisioningFailed",
      `failed to provision volume with StorageClass "${storageClass.metadata.name}": ${message}`,
      source,
    );
    throw err;
  }
  await ctx.event(
    claim,
    "Normal",
    "ProvisioningSucceeded",
    `Successfully provisioned volume ${name}`,
    source,
  );
}

/**
 * An external provisioner names itself `<provisioner>_<its pod>_<uuid>`; the local-path
 * provisioner's pod is local-path-provisioner-<hash>-<suffix>. Derived from the cluster so it is
 * stable.
 */
function provisionerIdentity(provisioner: string, clusterId: string): string {
  const hex = createHash("sha256").update(`${provisioner}/${clusterId}`).digest("hex");
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  const pick = (from: number, n: number) =>
    Array.from(
      { length: n },
      (_, i) => alphabet[Number.parseInt(hex.slice(from + 2 * i, from + 2 * i + 2), 16) % 27],
    ).join("");
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  const pod =
    provisioner === LOCAL_PATH ? `local-path-provisioner-${pick(32, 10)}-${pick(52, 5)}` : "provisioner-0";
  return `${provisioner}_${pod}_${uuid}`;
}
