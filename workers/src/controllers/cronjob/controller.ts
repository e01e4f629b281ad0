import type { Controller } from "../controller.ts";

/** Placeholder until this controller lands: wakes on nothing, does nothing. */
export const cronjobController: Controller = {
  name: "cronjob",
  keysFor: () => [],
  reconcile: async () => undefined,
};
