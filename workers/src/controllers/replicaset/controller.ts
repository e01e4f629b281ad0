import type { Controller } from "../controller.ts";

/** Placeholder until this controller lands: wakes on nothing, does nothing. */
export const replicasetController: Controller = {
  name: "replicaset",
  keysFor: () => [],
  reconcile: async () => undefined,
};
