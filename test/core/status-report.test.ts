import { describe, expect, it } from 'vitest';
import { formatStatus, type MasterStatus } from '../../src/core/status-report';

const base: MasterStatus = {
  name: 'mymaster',
  vip: '10.0.0.100/24',
  interface: 'eth0',
  boundHere: false,
  sentinelMaster: '10.0.0.11:6379',
  sentinelsAgreeing: 2,
  sentinelsTotal: 3,
  localIsMaster: false,
  verdict: 'ok',
  reason: "Sentinel's master is 10.0.0.11:6379 (another host) and the VIP is not bound here",
  answers: [
    { sentinel: '10.0.0.11:26379', master: '10.0.0.11:6379' },
    { sentinel: '10.0.0.12:26379', master: '10.0.0.11:6379' },
    { sentinel: '10.0.0.13:26379', master: null, error: 'no answer within 1000 ms' },
  ],
  localRedis: { address: '10.0.0.12:6379', role: 'slave' },
  otherHolderMac: '02:00:00:00:00:11',
  arpProbe: 'answered by 02:00:00:00:00:11',
};

describe('formatStatus', () => {
  it("the fence rule's line, when the report has it", () => {
    const out = formatStatus({ masters: [{ ...base, fence: { rule: 'fence-skipped', reason: '2 of 3 sentinels refuse connections' } }] });
    expect(out.at(-1)).toBe('  fence rule (watch): fence-skipped: 2 of 3 sentinels refuse connections');
  });

  it('a replica: table row, reason, every Sentinel, local Redis, ARP probe', () => {
    expect(formatStatus({ masters: [base] })).toEqual([
      'MASTER    VIP            IFACE  BOUND HERE  SENTINEL MASTER  AGREE  LOCAL REDIS  OTHER HOLDER       VERDICT',
      'mymaster  10.0.0.100/24  eth0   no          10.0.0.11:6379   2/3    slave        02:00:00:00:00:11  ok',
      '',
      "mymaster: ok: Sentinel's master is 10.0.0.11:6379 (another host) and the VIP is not bound here",
      '  sentinel 10.0.0.11:26379: 10.0.0.11:6379',
      '  sentinel 10.0.0.12:26379: 10.0.0.11:6379',
      '  sentinel 10.0.0.13:26379: no answer within 1000 ms',
      '  local redis 10.0.0.12:6379: slave (is master: no)',
      '  ARP probe for the VIP: answered by 02:00:00:00:00:11',
    ]);
  });

  it.each<[string, Partial<MasterStatus>, RegExp[]]>([
    ['no majority, Redis unknown', { sentinelMaster: null, verdict: 'unknown', localIsMaster: null, localRedis: { address: null, role: null, error: 'address unknown' } }, [/ none +2\/3 +unknown .* unknown$/, /local redis \(address unknown\): address unknown \(is master: unknown\)/]],
    ['bound here, probe skipped', { boundHere: true, verdict: 'should-unbind', otherHolderMac: null, arpProbe: 'skipped: bound here' }, [/ yes .* - +should-unbind$/, /ARP probe for the VIP: skipped: bound here/]],
    ['probe failed', { otherHolderMac: null, arpProbe: 'failed: arping -D: exit 2' }, [/ \? +ok$/, /failed: arping -D: exit 2/]],
    ['an IPv6 VIP: the probe is ndisc6', { vip: 'fd00::100/64', otherHolderMac: 'f6:4f:43:d8:87:2a' }, [/^mymaster +fd00::100\/64 +eth0 /, /^  NDP \(ndisc6\) probe for the VIP: answered by f6:4f:43:d8:87:2a$/]],
  ])('%s', (_n, over, patterns) => {
    const text = formatStatus({ masters: [{ ...base, ...over }] }).join('\n');
    for (const p of patterns) expect(text).toMatch(new RegExp(p.source, 'm'));
  });

  it('colours the verdict only when asked', () => {
    expect(formatStatus({ masters: [{ ...base, verdict: 'should-bind' }] }, true)[1]).toContain('\x1b[31mshould-bind\x1b[39m');
    expect(formatStatus({ masters: [base] }).join('\n')).not.toContain('\x1b[');
  });
});
