/**
 * meta.k8s.io Table responses, shaped as kube-apiserver serialises them: the printer's rows (pkg/printers
 * `GenerateTable`, always wide) with `object` set per `includeObject` (apiserver
 * `endpoints/handlers/response.go` `asTable`).
 */

import { type JsonObject, objectAt } from "./json.ts";
import { findPrinter, printerFor } from "./registry.ts";
import type { TableColumn, TableRowCondition } from "./types.ts";

/** The `includeObject` query parameter; kubectl's default is Metadata. */
export type IncludeObject = "None" | "Metadata" | "Object";

/** One row. `object` is null for includeObject=None: Go serialises the empty RawExtension as `null`. */
export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
  object: unknown;
}

/** A meta.k8s.io Table. Empty fields are `null` where Go's nil slices serialise that way. */
export interface Table {
  kind: "Table";
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumn[] | null;
  rows: TableRow[] | null;
}

/** How to build a table. */
export interface BuildTableOptions {
  /** Clock for Age and other relative cells. */
  now: Date;
  /** What each row's `object` holds; absent or "" means Metadata, as upstream. */
  includeObject?: IncludeObject | "";
  /** The list's resourceVersion (or the object's, for a single GET); omitted from the output when "". */
  resourceVersion: string;
  /** The list's continue token, if more pages follow. */
  continue?: string;
  /** The list's remainingItemCount, when known. */
  remainingItemCount?: number;
  /**
   * Leave columnDefinitions out (null): kube-apiserver does this for every watch event after the first
   * (TableOptions.NoHeaders), so only the first event carries headers.
   */
  omitColumns?: boolean;
  /** The Table's group/version; kubectl 1.32 asks for meta.k8s.io/v1 (v1beta1 only as a fallback). */
  apiVersion?: "meta.k8s.io/v1" | "meta.k8s.io/v1beta1";
}

/** Column definitions for a group ("" for core) and plural resource, wide ones included. */
export function columnsFor(group: string, resource: string): TableColumn[] {
  return printerFor(group, resource).columns.map((column) => ({ ...column }));
}

/** A row's cells, every column included (kube-apiserver prints wide; kubectl hides priority 1). */
export function rowCells(group: string, resource: string, obj: JsonObject, now: Date): unknown[] {
  return printerFor(group, resource).cells(obj, now);
}

function rowObject(obj: JsonObject, includeObject: IncludeObject, apiVersion: string): unknown {
  switch (includeObject) {
    case "Object":
      return obj;
    case "None":
      return null;
    default:
      // meta.AsPartialObjectMetadata keeps the whole ObjectMeta, managedFields included.
      return { kind: "PartialObjectMetadata", apiVersion, metadata: objectAt(obj, "metadata") };
  }
}

/**
 * A Table for a list (or, with one object, a single GET / watch event). Rows follow `objects` order.
 * `group` is "" for the core group; `resource` is the plural resource name.
 */
export function buildTable(
  group: string,
  resource: string,
  objects: readonly JsonObject[],
  opts: BuildTableOptions,
): Table {
  const apiVersion = opts.apiVersion ?? "meta.k8s.io/v1";
  const printer = printerFor(group, resource);
  const includeObject = opts.includeObject || "Metadata";
  const rows = objects.map((obj): TableRow => {
    const conditions = printer.conditions?.(obj);
    return {
      cells: printer.cells(obj, opts.now),
      ...(conditions === undefined ? {} : { conditions }),
      object: rowObject(obj, includeObject, apiVersion),
    };
  });

  const metadata: Table["metadata"] = {};
  if (opts.resourceVersion !== "") metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;

  return {
    kind: "Table",
    apiVersion,
    metadata,
    columnDefinitions: opts.omitColumns ? null : columnsFor(group, resource),
    // Printers build rows with make(..., 0); the default convertor leaves them nil when there are none.
    rows: rows.length === 0 && findPrinter(group, resource) === undefined ? null : rows,
  };
}

/** An object to print, with its JSON already at hand (a followed list's entry). */
export interface SerializedObject {
  object: JsonObject;
  /** The object's JSON, as includeObject=Object embeds it. */
  json(): Buffer;
  /** Its metadata's JSON, as includeObject=Metadata embeds it. */
  metadataJson(): Buffer;
}

/**
 * JSON.stringify(buildTable(…)) of objects whose JSON is already at hand: each row's `object` is
 * spliced in from those bytes instead of being serialised again (for large lists, the metadata with
 * its managedFields is most of a Table).
 */
export function buildTableJson(
  group: string,
  resource: string,
  objects: readonly SerializedObject[],
  opts: BuildTableOptions,
): Buffer {
  const envelope = buildTable(group, resource, [], opts);
  if (objects.length === 0) return Buffer.from(JSON.stringify(envelope));
  const apiVersion = envelope.apiVersion;
  const printer = printerFor(group, resource);
  const includeObject = opts.includeObject || "Metadata";
  const metadataHead = Buffer.from(
    `,"object":{"kind":"PartialObjectMetadata","apiVersion":${JSON.stringify(apiVersion)},"metadata":`,
  );
  // The envelope ends with its rows, `"rows":[]}`: the rows go between the brackets.
  const head = JSON.stringify({ ...envelope, rows: [] });
  const parts: Buffer[] = [Buffer.from(head.slice(0, -2))];
  objects.forEach((entry, i) => {
    const conditions = printer.conditions?.(entry.object);
    const cells = JSON.stringify(printer.cells(entry.object, opts.now));
    const start = `${i > 0 ? "," : ""}{"cells":${cells}${conditions === undefined ? "" : `,"conditions":${JSON.stringify(conditions)}`}`;
    parts.push(Buffer.from(start));
    if (includeObject === "None") parts.push(NULL_OBJECT);
    else if (includeObject === "Object") parts.push(OBJECT_KEY, entry.json());
    else parts.push(metadataHead, entry.metadataJson(), CLOSE);
    parts.push(CLOSE);
  });
  parts.push(Buffer.from(head.slice(-2)));
  return Buffer.concat(parts);
}

const NULL_OBJECT = Buffer.from(`,"object":null`);
const OBJECT_KEY = Buffer.from(`,"object":`);
const CLOSE = Buffer.from("}");
