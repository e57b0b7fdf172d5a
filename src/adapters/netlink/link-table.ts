/**
 * The host's links by ifindex, built from a dump (`ip -json addr show`) and
 * kept by the monitor's events (monitor-parse.ts). Pure. An event it cannot
 * place (an address on a link it does not know) returns false: the view
 * then dumps again.
 */
import type { Link, LinkAddress } from '../../core/local';
import { parseIpJson } from '../ip';
import type { MonitorEvent } from './monitor-parse';

interface Entry {
  ifname: string;
  flags: string[];
  mac: string | null;
  /** key: address/prefix */
  addrs: Map<string, LinkAddress>;
}

export class LinkTable {
  private links = new Map<number, Entry>();
  private cache: Link[] | null = null;
  /** Bumped on every change; a reader can tell whether anything changed. */
  version = 0;

  /** Replace everything with a dump's text (`ip -json addr show`). */
  load(dumpText: string): void {
    const raw = JSON.parse(dumpText) as Array<{ ifindex?: number; ifname?: unknown; flags?: string[] }>;
    const parsed = parseIpJson(dumpText);
    const withName = raw.filter((l) => typeof l.ifname === 'string');
    const next = new Map<number, Entry>();
    parsed.forEach((l, i) => {
      const r = withName[i]!;
      if (typeof r.ifindex !== 'number') throw new Error(`ip -json: ${l.ifname} has no ifindex`);
      next.set(r.ifindex, { ifname: l.ifname, flags: r.flags ?? [], mac: l.mac, addrs: new Map(l.addresses.map((a) => [`${a.address}/${a.prefix}`, a])) });
    });
    this.links = next;
    this.changed();
  }

  /** Apply one event; false when it cannot be placed (resync). */
  apply(e: MonitorEvent): boolean {
    if (e.kind === 'link') {
      if (e.deleted) {
        if (this.links.delete(e.ifindex)) this.changed();
        return true;
      }
      const cur = this.links.get(e.ifindex);
      if (cur) {
        if (cur.ifname === e.ifname && cur.mac === e.mac && sameFlags(cur.flags, e.flags)) return true;
        cur.ifname = e.ifname;
        cur.flags = e.flags;
        cur.mac = e.mac;
      } else {
        this.links.set(e.ifindex, { ifname: e.ifname, flags: e.flags, mac: e.mac, addrs: new Map() });
      }
      this.changed();
      return true;
    }
    const link = this.links.get(e.ifindex);
    if (!link) return e.deleted; // gone with its link: nothing to do; an address on an unknown link: resync
    const key = `${e.address}/${e.prefix}`;
    if (e.deleted) {
      if (link.addrs.delete(key)) this.changed();
      return true;
    }
    const a: LinkAddress = { address: e.address, prefix: e.prefix, family: e.family, ...(e.deprecated ? { deprecated: true as const } : {}) };
    const was = link.addrs.get(key);
    if (was && was.deprecated === a.deprecated) return true;
    link.addrs.set(key, a);
    this.changed();
    return true;
  }

  /** The links as `parseIpJson` gives them (ifindex order); the same array until something changes. */
  read(): Link[] {
    this.cache ??= [...this.links.entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([, l]) => ({ ifname: l.ifname, up: l.flags.includes('UP') && l.flags.includes('LOWER_UP'), mac: l.mac, addresses: [...l.addrs.values()] }));
    return this.cache;
  }

  private changed(): void {
    this.cache = null;
    this.version++;
  }
}

function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}
