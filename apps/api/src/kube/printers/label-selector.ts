/**
 * How printers render label maps and metav1.LabelSelector: apimachinery `labels.FormatLabels`,
 * `metav1.LabelSelectorAsSelector(...).String()` and `metav1.FormatLabelSelector`.
 */

import { compareStrings } from "./format.ts";
import { arrayAt, objectsAt, optionalObjectAt, stringAt, stringMapAt } from "./json.ts";

/** `labels.Set(m).String()`: sorted `k=v` pairs joined by commas. */
export function labelSetString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .sort(compareStrings)
    .join(",");
}

/** `labels.FormatLabels`: like labelSetString, `<none>` when empty. */
export function formatLabels(labels: Record<string, string>): string {
  return labelSetString(labels) || "<none>";
}

interface Requirement {
  key: string;
  text: string;
}

function requirementText(key: string, operator: string, values: readonly string[]): string | undefined {
  // Requirement.String() lists set values sorted, without changing the selector itself.
  const list = values.length === 1 ? values[0] : [...values].sort(compareStrings).join(",");
  switch (operator) {
    case "In":
      return values.length === 0 ? undefined : `${key} in (${list})`;
    case "NotIn":
      return values.length === 0 ? undefined : `${key} notin (${list})`;
    case "Exists":
      return values.length === 0 ? key : undefined;
    case "DoesNotExist":
      return values.length === 0 ? `!${key}` : undefined;
    default:
      // LabelSelectorAsSelector rejects any other operator.
      return undefined;
  }
}

/**
 * `metav1.LabelSelectorAsSelector(sel).String()`. A nil selector selects nothing and an empty one
 * everything; both print as "". Returns undefined where upstream returns an error (unknown operator,
 * In/NotIn without values, Exists/DoesNotExist with values).
 */
export function labelSelectorString(selector: unknown): string | undefined {
  const sel = optionalObjectAt(selector);
  if (sel === undefined) return "";
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(stringMapAt(sel, "matchLabels"))) {
    requirements.push({ key, text: `${key}=${value}` });
  }
  for (const expr of objectsAt(sel, "matchExpressions")) {
    const key = stringAt(expr, "key");
    const values = arrayAt(expr, "values").filter((v): v is string => typeof v === "string");
    const text = requirementText(key, stringAt(expr, "operator"), values);
    if (text === undefined) return undefined;
    requirements.push({ key, text });
  }
  // Selector.Add sorts requirements by key.
  requirements.sort((a, b) => compareStrings(a.key, b.key));
  return requirements.map((r) => r.text).join(",");
}

/** `metav1.FormatLabelSelector`: `<none>` for an empty result, `<error>` for an invalid selector. */
export function formatLabelSelector(selector: unknown): string {
  const text = labelSelectorString(selector);
  if (text === undefined) return "<error>";
  return text || "<none>";
}
