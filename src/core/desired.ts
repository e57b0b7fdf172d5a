/**
 * Where the VIP must be, given where the Sentinels say the master is and this
 * host's own addresses. Pure; the one rule of every mode: the hook (its
 * <to-ip>: desiredFromHost), reconcile, watch and status (a master's
 * address: desiredFromMaster).
 *
 * The rule: "here" only when the master's address is one of this host's own;
 * "elsewhere" only when it is an IP literal that names one host and is not
 * ours, or a host name that resolved and none of whose addresses is ours;
 * everything vipctl cannot compare is "unknown" (leave the VIP as it is),
 * never "elsewhere": a host name that did not resolve (or not in time), a
 * loopback, link-local, unspecified or multicast address (also among a name's
 * addresses), no master at all. Names are resolved by the caller (adapters/resolve).
 */
import { ipFamily, isHostName, nonHostAddressKind, normalizeIp } from './address';
import type { Desired } from './decide';
import { masterHost } from './sentinel-view';

export interface Want {
  desired: Desired;
  reason: string;
  /**
   * The reason says it all: the decision's own words ("master is on this
   * host") assume the wish came from Sentinel, and would be wrong for an
   * operator's bind or unbind. `is` and `mustBe` are logged either way.
   */
  reasonIsWhole?: boolean;
}

/** What a host name resolved to: its addresses, or null when it did not resolve (or not in time). */
export type Resolved = ReadonlyMap<string, readonly string[] | null>;

/** Here / elsewhere / unknown for a host name from its resolved addresses (desiredFromHost's rule for a name). */
export function desiredFromAddresses(what: string, addresses: readonly string[] | null | undefined, local: ReadonlySet<string>): Want {
  if (addresses === undefined) return { desired: 'unknown', reason: `${what} is a host name that was not resolved` };
  if (addresses === null || addresses.length === 0) return { desired: 'unknown', reason: `${what} is a host name that does not resolve (or not in time): cannot tell whether that is this host` };
  for (const a of addresses) {
    const kind = ipFamily(a) === null ? 'not an IP address' : nonHostAddressKind(a);
    if (kind) return { desired: 'unknown', reason: `${what} resolves to ${a}, ${kind}, which names no single host (check /etc/hosts: Debian maps the host's own name to 127.0.1.1)` };
  }
  const mine = addresses.map(normalizeIp).filter((a) => local.has(a));
  return mine.length > 0
    ? { desired: 'here', reason: `${what} resolves to ${mine.join(', ')}, an address of this host` }
    : { desired: 'elsewhere', reason: `${what} resolves to ${addresses.join(', ')}, another host` };
}

/**
 * Is `host` (an IP, or a host name with what it resolved to) this host? The
 * rule of desiredFromMaster: a name not resolved, or resolving to an address
 * that names no single host (loopback...), is never this host.
 */
export function isLocalHost(host: string, local: ReadonlySet<string>, resolved: Resolved): boolean {
  if (ipFamily(host) !== null) return local.has(normalizeIp(host));
  return isHostName(host) && desiredFromAddresses(host, resolved.get(host), local).desired === 'here';
}

/**
 * The address to reach `host` on this host by: an IP literal as it is; a
 * name, the first of its resolved addresses that is this host's (what made
 * isLocalHost true), so a connection does not ask the resolver again (no
 * deadline there). null when `host` is not this host.
 */
export function localAddressOf(host: string, local: ReadonlySet<string>, resolved: Resolved): string | null {
  if (!isLocalHost(host, local, resolved)) return null;
  if (ipFamily(host) !== null) return host;
  return resolved.get(host)!.find((a) => local.has(normalizeIp(a))) ?? null;
}

/**
 * The rule for one host: an IP literal, or a host name with what it resolved
 * to (`resolved`; absent: not resolved). `what` names the host in the reason
 * ("<what> is this host", "<what> resolves to 10.0.0.12, another host").
 */
export function desiredFromHost(what: string, host: string, local: ReadonlySet<string>, resolved: Resolved = new Map()): Want {
  if (ipFamily(host) === null) {
    if (!isHostName(host)) return { desired: 'unknown', reason: `${what} is neither an IP address nor a valid host name` };
    return desiredFromAddresses(what, resolved.get(host), local);
  }
  const kind = nonHostAddressKind(host);
  if (kind) return { desired: 'unknown', reason: `${what} is ${kind}, which names no single host` };
  return local.has(normalizeIp(host)) ? { desired: 'here', reason: `${what} is this host` } : { desired: 'elsewhere', reason: `${what} is another host` };
}

/**
 * `master`: the address a majority of Sentinels gives (`ip:port`, `[v6]:port`,
 * or `name:port` with announce-hostnames), or null when there is none.
 * `local`: this host's own addresses, normalised, VIPs excluded.
 */
export function desiredFromMaster(master: string | null, local: ReadonlySet<string>, resolved: Resolved = new Map()): Want {
  if (master === null) return { desired: 'unknown', reason: 'no master known' };
  return desiredFromHost(`master ${master}`, masterHost(master), local, resolved);
}
