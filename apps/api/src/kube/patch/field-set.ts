// A set of field paths as a trie, with the operations and the FieldsV1 encoding of
// sigs.k8s.io/structured-merge-diff fieldpath.Set. A path is a "member" when the set owns that node
// itself (a leaf, a list item, an atomic value); children hold owned paths below it.
import {
  compareElements,
  type FieldPath,
  type PathElement,
  parseElement,
  serializeElement,
} from "./field-path.ts";
import { isObject, type JsonObject } from "./json.ts";

interface Child {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

/** A mutable set of field paths; operations returning a set never modify their operands. */
export class FieldSet {
  private readonly members = new Map<string, PathElement>();
  private readonly children = new Map<string, Child>();

  /** Decodes a `fieldsV1` object; throws on a malformed key. */
  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    if (!isObject(fields)) return set;
    for (const [key, value] of Object.entries(fields)) {
      if (key === ".") continue;
      const pe = parseElement(key);
      if (!isObject(value) || Object.keys(value).length === 0) {
        set.members.set(key, pe);
        continue;
      }
      if (Object.hasOwn(value, ".")) set.members.set(key, pe);
      const child = FieldSet.fromFieldsV1(value);
      if (!child.isEmpty()) set.children.set(key, { pe, set: child });
    }
    return set;
  }

  /** Encodes as `fieldsV1`, keys in SMD order, "." where a node is both owned and has owned children. */
  toFieldsV1(): JsonObject {
    return this.emit(false);
  }

  private emit(includeSelf: boolean): JsonObject {
    const out: JsonObject = {};
    if (includeSelf) out["."] = {};
    const keys = new Map<string, PathElement>(this.members);
    for (const [key, child] of this.children) keys.set(key, child.pe);
    const ordered = [...keys].sort(([, a], [, b]) => compareElements(a, b));
    for (const [key] of ordered) {
      const child = this.children.get(key);
      out[key] = child ? child.set.emit(this.members.has(key)) : {};
    }
    return out;
  }

  insert(path: FieldPath): void {
    const [head, ...rest] = path;
    if (!head) return;
    const key = serializeElement(head);
    if (rest.length === 0) {
      this.members.set(key, head);
      return;
    }
    let child = this.children.get(key);
    if (!child) {
      child = { pe: head, set: new FieldSet() };
      this.children.set(key, child);
    }
    child.set.insert(rest);
  }

  has(path: FieldPath): boolean {
    const [head, ...rest] = path;
    if (!head) return false;
    const key = serializeElement(head);
    if (rest.length === 0) return this.members.has(key);
    return this.children.get(key)?.set.has(rest) ?? false;
  }

  isEmpty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  /** True when `pe` is a member here. */
  hasMember(pe: PathElement): boolean {
    return this.members.has(serializeElement(pe));
  }

  /** The paths owned below `pe` (empty set if none). */
  childAt(pe: PathElement): FieldSet {
    return this.children.get(serializeElement(pe))?.set ?? new FieldSet();
  }

  union(other: FieldSet): FieldSet {
    const out = this.clone();
    for (const [key, pe] of other.members) out.members.set(key, pe);
    for (const [key, child] of other.children) {
      const mine = out.children.get(key);
      out.children.set(key, { pe: child.pe, set: mine ? mine.set.union(child.set) : child.set.clone() });
    }
    return out;
  }

  /** Paths of this set not in `other` (exact paths: a member of `other` does not remove children here). */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [key, pe] of this.members) if (!other.members.has(key)) out.members.set(key, pe);
    for (const [key, child] of this.children) {
      const theirs = other.children.get(key);
      const rest = theirs ? child.set.difference(theirs.set) : child.set.clone();
      if (!rest.isEmpty()) out.children.set(key, { pe: child.pe, set: rest });
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [key, pe] of this.members) if (other.members.has(key)) out.members.set(key, pe);
    for (const [key, child] of this.children) {
      const theirs = other.children.get(key);
      if (!theirs) continue;
      const both = child.set.intersection(theirs.set);
      if (!both.isEmpty()) out.children.set(key, { pe: child.pe, set: both });
    }
    return out;
  }

  /** Drops everything at or below each of `prefixes` (RecursiveDifference with a set of roots). */
  withoutPrefixes(prefixes: readonly FieldPath[]): FieldSet {
    let out = this.clone();
    for (const prefix of prefixes) out = out.withoutPrefix(prefix);
    return out;
  }

  private withoutPrefix(prefix: FieldPath): FieldSet {
    const [head, ...rest] = prefix;
    if (!head) return new FieldSet();
    const key = serializeElement(head);
    const out = this.clone();
    if (rest.length === 0) {
      out.members.delete(key);
      out.children.delete(key);
      return out;
    }
    const child = out.children.get(key);
    if (child) {
      const trimmed = child.set.withoutPrefix(rest);
      if (trimmed.isEmpty()) out.children.delete(key);
      else out.children.set(key, { pe: child.pe, set: trimmed });
    }
    return out;
  }

  /**
   * EnsureNamedFieldsAreMembers: a field with owned paths below it is also owned itself. Every field
   * counts as a named struct field here; the difference only shows for maps of objects.
   */
  withNamedFieldsAsMembers(): FieldSet {
    const out = new FieldSet();
    for (const [key, pe] of this.members) out.members.set(key, pe);
    for (const [key, child] of this.children) {
      if (child.pe.kind === "field") out.members.set(key, child.pe);
      out.children.set(key, { pe: child.pe, set: child.set.withNamedFieldsAsMembers() });
    }
    return out;
  }

  /** Every member path, in FieldsV1 order (for conflict lists). */
  paths(prefix: FieldPath = []): FieldPath[] {
    const out: FieldPath[] = [];
    const keys = new Map<string, PathElement>(this.members);
    for (const [key, child] of this.children) keys.set(key, child.pe);
    for (const [key, pe] of [...keys].sort(([, a], [, b]) => compareElements(a, b))) {
      if (this.members.has(key)) out.push([...prefix, pe]);
      const child = this.children.get(key);
      if (child) out.push(...child.set.paths([...prefix, pe]));
    }
    return out;
  }

  clone(): FieldSet {
    const out = new FieldSet();
    for (const [key, pe] of this.members) out.members.set(key, pe);
    for (const [key, child] of this.children) out.children.set(key, { pe: child.pe, set: child.set.clone() });
    return out;
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }
}
