import { describe, expect, it } from 'vitest';
import type { DupProbe } from '../../src/core/dup-probe';
import { judgeBindProbe, sentinelWarning } from '../../src/core/manual';
import { thrownVipctlError } from '../support/errors';

const OWN = new Set(['02:00:00:00:00:01']);
const OTHER: DupProbe = { kind: 'taken', macs: ['02:00:00:00:00:09'] };

describe('judgeBindProbe', () => {
  it.each<[string, DupProbe | null, boolean, string[], string | undefined]>([
    ['not probed (bound here already)', null, false, [], undefined],
    ['nobody answers', { kind: 'free' }, false, [], undefined],
    ['only our own MAC answers', { kind: 'taken', macs: ['02:00:00:00:00:01'] }, false, [], undefined],
    ['another host answers, --force', OTHER, true, ['02:00:00:00:00:09'], undefined],
    ['probe failed, --force', { kind: 'failed', error: 'arping -D: exit 2: no device' }, true, [], 'arping -D: exit 2: no device'],
  ])('%s: allowed', (_name, probe, force, otherMacs, probeError) => {
    expect(judgeBindProbe(probe, OWN, '10.0.0.100', force)).toEqual({ otherMacs, ...(probeError ? { probeError } : {}) });
  });

  it.each<[string, DupProbe, RegExp]>([
    ['another host answers', OTHER, /another host already answers for 10\.0\.0\.100 \(MAC 02:00:00:00:00:09\); nothing changed.*--force/],
    ['the probe could not run', { kind: 'failed', error: 'arping -D: exit 2: no device' }, /cannot check whether another host answers .*no device.*--force/],
  ])('%s: refused with exit 1', (_name, probe, message) => {
    const e = thrownVipctlError(() => judgeBindProbe(probe, OWN, '10.0.0.100', false), 'REFUSED', 1);
    expect(e.message).toMatch(message);
  });
});

describe('sentinelWarning', () => {
  const local = new Set(['10.0.0.11']);
  it.each<[string, 'bind' | 'unbind', string | null, RegExp | null]>([
    ['bind on the master', 'bind', '10.0.0.11:6379', null],
    ['bind on a replica', 'bind', '10.0.0.12:6379', /master is 10\.0\.0\.12:6379, not this host/],
    ['bind with no majority', 'bind', null, /no majority/],
    ['unbind on a replica', 'unbind', '10.0.0.12:6379', null],
    ['unbind on the master', 'unbind', '10.0.0.11:6379', /master is this host/],
    ['unbind with no majority', 'unbind', null, /no majority/],
  ])('%s', (_name, op, master, expected) => {
    const w = sentinelWarning(op, master, local, '3/3 sentinels agree');
    if (expected === null) expect(w).toBeNull();
    else expect(w).toMatch(expected);
  });
});
