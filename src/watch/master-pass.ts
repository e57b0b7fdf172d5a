/**
 * The acting half of one master's passes under `vipctl watch`: converge with
 * the watcher's want (core/watch/want), given the master's state at that
 * moment; what the pass found (bound here, since when: the holder for the
 * conflict probe and the refresh); which links it acts on (a snapshot for the
 * fast paths, see linksFor); and when it announces the VIP again though it
 * did not move (a conflict, the refresh: announce.refreshMs).
 */
import type { Config, MasterConfig } from '../core/config';
import { watchWant, type WatchView } from '../core/watch/want';
import type { FailoverState } from '../core/watch/failover';
import type { Holding } from '../core/watch/conflict';
import type { Resolved } from '../core/desired';
import type { Link } from '../core/local';
import { watchMoved } from '../core/notify';
import { logFailure } from '../pass/failure';
import type { Trigger } from './scheduler';
import type { Logger } from '../adapters/log';
import type { ConvergeDeps } from '../pass/converge';
import { execOptionsOf, type WatchDeps, type WatchMetricsSink, type BindCause, type WatchLinksView } from './deps';

/** This host's addresses (VIPs excluded), as last read by any master's pass: shared by the masters of one node. */
export interface HostAddresses {
  current: ReadonlySet<string>;
}

/** The master's state a pass acts on, read when the pass decides. */
export interface PassInput {
  view: WatchView | null;
  state: FailoverState;
  /** Why the master is fenced now, or null (asked under the lock, when the pass decides). */
  fenced: () => string | null;
  names: Resolved;
}

/** A re-announce the next pass makes when it finds the VIP bound here: why (for the log line's `reannounce`). */
export type Reannounce = 'conflict' | 'refresh';

/** The logger with its `announce` lines at debug (a refresh every few seconds is not news); every other line as it was. */
function announceAtDebug(logger: Logger): Logger {
  const info = ((obj: unknown, ...rest: unknown[]) => {
    const f = (obj as { event?: unknown } | null)?.event === 'announce' ? logger.debug : logger.info;
    return (f as (...a: unknown[]) => void).call(logger, obj, ...rest);
  }) as Logger['info'];
  return new Proxy(logger, { get: (t, k) => (k === 'info' ? info : Reflect.get(t, k, t)) });
}

/** A Sentinel channel (+switch-master, -odown, ...) or the ROLE poll: a trigger that belongs to a failover. */
const isFailoverTrigger = (name: string): boolean => /^[+-]/.test(name) || name === 'role-master';

export class MasterPass {
  /** Whether the VIP was bound here after the last pass (for the metrics). */
  bound: boolean | null = null;
  private boundSince: number | null = null;
  private boundEpoch = 0;
  private lastDesired: string | null = null;
  /** The links as last read (see linksFor). */
  private snapshot: { at: number; links: Link[] } | null = null;
  /** Passes started so far. */
  private passes = 0;
  private announceNext: Reannounce | null = null;
  /** When the last announcement of the VIP here (a bind's or a re-announce's) sends its last packet. */
  announcedUntil = -Infinity;

  constructor(
    private readonly master: MasterConfig,
    private readonly config: Config,
    private readonly d: Pick<WatchDeps, 'converge' | 'logger' | 'now'> & { metrics: WatchMetricsSink; acquireLock?: ConvergeDeps['acquireLock'] },
    private readonly links: WatchLinksView,
    private readonly host: HostAddresses,
  ) {}

  /**
   * The fast paths must not wait for a fresh read of the links (today `ip
   * -json addr show`: a spawn that blocks the event loop 15-70 ms on a busy
   * machine, measured). Every pass keeps the links it read; a ROLE poll start
   * (the failover selected a local replica, 60 ms or more before the
   * promotion) reads them once more when that copy is older than an interval
   * (takeSnapshot); a pass that changed an address drops the copy and
   * invalidates the view. A fast-path pass (release, bind, fence) acts on the
   * copy when it is at most two intervals old; everything else reads the
   * view. Only vipctl changes the VIP, and its own changes drop the copy: at
   * worst an outside change costs one pass.
   */
  takeSnapshot(): void {
    const s = this.snapshot;
    if (s && this.d.now() - s.at <= this.config.watch.intervalMs) return;
    const passes = this.passes;
    const at = this.d.now();
    this.links.read().then(
      (links) => {
        // not when a pass ran meanwhile: its reading is newer (or it changed an address)
        if (passes === this.passes) this.snapshot = { at, links };
      },
      () => undefined,
    );
  }

  private readAndKeep = async (): Promise<Link[]> => {
    const at = this.d.now();
    const links = await this.links.read();
    this.snapshot = { at, links };
    return links;
  };

  private linksFor(t: Trigger): () => Promise<Link[]> {
    const s = this.snapshot;
    return !t.ask && s && this.d.now() - s.at <= 2 * this.config.watch.intervalMs ? async () => s.links : this.readAndKeep;
  }

  /** The next pass announces the VIP if it finds it bound here (a conflict overrides a refresh). */
  announce(why: Reannounce): void {
    if (this.announceNext !== 'conflict') this.announceNext = why;
  }

  /**
   * The VIP held here, and `refreshMs` since the last announcement's last
   * packet: the next pass refreshes the neighbours' caches (docs:
   * announce.refreshMs). Never while a burst runs (a refresh would replace it).
   */
  refreshDue(refreshMs: number, failoverRunning: boolean): boolean {
    const h = this.holding(failoverRunning);
    return refreshMs > 0 && h !== null && this.d.now() - Math.max(this.announcedUntil, h.since) >= refreshMs;
  }

  async run(t: Trigger, i: PassInput): Promise<void> {
    this.passes++;
    const cfg = this.config;
    const started = performance.now();
    const now = this.d.now;
    const name = this.master.name;
    try {
      const failover = i.state.failover;
      // a re-announce is taken by whichever pass runs next, the timer's too: its lines say so
      const reannounce = this.announceNext;
      this.announceNext = null;
      // the refresh sends one packet (IPv6: one NA), not a bind's burst
      const config = reannounce === 'refresh' ? { ...cfg, announce: { ...cfg.announce, count: Math.min(cfg.announce.count, 1) } } : cfg;
      const r = await this.d.converge({
        config,
        master: this.master,
        logger: reannounce === 'refresh' ? announceAtDebug(this.d.logger) : this.d.logger,
        announceWhenBound: reannounce !== null,
        readLinks: this.linksFor(t),
        ...execOptionsOf(this.links),
        ...(this.d.acquireLock ? { deps: { acquireLock: this.d.acquireLock } } : {}),
        noopLevel: t.name === 'timer' ? 'debug' : 'info',
        moved: () => watchMoved(i.view?.master ?? null, i.state),
        want: (local) => {
          this.host.current = local;
          const w = watchWant({ view: i.view, failover: i.state, fenced: i.fenced(), names: i.names }, local);
          this.lastDesired = w.desired;
          return w;
        },
        extraFields: ({ want, decision }) => ({
          desired: want.desired,
          observed: decision.is,
          action: decision.action,
          trigger: t.name,
          ...(reannounce ? { reannounce } : {}),
          sinceEventMs: now() - t.at,
          ...(i.state.failover ? { sinceFailoverMs: now() - i.state.failover.since } : {}),
        }),
      });
      this.d.metrics.pass(name);
      const d = r.decision;
      const was = this.bound;
      this.bound = d.action === 'bind' ? true : d.action === 'unbind' ? false : d.is !== 'unbound';
      if (this.bound !== (was === true) || d.action === 'bind') {
        this.boundEpoch++;
        this.boundSince = this.bound ? now() : null;
      }
      this.d.metrics.vipBound(name, this.bound);
      for (const x of r.results) if (x.step.kind === 'announce') this.announcedUntil = now() + (x.step.count - 1) * x.step.intervalSeconds * 1000;
      if (r.results.some((x) => x.step.kind === 'exec')) this.changed();
      const added = r.results.some((x) => x.step.kind === 'exec' && x.step.what === 'ip-add' && x.note === undefined);
      if (added) {
        const cause: BindCause = failover !== null || isFailoverTrigger(t.name) ? 'failover' : 'other';
        this.d.metrics.bindLatency(name, now() - t.at, cause);
      }
    } catch (e) {
      this.changed(); // it may have changed something before failing
      this.d.metrics.error(name);
      logFailure(this.d.logger, e, { master: this.master, startedAt: started, extra: { trigger: t.name } });
    }
  }

  /** This pass changed (or may have changed) an address: no copy of the links is good any more. */
  private changed(): void {
    this.snapshot = null;
    this.links.invalidate();
  }

  /**
   * This host as the VIP's holder: bound after the last pass, which wanted it
   * here, no failover in progress; since the bind (the master adds the last
   * failover seen). Else null.
   */
  holding(failoverRunning: boolean): Holding | null {
    if (this.bound !== true || this.boundSince === null || this.lastDesired !== 'here' || failoverRunning) return null;
    return { since: this.boundSince, epoch: this.boundEpoch };
  }
}
