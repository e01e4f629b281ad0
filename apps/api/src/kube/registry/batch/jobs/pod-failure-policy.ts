import { labelKeyErrors } from "../../../selectors/index.ts";
import type { FieldError } from "../../../validation/field-errors.ts";
import {
  duplicateField,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { goQuote } from "../../../validation/go-format.ts";
import { invalidOmitValue, invalidRendered, tooManyField } from "../../support/field-rules.ts";
import { goInt32Slice } from "../../support/go-values.ts";
import { type JsonObject, objectAt, objectsAt } from "../../support/json.ts";

const ACTIONS = ["Count", "FailIndex", "FailJob", "Ignore"];
const OPERATORS = ["In", "NotIn"];
const STATUSES = ["False", "True", "Unknown"];

/** Go's %q of a []string: `["a" "b"]`. */
function quotedList(values: readonly string[]): string {
  return `[${values.map(goQuote).join(" ")}]`;
}

function validateOnExitCodes(req: JsonObject, path: string, containerNames: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const operator = req.operator ?? "";
  if (operator === "") errs.push(requiredField(`${path}.operator`, `valid values: ${quotedList(OPERATORS)}`));
  else if (!OPERATORS.includes(operator as string))
    errs.push(notSupportedField(`${path}.operator`, operator, OPERATORS));
  if (typeof req.containerName === "string" && !containerNames.has(req.containerName)) {
    errs.push(
      invalidField(
        `${path}.containerName`,
        req.containerName,
        "must be one of the container or initContainer names in the pod template",
      ),
    );
  }
  const values = Array.isArray(req.values)
    ? req.values.filter((v): v is number => typeof v === "number")
    : [];
  const valuesPath = `${path}.values`;
  if (values.length === 0)
    errs.push(
      invalidRendered(
        valuesPath,
        goInt32Slice(req.values as unknown[] | undefined),
        "at least one value is required",
      ),
    );
  else if (values.length > 255) errs.push(tooManyField(valuesPath, values.length, 255));
  const seen = new Set<number>();
  let ordered = true;
  values.forEach((v, j) => {
    if (operator === "In" && v === 0)
      errs.push(invalidField(`${valuesPath}[${j}]`, v, "must not be 0 for the In operator"));
    if (seen.has(v)) errs.push(duplicateField(`${valuesPath}[${j}]`, v));
    else seen.add(v);
    if (j > 0 && (values[j - 1] ?? 0) > v) ordered = false;
  });
  if (!ordered) errs.push(invalidRendered(valuesPath, goInt32Slice(values), "must be ordered"));
  return errs;
}

function validateOnPodConditions(patterns: JsonObject[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (patterns.length > 20) errs.push(tooManyField(path, patterns.length, 20));
  patterns.forEach((pattern, j) => {
    const at = `${path}[${j}]`;
    const type = typeof pattern.type === "string" ? pattern.type : "";
    for (const msg of labelKeyErrors(type)) errs.push(invalidField(`${at}.type`, type, msg));
    const status = pattern.status ?? "";
    if (status === "") errs.push(requiredField(`${at}.status`, `valid values: ${quotedList(STATUSES)}`));
    else if (!STATUSES.includes(status as string))
      errs.push(notSupportedField(`${at}.status`, status, STATUSES));
  });
  return errs;
}

/** validatePodFailurePolicy (pkg/apis/batch/validation/validation.go, release-1.32). */
export function validatePodFailurePolicy(spec: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const rules = objectsAt(objectAt(spec, "podFailurePolicy"), "rules");
  const rulesPath = `${path}.rules`;
  if (rules.length > 20) errs.push(tooManyField(rulesPath, rules.length, 20));
  const podSpec = objectAt(objectAt(spec, "template"), "spec");
  const containerNames = new Set(
    [...objectsAt(podSpec, "containers"), ...objectsAt(podSpec, "initContainers")].map((c) =>
      String(c.name ?? ""),
    ),
  );
  rules.forEach((rule, i) => {
    const at = `${rulesPath}[${i}]`;
    const action = rule.action ?? "";
    if (action === "") errs.push(requiredField(`${at}.action`, `valid values: ${quotedList(ACTIONS)}`));
    else if (action === "FailIndex") {
      if (spec.backoffLimitPerIndex === undefined || spec.backoffLimitPerIndex === null) {
        errs.push(invalidField(`${at}.action`, action, "requires the backoffLimitPerIndex to be set"));
      }
    } else if (!ACTIONS.includes(action as string))
      errs.push(notSupportedField(`${at}.action`, action, ACTIONS));
    const onExitCodes = objectAt(rule, "onExitCodes");
    const onPodConditions = objectsAt(rule, "onPodConditions");
    if (onExitCodes !== undefined)
      errs.push(...validateOnExitCodes(onExitCodes, `${at}.onExitCodes`, containerNames));
    if (onPodConditions.length > 0)
      errs.push(...validateOnPodConditions(onPodConditions, `${at}.onPodConditions`));
    if (onExitCodes !== undefined && onPodConditions.length > 0) {
      errs.push(invalidOmitValue(at, "specifying both OnExitCodes and OnPodConditions is not supported"));
    }
    if (onExitCodes === undefined && onPodConditions.length === 0) {
      errs.push(invalidOmitValue(at, "specifying one of OnExitCodes and OnPodConditions is required"));
    }
  });
  return errs;
}
