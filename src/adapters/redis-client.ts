/**
 * One short-lived Redis connection (ioredis) for one command, under our own
 * deadline over the whole exchange (a stopped server accepts the TCP
 * connection and then says nothing). Used by status and doctor for ROLE,
 * SENTINEL MASTER and CONFIG GET; every call passes the config's credentials.
 */
import Redis from 'ioredis';

export interface Credentials {
  username?: string;
  password?: string;
}

export type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

export async function withRedis<T>(host: string, port: number, auth: Credentials, timeoutMs: number, fn: (client: Redis) => Promise<T>): Promise<Reply<T>> {
  const client = new Redis({
    host,
    port,
    ...(auth.username ? { username: auth.username } : {}),
    ...(auth.password ? { password: auth.password } : {}),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // ioredis reports a refused AUTH as an 'error' event and then rejects with
  // "Connection is closed."; keep the event's message, it says why.
  let lastError: string | null = null;
  client.on('error', (e: Error) => {
    lastError = e.message;
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Reply<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const query = async (): Promise<Reply<T>> => {
    try {
      await client.connect();
      return { ok: true, value: await fn(client) };
    } catch (e) {
      const message = (e as Error).message;
      return { ok: false, error: lastError !== null && /connection is closed/i.test(message) ? lastError : message };
    }
  };
  try {
    return await Promise.race([query(), deadline]);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** Flat [k1, v1, k2, v2, ...] reply (SENTINEL MASTER, CONFIG GET) as a map. */
export function pairs(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

/** First word of ROLE: master, slave or sentinel. */
export async function role(host: string, port: number, auth: Credentials, timeoutMs = 1000): Promise<Reply<string>> {
  return withRedis(host, port, auth, timeoutMs, async (c) => String(((await c.call('ROLE')) as unknown[])[0]));
}

/** SENTINEL MASTER <name>: every field Sentinel keeps for that master (ip, port, flags, client-reconfig-script...). */
export async function sentinelMaster(host: string, port: number, auth: Credentials, name: string, timeoutMs = 1000): Promise<Reply<Record<string, string>>> {
  return withRedis(host, port, auth, timeoutMs, async (c) => pairs(await c.call('SENTINEL', 'MASTER', name)));
}

/** CONFIG GET <name>: the value, or the error (CONFIG may be renamed or denied by ACL). */
export async function configGet(host: string, port: number, auth: Credentials, name: string, timeoutMs = 1000): Promise<Reply<string>> {
  return withRedis(host, port, auth, timeoutMs, async (c) => {
    const value = pairs(await c.call('CONFIG', 'GET', name))[name];
    if (value === undefined) throw new Error(`no ${name} in CONFIG GET's reply`);
    return value;
  });
}
