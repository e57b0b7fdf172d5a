/** Asking Sentinels where a master is (ioredis). One short-lived connection per Sentinel, all in parallel. */
import Redis from 'ioredis';
import type { Config } from '../core/config';
import { normalizeIp, isIp } from '../core/address';
import { agree, joinHostPort, type SentinelAnswer, type SentinelView } from '../core/sentinel-view';

export async function askSentinel(config: Config, sentinel: { host: string; port: number }, masterName: string, timeoutMs: number): Promise<SentinelAnswer> {
  const name = joinHostPort(sentinel.host, sentinel.port);
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
  });
  client.on('error', () => {}); // reported through the answer
  const query = async (): Promise<SentinelAnswer> => {
    try {
      await client.connect();
      const reply = (await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as [string, string] | null;
      if (!reply) return { sentinel: name, master: null, error: `does not monitor ${masterName}` };
      const [host, port] = reply;
      return { sentinel: name, master: joinHostPort(isIp(host) ? normalizeIp(host) : host, port) };
    } catch (e) {
      return { sentinel: name, master: null, error: (e as Error).message };
    }
  };
  // Our own deadline over the whole exchange: a stopped or overloaded Sentinel
  // accepts the TCP connection and then says nothing, and ioredis alone took
  // three times the timeout to give up on it (measured in the lab).
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<SentinelAnswer>((resolve) => {
    timer = setTimeout(() => resolve({ sentinel: name, master: null, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([query(), deadline]);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

export async function askSentinels(config: Config, masterName: string, timeoutMs = 1000): Promise<SentinelView> {
  const answers = await Promise.all(config.sentinel.addresses.map((s) => askSentinel(config, s, masterName, timeoutMs)));
  return agree(answers, config.sentinel.addresses.length);
}
