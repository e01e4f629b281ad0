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

export function failureStatus(err: ApiError): KubeStatus {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: err.message,
    reason: err.reason,
    ...(err.details ? { details: err.details } : {}),
    code: err.status,
  };
}

export function successStatus(details?: StatusDetails): KubeStatus {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    ...(details ? { details } : {}),
    code: 200,
  };
}

/** Anything thrown that is not an ApiError is a bug: say so without leaking internals. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError("InternalError", "Internal error occurred: the server could not complete the request");
}
