import type { Controller } from "../controller.ts";

/** Placeholder until this controller lands: wakes on nothing, does nothing. */
export const persistentvolumeBinderController: Controller = {
  name: "persistentvolume-binder",
  keysFor: () => [],
  reconcile: async () => undefined,
};
