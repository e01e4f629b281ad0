import type { Controller } from "../controllers/controller.ts";

/** Placeholder until this controller lands: wakes on nothing, does nothing. */
export const schedulerController: Controller = {
  name: "scheduler",
  keysFor: () => [],
  reconcile: async () => undefined,
};
