import type { TransactionSql } from "postgres";
import type { ChangeType } from "../../../../../db/schema/objects.ts";
import type { KubeObject, ObjectRef } from "../object/types.ts";

export type { ChangeType };

/** One committed change, as written to the change log and published to watchers. */
export interface Change {
  clusterId: string;
  rv: number;
  type: ChangeType;
  group: string;
  resource: string;
  namespace: string;
  name: string;
  /** The object after the change; for DELETED, its last state with the deletion's version. */
  object: KubeObject;
}

/** A change about to commit, with the object as it was before (absent for ADDED). */
export interface PendingChange {
  change: Change;
  previous?: KubeObject;
  /**
   * `change.object` as JSON, when the write already serialised it that way (it stores it so):
   * publishing reuses it instead of serialising the object again.
   */
  objectJson?: string;
}

/**
 * Runs inside every write transaction after its changes are made, before commit: it may write rows
 * that must commit with the change (an outbox, usage counters) or throw to refuse the whole write.
 * It runs on every write, so it must be cheap for changes it does not care about.
 */
export interface CommitHook {
  beforeCommit(sql: TransactionSql, clusterId: string, changes: readonly PendingChange[]): Promise<void>;
}

/** Told about every commit, after it is durable: publishes to watchers, enqueues reconciles. */
export interface ChangeSink {
  /** After a commit, in the writer's process: the changes in version order, each with what it replaced. */
  changesCommitted(clusterId: string, changes: readonly PendingChange[]): Promise<void>;
}

export interface CreateOptions {
  /** Set metadata.generation = 1 and bump it on later spec changes (kinds with a spec/status split). */
  trackGeneration?: boolean;
}

export interface UpdateOptions {
  trackGeneration?: boolean;
  /** Fail with Conflict unless the stored object has this resourceVersion. */
  expectedResourceVersion?: string;
}

export interface DeleteOptions {
  expectedResourceVersion?: string;
  expectedUid?: string;
}

export interface ListOptions {
  group: string;
  resource: string;
  /** Omit to list across all namespaces. */
  namespace?: string;
  /** Page size; absent means everything. */
  limit?: number;
  /** Resume after this (namespace, name), from a continue token. */
  after?: { namespace: string; name: string };
}

export interface ListResult {
  items: KubeObject[];
  /** The cluster's resourceVersion in the same snapshot as the items. */
  resourceVersion: number;
  /** Set when more items remain after this page. */
  last?: { namespace: string; name: string };
}

export type { KubeObject, ObjectRef };
