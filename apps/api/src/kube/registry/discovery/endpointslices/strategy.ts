import { isIPv4, isIPv6 } from "node:net";
import type { KubeObject } from "../../../object/types.ts";
import { dns1123SubdomainErrors, labelKeyErrors } from "../../../selectors/index.ts";
import type { FieldError } from "../../../validation/field-errors.ts";
import {
  duplicateField,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { carryGeneration } from "../../apps/workload-lifecycle.ts";
import { dns1123LabelErrors, immutable, tooManyField, validateLabelMap } from "../../support/field-rules.ts";
import { defaultValue, type JsonObject, objectsAt, semanticEqual, stringMapAt } from "../../support/json.ts";
import type { Strategy } from "../../types.ts";

const ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"];
const PROTOCOLS = ["SCTP", "TCP", "UDP"];

/** SetDefaults_EndpointPort (discovery/v1): an unnamed TCP port. */
export function defaultEndpointSlice(obj: JsonObject): void {
  for (const port of objectsAt(obj, "ports")) {
    defaultValue(port, "protocol", "TCP");
    if (port.name === undefined || port.name === null) port.name = "";
  }
}

/** ValidateNonSpecialIP: endpoints may not be unspecified, loopback, link-local or link-local multicast. */
function specialIpErrors(ip: string, path: string): FieldError[] {
  const lower = ip.toLowerCase();
  const detail =
    ip === "0.0.0.0" || lower === "::"
      ? "may not be unspecified (0.0.0.0, ::)"
      : ip.startsWith("127.") || lower === "::1"
        ? "may not be in the loopback range (127.0.0.0/8, ::1/128)"
        : ip.startsWith("169.254.") || /^fe[89ab]/.test(lower)
          ? "may not be in the link-local range (169.254.0.0/16, fe80::/10)"
          : ip.startsWith("224.0.0.") || lower.startsWith("ff02:")
            ? "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"
            : undefined;
  return detail === undefined ? [] : [invalidField(path, ip, detail)];
}

function validateAddress(addressType: unknown, address: string, path: string): FieldError[] {
  switch (addressType) {
    case "IPv4":
      return isIPv4(address)
        ? specialIpErrors(address, path)
        : [invalidField(path, address, "must be a valid IPv4 address")];
    case "IPv6":
      return isIPv6(address)
        ? specialIpErrors(address, path)
        : [invalidField(path, address, "must be a valid IPv6 address")];
    case "FQDN": {
      // validation.IsFullyQualifiedDomainName
      if (address.length === 0) return [requiredField(path)];
      const name = address.endsWith(".") ? address.slice(0, -1) : address;
      const subdomain = dns1123SubdomainErrors(name);
      if (subdomain.length > 0) return [invalidField(path, name, subdomain.join(","))];
      if (name.split(".").length < 2) {
        return [invalidField(path, name, "should be a domain with at least two segments separated by dots")];
      }
      for (const label of name.split(".")) {
        const labelErrs = dns1123LabelErrors(label);
        if (labelErrs.length > 0) return [invalidField(path, label, labelErrs.join(","))];
      }
      return [];
    }
    default:
      return [];
  }
}

/** ValidateEndpointSlice (pkg/apis/discovery/validation/validation.go, release-1.32). */
export function validateEndpointSlice(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const addressType = obj.addressType ?? "";
  if (addressType === "") errs.push(requiredField("addressType"));
  else if (!ADDRESS_TYPES.includes(addressType as string))
    errs.push(notSupportedField("addressType", addressType, ADDRESS_TYPES));
  const endpoints = objectsAt(obj, "endpoints");
  if (endpoints.length > 1000) errs.push(tooManyField("endpoints", endpoints.length, 1000));
  else {
    endpoints.forEach((endpoint, i) => {
      const at = `endpoints[${i}]`;
      const addresses = Array.isArray(endpoint.addresses) ? endpoint.addresses : [];
      if (addresses.length === 0)
        errs.push(requiredField(`${at}.addresses`, "must contain at least 1 address"));
      else if (addresses.length > 100) errs.push(tooManyField(`${at}.addresses`, addresses.length, 100));
      addresses.forEach((address, j) => {
        errs.push(
          ...validateAddress(
            addressType,
            typeof address === "string" ? address : "",
            `${at}.addresses[${j}]`,
          ),
        );
      });
      if (typeof endpoint.nodeName === "string") {
        for (const msg of dns1123SubdomainErrors(endpoint.nodeName)) {
          errs.push(invalidField(`${at}.nodeName`, endpoint.nodeName, msg));
        }
      }
      const topology = stringMapAt(endpoint, "deprecatedTopology");
      if (Object.keys(topology ?? {}).length > 16) {
        errs.push(tooManyField(`${at}.deprecatedTopology`, Object.keys(topology ?? {}).length, 16));
      }
      errs.push(...validateLabelMap(topology, `${at}.deprecatedTopology`));
      if (typeof endpoint.hostname === "string") {
        for (const msg of dns1123LabelErrors(endpoint.hostname))
          errs.push(invalidField(`${at}.hostname`, endpoint.hostname, msg));
      }
    });
  }
  const ports = objectsAt(obj, "ports");
  if (ports.length > 20000) errs.push(tooManyField("ports", ports.length, 20000));
  else {
    const names = new Set<string>();
    ports.forEach((port, i) => {
      const at = `ports[${i}]`;
      const name = typeof port.name === "string" ? port.name : "";
      if (name.length > 0)
        for (const msg of dns1123LabelErrors(name)) errs.push(invalidField(`${at}.name`, name, msg));
      if (names.has(name)) errs.push(duplicateField(`${at}.name`, name));
      else names.add(name);
      const protocol = port.protocol;
      if (protocol === undefined || protocol === null) errs.push(requiredField(`${at}.protocol`));
      else if (!PROTOCOLS.includes(protocol as string))
        errs.push(notSupportedField(`${at}.protocol`, protocol, PROTOCOLS));
      if (typeof port.appProtocol === "string") {
        for (const msg of labelKeyErrors(port.appProtocol))
          errs.push(invalidField(`${at}.appProtocol`, port.appProtocol, msg));
      }
    });
  }
  return errs;
}

/** Everything but metadata, and the labels, which the generation also follows. */
function generationRelevant(obj: KubeObject): unknown {
  const { metadata, ...rest } = obj;
  return { ...rest, labels: metadata.labels };
}

/**
 * discovery.k8s.io/v1 EndpointSlices (pkg/registry/discovery/endpointslice/strategy.go, release-1.32).
 * There is no spec: the generation follows any change outside metadata, and label changes.
 */
export const endpointSliceStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: false,
  applyDefaults: defaultEndpointSlice,
  prepareForCreate(obj) {
    obj.metadata.generation = 1;
  },
  prepareForUpdate(next, prev) {
    defaultEndpointSlice(next);
    carryGeneration(next, prev, !semanticEqual(generationRelevant(next), generationRelevant(prev)));
  },
  validate: (obj) => validateEndpointSlice(obj),
  validateUpdate: (next, prev) => [
    ...validateEndpointSlice(next),
    ...immutable("addressType", next.addressType, prev.addressType),
  ],
};
