/**
 * One daemon pod per eligible node (daemon_controller.go manage, podsShouldBeOnNode, syncNodes;
 * release-1.32): missing pods are created pinned to their node by node affinity (the scheduler binds
 * them), pods on nodes they no longer fit, failed pods and extra pods are deleted.
 */
import { ApiError } from "../../../../apps/api/src/errors.ts";
import { CORE_V1, type InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { recordEvent } from "../../events/record-event.ts";
import { podFromTemplate } from "../shared/pod-from-template.ts";
import { isPodAvailable, isPodReady, podPhase } from "../shared/pods.ts";
import { addDaemonPodTolerations, nodeShouldRunDaemonPod, pinToNode, targetNodeName } from "./eligibility.ts";
import {
  COMPONENT,
  HASH_LABEL,
  minReadySecondsOf,
  specOf,
  TEMPLATE_GENERATION_LABEL,
  templateGeneration,
} from "./types.ts";

const PODS = CORE_V1("pods");
/** BurstReplicas: at most this many creations and deletions per pass. */
const BURST = 250;

export interface DaemonContext {
  client: InProcessClient;
  ds: KubeObject;
  nodes: KubeObject[];
  hash: string;
  now: Date;
}

export type NodeToPods = Map<string, KubeObject[]>;

/** getNodesToDaemonPods: the daemon pods by the node they are bound or pinned to. */
export function nodesToDaemonPods(pods: KubeObject[]): NodeToPods {
  const byNode: NodeToPods = new Map();
  for (const pod of pods) {
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  return byNode;
}

/** podByCreationTimestampAndPhase: bound pods first, then the oldest, then by name. */
export function oldestFirst(pods: KubeObject[]): KubeObject[] {
  const bound = (p: KubeObject) => ((p.spec as { nodeName?: string } | undefined)?.nodeName ? 0 : 1);
  const created = (p: KubeObject) => Date.parse(p.metadata.creationTimestamp ?? "") || 0;
  return [...pods].sort(
    (a, b) =>
      bound(a) - bound(b) ||
      created(a) - created(b) ||
      (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""),
  );
}

export function event(ctx: DaemonContext, type: "Normal" | "Warning", reason: string, message: string) {
  return recordEvent(ctx.client, { component: COMPONENT }, ctx.ds, { type, reason, message }, ctx.now);
}

interface NodePlan {
  create: string[];
  delete: KubeObject[];
}

/** podsShouldBeOnNode (without surge: one pod per node, the oldest kept). */
async function planNode(
  ctx: DaemonContext,
  node: KubeObject,
  byNode: NodeToPods,
  surge: boolean,
): Promise<NodePlan> {
  const plan: NodePlan = { create: [], delete: [] };
  const nodeName = node.metadata.name ?? "";
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ctx.ds);
  const pods = byNode.get(nodeName);
  if (shouldRun && !pods) {
    plan.create.push(nodeName);
  } else if (shouldContinueRunning && pods) {
    const running: KubeObject[] = [];
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp) continue;
      const where = `${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}`;
      if (podPhase(pod) === "Failed") {
        await event(
          ctx,
          "Warning",
          "FailedDaemonPod",
          `Found failed daemon pod ${where}, will try to kill it`,
        );
        plan.delete.push(pod);
      } else if (podPhase(pod) === "Succeeded") {
        await event(
          ctx,
          "Normal",
          "SucceededDaemonPod",
          `Found succeeded daemon pod ${where}, will try to delete it`,
        );
        plan.delete.push(pod);
      } else {
        running.push(pod);
      }
    }
    if (!surge) {
      plan.delete.push(...oldestFirst(running).slice(1));
    } else if (running.length === 0) {
      if (shouldRun) plan.create.push(nodeName);
    } else if (running.length > 1) {
      plan.delete.push(...surgePrune(ctx, oldestFirst(running)));
    }
  } else if (!shouldContinueRunning && pods) {
    plan.delete.push(...pods.filter((p) => !p.metadata.deletionTimestamp));
  }
  return plan;
}

/**
 * With surge, two pods may share a node while the new one is not yet available: the oldest new and
 * the oldest old stay until the new one is available or the old one is not ready; all others go.
 */
function surgePrune(ctx: DaemonContext, running: KubeObject[]): KubeObject[] {
  const doomed: KubeObject[] = [];
  let oldestNew: KubeObject | undefined;
  let oldestOld: KubeObject | undefined;
  for (const pod of running) {
    if (pod.metadata.labels?.[HASH_LABEL] === ctx.hash) {
      if (!oldestNew) oldestNew = pod;
      else doomed.push(pod);
    } else if (!oldestOld) {
      oldestOld = pod;
    } else {
      doomed.push(pod);
    }
  }
  if (oldestNew && oldestOld) {
    if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReadySecondsOf(ctx.ds), ctx.now))
      doomed.push(oldestOld);
  }
  return doomed;
}

/** manage: returns whether it created or deleted anything. */
export async function manage(ctx: DaemonContext, pods: KubeObject[], surge: boolean): Promise<boolean> {
  const byNode = nodesToDaemonPods(pods);
  const create: string[] = [];
  const remove: KubeObject[] = [];
  const orphaned: KubeObject[] = [];
  for (const node of ctx.nodes) {
    const plan = await planNode(ctx, node, byNode, surge);
    create.push(...plan.create);
    remove.push(...plan.delete);
  }
  const existing = new Set(ctx.nodes.map((n) => n.metadata.name));
  for (const [nodeName, onNode] of byNode) {
    if (existing.has(nodeName)) continue;
    for (const pod of onNode) {
      if ((pod.spec as { nodeName?: string }).nodeName) orphaned.push(pod);
      else remove.push(pod);
    }
  }
  // Pods bound to a node that is gone have no kubelet to finish a graceful delete: PodGC's force
  // delete, done here for daemon pods.
  for (const pod of orphaned) await deletePod(ctx, pod, 0);
  await syncNodes(ctx, remove, create);
  return create.length + remove.length + orphaned.length > 0;
}

/** syncNodes: create on the given nodes, delete the given pods, with upstream's events. */
export async function syncNodes(ctx: DaemonContext, remove: KubeObject[], create: string[]): Promise<void> {
  const errors: unknown[] = [];
  const template = daemonPodTemplate(ctx);
  for (const nodeName of create.slice(0, BURST)) {
    const pod = podFromTemplate(template, ctx.ds);
    pinToNode(pod.spec as Record<string, unknown>, nodeName);
    try {
      const created = await ctx.client.create(PODS, ctx.ds.metadata.namespace ?? "", pod);
      await event(ctx, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata.name}`);
    } catch (err) {
      // A namespace being deleted refuses new pods: nothing to do about it.
      if (err instanceof ApiError && err.reason === "Forbidden") continue;
      await event(ctx, "Warning", "FailedCreate", `Error creating: ${messageOf(err)}`);
      errors.push(err);
    }
  }
  for (const pod of remove.slice(0, BURST)) {
    try {
      await deletePod(ctx, pod);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw errors[0];
}

async function deletePod(ctx: DaemonContext, pod: KubeObject, gracePeriodSeconds?: number): Promise<void> {
  try {
    await ctx.client.delete(PODS, pod.metadata.namespace ?? "", pod.metadata.name ?? "", {
      uid: pod.metadata.uid,
      ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}),
    });
    await event(ctx, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`);
  } catch (err) {
    if (err instanceof ApiError && err.reason === "NotFound") return;
    await event(ctx, "Warning", "FailedDelete", `Error deleting: ${messageOf(err)}`);
    throw err;
  }
}

/** util.CreatePodTemplate: the template with daemon tolerations, generation and hash labels. */
function daemonPodTemplate(ctx: DaemonContext) {
  const template = structuredClone(specOf(ctx.ds).template ?? {});
  const spec = (template.spec ?? {}) as Record<string, unknown>;
  addDaemonPodTolerations(spec);
  template.spec = spec;
  const generation = templateGeneration(ctx.ds);
  template.metadata = {
    ...(template.metadata ?? {}),
    labels: {
      ...(template.metadata?.labels ?? {}),
      ...(generation !== undefined ? { [TEMPLATE_GENERATION_LABEL]: generation } : {}),
      ...(ctx.hash ? { [HASH_LABEL]: ctx.hash } : {}),
    },
  };
  return template;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
