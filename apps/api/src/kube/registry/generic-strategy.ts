import type { Strategy } from "./types.ts";

/** Kinds without a spec/status split and without generation: ConfigMap, Secret, ServiceAccount … */
export const plainStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: false,
};

/** Kinds with spec and status: status only through /status, generation counts spec changes. */
export const specStatusStrategy: Strategy = {
  hasStatusSubresource: true,
  tracksGeneration: true,
  prepareForCreate(obj) {
    delete obj.status;
  },
  prepareForUpdate(next, prev) {
    if (prev.status === undefined) delete next.status;
    else next.status = prev.status;
  },
};
