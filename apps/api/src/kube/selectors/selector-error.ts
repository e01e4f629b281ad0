import { ApiError } from "../../errors.ts";

/** Which step rejected the selector; the message is upstream's either way. */
export type SelectorErrorKind =
  /** `labels.Parse` failed: syntax, key or value validation. */
  | "label-syntax"
  /** `metav1.LabelSelectorAsSelector` failed on a {matchLabels, matchExpressions} object. */
  | "label-selector-object"
  /** `fields.ParseSelector` failed: no operator, bad escape, unescaped `=`. */
  | "field-syntax"
  /** The resource's field label conversion refused a field. */
  | "field-unsupported";

/**
 * A selector kube-apiserver would refuse. It is an ApiError with reason BadRequest (400) because that is
 * how the list and watch handlers answer a bad `labelSelector` or `fieldSelector`; the message is the
 * exact text upstream puts in the Status, which kubectl then wraps in its own "Unable to find …" line.
 */
export class SelectorError extends ApiError {
  constructor(
    readonly kind: SelectorErrorKind,
    message: string,
  ) {
    super("BadRequest", message);
    this.name = "SelectorError";
  }
}
