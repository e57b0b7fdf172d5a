/**
 * Where the VIP must be, given where the Sentinels say the master is and this
 * host's own addresses. Pure; reconcile uses it, and so will watch.
 *
 * The rule: "here" only when the master's address is one of this host's own;
 * "elsewhere" only when it is an IP literal that names one host and is not
 * ours; everything vipctl cannot compare is "unknown" (leave the VIP as it
 * is), never "elsewhere": a host name (names are not resolved yet), a
 * loopback, link-local, unspecified or multicast address, no master at all.
 */
import { ipFamily, nonHostAddressKind, normalizeIp } from './address';
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

/**
 * `master`: the address a majority of Sentinels gives (`ip:port`, `[v6]:port`,
 * or `name:port` with announce-hostnames), or null when there is none.
 * `local`: this host's own addresses, normalised, VIPs excluded.
 */
export function desiredFromMaster(master: string | null, local: ReadonlySet<string>): Want {
  if (master === null) return { desired: 'unknown', reason: 'no master known' };
  const host = masterHost(master);
  if (ipFamily(host) === null) {
    return { desired: 'unknown', reason: `master ${master} is a host name, and vipctl does not resolve names yet, so it cannot tell whether that is this host (use IP addresses: sentinel announce-hostnames no)` };
  }
  const kind = nonHostAddressKind(host);
  if (kind) return { desired: 'unknown', reason: `master ${master} is ${kind}, which names no single host` };
  return local.has(normalizeIp(host)) ? { desired: 'here', reason: `master ${master} is this host` } : { desired: 'elsewhere', reason: `master ${master} is another host` };
}
