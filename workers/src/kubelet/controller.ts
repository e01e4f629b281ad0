import type { Controller } from "../controllers/controller.ts";

/** Placeholder until this controller lands: wakes on nothing, does nothing. */
export const kubeletController: Controller = {
  name: "kubelet",
  keysFor: () => [],
  reconcile: async () => undefined,
};
