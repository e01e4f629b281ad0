import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SharedObjectCache } from "./shared-object-cache.ts";

const text = (name: string, pad = 0) =>
  JSON.stringify({ metadata: { name }, data: { pad: "x".repeat(pad) } });

describe("SharedObjectCache", () => {
  test("an unchanged object is parsed once; a new version is parsed again", () => {
    const cache = new SharedObjectCache(1 << 20);
    const first = cache.parse("c/a", 1, text("a"));
    assert.equal(cache.parse("c/a", 1, text("a")), first, "same version: the same object");
    const second = cache.parse("c/a", 2, text("a2"));
    assert.notEqual(second, first);
    assert.equal(second.metadata.name, "a2");
    assert.equal(cache.size, 1, "the old version is gone");
  });

  test("holds at most its byte budget, dropping the least recently used first", () => {
    const one = text("a", 100).length;
    const cache = new SharedObjectCache(one * 2);
    const a = cache.parse("a", 1, text("a", 100));
    cache.parse("b", 1, text("b", 100));
    assert.equal(cache.parse("a", 1, text("a", 100)), a, "a is used again: b is now the oldest");
    cache.parse("c", 1, text("c", 100));
    assert.equal(cache.size, 2);
    assert.equal(cache.parse("a", 1, text("a", 100)), a, "a stayed");
    const b = cache.parse("b", 1, text("b", 100));
    assert.equal(b.metadata.name, "b", "b was dropped and parsed again");
  });

  test("an object larger than the whole budget is parsed but not kept", () => {
    const cache = new SharedObjectCache(10);
    const big = cache.parse("big", 1, text("big", 100));
    assert.equal(big.metadata.name, "big");
    assert.equal(cache.size, 0);
  });
});
