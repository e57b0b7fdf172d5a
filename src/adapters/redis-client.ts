/**
 * One short-lived connection (ioredis) for one exchange, under our own
 * deadline over the whole of it: a stopped or overloaded server accepts the
 * TCP connection and then says nothing, and ioredis alone took three times
 * the timeout to give up on it (measured in the lab). Used by the Sentinel
 * queries (src/adapters/sentinel.ts), status and doctor; the options
 * (credentials, TLS) come from src/adapters/connection.ts.
 */
import Redis from 'ioredis';
import type { Config } from '../core/config';
import { describeConnectionError } from '../core/connection-error';
import { clientOptions, type Side } from './connection';
import { pairs } from '../core/pairs';

export type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

export interface Target {
  host: string;
  port: number;
}

export async function withClient<T>(config: Config, side: Side, at: Target, timeoutMs: number, fn: (client: Redis) => Promise<T>): Promise<Reply<T>> {
  let client: Redis;
  try {
    client = new Redis({
      ...clientOptions(config, side, at),
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
  } catch (e) {
    return { ok: false, error: (e as Error).message }; // a TLS file that cannot be read (loadTls reports it first)
  }
  const tls = client.options.tls !== undefined;
  // ioredis reports a refused AUTH or a failed TLS handshake as an 'error'
  // event and then rejects with "Connection is closed."; the event says why.
  let lastError: string | null = null;
  client.on('error', (e: NodeJS.ErrnoException) => {
    lastError = describeConnectionError(e, side, tls);
  });
  try {
    return await exchangeWithin(client, side, timeoutMs, () => client.connect(), fn, () => lastError);
  } finally {
    client.disconnect();
  }
}

/**
 * `connect` then `fn` on `client`, all of it within `timeoutMs`: the reply,
 * or why not. `lastError` is the reason the client's last 'error' event gave
 * (ioredis then rejects with only "Connection is closed."). Shared by
 * withClient (a client per exchange) and KeptClient (redis-kept.ts).
 */
export async function exchangeWithin<T>(client: Redis, side: Side, timeoutMs: number, connect: () => Promise<void>, fn: (client: Redis) => Promise<T>, lastError: () => string | null): Promise<Reply<T>> {
  const tls = client.options.tls !== undefined;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Reply<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: lastError() ?? `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const query = async (): Promise<Reply<T>> => {
    try {
      await connect();
      return { ok: true, value: await fn(client) };
    } catch (e) {
      const message = (e as Error).message;
      const last = lastError();
      return { ok: false, error: last !== null && /connection is closed/i.test(message) ? last : describeConnectionError(e as NodeJS.ErrnoException, side, tls) };
    }
  };
  try {
    return await Promise.race([query(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export { pairs };

/** First word of ROLE of this host's Redis (credentials and TLS: `redis.*`): master, slave or sentinel. */
export async function role(config: Config, at: Target, timeoutMs = 1000): Promise<Reply<string>> {
  return withClient(config, 'redis', at, timeoutMs, async (c) => String(((await c.call('ROLE')) as unknown[])[0]));
}

/** SENTINEL MASTER <name> (credentials and TLS: `sentinel.*`): every field Sentinel keeps for that master (ip, port, flags, client-reconfig-script...). */
export async function sentinelMaster(config: Config, at: Target, name: string, timeoutMs = 1000): Promise<Reply<Record<string, string>>> {
  return withClient(config, 'sentinel', at, timeoutMs, async (c) => pairs(await c.call('SENTINEL', 'MASTER', name)));
}

/** CONFIG GET <name> of this host's Redis: the value, or the error (CONFIG may be renamed or denied by ACL). */
export async function configGet(config: Config, at: Target, name: string, timeoutMs = 1000): Promise<Reply<string>> {
  return withClient(config, 'redis', at, timeoutMs, async (c) => {
    const value = pairs(await c.call('CONFIG', 'GET', name))[name];
    if (value === undefined) throw new Error(`no ${name} in CONFIG GET's reply`);
    return value;
  });
}
