/**
 * Services: upstream `printService`, `getServiceExternalIP`, `makePortString` and
 * `loadBalancerStatusStringer` (pkg/printers/internalversion/printers.go, release-1.32).
 */

import { ageColumn, nameColumn } from "./columns.ts";
import { age, compareStrings } from "./format.ts";
import { arrayAt, type JsonObject, numberAt, objectAt, objectsAt, stringAt, stringMapAt } from "./json.ts";
import { formatLabels } from "./label-selector.ts";
import type { Printer, TableColumn } from "./types.ts";

const serviceColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Type",
    type: "string",
    format: "",
    description:
      'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
    priority: 0,
  },
  {
    name: "Cluster-IP",
    type: "string",
    format: "",
    description:
      'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
    priority: 0,
  },
  {
    name: "External-IP",
    type: "string",
    format: "",
    description:
      "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.",
    priority: 0,
  },
  {
    name: "Port(s)",
    type: "string",
    format: "",
    description:
      "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies",
    priority: 0,
  },
  ageColumn,
  {
    name: "Selector",
    type: "string",
    format: "",
    description:
      "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/",
    priority: 1,
  },
];

/**
 * Sorted, de-duplicated ingress IPs (else hostnames), comma-joined. Upstream clips this to 16 characters
 * unless printing wide; kube-apiserver always prints wide, so it is never clipped here.
 */
export function loadBalancerIngressString(status: JsonObject): string {
  const entries = new Set<string>();
  for (const ingress of objectsAt(status, "loadBalancer", "ingress")) {
    const entry = stringAt(ingress, "ip") || stringAt(ingress, "hostname");
    if (entry !== "") entries.add(entry);
  }
  return [...entries].sort(compareStrings).join(",");
}

function externalIPs(spec: JsonObject): string[] {
  return arrayAt(spec, "externalIPs").filter((ip): ip is string => typeof ip === "string");
}

function serviceExternalIP(service: JsonObject): string {
  const spec = objectAt(service, "spec");
  const external = externalIPs(spec);
  switch (stringAt(spec, "type")) {
    case "ClusterIP":
    case "NodePort":
      return external.length > 0 ? external.join(",") : "<none>";
    case "LoadBalancer": {
      const lbIPs = loadBalancerIngressString(objectAt(service, "status"));
      if (external.length > 0) return [...(lbIPs ? lbIPs.split(",") : []), ...external].join(",");
      return lbIPs || "<pending>";
    }
    case "ExternalName":
      return stringAt(spec, "externalName");
    default:
      return "<unknown>";
  }
}

function portString(spec: JsonObject): string {
  return objectsAt(spec, "ports")
    .map((port) => {
      const nodePort = numberAt(port, "nodePort");
      const protocol = stringAt(port, "protocol");
      const number = numberAt(port, "port");
      return nodePort > 0 ? `${number}:${nodePort}/${protocol}` : `${number}/${protocol}`;
    })
    .join(",");
}

/** The first cluster IP; `clusterIP` stands in for an undefaulted `clusterIPs` (v1 defaulting copies it). */
function clusterIP(spec: JsonObject): string {
  const first = arrayAt(spec, "clusterIPs")[0];
  if (typeof first === "string") return first;
  return stringAt(spec, "clusterIP") || "<none>";
}

function serviceCells(service: JsonObject, now: Date): unknown[] {
  const spec = objectAt(service, "spec");
  return [
    stringAt(service, "metadata", "name"),
    stringAt(spec, "type"),
    clusterIP(spec),
    serviceExternalIP(service),
    portString(spec) || "<none>",
    age(service, now),
    formatLabels(stringMapAt(spec, "selector")),
  ];
}

/** core/v1 services. */
export const servicePrinter: Printer = { columns: serviceColumns, cells: serviceCells };
