import { describe, expect, it } from 'vitest';
import { fenceAfter, fenced, majoritySeenAt } from '../../../src/core/watch/fence';

describe('majoritySeenAt', () => {
  it.each([
    [[100, 200, 300], 3, 200],
    [[300, -Infinity, 100], 3, 100],
    [[300, -Infinity, -Infinity], 3, -Infinity],
    [[50], 1, 50],
    [[10, 20, 30, 40], 4, 20], // 3 of 4
    [[10, 20, 30, 40, 50], 5, 30],
    [[], 3, -Infinity],
  ])('%j of %i -> %s', (lastOk, total, expected) => {
    expect(majoritySeenAt(lastOk, total)).toBe(expected);
  });
});

describe('fenceAfter', () => {
  it.each([
    ['auto', 5000, 5000],
    ['auto', undefined, 30_000],
    [0, 5000, null],
    [2500, 5000, 2500],
  ] as const)('%s with down-after %s -> %s', (setting, down, expected) => {
    expect(fenceAfter(setting, down)).toBe(expected);
  });
});

describe('fenced', () => {
  const since = 0;
  it.each([
    ['majority fresh', [9900, 9950, 0], 10_000, 1000, null],
    ['majority lost 999 ms ago', [9001, 9950, 0], 10_000, 1000, null],
    ['majority lost 1000 ms ago', [9000, 9950, 0], 10_000, 1000, /no majority of sentinels \(2 of 3\) reachable for 1000 ms \(fence after 1000 ms; 1 reachable\)/],
    ['off', [-Infinity, -Infinity, -Infinity], 100_000, null, null],
    ['never reached, counted from the start', [-Infinity, -Infinity, -Infinity], 999, 1000, null],
    ['never reached for the fence time', [-Infinity, -Infinity, -Infinity], 1000, 1000, /reachable for 1000 ms/],
  ] as const)('%s', (_n, lastOk, now, after, expected) => {
    const r = fenced(lastOk, 3, now, after, since);
    if (expected === null) expect(r).toBeNull();
    else expect(r).toMatch(expected);
  });
});
