import type { FieldError } from "../../../validation/field-errors.ts";
import { forbiddenField, invalidField, requiredField } from "../../../validation/field-errors.ts";
import { goQuote } from "../../../validation/go-format.ts";
import { immutable, nonNegative, notSupportedRendered } from "../../support/field-rules.ts";
import { goLabelSelector } from "../../support/go-values.ts";
import { type JsonObject, objectAt } from "../../support/json.ts";
import { validateReplicaSetTemplate, validateWorkloadSelector } from "../../support/workload-template.ts";
import { validateRollingUpdateDeployment } from "../rolling-update.ts";

/** ValidateDeploymentStrategy: Recreate takes no rollingUpdate, RollingUpdate needs a valid one. */
function validateStrategy(strategy: JsonObject | undefined, path: string): FieldError[] {
  const type = strategy?.type ?? "";
  const rollingUpdate = objectAt(strategy, "rollingUpdate");
  switch (type) {
    case "Recreate":
      return rollingUpdate === undefined
        ? []
        : [
            forbiddenField(
              `${path}.rollingUpdate`,
              "may not be specified when strategy `type` is 'Recreate'",
            ),
          ];
    case "RollingUpdate":
      return rollingUpdate === undefined
        ? [requiredField(`${path}.rollingUpdate`, "this should be defaulted and never be nil")]
        : validateRollingUpdateDeployment(rollingUpdate, `${path}.rollingUpdate`);
    default: {
      const pointer = rollingUpdate === undefined ? "(nil)" : "(0xc000000000)";
      const rendered = `apps.DeploymentStrategy{Type:${goQuote(String(type))}, RollingUpdate:(*apps.RollingUpdateDeployment)${pointer}}`;
      return [notSupportedRendered(path, rendered, ["Recreate", "RollingUpdate"])];
    }
  }
}

/** ValidateDeploymentSpec (pkg/apis/apps/validation/validation.go, release-1.32). */
export function validateDeploymentSpec(spec: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [...nonNegative(`${path}.replicas`, spec.replicas)];
  const selector = validateWorkloadSelector(
    spec,
    path,
    "empty selector is invalid for deployment",
    "invalid label selector",
    errs,
  );
  if (selector !== undefined) {
    errs.push(
      ...validateReplicaSetTemplate(objectAt(spec, "template"), selector, `${path}.template`, "ReplicaSet"),
    );
  }
  errs.push(...validateStrategy(objectAt(spec, "strategy"), `${path}.strategy`));
  errs.push(...nonNegative(`${path}.minReadySeconds`, spec.minReadySeconds));
  errs.push(...nonNegative(`${path}.revisionHistoryLimit`, spec.revisionHistoryLimit));
  const deadline = spec.progressDeadlineSeconds;
  if (typeof deadline === "number") {
    errs.push(...nonNegative(`${path}.progressDeadlineSeconds`, deadline));
    const minReady = typeof spec.minReadySeconds === "number" ? spec.minReadySeconds : 0;
    if (deadline <= minReady) {
      errs.push(
        invalidField(`${path}.progressDeadlineSeconds`, deadline, "must be greater than minReadySeconds"),
      );
    }
  }
  return errs;
}

/** ValidateDeployment, without the metadata the generic handler validates. */
export function validateDeployment(obj: JsonObject): FieldError[] {
  return validateDeploymentSpec(objectAt(obj, "spec") ?? {}, "spec");
}

/**
 * ValidateDeploymentUpdate plus the strategy's apps/v1 rule: the selector may not change
 * (pkg/registry/apps/deployment/strategy.go).
 */
export function validateDeploymentUpdate(next: JsonObject, prev: JsonObject): FieldError[] {
  const errs = validateDeployment(next);
  const nextSelector = objectAt(objectAt(next, "spec"), "selector");
  const prevSelector = objectAt(objectAt(prev, "spec"), "selector");
  errs.push(
    ...immutable("spec.selector", nextSelector, prevSelector, (v) =>
      goLabelSelector(v as JsonObject | undefined),
    ),
  );
  return errs;
}
