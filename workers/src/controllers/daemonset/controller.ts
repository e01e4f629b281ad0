import type { Controller } from "../controller.ts";

/** Placeholder until this controller lands: wakes on nothing, does nothing. */
export const daemonsetController: Controller = {
  name: "daemonset",
  keysFor: () => [],
  reconcile: async () => undefined,
};
