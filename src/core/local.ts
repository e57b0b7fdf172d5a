/**
 * What this host has, derived from the interface list (`ip -json addr show`,
 * parsed by the ip adapter into `Link`s). Pure.
 */
import { ipFamily, inSubnet, normalizeIp } from './address';
import type { MasterConfig } from './config';
import { VipctlError } from './errors';

export interface LinkAddress {
  address: string;
  prefix: number;
  family: 4 | 6;
  /** IPv6: preferred lifetime 0 (never picked as a source address). Absent: not deprecated. */
  deprecated?: true;
}

export interface Link {
  ifname: string;
  up: boolean;
  mac: string | null;
  addresses: LinkAddress[];
}

/** This host's own addresses: every address on every link, minus the VIPs (a VIP says nothing about who we are). */
export function localAddresses(links: readonly Link[], vips: Iterable<string>): Set<string> {
  const skip = new Set([...vips].map(normalizeIp));
  const out = new Set<string>();
  for (const link of links) for (const a of link.addresses) if (!skip.has(a.address)) out.add(a.address);
  return out;
}

/**
 * This host's addresses for one master: only those on the VIP's segment. With
 * `masters.<name>.interface` set, the addresses on that interface; without
 * it, the addresses (on any interface) inside the VIP's subnet. An address
 * elsewhere (docker0's 172.17.0.1, virbr0, a second network) may be on every
 * host at once: counting it would make every host the master's (a hook naming
 * it put the VIP on all three nodes). VIPs excluded, as in localAddresses.
 */
export function segmentAddresses(master: MasterConfig, links: readonly Link[], vips: Iterable<string>): Set<string> {
  const skip = new Set([...vips].map(normalizeIp));
  const out = new Set<string>();
  const vip = master.vip;
  for (const link of links) {
    if (master.interface !== undefined && link.ifname !== master.interface) continue;
    for (const a of link.addresses) {
      if (skip.has(a.address)) continue;
      // autodetected: the address's subnet holds the VIP (how resolveInterface picks the interface), or the VIP's holds the address
      if (master.interface !== undefined || (a.family === vip.family && (inSubnet(vip.address, a.address, a.prefix) || inSubnet(a.address, vip.address, vip.prefix)))) out.add(a.address);
    }
  }
  return out;
}

/** Addresses of this host off the VIP's segment (localAddresses minus segmentAddresses): what doctor and the logs call out. */
export function offSegmentAddresses(master: MasterConfig, links: readonly Link[], vips: Iterable<string>): Set<string> {
  const list = [...vips];
  const seg = segmentAddresses(master, links, list);
  return new Set([...localAddresses(links, list)].filter((a) => !seg.has(a)));
}

/** Interfaces on which `vip` is bound right now. */
export function boundOn(links: readonly Link[], vip: string): string[] {
  return links.filter((l) => l.addresses.some((a) => a.address === vip)).map((l) => l.ifname);
}

/**
 * The prefix lengths `vip` is bound with, per interface. An operator's
 * `ip addr add VIP/32` where the config says /24 is still the VIP; removing
 * it must name the prefix it has (`ip addr del VIP/24` of a /32 fails with
 * "Address not found" on IPv4, and IPv6 says "address not found" while
 * leaving the /128 in place).
 */
export function boundPrefixes(links: readonly Link[], vip: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const l of links) {
    const p = l.addresses.filter((a) => a.address === vip).map((a) => a.prefix);
    if (p.length > 0) out.set(l.ifname, [...new Set(p)]);
  }
  return out;
}

/** IPv6: interfaces on which `vip` is bound but not deprecated (decide: Observed.preferredOn). */
export function preferredOn(links: readonly Link[], vip: string): string[] {
  return links.filter((l) => l.addresses.some((a) => a.address === vip && a.family === 6 && a.deprecated !== true)).map((l) => l.ifname);
}

/**
 * The interface the VIP belongs on: the configured one (it must exist), else
 * the one up interface with an address (not the VIP itself) whose subnet holds the VIP.
 */
export function resolveInterface(master: MasterConfig, links: readonly Link[]): string {
  const key = `masters.${master.name}.interface`;
  if (master.interface !== undefined) {
    if (!links.some((l) => l.ifname === master.interface)) {
      throw new VipctlError('CONFIG', `${key}: interface ${master.interface} does not exist on this host (have: ${links.map((l) => l.ifname).join(', ')})`, { key });
    }
    return master.interface;
  }
  const vip = master.vip.address;
  const candidates = links.filter(
    (l) => l.up && l.addresses.some((a) => a.address !== vip && inSubnet(vip, a.address, a.prefix)),
  );
  if (candidates.length === 1) return candidates[0]!.ifname;
  if (candidates.length === 0) {
    throw new VipctlError('CONFIG', `${key}: no up interface has a subnet holding ${vip}; set masters.${master.name}.interface`, { key });
  }
  throw new VipctlError('CONFIG', `${key}: several interfaces hold ${vip}'s subnet (${candidates.map((l) => l.ifname).join(', ')}); set masters.${master.name}.interface`, { key });
}

/** One entry of os.networkInterfaces() (libuv's uv_interface_addresses, glibc's getifaddrs), as far as this needs it. */
export interface InterfaceEntry {
  address: string;
  /** 'IPv4' | 'IPv6' (Node 18.0-18.3: 4 | 6). */
  family: string | number;
  /** `address/prefix`; null when the netmask is not contiguous. */
  cidr: string | null;
  mac: string;
}

/**
 * The links as `ip -json addr show` would give them, from os.networkInterfaces()
 * and the names of every interface of this network namespace (/proc/self/net/dev),
 * or null when that list cannot be trusted to be the whole picture.
 *
 * getifaddrs reads the same netlink dumps as `ip` (RTM_GETLINK, RTM_GETADDR),
 * but libuv leaves out every interface that is not both UP and RUNNING, and
 * names an IPv4 address with a label by its label ("eth0:1"). So the list is
 * used only when every interface of the namespace is in it under its own name
 * (no interface down, dormant or without an address; no label, which contains
 * a ':', a character no interface name may hold): then it holds every address
 * `ip` would show, each on its interface, and every interface is up (RUNNING
 * means operstate up, which the kernel sets only with the carrier, LOWER_UP).
 * It does not say which IPv6 addresses are deprecated (preferred_lft 0): when
 * `vip` is an IPv6 address on any interface here, null (the decision to
 * deprecate a VIP in place needs that; `ip` reads it).
 */
export function linksFromInterfaces(entries: Readonly<Record<string, readonly InterfaceEntry[] | undefined>>, devices: readonly string[], vip: string): Link[] | null {
  const names = Object.keys(entries);
  if (devices.length === 0 || names.length !== devices.length || !devices.every((d) => Object.hasOwn(entries, d))) return null;
  const vipNorm = normalizeIp(vip);
  const links: Link[] = [];
  for (const ifname of devices) {
    const list = entries[ifname] ?? [];
    if (list.length === 0) return null;
    const addresses: LinkAddress[] = [];
    for (const e of list) {
      const family = e.family === 'IPv4' || e.family === 4 ? 4 : e.family === 'IPv6' || e.family === 6 ? 6 : null;
      const slash = e.cidr?.lastIndexOf('/') ?? -1;
      const prefix = slash < 0 ? NaN : Number(e.cidr!.slice(slash + 1));
      if (family === null || ipFamily(e.address) !== family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) return null;
      const address = normalizeIp(e.address);
      if (family === 6 && address === vipNorm) return null;
      addresses.push({ address, prefix, family });
    }
    links.push({ ifname, up: true, mac: list[0]!.mac || null, addresses });
  }
  return links;
}
