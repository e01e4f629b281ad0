import type { FieldError } from "../../../validation/field-errors.ts";
import {
  forbiddenField,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { goQuote } from "../../../validation/go-format.ts";
import {
  intOrPercentValue,
  invalidRendered,
  nonNegative,
  notMoreThan100Percent,
  positiveIntOrPercent,
  validateAnnotationMap,
  validateLabelMap,
} from "../../support/field-rules.ts";
import { goIntOrString } from "../../support/go-values.ts";
import { type JsonObject, objectAt, semanticEqual, stringMapAt } from "../../support/json.ts";
import {
  restartAlwaysErrors,
  selectorMismatch,
  templateMatches,
  validateWorkloadSelector,
} from "../../support/workload-template.ts";

function validateRollingUpdate(ru: JsonObject, path: string): FieldError[] {
  const errs = nonNegative(`${path}.partition`, ru.partition);
  const maxUnavailable = ru.maxUnavailable;
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    errs.push(...positiveIntOrPercent(`${path}.maxUnavailable`, maxUnavailable));
    if (intOrPercentValue(maxUnavailable) === 0) {
      errs.push(invalidRendered(`${path}.maxUnavailable`, goIntOrString(maxUnavailable), "cannot be 0"));
    }
    errs.push(...notMoreThan100Percent(`${path}.maxUnavailable`, maxUnavailable));
  }
  return errs;
}

function validateUpdateStrategy(strategy: JsonObject | undefined, path: string): FieldError[] {
  const rollingUpdate = objectAt(strategy, "rollingUpdate");
  switch (strategy?.type ?? "") {
    case "":
      return [requiredField(path)];
    case "OnDelete":
      return rollingUpdate === undefined
        ? []
        : [
            invalidRendered(
              `${path}.rollingUpdate`,
              `apps.RollingUpdateStatefulSetStrategy{Partition:${typeof rollingUpdate.partition === "number" ? rollingUpdate.partition : 0}, MaxUnavailable:(*intstr.IntOrString)(nil)}`,
              "only allowed for updateStrategy 'RollingUpdate'",
            ),
          ];
    case "RollingUpdate":
      return rollingUpdate === undefined ? [] : validateRollingUpdate(rollingUpdate, `${path}.rollingUpdate`);
    default:
      return [
        invalidRendered(
          path,
          `apps.StatefulSetUpdateStrategy{Type:${goQuote(String(strategy?.type))}, RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)${rollingUpdate === undefined ? "(nil)" : "(0xc000000000)"}}`,
          "must be 'RollingUpdate' or 'OnDelete'",
        ),
      ];
  }
}

function validateRetentionPolicy(policy: JsonObject | undefined, path: string): FieldError[] {
  if (policy === undefined) return [];
  const errs: FieldError[] = [];
  for (const key of ["whenDeleted", "whenScaled"]) {
    const v = policy[key] ?? "";
    if (v !== "Retain" && v !== "Delete")
      errs.push(notSupportedField(`${path}.${key}`, v, ["Retain", "Delete"]));
  }
  return errs;
}

/**
 * ValidateStatefulSetSpec (pkg/apis/apps/validation/validation.go, release-1.32). Upstream still checks
 * only the template's labels and annotations here, not its pod spec.
 */
export function validateStatefulSetSpec(spec: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const policy = spec.podManagementPolicy ?? "";
  if (policy === "") errs.push(requiredField(`${path}.podManagementPolicy`));
  else if (policy !== "OrderedReady" && policy !== "Parallel") {
    errs.push(invalidField(`${path}.podManagementPolicy`, policy, "must be 'OrderedReady' or 'Parallel'"));
  }
  errs.push(...validateUpdateStrategy(objectAt(spec, "updateStrategy"), `${path}.updateStrategy`));
  errs.push(
    ...validateRetentionPolicy(
      objectAt(spec, "persistentVolumeClaimRetentionPolicy"),
      `${path}.persistentVolumeClaimRetentionPolicy`,
    ),
  );
  errs.push(...nonNegative(`${path}.replicas`, spec.replicas));
  errs.push(...nonNegative(`${path}.minReadySeconds`, spec.minReadySeconds));
  errs.push(...nonNegative(`${path}.ordinals.start`, objectAt(spec, "ordinals")?.start));
  const selector = validateWorkloadSelector(
    spec,
    path,
    "empty selector is invalid for statefulset",
    "",
    errs,
  );
  const template = objectAt(spec, "template");
  const templatePath = `${path}.template`;
  if (selector !== undefined) {
    const everything = selector.requirements.length === 0 && !selector.nothing;
    if (!everything && !templateMatches(selector, template))
      errs.push(selectorMismatch(templatePath, template));
    // Upstream's paths here skip `metadata`: spec.template.labels, spec.template.annotations.
    const meta = objectAt(template, "metadata");
    errs.push(...validateLabelMap(stringMapAt(meta, "labels"), `${templatePath}.labels`));
    errs.push(...validateAnnotationMap(stringMapAt(meta, "annotations"), `${templatePath}.annotations`));
  }
  errs.push(...restartAlwaysErrors(template, `${templatePath}.spec`, "StatefulSet"));
  return errs;
}

/** ValidateStatefulSet, without the metadata the generic handler validates (names are DNS labels). */
export function validateStatefulSet(obj: JsonObject): FieldError[] {
  return validateStatefulSetSpec(objectAt(obj, "spec") ?? {}, "spec");
}

const MUTABLE_SPEC_FIELDS = [
  "replicas",
  "ordinals",
  "template",
  "updateStrategy",
  "persistentVolumeClaimRetentionPolicy",
  "minReadySeconds",
];

/** ValidateStatefulSetUpdate: only replicas, ordinals, template, strategies and minReadySeconds may change. */
export function validateStatefulSetUpdate(next: JsonObject, prev: JsonObject): FieldError[] {
  const errs = validateStatefulSet(next);
  const nextSpec = { ...(objectAt(next, "spec") ?? {}) };
  const prevSpec = { ...(objectAt(prev, "spec") ?? {}) };
  for (const key of MUTABLE_SPEC_FIELDS) {
    delete nextSpec[key];
    delete prevSpec[key];
  }
  if (!semanticEqual(nextSpec, prevSpec)) {
    errs.push(
      forbiddenField(
        "spec",
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}
