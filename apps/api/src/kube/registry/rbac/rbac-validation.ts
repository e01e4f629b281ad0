import type { LabelSelectorObject } from "../../selectors/index.ts";
import { dns1123SubdomainErrors, validateLabelSelector } from "../../selectors/index.ts";
import type { FieldError } from "../../validation/field-errors.ts";
import { invalidField, notSupportedField, requiredField } from "../../validation/field-errors.ts";
import { goStringSliceLiteral } from "../../validation/go-format.ts";
import { invalidRendered, pathSegmentNameErrors } from "../support/field-rules.ts";
import { goStringStruct } from "../support/go-values.ts";
import { type JsonObject, objectAt, objectsAt, semanticEqual } from "../support/json.ts";
import { selectorOrUndefined } from "../support/workload-template.ts";

/*
 * rbac.authorization.k8s.io/v1 validation (pkg/apis/rbac/validation/validation.go, release-1.32). Names
 * of roles and bindings only need to be valid path segments (the lead's `path-segment` name rule).
 */

export const RBAC_GROUP = "rbac.authorization.k8s.io";

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];

/** ValidatePolicyRule */
export function validatePolicyRule(rule: JsonObject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (strings(rule.verbs).length === 0)
    errs.push(requiredField(`${path}.verbs`, "verbs must contain at least one value"));
  const urls = Array.isArray(rule.nonResourceURLs) ? strings(rule.nonResourceURLs) : [];
  if (urls.length > 0) {
    const rendered = goStringSliceLiteral(urls);
    if (namespaced) {
      errs.push(
        invalidRendered(
          `${path}.nonResourceURLs`,
          rendered,
          "namespaced rules cannot apply to non-resource URLs",
        ),
      );
    }
    if (
      strings(rule.apiGroups).length + strings(rule.resources).length + strings(rule.resourceNames).length >
      0
    ) {
      errs.push(
        invalidRendered(
          `${path}.nonResourceURLs`,
          rendered,
          "rules cannot apply to both regular resources and non-resource URLs",
        ),
      );
    }
    return errs;
  }
  if (strings(rule.apiGroups).length === 0) {
    errs.push(requiredField(`${path}.apiGroups`, "resource rules must supply at least one api group"));
  }
  if (strings(rule.resources).length === 0) {
    errs.push(requiredField(`${path}.resources`, "resource rules must supply at least one resource"));
  }
  return errs;
}

/** ValidateRole / ValidateClusterRole rules, plus a ClusterRole's aggregation rule. */
export function validateRoleRules(obj: JsonObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  objectsAt(obj, "rules").forEach((rule, i) => {
    errs.push(...validatePolicyRule(rule, namespaced, `rules[${i}]`));
  });
  const aggregation = objectAt(obj, "aggregationRule");
  if (!namespaced && aggregation !== undefined) {
    const selectors = objectsAt(aggregation, "clusterRoleSelectors");
    const path = "aggregationRule.clusterRoleSelectors";
    if (selectors.length === 0) {
      errs.push(
        requiredField(path, "at least one clusterRoleSelector required if aggregationRule is non-nil"),
      );
    }
    selectors.forEach((sel, i) => {
      errs.push(...validateLabelSelector(sel as LabelSelectorObject, `${path}[${i}]`));
      if (selectorOrUndefined(sel) === undefined)
        errs.push(invalidField(`${path}[${i}]`, "", "invalid label selector."));
    });
  }
  return errs;
}

/** ValidateRoleBindingSubject */
function validateSubject(subject: JsonObject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = typeof subject.name === "string" ? subject.name : "";
  const apiGroup = typeof subject.apiGroup === "string" ? subject.apiGroup : "";
  if (name.length === 0) errs.push(requiredField(`${path}.name`));
  switch (subject.kind) {
    case "ServiceAccount":
      if (name.length > 0)
        for (const msg of dns1123SubdomainErrors(name)) errs.push(invalidField(`${path}.name`, name, msg));
      if (apiGroup.length > 0) errs.push(notSupportedField(`${path}.apiGroup`, apiGroup, [""]));
      if (!namespaced && !(typeof subject.namespace === "string" && subject.namespace.length > 0)) {
        errs.push(requiredField(`${path}.namespace`));
      }
      break;
    case "User":
    case "Group":
      if (apiGroup !== RBAC_GROUP) errs.push(notSupportedField(`${path}.apiGroup`, apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupportedField(`${path}.kind`, subject.kind ?? "", ["ServiceAccount", "User", "Group"]));
  }
  return errs;
}

/** ValidateRoleBinding / ValidateClusterRoleBinding (a ClusterRoleBinding may only bind ClusterRoles). */
export function validateBinding(obj: JsonObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const roleRef = objectAt(obj, "roleRef") ?? {};
  const apiGroup = typeof roleRef.apiGroup === "string" ? roleRef.apiGroup : "";
  if (apiGroup !== RBAC_GROUP) errs.push(notSupportedField("roleRef.apiGroup", apiGroup, [RBAC_GROUP]));
  const kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
  const kind = typeof roleRef.kind === "string" ? roleRef.kind : "";
  if (!kinds.includes(kind)) errs.push(notSupportedField("roleRef.kind", kind, kinds));
  const name = typeof roleRef.name === "string" ? roleRef.name : "";
  if (name.length === 0) errs.push(requiredField("roleRef.name"));
  else for (const msg of pathSegmentNameErrors(name)) errs.push(invalidField("roleRef.name", name, msg));
  objectsAt(obj, "subjects").forEach((subject, i) => {
    errs.push(...validateSubject(subject, namespaced, `subjects[${i}]`));
  });
  return errs;
}

/** ValidateRoleBindingUpdate: `roleRef: Invalid value: rbac.RoleRef{…}: cannot change roleRef`. */
export function validateBindingUpdate(next: JsonObject, prev: JsonObject, namespaced: boolean): FieldError[] {
  const errs = validateBinding(next, namespaced);
  const ref = objectAt(next, "roleRef") ?? {};
  const prevRef = objectAt(prev, "roleRef") ?? {};
  const same = ["apiGroup", "kind", "name"].every((k) => semanticEqual(ref[k] ?? "", prevRef[k] ?? ""));
  if (!same) {
    const rendered = goStringStruct("rbac.RoleRef", [
      ["APIGroup", ref.apiGroup],
      ["Kind", ref.kind],
      ["Name", ref.name],
    ]);
    errs.push(invalidRendered("roleRef", rendered, "cannot change roleRef"));
  }
  return errs;
}

/** SetDefaults_RoleBinding / _ClusterRoleBinding / _Subject (rbac/v1). */
export function defaultBinding(obj: JsonObject): void {
  const roleRef = objectAt(obj, "roleRef");
  if (roleRef !== undefined && (typeof roleRef.apiGroup !== "string" || roleRef.apiGroup === ""))
    roleRef.apiGroup = RBAC_GROUP;
  for (const subject of objectsAt(obj, "subjects")) {
    if (typeof subject.apiGroup === "string" && subject.apiGroup !== "") continue;
    if (subject.kind === "ServiceAccount") subject.apiGroup = "";
    else if (subject.kind === "User" || subject.kind === "Group") subject.apiGroup = RBAC_GROUP;
  }
}
