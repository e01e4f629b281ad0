import {
  aggregateFieldErrors,
  type FieldError,
  GoLiteral,
  invalidField,
} from "../validation/field-errors.ts";
import { compareGoStrings, goStringSliceLiteral } from "../validation/go-format.ts";
import { labelKeyErrors, labelValueErrors } from "./label-validation.ts";

/** A requirement's operator, spelled as upstream's selection.Operator values. */
export type LabelOperator = "in" | "notin" | "=" | "==" | "!=" | "gt" | "lt" | "exists" | "!";

/** One clause of a label selector; a selector matches when all its requirements do. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/** An object's labels, as found in metadata.labels (absent labels are an empty set). */
export type Labels = Readonly<Record<string, string>>;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64), or undefined where Go would return an error. */
export function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/**
 * labels.NewRequirement: checks the key, the number of values for the operator, integers for gt/lt and
 * every value as a label value, and returns the aggregated message on failure. Paths print as from
 * upstream's nil root path: `key`, `values`, `values[0]`, `values[0][<key>]`.
 */
export function newRequirement(
  key: string,
  operator: LabelOperator,
  values: readonly string[],
): { requirement: LabelRequirement; error?: string } {
  const errs: FieldError[] = [];
  const keyErrs = labelKeyErrors(key);
  if (keyErrs.length > 0) errs.push(invalidField("key", key, keyErrs.join("; ")));

  // An empty slice reaches NewRequirement as Go's nil in every caller, and %#v prints it so.
  const shownValues = values.length === 0 ? new GoLiteral(goStringSliceLiteral(null)) : values;
  switch (operator) {
    case "in":
    case "notin":
      if (values.length === 0) {
        errs.push(
          invalidField("values", shownValues, "for 'in', 'notin' operators, values set can't be empty"),
        );
      }
      break;
    case "=":
    case "==":
    case "!=":
      if (values.length !== 1) {
        errs.push(invalidField("values", shownValues, "exact-match compatibility requires one single value"));
      }
      break;
    case "exists":
    case "!":
      if (values.length !== 0) {
        errs.push(
          invalidField("values", shownValues, "values set must be empty for exists and does not exist"),
        );
      }
      break;
    case "gt":
    case "lt":
      if (values.length !== 1) {
        errs.push(
          invalidField("values", shownValues, "for 'Gt', 'Lt' operators, exactly one value is required"),
        );
      }
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(
            invalidField(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"),
          );
        }
      });
      break;
  }
  values.forEach((v, i) => {
    const valueErrs = labelValueErrors(v);
    if (valueErrs.length > 0) errs.push(invalidField(`values[${i}][${key}]`, v, valueErrs.join("; ")));
  });
  const error = aggregateFieldErrors(errs);
  return { requirement: { key, operator, values: [...values] }, ...(error === undefined ? {} : { error }) };
}

function lookup(labels: Labels | null | undefined, key: string): string | undefined {
  if (!labels || !Object.hasOwn(labels, key)) return undefined;
  const value = labels[key];
  return typeof value === "string" ? value : undefined;
}

/** Requirement.Matches: note that `!=` and `notin` match objects without the label. */
export function requirementMatches(r: LabelRequirement, labels: Labels | null | undefined): boolean {
  const value = lookup(labels, r.key);
  switch (r.operator) {
    case "in":
    case "=":
    case "==":
      return value !== undefined && r.values.includes(value);
    case "notin":
    case "!=":
      return value === undefined || !r.values.includes(value);
    case "exists":
      return value !== undefined;
    case "!":
      return value === undefined;
    case "gt":
    case "lt": {
      if (value === undefined || r.values.length !== 1) return false;
      const actual = parseInt64(value);
      const bound = parseInt64(r.values[0] ?? "");
      if (actual === undefined || bound === undefined) return false;
      return r.operator === "gt" ? actual > bound : actual < bound;
    }
  }
}

const OPERATOR_TEXT: Record<LabelOperator, string> = {
  "=": "=",
  "==": "==",
  "!=": "!=",
  in: " in ",
  notin: " notin ",
  gt: ">",
  lt: "<",
  exists: "",
  "!": "",
};

/** Requirement.String(): `app=web`, `tier in (a,b)` (values sorted for display), `!key`. */
export function formatRequirement(r: LabelRequirement): string {
  if (r.operator === "exists") return r.key;
  if (r.operator === "!") return `!${r.key}`;
  const values = r.values.length === 1 ? (r.values[0] ?? "") : [...r.values].sort(compareGoStrings).join(",");
  const set = r.operator === "in" || r.operator === "notin";
  return `${r.key}${OPERATOR_TEXT[r.operator]}${set ? `(${values})` : values}`;
}
