/**
 * Foreign-holder detection for one master under `vipctl watch`: every
 * `watch.conflictProbeMs` the holder probes its segment for other answers for
 * the VIP (adapters/dup-probe: nobody's neighbour cache changes). On its own
 * timer, never inside a pass, one probe at a time; the rules are
 * core/watch/conflict.ts. While a conflict lasts, each probe asks the next
 * pass to announce the VIP again (at most once per probe period).
 */
import { judgeProbe, mayProbe, NO_CONFLICT, type ConflictEvent, type ConflictState } from '../core/watch/conflict';
import type { DupProbe } from '../core/dup-probe';
import { boundOn, type Link } from '../core/local';
import type { Logger } from '../adapters/log';
import type { WatchMetricsSink } from './deps';
import { probeDuplicate } from '../adapters/dup-probe';
import type { MasterWatch } from './master';

export interface ConflictDeps {
  logger: Logger;
  metrics: WatchMetricsSink;
  probeMs: number;
  readLinks: () => Promise<Link[]>;
  /** The master's Sentinel-named address, for the log. */
  sentinelMaster: () => string | null;
  probe?: (ifname: string, vip: string) => Promise<DupProbe>;
}

export class ConflictWatch {
  private state: ConflictState = NO_CONFLICT;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;

  constructor(private readonly mw: MasterWatch, private readonly d: ConflictDeps) {}

  start(): void {
    if (this.d.probeMs <= 0) return;
    this.d.logger.info({ event: 'conflict-probe-start', master: this.mw.name, vip: this.mw.master.vip.address, conflictProbeMs: this.d.probeMs }, `${this.mw.name}: probing for other holders of ${this.mw.master.vip.address} every ${this.d.probeMs} ms while it is bound here`);
    this.timer = setInterval(() => void this.round(), this.d.probeMs);
    this.timer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One probe (skipped while the last one runs). Never throws. */
  async round(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      await this.probeOnce();
    } catch (e) {
      this.d.logger.warn({ event: 'conflict-probe-failed', master: this.mw.name, error: (e as Error).message }, `${this.mw.name}: conflict probe: ${(e as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  private async probeOnce(): Promise<void> {
    const vip = this.mw.master.vip.address;
    const before = this.mw.holding();
    if (!mayProbe(before, Date.now(), this.d.probeMs)) {
      if (before === null) this.apply(judgeProbe(this.state, null, new Set()));
      return;
    }
    const links = await this.d.readLinks();
    const ifname = boundOn(links, vip)[0];
    if (ifname === undefined) return; // gone meanwhile: the next pass sees it
    const own = new Set(links.flatMap((l) => (l.mac ? [l.mac.toLowerCase()] : [])));
    const started = performance.now();
    const probe = await (this.d.probe ?? probeDuplicate)(ifname, vip);
    if (this.stopped) return;
    const after = this.mw.holding();
    // the holding changed while the probe ran (released, rebound, a failover began): the answer says nothing
    const counts = after !== null && after.epoch === before!.epoch && after.since === before!.since;
    this.d.logger.debug({ event: 'conflict-probe', master: this.mw.name, interface: ifname, result: probe.kind, ...(probe.kind === 'taken' ? { macs: probe.macs } : {}), counts, durationMs: Math.round(performance.now() - started) }, `${this.mw.name}: conflict probe on ${ifname}: ${probe.kind}`);
    this.apply(judgeProbe(this.state, counts ? probe : null, own), ifname);
  }

  private apply(j: ReturnType<typeof judgeProbe>, ifname?: string): void {
    this.state = j.state;
    for (const e of j.events) this.log(e, ifname);
    this.d.metrics.conflict(this.mw.name, j.state.macs !== null);
    if (j.announce) this.mw.reannounce();
  }

  private log(e: ConflictEvent, ifname?: string): void {
    const base = { master: this.mw.name, vip: this.mw.master.vip.address, sentinelMaster: this.d.sentinelMaster(), ...(ifname ? { interface: ifname } : {}) };
    switch (e.kind) {
      case 'conflict':
        this.d.logger.error({ event: 'conflict', ...base, macs: e.macs }, `${this.mw.name}: another host answers for ${base.vip} (${e.macs.join(', ')}) while it is bound here, on Sentinel's master ${base.sentinelMaster ?? '(unknown)'}: a foreign holder; announcing again every ${this.d.probeMs} ms while it lasts`);
        return;
      case 'conflict-cleared':
        this.d.logger.info({ event: 'conflict-cleared', ...base, macs: e.macs, reason: e.reason }, `${this.mw.name}: conflict over ${base.vip} cleared: ${e.reason}`);
        return;
      case 'probe-failed':
        this.d.logger.warn({ event: 'conflict-probe-failed', ...base, error: e.error }, `${this.mw.name}: conflict probe failed: ${e.error}`);
        return;
      case 'probe-ok':
        this.d.logger.info({ event: 'conflict-probe-ok', ...base }, `${this.mw.name}: conflict probe works again`);
        return;
    }
  }
}
