import type { Controller } from "../controller.ts";

/** Placeholder until this controller lands: wakes on nothing, does nothing. */
export const disruptionController: Controller = {
  name: "disruption",
  keysFor: () => [],
  reconcile: async () => undefined,
};
