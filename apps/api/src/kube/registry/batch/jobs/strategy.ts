import { randomUUID } from "node:crypto";
import { carryStatusAndGeneration, resetForCreate, specChanged } from "../../apps/workload-lifecycle.ts";
import type { Strategy } from "../../types.ts";
import { defaultJob } from "./defaults.ts";
import { generateJobSelector } from "./selector.ts";
import { validateJob, validateJobUpdate } from "./validation.ts";

/**
 * batch/v1 Jobs (pkg/registry/batch/job/strategy.go, release-1.32). The selector is generated from the
 * uid on create; kube-apiserver fills system fields before calling the strategy, so a Job without a
 * uid gets it here (the store keeps a uid it is given).
 */
export const jobStrategy: Strategy = {
  hasStatusSubresource: true,
  tracksGeneration: true,
  applyDefaults: defaultJob,
  prepareForCreate(obj) {
    if (!obj.metadata.uid) obj.metadata.uid = randomUUID();
    generateJobSelector(obj);
    resetForCreate(obj, {});
  },
  prepareForUpdate(next, prev) {
    defaultJob(next);
    carryStatusAndGeneration(next, prev, specChanged(next, prev));
  },
  validate: (obj) => validateJob(obj),
  validateUpdate: (next, prev) => validateJobUpdate(next, prev),
};
