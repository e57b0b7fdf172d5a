/**
 * Where this host's own Redis is, for ROLE (status) and the listening check
 * (doctor). Pure. The port is the one Sentinel reports for the master (all
 * nodes of a Sentinel group use it in practice); the address is a local one:
 * the master's own address when the master is here, else an address on the
 * VIP's interface, else any other non-loopback local address.
 */
import type { SentinelAnswer } from './sentinel-view';
import { joinHostPort, splitHostPort } from './host-port';
import { masterHost } from './sentinel-view';

export interface RedisTarget {
  host: string;
  port: number;
  text: string;
}

/** Port of the master as the majority (else any Sentinel) reports it; null when none answered. */
export function masterPort(sentinelMaster: string | null, answers: readonly SentinelAnswer[]): number | null {
  const from = sentinelMaster ?? answers.find((a) => a.master)?.master ?? null;
  if (from === null) return null;
  return splitHostPort(from)?.port ?? null;
}

/**
 * @param local this host's own addresses (VIPs excluded)
 * @param preferred addresses to try first, in order (those on the VIP's interface)
 */
export function localRedisTarget(sentinelMaster: string | null, answers: readonly SentinelAnswer[], local: ReadonlySet<string>, preferred: readonly string[]): RedisTarget | null {
  const port = masterPort(sentinelMaster, answers);
  if (port === null) return null;
  const masterIp = sentinelMaster ? masterHost(sentinelMaster) : null;
  const loopback = (a: string): boolean => a === '::1' || a.startsWith('127.');
  const host =
    (masterIp !== null && local.has(masterIp) ? masterIp : undefined) ??
    preferred.find((a) => local.has(a)) ??
    [...local].find((a) => !loopback(a) && !a.startsWith('fe80:')) ??
    [...local].find(loopback);
  return host === undefined ? null : { host, port, text: joinHostPort(host, port) };
}
