import { ApiError } from "../../../errors.ts";
import { cloneJson, jsonEqual } from "../../object/equality.ts";
import type { KubeObject, ObjectRef } from "../../object/types.ts";
import { updateManagedFields } from "../../patch/index.ts";
import type { StrategyContext } from "../../registry/types.ts";
import { objectConflict, objectNotFound } from "../../store/errors.ts";
import type { StoreTransaction } from "../../store/transaction.ts";
import { omitEmptyMetadata, resetSystemMetadata, validateOrThrow } from "./admission.ts";
import {
  apiVersionOf,
  fromFreshStorage,
  fromStorage,
  type KubeRequest,
  storageRef,
  toStorage,
  transactMaybeDry,
} from "./context.ts";
import { removeIfFinalized } from "./finalize.ts";
import type { WriteOptions } from "./write-options.ts";

/**
 * Computes the next state of an existing object from its current (requested-version) state. Runs
 * inside the write transaction, so the object cannot change underneath it. Returning undefined
 * means "the object does not exist" for writers that may create it (apply).
 */
export type Mutation = (current: KubeObject) => KubeObject | Promise<KubeObject>;

export interface ModifyOptions extends WriteOptions {
  /** Which part a write may change: the main resource (spec …) or a subresource (status, scale). */
  subresource?: string;
  /** "Apply" writes set their managedFields themselves. */
  managedFieldsDone?: boolean;
  /** Bindings set spec.nodeName past the kind's update validation, as upstream's BindingREST does. */
  skipKindValidation?: boolean;
}

/**
 * The update pipeline shared by PUT and every PATCH: read, mutate, keep what this write may not
 * change, default, validate, record field ownership, write with the read version as precondition.
 * A write that changes nothing returns the stored object untouched (same resourceVersion).
 */
export async function modifyObject(
  req: KubeRequest,
  name: string,
  mutate: Mutation,
  options: ModifyOptions,
): Promise<KubeObject> {
  const { def } = req;
  const ref = storageRef(req, name);
  const ctx: StrategyContext = { now: req.now, clusterId: req.clusterId, dryRun: options.dryRun };
  const stored = await transactMaybeDry(req, options.dryRun, async (tx) => {
    const storedCurrent = await tx.get(ref);
    if (!storedCurrent) throw objectNotFound({ ...ref, group: def.group, resource: def.resource });
    const update = await computeUpdate(req, name, storedCurrent, mutate, options, ctx);
    if (!update) return storedCurrent;
    const written = await writeUpdate(req, tx, ref, update, ctx);
    if (options.dryRun) {
      // kube-apiserver's dry-run storage returns the would-be object at the version it was read at
      // (registry/generic/registry/dryrun.go): `kubectl diff` then shows no resourceVersion change.
      written.metadata.resourceVersion = storedCurrent.metadata.resourceVersion;
      return written;
    }
    return (await removeIfFinalized(req, tx, ref, storedCurrent, written)) ?? written;
  });
  return fromStorage(req, stored);
}

/** What an update writes, computed from the current object. */
interface ComputedUpdate {
  current: KubeObject;
  next: KubeObject;
}

/**
 * The steps of an update that need only the current object (stored form, a copy of the caller's):
 * mutate, keep what this write may not change, default, validate, record field ownership.
 * Undefined when nothing would change.
 */
async function computeUpdate(
  req: KubeRequest,
  name: string,
  storedCurrent: KubeObject,
  mutate: Mutation,
  options: ModifyOptions,
  ctx: StrategyContext,
): Promise<ComputedUpdate | undefined> {
  const { def } = req;
  const ref = storageRef(req, name);
  // The caller's copy is this request's alone: converted without another deep copy.
  const current = fromFreshStorage(req, storedCurrent);
  let next = cloneJson(await mutate(cloneJson(current)));
  const requestedRv = next.metadata.resourceVersion;
  if (requestedRv && requestedRv !== current.metadata.resourceVersion) {
    throw objectConflict({ ...ref, group: def.group, resource: def.resource });
  }
  if (next.metadata.name && next.metadata.name !== name) {
    throw new ApiError(
      "BadRequest",
      `the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  if (def.namespaced && next.metadata.namespace && next.metadata.namespace !== req.path.namespace) {
    throw new ApiError(
      "BadRequest",
      "the namespace of the provided object does not match the namespace sent on the request",
    );
  }
  next.metadata.name = name;
  if (def.namespaced) next.metadata.namespace = req.path.namespace;
  next.apiVersion = current.apiVersion;
  next.kind = current.kind;
  resetSystemMetadata(next, current);
  omitEmptyMetadata(next);
  next = keepOtherParts(req, next, current, options.subresource, ctx);
  def.strategy.applyDefaults?.(next);
  if (sameIgnoringBookkeeping(next, current)) return undefined;
  if (!options.skipKindValidation) validateOrThrow(req, next, ctx, current, options.subresource);
  if (!options.managedFieldsDone) {
    next.metadata.managedFields = updateManagedFields(current, next, {
      manager: options.fieldManager,
      apiVersion: apiVersionOf(def.group, def.version),
      now: req.now,
      ...(options.subresource ? { subresource: options.subresource } : {}),
    }).managedFields as never;
  }
  return { current, next };
}

/** The steps of an update that need the transaction: the strategy's hook, then the write. */
async function writeUpdate(
  req: KubeRequest,
  tx: StoreTransaction,
  ref: ObjectRef,
  { current, next }: ComputedUpdate,
  ctx: StrategyContext,
): Promise<KubeObject> {
  await req.def.strategy.beforeUpdate?.(next, current, { ...ctx, tx });
  return tx.update(ref, toStorage(req, next), {
    trackGeneration: req.def.strategy.tracksGeneration,
    expectedResourceVersion: current.metadata.resourceVersion,
  });
}

/**
 * An update computed outside any transaction, on an object a controller has just read: under the
 * cluster's write lock only the write is left (storeUpdate). Not for dry runs.
 */
export interface PreparedUpdate {
  req: KubeRequest;
  name: string;
  /** The stored object it was computed on. */
  base: KubeObject;
  mutate: Mutation;
  options: ModifyOptions;
  /** Undefined: nothing changes. */
  update?: ComputedUpdate;
}

export async function prepareUpdate(
  req: KubeRequest,
  name: string,
  base: KubeObject,
  mutate: Mutation,
  options: ModifyOptions,
): Promise<PreparedUpdate> {
  const ctx: StrategyContext = { now: req.now, clusterId: req.clusterId, dryRun: false };
  const update = await computeUpdate(req, name, cloneJson(toStorage(req, base)), mutate, options, ctx);
  return { req, name, base, mutate, options, ...(update ? { update } : {}) };
}

/**
 * Writes a prepared update through `runtime`'s store (a locked section's, or a transaction of its
 * own). If the object changed since it was read, the whole update pipeline runs again on what is
 * stored now, as modifyObject would have: `mutate` sees the current object either way.
 */
export async function storeUpdate(
  runtime: KubeRequest["runtime"],
  prepared: PreparedUpdate,
): Promise<KubeObject> {
  const req = { ...prepared.req, runtime };
  const { name, update } = prepared;
  if (!update) return fromStorage(req, toStorage(req, prepared.base));
  const ref = storageRef(req, name);
  const ctx: StrategyContext = { now: req.now, clusterId: req.clusterId, dryRun: false };
  try {
    const stored = await req.runtime.store.transact(req.clusterId, async (tx) => {
      const base = toStorage(req, prepared.base);
      tx.assume(ref, base);
      const written = await writeUpdate(req, tx, ref, update, ctx);
      return (await removeIfFinalized(req, tx, ref, base, written)) ?? written;
    });
    return fromStorage(req, stored);
  } catch (err) {
    if (!(err instanceof ApiError && err.reason === "Conflict")) throw err;
    return modifyObject(req, name, prepared.mutate, prepared.options);
  }
}

/** Status writes change only status and annotations; main-resource writes keep the stored status (strategy). */
function keepOtherParts(
  req: KubeRequest,
  next: KubeObject,
  current: KubeObject,
  subresource: string | undefined,
  ctx: StrategyContext,
): KubeObject {
  if (subresource === "status") {
    const kept = cloneJson(current);
    kept.metadata.resourceVersion = next.metadata.resourceVersion;
    // Status strategies reset spec (and labels), not annotations: a controller records what it
    // observed (deployment.kubernetes.io/revision) with its status write.
    if (next.metadata.annotations === undefined) delete kept.metadata.annotations;
    else kept.metadata.annotations = next.metadata.annotations;
    if (next.status === undefined) delete kept.status;
    else kept.status = next.status;
    return kept;
  }
  if (!subresource) req.def.strategy.prepareForUpdate?.(next, current, ctx);
  return next;
}

/** Equal but for managedFields timestamps and resourceVersion: nothing to write. */
function sameIgnoringBookkeeping(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({
    ...o,
    metadata: { ...o.metadata, resourceVersion: undefined, managedFields: undefined },
  });
  return jsonEqual(strip(a), strip(b));
}
