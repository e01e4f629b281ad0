import type { LabelSelectorObject } from "../../../../apps/api/src/kube/selectors/index.ts";

/**
 * A *metav1.LabelSelector as Go's %v prints it (its generated String()), which is how upstream's
 * UnmanagedPods event shows the budget's selector.
 */
export function formatSelector(selector: LabelSelectorObject | null | undefined): string {
  if (!selector) return "nil";
  const labels = Object.keys(selector.matchLabels ?? {})
    .sort()
    .map((key) => `${key}: ${selector.matchLabels?.[key]},`)
    .join("");
  const expressions = (selector.matchExpressions ?? [])
    .map(
      (e) =>
        `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(" ")}],},`,
    )
    .join("");
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${expressions}},}`;
}
