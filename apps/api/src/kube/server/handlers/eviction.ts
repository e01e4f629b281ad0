/**
 * The parts of the Eviction API (pkg/registry/core/pod/storage/eviction.go, release-1.32): the
 * PodDisruptionBudgets guarding a pod (getPodDisruptionBudgets, checkAndDecrement), the
 * DisruptionAllowed condition the disruption controller keeps too
 * (k8s.io/component-helpers/apps/poddisruptionbudget), and the delete (addConditionAndDeletePod).
 */
import { ApiError } from "../../../errors.ts";
import { kubeTime } from "../../../platform/clock.ts";
import type { KubeObject } from "../../object/types.ts";
import { findResource } from "../../registry/registry.ts";
import type { LabelSelectorObject } from "../../selectors/index.ts";
import { matchesLabels, SelectorError, selectorFromLabelSelector } from "../../selectors/index.ts";
import { objectConflict } from "../../store/errors.ts";
import { fromStorage, type KubeRequest, storageRef } from "./context.ts";
import { deleteObject } from "./delete.ts";
import { modifyObject } from "./modify.ts";
import { writeOptions } from "./write-options.ts";

/** policy.MaxDisruptedPodSize: evictions the controller has not confirmed yet, at most. */
const MAX_DISRUPTED_PODS = 2000;
/** policyv1.DisruptionBudgetCause. */
const DISRUPTION_BUDGET_CAUSE = "DisruptionBudget";
const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

export interface Condition {
  type: string;
  status: string;
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface BudgetStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: Condition[];
}

export function budgetStatus(pdb: KubeObject): BudgetStatus {
  return {
    disruptionsAllowed: 0,
    currentHealthy: 0,
    desiredHealthy: 0,
    expectedPods: 0,
    ...((pdb.status ?? {}) as Partial<BudgetStatus>),
  };
}

/**
 * meta.SetStatusCondition: adds or updates the condition of that type; its lastTransitionTime moves
 * only when its status does.
 */
export function setStatusCondition(
  conditions: Condition[],
  next: Omit<Condition, "lastTransitionTime">,
  now: string,
): Condition[] {
  const existing = conditions.find((c) => c.type === next.type);
  if (!existing) return [...conditions, { ...next, lastTransitionTime: now }];
  const lastTransitionTime = existing.status === next.status ? existing.lastTransitionTime : now;
  return conditions.map((c) => (c === existing ? { ...c, ...next, lastTransitionTime } : c));
}

/** UpdateDisruptionAllowedCondition: True (SufficientPods) while disruptions are allowed. */
export function updateDisruptionAllowedCondition(status: BudgetStatus, now: string): void {
  const allowed = status.disruptionsAllowed > 0;
  status.conditions = setStatusCondition(
    status.conditions ?? [],
    {
      type: "DisruptionAllowed",
      status: allowed ? "True" : "False",
      reason: allowed ? "SufficientPods" : "InsufficientPods",
      message: "",
      ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
    },
    now,
  );
}

function budgetsRequest(req: KubeRequest): KubeRequest {
  const def = findResource("policy", "v1", "poddisruptionbudgets");
  if (!def) throw new Error("policy/v1 poddisruptionbudgets is not registered");
  return {
    ...req,
    def,
    path: { group: "policy", version: "v1", resource: "poddisruptionbudgets", namespace: req.path.namespace },
  };
}

/** The budgets of the pod's namespace whose selector matches it (an invalid one matches nothing). */
export async function budgetsSelecting(req: KubeRequest, pod: KubeObject): Promise<KubeObject[]> {
  const pdbReq = budgetsRequest(req);
  const listed = await req.runtime.store.list(req.clusterId, {
    group: pdbReq.def.storage.group,
    resource: pdbReq.def.storage.resource,
    namespace: pod.metadata.namespace ?? "",
  });
  return listed.items
    .map((item) => fromStorage(pdbReq, item))
    .filter((pdb) => {
      const selector = (pdb.spec as { selector?: LabelSelectorObject } | undefined)?.selector;
      try {
        return matchesLabels(selectorFromLabelSelector(selector), pod.metadata.labels);
      } catch (err) {
        if (err instanceof SelectorError) return false;
        throw err;
      }
    });
}

/** createTooManyRequestsError: the budget's status is behind its spec, or the pod could not be deleted. */
export function budgetBeingProcessed(name: string): ApiError {
  return new ApiError("TooManyRequests", VIOLATION, {
    retryAfterSeconds: 10,
    causes: [
      {
        reason: DISRUPTION_BUDGET_CAUSE,
        message: `The disruption budget ${name} is still being processed by the server.`,
      },
    ],
  });
}

function budgetForbidden(name: string, why: string): ApiError {
  return new ApiError("Forbidden", `poddisruptionbudget.policy "${name}" is forbidden: ${why}`, {
    name,
    group: "policy",
    kind: "poddisruptionbudget",
  });
}

/**
 * checkAndDecrement: refuses the eviction (429) unless the budget allows a disruption, then takes
 * one and records the pod in disruptedPods so the controller does not count it as healthy while it
 * goes. The check and the write happen in one transaction.
 */
export async function takeDisruption(
  req: KubeRequest,
  pdbName: string,
  podName: string,
  dryRun: boolean,
): Promise<void> {
  const pdbReq = budgetsRequest(req);
  const now = kubeTime(req.now);
  await modifyObject(
    { ...pdbReq, path: { ...pdbReq.path, name: pdbName, subresource: "status" } },
    pdbName,
    (pdb) => {
      const status = budgetStatus(pdb);
      if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0))
        throw budgetBeingProcessed(pdbName);
      if (status.disruptionsAllowed < 0)
        throw budgetForbidden(pdbName, "pdb disruptions allowed is negative");
      if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) {
        throw budgetForbidden(
          pdbName,
          "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
        );
      }
      if (status.disruptionsAllowed === 0) {
        throw new ApiError("TooManyRequests", VIOLATION, {
          causes: [
            {
              reason: DISRUPTION_BUDGET_CAUSE,
              message: `The disruption budget ${pdbName} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`,
            },
          ],
        });
      }
      status.disruptionsAllowed--;
      if (status.disruptionsAllowed === 0) updateDisruptionAllowedCondition(status, now);
      status.disruptedPods = { ...(status.disruptedPods ?? {}), [podName]: now };
      return { ...pdb, status };
    },
    { ...writeOptions(req), dryRun, subresource: "status" },
  );
}

/** The deleteOptions an Eviction carries. */
export interface EvictionDeleteOptions {
  gracePeriodSeconds?: number;
  dryRun?: string[];
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  preconditions?: { uid?: string; resourceVersion?: string };
}

type PodCondition = { type: string; status: string; lastTransitionTime?: string | null } & Record<
  string,
  unknown
>;

/**
 * addConditionAndDeletePod: marks the pod DisruptionTarget (EvictionByEvictionAPI), then deletes
 * it; both only in `resourceVersion` when given (the version the budget check saw).
 */
export async function markDisruptedAndDelete(
  podReq: KubeRequest,
  podName: string,
  asked: EvictionDeleteOptions,
  resourceVersion: string | undefined,
  dryRun: boolean,
): Promise<void> {
  const preconditions = { ...asked.preconditions, ...(resourceVersion ? { resourceVersion } : {}) };
  const ref = storageRef(podReq, podName);
  let deleteVersion = preconditions.resourceVersion;
  if (!dryRun) {
    const conflict = (why: string) => objectConflict({ ...ref, group: "", resource: "Pod" }, why);
    const marked = await modifyObject(
      { ...podReq, path: { ...podReq.path, subresource: "status" } },
      podName,
      (pod) => {
        if (preconditions.uid && preconditions.uid !== pod.metadata.uid) {
          throw conflict(
            `the UID in the precondition (${preconditions.uid}) does not match the UID in record (${pod.metadata.uid}). The object might have been deleted and then recreated`,
          );
        }
        if (preconditions.resourceVersion && preconditions.resourceVersion !== pod.metadata.resourceVersion) {
          throw conflict(
            `the ResourceVersion in the precondition (${preconditions.resourceVersion}) does not match the ResourceVersion in record (${pod.metadata.resourceVersion}). The object might have been modified`,
          );
        }
        const status = (pod.status ?? {}) as { conditions?: PodCondition[] };
        const conditions = status.conditions ?? [];
        const existing = conditions.find((c) => c.type === "DisruptionTarget");
        // podutil.UpdatePodCondition: the transition time moves only when the status does.
        const condition: PodCondition = {
          type: "DisruptionTarget",
          status: "True",
          lastProbeTime: null,
          lastTransitionTime:
            existing?.status === "True" && existing.lastTransitionTime
              ? existing.lastTransitionTime
              : kubeTime(podReq.now),
          reason: "EvictionByEvictionAPI",
          message: "Eviction API: evicting",
        };
        status.conditions = existing
          ? conditions.map((c) => (c === existing ? condition : c))
          : [...conditions, condition];
        return { ...pod, status };
      },
      { ...writeOptions(podReq), subresource: "status" },
    );
    // The condition was this eviction's own write: the delete holds to the version it produced.
    if (deleteVersion) deleteVersion = marked.metadata.resourceVersion;
  }
  await deleteObject(podReq, podName, {
    propagationPolicy: asked.propagationPolicy ?? "Background",
    dryRun,
    ...(asked.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: asked.gracePeriodSeconds } : {}),
    preconditions: { ...preconditions, ...(deleteVersion ? { resourceVersion: deleteVersion } : {}) },
  });
}
