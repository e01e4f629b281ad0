/** The Endpoints strategy (ValidateEndpoints, SetDefaults_Endpoints; release-1.32). */
import { dns1123LabelErrors, dns1123SubdomainErrors, labelKeyErrors } from "../../../selectors/index.ts";
import {
  type FieldError,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import type { Strategy } from "../../types.ts";
import { INVALID_IP, isIp } from "../ip.ts";
import { asArray, asNumber, asString, type JsonObject, objectsOf } from "../json.ts";
import { PROTOCOLS } from "../pods/container-validation.ts";
import { portNumErrors } from "../ports.ts";

function validateAddress(address: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ip = asString(address.ip);
  if (!isIp(ip)) errs.push(invalidField(`${path}.ip`, ip, INVALID_IP));
  const hostname = asString(address.hostname);
  if (hostname)
    for (const msg of dns1123LabelErrors(hostname))
      errs.push(invalidField(`${path}.hostname`, hostname, msg));
  if (address.nodeName !== undefined && address.nodeName !== null) {
    const node = asString(address.nodeName);
    for (const msg of dns1123SubdomainErrors(node)) errs.push(invalidField(`${path}.nodeName`, node, msg));
  }
  if (!isIp(ip)) errs.push(invalidField(`${path}.ip`, ip, "must be a valid IP address"));
  else if (/^127\./.test(ip) || ip === "::1")
    errs.push(invalidField(`${path}.ip`, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
  else if (ip === "0.0.0.0" || ip === "::")
    errs.push(invalidField(`${path}.ip`, ip, `may not be unspecified (${ip})`));
  else if (/^169\.254\./.test(ip))
    errs.push(
      invalidField(`${path}.ip`, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"),
    );
  return errs;
}

function validateSubsets(subsets: unknown): FieldError[] {
  const errs: FieldError[] = [];
  for (const [subset, i] of objectsOf(subsets)) {
    const at = `subsets[${i}]`;
    if (asArray(subset.addresses).length === 0 && asArray(subset.notReadyAddresses).length === 0) {
      errs.push(requiredField(at, "must specify `addresses` or `notReadyAddresses`"));
    }
    for (const list of ["addresses", "notReadyAddresses"]) {
      for (const [address, j] of objectsOf(subset[list]))
        errs.push(...validateAddress(address, `${at}.${list}[${j}]`));
    }
    const ports = objectsOf(subset.ports);
    for (const [port, j] of ports) {
      const path = `${at}.ports[${j}]`;
      const name = asString(port.name);
      if (ports.length > 1 && !name) errs.push(requiredField(`${path}.name`));
      else if (name)
        for (const msg of dns1123LabelErrors(name)) errs.push(invalidField(`${path}.name`, name, msg));
      const number = asNumber(port.port) ?? 0;
      for (const msg of portNumErrors(number)) errs.push(invalidField(`${path}.port`, number, msg));
      const protocol = asString(port.protocol);
      if (!protocol) errs.push(requiredField(`${path}.protocol`));
      else if (!PROTOCOLS.includes(protocol))
        errs.push(notSupportedField(`${path}.protocol`, protocol, PROTOCOLS));
      if (port.appProtocol !== undefined && port.appProtocol !== null) {
        const app = asString(port.appProtocol);
        for (const msg of labelKeyErrors(app)) errs.push(invalidField(`${path}.appProtocol`, app, msg));
      }
    }
  }
  return errs;
}

export const endpointsStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: false,
  applyDefaults(ep) {
    for (const [subset] of objectsOf(ep.subsets)) {
      for (const [port] of objectsOf(subset.ports)) if (!port.protocol) port.protocol = "TCP";
    }
  },
  validate: (ep) => validateSubsets(ep.subsets),
};
