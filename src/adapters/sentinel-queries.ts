/**
 * The watcher's `SENTINEL MASTERS` queries (every timer pass, every
 * subscription), one kept connection per configured Sentinel
 * (redis-kept.ts) instead of one new connection per query: same replies,
 * same deadline (`watch.queryTimeoutMs`), still one independent query per
 * Sentinel (never a single Sentinel's word: views.ts takes the majority).
 * A connection made again (after a loss, a failure or a missed deadline)
 * goes through the guarded connector's owner check like the first.
 */
import type { RedisOptions } from 'ioredis';
import type { Config } from '../core/config';
import type { HostPort } from '../core/address';
import { joinHostPort } from '../core/host-port';
import type { SentinelMasters } from '../core/sentinel-masters';
import { KeptClient } from './redis-kept';
import { sentinelMastersOver } from './sentinel';

export class SentinelQueries {
  private readonly clients = new Map<string, KeptClient>();

  /** `extra`: over clientOptions' (tests). */
  constructor(private readonly config: Config, extra: Partial<RedisOptions> = {}) {
    for (const a of config.sentinel.addresses) this.clients.set(joinHostPort(a.host, a.port), new KeptClient(config, 'sentinel', a, extra));
  }

  /** One query to that Sentinel. */
  one(address: HostPort): Promise<SentinelMasters> {
    const name = joinHostPort(address.host, address.port);
    const c = this.clients.get(name);
    if (!c) return Promise.resolve({ sentinel: name, masters: null, error: 'not a configured sentinel' });
    const timeoutMs = this.config.watch.queryTimeoutMs;
    return sentinelMastersOver(name, (fn) => c.exchange(timeoutMs, fn));
  }

  /** One query to every configured Sentinel, in parallel: each reply as it comes. */
  every(): Promise<SentinelMasters>[] {
    return this.config.sentinel.addresses.map((a) => this.one(a));
  }

  /** Connections made so far, over every Sentinel. */
  get connections(): number {
    return [...this.clients.values()].reduce((n, c) => n + c.connections, 0);
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
  }
}
