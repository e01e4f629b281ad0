import type { Sql, TransactionSql } from "postgres";
import type { KubeObject } from "../object/types.ts";
import { clusterGone } from "./errors.ts";
import type { ChangeType } from "./types.ts";

/**
 * One object of a followed list: its stored JSON as bytes (what a JSON list sends as it is), parsed
 * and frozen on first use (what a controller, a selector or a Table reads).
 */
export class FollowedObject {
  private parsed?: KubeObject;
  private metadataBytes?: Buffer;

  constructor(
    readonly namespace: string,
    readonly name: string,
    readonly json: Buffer,
  ) {}

  get object(): KubeObject {
    this.parsed ??= deepFreeze(JSON.parse(this.json.toString("utf8")) as KubeObject);
    return this.parsed;
  }

  /** Its metadata's JSON (what a Table row embeds), serialised once per version. */
  get metadataJson(): Buffer {
    this.metadataBytes ??= Buffer.from(JSON.stringify(this.object.metadata));
    return this.metadataBytes;
  }
}

/** Every object of one resource of one cluster, as of `rv`, kept up to date from the change log. */
interface FollowedList {
  rv: number;
  entries: Map<string, FollowedObject>;
  /** The size of their JSON, for the memory bound. */
  bytes: number;
  /** The entries in list order (namespace, name), rebuilt on the next read after a change. */
  ordered?: FollowedObject[];
  /** Their objects, in the same order, built on the first read that asks for them. */
  objects?: KubeObject[];
  usedAt: number;
  /** The catch-up in flight. */
  catchingUp?: Promise<void>;
  /**
   * The catch-up that follows it, shared by the readers that came while it was in flight: it may
   * have read before what they must see (the change that woke a reconcile) committed.
   */
  next?: Promise<void>;
}

/** A followed list as one read saw it: its entries in list order and the version they are at. */
export interface FollowedSnapshot {
  resourceVersion: number;
  entries: readonly FollowedObject[];
  /** The entries' objects in the same order (parsed once per list version, shared). */
  objects(): readonly KubeObject[];
}

interface ChangeRow {
  cluster_rv: number;
  compacted_rv: number;
  rv: number | null;
  type: ChangeType | null;
  namespace: string;
  name: string;
  body: string | null;
}

/** A row of a full list: an object's place and its stored JSON text. */
export interface StoredRow {
  namespace: string;
  name: string;
  body: string;
}

/** A full list as stored text, for the first read and after the change log was compacted past the list. */
export type Relist = () => Promise<{ resourceVersion: number; rows: StoredRow[] }>;

/**
 * What an informer is to a controller: lists of whole resources (all pods of a cluster …) held in
 * memory and brought up to date on each read with one query for the changes since, instead of
 * reading and parsing every object again. A control plane that lists a cluster's pods on every
 * reconcile reads each pod once per change instead of once per reconcile, and the API sends a large
 * JSON list from the bytes it holds instead of reading 4 MB from Postgres every time.
 *
 * A read is exact: it returns the state of one snapshot (the change log and the cluster's counter
 * are read in one statement, and versions commit in order). The objects are frozen and shared
 * between readers: nobody may change them. Only resources stored in the clear are followed.
 * Memory is bounded: the least recently read lists go first when there are too many or their JSON
 * is too large, and a list nobody read for `maxIdleMs` is dropped on the next read of any list;
 * nothing runs in between (an idle cluster keeps nothing here for long).
 */
export class FollowedLists {
  private readonly lists = new Map<string, FollowedList>();

  constructor(
    private readonly sql: Sql,
    private readonly options: { maxLists: number; maxBytes: number; maxIdleMs: number },
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
  ): Promise<FollowedSnapshot> {
    const list = await this.current(clusterId, group, resource, relist, via);
    // Taken together, without an await in between: the entries are those of this version.
    list.ordered ??= [...list.entries.values()].sort(listOrder);
    const entries = list.ordered;
    return {
      resourceVersion: list.rv,
      entries,
      objects: () => {
        // Entries changed by a catch-up since: this read's objects alone.
        if (list.ordered !== entries) return entries.map((e) => e.object);
        // Still the same entries: the parsed array is shared by every read of this version.
        list.objects ??= entries.map((e) => e.object);
        return list.objects;
      },
    };
  }

  /** One object of the list (as fresh as list() is), without putting the list in order. */
  async find(
    clusterId: string,
    group: string,
    resource: string,
    relist: Relist,
    namespace: string,
    name: string,
  ): Promise<FollowedObject | undefined> {
    return (await this.current(clusterId, group, resource, relist)).entries.get(`${namespace}/${name}`);
  }

  /** The list brought up to date (see list()), or read whole the first time. */
  private async current(
    clusterId: string,
    group: string,
    resource: string,
    relist: Relist,
    via?: TransactionSql,
  ): Promise<FollowedList> {
    const key = `${clusterId}/${group}/${resource}`;
    const now = Date.now();
    this.evict(now);
    let followed = this.lists.get(key);
    if (!followed) {
      const listed = await relist();
      // Another first read may have finished meanwhile: the newer of the two stays.
      const other = this.lists.get(key);
      followed = other && other.rv >= listed.resourceVersion ? other : this.start(key, listed);
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
    return followed;
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

  private start(key: string, listed: Awaited<ReturnType<Relist>>): FollowedList {
    const followed: FollowedList = { rv: 0, entries: new Map(), bytes: 0, usedAt: Date.now() };
    this.fill(followed, listed);
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
      select v.rv as cluster_rv, v.compacted_rv, c.rv, c.type, c.namespace, c.name, c.body::text as body
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
      this.fill(followed, await relist());
      return;
    }
    for (const row of rows) {
      if (row.rv === null || row.body === null || row.rv <= followed.rv) continue;
      const key = `${row.namespace}/${row.name}`;
      this.forget(followed, followed.entries.get(key));
      if (row.type === "DELETED") followed.entries.delete(key);
      else this.keep(followed, key, { namespace: row.namespace, name: row.name, body: row.body });
      followed.ordered = undefined;
      followed.objects = undefined;
    }
    followed.rv = Math.max(followed.rv, first.cluster_rv);
  }

  /** Replaces a list's entries with a full list. */
  private fill(followed: FollowedList, listed: Awaited<ReturnType<Relist>>): void {
    followed.entries.clear();
    followed.bytes = 0;
    for (const row of listed.rows) this.keep(followed, `${row.namespace}/${row.name}`, row);
    followed.rv = listed.resourceVersion;
    followed.ordered = undefined;
    followed.objects = undefined;
  }

  private keep(followed: FollowedList, key: string, row: StoredRow): void {
    const entry = new FollowedObject(row.namespace, row.name, Buffer.from(row.body, "utf8"));
    followed.entries.set(key, entry);
    followed.bytes += entry.json.length;
  }

  private forget(followed: FollowedList, entry: FollowedObject | undefined): void {
    if (entry) followed.bytes -= entry.json.length;
  }

  private evict(now: number): void {
    let bytes = 0;
    for (const followed of this.lists.values()) bytes += followed.bytes;
    for (const [key, followed] of this.lists) {
      const idle = now - followed.usedAt > this.options.maxIdleMs;
      const over = this.lists.size > this.options.maxLists || bytes > this.options.maxBytes;
      if (!idle && !over) return;
      if (!followed.catchingUp && !followed.next) {
        this.lists.delete(key);
        bytes -= followed.bytes;
      }
    }
  }
}

/** List order as Postgres gives it under the C collation: by namespace, then name. */
function listOrder(a: FollowedObject, b: FollowedObject): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Freezes an object and everything in it, so a reader that tries to change a shared object fails. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
