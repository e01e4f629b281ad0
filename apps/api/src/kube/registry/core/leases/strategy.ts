/** The Lease strategy (coordination.k8s.io/v1, pkg/apis/coordination/validation, release-1.32). */
import {
  type FieldError,
  forbiddenField,
  invalidField,
  notSupportedField,
} from "../../../validation/field-errors.ts";
import type { Strategy } from "../../types.ts";
import { asNumber, asObject, asString, type JsonObject } from "../json.ts";

const STRATEGIES = ["OldestEmulationVersion"];

function validateLeaseSpec(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const duration = asNumber(spec.leaseDurationSeconds);
  if (duration !== undefined && duration <= 0)
    errs.push(invalidField("spec.leaseDurationSeconds", duration, "must be greater than 0"));
  const transitions = asNumber(spec.leaseTransitions);
  if (transitions !== undefined && transitions < 0) {
    errs.push(invalidField("spec.leaseTransitions", transitions, "must be greater than or equal to 0"));
  }
  const strategy = asString(spec.strategy);
  if (strategy && !STRATEGIES.includes(strategy))
    errs.push(notSupportedField("spec.strategy", strategy, STRATEGIES));
  if (asString(spec.preferredHolder) && !strategy) {
    errs.push(forbiddenField("spec.preferredHolder", "may only be specified if `strategy` is defined"));
  }
  return errs;
}

export const leaseStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: false,
  validate: (lease) => validateLeaseSpec(asObject(lease.spec) ?? {}),
};
