import { isIPv6 } from "node:net";

/** A parsed CIDR: the network address (host bits cleared) as an integer, its prefix and family. */
export interface Cidr {
  family: 4 | 6;
  network: bigint;
  prefix: number;
}

function ipv4ToBigInt(ip: string): bigint {
  return ip.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number.parseInt(part, 10)), 0n);
}

function ipv6ToBigInt(ip: string): bigint {
  let text = ip;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const n = ipv4ToBigInt(v4[1]);
    text = `${text.slice(0, -v4[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const headParts = head === "" ? [] : head.split(":");
  const tailParts = tail === undefined || tail === "" ? [] : tail.split(":");
  const missing = 8 - headParts.length - tailParts.length;
  const parts = [...headParts, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...tailParts];
  return parts.reduce((acc, part) => (acc << 16n) | BigInt(Number.parseInt(part || "0", 16)), 0n);
}

/**
 * netutils.ParseCIDRSloppy: `addr/prefix` with the host bits allowed (and dropped). IPv4 parts may
 * carry leading zeros, read as decimal. Undefined when not a CIDR.
 */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const addr = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number.parseInt(prefixText, 10);
  const sloppyV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(addr);
  let family: 4 | 6;
  let value: bigint;
  if (sloppyV4?.slice(1).every((p) => Number.parseInt(p, 10) <= 255)) {
    family = 4;
    value = ipv4ToBigInt(
      sloppyV4
        .slice(1)
        .map((p) => String(Number.parseInt(p, 10)))
        .join("."),
    );
  } else if (isIPv6(addr)) {
    family = 6;
    value = ipv6ToBigInt(addr);
  } else {
    return undefined;
  }
  const bits = family === 4 ? 32 : 128;
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  return { family, prefix, network: (value >> hostBits) << hostBits };
}

/** IPNet.Contains(other.IP): `other`'s network address lies inside `outer`. */
export function cidrContains(outer: Cidr, other: Cidr): boolean {
  if (outer.family !== other.family) return false;
  const bits = outer.family === 4 ? 32 : 128;
  const hostBits = BigInt(bits - outer.prefix);
  return other.network >> hostBits === outer.network >> hostBits;
}
