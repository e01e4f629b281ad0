import type { TransactionSql } from "postgres";
import { kubeTime } from "../../platform/clock.ts";
import { cloneJson, jsonEqual } from "../object/equality.ts";
import type { KubeObject, ObjectRef } from "../object/types.ts";
import { objectAlreadyExists, objectConflict, objectNotFound } from "./errors.ts";
import type { FollowedLists, StoredRow } from "./followed-lists.ts";
import { BodyCodec, SecretCipher } from "./secret-encryption.ts";
import type {
  Change,
  ChangeType,
  CreateOptions,
  DeleteOptions,
  PendingChange,
  UpdateOptions,
} from "./types.ts";

interface ObjectRow {
  body: KubeObject;
  rv: number;
  uid: string;
}

/**
 * A write transaction on one cluster. It holds the cluster's counter row lock from the start, so
 * every change gets the next resourceVersion and versions follow commit order (ARCHITECTURE §2).
 */
export class StoreTransaction {
  readonly changes: Change[] = [];
  /** The stored object each MODIFIED or DELETED change replaced, by the change's version. */
  private readonly replaced = new Map<number, KubeObject>();
  /** Each change's body as stored (the codec's encoding), by version: serialised once per write. */
  private readonly storedBodies = new Map<number, string>();
  /** List lookups already made in this transaction, by "group/resource", then by namespace. */
  private readonly listLookups = new Map<string, Map<string, Promise<KubeObject[]>>>();
  /** Rows read and not written since, by refKey (see row()). */
  private readonly rowsRead = new Map<string, ObjectRow>();
  /** Reads of rows in flight, by refKey: side-by-side sections asking for one row share the read. */
  private readonly rowsReading = new Map<string, Promise<ObjectRow | undefined>>();
  private rv: number;

  constructor(
    private readonly tx: TransactionSql,
    readonly clusterId: string,
    /** The cluster's version when the lock was taken: every commit up to it is visible here. */
    private readonly startRv: number,
    private readonly now: () => Date,
    private readonly codec: BodyCodec = new BodyCodec(),
    private readonly followed?: FollowedLists,
  ) {
    this.rv = startRv;
  }

  get currentRv(): number {
    return this.rv;
  }

  /** The object as this transaction sees it: a copy of its own, the caller may change it. */
  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const row = await this.row(ref);
    return row ? cloneJson(row.body) : undefined;
  }

  /**
   * Every object of one resource (in one namespace, or all when omitted), as this transaction sees
   * them. Strategies use it for cluster-wide invariants such as free Service IPs and node ports; the
   * counter lock held since the start makes the answer stable until commit.
   */
  async list(group: string, resource: string, namespace?: string): Promise<KubeObject[]> {
    const rows = await this.tx<{ body: KubeObject }[]>`
      select body from objects
      where cluster_id = ${this.clusterId} and api_group = ${group} and resource = ${resource}
        ${namespace !== undefined ? this.tx`and namespace = ${namespace}` : this.tx``}
      order by namespace, name`;
    return rows.map((r) => this.codec.decode(group, resource, r.body));
  }

  /**
   * `get` for checks that only read (the namespace of a create, a pod's service account): the row
   * this transaction already read (see row()), without a copy. Callers must not change it.
   */
  async lookup(ref: ObjectRef): Promise<KubeObject | undefined> {
    return (await this.row(ref))?.body;
  }

  /**
   * `list` for checks that only read (quotas, priority classes): asked again in the same
   * transaction, the answer comes from memory, as nothing but this transaction can write the
   * cluster until it commits; its own writes to the resource forget the answers. The objects are
   * shared between lookups: callers must not change them.
   */
  lookupList(group: string, resource: string, namespace?: string): Promise<KubeObject[]> {
    const kind = `${group}/${resource}`;
    const answers = this.listLookups.get(kind) ?? new Map<string, Promise<KubeObject[]>>();
    this.listLookups.set(kind, answers);
    const query = namespace ?? "*";
    let answer = answers.get(query);
    if (!answer) {
      answer = this.list(group, resource, namespace);
      answers.set(query, answer);
      // A failed read is not an answer: the next lookup asks the database again.
      answer.catch(() => answers.delete(query));
    }
    return answer;
  }

  /**
   * `list` for readers that do not change what they get (a controller counting its pods), from the
   * store's followed list brought up to this transaction's view: the changes since it was last
   * read instead of every object. The objects are frozen. A resource this transaction wrote, or
   * one stored sealed, is read as `list` reads it.
   */
  async listFollowed(group: string, resource: string, namespace?: string): Promise<readonly KubeObject[]> {
    const written = this.changes.some((c) => c.group === group && c.resource === resource);
    if (!this.followed || written || SecretCipher.applies(group, resource)) {
      return this.list(group, resource, namespace);
    }
    const followed = await this.followed.list(
      this.clusterId,
      group,
      resource,
      async () => ({ resourceVersion: this.startRv, rows: await this.listStored(group, resource) }),
      this.tx,
    );
    const objects = followed.objects();
    return namespace === undefined ? objects : objects.filter((o) => o.metadata.namespace === namespace);
  }

  /** Every object of a resource as stored text, in list order (a followed list's first read). */
  private listStored(group: string, resource: string): Promise<StoredRow[]> {
    return this.tx<StoredRow[]>`
      select namespace, name, body::text as body from objects
      where cluster_id = ${this.clusterId} and api_group = ${group} and resource = ${resource}
      order by namespace, name`;
  }

  /**
   * Takes `object` as the stored state of `ref` without reading it (a controller just read it): the
   * update that follows checks it still is, and fails with a Conflict if not, with nothing written.
   * One round trip less under the cluster's lock. `object` is not changed.
   */
  assume(ref: ObjectRef, object: KubeObject): void {
    const rv = Number(object.metadata.resourceVersion);
    if (!Number.isSafeInteger(rv) || !object.metadata.uid) return;
    this.rowsRead.set(refKey(ref), { body: object, rv, uid: object.metadata.uid });
  }

  /** Creates objects; AlreadyExists if any is there. Assigns uid (unless given), timestamps, versions. */
  async create(ref: ObjectRef, object: KubeObject, options: CreateOptions = {}): Promise<KubeObject> {
    const [stored] = await this.createMany([{ ref, object }], options);
    return stored!;
  }

  async createMany(
    items: readonly { ref: ObjectRef; object: KubeObject }[],
    options: CreateOptions = {},
  ): Promise<KubeObject[]> {
    if (items.length === 0) return [];
    const created = this.now();
    const stored = items.map(({ ref, object }) => {
      const rv = ++this.rv;
      const metadata = {
        ...object.metadata,
        name: ref.name,
        ...(ref.namespace ? { namespace: ref.namespace } : {}),
        uid: object.metadata.uid ?? crypto.randomUUID(),
        resourceVersion: String(rv),
        creationTimestamp: object.metadata.creationTimestamp ?? kubeTime(created),
        ...(options.trackGeneration ? { generation: 1 } : {}),
      };
      delete metadata.deletionTimestamp;
      const body: KubeObject = { ...object, metadata };
      return { ref, rv, body, json: this.codec.encode(ref.group, ref.resource, body) };
    });
    const rows = stored.map(({ ref, rv, body, json }) => ({
      cluster_id: this.clusterId,
      api_group: ref.group,
      resource: ref.resource,
      namespace: ref.namespace,
      name: ref.name,
      uid: body.metadata.uid!,
      rv,
      body: json,
    }));
    const inserted = await this.tx<
      { namespace: string; name: string; resource: string; api_group: string }[]
    >`
      insert into objects ${this.tx(rows)}
      on conflict do nothing
      returning namespace, name, resource, api_group`;
    if (inserted.length !== rows.length) {
      // All or nothing, and no version spent: the transaction stays usable for the caller.
      for (const row of inserted) {
        await this.tx`
          delete from objects
          where cluster_id = ${this.clusterId} and api_group = ${row.api_group} and resource = ${row.resource}
            and namespace = ${row.namespace} and name = ${row.name}`;
      }
      // Another write of this transaction took a version meanwhile: the spent ones cannot be given
      // back, and a hole in the versions would stall watchers, so the transaction must not commit.
      if (this.rv !== stored[stored.length - 1]!.rv)
        throw new Error("concurrent creates in one transaction clashed");
      this.rv = stored[0]!.rv - 1;
      const done = new Set(inserted.map((r) => `${r.api_group}/${r.resource}/${r.namespace}/${r.name}`));
      const clash = stored.find(
        ({ ref }) => !done.has(`${ref.group}/${ref.resource}/${ref.namespace}/${ref.name}`),
      );
      throw objectAlreadyExists(clash!.ref);
    }
    for (const { ref, rv, body, json } of stored) this.record("ADDED", ref, rv, body, undefined, json);
    return stored.map((s) => s.body);
  }

  /**
   * Replaces an object. A write that changes nothing returns the stored object untouched, same
   * resourceVersion: kubectl relies on that to print "unchanged" / "patched (no change)".
   */
  async update(ref: ObjectRef, object: KubeObject, options: UpdateOptions = {}): Promise<KubeObject> {
    const current = await this.row(ref);
    if (!current) throw objectNotFound(ref);
    const expected = options.expectedResourceVersion;
    if (expected !== undefined && expected !== "" && expected !== String(current.rv)) {
      throw objectConflict(ref);
    }
    const prev = current.body;
    const metadata = {
      ...object.metadata,
      name: ref.name,
      ...(ref.namespace ? { namespace: ref.namespace } : {}),
      uid: prev.metadata.uid,
      creationTimestamp: prev.metadata.creationTimestamp,
      resourceVersion: prev.metadata.resourceVersion,
    };
    if (options.trackGeneration) {
      const generation = prev.metadata.generation ?? 1;
      // A strategy may bump generation itself (e.g. Deployment annotations); never go below that.
      const computed = specChanged(prev, object) ? generation + 1 : generation;
      metadata.generation = Math.max(object.metadata.generation ?? 0, computed);
    }
    const candidate: KubeObject = { ...object, metadata };
    if (jsonEqual(candidate, prev)) return prev;
    const rv = ++this.rv;
    candidate.metadata.resourceVersion = String(rv);
    const body = this.codec.encode(ref.group, ref.resource, candidate);
    await this.tx`
      update objects set body = ${body}, rv = ${rv}
      where cluster_id = ${this.clusterId} and api_group = ${ref.group} and resource = ${ref.resource}
        and namespace = ${ref.namespace} and name = ${ref.name} and rv = ${current.rv}`.then((result) =>
      this.checkWritten(ref, rv, result.count),
    );
    this.record("MODIFIED", ref, rv, candidate, prev, body);
    return candidate;
  }

  /** Removes an object for good (finalizers and grace periods are decided above the store). */
  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<KubeObject> {
    const current = await this.row(ref);
    if (!current) throw objectNotFound(ref);
    if (options.expectedUid && options.expectedUid !== current.uid) {
      throw objectConflict(
        ref,
        `Precondition failed: UID in precondition: ${options.expectedUid}, UID in object meta: ${current.uid}`,
      );
    }
    const expected = options.expectedResourceVersion;
    if (expected && expected !== String(current.rv)) {
      throw objectConflict(
        ref,
        `Precondition failed: ResourceVersion in precondition: ${expected}, ResourceVersion in object meta: ${current.rv}`,
      );
    }
    const rv = ++this.rv;
    await this.tx`
      delete from objects
      where cluster_id = ${this.clusterId} and api_group = ${ref.group} and resource = ${ref.resource}
        and namespace = ${ref.namespace} and name = ${ref.name} and rv = ${current.rv}`.then((result) =>
      this.checkWritten(ref, rv, result.count),
    );
    const last: KubeObject = {
      ...current.body,
      metadata: { ...current.body.metadata, resourceVersion: String(rv) },
    };
    this.record("DELETED", ref, rv, last, current.body);
    return last;
  }

  /** Which of `names` exist in one namespace of a resource. */
  async namesPresent(group: string, resource: string, namespace: string, names: readonly string[]) {
    if (names.length === 0) return new Set<string>();
    // One index probe per name. `name = any(...)` let the planner keep the names as a filter over a
    // scan of the whole namespace when its statistics (say, of a table that was small at the last
    // analyze) promised few rows: 2.5 ms per call at 10,000 events, most of Postgres's time in a
    // 2,000-pod scale-up. A lateral subquery with a limit is not flattened, so each name is a lookup
    // on the full primary key whatever the statistics say.
    const rows = await this.tx<{ name: string }[]>`
      select n.name from unnest(${this.tx.array([...names])}::text[]) as n(name),
        lateral (
          select 1 from objects o
          where o.cluster_id = ${this.clusterId} and o.api_group = ${group} and o.resource = ${resource}
            and o.namespace = ${namespace} and o.name = n.name
          limit 1
        ) as present`;
    return new Set(rows.map((r) => r.name));
  }

  /** Objects whose ownerReferences name `ownerUid` (for cascading deletion). */
  async dependentsOf(ownerUid: string): Promise<{ ref: ObjectRef; object: KubeObject }[]> {
    const rows = await this.tx<
      { api_group: string; resource: string; namespace: string; name: string; body: KubeObject }[]
    >`
      select api_group, resource, namespace, name, body from objects
      where cluster_id = ${this.clusterId}
        and (body->'metadata'->'ownerReferences')::jsonb @> ${JSON.stringify([{ uid: ownerUid }])}::jsonb`;
    return rows.map((r) => ({
      ref: { group: r.api_group, resource: r.resource, namespace: r.namespace, name: r.name },
      object: this.codec.decode(r.api_group, r.resource, r.body),
    }));
  }

  /** Every object in a namespace (for namespace deletion). */
  async refsInNamespace(namespace: string): Promise<ObjectRef[]> {
    const rows = await this.tx<{ api_group: string; resource: string; name: string }[]>`
      select api_group, resource, name from objects
      where cluster_id = ${this.clusterId} and namespace = ${namespace}`;
    return rows.map((r) => ({ group: r.api_group, resource: r.resource, namespace, name: r.name }));
  }

  /**
   * The stored row, read once per transaction until the transaction writes it: a read-modify-write
   * (get, then update) reads the database once. Nobody but this transaction writes the cluster.
   */
  private row(ref: ObjectRef): Promise<ObjectRow | undefined> {
    const key = refKey(ref);
    const known = this.rowsRead.get(key);
    if (known) return Promise.resolve(known);
    const inFlight = this.rowsReading.get(key);
    if (inFlight) return inFlight;
    const reading: Promise<ObjectRow | undefined> = this.readRow(ref).then(
      (row) => {
        // Kept unless a write of this transaction replaced the row meanwhile (record() forgets the
        // read). Only rows that exist are kept: absence is cheap to ask again and rarely asked twice.
        if (this.rowsReading.get(key) === reading) {
          this.rowsReading.delete(key);
          if (row) this.rowsRead.set(key, row);
        }
        return row;
      },
      (err: unknown) => {
        if (this.rowsReading.get(key) === reading) this.rowsReading.delete(key);
        throw err;
      },
    );
    this.rowsReading.set(key, reading);
    return reading;
  }

  private async readRow(ref: ObjectRef): Promise<ObjectRow | undefined> {
    const rows = await this.tx<ObjectRow[]>`
      select body, rv, uid from objects
      where cluster_id = ${this.clusterId} and api_group = ${ref.group} and resource = ${ref.resource}
        and namespace = ${ref.namespace} and name = ${ref.name}`;
    const found = rows[0];
    return found ? { ...found, body: this.codec.decode(ref.group, ref.resource, found.body) } : undefined;
  }

  /**
   * After an update or delete of a row this transaction took as read: none changed means an assumed
   * object was stale (see assume). No version is spent; a Conflict, which a caller retries.
   */
  private checkWritten(ref: ObjectRef, rv: number, count: number): void {
    if (count === 1) return;
    this.rowsRead.delete(refKey(ref));
    if (this.rv !== rv) throw new Error("concurrent writes in one transaction clashed");
    this.rv--;
    throw objectConflict(ref);
  }

  /** The changes so far, each with the object it replaced (for commit hooks). */
  pendingChanges(): PendingChange[] {
    return this.changes.map((change) => {
      const pending: PendingChange = { change };
      const previous = this.replaced.get(change.rv);
      if (previous) pending.previous = previous;
      if (!this.codec.seals(change.group, change.resource)) {
        const json = this.storedBodies.get(change.rv);
        if (json !== undefined) pending.objectJson = json;
      }
      return pending;
    });
  }

  /** A change's body for the change log: as the write stored it, or encoded now (a deletion's). */
  storedBody(change: Change): string {
    return (
      this.storedBodies.get(change.rv) ?? this.codec.encode(change.group, change.resource, change.object)
    );
  }

  private record(
    type: ChangeType,
    ref: ObjectRef,
    rv: number,
    object: KubeObject,
    previous?: KubeObject,
    storedBody?: string,
  ): void {
    // In version order, whatever order side-by-side writes finish in (see BatchedWrites).
    let at = this.changes.length;
    while (at > 0 && this.changes[at - 1]!.rv > rv) at--;
    this.changes.splice(at, 0, { clusterId: this.clusterId, rv, type, ...ref, object });
    this.rowsRead.delete(refKey(ref));
    this.rowsReading.delete(refKey(ref));
    this.listLookups.delete(`${ref.group}/${ref.resource}`);
    if (previous) this.replaced.set(rv, previous);
    if (storedBody !== undefined) this.storedBodies.set(rv, storedBody);
  }
}

const refKey = (ref: ObjectRef) => `${ref.group}/${ref.resource}/${ref.namespace}/${ref.name}`;

/** Everything but metadata and status is "spec" for generation purposes, as in the workload strategies. */
function specChanged(prev: KubeObject, next: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { metadata: _m, status: _s, ...rest } = o;
    return rest;
  };
  return !jsonEqual(strip(prev), strip(next));
}
