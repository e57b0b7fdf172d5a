/**
 * Everything one `vipctl watch` runs for one config: the Sentinel
 * subscriptions, one MasterWatch per master, the timers (level pass, tick for
 * fencing and failover deadlines), the metrics endpoint. SIGHUP replaces the
 * whole of it with one built from the new config (src/commands/watch.ts, the entry point).
 */
import { missingV8Options } from '../core/watch/node-options';
import { refreshMsOf, type Config } from '../core/config';
import { parseSentinelEvent } from '../core/watch/events';
import { fenceAfter, refusedFreshMs } from '../core/watch/fence';
import { localAddresses } from '../core/local';
import { joinHostPort } from '../core/sentinel-view';
import type { SentinelMasters } from '../core/sentinel-masters';
import { clientOptions } from '../adapters/connection';
import type { Logger } from '../adapters/log';
import { NameCache } from '../adapters/name-cache';
import { logFailure } from '../pass/failure';
import { RESOLVE_TIMEOUT_MS } from '../pass/resolve-masters';
import { MasterWatch } from './master';
import { KeptLocks } from './kept-locks';
import { ConflictWatch } from './conflict';
import { SharedViews } from './views';
import { SentinelReach } from './reach';
import type { HostAddresses } from './master-pass';
import { execOptionsOf, realWatchDeps, type SentinelLinkLike, type SentinelQueriesLike, type WatchDeps, type WatchMetricsSink, type WatchLinksView } from './deps';

/** How long a host name from the Sentinels is trusted before an event naming it resolves it again. */
const NAME_TTL_MS = 30_000;

/** How often failover deadlines, ROLE poll ends and the fence are checked. */
export const TICK_MS = 50;

export class WatchNode {
  private links: SentinelLinkLike[] = [];
  readonly masters = new Map<string, MasterWatch>();
  private readonly host: HostAddresses = { current: new Set() };
  private timers: NodeJS.Timeout[] = [];
  private metrics: WatchMetricsSink | null = null;
  private readonly reach: SentinelReach;
  /** Foreign-holder detection, one per master (./conflict.ts; none when watch.conflictProbeMs is 0). */
  private conflicts: ConflictWatch[] = [];
  /** The host's addresses (./links.ts). */
  private view: WatchLinksView | null = null;
  private readonly d: WatchDeps;
  private readonly logger: Logger;
  /** The Sentinel queries (kept connections), made at start, closed at stop. */
  private queries: SentinelQueriesLike | null = null;
  /** The per-VIP locks' kept files (./kept-locks.ts; none with VIPCTL_IDLE_BEFORE=1, bench:idle's "before"). */
  private readonly locks = process.env.VIPCTL_IDLE_BEFORE === '1' ? null : new KeptLocks();

  /** `deps`: what it reaches outside itself (./deps.ts; the real ones by default, fakes in the tests). */
  constructor(readonly config: Config, logger: Logger, deps: Partial<WatchDeps> = {}) {
    this.d = { ...realWatchDeps(logger), ...deps, logger };
    this.logger = logger;
    this.reach = new SentinelReach(config, this.d.now());
  }

  async start(): Promise<void> {
    const cfg = this.config;
    const d = this.d;
    this.metrics = await d.startMetrics(cfg.metrics?.listen ?? null);
    const metrics = this.metrics;
    this.view = await d.openLinks();
    const view = this.view;
    try {
      const vips = [...cfg.masters.values()].map((m) => m.vip.address);
      this.host.current = localAddresses(await view.read({ fresh: true }), vips);
    } catch (e) {
      logFailure(this.logger, e, { startedAt: performance.now(), extra: { during: 'reading local addresses' } });
    }
    // One SENTINEL MASTERS per Sentinel serves every master asking in the same turn (the timer: all of them).
    const queries = d.sentinelQueries(cfg);
    this.queries = queries;
    const views = new SharedViews({
      query: () => queries.every(),
      total: cfg.sentinel.addresses.length,
      onReply: (r, at) => {
        if (r.masters === null) return;
        this.reach.answered(r.sentinel, at);
        this.takeTimings(r);
      },
      now: d.now,
    });
    const names = new NameCache(NAME_TTL_MS, RESOLVE_TIMEOUT_MS, d.resolver, d.now);
    for (const m of cfg.masters.values()) {
      metrics.fenced(m.name, false);
      metrics.fenceSkipped(m.name, false);
      this.masters.set(
        m.name,
        new MasterWatch(m, { ...d, config: cfg, metrics, host: this.host, reach: this.reach, view: (name) => views.view(name), links: view, names, ...(this.locks ? { acquireLock: this.locks.acquire } : {}) }),
      );
    }
    this.links = cfg.sentinel.addresses.map((a) =>
      d.sentinelLink(a, { connection: clientOptions(cfg, 'sentinel', a), pingMs: cfg.watch.sentinelPingMs }, {
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
    this.reach.links = this.links;
    this.logger.info(
      { event: 'watch-start', masters: [...this.masters.keys()], sentinels: this.links.map((l) => l.name), intervalMs: cfg.watch.intervalMs, fenceAfterMs: cfg.watch.fenceAfterMs, refreshMs: refreshMsOf(cfg.announce), metrics: metrics.address },
      `watching ${this.masters.size} master(s) through ${this.links.length} sentinel(s)`,
    );
    const missing = missingV8Options(process.execArgv, process.env.NODE_OPTIONS);
    if (missing.length > 0) this.logger.warn({ event: 'v8-options', missing }, `started without ${missing.join(' ')} (deploy/vipctl-watch.service sets them): expect 10 to 35 MB more RSS`);
    for (const l of this.links) l.start();
    for (const a of cfg.sentinel.addresses) void this.refreshTimings(joinHostPort(a.host, a.port));
    const now = d.now();
    for (const mw of this.masters.values()) mw.trigger({ name: 'start', at: now, ask: true });
    if (cfg.watch.conflictProbeMs > 0) {
      for (const mw of this.masters.values()) {
        metrics.conflict(mw.name, false);
        const c = new ConflictWatch(mw, { logger: this.logger, metrics, probeMs: cfg.watch.conflictProbeMs, readLinks: () => view.read(), sentinelMaster: () => mw.view?.master ?? null, probe: d.probe });
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
    if (a && this.queries) this.takeTimings(await this.queries.one(a));
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

  private everyInterval(): void {
    const now = this.d.now();
    const started = performance.now();
    for (const mw of this.masters.values()) mw.trigger({ name: 'timer', at: now, ask: true });
    // How long a level pass over every master took (the queries are shared: views.ts).
    void Promise.all([...this.masters.values()].map((mw) => mw.idle())).then(() =>
      this.logger.debug({ event: 'timer-passes', masters: this.masters.size, durationMs: Math.round((performance.now() - started) * 10) / 10 }, `level pass over ${this.masters.size} master(s)`),
    );
  }

  private tick(): void {
    const now = this.d.now();
    const seen = this.reach.seen();
    const ping = this.config.watch.sentinelPingMs;
    this.metrics?.sentinels(seen.filter((t) => now - t.lastOkAt < Math.max(3 * ping, 1000)).length, this.links.length);
    this.metrics?.sentinelsRefusing(seen.filter((t) => now - t.refusedAt <= refusedFreshMs(ping)).length);
    for (const mw of this.masters.values()) mw.tick(now);
  }

  /** Stop everything; wait for passes in flight; with `release`, remove every VIP held here. */
  async stop(release: boolean): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const c of this.conflicts) c.stop();
    for (const l of this.links) l.close();
    for (const mw of this.masters.values()) mw.stop();
    await Promise.all([...this.masters.values()].map((mw) => mw.idle()));
    this.queries?.close();
    if (release) {
      for (const mw of this.masters.values()) {
        try {
          await this.d.converge({
            config: this.config,
            master: mw.master,
            logger: this.logger,
            announceWhenBound: false,
            ...execOptionsOf(this.view),
            ...(this.locks ? { deps: { acquireLock: this.locks.acquire } } : {}),
            want: () => ({ desired: 'elsewhere', reason: 'watch stopping with --release-on-exit' }),
            extraFields: ({ want, decision }) => ({ desired: want.desired, observed: decision.is, action: decision.action, trigger: 'exit', sinceEventMs: 0 }),
          });
        } catch (e) {
          logFailure(this.logger, e, { master: mw.master, startedAt: performance.now() });
        }
      }
    }
    this.locks?.close();
    await this.view?.close();
    await this.metrics?.close();
  }
}
