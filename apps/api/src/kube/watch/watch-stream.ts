import { ApiError } from "../../errors.ts";
import type { KubeObject } from "../object/types.ts";
import { buildTable, type IncludeObject } from "../printers/index.ts";
import type { ResourceDefinition } from "../registry/types.ts";
import type { FieldSelector, LabelSelector } from "../selectors/index.ts";
import { matchesFields, matchesLabels } from "../selectors/index.ts";
import { failureStatus } from "../server/status.ts";
import type { ObjectStore } from "../store/object-store.ts";
import type { Change } from "../store/types.ts";
import type { FeedListener } from "./cluster-feed.ts";
import type { WatchHub } from "./watch-hub.ts";

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
  convert(obj: KubeObject): KubeObject;
  now(): Date;
}

/** Events a slow client may have waiting before it is cut off with 410 (it relists, as with kube-apiserver). */
export const MAX_QUEUED_EVENTS = 1000;
const BOOKMARK_EVERY_MS = 10_000;
const encoder = new TextEncoder();

/**
 * A watch stream (one JSON event per line) that sees every change after its start exactly once,
 * in order: it joins the cluster's feed first, buffers live events while it replays the change log
 * (or lists the current objects), then goes live, dropping what it already sent.
 */
export async function openWatch(
  hub: WatchHub,
  store: ObjectStore,
  req: WatchRequest,
): Promise<ReadableStream<Uint8Array>> {
  const versions = await store.versions(req.clusterId);
  if (!versions) throw new ApiError("NotFound", "the server could not find the requested resource");
  const fromRv =
    req.resourceVersion === "" || req.resourceVersion === "0" ? undefined : Number(req.resourceVersion);
  if (fromRv !== undefined && (!Number.isInteger(fromRv) || fromRv < 0)) {
    throw new ApiError("BadRequest", `invalid resource version: ${req.resourceVersion}`);
  }

  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let live = false;
  let delivered = fromRv ?? 0;
  let lastBookmark = Date.now();
  let tableColumnsSent = false;
  const buffered: Change[] = [];
  const present = new Set<string>();
  const keyOf = (c: { namespace: string; name: string }) => `${c.namespace}/${c.name}`;

  const send = (type: WatchEventType, object: unknown) => {
    if (closed) return;
    controller.enqueue(encoder.encode(`${JSON.stringify({ type, object })}\n`));
    if ((controller.desiredSize ?? 0) < -MAX_QUEUED_EVENTS) {
      closed = true;
      const expired = new ApiError(
        "Expired",
        "too slow: the watch fell too far behind; relist and watch again",
      );
      controller.enqueue(
        encoder.encode(`${JSON.stringify({ type: "ERROR", object: failureStatus(expired) })}\n`),
      );
      finish();
    }
  };
  const sendObject = (type: "ADDED" | "MODIFIED" | "DELETED", stored: KubeObject) => {
    const obj = req.convert(stored);
    if (!req.table) return send(type, obj);
    const table = buildTable(req.def.group, req.def.resource, [obj], {
      now: req.now(),
      resourceVersion: obj.metadata.resourceVersion ?? "",
      includeObject: req.table.includeObject,
      apiVersion: req.table.apiVersion,
      omitColumns: tableColumnsSent,
    });
    tableColumnsSent = true;
    send(type, table);
  };
  const matches = (obj: KubeObject) =>
    (!req.labelSelector || matchesLabels(req.labelSelector, obj.metadata.labels)) &&
    (!req.fieldSelector || matchesFields(req.fieldSelector, req.convert(obj)));

  /** A change as this watcher sees it: selectors turn entering into ADDED and leaving into DELETED. */
  const apply = (change: Change) => {
    if (change.rv <= delivered) return;
    delivered = change.rv;
    const { group, resource } = req.def.storage;
    if (change.group !== group || change.resource !== resource) return;
    if (req.namespace !== undefined && change.namespace !== req.namespace) return;
    if (!req.labelSelector && !req.fieldSelector) return sendObject(change.type, change.object);
    const key = keyOf(change);
    const was = present.has(key);
    if (change.type === "DELETED") {
      present.delete(key);
      if (was || matches(change.object)) sendObject("DELETED", change.object);
      return;
    }
    if (matches(change.object)) {
      present.add(key);
      sendObject(change.type === "MODIFIED" && was ? "MODIFIED" : "ADDED", change.object);
    } else if (was) {
      present.delete(key);
      sendObject("DELETED", change.object);
    }
  };
  const bookmark = (rv: number, annotations?: Record<string, string>) => {
    lastBookmark = Date.now();
    const { group, version, kind } = req.def;
    send("BOOKMARK", {
      kind,
      apiVersion: group ? `${group}/${version}` : version,
      metadata: { resourceVersion: String(rv), ...(annotations ? { annotations } : {}) },
    });
  };

  const listener: FeedListener = {
    deliver(change) {
      if (live) apply(change);
      else buffered.push(change);
    },
    progress(rv) {
      if (!live || !req.allowBookmarks || Date.now() - lastBookmark < BOOKMARK_EVERY_MS) return;
      delivered = Math.max(delivered, rv);
      bookmark(delivered);
    },
    end(reason) {
      if (reason === "expired") {
        const expired = new ApiError(
          "Expired",
          "the watch fell behind the retained changes; relist and watch again",
        );
        send("ERROR", failureStatus(expired));
      }
      finish();
    },
  };
  let timeout: NodeJS.Timeout | undefined;
  const finish = () => {
    closed = true;
    if (timeout) clearTimeout(timeout);
    hub.detach(req.clusterId, listener);
    try {
      controller.close();
    } catch {
      // Already closed or cancelled.
    }
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      cancel() {
        closed = true;
        if (timeout) clearTimeout(timeout);
        hub.detach(req.clusterId, listener);
      },
    },
    { highWaterMark: 0 },
  );

  await hub.attach(req.clusterId, listener);
  if (fromRv !== undefined && fromRv < versions.compactedRv) {
    send(
      "ERROR",
      failureStatus(new ApiError("Expired", `too old resource version: ${fromRv} (${versions.compactedRv})`)),
    );
    finish();
    return stream;
  }
  if (fromRv === undefined) {
    // The current objects first, as synthetic ADDED events, then every change after the list.
    const listed = await store.list(req.clusterId, {
      group: req.def.storage.group,
      resource: req.def.storage.resource,
      ...(req.namespace !== undefined ? { namespace: req.namespace } : {}),
    });
    delivered = listed.resourceVersion;
    for (const obj of listed.items) {
      if (!matches(obj)) continue;
      present.add(`${obj.metadata.namespace ?? ""}/${obj.metadata.name}`);
      sendObject("ADDED", obj);
    }
    if (req.sendInitialEvents) bookmark(delivered, { "k8s.io/initial-events-end": "true" });
  } else {
    // Objects that match now are the ones a later change may move out of the selection.
    if (req.labelSelector || req.fieldSelector) {
      const listed = await store.list(req.clusterId, {
        group: req.def.storage.group,
        resource: req.def.storage.resource,
        ...(req.namespace !== undefined ? { namespace: req.namespace } : {}),
      });
      for (const obj of listed.items)
        if (matches(obj)) present.add(`${obj.metadata.namespace ?? ""}/${obj.metadata.name}`);
    }
    for (;;) {
      const page = await store.changesSince(req.clusterId, delivered, 1000);
      for (const change of page) apply(change);
      if (page.length < 1000) break;
    }
  }
  live = true;
  for (const change of buffered.splice(0)) apply(change);
  timeout = setTimeout(finish, req.timeoutSeconds * 1000);
  return stream;
}
