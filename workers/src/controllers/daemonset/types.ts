import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import type { LabelSelectorObject } from "../../../../apps/api/src/kube/selectors/index.ts";
import type { IntOrPercent } from "../shared/int-or-percent.ts";
import type { PodTemplate } from "../shared/pod-from-template.ts";

/** The parts of an apps/v1 DaemonSet the controller reads (defaults already applied by the API). */
export interface DaemonSetSpec {
  selector?: LabelSelectorObject;
  template?: PodTemplate;
  updateStrategy?: {
    type?: "RollingUpdate" | "OnDelete";
    rollingUpdate?: { maxUnavailable?: IntOrPercent; maxSurge?: IntOrPercent };
  };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

export const DAEMONSETS = { group: "apps", version: "v1", resource: "daemonsets" };
export const COMPONENT = "daemonset-controller";

/** The pod label naming the revision a daemon pod was made from (apps.DefaultDaemonSetUniqueLabelKey). */
export const HASH_LABEL = "controller-revision-hash";
/** The pre-revision label with the template generation (extensions.DaemonSetTemplateGenerationKey). */
export const TEMPLATE_GENERATION_LABEL = "pod-template-generation";
export const TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";

export function specOf(ds: KubeObject): DaemonSetSpec {
  return (ds.spec ?? {}) as DaemonSetSpec;
}

export function minReadySecondsOf(ds: KubeObject): number {
  return specOf(ds).minReadySeconds ?? 0;
}

/** util.GetTemplateGeneration: the annotation's integer, undefined when absent or unparsable. */
export function templateGeneration(ds: KubeObject): string | undefined {
  const raw = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return raw !== undefined && /^[+-]?\d+$/.test(raw) ? String(Number.parseInt(raw, 10)) : undefined;
}

/** util.IsPodUpdated: the pod carries the current hash, or the current template generation. */
export function isPodUpdated(pod: KubeObject, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata.labels ?? {};
  return (
    (hash.length > 0 && labels[HASH_LABEL] === hash) ||
    (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation)
  );
}
