/**
 * One master under `vipctl watch`: its failover state machine
 * (core/watch/failover), its ROLE poller, and its passes. A pass is the same
 * level-based step as `reconcile` (askSentinels, then converge) with the
 * watcher's want (core/watch/want). Passes are coalesced: one at a time; a
 * trigger during a pass schedules exactly one more.
 */
import type { Config, MasterConfig } from '../core/config';
import { VipctlError } from '../core/errors';
import { step, IDLE, type FailoverInput, type FailoverOutput, type FailoverState } from '../core/watch/failover';
import { watchWant, type WatchView } from '../core/watch/want';
import { DEFAULT_FAILOVER_TIMEOUT_MS } from '../core/watch/fence';
import { masterHost } from '../core/sentinel-view';
import { askSentinels, type MasterTimings } from '../adapters/sentinel';
import { pollRole, type RolePoller } from '../adapters/redis-role';
import type { WatchMetrics } from '../adapters/metrics';
import type { Logger } from '../adapters/log';
import { converge } from './converge';
import { logFailure } from './failure';

export interface Trigger {
  /** What caused the pass: timer, start, a Sentinel channel, role-master, fence, ... */
  name: string;
  /** Epoch ms of the triggering event. */
  at: number;
  /** Ask the Sentinels first (false for the fast paths: the want needs no fresh view). */
  ask: boolean;
}

export interface MasterWatchDeps {
  config: Config;
  logger: Logger;
  metrics: WatchMetrics;
  /** This host's addresses (VIPs excluded), as last read. */
  local: () => ReadonlySet<string>;
  setLocal: (local: ReadonlySet<string>) => void;
  /** Why this master must be fenced now, or null. */
  fenced: (m: MasterWatch) => string | null;
  /** A Sentinel answered a query (reachability for fencing). */
  answered: (sentinel: string, at: number) => void;
}

export class MasterWatch {
  state: FailoverState = IDLE;
  view: WatchView | null = null;
  timings: MasterTimings | null = null;
  private running: Promise<void> | null = null;
  private pending: Trigger | null = null;
  private poller: RolePoller | null = null;
  private stopped = false;
  /** Whether the VIP was bound here after the last pass (for the metrics). */
  bound: boolean | null = null;

  constructor(readonly master: MasterConfig, private readonly d: MasterWatchDeps) {}

  get name(): string {
    return this.master.name;
  }

  private log(): Logger {
    return this.d.logger;
  }

  /** Feed the failover state machine; carry out what it says. */
  feed(input: FailoverInput): void {
    if (this.stopped) return;
    const r = step(this.state, input, {
      isLocal: (ip) => this.d.local().has(ip),
      failoverTimeoutMs: this.timings?.failoverTimeoutMs ?? DEFAULT_FAILOVER_TIMEOUT_MS,
    });
    this.state = r.state;
    const why = input.type === 'event' ? input.event.channel : input.type;
    for (const o of r.out) this.apply(o, why, input.at);
  }

  private apply(o: FailoverOutput, why: string, at: number): void {
    switch (o.kind) {
      case 'release':
      case 'bind':
        this.log().info({ event: 'fast-path', master: this.name, action: o.kind, trigger: why, reason: o.reason, sinceEventMs: Date.now() - at }, `${o.kind} now: ${o.reason}`);
        this.trigger({ name: o.kind === 'bind' ? 'role-master' : why, at, ask: false });
        return;
      case 'reconcile':
        this.trigger({ name: why, at, ask: true });
        return;
      case 'stop-poll':
        this.poller?.stop();
        this.poller = null;
        return;
      case 'poll-role':
        this.startPoll(o.address, o.until, why, at);
        return;
    }
  }

  private startPoll(address: string, until: number, why: string, at: number): void {
    this.poller?.stop();
    const port = Number(address.slice(address.lastIndexOf(':') + 1));
    this.log().info({ event: 'poll-role', master: this.name, address, trigger: why, sinceEventMs: Date.now() - at }, `${why}: polling ROLE of ${address} (a replica on this host) until it reports master`);
    const cfg = this.d.config;
    this.poller = pollRole(
      { host: masterHost(address), port },
      {
        ...(cfg.redis.username ? { username: cfg.redis.username } : {}),
        ...(cfg.redis.password ? { password: cfg.redis.password } : {}),
        everyMs: cfg.watch.rolePollMs,
        until,
        onMaster: (t) => this.feed({ type: 'role-master', address, at: t }),
        onFailure: (reason) => this.log().warn({ event: 'poll-role-failed', master: this.name, address, reason }, `ROLE of ${address}: ${reason}; falling back to Sentinel's events`),
      },
    );
  }

  /** Ask for a pass; coalesced with the one running (exactly one more after it). */
  trigger(t: Trigger): void {
    if (this.stopped) return;
    if (this.running) {
      const p = this.pending;
      this.pending = p ? { name: p.name, at: Math.min(p.at, t.at), ask: p.ask || t.ask } : t;
      return;
    }
    this.running = this.loop(t);
  }

  private async loop(first: Trigger): Promise<void> {
    let t: Trigger | null = first;
    while (t && !this.stopped) {
      await this.pass(t);
      t = this.pending;
      this.pending = null;
    }
    this.running = null;
  }

  /** Resolves when no pass is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async pass(t: Trigger): Promise<void> {
    const cfg = this.d.config;
    const started = performance.now();
    try {
      if (t.ask) {
        const v = await askSentinels(cfg, this.name, cfg.watch.queryTimeoutMs, { settleEarly: true, onAnswer: (a) => (a.error === undefined || a.master !== null) && this.d.answered(a.sentinel, Date.now()) });
        this.view = { master: v.master, agreeing: v.agreeing, total: v.total };
        this.feed({ type: 'view', master: v.master, at: Date.now() });
      }
      const failover = this.state.failover;
      const r = await converge({
        config: cfg,
        master: this.master,
        logger: this.d.logger,
        announceWhenBound: false,
        noopLevel: t.name === 'timer' ? 'debug' : 'info',
        want: (local) => {
          this.d.setLocal(local);
          return watchWant({ view: this.view, failover: this.state, fenced: this.d.fenced(this) }, local);
        },
        extraFields: ({ want, decision }) => ({
          desired: want.desired,
          observed: decision.is,
          action: decision.action,
          trigger: t.name,
          sinceEventMs: Date.now() - t.at,
          ...(this.state.failover ? { sinceFailoverMs: Date.now() - this.state.failover.since } : {}),
        }),
      });
      this.d.metrics.pass(this.name);
      const d = r.decision;
      this.bound = d.action === 'bind' ? true : d.action === 'unbind' ? false : d.is !== 'unbound';
      this.d.metrics.vipBound(this.name, this.bound);
      const added = r.results.some((x) => x.step.kind === 'exec' && x.step.what === 'ip-add' && x.note === undefined);
      if (added && (failover || t.name !== 'timer')) this.d.metrics.bindLatency(this.name, Date.now() - t.at);
    } catch (e) {
      this.d.metrics.error(this.name);
      if (!(e instanceof VipctlError) && !(e instanceof Error)) throw e;
      logFailure(this.d.logger, e, { master: this.master, startedAt: started, extra: { trigger: t.name } });
    }
  }

  stop(): void {
    this.stopped = true;
    this.poller?.stop();
    this.poller = null;
  }
}
