import { describe, expect, it } from 'vitest';
import { cleanReason, DEFAULT_HOLD_MS, describeHold, holdText, holding, parseDuration, parseHold, type Hold } from '../../src/core/hold';
import { VipctlError } from '../../src/core/errors';
import { verdictOf } from '../../src/core/verdict';

describe('parseDuration', () => {
  it.each([['90s', 90_000], ['30m', 1_800_000], ['2h', 7_200_000], ['1h30m', 5_400_000], ['45', 2_700_000], ['24h', 86_400_000]])('%s', (t, ms) => {
    expect(parseDuration(t)).toBe(ms);
  });
  it.each(['', '0', '0s', '25h', '1d', '10 m', '1h30', 'm30', '-5m', '1.5h'])('refuses %j (exit 2, key for)', (t) => {
    let e: unknown;
    try {
      parseDuration(t);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(VipctlError);
    expect((e as VipctlError).exitCode).toBe(2);
  });
  it('defaults to 30 minutes when not given (the command)', () => {
    expect(DEFAULT_HOLD_MS).toBe(1_800_000);
  });
});

describe('the hold record', () => {
  const h: Hold = { master: 'mymaster', since: 1000, until: 61_000, reason: 'moving by hand', by: 'root' };
  it('round-trips through its text', () => {
    expect(parseHold(holdText(h), 'mymaster')).toEqual(h);
  });
  it('a file for another master, broken JSON, or missing fields holds nothing', () => {
    expect(parseHold(holdText(h), 'other')).toBeNull();
    expect(parseHold('{', 'mymaster')).toBeNull();
    expect(parseHold(JSON.stringify({ ...h, until: 'later' }), 'mymaster')).toBeNull();
    expect(parseHold('null', 'mymaster')).toBeNull();
  });
  it('holds until `until`, then lapses by itself', () => {
    expect(holding(h, 60_999)).toBe(true);
    expect(holding(h, 61_000)).toBe(false);
    expect(holding(null, 0)).toBe(false);
  });
  it('reasons are one printable line', () => {
    expect(cleanReason('a\n\u001b[2Jb')).toBe('a b');
    expect(cleanReason(undefined)).toBe('maintenance');
    expect(cleanReason('x'.repeat(500))).toHaveLength(200);
    expect(describeHold(h, 31_000)).toBe('held by root since 1970-01-01T00:00:01.000Z for 30 s more: moving by hand');
  });
});

describe('verdict with a hold', () => {
  it('is held, whatever the rest says, and says what it would be without it', () => {
    const v = verdictOf({ sentinelMaster: '10.0.0.11:6379', masterIsHere: true, boundHere: false, localIsMaster: true, hold: 'held by root' });
    expect(v).toEqual({ verdict: 'held', reason: "held by root; without it: should-bind (Sentinel's master is 10.0.0.11:6379 (this host) but the VIP is not bound here)" });
  });
});
