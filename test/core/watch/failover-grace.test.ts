/**
 * A failover that ends without a switch after selecting a replica elsewhere (aborted, or timed
 * out): the old master's host, which released, binds again only PROMOTED_ELSEWHERE_GRACE_MS after
 * the promoted host let go (both hear the same end). Found by test/integration/fault-double.root.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { parseSentinelEvent } from '../../../src/core/watch/events';
import { IDLE, PROMOTED_ELSEWHERE_GRACE_MS as GRACE, step, type FailoverInput, type FailoverState } from '../../../src/core/watch/failover';

const M = 'mymaster';
const N1 = '198.18.0.11';
const N3 = '198.18.0.13';
const master = `master ${M} ${N1} 6379`;
const selected = `slave ${N3}:6379 ${N3} 6379 @ ${M} ${N1} 6379`;

function run(localIp: string, inputs: Array<[number, string, string?]>): { state: FailoverState; outs: Array<[number, string[]]> } {
  let state = IDLE;
  const outs: Array<[number, string[]]> = [];
  let n = 0;
  for (const [at, channel, text] of inputs) {
    // events from two Sentinels in turn: a confirmed failover (a lone Sentinel's release lapses: failover.test.ts)
    const i: FailoverInput = channel === 'tick' ? { type: 'tick', at } : { type: 'event', event: parseSentinelEvent(channel, text!)!, at, sentinel: `198.18.0.1${1 + (n++ % 2)}:26379` };
    const r = step(state, i, { isLocal: (ip) => ip === localIp, failoverTimeoutMs: 10_000 });
    outs.push([at, r.out.map((o) => (o.kind === 'pass-now' ? `pass-now ${o.fastPath}` : o.kind))]);
    state = r.state;
  }
  return { state, outs };
}

const start: Array<[number, string, string?]> = [
  [0, '+odown', master],
  [10, '+try-failover', master],
  [100, '+selected-slave', selected],
];

describe('failover end after a replica elsewhere was selected', () => {
  it('-failover-abort-slave-timeout: the promoted host releases at once, the old master host a grace later', () => {
    const promoted = run(N3, [...start, [5_000, '-failover-abort-slave-timeout', master]]);
    expect(promoted.outs.at(-1)).toEqual([5_000, ['stop-poll', 'pass-asking']]);
    expect(promoted.state.failover).toBeNull();

    const old = run(N1, [...start, [5_000, '-failover-abort-slave-timeout', master], [5_000 + GRACE - 1, 'tick'], [5_000 + GRACE, 'tick']]);
    expect(old.outs.slice(3)).toEqual([[5_000, []], [5_000 + GRACE - 1, []], [5_000 + GRACE, ['pass-asking']]]);
    expect(old.state).toEqual(IDLE);
  });

  it('the failover timeout: the old master host ends its hold a grace after the promoted host', () => {
    const promoted = run(N3, [...start, [10_000, 'tick']]);
    expect(promoted.outs.at(-1)).toEqual([10_000, ['stop-poll', 'pass-asking']]);
    const old = run(N1, [...start, [10_000, 'tick'], [10_000 + GRACE, 'tick']]);
    expect(old.outs.slice(3)).toEqual([[10_000, []], [10_000 + GRACE, ['pass-asking']]]);
  });

  it('no replica selected (no promotion possible): the hold ends at once on an abort', () => {
    const old = run(N1, [[0, '+odown', master], [10, '+try-failover', master], [50, '-failover-abort-no-good-slave', master]]);
    expect(old.outs.at(-1)).toEqual([50, ['pass-asking']]);
    expect(old.state).toEqual(IDLE);
  });
});
