import { describe, expect, it } from 'vitest';
import { watchWant, type WatchView } from '../../../src/core/watch/want';
import { IDLE, type Failover, type FailoverState } from '../../../src/core/watch/failover';

const LOCAL = new Set(['198.18.0.13', 'fd00::13']);

const view = (master: string | null): WatchView => ({ master, agreeing: master ? 2 : 0, total: 3 });
const failover = (f: Partial<Failover>): FailoverState => ({
  ...IDLE,
  failover: { since: 0, firstEvent: '+odown', deadline: 10_000, oldMaster: '198.18.0.11:6379', started: true, selected: null, released: false, promotedHere: null, switched: false, sentinels: ['s1'], confirmed: true, confirmBy: 10_000, lapsed: false, ...f },
});

describe('watchWant (rule 4: never bind on local evidence alone)', () => {
  it.each([
    ['majority names this host', view('198.18.0.13:6379'), IDLE, null, 'here', /master 198.18.0.13:6379 is this host \(2\/3 sentinels agree\)/],
    ['majority names another host', view('198.18.0.11:6379'), IDLE, null, 'elsewhere', /is another host/],
    ['no majority', view(null), IDLE, null, 'unknown', /no majority/],
    ['no view yet', null, IDLE, null, 'unknown', /no sentinel answer yet/],
    ['a host name', view('redis-3:6379'), IDLE, null, 'unknown', /host name/],
    ['a loopback master', view('127.0.0.1:6379'), IDLE, null, 'unknown', /loopback/],
    ['fenced, even where the majority named this host', view('198.18.0.13:6379'), IDLE, 'no majority for 1000 ms', 'elsewhere', /^fenced: no majority/],
    ['old master held off while its failover runs', view('198.18.0.13:6379'), failover({ oldMaster: '198.18.0.13:6379', released: true }), null, 'elsewhere', /holding the VIP off/],
    ['promoted here, majority not switched yet', view('198.18.0.11:6379'), failover({ selected: '198.18.0.13:6379', promotedHere: '198.18.0.13:6379' }), null, 'here', /promoted 198.18.0.13:6379.*not switched yet/],
    ['promoted here, no majority', view(null), failover({ promotedHere: '198.18.0.13:6379' }), null, 'here', /promoted/],
    ['promoted here, but the majority names a third host', view('198.18.0.12:6379'), failover({ promotedHere: '198.18.0.13:6379' }), null, 'elsewhere', /is another host/],
    ['selected here but not promoted yet: no bind on the selection alone', view('198.18.0.11:6379'), failover({ selected: '198.18.0.13:6379' }), null, 'elsewhere', /is another host/],
  ] as const)('%s', (_name, v, state, fenced, desired, reason) => {
    const w = watchWant({ view: v, failover: state, fenced }, LOCAL);
    expect(w.desired).toBe(desired);
    expect(w.reason).toMatch(reason);
  });
});

describe('watchWant with a master named by host name (announce-hostnames yes)', () => {
  const named = (resolved?: Map<string, string[] | null>): WatchView => ({ master: 'n3.lab:6379', agreeing: 3, total: 3, ...(resolved ? { resolved } : {}) });
  it.each<[string, WatchView, string, RegExp]>([
    ['resolves to this host', named(new Map([['n3.lab', ['198.18.0.13']]])), 'here', /resolves to 198\.18\.0\.13, an address of this host \(3\/3 sentinels agree\)/],
    ['resolves to another host', named(new Map([['n3.lab', ['198.18.0.11']]])), 'elsewhere', /another host/],
    ['does not resolve', named(new Map([['n3.lab', null]])), 'unknown', /does not resolve/],
    ['not resolved at all', named(), 'unknown', /was not resolved/],
  ])('%s', (_n, v, desired, reason) => {
    const w = watchWant({ view: v, failover: IDLE, fenced: null }, LOCAL);
    expect(w.desired).toBe(desired);
    expect(w.reason).toMatch(reason);
  });

  it.each<[string, Map<string, string[] | null> | undefined, string]>([
    ['a replica promoted here, named by name: bound before the majority switches', new Map([['n3.lab', ['198.18.0.13']]]), 'here'],
    ['the promoted name resolves elsewhere', new Map([['n3.lab', ['198.18.0.12']]]), 'elsewhere'],
    ['the promoted name is not resolved: the majority decides', undefined, 'elsewhere'],
  ])('%s', (_n, names, desired) => {
    const old = new Map([['n1.lab', ['198.18.0.11']]]);
    const v: WatchView = { master: 'n1.lab:6379', agreeing: 3, total: 3, resolved: old };
    const w = watchWant({ view: v, failover: failover({ oldMaster: 'n1.lab:6379', selected: 'n3.lab:6379', promotedHere: 'n3.lab:6379' }), fenced: null, ...(names ? { names } : {}) }, LOCAL);
    expect(w.desired).toBe(desired);
  });
});
