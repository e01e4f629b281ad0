import type { KubeObject } from "../../../object/types.ts";
import { type JsonObject, objectAt } from "../../support/json.ts";

/*
 * events.k8s.io/v1 Event ⇄ core/v1 Event, the storage version (pkg/apis/events/v1/conversion.go at
 * release-1.32). Both are serialized as encoding/json would: timestamps that are structs print as
 * null when zero, `source`/`regarding` as {}, and core's reportingComponent/reportingInstance always.
 */

function copyIfSet(from: JsonObject, fromKey: string, to: JsonObject, toKey: string): void {
  const v = from[fromKey];
  if (v !== undefined && v !== null && v !== "" && v !== 0) to[toKey] = v;
}

/** An events.k8s.io/v1 Event as the core/v1 Event stored for it. */
export function eventFromEventsV1(obj: KubeObject): KubeObject {
  const out: KubeObject = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { ...obj.metadata },
    involvedObject: objectAt(obj, "regarding") ?? {},
  };
  copyIfSet(obj, "reason", out, "reason");
  copyIfSet(obj, "note", out, "message");
  out.source = objectAt(obj, "deprecatedSource") ?? {};
  out.firstTimestamp = obj.deprecatedFirstTimestamp ?? null;
  out.lastTimestamp = obj.deprecatedLastTimestamp ?? null;
  copyIfSet(obj, "deprecatedCount", out, "count");
  copyIfSet(obj, "type", out, "type");
  out.eventTime = obj.eventTime ?? null;
  if (objectAt(obj, "series") !== undefined) out.series = obj.series;
  copyIfSet(obj, "action", out, "action");
  if (objectAt(obj, "related") !== undefined) out.related = obj.related;
  out.reportingComponent = typeof obj.reportingController === "string" ? obj.reportingController : "";
  out.reportingInstance = typeof obj.reportingInstance === "string" ? obj.reportingInstance : "";
  return out;
}

/** A stored core/v1 Event as events.k8s.io/v1 serves it. */
export function eventToEventsV1(obj: KubeObject): KubeObject {
  const out: KubeObject = {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: { ...obj.metadata },
    eventTime: obj.eventTime ?? null,
  };
  if (objectAt(obj, "series") !== undefined) out.series = obj.series;
  copyIfSet(obj, "reportingComponent", out, "reportingController");
  copyIfSet(obj, "reportingInstance", out, "reportingInstance");
  copyIfSet(obj, "action", out, "action");
  copyIfSet(obj, "reason", out, "reason");
  out.regarding = objectAt(obj, "involvedObject") ?? {};
  if (objectAt(obj, "related") !== undefined) out.related = obj.related;
  copyIfSet(obj, "message", out, "note");
  copyIfSet(obj, "type", out, "type");
  out.deprecatedSource = objectAt(obj, "source") ?? {};
  out.deprecatedFirstTimestamp = obj.firstTimestamp ?? null;
  out.deprecatedLastTimestamp = obj.lastTimestamp ?? null;
  copyIfSet(obj, "count", out, "deprecatedCount");
  return out;
}

/** The `conversion` of the events.k8s.io/v1 events resource definition (storage: core/v1 events). */
export const eventsV1Conversion = {
  toStorage: eventFromEventsV1,
  fromStorage: eventToEventsV1,
};
