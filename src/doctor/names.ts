/** `vipctl doctor`: the host names the Sentinels give for the masters (announce-hostnames yes) resolve here, to one host each. */
import { isHostName } from '../core/address';
import { judgeHostName } from '../core/doctor-names';
import type { CheckResult } from '../core/doctor';
import { segmentAddresses } from '../core/local';
import { RESOLVE_TIMEOUT_MS } from '../pass/resolve-masters';
import type { DoctorContext } from './checks';

export async function checkHostNames(ctx: DoctorContext): Promise<CheckResult[]> {
  const config = ctx.config;
  if (!config || !ctx.links) return [];
  const named: Array<{ master: string; name: string }> = [];
  for (const m of config.masters.keys()) {
    const replies = await Promise.all(config.sentinel.addresses.map((s) => ctx.sentinelReply(s, m)));
    const names = new Set(replies.flatMap((r) => (r.ok && r.fields.ip && isHostName(r.fields.ip) ? [r.fields.ip] : [])));
    for (const name of names) named.push({ master: m, name });
  }
  if (named.length === 0) return []; // Sentinels give addresses: nothing to check
  const { resolveNames } = await import('../adapters/resolve');
  const resolved = await resolveNames(named.map((n) => n.name), RESOLVE_TIMEOUT_MS);
  const vips = [...config.masters.values()].map((m) => m.vip.address);
  const links = ctx.links;
  return named.map(({ master, name }) => judgeHostName(master, name, resolved.get(name) ?? null, segmentAddresses(config.masters.get(master)!, links, vips)));
}
