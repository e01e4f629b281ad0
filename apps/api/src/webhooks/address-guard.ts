import { type LookupAddress, lookup } from "node:dns";
import { BlockList, isIP, isIPv4 } from "node:net";

/**
 * Address ranges a webhook must not reach (SSRF): the service's own network, its cloud's metadata
 * endpoint, and addresses that are no real destination. The first matching label names the refusal.
 */
const REFUSED: readonly (readonly [label: string, cidrs: readonly string[]])[] = [
  ["a cloud metadata", ["169.254.169.254/32", "100.100.100.200/32", "fd00:ec2::254/128"]],
  ["an unspecified", ["0.0.0.0/8", "::/128"]],
  ["a loopback", ["127.0.0.0/8", "::1/128"]],
  ["a private", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]],
  ["a link-local", ["169.254.0.0/16", "fe80::/10"]],
  ["a carrier-grade NAT", ["100.64.0.0/10"]],
  ["a multicast", ["224.0.0.0/4", "ff00::/8"]],
  ["a reserved", ["192.0.0.0/24", "198.18.0.0/15", "240.0.0.0/4"]],
];

const BLOCKS = REFUSED.map(([label, cidrs]) => {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, prefix] = cidr.split("/") as [string, string];
    list.addSubnet(network, Number(prefix), isIPv4(network) ? "ipv4" : "ipv6");
  }
  return { label, list };
});

/**
 * Why an IP address is refused ("a loopback", …), or undefined for a public address. IPv6 forms
 * that carry an IPv4 address (mapped ::ffff:a.b.c.d, IPv4-compatible, NAT64 64:ff9b::/96) are judged
 * by the IPv4 address they reach.
 */
export function refusedAddressKind(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 0) return "an invalid";
  const v4 = family === 6 ? embeddedIpv4(ip) : ip;
  const address = v4 ?? ip;
  const type = v4 || family === 4 ? "ipv4" : "ipv6";
  return BLOCKS.find((b) => b.list.check(address, type))?.label;
}

/**
 * For a URL's host: why it is refused without resolving it (an IP literal in a refused range, or a
 * `localhost` name), or undefined. Names are judged again after resolution, at connect time.
 */
export function refusedHostKind(hostname: string): string | undefined {
  const host = hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return "a loopback";
  return isIP(host) ? refusedAddressKind(host) : undefined;
}

export class RefusedAddressError extends Error {
  readonly code = "ERR_WEBHOOK_ADDRESS_REFUSED";
}

export function refusedMessage(host: string, address: string, kind: string): string {
  const shown = host === address ? address : `${host} (${address})`;
  return `refused to connect to ${shown}: ${kind} address; webhooks are only sent to public addresses`;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for net/http agents that resolves, then drops refused addresses: the address the socket
 * connects to is the one checked, so a name that resolves to a public address when the webhook is
 * created and to 127.0.0.1 at delivery (DNS rebinding) is still refused. IP literals never reach a
 * lookup; the sender checks them with refusedHostKind.
 */
export function guardedLookup(
  hostname: string,
  options: { family?: number | string; all?: boolean; hints?: number },
  callback: LookupCallback,
): void {
  lookup(
    hostname,
    { family: normalizeFamily(options.family), hints: options.hints, all: true },
    (err, addresses) => {
      if (err) return callback(err, options.all ? [] : "");
      const allowed = addresses.filter((a) => refusedAddressKind(a.address) === undefined);
      if (allowed.length === 0) {
        const first = addresses[0];
        const message = first
          ? refusedMessage(hostname, first.address, refusedAddressKind(first.address) ?? "a refused")
          : `${hostname} has no address`;
        return callback(new RefusedAddressError(message), options.all ? [] : "");
      }
      if (options.all) return callback(null, allowed);
      const first = allowed[0]!;
      callback(null, first.address, first.family);
    },
  );
}

function normalizeFamily(family: number | string | undefined): 0 | 4 | 6 {
  if (family === 4 || family === "IPv4") return 4;
  if (family === 6 || family === "IPv6") return 6;
  return 0;
}

/** The IPv4 address an IPv6 address carries in its last 32 bits, for the forms that route to it. */
function embeddedIpv4(ip: string): string | undefined {
  const words = ipv6Words(ip);
  if (!words) return undefined;
  const zeros = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  const mapped = zeros(0, 5) && words[5] === 0xffff;
  const compatible = zeros(0, 6) && (words[6] !== 0 || words[7]! > 1);
  const nat64 = words[0] === 0x64 && words[1] === 0xff9b && zeros(2, 6);
  if (!mapped && !compatible && !nat64) return undefined;
  return [words[6]! >> 8, words[6]! & 0xff, words[7]! >> 8, words[7]! & 0xff].join(".");
}

/** The eight 16-bit words of an IPv6 address (with `::` and a trailing dotted quad expanded). */
function ipv6Words(ip: string): number[] | undefined {
  let text = ip.split("%")[0]!.toLowerCase();
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(":").map((w) => Number.parseInt(w, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const words = [...left, ...new Array<number>(Math.max(0, fill)).fill(0), ...right];
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff)
    ? words
    : undefined;
}
