import { ApiError } from "../../../errors.ts";
import { kubeTime } from "../../../platform/clock.ts";
import { admitResourceQuotas } from "../../admission/resource-quota.ts";
import { cloneJson } from "../../object/equality.ts";
import type { KubeObject, ObjectRef } from "../../object/types.ts";
import { updateManagedFields } from "../../patch/index.ts";
import type { StrategyContext } from "../../registry/types.ts";
import type { StoreTransaction } from "../../store/transaction.ts";
import { decodeObjectBody } from "../request-body.ts";
import {
  checkUnknownFields,
  generateName,
  omitEmptyMetadata,
  resetSystemMetadata,
  validateOrThrow,
} from "./admission.ts";
import {
  apiVersionOf,
  fromStorage,
  type KubeRequest,
  type KubeResponse,
  storageRef,
  toStorage,
  transactMaybeDry,
} from "./context.ts";
import { requireLiveNamespace } from "./namespace-check.ts";
import { checkBodyTypes, targetOf } from "./value-types.ts";
import { type WriteOptions, writeOptions } from "./write-options.ts";

/** POST to a collection. */
export async function createHandler(req: KubeRequest): Promise<KubeResponse> {
  const { def } = req;
  const options = writeOptions(req);
  const obj = decodeObjectBody(await req.body(), req.contentType, {
    apiVersion: apiVersionOf(def.group, def.version),
    kind: def.kind,
  });
  checkKind(req, obj);
  checkBodyTypes(targetOf(req), obj);
  const warnings = checkUnknownFields(req, obj, options);
  const created = await createObject(req, obj, options);
  return { status: 201, body: created, warnings };
}

/** The body's apiVersion and kind must be those of the URL. */
export function checkKind(req: KubeRequest, obj: KubeObject): void {
  const { def } = req;
  const expected = apiVersionOf(def.group, def.version);
  if (obj.apiVersion !== expected || obj.kind !== def.kind) {
    throw new ApiError(
      "BadRequest",
      `the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`,
    );
  }
}

/** The create pipeline shared by POST, PUT-as-create and server-side apply of a new object. */
export async function createObject(
  req: KubeRequest,
  input: KubeObject,
  options: WriteOptions,
  managed = true,
): Promise<KubeObject> {
  const prepared = prepareCreate(req, input, options, managed);
  const { def } = req;
  const stored = await transactMaybeDry(req, options.dryRun, async (tx) => {
    const ref = await admitCreate(tx, prepared);
    const obj = toStorage(req, prepared.obj);
    if (options.dryRun) {
      // A dry run shows what would be stored, without taking a resourceVersion.
      if (await tx.get(ref)) return tx.create(ref, obj, { trackGeneration: def.strategy.tracksGeneration });
      return dryRunView(obj, req.now, def.strategy.tracksGeneration);
    }
    return tx.create(ref, obj, { trackGeneration: def.strategy.tracksGeneration });
  });
  return fromStorage(req, stored);
}

/** A create checked outside any transaction: defaulted, validated, with its managed fields. */
export interface PreparedCreate {
  req: KubeRequest;
  obj: KubeObject;
  ctx: StrategyContext;
}

/** The create steps that need no transaction: they run before the cluster's write lock is taken. */
export function prepareCreate(
  req: KubeRequest,
  input: KubeObject,
  options: WriteOptions,
  managed = true,
): PreparedCreate {
  const { def } = req;
  const obj = cloneJson(input);
  const urlNamespace = req.path.namespace;
  if (def.namespaced) {
    if (obj.metadata.namespace && urlNamespace && obj.metadata.namespace !== urlNamespace) {
      throw new ApiError(
        "BadRequest",
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    obj.metadata.namespace = urlNamespace;
  }
  resetSystemMetadata(obj, undefined);
  omitEmptyMetadata(obj);
  if (!obj.metadata.name && obj.metadata.generateName)
    obj.metadata.name = generateName(obj.metadata.generateName);
  const ctx: StrategyContext = { now: req.now, clusterId: req.clusterId, dryRun: options.dryRun };
  def.strategy.prepareForCreate?.(obj, ctx);
  def.strategy.applyDefaults?.(obj);
  validateOrThrow(req, obj, ctx);
  if (managed) {
    obj.metadata.managedFields = updateManagedFields(undefined, obj, {
      manager: options.fieldManager,
      apiVersion: apiVersionOf(def.group, def.version),
      now: req.now,
    }).managedFields as never;
  }
  return { req, obj, ctx };
}

/** The admission a create passes inside its transaction: a live namespace, the strategy, quotas. */
async function admitCreate(tx: StoreTransaction, { req, obj, ctx }: PreparedCreate): Promise<ObjectRef> {
  const name = obj.metadata.name!;
  await requireLiveNamespace(req, tx, name);
  await req.def.strategy.beforeCreate?.(obj, { ...ctx, tx });
  const ref = storageRef(req, name);
  await admitResourceQuotas(tx, ref, obj, req.now);
  return ref;
}

/**
 * Stores prepared creates (not dry runs) in the caller's transaction, admitted one by one as
 * createObject admits them, inserted together: one statement for a batch of events or pods. Stops
 * at the first refusal, with what was created before it. A ResourceQuota counts the objects stored,
 * so an object whose namespace has quotas is inserted at once, before the next one is admitted.
 * AlreadyExists refuses the whole insert it was in (the transaction stays usable).
 */
export async function storeCreates(
  tx: StoreTransaction,
  prepared: readonly PreparedCreate[],
): Promise<{ created: KubeObject[]; error?: ApiError }> {
  const created: KubeObject[] = [];
  let batch: { ref: ObjectRef; object: KubeObject; from: PreparedCreate }[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    // One batch holds one resource of one request shape (the caller's), so one option fits all.
    const trackGeneration = items[0]!.from.req.def.strategy.tracksGeneration;
    const stored = await tx.createMany(items, { trackGeneration });
    created.push(...stored.map((object, i) => fromStorage(items[i]!.from.req, object)));
  };
  let refused: ApiError | undefined;
  try {
    for (const one of prepared) {
      const ref = await admitCreate(tx, one).catch((err: unknown) => {
        if (err instanceof ApiError) refused = err;
        else throw err;
      });
      if (!ref) break;
      batch.push({ ref, object: toStorage(one.req, one.obj), from: one });
      const quotas = ref.namespace ? await tx.lookupList("", "resourcequotas", ref.namespace) : [];
      if (quotas.length > 0) await flush();
    }
    // Those admitted before a refusal are created, as a sequence of single creates would have.
    await flush();
  } catch (err) {
    if (err instanceof ApiError) return { created, error: err };
    throw err;
  }
  return refused ? { created, error: refused } : { created };
}

function dryRunView(obj: KubeObject, now: Date, tracksGeneration: boolean): KubeObject {
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      // A strategy may have chosen the uid already (Jobs build their selector from it).
      uid: obj.metadata.uid ?? crypto.randomUUID(),
      creationTimestamp: kubeTime(now),
      ...(tracksGeneration ? { generation: 1 } : {}),
    },
  };
}
