import { describe, expect, it } from 'vitest';
import { waitEach, waitFor } from '../../src/lab/wait';

describe('waitFor', () => {
  it('returns the first truthy value the probe gives', async () => {
    let n = 0;
    await expect(waitFor('three probes', async () => (++n >= 3 ? `done at ${n}` : null), 1000, 1)).resolves.toBe('done at 3');
  });

  it('times out with a lab error that names what it waited for', async () => {
    await expect(waitFor('the moon', async () => false, 20, 5)).rejects.toThrow(expect.objectContaining({ code: 'LAB', message: 'timed out after 20 ms waiting for the moon' }));
  });
});

describe('waitEach', () => {
  it('probes at most `limit` items at a time and keeps asking the ones not yet done', async () => {
    const asked: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const ready = new Set<number>();
    await waitEach([1, 2, 3, 4, 5], (x) => `item ${x}`, async (x) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      asked.push(x);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      // item 2 is ready on its second probe, the rest on their first
      const done = x !== 2 || ready.has(2);
      ready.add(x);
      return done;
    }, 1000, 2);
    expect(maxInFlight).toBe(2);
    expect(asked.filter((x) => x === 2)).toHaveLength(2);
    expect([...new Set(asked)].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('times out naming the first item still pending', async () => {
    await expect(waitEach(['a', 'b'], (x) => `redis ${x}`, async (x) => x === 'a', 30, 8)).rejects.toThrow(/timed out after 30 ms waiting for redis b/);
  });
});
