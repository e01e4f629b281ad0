import type { Strategy } from "../../types.ts";
import { validateRoleRules } from "../rbac-validation.ts";

/** rbac.authorization.k8s.io/v1 Roles: names are path segments, rules may not name URLs. */
export const roleStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: false,
  nameValidation: "path-segment",
  validate: (obj) => validateRoleRules(obj, true),
  validateUpdate: (next) => validateRoleRules(next, true),
};
