import type { JsonObject, KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { controllerRefTo } from "./owners.ts";

/** v1.PodTemplateSpec as JSON: what workloads carry in spec.template. */
export interface PodTemplate {
  metadata?: {
    labels?: Record<string, string> | null;
    annotations?: Record<string, string> | null;
    finalizers?: string[] | null;
    [key: string]: unknown;
  } | null;
  spec?: JsonObject;
}

/**
 * controller.GetPodFromTemplate: a pod with the template's labels, annotations, finalizers and spec,
 * named `<owner>-<5 random characters>` by the API server (generateName), controlled by `owner`.
 */
export function podFromTemplate(template: PodTemplate | undefined, owner: KubeObject): KubeObject {
  const meta = template?.metadata ?? {};
  const ownerName = owner.metadata.name ?? "";
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: podNamePrefix(ownerName),
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers?.length ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRefTo(owner)],
    },
    spec: structuredClone(template?.spec ?? {}),
  };
}

/** getPodsPrefix: `<name>-`, unless the dash would make the prefix an invalid pod name. */
function podNamePrefix(ownerName: string): string {
  const prefix = `${ownerName}-`;
  // A generateName prefix is checked without its last character's DNS rules (it gets a suffix),
  // so the dash only fails when the whole prefix is too long for a name.
  return prefix.length <= 253 ? prefix : ownerName;
}
