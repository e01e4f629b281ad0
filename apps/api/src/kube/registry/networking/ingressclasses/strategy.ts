import type { KubeObject } from "../../../object/types.ts";
import type { FieldError } from "../../../validation/field-errors.ts";
import {
  forbiddenField,
  invalidField,
  notSupportedField,
  requiredField,
  tooLongField,
} from "../../../validation/field-errors.ts";
import { carryGeneration, specChanged } from "../../apps/workload-lifecycle.ts";
import { dns1123LabelErrors, domainPrefixedPathErrors, immutable } from "../../support/field-rules.ts";
import { defaultValue, type JsonObject, objectAt } from "../../support/json.ts";
import type { Strategy } from "../../types.ts";
import { validateTypedLocalObjectReference } from "../ingresses/validation.ts";

/** SetDefaults_IngressClass: parameters without a scope refer to a cluster-scoped object. */
export function defaultIngressClass(obj: JsonObject): void {
  const parameters = objectAt(objectAt(obj, "spec"), "parameters");
  if (parameters !== undefined) defaultValue(parameters, "scope", "Cluster");
}

function validateParameters(params: JsonObject | undefined, path: string): FieldError[] {
  if (params === undefined) return [];
  const errs = validateTypedLocalObjectReference(params, path);
  const scope = params.scope;
  if (scope === undefined || scope === null) return [...errs, requiredField(`${path}.scope`)];
  if (scope !== "Cluster" && scope !== "Namespace")
    return [...errs, notSupportedField(`${path}.scope`, scope, ["Cluster", "Namespace"])];
  const namespace = params.namespace;
  if (scope === "Namespace") {
    if (typeof namespace !== "string")
      errs.push(requiredField(`${path}.namespace`, "`parameters.scope` is set to 'Namespace'"));
    // ValidateNamespaceName: namespaces are DNS labels.
    else
      for (const msg of dns1123LabelErrors(namespace))
        errs.push(invalidField(`${path}.namespace`, namespace, msg));
  }
  if (scope === "Cluster" && namespace !== undefined && namespace !== null) {
    errs.push(forbiddenField(`${path}.namespace`, "`parameters.scope` is set to 'Cluster'"));
  }
  return errs;
}

/** ValidateIngressClass (pkg/apis/networking/validation/validation.go, release-1.32). */
export function validateIngressClass(obj: KubeObject): FieldError[] {
  const spec = objectAt(obj, "spec") ?? {};
  const controller = typeof spec.controller === "string" ? spec.controller : "";
  const errs: FieldError[] = [];
  if (controller.length > 250) errs.push(tooLongField("spec.controller", 250));
  errs.push(...domainPrefixedPathErrors("spec.controller", controller));
  errs.push(...validateParameters(objectAt(spec, "parameters"), "spec.parameters"));
  return errs;
}

/** ValidateIngressClassUpdate: the controller is immutable. */
export function validateIngressClassUpdate(next: KubeObject, prev: KubeObject): FieldError[] {
  const controller = (o: KubeObject) => objectAt(o, "spec")?.controller ?? "";
  return [...immutable("spec.controller", controller(next), controller(prev)), ...validateIngressClass(next)];
}

/** networking.k8s.io/v1 IngressClasses: cluster-scoped, spec only, generation counted. */
export const ingressClassStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: true,
  applyDefaults: defaultIngressClass,
  prepareForCreate(obj) {
    obj.metadata.generation = 1;
  },
  prepareForUpdate(next, prev) {
    defaultIngressClass(next);
    carryGeneration(next, prev, specChanged(next, prev));
  },
  validate: (obj) => validateIngressClass(obj),
  validateUpdate: (next, prev) => validateIngressClassUpdate(next, prev),
};
