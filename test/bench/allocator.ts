import { existsSync } from "node:fs";

/**
 * The memory allocator the service image runs its processes on (infra/Dockerfile preloads
 * jemalloc): glibc's malloc keeps the memory of a connection's many small native allocations
 * (TLS, nghttp2) fragmented across its arenas, ~2.5 KiB more RSS per HTTP/2 stream. Benchmarks
 * that measure the service's own processes run them the same way when the machine has the library
 * (Debian's libjemalloc2); BENCH_ALLOCATOR=glibc measures them on glibc instead.
 */
const JEMALLOC_PATHS = [
  "/usr/local/lib/libjemalloc.so.2",
  `/usr/lib/${process.arch === "arm64" ? "aarch64" : "x86_64"}-linux-gnu/libjemalloc.so.2`,
];

export interface Allocator {
  name: string;
  /** Environment for a service process started by the benchmark. */
  env: Record<string, string>;
}

export function deployedAllocator(): Allocator {
  const path =
    process.env.BENCH_ALLOCATOR === "glibc" ? undefined : JEMALLOC_PATHS.find((p) => existsSync(p));
  if (!path) return { name: "glibc malloc", env: {} };
  return { name: `jemalloc (${path})`, env: { LD_PRELOAD: path } };
}
