/**
 * One connection kept open for a series of exchanges with one server (the
 * watcher's Sentinel queries: one `SENTINEL MASTERS` per Sentinel every
 * timer pass). withClient (redis-client.ts) made, authenticated and closed
 * a connection per exchange: three connections a second at rest, each with
 * its HELLO/AUTH and, for a server on this host, the guarded connector's
 * read of /proc/net/tcp (~10 ms of CPU): most of an idle watcher's CPU
 * (docs-incoming/idle.md).
 *
 * The same rules as withClient: options from clientOptions (credentials,
 * TLS, the guarded connector: every connection, the first and each one made
 * after a loss, is checked before anything is sent on it, since ioredis
 * calls the connector for each), and our own deadline over each exchange,
 * connection included. What is kept is only a connection that works: one
 * that failed, closed, or missed a deadline is dropped, and the next
 * exchange makes a fresh one (never an automatic reconnect in between:
 * nothing goes out unless an exchange asks).
 */
import Redis, { type RedisOptions } from 'ioredis';
import type { Config } from '../core/config';
import { describeConnectionError } from '../core/connection-error';
import { clientOptions, type Side } from './connection';
import { exchangeWithin, type Reply, type Target } from './redis-client';

export class KeptClient {
  private client: Redis | null = null;
  /** The connect of the current client in flight, shared by exchanges that come meanwhile. */
  private connecting: Promise<void> | null = null;
  private lastError: string | null = null;
  private closed = false;
  /** Connections made so far (tests, the bench). */
  connections = 0;

  constructor(
    private readonly config: Config,
    private readonly side: Side,
    private readonly at: Target,
    /** Over clientOptions' (tests: a connector with a doctored socket table). */
    private readonly extra: Partial<RedisOptions> = {},
  ) {}

  /** The client to use: the kept one while it is usable, else a new one (not connected yet). */
  private current(timeoutMs: number): Redis {
    const c = this.client;
    if (c && (c.status === 'ready' || this.connecting)) return c;
    if (c) this.drop(c);
    const client = new Redis({
      ...clientOptions(this.config, this.side, this.at),
      ...this.extra,
      connectTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null, // a lost connection is made again by the next exchange, not in between
    });
    const tls = client.options.tls !== undefined;
    // ioredis reports a refused AUTH or a failed TLS handshake as an 'error' event, then rejects with "Connection is closed."
    client.on('error', (e: NodeJS.ErrnoException) => {
      if (this.client === client) this.lastError = describeConnectionError(e, this.side, tls);
    });
    client.on('end', () => {
      if (this.client === client) this.client = null;
    });
    this.client = client;
    this.lastError = null;
    return client;
  }

  private connect(client: Redis): Promise<void> {
    if (client.status === 'ready') return Promise.resolve();
    if (!this.connecting) {
      this.connections++;
      const p = client.connect().finally(() => {
        if (this.connecting === p) this.connecting = null;
      });
      this.connecting = p;
    }
    return this.connecting;
  }

  private drop(client: Redis): void {
    if (this.client === client) {
      this.client = null;
      this.connecting = null;
    }
    client.disconnect();
  }

  /** `fn` on the kept connection (made first if need be), all of it within `timeoutMs`; a failure drops the connection. */
  async exchange<T>(timeoutMs: number, fn: (client: Redis) => Promise<T>): Promise<Reply<T>> {
    if (this.closed) return { ok: false, error: 'closed' };
    let client: Redis;
    try {
      client = this.current(timeoutMs);
    } catch (e) {
      return { ok: false, error: (e as Error).message }; // a TLS file that cannot be read (loadTls reports it first)
    }
    const r = await exchangeWithin(client, this.side, timeoutMs, () => this.connect(client), fn, () => this.lastError);
    if (!r.ok) this.drop(client);
    return r;
  }

  close(): void {
    this.closed = true;
    if (this.client) this.drop(this.client);
  }
}
