import { describe, expect, it } from 'vitest';
import { notifyArgvProblems, PLACEHOLDERS, realChanges, substitute, watchMoved, type NotifyFacts } from '../../src/core/notify';

const facts: NotifyFacts = {
  master: 'mymaster',
  vip: '10.0.0.100',
  cidr: '10.0.0.100/24',
  interface: 'eth0',
  action: 'bind',
  reason: 'master 10.0.0.12:6379 is this host (3/3 sentinels agree)',
  newMaster: '10.0.0.12:6379',
  oldMaster: '',
  host: 'redis-b',
};

describe('substitute', () => {
  it('replaces every placeholder inside each argument, several per argument, leaving the rest as it is', () => {
    expect(substitute(['/usr/local/bin/vip-moved', '{action}', '--ip={vip}', '{cidr}', '{interface}', '{master}@{host}', '{newMaster}', '{oldMaster}', '{reason}'], facts)).toEqual([
      '/usr/local/bin/vip-moved', 'bind', '--ip=10.0.0.100', '10.0.0.100/24', 'eth0', 'mymaster@redis-b', '10.0.0.12:6379', '', facts.reason,
    ]);
  });

  it('keeps one argument one argument: values with spaces or shell characters are not split or interpreted', () => {
    const f = { ...facts, reason: 'a b; $(rm -rf /) `x` {vip}' };
    expect(substitute(['/bin/echo', 'why: {reason}'], f)).toEqual(['/bin/echo', 'why: a b; $(rm -rf /) `x` {vip}']);
  });

  it('keeps braces that are not a placeholder (JSON payloads)', () => {
    expect(substitute(['/usr/bin/curl', '-d', '{"vip":"{vip}","n":{"x":1}}'], facts)).toEqual(['/usr/bin/curl', '-d', '{"vip":"10.0.0.100","n":{"x":1}}']);
  });

  it('an unknown placeholder (refused by the config) is left as written, not emptied', () => {
    expect(substitute(['/bin/echo', '{nope}'], facts)).toEqual(['/bin/echo', '{nope}']);
  });

  it('every documented placeholder is substituted', () => {
    for (const p of Object.keys(PLACEHOLDERS)) expect(substitute(['/x', `<{${p}}>`], facts)[1]).toBe(`<${facts[p as keyof NotifyFacts]}>`);
  });
});

describe('notifyArgvProblems', () => {
  it('accepts an absolute program with known placeholders', () => {
    expect(notifyArgvProblems(['/usr/local/bin/vip-moved', '{action}', '{vip}', '{"a":1}'])).toEqual([]);
  });

  it('refuses an empty argv', () => {
    expect(notifyArgvProblems([])).toEqual([['', expect.stringContaining('must not be empty')]]);
  });

  it('refuses a relative program or a bare name, naming index 0', () => {
    expect(notifyArgvProblems(['vip-moved'])).toEqual([['0', expect.stringContaining('must be an absolute path')]]);
    expect(notifyArgvProblems(['./bin/x', 'a'])).toEqual([['0', expect.stringContaining('must be an absolute path')]]);
  });

  it('refuses a placeholder in the program', () => {
    expect(notifyArgvProblems(['/opt/{master}/hook'])).toEqual([['0', 'the program must not contain a placeholder']]);
  });

  it('refuses an unknown placeholder, naming its argument and the known ones', () => {
    const p = notifyArgvProblems(['/bin/x', 'ok', '--to={newmaster}']);
    expect(p).toEqual([['2', expect.stringContaining('unknown placeholder {newmaster}')]]);
    expect(p[0]![1]).toContain('{newMaster}');
  });
});

describe('realChanges', () => {
  it('an add that added is a bind, a delete that removed is an unbind, in order; no-ops and deprecations are none', () => {
    expect(realChanges([
      { what: 'ip-del', interface: 'eth1', noop: false },
      { what: 'ip-add', interface: 'eth0', noop: false },
      { what: 'ip-deprecate', interface: 'eth0', noop: false },
      { what: 'ip-add', interface: 'eth0', noop: true },
      { what: 'ip-del', interface: 'eth2', noop: true },
    ])).toEqual([{ action: 'unbind', interface: 'eth1' }, { action: 'bind', interface: 'eth0' }]);
    expect(realChanges([])).toEqual([]);
  });
});

describe('watchMoved', () => {
  const f = { oldMaster: '10.0.0.11:6379', selected: null as string | null, promotedHere: null as string | null };
  it('without a failover: the majority master, and the master the last failover replaced', () => {
    expect(watchMoved('10.0.0.12:6379', { failover: null, done: '10.0.0.11:6379' })).toEqual({ newMaster: '10.0.0.12:6379', oldMaster: '10.0.0.11:6379' });
    expect(watchMoved(null, { failover: null, done: null })).toEqual({ newMaster: null, oldMaster: null });
  });
  it('during a failover: the promoted or selected replica, never the old master the majority still names', () => {
    expect(watchMoved('10.0.0.11:6379', { failover: f, done: null })).toEqual({ newMaster: null, oldMaster: '10.0.0.11:6379' });
    expect(watchMoved('10.0.0.11:6379', { failover: { ...f, selected: '10.0.0.13:6379' }, done: null })).toEqual({ newMaster: '10.0.0.13:6379', oldMaster: '10.0.0.11:6379' });
    expect(watchMoved('10.0.0.11:6379', { failover: { ...f, selected: '10.0.0.13:6379', promotedHere: '10.0.0.12:6379' }, done: null })).toEqual({ newMaster: '10.0.0.12:6379', oldMaster: '10.0.0.11:6379' });
    expect(watchMoved('10.0.0.12:6379', { failover: f, done: null })).toEqual({ newMaster: '10.0.0.12:6379', oldMaster: '10.0.0.11:6379' });
  });
});
