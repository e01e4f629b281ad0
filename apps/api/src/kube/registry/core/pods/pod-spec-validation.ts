/**
 * ValidatePodSpec and ValidatePodTemplateSpec (pkg/apis/core/validation, release-1.32): the
 * validation every kind embedding a pod runs, in upstream's order so the first error matches.
 */
import { dns1123LabelErrors, dns1123SubdomainErrors, labelKeyErrors } from "../../../selectors/index.ts";
import {
  duplicateField,
  type FieldError,
  forbiddenField,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { isIp } from "../ip.ts";
import { asArray, asNumber, asObject, asString, type JsonObject, objectsOf } from "../json.ts";
import { validateLabels } from "../labels.ts";
import { type ContainerContext, validateContainers, validateInitContainers } from "./container-validation.ts";
import { validateAffinity, validateTopologySpread } from "./scheduling-validation.ts";
import { validatePodSecurityContext } from "./security-context.ts";
import { validateTolerations } from "./tolerations.ts";
import { validateVolumes } from "./volume-validation.ts";

const RESTART_POLICIES = ["Always", "OnFailure", "Never"];
const DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const MAX_INT32 = 2147483647;
const TOTAL_ANNOTATION_SIZE = 256 * 1024;

export interface PodSpecValidationOptions {
  /** The spec is a Pod's own (not a template's): enables the checks upstream gates on ResourceIsPod. */
  isPod?: boolean;
  /** The pod's name, for the names of claims generic ephemeral volumes create. */
  podName?: string;
}

function subdomainField(value: unknown, path: string): FieldError[] {
  const text = asString(value);
  return text ? dns1123SubdomainErrors(text).map((msg) => invalidField(path, text, msg)) : [];
}

/** ValidatePodSpec: `path` is where the spec sits ("spec", "spec.template.spec", …). */
export function validatePodSpec(
  value: unknown,
  path: string,
  options: PodSpecValidationOptions = {},
): FieldError[] {
  const spec = asObject(value) ?? {};
  const errs: FieldError[] = [];
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) {
    errs.push(requiredField(`${path}.terminationGracePeriodSeconds`));
  }
  const gracePeriod = asNumber(spec.terminationGracePeriodSeconds);
  const { volumes, errors } = validateVolumes(spec.volumes, `${path}.volumes`, options.podName);
  errs.push(...errors);
  const claimNames = new Set(
    objectsOf(spec.resourceClaims)
      .map(([c]) => asString(c.name))
      .filter(Boolean),
  );
  errs.push(...validateResourceClaims(spec.resourceClaims, `${path}.resourceClaims`));
  const ctx: ContainerContext = { volumes, claimNames, gracePeriod };
  errs.push(...validateContainers(spec.containers, ctx, `${path}.containers`));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, ctx, `${path}.initContainers`));
  if (spec.hostNetwork === true) errs.push(...validateHostNetworkPorts(spec, path, options.isPod === true));
  const restart = asString(spec.restartPolicy);
  if (!restart) errs.push(requiredField(`${path}.restartPolicy`));
  else if (!RESTART_POLICIES.includes(restart))
    errs.push(notSupportedField(`${path}.restartPolicy`, restart, RESTART_POLICIES));
  const dns = asString(spec.dnsPolicy);
  if (!dns) errs.push(requiredField(`${path}.dnsPolicy`));
  else if (!DNS_POLICIES.includes(dns)) errs.push(notSupportedField(`${path}.dnsPolicy`, dns, DNS_POLICIES));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  errs.push(...validatePodSecurityContext(spec.securityContext, `${path}.securityContext`));
  for (const [secret, i] of objectsOf(spec.imagePullSecrets)) {
    if (Object.keys(secret).some((k) => k !== "name")) {
      errs.push(
        invalidField(`${path}.imagePullSecrets[${i}]`, JSON.stringify(secret), "only name may be set"),
      );
    }
  }
  errs.push(...validateAffinity(spec.affinity, `${path}.affinity`));
  errs.push(...validateDnsConfig(spec.dnsConfig, dns, `${path}.dnsConfig`));
  for (const [gate, i] of objectsOf(spec.readinessGates)) {
    const type = asString(gate.conditionType);
    for (const msg of labelKeyErrors(type))
      errs.push(invalidField(`${path}.readinessGates[${i}].conditionType`, type, msg));
  }
  errs.push(...validateSchedulingGates(spec.schedulingGates, `${path}.schedulingGates`));
  errs.push(...validateTopologySpread(spec.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  errs.push(...subdomainField(spec.serviceAccountName, `${path}.serviceAccountName`));
  errs.push(...subdomainField(spec.nodeName, `${path}.nodeName`));
  const deadline = asNumber(spec.activeDeadlineSeconds);
  if (deadline !== undefined && (deadline < 1 || deadline > MAX_INT32)) {
    errs.push(
      invalidField(
        `${path}.activeDeadlineSeconds`,
        deadline,
        `must be between 1 and ${MAX_INT32}, inclusive`,
      ),
    );
  }
  for (const field of ["hostname", "subdomain"]) {
    const text = asString(spec[field]);
    if (text)
      for (const msg of dns1123LabelErrors(text)) errs.push(invalidField(`${path}.${field}`, text, msg));
  }
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  errs.push(...validateHostAliases(spec.hostAliases, `${path}.hostAliases`));
  errs.push(...subdomainField(spec.priorityClassName, `${path}.priorityClassName`));
  if (spec.runtimeClassName !== undefined && spec.runtimeClassName !== null) {
    const name = asString(spec.runtimeClassName);
    for (const msg of dns1123SubdomainErrors(name))
      errs.push(invalidField(`${path}.runtimeClassName`, name, msg));
  }
  const preemption = spec.preemptionPolicy;
  if (preemption !== undefined && preemption !== null) {
    if (preemption === "") errs.push(requiredField(`${path}.preemptionPolicy`));
    else if (preemption !== "PreemptLowerPriority" && preemption !== "Never") {
      errs.push(notSupportedField(`${path}.preemptionPolicy`, preemption, ["PreemptLowerPriority", "Never"]));
    }
  }
  const os = asObject(spec.os);
  if (os) {
    const name = asString(os.name);
    if (!name) errs.push(requiredField(`${path}.os.name`, "cannot be empty"));
    else if (name !== "linux" && name !== "windows")
      errs.push(notSupportedField(`${path}.os`, name, ["linux", "windows"]));
  }
  return errs;
}

/**
 * ValidatePodTemplateSpec: template labels and annotations (reported, as upstream does, at
 * `<path>.labels` rather than under metadata), the spec, and no ephemeral containers.
 */
export function validatePodTemplateSpec(value: unknown, path: string): FieldError[] {
  const template = asObject(value) ?? {};
  const metadata = asObject(template.metadata) ?? {};
  const errs = validateLabels(metadata.labels, `${path}.labels`);
  errs.push(...validateAnnotations(metadata.annotations, `${path}.annotations`));
  errs.push(...validatePodSpec(template.spec, `${path}.spec`));
  if (asArray(asObject(template.spec)?.ephemeralContainers).length > 0) {
    errs.push(
      forbiddenField(`${path}.spec.ephemeralContainers`, "ephemeral containers not allowed in pod template"),
    );
  }
  return errs;
}

function validateAnnotations(value: unknown, path: string): FieldError[] {
  const annotations = asObject(value) ?? {};
  const errs: FieldError[] = [];
  let size = 0;
  for (const [key, v] of Object.entries(annotations)) {
    for (const msg of labelKeyErrors(key.toLowerCase())) errs.push(invalidField(path, key, msg));
    size += key.length + String(v).length;
  }
  if (size > TOTAL_ANNOTATION_SIZE) {
    errs.push({
      type: "FieldValueTooLong",
      field: path,
      message: `Too long: may not be more than ${TOTAL_ANNOTATION_SIZE} bytes`,
    });
  }
  return errs;
}

function validateResourceClaims(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [claim, i] of objectsOf(list)) {
    const name = asString(claim.name);
    const at = `${path}[${i}]`;
    if (!name) errs.push(requiredField(`${at}.name`));
    else if (names.has(name)) errs.push(duplicateField(`${at}.name`, name));
    else {
      for (const msg of dns1123LabelErrors(name)) errs.push(invalidField(`${at}.name`, name, msg));
      names.add(name);
    }
  }
  return errs;
}

function validateHostNetworkPorts(spec: JsonObject, path: string, isPod: boolean): FieldError[] {
  const errs: FieldError[] = [];
  for (const [c, i] of objectsOf(spec.containers)) {
    for (const [port, j] of objectsOf(c.ports)) {
      const hostPort = asNumber(port.hostPort) ?? 0;
      if ((isPod || hostPort !== 0) && hostPort !== (asNumber(port.containerPort) ?? 0)) {
        errs.push(
          invalidField(
            `${path}.containers[${i}].ports[${j}].hostPort`,
            hostPort,
            "must match `containerPort` when `hostNetwork` is true",
          ),
        );
      }
    }
  }
  return errs;
}

function validateDnsConfig(value: unknown, dnsPolicy: string, path: string): FieldError[] {
  const config = asObject(value);
  if (dnsPolicy === "None") {
    if (!config) return [requiredField(path, "must provide `dnsConfig` when `dnsPolicy` is None")];
    if (asArray(config.nameservers).length === 0) {
      return [
        requiredField(
          `${path}.nameservers`,
          "must provide at least one DNS nameserver when `dnsPolicy` is None",
        ),
      ];
    }
  }
  if (!config) return [];
  const errs: FieldError[] = [];
  const nameservers = asArray(config.nameservers).map(asString);
  if (nameservers.length > 3)
    errs.push(invalidField(`${path}.nameservers`, nameservers, "must not have more than 3 nameservers"));
  nameservers.forEach((ip, i) => {
    if (!isIp(ip))
      errs.push(
        invalidField(
          `${path}.nameservers[${i}]`,
          ip,
          "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
        ),
      );
  });
  const searches = asArray(config.searches).map(asString);
  if (searches.length > 32)
    errs.push(invalidField(`${path}.searches`, searches, "must not have more than 32 search paths"));
  if (searches.join(" ").length > 2048) {
    errs.push(
      invalidField(
        `${path}.searches`,
        searches,
        "must not have more than 2048 characters (including spaces) in the search list",
      ),
    );
  }
  searches.forEach((search, i) => {
    const trimmed = search.replace(/\.$/, "");
    for (const msg of dns1123SubdomainErrors(trimmed))
      errs.push(invalidField(`${path}.searches[${i}]`, trimmed, msg));
  });
  for (const [option, i] of objectsOf(config.options)) {
    if (!asString(option.name)) errs.push(requiredField(`${path}.options[${i}]`, "must not be empty"));
  }
  return errs;
}

function validateSchedulingGates(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [gate, i] of objectsOf(list)) {
    const name = asString(gate.name);
    for (const msg of labelKeyErrors(name)) errs.push(invalidField(`${path}[${i}]`, name, msg));
    if (seen.has(name)) errs.push(duplicateField(`${path}[${i}]`, name));
    seen.add(name);
  }
  return errs;
}

function validateHostAliases(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [alias, i] of objectsOf(list)) {
    const ip = asString(alias.ip);
    if (!isIp(ip))
      errs.push(
        invalidField(`${path}[${i}].ip`, ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
      );
    asArray(alias.hostnames).forEach((h, j) => {
      const name = asString(h);
      for (const msg of dns1123SubdomainErrors(name))
        errs.push(invalidField(`${path}[${i}].hostnames[${j}]`, name, msg));
    });
  }
  return errs;
}
