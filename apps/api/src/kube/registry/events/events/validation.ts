import type { KubeObject } from "../../../object/types.ts";
import type { FieldError } from "../../../validation/field-errors.ts";
import { formatBadValue, invalidField, requiredField } from "../../../validation/field-errors.ts";
import { immutable } from "../../support/field-rules.ts";
import { goStructApproximation } from "../../support/go-values.ts";
import { type JsonObject, objectAt, semanticEqual } from "../../support/json.ts";

/*
 * The strict checks kube-apiserver adds when an Event is written through events.k8s.io/v1
 * (pkg/apis/core/validation/events.go, release-1.32), on the stored core/v1 shape; the legacy checks
 * every Event passes belong to the core Event strategy. Paths name core fields, as upstream's do.
 */

const isZero = (v: unknown) => v === undefined || v === null || v === "" || v === 0;
const orUnset = (v: unknown) => (isZero(v) ? undefined : v);

function validateSeries(event: JsonObject): FieldError[] {
  const series = objectAt(event, "series");
  if (series === undefined) return [];
  const errs: FieldError[] = [];
  if (typeof series.count !== "number" || series.count < 2)
    errs.push(invalidField("series.count", "", "should be at least 2"));
  if (isZero(series.lastObservedTime)) errs.push(requiredField("series.lastObservedTime"));
  return errs;
}

/** ValidateEventCreate's events.k8s.io/v1 part. */
export function validateEventsV1Create(event: KubeObject): FieldError[] {
  const errs = validateSeries(event);
  if (isZero(event.eventTime)) errs.push(requiredField("eventTime"));
  if (event.type !== "Normal" && event.type !== "Warning") {
    errs.push(
      invalidField("type", "", `has invalid value: ${typeof event.type === "string" ? event.type : ""}`),
    );
  }
  if (!isZero(event.firstTimestamp)) errs.push(invalidField("firstTimestamp", "", "needs to be unset"));
  if (!isZero(event.lastTimestamp)) errs.push(invalidField("lastTimestamp", "", "needs to be unset"));
  if (!isZero(event.count)) errs.push(invalidField("count", "", "needs to be unset"));
  const source = objectAt(event, "source");
  if (!isZero(source?.component) || !isZero(source?.host))
    errs.push(invalidField("source", "", "needs to be unset"));
  return errs;
}

const IMMUTABLE_FIELDS: readonly [string, string][] = [
  ["involvedObject", "core.ObjectReference"],
  ["reason", ""],
  ["message", ""],
  ["source", "core.EventSource"],
  ["firstTimestamp", "v1.Time"],
  ["lastTimestamp", "v1.Time"],
  ["count", ""],
  ["type", ""],
  ["eventTime", "v1.MicroTime"],
  ["action", ""],
  ["related", "core.ObjectReference"],
  ["reportingComponent", ""],
  ["reportingInstance", ""],
];

/** ValidateEventUpdate's events.k8s.io/v1 part: a changed series is checked, the rest is immutable. */
export function validateEventsV1Update(next: KubeObject, prev: KubeObject): FieldError[] {
  const errs = semanticEqual(next.series, prev.series) ? [] : validateSeries(next);
  for (const [key, goType] of IMMUTABLE_FIELDS) {
    // Upstream names the Go fields; for these two the JSON names differ.
    const path = key === "reportingComponent" ? "reportingController" : key;
    const zero = key === "count" ? "0" : '""';
    const render =
      goType === ""
        ? (v: unknown) => (v === undefined ? zero : formatBadValue(v))
        : (v: unknown) => goStructApproximation(goType, v);
    errs.push(...immutable(path, orUnset(next[key]), orUnset(prev[key]), render));
  }
  return errs;
}
