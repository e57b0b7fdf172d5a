/** MasterWatch with fake deps (test/watch/fakes.ts): its inputs, the fast paths, the ROLE confirmation, the snapshot, the re-announces. */
import { describe, expect, it } from 'vitest';
import { validateConfig, type Config } from '../../src/core/config';
import { parseSentinelEvent } from '../../src/core/watch/events';
import { NameCache } from '../../src/adapters/name-cache';
import { MasterWatch } from '../../src/watch/master';
import { SentinelReach } from '../../src/watch/reach';
import type { SentinelView } from '../../src/core/sentinel-view';
import type { WatchDeps } from '../../src/watch/deps';
import { fakes, flush, type Fakes } from './fakes';

const SENTINELS = ['10.0.0.11:26379', '10.0.0.12:26379', '10.0.0.13:26379'];
const cfg = (extra: Record<string, unknown> = {}): Config => validateConfig({ sentinel: { addresses: SENTINELS }, masters: { m: { vip: '10.0.0.100/24' } }, watch: { fenceAfterMs: 0 }, ...extra }); // the fence: node.test.ts
const HERE = '10.0.0.11:6379';
const THERE = '10.0.0.12:6379';
const VIP = '10.0.0.100';

interface Setup extends Fakes {
  w: MasterWatch;
  clock: { t: number };
  /** The Sentinel queries held by the test (held: true): answer the oldest. */
  held: Array<(v: SentinelView) => void>;
}

function setup(o: { config?: Config; master?: string | null; own?: string; hold?: boolean; names?: NameCache } = {}): Setup {
  const config = o.config ?? cfg();
  const f = fakes(config, o.own ?? '10.0.0.11', o.master === undefined ? HERE : o.master);
  const clock = { t: 1_000_000 };
  const held: Setup['held'] = [];
  const view = (): Promise<SentinelView> =>
    o.hold
      ? new Promise((r) => held.push(r))
      : Promise.resolve({ master: f.sentinels.master, agreeing: f.sentinels.master ? 3 : 0, total: 3, answers: [] });
  const d = f.deps as WatchDeps;
  const reach = new SentinelReach(config, clock.t);
  const w = new MasterWatch(config.masters.get('m')!, {
    ...d,
    logger: f.log.logger,
    now: () => clock.t,
    config,
    metrics: f.metrics,
    host: { current: new Set([o.own ?? '10.0.0.11']) },
    reach,
    view,
    links: f.host.view(),
    names: o.names ?? new NameCache(30_000, 1000, async (ns) => new Map([...ns].map((n) => [n, null]))),
  });
  return { ...f, w, clock, held };
}

const ev = (channel: string, message: string, at = 1, sentinel = '10.0.0.11:26379') => ({ type: 'event' as const, event: parseSentinelEvent(channel, message)!, at, sentinel });
const pass = async (s: Setup, name = 'timer', ask = true) => {
  s.w.trigger({ name, at: s.clock.t, ask });
  await flush();
  await s.w.idle();
};

it('a fast-path trigger does not wait behind its Sentinel query, whose pass follows', async () => {
  const s = setup({ hold: true });
  s.w.trigger({ name: 'timer', at: 1, ask: true });
  await flush();
  expect(s.held).toHaveLength(1); // the query hangs
  s.w.trigger({ name: '+try-failover', at: 2, ask: false });
  await flush();
  expect(s.host.passes.map((p) => p.trigger)).toEqual(['+try-failover']);
  s.held[0]!({ master: HERE, agreeing: 3, total: 3, answers: [] });
  await flush();
  await s.w.idle();
  expect(s.host.passes.map((p) => p.trigger)).toEqual(['+try-failover', 'timer']);
});

it('after stop, a trigger or an input starts nothing', async () => {
  const s = setup();
  s.w.stop();
  s.w.trigger({ name: 'timer', at: 1, ask: true });
  s.w.trigger({ name: 'fence', at: 1, ask: false });
  s.w.feed(ev('+odown', 'master m 10.0.0.11 6379 #quorum 2/3'));
  await s.w.idle();
  expect(s.host.passes).toEqual([]);
  expect(s.w.state.failover).toBeNull();
});

describe('the fast paths', () => {
  it('old master\'s host: +odown of the local master releases at once, on the links the last pass read (no read)', async () => {
    const s = setup();
    await pass(s, 'start');
    expect(s.host.passes.at(-1)).toMatchObject({ trigger: 'start', desired: 'here', action: 'bind' });
    await pass(s); // the bind dropped the copy: this pass reads and keeps it
    const reads = s.host.reads;
    s.w.feed(ev('+odown', 'master m 10.0.0.11 6379 #quorum 2/3', s.clock.t));
    await flush();
    await s.w.idle();
    expect(s.host.passes.at(-1)).toMatchObject({ trigger: '+odown', desired: 'elsewhere', action: 'unbind', snapshot: true });
    expect(s.host.reads).toBe(reads);
    expect(s.log.events('fast-path')).toEqual([expect.objectContaining({ action: 'release', trigger: '+odown' })]);
    expect(s.host.invalidated).toBeGreaterThan(0); // the view is told the pass changed an address
  });

  it('a copy older than two intervals is not used: the fast path reads the view', async () => {
    const s = setup();
    await pass(s, 'start');
    await pass(s);
    s.clock.t += 2001; // two intervals (intervalMs 1000) and a ms
    const reads = s.host.reads;
    s.w.feed(ev('+odown', 'master m 10.0.0.11 6379 #quorum 2/3', s.clock.t));
    await flush();
    await s.w.idle();
    expect(s.host.passes.at(-1)).toMatchObject({ trigger: '+odown', action: 'unbind', snapshot: false });
    expect(s.host.reads).toBe(reads + 1);
  });

  it('new master\'s host: binds only once the local replica\'s ROLE says master, before the majority switched', async () => {
    const s = setup({ master: THERE });
    await pass(s, 'start');
    expect(s.host.passes.at(-1)).toMatchObject({ desired: 'elsewhere', action: 'none' });
    s.w.feed(ev('+selected-slave', 'slave 10.0.0.11:6379 10.0.0.11 6379 @ m 10.0.0.12 6379', s.clock.t));
    await flush();
    expect(s.polls.map((p) => `${p.address.host}:${p.address.port}`)).toEqual([HERE]);
    // Sentinel's word alone binds nothing, even +switch-master naming this host: ROLE must confirm it
    s.w.feed(ev('+switch-master', 'm 10.0.0.12 6379 10.0.0.11 6379', s.clock.t));
    await flush();
    await s.w.idle();
    expect(s.host.passes.filter((p) => p.action === 'bind')).toEqual([]);
    s.polls[0]!.o.onMaster(s.clock.t, 1);
    await flush();
    await s.w.idle();
    expect(s.host.passes.at(-1)).toMatchObject({ trigger: 'role-master', desired: 'here', action: 'bind' });
    expect(s.polls[0]!.stopped).toBe(true);
    expect(s.log.events('fast-path').map((l) => l.action)).toEqual(['bind']);
    expect(s.metrics.calls.filter((c) => c[0] === 'bindLatency')).toEqual([['bindLatency', 'm', expect.any(Number), 'failover']]);
  });

  it('a ROLE answer for a replica no failover selected binds nothing', async () => {
    const s = setup({ master: THERE });
    await pass(s, 'start');
    s.w.feed({ type: 'role-master', address: HERE, at: s.clock.t });
    await flush();
    await s.w.idle();
    expect(s.host.passes.filter((p) => p.action === 'bind')).toEqual([]);
  });
});

it('the bind latency: a start-up bind is not a failover\'s', async () => {
  const s = setup();
  await pass(s, 'start');
  expect(s.metrics.calls.filter((c) => c[0] === 'bindLatency')).toEqual([['bindLatency', 'm', expect.any(Number), 'other']]);
});

describe('host names (announce-hostnames yes): the fast paths resolve an event\'s names first', () => {
  const odown = (host: string) => ev('+odown', `master m ${host} 6379 #quorum 2/3`);
  const resolverOf = (table: Record<string, string[] | null>) => async (ns: Iterable<string>) => new Map([...ns].map((n) => [n, table[n] ?? null] as [string, string[] | null]));

  it.each<[string, string[] | null, boolean]>([
    ['a name of this host: released at +odown', ['10.0.0.11'], true],
    ['a name of another host: nothing released', ['10.0.0.12'], false],
    ['a name that does not resolve: never this host', null, false],
    ['a name resolving to loopback (Debian\'s 127.0.1.1 line): never this host', ['127.0.1.1'], false],
  ])('%s', async (_name, addresses, released) => {
    const s = setup({ names: new NameCache(30_000, 1000, resolverOf({ 'n1.lab': addresses })) });
    s.w.feed(odown('n1.lab'));
    await flush();
    await s.w.idle();
    expect(s.w.state.failover).toMatchObject({ oldMaster: 'n1.lab:6379', released });
    expect(s.host.passes.map((p) => p.trigger)).toEqual(released ? ['+odown'] : []);
  });

  it('the inputs keep their order while a name resolves, and a name is resolved once per ttl', async () => {
    let answer: (() => void) | null = null;
    let asked = 0;
    const slow = async (ns: Iterable<string>) => {
      asked++;
      await new Promise<void>((r) => (answer = r));
      return new Map([...ns].map((n) => [n, ['10.0.0.12']] as [string, string[]]));
    };
    const s = setup({ names: new NameCache(30_000, 1000, slow) });
    s.w.feed(odown('n2.lab'));
    s.w.feed(odown('10.0.0.99')); // no name to resolve, but it came second
    await flush();
    expect(s.w.state.failover).toBeNull(); // both wait for the name
    answer!();
    await flush();
    expect(s.w.state.failover).toMatchObject({ oldMaster: '10.0.0.99:6379' }); // the last one came last
    s.w.feed(odown('n2.lab'));
    await flush();
    expect(asked).toBe(1);
    expect(s.w.state.failover).toMatchObject({ oldMaster: 'n2.lab:6379' });
  });
});

describe('the holder (conflict probe, refresh)', () => {
  it('holding: after a pass that found the VIP bound and wanted it here; null during a failover, whose last sight starts the quiet period anew', async () => {
    const s = setup();
    expect(s.w.holding()).toBeNull(); // no pass yet
    s.host.bind(VIP);
    const before = s.clock.t;
    await pass(s);
    const h = s.w.holding();
    expect(h).toMatchObject({ since: before });
    s.clock.t += 10;
    await pass(s); // still bound: the same holding
    expect(s.w.holding()).toEqual(h);
    s.w.feed(ev('+try-failover', 'master m 10.0.0.11 6379', s.clock.t));
    await flush();
    expect(s.w.state.failover).not.toBeNull();
    expect(s.w.holding()).toBeNull();
    s.w.stop();
  });

  it('a release ends the holding; a new bind is a new epoch; Sentinel naming another host ends it', async () => {
    const s = setup();
    await pass(s);
    const first = s.w.holding()!;
    s.host.unbind(VIP); // removed behind its back: the next pass binds again
    await pass(s);
    expect(s.w.holding()!.epoch).not.toBe(first.epoch);
    s.sentinels.master = THERE;
    await pass(s);
    expect(s.w.holding()).toBeNull();
    expect(s.host.passes.at(-1)).toMatchObject({ action: 'unbind' });
  });

  it('reannounce (a conflict): the next pass, and only that one, announces when bound', async () => {
    const s = setup();
    await pass(s);
    s.w.reannounce();
    await flush();
    await s.w.idle();
    await pass(s);
    expect(s.host.passes.map((p) => [p.trigger, p.action, p.reannounce ?? null])).toEqual([['timer', 'bind', null], ['conflict', 'announce', 'conflict'], ['timer', 'none', null]]);
  });

  it('refresh: a timer pass announces the held VIP again, one packet, once announce.refreshMs passed since the last announcement', async () => {
    const s = setup({ config: cfg({ announce: { count: 1, refreshMs: 3000 } }) });
    await pass(s); // the bind announces
    s.clock.t += 2999;
    await pass(s);
    s.clock.t += 1;
    await pass(s);
    await pass(s, 'subscribed 10.0.0.12:26379');
    s.clock.t += 2999;
    await pass(s);
    s.clock.t += 1;
    await pass(s);
    expect(s.host.passes.map((p) => [p.action, p.reannounce ?? null])).toEqual([
      ['bind', null],
      ['none', null],
      ['announce', 'refresh'],
      ['none', null],
      ['none', null],
      ['announce', 'refresh'],
    ]);
    // its lines at debug (one every refreshMs is not news); a conflict's at info
    expect(s.log.lines.filter((l) => l.reannounce === 'refresh').map((l) => l.level)).toEqual(['debug', 'debug']);
  });

  it('refresh: not while a bind\'s burst still runs (count 60, 1 s apart), one packet refreshMs after its last', async () => {
    const s = setup({ config: cfg({ announce: { count: 60, intervalSeconds: 1, refreshMs: 3000 } }) });
    await pass(s);
    s.clock.t += 59_000 + 2999;
    await pass(s);
    s.clock.t += 1;
    await pass(s);
    expect(s.host.passes.map((p) => [p.action, p.reannounce ?? null, p.count])).toEqual([
      ['bind', null, 60],
      ['none', null, 60],
      ['announce', 'refresh', 1],
    ]);
  });

  it('refresh: never while not the holder, never with refreshMs 0', async () => {
    const off = setup({ config: cfg({ announce: { refreshMs: 0 } }) });
    await pass(off);
    off.clock.t += 60_000;
    await pass(off);
    const other = setup({ master: THERE });
    await pass(other);
    other.clock.t += 60_000;
    await pass(other);
    expect([...off.host.passes, ...other.host.passes].filter((p) => p.announce)).toEqual([]);
  });
});
