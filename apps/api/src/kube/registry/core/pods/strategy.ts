/**
 * The Pod strategy (pkg/registry/core/pod/strategy.go, release-1.32) with the admission plugins a
 * real cluster runs on creation. Pods have a status subresource but no metadata.generation in 1.32.
 */
import { cloneJson } from "../../../object/equality.ts";
import type { KubeObject, Strategy } from "../../types.ts";
import { withDecodeErrors } from "../decode-error.ts";
import { asArray, ensureObject } from "../json.ts";
import {
  addDefaultTolerations,
  admitPriority,
  defaultServiceAccountName,
  mountServiceAccountToken,
  shouldAutomountToken,
} from "./admission.ts";
import { defaultPod } from "./pod-spec-defaults.ts";
import { validatePodCreate, validatePodStatusUpdate, validatePodUpdate } from "./pod-validation.ts";
import { computeQosClass } from "./qos.ts";

const defaults = (pod: KubeObject) => withDecodeErrors("Pod", "v1", () => defaultPod(pod));

export const podStrategy: Strategy = {
  hasStatusSubresource: true,
  gracefulDeleteSeconds(pod, requested) {
    // pkg/registry/core/pod/strategy.go CheckGracefulDelete: a pod no kubelet runs, or one that
    // finished, goes at once; otherwise the asked grace or the pod's own.
    const spec = pod.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (!spec?.nodeName || phase === "Succeeded" || phase === "Failed") return 0;
    const grace = requested ?? spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, grace);
  },
  tracksGeneration: false,
  applyDefaults: defaults,
  prepareForCreate(pod) {
    // Defaults come before PrepareForCreate upstream (at decode); qosClass depends on them.
    defaults(pod);
    const spec = ensureObject(pod, "spec");
    defaultServiceAccountName(spec);
    addDefaultTolerations(spec);
    const status: Record<string, unknown> = { phase: "Pending", qosClass: computeQosClass(spec) };
    if (asArray(spec.schedulingGates).length > 0) {
      status.conditions = [
        {
          type: "PodScheduled",
          status: "False",
          lastProbeTime: null,
          lastTransitionTime: null,
          reason: "SchedulingGated",
          message: "Scheduling is blocked due to non-empty scheduling gates",
        },
      ];
    }
    pod.status = status;
  },
  prepareForUpdate(next, prev) {
    if (prev.status === undefined) delete next.status;
    else next.status = cloneJson(prev.status);
  },
  validate: (pod) => validatePodCreate(pod),
  validateUpdate: (next, prev) => validatePodUpdate(next, prev),
  validateStatusUpdate: (next) => validatePodStatusUpdate(next),
  async beforeCreate(pod, ctx) {
    const spec = ensureObject(pod, "spec");
    await admitPriority(pod, pod.metadata.name ?? "", ctx.tx);
    if (await shouldAutomountToken(spec, pod.metadata.namespace ?? "", ctx.tx))
      mountServiceAccountToken(spec);
  },
};
