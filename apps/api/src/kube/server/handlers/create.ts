import { ApiError } from "../../../errors.ts";
import { kubeTime } from "../../../platform/clock.ts";
import { admitResourceQuotas } from "../../admission/resource-quota.ts";
import type { KubeObject } from "../../object/types.ts";
import { updateManagedFields } from "../../patch/index.ts";
import type { StrategyContext } from "../../registry/types.ts";
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
  const { def } = req;
  const obj = structuredClone(input);
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
  const name = obj.metadata.name!;
  const stored = await transactMaybeDry(req, options.dryRun, async (tx) => {
    await requireLiveNamespace(req, tx, name);
    await def.strategy.beforeCreate?.(obj, { ...ctx, tx });
    const ref = storageRef(req, name);
    await admitResourceQuotas(tx, ref, obj, req.now);
    if (options.dryRun) {
      // A dry run shows what would be stored, without taking a resourceVersion.
      if (await tx.get(ref))
        return tx.create(ref, toStorage(req, obj), { trackGeneration: def.strategy.tracksGeneration });
      return dryRunView(toStorage(req, obj), req.now, def.strategy.tracksGeneration);
    }
    return tx.create(ref, toStorage(req, obj), { trackGeneration: def.strategy.tracksGeneration });
  });
  return fromStorage(req, stored);
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
