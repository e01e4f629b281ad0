import { goQuote, goStringSliceLiteral } from "./go-format.ts";

/** The CauseType values apimachinery's field.Error carries (the ones selectors produce). */
export type FieldErrorType = "FieldValueInvalid" | "FieldValueRequired" | "FieldValueForbidden";

/**
 * One field.Error. `message` is its ErrorBody() — what a Status cause carries — and `field` its path,
 * so it maps one-to-one onto `{type, field, message}` in a 422 Invalid Status.
 */
export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  readonly message: string;
}

/** field.Invalid with a string or []string bad value, rendered as Go's %q / %#v would. */
export function invalidField(
  field: string,
  value: string | readonly string[] | null,
  detail: string,
): FieldError {
  const shown = typeof value === "string" ? goQuote(value) : goStringSliceLiteral(value);
  return { type: "FieldValueInvalid", field, message: `Invalid value: ${shown}: ${detail}` };
}

/** field.Required */
export function requiredField(field: string, detail: string): FieldError {
  return { type: "FieldValueRequired", field, message: `Required value: ${detail}` };
}

/** field.Forbidden */
export function forbiddenField(field: string, detail: string): FieldError {
  return { type: "FieldValueForbidden", field, message: `Forbidden: ${detail}` };
}

/** field.Error.Error(): `<field>: <body>` (a nil path prints as `<nil>`). */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${e.message}`;
}

/**
 * ErrorList.ToAggregate().Error(): duplicates dropped, a single error bare, several as `[a, b]`.
 * Returns undefined for an empty list, as ToAggregate returns nil.
 */
export function aggregateFieldErrors(errs: readonly FieldError[]): string | undefined {
  const messages = [...new Set(errs.map(formatFieldError))];
  if (messages.length === 0) return undefined;
  if (messages.length === 1) return messages[0];
  return `[${messages.join(", ")}]`;
}
