/**
 * What the Sentinels say, reduced to one answer. Pure. The rule: a master
 * address counts only when a strict majority of the *configured* Sentinels
 * give it. Fewer (Sentinels down, partitioned, disagreeing mid-failover)
 * means "unknown", and vipctl then leaves the VIP as it is: acting on a
 * minority view is how two hosts end up holding one address.
 */
import { splitHostPort } from './host-port';

export interface SentinelAnswer {
  /** The Sentinel asked, host:port. */
  sentinel: string;
  /** `ip:port` of the master it reports, or null when it failed or does not know the master. */
  master: string | null;
  error?: string;
}

export interface SentinelView {
  /** `ip:port` a majority agrees on, else null. */
  master: string | null;
  agreeing: number;
  total: number;
  answers: SentinelAnswer[];
}

export function agree(answers: readonly SentinelAnswer[], total: number): SentinelView {
  const counts = new Map<string, number>();
  for (const a of answers) if (a.master) counts.set(a.master, (counts.get(a.master) ?? 0) + 1);
  let best: [string, number] | null = null;
  for (const entry of counts) if (!best || entry[1] > best[1]) best = entry;
  const agreeing = best ? best[1] : 0;
  return { master: best && agreeing * 2 > total ? best[0] : null, agreeing, total, answers: [...answers] };
}

/** The host of a master's `ip:port` / `[v6]:port` / `name:port`; a text of another shape as it is (it then names no IP nor host name). */
export function masterHost(master: string): string {
  return splitHostPort(master)?.host ?? master;
}

export { joinHostPort } from './host-port';
