import type { KubeObject } from "../../../object/types.ts";
import { ensureObject } from "../../support/json.ts";

export const DEFAULT_INGRESS_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";
const INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

/**
 * The DefaultIngressClass admission plugin (plugin/pkg/admission/network/defaultingressclass,
 * release-1.32): an Ingress created without a class, by field or legacy annotation, gets the default
 * IngressClass; with several defaults, the newest wins (ties: the smaller name).
 */
export function admitDefaultIngressClass(ingress: KubeObject, ingressClasses: readonly KubeObject[]): void {
  const spec = ensureObject(ingress, "spec");
  if (typeof spec.ingressClassName === "string") return;
  if (ingress.metadata.annotations?.[INGRESS_CLASS_ANNOTATION] !== undefined) return;
  const defaults = ingressClasses.filter(
    (c) => c.metadata.annotations?.[DEFAULT_INGRESS_CLASS_ANNOTATION] === "true",
  );
  const created = (c: KubeObject) => Date.parse(c.metadata.creationTimestamp ?? "") || 0;
  defaults.sort(
    (a, b) => created(b) - created(a) || ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1),
  );
  const chosen = defaults[0]?.metadata.name;
  if (chosen !== undefined) spec.ingressClassName = chosen;
}
