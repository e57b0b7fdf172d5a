import { describe, expect, it } from 'vitest';
import { judgeConflict, type ConflictEvidence } from '../../src/core/doctor-conflict';

const OWN = new Set(['02:00:00:00:00:11']);
const e = (over: Partial<ConflictEvidence>): ConflictEvidence => ({ vip: '10.0.0.100', ifname: 'eth0', boundHere: true, probe: { kind: 'free' }, ownMacs: OWN, ...over });

describe('judgeConflict: doctor runs the foreign-holder probe once', () => {
  it('bound here and another MAC answers: fail, naming the MAC', () => {
    expect(judgeConflict('m', e({ probe: { kind: 'taken', macs: ['02:00:00:00:00:50'] } }))).toMatchObject({ check: 'other holders of 10.0.0.100 (m)', status: 'fail', detail: expect.stringContaining('02:00:00:00:00:50 answers for it too'), fix: expect.stringContaining('remove the address there') });
  });
  it('bound here, only this host (its own announcer) answers or nobody: pass', () => {
    expect(judgeConflict('m', e({ probe: { kind: 'taken', macs: ['02:00:00:00:00:11'] } })).status).toBe('pass');
    expect(judgeConflict('m', e({})).status).toBe('pass');
  });
  it('not bound here: one answer is the holder (pass), two are a conflict (fail)', () => {
    expect(judgeConflict('m', e({ boundHere: false, probe: { kind: 'taken', macs: ['02:00:00:00:00:12'] } }))).toMatchObject({ status: 'pass', detail: expect.stringContaining('answered by 02:00:00:00:00:12') });
    expect(judgeConflict('m', e({ boundHere: false, probe: { kind: 'taken', macs: ['02:00:00:00:00:12', '02:00:00:00:00:50'] } })).status).toBe('fail');
  });
  it('a probe that cannot run: warn with the fix', () => {
    expect(judgeConflict('m', e({ probe: { kind: 'failed', error: 'arping -D: exit 2: socket: Operation not permitted' } }))).toMatchObject({ status: 'warn', fix: expect.stringContaining('iputils-arping') });
  });
});
