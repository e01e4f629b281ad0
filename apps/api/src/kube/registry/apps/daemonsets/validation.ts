import type { LabelSelectorObject } from "../../../selectors/index.ts";
import { validateLabelSelector } from "../../../selectors/index.ts";
import type { FieldError } from "../../../validation/field-errors.ts";
import { requiredField } from "../../../validation/field-errors.ts";
import { goQuote } from "../../../validation/go-format.ts";
import { validatePodTemplateSpec } from "../../core/pods/pod-spec.ts";
import { immutable, invalidRendered, nonNegative, notSupportedRendered } from "../../support/field-rules.ts";
import { goLabelSelector } from "../../support/go-values.ts";
import { type JsonObject, objectAt } from "../../support/json.ts";
import {
  restartAlwaysErrors,
  selectorMismatch,
  selectorOrUndefined,
  templateMatches,
} from "../../support/workload-template.ts";
import { validateRollingUpdateDaemonSet } from "../rolling-update.ts";

function validateUpdateStrategy(strategy: JsonObject | undefined, path: string): FieldError[] {
  const rollingUpdate = objectAt(strategy, "rollingUpdate");
  switch (strategy?.type ?? "") {
    case "OnDelete":
      return [];
    case "RollingUpdate":
      return rollingUpdate === undefined
        ? [requiredField(`${path}.rollingUpdate`)]
        : validateRollingUpdateDaemonSet(rollingUpdate, `${path}.rollingUpdate`);
    default: {
      const pointer = rollingUpdate === undefined ? "(nil)" : "(0xc000000000)";
      const rendered = `apps.DaemonSetUpdateStrategy{Type:${goQuote(String(strategy?.type ?? ""))}, RollingUpdate:(*apps.RollingUpdateDaemonSet)${pointer}}`;
      return [notSupportedRendered(path, rendered, ["RollingUpdate", "OnDelete"])];
    }
  }
}

/**
 * ValidateDaemonSetSpec (release-1.32). A missing selector is not "Required" here: it converts to
 * Nothing, which fails the template match instead.
 */
export function validateDaemonSetSpec(spec: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const sel = objectAt(spec, "selector");
  if (sel !== undefined) errs.push(...validateLabelSelector(sel as LabelSelectorObject, `${path}.selector`));
  const template = objectAt(spec, "template");
  const selector = selectorOrUndefined(sel);
  if (selector !== undefined && !templateMatches(selector, template)) {
    errs.push(selectorMismatch(`${path}.template`, template));
  }
  if (sel !== undefined) {
    const expressions = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [];
    if (Object.keys(objectAt(sel, "matchLabels") ?? {}).length + expressions.length === 0) {
      errs.push(
        invalidRendered(`${path}.selector`, goLabelSelector(sel), "empty selector is invalid for daemonset"),
      );
    }
  }
  errs.push(...validatePodTemplateSpec(template ?? {}, `${path}.template`));
  errs.push(...restartAlwaysErrors(template, `${path}.template.spec`, "DaemonSet"));
  errs.push(...nonNegative(`${path}.minReadySeconds`, spec.minReadySeconds));
  errs.push(...validateUpdateStrategy(objectAt(spec, "updateStrategy"), `${path}.updateStrategy`));
  errs.push(...nonNegative(`${path}.revisionHistoryLimit`, spec.revisionHistoryLimit));
  return errs;
}

export function validateDaemonSet(obj: JsonObject): FieldError[] {
  return validateDaemonSetSpec(objectAt(obj, "spec") ?? {}, "spec");
}

/** ValidateDaemonSetUpdate plus the apps/v1 rule that the selector is immutable. */
export function validateDaemonSetUpdate(next: JsonObject, prev: JsonObject): FieldError[] {
  return [
    ...validateDaemonSet(next),
    ...immutable(
      "spec.selector",
      objectAt(objectAt(next, "spec"), "selector"),
      objectAt(objectAt(prev, "spec"), "selector"),
      (v) => goLabelSelector(v as JsonObject | undefined),
    ),
  ];
}
