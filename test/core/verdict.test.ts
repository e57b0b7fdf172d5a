import { describe, expect, it } from 'vitest';
import { statusExitCode, verdictOf, type Verdict, type VerdictInput } from '../../src/core/verdict';

const M = '10.0.0.11:6379';

describe('verdictOf: is this host in the state Sentinel asks for?', () => {
  it.each<[string, VerdictInput, Verdict, RegExp]>([
    ['master here, bound here', { sentinelMaster: M, masterIsHere: true, boundHere: true, localIsMaster: true }, 'ok', /this host\) and the VIP is bound here/],
    ['master here, bound here, another host answers too: a foreign holder', { sentinelMaster: M, masterIsHere: true, boundHere: true, localIsMaster: true, foreignMacs: ['02:aa:00:00:00:01'] }, 'conflict', /another host answers for it too \(02:aa:00:00:00:01\)/],
    ['master here, bound here, no foreign answer', { sentinelMaster: M, masterIsHere: true, boundHere: true, localIsMaster: true, foreignMacs: [] }, 'ok', /bound here/],
    ['stale copy here and another host answers: should-unbind, not conflict', { sentinelMaster: M, masterIsHere: false, boundHere: true, localIsMaster: false, foreignMacs: ['02:aa:00:00:00:01'] }, 'should-unbind', /bound here too/],
    ['master here, bound, ROLE unknown', { sentinelMaster: M, masterIsHere: true, boundHere: true, localIsMaster: null }, 'ok', /bound here/],
    ['master here, VIP missing (after a reboot)', { sentinelMaster: M, masterIsHere: true, boundHere: false, localIsMaster: true }, 'should-bind', /not bound here/],
    ['master here, VIP missing, ROLE unknown', { sentinelMaster: M, masterIsHere: true, boundHere: false, localIsMaster: null }, 'should-bind', /not bound here/],
    ['master here by Sentinel, but Redis says replica', { sentinelMaster: M, masterIsHere: true, boundHere: true, localIsMaster: false }, 'unknown', /says it is a replica/],
    ['replica, nothing bound', { sentinelMaster: M, masterIsHere: false, boundHere: false, localIsMaster: false }, 'ok', /another host\) and the VIP is not bound here/],
    ['Sentinel-only host (no Redis), nothing bound', { sentinelMaster: M, masterIsHere: false, boundHere: false, localIsMaster: null }, 'ok', /not bound here/],
    ['stale copy on a replica (keepalived stopped)', { sentinelMaster: M, masterIsHere: false, boundHere: true, localIsMaster: false }, 'should-unbind', /bound here too/],
    ['stale copy, ROLE unknown', { sentinelMaster: M, masterIsHere: false, boundHere: true, localIsMaster: null }, 'should-unbind', /bound here too/],
    ['stale copy on an old master not yet demoted', { sentinelMaster: M, masterIsHere: false, boundHere: true, localIsMaster: true }, 'should-unbind', /bound here too/],
    ['old master not yet demoted, nothing bound', { sentinelMaster: M, masterIsHere: false, boundHere: false, localIsMaster: true }, 'unknown', /not yet demoted/],
    ['no majority, bound', { sentinelMaster: null, masterIsHere: false, boundHere: true, localIsMaster: true }, 'unknown', /no majority/],
    ['no majority, not bound', { sentinelMaster: null, masterIsHere: false, boundHere: false, localIsMaster: null }, 'unknown', /no majority/],
  ])('%s', (_name, input, verdict, reason) => {
    const r = verdictOf(input);
    expect(r.verdict).toBe(verdict);
    expect(r.reason).toMatch(reason);
  });
});

describe('statusExitCode: a monitoring check', () => {
  it.each<[Verdict[], 0 | 1]>([
    [['ok'], 0],
    [['ok', 'ok'], 0],
    [[], 0],
    [['should-bind'], 1],
    [['ok', 'should-unbind'], 1],
    [['unknown', 'ok'], 1],
    [['conflict'], 1],
  ])('%j -> %i', (verdicts, code) => {
    expect(statusExitCode(verdicts)).toBe(code);
  });
});
