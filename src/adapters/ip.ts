/** The `ip` command: read links with `ip -json addr show`. Changes go through plans (core/plan). */
import type { Link } from '../core/local';
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
