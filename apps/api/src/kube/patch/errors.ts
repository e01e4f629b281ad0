/** One entry of `Status.details.causes`, as kube-apiserver fills it. */
export interface PatchErrorCause {
  readonly type?: string;
  readonly reason?: string;
  readonly message: string;
  readonly field?: string;
}

/** The Status reasons a patch can fail with ("" is kube's StatusReasonUnknown, sent with a 500). */
export type PatchErrorReason =
  | "BadRequest"
  | "Invalid"
  | "Conflict"
  | "UnsupportedMediaType"
  | "RequestEntityTooLarge"
  | "";

/**
 * A patch that cannot be applied. `code`, `reason`, `message` and `causes` are what kube-apiserver puts
 * in the Status it answers; `detail` is the underlying library error (evanphx/json-patch,
 * strategicpatch, structured-merge-diff), which kube sometimes hides behind a generic message — log it.
 */
export class PatchError extends Error {
  readonly code: number;
  readonly reason: PatchErrorReason;
  readonly detail: string;
  readonly causes: readonly PatchErrorCause[];

  constructor(
    code: number,
    reason: PatchErrorReason,
    message: string,
    options: { detail?: string; causes?: readonly PatchErrorCause[] } = {},
  ) {
    super(message);
    this.name = "PatchError";
    this.code = code;
    this.reason = reason;
    this.detail = options.detail ?? message;
    this.causes = options.causes ?? [];
  }
}

/** 400 BadRequest carrying the library message verbatim (kube's errors.NewBadRequest). */
export function badRequest(message: string): PatchError {
  return new PatchError(400, "BadRequest", message);
}

/**
 * 422 for a JSON patch operation that does not apply. kube-apiserver answers with
 * NewGenericServerResponse(422), whose message is fixed; kubectl prints it as
 * "The request is invalid: the server rejected our request due to an error in our request".
 */
export function unprocessable(detail: string): PatchError {
  return new PatchError(422, "Invalid", "the server rejected our request due to an error in our request", {
    detail,
  });
}

/** 500 with reason "" for errors kube-apiserver passes through unconverted (e.g. a missing merge key). */
export function internalPatchError(message: string): PatchError {
  return new PatchError(500, "", message);
}
