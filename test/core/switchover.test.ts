import { describe, expect, it } from 'vitest';
import { formatTimeline, judgeStart, parseReplicas, promotable, type ReplicaInfo } from '../../src/core/switchover';

const replica = (flags: string, link = 'ok', prio = '100', ip = '10.0.0.12') => ['name', `${ip}:6379`, 'ip', ip, 'port', '6379', 'flags', flags, 'master-link-status', link, 'slave-priority', prio];

describe('parseReplicas / promotable', () => {
  it("reads SENTINEL REPLICAS' flat entries", () => {
    expect(parseReplicas([replica('slave'), replica('s_down,slave,disconnected', 'err', '100', '10.0.0.13')])).toEqual([
      { address: '10.0.0.12:6379', flags: ['slave'], linkOk: true, priority: 100 },
      { address: '10.0.0.13:6379', flags: ['s_down', 'slave', 'disconnected'], linkOk: false, priority: 100 },
    ]);
    expect(parseReplicas('garbage')).toEqual([]);
  });
  it('a replica is promotable when up, linked and not priority 0', () => {
    const [up, down, unlinked, zero] = parseReplicas([replica('slave'), replica('s_down,slave'), replica('slave', 'err'), replica('slave', 'ok', '0')]) as ReplicaInfo[];
    expect([up, down, unlinked, zero].map((r) => promotable(r!))).toEqual([true, false, false, false]);
  });
});

describe('judgeStart', () => {
  const base = { master: 'mymaster', sentinelMaster: '10.0.0.11:6379', agreeing: 3, total: 3, replicas: parseReplicas([replica('slave')]), vipReachesMaster: true };
  it('starts when a majority names the master, a replica is in sync, and the VIP reaches the master', () => {
    expect(judgeStart(base)).toEqual({ ok: true });
  });
  it('refuses without a majority, naming the votes', () => {
    expect(judgeStart({ ...base, sentinelMaster: null, agreeing: 1 })).toEqual({ ok: false, reason: expect.stringMatching(/no strict majority .* \(1\/3 agree\)/) });
  });
  it('refuses without a promotable replica, listing what it saw', () => {
    expect(judgeStart({ ...base, replicas: parseReplicas([replica('slave', 'ok', '0')]) })).toEqual({ ok: false, reason: 'no replica of mymaster in sync that Sentinel may promote: 10.0.0.12:6379 (slave, link ok, priority 0)' });
    expect(judgeStart({ ...base, replicas: [] })).toEqual({ ok: false, reason: 'no replica of mymaster in sync that Sentinel may promote: it has none' });
    expect(judgeStart({ ...base, replicas: null, replicasError: 'NOPERM' })).toEqual({ ok: false, reason: 'cannot list the replicas of mymaster: NOPERM' });
  });
  it('refuses while the VIP does not reach the master', () => {
    expect(judgeStart({ ...base, vipReachesMaster: false, vipError: 'connect ECONNREFUSED' })).toEqual({ ok: false, reason: expect.stringMatching(/^the VIP does not reach the master 10.0.0.11:6379 now \(connect ECONNREFUSED\)/) });
  });
});

describe('formatTimeline', () => {
  it('lists the moments seen in time order, stamped from the request, and the outcome', () => {
    const t0 = 1_000_000;
    expect(formatTimeline({ master: 'mymaster', from: '10.0.0.11:6379', to: '10.0.0.12:6379', ok: true, at: { sent: t0, selected: t0 + 120, released: t0 + 390, bound: t0 + 460, promoted: t0 + 900 } })).toEqual([
      'switchover of mymaster: 10.0.0.11:6379 -> 10.0.0.12:6379',
      '  +     0 ms  SENTINEL FAILOVER sent',
      '  +   120 ms  replica selected for promotion (+selected-slave)',
      '  +   390 ms  the VIP no longer reaches the old master',
      '  +   460 ms  the VIP reaches the new master, which answers ROLE master',
      '  +   900 ms  replica promoted (+promoted-slave)',
      'done: the VIP reaches the new master 10.0.0.12:6379 (460 ms after the request)',
    ]);
    expect(formatTimeline({ master: 'm', from: '?', to: null, ok: false, reason: 'no strict majority', at: {} })).toEqual(['switchover of m: ? -> ?', 'failed: no strict majority']);
  });
});
