import type { KubeObject } from "../../../object/types.ts";
import type { LabelSelectorObject } from "../../../selectors/index.ts";
import { validateLabelSelector } from "../../../selectors/index.ts";
import type { FieldError } from "../../../validation/field-errors.ts";
import { notSupportedField } from "../../../validation/field-errors.ts";
import { carryStatusAndGeneration, resetForCreate, specChanged } from "../../apps/workload-lifecycle.ts";
import { invalidRendered, notMoreThan100Percent, positiveIntOrPercent } from "../../support/field-rules.ts";
import { type JsonObject, objectAt } from "../../support/json.ts";
import type { Strategy } from "../../types.ts";

const EVICTION_POLICIES = ["AlwaysAllow", "IfHealthyBudget"];

const isSet = (v: unknown) => v !== undefined && v !== null;

/** %#v of the internal spec: its pointer fields print as addresses (a fixed one here). */
function renderSpec(spec: JsonObject): string {
  const pointer = (type: string, v: unknown) => `(*${type})(${isSet(v) ? "0xc000000000" : "nil"})`;
  return (
    `policy.PodDisruptionBudgetSpec{MinAvailable:${pointer("intstr.IntOrString", spec.minAvailable)}, ` +
    `Selector:${pointer("v1.LabelSelector", spec.selector)}, ` +
    `MaxUnavailable:${pointer("intstr.IntOrString", spec.maxUnavailable)}, ` +
    `UnhealthyPodEvictionPolicy:${pointer("policy.UnhealthyPodEvictionPolicyType", spec.unhealthyPodEvictionPolicy)}}`
  );
}

/** ValidatePodDisruptionBudgetSpec (pkg/apis/policy/validation/validation.go, release-1.32). */
export function validatePodDisruptionBudget(obj: KubeObject): FieldError[] {
  const spec = objectAt(obj, "spec") ?? {};
  const errs: FieldError[] = [];
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) {
    errs.push(
      invalidRendered("spec", renderSpec(spec), "minAvailable and maxUnavailable cannot be both set"),
    );
  }
  for (const key of ["minAvailable", "maxUnavailable"]) {
    if (!isSet(spec[key])) continue;
    errs.push(...positiveIntOrPercent(`spec.${key}`, spec[key]));
    errs.push(...notMoreThan100Percent(`spec.${key}`, spec[key]));
  }
  const selector = objectAt(spec, "selector");
  if (selector !== undefined)
    errs.push(...validateLabelSelector(selector as LabelSelectorObject, "spec.selector"));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (isSet(policy) && !EVICTION_POLICIES.includes(policy as string)) {
    errs.push(notSupportedField("spec.unhealthyPodEvictionPolicy", policy, EVICTION_POLICIES));
  }
  return errs;
}

/** policy/v1 PodDisruptionBudgets (pkg/registry/policy/poddisruptionbudget/strategy.go, release-1.32). */
export const podDisruptionBudgetStrategy: Strategy = {
  hasStatusSubresource: true,
  tracksGeneration: true,
  prepareForCreate(obj) {
    // Its status counters have no omitempty: a new PDB shows them all at 0.
    resetForCreate(obj, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
  },
  prepareForUpdate(next, prev) {
    carryStatusAndGeneration(next, prev, specChanged(next, prev));
  },
  validate: (obj) => validatePodDisruptionBudget(obj),
  validateUpdate: (next) => validatePodDisruptionBudget(next),
};
