import { describe, expect, it } from 'vitest';
import { failureKind, fenceAfter, fenced, fenceNow, fenceRule, fenceState, majoritySeenAt, refusedFreshMs, type SentinelSeen } from '../../../src/core/watch/fence';

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
    ['auto', 5000, 100, 5000],
    ['auto', undefined, 100, 30_000],
    [0, 5000, 100, null],
    [2500, 5000, 100, 2500],
    // never below five ping periods: one Sentinel's (or the config's) tiny value cannot make the VIP flap
    ['auto', 1, 100, 500],
    [50, 5000, 100, 500],
    ['auto', 1, 1000, 5000],
  ] as const)('%s with down-after %s, ping %s ms -> %s', (setting, down, ping, expected) => {
    expect(fenceAfter(setting, down, ping)).toBe(expected);
  });
});

describe('failureKind', () => {
  it.each([
    ['ECONNREFUSED', 'refused'],
    ['connect ECONNREFUSED 198.18.0.12:26379', 'refused'],
    ['ETIMEDOUT', 'silent'],
    ['EHOSTUNREACH', 'silent'],
    ['ENETUNREACH', 'silent'],
    ['WRONGPASS invalid username-password pair', 'silent'],
    [undefined, 'silent'],
  ] as const)('%s -> %s', (code, kind) => {
    expect(failureKind(code)).toBe(kind);
  });
});

const ok = (at: number): SentinelSeen => ({ lastOkAt: at, refusedAt: -Infinity });
const refused = (lastOk: number, at: number): SentinelSeen => ({ lastOkAt: lastOk, refusedAt: at });
const FRESH = refusedFreshMs(100);

describe('fenceState: fence only when a failover without this host is possible', () => {
  it.each<[string, SentinelSeen[], number, number | null, string, RegExp | null]>([
    ['majority fresh', [ok(9900), ok(9950), ok(0)], 10_000, 1000, 'ok', null],
    ['majority lost 999 ms ago', [ok(9001), ok(9950), ok(0)], 10_000, 1000, 'ok', null],
    ['majority lost 1000 ms ago, the others silent (a partition)', [ok(9000), ok(9950), ok(0)], 10_000, 1000, 'fence', /no majority of sentinels \(2 of 3\) reachable for 1000 ms \(fence after 1000 ms; 1 reachable\); 3 of 3 sentinels may be alive/],
    ['off', [ok(-Infinity), ok(-Infinity), ok(-Infinity)], 100_000, null, 'off', null],
    ['never reached, counted from the start', [ok(-Infinity), ok(-Infinity), ok(-Infinity)], 999, 1000, 'ok', null],
    ['never reached for the fence time: all silent', [ok(-Infinity), ok(-Infinity), ok(-Infinity)], 1000, 1000, 'fence', /reachable for 1000 ms/],
    ['the local Sentinel answers, two refuse (SIGKILLed): no failover possible', [ok(9990), refused(5000, 9950), refused(5000, 9900)], 10_000, 1000, 'fence-skipped', /2 of 3 sentinels refuse connections .* at most 1 can vote, a failover needs 2/],
    ['all three refuse (all dead)', [refused(0, 9990), refused(0, 9950), refused(0, 9900)], 10_000, 1000, 'fence-skipped', /3 of 3 sentinels refuse/],
    ['the local Sentinel answers, one refuses, one silent: two may vote', [ok(9990), refused(5000, 9950), ok(5000)], 10_000, 1000, 'fence', /2 of 3 sentinels may be alive \(1 refuse/],
    ['two refused, but the refusals are stale (cut off since: attempts time out)', [ok(9990), refused(5000, 10_000 - FRESH - 1), refused(5000, 10_000 - FRESH - 1)], 10_000, 1000, 'fence', /3 of 3 sentinels may be alive/],
    ['a refusal older than its last answer does not count', [ok(9990), refused(9000, 8000), refused(9000, 8000)], 10_000, 1000, 'fence', /3 of 3/],
    ['two of five refuse: three may still vote', [ok(9990), ok(9990), refused(0, 9990), refused(0, 9990), ok(0)].map((s, i) => (i < 2 ? ok(0) : s)), 10_000, 1000, 'fence', /3 of 5 sentinels may be alive/],
    ['three of five refuse', [ok(9990), ok(0), refused(0, 9990), refused(0, 9990), refused(0, 9990)], 10_000, 1000, 'fence-skipped', /3 of 5 sentinels refuse/],
  ])('%s', (_n, seen, now, after, state, reason) => {
    const f = fenceState(seen, now, after, 0, FRESH);
    expect(f.state).toBe(state);
    if (reason) expect('reason' in f ? f.reason : '').toMatch(reason);
    expect(fenced(seen, now, after, 0, FRESH) !== null).toBe(state === 'fence');
  });

  it('fenceRule: a strict majority of the configured Sentinels must be able to be alive', () => {
    expect(fenceRule(0, 3).state).toBe('fence');
    expect(fenceRule(1, 3).state).toBe('fence');
    expect(fenceRule(2, 3).state).toBe('fence-skipped');
    expect(fenceRule(1, 1).state).toBe('fence-skipped');
    expect(fenceRule(0, 1).state).toBe('fence');
    expect(fenceRule(2, 4).state).toBe('fence-skipped'); // 2 alive of 4: not a strict majority
    expect(fenceRule(1, 4).state).toBe('fence');
  });
});

describe('fenceNow (status: the rule for one round of answers)', () => {
  it.each([
    [2, 0, 3, 'ok'],
    [1, 2, 3, 'fence-skipped'],
    [1, 1, 3, 'fence'],
    [0, 0, 3, 'fence'],
  ] as const)('%i answered, %i refused of %i -> %s', (reached, refusing, total, state) => {
    expect(fenceNow(reached, refusing, total).state).toBe(state);
  });
});
