import { kubeTime } from "../../../../apps/api/src/platform/clock.ts";
import type { JobCondition } from "../shared/job-status.ts";

export function newCondition(
  type: string,
  status: string,
  reason: string,
  message: string,
  now: Date,
): JobCondition {
  const at = kubeTime(now);
  return {
    type,
    status,
    lastProbeTime: at,
    lastTransitionTime: at,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

export function findCondition(
  list: readonly JobCondition[] | undefined,
  type: string,
): JobCondition | undefined {
  return list?.find((c) => c.type === type);
}

/**
 * ensureJobConditionStatus: sets (or appends) the condition of this type; a False condition is never
 * appended, only an existing one changed. Returns whether anything changed.
 */
export function ensureCondition(
  list: JobCondition[],
  type: string,
  status: string,
  reason: string,
  message: string,
  now: Date,
): boolean {
  const index = list.findIndex((c) => c.type === type);
  const existing = list[index];
  if (existing) {
    if (
      existing.status === status &&
      (existing.reason ?? "") === reason &&
      (existing.message ?? "") === message
    )
      return false;
    list[index] = newCondition(type, status, reason, message, now);
    return true;
  }
  if (status === "False") return false;
  list.push(newCondition(type, status, reason, message, now));
  return true;
}

/** The interim condition that announces the terminal one (FailureTarget → Failed, SuccessCriteriaMet → Complete). */
export const isSuccessCriteriaMet = (c: JobCondition | undefined) =>
  c?.type === "SuccessCriteriaMet" && c.status === "True";
