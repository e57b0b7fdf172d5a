import { describe, expect, it } from 'vitest';
import { foreignMacs, judgeProbe, mayProbe, NO_CONFLICT } from '../../../src/core/watch/conflict';

const OWN = new Set(['02:00:00:00:00:11']);
const FOREIGN = '02:00:00:00:00:50';

describe('mayProbe: only a quiet holder probes', () => {
  it.each([
    ['not the holder', null, 10_000, 5000, false],
    ['held for a whole probe period', { since: 0, epoch: 1 }, 5000, 5000, true],
    ['bound (or a failover seen) less than a probe period ago', { since: 1000, epoch: 1 }, 5000, 5000, false],
    ['off (0)', { since: 0, epoch: 1 }, 10_000, 0, false],
  ] as const)('%s', (_n, h, now, probeMs, want) => {
    expect(mayProbe(h, now, probeMs)).toBe(want);
  });
});

describe('judgeProbe: a conflict once per change, cleared when the answers stop', () => {
  it('a foreign MAC is a conflict, reported once, announced on every probe while it lasts', () => {
    const a = judgeProbe(NO_CONFLICT, { kind: 'taken', macs: [FOREIGN.toUpperCase()] }, OWN);
    expect(a.events).toEqual([{ kind: 'conflict', macs: [FOREIGN] }]);
    expect(a.announce).toBe(true);
    const b = judgeProbe(a.state, { kind: 'taken', macs: [FOREIGN] }, OWN);
    expect(b.events).toEqual([]);
    expect(b.announce).toBe(true);
    const c = judgeProbe(b.state, { kind: 'free' }, OWN);
    expect(c.events).toEqual([{ kind: 'conflict-cleared', macs: [FOREIGN], reason: expect.stringMatching(/no other host answers/) }]);
    expect(c.state.macs).toBeNull();
    expect(c.announce).toBe(false);
  });

  it("this host's own MAC (its announcer's broadcast seen by the probe) is no conflict", () => {
    const r = judgeProbe(NO_CONFLICT, { kind: 'taken', macs: ['02:00:00:00:00:11'] }, OWN);
    expect(r).toEqual({ state: NO_CONFLICT, events: [], announce: false });
  });

  it('a new set of foreign MACs is reported again', () => {
    const a = judgeProbe(NO_CONFLICT, { kind: 'taken', macs: [FOREIGN] }, OWN);
    const b = judgeProbe(a.state, { kind: 'taken', macs: ['02:00:00:00:00:51', FOREIGN] }, OWN);
    expect(b.events).toEqual([{ kind: 'conflict', macs: [FOREIGN, '02:00:00:00:00:51'] }]);
  });

  it('a failed probe keeps the conflict as it was, says so once, and once when it works again', () => {
    const a = judgeProbe(NO_CONFLICT, { kind: 'taken', macs: [FOREIGN] }, OWN);
    const f1 = judgeProbe(a.state, { kind: 'failed', error: 'arping -D: exit 2: no CAP_NET_RAW' }, OWN);
    expect(f1.events).toEqual([{ kind: 'probe-failed', error: 'arping -D: exit 2: no CAP_NET_RAW' }]);
    expect(f1.state.macs).toEqual([FOREIGN]);
    expect(f1.announce).toBe(false);
    const f2 = judgeProbe(f1.state, { kind: 'failed', error: 'arping -D: exit 2: no CAP_NET_RAW' }, OWN);
    expect(f2.events).toEqual([]);
    const ok = judgeProbe(f2.state, { kind: 'taken', macs: [FOREIGN] }, OWN);
    expect(ok.events).toEqual([{ kind: 'probe-ok' }]);
  });

  it('no longer the holder (released, or the holding changed during the probe): a conflict clears, nothing else happens', () => {
    const a = judgeProbe(NO_CONFLICT, { kind: 'taken', macs: [FOREIGN] }, OWN);
    const r = judgeProbe(a.state, null, OWN);
    expect(r.events).toEqual([{ kind: 'conflict-cleared', macs: [FOREIGN], reason: expect.stringMatching(/no longer holds/) }]);
    expect(judgeProbe(NO_CONFLICT, null, OWN)).toEqual({ state: NO_CONFLICT, events: [], announce: false });
  });

  it('foreignMacs: answers minus own, lower case, sorted, once', () => {
    expect(foreignMacs({ kind: 'taken', macs: ['02:00:00:00:00:5A', '02:00:00:00:00:11', '02:00:00:00:00:5a', '02:00:00:00:00:50'] }, OWN)).toEqual(['02:00:00:00:00:50', '02:00:00:00:00:5a']);
    expect(foreignMacs({ kind: 'free' }, OWN)).toEqual([]);
  });
});
