import { ApiError } from "../../errors.ts";
import { goQuote, goStringSliceLiteral } from "./go-format.ts";

/** The CauseType values apimachinery's field.Error carries. */
export type FieldErrorType =
  | "FieldValueInvalid"
  | "FieldValueRequired"
  | "FieldValueForbidden"
  | "FieldValueNotSupported"
  | "FieldValueDuplicate"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "FieldValueNotFound";

/**
 * One field.Error. `message` is its ErrorBody() — what a Status cause carries — and `field` its path,
 * so it maps one-to-one onto `{type, field, message}` in a 422 Invalid Status.
 */
export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  readonly message: string;
}

/** A bad value already printed as Go would (e.g. `[]string(nil)`), shown as it is. */
export class GoLiteral {
  constructor(readonly text: string) {}
}

/**
 * A bad value as field.Error prints it (%#v for most values): strings quoted, numbers and booleans
 * bare, string lists as []string{…}, anything else as compact JSON.
 */
export function formatBadValue(value: unknown): string {
  if (value instanceof GoLiteral) return value.text;
  if (typeof value === "string") return goQuote(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return goStringSliceLiteral(value);
  return JSON.stringify(value);
}

/** field.Invalid, rendered as Go's %q / %#v would. */
export function invalidField(field: string, value: unknown, detail: string): FieldError {
  const body = `Invalid value: ${formatBadValue(value)}`;
  return { type: "FieldValueInvalid", field, message: detail ? `${body}: ${detail}` : body };
}

/** field.Required */
export function requiredField(field: string, detail = ""): FieldError {
  return {
    type: "FieldValueRequired",
    field,
    message: detail ? `Required value: ${detail}` : "Required value",
  };
}

/** field.NotSupported: `Unsupported value: "x": supported values: "a", "b"` */
export function notSupportedField(field: string, value: unknown, valid: readonly string[]): FieldError {
  const supported = valid.length > 0 ? `: supported values: ${valid.map((v) => goQuote(v)).join(", ")}` : "";
  return {
    type: "FieldValueNotSupported",
    field,
    message: `Unsupported value: ${formatBadValue(value)}${supported}`,
  };
}

/** field.Duplicate */
export function duplicateField(field: string, value: unknown): FieldError {
  return { type: "FieldValueDuplicate", field, message: `Duplicate value: ${formatBadValue(value)}` };
}

/** field.TooLong: `Too long: may not be more than 63 bytes` */
export function tooLongField(field: string, maxLength: number): FieldError {
  return { type: "FieldValueTooLong", field, message: `Too long: may not be more than ${maxLength} bytes` };
}

/** field.NotFound */
export function notFoundField(field: string, value: unknown): FieldError {
  return { type: "FieldValueNotFound", field, message: `Not found: ${formatBadValue(value)}` };
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

/**
 * The 422 kube-apiserver answers for invalid objects (errors.NewInvalid): message
 * `<Kind>[.<group>] "<name>" is invalid: <aggregate>`, one cause per error.
 */
export function invalidObjectError(
  kind: string,
  group: string,
  name: string,
  errs: readonly FieldError[],
): ApiError {
  const qualified = group ? `${kind}.${group}` : kind;
  const unique = errs.filter(
    (e, i) => errs.findIndex((o) => formatFieldError(o) === formatFieldError(e)) === i,
  );
  return new ApiError("Invalid", `${qualified} "${name}" is invalid: ${aggregateFieldErrors(unique)}`, {
    name,
    group,
    kind,
    causes: unique.map((e) => ({ reason: e.type, message: e.message, field: e.field })),
  });
}
