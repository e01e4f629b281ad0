import { isIP } from "node:net";
import type { KubeObject } from "../../../object/types.ts";
import { dns1123SubdomainErrors } from "../../../selectors/index.ts";
import type { FieldError } from "../../../validation/field-errors.ts";
import { invalidField, notSupportedField, requiredField } from "../../../validation/field-errors.ts";
import {
  dns1035LabelErrors,
  invalidRendered,
  pathSegmentNameErrors,
  portNameErrors,
  portNumErrors,
  wildcardDns1123SubdomainErrors,
} from "../../support/field-rules.ts";
import { type JsonObject, objectAt, objectsAt } from "../../support/json.ts";

/*
 * networking.k8s.io/v1 Ingress validation (pkg/apis/networking/validation/validation.go, release-1.32).
 */

const PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"];
const INVALID_PATH_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"];
const INVALID_PATH_SUFFIXES = ["/..", "/."];
const INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

interface IngressOptions {
  allowInvalidSecretName: boolean;
  allowInvalidWildcardHostRule: boolean;
}

/** validateIngressTypedLocalObjectReference: a resource backend or IngressClass parameters. */
export function validateTypedLocalObjectReference(ref: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof ref.apiGroup === "string") {
    for (const msg of dns1123SubdomainErrors(ref.apiGroup))
      errs.push(invalidField(`${path}.apiGroup`, ref.apiGroup, msg));
  }
  for (const key of ["kind", "name"]) {
    const v = typeof ref[key] === "string" ? (ref[key] as string) : "";
    if (v === "") errs.push(requiredField(`${path}.${key}`, `${key} is required`));
    else for (const msg of pathSegmentNameErrors(v)) errs.push(invalidField(`${path}.${key}`, v, msg));
  }
  return errs;
}

function validateBackend(backend: JsonObject | undefined, path: string): FieldError[] {
  const resource = objectAt(backend, "resource");
  const service = objectAt(backend, "service");
  if (resource !== undefined && service !== undefined) {
    return [invalidField(path, "", "cannot set both resource and service backends")];
  }
  if (resource !== undefined) return validateTypedLocalObjectReference(resource, `${path}.resource`);
  if (service === undefined) return [invalidField(path, "", "resource or service backend is required")];
  const errs: FieldError[] = [];
  const name = typeof service.name === "string" ? service.name : "";
  if (name === "") errs.push(requiredField(`${path}.service.name`));
  else for (const msg of dns1035LabelErrors(name)) errs.push(invalidField(`${path}.service.name`, name, msg));
  const port = objectAt(service, "port");
  const portName = typeof port?.name === "string" ? port.name : "";
  const portNumber = typeof port?.number === "number" ? port.number : 0;
  if (portName !== "" && portNumber !== 0)
    errs.push(invalidField(path, "", "cannot set both port name & port number"));
  else if (portName !== "") {
    for (const msg of portNameErrors(portName))
      errs.push(invalidField(`${path}.service.port.name`, portName, msg));
  } else if (portNumber !== 0) {
    for (const msg of portNumErrors(portNumber))
      errs.push(invalidField(`${path}.service.port.number`, portNumber, msg));
  } else {
    errs.push(requiredField(path, "port name or number is required"));
  }
  return errs;
}

function validatePath(p: JsonObject, path: string): FieldError[] {
  const pathType = p.pathType;
  if (pathType === undefined || pathType === null)
    return [requiredField(`${path}.pathType`, "pathType must be specified")];
  const errs: FieldError[] = [];
  const value = typeof p.path === "string" ? p.path : "";
  switch (pathType) {
    case "Exact":
    case "Prefix":
      if (!value.startsWith("/")) errs.push(invalidField(`${path}.path`, value, "must be an absolute path"));
      if (value.length > 0) {
        for (const seq of INVALID_PATH_SEQUENCES) {
          if (value.includes(seq))
            errs.push(invalidField(`${path}.path`, value, `must not contain '${seq}'`));
        }
        for (const suffix of INVALID_PATH_SUFFIXES) {
          if (value.endsWith(suffix))
            errs.push(invalidField(`${path}.path`, value, `cannot end with '${suffix}'`));
        }
      }
      break;
    case "ImplementationSpecific":
      if (value.length > 0 && !value.startsWith("/"))
        errs.push(invalidField(`${path}.path`, value, "must be an absolute path"));
      break;
    default:
      errs.push(notSupportedField(`${path}.pathType`, pathType, PATH_TYPES));
  }
  errs.push(...validateBackend(objectAt(p, "backend"), `${path}.backend`));
  return errs;
}

function validateRuleValue(rule: JsonObject, path: string): FieldError[] {
  const http = objectAt(rule, "http");
  if (http === undefined) return [];
  const paths = objectsAt(http, "paths");
  const errs: FieldError[] = paths.length === 0 ? [requiredField(`${path}.http.paths`)] : [];
  paths.forEach((p, i) => {
    errs.push(...validatePath(p, `${path}.http.paths[${i}]`));
  });
  return errs;
}

function hostErrors(host: string): string[] {
  return host.includes("*") ? wildcardDns1123SubdomainErrors(host) : dns1123SubdomainErrors(host);
}

function validateRules(rules: JsonObject[], opts: IngressOptions): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((rule, i) => {
    const at = `spec.rules[${i}]`;
    const host = typeof rule.host === "string" ? rule.host : "";
    const wildcard = host.includes("*");
    if (host.length > 0) {
      if (isIP(host) !== 0)
        errs.push(invalidField(`${at}.host`, host, "must be a DNS name, not an IP address"));
      for (const msg of hostErrors(host)) errs.push(invalidField(`${at}.host`, host, msg));
    }
    if (!wildcard || !opts.allowInvalidWildcardHostRule) errs.push(...validateRuleValue(rule, at));
  });
  return errs;
}

function validateTLS(tls: JsonObject[], opts: IngressOptions): FieldError[] {
  const errs: FieldError[] = [];
  tls.forEach((entry, i) => {
    const at = `spec.tls[${i}]`;
    (Array.isArray(entry.hosts) ? entry.hosts : []).forEach((host, j) => {
      const h = typeof host === "string" ? host : "";
      for (const msg of hostErrors(h)) errs.push(invalidField(`${at}.hosts[${j}]`, h, msg));
    });
    const secretName = typeof entry.secretName === "string" ? entry.secretName : "";
    if (!opts.allowInvalidSecretName && secretName.length > 0) {
      for (const msg of dns1123SubdomainErrors(secretName))
        errs.push(invalidField(`${at}.secretName`, secretName, msg));
    }
  });
  return errs;
}

/** ValidateIngressSpec */
function validateIngressSpec(spec: JsonObject, opts: IngressOptions): FieldError[] {
  const errs: FieldError[] = [];
  const rules = objectsAt(spec, "rules");
  const defaultBackend = objectAt(spec, "defaultBackend");
  if (rules.length === 0 && defaultBackend === undefined) {
    const rendered = Array.isArray(spec.rules)
      ? "[]networking.IngressRule{}"
      : "[]networking.IngressRule(nil)";
    errs.push(invalidRendered("spec", rendered, "either `defaultBackend` or `rules` must be specified"));
  }
  if (defaultBackend !== undefined) errs.push(...validateBackend(defaultBackend, "spec.defaultBackend"));
  if (rules.length > 0) errs.push(...validateRules(rules, opts));
  const tls = objectsAt(spec, "tls");
  if (tls.length > 0) errs.push(...validateTLS(tls, opts));
  if (typeof spec.ingressClassName === "string") {
    for (const msg of dns1123SubdomainErrors(spec.ingressClassName)) {
      errs.push(invalidField("spec.ingressClassName", spec.ingressClassName, msg));
    }
  }
  return errs;
}

/** ValidateIngressCreate: also, the legacy class annotation must agree with ingressClassName. */
export function validateIngress(obj: KubeObject): FieldError[] {
  const spec = objectAt(obj, "spec") ?? {};
  const errs = validateIngressSpec(spec, {
    allowInvalidSecretName: false,
    allowInvalidWildcardHostRule: false,
  });
  const annotation = obj.metadata.annotations?.[INGRESS_CLASS_ANNOTATION];
  if (
    annotation !== undefined &&
    typeof spec.ingressClassName === "string" &&
    annotation !== spec.ingressClassName
  ) {
    errs.push(
      invalidField(
        `annotations.${INGRESS_CLASS_ANNOTATION}`,
        annotation,
        "must match `ingressClassName` when both are specified",
      ),
    );
  }
  return errs;
}

/** ValidateIngressUpdate: stored objects that were valid under older rules stay updatable. */
export function validateIngressUpdate(next: KubeObject, prev: KubeObject): FieldError[] {
  const prevSpec = objectAt(prev, "spec") ?? {};
  const allowInvalidSecretName = objectsAt(prevSpec, "tls").some((t) => {
    const name = typeof t.secretName === "string" ? t.secretName : "";
    return name.length > 0 && dns1123SubdomainErrors(name).length > 0;
  });
  const allowInvalidWildcardHostRule = objectsAt(prevSpec, "rules").some(
    (r) => typeof r.host === "string" && r.host.includes("*") && validateRuleValue(r, "").length > 0,
  );
  return validateIngressSpec(objectAt(next, "spec") ?? {}, {
    allowInvalidSecretName,
    allowInvalidWildcardHostRule,
  });
}
