/**
 * networking.k8s.io/v1: ingresses, ingressclasses and networkpolicies (`printIngress`,
 * `printIngressClass`, `printNetworkPolicy` in pkg/printers/internalversion/printers.go, release-1.32).
 */

import { ageColumn, nameColumn } from "./columns.ts";
import { loadBalancerIngressString } from "./core-services.ts";
import { age } from "./format.ts";
import {
  arrayAt,
  type JsonObject,
  objectAt,
  objectsAt,
  optionalObjectAt,
  optionalStringAt,
  stringAt,
} from "./json.ts";
import { formatLabelSelector } from "./label-selector.ts";
import type { Printer, TableColumn } from "./types.ts";

const ingressColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Class",
    type: "string",
    format: "",
    description: "The name of the IngressClass resource that should be used for additional configuration",
    priority: 0,
  },
  {
    name: "Hosts",
    type: "string",
    format: "",
    description: "Hosts that incoming requests are matched against before the ingress rule",
    priority: 0,
  },
  {
    name: "Address",
    type: "string",
    format: "",
    description: "Address is a list containing ingress points for the load-balancer",
    priority: 0,
  },
  {
    name: "Ports",
    type: "string",
    format: "",
    description: "Ports of TLS configurations that open",
    priority: 0,
  },
  ageColumn,
];

const ingressClassColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Controller",
    type: "string",
    format: "",
    description: "Controller that is responsible for handling this class",
    priority: 0,
  },
  {
    name: "Parameters",
    type: "string",
    format: "",
    description: "A reference to a resource with additional parameters",
    priority: 0,
  },
  ageColumn,
];

const networkPolicyColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Pod-Selector",
    type: "string",
    format: "",
    description:
      "Selects the pods to which this NetworkPolicy object applies.  The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods.  In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace.",
    priority: 0,
  },
  ageColumn,
];

const name = (obj: JsonObject): string => stringAt(obj, "metadata", "name");

/** `formatHosts`: up to three rule hosts, `*` when none, `+ N more...` counting all rules. */
export function formatHosts(rules: readonly JsonObject[]): string {
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    const host = stringAt(rule, "host");
    if (!more && host !== "") list.push(host);
  }
  if (list.length === 0) return "*";
  const joined = list.join(",");
  return more ? `${joined} + ${rules.length - max} more...` : joined;
}

function ingressCells(ingress: JsonObject, now: Date): unknown[] {
  const spec = objectAt(ingress, "spec");
  return [
    name(ingress),
    optionalStringAt(spec, "ingressClassName") ?? "<none>",
    formatHosts(objectsAt(spec, "rules")),
    loadBalancerIngressString(objectAt(ingress, "status")),
    arrayAt(spec, "tls").length > 0 ? "80, 443" : "80",
    age(ingress, now),
  ];
}

/** `Kind[.apiGroup]/name` of the parameters reference, `<none>` without one. */
function ingressClassParameters(ingressClass: JsonObject): string {
  const parameters = optionalObjectAt(ingressClass, "spec", "parameters");
  if (parameters === undefined) return "<none>";
  const apiGroup = optionalStringAt(parameters, "apiGroup");
  const kind = stringAt(parameters, "kind");
  return `${apiGroup === undefined ? kind : `${kind}.${apiGroup}`}/${stringAt(parameters, "name")}`;
}

/** networking.k8s.io/v1 ingresses. */
export const ingressPrinter: Printer = { columns: ingressColumns, cells: ingressCells };

/** networking.k8s.io/v1 ingressclasses. */
export const ingressClassPrinter: Printer = {
  columns: ingressClassColumns,
  cells: (ic, now) => [
    name(ic),
    stringAt(ic, "spec", "controller"),
    ingressClassParameters(ic),
    age(ic, now),
  ],
};

/** networking.k8s.io/v1 networkpolicies: a missing podSelector is the empty selector, `<none>`. */
export const networkPolicyPrinter: Printer = {
  columns: networkPolicyColumns,
  cells: (np, now) => [name(np), formatLabelSelector(objectAt(np, "spec", "podSelector")), age(np, now)],
};
