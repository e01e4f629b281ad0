/**
 * Server-side printing for `kubectl get`: meta.k8s.io Table columns and cells for every served kind,
 * matching kube-apiserver 1.32 (pkg/printers/internalversion/printers.go).
 */

export type { JsonObject } from "./json.ts";
export { findPrinter } from "./registry.ts";
export {
  type BuildTableOptions,
  buildTable,
  buildTableJson,
  columnsFor,
  type IncludeObject,
  rowCells,
  type SerializedObject,
  type Table,
  type TableRow,
} from "./table.ts";
export type { Printer, TableColumn, TableRowCondition } from "./types.ts";
