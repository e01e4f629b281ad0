import { carryStatusAndGeneration, resetForCreate, specChanged } from "../../apps/workload-lifecycle.ts";
import type { Strategy } from "../../types.ts";
import { admitDefaultIngressClass } from "./default-class.ts";
import { validateIngress, validateIngressUpdate } from "./validation.ts";

/** networking.k8s.io/v1 Ingresses (pkg/registry/networking/ingress/strategy.go, release-1.32). */
export const ingressStrategy: Strategy = {
  hasStatusSubresource: true,
  tracksGeneration: true,
  prepareForCreate(obj) {
    resetForCreate(obj, { loadBalancer: {} });
  },
  prepareForUpdate(next, prev) {
    carryStatusAndGeneration(next, prev, specChanged(next, prev));
  },
  async beforeCreate(obj, ctx) {
    admitDefaultIngressClass(obj, await ctx.tx.lookupList("networking.k8s.io", "ingressclasses"));
  },
  validate: (obj) => validateIngress(obj),
  validateUpdate: (next, prev) => validateIngressUpdate(next, prev),
};
