import { ApiError, type StatusDetails } from "../../errors.ts";

/** A Kubernetes `Status` object, as kube-apiserver answers every failure (and some successes). */
export interface KubeStatus {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/**
 * A failure kube-apiserver answers without a reason (StatusReasonUnknown, HTTP 500): a plain Go error
 * reached its error writer, e.g. server-side apply's "failed to create typed patch object". kubectl
 * then prints `Error from server: <message>` with no reason in parentheses.
 */
export class UnknownReasonError extends ApiError {
  constructor(message: string) {
    super("InternalError", message);
  }
}

export function failureStatus(err: ApiError): KubeStatus {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: err.message,
    ...(err instanceof UnknownReasonError ? {} : { reason: err.reason }),
    ...(err.details ? { details: withoutEmptyFields(err.details) } : {}),
    code: err.status,
  };
}

export function successStatus(details?: StatusDetails): KubeStatus {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    ...(details ? { details: withoutEmptyFields(details) } : {}),
    code: 200,
  };
}

/** Go's `omitempty` on StatusDetails: a core-group error has no `group` key, as kube-apiserver answers. */
function withoutEmptyFields(details: StatusDetails): StatusDetails {
  const out: StatusDetails = {};
  if (details.name) out.name = details.name;
  if (details.group) out.group = details.group;
  if (details.kind) out.kind = details.kind;
  if (details.uid) out.uid = details.uid;
  if (details.causes?.length) out.causes = details.causes;
  if (details.retryAfterSeconds) out.retryAfterSeconds = details.retryAfterSeconds;
  return out;
}

/** Anything thrown that is not an ApiError is a bug: say so without leaking internals. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError("InternalError", "Internal error occurred: the server could not complete the request");
}
