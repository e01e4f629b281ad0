import type { PendingQuery, Row, Sql, TransactionSql } from "postgres";
import type { Db } from "../../../../../db/client.ts";
import type { Logger } from "../../platform/logger.ts";
import { errorFields } from "../../platform/logger.ts";
import type { KubeObject, ObjectRef } from "../object/types.ts";
import { ClusterWriters } from "./cluster-writers.ts";
import { clusterGone } from "./errors.ts";
import { FollowedLists, type FollowedSnapshot, type Relist } from "./followed-lists.ts";
import { BodyCodec, SecretCipher } from "./secret-encryption.ts";
import { labelled } from "./stored-json.ts";
import { StoreTransaction } from "./transaction.ts";
import type { Change, ChangeSink, CommitHook, ListOptions, ListResult, PendingChange } from "./types.ts";

export interface ObjectStoreOptions {
  /** Changes kept per cluster; older ones are compacted away. */
  retention: number;
  now?: () => Date;
  /** Seals Secret data at rest; without it (store unit tests) bodies are stored as they are. */
  secretCipher?: SecretCipher;
  log?: Logger;
  /**
   * Reports a write transaction opened inside another of the same cluster (a bug that would hang)
   * as an error. Costly on Node 20 (see ClusterWriters): on by default only where
   * SANDCASTLE_CHECK_NESTED_WRITES=1, as the test suite runs.
   */
  checkNestedWrites?: boolean;
}

interface ListPage<T> {
  rows: { body: T; rv: number; namespace: string; name: string }[];
  resourceVersion: number;
  last?: { namespace: string; name: string };
}

/**
 * How many lists (one resource of one cluster) a process follows at most, how much JSON they may
 * hold together, and for how long unread.
 */
const FOLLOWED_LISTS = 512;
const FOLLOWED_LIST_BYTES = 128 * 1024 * 1024;
const FOLLOWED_LIST_IDLE_MS = 120_000;

/** Compaction runs when a write crosses a multiple of this many versions: cheap, and never a loop. */
const COMPACT_EVERY = 500;

/**
 * The versioned Kubernetes object store (ARCHITECTURE §2): objects as json rows, a per-cluster
 * counter for resourceVersions in commit order, a change log, and after-commit sinks that publish
 * to watchers and enqueue reconciles. API handlers and controllers write through the same store.
 */
export class ObjectStore {
  private readonly sinks: ChangeSink[] = [];
  private readonly hooks: CommitHook[] = [];
  private readonly followed: FollowedLists;
  private readonly writers: ClusterWriters;
  private readonly now: () => Date;
  private readonly codec: BodyCodec;

  constructor(
    private readonly db: Db,
    private readonly options: ObjectStoreOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.codec = new BodyCodec(options.secretCipher);
    this.writers = new ClusterWriters({
      checkNesting: options.checkNestedWrites ?? process.env.SANDCASTLE_CHECK_NESTED_WRITES === "1",
    });
    this.followed = new FollowedLists(db.sql, {
      maxLists: FOLLOWED_LISTS,
      maxBytes: FOLLOWED_LIST_BYTES,
      maxIdleMs: FOLLOWED_LIST_IDLE_MS,
    });
  }

  addSink(sink: ChangeSink): void {
    this.sinks.push(sink);
  }

  addCommitHook(hook: CommitHook): void {
    this.hooks.push(hook);
  }

  /** Creates the counter row of a new cluster; writes to a cluster without one fail as NotFound. */
  async initCluster(clusterId: string): Promise<void> {
    await this.db.sql`insert into cluster_versions (cluster_id) values (${clusterId}) on conflict do nothing`;
  }

  /**
   * Writes a new cluster's first objects. Nobody can watch a cluster before it exists, so these get
   * versions 1..n without change-log rows, and the log starts after them (a watch from an older
   * version gets 410 and relists, as Kubernetes clients do). Idempotent: a no-op once done.
   */
  async bootstrap(
    clusterId: string,
    items: readonly { ref: ObjectRef; object: KubeObject }[],
    /** Runs in the same transaction, so the caller's own bookkeeping commits with the objects. */
    alongside?: (sql: TransactionSql) => Promise<unknown>,
  ): Promise<void> {
    await this.db.sql.begin(async (sql) => {
      const [counter] = await sql<{ rv: number }[]>`
        select rv from cluster_versions where cluster_id = ${clusterId} for update`;
      if (!counter) throw clusterGone(clusterId);
      if (counter.rv === 0) {
        const tx = new StoreTransaction(sql, clusterId, 0, this.now, this.codec);
        await tx.createMany(items);
        await sql`update cluster_versions set rv = ${tx.currentRv}, compacted_rv = ${tx.currentRv} where cluster_id = ${clusterId}`;
      }
      await alongside?.(sql);
    });
  }

  /** Removes every row the store holds for a cluster. */
  async dropCluster(clusterId: string): Promise<void> {
    await this.db.sql.begin(async (tx) => {
      await tx`delete from cluster_versions where cluster_id = ${clusterId}`;
      await tx`delete from objects where cluster_id = ${clusterId}`;
      await tx`delete from changes where cluster_id = ${clusterId}`;
    });
  }

  /**
   * Runs `work` in one transaction holding the cluster's counter lock; commits its changes with
   * contiguous versions, then tells the sinks. A thrown error rolls everything back, counter included.
   */
  async transact<T>(clusterId: string, work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    // The sinks run once the next writer may go: they only publish and enqueue what committed.
    const { result, changes } = await this.writers.run(clusterId, () => this.commit(clusterId, work));
    if (changes.length > 0) await this.notify(clusterId, changes);
    return result;
  }

  private async commit<T>(
    clusterId: string,
    work: (tx: StoreTransaction) => Promise<T>,
  ): Promise<{ result: T; changes: PendingChange[] }> {
    let storeTx: StoreTransaction | undefined;
    const result = await this.db.sql.begin(async (sql) => {
      const [counter] = await sql<{ rv: number; compacted_rv: number }[]>`
        select rv, compacted_rv from cluster_versions where cluster_id = ${clusterId} for update`;
      if (!counter) throw clusterGone(clusterId);
      const tx = new StoreTransaction(sql, clusterId, counter.rv, this.now, this.codec, this.followed);
      storeTx = tx;
      const value = await work(tx);
      const changes = tx.changes;
      if (changes.length > 0) {
        if (this.hooks.length > 0) {
          const pending = tx.pendingChanges();
          for (const hook of this.hooks) await hook.beforeCommit(sql, clusterId, pending);
        }
        const rows = changes.map((c) => ({
          cluster_id: clusterId,
          rv: c.rv,
          type: c.type,
          api_group: c.group,
          resource: c.resource,
          namespace: c.namespace,
          name: c.name,
          body: tx.storedBody(c),
        }));
        const newRv = tx.currentRv;
        const floor = newRv - this.options.retention;
        if (Math.floor(newRv / COMPACT_EVERY) > Math.floor(counter.rv / COMPACT_EVERY) && floor > 0) {
          await sql`insert into changes ${sql(rows)}`;
          await sql`delete from changes where cluster_id = ${clusterId} and rv <= ${floor}`;
          await sql`update cluster_versions set rv = ${newRv}, compacted_rv = ${floor} where cluster_id = ${clusterId}`;
        } else {
          // One round trip for the log and the counter: every write pays it.
          await sql`
            with logged as (insert into changes ${sql(rows)})
            update cluster_versions set rv = ${newRv} where cluster_id = ${clusterId}`;
        }
      }
      return value;
    });
    return { result: result as T, changes: storeTx?.pendingChanges() ?? [] };
  }

  async get(clusterId: string, ref: ObjectRef): Promise<KubeObject | undefined> {
    const rows = await this.db.sql<{ body: KubeObject }[]>`
      select body from objects
      where cluster_id = ${clusterId} and api_group = ${ref.group} and resource = ${ref.resource}
        and namespace = ${ref.namespace} and name = ${ref.name}`;
    const body = rows[0]?.body;
    return body ? this.codec.decode(ref.group, ref.resource, body) : undefined;
  }

  /** get() without decoding: the stored JSON text, labelled with `typeMeta`. */
  async getStoredJson(
    clusterId: string,
    ref: ObjectRef,
    typeMeta: { apiVersion: string; kind: string },
  ): Promise<string | undefined> {
    this.assertInTheClear(ref.group, ref.resource);
    const rows = await this.db.sql<{ body: string }[]>`
      select body::text as body from objects
      where cluster_id = ${clusterId} and api_group = ${ref.group} and resource = ${ref.resource}
        and namespace = ${ref.namespace} and name = ${ref.name}`;
    const body = rows[0]?.body;
    return body === undefined ? undefined : labelled(body, typeMeta);
  }

  /** Lists objects and the cluster's version in one snapshot: "list at X, then watch from X" is exact. */
  async list(clusterId: string, options: ListOptions): Promise<ListResult> {
    const { group, resource } = options;
    const { rows, ...page } = await this.listPage<KubeObject>(clusterId, options, (sql) => sql`body`);
    return { ...page, items: rows.map((row) => this.codec.decode(group, resource, row.body)) };
  }

  /**
   * Every object of a resource in the cluster (list order), for readers that do not change what
   * they get (controllers): kept in memory and brought up to date from the change log on each read
   * (FollowedLists). The objects are frozen. Only for resources stored in the clear.
   */
  async listFollowed(clusterId: string, group: string, resource: string): Promise<readonly KubeObject[]> {
    return (await this.follow(clusterId, group, resource)).objects();
  }

  /**
   * The followed list of a resource (see listFollowed) with its version and each object's stored
   * JSON: what the API's lists are served from.
   */
  follow(clusterId: string, group: string, resource: string): Promise<FollowedSnapshot> {
    this.assertInTheClear(group, resource);
    return this.followed.list(clusterId, group, resource, this.relistOf(clusterId, group, resource));
  }

  /**
   * One object from the followed list of its resource, as an informer's cache answers: as fresh as
   * get() (the list catches up with every commit before the call), without a query of its own when
   * readers come together. Frozen and shared: never change it.
   */
  async getFollowed(clusterId: string, ref: ObjectRef): Promise<KubeObject | undefined> {
    this.assertInTheClear(ref.group, ref.resource);
    const relist = this.relistOf(clusterId, ref.group, ref.resource);
    return (await this.followed.find(clusterId, ref.group, ref.resource, relist, ref.namespace, ref.name))
      ?.object;
  }

  private relistOf(clusterId: string, group: string, resource: string): Relist {
    return async () => {
      const { rows, resourceVersion } = await this.listPage<string>(
        clusterId,
        { group, resource },
        (sql) => sql`body::text`,
      );
      return { resourceVersion, rows };
    };
  }

  private assertInTheClear(group: string, resource: string): void {
    if (SecretCipher.applies(group, resource)) throw new Error(`${resource} are not stored in the clear`);
  }

  /**
   * One page of a list, with the version of the same snapshot; `body` selects what each row holds.
   * One statement reads both (a statement sees one snapshot): no transaction, one round trip. The
   * counter row joins the objects, so a cluster that is gone answers no row at all, and an empty
   * list one row without an object.
   */
  private async listPage<T>(
    clusterId: string,
    options: ListOptions,
    body: (sql: Sql) => PendingQuery<Row[]>,
  ): Promise<ListPage<T>> {
    const { group, resource, namespace, limit, after } = options;
    const sql = this.db.sql;
    const rows = await sql<
      { list_rv: number; body: T | null; rv: number; namespace: string; name: string }[]
    >`
      select counter.rv as list_rv, o.body, o.rv, o.namespace, o.name
      from cluster_versions counter
      left join lateral (
        select ${body(sql)} as body, rv, namespace, name from objects
        where cluster_id = ${clusterId} and api_group = ${group} and resource = ${resource}
          ${namespace !== undefined ? sql`and namespace = ${namespace}` : sql``}
          ${after ? sql`and (namespace, name) > (${after.namespace}, ${after.name})` : sql``}
        order by namespace, name
        ${limit ? sql`limit ${limit + 1}` : sql``}
      ) o on true
      where counter.cluster_id = ${clusterId}
      order by o.namespace, o.name`;
    const first = rows[0];
    if (!first) throw clusterGone(clusterId);
    const found = first.body === null ? [] : (rows as ListPage<T>["rows"]);
    const page = limit && found.length > limit ? found.slice(0, limit) : found;
    const lastRow = page[page.length - 1];
    const more = limit !== undefined && found.length > limit && lastRow;
    return {
      rows: page,
      resourceVersion: first.list_rv,
      ...(more ? { last: { namespace: lastRow.namespace, name: lastRow.name } } : {}),
    };
  }

  /** The cluster's current version and the oldest version the change log can still replay after. */
  async versions(clusterId: string): Promise<{ rv: number; compactedRv: number } | undefined> {
    const [row] = await this.db.sql<{ rv: number; compacted_rv: number }[]>`
      select rv, compacted_rv from cluster_versions where cluster_id = ${clusterId}`;
    return row ? { rv: row.rv, compactedRv: row.compacted_rv } : undefined;
  }

  /** Changes after `afterRv` in version order (at most `limit`), from the change log. */
  async changesSince(clusterId: string, afterRv: number, limit = 1000): Promise<Change[]> {
    const rows = await this.db.sql<
      {
        rv: number;
        type: Change["type"];
        api_group: string;
        resource: string;
        namespace: string;
        name: string;
        body: KubeObject;
      }[]
    >`
      select rv, type, api_group, resource, namespace, name, body from changes
      where cluster_id = ${clusterId} and rv > ${afterRv}
      order by rv limit ${limit}`;
    return rows.map((r) => ({
      clusterId,
      rv: r.rv,
      type: r.type,
      group: r.api_group,
      resource: r.resource,
      namespace: r.namespace,
      name: r.name,
      object: this.codec.decode(r.api_group, r.resource, r.body),
    }));
  }

  private async notify(clusterId: string, changes: readonly PendingChange[]): Promise<void> {
    // The sinks are independent (watchers, reconcile keys, webhooks): they run side by side.
    await Promise.all(
      this.sinks.map((sink) =>
        // The write is committed: a sink failure must not turn it into an error for the caller.
        // Watchers fill gaps from the change log and resyncs repair missed reconciles.
        sink.changesCommitted(clusterId, changes).catch((err: unknown) => {
          this.options.log?.error("change sink failed after commit", {
            clusterId,
            sink: sink.constructor.name,
            ...errorFields(err),
          });
        }),
      ),
    );
  }
}
