import { ApiError } from "../../errors.ts";
import type { IncludeObject } from "../printers/index.ts";

/** Does the client ask for a meta.k8s.io Table (`kubectl get` does) — and which version? */
export function tableVersion(
  accept: string | undefined,
): "meta.k8s.io/v1" | "meta.k8s.io/v1beta1" | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(",")) {
    const params = part.split(";").map((p) => p.trim());
    if (!params.includes("as=Table") || !params.includes("g=meta.k8s.io")) continue;
    if (params.includes("v=v1")) return "meta.k8s.io/v1";
    if (params.includes("v=v1beta1")) return "meta.k8s.io/v1beta1";
  }
  return undefined;
}

export function includeObjectParam(query: URLSearchParams): IncludeObject {
  const value = query.get("includeObject") ?? "";
  if (!["", "None", "Metadata", "Object"].includes(value)) {
    throw new ApiError("BadRequest", `unrecognized includeObject value: "${value}"`);
  }
  return value as IncludeObject;
}
