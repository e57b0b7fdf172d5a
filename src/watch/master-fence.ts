/**
 * One master's fence as the watcher follows it, tick by tick: logged and
 * counted once per change of the rule that holds (not of its millisecond
 * figures); what changed, for the master to run its pass.
 */
import type { FenceState } from '../core/watch/fence';
import type { Logger } from '../adapters/log';
import type { WatchMetricsSink } from './deps';

/** 'fence': fenced now (let go); 'unfence': was fenced, is no longer (ask and act again); null: no change that needs a pass. */
export type FenceChange = 'fence' | 'unfence' | null;

export class FenceFollower {
  /** The rule as last logged: 'ok', or `fence N` / `fence-skipped N` (N Sentinels refusing). */
  private key = 'ok';

  constructor(
    private readonly name: string,
    private readonly d: { logger: Logger; metrics: WatchMetricsSink },
  ) {}

  follow(f: FenceState): FenceChange {
    const key = f.state === 'fence' || f.state === 'fence-skipped' ? `${f.state} ${f.refusing}` : 'ok';
    const was = this.key;
    if (key === was) return null;
    this.key = key;
    this.d.metrics.fenced(this.name, f.state === 'fence');
    this.d.metrics.fenceSkipped(this.name, f.state === 'fence-skipped');
    if (f.state === 'fence') {
      this.d.logger.warn({ event: 'fence', master: this.name, reason: f.reason, refusing: f.refusing }, `fenced: ${f.reason}`);
      return 'fence';
    }
    if (f.state === 'fence-skipped') this.d.logger.warn({ event: 'fence-skipped', master: this.name, reason: f.reason, refusing: f.refusing }, `not fencing: ${f.reason}`);
    else this.d.logger.info({ event: 'unfence', master: this.name }, 'a majority of sentinels is reachable again');
    return was.startsWith('fence ') ? 'unfence' : null;
  }
}
