import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import type { PodCondition } from "../shared/pods.ts";
import { coversIndexes, type Intervals, parseIndexes, totalIndexes } from "./indexes.ts";
import { type ContainerStatus, containerStatuses, initContainerStatuses } from "./pod-state.ts";
import type { PodFailurePolicy, PodFailurePolicyRule, SuccessPolicy } from "./types.ts";

/** What a failed pod's match against spec.podFailurePolicy means for the Job. */
export interface FailurePolicyMatch {
  /** Set when a FailJob rule matched: the Job fails with this message. */
  failJobMessage?: string;
  /** False when an Ignore rule matched: the failure does not count towards backoffLimit. */
  countFailed: boolean;
  action?: PodFailurePolicyRule["action"];
}

function exitCodeMatches(rule: NonNullable<PodFailurePolicyRule["onExitCodes"]>, code: number): boolean {
  if (rule.operator === "In") return rule.values.includes(code);
  if (rule.operator === "NotIn") return !rule.values.includes(code);
  return false;
}

function matchingContainer(
  statuses: ContainerStatus[],
  rule: NonNullable<PodFailurePolicyRule["onExitCodes"]>,
): ContainerStatus | undefined {
  return statuses.find((s) => {
    const code = s.state?.terminated?.exitCode;
    if (code === undefined || code === 0) return false;
    if (rule.containerName !== undefined && rule.containerName !== s.name) return false;
    return exitCodeMatches(rule, code);
  });
}

/** matchPodFailurePolicy (pkg/controller/job/pod_failure_policy.go): the first matching rule wins. */
export function matchPodFailurePolicy(
  policy: PodFailurePolicy | undefined,
  pod: KubeObject,
): FailurePolicyMatch {
  if (!policy) return { countFailed: true };
  const where = `${pod.metadata.namespace}/${pod.metadata.name}`;
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    let failJobMessage: string | undefined;
    if (rule.onExitCodes) {
      const container =
        matchingContainer(containerStatuses(pod), rule.onExitCodes) ??
        matchingContainer(initContainerStatuses(pod), rule.onExitCodes);
      if (!container) continue;
      failJobMessage = `Container ${container.name} for pod ${where} failed with exit code ${container.state?.terminated?.exitCode} matching ${rule.action} rule at index ${index}`;
    } else if (rule.onPodConditions) {
      const conditions = (pod.status as { conditions?: PodCondition[] } | undefined)?.conditions ?? [];
      const condition = conditions.find((c) =>
        rule.onPodConditions?.some((p) => p.type === c.type && (p.status ?? "True") === c.status),
      );
      if (!condition) continue;
      failJobMessage = `Pod ${where} has condition ${condition.type} matching ${rule.action} rule at index ${index}`;
    } else {
      continue;
    }
    switch (rule.action) {
      case "Ignore":
        return { countFailed: false, action: "Ignore" };
      case "Count":
        return { countFailed: true, action: "Count" };
      case "FailIndex":
        return { countFailed: true, action: "FailIndex" };
      case "FailJob":
        return { failJobMessage, countFailed: true, action: "FailJob" };
    }
  }
  return { countFailed: true };
}

/** matchSuccessPolicy (success_policy.go): the message of the first rule the succeeded indexes meet. */
export function matchSuccessPolicy(
  policy: SuccessPolicy | undefined,
  completions: number,
  succeeded: Intervals,
): string | undefined {
  if (!policy || succeeded.length === 0) return undefined;
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    if (rule.succeededIndexes !== undefined) {
      const required = parseIndexes(rule.succeededIndexes, completions);
      if (required.length === 0) continue;
      if (coversIndexes(required, succeeded, rule.succeededCount)) return `Matched rules at index ${index}`;
    } else if (rule.succeededCount !== undefined && totalIndexes(succeeded) >= rule.succeededCount) {
      return `Matched rules at index ${index}`;
    }
  }
  return undefined;
}
