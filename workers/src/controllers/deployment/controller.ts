import type { Controller } from "../controller.ts";

/** Placeholder until this controller lands: wakes on nothing, does nothing. */
export const deploymentController: Controller = {
  name: "deployment",
  keysFor: () => [],
  reconcile: async () => undefined,
};
