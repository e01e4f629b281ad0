/**
 * ControllerRevisions as the StatefulSet and DaemonSet controllers keep them (pkg/controller/history,
 * release-1.32): immutable snapshots of a template, numbered by `revision`, owned by their workload.
 */
import { ApiError } from "../../../../apps/api/src/errors.ts";
import type { InProcessClient, ResourceId } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import { jsonEqual } from "../../../../apps/api/src/kube/object/equality.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { type LabelSelector, matchesLabels } from "../../../../apps/api/src/kube/selectors/index.ts";
import { controllerOf, controllerRefTo } from "./owners.ts";
import { canonicalJson, fnv32, safeEncodeString } from "./revision-hash.ts";

export const CONTROLLER_REVISIONS: ResourceId = {
  group: "apps",
  version: "v1",
  resource: "controllerrevisions",
};

/** The label history.NewControllerRevision puts the data hash in. */
export const REVISION_HASH_LABEL = "controller.kubernetes.io/hash";

export function revisionNumber(revision: KubeObject): number {
  return typeof revision.revision === "number" ? revision.revision : 0;
}

/** history.SortControllerRevisions: by revision, then creation time, then name. */
export function sortRevisions(revisions: KubeObject[]): KubeObject[] {
  const created = (r: KubeObject) => Date.parse(r.metadata.creationTimestamp ?? "") || 0;
  return revisions.sort(
    (a, b) =>
      revisionNumber(a) - revisionNumber(b) ||
      created(a) - created(b) ||
      (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""),
  );
}

/** One more than the highest revision (1 for an empty history); expects sorted revisions. */
export function nextRevisionNumber(sorted: KubeObject[]): number {
  const last = sorted.at(-1);
  return last ? revisionNumber(last) + 1 : 1;
}

/** history.ControllerRevisionName: the prefix is cut so the name fits 253 characters. */
export function revisionName(prefix: string, hash: string): string {
  return `${prefix.slice(0, 223)}-${hash}`;
}

/** history.HashControllerRevision: FNV-32 of the data, plus the collision count when given. */
export function hashRevisionData(data: unknown, collisionCount?: number): string {
  const parts = [canonicalJson(data)];
  if (collisionCount !== undefined) parts.push(String(collisionCount));
  return safeEncodeString(String(fnv32(...parts)));
}

/**
 * The revisions of `parent`: those it controls, plus orphans its selector matches, which it adopts
 * (ControllerRevisionControllerRefManager.ClaimControllerRevisions).
 */
export async function claimRevisions(
  client: InProcessClient,
  parent: KubeObject,
  selector: LabelSelector,
): Promise<KubeObject[]> {
  const all = await client.list(CONTROLLER_REVISIONS, parent.metadata.namespace);
  const owned: KubeObject[] = [];
  for (const revision of all) {
    const ref = controllerOf(revision);
    if (ref?.uid === parent.metadata.uid) {
      owned.push(revision);
    } else if (
      !ref &&
      !parent.metadata.deletionTimestamp &&
      matchesLabels(selector, revision.metadata.labels)
    ) {
      owned.push(await adoptRevision(client, parent, revision));
    }
  }
  return owned;
}

async function adoptRevision(client: InProcessClient, parent: KubeObject, revision: KubeObject) {
  return client.update(
    CONTROLLER_REVISIONS,
    revision.metadata.namespace ?? "",
    revision.metadata.name ?? "",
    (r) => {
      if (controllerOf(r))
        throw new ApiError("Conflict", `revision ${r.metadata.name} was adopted meanwhile`);
      r.metadata.ownerReferences = [...(r.metadata.ownerReferences ?? []), controllerRefTo(parent)];
      return r;
    },
  );
}

/**
 * history.CreateControllerRevision: creates `revision` named `<parent>-<hash>`; on a name taken by
 * different data the collision count goes up and the hash changes. Returns the stored revision
 * and the collision count in effect.
 */
export async function createRevision(
  client: InProcessClient,
  parent: KubeObject,
  revision: KubeObject,
  collisionCount: number,
): Promise<{ revision: KubeObject; collisionCount: number }> {
  const namespace = parent.metadata.namespace ?? "";
  for (let count = collisionCount; ; count++) {
    const hash = hashRevisionData(revision.data, count);
    const candidate: KubeObject = {
      ...revision,
      metadata: {
        ...revision.metadata,
        name: revisionName(parent.metadata.name ?? "", hash),
        namespace,
        labels: { ...revision.metadata.labels, [REVISION_HASH_LABEL]: hash },
      },
    };
    try {
      return {
        revision: await client.create(CONTROLLER_REVISIONS, namespace, candidate),
        collisionCount: count,
      };
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === "AlreadyExists")) throw err;
      const existing = await client.get(CONTROLLER_REVISIONS, namespace, candidate.metadata.name ?? "");
      if (existing && jsonEqual(existing.data, candidate.data))
        return { revision: existing, collisionCount: count };
    }
  }
}

/** history.UpdateControllerRevision: only the revision number ever changes. */
export async function setRevisionNumber(
  client: InProcessClient,
  revision: KubeObject,
  value: number,
): Promise<KubeObject> {
  if (revisionNumber(revision) === value) return revision;
  return client.update(
    CONTROLLER_REVISIONS,
    revision.metadata.namespace ?? "",
    revision.metadata.name ?? "",
    (r) => ({
      ...r,
      revision: value,
    }),
  );
}

export async function deleteRevision(client: InProcessClient, revision: KubeObject): Promise<void> {
  await client
    .delete(CONTROLLER_REVISIONS, revision.metadata.namespace ?? "", revision.metadata.name ?? "")
    .catch((err: unknown) => {
      if (!(err instanceof ApiError && err.reason === "NotFound")) throw err;
    });
}
