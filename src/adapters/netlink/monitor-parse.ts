/**
 * One line of `ip -o monitor address link` (iproute2 6.1 prints text only:
 * it ignores -json for monitor), parsed. Pure. A line this does not know is
 * null: the view then reads everything again (a dump) rather than guess.
 *
 *   3: d0@d0p: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ... \    link/ether fe:e1:12:66:54:e4 brd ...
 *   Deleted 5: d1@NONE: <BROADCAST,MULTICAST> mtu 1500 ...
 *   3: d0    inet 198.18.5.1/24 scope global d0\       valid_lft forever preferred_lft forever
 *   Deleted 3: d0    inet6 fd00::5/64 scope global nodad \       valid_lft forever preferred_lft 0sec
 */
import { normalizeIp } from '../../core/address';

export interface LinkEvent {
  kind: 'link';
  deleted: boolean;
  ifindex: number;
  ifname: string;
  flags: string[];
  mac: string | null;
}

export interface AddrEvent {
  kind: 'addr';
  deleted: boolean;
  ifindex: number;
  ifname: string;
  family: 4 | 6;
  address: string;
  prefix: number;
  /** IPv6 preferred lifetime 0 (as `ip -json`'s preferred_life_time 0). */
  deprecated: boolean;
}

export type MonitorEvent = LinkEvent | AddrEvent;

const LINK = /^(Deleted )?(\d+): ([^\s:@]+)(?:@[^\s:]*)?: <([^>]*)>(.*)$/;
const ADDR = /^(Deleted )?(\d+): (\S+)\s+(inet6?) ([0-9A-Fa-f:.]+)(?:\/(\d+))?(?: peer ([0-9A-Fa-f:.]+)\/(\d+))?(?=\s|\\|$)(.*)$/;
const MAC = /\blink\/\S+ ([0-9a-f]{2}(?::[0-9a-f]{2})+)\b/;

export function parseMonitorLine(line: string): MonitorEvent | null {
  const l = line.replace(/\s+$/, '');
  const a = ADDR.exec(l);
  if (a) {
    const family = a[4] === 'inet' ? 4 : 6;
    // "inet A peer B/P": the local address is A, the prefix is the peer's (as ip -json's prefixlen)
    const prefix = a[8] ?? a[6];
    if (prefix === undefined) return null;
    let address: string;
    try {
      address = normalizeIp(a[5]!);
    } catch {
      return null;
    }
    const p = Number(prefix);
    if (p > (family === 4 ? 32 : 128)) return null;
    return { kind: 'addr', deleted: a[1] !== undefined, ifindex: Number(a[2]), ifname: a[3]!, family, address, prefix: p, deprecated: family === 6 && /\bpreferred_lft 0sec\b/.test(a[9]!) };
  }
  const k = LINK.exec(l);
  if (k) {
    const flags = k[4] === '' ? [] : k[4]!.split(',');
    return { kind: 'link', deleted: k[1] !== undefined, ifindex: Number(k[2]), ifname: k[3]!, flags, mac: MAC.exec(k[5]!)?.[1] ?? null };
  }
  return null;
}
