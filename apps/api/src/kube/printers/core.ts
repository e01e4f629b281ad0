/**
 * The simpler core/v1 kinds: namespaces, configmaps, secrets, serviceaccounts, endpoints,
 * resourcequotas and replicationcontrollers (pkg/printers/internalversion/printers.go, release-1.32).
 * Pods, services, nodes, events and volumes have files of their own.
 */

import { ageColumn, containersColumn, imagesColumn, nameColumn } from "./columns.ts";
import { age, compareStrings, layoutContainerCells } from "./format.ts";
import {
  arrayAt,
  type JsonObject,
  mapSizeAt,
  numberAt,
  objectAt,
  objectsAt,
  stringAt,
  stringMapAt,
  valueAt,
} from "./json.ts";
import { formatLabels } from "./label-selector.ts";
import { quantityString } from "./quantity.ts";
import type { Printer, TableColumn } from "./types.ts";

const namespaceColumns: readonly TableColumn[] = [
  nameColumn,
  { name: "Status", type: "string", format: "", description: "The status of the namespace", priority: 0 },
  ageColumn,
];

const configMapColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Data",
    type: "string",
    format: "",
    description:
      "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
    priority: 0,
  },
  ageColumn,
];

const secretColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Type",
    type: "string",
    format: "",
    description:
      "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types",
    priority: 0,
  },
  {
    name: "Data",
    type: "string",
    format: "",
    description:
      "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
    priority: 0,
  },
  ageColumn,
];

const serviceAccountColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Secrets",
    type: "string",
    format: "",
    description:
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret',
    priority: 0,
  },
  ageColumn,
];

const endpointsColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Endpoints",
    type: "string",
    format: "",
    description:
      "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.",
    priority: 0,
  },
  ageColumn,
];

const resourceQuotaColumns: readonly TableColumn[] = [
  nameColumn,
  ageColumn,
  {
    name: "Request",
    type: "string",
    format: "",
    description: "Request represents a minimum amount of cpu/memory that a container may consume.",
    priority: 0,
  },
  {
    name: "Limit",
    type: "string",
    format: "",
    description:
      "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.",
    priority: 0,
  },
];

const replicationControllerColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Desired",
    type: "integer",
    format: "",
    description:
      "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller",
    priority: 0,
  },
  {
    name: "Current",
    type: "integer",
    format: "",
    description:
      "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller",
    priority: 0,
  },
  {
    name: "Ready",
    type: "integer",
    format: "",
    description: "The number of ready replicas for this replication controller.",
    priority: 0,
  },
  ageColumn,
  containersColumn,
  imagesColumn,
  {
    name: "Selector",
    type: "string",
    format: "",
    description:
      "Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    priority: 1,
  },
];

const name = (obj: JsonObject): string => stringAt(obj, "metadata", "name");

/** `net.JoinHostPort`: IPv6 hosts are bracketed. */
function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `formatEndpoints` with all ports: up to three `ip:port` entries, then `+ N more...`. */
export function formatEndpoints(endpoints: JsonObject): string {
  const subsets = objectsAt(endpoints, "subsets");
  if (subsets.length === 0) return "<none>";
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const subset of subsets) {
    const addresses = objectsAt(subset, "addresses").map((a) => stringAt(a, "ip"));
    const ports = objectsAt(subset, "ports");
    // Headless services may have no ports: the bare IPs are listed.
    const targets = ports.length === 0 ? [undefined] : ports.map((p) => numberAt(p, "port"));
    for (const port of targets) {
      count += addresses.length;
      for (const ip of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(port === undefined ? ip : joinHostPort(ip, port));
      }
    }
  }
  const joined = list.join(",");
  return more ? `${joined} + ${count - max} more...` : joined;
}

/** `used/hard` per resource in `status.hard`, sorted; `limits.*` go to the Limit column. */
function quotaColumns(quota: JsonObject): { request: string; limit: string } {
  const hard = objectAt(quota, "status", "hard");
  const request: string[] = [];
  const limit: string[] = [];
  for (const resource of Object.keys(hard).sort(compareStrings)) {
    const used = quantityString(valueAt(quota, "status", "used", resource));
    const entry = `${resource}: ${used}/${quantityString(hard[resource])}`;
    const pieces = resource.split(".");
    (pieces.length > 1 && pieces[0] === "limits" ? limit : request).push(entry);
  }
  return { request: request.join(", "), limit: limit.join(", ") };
}

/** core/v1 namespaces. */
export const namespacePrinter: Printer = {
  columns: namespaceColumns,
  cells: (ns, now) => [name(ns), stringAt(ns, "status", "phase"), age(ns, now)],
};

/** core/v1 configmaps: Data counts `data` and `binaryData` keys. */
export const configMapPrinter: Printer = {
  columns: configMapColumns,
  cells: (cm, now) => [name(cm), mapSizeAt(cm, "data") + mapSizeAt(cm, "binaryData"), age(cm, now)],
};

/** core/v1 secrets. */
export const secretPrinter: Printer = {
  columns: secretColumns,
  cells: (secret, now) => [
    name(secret),
    stringAt(secret, "type"),
    mapSizeAt(secret, "data"),
    age(secret, now),
  ],
};

/** core/v1 serviceaccounts: Secrets counts `secrets` references. */
export const serviceAccountPrinter: Printer = {
  columns: serviceAccountColumns,
  cells: (sa, now) => [name(sa), arrayAt(sa, "secrets").length, age(sa, now)],
};

/** core/v1 endpoints. */
export const endpointsPrinter: Printer = {
  columns: endpointsColumns,
  cells: (ep, now) => [name(ep), formatEndpoints(ep), age(ep, now)],
};

/** core/v1 resourcequotas. In 1.32 Age is the second column; 1.33 moved it last. */
export const resourceQuotaPrinter: Printer = {
  columns: resourceQuotaColumns,
  cells: (quota, now) => {
    const { request, limit } = quotaColumns(quota);
    return [name(quota), age(quota, now), request, limit];
  },
};

/** core/v1 replicationcontrollers. */
export const replicationControllerPrinter: Printer = {
  columns: replicationControllerColumns,
  cells: (rc, now) => {
    const { names, images } = layoutContainerCells(objectAt(rc, "spec", "template", "spec"));
    return [
      name(rc),
      numberAt(rc, "spec", "replicas"),
      numberAt(rc, "status", "replicas"),
      numberAt(rc, "status", "readyReplicas"),
      age(rc, now),
      names,
      images,
      formatLabels(stringMapAt(rc, "spec", "selector")),
    ];
  },
};
