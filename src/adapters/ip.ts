/** The `ip` command: read links with `ip -json addr show` (or, where it gives the same, os.networkInterfaces()). Changes go through plans (core/plan). */
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { linksFromInterfaces, type InterfaceEntry, type Link } from '../core/local';
import { VipctlError } from '../core/errors';
import { normalizeIp } from '../core/address';
import { describeFailure, ok, run } from './run';

interface IpJsonLink {
  ifname?: string;
  flags?: string[];
  operstate?: string;
  address?: string;
  addr_info?: Array<{ family?: string; local?: string; prefixlen?: number; preferred_life_time?: number }>;
}

/** Parse `ip -json addr show` output. */
export function parseIpJson(text: string): Link[] {
  const data = JSON.parse(text) as IpJsonLink[];
  if (!Array.isArray(data)) throw new Error('ip -json: expected an array');
  return data
    .filter((l) => typeof l.ifname === 'string')
    .map((l) => ({
      ifname: l.ifname!,
      // "UP" flag = administratively up; LOWER_UP = carrier. Both needed to carry traffic.
      up: (l.flags ?? []).includes('UP') && (l.flags ?? []).includes('LOWER_UP'),
      mac: l.address ?? null,
      addresses: (l.addr_info ?? [])
        .filter((a) => (a.family === 'inet' || a.family === 'inet6') && typeof a.local === 'string')
        .map((a) => ({ address: normalizeIp(a.local!), prefix: a.prefixlen ?? (a.family === 'inet' ? 32 : 128), family: a.family === 'inet' ? (4 as const) : (6 as const), ...(a.family === 'inet6' && a.preferred_life_time === 0 ? { deprecated: true as const } : {}) })),
    }));
}

export async function readLinks(timeoutMs?: number): Promise<Link[]> {
  const r = await run(['ip', '-json', 'addr', 'show'], timeoutMs === undefined ? {} : { timeoutMs });
  if (!ok(r)) throw new VipctlError('EXEC', describeFailure(r), { argv: r.argv, ...(r.timedOut ? { timedOut: true } : {}) });
  try {
    return parseIpJson(r.stdout);
  } catch (e) {
    throw new VipctlError('EXEC', `ip -json addr show: unreadable output: ${(e as Error).message}`);
  }
}

/** The names of every interface of this process's network namespace, from /proc/self/net/dev's text. */
export function parseProcNetDev(text: string): string[] {
  return text
    .split('\n')
    .slice(2)
    .map((l) => l.slice(0, l.indexOf(':')).trim())
    .filter((n) => n.length > 0);
}

/** Where readLocalLinks looks (the tests pass fakes). */
export interface LocalLinkSources {
  interfaces: () => Readonly<Record<string, readonly InterfaceEntry[] | undefined>>;
  /** /proc/self/net/dev: per process, so the namespace's own even where /sys is another's. */
  devices: () => string;
  /** The spawn, when the list is not the whole picture. */
  readLinks: (timeoutMs?: number) => Promise<Link[]>;
}

const LOCAL_SOURCES: LocalLinkSources = { interfaces: () => networkInterfaces(), devices: () => readFileSync('/proc/self/net/dev', 'latin1'), readLinks };

/**
 * The links for a decision about `vip`, without a spawn where that gives the
 * same picture (core/local linksFromInterfaces: every interface up, named and
 * listed; no IPv6 VIP bound here): os.networkInterfaces(), one netlink dump in
 * this process, about 0.2 ms. Otherwise `ip -json addr show` (readLinks) as ever.
 */
export async function readLocalLinks(vip: string, timeoutMs?: number, sources: LocalLinkSources = LOCAL_SOURCES): Promise<Link[]> {
  let links: Link[] | null = null;
  try {
    links = linksFromInterfaces(sources.interfaces(), parseProcNetDev(sources.devices()), vip);
  } catch {
    links = null; // no /proc, or getifaddrs failed: ip says
  }
  return links ?? sources.readLinks(timeoutMs);
}
