import { semanticEqual } from "../../support/json.ts";
import type { Strategy } from "../../types.ts";
import { carryStatusAndGeneration, resetForCreate, specChanged } from "../workload-lifecycle.ts";
import { defaultDeployment } from "./defaults.ts";
import { validateDeployment, validateDeploymentUpdate } from "./validation.ts";

/**
 * apps/v1 Deployments (pkg/registry/apps/deployment/strategy.go, release-1.32). Annotations bump the
 * generation too, because the controller copies them onto the ReplicaSets.
 */
export const deploymentStrategy: Strategy = {
  hasStatusSubresource: true,
  tracksGeneration: true,
  applyDefaults: defaultDeployment,
  prepareForCreate(obj) {
    resetForCreate(obj, {});
  },
  prepareForUpdate(next, prev) {
    // Upstream compares objects that were defaulted when decoded; do the same before comparing.
    defaultDeployment(next);
    const changed =
      specChanged(next, prev) || !semanticEqual(next.metadata.annotations, prev.metadata.annotations);
    carryStatusAndGeneration(next, prev, changed);
  },
  validate: (obj) => validateDeployment(obj),
  validateUpdate: (next, prev) => validateDeploymentUpdate(next, prev),
};
