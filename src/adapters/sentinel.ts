/** Asking Sentinels where a master is (ioredis). One short-lived connection per Sentinel, all in parallel (withClient: options from the config, our own deadline). */
import type { Config } from '../core/config';
import type Redis from 'ioredis';
import { withClient, type Reply } from './redis-client';
import { isHostName, normalizeIp, isIp } from '../core/address';
import { agree, type SentinelAnswer, type SentinelView } from '../core/sentinel-view';
import { joinHostPort } from '../core/host-port';
import { needsAddrByName, parseSentinelMasters, viewsFor, type SentinelMasters } from '../core/sentinel-masters';

export async function askSentinel(config: Config, sentinel: { host: string; port: number }, masterName: string, timeoutMs: number): Promise<SentinelAnswer> {
  const name = joinHostPort(sentinel.host, sentinel.port);
  const r = await withClient(config, 'sentinel', sentinel, timeoutMs, async (client) => (await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as [string, string] | null);
  if (!r.ok) return { sentinel: name, master: null, error: r.error };
  if (!r.value) return { sentinel: name, master: null, error: `does not monitor ${masterName}` };
  const [host, port] = r.value;
  // where an address is expected, only an IP or a host name, and a port: anything else is no answer
  if (typeof host !== 'string' || typeof port !== 'string' || !(isIp(host) || isHostName(host)) || !/^\d{1,5}$/.test(port)) return { sentinel: name, master: null, error: `gave ${JSON.stringify(r.value).slice(0, 120)} for ${masterName}: not an IP or host name and a port` };
  return { sentinel: name, master: joinHostPort(isIp(host) ? normalizeIp(host) : host, port) };
}

export async function askSentinels(config: Config, masterName: string, timeoutMs = 1000): Promise<SentinelView> {
  const answers = await Promise.all(config.sentinel.addresses.map((s) => askSentinel(config, s, masterName, timeoutMs)));
  return agree(answers, config.sentinel.addresses.length);
}

/**
 * Every master one Sentinel monitors, in one query (`SENTINEL MASTERS`). A
 * master in the middle of a failover is asked again by name on the same
 * connection (`GET-MASTER-ADDR-BY-NAME`, see needsAddrByName), so each
 * address is the one the per-master query gives.
 */
export async function askSentinelMasters(config: Config, sentinel: { host: string; port: number }, timeoutMs: number): Promise<SentinelMasters> {
  return sentinelMastersOver(joinHostPort(sentinel.host, sentinel.port), (fn) => withClient(config, 'sentinel', sentinel, timeoutMs, fn));
}

/** askSentinelMasters over a given way of running one exchange (a short-lived client, or a kept one: sentinel-queries.ts). */
export async function sentinelMastersOver(name: string, exchange: <T>(fn: (client: Redis) => Promise<T>) => Promise<Reply<T>>): Promise<SentinelMasters> {
  const r = await exchange(async (client) => {
    const masters = parseSentinelMasters(await client.call('SENTINEL', 'MASTERS'));
    const again = [...masters.values()].filter(needsAddrByName);
    await Promise.all(
      again.map(async (m) => {
        const reply = (await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', m.name)) as [string, string] | null;
        if (reply && (isIp(reply[0]) || isHostName(reply[0])) && /^\d{1,5}$/.test(String(reply[1]))) masters.set(m.name, { ...m, address: joinHostPort(isIp(reply[0]) ? normalizeIp(reply[0]) : reply[0], reply[1]) });
      }),
    );
    return masters;
  });
  return r.ok ? { sentinel: name, masters: r.value } : { sentinel: name, masters: null, error: r.error };
}

/** One `SENTINEL MASTERS` per configured Sentinel, in parallel: each Sentinel's reply as it comes. */
export function askEverySentinelMasters(config: Config, timeoutMs: number): Promise<SentinelMasters>[] {
  return config.sentinel.addresses.map((s) => askSentinelMasters(config, s, timeoutMs));
}

/** The majority view of every named master, from one query per Sentinel (reconcile, status). */
export async function askSentinelsForAll(config: Config, names: Iterable<string>, timeoutMs = 1000): Promise<Map<string, SentinelView>> {
  const replies = await Promise.all(askEverySentinelMasters(config, timeoutMs));
  return viewsFor(names, replies, config.sentinel.addresses.length);
}
