import type { JsonObject } from "./json.ts";

/** meta.k8s.io/v1 TableColumnDefinition; every field is always serialised, as upstream does. */
export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  /** 0 for default columns, 1 for the ones kubectl shows only with `-o wide`. */
  priority: number;
}

/** meta.k8s.io/v1 TableRowCondition (upstream sets `Completed` on finished pods). */
export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/**
 * One kind's table: its columns and how to fill a row. Like kube-apiserver (which prints with
 * `Wide: true`), cells always include the priority-1 columns; kubectl hides them unless `-o wide`.
 */
export interface Printer {
  readonly columns: readonly TableColumn[];
  cells(obj: JsonObject, now: Date): unknown[];
  conditions?(obj: JsonObject): TableRowCondition[] | undefined;
}
