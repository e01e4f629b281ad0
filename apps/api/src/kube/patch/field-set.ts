// A set of field paths as a trie, with the operations and the FieldsV1 encoding of
// sigs.k8s.io/structured-merge-diff fieldpath.Set. A path is a "member" when the set owns that node
// itself (a leaf, a list item, an atomic value); children hold owned paths below it.
import {
  compareElements,
  type FieldPath,
  fieldElement,
  type PathElement,
  type PathStep,
  parseElement,
  serializeElement,
} from "./field-path.ts";
import { isObject, type JsonObject } from "./json.ts";

/** One path element of a node: owned itself, owning paths below, or both. */
interface Entry {
  readonly pe: PathElement;
  member: boolean;
  /** Never empty: an entry that owns nothing below has none. */
  children: FieldSet | undefined;
}

/**
 * A mutable set of field paths. Operations returning a set never modify their operands and share no
 * node with them; the in-place ones (`insert`, `addAll`, `removeAll`) say so.
 */
export class FieldSet {
  /** By FieldsV1 key: as decoded, or serializeElement of the entry's element. See `entries`. */
  private decoded: Map<string, Entry> | undefined;
  /**
   * The fieldsV1 object a decoded set stands for until an operation looks inside: a write usually
   * touches one part of one or two managers' sets, so the rest is never built. Checked when decoded.
   */
  private source: JsonObject | undefined;
  /**
   * `source` while it is exactly what toFieldsV1 writes for this node ("." aside, which the parent
   * decides): most writes leave most managers' sets as they were, and copying their fieldsV1 is far
   * cheaper than sorting and re-encoding them. Never modified (it is the caller's); cleared by any change
   * at or below this node (see `touch`).
   */
  private encoded: JsonObject | undefined;

  /** Decodes a `fieldsV1` object; throws on a malformed key. */
  static fromFieldsV1(fields: unknown): FieldSet {
    if (!isObject(fields)) return new FieldSet();
    return FieldSet.undecoded(fields, checkFieldsV1(fields));
  }

  private static undecoded(fields: JsonObject, canonical: boolean): FieldSet {
    const set = new FieldSet();
    set.source = fields;
    if (canonical) set.encoded = fields;
    return set;
  }

  /** The entries of one level of checked fieldsV1, the levels below left undecoded. */
  private static decodeLevel(fields: JsonObject, canonical: boolean): Map<string, Entry> {
    const entries = new Map<string, Entry>();
    for (const key of Object.keys(fields)) {
      if (key === ".") continue;
      const pe = key.startsWith("f:") ? fieldElement(key.slice(2)) : parseKey(key);
      const value = fields[key];
      if (!isObject(value) || !hasChildren(value)) {
        // `{}` (or `{".": {}}`): the path itself.
        entries.set(key, { pe, member: true, children: undefined });
        continue;
      }
      const children = FieldSet.undecoded(value, canonical);
      entries.set(key, { pe, member: Object.hasOwn(value, "."), children });
    }
    return entries;
  }

  /** The entries, decoding this level of `source` the first time. */
  private get entries(): Map<string, Entry> {
    this.decoded ??= this.source ? FieldSet.decodeLevel(this.source, this.encoded !== undefined) : new Map();
    return this.decoded;
  }

  /** The entries of a node about to change, which from now on has no fieldsV1 to copy. */
  private touch(): Map<string, Entry> {
    const entries = this.entries;
    this.encoded = undefined;
    return entries;
  }

  /** Encodes as `fieldsV1`, keys in SMD order, "." where a node is both owned and has owned children. */
  toFieldsV1(): JsonObject {
    return this.emit(false);
  }

  private emit(includeSelf: boolean): JsonObject {
    if (this.encoded) return copyFieldsV1(this.encoded, includeSelf);
    const out: JsonObject = {};
    if (includeSelf) out["."] = {};
    const entries = this.entries;
    for (const key of this.sortedKeys()) {
      const entry = entries.get(key) as Entry;
      out[key] = entry.children ? entry.children.emit(entry.member) : {};
    }
    return out;
  }

  /** The keys in FieldsV1 order. */
  private sortedKeys(): string[] {
    const keys = [...this.entries.keys()];
    // Most nodes hold fields only, and "f:" keys sort as their names do: natively, as strings (by
    // UTF-16 code units, like compareStrings).
    if (keys.every(isFieldKey)) return keys.sort();
    const entries = this.entries;
    return keys.sort((a, b) => compareElements((entries.get(a) as Entry).pe, (entries.get(b) as Entry).pe));
  }

  insert(path: FieldPath): void {
    this.insertFrom(path, 0);
  }

  private insertFrom(path: FieldPath, index: number): void {
    const head = path[index];
    if (!head) return;
    const key = serializeElement(head);
    if (index === path.length - 1) this.addMember(key, head);
    else this.childToChange(key, head).insertFrom(path, index + 1);
  }

  /** insert() for a path the walks of typed-value.ts build; the root (undefined) is never a member. */
  insertStep(step: PathStep | undefined): void {
    if (step) this.nodeToChange(step.parent).addMember(step.key, step.pe);
  }

  /** The node of `step`'s path, created if missing; a path is about to be added to it. */
  private nodeToChange(step: PathStep | undefined): FieldSet {
    return step ? this.nodeToChange(step.parent).childToChange(step.key, step.pe) : this;
  }

  private addMember(key: string, pe: PathElement): void {
    const entries = this.touch();
    const entry = entries.get(key);
    if (entry) entry.member = true;
    else entries.set(key, { pe, member: true, children: undefined });
  }

  /** The children under `key`, created if missing; a path is about to be added to them. */
  private childToChange(key: string, pe: PathElement): FieldSet {
    const entries = this.touch();
    let entry = entries.get(key);
    if (!entry) {
      entry = { pe, member: false, children: undefined };
      entries.set(key, entry);
    }
    entry.children ??= new FieldSet();
    return entry.children;
  }

  has(path: FieldPath): boolean {
    return this.hasFrom(path, 0);
  }

  private hasFrom(path: FieldPath, index: number): boolean {
    const head = path[index];
    if (!head) return false;
    const entry = this.entries.get(serializeElement(head));
    if (index === path.length - 1) return entry?.member ?? false;
    return entry?.children?.hasFrom(path, index + 1) ?? false;
  }

  isEmpty(): boolean {
    return this.entries.size === 0;
  }

  /** True when the element spelled `key` (its serializeElement) is a member here. */
  hasMember(key: string): boolean {
    return this.entries.get(key)?.member ?? false;
  }

  /** The paths owned below the element spelled `key`, if any. For reading only. */
  childAt(key: string): FieldSet | undefined {
    return this.entries.get(key)?.children;
  }

  union(other: FieldSet): FieldSet {
    const out = this.clone();
    out.addAll(other);
    return out;
  }

  /** Adds every path of `other` to this set, in place, copying them; true if any was new. */
  addAll(other: FieldSet): boolean {
    let changed = false;
    for (const [key, theirs] of other.entries) {
      const mine = this.entries.get(key);
      if (!mine) {
        this.entries.set(key, copyEntry(theirs));
        changed = true;
        continue;
      }
      if (theirs.member && !mine.member) {
        mine.member = true;
        changed = true;
      }
      if (!theirs.children) continue;
      if (!mine.children) {
        mine.children = theirs.children.clone();
        changed = true;
      } else if (mine.children.addAll(theirs.children)) {
        changed = true;
      }
    }
    if (changed) this.touch();
    return changed;
  }

  /** Paths of this set not in `other` (exact paths: a member of `other` does not remove children here). */
  difference(other: FieldSet): FieldSet {
    const out = this.clone();
    out.removeAll(other);
    return out;
  }

  /** difference() in place: removes every path of `other` from this set; true if any was here. */
  removeAll(other: FieldSet): boolean {
    let changed = false;
    for (const [key, theirs] of other.entries) {
      const mine = this.entries.get(key);
      if (!mine) continue;
      if (theirs.member && mine.member) {
        mine.member = false;
        changed = true;
      }
      if (theirs.children && mine.children?.removeAll(theirs.children)) {
        changed = true;
        if (mine.children.isEmpty()) mine.children = undefined;
      }
      if (!mine.member && !mine.children) this.entries.delete(key);
    }
    if (changed) this.touch();
    return changed;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [key, mine] of this.entries) {
      const theirs = other.entries.get(key);
      if (!theirs) continue;
      const member = mine.member && theirs.member;
      const both = mine.children && theirs.children ? mine.children.intersection(theirs.children) : undefined;
      const children = both?.isEmpty() ? undefined : both;
      if (member || children) out.entries.set(key, { pe: mine.pe, member, children });
    }
    return out;
  }

  /** Drops everything at or below each of `prefixes` (RecursiveDifference with a set of roots). */
  withoutPrefixes(prefixes: readonly FieldPath[]): FieldSet {
    const out = this.clone();
    for (const prefix of prefixes) out.removePrefix(prefix, 0);
    return out;
  }

  /** Removes `prefix` from `index` on, and everything below it, in place; true if anything was there. */
  private removePrefix(prefix: FieldPath, index: number): boolean {
    const head = prefix[index];
    if (!head) {
      // The empty prefix holds every path.
      const had = !this.isEmpty();
      this.touch().clear();
      return had;
    }
    const key = serializeElement(head);
    const entry = this.entries.get(key);
    if (!entry) return false;
    if (index === prefix.length - 1) {
      this.touch().delete(key);
      return true;
    }
    if (!entry.children?.removePrefix(prefix, index + 1)) return false;
    if (entry.children.isEmpty()) entry.children = undefined;
    if (!entry.member && !entry.children) this.entries.delete(key);
    this.touch();
    return true;
  }

  /**
   * EnsureNamedFieldsAreMembers: a field with owned paths below it is also owned itself. Every field
   * counts as a named struct field here; the difference only shows for maps of objects.
   */
  withNamedFieldsAsMembers(): FieldSet {
    const out = new FieldSet();
    for (const [key, entry] of this.entries) {
      const children = entry.children?.withNamedFieldsAsMembers();
      const member = entry.member || (children !== undefined && entry.pe.kind === "field");
      out.entries.set(key, { pe: entry.pe, member, children });
    }
    return out;
  }

  /** Every member path, in FieldsV1 order (for conflict lists). */
  paths(prefix: FieldPath = []): FieldPath[] {
    const out: FieldPath[] = [];
    for (const key of this.sortedKeys()) {
      const entry = this.entries.get(key) as Entry;
      if (entry.member) out.push([...prefix, entry.pe]);
      if (entry.children) out.push(...entry.children.paths([...prefix, entry.pe]));
    }
    return out;
  }

  clone(): FieldSet {
    // Still undecoded: the copy can stand for the same fieldsV1 (which nobody modifies).
    if (!this.decoded && this.source) return FieldSet.undecoded(this.source, this.encoded !== undefined);
    const out = new FieldSet();
    for (const [key, entry] of this.entries) out.entries.set(key, copyEntry(entry));
    out.encoded = this.encoded;
    return out;
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }
}

function isFieldKey(key: string): boolean {
  return key.startsWith("f:");
}

function copyEntry(entry: Entry): Entry {
  return { pe: entry.pe, member: entry.member, children: entry.children?.clone() };
}

/**
 * Checks a fieldsV1 object as decoding it whole would (parseElement on every key, depth first), throwing
 * the same error on the first malformed key, and tells whether it is canonical: keys strictly in SMD
 * order all the way down. (toFieldsV1 writes each key as it was read, so order is all that can differ;
 * "." and leaves it writes as `{}` whatever they held.) Allocates nothing for field keys, nearly all.
 */
function checkFieldsV1(fields: JsonObject): boolean {
  let canonical = true;
  let previousKey: string | undefined;
  let previous: PathElement | undefined;
  for (const key of Object.keys(fields)) {
    if (key === ".") continue;
    if (key.startsWith("f:")) {
      // A field key always parses, and sorts among fields as its name does.
      canonical &&= previous === undefined && (previousKey === undefined || previousKey < key);
    } else {
      const pe = parseKey(key);
      canonical &&= previous === undefined || compareElements(previous, pe) < 0;
      previous = pe;
    }
    previousKey = key;
    const value = fields[key];
    if (isObject(value) && !checkFieldsV1(value)) canonical = false;
  }
  return canonical;
}

/**
 * Keys other than fields' (`k:{"type":"Ready"}` …) as parsed before: the same list items recur in
 * every write of an object and across objects, and JSON.parse is the dearest part of decoding. Bounded
 * (emptied when full); path elements are never modified, so they can be shared.
 */
const parsedKeys = new Map<string, PathElement>();
const PARSED_KEYS_LIMIT = 4096;

/** parseElement for a key other than a field's, remembered; throws as parseElement does. */
function parseKey(key: string): PathElement {
  let pe = parsedKeys.get(key);
  if (!pe) {
    pe = parseElement(key);
    if (parsedKeys.size >= PARSED_KEYS_LIMIT) parsedKeys.clear();
    parsedKeys.set(key, pe);
  }
  return pe;
}

/**
 * What toFieldsV1 writes for a node decoded from `fields` (canonical, see checkFieldsV1), as a fresh
 * object: "." first where a node is owned and has children, every leaf `{}`, whatever the input held there.
 */
function copyFieldsV1(fields: JsonObject, includeSelf: boolean): JsonObject {
  const out: JsonObject = {};
  if (includeSelf) out["."] = {};
  for (const key of Object.keys(fields)) {
    if (key === ".") continue;
    const value = fields[key];
    out[key] = isObject(value) ? copyFieldsV1(value, Object.hasOwn(value, ".") && hasChildren(value)) : {};
  }
  return out;
}

/** A decoded fieldsV1 node has children exactly when it has a key besides ".". */
function hasChildren(fields: JsonObject): boolean {
  for (const key of Object.keys(fields)) if (key !== ".") return true;
  return false;
}
