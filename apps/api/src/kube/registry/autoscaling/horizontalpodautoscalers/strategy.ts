import type { Strategy } from "../../types.ts";
import { defaultHorizontalPodAutoscaler } from "./defaults.ts";
import { validateHorizontalPodAutoscaler, validateHorizontalPodAutoscalerUpdate } from "./validation.ts";

/**
 * HorizontalPodAutoscalers, stored as autoscaling/v2 (pkg/registry/autoscaling/horizontalpodautoscaler,
 * release-1.32). Upstream keeps no generation for them; a new one starts with the status v2 always
 * serializes (`desiredReplicas: 0`, `currentMetrics: null`).
 */
export const horizontalPodAutoscalerStrategy: Strategy = {
  hasStatusSubresource: true,
  tracksGeneration: false,
  applyDefaults: defaultHorizontalPodAutoscaler,
  prepareForCreate(obj) {
    obj.status = { desiredReplicas: 0, currentMetrics: null };
  },
  prepareForUpdate(next, prev) {
    if (prev.status === undefined) delete next.status;
    else next.status = prev.status;
  },
  validate: (obj) => validateHorizontalPodAutoscaler(obj),
  validateUpdate: (next, prev) => validateHorizontalPodAutoscalerUpdate(next, prev),
};
