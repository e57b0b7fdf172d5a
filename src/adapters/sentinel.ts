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
  client.on('error', () => {}); // reported through the command's rejection
  try {
    await client.connect();
    const reply = (await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as [string, string] | null;
    if (!reply) return { sentinel: name, master: null, error: `does not monitor ${masterName}` };
    const [host, port] = reply;
    return { sentinel: name, master: joinHostPort(isIp(host) ? normalizeIp(host) : host, port) };
  } catch (e) {
    return { sentinel: name, master: null, error: (e as Error).message };
  } finally {
    client.disconnect();
  }
}

export async function askSentinels(config: Config, masterName: string, timeoutMs = 1000): Promise<SentinelView> {
  const answers = await Promise.all(config.sentinel.addresses.map((s) => askSentinel(config, s, masterName, timeoutMs)));
  return agree(answers, config.sentinel.addresses.length);
}
