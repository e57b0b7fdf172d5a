/** WatchNode with fake deps (test/watch/fakes.ts) and real timers at lab speed: subscriptions, events, timings, the fence's edges, stop. */
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig, type Config } from '../../src/core/config';
import { WatchNode } from '../../src/watch/node';
import { fakes, until, type Fakes } from './fakes';

const SENTINELS = ['10.0.0.11:26379', '10.0.0.12:26379', '10.0.0.13:26379'];
const HERE = '10.0.0.11:6379';
const VIP = '10.0.0.100';
const cfg = (watch: Record<string, unknown> = {}): Config =>
  validateConfig({ sentinel: { addresses: SENTINELS }, masters: { m: { vip: '10.0.0.100/24' } }, watch: { intervalMs: 50, sentinelPingMs: 10, fenceAfterMs: 0, conflictProbeMs: 0, ...watch } });

const running: WatchNode[] = [];
afterEach(async () => {
  for (const n of running.splice(0)) await n.stop(false);
});

async function started(config = cfg(), master: string | null = HERE): Promise<Fakes & { node: WatchNode }> {
  const f = fakes(config, '10.0.0.11', master);
  const node = new WatchNode(config, f.log.logger, f.deps);
  running.push(node);
  await node.start();
  return { ...f, node };
}
const bound = (f: Fakes) => f.host.links[0]!.addresses.some((a) => a.address === VIP);

it('start: subscribes to every Sentinel, and its first pass binds where the majority names this host', async () => {
  const f = await started();
  expect(f.sentinels.links.map((l) => [l.name, l.started])).toEqual(SENTINELS.map((s) => [s, true]));
  expect(f.log.events('watch-start')).toEqual([expect.objectContaining({ masters: ['m'], sentinels: SENTINELS, refreshMs: 5000 })]);
  await until('the start pass', () => f.host.passes.some((p) => p.trigger === 'start'));
  expect(f.host.passes[0]).toMatchObject({ trigger: 'start', desired: 'here', action: 'bind' });
  expect(bound(f)).toBe(true);
});

it('a (re)subscription asks for a pass named after it', async () => {
  const f = await started();
  await until('the start pass', () => f.host.passes.length > 0);
  const l = f.sentinels.links[1]!;
  l.events.onSubscribed(l.name, Date.now());
  await until('the subscription\'s pass', () => f.host.passes.some((p) => p.trigger === `subscribed ${l.name}`));
  expect(f.log.events('sentinel-up')).toEqual([expect.objectContaining({ sentinel: l.name })]);
});

it('a Sentinel event goes into its master\'s machine (+odown of the master here: released at once); other masters\' events are dropped', async () => {
  const f = await started();
  await until('the bind', () => bound(f));
  f.sentinels.links[0]!.message('+odown', 'master other 10.0.0.11 6379 #quorum 2/3');
  f.sentinels.links[0]!.message('+odown', 'master m 10.0.0.11 6379 #quorum 2/3');
  await until('the release', () => !bound(f));
  expect(f.log.events('fast-path')).toEqual([expect.objectContaining({ master: 'm', action: 'release', trigger: '+odown' })]);
  expect(f.host.passes.find((p) => p.action === 'unbind')).toMatchObject({ trigger: '+odown', desired: 'elsewhere' });
});

it('timings: the majority\'s median, not one Sentinel\'s word; logged when they change', async () => {
  const config = cfg();
  const f = fakes(config, '10.0.0.11', HERE);
  f.sentinels.timingsBy = { [SENTINELS[0]!]: { downAfterMs: 1, failoverTimeoutMs: 100_000_000_000 }, [SENTINELS[1]!]: { downAfterMs: 2000, failoverTimeoutMs: 20_000 }, [SENTINELS[2]!]: { downAfterMs: 3000, failoverTimeoutMs: 30_000 } };
  const node = new WatchNode(config, f.log.logger, f.deps);
  running.push(node);
  await node.start();
  await until('the timings', () => f.log.events('master-timings').length > 0);
  await until('a few passes', () => f.host.passes.length >= 3);
  // two answers make a majority already (the lower of the two, clamped), three the median
  expect(f.log.events('master-timings').at(-1)).toMatchObject({ master: 'm', downAfterMs: 2000, failoverTimeoutMs: 30_000 });
  for (const l of f.log.events('master-timings')) expect([l.downAfterMs, l.failoverTimeoutMs]).not.toContain(1);
  for (const l of f.log.events('master-timings')) expect(l.failoverTimeoutMs).toBeLessThanOrEqual(900_000);
  expect(node.masters.get('m')!.timings).toEqual({ downAfterMs: 2000, failoverTimeoutMs: 30_000 });
});

describe('the fence', () => {
  it('no majority answers for the fence time: fenced, the VIP let go; a majority back: unfenced, bound again', async () => {
    const f = await started(cfg({ fenceAfterMs: 300 }));
    await until('the bind', () => bound(f));
    f.sentinels.master = null; // no Sentinel answers (the links never did: no messages)
    const cut = Date.now();
    await until('the fence', () => f.log.events('fence').length > 0);
    expect(Date.now() - cut).toBeGreaterThanOrEqual(250);
    await until('the release', () => !bound(f));
    expect(f.host.passes.find((p) => p.action === 'unbind')).toMatchObject({ desired: 'elsewhere' });
    expect(f.metrics.calls).toContainEqual(['fenced', 'm', true]);
    f.sentinels.master = HERE;
    await until('the unfence', () => f.log.events('unfence').length > 0);
    await until('the bind again', () => bound(f));
    expect(f.log.events('fence')).toHaveLength(1);
  });

  it('two of three Sentinels refuse connections (their processes are gone): no failover can happen without this host, the fence is skipped', async () => {
    const f = await started(cfg({ fenceAfterMs: 300 }));
    await until('the bind', () => bound(f));
    f.sentinels.master = null;
    const refuse = setInterval(() => {
      for (const l of f.sentinels.links.slice(1)) l.refusedAt = Date.now();
    }, 10);
    try {
      await until('the fence skipped', () => f.log.events('fence-skipped').length > 0);
      const n = f.host.passes.length;
      await until('three passes after it', () => f.host.passes.length >= n + 3);
    } finally {
      clearInterval(refuse);
    }
    expect(f.log.events('fence')).toEqual([]);
    expect(bound(f)).toBe(true);
    expect(f.metrics.calls).toContainEqual(['fenceSkipped', 'm', true]);
  });
});

describe('stop', () => {
  it('leaves the VIP where it is, closes the links, and no pass runs after it', async () => {
    const f = await started();
    await until('the bind', () => bound(f));
    const node = running.pop()!;
    await node.stop(false);
    const n = f.host.passes.length;
    expect(f.sentinels.links.every((l) => l.closed)).toBe(true);
    node.masters.get('m')!.trigger({ name: 'timer', at: Date.now(), ask: true });
    await node.masters.get('m')!.idle();
    expect(f.host.passes).toHaveLength(n);
    expect(bound(f)).toBe(true);
  });

  it('with release: removes the VIP held here (trigger exit)', async () => {
    const f = await started();
    await until('the bind', () => bound(f));
    await running.pop()!.stop(true);
    expect(bound(f)).toBe(false);
    expect(f.host.passes.at(-1)).toMatchObject({ trigger: 'exit', desired: 'elsewhere', action: 'unbind' });
  });
});

it("the links view's ip runner and fresh read reach every pass's converge (the ip -batch child on the fast path), --release-on-exit's too", async () => {
  const config = cfg();
  const f = fakes(config, '10.0.0.11', HERE);
  const seen: Array<{ runExec: unknown; readFresh: unknown; trigger: unknown }> = [];
  const runExec = async () => ({ exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, durationMs: 0 });
  const readFresh = async () => [];
  const view = await f.deps.openLinks!();
  const converge = f.deps.converge!;
  const node = new WatchNode(config, f.log.logger, {
    ...f.deps,
    openLinks: async () => Object.assign(view, { runExec, readFresh }),
    converge: (o) => {
      seen.push({ runExec: o.runExec, readFresh: o.readFresh, trigger: o.extraFields?.({ want: { desired: 'here', reason: '' }, decision: { action: 'none' } as never }).trigger });
      return converge(o);
    },
  });
  await node.start();
  await until('the start pass', () => seen.length > 0);
  await node.stop(true);
  expect(seen.map((s) => s.trigger)).toContain('exit');
  for (const s of seen) expect(s).toMatchObject({ runExec, readFresh });
});

it('the Sentinel queries are made once at start (kept connections) and closed when the node stops', async () => {
  const f = await started();
  await until('two timer passes', () => f.host.passes.filter((p) => p.trigger === 'timer').length >= 2);
  expect(f.sentinels.queryClients).toBe(1);
  expect(f.sentinels.queryClientsClosed).toBe(0);
  await running.pop()!.stop(false);
  expect(f.sentinels.queryClientsClosed).toBe(1);
});

it("every pass, the exit's release too, takes the VIP's lock through the watcher's kept lock files", async () => {
  const f = await started();
  await until('a timer pass', () => f.host.passes.some((p) => p.trigger === 'timer'));
  await running.pop()!.stop(true);
  expect(f.host.passes.map((p) => p.trigger)).toContain('exit');
  expect(f.host.passes.filter((p) => !p.keptLock)).toEqual([]);
});
