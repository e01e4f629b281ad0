/**
 * Typed errors thrown by domain code. One handler renders them: as a Kubernetes `Status` under /k8s
 * and as `{code, message, requestId}` under /v1. Reasons are Kubernetes' StatusReason values.
 */
export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Expired"
  | "Invalid"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType"
  | "TooManyRequests"
  | "InternalError"
  | "ServiceUnavailable"
  | "Timeout";

export interface StatusCause {
  reason?: string;
  type?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

const CODES: Record<StatusReason, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  Invalid: 422,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
  Timeout: 504,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    /** Machine-readable code for /v1 clients; defaults to the reason in snake_case. */
    readonly code: string = snakeCase(reason),
  ) {
    super(message);
    this.status = CODES[reason];
  }
}

function snakeCase(s: string): string {
  return s.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

export const badRequest = (message: string, code?: string) =>
  new ApiError("BadRequest", message, undefined, code);
export const unauthorized = (message = "Unauthorized") => new ApiError("Unauthorized", message);
export const forbidden = (message: string, code?: string) =>
  new ApiError("Forbidden", message, undefined, code);
export const notFoundError = (message: string, details?: StatusDetails) =>
  new ApiError("NotFound", message, details);
export const conflictError = (message: string, details?: StatusDetails, code?: string) =>
  new ApiError("Conflict", message, details, code);
