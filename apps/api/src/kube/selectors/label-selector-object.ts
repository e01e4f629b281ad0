import { type FieldError, forbiddenField, invalidField, requiredField } from "../validation/field-errors.ts";
import { compareGoStrings, goQuote } from "../validation/go-format.ts";
import { type LabelOperator, type LabelRequirement, newRequirement } from "./label-requirement.ts";
import {
  EVERYTHING_LABELS,
  type LabelSelector,
  labelSelectorFromRequirements,
  labelSelectorToString,
  NOTHING_LABELS,
} from "./label-selector.ts";
import { labelKeyErrors, labelValueErrors } from "./label-validation.ts";
import { SelectorError } from "./selector-error.ts";

/** One entry of metav1.LabelSelector.matchExpressions, as JSON. */
export interface LabelSelectorRequirementObject {
  key: string;
  operator: string;
  values?: string[] | null;
}

/** metav1.LabelSelector as JSON: what workloads carry in spec.selector. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirementObject[] | null;
}

const EXPRESSION_OPERATORS: Record<string, LabelOperator> = {
  In: "in",
  NotIn: "notin",
  Exists: "exists",
  DoesNotExist: "!",
};

/**
 * Upstream ranges over the matchLabels map, whose order Go randomises; sorting keys makes the first
 * error reported deterministic, which is the one liberty taken here.
 */
function sortedEntries(labels: Record<string, string> | null | undefined): [string, string][] {
  return Object.entries(labels ?? {}).sort(([a], [b]) => compareGoStrings(a, b));
}

/**
 * metav1.LabelSelectorAsSelector: null/undefined → Nothing (matches no object), no labels and no
 * expressions → Everything, otherwise the ANDed requirements. Throws a SelectorError with upstream's
 * message for an unknown operator or an invalid key, value or value count.
 */
export function selectorFromLabelSelector(ls: LabelSelectorObject | null | undefined): LabelSelector {
  if (ls === null || ls === undefined) return NOTHING_LABELS;
  const labels = sortedEntries(ls.matchLabels);
  const expressions = ls.matchExpressions ?? [];
  if (labels.length + expressions.length === 0) return EVERYTHING_LABELS;

  const requirements: LabelRequirement[] = [];
  const add = (key: string, operator: LabelOperator, values: readonly string[]) => {
    const { requirement, error } = newRequirement(key, operator, values);
    if (error !== undefined) throw new SelectorError("label-selector-object", error);
    requirements.push(requirement);
  };
  for (const [key, value] of labels) add(key, "=", [value]);
  for (const expr of expressions) {
    const operator = EXPRESSION_OPERATORS[expr.operator];
    if (operator === undefined) {
      throw new SelectorError(
        "label-selector-object",
        `${goQuote(expr.operator)} is not a valid label selector operator`,
      );
    }
    add(expr.key, operator, expr.values ?? []);
  }
  return labelSelectorFromRequirements(requirements);
}

/**
 * metav1.FormatLabelSelector: the text kubectl shows for a workload's selector (`app=web,tier in (a,b)`),
 * `<none>` when it selects everything or is absent, `<error>` when it cannot be converted.
 */
export function formatLabelSelector(ls: LabelSelectorObject | null | undefined): string {
  let text: string;
  try {
    text = labelSelectorToString(selectorFromLabelSelector(ls));
  } catch (e) {
    if (e instanceof SelectorError) return "<error>";
    throw e;
  }
  return text.length === 0 ? "<none>" : text;
}

/** labels.SelectorFromSet: every label of the set must be present with that value (empty set: Everything). */
export function selectorFromSet(labels: Record<string, string> | null | undefined): LabelSelector {
  const requirements = sortedEntries(labels).map(
    ([key, value]): LabelRequirement => ({
      key,
      operator: "=",
      values: [value],
    }),
  );
  return requirements.length === 0 ? EVERYTHING_LABELS : labelSelectorFromRequirements(requirements);
}

/**
 * metav1validation.ValidateLabelSelector (release-1.32) under `path` (e.g. "spec.selector"), for
 * strategies that reject a bad workload selector with 422 Invalid. Returns no errors for null.
 */
export function validateLabelSelector(
  ls: LabelSelectorObject | null | undefined,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  if (ls === null || ls === undefined) return errs;
  const labelsPath = `${path}.matchLabels`;
  for (const [key, value] of sortedEntries(ls.matchLabels)) {
    for (const msg of labelKeyErrors(key)) errs.push(invalidField(labelsPath, key, msg));
    for (const msg of labelValueErrors(value)) errs.push(invalidField(labelsPath, value, msg));
  }
  (ls.matchExpressions ?? []).forEach((expr, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const values = expr.values ?? [];
    switch (expr.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) {
          errs.push(requiredField(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        }
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
      default:
        errs.push(invalidField(`${at}.operator`, expr.operator, "not a valid selector operator"));
    }
    for (const msg of labelKeyErrors(expr.key)) errs.push(invalidField(`${at}.key`, expr.key, msg));
    values.forEach((v, j) => {
      for (const msg of labelValueErrors(v)) errs.push(invalidField(`${at}.values[${j}]`, v, msg));
    });
  });
  return errs;
}
