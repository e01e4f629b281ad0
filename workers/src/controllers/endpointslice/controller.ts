import type { Controller } from "../controller.ts";

/** Placeholder until this controller lands: wakes on nothing, does nothing. */
export const endpointsliceController: Controller = {
  name: "endpointslice",
  keysFor: () => [],
  reconcile: async () => undefined,
};
