import type { Controller } from "./controller.ts";
import { namespaceDefaultsController } from "./namespace-defaults/reconcile.ts";

/** Every controller the workers run (kube-controller-manager's, one folder each). */
export const CONTROLLERS: readonly Controller[] = [namespaceDefaultsController];
