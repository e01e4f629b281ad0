/** Affinity and topology spread constraints: the structural checks of release-1.32 validation. */

import type { LabelSelectorObject } from "../../../selectors/index.ts";
import { labelValueErrors, validateLabelSelector } from "../../../selectors/index.ts";
import {
  duplicateField,
  type FieldError,
  forbiddenField,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { asArray, asNumber, asObject, asString, type JsonObject, objectsOf } from "../json.ts";
import { validateLabelName } from "../labels.ts";

function validateNodeSelectorTerm(term: JsonObject, path: string, checkValues: boolean): FieldError[] {
  const errs: FieldError[] = [];
  for (const [req, j] of objectsOf(term.matchExpressions)) {
    const at = `${path}.matchExpressions[${j}]`;
    const values = asArray(req.values).map(asString);
    switch (req.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0)
          errs.push(requiredField(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0) {
          errs.push(
            forbiddenField(
              `${at}.values`,
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
          );
        }
        break;
      case "Gt":
      case "Lt":
        if (values.length !== 1) {
          errs.push(
            requiredField(`${at}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"),
          );
        }
        break;
      default:
        errs.push(invalidField(`${at}.operator`, asString(req.operator), "not a valid selector operator"));
    }
    errs.push(...validateLabelName(asString(req.key), `${at}.key`));
    if (checkValues) {
      values.forEach((v, k) => {
        for (const msg of labelValueErrors(v)) errs.push(invalidField(`${at}.values[${k}]`, v, msg));
      });
    }
  }
  return errs;
}

function validatePodAffinityTerm(term: JsonObject, path: string): FieldError[] {
  const errs = validateLabelSelector(
    asObject(term.labelSelector) as LabelSelectorObject | undefined,
    `${path}.labelSelector`,
  );
  errs.push(
    ...validateLabelSelector(
      asObject(term.namespaceSelector) as LabelSelectorObject | undefined,
      `${path}.namespaceSelector`,
    ),
  );
  const key = asString(term.topologyKey);
  if (!key) errs.push(requiredField(`${path}.topologyKey`, "can not be empty"));
  errs.push(...validateLabelName(key, `${path}.topologyKey`));
  return errs;
}

function validateWeight(weight: unknown, path: string): FieldError[] {
  const w = asNumber(weight) ?? 0;
  return w <= 0 || w > 100 ? [invalidField(path, w, "must be in the range 1-100")] : [];
}

/** validateAffinity: node affinity terms, pod (anti-)affinity terms and weights. */
export function validateAffinity(value: unknown, path: string): FieldError[] {
  const affinity = asObject(value);
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const node = asObject(affinity.nodeAffinity);
  if (node) {
    const required = asObject(node.requiredDuringSchedulingIgnoredDuringExecution);
    const at = `${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
    if (required) {
      const terms = objectsOf(required.nodeSelectorTerms);
      if (terms.length === 0)
        errs.push(requiredField(`${at}.nodeSelectorTerms`, "must have at least one node selector term"));
      for (const [term, i] of terms)
        errs.push(...validateNodeSelectorTerm(term, `${at}.nodeSelectorTerms[${i}]`, true));
    }
    for (const [pref, i] of objectsOf(node.preferredDuringSchedulingIgnoredDuringExecution)) {
      const pat = `${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...validateWeight(pref.weight, `${pat}.weight`));
      errs.push(...validateNodeSelectorTerm(asObject(pref.preference) ?? {}, `${pat}.preference`, false));
    }
  }
  for (const kind of ["podAffinity", "podAntiAffinity"]) {
    const pod = asObject(affinity[kind]);
    if (!pod) continue;
    const base = `${path}.${kind}`;
    for (const [term, i] of objectsOf(pod.requiredDuringSchedulingIgnoredDuringExecution)) {
      errs.push(
        ...validatePodAffinityTerm(term, `${base}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`),
      );
    }
    for (const [weighted, i] of objectsOf(pod.preferredDuringSchedulingIgnoredDuringExecution)) {
      const at = `${base}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      errs.push(...validateWeight(weighted.weight, `${at}.weight`));
      errs.push(
        ...validatePodAffinityTerm(asObject(weighted.podAffinityTerm) ?? {}, `${at}.podAffinityTerm`),
      );
    }
  }
  return errs;
}

/** validateTopologySpreadConstraints */
export function validateTopologySpread(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const constraints = objectsOf(list);
  constraints.forEach(([c, i], n) => {
    const at = `${path}[${i}]`;
    const skew = asNumber(c.maxSkew) ?? 0;
    if (skew <= 0) errs.push(invalidField(`${at}.maxSkew`, skew, "must be greater than zero"));
    const key = asString(c.topologyKey);
    if (!key) errs.push(requiredField(`${at}.topologyKey`, "can not be empty"));
    const when = asString(c.whenUnsatisfiable);
    if (when !== "DoNotSchedule" && when !== "ScheduleAnyway") {
      errs.push(notSupportedField(`${at}.whenUnsatisfiable`, when, ["DoNotSchedule", "ScheduleAnyway"]));
    }
    const repeated = constraints
      .slice(n + 1)
      .some(([o]) => asString(o.topologyKey) === key && asString(o.whenUnsatisfiable) === when);
    if (repeated) errs.push(duplicateField(`${at}.{topologyKey, whenUnsatisfiable}`, `{${key}, ${when}}`));
    errs.push(
      ...validateLabelSelector(
        asObject(c.labelSelector) as LabelSelectorObject | undefined,
        `${at}.labelSelector`,
      ),
    );
  });
  return errs;
}
