import type { LabelSelector, LabelSelectorObject } from "../../selectors/index.ts";
import { matchesLabels, selectorFromLabelSelector, validateLabelSelector } from "../../selectors/index.ts";
import {
  type FieldError,
  forbiddenField,
  notSupportedField,
  requiredField,
} from "../../validation/field-errors.ts";
import { validatePodTemplateSpec } from "../core/pods/pod-spec.ts";
import { invalidRendered } from "./field-rules.ts";
import { goLabelSelector, goStringMap } from "./go-values.ts";
import { type JsonObject, objectAt, stringMapAt } from "./json.ts";

/*
 * The checks every workload makes of its selector and pod template (pkg/apis/apps/validation and
 * pkg/apis/batch/validation at release-1.32). Pod spec validation itself is the core Pod strategy's.
 */

const SELECTOR_MISMATCH = "`selector` does not match template `labels`";

/**
 * metav1.LabelSelectorAsSelector: undefined when the selector cannot be converted (an invalid
 * operator, key or value), Nothing for an absent selector.
 */
export function selectorOrUndefined(sel: JsonObject | undefined): LabelSelector | undefined {
  try {
    return selectorFromLabelSelector(sel as LabelSelectorObject | undefined);
  } catch {
    return undefined;
  }
}

/** The template's labels mismatch error, with the labels printed as Go's %#v of the map. */
export function selectorMismatch(templatePath: string, template: JsonObject | undefined): FieldError {
  const labels = objectAt(objectAt(template, "metadata"), "labels");
  return invalidRendered(`${templatePath}.metadata.labels`, goStringMap(labels ?? null), SELECTOR_MISMATCH);
}

/** Whether a workload's selector (already converted) selects its template's labels. */
export function templateMatches(selector: LabelSelector, template: JsonObject | undefined): boolean {
  return matchesLabels(selector, stringMapAt(objectAt(template, "metadata"), "labels") ?? {});
}

/**
 * The selector part of ValidateDeploymentSpec / ValidateReplicaSetSpec / ValidateStatefulSetSpec:
 * required, valid, not empty (`empty selector is invalid for <kind>`). Returns the converted
 * selector, or undefined when conversion failed (after adding upstream's error for that).
 */
export function validateWorkloadSelector(
  spec: JsonObject,
  specPath: string,
  emptyMessage: string,
  conversionMessage: string,
  errs: FieldError[],
): LabelSelector | undefined {
  const sel = objectAt(spec, "selector");
  const path = `${specPath}.selector`;
  if (sel === undefined) {
    errs.push(requiredField(path));
  } else {
    errs.push(...validateLabelSelector(sel as LabelSelectorObject, path));
    const labels = objectAt(sel, "matchLabels");
    const expressions = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [];
    if (Object.keys(labels ?? {}).length + expressions.length === 0) {
      errs.push(invalidRendered(path, goLabelSelector(sel), emptyMessage));
    }
  }
  const selector = selectorOrUndefined(sel);
  if (selector === undefined) errs.push(invalidRendered(path, goLabelSelector(sel), conversionMessage));
  return selector;
}

/**
 * ValidatePodTemplateSpecForReplicaSet (Deployments and ReplicaSets): the selector must select the
 * template, the pod template must be valid, pods restart Always and have no activeDeadlineSeconds.
 */
export function validateReplicaSetTemplate(
  template: JsonObject | undefined,
  selector: LabelSelector,
  templatePath: string,
  kindForDeadline: string,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!(selector.requirements.length === 0 && !selector.nothing) && !templateMatches(selector, template)) {
    errs.push(selectorMismatch(templatePath, template));
  }
  errs.push(...validatePodTemplateSpec(template ?? {}, templatePath));
  errs.push(...restartAlwaysErrors(template, `${templatePath}.spec`, kindForDeadline));
  return errs;
}

/** Pods of long-running workloads restart Always and never set activeDeadlineSeconds. */
export function restartAlwaysErrors(
  template: JsonObject | undefined,
  podSpecPath: string,
  kind: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const podSpec = objectAt(template, "spec");
  const restartPolicy = podSpec?.restartPolicy ?? "";
  if (restartPolicy !== "Always") {
    errs.push(notSupportedField(`${podSpecPath}.restartPolicy`, restartPolicy, ["Always"]));
  }
  if (podSpec?.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(
      forbiddenField(
        `${podSpecPath}.activeDeadlineSeconds`,
        `activeDeadlineSeconds in ${kind} is not Supported`,
      ),
    );
  }
  return errs;
}
