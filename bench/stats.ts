/** What the benchmarks share: summary statistics and the machine they ran on. */
import { cpus } from 'node:os';

export interface Stats {
  runs: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
}

/** Median; p95 by nearest rank. */
export function stats(xs: readonly number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return { runs: 0, medianMs: NaN, p95Ms: NaN, minMs: NaN, maxMs: NaN };
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  const r = (x: number): number => Math.round(x * 10) / 10;
  return { runs: s.length, medianMs: r(median), p95Ms: r(s[Math.ceil(0.95 * s.length) - 1]!), minMs: r(s[0]!), maxMs: r(s[s.length - 1]!) };
}

export function machine(): { node: string; nproc: number; cpu: string; platform: string } {
  return { node: process.version, nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', platform: `${process.platform} ${process.arch}` };
}

export class UsageError extends Error {}
