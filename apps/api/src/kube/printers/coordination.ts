/** coordination.k8s.io/v1 leases (`printLease`, pkg/printers/internalversion/printers.go, release-1.32). */

import { ageColumn, nameColumn } from "./columns.ts";
import { age } from "./format.ts";
import { stringAt } from "./json.ts";
import type { Printer, TableColumn } from "./types.ts";

const leaseColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Holder",
    type: "string",
    format: "",
    description:
      "holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.",
    priority: 0,
  },
  ageColumn,
];

/** coordination.k8s.io/v1 leases. */
export const leasePrinter: Printer = {
  columns: leaseColumns,
  cells: (lease, now) => [
    stringAt(lease, "metadata", "name"),
    stringAt(lease, "spec", "holderIdentity"),
    age(lease, now),
  ],
};
