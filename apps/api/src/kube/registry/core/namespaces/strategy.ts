/**
 * The Namespace strategy (pkg/registry/core/namespace/strategy.go and SetDefaults_Namespace,
 * release-1.32): Active on creation, the `kubernetes` finalizer, and the immutable
 * `kubernetes.io/metadata.name` label that namespace selectors rely on.
 */
import { labelKeyErrors } from "../../../selectors/index.ts";
import { type FieldError, invalidField } from "../../../validation/field-errors.ts";
import type { Strategy } from "../../types.ts";
import { asArray, asObject, asString, ensureObject } from "../json.ts";

export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
const STANDARD_FINALIZERS = new Set(["kubernetes"]);

/** validateFinalizerName, reported (as upstream does) on the list path without an index. */
function validateFinalizers(finalizers: unknown): FieldError[] {
  const errs: FieldError[] = [];
  for (const raw of asArray(finalizers)) {
    const name = asString(raw);
    for (const msg of labelKeyErrors(name)) errs.push(invalidField("spec.finalizers", name, msg));
    if (!name.includes("/") && !STANDARD_FINALIZERS.has(name)) {
      errs.push(
        invalidField(
          "spec.finalizers",
          name,
          "name is neither a standard finalizer name nor is it fully qualified",
        ),
      );
    }
  }
  return errs;
}

export const namespaceStrategy: Strategy = {
  hasStatusSubresource: true,
  tracksGeneration: false,
  nameValidation: "dns-label",
  applyDefaults(ns) {
    if (ns.metadata.name)
      ns.metadata.labels = { ...ns.metadata.labels, [NAMESPACE_NAME_LABEL]: ns.metadata.name };
    const status = ensureObject(ns, "status");
    if (!status.phase) status.phase = "Active";
  },
  prepareForCreate(ns) {
    ns.status = { phase: "Active" };
    const spec = ensureObject(ns, "spec");
    const finalizers = asArray(spec.finalizers);
    spec.finalizers = finalizers.includes("kubernetes") ? finalizers : [...finalizers, "kubernetes"];
  },
  prepareForUpdate(next, prev) {
    const spec = ensureObject(next, "spec");
    const finalizers = asObject(prev.spec)?.finalizers;
    if (finalizers === undefined) delete spec.finalizers;
    else spec.finalizers = structuredClone(finalizers);
    if (prev.status === undefined) delete next.status;
    else next.status = structuredClone(prev.status);
  },
  validate: (ns) => validateFinalizers(asObject(ns.spec)?.finalizers),
  validateUpdate: () => [],
};
