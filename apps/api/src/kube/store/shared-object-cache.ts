import type { KubeObject } from "../object/types.ts";

interface Entry {
  rv: number;
  object: KubeObject;
  bytes: number;
}

/**
 * Parsed objects by resourceVersion, least recently used first out, bounded by the size of their
 * JSON. An object is only ever served at the version it was parsed at, so the cache is never stale;
 * it only saves parsing the same unchanged object again for every `kubectl get` of a large list.
 * The objects are shared between requests: whoever reads them must not change them.
 */
export class SharedObjectCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The object stored under `key` at version `rv`, parsed from `text` unless cached. */
  parse(key: string, rv: number, text: string): KubeObject {
    const hit = this.entries.get(key);
    if (hit && hit.rv === rv) {
      // Re-inserting keeps the Map in least-recently-used order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.object;
    }
    const object = JSON.parse(text) as KubeObject;
    if (hit) this.remove(key, hit);
    if (text.length <= this.maxBytes) {
      this.entries.set(key, { rv, object, bytes: text.length });
      this.bytes += text.length;
      this.evict();
    }
    return object;
  }

  get size(): number {
    return this.entries.size;
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) return;
      this.remove(key, entry);
    }
  }
}
