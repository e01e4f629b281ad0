/** policy/v1 poddisruptionbudgets (`printPodDisruptionBudget`, pkg/printers/internalversion/printers.go, release-1.32). */

import { ageColumn, nameColumn } from "./columns.ts";
import { age, intOrStringToString } from "./format.ts";
import { type JsonObject, numberAt, stringAt, valueAt } from "./json.ts";
import type { Printer, TableColumn } from "./types.ts";

const podDisruptionBudgetColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Min Available",
    type: "string",
    format: "",
    description: "The minimum number of pods that must be available.",
    priority: 0,
  },
  {
    name: "Max Unavailable",
    type: "string",
    format: "",
    description: "The maximum number of pods that may be unavailable.",
    priority: 0,
  },
  {
    name: "Allowed Disruptions",
    type: "integer",
    format: "",
    description: "Calculated number of pods that may be disrupted at this time.",
    priority: 0,
  },
  ageColumn,
];

function intOrStringOrNA(pdb: JsonObject, field: string): string {
  const value = valueAt(pdb, "spec", field);
  return value == null ? "N/A" : intOrStringToString(value);
}

/** policy/v1 poddisruptionbudgets. */
export const podDisruptionBudgetPrinter: Printer = {
  columns: podDisruptionBudgetColumns,
  cells: (pdb, now) => [
    stringAt(pdb, "metadata", "name"),
    intOrStringOrNA(pdb, "minAvailable"),
    intOrStringOrNA(pdb, "maxUnavailable"),
    numberAt(pdb, "status", "disruptionsAllowed"),
    age(pdb, now),
  ],
};
