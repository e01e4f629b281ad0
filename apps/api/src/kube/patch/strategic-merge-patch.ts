// Strategic merge patch, server side, as k8s.io/apimachinery/pkg/util/strategicpatch (patch.go,
// StrategicMergeMapPatch with MergeParallelList and IgnoreUnmatchedNulls) applies it. The merge keys
// come from ./merge-keys.ts. Where upstream copies patch content verbatim into a field the object did
// not have (directives and nulls included, later dropped or mis-decoded by the Go types), this
// implementation cleans the value instead.
import { badRequest, internalPatchError, PatchError } from "./errors.ts";
import { deepClone, isObject, type JsonObject } from "./json.ts";
import type { ListSchema, TypeSchema } from "./merge-keys.ts";

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER = "$setElementOrder";

/**
 * Applies a strategic merge patch (the decoded `application/strategic-merge-patch+json` body) to a copy
 * of `original`. `schema` is `schemaFor(apiVersion, kind)`; without one (custom resources) every list
 * is replaced and objects merge, as a JSON merge patch would.
 * Throws PatchError: 400 for malformed directives, 500 (reason "") for a missing merge key or an
 * unknown `$patch`, with kube-apiserver's messages.
 */
export function applyStrategicMergePatch(
  original: JsonObject,
  patch: unknown,
  schema: TypeSchema | undefined,
): JsonObject {
  if (!isObject(patch)) throw badRequest("invalid JSON document");
  return mergeMap(deepClone(original), deepClone(patch), schema);
}

function mergeMap(original: JsonObject, patch: JsonObject, type: TypeSchema | undefined): JsonObject {
  if (Object.hasOwn(patch, DIRECTIVE)) return mapDirective(patch[DIRECTIVE], patch);

  applyRetainKeys(original, patch);
  mergeOrderedLists(original, patch, type);

  const deletions: [string, unknown][] = [];
  for (const [key, patchValue] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      deletions.push([directiveTarget(key, DELETE_FROM_PRIMITIVE_LIST), patchValue]);
      continue;
    }
    if (patchValue === null) {
      delete original[key];
      continue;
    }
    const current = original[key];
    if (current === undefined) {
      original[key] = clean(patchValue);
      continue;
    }
    const field = type?.fields[key];
    if (isObject(current) && isObject(patchValue)) {
      original[key] = mergeMap(current, patchValue, field?.type);
    } else if (Array.isArray(current) && Array.isArray(patchValue)) {
      original[key] =
        field?.list?.strategy === "merge" ? mergeList(current, patchValue, field.list) : clean(patchValue);
    } else {
      original[key] = clean(patchValue);
    }
  }

  // Deletions run after additions: kubectl never sends the same value in both.
  for (const [key, values] of deletions) {
    const current = original[key];
    if (!Array.isArray(values)) throw badRequest("invalid patch format of primitive list");
    if (Array.isArray(current)) original[key] = current.filter((item) => !values.some((v) => v === item));
  }
  return original;
}

function mapDirective(directive: unknown, patch: JsonObject): JsonObject {
  if (directive === "replace") {
    delete patch[DIRECTIVE];
    return clean(patch) as JsonObject;
  }
  if (directive === "delete") return {};
  throw internalPatchError(`unknown patch type: ${goString(directive)} in map: ${goString(patch)}`);
}

/** `$retainKeys`: keys of `original` missing from the list are cleared (DeploymentSpec.strategy, volumes). */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const retained = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retained)) throw badRequest("invalid patch format of retainKeys");
  const keep = new Set(retained.map((key) => String(key)));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER))
      continue;
    if (!keep.has(key)) throw badRequest("invalid patch format of retainKeys");
  }
  for (const key of Object.keys(original)) {
    if (!keep.has(key)) delete original[key];
  }
}

/**
 * `$setElementOrder/<list>`: merges the list with its patch, then orders it. Precedence is the order in
 * `$setElementOrder`, then the order in the patch, then the order in the live list (mergePatchIntoOriginal).
 */
function mergeOrderedLists(original: JsonObject, patch: JsonObject, type: TypeSchema | undefined): void {
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    delete patch[key];
    const target = directiveTarget(key, SET_ELEMENT_ORDER);
    if (!Array.isArray(order))
      throw internalPatchError(`expected a []interface {}, but received a ${goType(order)}`);
    const current = original[target];
    const patchList = patch[target];
    if (current !== undefined && !Array.isArray(current)) {
      throw internalPatchError(`expected a []interface {}, but received a ${goType(current)}`);
    }
    if (patchList !== undefined && patchList !== null && !Array.isArray(patchList)) {
      throw internalPatchError(`expected a []interface {}, but received a ${goType(patchList)}`);
    }
    const list = type?.fields[target]?.list;
    const mergeKey = list?.strategy === "merge" ? list.mergeKey : undefined;
    if (Array.isArray(patchList)) validateOrder(patchList, order, mergeKey);

    let merged: unknown[];
    if (!Array.isArray(patchList)) {
      if (current === undefined) continue;
      merged = current;
    } else if (list?.strategy === "merge") {
      merged = mergeList(current ?? [], patchList, list);
    } else {
      merged = clean(patchList) as unknown[];
    }
    delete patch[target];
    if (list?.strategy !== "merge") {
      original[target] = merged;
      continue;
    }
    const identity = identityOf(mergeKey);
    const wanted = new Set(order.map(identity));
    const fromPatch = merged.filter((item) => wanted.has(identity(item)));
    const serverOnly = merged.filter((item) => !wanted.has(identity(item)));
    original[target] = interleave(fromPatch, serverOnly, order, current ?? [], identity);
  }
}

/** The relative order of the patch items must agree with `$setElementOrder` (validatePatchWithSetOrderList). */
function validateOrder(patchList: unknown[], order: unknown[], mergeKey: string | undefined): void {
  if (order.length === 0 || patchList.length === 0) return;
  const identity = identityOf(mergeKey);
  const items = patchList.filter((item) => !(isObject(item) && Object.hasOwn(item, DIRECTIVE)));
  let p = 0;
  for (let o = 0; p < items.length && o < order.length; o++) {
    if (identity(items[p]) === identity(order[o])) p++;
  }
  if (p < items.length) {
    throw internalPatchError(
      `The order in patch list:\n${goString(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goString(order)}\n`,
    );
  }
}

/** mergeSlice: merges a `patchStrategy:"merge"` list, honouring `$patch: delete|replace` items. */
function mergeList(original: unknown[], patch: unknown[], list: ListSchema): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  const mergeKey = list.mergeKey;
  let base = original;
  let patchItems = patch;
  let merged: unknown[];

  if (kind !== "map") {
    merged = dedupe([...original, ...patch]);
  } else {
    if (!mergeKey) throw internalPatchError("cannot merge lists without merge key for type struct");
    [base, patchItems] = applyListDirectives(original, patch, mergeKey);
    merged = [...base];
    for (const item of patchItems) {
      const itemMap = item as JsonObject;
      if (!Object.hasOwn(itemMap, mergeKey)) throw noMergeKey(itemMap, mergeKey);
      const index = merged.findIndex((candidate) => {
        if (!isObject(candidate)) throw internalPatchError("value for key 0 is not a map.");
        return candidate[mergeKey] === itemMap[mergeKey];
      });
      if (index >= 0) merged[index] = mergeMap(merged[index] as JsonObject, itemMap, list.item);
      else merged.push(clean(itemMap));
    }
  }

  const identity = identityOf(kind === "map" ? mergeKey : undefined);
  const inPatch = new Set(patchItems.map(identity));
  const fromPatch = merged.filter((item) => inPatch.has(identity(item)));
  const serverOnly = merged.filter((item) => !inPatch.has(identity(item)));
  return interleave(fromPatch, serverOnly, patchItems, base, identity);
}

/** mergeSliceWithSpecialElements: `$patch: delete` removes by key, `$patch: replace` drops the live list. */
function applyListDirectives(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
): [unknown[], unknown[]] {
  let base = original;
  let replace = false;
  const rest: unknown[] = [];
  for (const item of patch) {
    const itemMap = item as JsonObject;
    if (!Object.hasOwn(itemMap, DIRECTIVE)) {
      rest.push(item);
      continue;
    }
    const directive = itemMap[DIRECTIVE];
    if (directive === "delete") {
      if (!Object.hasOwn(itemMap, mergeKey)) throw noMergeKey(itemMap, mergeKey);
      base = base.filter((candidate) => !(isObject(candidate) && candidate[mergeKey] === itemMap[mergeKey]));
    } else if (directive === "replace") {
      replace = true;
    } else if (directive === "merge") {
      throw internalPatchError("merging lists cannot yet be specified in the patch");
    } else {
      throw internalPatchError(`unknown patch type: ${goString(directive)} in map: ${goString(itemMap)}`);
    }
  }
  return replace ? [rest.map(clean), []] : [base, rest];
}

/**
 * normalizeElementOrder + mergeSortedSlice: patch items keep the patch order, server-only items keep the
 * live order, and a server-only item goes before a patch item when it came first in the live list.
 */
function interleave(
  fromPatch: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  identity: (item: unknown) => unknown,
): unknown[] {
  const right = sortByOrder(fromPatch, patchOrder, identity);
  const left = sortByOrder(serverOnly, serverOrder, identity);
  const serverIndex = (item: unknown) =>
    serverOrder.findIndex((candidate) => identity(candidate) === identity(item));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = serverIndex(left[i]);
      const ri = serverIndex(right[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Stable sort by position in `order`; `$patch: delete` leftovers and unknown items go last. */
function sortByOrder(items: unknown[], order: unknown[], identity: (item: unknown) => unknown): unknown[] {
  const position = (item: unknown) => {
    const index = order.findIndex((candidate) => identity(candidate) === identity(item));
    return index < 0 ? Number.POSITIVE_INFINITY : index;
  };
  return items
    .map((item, index) => ({ item, index, at: position(item) }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ item }) => item);
}

function identityOf(mergeKey: string | undefined): (item: unknown) => unknown {
  return mergeKey === undefined ? (item) => item : (item) => (isObject(item) ? item[mergeKey] : item);
}

function elementKind(...lists: unknown[][]): "map" | "scalar" {
  let kind: "map" | "scalar" | undefined;
  let previousType: string | undefined;
  for (const item of lists.flat()) {
    if (Array.isArray(item)) throw new PatchError(422, "Invalid", "lists of lists are not supported");
    const itemType = isObject(item) ? "map" : item === null ? "null" : typeof item;
    if (previousType !== undefined && previousType !== itemType) {
      throw internalPatchError(`list element types are not identical: ${goString(lists)}`);
    }
    previousType = itemType;
    kind = itemType === "map" ? "map" : "scalar";
  }
  return kind ?? "scalar";
}

function dedupe(items: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of items) if (!out.some((seen) => seen === item)) out.push(item);
  return out;
}

/** "$setElementOrder/containers" → "containers"; a malformed directive is a 400. */
function directiveTarget(key: string, prefix: string): string {
  const slash = key.indexOf("/");
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw badRequest(
      prefix === SET_ELEMENT_ORDER
        ? "invalid patch format of setElementOrder list"
        : "invalid patch format of primitive list",
    );
  }
  return key.slice(slash + 1);
}

/** A patch value stored where the object had nothing: drop directives, deletion markers and nulls. */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.filter((item) => !(isObject(item) && Object.hasOwn(item, DIRECTIVE))).map(clean);
  }
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null || key === DIRECTIVE || key === RETAIN_KEYS) continue;
    if (key.startsWith(`${SET_ELEMENT_ORDER}/`) || key.startsWith(`${DELETE_FROM_PRIMITIVE_LIST}/`)) continue;
    out[key] = clean(item);
  }
  return out;
}

function noMergeKey(item: JsonObject, mergeKey: string): PatchError {
  return internalPatchError(`map: ${goString(item)} does not contain declared merge key: ${mergeKey}`);
}

/** Go's %v rendering of decoded JSON, for messages copied from upstream. */
function goString(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goString).join(" ")}]`;
  if (isObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${key}:${goString(value[key])}`);
    return `map[${entries.join(" ")}]`;
  }
  return value === null || value === undefined ? "<nil>" : String(value);
}

function goType(value: unknown): string {
  if (Array.isArray(value)) return "[]interface {}";
  if (isObject(value)) return "map[string]interface {}";
  if (typeof value === "number") return "float64";
  if (typeof value === "boolean") return "bool";
  return value === null ? "<nil>" : "string";
}
