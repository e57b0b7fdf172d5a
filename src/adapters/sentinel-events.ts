/**
 * Subscriptions to every configured Sentinel's events (ioredis pub/sub), for
 * `vipctl watch`. One connection per Sentinel, each on its own: a Sentinel
 * that is down or silent slows nothing else. ioredis reconnects with backoff
 * and resubscribes; every (re)subscription is reported so that the watcher
 * re-queries at once. A PING every `pingMs` tells whether the Sentinel still
 * answers (for fencing); a connection that stays silent is dropped and made
 * again.
 */
import Redis from 'ioredis';
import type { HostPort } from '../core/address';
import { joinHostPort } from '../core/sentinel-view';

export interface SentinelLinkEvents {
  /** A message on a Sentinel event channel. `at`: epoch ms when it arrived. */
  onMessage: (sentinel: string, channel: string, message: string, at: number) => void;
  /** Subscribed (first time or after a reconnect). */
  onSubscribed: (sentinel: string, at: number) => void;
  /** Lost the connection (will retry). */
  onDown: (sentinel: string, reason: string) => void;
}

export interface SentinelLinkOptions {
  username?: string;
  password?: string;
  pingMs: number;
}

export class SentinelLink {
  readonly name: string;
  /** Epoch ms of the last answer (pong, subscription, message); -Infinity if none yet. */
  lastOkAt = -Infinity;
  private readonly client: Redis;
  private timer: NodeJS.Timeout | undefined;
  private pingInFlight = false;
  private closed = false;
  private up = false;

  constructor(address: HostPort, private readonly o: SentinelLinkOptions, private readonly ev: SentinelLinkEvents) {
    this.name = joinHostPort(address.host, address.port);
    this.client = new Redis({
      host: address.host,
      port: address.port,
      ...(o.username ? { username: o.username } : {}),
      ...(o.password ? { password: o.password } : {}),
      lazyConnect: true,
      connectTimeout: 1000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      autoResubscribe: false, // we resubscribe ourselves on 'ready', to know when it is done
      keepAlive: 1000,
      enableReadyCheck: false,
      disableClientInfo: true,
      // 20, 40, 80 ... 1000 ms between attempts
      retryStrategy: (times) => Math.min(20 * 2 ** Math.min(times, 6), 1000),
    });
    this.client.on('error', () => {}); // reported through onDown
    this.client.on('ready', () => void this.subscribe());
    this.client.on('close', () => {
      if (this.up) this.ev.onDown(this.name, 'connection closed');
      this.up = false;
    });
    this.client.on('pmessage', (_p: string, channel: string, message: string) => {
      this.lastOkAt = Date.now();
      this.ev.onMessage(this.name, channel, message, this.lastOkAt);
    });
  }

  start(): void {
    this.client.connect().catch(() => {}); // retried by the strategy
    this.timer = setInterval(() => void this.ping(), this.o.pingMs);
  }

  private async subscribe(): Promise<void> {
    try {
      await this.client.psubscribe('*');
      this.lastOkAt = Date.now();
      this.up = true;
      this.ev.onSubscribed(this.name, this.lastOkAt);
    } catch (e) {
      this.ev.onDown(this.name, `subscribe failed: ${(e as Error).message}`);
      this.client.disconnect(true);
    }
  }

  private async ping(): Promise<void> {
    if (this.pingInFlight || this.closed || !this.up) return;
    this.pingInFlight = true;
    const sent = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const silent = new Promise<'silent'>((r) => (timer = setTimeout(() => r('silent'), Math.max(this.o.pingMs * 5, 1000))));
      const r = await Promise.race([this.client.ping().then(() => 'ok' as const), silent]);
      if (r === 'ok') this.lastOkAt = Math.max(this.lastOkAt, sent);
      else if (!this.closed) {
        // No answer for a long while: make a fresh connection (a half-open one may never recover).
        this.ev.onDown(this.name, 'no answer to PING');
        this.up = false;
        this.client.disconnect(true);
      }
    } catch {
      /* the connection is down; 'close' reports it */
    } finally {
      clearTimeout(timer);
      this.pingInFlight = false;
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.client.disconnect();
  }
}
