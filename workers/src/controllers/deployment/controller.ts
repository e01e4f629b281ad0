import type { Controller } from "../controller.ts";
import { CONTROLLER_NAME, deploymentKeysFor, ORPHANS, wakeDeploymentsSelectingOrphans } from "./keys.ts";
import { syncDeployment } from "./sync-deployment.ts";

/**
 * kube-controller-manager's Deployment controller: ReplicaSets named `<deployment>-<pod-template-hash>`,
 * rolled out with RollingUpdate (maxSurge/maxUnavailable) or Recreate, revisions and history,
 * pause/resume, proportional scaling, and the status and conditions `kubectl rollout status` reads.
 */
export const deploymentController: Controller = {
  name: CONTROLLER_NAME,
  keysFor: deploymentKeysFor,
  async reconcile(runtime, key) {
    if (key.name === ORPHANS) {
      await wakeDeploymentsSelectingOrphans(runtime, key);
      return undefined;
    }
    return syncDeployment(runtime, key);
  },
};
