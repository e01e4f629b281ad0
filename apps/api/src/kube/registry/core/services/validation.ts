/** ValidateService and ValidateServiceUpdate (pkg/apis/core/validation, release-1.32). */
import { dns1123LabelErrors, dns1123SubdomainErrors, labelKeyErrors } from "../../../selectors/index.ts";
import {
  type FieldError,
  forbiddenField,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { goQuote } from "../../../validation/go-format.ts";
import { duplicateRendered, goTypedStringSlice, invalidRendered } from "../go-values.ts";
import { INVALID_IP, isIp } from "../ip.ts";
import { asArray, asNumber, asObject, asString, type JsonObject } from "../json.ts";
import { validateLabels } from "../labels.ts";
import { PROTOCOLS } from "../pods/container-validation.ts";
import { portNumErrors, validatePortNumOrName } from "../ports.ts";
import {
  ipFamilyInitErrors,
  validateClusterIPFields,
  validateClusterIPsUpdate,
} from "./cluster-ip-validation.ts";
import { externallyAccessible, isHeadless, needsHealthCheck, ports, serviceType } from "./service-fields.ts";

const SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const MAX_CLIENT_IP_TIMEOUT = 86400;

/** `%#v` of the core.ServicePort{Protocol, Port} key upstream uses to find duplicate ports. */
function servicePortKey(protocol: string, port: number): string {
  return `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

function validateServicePort(
  port: JsonObject,
  requireName: boolean,
  names: Set<string>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const name = asString(port.name);
  if (requireName && !name) errs.push(requiredField(`${path}.name`));
  else if (name) {
    for (const msg of dns1123LabelErrors(name)) errs.push(invalidField(`${path}.name`, name, msg));
    if (names.has(name))
      errs.push({
        type: "FieldValueDuplicate",
        field: `${path}.name`,
        message: `Duplicate value: ${goQuote(name)}`,
      });
    else names.add(name);
  }
  const number = asNumber(port.port) ?? 0;
  for (const msg of portNumErrors(number)) errs.push(invalidField(`${path}.port`, number, msg));
  const protocol = asString(port.protocol);
  if (!protocol) errs.push(requiredField(`${path}.protocol`));
  else if (!PROTOCOLS.includes(protocol))
    errs.push(notSupportedField(`${path}.protocol`, protocol, PROTOCOLS));
  errs.push(...validatePortNumOrName(port.targetPort, `${path}.targetPort`));
  if (port.appProtocol !== undefined && port.appProtocol !== null) {
    const app = asString(port.appProtocol);
    for (const msg of labelKeyErrors(app)) errs.push(invalidField(`${path}.appProtocol`, app, msg));
  }
  return errs;
}

/** ValidateService (the name, a DNS-1035 label, is checked generically through nameValidation). */
export function validateService(svc: JsonObject): FieldError[] {
  const spec = asObject(svc.spec) ?? {};
  const initErrors = ipFamilyInitErrors(spec);
  if (initErrors.length > 0) return initErrors;
  const errs: FieldError[] = [];
  const type = serviceType(spec);
  const list = ports(spec);
  if (list.length === 0 && !isHeadless(spec) && type !== "ExternalName")
    errs.push(requiredField("spec.ports"));
  if ((type === "LoadBalancer" || type === "NodePort") && isHeadless(spec)) {
    errs.push(invalidField("spec.clusterIPs[0]", "None", `may not be set to 'None' for ${type} services`));
  }
  if (type === "ExternalName") {
    if (asArray(spec.clusterIPs).length > 0)
      errs.push(forbiddenField("spec.clusterIPs", "may not be set for ExternalName services"));
    if (asArray(spec.ipFamilies).length > 0)
      errs.push(forbiddenField("spec.ipFamilies", "may not be set for ExternalName services"));
    if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) {
      errs.push(forbiddenField("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
    }
    const cname = asString(spec.externalName).replace(/\.$/, "");
    if (!cname) errs.push(requiredField("spec.externalName"));
    else
      for (const msg of dns1123SubdomainErrors(cname))
        errs.push(invalidField("spec.externalName", cname, msg));
  }
  const names = new Set<string>();
  for (const [port, i] of list)
    errs.push(...validateServicePort(port, list.length > 1, names, `spec.ports[${i}]`));
  if (spec.selector !== undefined && spec.selector !== null)
    errs.push(...validateLabels(spec.selector, "spec.selector"));
  errs.push(...validateSessionAffinity(spec));
  errs.push(...validateClusterIPFields(spec));
  asArray(spec.externalIPs).forEach((raw, i) => {
    const ip = asString(raw);
    if (!isIp(ip)) errs.push(invalidField(`spec.externalIPs[${i}]`, ip, INVALID_IP));
    else if (/^127\./.test(ip) || ip === "::1") {
      errs.push(
        invalidField(`spec.externalIPs[${i}]`, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
      );
    } else if (ip === "0.0.0.0" || ip === "::") {
      errs.push(invalidField(`spec.externalIPs[${i}]`, ip, `may not be unspecified (${ip})`));
    }
  });
  if (!type) errs.push(requiredField("spec.type"));
  else if (!SERVICE_TYPES.includes(type)) errs.push(notSupportedField("spec.type", type, SERVICE_TYPES));
  if (type === "ClusterIP") {
    for (const [port, i] of list) {
      if (asNumber(port.nodePort))
        errs.push(forbiddenField(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    }
  }
  const nodePorts = new Set<string>();
  for (const [port, i] of list) {
    const nodePort = asNumber(port.nodePort) ?? 0;
    if (nodePort === 0) continue;
    const key = `${asString(port.protocol)}/${nodePort}`;
    if (nodePorts.has(key)) errs.push(duplicateRendered(`spec.ports[${i}].nodePort`, String(nodePort)));
    nodePorts.add(key);
  }
  const seen = new Set<string>();
  for (const [port, i] of list) {
    const key = `${asString(port.protocol)}/${asNumber(port.port) ?? 0}`;
    if (seen.has(key))
      errs.push(
        duplicateRendered(
          `spec.ports[${i}]`,
          servicePortKey(asString(port.protocol), asNumber(port.port) ?? 0),
        ),
      );
    seen.add(key);
  }
  if (asArray(spec.loadBalancerSourceRanges).length > 0 && type !== "LoadBalancer") {
    errs.push(
      forbiddenField("spec.LoadBalancerSourceRanges", "may only be used when `type` is 'LoadBalancer'"),
    );
  }
  if (
    spec.allocateLoadBalancerNodePorts !== undefined &&
    spec.allocateLoadBalancerNodePorts !== null &&
    type !== "LoadBalancer"
  ) {
    errs.push(
      forbiddenField("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"),
    );
  }
  if (
    type === "LoadBalancer" &&
    (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)
  ) {
    errs.push(requiredField("allocateLoadBalancerNodePorts"));
  }
  if (spec.loadBalancerClass !== undefined && spec.loadBalancerClass !== null) {
    if (type === "LoadBalancer") {
      const cls = asString(spec.loadBalancerClass);
      for (const msg of labelKeyErrors(cls)) errs.push(invalidField("spec.loadBalancerClass", cls, msg));
    } else {
      errs.push(forbiddenField("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'"));
    }
  }
  errs.push(...validateTrafficPolicies(spec));
  return errs;
}

function validateSessionAffinity(spec: JsonObject): FieldError[] {
  const affinity = asString(spec.sessionAffinity);
  if (!affinity) return [requiredField("spec.sessionAffinity")];
  if (affinity !== "ClientIP" && affinity !== "None")
    return [notSupportedField("spec.sessionAffinity", affinity, ["ClientIP", "None"])];
  const config = asObject(spec.sessionAffinityConfig);
  if (affinity === "None") {
    return config
      ? [forbiddenField("spec.sessionAffinityConfig", "must not be set when session affinity is None")]
      : [];
  }
  const detail = "when session affinity type is ClientIP";
  if (!config) return [requiredField("spec.sessionAffinityConfig", detail)];
  const clientIP = asObject(config.clientIP);
  if (!clientIP) return [requiredField("spec.sessionAffinityConfig.clientIP", detail)];
  const timeout = asNumber(clientIP.timeoutSeconds);
  if (timeout === undefined)
    return [requiredField("spec.sessionAffinityConfig.clientIP.timeoutSeconds", detail)];
  return timeout <= 0 || timeout > MAX_CLIENT_IP_TIMEOUT
    ? [
        invalidField(
          "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
          timeout,
          `must be greater than 0 and less than ${MAX_CLIENT_IP_TIMEOUT}`,
        ),
      ]
    : [];
}

function validateTrafficPolicies(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const external = asString(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (external)
      errs.push(
        invalidField(
          "spec.externalTrafficPolicy",
          external,
          "may only be set for externally-accessible services",
        ),
      );
  } else if (!external) {
    errs.push(requiredField("spec.externalTrafficPolicy"));
  } else if (external !== "Cluster" && external !== "Local") {
    errs.push(notSupportedField("spec.externalTrafficPolicy", external, ["Cluster", "Local"]));
  }
  const hc = asNumber(spec.healthCheckNodePort) ?? 0;
  if (!needsHealthCheck(spec)) {
    if (hc !== 0) {
      errs.push(
        invalidField(
          "spec.healthCheckNodePort",
          hc,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        ),
      );
    }
  } else if (hc !== 0) {
    for (const msg of portNumErrors(hc)) errs.push(invalidField("spec.healthCheckNodePort", hc, msg));
  }
  const internal = spec.internalTrafficPolicy;
  if (internal === undefined || internal === null) {
    if (["NodePort", "LoadBalancer", "ClusterIP"].includes(serviceType(spec)))
      errs.push(requiredField("spec.internalTrafficPolicy"));
  } else if (internal !== "Cluster" && internal !== "Local") {
    errs.push(notSupportedField("spec.internalTrafficPolicy", internal, ["Cluster", "Local"]));
  }
  if (
    spec.trafficDistribution !== undefined &&
    spec.trafficDistribution !== null &&
    spec.trafficDistribution !== "PreferClose"
  ) {
    errs.push(notSupportedField("spec.trafficDistribution", spec.trafficDistribution, ["PreferClose"]));
  }
  return errs;
}

/** ValidateServiceUpdate: cluster IPs, families and health check port may not change once set. */
export function validateServiceUpdate(svc: JsonObject, old: JsonObject): FieldError[] {
  const spec = asObject(svc.spec) ?? {};
  const prev = asObject(old.spec) ?? {};
  const errs = validateClusterIPsUpdate(spec, prev);
  const families = asArray(spec.ipFamilies).map(asString);
  const oldFamilies = asArray(prev.ipFamilies).map(asString);
  if (
    spec.type !== "ExternalName" &&
    prev.type !== "ExternalName" &&
    isHeadless(spec) === isHeadless(prev) &&
    !isHeadless(spec)
  ) {
    if (families.length === oldFamilies.length && families.some((f, i) => f !== oldFamilies[i])) {
      errs.push(
        invalidRendered(
          "spec.ipFamilies[0]",
          goTypedStringSlice("[]core.IPFamily", families),
          "may not change once set",
        ),
      );
    }
  }
  if (
    serviceType(spec) === "LoadBalancer" &&
    serviceType(prev) === "LoadBalancer" &&
    spec.loadBalancerClass !== prev.loadBalancerClass
  ) {
    errs.push(
      invalidField("spec.loadBalancerClass", spec.loadBalancerClass ?? null, "may not change once set"),
    );
  }
  if (
    needsHealthCheck(spec) &&
    needsHealthCheck(prev) &&
    spec.healthCheckNodePort !== prev.healthCheckNodePort
  ) {
    errs.push(forbiddenField("spec.healthCheckNodePort", "field is immutable"));
  }
  return [...errs, ...validateService(svc)];
}
