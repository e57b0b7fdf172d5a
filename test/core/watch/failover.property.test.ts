/**
 * Property-based tests of the failover state machine (issue 14 item 4, first
 * clause; issue 15 item 1): for any sequence of Sentinel events, ROLE
 * observations, majority views and ticks,
 * - it never asks to bind (nor does the watcher's want say "here") on a host
 *   the majority does not name, unless the local replica reported master
 *   during a running failover;
 * - it always ends a failover by its timeout (plus, on the old master's host after
 *   a replica elsewhere was selected, PROMOTED_ELSEWHERE_GRACE_MS: failover-grace.test.ts);
 * - a release on one Sentinel's word never holds past the confirmation window.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSentinelEvent } from '../../../src/core/watch/events';
import { CONFIRM_MS, IDLE, PROMOTED_ELSEWHERE_GRACE_MS, step, type FailoverInput, type FailoverState } from '../../../src/core/watch/failover';
import { watchWant } from '../../../src/core/watch/want';

const M = 'mymaster';
const HOSTS = ['198.18.0.11', '198.18.0.12', '198.18.0.13', '127.0.0.1', '169.254.1.1'];
const LOCAL = '198.18.0.13';
/** This host's addresses as the watcher reads them: lo's too (an event naming loopback must still be nobody's). */
const LOCAL_SET = new Set([LOCAL, '127.0.0.1', '169.254.1.1']);
const SENTINELS = ['S1', 'S2', 'S3'];
const MASTER_CHANNELS = ['+odown', '-odown', '+try-failover', '+elected-leader', '+failover-state-select-slave', '+failover-end', '+failover-end-for-timeout', '-failover-abort-not-elected', '-failover-abort-no-good-slave'];
const REPLICA_CHANNELS = ['+selected-slave', '+failover-state-wait-promotion', '+failover-state-send-slaveof-noone', '+promoted-slave'];

const host = fc.constantFrom(...HOSTS);
const addr = host.map((h) => `${h}:6379`);

type NoAt<T> = T extends unknown ? Omit<T, 'at'> : never;
type Gen = { delta: number; input: NoAt<FailoverInput> };

const input: fc.Arbitrary<Gen> = fc.record({
  delta: fc.integer({ min: 0, max: 4000 }),
  input: fc.oneof(
    fc.record({ channel: fc.constantFrom(...MASTER_CHANNELS), m: host, sentinel: fc.constantFrom(...SENTINELS) }).map(({ channel, m, sentinel }) => ({ type: 'event' as const, event: parseSentinelEvent(channel, `master ${M} ${m} 6379`)!, sentinel })),
    fc.record({ channel: fc.constantFrom(...REPLICA_CHANNELS), r: host, m: host, sentinel: fc.constantFrom(...SENTINELS) }).map(({ channel, r, m, sentinel }) => ({ type: 'event' as const, event: parseSentinelEvent(channel, `slave ${r}:6379 ${r} 6379 @ ${M} ${m} 6379`)!, sentinel })),
    fc.record({ from: host, to: host, sentinel: fc.constantFrom(...SENTINELS) }).map(({ from, to, sentinel }) => ({ type: 'event' as const, event: parseSentinelEvent('+switch-master', `${M} ${from} 6379 ${to} 6379`)!, sentinel })),
    addr.map((address) => ({ type: 'role-master' as const, address })),
    fc.option(addr, { nil: null }).map((master) => ({ type: 'view' as const, master })),
    fc.constant({ type: 'tick' as const }),
  ),
});

const timeout = fc.integer({ min: 10_000, max: 60_000 });

interface Run {
  state: FailoverState;
  view: string | null;
  /** The local addresses that reported master while a failover (by its start time) was running. */
  reported: Set<string>;
}

function drive(inputs: Gen[], failoverTimeoutMs: number, check: (r: Run, i: FailoverInput, out: ReturnType<typeof step>['out'], before: FailoverState) => void): void {
  const ctx = { isLocal: (ip: string) => LOCAL_SET.has(ip), failoverTimeoutMs };
  const run: Run = { state: IDLE, view: null, reported: new Set() };
  let at = 1_000_000;
  for (const g of inputs) {
    at += g.delta;
    const i = { ...g.input, at } as FailoverInput;
    const before = run.state;
    if (i.type === 'role-master' && before.failover) run.reported.add(`${before.failover.since} ${i.address}`);
    if (i.type === 'view') run.view = i.master;
    const r = step(before, i, ctx);
    run.state = r.state;
    check(run, i, r.out, before);
  }
}

describe('failover state machine, any inputs (fast-check)', () => {
  it('never binds on a host the majority does not name unless its local replica reported master during a running failover', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 60 }), timeout, (inputs, t) => {
        drive(inputs, t, (run, i, out, before) => {
          for (const o of out.filter((x) => x.kind === 'pass-now' && x.fastPath === 'bind')) {
            expect(i.type, o.kind).toBe('role-master');
            if (i.type !== 'role-master') return;
            expect(before.failover?.selected).toBe(i.address);
            expect(i.address.startsWith(`${LOCAL}:`)).toBe(true); // never loopback or link-local
          }
          const w = watchWant({ view: run.view ? { master: run.view, agreeing: 2, total: 3 } : null, failover: run.state, fenced: null }, LOCAL_SET);
          if (w.desired === 'here' && run.view !== `${LOCAL}:6379`) {
            const f = run.state.failover;
            expect(f?.promotedHere, w.reason).toBe(`${LOCAL}:6379`);
            expect(run.reported.has(`${f!.since} ${f!.promotedHere}`), w.reason).toBe(true);
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  it('always ends a failover by its timeout', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 60 }), timeout, (inputs, t) => {
        drive(inputs, t, (run, i) => {
          const f = run.state.failover;
          // an abort may bring the deadline forward (the grace then runs from the abort), never back
          if (f) expect(f.deadline).toBeLessThanOrEqual(f.since + t);
          if (i.type === 'tick' && f) expect(i.at).toBeLessThan(f.deadline + PROMOTED_ELSEWHERE_GRACE_MS);
          if (i.type === 'tick' && run.state.poll) expect(i.at).toBeLessThan(run.state.poll.until);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('a release on one Sentinel\'s word alone never holds past the confirmation window', () => {
    const lone = input.filter((g) => !(g.input.type === 'event' && g.input.sentinel !== 'S1') && !(g.input.type === 'view' && g.input.master !== null));
    fc.assert(
      fc.property(fc.array(lone, { maxLength: 60 }), timeout, (inputs, t) => {
        drive(inputs, t, (run, i) => {
          const f = run.state.failover;
          if (i.type === 'tick' && f?.released) expect(i.at).toBeLessThan(f.since + Math.min(CONFIRM_MS, t / 2));
          if (f) expect(f.confirmed).toBe(false);
        });
      }),
      { numRuns: 500 },
    );
  });
});
