/** IP parsing as netutils.ParseIPSloppy accepts it, and IPv4 arithmetic for the Service CIDR. */

export const INVALID_IP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

/** Dotted quads (leading zeros tolerated, as the sloppy parser does). */
export function isIpv4(text: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(text) && text.split(".").every((o) => Number(o) <= 255);
}

/** An IPv6 address, possibly compressed and with a dotted-quad tail. */
export function isIpv6(text: string): boolean {
  if (!text.includes(":") || !/^[0-9a-fA-F:.]+$/.test(text)) return false;
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h ? h.split(":") : []));
  const last = groups.at(-1) ?? "";
  const v4Tail = last.includes(".");
  if (v4Tail && !isIpv4(last)) return false;
  const hex = groups.slice(0, v4Tail ? -1 : undefined);
  if (!hex.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = groups.length + (v4Tail ? 1 : 0);
  return halves.length === 2 ? count < 8 : count === 8;
}

export function isIp(text: string): boolean {
  return isIpv4(text) || isIpv6(text);
}

/** An IPv4 address as a 32-bit unsigned number. */
export function ipv4ToNumber(text: string): number {
  return text.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** net.IP.String() of an IPv4 address: drops the leading zeros the sloppy parser accepted. */
export function canonicalIpv4(text: string): string {
  return numberToIpv4(ipv4ToNumber(text));
}
