/** Asking Sentinels where a master is (ioredis). One short-lived connection per Sentinel, all in parallel. */
import Redis from 'ioredis';
import type { Config } from '../core/config';
import { normalizeIp, isIp } from '../core/address';
import { agree, joinHostPort, type SentinelAnswer, type SentinelView } from '../core/sentinel-view';
import { needsAddrByName, parseSentinelMasters, viewsFor, type SentinelMasters } from '../core/sentinel-masters';

/**
 * One exchange with one Sentinel on a fresh connection, under our own
 * deadline over the whole of it: a stopped or overloaded Sentinel accepts the
 * TCP connection and then says nothing, and ioredis alone took three times
 * the timeout to give up on it (measured in the lab).
 */
async function withSentinel<T>(config: Config, sentinel: { host: string; port: number }, timeoutMs: number, query: (c: Redis) => Promise<T>, onTimeout: () => T): Promise<T> {
  const client = new Redis({
    host: sentinel.host,
    port: sentinel.port,
    ...(config.sentinel.username ? { username: config.sentinel.username } : {}),
    ...(config.sentinel.password ? { password: config.sentinel.password } : {}),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    // one query per connection: no INFO ready check, no CLIENT SETINFO round trips
    enableReadyCheck: false,
    disableClientInfo: true,
  });
  client.on('error', () => {}); // reported through the answer
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), timeoutMs);
  });
  try {
    return await Promise.race([
      (async () => {
        await client.connect();
        return query(client);
      })(),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

export async function askSentinel(config: Config, sentinel: { host: string; port: number }, masterName: string, timeoutMs: number): Promise<SentinelAnswer> {
  const name = joinHostPort(sentinel.host, sentinel.port);
  return withSentinel(
    config,
    sentinel,
    timeoutMs,
    async (client): Promise<SentinelAnswer> => {
      try {
        const reply = (await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as [string, string] | null;
        if (!reply) return { sentinel: name, master: null, error: `does not monitor ${masterName}` };
        const [host, port] = reply;
        return { sentinel: name, master: joinHostPort(isIp(host) ? normalizeIp(host) : host, port) };
      } catch (e) {
        return { sentinel: name, master: null, error: (e as Error).message };
      }
    },
    () => ({ sentinel: name, master: null, error: `no answer within ${timeoutMs} ms` }),
  ).catch((e: Error) => ({ sentinel: name, master: null, error: e.message }));
}

export interface AskOptions {
  /** Answer as soon as a strict majority agrees, without waiting for the slowest Sentinel (watch). */
  settleEarly?: boolean;
  /** Each Sentinel's answer as it comes (also after an early answer). */
  onAnswer?: (a: SentinelAnswer) => void;
}

export async function askSentinels(config: Config, masterName: string, timeoutMs = 1000, options: AskOptions = {}): Promise<SentinelView> {
  const total = config.sentinel.addresses.length;
  const asks = config.sentinel.addresses.map((s) =>
    askSentinel(config, s, masterName, timeoutMs).then((a) => {
      options.onAnswer?.(a);
      return a;
    }),
  );
  if (!options.settleEarly) return agree(await Promise.all(asks), total);
  return new Promise((resolve) => {
    const answers: SentinelAnswer[] = [];
    for (const ask of asks) {
      void ask.then((a) => {
        answers.push(a);
        const view = agree(answers, total);
        if (view.master !== null || answers.length === total) resolve(view);
      });
    }
  });
}

/** What `SENTINEL MASTER <name>` says of the timings watch needs; null when this Sentinel cannot tell. */
export interface MasterTimings {
  downAfterMs: number;
  failoverTimeoutMs: number;
}

/**
 * Every master one Sentinel monitors, in one query (`SENTINEL MASTERS`). A
 * master in the middle of a failover is asked again by name on the same
 * connection (`GET-MASTER-ADDR-BY-NAME`, see needsAddrByName), so each
 * address is the one the per-master query gives.
 */
export async function askSentinelMasters(config: Config, sentinel: { host: string; port: number }, timeoutMs: number): Promise<SentinelMasters> {
  const name = joinHostPort(sentinel.host, sentinel.port);
  return withSentinel(
    config,
    sentinel,
    timeoutMs,
    async (client): Promise<SentinelMasters> => {
      try {
        const masters = parseSentinelMasters(await client.call('SENTINEL', 'MASTERS'));
        const again = [...masters.values()].filter(needsAddrByName);
        await Promise.all(
          again.map(async (m) => {
            const reply = (await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', m.name)) as [string, string] | null;
            if (reply) masters.set(m.name, { ...m, address: joinHostPort(isIp(reply[0]) ? normalizeIp(reply[0]) : reply[0], reply[1]) });
          }),
        );
        return { sentinel: name, masters };
      } catch (e) {
        return { sentinel: name, masters: null, error: (e as Error).message };
      }
    },
    () => ({ sentinel: name, masters: null, error: `no answer within ${timeoutMs} ms` }),
  ).catch((e: Error) => ({ sentinel: name, masters: null, error: e.message }));
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
