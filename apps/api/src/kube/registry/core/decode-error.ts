import { ApiError } from "../../../errors.ts";

/**
 * A value kube-apiserver could not even decode (a bad quantity, bad base64): upstream refuses the
 * request with 400 before any validation. Defaulting code throws this with the decoder's detail;
 * `asDecodeFailure` gives it the `<Kind> in version "v1" cannot be handled as a <Kind>:` prefix.
 */
export class UndecodableValueError extends ApiError {
  constructor(readonly detail: string) {
    super("BadRequest", detail);
  }
}

/** Runs defaulting; an UndecodableValueError becomes the BadRequest the decoder answers. */
export function withDecodeErrors(kind: string, version: string, defaulting: () => void): void {
  try {
    defaulting();
  } catch (err) {
    if (err instanceof UndecodableValueError) {
      throw new ApiError(
        "BadRequest",
        `${kind} in version "${version}" cannot be handled as a ${kind}: ${err.detail}`,
      );
    }
    throw err;
  }
}
