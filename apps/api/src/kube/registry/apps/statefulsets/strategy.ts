import type { Strategy } from "../../types.ts";
import { carryStatusAndGeneration, resetForCreate, specChanged } from "../workload-lifecycle.ts";
import { defaultStatefulSet } from "./defaults.ts";
import { validateStatefulSet, validateStatefulSetUpdate } from "./validation.ts";

/**
 * apps/v1 StatefulSets (pkg/registry/apps/statefulset/strategy.go, release-1.32). Names are DNS
 * labels: they become pod hostnames.
 */
export const statefulSetStrategy: Strategy = {
  hasStatusSubresource: true,
  tracksGeneration: true,
  nameValidation: "dns-label",
  applyDefaults: defaultStatefulSet,
  prepareForCreate(obj) {
    resetForCreate(obj, { replicas: 0, availableReplicas: 0 });
  },
  prepareForUpdate(next, prev) {
    defaultStatefulSet(next);
    carryStatusAndGeneration(next, prev, specChanged(next, prev));
  },
  validate: (obj) => validateStatefulSet(obj),
  validateUpdate: (next, prev) => validateStatefulSetUpdate(next, prev),
};
