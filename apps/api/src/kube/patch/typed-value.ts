// The schema-aware walks of sigs.k8s.io/structured-merge-diff/typed that server-side apply needs:
// ToFieldSet (tofieldset.go), Compare (compare.go), Merge (merge.go) and RemoveItems (remove.go).
// Objects are granular unless `atomic`; lists are atomic unless the schema keys them ("map") or makes
// them a set; both-empty values are compared and merged as leaves, as upstream does.
import {
  type FieldPath,
  fieldElement,
  keyElement,
  type PathElement,
  pathToString,
  serializeElement,
} from "./field-path.ts";
import { FieldSet } from "./field-set.ts";
import { deepClone, isObject, type JsonObject, jsonEqual } from "./json.ts";
import type { FieldSchema, ListSchema } from "./merge-keys.ts";

/** An object or list that does not fit its schema (missing list key, duplicate items). */
export class TypedValueError extends Error {}

/** What changed between two objects: the paths added, removed and modified by the right-hand side. */
export interface Comparison {
  readonly added: FieldSet;
  readonly removed: FieldSet;
  readonly modified: FieldSet;
}

const NO_SCHEMA: FieldSchema = {};

function childSchema(node: FieldSchema, name: string): FieldSchema {
  return node.type?.fields[name] ?? NO_SCHEMA;
}

function itemSchema(list: ListSchema): FieldSchema {
  return { type: list.item, atomic: list.atomicItems };
}

function granularList(node: FieldSchema): ListSchema | undefined {
  const list = node.list;
  return list && (list.ssa === "map" || list.ssa === "set") ? list : undefined;
}

function emptyObject(value: unknown): boolean {
  return value === undefined || value === null || (isObject(value) && Object.keys(value).length === 0);
}

function emptyList(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

/** The path element naming one item of a keyed list or a set. */
export function itemElement(list: ListSchema, item: unknown, index: number, path: FieldPath): PathElement {
  const where = `${pathToString(path)}: element ${index}`;
  if (list.ssa === "set") {
    if (isObject(item) || Array.isArray(item))
      throw new TypedValueError(`${where}: expected a scalar set item`);
    return { kind: "value", value: item };
  }
  if (!isObject(item)) throw new TypedValueError(`${where}: expected map, got ${JSON.stringify(item)}`);
  const keys = list.keys ?? (list.mergeKey ? [list.mergeKey] : []);
  return keyElement(
    keys.map((key) => {
      const value = item[key] ?? list.keyDefaults?.[key];
      if (value === undefined || value === null) {
        throw new TypedValueError(
          `${where}: associative list with keys has an element that omits key field "${key}" (and doesn't have default value)`,
        );
      }
      return [key, value] as const;
    }),
  );
}

interface IndexedList {
  /** One element per item, duplicates included. */
  readonly elements: PathElement[];
  /** First item for each element; `duplicated` when it occurs more than once. */
  readonly byKey: Map<string, { item: unknown; duplicated: boolean }>;
}

function indexList(list: ListSchema, items: unknown[], path: FieldPath): IndexedList {
  const elements: PathElement[] = [];
  const byKey = new Map<string, { item: unknown; duplicated: boolean }>();
  items.forEach((item, index) => {
    const pe = itemElement(list, item, index, path);
    const key = serializeElement(pe);
    const seen = byKey.get(key);
    if (seen) seen.duplicated = true;
    else byKey.set(key, { item, duplicated: false });
    elements.push(pe);
  });
  return { elements, byKey };
}

/** ToFieldSet: every path the value sets (leaves, list items, atomic values, empty objects). */
export function toFieldSet(
  value: unknown,
  node: FieldSchema,
  path: FieldPath = [],
  set = new FieldSet(),
): FieldSet {
  if (isObject(value) && !node.atomic) {
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, fieldElement(key)];
      toFieldSet(child, childSchema(node, key), childPath, set);
      if (emptyObject(child)) set.insert(childPath);
    }
    return set;
  }
  const list = granularList(node);
  if (Array.isArray(value) && list) {
    const indexed = indexList(list, value, path);
    const inserted = new Set<string>();
    indexed.elements.forEach((pe, i) => {
      const key = serializeElement(pe);
      if (inserted.has(key)) return;
      inserted.add(key);
      const itemPath = [...path, pe];
      if (!indexed.byKey.get(key)?.duplicated) toFieldSet(value[i], itemSchema(list), itemPath, set);
      set.insert(itemPath);
    });
    return set;
  }
  set.insert(path);
  return set;
}

/** Checks an applied configuration the way SMD validates it: list keys present, no duplicate items. */
export function validateApplied(value: unknown, node: FieldSchema, path: FieldPath = []): void {
  if (isObject(value) && !node.atomic) {
    for (const [key, child] of Object.entries(value)) {
      validateApplied(child, childSchema(node, key), [...path, fieldElement(key)]);
    }
    return;
  }
  const list = granularList(node);
  if (!Array.isArray(value) || !list) return;
  const seen = new Set<string>();
  value.forEach((item, index) => {
    const pe = itemElement(list, item, index, path);
    const key = serializeElement(pe);
    if (seen.has(key)) {
      throw new TypedValueError(`${pathToString(path)}: duplicate entries for key ${pathToString([pe])}`);
    }
    seen.add(key);
    validateApplied(item, itemSchema(list), [...path, pe]);
  });
}

/** Compare(lhs, rhs): `undefined` stands for an absent value. */
export function compare(lhs: unknown, rhs: unknown, node: FieldSchema): Comparison {
  const out: Comparison = { added: new FieldSet(), removed: new FieldSet(), modified: new FieldSet() };
  compareAt(lhs, rhs, node, [], out);
  return out;
}

/**
 * Whether two values are the same JSON, checked natively: most writes change one part of an object
 * (a status, a label), and serialising an unchanged spec twice is far cheaper than walking it. A
 * difference in key order only means the walk is done after all.
 */
function sameJson(lhs: unknown, rhs: unknown): boolean {
  return lhs === rhs || (typeof lhs === "object" && JSON.stringify(lhs) === JSON.stringify(rhs));
}

function compareAt(lhs: unknown, rhs: unknown, node: FieldSchema, path: FieldPath, out: Comparison): void {
  // Equal values add, remove and modify nothing. Checked for the parts of an object (spec, status …).
  if (path.length === 1 && sameJson(lhs, rhs)) return;
  const objects = (lhs === undefined || isObject(lhs)) && (rhs === undefined || isObject(rhs));
  if (objects && !node.atomic && !(emptyObject(lhs) && emptyObject(rhs))) {
    const left = lhs as JsonObject | undefined;
    const right = rhs as JsonObject | undefined;
    const keys = new Set([...Object.keys(left ?? {}), ...Object.keys(right ?? {})]);
    for (const key of keys) {
      const child = childSchema(node, key);
      let l = left?.[key];
      let r = right?.[key];
      // A Go zero object already holds value structs and non-omitempty lists.
      if (child.alwaysPresent && left && right) {
        l ??= zeroLike(r);
        r ??= zeroLike(l);
      }
      compareAt(l, r, child, [...path, fieldElement(key)], out);
    }
    markPresence(lhs, rhs, path, out);
    return;
  }
  const list = granularList(node);
  const lists = (lhs === undefined || Array.isArray(lhs)) && (rhs === undefined || Array.isArray(rhs));
  if (lists && list && !(emptyList(lhs) && emptyList(rhs)) && compareLists(lhs, rhs, list, path, out)) {
    markPresence(lhs, rhs, path, out);
    return;
  }
  if (lhs === undefined) out.added.insert(path);
  else if (rhs === undefined) out.removed.insert(path);
  else if (!jsonEqual(lhs, rhs)) out.modified.insert(path);
}

function zeroLike(value: unknown): unknown {
  if (isObject(value)) return {};
  return Array.isArray(value) ? [] : undefined;
}

function markPresence(lhs: unknown, rhs: unknown, path: FieldPath, out: Comparison): void {
  if (lhs === undefined) out.added.insert(path);
  else if (rhs === undefined) out.removed.insert(path);
}

/** Item-by-item comparison; false (compare as one value) when either side has duplicates or bad keys. */
function compareLists(
  lhs: unknown,
  rhs: unknown,
  list: ListSchema,
  path: FieldPath,
  out: Comparison,
): boolean {
  let left: IndexedList;
  let right: IndexedList;
  try {
    left = indexList(list, (lhs as unknown[] | undefined) ?? [], path);
    right = indexList(list, (rhs as unknown[] | undefined) ?? [], path);
  } catch (error) {
    if (error instanceof TypedValueError) return false;
    throw error;
  }
  const duplicated = [...left.byKey.values(), ...right.byKey.values()].some((entry) => entry.duplicated);
  if (duplicated) return false;
  const elements = new Map<string, PathElement>();
  for (const pe of [...left.elements, ...right.elements]) elements.set(serializeElement(pe), pe);
  for (const [key, pe] of elements) {
    compareAt(left.byKey.get(key)?.item, right.byKey.get(key)?.item, itemSchema(list), [...path, pe], out);
  }
  return true;
}

/** Merge(lhs, rhs): the applied configuration `rhs` laid over the live object `lhs`. */
export function merge(lhs: unknown, rhs: unknown, node: FieldSchema, path: FieldPath = []): unknown {
  if (rhs === undefined) return lhs;
  if (lhs === undefined) return deepClone(rhs);
  if (isObject(lhs) && isObject(rhs) && !node.atomic) {
    if (emptyObject(lhs) && emptyObject(rhs)) return deepClone(rhs);
    const out: JsonObject = {};
    for (const key of new Set([...Object.keys(lhs), ...Object.keys(rhs)])) {
      const merged = merge(lhs[key], rhs[key], childSchema(node, key), [...path, fieldElement(key)]);
      if (merged !== undefined) out[key] = merged;
    }
    return out;
  }
  const list = granularList(node);
  if (Array.isArray(lhs) && Array.isArray(rhs) && list && !(lhs.length === 0 && rhs.length === 0)) {
    return mergeLists(lhs, rhs, list, path);
  }
  return deepClone(rhs);
}

/**
 * visitListItems of merge.go: live items keep their place, applied items keep their relative order,
 * and applied items missing from the live list are inserted after the shared item before them.
 */
function mergeLists(lhs: unknown[], rhs: unknown[], list: ListSchema, path: FieldPath): unknown[] {
  const right = indexList(list, rhs, path);
  for (const pe of right.elements) {
    if (right.byKey.get(serializeElement(pe))?.duplicated) {
      throw new TypedValueError(`${pathToString(path)}: duplicate entries for key ${pathToString([pe])}`);
    }
  }
  const left = indexList(list, lhs, path);
  const rKeys = right.elements.map(serializeElement);
  const lKeys = left.elements.map(serializeElement);
  const shared = rKeys.filter((key) => left.byKey.has(key));
  let nextShared = shared.shift();
  const mergedRight = new Set<string>();
  const item = itemSchema(list);
  const out: unknown[] = [];
  const mergeItem = (key: string, pe: PathElement) => {
    const live = left.byKey.get(key);
    const merged = merge(live?.duplicated ? undefined : live?.item, right.byKey.get(key)?.item, item, [
      ...path,
      pe,
    ]);
    if (merged !== undefined) out.push(merged);
  };

  let l = 0;
  let r = 0;
  while (l < lKeys.length || r < rKeys.length) {
    const lKey = lKeys[l];
    const rKey = rKeys[r];
    if (lKey !== undefined && rKey !== undefined) {
      if (lKey === rKey) {
        mergedRight.add(lKey);
        mergeItem(lKey, left.elements[l] as PathElement);
        l++;
        r++;
        nextShared = shared.shift();
        continue;
      }
      if (right.byKey.has(lKey) && nextShared !== undefined && nextShared !== lKey) {
        l++;
        continue;
      }
    }
    if (lKey !== undefined) {
      if (!right.byKey.has(lKey)) {
        const merged = merge(lhs[l], undefined, item);
        if (merged !== undefined) out.push(merged);
        l++;
        continue;
      }
      if (mergedRight.has(lKey)) l++;
    }
    if (rKey !== undefined) {
      mergedRight.add(rKey);
      mergeItem(rKey, right.elements[r] as PathElement);
      r++;
      if (nextShared === rKey) nextShared = shared.shift();
    }
  }
  return out;
}

/** RemoveItems: drops every member of `toRemove` from `value`; an object or list left empty disappears. */
export function removeItems(
  value: unknown,
  toRemove: FieldSet,
  node: FieldSchema,
  path: FieldPath = [],
): unknown {
  if (toRemove.isEmpty()) return value;
  if (isObject(value) && !node.atomic) {
    if (Object.keys(value).length === 0) return undefined;
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      const pe = fieldElement(key);
      if (toRemove.hasMember(pe)) continue;
      const below = toRemove.childAt(pe);
      const kept = below.isEmpty() ? child : removeItems(child, below, childSchema(node, key), [...path, pe]);
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  const list = granularList(node);
  if (Array.isArray(value) && list) {
    if (value.length === 0) return undefined;
    const out: unknown[] = [];
    value.forEach((item, index) => {
      let pe: PathElement;
      try {
        pe = itemElement(list, item, index, path);
      } catch {
        out.push(item);
        return;
      }
      if (toRemove.hasMember(pe)) return;
      const below = toRemove.childAt(pe);
      const kept = below.isEmpty() ? item : removeItems(item, below, itemSchema(list), [...path, pe]);
      if (kept !== undefined) out.push(kept);
    });
    return out.length > 0 ? out : undefined;
  }
  return value;
}
