import type { Strategy } from "../../types.ts";
import { validateRoleRules } from "../rbac-validation.ts";

/** ClusterRoles: like Roles, plus non-resource URLs and aggregation rules. */
export const clusterRoleStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: false,
  nameValidation: "path-segment",
  validate: (obj) => validateRoleRules(obj, false),
  validateUpdate: (next) => validateRoleRules(next, false),
};
