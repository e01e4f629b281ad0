import type { Runtime } from "../../../platform/runtime.ts";
import { cloneJson } from "../../object/equality.ts";
import type { KubeObject, ObjectRef } from "../../object/types.ts";
import type { ResourceDefinition } from "../../registry/types.ts";
import type { StoreTransaction } from "../../store/transaction.ts";
import type { NodeResponse } from "../../watch/streaming-response.ts";
import type { WatchHub } from "../../watch/watch-hub.ts";
import type { ResourcePath } from "../request-info.ts";

/** One Kubernetes API request, resolved to its cluster and resource. */
export interface KubeRequest {
  runtime: Runtime;
  clusterId: string;
  def: ResourceDefinition;
  path: ResourcePath;
  query: URLSearchParams;
  accept: string | undefined;
  contentType: string | undefined;
  userAgent: string | undefined;
  body(): Promise<Uint8Array>;
  now: Date;
  /** This process's watch fan-out (absent where watches are not served). */
  watchHub?: WatchHub;
  /** The Node response, when served by the Node server: watches write to it directly. */
  nodeResponse?: NodeResponse;
}

/** What a handler answers; the route adapter renders it. */
export interface KubeResponse {
  status: number;
  body: unknown;
  /** `Warning: 299 - "…"` headers (fieldValidation=Warn, deprecations). */
  warnings?: string[];
  contentType?: string;
  headers?: Record<string, string>;
  /** The handler wrote the response into `nodeResponse` itself (a watch stream). */
  sent?: true;
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** Where the object named by the request is stored. */
export function storageRef(req: KubeRequest, name: string, namespace = req.path.namespace ?? ""): ObjectRef {
  return {
    group: req.def.storage.group,
    resource: req.def.storage.resource,
    namespace: req.def.namespaced ? namespace : "",
    name,
  };
}

/** Stored form → the form of the requested version. */
export function fromStorage(req: KubeRequest, obj: KubeObject): KubeObject {
  return fromStorageAs(req.def, obj);
}

/** fromStorage for one resource definition, for holders that keep no request (watches). */
export function fromStorageAs(def: ResourceDefinition, obj: KubeObject): KubeObject {
  const converted = def.conversion ? def.conversion.fromStorage(obj) : cloneJson(obj);
  converted.apiVersion = apiVersionOf(def.group, def.version);
  converted.kind = def.kind;
  return converted;
}

/**
 * fromStorage for an object nobody else holds (rows just decoded for one list): converted or
 * relabelled without the deep copy that protects shared objects.
 */
export function fromFreshStorage(req: KubeRequest, obj: KubeObject): KubeObject {
  const { def } = req;
  const converted = def.conversion ? def.conversion.fromStorage(obj) : { ...obj };
  converted.apiVersion = apiVersionOf(def.group, def.version);
  converted.kind = def.kind;
  return converted;
}

/** Requested version → the stored form. */
export function toStorage(req: KubeRequest, obj: KubeObject): KubeObject {
  const { def } = req;
  const converted = def.conversion ? def.conversion.toStorage(obj) : { ...obj };
  converted.apiVersion = apiVersionOf(def.storage.group, def.storage.version);
  converted.kind = def.kind;
  return converted;
}

/** Thrown inside a store transaction to roll a dry run back while keeping its result. */
export class DryRunRollback extends Error {
  constructor(readonly result: unknown) {
    super("dry run");
  }
}

/** Runs `work` in a write transaction; for dry runs, rolls it back and returns what it computed. */
export async function transactMaybeDry<T>(
  req: KubeRequest,
  dryRun: boolean,
  work: (tx: StoreTransaction) => Promise<T>,
): Promise<T> {
  try {
    return await req.runtime.store.transact(req.clusterId, async (tx) => {
      const result = await work(tx);
      if (dryRun) throw new DryRunRollback(result);
      return result;
    });
  } catch (err) {
    if (err instanceof DryRunRollback) return err.result as T;
    throw err;
  }
}
