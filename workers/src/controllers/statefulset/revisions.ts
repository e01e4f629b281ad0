/**
 * A StatefulSet's revision history (stateful_set_control.go getStatefulSetRevisions, truncateHistory;
 * stateful_set_utils.go newRevision, ApplyRevision; release-1.32). A revision stores the pod template
 * as a patch that replaces spec.template; its name is `<set>-<hash>`, which pods carry in their
 * controller-revision-hash label.
 */

import type { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import { jsonEqual } from "../../../../apps/api/src/kube/object/equality.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import {
  createRevision,
  deleteRevision,
  nextRevisionNumber,
  setRevisionNumber,
} from "../shared/controller-history.ts";
import { controllerRefTo } from "../shared/owners.ts";
import { podRevision } from "./identity.ts";
import { specOf } from "./types.ts";

/** getPatch: `{"spec":{"template":{…,"$patch":"replace"}}}`. */
export function revisionData(set: KubeObject): Record<string, unknown> {
  return { spec: { template: { ...structuredClone(specOf(set).template ?? {}), $patch: "replace" } } };
}

/** ApplyRevision: the set with the revision's template. */
export function applyRevision(set: KubeObject, revision: KubeObject): KubeObject {
  const clone = structuredClone(set);
  const data = revision.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const { $patch: _replace, ...template } = data?.spec?.template ?? {};
  (clone.spec as Record<string, unknown>).template = structuredClone(template);
  return clone;
}

function newRevision(set: KubeObject, revision: number): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      labels: { ...(specOf(set).template?.metadata?.labels ?? {}) },
      ...(set.metadata.annotations ? { annotations: { ...set.metadata.annotations } } : {}),
      ownerReferences: [controllerRefTo(set)],
    },
    data: revisionData(set),
    revision,
  };
}

export interface SetRevisions {
  current: KubeObject;
  update: KubeObject;
  collisionCount: number;
}

/**
 * The current revision (status.currentRevision, or the update one for a new set) and the update
 * revision (the set's template now): an unchanged template reuses the latest revision, a template
 * seen before (a rollback) gets that revision renumbered, a new one is created.
 */
export async function setRevisions(
  client: InProcessClient,
  set: KubeObject,
  sorted: KubeObject[],
): Promise<SetRevisions> {
  const status = (set.status ?? {}) as { collisionCount?: number; currentRevision?: string };
  let collisionCount = status.collisionCount ?? 0;
  const wanted = newRevision(set, nextRevisionNumber(sorted));
  const equal = sorted.filter((r) => jsonEqual(r.data, wanted.data));
  const latest = sorted.at(-1);
  let update: KubeObject;
  if (equal.length > 0 && latest && equal.at(-1) === latest) {
    update = latest;
  } else if (equal.length > 0) {
    update = await setRevisionNumber(client, equal.at(-1) as KubeObject, wanted.revision as number);
  } else {
    const created = await createRevision(client, set, wanted, collisionCount);
    update = created.revision;
    collisionCount = created.collisionCount;
  }
  const current = sorted.find((r) => r.metadata.name === status.currentRevision) ?? update;
  return { current, update, collisionCount };
}

/**
 * truncateHistory: revisions that are neither current, nor the update revision, nor some pod's
 * are deleted, oldest first, down to revisionHistoryLimit.
 */
export async function truncateHistory(
  client: InProcessClient,
  set: KubeObject,
  pods: KubeObject[],
  sorted: KubeObject[],
  live: SetRevisions,
): Promise<void> {
  const liveNames = new Set([
    live.current.metadata.name,
    live.update.metadata.name,
    ...pods.map(podRevision),
  ]);
  const history = sorted.filter((r) => !liveNames.has(r.metadata.name ?? ""));
  const limit = specOf(set).revisionHistoryLimit ?? 10;
  if (limit < 0 || history.length <= limit) return;
  for (const revision of history.slice(0, history.length - limit)) await deleteRevision(client, revision);
}
