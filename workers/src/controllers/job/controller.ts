import type { Controller } from "../controller.ts";

/** Placeholder until this controller lands: wakes on nothing, does nothing. */
export const jobController: Controller = {
  name: "job",
  keysFor: () => [],
  reconcile: async () => undefined,
};
