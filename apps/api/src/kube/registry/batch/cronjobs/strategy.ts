import { carryStatusAndGeneration, resetForCreate, specChanged } from "../../apps/workload-lifecycle.ts";
import type { Strategy } from "../../types.ts";
import { defaultCronJob } from "./defaults.ts";
import { validateCronJob, validateCronJobUpdate } from "./validation.ts";

/** batch/v1 CronJobs (pkg/registry/batch/cronjob/strategy.go, release-1.32). */
export const cronJobStrategy: Strategy = {
  hasStatusSubresource: true,
  tracksGeneration: true,
  applyDefaults: defaultCronJob,
  prepareForCreate(obj) {
    resetForCreate(obj, {});
  },
  prepareForUpdate(next, prev) {
    defaultCronJob(next);
    carryStatusAndGeneration(next, prev, specChanged(next, prev));
  },
  validate: (obj) => validateCronJob(obj),
  validateUpdate: (next, prev) => validateCronJobUpdate(next, prev),
};
