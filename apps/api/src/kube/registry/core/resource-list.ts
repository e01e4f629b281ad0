/**
 * ResourceLists (requests, limits, capacity, quota hard): defaulting to canonical, milli-rounded
 * quantities and the per-entry checks shared by containers, claims, quotas and limit ranges.
 */
import { compareGoStrings } from "../../validation/go-format.ts";
import {
  formatQuantity,
  parseQuantity,
  QUANTITY_FORMAT_ERROR,
  type Quantity,
  roundUpQuantity,
} from "../../validation/quantity.ts";
import { UndecodableValueError } from "./decode-error.ts";
import { isJsonObject } from "./json.ts";

/**
 * SetDefaults_ResourceList: every quantity rounded up to millis and rewritten canonically, as the API
 * serves it. A value that is no quantity at all is a decoding error (400), as upstream.
 */
export function defaultResourceList(list: unknown): void {
  if (!isJsonObject(list)) return;
  for (const [name, value] of Object.entries(list)) {
    const q = parseQuantity(value);
    if (!q) throw new UndecodableValueError(QUANTITY_FORMAT_ERROR);
    list[name] = formatQuantity(roundUpQuantity(q, -3));
  }
}

/** A single Quantity field (sizeLimit, divisor): canonical, not rounded. */
export function defaultQuantityField(obj: Record<string, unknown>, key: string): void {
  if (obj[key] === undefined || obj[key] === null) return;
  const q = parseQuantity(obj[key]);
  if (!q) throw new UndecodableValueError(QUANTITY_FORMAT_ERROR);
  obj[key] = formatQuantity(q);
}

/** A ResourceList's parsable entries in Go's sorted key order (upstream ranges a map; sorting is deterministic). */
export function resourceEntries(list: unknown): [string, Quantity][] {
  if (!isJsonObject(list)) return [];
  const out: [string, Quantity][] = [];
  for (const name of Object.keys(list).sort(compareGoStrings)) {
    const q = parseQuantity(list[name]);
    if (q) out.push([name, q]);
  }
  return out;
}
