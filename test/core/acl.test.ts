import { describe, expect, it } from 'vitest';
import { aclFix, aclProbes, aclUserLine, judgeAcl } from '../../src/core/acl';
import { WATCH_CHANNELS } from '../../src/core/watch/channels';

it('the least-privilege user line: the four commands, no channel but the watch channels, nothing else', () => {
  expect(aclUserLine('vipctl', '>secret')).toBe(
    'user vipctl on >secret resetchannels -@all +ping +sentinel|get-master-addr-by-name +sentinel|masters +sentinel|master +subscribe ' +
      '&+odown &-odown &+try-failover &+elected-leader &+failover-state-select-slave &+selected-slave &+failover-state-wait-promotion ' +
      '&+failover-state-send-slaveof-noone &+promoted-slave &+switch-master &+failover-end &+failover-end-for-timeout ' +
      '&-failover-abort-not-elected &-failover-abort-no-good-slave &-failover-abort-slave-timeout',
  );
});

it('probes every command and every channel of the line, each with its rule', () => {
  const probes = aclProbes();
  expect(probes.filter((p) => p.kind === 'channel').map((p) => p.rule)).toEqual(WATCH_CHANNELS.map((c) => `&${c}`));
  expect(probes.filter((p) => p.kind === 'command').map((p) => p.rule)).toEqual(['+ping', '+sentinel|get-master-addr-by-name', '+sentinel|masters', '+sentinel|master', '+subscribe']);
  for (const p of probes) expect(aclUserLine('u', '#x').split(' ')).toContain(p.rule);
});

it('the fix names the missing rules and carries the whole line', () => {
  expect(aclFix('vipctl', ['&+odown'], '#ab')).toBe(`on every Sentinel: ACL SETUSER vipctl &+odown (and in sentinel.conf, so it survives a restart, the whole user: ${aclUserLine('vipctl', '#ab')})`);
});

describe('judgeAcl', () => {
  it('passes, and with a username notes the line to install (the password as its sha256, never in clear)', () => {
    const r = judgeAcl('10.0.0.11:26379', 'vipctl', '#abc', { missing: [], error: null });
    expect(r).toMatchObject({ check: 'sentinel ACL 10.0.0.11:26379 (user vipctl)', status: 'pass', note: `least privilege: ${aclUserLine('vipctl', '#abc')}` });
    expect(judgeAcl('s', undefined, '#abc', { missing: [], error: null }).note).toBeUndefined();
  });

  it('a missing channel fails, names the rule and what it costs, and the fix carries the rule and the line', () => {
    const r = judgeAcl('s', 'vipctl', '#abc', { missing: ['&+switch-master'], error: 'NOPERM this user has no permissions to access one of the channels used as arguments' });
    expect(r.status).toBe('fail');
    expect(r.detail).toBe('NOPERM for &+switch-master (NOPERM this user has no permissions to access one of the channels used as arguments): watch would miss those events');
    expect(r.fix).toBe(aclFix('vipctl', ['&+switch-master'], '#abc'));
  });

  it('a missing command: vipctl cannot ask', () => {
    expect(judgeAcl('s', 'vipctl', '#abc', { missing: ['+sentinel|master'], error: "NOPERM this user has no permissions to run the 'sentinel|master' command" }).detail).toMatch(/vipctl cannot ask this Sentinel$/);
  });
});
