import type { FieldError } from "../../../validation/field-errors.ts";
import { defaultPodTemplate } from "../../core/pods/pod-spec.ts";
import { immutable, nonNegative } from "../../support/field-rules.ts";
import { goLabelSelector } from "../../support/go-values.ts";
import { defaultValue, ensureObject, type JsonObject, objectAt } from "../../support/json.ts";
import { validateReplicaSetTemplate, validateWorkloadSelector } from "../../support/workload-template.ts";
import type { Strategy } from "../../types.ts";
import { carryStatusAndGeneration, resetForCreate, specChanged } from "../workload-lifecycle.ts";

/** SetObjectDefaults_ReplicaSet: one replica and the pod template's defaults. */
export function defaultReplicaSet(obj: JsonObject): void {
  const spec = ensureObject(obj, "spec");
  defaultValue(spec, "replicas", 1);
  defaultPodTemplate(ensureObject(spec, "template"));
}

/** ValidateReplicaSetSpec (release-1.32; its empty-selector message really says "deployment"). */
export function validateReplicaSet(obj: JsonObject): FieldError[] {
  const spec = objectAt(obj, "spec") ?? {};
  const errs: FieldError[] = [
    ...nonNegative("spec.replicas", spec.replicas),
    ...nonNegative("spec.minReadySeconds", spec.minReadySeconds),
  ];
  const selector = validateWorkloadSelector(
    spec,
    "spec",
    "empty selector is invalid for deployment",
    "invalid label selector",
    errs,
  );
  if (selector !== undefined) {
    errs.push(
      ...validateReplicaSetTemplate(objectAt(spec, "template"), selector, "spec.template", "ReplicaSet"),
    );
  }
  return errs;
}

/** ValidateReplicaSetUpdate plus the apps/v1 rule that the selector is immutable. */
export function validateReplicaSetUpdate(next: JsonObject, prev: JsonObject): FieldError[] {
  return [
    ...validateReplicaSet(next),
    ...immutable(
      "spec.selector",
      objectAt(objectAt(next, "spec"), "selector"),
      objectAt(objectAt(prev, "spec"), "selector"),
      (v) => goLabelSelector(v as JsonObject | undefined),
    ),
  ];
}

/** apps/v1 ReplicaSets (pkg/registry/apps/replicaset/strategy.go, release-1.32). */
export const replicaSetStrategy: Strategy = {
  hasStatusSubresource: true,
  tracksGeneration: true,
  applyDefaults: defaultReplicaSet,
  prepareForCreate(obj) {
    resetForCreate(obj, { replicas: 0 });
  },
  prepareForUpdate(next, prev) {
    defaultReplicaSet(next);
    carryStatusAndGeneration(next, prev, specChanged(next, prev));
  },
  validate: (obj) => validateReplicaSet(obj),
  validateUpdate: (next, prev) => validateReplicaSetUpdate(next, prev),
};
