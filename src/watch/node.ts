/**
 * Everything one `vipctl watch` runs for one config: the Sentinel
 * subscriptions, one MasterWatch per master, the timers (level pass, tick for
 * fencing and failover deadlines), the metrics endpoint. SIGHUP replaces the
 * whole of it with one built from the new config (src/commands/watch.ts, the entry point).
 */
import { missingV8Options } from '../core/watch/node-options';
import type { Config } from '../core/config';
import { parseSentinelEvent } from '../core/watch/events';
import { fenceAfter, fenceState, refusedFreshMs, type FenceState, type SentinelSeen } from '../core/watch/fence';
import { localAddresses } from '../core/local';
import { joinHostPort } from '../core/sentinel-view';
import { SentinelLink } from '../adapters/sentinel-events';
import { clientOptions } from '../adapters/connection';
import { askEverySentinelMasters, askSentinelMasters } from '../adapters/sentinel';
import type { SentinelMasters } from '../core/sentinel-masters';
import { openLinksView } from './links';
import type { LinksView } from '../core/links-view';
import { startMetrics, type WatchMetrics } from '../adapters/metrics';
import type { Logger } from '../adapters/log';
import { converge } from '../pass/converge';
import { logFailure } from '../pass/failure';
import { MasterWatch } from './master';
import { ConflictWatch } from './conflict';
import { SharedViews } from './views';
import { NameCache } from '../adapters/name-cache';
import { RESOLVE_TIMEOUT_MS } from '../pass/resolve-masters';

/** How long a host name from the Sentinels is trusted before an event naming it resolves it again. */
const NAME_TTL_MS = 30_000;

/** How often failover deadlines, ROLE poll ends and the fence are checked. */
const TICK_MS = 50;

export class WatchNode {
  private links: SentinelLink[] = [];
  private masters = new Map<string, MasterWatch>();
  /** Last time each Sentinel answered a query of a pass (the links track their own pings). */
  private answeredAt = new Map<string, number>();
  private local: ReadonlySet<string> = new Set();
  private timers: NodeJS.Timeout[] = [];
  private metrics: WatchMetrics | null = null;
  private readonly startedAt = Date.now();
  /** Each master's fence state as last logged (fence, fence-skipped and its count, ok, off). */
  private fenceKey = new Map<string, string>();
  /** Foreign-holder detection, one per master (./conflict.ts; none when watch.conflictProbeMs is 0). */
  private conflicts: ConflictWatch[] = [];
  /** The host's addresses (./links.ts). */
  private view: LinksView | null = null;

  constructor(readonly config: Config, private readonly logger: Logger) {}

  async start(): Promise<void> {
    const cfg = this.config;
    this.metrics = await startMetrics(cfg.metrics?.listen ?? null);
    const metrics = this.metrics;
    this.view = await openLinksView();
    const view = this.view;
    try {
      const vips = [...cfg.masters.values()].map((m) => m.vip.address);
      this.local = localAddresses(await view.read({ fresh: true }), vips);
    } catch (e) {
      logFailure(this.logger, e, { startedAt: performance.now(), extra: { during: 'reading local addresses' } });
    }
    // One SENTINEL MASTERS per Sentinel serves every master asking in the same turn (the timer: all of them).
    const views = new SharedViews({
      query: () => askEverySentinelMasters(cfg, cfg.watch.queryTimeoutMs),
      total: cfg.sentinel.addresses.length,
      onReply: (r, at) => {
        if (r.masters === null) return;
        this.answeredAt.set(r.sentinel, Math.max(at, this.answeredAt.get(r.sentinel) ?? -Infinity));
        this.takeTimings(r);
      },
    });
    const names = new NameCache(NAME_TTL_MS, RESOLVE_TIMEOUT_MS);
    for (const m of cfg.masters.values()) {
      metrics.fenced(m.name, false);
      metrics.fenceSkipped(m.name, false);
      this.masters.set(
        m.name,
        new MasterWatch(m, {
          config: cfg,
          logger: this.logger,
          metrics,
          local: () => this.local,
          setLocal: (l) => (this.local = l),
          fenced: (mw) => this.fencedReason(mw),
          view: (name) => views.view(name),
          readLinks: () => view.read(),
          names,
        }),
      );
    }
    this.links = cfg.sentinel.addresses.map(
      (a) =>
        new SentinelLink(a, { connection: clientOptions(cfg, 'sentinel', a), pingMs: cfg.watch.sentinelPingMs }, {
          onMessage: (s, channel, message, at) => this.onMessage(s, channel, message, at),
          onSubscribed: (s, at) => {
            this.logger.info({ event: 'sentinel-up', sentinel: s }, `subscribed to sentinel ${s}`);
            void this.refreshTimings(s);
            for (const mw of this.masters.values()) mw.trigger({ name: `subscribed ${s}`, at, ask: true });
          },
          onDown: (s, reason) => this.logger.warn({ event: 'sentinel-down', sentinel: s, reason }, `sentinel ${s}: ${reason}; reconnecting`),
          onRefused: (s, missing, error) => {
            const user = cfg.sentinel.username ?? 'default';
            this.logger.error(
              { event: 'sentinel-acl', sentinel: s, user, missing, error, fix: `ACL SETUSER ${user} ${missing.join(' ')}` },
              `sentinel ${s}: user ${user} may not subscribe (${missing.join(' ')} missing: ${error}); watch misses those events and acts on its ${cfg.watch.intervalMs} ms passes only; fix on every Sentinel: ACL SETUSER ${user} ${missing.join(' ')} (vipctl doctor prints the whole user line)`,
            );
          },
        }),
    );
    this.logger.info(
      { event: 'watch-start', masters: [...this.masters.keys()], sentinels: this.links.map((l) => l.name), intervalMs: cfg.watch.intervalMs, fenceAfterMs: cfg.watch.fenceAfterMs, metrics: metrics.address },
      `watching ${this.masters.size} master(s) through ${this.links.length} sentinel(s)`,
    );
    const missing = missingV8Options(process.execArgv, process.env.NODE_OPTIONS);
    if (missing.length > 0) this.logger.warn({ event: 'v8-options', missing }, `started without ${missing.join(' ')} (deploy/vipctl-watch.service sets them): expect 10 to 35 MB more RSS`);
    for (const l of this.links) l.start();
    for (const a of cfg.sentinel.addresses) void this.refreshTimings(joinHostPort(a.host, a.port));
    const now = Date.now();
    for (const mw of this.masters.values()) mw.trigger({ name: 'start', at: now, ask: true });
    if (cfg.watch.conflictProbeMs > 0) {
      for (const mw of this.masters.values()) {
        metrics.conflict(mw.name, false);
        const c = new ConflictWatch(mw, { logger: this.logger, metrics, probeMs: cfg.watch.conflictProbeMs, readLinks: () => view.read(), sentinelMaster: () => mw.view?.master ?? null });
        this.conflicts.push(c);
        c.start();
      }
    }
    this.timers.push(setInterval(() => this.everyInterval(), cfg.watch.intervalMs));
    this.timers.push(setInterval(() => this.tick(), TICK_MS));
  }

  private onMessage(sentinel: string, channel: string, message: string, at: number): void {
    const e = parseSentinelEvent(channel, message);
    if (!e) return;
    const mw = this.masters.get(e.master);
    if (!mw) return;
    this.logger.debug({ event: 'sentinel-event', sentinel, channel, message, master: e.master }, `${channel} ${message}`);
    mw.feed({ type: 'event', event: e, at, sentinel });
  }

  /** One SENTINEL MASTERS to that Sentinel gives every master's timings. */
  private async refreshTimings(sentinel: string): Promise<void> {
    const a = this.config.sentinel.addresses.find((x) => joinHostPort(x.host, x.port) === sentinel);
    if (a) this.takeTimings(await askSentinelMasters(this.config, a, this.config.watch.queryTimeoutMs));
  }

  /** down-after-milliseconds and failover-timeout of every master, from one Sentinel's SENTINEL MASTERS (each master takes the majority's: timings.ts). */
  private takeTimings(r: SentinelMasters): void {
    if (r.masters === null) return;
    for (const mw of this.masters.values()) {
      const e = r.masters.get(mw.name);
      if (!e || e.downAfterMs === null || e.failoverTimeoutMs === null) continue;
      const t = mw.takeTimings(r.sentinel, { downAfterMs: e.downAfterMs, failoverTimeoutMs: e.failoverTimeoutMs }, this.links.length || this.config.sentinel.addresses.length);
      if (t) {
        this.logger.info({ event: 'master-timings', master: mw.name, sentinel: r.sentinel, ...t, fenceAfterMs: fenceAfter(this.config.watch.fenceAfterMs, t.downAfterMs, this.config.watch.sentinelPingMs) }, `${mw.name}: down-after ${t.downAfterMs} ms, failover-timeout ${t.failoverTimeoutMs} ms (the majority's median, clamped)`);
      }
    }
  }

  private seen(): SentinelSeen[] {
    return this.links.map((l) => {
      const lastOkAt = Math.max(l.lastOkAt, this.answeredAt.get(l.name) ?? -Infinity);
      return { lastOkAt, refusedAt: l.refusedAt > lastOkAt ? l.refusedAt : -Infinity };
    });
  }

  fenceOf(mw: MasterWatch, now = Date.now()): FenceState {
    const ping = this.config.watch.sentinelPingMs;
    return fenceState(this.seen(), now, fenceAfter(this.config.watch.fenceAfterMs, mw.timings?.downAfterMs, ping), this.startedAt, refusedFreshMs(ping));
  }

  fencedReason(mw: MasterWatch): string | null {
    const f = this.fenceOf(mw);
    return f.state === 'fence' ? f.reason : null;
  }

  private everyInterval(): void {
    const now = Date.now();
    const started = performance.now();
    for (const mw of this.masters.values()) mw.trigger({ name: 'timer', at: now, ask: true });
    // How long a level pass over every master took (the queries are shared: views.ts).
    void Promise.all([...this.masters.values()].map((mw) => mw.idle())).then(() =>
      this.logger.debug({ event: 'timer-passes', masters: this.masters.size, durationMs: Math.round((performance.now() - started) * 10) / 10 }, `level pass over ${this.masters.size} master(s)`),
    );
  }

  private tick(): void {
    const now = Date.now();
    const seen = this.seen();
    this.metrics?.sentinels(seen.filter((t) => now - t.lastOkAt < Math.max(3 * this.config.watch.sentinelPingMs, 1000)).length, this.links.length);
    this.metrics?.sentinelsRefusing(seen.filter((t) => now - t.refusedAt <= refusedFreshMs(this.config.watch.sentinelPingMs)).length);
    for (const mw of this.masters.values()) {
      mw.feed({ type: 'tick', at: now });
      const f = this.fenceOf(mw, now);
      // once per change of the rule that holds (not of its millisecond figures)
      const key = f.state === 'fence' || f.state === 'fence-skipped' ? `${f.state} ${f.refusing}` : 'ok';
      const was = this.fenceKey.get(mw.name) ?? 'ok';
      if (key === was) continue;
      this.fenceKey.set(mw.name, key);
      this.metrics?.fenced(mw.name, f.state === 'fence');
      this.metrics?.fenceSkipped(mw.name, f.state === 'fence-skipped');
      if (f.state === 'fence') {
        this.logger.warn({ event: 'fence', master: mw.name, reason: f.reason, refusing: f.refusing }, `fenced: ${f.reason}`);
        if (mw.bound !== false) mw.trigger({ name: 'fence', at: now, ask: false });
      } else if (f.state === 'fence-skipped') {
        this.logger.warn({ event: 'fence-skipped', master: mw.name, reason: f.reason, refusing: f.refusing }, `not fencing: ${f.reason}`);
        if (was.startsWith('fence ')) mw.trigger({ name: 'unfence', at: now, ask: true });
      } else {
        this.logger.info({ event: 'unfence', master: mw.name }, 'a majority of sentinels is reachable again');
        if (was.startsWith('fence ')) mw.trigger({ name: 'unfence', at: now, ask: true });
      }
    }
  }

  /** Stop everything; wait for passes in flight; with `release`, remove every VIP held here. */
  async stop(release: boolean): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const c of this.conflicts) c.stop();
    for (const l of this.links) l.close();
    for (const mw of this.masters.values()) mw.stop();
    await Promise.all([...this.masters.values()].map((mw) => mw.idle()));
    if (release) {
      for (const mw of this.masters.values()) {
        try {
          await converge({
            config: this.config,
            master: mw.master,
            logger: this.logger,
            announceWhenBound: false,
            want: () => ({ desired: 'elsewhere', reason: 'watch stopping with --release-on-exit' }),
            extraFields: ({ want, decision }) => ({ desired: want.desired, observed: decision.is, action: decision.action, trigger: 'exit', sinceEventMs: 0 }),
          });
        } catch (e) {
          logFailure(this.logger, e, { master: mw.master, startedAt: performance.now() });
        }
      }
    }
    await this.view?.close();
    await this.metrics?.close();
  }
}
