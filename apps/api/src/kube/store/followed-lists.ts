import type { Sql, TransactionSql } from "postgres";
import type { KubeObject } from "../object/types.ts";
import { clusterGone } from "./errors.ts";
import type { ChangeType } from "./types.ts";

/** Every object of one resource of one cluster, as of `rv`, kept up to date from the change log. */
interface FollowedList {
  rv: number;
  objects: Map<string, KubeObject>;
  /** The objects in list order (namespace, name), rebuilt on the next read after a change. */
  ordered?: KubeObject[];
  usedAt: number;
  /** The catch-up in flight. */
  catchingUp?: Promise<void>;
  /**
   * The catch-up that follows it, shared by the readers that came while it was in flight: it may
   * have read before what they must see (the change that woke a reconcile) committed.
   */
  next?: Promise<void>;
}

interface ChangeRow {
  cluster_rv: number;
  compacted_rv: number;
  rv: number | null;
  type: ChangeType | null;
  namespace: string;
  name: string;
  body: KubeObject | null;
}

/** A full list (decoded), for the first read and after the change log was compacted past the list. */
export type Relist = () => Promise<{ resourceVersion: number; items: KubeObject[] }>;

/**
 * What an informer is to a controller: lists of whole resources (all pods of a cluster …) held in
 * memory and brought up to date on each read with one query for the changes since, instead of
 * reading and parsing every object again. A control plane that lists a cluster's pods on every
 * reconcile reads each pod once per change instead of once per reconcile.
 *
 * A read is exact: it returns the state of one snapshot (the change log and the cluster's counter
 * are read in one statement, and versions commit in order). The objects are frozen and shared
 * between readers: nobody may change them. Memory is bounded: the least recently read lists go
 * first, and a list nobody read for `maxIdleMs` is dropped on the next read of any list; nothing
 * runs in between (an idle cluster keeps nothing here for long).
 */
export class FollowedLists {
  private readonly lists = new Map<string, FollowedList>();

  constructor(
    private readonly sql: Sql,
    private readonly decode: (group: string, resource: string, body: KubeObject) => KubeObject,
    private readonly options: { maxLists: number; maxIdleMs: number },
  ) {}

  /**
   * Every object of the resource in the cluster, in list order. `via`: a transaction that holds the
   * cluster's write lock and has not written the resource; the list is then brought up to what that
   * transaction sees (every commit before the lock), on its connection.
   */
  async list(
    clusterId: string,
    group: string,
    resource: string,
    relist: Relist,
    via?: TransactionSql,
  ): Promise<KubeObject[]> {
    const key = `${clusterId}/${group}/${resource}`;
    const now = Date.now();
    this.evict(now);
    let followed = this.lists.get(key);
    if (!followed) {
      const listed = await relist();
      // Another first read may have finished meanwhile: the newer of the two stays.
      const other = this.lists.get(key);
      followed =
        other && other.rv >= listed.resourceVersion
          ? other
          : this.start(key, listed.resourceVersion, listed.items);
    } else {
      // Re-inserting keeps the Map in least-recently-read order.
      this.lists.delete(key);
      this.lists.set(key, followed);
      const current = followed;
      const catchUp = (sql: Sql | TransactionSql) => () =>
        this.catchUp(current, clusterId, group, resource, relist, sql);
      if (via) {
        // Under the lock, on the transaction's connection: what it sees is what it must see.
        await this.afterPending(current);
        await catchUp(via)();
      } else {
        await this.refresh(current, catchUp(this.sql));
      }
    }
    followed.usedAt = now;
    followed.ordered ??= [...followed.objects.values()].sort(listOrder);
    return followed.ordered;
  }

  /**
   * A catch-up that starts after this call: joins the one in flight only if it has not started yet
   * (the queued one), never one that may have read before the caller's reason to read committed.
   */
  private refresh(followed: FollowedList, catchUp: () => Promise<void>): Promise<void> {
    if (!followed.catchingUp) {
      const running = catchUp().finally(() => {
        if (followed.catchingUp === running) followed.catchingUp = undefined;
      });
      followed.catchingUp = running;
      return running;
    }
    followed.next ??= followed.catchingUp
      .catch(() => undefined)
      .then(() => {
        followed.next = undefined;
        return this.refresh(followed, catchUp);
      });
    return followed.next;
  }

  /** Waits for the catch-ups in flight or queued (their failures are their readers'). */
  private async afterPending(followed: FollowedList): Promise<void> {
    await followed.catchingUp?.catch(() => undefined);
    await followed.next?.catch(() => undefined);
  }

  private start(key: string, rv: number, items: KubeObject[]): FollowedList {
    const followed: FollowedList = { rv, objects: new Map(), usedAt: Date.now() };
    fill(followed, rv, items);
    this.lists.set(key, followed);
    return followed;
  }

  private async catchUp(
    followed: FollowedList,
    clusterId: string,
    group: string,
    resource: string,
    relist: Relist,
    sql: Sql | TransactionSql,
  ): Promise<void> {
    const rows = await sql<ChangeRow[]>`
      select v.rv as cluster_rv, v.compacted_rv, c.rv, c.type, c.namespace, c.name, c.body
      from cluster_versions v
      left join lateral (
        select rv, type, namespace, name, body from changes
        where cluster_id = v.cluster_id and rv > ${followed.rv}
          and api_group = ${group} and resource = ${resource}
        order by rv
      ) c on true
      where v.cluster_id = ${clusterId}
      order by c.rv`;
    const first = rows[0];
    if (!first) throw clusterGone(clusterId);
    if (first.compacted_rv > followed.rv) {
      // The log no longer reaches back to this list: read it whole again.
      const listed = await relist();
      fill(followed, listed.resourceVersion, listed.items);
      return;
    }
    for (const row of rows) {
      if (row.rv === null || row.body === null || row.rv <= followed.rv) continue;
      const key = `${row.namespace}/${row.name}`;
      if (row.type === "DELETED") followed.objects.delete(key);
      else followed.objects.set(key, deepFreeze(this.decode(group, resource, row.body)));
      followed.ordered = undefined;
    }
    followed.rv = Math.max(followed.rv, first.cluster_rv);
  }

  private evict(now: number): void {
    for (const [key, followed] of this.lists) {
      const idle = now - followed.usedAt > this.options.maxIdleMs;
      if (!idle && this.lists.size <= this.options.maxLists) return;
      if (!followed.catchingUp && !followed.next) this.lists.delete(key);
    }
  }
}

/** List order as Postgres gives it under the C collation: by namespace, then name. */
function listOrder(a: KubeObject, b: KubeObject): number {
  const [an, bn] = [a.metadata.namespace ?? "", b.metadata.namespace ?? ""];
  if (an !== bn) return an < bn ? -1 : 1;
  const [a2, b2] = [a.metadata.name ?? "", b.metadata.name ?? ""];
  return a2 < b2 ? -1 : a2 > b2 ? 1 : 0;
}

/** Replaces a list's objects with a full list read at `rv`. */
function fill(followed: FollowedList, rv: number, items: readonly KubeObject[]): void {
  followed.objects.clear();
  for (const item of items) followed.objects.set(itemKey(item), deepFreeze(item));
  followed.rv = rv;
  followed.ordered = undefined;
}

function itemKey(item: KubeObject): string {
  return `${item.metadata.namespace ?? ""}/${item.metadata.name ?? ""}`;
}

/** Freezes an object and everything in it, so a reader that tries to change a shared object fails. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
