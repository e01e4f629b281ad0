import type { Controller } from "../controller.ts";

/** Placeholder until this controller lands: wakes on nothing, does nothing. */
export const endpointsController: Controller = {
  name: "endpoints",
  keysFor: () => [],
  reconcile: async () => undefined,
};
