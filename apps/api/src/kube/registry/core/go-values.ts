/**
 * field.Error bodies whose bad value Go prints with %#v (structs, typed slices, Stringers). The
 * generic constructors in validation/field-errors.ts quote strings and print numbers; these take the
 * already rendered Go text instead, so messages match kube-apiserver byte for byte.
 */
import type { FieldError } from "../../validation/field-errors.ts";
import { goQuote } from "../../validation/go-format.ts";

/** field.Invalid with a pre-rendered value (a Quantity prints unquoted through its String()). */
export function invalidRendered(field: string, rendered: string, detail: string): FieldError {
  return { type: "FieldValueInvalid", field, message: `Invalid value: ${rendered}: ${detail}` };
}

/** field.Duplicate with a pre-rendered value. */
export function duplicateRendered(field: string, rendered: string, detail = ""): FieldError {
  const body = `Duplicate value: ${rendered}`;
  return { type: "FieldValueDuplicate", field, message: detail ? `${body}: ${detail}` : body };
}

/** field.NotSupported with a pre-rendered value. */
export function notSupportedRendered(field: string, rendered: string, valid: readonly string[]): FieldError {
  return {
    type: "FieldValueNotSupported",
    field,
    message: `Unsupported value: ${rendered}: supported values: ${valid.map(goQuote).join(", ")}`,
  };
}

/** `%#v` of a slice of a named string type, e.g. `[]core.ResourceQuotaScope{"BestEffort"}`. */
export function goTypedStringSlice(type: string, values: readonly string[] | undefined): string {
  if (values === undefined) return `${type}(nil)`;
  return `${type}{${values.map(goQuote).join(", ")}}`;
}
