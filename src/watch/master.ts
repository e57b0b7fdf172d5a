/**
 * One master under `vipctl watch`: its failover state machine
 * (core/watch/failover), its ROLE poller, and its passes. A pass is the same
 * level-based step as `reconcile` (the Sentinels' view, then converge) with the
 * watcher's want (core/watch/want). When passes run is scheduler.ts's job.
 */
import type { Config, MasterConfig } from '../core/config';
import { step, IDLE, type FailoverInput, type FailoverOutput, type FailoverState } from '../core/watch/failover';
import { watchWant, type WatchView } from '../core/watch/want';
import { eventHostNames } from '../core/watch/events';
import { isLocalHost, localAddressOf } from '../core/desired';
import type { NameCache } from '../adapters/name-cache';
import { majorityTimings, timingsOrDefault, type MasterTimings } from '../core/watch/timings';
import { masterHost } from '../core/sentinel-view';
import type { SentinelView } from '../core/sentinel-view';
import { pollRole, type RolePoller } from '../adapters/redis-role';
import { clientOptions } from '../adapters/connection';
import type { WatchMetrics } from '../adapters/metrics';
import type { Logger } from '../adapters/log';
import type { Link } from '../core/local';
import type { Holding } from '../core/watch/conflict';
import { converge } from '../pass/converge';
import { resolveMasterNames } from '../pass/resolve-masters';
import { PassScheduler, type Trigger } from './scheduler';
import { logFailure } from '../pass/failure';
import { watchMoved } from '../core/notify';

export interface MasterWatchDeps {
  config: Config;
  logger: Logger;
  metrics: WatchMetrics;
  /** This host's addresses (VIPs excluded), as last read. */
  local: () => ReadonlySet<string>;
  setLocal: (local: ReadonlySet<string>) => void;
  /** Why this master must be fenced now, or null. */
  fenced: (m: MasterWatch) => string | null;
  /** The Sentinels' majority view of a master (one batch of queries shared by every master: views.ts). */
  view: (name: string) => Promise<SentinelView>;
  /** Read the links now (shared by the masters' passes of one turn: src/pass/join-next.ts). */
  readLinks: () => Promise<Link[]>;
  /** Host names seen from the Sentinels, resolved (shared by every master of the watcher). */
  names: NameCache;
}

export class MasterWatch {
  state: FailoverState = IDLE;
  view: WatchView | null = null;
  /** The majority's timings (timings.ts), null until a majority of the Sentinels answered. */
  timings: MasterTimings | null = null;
  /** Each Sentinel's latest answer. */
  private readonly reported = new Map<string, MasterTimings>();
  /** When the passes run (coalesced asking, serialized converges): scheduler.ts. */
  private readonly scheduler = new PassScheduler((t) => this.ask(t), (t) => this.pass(t));
  private poller: RolePoller | null = null;
  private stopped = false;
  /** Whether the VIP was bound here after the last pass (for the metrics). */
  bound: boolean | null = null;
  /** The links as last read (see takeSnapshot). */
  private snapshot: { at: number; links: Link[] } | null = null;
  /** Passes started so far. */
  private passes = 0;
  /** Inputs waiting for a host name to resolve, in order; null when none waits. */
  private inbox: Promise<void> | null = null;
  /** Foreign-holder detection (./conflict.ts): since when the VIP is bound here, which binding, what the last pass wanted, when a failover was last seen. */
  private boundSince: number | null = null;
  private boundEpoch = 0;
  private lastDesired: string | null = null;
  private failoverSeenAt = -Infinity;
  private announceNext = false;

  constructor(readonly master: MasterConfig, private readonly d: MasterWatchDeps) {}

  /** One Sentinel's timings for this master; the new majority timings when they changed, else null. */
  takeTimings(sentinel: string, t: MasterTimings, total: number): MasterTimings | null {
    this.reported.set(sentinel, t);
    const before = this.timings;
    this.timings = majorityTimings([...this.reported.values()], total, before);
    const now = this.timings;
    return now && (!before || before.downAfterMs !== now.downAfterMs || before.failoverTimeoutMs !== now.failoverTimeoutMs) ? now : null;
  }

  get name(): string {
    return this.master.name;
  }

  private log(): Logger {
    return this.d.logger;
  }

  /**
   * Feed the failover state machine; carry out what it says. An event that
   * names instances by host name (announce-hostnames yes) waits until those
   * names are resolved (names.ts: at most the resolve deadline, usually
   * nothing: a name is resolved once per ttl), and every input after it waits
   * behind it: the machine sees the inputs in the order they came.
   */
  feed(input: FailoverInput): void {
    if (this.stopped) return;
    const stale = input.type === 'event' ? this.d.names.stale(eventHostNames(input.event)) : [];
    if (!this.inbox && stale.length === 0) return this.stepNow(input);
    const p = (this.inbox ?? Promise.resolve()).then(async () => {
      await this.d.names.refresh(stale).catch(() => undefined); // unresolved: not this host
      this.stepNow(input);
    });
    this.inbox = p;
    void p.finally(() => {
      if (this.inbox === p) this.inbox = null;
    });
  }

  private stepNow(input: FailoverInput): void {
    if (this.stopped) return;
    const resolved = this.d.names.resolved;
    const r = step(this.state, input, {
      isLocal: (host) => isLocalHost(host, this.d.local(), resolved),
      failoverTimeoutMs: timingsOrDefault(this.timings).failoverTimeoutMs,
    });
    this.state = r.state;
    if (this.state.failover) this.failoverSeenAt = Date.now();
    const why = input.type === 'event' ? input.event.channel : input.type;
    for (const o of r.out) this.apply(o, why, input.at);
  }

  private apply(o: FailoverOutput, why: string, at: number): void {
    switch (o.kind) {
      case 'release':
      case 'bind':
        this.log().info({ event: 'fast-path', master: this.name, action: o.kind, trigger: why, reason: o.reason, sinceEventMs: Date.now() - at }, `${o.kind} now: ${o.reason}`);
        this.trigger({ name: why, at, ask: false });
        return;
      case 'reconcile':
        // a failover ended by its timeout or the majority, or a release on one Sentinel's word lapsed: say why
        if (why === 'tick' || why === 'view') this.log().info({ event: 'failover-update', master: this.name, trigger: why, reason: o.reason }, o.reason);
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

  /**
   * The fast paths must not wait for `ip -json addr show`: a process spawn
   * blocks the event loop and costs 15-70 ms on a busy machine (measured).
   * Every pass of this master keeps the links it read; a ROLE poll start
   * (the failover selected a local replica, 60 ms or more before the
   * promotion) reads them once more when that copy is older than an
   * interval; a pass that changed an address drops
   * the copy. A fast-path pass (release, bind, fence) acts on that copy when
   * it is at most two intervals old; everything else reads afresh. Only
   * vipctl changes the VIP, and its own changes drop the copy: at worst an
   * outside change costs one pass (the next event or timer pass reads afresh).
   */
  private takeSnapshot(): void {
    const passes = this.passes;
    const at = Date.now();
    this.d.readLinks().then(
      (links) => {
        // not when a pass ran meanwhile: its reading is newer (or it changed an address)
        if (passes === this.passes) this.snapshot = { at, links };
      },
      () => undefined,
    );
  }

  /** For converge: read the links afresh and keep them. */
  private readAndKeep = async (): Promise<Link[]> => {
    const at = Date.now();
    const links = await this.d.readLinks();
    this.snapshot = { at, links };
    return links;
  };

  private linksFor(t: Trigger): () => Promise<Link[]> {
    const s = this.snapshot;
    return !t.ask && s && Date.now() - s.at <= 2 * this.d.config.watch.intervalMs ? async () => s.links : this.readAndKeep;
  }

  private startPoll(address: string, until: number, why: string, at: number): void {
    this.poller?.stop();
    // Only when the last pass's copy is older than an interval: a spawn now
    // would block the event loop right when the promotion comes (SIGKILL:
    // ~60 ms after +selected-slave).
    if (!this.snapshot || Date.now() - this.snapshot.at > this.d.config.watch.intervalMs) this.takeSnapshot();
    const port = Number(address.slice(address.lastIndexOf(':') + 1));
    const cfg = this.d.config;
    // A name (announce-hostnames): connect to the address of this host it resolved to, not the name (no resolver on each reconnect)
    const host = masterHost(address);
    const connectTo = localAddressOf(host, this.d.local(), this.d.names.resolved) ?? host;
    this.log().info({ event: 'poll-role', master: this.name, address, ...(connectTo !== host ? { connectTo } : {}), trigger: why, sinceEventMs: Date.now() - at }, `${why}: polling ROLE of ${address} (a replica on this host) until it reports master`);
    this.poller = pollRole(
      { host: connectTo, port },
      {
        connection: clientOptions(cfg, 'redis', { host: connectTo, port, ...(connectTo !== host ? { name: host } : {}) }),
        everyMs: cfg.watch.rolePollMs,
        until,
        onMaster: (t, connections) => {
          this.log().info({ event: 'role-master', master: this.name, address, connections, sinceEventMs: Date.now() - at }, `${address} reports role master (${connections} connection(s) used)`);
          this.feed({ type: 'role-master', address, at: t });
        },
        onFailure: (reason) => this.log().warn({ event: 'poll-role-failed', master: this.name, address, reason }, `ROLE of ${address}: ${reason}; falling back to Sentinel's events`),
      },
    );
  }

  /** Ask for a pass (see PassScheduler: fast-path triggers never wait behind a Sentinel query). */
  trigger(t: Trigger): void {
    this.scheduler.trigger(t); // nothing after stop(): the scheduler is stopped with it
  }

  /** Resolves when no pass is running or queued. */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  private async ask(t: Trigger): Promise<void> {
    try {
      const v = await this.d.view(this.name);
      // A master named by host name: resolved on every pass that asks (a name's address may change).
      const resolved = await resolveMasterNames([v]);
      this.d.names.remember(resolved);
      this.view = { master: v.master, agreeing: v.agreeing, total: v.total, ...(resolved.size > 0 ? { resolved } : {}) };
      this.feed({ type: 'view', master: v.master, at: Date.now() });
    } catch (e) {
      this.d.metrics.error(this.name);
      logFailure(this.d.logger, e, { master: this.master, startedAt: performance.now(), extra: { trigger: t.name, during: 'asking the sentinels' } });
    }
  }

  private async pass(t: Trigger): Promise<void> {
    this.passes++;
    const cfg = this.d.config;
    const started = performance.now();
    try {
      const failover = this.state.failover;
      // a conflict's re-announce (./conflict.ts) is taken by whichever pass runs next, the timer's too: its lines say so
      const reannounce = this.takeAnnounce();
      const r = await converge({
        config: cfg,
        master: this.master,
        logger: this.d.logger,
        announceWhenBound: reannounce,
        readLinks: this.linksFor(t),
        noopLevel: t.name === 'timer' ? 'debug' : 'info',
        moved: () => watchMoved(this.view?.master ?? null, this.state),
        want: (local) => {
          this.d.setLocal(local);
          const w = watchWant({ view: this.view, failover: this.state, fenced: this.d.fenced(this), names: this.d.names.resolved }, local);
          this.lastDesired = w.desired;
          return w;
        },
        extraFields: ({ want, decision }) => ({
          desired: want.desired,
          observed: decision.is,
          action: decision.action,
          trigger: t.name,
          ...(reannounce ? { reannounce: 'conflict' } : {}),
          sinceEventMs: Date.now() - t.at,
          ...(this.state.failover ? { sinceFailoverMs: Date.now() - this.state.failover.since } : {}),
        }),
      });
      this.d.metrics.pass(this.name);
      const d = r.decision;
      const was = this.bound;
      this.bound = d.action === 'bind' ? true : d.action === 'unbind' ? false : d.is !== 'unbound';
      if (this.bound !== (was === true) || d.action === 'bind') {
        this.boundEpoch++;
        this.boundSince = this.bound ? Date.now() : null;
      }
      this.d.metrics.vipBound(this.name, this.bound);
      if (r.results.some((x) => x.step.kind === 'exec')) this.snapshot = null;
      const added = r.results.some((x) => x.step.kind === 'exec' && x.step.what === 'ip-add' && x.note === undefined);
      if (added && (failover || t.name !== 'timer')) this.d.metrics.bindLatency(this.name, Date.now() - t.at);
    } catch (e) {
      this.snapshot = null; // it may have changed something before failing
      this.d.metrics.error(this.name);
      logFailure(this.d.logger, e, { master: this.master, startedAt: started, extra: { trigger: t.name } });
    }
  }

  /**
   * This host as the VIP's holder for the conflict probe: bound after the
   * last pass, which wanted it here, no failover in progress; since the
   * later of the bind and the last failover seen. Else null.
   */
  holding(): Holding | null {
    if (this.bound !== true || this.boundSince === null || this.lastDesired !== 'here' || this.state.failover !== null) return null;
    return { since: Math.max(this.boundSince, this.failoverSeenAt), epoch: this.boundEpoch };
  }

  /** The next pass announces the VIP if it finds it bound here (a conflict lasts: ./conflict.ts). */
  reannounce(): void {
    this.announceNext = true;
    this.trigger({ name: 'conflict', at: Date.now(), ask: true });
  }

  private takeAnnounce(): boolean {
    const a = this.announceNext;
    this.announceNext = false;
    return a;
  }

  stop(): void {
    this.stopped = true;
    this.scheduler.stop();
    this.poller?.stop();
    this.poller = null;
  }
}
