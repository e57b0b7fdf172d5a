/**
 * `vipctl lab demo`: up, a client writing through the VIP, a failover, the
 * timeline and the measured write outage, then down (always). With
 * `compare`, the same failover once per mode, one lab after the other.
 */
import { Lab, type FailoverKind, type LabMode, type LabOptions } from './lab';
import { measureFailover } from './failover-run';
import type { Timeline } from './timeline';

export interface DemoOptions extends LabOptions {
  kind: FailoverKind;
  /** Steady writes before the failover, ms. */
  warmupMs?: number;
}

export async function runDemo(o: DemoOptions): Promise<Timeline> {
  const say = o.progress ?? (() => {});
  const started = Date.now();
  const lab = await Lab.up({ ...o, mode: o.mode ?? 'watch' });
  try {
    const { timeline } = await measureFailover(lab, { kind: o.kind, say, ...(o.warmupMs !== undefined ? { warmupMs: o.warmupMs } : {}) });
    say(`demo done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { ...timeline, mode: lab.mode };
  } finally {
    await lab.down();
  }
}

/** The modes `--compare` runs, in this order: the hook, then the watcher. */
export const COMPARED_MODES: readonly LabMode[] = ['hook', 'watch'];

export async function runComparison(o: DemoOptions): Promise<Timeline[]> {
  const out: Timeline[] = [];
  for (const mode of COMPARED_MODES) {
    o.progress?.(`--- ${mode} ---`);
    out.push(await runDemo({ ...o, mode }));
  }
  return out;
}
