import { ApiError } from "../../errors.ts";
import type { Runtime } from "../../platform/runtime.ts";
import type { KubeObject } from "../object/types.ts";
import { findResource } from "../registry/registry.ts";
import { matchesLabels, parseLabelSelector } from "../selectors/label-selector.ts";
import type { KubeRequest } from "../server/handlers/context.ts";
import { createObject, type PreparedCreate, prepareCreate } from "../server/handlers/create.ts";
import { deleteObject } from "../server/handlers/delete.ts";
import { modifyObject, type PreparedUpdate, prepareUpdate, storeUpdate } from "../server/handlers/modify.ts";
import { followable, getHandler, listHandler } from "../server/handlers/read.ts";
import { bindingHandler } from "../server/handlers/special.ts";
import type { WriteOptions } from "../server/handlers/write-options.ts";

export interface ResourceId {
  group: string;
  version: string;
  resource: string;
}

/**
 * The Kubernetes API as controllers use it, in process: the same registry, strategies, validation,
 * store and publishing as an HTTP request, without HTTP (ARCHITECTURE §1: workers never write
 * around the store).
 */
export class InProcessClient {
  constructor(
    private readonly runtime: Runtime,
    readonly clusterId: string,
    /** The field manager of this controller's writes (`deployment-controller` …). */
    private readonly manager: string,
  ) {}

  async get(id: ResourceId, namespace: string, name: string): Promise<KubeObject | undefined> {
    try {
      return (await getHandler(this.request(id, namespace, name), name)).body as KubeObject;
    } catch (err) {
      if (err instanceof ApiError && err.reason === "NotFound") return undefined;
      throw err;
    }
  }

  /**
   * get() as an informer's cache answers it, for readers that do not change what they read (the
   * kubelet): from the store's followed list of the resource where there is one, as fresh as get().
   * The object is frozen and shared with other readers: never change it.
   */
  async getShared(id: ResourceId, namespace: string, name: string): Promise<KubeObject | undefined> {
    const def = findResource(id.group, id.version, id.resource);
    if (!def || !followable(def)) return this.get(id, namespace, name);
    const ref = {
      group: def.group,
      resource: def.resource,
      namespace: def.namespaced ? namespace : "",
      name,
    };
    return this.runtime.store.getFollowed(this.clusterId, ref);
  }

  /**
   * The objects of a resource (in one namespace, or all), optionally by label selector. The objects
   * are shared with other readers and frozen where the store follows the list: never change them.
   */
  async list(id: ResourceId, namespace?: string, labelSelector?: string): Promise<KubeObject[]> {
    const def = findResource(id.group, id.version, id.resource);
    if (def && followable(def)) {
      const all = await this.runtime.store.listFollowed(this.clusterId, def.group, def.resource);
      const selector = labelSelector ? parseLabelSelector(labelSelector) : undefined;
      return all.filter(
        (o) =>
          (!def.namespaced || namespace === undefined || o.metadata.namespace === namespace) &&
          (!selector || matchesLabels(selector, o.metadata.labels)),
      );
    }
    const req = this.request(id, namespace);
    if (labelSelector) req.query.set("labelSelector", labelSelector);
    return ((await listHandler(req)).body as { items: KubeObject[] }).items;
  }

  create(id: ResourceId, namespace: string, obj: KubeObject): Promise<KubeObject> {
    return createObject(this.request(id, namespace), obj, this.writeOptions());
  }

  /** The part of a create that needs no transaction, for storeCreates in a locked section. */
  prepareCreate(id: ResourceId, namespace: string, obj: KubeObject): PreparedCreate {
    return prepareCreate(this.request(id, namespace), obj, this.writeOptions());
  }

  /** Read-modify-write inside one transaction: `mutate` sees the current object. */
  update(
    id: ResourceId,
    namespace: string,
    name: string,
    mutate: (current: KubeObject) => KubeObject,
    subresource?: string,
  ): Promise<KubeObject> {
    return modifyObject(
      this.request(id, namespace, name, subresource),
      name,
      mutate,
      this.updateOptions(subresource),
    );
  }

  /**
   * The part of an update that needs no transaction, computed on `base` (the object as just read):
   * for storeUpdate under the cluster's write lock.
   */
  prepareUpdate(
    id: ResourceId,
    namespace: string,
    name: string,
    base: KubeObject,
    mutate: (current: KubeObject) => KubeObject,
    subresource?: string,
  ): Promise<PreparedUpdate> {
    const req = this.request(id, namespace, name, subresource);
    return prepareUpdate(req, name, base, mutate, this.updateOptions(subresource));
  }

  /** Writes a prepared update through this client's store (a locked section's: its transaction). */
  storeUpdate(prepared: PreparedUpdate): Promise<KubeObject> {
    return storeUpdate(this.runtime, prepared);
  }

  async delete(
    id: ResourceId,
    namespace: string,
    name: string,
    options: {
      gracePeriodSeconds?: number;
      /** Only delete this incarnation of the object. */
      uid?: string;
      propagationPolicy?: "Background" | "Foreground" | "Orphan";
    } = {},
  ): Promise<void> {
    await deleteObject(this.request(id, namespace, name), name, {
      propagationPolicy: options.propagationPolicy ?? "Background",
      dryRun: false,
      ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
      ...(options.uid ? { preconditions: { uid: options.uid } } : {}),
    });
  }

  /** POST pods/<name>/binding: assigns the pod to a node, as the scheduler does. */
  async bind(namespace: string, name: string, nodeName: string): Promise<void> {
    const req = this.request(CORE_V1("pods"), namespace, name, "binding");
    const binding = {
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name, namespace },
      target: { apiVersion: "v1", kind: "Node", name: nodeName },
    };
    const bytes = new TextEncoder().encode(JSON.stringify(binding));
    req.query.set("fieldManager", this.manager);
    await bindingHandler({ ...req, body: async () => bytes }, name);
  }

  /** An update's options: this client's write options, on `subresource` if one is named. */
  private updateOptions(subresource: string | undefined) {
    return { ...this.writeOptions(), ...(subresource ? { subresource } : {}) };
  }

  private writeOptions(): WriteOptions {
    return { dryRun: false, fieldManager: this.manager, fieldValidation: "Ignore", force: false };
  }

  private request(id: ResourceId, namespace?: string, name?: string, subresource?: string): KubeRequest {
    const def = findResource(id.group, id.version, id.resource);
    if (!def) throw new Error(`unknown resource ${id.group}/${id.version}/${id.resource}`);
    return {
      runtime: this.runtime,
      clusterId: this.clusterId,
      def,
      path: {
        group: id.group,
        version: id.version,
        resource: id.resource,
        ...(def.namespaced && namespace !== undefined ? { namespace } : {}),
        ...(name ? { name } : {}),
        ...(subresource ? { subresource } : {}),
      },
      query: new URLSearchParams(),
      accept: "application/json",
      contentType: "application/json",
      userAgent: this.manager,
      body: async () => new Uint8Array(),
      now: this.runtime.clock.now(),
    };
  }
}

export const CORE_V1 = (resource: string): ResourceId => ({ group: "", version: "v1", resource });
