import type { Controller } from "../controller.ts";

/** Placeholder until this controller lands: wakes on nothing, does nothing. */
export const nodeLifecycleController: Controller = {
  name: "node-lifecycle",
  keysFor: () => [],
  reconcile: async () => undefined,
};
