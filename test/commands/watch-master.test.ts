/** MasterWatch's scheduling, with converge and the Sentinel query replaced by controllable fakes. */
import { beforeEach, expect, it, vi } from 'vitest';
import { validateConfig } from '../../src/core/config';

const calls = vi.hoisted(() => ({ converge: [] as Array<{ trigger: string; release: () => void }>, ask: [] as Array<() => void> }));

vi.mock('../../src/commands/converge', () => ({
  converge: vi.fn(
    (o: { extraFields: (d: unknown) => Record<string, unknown> }) =>
      new Promise((resolve) => {
        const trigger = String(o.extraFields({ want: { desired: 'here', reason: '' }, decision: { is: 'unbound', action: 'none' } }).trigger);
        calls.converge.push({ trigger, release: () => resolve({ decision: { action: 'none', is: 'unbound' }, results: [], steps: [] }) });
      }),
  ),
}));
vi.mock('../../src/adapters/ip', () => ({ readLinks: vi.fn(async () => []) }));

const { MasterWatch, merge } = await import('../../src/commands/watch-master');

const config = validateConfig({ sentinel: { addresses: ['10.0.0.11:26379', '10.0.0.12:26379', '10.0.0.13:26379'] }, masters: { m: { vip: '10.0.0.100/24' } } });
const noop = () => undefined;
const logger = { info: noop, warn: noop, error: noop, debug: noop } as never;
const metrics = { vipBound: noop, sentinels: noop, pass: noop, error: noop, fenced: noop, bindLatency: noop, address: null, close: async () => undefined };

function watch(): InstanceType<typeof MasterWatch> {
  return new MasterWatch(config.masters.get('m')!, { config, logger, metrics, local: () => new Set(['10.0.0.11']), setLocal: noop, fenced: () => null, view: askFake, readLinks: async () => [] });
}
// The Sentinel query (watch-views.ts in the real watcher), answered when the test says so.
const askFake = () =>
  new Promise<{ master: string; agreeing: number; total: number; answers: [] }>((resolve) => {
    calls.ask.push(() => resolve({ master: '10.0.0.11:6379', agreeing: 3, total: 3, answers: [] }));
  });
const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  calls.converge.length = 0;
  calls.ask.length = 0;
});

it('coalesces: triggers during a pass schedule exactly one more pass', async () => {
  const w = watch();
  w.trigger({ name: 'start', at: 1, ask: true });
  await flush();
  expect(calls.ask).toHaveLength(1);
  for (let i = 0; i < 5; i++) w.trigger({ name: `timer${i}`, at: 10 + i, ask: true });
  calls.ask[0]!();
  await flush();
  expect(calls.converge.map((c) => c.trigger)).toEqual(['start']);
  calls.converge[0]!.release();
  await flush();
  expect(calls.ask).toHaveLength(2); // one more, for all five
  calls.ask[1]!();
  await flush();
  expect(calls.converge.map((c) => c.trigger)).toEqual(['start', 'timer0']);
  calls.converge[1]!.release();
  await w.idle();
  expect(calls.ask).toHaveLength(2);
});

it('a fast-path trigger does not wait behind a Sentinel query', async () => {
  const w = watch();
  w.trigger({ name: 'timer', at: 1, ask: true });
  await flush();
  expect(calls.ask).toHaveLength(1); // the query hangs
  w.trigger({ name: '+try-failover', at: 2, ask: false });
  await flush();
  expect(calls.converge.map((c) => c.trigger)).toEqual(['+try-failover']);
  calls.converge[0]!.release();
  calls.ask[0]!();
  await flush();
  expect(calls.converge.map((c) => c.trigger)).toEqual(['+try-failover', 'timer']);
  calls.converge[1]!.release();
  await w.idle();
});

it('converges never overlap; fast triggers queued behind one merge into one', async () => {
  const w = watch();
  w.trigger({ name: 'fence', at: 1, ask: false });
  await flush();
  w.trigger({ name: '+odown', at: 2, ask: false });
  w.trigger({ name: '+try-failover', at: 3, ask: false });
  await flush();
  expect(calls.converge).toHaveLength(1);
  calls.converge[0]!.release();
  await flush();
  expect(calls.converge.map((c) => c.trigger)).toEqual(['fence', '+odown']);
  calls.converge[1]!.release();
  await w.idle();
  expect(calls.converge).toHaveLength(2);
});

it.each([
  [null, { name: 'timer', at: 10, ask: true }, { name: 'timer', at: 10, ask: true }],
  [{ name: '+try-failover', at: 5, ask: false }, { name: 'timer', at: 10, ask: true }, { name: '+try-failover', at: 5, ask: true }],
  [{ name: 'timer', at: 10, ask: true }, { name: 'role-master', at: 3, ask: false }, { name: 'timer', at: 3, ask: true }],
])('merging triggers %j + %j', (a, b, expected) => {
  expect(merge(a, b)).toEqual(expected);
});
