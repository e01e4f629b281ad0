import { ApiError } from "../../errors.ts";
import type { Clock } from "../../platform/clock.ts";
import type { KubeObject } from "../object/types.ts";
import { buildTable, type IncludeObject } from "../printers/index.ts";
import type { ResourceDefinition } from "../registry/types.ts";
import type { FieldSelector, LabelSelector } from "../selectors/index.ts";
import { matchesFields, matchesLabels } from "../selectors/index.ts";
import { fromStorageAs } from "../server/handlers/context.ts";
import { failureStatus } from "../server/status.ts";
import type { ObjectStore } from "../store/object-store.ts";
import type { Change } from "../store/types.ts";
import type { FeedListener } from "./cluster-feed.ts";
import type { WatchHub } from "./watch-hub.ts";
import { type OutboxOwner, WatchOutbox } from "./watch-outbox.ts";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export interface WatchRequest {
  clusterId: string;
  def: ResourceDefinition;
  /** Undefined: all namespaces (or a cluster-scoped resource). */
  namespace?: string;
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  /** "" or "0": start with the current objects as ADDED; "N": every change after N. */
  resourceVersion: string;
  sendInitialEvents: boolean;
  allowBookmarks: boolean;
  timeoutSeconds: number;
  /** Set when the client asked for Table output (`kubectl get -w`). */
  table?: { apiVersion: "meta.k8s.io/v1" | "meta.k8s.io/v1beta1"; includeObject: IncludeObject };
  /**
   * Table rows' ages. The request holds nothing that refers to the HTTP request: a watch outlives
   * its handler, and whatever it references stays in memory as long as the watch is open.
   */
  clock: Clock;
}

/**
 * Live events (and their bytes) a slow client may have waiting before it is cut off with 410 and
 * relists. Counted past what the kernel and TLS buffers already hold (a few MiB on loopback).
 */
export const MAX_QUEUED_EVENTS = 1000;
export const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
const BACKLOG_LIMITS = { events: MAX_QUEUED_EVENTS, bytes: MAX_QUEUED_BYTES };
/** kube-apiserver's defaultBookmarkFrequency (staging/src/k8s.io/apiserver/pkg/storage/cacher/cacher.go). */
const BOOKMARK_EVERY_MS = 60_000;
const encoder = new TextEncoder();

/**
 * Each change encoded once per resource definition and event type, however many watches of this
 * process send it: converting (a deep clone) and serialising per watch was most of the cost of
 * fanning a change out to many watchers. Entries go with the change once every watch has sent it.
 */
const encodedEvents = new WeakMap<
  Change,
  Map<ResourceDefinition, Partial<Record<WatchEventType, Uint8Array>>>
>();

/**
 * A watch stream (one JSON event per line) that sees every change after its start exactly once,
 * in order: it joins the cluster's feed first, buffers live events while it replays the change log
 * (or lists the current objects), then goes live, dropping what it already sent.
 */
export async function openWatch(hub: WatchHub, store: ObjectStore, req: WatchRequest): Promise<WatchOutbox> {
  const versions = await store.versions(req.clusterId);
  if (!versions) throw new ApiError("NotFound", "the server could not find the requested resource");
  const fromRv =
    req.resourceVersion === "" || req.resourceVersion === "0" ? undefined : Number(req.resourceVersion);
  if (fromRv !== undefined && (!Number.isInteger(fromRv) || fromRv < 0)) {
    throw new ApiError("BadRequest", `invalid resource version: ${req.resourceVersion}`);
  }
  const watch = new WatchStream(hub, req, fromRv);
  await hub.attach(req.clusterId, watch);
  try {
    await watch.catchUp(store, versions.compactedRv);
  } catch (err) {
    hub.detach(req.clusterId, watch);
    throw err;
  }
  return watch.outbox;
}

const keyOf = (c: { namespace: string; name: string }) => `${c.namespace}/${c.name}`;
const objectKey = (obj: KubeObject) => `${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;

/**
 * One watch. A class rather than closures: an API process holds thousands of idle watches, and
 * per-watch closures (each with its own context, and under tsx a `name` property store) were a
 * good part of an idle watch's memory.
 */
class WatchStream implements FeedListener, OutboxOwner {
  readonly outbox: WatchOutbox;
  private closed = false;
  /** Until the replay is done, live changes wait here; afterwards they are applied as they come. */
  private buffered: Change[] | undefined = [];
  /** Every change up to this version was applied (sent, or filtered out). */
  private delivered: number;
  private lastBookmark = Date.now();
  private tableColumnsSent = false;
  /** With selectors: the objects in the selection, so that leaving it becomes DELETED. */
  private readonly present: Set<string> | undefined;
  /** When the watch ends (timeoutSeconds), in Date.now() time; the hub's ticks enforce it. */
  private deadline = Number.POSITIVE_INFINITY;

  constructor(
    private readonly hub: WatchHub,
    private readonly req: WatchRequest,
    private readonly fromRv: number | undefined,
  ) {
    this.delivered = fromRv ?? 0;
    this.outbox = new WatchOutbox(BACKLOG_LIMITS, this);
    if (req.labelSelector || req.fieldSelector) this.present = new Set();
  }

  /** The replay: the current objects or the logged changes since `fromRv`; then live. */
  async catchUp(store: ObjectStore, compactedRv: number): Promise<void> {
    const { req, fromRv } = this;
    const listOptions = {
      group: req.def.storage.group,
      resource: req.def.storage.resource,
      ...(req.namespace !== undefined ? { namespace: req.namespace } : {}),
    };
    if (fromRv !== undefined && fromRv < compactedRv) {
      this.send(
        "ERROR",
        failureStatus(new ApiError("Expired", `too old resource version: ${fromRv} (${compactedRv})`)),
      );
      return this.finish();
    }
    if (fromRv === undefined) {
      // The current objects first, as synthetic ADDED events, then every change after the list.
      const listed = await store.list(req.clusterId, listOptions);
      this.delivered = listed.resourceVersion;
      for (const obj of listed.items) {
        if (!this.matches(obj)) continue;
        this.present?.add(objectKey(obj));
        this.sendObject("ADDED", obj);
      }
      if (req.sendInitialEvents) this.bookmark(this.delivered, { "k8s.io/initial-events-end": "true" });
    } else {
      // Objects that match now are the ones a later change may move out of the selection.
      if (this.present) {
        const listed = await store.list(req.clusterId, listOptions);
        for (const obj of listed.items) if (this.matches(obj)) this.present.add(objectKey(obj));
      }
      for (;;) {
        const page = await store.changesSince(req.clusterId, this.delivered, 1000);
        for (const change of page) this.apply(change);
        if (page.length < 1000) break;
      }
    }
    const waiting = this.buffered ?? [];
    this.buffered = undefined;
    for (const change of waiting) this.apply(change);
    // The client left, or the feed ended the watch, during the replay: no deadline to keep.
    if (this.closed) return;
    this.deadline = Date.now() + req.timeoutSeconds * 1000;
  }

  tick(now: number): void {
    if (now >= this.deadline) this.expired();
  }

  deliver(change: Change): void {
    if (this.buffered) this.buffered.push(change);
    else this.apply(change);
  }

  progress(rv: number): void {
    if (this.buffered || !this.req.allowBookmarks || Date.now() - this.lastBookmark < BOOKMARK_EVERY_MS)
      return;
    this.delivered = Math.max(this.delivered, rv);
    this.bookmark(this.delivered);
  }

  end(reason: "cluster-deleted" | "expired"): void {
    if (reason === "expired") {
      const expired = new ApiError(
        "Expired",
        "the watch fell behind the retained changes; relist and watch again",
      );
      this.send("ERROR", failureStatus(expired));
    }
    this.finish();
  }

  /** The client went away. */
  cancelled(): void {
    this.closed = true;
    this.hub.detach(this.req.clusterId, this);
  }

  /** The deadline (timeoutSeconds): as kube-apiserver does, a last bookmark to resume from. */
  expired(): void {
    if (this.req.allowBookmarks) this.bookmark(this.delivered);
    this.finish();
  }

  private finish(): void {
    this.closed = true;
    this.hub.detach(this.req.clusterId, this);
    this.outbox.close();
  }

  /** A change as this watcher sees it: selectors turn entering into ADDED and leaving into DELETED. */
  private apply(change: Change): void {
    if (change.rv <= this.delivered) return;
    this.delivered = change.rv;
    const { req } = this;
    if (change.group !== req.def.storage.group || change.resource !== req.def.storage.resource) return;
    if (req.namespace !== undefined && change.namespace !== req.namespace) return;
    const present = this.present;
    if (!present) {
      this.sendObject(change.type, change.object, change);
      return;
    }
    const key = keyOf(change);
    const was = present.has(key);
    if (change.type === "DELETED") {
      present.delete(key);
      if (was || this.matches(change.object)) this.sendObject("DELETED", change.object, change);
      return;
    }
    if (this.matches(change.object)) {
      present.add(key);
      this.sendObject(change.type === "MODIFIED" && was ? "MODIFIED" : "ADDED", change.object, change);
    } else if (was) {
      present.delete(key);
      this.sendObject("DELETED", change.object, change);
    }
  }

  private matches(obj: KubeObject): boolean {
    const { labelSelector, fieldSelector } = this.req;
    return (
      (!labelSelector || matchesLabels(labelSelector, obj.metadata.labels)) &&
      (!fieldSelector || matchesFields(fieldSelector, fromStorageAs(this.req.def, obj)))
    );
  }

  private sendObject(type: "ADDED" | "MODIFIED" | "DELETED", stored: KubeObject, change?: Change): void {
    const { req } = this;
    if (!req.table && change) {
      this.sendShared(type, change);
      return;
    }
    const obj = fromStorageAs(req.def, stored);
    if (!req.table) {
      this.send(type, obj);
      return;
    }
    const table = buildTable(req.def.group, req.def.resource, [obj], {
      now: req.clock.now(),
      resourceVersion: obj.metadata.resourceVersion ?? "",
      includeObject: req.table.includeObject,
      apiVersion: req.table.apiVersion,
      omitColumns: this.tableColumnsSent,
    });
    this.tableColumnsSent = true;
    this.send(type, table);
  }

  /** A change's event as every watch of the same resource definition sends it, encoded once. */
  private sendShared(type: "ADDED" | "MODIFIED" | "DELETED", change: Change): void {
    if (this.closed) return;
    let byDef = encodedEvents.get(change);
    if (!byDef) {
      byDef = new Map();
      encodedEvents.set(change, byDef);
    }
    let byType = byDef.get(this.req.def);
    if (!byType) {
      byType = {};
      byDef.set(this.req.def, byType);
    }
    const encoded = byType[type] ?? encodeEvent(type, fromStorageAs(this.req.def, change.object));
    byType[type] = encoded;
    this.sendBytes(encoded);
  }

  private send(type: WatchEventType, object: unknown): void {
    if (!this.closed) this.sendBytes(encodeEvent(type, object));
  }

  private sendBytes(bytes: Uint8Array): void {
    if (this.outbox.push(bytes, !this.buffered)) return;
    // The client stopped reading (or reads slower than the cluster changes): what it has not read
    // is dropped and it relists, rather than this process holding an ever longer queue for it.
    const expired = new ApiError(
      "Expired",
      "too slow: the watch fell too far behind; relist and watch again",
    );
    this.outbox.abandon(encodeEvent("ERROR", failureStatus(expired)));
    this.finish();
  }

  private bookmark(rv: number, annotations?: Record<string, string>): void {
    this.lastBookmark = Date.now();
    const { group, version, kind } = this.req.def;
    this.send("BOOKMARK", {
      kind,
      apiVersion: group ? `${group}/${version}` : version,
      metadata: { resourceVersion: String(rv), ...(annotations ? { annotations } : {}) },
    });
  }
}

function encodeEvent(type: WatchEventType, object: unknown): Uint8Array {
  return encoder.encode(`${JSON.stringify({ type, object })}\n`);
}
