/** The failover state machine, driven by real message texts (as Sentinel sends them) in the order Sentinel sends them. */
import { describe, expect, it } from 'vitest';
import { parseSentinelEvent } from '../../../src/core/watch/events';
import { IDLE, step, type FailoverInput, type FailoverState } from '../../../src/core/watch/failover';

const M = 'mymaster';
const N1 = '198.18.0.11';
const N2 = '198.18.0.12';
const N3 = '198.18.0.13';
const master = (ip: string) => `master ${M} ${ip} 6379`;
const replica = (ip: string, of: string) => `slave ${ip}:6379 ${ip} 6379 @ ${M} ${of} 6379`;

type In = [string, string] | ['role-master', string] | ['view', string | null] | ['tick'];
/** One row: an input at time t, the kinds of output expected (with the address for poll-role), and the Sentinel that sent an event (default S1). */
type Row = [number, In, string[], string?];

function input(t: number, i: In, sentinel = 'S1'): FailoverInput {
  if (i[0] === 'role-master') return { type: 'role-master', address: `${i[1]}:6379`, at: t };
  if (i[0] === 'view') return { type: 'view', master: i[1] === null ? null : `${i[1]}:6379`, at: t };
  if (i[0] === 'tick') return { type: 'tick', at: t };
  const e = parseSentinelEvent(i[0], i[1]!);
  if (!e) throw new Error(`unreadable test event ${i.join(' ')}`);
  return { type: 'event', event: e, at: t, sentinel };
}

function play(localIp: string, rows: Row[]): FailoverState {
  let s = IDLE;
  for (const [t, i, expected, sentinel] of rows) {
    const r = step(s, input(t, i, sentinel), { isLocal: (ip) => ip === localIp, failoverTimeoutMs: 10_000 });
    const got = r.out.map((o) => (o.kind === 'poll-role' ? `poll-role ${o.address} until ${o.until}` : o.kind === 'pass-now' ? `pass-now ${o.fastPath}` : o.kind));
    expect(got, `${t} ms: ${i.join(' ')}`).toEqual(expected);
    s = r.state;
  }
  return s;
}

describe('failover state machine', () => {
  it('SENTINEL FAILOVER seen from the old master host: release on +try-failover, hold until the majority moved, late copies start nothing', () => {
    const s = play(N1, [
      [1, ['+try-failover', master(N1)], ['pass-now release']],
      [2, ['+elected-leader', master(N1)], []],
      [110, ['+selected-slave', replica(N3, N1)], []],
      [111, ['+failover-state-wait-promotion', replica(N3, N1)], []],
      [1100, ['+promoted-slave', replica(N3, N1)], []],
      [1150, ['+switch-master', `${M} ${N1} 6379 ${N3} 6379`], ['pass-asking']],
      [1160, ['view', N1], []], // observers switched, the majority not yet: still held
      [1200, ['+failover-end', master(N1)], ['pass-asking']],
      [1210, ['view', N3], ['pass-asking']],
      [1220, ['+switch-master', `${M} ${N1} 6379 ${N3} 6379`], ['pass-asking']],
      [1230, ['+failover-end', master(N1)], []],
    ]);
    expect(s).toEqual({ failover: null, poll: null, done: `${N1}:6379`, suspect: null });
  });

  it('SIGKILL seen from the old master host: release on +odown', () => {
    const s = play(N1, [
      [1000, ['+sdown', master(N1)], []],
      [1100, ['+odown', master(N1) + ' #quorum 2/2'], ['pass-now release']],
      [1101, ['+odown', master(N1) + ' #quorum 3/2'], []],
      [1102, ['+try-failover', master(N1)], []],
      [1300, ['+selected-slave', replica(N2, N1)], []],
    ]);
    expect(s.failover).toMatchObject({ oldMaster: `${N1}:6379`, released: true, started: true, selected: `${N2}:6379`, deadline: 11_100 });
  });

  it('the new master host: ROLE poll from +selected-slave, bind the moment it reports master', () => {
    const s = play(N3, [
      [1, ['+try-failover', master(N1)], []],
      [110, ['+selected-slave', replica(N3, N1)], [`poll-role ${N3}:6379 until 10001`]],
      [111, ['+failover-state-wait-promotion', replica(N3, N1)], []],
      [200, ['role-master', N3], ['stop-poll', 'pass-now bind']],
      [1100, ['+promoted-slave', replica(N3, N1)], []],
      [1200, ['+switch-master', `${M} ${N1} 6379 ${N3} 6379`], ['pass-asking']],
      [1210, ['view', N3], ['pass-asking']],
    ]);
    expect(s.failover).toBeNull();
  });

  it('a third host only reconciles', () => {
    play(N2, [
      [1, ['+try-failover', master(N1)], []],
      [110, ['+selected-slave', replica(N3, N1)], []],
      [200, ['role-master', N3], []],
      [1100, ['+promoted-slave', replica(N3, N1)], []],
      [1200, ['+switch-master', `${M} ${N1} 6379 ${N3} 6379`], ['pass-asking']],
    ]);
  });

  it.each([
    ['-failover-abort-not-elected', [[1, ['+try-failover', master(N1)], ['pass-now release']], [50, ['-failover-abort-not-elected', master(N1)], ['pass-asking']]]],
    ['-odown before any failover', [[1, ['+odown', master(N1)], ['pass-now release']], [50, ['-odown', master(N1)], ['pass-asking']]]],
    ['the failover timeout', [[0, ['+odown', master(N1)], ['pass-now release']], [1, ['+odown', master(N1)], [], 'S2'], [9_999, ['tick'], []], [10_000, ['tick'], ['pass-asking']]]],
  ] as Array<[string, Row[]]>)('the hold ends on %s (and a pass binds again if the majority still names this host)', (_n, rows) => {
    expect(play(N1, rows)).toEqual(IDLE);
  });

  it('-odown once the failover started does not end it', () => {
    const s = play(N1, [
      [1, ['+odown', master(N1)], ['pass-now release']],
      [2, ['+try-failover', master(N1)], []],
      [50, ['-odown', master(N1)], []],
    ]);
    expect(s.failover?.released).toBe(true);
  });

  it('+selected-slave naming another host while the master is here releases (the earlier events were missed)', () => {
    play(N1, [[110, ['+selected-slave', replica(N2, N1)], ['pass-now release']]]);
  });

  it('+promoted-slave of a local replica polls its ROLE first: one Sentinel\'s word never binds (issue 15, finding 1)', () => {
    play(N3, [
      [1100, ['+promoted-slave', replica(N3, N1)], ['poll-role 198.18.0.13:6379 until 11100']],
      [1150, ['tick'], []],
      [1200, ['role-master', N3], ['stop-poll', 'pass-now bind']],
    ]);
  });

  it('+switch-master to this host with no earlier events: confirm with ROLE first (one Sentinel is not a majority)', () => {
    play(N3, [
      [0, ['+switch-master', `${M} ${N1} 6379 ${N3} 6379`], [`poll-role ${N3}:6379 until 10000`, 'pass-asking']],
      [5, ['role-master', N3], ['stop-poll', 'pass-now bind']],
    ]);
  });

  it('a ROLE poll that never sees master stops at the failover timeout', () => {
    expect(
      play(N3, [
        [0, ['+selected-slave', replica(N3, N1)], [`poll-role ${N3}:6379 until 10000`]],
        [10_000, ['tick'], ['stop-poll', 'pass-asking']],
      ]),
    ).toEqual(IDLE);
  });

  it('role master without a failover that selected that replica changes nothing (a returning old master)', () => {
    play(N1, [
      [0, ['role-master', N1], []],
      [1, ['+selected-slave', replica(N3, N1)], ['pass-now release']],
      [2, ['role-master', N1], []],
    ]);
  });

  it('the replaced master counts again once the majority names it (a later failover back to it)', () => {
    play(N1, [
      [1, ['+odown', master(N1)], ['pass-now release']],
      [2, ['+switch-master', `${M} ${N1} 6379 ${N3} 6379`], ['pass-asking']],
      [3, ['view', N3], ['pass-asking']],
      [4, ['+odown', master(N1)], []], // late: ignored
      [5, ['view', N1], []],
      [6, ['+odown', master(N1)], ['pass-now release']],
    ]);
  });

  it('one Sentinel\'s +try-failover of a healthy master releases for at most CONFIRM_MS, then never again on one word (issue 15, finding 2)', () => {
    const s = play(N1, [
      [0, ['+try-failover', master(N1)], ['pass-now release']],
      [4_999, ['tick'], []],
      [5_000, ['tick'], ['pass-asking']], // lapsed: the pass binds again (the majority still names N1)
      [5_100, ['+try-failover', master(N1)], []], // the same Sentinel again: no release
      [10_000, ['tick'], ['pass-asking']], // the failover timeout ends it
      [10_100, ['+try-failover', master(N1)], []], // a new one from the same lone Sentinel: suspect, no release
      [10_200, ['+odown', master(N1)], ['pass-now release'], 'S2'], // a second Sentinel confirms it: released
    ]);
    expect(s.failover).toMatchObject({ released: true, confirmed: true, sentinels: ['S1', 'S2'] });
    expect(watchOff(s)).toBe(true);
  });

  it('a planned switchover (only the leader\'s events before the promotion): released at once, confirmed by an observer\'s +switch-master, held to the end', () => {
    const s = play(N1, [
      [0, ['+try-failover', master(N1)], ['pass-now release']],
      [100, ['+selected-slave', replica(N3, N1)], []],
      [900, ['+promoted-slave', replica(N3, N1)], []],
      [1_000, ['+switch-master', `${M} ${N1} 6379 ${N3} 6379`], ['pass-asking'], 'S2'],
      [6_000, ['tick'], []], // confirmed: no lapse
    ]);
    expect(s.failover).toMatchObject({ released: true, confirmed: true });
  });

  it('the majority naming another master confirms a failover one Sentinel told of', () => {
    const s = play(N1, [
      [0, ['+try-failover', master(N1)], ['pass-now release']],
      [1_000, ['view', N3], []],
      [6_000, ['tick'], []],
    ]);
    expect(s.failover).toMatchObject({ released: true, confirmed: true });
  });

  it('a lapsed failover releases once it is confirmed after all', () => {
    play(N1, [
      [0, ['+try-failover', master(N1)], ['pass-now release']],
      [5_000, ['tick'], ['pass-asking']],
      [6_000, ['+switch-master', `${M} ${N1} 6379 ${N3} 6379`], ['pass-now release', 'pass-asking'], 'S2'],
    ]);
  });

  it.each([
    ['+switch-master to loopback', ['+switch-master', `${M} ${N1} 6379 127.0.0.1 7777`], ['pass-asking']],
    ['+selected-slave naming loopback', ['+selected-slave', replica('127.0.0.1', N1)], []],
    ['+promoted-slave naming link-local', ['+promoted-slave', replica('169.254.0.5', N1)], []],
    ['+odown of a loopback master', ['+odown', master('127.0.0.1')], []],
    ['+try-failover of an unspecified master', ['+try-failover', master('0.0.0.0')], []],
  ] as Array<[string, In, string[]]>)('%s: never polled, bound or released, even where this host has the address (issue 15, finding 3)', (_n, i, expected) => {
    let s = IDLE;
    const r = step(s, input(0, i), { isLocal: (ip) => ip !== N1, failoverTimeoutMs: 10_000 });
    expect(r.out.map((o) => (o.kind === 'pass-now' ? `pass-now ${o.fastPath}` : o.kind))).toEqual(expected);
    s = r.state;
    expect(step(s, { type: 'role-master', address: '127.0.0.1:6379', at: 1 }, { isLocal: (ip) => ip !== N1, failoverTimeoutMs: 10_000 }).out).toEqual([]);
  });
});

/** The want holds the VIP off here (the release is in force). */
function watchOff(s: FailoverState): boolean {
  return s.failover?.released === true;
}
