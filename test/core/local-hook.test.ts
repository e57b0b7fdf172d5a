import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config';
import { isPackagedHook, isThisVipctl, localSentinelOf, ourHookScripts, PACKAGED_HOOK } from '../../src/core/local-hook';

const config = validateConfig({ sentinel: { addresses: ['10.0.0.11:26379', '[fd00::12]:26379'] }, masters: { m: { vip: '10.0.0.100/24' } } });

describe('localSentinelOf', () => {
  it("is the configured Sentinel on one of this host's addresses, in any spelling", () => {
    expect(localSentinelOf(config, new Set(['10.0.0.11']))).toMatchObject({ host: '10.0.0.11', port: 26379 });
    expect(localSentinelOf(config, new Set(['fd00::12']))).toMatchObject({ port: 26379 });
    expect(localSentinelOf(config, new Set(['10.0.0.13']))).toBeUndefined();
  });
});

describe('isThisVipctl', () => {
  const realpath = (p: string): string | null => (p === '/usr/local/bin/vipctl' ? '/usr/bin/vipctl' : null);
  it.each<[string | null, boolean]>([
    ['/usr/bin/vipctl', true],
    ['/usr/local/bin/vipctl', true],
    ['/usr/local/bin/other', false],
    [null, false],
  ])('%s: %s', (script, expected) => {
    expect(isThisVipctl(script, ['/usr/bin/vipctl'], realpath)).toBe(expected);
  });

  it("the package's hook executable is ours only when this is the package (ourHookScripts), and names itself first", () => {
    expect(ourHookScripts('/usr/bin/vipctl', true)).toEqual([PACKAGED_HOOK, '/usr/bin/vipctl']);
    expect(ourHookScripts('/opt/vipctl/bin/vipctl', false)).toEqual(['/opt/vipctl/bin/vipctl']);
    expect(isThisVipctl(PACKAGED_HOOK, ourHookScripts('/usr/bin/vipctl', true), realpath)).toBe(true);
    expect(isThisVipctl(PACKAGED_HOOK, ourHookScripts('/opt/vipctl/bin/vipctl', false), realpath)).toBe(false);
    const linked = (p: string): string | null => (p === '/usr/local/bin/vipctl-hook' ? PACKAGED_HOOK : null);
    expect([isPackagedHook('/usr/local/bin/vipctl-hook', linked), isPackagedHook('/usr/bin/vipctl', linked), isPackagedHook(null, linked)]).toEqual([true, false, false]);
  });
});
