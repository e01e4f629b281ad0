import type { KubeObject } from "../../../object/types.ts";
import { semanticEqual } from "../../support/json.ts";
import type { Strategy } from "../../types.ts";
import { carryStatusAndGeneration, resetForCreate, specChanged } from "../workload-lifecycle.ts";
import { defaultDaemonSet } from "./defaults.ts";
import { validateDaemonSet, validateDaemonSetUpdate } from "./validation.ts";

/**
 * The internal spec.templateGeneration, which apps/v1 carries in this annotation
 * (pkg/apis/apps/v1/conversion.go).
 */
export const TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";

function templateGeneration(obj: KubeObject): number {
  const raw = obj.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  const n = raw !== undefined && /^[+-]?[0-9]+$/.test(raw) ? Number.parseInt(raw, 10) : 0;
  return Number.isFinite(n) ? n : 0;
}

function setTemplateGeneration(obj: KubeObject, value: number): void {
  if (value === 0) {
    if (obj.metadata.annotations) delete obj.metadata.annotations[TEMPLATE_GENERATION_ANNOTATION];
    return;
  }
  obj.metadata.annotations = {
    ...(obj.metadata.annotations ?? {}),
    [TEMPLATE_GENERATION_ANNOTATION]: String(value),
  };
}

/**
 * apps/v1 DaemonSets (pkg/registry/apps/daemonset/strategy.go, release-1.32): the template generation
 * starts at 1, cannot be set by clients and increases with every template change.
 */
export const daemonSetStrategy: Strategy = {
  hasStatusSubresource: true,
  tracksGeneration: true,
  applyDefaults: defaultDaemonSet,
  prepareForCreate(obj) {
    resetForCreate(obj, {
      currentNumberScheduled: 0,
      numberMisscheduled: 0,
      desiredNumberScheduled: 0,
      numberReady: 0,
    });
    if (templateGeneration(obj) < 1) setTemplateGeneration(obj, 1);
  },
  prepareForUpdate(next, prev) {
    defaultDaemonSet(next);
    const previous = templateGeneration(prev);
    const templateChanged = !semanticEqual(
      (next.spec as { template?: unknown } | undefined)?.template,
      (prev.spec as { template?: unknown } | undefined)?.template,
    );
    setTemplateGeneration(next, templateChanged ? previous + 1 : previous);
    carryStatusAndGeneration(next, prev, templateChanged || specChanged(next, prev));
  },
  validate: (obj) => validateDaemonSet(obj),
  validateUpdate: (next, prev) => validateDaemonSetUpdate(next, prev),
};
