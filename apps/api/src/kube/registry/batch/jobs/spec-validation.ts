import type { LabelSelectorObject } from "../../../selectors/index.ts";
import { validateLabelSelector } from "../../../selectors/index.ts";
import type { FieldError } from "../../../validation/field-errors.ts";
import {
  invalidField,
  notSupportedField,
  requiredField,
  tooLongField,
} from "../../../validation/field-errors.ts";
import { validatePodTemplateSpec } from "../../core/pods/pod-spec.ts";
import { domainPrefixedPathErrors, invalidRendered, nonNegative } from "../../support/field-rules.ts";
import { goStructApproximation } from "../../support/go-values.ts";
import { type JsonObject, objectAt } from "../../support/json.ts";
import { selectorMismatch, selectorOrUndefined, templateMatches } from "../../support/workload-template.ts";
import { validatePodFailurePolicy } from "./pod-failure-policy.ts";
import { validateSuccessPolicy } from "./success-policy.ts";

const MAX_PARALLELISM_INDEXED = 100_000;
const MAX_FAILED_INDEXES = 100_000;
const COMPLETIONS_SOFT_LIMIT = 100_000;
const PARALLELISM_LIMIT_HIGH_COMPLETIONS = 10_000;
const MAX_FAILED_INDEXES_HIGH_COMPLETIONS = 10_000;

const isNumber = (v: unknown): v is number => typeof v === "number";
const isUnset = (v: unknown) => v === undefined || v === null;

function validateIndexedLimits(spec: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const { completions, parallelism, maxFailedIndexes } = spec;
  if (!isNumber(completions))
    errs.push(requiredField(`${path}.completions`, "when completion mode is Indexed"));
  if (isNumber(parallelism) && parallelism > MAX_PARALLELISM_INDEXED) {
    errs.push(
      invalidField(
        `${path}.parallelism`,
        parallelism,
        `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`,
      ),
    );
  }
  if (isNumber(completions) && isNumber(maxFailedIndexes) && maxFailedIndexes > completions) {
    errs.push(
      invalidField(`${path}.maxFailedIndexes`, maxFailedIndexes, "must be less than or equal to completions"),
    );
  }
  if (isNumber(maxFailedIndexes) && maxFailedIndexes > MAX_FAILED_INDEXES) {
    errs.push(
      invalidField(
        `${path}.maxFailedIndexes`,
        maxFailedIndexes,
        `must be less than or equal to ${MAX_FAILED_INDEXES}`,
      ),
    );
  }
  if (isNumber(completions) && completions > COMPLETIONS_SOFT_LIMIT && !isUnset(spec.backoffLimitPerIndex)) {
    const suffix = `when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`;
    if (isUnset(maxFailedIndexes)) {
      errs.push(
        requiredField(
          `${path}.maxFailedIndexes`,
          `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}`,
        ),
      );
    }
    if (isNumber(parallelism) && parallelism > PARALLELISM_LIMIT_HIGH_COMPLETIONS) {
      errs.push(
        invalidField(
          `${path}.parallelism`,
          parallelism,
          `must be less than or equal to ${PARALLELISM_LIMIT_HIGH_COMPLETIONS} ${suffix}`,
        ),
      );
    }
    if (isNumber(maxFailedIndexes) && maxFailedIndexes > MAX_FAILED_INDEXES_HIGH_COMPLETIONS) {
      errs.push(
        invalidField(
          `${path}.maxFailedIndexes`,
          maxFailedIndexes,
          `must be less than or equal to ${MAX_FAILED_INDEXES_HIGH_COMPLETIONS} ${suffix}`,
        ),
      );
    }
  }
  return errs;
}

function validateRestartPolicy(spec: JsonObject, path: string): FieldError[] {
  const restartPolicy = objectAt(objectAt(spec, "template"), "spec")?.restartPolicy ?? "";
  const at = `${path}.template.spec.restartPolicy`;
  if (restartPolicy === "Always" || restartPolicy === "") {
    return [requiredField(at, 'valid values: "OnFailure", "Never"')];
  }
  if (restartPolicy !== "OnFailure" && restartPolicy !== "Never") {
    return [notSupportedField(at, restartPolicy, ["OnFailure", "Never"])];
  }
  if (!isUnset(spec.podFailurePolicy) && restartPolicy !== "Never") {
    return [invalidField(at, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified')];
  }
  return [];
}

/** validateJobSpec (release-1.32): everything but the selector, shared with CronJob job templates. */
export function validateJobSpecFields(spec: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of [
    "parallelism",
    "completions",
    "activeDeadlineSeconds",
    "backoffLimit",
    "ttlSecondsAfterFinished",
    "backoffLimitPerIndex",
  ]) {
    errs.push(...nonNegative(`${path}.${key}`, spec[key]));
  }
  if (!isUnset(spec.maxFailedIndexes)) {
    errs.push(...nonNegative(`${path}.maxFailedIndexes`, spec.maxFailedIndexes));
    if (isUnset(spec.backoffLimitPerIndex)) {
      errs.push(requiredField(`${path}.backoffLimitPerIndex`, "when maxFailedIndexes is specified"));
    }
  }
  if (typeof spec.managedBy === "string") {
    errs.push(...domainPrefixedPathErrors(`${path}.managedBy`, spec.managedBy));
    if (spec.managedBy.length > 63) errs.push(tooLongField(`${path}.managedBy`, 63));
  }
  const mode = spec.completionMode;
  if (!isUnset(mode)) {
    if (mode !== "NonIndexed" && mode !== "Indexed") {
      errs.push(notSupportedField(`${path}.completionMode`, mode, ["NonIndexed", "Indexed"]));
    }
    if (mode === "Indexed") errs.push(...validateIndexedLimits(spec, path));
  }
  if (isUnset(mode) || mode === "NonIndexed") {
    if (isNumber(spec.backoffLimitPerIndex)) {
      errs.push(
        invalidField(
          `${path}.backoffLimitPerIndex`,
          spec.backoffLimitPerIndex,
          "requires indexed completion mode",
        ),
      );
    }
    if (isNumber(spec.maxFailedIndexes)) {
      errs.push(
        invalidField(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, "requires indexed completion mode"),
      );
    }
  }
  if (!isUnset(spec.podFailurePolicy))
    errs.push(...validatePodFailurePolicy(spec, `${path}.podFailurePolicy`));
  if (!isUnset(spec.successPolicy)) {
    if (mode !== "Indexed") {
      errs.push(
        invalidRendered(
          `${path}.successPolicy`,
          goStructApproximation("batch.SuccessPolicy", spec.successPolicy),
          "requires indexed completion mode",
        ),
      );
    } else {
      errs.push(...validateSuccessPolicy(spec, `${path}.successPolicy`));
    }
  }
  const replacement = spec.podReplacementPolicy;
  if (!isUnset(replacement)) {
    if (!isUnset(spec.podFailurePolicy)) {
      if (replacement !== "Failed")
        errs.push(notSupportedField(`${path}.podReplacementPolicy`, replacement, ["Failed"]));
    } else if (replacement !== "Failed" && replacement !== "TerminatingOrFailed") {
      errs.push(
        notSupportedField(`${path}.podReplacementPolicy`, replacement, ["Failed", "TerminatingOrFailed"]),
      );
    }
  }
  errs.push(...validatePodTemplateSpec(objectAt(spec, "template") ?? {}, `${path}.template`));
  errs.push(...validateRestartPolicy(spec, path));
  return errs;
}

/** ValidateJobSpec: the fields above, a required valid selector that selects the template. */
export function validateJobSpec(spec: JsonObject, path: string): FieldError[] {
  const errs = validateJobSpecFields(spec, path);
  const sel = objectAt(spec, "selector");
  if (sel === undefined) errs.push(requiredField(`${path}.selector`));
  else errs.push(...validateLabelSelector(sel as LabelSelectorObject, `${path}.selector`));
  const selector = selectorOrUndefined(sel);
  const template = objectAt(spec, "template");
  if (selector !== undefined && !templateMatches(selector, template)) {
    errs.push(selectorMismatch(`${path}.template`, template));
  }
  return errs;
}
