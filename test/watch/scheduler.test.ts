/** PassScheduler with an asking half and an acting half that finish when the test says so. */
import { describe, expect, it } from 'vitest';
import { merge, PassScheduler, type Trigger } from '../../src/watch/scheduler';

function fixture() {
  const asks: Array<{ trigger: string; done: () => void }> = [];
  const acts: Array<{ trigger: string; done: () => void; fail: (e: Error) => void }> = [];
  const s = new PassScheduler(
    (t) => new Promise<void>((done) => asks.push({ trigger: t.name, done })),
    (t) => new Promise<void>((done, fail) => acts.push({ trigger: t.name, done, fail })),
  );
  return { s, asks, acts, acted: () => acts.map((a) => a.trigger) };
}
const flush = () => new Promise((r) => setTimeout(r, 0));
const t = (name: string, at: number, ask: boolean): Trigger => ({ name, at, ask });

describe('PassScheduler', () => {
  it('coalesces: triggers during an asking pass schedule exactly one more pass', async () => {
    const { s, asks, acts, acted } = fixture();
    s.trigger(t('start', 1, true));
    await flush();
    expect(asks).toHaveLength(1);
    for (let i = 0; i < 5; i++) s.trigger(t(`timer${i}`, 10 + i, true));
    asks[0]!.done();
    await flush();
    expect(acted()).toEqual(['start']);
    acts[0]!.done();
    await flush();
    expect(asks.map((a) => a.trigger)).toEqual(['start', 'timer0']); // one more, for all five, named after the first
    asks[1]!.done();
    await flush();
    acts[1]!.done();
    await s.idle();
    expect(asks).toHaveLength(2);
    expect(acted()).toEqual(['start', 'timer0']);
  });

  it('a fast-path trigger does not wait behind a Sentinel query', async () => {
    const { s, asks, acts, acted } = fixture();
    s.trigger(t('timer', 1, true));
    await flush();
    expect(asks).toHaveLength(1); // the query hangs
    s.trigger(t('+try-failover', 2, false));
    await flush();
    expect(acted()).toEqual(['+try-failover']);
    acts[0]!.done();
    asks[0]!.done();
    await flush();
    expect(acted()).toEqual(['+try-failover', 'timer']);
    acts[1]!.done();
    await s.idle();
  });

  it('acting halves never overlap; fast triggers queued behind one merge into one', async () => {
    const { s, acts, acted } = fixture();
    s.trigger(t('fence', 1, false));
    await flush();
    s.trigger(t('+odown', 2, false));
    s.trigger(t('+try-failover', 3, false));
    await flush();
    expect(acts).toHaveLength(1);
    acts[0]!.done();
    await flush();
    expect(acted()).toEqual(['fence', '+odown']);
    acts[1]!.done();
    await s.idle();
    expect(acts).toHaveLength(2);
  });

  it('an acting half that throws does not stop the ones after it', async () => {
    const { s, acts, acted } = fixture();
    s.trigger(t('first', 1, false));
    await flush();
    s.trigger(t('second', 2, false));
    acts[0]!.fail(new Error('ip failed'));
    await flush();
    expect(acted()).toEqual(['first', 'second']);
    acts[1]!.done();
    await s.idle();
  });

  it('after stop, no pass starts: neither a queued one nor a new trigger', async () => {
    const { s, acts, acted } = fixture();
    s.trigger(t('first', 1, false));
    await flush();
    s.trigger(t('queued', 2, false));
    s.stop();
    acts[0]!.done();
    s.trigger(t('late', 3, true));
    await s.idle();
    expect(acted()).toEqual(['first']);
  });

  it.each([
    [null, t('timer', 10, true), t('timer', 10, true)],
    [t('+try-failover', 5, false), t('timer', 10, true), t('+try-failover', 5, true)],
    [t('timer', 10, true), t('role-master', 3, false), t('timer', 3, true)],
  ])('merging triggers %j + %j', (a, b, expected) => {
    expect(merge(a, b)).toEqual(expected);
  });
});
