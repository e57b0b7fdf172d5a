/** Arguments of the IPv6 announcer's background repeater (src/ndp-announce.ts). Pure. */
import { ipFamily, normalizeIp } from './address';

export interface NdpRepeatArgs {
  count: number;
  intervalSeconds: number;
  ifname: string;
  vip: string;
}

/** The argv tail the repeater is started with: COUNT INTERVAL IFNAME VIP (the VIP last: stopAnnouncer checks it). */
export function ndpRepeatTail(a: NdpRepeatArgs): string[] {
  return [String(a.count), String(a.intervalSeconds), a.ifname, a.vip];
}

export function parseNdpRepeatArgs(argv: readonly string[]): NdpRepeatArgs | null {
  if (argv.length !== 4) return null;
  const [c, i, ifname, vip] = argv as [string, string, string, string];
  if (!/^\d{1,3}$/.test(c) || !/^\d{1,2}$/.test(i)) return null;
  const count = Number(c);
  const intervalSeconds = Number(i);
  if (count > 100 || intervalSeconds < 1 || intervalSeconds > 60) return null;
  if (!/^(?!\.{1,2}$)[^/\s:]{1,15}$/.test(ifname) || ifname.startsWith('-')) return null;
  if (ipFamily(vip) !== 6 || normalizeIp(vip) !== vip) return null;
  return { count, intervalSeconds, ifname, vip };
}
