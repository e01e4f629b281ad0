/**
 * Events, for both core/v1 and events.k8s.io/v1: upstream prints the internal core Event, so an
 * events.k8s.io object is first mapped onto core field names (pkg/apis/events/v1/conversion.go), then
 * printed by `printEvent` (pkg/printers/internalversion/printers.go, release-1.32).
 */

import { parseTimestamp, translateTimestampSince } from "./format.ts";
import { type JsonObject, numberAt, objectAt, optionalObjectAt, stringAt, valueAt } from "./json.ts";
import type { Printer, TableColumn } from "./types.ts";

const eventColumns: readonly TableColumn[] = [
  {
    name: "Last Seen",
    type: "string",
    format: "",
    description: "The time at which the most recent occurrence of this event was recorded.",
    priority: 0,
  },
  {
    name: "Type",
    type: "string",
    format: "",
    description: "Type of this event (Normal, Warning), new types could be added in the future",
    priority: 0,
  },
  {
    name: "Reason",
    type: "string",
    format: "",
    description:
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    priority: 0,
  },
  {
    name: "Object",
    type: "string",
    format: "",
    description: "The object that this event is about.",
    priority: 0,
  },
  {
    name: "Subobject",
    type: "string",
    format: "",
    description:
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
    priority: 1,
  },
  {
    name: "Source",
    type: "string",
    format: "",
    description: "The component reporting this event. Should be a short machine understandable string.",
    priority: 1,
  },
  {
    name: "Message",
    type: "string",
    format: "",
    description: "A human-readable description of the status of this operation.",
    priority: 0,
  },
  {
    name: "First Seen",
    type: "string",
    format: "",
    description: "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
    priority: 1,
  },
  {
    name: "Count",
    type: "string",
    format: "",
    description: "The number of times this event has occurred.",
    priority: 1,
  },
  {
    name: "Name",
    type: "string",
    format: "name",
    description:
      "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
    priority: 1,
  },
];

/** The core/v1 shape of an events.k8s.io/v1 Event, as far as the printer reads it. */
function fromEventsV1(event: JsonObject): JsonObject {
  return {
    metadata: objectAt(event, "metadata"),
    involvedObject: objectAt(event, "regarding"),
    source: objectAt(event, "deprecatedSource"),
    message: stringAt(event, "note"),
    firstTimestamp: valueAt(event, "deprecatedFirstTimestamp"),
    lastTimestamp: valueAt(event, "deprecatedLastTimestamp"),
    count: numberAt(event, "deprecatedCount"),
    eventTime: valueAt(event, "eventTime"),
    series: valueAt(event, "series"),
    type: stringAt(event, "type"),
    reason: stringAt(event, "reason"),
    reportingComponent: stringAt(event, "reportingController"),
    reportingInstance: stringAt(event, "reportingInstance"),
  };
}

/** `formatEventSource`: component (else reporting controller), then `, host` (else instance) if any. */
function eventSource(event: JsonObject): string {
  const component = stringAt(event, "source", "component") || stringAt(event, "reportingComponent");
  const instance = stringAt(event, "source", "host") || stringAt(event, "reportingInstance");
  return instance === "" ? component : `${component}, ${instance}`;
}

function coreEventCells(event: JsonObject, now: Date): unknown[] {
  // Unset (zero) timestamps fall back: first seen to eventTime, last seen to first seen.
  const first = valueAt(event, "firstTimestamp");
  const firstSeen = translateTimestampSince(
    parseTimestamp(first) !== undefined ? first : valueAt(event, "eventTime"),
    now,
  );
  const last = valueAt(event, "lastTimestamp");
  let lastSeen = parseTimestamp(last) !== undefined ? translateTimestampSince(last, now) : firstSeen;
  let count = numberAt(event, "count");
  const series = optionalObjectAt(event, "series");
  if (series !== undefined) {
    lastSeen = translateTimestampSince(valueAt(series, "lastObservedTime"), now);
    count = numberAt(series, "count");
  } else if (count === 0) {
    // Singleton events of the new API carry no count.
    count = 1;
  }
  const kind = stringAt(event, "involvedObject", "kind").toLowerCase();
  const name = stringAt(event, "involvedObject", "name");
  return [
    lastSeen,
    stringAt(event, "type"),
    stringAt(event, "reason"),
    name === "" ? kind : `${kind}/${name}`,
    stringAt(event, "involvedObject", "fieldPath"),
    eventSource(event),
    stringAt(event, "message").trim(),
    firstSeen,
    count,
    stringAt(event, "metadata", "name"),
  ];
}

/** core/v1 events. */
export const coreEventPrinter: Printer = { columns: eventColumns, cells: coreEventCells };

/** events.k8s.io/v1 events: the same table as core events. */
export const eventsV1EventPrinter: Printer = {
  columns: eventColumns,
  cells: (event, now) => coreEventCells(fromEventsV1(event), now),
};
