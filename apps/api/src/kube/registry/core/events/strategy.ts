/**
 * The Event strategy (pkg/apis/core/validation/events.go, release-1.32). Events are stored as core/v1
 * and also served as events.k8s.io/v1, so both shapes reach this strategy: core/v1 writes get the
 * lenient legacy rules, events.k8s.io/v1 writes the strict ones under their own field names.
 */

import type { KubeObject } from "../../../object/types.ts";
import { dns1123SubdomainErrors, labelKeyErrors } from "../../../selectors/index.ts";
import { type FieldError, invalidField, requiredField } from "../../../validation/field-errors.ts";
import type { Strategy } from "../../types.ts";
import { asNumber, asObject, asString } from "../json.ts";

function lengthLimit(value: string, limit: number, path: string): FieldError[] {
  return value.length > limit ? [invalidField(path, "", `can have at most ${limit} characters`)] : [];
}

/** legacyValidateEvent: what every core/v1 Event must satisfy. */
function validateLegacyEvent(event: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = event.metadata.namespace ?? "";
  const involved = asObject(event.involvedObject) ?? {};
  const involvedNamespace = asString(involved.namespace);
  if (!asString(event.eventTime)) {
    const mismatch = involvedNamespace
      ? namespace !== involvedNamespace
      : namespace !== "" && namespace !== "default";
    if (mismatch)
      errs.push(
        invalidField("involvedObject.namespace", involvedNamespace, "does not match event.namespace"),
      );
  } else {
    if (!involvedNamespace && namespace !== "default" && namespace !== "kube-system") {
      errs.push(
        invalidField("involvedObject.namespace", involvedNamespace, "does not match event.namespace"),
      );
    }
    const controller = asString(event.reportingComponent);
    if (!controller) errs.push(requiredField("reportingController"));
    for (const msg of labelKeyErrors(controller))
      errs.push(invalidField("reportingController", controller, msg));
    const instance = asString(event.reportingInstance);
    if (!instance) errs.push(requiredField("reportingInstance"));
    errs.push(...lengthLimit(instance, 128, "reportingInstance"));
    const action = asString(event.action);
    if (!action) errs.push(requiredField("action"));
    errs.push(...lengthLimit(action, 128, "action"));
    const reason = asString(event.reason);
    if (!reason) errs.push(requiredField("reason"));
    errs.push(...lengthLimit(reason, 128, "reason"));
    errs.push(...lengthLimit(asString(event.message), 1024, "message"));
  }
  for (const msg of dns1123SubdomainErrors(namespace)) errs.push(invalidField("namespace", namespace, msg));
  return errs;
}

/** ValidateEventCreate for events.k8s.io/v1: the newer API's required fields. */
function validateNewEvent(event: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!asString(event.eventTime)) errs.push(requiredField("eventTime"));
  const type = asString(event.type);
  if (type !== "Normal" && type !== "Warning")
    errs.push(invalidField("type", "", `has invalid value: ${type}`));
  const controller = asString(event.reportingController);
  if (!controller) errs.push(requiredField("reportingController"));
  for (const msg of labelKeyErrors(controller))
    errs.push(invalidField("reportingController", controller, msg));
  const instance = asString(event.reportingInstance);
  if (!instance) errs.push(requiredField("reportingInstance"));
  errs.push(...lengthLimit(instance, 128, "reportingInstance"));
  if (!asString(event.action)) errs.push(requiredField("action"));
  if (!asString(event.reason)) errs.push(requiredField("reason"));
  errs.push(...lengthLimit(asString(event.note), 1024, "note"));
  const series = asObject(event.series);
  if (series) {
    if ((asNumber(series.count) ?? 0) < 2)
      errs.push(invalidField("series.count", "", "should be at least 2"));
    if (!asString(series.lastObservedTime)) errs.push(requiredField("series.lastObservedTime"));
  }
  return errs;
}

function validateEvent(event: KubeObject): FieldError[] {
  return event.apiVersion === "events.k8s.io/v1" ? validateNewEvent(event) : validateLegacyEvent(event);
}

export const eventStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: false,
  // core/v1 Events skip ObjectMeta validation; only the generic path-segment rule applies.
  nameValidation: "path-segment",
  validate: validateEvent,
  validateUpdate: validateEvent,
};
