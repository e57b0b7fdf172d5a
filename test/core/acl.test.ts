import { expect, it } from 'vitest';
import { aclFix, aclProbes, aclUserLine } from '../../src/core/acl';
import { WATCH_CHANNELS } from '../../src/core/watch/channels';

it('the least-privilege user line: the four commands, no channel but the watch channels, nothing else', () => {
  expect(aclUserLine('vipctl', '>secret')).toBe(
    'user vipctl on >secret resetchannels -@all +ping +sentinel|get-master-addr-by-name +sentinel|master +subscribe ' +
      '&+odown &-odown &+try-failover &+elected-leader &+failover-state-select-slave &+selected-slave &+failover-state-wait-promotion ' +
      '&+failover-state-send-slaveof-noone &+promoted-slave &+switch-master &+failover-end &+failover-end-for-timeout ' +
      '&-failover-abort-not-elected &-failover-abort-no-good-slave &-failover-abort-slave-timeout',
  );
});

it('probes every command and every channel of the line, each with its rule', () => {
  const probes = aclProbes();
  expect(probes.filter((p) => p.kind === 'channel').map((p) => p.rule)).toEqual(WATCH_CHANNELS.map((c) => `&${c}`));
  expect(probes.filter((p) => p.kind === 'command').map((p) => p.rule)).toEqual(['+ping', '+sentinel|get-master-addr-by-name', '+sentinel|master', '+subscribe']);
  for (const p of probes) expect(aclUserLine('u', '#x').split(' ')).toContain(p.rule);
});

it('the fix names the missing rules and carries the whole line', () => {
  expect(aclFix('vipctl', ['&+odown'], '#ab')).toBe(`on every Sentinel: ACL SETUSER vipctl &+odown (and in sentinel.conf, so it survives a restart, the whole user: ${aclUserLine('vipctl', '#ab')})`);
});
