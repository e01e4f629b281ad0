/** The ResourceQuota strategy (ValidateResourceQuota(Update), release-1.32): status is the controller's. */
import { type FieldError, invalidField } from "../../../validation/field-errors.ts";
import type { Strategy } from "../../types.ts";
import { withDecodeErrors } from "../decode-error.ts";
import { goTypedStringSlice, invalidRendered } from "../go-values.ts";
import { asArray, asObject, asString, ensureObject, type JsonObject, objectsOf } from "../json.ts";
import { defaultResourceList, resourceEntries } from "../resource-list.ts";
import { validateQuantityValue, validateQuotaResourceName } from "../resource-names.ts";

const SCOPES = [
  "Terminating",
  "NotTerminating",
  "BestEffort",
  "NotBestEffort",
  "PriorityClass",
  "CrossNamespacePodAffinity",
];
const CONFLICTS = [
  ["BestEffort", "NotBestEffort"],
  ["Terminating", "NotTerminating"],
];

function validateResourceMap(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, q] of resourceEntries(list)) {
    const at = `${path}[${name}]`;
    errs.push(...validateQuotaResourceName(name, at), ...validateQuantityValue(name, q, at));
  }
  return errs;
}

function validateQuotaSpec(spec: JsonObject): FieldError[] {
  const errs = validateResourceMap(spec.hard, "spec.hard");
  const scopes = asArray(spec.scopes).map(asString);
  const rendered = goTypedStringSlice("[]core.ResourceQuotaScope", scopes);
  for (const scope of scopes)
    if (!SCOPES.includes(scope)) errs.push(invalidRendered("spec.scopes", rendered, "unsupported scope"));
  for (const pair of CONFLICTS) {
    if (pair.every((s) => scopes.includes(s)))
      errs.push(invalidRendered("spec.scopes", rendered, "conflicting scopes"));
  }
  for (const [req] of objectsOf(asObject(spec.scopeSelector)?.matchExpressions)) {
    const at = `spec.scopeSelector.matchExpressions`;
    const scope = asString(req.scopeName);
    if (!SCOPES.includes(scope)) errs.push(invalidField(`${at}.scopeName`, scope, "unsupported scope"));
    const operator = asString(req.operator);
    const values = asArray(req.values);
    if ((operator === "In" || operator === "NotIn") && values.length === 0) {
      errs.push({
        type: "FieldValueRequired",
        field: `${at}.values`,
        message:
          "Required value: must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
      });
    } else if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(operator)) {
      errs.push(invalidField(`${at}.operator`, operator, "not a valid selector operator"));
    }
  }
  return errs;
}

export const resourceQuotaStrategy: Strategy = {
  hasStatusSubresource: true,
  tracksGeneration: false,
  applyDefaults: (quota) =>
    withDecodeErrors("ResourceQuota", "v1", () => {
      defaultResourceList(asObject(quota.spec)?.hard);
      const status = asObject(quota.status);
      defaultResourceList(status?.hard);
      defaultResourceList(status?.used);
    }),
  prepareForCreate(quota) {
    quota.status = {};
  },
  prepareForUpdate(next, prev) {
    next.status = structuredClone(prev.status ?? {});
  },
  validate: (quota) => validateQuotaSpec(ensureObject(quota, "spec")),
  validateUpdate(next, prev) {
    const spec = asObject(next.spec) ?? {};
    const errs = validateQuotaSpec(spec);
    const scopes = new Set(asArray(spec.scopes).map(asString));
    const old = new Set(asArray(asObject(prev.spec)?.scopes).map(asString));
    if (scopes.size !== old.size || [...scopes].some((s) => !old.has(s))) {
      const rendered = goTypedStringSlice("[]core.ResourceQuotaScope", asArray(spec.scopes).map(asString));
      errs.push(invalidRendered("spec.scopes", rendered, "field is immutable"));
    }
    return errs;
  },
};
