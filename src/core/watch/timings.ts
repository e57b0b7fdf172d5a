/**
 * A master's timings (down-after-milliseconds, failover-timeout) as the
 * watcher uses them, from the Sentinels' answers to SENTINEL MASTERS. Pure.
 *
 * One Sentinel is not trusted with them (README, "Trust model"): each is the
 * median of the latest answers, and only once a strict majority of the
 * configured Sentinels has answered (until then the last majority value, or
 * Sentinel's defaults); then clamped to sane bounds. One Sentinel answering
 * `down-after-milliseconds 1` or `failover-timeout 100000000000` moves
 * nothing while the others answer sensibly.
 */
import { DEFAULT_DOWN_AFTER_MS, DEFAULT_FAILOVER_TIMEOUT_MS } from './fence';

export interface MasterTimings {
  downAfterMs: number;
  failoverTimeoutMs: number;
}

/** Bounds (ms). Sentinel accepts anything positive; outside these a value is an error or an attack, not a tuning. */
export const DOWN_AFTER_BOUNDS = [100, 600_000] as const;
export const FAILOVER_TIMEOUT_BOUNDS = [10_000, 900_000] as const;

export const clamp = (v: number, [lo, hi]: readonly [number, number]): number => Math.min(hi, Math.max(lo, v));

/** The median (the lower one of an even count: with two answers, the smaller). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

/**
 * The timings from each Sentinel's latest answer (`answers`, one per
 * Sentinel) of `total` configured; `before`: the last result (kept while no
 * majority has answered). Null while no majority ever answered (use the defaults: timingsOrDefault).
 */
export function majorityTimings(answers: readonly MasterTimings[], total: number, before: MasterTimings | null): MasterTimings | null {
  if (answers.length * 2 <= total) return before;
  return {
    downAfterMs: clamp(median(answers.map((a) => a.downAfterMs)), DOWN_AFTER_BOUNDS),
    failoverTimeoutMs: clamp(median(answers.map((a) => a.failoverTimeoutMs)), FAILOVER_TIMEOUT_BOUNDS),
  };
}

export function timingsOrDefault(t: MasterTimings | null): MasterTimings {
  return t ?? { downAfterMs: DEFAULT_DOWN_AFTER_MS, failoverTimeoutMs: DEFAULT_FAILOVER_TIMEOUT_MS };
}
