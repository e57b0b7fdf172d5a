/**
 * One master under `vipctl watch`. Its inputs go into its failover state
 * machine (core/watch/failover) in the order they came: the Sentinels'
 * events, the ROLE poller's observations, the majority views its asking
 * passes got, the clock's ticks. `apply` is the one place that carries out
 * what the machine says (run a pass now, or asking first; poll a ROLE; stop
 * polling); where the VIP must be is the pass's want alone (master-pass.ts,
 * core/watch/want). The tick also follows the fence (core/watch/fence) and the
 * refresh. When passes run is scheduler.ts's job.
 */
import { refreshMsOf, type Config, type MasterConfig } from '../core/config';
import { step, IDLE, type FailoverInput, type FailoverOutput, type FailoverState } from '../core/watch/failover';
import type { WatchView } from '../core/watch/want';
import { eventHostNames } from '../core/watch/events';
import { isLocalHost, localAddressOf } from '../core/desired';
import { majorityTimings, timingsOrDefault, type MasterTimings } from '../core/watch/timings';
import { masterHost } from '../core/sentinel-view';
import type { SentinelView } from '../core/sentinel-view';
import type { Holding } from '../core/watch/conflict';
import type { NameCache } from '../adapters/name-cache';
import type { RolePoller } from '../adapters/redis-role';
import { clientOptions } from '../adapters/connection';
import { logFailure } from '../pass/failure';
import type { ConvergeDeps } from '../pass/converge';
import { PassScheduler, type Trigger } from './scheduler';
import { MasterPass, type HostAddresses, type Reannounce } from './master-pass';
import { FenceFollower } from './master-fence';
import type { SentinelReach } from './reach';
import type { WatchDeps, WatchMetricsSink, WatchLinksView } from './deps';

export interface MasterWatchDeps extends Pick<WatchDeps, 'converge' | 'logger' | 'now' | 'pollRole' | 'resolveMasters'> {
  config: Config;
  metrics: WatchMetricsSink;
  /** This host's addresses (VIPs excluded), as last read by any pass. */
  host: HostAddresses;
  /** The Sentinels' reachability, for the fence. */
  reach: SentinelReach;
  /** The Sentinels' majority view of a master (one batch of queries shared by every master: views.ts). */
  view: (name: string) => Promise<SentinelView>;
  links: WatchLinksView;
  /** Host names seen from the Sentinels, resolved (shared by every master of the watcher). */
  names: NameCache;
  /** The passes' per-VIP lock (./kept-locks.ts); default: converge's own. */
  acquireLock?: ConvergeDeps['acquireLock'];
}

export class MasterWatch {
  state: FailoverState = IDLE;
  view: WatchView | null = null;
  /** The majority's timings (timings.ts), null until a majority of the Sentinels answered. */
  timings: MasterTimings | null = null;
  /** Each Sentinel's latest answer. */
  private readonly reported = new Map<string, MasterTimings>();
  private readonly scheduler = new PassScheduler((t) => this.ask(t), (t) => this.act(t));
  private readonly passes: MasterPass;
  private readonly fence: FenceFollower;
  private poller: RolePoller | null = null;
  private stopped = false;
  /** Inputs waiting for a host name to resolve, in order; null when none waits. */
  private inbox: Promise<void> | null = null;
  /** When a failover was last seen (the conflict probe's quiet period starts anew). */
  private failoverSeenAt = -Infinity;

  constructor(readonly master: MasterConfig, private readonly d: MasterWatchDeps) {
    this.passes = new MasterPass(master, d.config, d, d.links, d.host);
    this.fence = new FenceFollower(master.name, d);
  }

  get name(): string {
    return this.master.name;
  }

  /** Whether the VIP was bound here after the last pass. */
  get bound(): boolean | null {
    return this.passes.bound;
  }

  /** One Sentinel's timings for this master; the new majority timings when they changed, else null. */
  takeTimings(sentinel: string, t: MasterTimings, total: number): MasterTimings | null {
    this.reported.set(sentinel, t);
    const before = this.timings;
    this.timings = majorityTimings([...this.reported.values()], total, before);
    const now = this.timings;
    return now && (!before || before.downAfterMs !== now.downAfterMs || before.failoverTimeoutMs !== now.failoverTimeoutMs) ? now : null;
  }

  /** Why this master is fenced now, or null. */
  fencedReason(now = this.d.now()): string | null {
    const f = this.d.reach.fence(this.timings?.downAfterMs, now);
    return f.state === 'fence' ? f.reason : null;
  }

  /**
   * An input for the failover state machine. An event that names instances
   * by host name (announce-hostnames yes) waits until those names are
   * resolved (names.ts: at most the resolve deadline, usually nothing: a name
   * is resolved once per ttl), and every input after it waits behind it: the
   * machine sees the inputs in the order they came.
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

  /** The clock: the machine's deadlines, then the fence and the refresh. */
  tick(now: number): void {
    this.feed({ type: 'tick', at: now });
    const f = this.fence.follow(this.d.reach.fence(this.timings?.downAfterMs, now));
    if (f === 'fence' && this.bound !== false) this.trigger({ name: 'fence', at: now, ask: false });
    if (f === 'unfence') this.trigger({ name: 'unfence', at: now, ask: true });
  }

  private stepNow(input: FailoverInput): void {
    if (this.stopped) return;
    const resolved = this.d.names.resolved;
    const r = step(this.state, input, {
      isLocal: (host) => isLocalHost(host, this.d.host.current, resolved),
      failoverTimeoutMs: timingsOrDefault(this.timings).failoverTimeoutMs,
    });
    this.state = r.state;
    if (this.state.failover) this.failoverSeenAt = this.d.now();
    const why = input.type === 'event' ? input.event.channel : input.type;
    for (const o of r.out) this.apply(o, why, input.at);
  }

  /** The one place the machine's outputs are carried out. */
  private apply(o: FailoverOutput, why: string, at: number): void {
    switch (o.kind) {
      case 'pass-now':
        this.d.logger.info({ event: 'fast-path', master: this.name, action: o.fastPath, trigger: why, reason: o.reason, sinceEventMs: this.d.now() - at }, `${o.fastPath} now: ${o.reason}`);
        this.trigger({ name: why, at, ask: false });
        return;
      case 'pass-asking':
        // a failover ended by its timeout or the majority, or a release on one Sentinel's word lapsed: say why
        if (why === 'tick' || why === 'view') this.d.logger.info({ event: 'failover-update', master: this.name, trigger: why, reason: o.reason }, o.reason);
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
    // Only when the last pass's copy is older than an interval (master-pass.ts): a read now
    // would block the event loop right when the promotion comes (SIGKILL: ~60 ms after +selected-slave).
    this.passes.takeSnapshot();
    const port = Number(address.slice(address.lastIndexOf(':') + 1));
    const cfg = this.d.config;
    // A name (announce-hostnames): connect to the address of this host it resolved to, not the name (no resolver on each reconnect)
    const host = masterHost(address);
    const connectTo = localAddressOf(host, this.d.host.current, this.d.names.resolved) ?? host;
    this.d.logger.info({ event: 'poll-role', master: this.name, address, ...(connectTo !== host ? { connectTo } : {}), trigger: why, sinceEventMs: this.d.now() - at }, `${why}: polling ROLE of ${address} (a replica on this host) until it reports master`);
    this.poller = this.d.pollRole(
      { host: connectTo, port },
      {
        connection: clientOptions(cfg, 'redis', { host: connectTo, port, ...(connectTo !== host ? { name: host } : {}) }),
        everyMs: cfg.watch.rolePollMs,
        until,
        onMaster: (t, connections) => {
          this.d.logger.info({ event: 'role-master', master: this.name, address, connections, sinceEventMs: this.d.now() - at }, `${address} reports role master (${connections} connection(s) used)`);
          this.feed({ type: 'role-master', address, at: t });
        },
        onFailure: (reason) => this.d.logger.warn({ event: 'poll-role-failed', master: this.name, address, reason }, `ROLE of ${address}: ${reason}; falling back to Sentinel's events`),
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
      const resolved = await this.d.resolveMasters([v]);
      this.d.names.remember(resolved);
      this.view = { master: v.master, agreeing: v.agreeing, total: v.total, ...(resolved.size > 0 ? { resolved } : {}) };
      this.feed({ type: 'view', master: v.master, at: this.d.now() });
    } catch (e) {
      this.d.metrics.error(this.name);
      logFailure(this.d.logger, e, { master: this.master, startedAt: performance.now(), extra: { trigger: t.name, during: 'asking the sentinels' } });
    }
  }

  private act(t: Trigger): Promise<void> {
    // the refresh rides on the level pass (no query of its own): docs, announce.refreshMs
    if (t.name === 'timer' && this.passes.refreshDue(refreshMsOf(this.d.config.announce), this.state.failover !== null)) this.passes.announce('refresh');
    return this.passes.run(t, { view: this.view, state: this.state, fenced: () => this.fencedReason(), names: this.d.names.resolved });
  }

  /** This host as the VIP's holder for the conflict probe: since the later of the bind and the last failover seen. Else null. */
  holding(): Holding | null {
    const h = this.passes.holding(this.state.failover !== null);
    return h && { since: Math.max(h.since, this.failoverSeenAt), epoch: h.epoch };
  }

  /** The next pass announces the VIP if it finds it bound here (a conflict lasts: ./conflict.ts). */
  reannounce(why: Reannounce = 'conflict'): void {
    this.passes.announce(why);
    this.trigger({ name: why, at: this.d.now(), ask: true });
  }

  stop(): void {
    this.stopped = true;
    this.scheduler.stop();
    this.poller?.stop();
    this.poller = null;
  }
}
