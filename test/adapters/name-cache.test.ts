import { describe, expect, it } from 'vitest';
import { NameCache } from '../../src/adapters/name-cache';

describe('NameCache', () => {
  it('a name is stale until resolved, fresh for the ttl, stale again after it; failures are remembered too', async () => {
    let now = 1000;
    const asked: string[][] = [];
    const c = new NameCache(100, 50, async (ns) => {
      asked.push([...ns]);
      return new Map([...ns].map((n) => [n, n === 'gone.example' ? null : ['10.0.0.1']] as [string, string[] | null]));
    }, () => now);
    expect(c.stale(['a.example', 'gone.example'])).toEqual(['a.example', 'gone.example']);
    await c.refresh(['a.example', 'gone.example']);
    expect(asked).toEqual([['a.example', 'gone.example']]);
    expect(c.stale(['a.example', 'gone.example'])).toEqual([]);
    expect(c.resolved).toEqual(new Map([['a.example', ['10.0.0.1']], ['gone.example', null]]));
    now += 101;
    expect(c.stale(['a.example'])).toEqual(['a.example']);
  });

  it('remembers what a level pass resolved; refresh of nothing asks nothing', async () => {
    let calls = 0;
    const c = new NameCache(100, 50, async () => {
      calls++;
      return new Map();
    }, () => 5);
    c.remember(new Map([['m.example', ['10.0.0.2']]]));
    expect(c.stale(['m.example'])).toEqual([]);
    await c.refresh([]);
    expect(calls).toBe(0);
  });

  it('passes its deadline to the resolver', async () => {
    let got = -1;
    const c = new NameCache(100, 750, async (_ns, timeoutMs) => {
      got = timeoutMs;
      return new Map();
    });
    await c.refresh(['x.example']);
    expect(got).toBe(750);
  });
});
