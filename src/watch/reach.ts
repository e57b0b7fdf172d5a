/**
 * What the watcher knows of each configured Sentinel's reachability: its
 * subscription's last answer and refusal (the link tracks its pings) and the
 * last answer to a query of a pass. The node owns it and records the
 * queries' answers; every master reads it for its fence (core/watch/fence).
 */
import { fenceAfter, fenceState, refusedFreshMs, type FenceState, type SentinelSeen } from '../core/watch/fence';
import type { Config } from '../core/config';
import type { SentinelLinkLike } from './deps';

export class SentinelReach {
  links: readonly SentinelLinkLike[] = [];
  /** Last time each Sentinel answered a query of a pass. */
  private readonly answeredAt = new Map<string, number>();

  constructor(
    private readonly config: Config,
    /** When the watcher started (a watcher that never reached a majority counts from its start). */
    private readonly startedAt: number,
  ) {}

  answered(sentinel: string, at: number): void {
    this.answeredAt.set(sentinel, Math.max(at, this.answeredAt.get(sentinel) ?? -Infinity));
  }

  seen(): SentinelSeen[] {
    return this.links.map((l) => {
      const lastOkAt = Math.max(l.lastOkAt, this.answeredAt.get(l.name) ?? -Infinity);
      return { lastOkAt, refusedAt: l.refusedAt > lastOkAt ? l.refusedAt : -Infinity };
    });
  }

  /** The fence state at `now` for a master whose down-after-milliseconds (the majority's) is `downAfterMs`. */
  fence(downAfterMs: number | undefined, now: number): FenceState {
    const ping = this.config.watch.sentinelPingMs;
    return fenceState(this.seen(), now, fenceAfter(this.config.watch.fenceAfterMs, downAfterMs, ping), this.startedAt, refusedFreshMs(ping));
  }
}
