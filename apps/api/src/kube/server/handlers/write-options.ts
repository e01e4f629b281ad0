import { ApiError } from "../../../errors.ts";
import type { KubeRequest } from "./context.ts";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** Query parameters every write takes. */
export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  fieldValidation: FieldValidation;
  force: boolean;
}

export function writeOptions(req: KubeRequest): WriteOptions {
  const q = req.query;
  const dryRun = q.getAll("dryRun");
  for (const d of dryRun) {
    if (d !== "All") throw new ApiError("BadRequest", `Invalid dryRun value: ${d}, only "All" is supported`);
  }
  const validation = q.get("fieldValidation") ?? "Warn";
  if (!["Strict", "Warn", "Ignore"].includes(validation)) {
    throw new ApiError(
      "BadRequest",
      `fieldValidation ${validation} is invalid: valid values are "Ignore", "Warn", "Strict"`,
    );
  }
  const manager = q.get("fieldManager") ?? defaultManager(req.userAgent);
  if (manager.length > 128)
    throw new ApiError("BadRequest", "fieldManager: Too long: may not be more than 128 bytes");
  return {
    dryRun: dryRun.length > 0,
    fieldManager: manager,
    fieldValidation: validation as FieldValidation,
    force: q.get("force") === "true",
  };
}

/** Without fieldManager, kube-apiserver names the manager after the user agent's first word. */
function defaultManager(userAgent: string | undefined): string {
  const first = (userAgent ?? "unknown").split("/")[0]!.trim();
  return first || "unknown";
}
