import { createHash } from "node:crypto";
import { resolveImage } from "./images/registry.ts";

/**
 * What a running container uses, as metrics-server would report it: the image's resting figures
 * from the catalog (a shell that only sleeps uses next to nothing), varying a little from one
 * 15-second scrape window to the next, derived from the container and the clock so nothing is
 * stored or ticks.
 */
export interface Usage {
  cpuNanoCores: number;
  memoryBytes: number;
}

const WINDOW_MS = 15_000;
const MiB = 1024 * 1024;

function unit(seed: string): number {
  return createHash("sha256").update(seed).digest().readUInt32BE(0) / 0xffffffff;
}

/** Resting usage of the image's main program (millicores, MiB). */
function restingUsage(image: string): { cpuMillis: number; memoryMiB: number } {
  const resolved = resolveImage(image);
  if (!resolved.ok) return { cpuMillis: 0, memoryMiB: 0 };
  const known = resolved.image.known?.image;
  if (known?.usage) return known.usage;
  // A shell image (busybox, alpine, ubuntu …) runs a script: a sleeping shell.
  if (known) return { cpuMillis: 0, memoryMiB: 0.4 };
  // Users' own images: a small service, sized from the name so it is stable.
  return { cpuMillis: 1, memoryMiB: 15 + Math.round(unit(resolved.image.reference) * 45) };
}

/** The start of the scrape window holding `now`: metrics change every 15 s, as scraped. */
export function scrapeWindow(now: Date): Date {
  return new Date(Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS);
}

export function containerUsage(image: string, seed: string, now: Date, memoryLimitBytes?: number): Usage {
  const rest = restingUsage(image);
  const window = scrapeWindow(now).getTime();
  const cpuFactor = 0.7 + 0.6 * unit(`${seed}/cpu/${window}`);
  const memoryFactor = 0.97 + 0.06 * unit(`${seed}/mem/${window}`);
  const memory = Math.round(rest.memoryMiB * MiB * memoryFactor);
  return {
    cpuNanoCores: Math.round(rest.cpuMillis * 1_000_000 * cpuFactor),
    memoryBytes: memoryLimitBytes !== undefined ? Math.min(memory, memoryLimitBytes) : memory,
  };
}

/** What a node's own daemons (kubelet, containerd, kube-proxy) use besides its pods. */
export function nodeOverhead(nodeName: string, now: Date): Usage {
  const window = scrapeWindow(now).getTime();
  return {
    cpuNanoCores: Math.round((60 + 40 * unit(`${nodeName}/cpu/${window}`)) * 1_000_000),
    memoryBytes: Math.round((560 + 40 * unit(`${nodeName}/mem/${window}`)) * MiB),
  };
}

/** metrics.k8s.io quantities: CPU in nanocores (`1234567n`), memory in KiB (`4052Ki`). */
export function formatUsage(usage: Usage): { cpu: string; memory: string } {
  return { cpu: `${usage.cpuNanoCores}n`, memory: `${Math.round(usage.memoryBytes / 1024)}Ki` };
}
