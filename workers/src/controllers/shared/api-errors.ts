import { ApiError } from "../../../../apps/api/src/errors.ts";

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.reason === "NotFound";
}

/** A create refused because its namespace is being deleted (v1.NamespaceTerminatingCause). */
export function isNamespaceTerminating(err: unknown): boolean {
  return (
    err instanceof ApiError &&
    err.reason === "Forbidden" &&
    (err.details?.causes ?? []).some((c) => c.reason === "NamespaceTerminating")
  );
}
