/**
 * The table kube-apiserver serves for kinds without a printer (apiserver `pkg/registry/rest/table.go`,
 * `defaultTableConvertor`): Name and the creation time as an RFC 3339 date.
 */

import { ageColumn, nameColumn } from "./columns.ts";
import { formatRFC3339 } from "./format.ts";
import { stringAt, valueAt } from "./json.ts";
import type { Printer, TableColumn } from "./types.ts";

/** Same ObjectMeta creationTimestamp doc as the Age columns, but typed `date`. */
const createdAtColumn: TableColumn = {
  name: "Created At",
  type: "date",
  format: "",
  description: ageColumn.description,
  priority: 0,
};

/** Name and `Created At` (e.g. `2024-05-01T10:00:00Z`), for roles, limitranges and other unprinted kinds. */
export const defaultPrinter: Printer = {
  columns: [nameColumn, createdAtColumn],
  cells: (obj) => [
    stringAt(obj, "metadata", "name"),
    formatRFC3339(valueAt(obj, "metadata", "creationTimestamp")),
  ],
};
