/** `vipctl doctor`: addresses every node may have (off the VIP's segment) that Sentinel names for a master, or on a well-known bridge. */
import { ipFamily, normalizeIp } from '../core/address';
import type { CheckResult } from '../core/doctor';
import { judgeSegment } from '../core/doctor-segment';
import { offSegmentAddresses } from '../core/local';
import type { DoctorContext } from './checks';

export async function checkSegment(ctx: DoctorContext): Promise<CheckResult[]> {
  const config = ctx.config;
  const links = ctx.links;
  if (!config || !links) return [];
  const vips = [...config.masters.values()].map((m) => m.vip.address);
  const out: CheckResult[] = [];
  for (const m of config.masters.values()) {
    const off = offSegmentAddresses(m, links, vips);
    const where = new Map<string, string>();
    for (const l of links) for (const a of l.addresses) if (off.has(a.address) && !a.address.startsWith('127.') && a.address !== '::1' && !a.address.startsWith('fe80:')) where.set(a.address, l.ifname);
    const replies = await Promise.all(config.sentinel.addresses.map((s) => ctx.sentinelReply(s, m.name)));
    const named = [...new Set(replies.flatMap((r) => (r.ok && r.fields.ip && ipFamily(r.fields.ip) !== null ? [normalizeIp(r.fields.ip)] : [])))];
    out.push(...judgeSegment(m.name, named, where));
  }
  return out;
}
