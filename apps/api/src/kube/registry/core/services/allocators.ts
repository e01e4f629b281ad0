/**
 * The cluster's Service IP and node port pools, as kube-apiserver's bitmap allocators hand them out
 * (pkg/registry/core/service/ipallocator/bitmap.go, portallocator, allocator/bitmap.go; release-1.32):
 * random picks start in the upper ("dynamic") part of the range so that the lower part stays free for
 * clients that ask for a specific value. What is taken is derived from the stored Services.
 */
import { canonicalIpv4, ipv4ToNumber, isIpv4, numberToIpv4 } from "../ip.ts";

export const SERVICE_CIDR = "10.96.0.0/12";
const CIDR_BASE = ipv4ToNumber("10.96.0.0");
const CIDR_SIZE = 2 ** 20;
/** Usable addresses: neither the network address nor the broadcast address. */
const IP_MAX = CIDR_SIZE - 2;
/** calculateRangeOffset: min(max(16, size/16), 256). */
const IP_STATIC_BAND = 256;

export const NODE_PORT_RANGE = "30000-32767";
const PORT_BASE = 30000;
const PORT_MAX = 2768;
/** The port allocator's offset: min(max(16, size/32), 128). */
const PORT_STATIC_BAND = 86;

const IP_ALLOCATED = "provided IP is already allocated";
const PORT_ALLOCATED = "provided port is already allocated";
const PORT_NOT_IN_RANGE = `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE}`;
export const RANGE_FULL = "range is full";

export type Random = (n: number) => number;
const mathRandom: Random = (n) => Math.floor(Math.random() * n);

/** randomScanStrategyWithOffset: a random free slot above the static band, else below it. */
function pickFree(
  max: number,
  staticBand: number,
  taken: (offset: number) => boolean,
  random: Random,
): number | undefined {
  const upper = max - staticBand;
  let start = random(upper);
  for (let i = 0; i < upper; i++) {
    const at = staticBand + ((start + i) % upper);
    if (!taken(at)) return at;
  }
  start = random(staticBand);
  for (let i = 0; i < staticBand; i++) {
    const at = (start + i) % staticBand;
    if (!taken(at)) return at;
  }
  return undefined;
}

/** The allocator offset of an IPv4 address, or undefined when outside the usable range. */
function ipOffset(ip: string): number | undefined {
  if (!isIpv4(ip)) return undefined;
  const offset = ipv4ToNumber(ip) - CIDR_BASE - 1;
  return offset >= 0 && offset < IP_MAX ? offset : undefined;
}

/** ErrNotInRange as 1.32 words it. */
function ipNotInRange(ip: string): string {
  return `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}`;
}

/** Range.Allocate: undefined when `ip` may be taken, else the reason it may not. */
export function checkRequestedIp(
  ip: string,
  taken: ReadonlySet<string>,
  dryRun: boolean,
): string | undefined {
  if (ipOffset(ip) === undefined) return ipNotInRange(ip);
  // A dry run does not look at the bitmap: "racy and not worth the effort", says upstream.
  if (!dryRun && taken.has(canonicalIpv4(ip))) return IP_ALLOCATED;
  return undefined;
}

/** Range.AllocateNext; a dry run answers the network address without looking, as upstream does. */
export function nextFreeIp(
  taken: ReadonlySet<string>,
  dryRun: boolean,
  random: Random = mathRandom,
): string | undefined {
  if (dryRun) return numberToIpv4(CIDR_BASE);
  const offset = pickFree(IP_MAX, IP_STATIC_BAND, (o) => taken.has(numberToIpv4(CIDR_BASE + 1 + o)), random);
  return offset === undefined ? undefined : numberToIpv4(CIDR_BASE + 1 + offset);
}

/**
 * One Service's node port allocations (portallocator.PortAllocationOperation): what it takes is
 * remembered so two ports of the same Service cannot get the same number.
 */
export class NodePortOperation {
  private readonly allocated = new Set<number>();

  constructor(
    private readonly taken: ReadonlySet<number>,
    private readonly dryRun: boolean,
    private readonly random: Random = mathRandom,
  ) {}

  /** Allocate(port): undefined on success, else the message upstream puts on the field. */
  allocate(port: number): string | undefined {
    if (this.taken.has(port) || this.allocated.has(port)) return PORT_ALLOCATED;
    // A dry run only checks what is taken; the range itself is not consulted.
    if (!this.dryRun && (port < PORT_BASE || port >= PORT_BASE + PORT_MAX)) return PORT_NOT_IN_RANGE;
    this.allocated.add(port);
    return undefined;
  }

  /** AllocateNext; a dry run counts up from 32769 as upstream's placeholder does. */
  allocateNext(): number | undefined {
    if (this.dryRun) {
      const port = this.allocated.size === 0 ? 32769 : Math.max(...this.allocated) + 1;
      this.allocated.add(port);
      return port;
    }
    const offset = pickFree(
      PORT_MAX,
      PORT_STATIC_BAND,
      (o) => this.taken.has(PORT_BASE + o) || this.allocated.has(PORT_BASE + o),
      this.random,
    );
    if (offset === undefined) return undefined;
    this.allocated.add(PORT_BASE + offset);
    return PORT_BASE + offset;
  }
}
