import { ApiError } from "../../../errors.ts";
import { kubeTime } from "../../../platform/clock.ts";
import { cloneJson } from "../../object/equality.ts";
import type { KubeObject, ObjectRef } from "../../object/types.ts";
import { isJsonObject } from "../../object/types.ts";
import { storageDefinition } from "../../registry/registry.ts";
import { objectConflict, objectNotFound } from "../../store/errors.ts";
import type { StoreTransaction } from "../../store/transaction.ts";
import { parseJson } from "../request-body.ts";
import { successStatus } from "../status.ts";
import { fromStorage, type KubeRequest, type KubeResponse, storageRef, transactMaybeDry } from "./context.ts";

type Propagation = "Background" | "Foreground" | "Orphan";

interface DeleteOptions {
  propagationPolicy: Propagation;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

/** DeleteOptions from the body (kubectl sends JSON) and the query string. */
export async function deleteOptions(req: KubeRequest): Promise<DeleteOptions> {
  const bytes = await req.body();
  const body = bytes.length > 0 ? parseJson(bytes, "DeleteOptions") : {};
  if (!isJsonObject(body)) throw new ApiError("BadRequest", "DeleteOptions must be an object");
  const q = req.query;
  const propagation = (body.propagationPolicy ??
    q.get("propagationPolicy") ??
    (body.orphanDependents === true ? "Orphan" : "Background")) as string;
  if (!["Background", "Foreground", "Orphan"].includes(propagation)) {
    throw new ApiError(
      "Invalid",
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${propagation}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const grace = body.gracePeriodSeconds ?? q.get("gracePeriodSeconds") ?? undefined;
  const dryRun = [...q.getAll("dryRun"), ...(Array.isArray(body.dryRun) ? body.dryRun : [])];
  return {
    propagationPolicy: propagation as Propagation,
    ...(grace !== undefined && grace !== null ? { gracePeriodSeconds: Number(grace) } : {}),
    ...(isJsonObject(body.preconditions)
      ? { preconditions: body.preconditions as DeleteOptions["preconditions"] }
      : {}),
    dryRun: dryRun.length > 0,
  };
}

/** DELETE of one object: finalizers and propagation as kube-apiserver handles them. */
export async function deleteHandler(req: KubeRequest, name: string): Promise<KubeResponse> {
  const options = await deleteOptions(req);
  const result = await deleteObject(req, name, options);
  return { status: 200, body: result };
}

export async function deleteObject(req: KubeRequest, name: string, options: DeleteOptions): Promise<unknown> {
  const { def } = req;
  const ref = storageRef(req, name);
  return transactMaybeDry(req, options.dryRun, async (tx) => {
    const current = await tx.get(ref);
    if (!current) throw objectNotFound({ ...ref, group: def.group, resource: def.resource });
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw objectConflict(
        { ...ref, group: def.group, resource: def.resource },
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw objectConflict(
        { ...ref, group: def.group, resource: def.resource },
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    }
    if (def.storage.resource === "namespaces" && def.storage.group === "") {
      return fromStorage(req, await deleteNamespace(req, tx, current));
    }
    const grace = def.strategy.gracefulDeleteSeconds?.(current, options.gracePeriodSeconds) ?? 0;
    if (grace > 0) return fromStorage(req, await markGraceful(req, tx, ref, current, grace));
    const finalizers = new Set(current.metadata.finalizers ?? []);
    if (finalizers.size > 0) {
      const marked = markedForFinalizers(req, current);
      return fromStorage(req, marked ? await tx.update(ref, marked) : current);
    }
    const gone = await tx.delete(ref);
    await def.strategy.afterDelete?.(gone, {
      now: req.now,
      clusterId: req.clusterId,
      dryRun: options.dryRun,
      tx,
    });
    await cascade(req, tx, gone, options.propagationPolicy);
    return successStatus({ name, group: def.group, kind: def.resource, uid: gone.metadata.uid });
  });
}

/**
 * An object its finalizers hold: marked for deletion with no grace period left, so that the update
 * removing its last finalizer deletes it (see removeIfFinalized). A pod in its grace period that is
 * deleted now (the kubelet's last delete) has its grace cut to nothing. Undefined when already so.
 */
function markedForFinalizers(req: KubeRequest, current: KubeObject): KubeObject | undefined {
  const { deletionTimestamp, deletionGracePeriodSeconds } = current.metadata;
  if (deletionTimestamp && deletionGracePeriodSeconds === 0) return undefined;
  const marked = cloneJson(current);
  const now = kubeTime(req.now);
  marked.metadata.deletionTimestamp =
    deletionTimestamp && Date.parse(deletionTimestamp) < req.now.getTime() ? deletionTimestamp : now;
  marked.metadata.deletionGracePeriodSeconds = 0;
  return marked;
}

/**
 * Graceful deletion (rest.BeforeDelete): the object gets deletionTimestamp = now + grace and stays
 * until whoever runs it (the kubelet) deletes it with grace 0. A later delete may only shorten it.
 */
async function markGraceful(
  req: KubeRequest,
  tx: StoreTransaction,
  ref: ObjectRef,
  current: KubeObject,
  grace: number,
): Promise<KubeObject> {
  const due = new Date(req.now.getTime() + grace * 1000);
  const existing = current.metadata.deletionTimestamp;
  if (existing && Date.parse(existing) <= due.getTime()) return current;
  const marked = cloneJson(current);
  marked.metadata.deletionTimestamp = kubeTime(due);
  marked.metadata.deletionGracePeriodSeconds = grace;
  return tx.update(ref, marked);
}

/**
 * Dependents of a deleted owner: deleted (Background, Foreground) or released from it (Orphan).
 * Done in the same transaction until the garbage collector controller takes this over.
 */
async function cascade(
  req: KubeRequest,
  tx: StoreTransaction,
  owner: KubeObject,
  policy: Propagation,
): Promise<void> {
  const dependents = await tx.dependentsOf(owner.metadata.uid!);
  for (const { ref, object } of dependents) {
    const owners = (object.metadata.ownerReferences ?? []).filter((o) => o.uid !== owner.metadata.uid);
    if (policy === "Orphan" || owners.length > 0) {
      const released = cloneJson(object);
      if (owners.length > 0) released.metadata.ownerReferences = owners;
      else delete released.metadata.ownerReferences;
      await tx.update(ref, released);
      continue;
    }
    const grace = storageDefinition(ref.group, ref.resource)?.strategy.gracefulDeleteSeconds?.(
      object,
      undefined,
    );
    if (grace) {
      await markGraceful(req, tx, ref, object, grace);
      continue;
    }
    if ((object.metadata.finalizers?.length ?? 0) > 0) {
      const marked = markedForFinalizers(req, object);
      if (marked) await tx.update(ref, marked);
      continue;
    }
    const gone = await tx.delete(ref);
    await cascade(req, tx, gone, policy);
  }
}

/** A namespace goes Terminating (phase, deletionTimestamp); the namespace controller finishes. */
async function deleteNamespace(req: KubeRequest, tx: StoreTransaction, ns: KubeObject): Promise<KubeObject> {
  const name = ns.metadata.name!;
  if (["default", "kube-system", "kube-public"].includes(name)) {
    throw new ApiError("Forbidden", `namespaces "${name}" is forbidden: this namespace may not be deleted`, {
      name,
      kind: "namespaces",
    });
  }
  const terminating = cloneJson(ns);
  terminating.metadata.deletionTimestamp ??= kubeTime(req.now);
  terminating.status = { ...(terminating.status as object), phase: "Terminating" };
  const marked = await tx.update({ group: "", resource: "namespaces", namespace: "", name }, terminating);
  // The namespace controller empties it (pods terminate gracefully), then removes the `kubernetes`
  // finalizer and the namespace. Without that finalizer nobody would: it goes now, content first.
  const finalizers = (ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
  if (finalizers.includes("kubernetes")) return marked;
  for (const ref of await tx.refsInNamespace(name)) await tx.delete(ref);
  const nsRef: ObjectRef = { group: "", resource: "namespaces", namespace: "", name };
  await tx.delete(nsRef);
  return marked;
}
