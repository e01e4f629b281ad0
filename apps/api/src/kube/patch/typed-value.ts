// The schema-aware walks of sigs.k8s.io/structured-merge-diff/typed that server-side apply needs:
// ToFieldSet (tofieldset.go), Compare (compare.go), Merge (merge.go) and RemoveItems (remove.go).
// Objects are granular unless `atomic`; lists are atomic unless the schema keys them ("map") or makes
// them a set; both-empty values are compared and merged as leaves, as upstream does.
import {
  type FieldPath,
  fieldStep,
  keyElement,
  type PathElement,
  type PathStep,
  pathOf,
  pathToString,
  stepTo,
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

/** The path element naming one item of a keyed list or a set; `at` is the list's path. */
export function itemElement(
  list: ListSchema,
  item: unknown,
  index: number,
  at: PathStep | undefined,
): PathElement {
  if (list.ssa === "set") {
    if (isObject(item) || Array.isArray(item))
      throw new TypedValueError(`${describeItem(at, index)}: expected a scalar set item`);
    return { kind: "value", value: item };
  }
  if (!isObject(item))
    throw new TypedValueError(`${describeItem(at, index)}: expected map, got ${JSON.stringify(item)}`);
  const keys = list.keys ?? (list.mergeKey ? [list.mergeKey] : []);
  return keyElement(
    keys.map((key) => {
      const value = item[key] ?? list.keyDefaults?.[key];
      if (value === undefined || value === null) {
        throw new TypedValueError(
          `${describeItem(at, index)}: associative list with keys has an element that omits key field "${key}" (and doesn't have default value)`,
        );
      }
      return [key, value] as const;
    }),
  );
}

/** Where an item is, for messages; only a failure spells the path out. */
function describeItem(list: PathStep | undefined, index: number): string {
  return `${pathToString(pathOf(list))}: element ${index}`;
}

function duplicateEntries(at: PathStep | undefined, item: PathStep): TypedValueError {
  return new TypedValueError(
    `${pathToString(pathOf(at))}: duplicate entries for key ${pathToString([item.pe])}`,
  );
}

interface IndexedList {
  /** One step from the list to each item, duplicates included. */
  readonly steps: PathStep[];
  /** First item for each element key; `duplicated` when it occurs more than once. */
  readonly byKey: Map<string, { item: unknown; duplicated: boolean }>;
}

function indexList(list: ListSchema, items: unknown[], at: PathStep | undefined): IndexedList {
  const steps: PathStep[] = [];
  const byKey = new Map<string, { item: unknown; duplicated: boolean }>();
  items.forEach((item, index) => {
    const step = stepTo(at, itemElement(list, item, index, at));
    const seen = byKey.get(step.key);
    if (seen) seen.duplicated = true;
    else byKey.set(step.key, { item, duplicated: false });
    steps.push(step);
  });
  return { steps, byKey };
}

/** ToFieldSet: every path the value sets (leaves, list items, atomic values, empty objects). */
export function toFieldSet(value: unknown, node: FieldSchema): FieldSet {
  const set = new FieldSet();
  addPaths(value, node, undefined, set);
  return set;
}

function addPaths(value: unknown, node: FieldSchema, at: PathStep | undefined, set: FieldSet): void {
  if (isObject(value) && !node.atomic) {
    for (const [key, child] of Object.entries(value)) {
      const step = fieldStep(at, key);
      addPaths(child, childSchema(node, key), step, set);
      if (emptyObject(child)) set.insertStep(step);
    }
    return;
  }
  const list = granularList(node);
  if (Array.isArray(value) && list) {
    const indexed = indexList(list, value, at);
    const item = itemSchema(list);
    const inserted = new Set<string>();
    indexed.steps.forEach((step, i) => {
      if (inserted.has(step.key)) return;
      inserted.add(step.key);
      if (!indexed.byKey.get(step.key)?.duplicated) addPaths(value[i], item, step, set);
      set.insertStep(step);
    });
    return;
  }
  set.insertStep(at);
}

/** Checks an applied configuration the way SMD validates it: list keys present, no duplicate items. */
export function validateApplied(value: unknown, node: FieldSchema): void {
  validateAt(value, node, undefined);
}

function validateAt(value: unknown, node: FieldSchema, at: PathStep | undefined): void {
  if (isObject(value) && !node.atomic) {
    for (const [key, child] of Object.entries(value)) {
      validateAt(child, childSchema(node, key), fieldStep(at, key));
    }
    return;
  }
  const list = granularList(node);
  if (!Array.isArray(value) || !list) return;
  const item = itemSchema(list);
  const seen = new Set<string>();
  value.forEach((child, index) => {
    const step = stepTo(at, itemElement(list, child, index, at));
    if (seen.has(step.key)) throw duplicateEntries(at, step);
    seen.add(step.key);
    validateAt(child, item, step);
  });
}

/**
 * Compare(lhs, rhs): `undefined` stands for an absent value. Nothing at or below an `ignored` path is
 * reported, as if the result went through withoutPrefixes(ignored), and those parts are not walked.
 */
export function compare(
  lhs: unknown,
  rhs: unknown,
  node: FieldSchema,
  ignored: readonly FieldPath[] = [],
): Comparison {
  const out: Comparison = { added: new FieldSet(), removed: new FieldSet(), modified: new FieldSet() };
  // The empty path is a prefix of every path.
  if (ignored.some((path) => path.length === 0)) return out;
  const skip = new FieldSet();
  for (const path of ignored) skip.insert(path);
  compareAt(lhs, rhs, node, undefined, skip, out);
  return out;
}

/** `skip` holds the ignored paths below `at` as members: those are left out. */
function compareAt(
  lhs: unknown,
  rhs: unknown,
  node: FieldSchema,
  at: PathStep | undefined,
  skip: FieldSet | undefined,
  out: Comparison,
): void {
  // Equal values add, remove and modify nothing. Checked for the parts of an object (spec, status …):
  // most writes change one of them, and checking an unchanged one is far cheaper than walking it.
  if (at && !at.parent && jsonEqual(lhs, rhs)) return;
  const objects = (lhs === undefined || isObject(lhs)) && (rhs === undefined || isObject(rhs));
  if (objects && !node.atomic && !(emptyObject(lhs) && emptyObject(rhs))) {
    const left = lhs as JsonObject | undefined;
    const right = rhs as JsonObject | undefined;
    // Every key of either side once, the left's first.
    if (left) for (const key of Object.keys(left)) compareField(left, right, key, node, at, skip, out);
    if (right) {
      for (const key of Object.keys(right)) {
        if (!left || !Object.hasOwn(left, key)) compareField(left, right, key, node, at, skip, out);
      }
    }
    markPresence(lhs, rhs, at, out);
    return;
  }
  const list = granularList(node);
  const lists = (lhs === undefined || Array.isArray(lhs)) && (rhs === undefined || Array.isArray(rhs));
  if (lists && list && !(emptyList(lhs) && emptyList(rhs)) && compareLists(lhs, rhs, list, at, skip, out)) {
    markPresence(lhs, rhs, at, out);
    return;
  }
  if (lhs === undefined) out.added.insertStep(at);
  else if (rhs === undefined) out.removed.insertStep(at);
  else if (!jsonEqual(lhs, rhs)) out.modified.insertStep(at);
}

function compareField(
  left: JsonObject | undefined,
  right: JsonObject | undefined,
  key: string,
  node: FieldSchema,
  at: PathStep | undefined,
  skip: FieldSet | undefined,
  out: Comparison,
): void {
  const step = fieldStep(at, key);
  if (skip?.hasMember(step.key)) return;
  const child = childSchema(node, key);
  let l = left?.[key];
  let r = right?.[key];
  // A Go zero object already holds value structs and non-omitempty lists.
  if (child.alwaysPresent && left && right) {
    l ??= zeroLike(r);
    r ??= zeroLike(l);
  }
  compareAt(l, r, child, step, skip?.childAt(step.key), out);
}

function zeroLike(value: unknown): unknown {
  if (isObject(value)) return {};
  return Array.isArray(value) ? [] : undefined;
}

function markPresence(lhs: unknown, rhs: unknown, at: PathStep | undefined, out: Comparison): void {
  if (lhs === undefined) out.added.insertStep(at);
  else if (rhs === undefined) out.removed.insertStep(at);
}

/** Item-by-item comparison; false (compare as one value) when either side has duplicates or bad keys. */
function compareLists(
  lhs: unknown,
  rhs: unknown,
  list: ListSchema,
  at: PathStep | undefined,
  skip: FieldSet | undefined,
  out: Comparison,
): boolean {
  let left: IndexedList;
  let right: IndexedList;
  try {
    left = indexList(list, (lhs as unknown[] | undefined) ?? [], at);
    right = indexList(list, (rhs as unknown[] | undefined) ?? [], at);
  } catch (error) {
    if (error instanceof TypedValueError) return false;
    throw error;
  }
  const duplicated = [...left.byKey.values(), ...right.byKey.values()].some((entry) => entry.duplicated);
  if (duplicated) return false;
  // Every element once, in order of first appearance, named as the last side that has it names it.
  const elements = new Map<string, PathStep>();
  for (const step of [...left.steps, ...right.steps]) elements.set(step.key, step);
  const item = itemSchema(list);
  for (const [key, step] of elements) {
    if (skip?.hasMember(key)) continue;
    compareAt(left.byKey.get(key)?.item, right.byKey.get(key)?.item, item, step, skip?.childAt(key), out);
  }
  return true;
}

/** Merge(lhs, rhs): the applied configuration `rhs` laid over the live object `lhs`. */
export function merge(lhs: unknown, rhs: unknown, node: FieldSchema): unknown {
  return mergeAt(lhs, rhs, node, undefined);
}

function mergeAt(lhs: unknown, rhs: unknown, node: FieldSchema, at: PathStep | undefined): unknown {
  if (rhs === undefined) return lhs;
  if (lhs === undefined) return deepClone(rhs);
  if (isObject(lhs) && isObject(rhs) && !node.atomic) {
    if (emptyObject(lhs) && emptyObject(rhs)) return deepClone(rhs);
    const out: JsonObject = {};
    for (const key of new Set([...Object.keys(lhs), ...Object.keys(rhs)])) {
      const merged = mergeAt(lhs[key], rhs[key], childSchema(node, key), fieldStep(at, key));
      if (merged !== undefined) out[key] = merged;
    }
    return out;
  }
  const list = granularList(node);
  if (Array.isArray(lhs) && Array.isArray(rhs) && list && !(lhs.length === 0 && rhs.length === 0)) {
    return mergeLists(lhs, rhs, list, at);
  }
  return deepClone(rhs);
}

/**
 * visitListItems of merge.go: live items keep their place, applied items keep their relative order,
 * and applied items missing from the live list are inserted after the shared item before them.
 */
function mergeLists(lhs: unknown[], rhs: unknown[], list: ListSchema, at: PathStep | undefined): unknown[] {
  const right = indexList(list, rhs, at);
  for (const step of right.steps) {
    if (right.byKey.get(step.key)?.duplicated) throw duplicateEntries(at, step);
  }
  const left = indexList(list, lhs, at);
  const rKeys = right.steps.map((step) => step.key);
  const lKeys = left.steps.map((step) => step.key);
  const shared = rKeys.filter((key) => left.byKey.has(key));
  let nextShared = shared.shift();
  const mergedRight = new Set<string>();
  const item = itemSchema(list);
  const out: unknown[] = [];
  const mergeItem = (step: PathStep) => {
    const live = left.byKey.get(step.key);
    const merged = mergeAt(
      live?.duplicated ? undefined : live?.item,
      right.byKey.get(step.key)?.item,
      item,
      step,
    );
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
        mergeItem(left.steps[l] as PathStep);
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
        const merged = mergeAt(lhs[l], undefined, item, undefined);
        if (merged !== undefined) out.push(merged);
        l++;
        continue;
      }
      if (mergedRight.has(lKey)) l++;
    }
    if (rKey !== undefined) {
      mergedRight.add(rKey);
      mergeItem(right.steps[r] as PathStep);
      r++;
      if (nextShared === rKey) nextShared = shared.shift();
    }
  }
  return out;
}

/** RemoveItems: drops every member of `toRemove` from `value`; an object or list left empty disappears. */
export function removeItems(value: unknown, toRemove: FieldSet, node: FieldSchema): unknown {
  return removeAt(value, toRemove, node, undefined);
}

function removeAt(value: unknown, toRemove: FieldSet, node: FieldSchema, at: PathStep | undefined): unknown {
  if (toRemove.isEmpty()) return value;
  if (isObject(value) && !node.atomic) {
    if (Object.keys(value).length === 0) return undefined;
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      const step = fieldStep(at, key);
      if (toRemove.hasMember(step.key)) continue;
      const below = toRemove.childAt(step.key);
      const kept = below ? removeAt(child, below, childSchema(node, key), step) : child;
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  const list = granularList(node);
  if (Array.isArray(value) && list) {
    if (value.length === 0) return undefined;
    const item = itemSchema(list);
    const out: unknown[] = [];
    value.forEach((child, index) => {
      let step: PathStep;
      try {
        step = stepTo(at, itemElement(list, child, index, at));
      } catch {
        out.push(child);
        return;
      }
      if (toRemove.hasMember(step.key)) return;
      const below = toRemove.childAt(step.key);
      const kept = below ? removeAt(child, below, item, step) : child;
      if (kept !== undefined) out.push(kept);
    });
    return out.length > 0 ? out : undefined;
  }
  return value;
}
