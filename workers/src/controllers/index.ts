import { kubeletController } from "../kubelet/controller.ts";
import { schedulerController } from "../scheduler/controller.ts";
import type { Controller } from "./controller.ts";
import { cronjobController } from "./cronjob/controller.ts";
import { daemonsetController } from "./daemonset/controller.ts";
import { deploymentController } from "./deployment/controller.ts";
import { disruptionController } from "./disruption/controller.ts";
import { endpointsController } from "./endpoints/controller.ts";
import { endpointsliceController } from "./endpointslice/controller.ts";
import { jobController } from "./job/controller.ts";
import { namespaceController } from "./namespace/controller.ts";
import { namespaceDefaultsController } from "./namespace-defaults/controller.ts";
import { nodeLifecycleController } from "./node-lifecycle/controller.ts";
import { persistentvolumeBinderController } from "./persistentvolume-binder/controller.ts";
import { podgcController } from "./podgc/controller.ts";
import { replicasetController } from "./replicaset/controller.ts";
import { resourcequotaController } from "./resourcequota/controller.ts";
import { resyncController } from "./resync/controller.ts";
import { statefulsetController } from "./statefulset/controller.ts";

/**
 * Everything the workers reconcile: kube-controller-manager's controllers (one folder each under
 * controllers/), the scheduler and the simulated kubelet. Each has its own queue.
 */
export const CONTROLLERS: readonly Controller[] = [
  namespaceDefaultsController,
  namespaceController,
  schedulerController,
  kubeletController,
  deploymentController,
  replicasetController,
  statefulsetController,
  daemonsetController,
  jobController,
  cronjobController,
  endpointsController,
  endpointsliceController,
  nodeLifecycleController,
  persistentvolumeBinderController,
  disruptionController,
  podgcController,
  resourcequotaController,
  // Last, and reading the list lazily: it offers every object to every controller above.
  resyncController(() => CONTROLLERS),
];
