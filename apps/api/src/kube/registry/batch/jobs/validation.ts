import type { KubeObject } from "../../../object/types.ts";
import { matchesLabels } from "../../../selectors/index.ts";
import type { FieldError } from "../../../validation/field-errors.ts";
import { requiredField } from "../../../validation/field-errors.ts";
import { goQuote } from "../../../validation/go-format.ts";
import { dns1123LabelErrors, immutable, invalidRendered } from "../../support/field-rules.ts";
import { goLabelSelector, goStringMap, goStructApproximation } from "../../support/go-values.ts";
import { type JsonObject, objectAt, stringMapAt } from "../../support/json.ts";
import { selectorOrUndefined } from "../../support/workload-template.ts";
import {
  CONTROLLER_UID_LABEL,
  JOB_NAME_LABEL,
  LEGACY_CONTROLLER_UID_LABEL,
  LEGACY_JOB_NAME_LABEL,
} from "./selector.ts";
import { validateJobSpec } from "./spec-validation.ts";

/** apivalidation.ValidateHasLabel under spec.template.metadata. */
function hasLabel(labels: Record<string, string> | undefined, key: string, expected: string): FieldError[] {
  const path = `spec.template.metadata.labels[${key}]`;
  const actual = labels?.[key];
  if (actual === undefined) return [requiredField(path, expected)];
  return actual === expected
    ? []
    : [invalidRendered(path, goStringMap(labels ?? null), `must be '${expected}'`)];
}

/**
 * validateGeneratedSelector: a generated selector must match the uid and name labels the server put on
 * the template. `prefixedLabels` is false only for Jobs created before the batch.kubernetes.io labels.
 */
function validateGeneratedSelector(job: KubeObject, prefixedLabels: boolean): FieldError[] {
  const spec = objectAt(job, "spec") ?? {};
  const sel = objectAt(spec, "selector");
  if (spec.manualSelector === true || sel === undefined) return [];
  const errs: FieldError[] = [];
  const uid = job.metadata.uid ?? "";
  const name = job.metadata.name ?? "";
  if (uid === "") errs.push(requiredField("metadata.uid"));
  const labels = stringMapAt(objectAt(objectAt(spec, "template"), "metadata"), "labels");
  errs.push(...hasLabel(labels, LEGACY_CONTROLLER_UID_LABEL, uid));
  errs.push(...hasLabel(labels, LEGACY_JOB_NAME_LABEL, name));
  const expected: Record<string, string> = {};
  if (prefixedLabels) {
    errs.push(...hasLabel(labels, CONTROLLER_UID_LABEL, uid));
    errs.push(...hasLabel(labels, JOB_NAME_LABEL, name));
    expected[CONTROLLER_UID_LABEL] = uid;
    expected[JOB_NAME_LABEL] = name;
  }
  expected[LEGACY_CONTROLLER_UID_LABEL] = uid;
  expected[LEGACY_JOB_NAME_LABEL] = name;
  const selector = selectorOrUndefined(sel);
  if (selector !== undefined && !matchesLabels(selector, expected)) {
    errs.push(invalidRendered("spec.selector", goLabelSelector(sel), "`selector` not auto-generated"));
  }
  return errs;
}

function validateJobWith(job: KubeObject, prefixedLabels: boolean): FieldError[] {
  const spec = objectAt(job, "spec") ?? {};
  const errs = [...validateGeneratedSelector(job, prefixedLabels), ...validateJobSpec(spec, "spec")];
  const { completions } = spec;
  if (spec.completionMode === "Indexed" && typeof completions === "number" && completions > 0) {
    const name = job.metadata.name ?? "";
    // The controller names pod hostnames <job>-<index>.
    const hostname = `${name}-${completions - 1}`;
    if (dns1123LabelErrors(hostname).length > 0) {
      errs.push(
        invalidRendered(
          "metadata.name",
          goQuote(name),
          `will not able to create pod with invalid DNS label: ${hostname}`,
        ),
      );
    }
  }
  return errs;
}

/** ValidateJob (pkg/apis/batch/validation/validation.go, release-1.32) without generic metadata checks. */
export function validateJob(job: KubeObject): FieldError[] {
  return validateJobWith(job, true);
}

/**
 * validatePodTemplateUpdate's allowance: a suspended Job that never started may change its scheduling
 * directives, so the old template is compared after taking the new one's node affinity, node
 * selector, tolerations, scheduling gates, labels and annotations.
 */
function withSchedulingDirectivesOf(old: JsonObject | undefined, next: JsonObject | undefined): unknown {
  if (old === undefined) return old;
  const aligned = structuredClone(old);
  const spec = objectAt(aligned, "spec") ?? {};
  aligned.spec = spec;
  const nextSpec = objectAt(next, "spec") ?? {};
  const oldAffinity = objectAt(spec, "affinity");
  const nextAffinity = objectAt(nextSpec, "affinity");
  if (nextAffinity === undefined && oldAffinity !== undefined) {
    delete oldAffinity.nodeAffinity;
    if (Object.keys(oldAffinity).length === 0) delete spec.affinity;
  } else if (nextAffinity !== undefined && oldAffinity === undefined) {
    spec.affinity = { nodeAffinity: nextAffinity.nodeAffinity };
  } else if (nextAffinity !== undefined && oldAffinity !== undefined) {
    oldAffinity.nodeAffinity = nextAffinity.nodeAffinity;
  }
  spec.nodeSelector = nextSpec.nodeSelector;
  spec.tolerations = nextSpec.tolerations;
  spec.schedulingGates = nextSpec.schedulingGates;
  const meta = objectAt(aligned, "metadata") ?? {};
  aligned.metadata = meta;
  const nextMeta = objectAt(next, "metadata");
  meta.labels = nextMeta?.labels;
  meta.annotations = nextMeta?.annotations;
  return aligned;
}

/** ValidateJob on the new object plus ValidateJobSpecUpdate's immutability rules. */
export function validateJobUpdate(next: KubeObject, prev: KubeObject): FieldError[] {
  const prevSpec = objectAt(prev, "spec") ?? {};
  const nextSpec = objectAt(next, "spec") ?? {};
  const prevLabels = stringMapAt(objectAt(objectAt(prevSpec, "template"), "metadata"), "labels") ?? {};
  const prefixed = JOB_NAME_LABEL in prevLabels && CONTROLLER_UID_LABEL in prevLabels;
  const errs = validateJobWith(next, prefixed);
  if (nextSpec.completionMode === "Indexed") {
    const completions = nextSpec.completions;
    if (
      typeof completions === "number" &&
      completions !== prevSpec.completions &&
      completions !== nextSpec.parallelism
    ) {
      errs.push(
        invalidRendered(
          "spec.completions",
          String(completions),
          "can only be modified in tandem with spec.parallelism",
        ),
      );
    }
  } else {
    errs.push(...immutable("spec.completions", nextSpec.completions, prevSpec.completions));
  }
  errs.push(
    ...immutable("spec.selector", objectAt(nextSpec, "selector"), objectAt(prevSpec, "selector"), (v) =>
      goLabelSelector(v as JsonObject | undefined),
    ),
  );
  const schedulingMutable = prevSpec.suspend === true && objectAt(prev, "status")?.startTime === undefined;
  const template = objectAt(nextSpec, "template");
  const prevTemplate = objectAt(prevSpec, "template");
  errs.push(
    ...immutable(
      "spec.template",
      template,
      schedulingMutable ? withSchedulingDirectivesOf(prevTemplate, template) : prevTemplate,
      () => goStructApproximation("core.PodTemplateSpec", template),
    ),
  );
  errs.push(...immutable("spec.completionMode", nextSpec.completionMode, prevSpec.completionMode));
  errs.push(
    ...immutable("spec.podFailurePolicy", nextSpec.podFailurePolicy, prevSpec.podFailurePolicy, (v) =>
      v === undefined || v === null ? "null" : goStructApproximation("batch.PodFailurePolicy", v),
    ),
  );
  errs.push(
    ...immutable("spec.backoffLimitPerIndex", nextSpec.backoffLimitPerIndex, prevSpec.backoffLimitPerIndex),
  );
  errs.push(...immutable("spec.managedBy", nextSpec.managedBy, prevSpec.managedBy));
  errs.push(
    ...immutable("spec.successPolicy", nextSpec.successPolicy, prevSpec.successPolicy, (v) =>
      v === undefined || v === null ? "null" : goStructApproximation("batch.SuccessPolicy", v),
    ),
  );
  return errs;
}
