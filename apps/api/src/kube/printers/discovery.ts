/** discovery.k8s.io/v1 endpointslices (`printEndpointSlice`, pkg/printers/internalversion/printers.go, release-1.32). */

import { ageColumn, nameColumn } from "./columns.ts";
import { age, listWithMoreString } from "./format.ts";
import { arrayAt, type JsonObject, objectsAt, optionalNumberAt, optionalStringAt, stringAt } from "./json.ts";
import type { Printer, TableColumn } from "./types.ts";

const endpointSliceColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "AddressType",
    type: "string",
    format: "",
    description:
      "addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.",
    priority: 0,
  },
  {
    name: "Ports",
    type: "string",
    format: "",
    description:
      'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.',
    priority: 0,
  },
  {
    name: "Endpoints",
    type: "string",
    format: "",
    description:
      "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.",
    priority: 0,
  },
  ageColumn,
];

/** Collects the first three entries of `items` and the total, for `listWithMoreString`. */
function firstThree(items: readonly string[]): string {
  const max = 3;
  return listWithMoreString(items.slice(0, max), items.length > max, items.length, max);
}

/** `formatDiscoveryPorts`: port numbers, else port names, else `*`. */
function formatDiscoveryPorts(slice: JsonObject): string {
  return firstThree(
    objectsAt(slice, "ports").map(
      (port) => optionalNumberAt(port, "port")?.toString() ?? optionalStringAt(port, "name") ?? "*",
    ),
  );
}

/** `formatDiscoveryEndpoints`: every address of every endpoint. */
function formatDiscoveryEndpoints(slice: JsonObject): string {
  const addresses = objectsAt(slice, "endpoints").flatMap((endpoint) =>
    arrayAt(endpoint, "addresses").filter((a): a is string => typeof a === "string"),
  );
  return firstThree(addresses);
}

/** discovery.k8s.io/v1 endpointslices. */
export const endpointSlicePrinter: Printer = {
  columns: endpointSliceColumns,
  cells: (slice, now) => [
    stringAt(slice, "metadata", "name"),
    stringAt(slice, "addressType"),
    formatDiscoveryPorts(slice),
    formatDiscoveryEndpoints(slice),
    age(slice, now),
  ],
};
