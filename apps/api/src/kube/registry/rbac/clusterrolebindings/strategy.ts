import type { Strategy } from "../../types.ts";
import { defaultBinding, validateBinding, validateBindingUpdate } from "../rbac-validation.ts";

/** ClusterRoleBindings bind ClusterRoles only, and ServiceAccount subjects name their namespace. */
export const clusterRoleBindingStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: false,
  nameValidation: "path-segment",
  applyDefaults: defaultBinding,
  validate: (obj) => validateBinding(obj, false),
  validateUpdate: (next, prev) => validateBindingUpdate(next, prev, false),
};
