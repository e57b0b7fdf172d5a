import { describe, expect, it } from 'vitest';
import { majorityTimings, median, timingsOrDefault } from '../../../src/core/watch/timings';

const t = (downAfterMs: number, failoverTimeoutMs: number) => ({ downAfterMs, failoverTimeoutMs });

describe('majorityTimings: one Sentinel never sets them (issue 15, finding 2)', () => {
  it('the median of the answers, once a strict majority answered', () => {
    expect(majorityTimings([t(1000, 10_000), t(1, 100_000_000_000), t(1000, 10_000)], 3, null)).toEqual(t(1000, 10_000));
    expect(majorityTimings([t(1, 100_000_000_000), t(1000, 10_000), t(2000, 20_000)], 3, null)).toEqual(t(1000, 20_000));
  });

  it('fewer than a majority: the last majority value (or none: the defaults)', () => {
    expect(majorityTimings([t(1, 100_000_000_000)], 3, null)).toBeNull();
    expect(majorityTimings([t(1, 100_000_000_000)], 3, t(1000, 10_000))).toEqual(t(1000, 10_000));
    expect(timingsOrDefault(null)).toEqual(t(30_000, 180_000));
  });

  it('clamped to sane bounds, even when the majority says otherwise', () => {
    expect(majorityTimings([t(1, 100_000_000_000), t(1, 100_000_000_000)], 3, null)).toEqual(t(100, 900_000));
    expect(majorityTimings([t(1, 1), t(1, 1)], 3, null)).toEqual(t(100, 10_000));
  });

  it('median of an even count is the lower one', () => {
    expect(median([5, 1])).toBe(1);
    expect(median([3, 1, 2])).toBe(2);
  });
});
