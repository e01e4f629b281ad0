import type { FieldError } from "../../../validation/field-errors.ts";
import { invalidField, requiredField, tooLongField } from "../../../validation/field-errors.ts";
import { goQuote } from "../../../validation/go-format.ts";
import { nonNegative, tooManyField } from "../../support/field-rules.ts";
import { type JsonObject, objectAt, objectsAt } from "../../support/json.ts";

function atoi(s: string): number | undefined {
  return /^[+-]?[0-9]+$/.test(s) ? Number.parseInt(s, 10) : undefined;
}

/**
 * validateIndexesFormat: `1,3-5,7`, increasing, below completions. Returns the number of indexes, or
 * the error text upstream wraps into its message.
 */
export function parseIndexes(indexes: string, completions: number): { total: number } | { error: string } {
  if (indexes.length === 0) return { total: 0 };
  let last: number | undefined;
  let total = 0;
  for (const interval of indexes.split(",")) {
    const limits = interval.split("-");
    if (limits.length > 2) {
      return {
        error: `the fragment ${goQuote(interval)} violates the requirement that an index interval can have at most two parts separated by '-'`,
      };
    }
    const x = atoi(limits[0] ?? "");
    if (x === undefined)
      return { error: `cannot convert string to integer for index: ${goQuote(limits[0] ?? "")}` };
    if (x >= completions) return { error: `too large index: ${goQuote(limits[0] ?? "")}` };
    if (last !== undefined && last >= x)
      return { error: `non-increasing order, previous: ${last}, current: ${x}` };
    total++;
    last = x;
    if (limits.length > 1) {
      const y = atoi(limits[1] ?? "");
      if (y === undefined)
        return { error: `cannot convert string to integer for index: ${goQuote(limits[1] ?? "")}` };
      if (y >= completions) return { error: `too large index: ${goQuote(limits[1] ?? "")}` };
      if (last >= y) return { error: `non-increasing order, previous: ${last}, current: ${y}` };
      total += y - x;
      last = y;
    }
  }
  return { total };
}

/** validateSuccessPolicy (release-1.32); the caller has checked the job is Indexed. */
export function validateSuccessPolicy(spec: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const rules = objectsAt(objectAt(spec, "successPolicy"), "rules");
  const rulesPath = `${path}.rules`;
  if (rules.length === 0) {
    errs.push(
      requiredField(rulesPath, "at least one rules must be specified when the successPolicy is specified"),
    );
  }
  if (rules.length > 20) errs.push(tooManyField(rulesPath, rules.length, 20));
  const completions = typeof spec.completions === "number" ? spec.completions : 0;
  rules.forEach((rule, i) => {
    const at = `${rulesPath}[${i}]`;
    const count = rule.succeededCount;
    const indexes = rule.succeededIndexes;
    if ((count === undefined || count === null) && (indexes === undefined || indexes === null)) {
      errs.push(requiredField(at, "at least one of succeededCount or succeededIndexes must be specified"));
    }
    let totalIndexes = 0;
    if (typeof indexes === "string") {
      if (indexes.length > 64 * 1024) errs.push(tooLongField(`${at}.succeededIndexes`, 64 * 1024));
      const parsed = parseIndexes(indexes, completions);
      if ("error" in parsed) {
        errs.push(
          invalidField(`${at}.succeededIndexes`, indexes, `error parsing succeededIndexes: ${parsed.error}`),
        );
      } else {
        totalIndexes = parsed.total;
      }
    }
    if (typeof count === "number") {
      const countPath = `${at}.succeededCount`;
      errs.push(...nonNegative(countPath, count));
      if (count > completions) {
        errs.push(
          invalidField(
            countPath,
            count,
            `must be less than or equal to ${completions} (the number of specified completions)`,
          ),
        );
      }
      if (typeof indexes === "string" && count > totalIndexes) {
        errs.push(
          invalidField(
            countPath,
            count,
            `must be less than or equal to ${totalIndexes} (the number of indexes in the specified succeededIndexes field)`,
          ),
        );
      }
    }
  });
  return errs;
}
