import type { Controller } from "../controller.ts";

/** Placeholder until this controller lands: wakes on nothing, does nothing. */
export const statefulsetController: Controller = {
  name: "statefulset",
  keysFor: () => [],
  reconcile: async () => undefined,
};
