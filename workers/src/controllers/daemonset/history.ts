/**
 * A DaemonSet's revision history (update.go constructHistory, snapshot, cleanupHistory;
 * release-1.32): one ControllerRevision `<ds>-<hash>` per template, the current one numbered
 * highest; its `controller-revision-hash` label is what up-to-date pods carry.
 */
import { ApiError } from "../../../../apps/api/src/errors.ts";
import type { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import { CORE_V1 } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import { jsonEqual } from "../../../../apps/api/src/kube/object/equality.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import type { LabelSelector } from "../../../../apps/api/src/kube/selectors/index.ts";
import {
  CONTROLLER_REVISIONS,
  claimRevisions,
  deleteRevision,
  revisionNumber,
  setRevisionNumber,
  sortRevisions,
} from "../shared/controller-history.ts";
import { controllerRefTo } from "../shared/owners.ts";
import { computeTemplateHash } from "../shared/revision-hash.ts";
import { DAEMONSETS, HASH_LABEL, specOf } from "./types.ts";

/** getPatch: the template as a patch that replaces spec.template. */
function templatePatch(ds: KubeObject): Record<string, unknown> {
  return { spec: { template: { ...structuredClone(specOf(ds).template ?? {}), $patch: "replace" } } };
}

/** Match: the revision stores exactly this DaemonSet's template. */
function matches(ds: KubeObject, revision: KubeObject): boolean {
  return jsonEqual(templatePatch(ds), revision.data);
}

export interface History {
  current: KubeObject;
  old: KubeObject[];
  /** The hash label of the current revision: what new pods are labelled with. */
  hash: string;
}

/**
 * constructHistory: the revision matching the template (created if missing, renumbered to be the
 * newest, duplicates merged) and the older ones.
 */
export async function constructHistory(
  client: InProcessClient,
  ds: KubeObject,
  selector: LabelSelector,
  pods: KubeObject[],
): Promise<History> {
  const current: KubeObject[] = [];
  const old: KubeObject[] = [];
  for (let revision of await claimRevisions(client, ds, selector)) {
    if (!revision.metadata.labels?.[HASH_LABEL]) revision = await labelWithName(client, revision);
    (matches(ds, revision) ? current : old).push(revision);
  }
  const next = Math.max(0, ...old.map(revisionNumber)) + 1;
  let cur: KubeObject;
  if (current.length === 0) {
    cur = await snapshot(client, ds, next);
  } else {
    cur = await dedupCurrent(client, current, pods);
    cur = await setRevisionNumber(client, cur, Math.max(revisionNumber(cur), next));
  }
  return { current: cur, old, hash: cur.metadata.labels?.[HASH_LABEL] ?? "" };
}

/** Revisions from before the hash label get their name as the label. */
async function labelWithName(client: InProcessClient, revision: KubeObject): Promise<KubeObject> {
  return client.update(
    CONTROLLER_REVISIONS,
    revision.metadata.namespace ?? "",
    revision.metadata.name ?? "",
    (r) => {
      r.metadata.labels = { ...(r.metadata.labels ?? {}), [HASH_LABEL]: r.metadata.name ?? "" };
      return r;
    },
  );
}

/** dedupCurHistories: the highest-numbered one stays; pods of the others are relabelled. */
async function dedupCurrent(client: InProcessClient, current: KubeObject[], pods: KubeObject[]) {
  const keep = sortRevisions([...current]).at(-1) as KubeObject;
  const keepHash = keep.metadata.labels?.[HASH_LABEL] ?? "";
  for (const duplicate of current) {
    if (duplicate === keep) continue;
    for (const pod of pods) {
      if (pod.metadata.labels?.[HASH_LABEL] === keepHash) continue;
      await client.update(CORE_V1("pods"), pod.metadata.namespace ?? "", pod.metadata.name ?? "", (p) => {
        p.metadata.labels = { ...(p.metadata.labels ?? {}), [HASH_LABEL]: keepHash };
        return p;
      });
    }
    await deleteRevision(client, duplicate);
  }
  return keep;
}

/**
 * snapshot: a new revision named `<ds>-<hash of the template and collision count>`. A name taken by
 * another template is a hash collision: status.collisionCount goes up and the next pass retries.
 */
async function snapshot(client: InProcessClient, ds: KubeObject, revision: number): Promise<KubeObject> {
  const collisionCount = (ds.status as { collisionCount?: number } | undefined)?.collisionCount;
  const hash = computeTemplateHash(specOf(ds).template ?? {}, collisionCount);
  const namespace = ds.metadata.namespace ?? "";
  const name = `${ds.metadata.name}-${hash}`;
  const history: KubeObject = {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name,
      namespace,
      labels: { ...(specOf(ds).template?.metadata?.labels ?? {}), [HASH_LABEL]: hash },
      ...(ds.metadata.annotations ? { annotations: { ...ds.metadata.annotations } } : {}),
      ownerReferences: [controllerRefTo(ds)],
    },
    data: templatePatch(ds),
    revision,
  };
  try {
    return await client.create(CONTROLLER_REVISIONS, namespace, history);
  } catch (err) {
    if (!(err instanceof ApiError && err.reason === "AlreadyExists")) throw err;
    const existing = await client.get(CONTROLLER_REVISIONS, namespace, name);
    if (existing && matches(ds, existing)) return existing;
    await client.update(
      DAEMONSETS,
      namespace,
      ds.metadata.name ?? "",
      (current) => {
        const status = (current.status ?? {}) as { collisionCount?: number };
        return { ...current, status: { ...status, collisionCount: (status.collisionCount ?? 0) + 1 } };
      },
      "status",
    );
    throw err;
  }
}

/**
 * cleanupHistory: old revisions beyond revisionHistoryLimit are deleted, oldest first, except those
 * some pod still runs.
 */
export async function cleanupHistory(
  client: InProcessClient,
  ds: KubeObject,
  old: KubeObject[],
  pods: KubeObject[],
): Promise<void> {
  let toKill = old.length - (specOf(ds).revisionHistoryLimit ?? 10);
  if (toKill <= 0) return;
  const liveHashes = new Set(pods.map((p) => p.metadata.labels?.[HASH_LABEL]).filter(Boolean));
  for (const revision of sortRevisions([...old])) {
    if (toKill <= 0) break;
    if (liveHashes.has(revision.metadata.labels?.[HASH_LABEL])) continue;
    await deleteRevision(client, revision);
    toKill--;
  }
}
