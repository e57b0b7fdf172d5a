/** Address math: parsing and subnet membership, on top of ipaddr.js. Pure. */
import ipaddr from 'ipaddr.js';
import { splitHostPort, type HostPort } from './host-port';

export type Family = 4 | 6;

export interface Cidr {
  /** Normalised address text, e.g. `10.0.0.100`. */
  address: string;
  prefix: number;
  family: Family;
  /** `address/prefix`, as `ip addr add` takes it. */
  text: string;
}

const IPV4_STRICT = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Family of a textual IP, or null. IPv4 must be dotted quad (no `010.1`, no `1.2.3`). */
export function ipFamily(text: string): Family | null {
  if (IPV4_STRICT.test(text)) return 4;
  if (text.includes(':') && ipaddr.IPv6.isValid(text)) return 6;
  return null;
}

export function isIp(text: string): boolean {
  return ipFamily(text) !== null;
}

/**
 * Parsed addresses and canonical texts, remembered: every pass of reconcile and
 * watch meets the same few addresses again (each master's VIP against every
 * other VIP and local address: with 50 masters, thousands of parses a pass,
 * the pass's largest CPU cost before this). Bounded: emptied at 4096 entries.
 * Parsed objects are shared, so only ever read (kind, match, toString).
 */
const MEMO_MAX = 4096;
const parsed = new Map<string, ipaddr.IPv4 | ipaddr.IPv6>();
const canonical = new Map<string, string>();

function remember<V>(memo: Map<string, V>, text: string, make: (t: string) => V): V {
  let v = memo.get(text);
  if (v === undefined) {
    v = make(text); // throws for a text that is no address: nothing is remembered then
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(text, v);
  }
  return v;
}

function parse(text: string): ipaddr.IPv4 | ipaddr.IPv6 {
  return remember(parsed, text, (t) => ipaddr.parse(t));
}

/** Canonical text of an IP so that `::1` and `0:0::1` compare equal. */
export function normalizeIp(text: string): string {
  return remember(canonical, text, (t) => parse(t).toString());
}

/** How many parsed addresses and canonical texts are remembered (for the tests). */
export function addressMemoSizes(): { parsed: number; canonical: number } {
  return { parsed: parsed.size, canonical: canonical.size };
}

export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const addr = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const family = ipFamily(addr);
  if (family === null || !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > (family === 4 ? 32 : 128)) return null;
  const address = normalizeIp(addr);
  return { address, prefix, family, text: `${address}/${prefix}` };
}

/** Is `ip` inside `network/prefix`? Different families are never inside each other. */
export function inSubnet(ip: string, network: string, prefix: number): boolean {
  const a = parse(ip);
  const n = parse(network);
  if (a.kind() !== n.kind()) return false;
  return a.match(n, prefix);
}

/** For IPv4 prefixes up to /30: is this the network or the broadcast address of its subnet? */
export function isNetworkOrBroadcast(cidr: Cidr): boolean {
  if (cidr.family !== 4 || cidr.prefix > 30) return false;
  const text = `${cidr.address}/${cidr.prefix}`;
  return (
    ipaddr.IPv4.networkAddressFromCIDR(text).toString() === cidr.address ||
    ipaddr.IPv4.broadcastAddressFromCIDR(text).toString() === cidr.address
  );
}

export type { HostPort } from './host-port';

export function isPort(text: string): boolean {
  if (!/^\d{1,5}$/.test(text)) return false;
  const n = Number(text);
  return n >= 1 && n <= 65535;
}

// Host name: dot-separated labels of letters, digits, inner hyphens (RFC 1123)
// and underscores (container/service names resolve with them); optional final dot.
const HOSTNAME = /^(?=.{1,254}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;
// All-numeric names: the resolver (inet_aton) reads `010.0.0.1` as 8.0.0.1, `1.2.3` as 1.2.0.3,
// `0x7f000001` and `127.1` as 127.0.0.1; no real host name is all-numeric (RFC 3696).
const NUMERIC_HOST = /^(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+))*\.?$/i;

/** A host name vipctl may resolve: RFC 1123 labels (and `_`), never an IP literal nor all-numeric. */
export function isHostName(text: string): boolean {
  return ipFamily(text) === null && HOSTNAME.test(text) && !NUMERIC_HOST.test(text);
}

/** `10.0.0.1:26379`, `[fd00::1]:26379` or `sentinel-1.example:26379`. */
export function parseHostPort(text: string): HostPort | null {
  const hp = splitHostPort(text);
  if (!hp) return null;
  const family = ipFamily(hp.host);
  if (text.startsWith('[') && family !== 6) return null;
  // Not an IP: must be a real host name, never something the resolver would
  // quietly turn into a different address than the one the operator meant.
  if (family === null && (!HOSTNAME.test(hp.host) || NUMERIC_HOST.test(hp.host))) return null;
  return { host: family ? normalizeIp(hp.host) : hp.host, port: hp.port };
}

/**
 * Why an IP cannot name one particular host of the cluster, or null when it
 * can: loopback, link-local, unspecified and multicast addresses (IPv4, IPv6,
 * and IPv4 inside IPv6) are "this host" on every host, or on none.
 */
export function nonHostAddressKind(ip: string): string | null {
  let a: ipaddr.IPv4 | ipaddr.IPv6 = parse(ip);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  const range = a.range();
  const kinds: Record<string, string> = {
    loopback: 'a loopback address',
    linkLocal: 'a link-local address',
    unspecified: 'the unspecified address',
    multicast: 'a multicast address',
    broadcast: 'the broadcast address',
  };
  return kinds[range] ?? null; // 0.0.0.0/8 is "unspecified" to ipaddr.js
}

/** Kept here for the callers that import it from core/address; its home is core/host-port. */
export { joinHostPort } from './host-port';
