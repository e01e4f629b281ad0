import { ApiError } from "../../../../apps/api/src/errors.ts";
import type { InProcessClient, ResourceId } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { type LabelSelector, matchesLabels } from "../../../../apps/api/src/kube/selectors/index.ts";
import { controllerOf, controllerRefTo } from "./owners.ts";

/** Why a claim write did not happen: the object changed owner, went away or started terminating. */
class ClaimPreconditionFailed extends Error {}

export interface ClaimOptions {
  client: InProcessClient;
  /** The controller claiming (a ReplicaSet claiming pods, a Deployment claiming ReplicaSets …). */
  owner: KubeObject;
  /** The kind of the claimed objects. */
  resource: ResourceId;
  selector: LabelSelector;
  /**
   * RecheckDeletionTimestamp: adoption needs a fresh read of the owner (same uid, not being deleted),
   * because a stale owner must not take objects a new owner of the same name should get.
   */
  canAdopt: () => Promise<void>;
}

/**
 * BaseControllerRefManager.ClaimObject over a list (controller_ref_manager.go): keeps what the owner
 * controls and still selects, releases what it controls but no longer selects, adopts orphans it
 * selects. Each adoption or release is one write whose mutation re-checks the object, so two owners
 * racing for one orphan cannot both get it. Returns the objects the owner controls afterwards.
 */
export async function claimObjects(
  objects: readonly KubeObject[],
  options: ClaimOptions,
): Promise<KubeObject[]> {
  const { owner, selector } = options;
  const ownerUid = owner.metadata.uid;
  const ownerDeleting = Boolean(owner.metadata.deletionTimestamp);
  const claimed: KubeObject[] = [];
  const errors: unknown[] = [];
  let adoptable: Promise<void> | undefined;
  for (const obj of objects) {
    const ref = controllerOf(obj);
    const selected = matchesLabels(selector, obj.metadata.labels);
    try {
      if (ref) {
        if (ref.uid !== ownerUid) continue;
        if (selected) claimed.push(obj);
        else if (!ownerDeleting) await release(obj, options);
        continue;
      }
      if (ownerDeleting || !selected || obj.metadata.deletionTimestamp) continue;
      if (obj.metadata.namespace !== owner.metadata.namespace) continue;
      adoptable ??= options.canAdopt();
      await adoptable;
      const adopted = await adopt(obj, options);
      if (adopted) claimed.push(adopted);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw errors[0];
  return claimed;
}

async function adopt(
  obj: KubeObject,
  { client, owner, resource }: ClaimOptions,
): Promise<KubeObject | undefined> {
  const ownerRef = controllerRefTo(owner);
  return writeIfStill(client, resource, obj, (current) => {
    if (controllerOf(current) || current.metadata.deletionTimestamp) throw new ClaimPreconditionFailed();
    const others = (current.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerRef.uid);
    return { ...current, metadata: { ...current.metadata, ownerReferences: [...others, ownerRef] } };
  });
}

async function release(obj: KubeObject, { client, owner, resource }: ClaimOptions): Promise<void> {
  await writeIfStill(client, resource, obj, (current) => {
    const refs = current.metadata.ownerReferences ?? [];
    const kept = refs.filter((r) => r.uid !== owner.metadata.uid);
    if (kept.length === refs.length) throw new ClaimPreconditionFailed();
    const { ownerReferences: _dropped, ...metadata } = current.metadata;
    return { ...current, metadata: kept.length > 0 ? { ...metadata, ownerReferences: kept } : metadata };
  }).catch((err: unknown) => {
    // Upstream ignores a release the object's validation refuses: it is not ours to fix.
    if (!(err instanceof ApiError && err.reason === "Invalid")) throw err;
  });
}

/** Writes `mutate(current)` if the object is still the one read (same uid); undefined when it is gone. */
async function writeIfStill(
  client: InProcessClient,
  resource: ResourceId,
  obj: KubeObject,
  mutate: (current: KubeObject) => KubeObject,
): Promise<KubeObject | undefined> {
  const { namespace = "", name = "", uid } = obj.metadata;
  try {
    return await client.update(resource, namespace, name, (current) => {
      if (current.metadata.uid !== uid) throw new ClaimPreconditionFailed();
      return mutate(current);
    });
  } catch (err) {
    if (err instanceof ClaimPreconditionFailed) return undefined;
    if (err instanceof ApiError && err.reason === "NotFound") return undefined;
    throw err;
  }
}

/** RecheckDeletionTimestamp: the owner, read fresh, must be the same object and not being deleted. */
export function recheckOwner(
  client: InProcessClient,
  resource: ResourceId,
  owner: KubeObject,
): () => Promise<void> {
  return async () => {
    const { namespace = "", name = "", uid } = owner.metadata;
    const fresh = await client.get(resource, namespace, name);
    if (!fresh || fresh.metadata.uid !== uid) {
      throw new Error(
        `original ${owner.kind} ${namespace}/${name} is gone: got uid ${fresh?.metadata.uid}, wanted ${uid}`,
      );
    }
    if (fresh.metadata.deletionTimestamp) {
      throw new Error(`${namespace}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  };
}
