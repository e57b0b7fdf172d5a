/**
 * Subscriptions to every configured Sentinel's events (ioredis pub/sub), for
 * `vipctl watch`. One connection per Sentinel, each on its own: a Sentinel
 * that is down or silent slows nothing else. ioredis reconnects with backoff
 * and resubscribes; every (re)subscription is reported so that the watcher
 * re-queries at once. A PING every `pingMs` tells whether the Sentinel still
 * answers (for fencing); a connection that stays silent is dropped and made
 * again.
 *
 * It subscribes to WATCH_CHANNELS by name, one SUBSCRIBE per channel: an ACL
 * user without some channel's permission gets NOPERM for exactly that one,
 * which is reported (onRefused) instead of silently missing its events; the
 * channels it may read are still subscribed.
 *
 * For the fence rule (core/watch/fence.ts) it keeps what the last failure
 * said: a refused connection (ECONNREFUSED: the host answers, no Sentinel
 * listens) is retried every ping period, so that a dead Sentinel keeps
 * proving it is dead, and one that comes back is subscribed within a ping.
 */
import Redis, { type RedisOptions } from 'ioredis';
import type { HostPort } from '../core/address';
import { describeConnectionError } from '../core/connection-error';
import { joinHostPort } from '../core/sentinel-view';
import { WATCH_CHANNELS } from '../core/watch/channels';
import { failureKind } from '../core/watch/fence';

export interface SentinelLinkEvents {
  /** A message on a Sentinel event channel. `at`: epoch ms when it arrived. */
  onMessage: (sentinel: string, channel: string, message: string, at: number) => void;
  /** Subscribed (first time or after a reconnect). */
  onSubscribed: (sentinel: string, at: number) => void;
  /** Lost the connection (will retry). */
  onDown: (sentinel: string, reason: string) => void;
  /** Some subscriptions were refused (NOPERM): the ACL rules missing (`&+odown`, `+subscribe`) and Sentinel's words. Once per change. */
  onRefused: (sentinel: string, missing: string[], error: string) => void;
}

export interface SentinelLinkOptions {
  /** From clientOptions(config, 'sentinel', address): credentials and TLS. */
  connection: RedisOptions;
  pingMs: number;
}

export class SentinelLink {
  readonly name: string;
  /** Epoch ms of the last answer (pong, subscription, message); -Infinity if none yet. */
  lastOkAt = -Infinity;
  /** Epoch ms of the last connection attempt refused (ECONNREFUSED), while that is its latest failure; -Infinity otherwise. */
  refusedAt = -Infinity;
  private readonly client: Redis;
  private timer: NodeJS.Timeout | undefined;
  /** When the PING now out was sent; null when none is. */
  private pingSentAt: number | null = null;
  private closed = false;
  private up = false;
  private lastError = '';
  private refused = '';

  constructor(address: HostPort, private readonly o: SentinelLinkOptions, private readonly ev: SentinelLinkEvents) {
    this.name = joinHostPort(address.host, address.port);
    this.client = new Redis({
      ...o.connection,
      connectTimeout: 1000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      autoResubscribe: false, // we resubscribe ourselves on 'ready', to know when it is done
      keepAlive: 1000,
      // refused: every ping period; else 20, 40, 80 ... 1000 ms between attempts
      retryStrategy: (times) => (this.refusedAt > -Infinity ? o.pingMs : Math.min(20 * 2 ** Math.min(times, 6), 1000)),
    });
    const tls = o.connection.tls !== undefined;
    // reported through onDown: a refused certificate or password says so, not just "connection closed"
    this.client.on('error', (e: NodeJS.ErrnoException) => {
      this.refusedAt = failureKind(e.code ?? e.message) === 'refused' ? Date.now() : -Infinity;
      const why = describeConnectionError(e, 'sentinel', tls);
      if (!this.up && why !== this.lastError) this.ev.onDown(this.name, why);
      this.lastError = why;
    });
    this.client.on('ready', () => void this.subscribe());
    this.client.on('close', () => {
      if (this.up) this.ev.onDown(this.name, `connection closed${this.lastError ? ` (${this.lastError})` : ''}`);
      this.up = false;
    });
    this.client.on('message', (channel: string, message: string) => {
      this.lastOkAt = Date.now();
      this.ev.onMessage(this.name, channel, message, this.lastOkAt);
    });
  }

  start(): void {
    this.client.connect().catch(() => {}); // retried by the strategy
    this.timer = setInterval(() => this.everyPing(), this.o.pingMs);
  }

  /** How long a PING may go unanswered before the connection is made again. */
  private get silentMs(): number {
    return Math.max(this.o.pingMs * 5, 1000);
  }

  /**
   * Each ping period: a PING, unless one is still out; one out for silentMs
   * makes a fresh connection. The ping timer is the only timer: no timer per
   * PING (30 PINGs a second at rest with 3 Sentinels: docs-incoming/idle.md).
   */
  private everyPing(): void {
    if (this.closed || !this.up) return;
    if (this.pingSentAt === null) return void this.ping();
    if (Date.now() - this.pingSentAt < this.silentMs) return;
    this.pingSentAt = null;
    this.refusedAt = -Infinity; // silent, not refused
    // No answer for a long while: make a fresh connection (a half-open one may never recover).
    this.ev.onDown(this.name, 'no answer to PING');
    this.up = false;
    this.client.disconnect(true);
  }

  private ping(): void {
    const sent = Date.now();
    this.pingSentAt = sent;
    this.client.ping().then(
      () => {
        this.lastOkAt = Math.max(this.lastOkAt, sent);
        if (this.pingSentAt === sent) this.pingSentAt = null;
      },
      () => {
        // the connection is down ('close' reports it); a new one pings afresh
        if (this.pingSentAt === sent) this.pingSentAt = null;
      },
    );
  }

  private async subscribe(): Promise<void> {
    // One SUBSCRIBE per channel, pipelined: a NOPERM names its channel.
    const results = await Promise.all(WATCH_CHANNELS.map((c) => this.client.subscribe(c).then(() => null, (e: Error) => ({ channel: c, error: e.message }))));
    const failed = results.filter((r) => r !== null);
    const denied = failed.filter((r) => /NOPERM/.test(r.error));
    if (failed.length > denied.length) {
      this.ev.onDown(this.name, `subscribe failed: ${failed.find((r) => !/NOPERM/.test(r.error))!.error}`);
      this.client.disconnect(true);
      return;
    }
    this.lastOkAt = Date.now();
    this.refusedAt = -Infinity;
    this.lastError = '';
    this.up = true;
    // Without the subscribe command every channel is refused: name the command.
    const missing = denied.length === 0 ? [] : denied.every((d) => /'subscribe' command/i.test(d.error)) ? ['+subscribe'] : denied.map((d) => `&${d.channel}`);
    const key = missing.join(' ');
    if (key !== this.refused) {
      this.refused = key;
      if (missing.length > 0) this.ev.onRefused(this.name, missing, denied[0]!.error);
    }
    this.ev.onSubscribed(this.name, this.lastOkAt);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.client.disconnect();
  }
}
