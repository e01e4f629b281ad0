/** metav1validation.ValidateLabels and ValidateLabelName over a plain JSON map. */
import { labelKeyErrors, labelValueErrors } from "../../selectors/index.ts";
import { type FieldError, invalidField } from "../../validation/field-errors.ts";
import { compareGoStrings } from "../../validation/go-format.ts";
import { isJsonObject } from "./json.ts";

/** ValidateLabelName: a qualified name, reported under `path`. */
export function validateLabelName(key: string, path: string): FieldError[] {
  return labelKeyErrors(key).map((msg) => invalidField(path, key, msg));
}

/** ValidateLabels: every key a qualified name, every value a label value, all reported at `path`. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  if (!isJsonObject(labels)) return [];
  const errs: FieldError[] = [];
  for (const key of Object.keys(labels).sort(compareGoStrings)) {
    errs.push(...validateLabelName(key, path));
    const value = labels[key];
    const text = typeof value === "string" ? value : String(value);
    for (const msg of labelValueErrors(text)) errs.push(invalidField(path, text, msg));
  }
  return errs;
}
