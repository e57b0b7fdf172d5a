/** MasterWatch's wiring (the scheduling itself: scheduler.test.ts), with converge and the Sentinel query replaced by controllable fakes. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { validateConfig } from '../../src/core/config';

const calls = vi.hoisted(() => ({ converge: [] as Array<{ trigger: string; announce: boolean; release: () => void }>, ask: [] as Array<() => void>, is: 'unbound', desired: [] as string[] }));

vi.mock('../../src/pass/converge', () => ({
  converge: vi.fn(
    (o: { extraFields: (d: unknown) => Record<string, unknown>; announceWhenBound: boolean; want: (local: ReadonlySet<string>) => { desired: string } }) =>
      new Promise((resolve) => {
        const trigger = String(o.extraFields({ want: { desired: 'here', reason: '' }, decision: { is: 'unbound', action: 'none' } }).trigger);
        calls.desired.push(o.want(new Set(['10.0.0.11'])).desired);
        calls.converge.push({ trigger, announce: o.announceWhenBound, release: () => resolve({ decision: { action: 'none', is: calls.is }, results: [], steps: [] }) });
      }),
  ),
}));
vi.mock('../../src/adapters/ip', () => ({ readLinks: vi.fn(async () => []) }));

const { MasterWatch } = await import('../../src/watch/master');
const { NameCache } = await import('../../src/adapters/name-cache');
const { parseSentinelEvent } = await import('../../src/core/watch/events');

const config = validateConfig({ sentinel: { addresses: ['10.0.0.11:26379', '10.0.0.12:26379', '10.0.0.13:26379'] }, masters: { m: { vip: '10.0.0.100/24' } } });
const noop = () => undefined;
const logger = { info: noop, warn: noop, error: noop, debug: noop } as never;
const metrics = { vipBound: noop, sentinels: noop, pass: noop, error: noop, fenced: noop, fenceSkipped: noop, sentinelsRefusing: noop, bindLatency: noop, conflict: noop, address: null, close: async () => undefined };

function watch(names = new NameCache(30_000, 1000, async () => new Map())): InstanceType<typeof MasterWatch> {
  return new MasterWatch(config.masters.get('m')!, { config, logger, metrics, local: () => new Set(['10.0.0.11']), setLocal: noop, fenced: () => null, view: askFake, readLinks: async () => [], names });
}
// The Sentinel query (src/watch/views.ts in the real watcher), answered when the test says so.
const askFake = () =>
  new Promise<{ master: string; agreeing: number; total: number; answers: [] }>((resolve) => {
    calls.ask.push(() => resolve({ master: '10.0.0.11:6379', agreeing: 3, total: 3, answers: [] }));
  });
const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  calls.converge.length = 0;
  calls.ask.length = 0;
  calls.desired.length = 0;
  calls.is = 'unbound';
});

it('wires its passes through the scheduler: a fast-path trigger does not wait behind its Sentinel query, whose pass follows', async () => {
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

it('after stop, a trigger starts nothing', async () => {
  const w = watch();
  w.stop();
  w.trigger({ name: 'timer', at: 1, ask: true });
  w.trigger({ name: 'fence', at: 1, ask: false });
  await w.idle();
  expect(calls.ask).toHaveLength(0);
  expect(calls.converge).toHaveLength(0);
});

describe('host names (announce-hostnames yes): the fast paths resolve an event\'s names first', () => {
  const odown = (host: string) => ({ type: 'event' as const, event: parseSentinelEvent('+odown', `master m ${host} 6379 #quorum 2/3`)!, at: 1, sentinel: '10.0.0.1:26379' });
  const resolverOf = (table: Record<string, string[] | null>) => async (ns: Iterable<string>) => new Map([...ns].map((n) => [n, table[n] ?? null] as [string, string[] | null]));

  it.each<[string, string[] | null, boolean]>([
    ['a name of this host: released at +odown', ['10.0.0.11'], true],
    ['a name of another host: nothing released', ['10.0.0.12'], false],
    ['a name that does not resolve: never this host', null, false],
    ['a name resolving to loopback (Debian\'s 127.0.1.1 line): never this host', ['127.0.1.1'], false],
  ])('%s', async (_name, addresses, released) => {
    const w = watch(new NameCache(30_000, 1000, resolverOf({ 'n1.lab': addresses })));
    w.feed(odown('n1.lab'));
    await flush();
    expect(w.state.failover).toMatchObject({ oldMaster: 'n1.lab:6379', released });
    expect(calls.converge.map((c) => c.trigger)).toEqual(released ? ['+odown'] : []);
    calls.converge.forEach((c) => c.release());
    await w.idle();
  });

  it('the inputs keep their order while a name resolves, and a name is resolved once per ttl', async () => {
    let answer: (() => void) | null = null;
    let asked = 0;
    const slow = async (ns: Iterable<string>) => {
      asked++;
      await new Promise<void>((r) => (answer = r));
      return new Map([...ns].map((n) => [n, ['10.0.0.12']] as [string, string[]]));
    };
    const w = watch(new NameCache(30_000, 1000, slow));
    w.feed(odown('n2.lab'));
    w.feed(odown('10.0.0.99')); // no name to resolve, but it came second
    await flush();
    expect(w.state.failover).toBeNull(); // both wait for the name
    answer!();
    await flush();
    expect(w.state.failover).toMatchObject({ oldMaster: '10.0.0.99:6379' }); // the last one came last
    w.feed(odown('n2.lab'));
    await flush();
    expect(asked).toBe(1);
    expect(w.state.failover).toMatchObject({ oldMaster: 'n2.lab:6379' });
  });
});

describe('the conflict probe\'s view of the holder (src/watch/conflict.ts)', () => {
  const pass = async (w: InstanceType<typeof MasterWatch>, name = '+switch-master') => {
    w.trigger({ name, at: Date.now(), ask: false });
    await flush();
    calls.converge.at(-1)!.release();
    await w.idle();
  };

  it('holding: after a pass that found the VIP bound and wanted it here; null during a failover, whose last sight starts the quiet period anew', async () => {
    const w = watch();
    w.view = { master: '10.0.0.11:6379', agreeing: 3, total: 3 };
    expect(w.holding()).toBeNull(); // no pass yet
    calls.is = 'bound on eth0';
    const before = Date.now();
    await pass(w);
    expect(calls.desired).toEqual(['here']);
    const h = w.holding();
    expect(h).not.toBeNull();
    expect(h!.since).toBeGreaterThanOrEqual(before);
    await pass(w); // still bound: the same holding
    expect(w.holding()).toEqual(h);
    // a failover of this host's master begins: no probe counts until it is over
    w.feed({ type: 'event', event: parseSentinelEvent('+try-failover', 'master m 10.0.0.11 6379')!, at: Date.now(), sentinel: '10.0.0.1:26379' });
    await flush();
    expect(w.state.failover).not.toBeNull();
    expect(w.holding()).toBeNull();
    w.stop();
  });

  it('a release ends the holding; a new bind is a new epoch', async () => {
    const w = watch();
    w.view = { master: '10.0.0.11:6379', agreeing: 3, total: 3 };
    calls.is = 'bound on eth0';
    await pass(w);
    const first = w.holding()!;
    calls.is = 'unbound';
    await pass(w);
    expect(w.holding()).toBeNull();
    calls.is = 'bound on eth0';
    await pass(w);
    expect(w.holding()!.epoch).not.toBe(first.epoch);
    w.view = { master: '10.0.0.12:6379', agreeing: 3, total: 3 }; // Sentinel names another host: not the holder, bound or not
    await pass(w);
    expect(w.holding()).toBeNull();
  });

  it('reannounce: the next pass, and only that one, announces when bound', async () => {
    const w = watch();
    w.reannounce();
    await flush();
    calls.ask[0]?.(); // the conflict trigger asks the Sentinels first
    await flush();
    expect(calls.converge.map((c) => [c.trigger, c.announce])).toEqual([['conflict', true]]);
    calls.converge[0]!.release();
    await w.idle();
    await pass(w, 'timer');
    expect(calls.converge.map((c) => c.announce)).toEqual([true, false]);
  });
});
