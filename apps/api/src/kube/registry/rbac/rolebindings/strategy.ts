import type { Strategy } from "../../types.ts";
import { defaultBinding, validateBinding, validateBindingUpdate } from "../rbac-validation.ts";

/** rbac.authorization.k8s.io/v1 RoleBindings: the roleRef never changes once created. */
export const roleBindingStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: false,
  nameValidation: "path-segment",
  applyDefaults: defaultBinding,
  validate: (obj) => validateBinding(obj, true),
  validateUpdate: (next, prev) => validateBindingUpdate(next, prev, true),
};
