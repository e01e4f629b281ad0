import type { TransactionSql } from "postgres";
import type { ClusterQuotaLimits } from "../config.ts";
import type { CommitHook, PendingChange } from "../kube/store/types.ts";
import {
  addAmounts,
  amountsOf,
  isZero,
  NO_AMOUNTS,
  QUOTA_DIMENSIONS,
  type QuotaAmounts,
  type QuotaDimension,
} from "./amounts.ts";
import { quotaExceeded } from "./quota-exceeded.ts";
import { recountQuotaUsage } from "./recount.ts";

interface Step {
  change: PendingChange["change"];
  delta: QuotaAmounts;
}

/**
 * Keeps each cluster's quota usage and pod ledger in the write transaction itself (every write of a
 * cluster holds its counter row lock, so the counters need no lock of their own), and refuses a
 * write that takes a dimension past its limit, like ResourceQuota admission, by throwing: the whole
 * write rolls back. A write that does not add to a dimension is never refused for it, so deletes and
 * a pod finishing always pass, even over a limit that was lowered meanwhile.
 *
 * Cost: nothing for writes that change no count (status updates, most writes); one statement for
 * the others.
 */
export class ClusterUsageHook implements CommitHook {
  constructor(
    private readonly limits: ClusterQuotaLimits,
    private readonly now: () => Date,
  ) {}

  async beforeCommit(
    sql: TransactionSql,
    clusterId: string,
    pending: readonly PendingChange[],
  ): Promise<void> {
    const steps: Step[] = [];
    const podsStarted: string[] = [];
    const podsEnded: string[] = [];
    let delta = NO_AMOUNTS;
    for (const { change, previous } of pending) {
      const before = previous ? amountsOf(change.group, change.resource, previous) : NO_AMOUNTS;
      const after =
        change.type === "DELETED" ? NO_AMOUNTS : amountsOf(change.group, change.resource, change.object);
      const step = addAmounts(after, before, -1);
      if (isZero(step)) continue;
      steps.push({ change, delta: step });
      delta = addAmounts(delta, step);
      const uid = change.object.metadata.uid;
      if (uid && step.pods > 0) podsStarted.push(uid);
      if (uid && step.pods < 0) podsEnded.push(uid);
    }
    if (steps.length === 0) return;
    // The pool passes timestamps through as text (drizzle's setting), so they go in as ISO strings.
    const now = this.now().toISOString();
    const [row] = await sql<{ objects: number; pods: number; cpu_millis: number; memory_bytes: number }[]>`
      with usage as (
        update cluster_quota_usage
        set objects = objects + ${delta.objects}, pods = pods + ${delta.pods},
            cpu_millis = cpu_millis + ${delta.cpuMillis}, memory_bytes = memory_bytes + ${delta.memoryBytes}
        where cluster_id = ${clusterId}
        returning objects, pods, cpu_millis, memory_bytes
      ), started as (
        insert into usage_pods (cluster_id, uid, started_at)
        select ${clusterId}, uid, ${now} from unnest(${sql.array(podsStarted)}::text[]) as uid
        on conflict do nothing
      )${
        // Only when pods ended. Each pod is found by a probe of the primary key (a lateral subquery
        // with a limit is not flattened) and updated by its row's address: with `uid = any(...)` the
        // planner may keep the uids as a filter over every pod the cluster ever ran, when its
        // statistics promise few rows (see StoreTransaction.namesPresent).
        podsEnded.length > 0
          ? sql`, ended as (
              update usage_pods set ended_at = ${now}
              where ctid = any(array(
                select open.ctid from unnest(${sql.array(podsEnded)}::text[]) as e(uid),
                  lateral (
                    select ctid from usage_pods
                    where cluster_id = ${clusterId} and uid = e.uid and ended_at is null
                    limit 1
                  ) as open
              ))
            )`
          : sql``
      }
      select * from usage`;
    // No counter yet (a cluster from before quotas): count what it holds, this write included.
    const total: QuotaAmounts = row
      ? { objects: row.objects, pods: row.pods, cpuMillis: row.cpu_millis, memoryBytes: row.memory_bytes }
      : await recountQuotaUsage(sql, clusterId);
    const exceeded = QUOTA_DIMENSIONS.filter((d) => delta[d] > 0 && total[d] > this.limits[d]);
    if (exceeded.length > 0) throw this.refusal(steps, addAmounts(total, delta, -1), exceeded);
  }

  /**
   * Names the change that crossed a limit, as upstream's per-request admission would: the first
   * that adds to an exceeded dimension beyond its limit (the last change adding to it always does).
   */
  private refusal(steps: readonly Step[], usedBefore: QuotaAmounts, exceeded: readonly QuotaDimension[]) {
    let used = usedBefore;
    for (const { change, delta } of steps) {
      const next = addAmounts(used, delta);
      const crossed = exceeded.filter((d) => delta[d] > 0 && next[d] > this.limits[d]);
      if (crossed.length > 0) {
        return quotaExceeded(change, crossed, { requested: delta, used, limited: this.limits });
      }
      used = next;
    }
    throw new Error("unreachable: a quota was exceeded but no change crossed it");
  }
}
