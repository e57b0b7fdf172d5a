/** converge with fake adapters (ConvergeOptions.deps): no root, no `ip`, no lock file, no spawn. */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config';
import { VipctlError } from '../../src/core/errors';
import type { Link } from '../../src/core/local';
import type { Step } from '../../src/core/plan';
import type { Hold } from '../../src/core/hold';
import type { ExecuteContext, StepResult } from '../../src/adapters/execute';
import { COMMANDS_RESERVE_MS, converge, RECHECK_RESERVE_MS, type ConvergeDeps, type ConvergeOptions } from '../../src/pass/converge';
import { RUN_TIMEOUT_MS } from '../../src/adapters/run';

const config = validateConfig(
  { sentinel: { addresses: ['198.18.0.11:26379'] }, masters: { m: { vip: '198.18.0.100/24' } }, runDir: '/nonexistent/vipctl-test', lockTimeoutMs: 20_000, log: { file: null }, notify: { onBind: ['/bin/true', 'bind'], onUnbind: ['/bin/true', 'unbind'] } },
  {},
);
const master = config.masters.get('m')!;
const OWN = { address: '198.18.0.11', prefix: 24, family: 4 as const };
const VIP = { address: '198.18.0.100', prefix: 24, family: 4 as const };
const unbound: Link[] = [{ ifname: 'eth0', up: true, mac: '02:00:00:00:00:11', addresses: [OWN] }];
const bound: Link[] = [{ ifname: 'eth0', up: true, mac: '02:00:00:00:00:11', addresses: [OWN, VIP] }];

type Line = { level: string; obj: Record<string, unknown>; msg: string };

/** A pass's world: fake adapters that record what they were asked. */
function world(o: { links?: Link[]; recheck?: Link[] | Error; fail?: { what: string; timedOut?: boolean }; hold?: Hold | null; now?: number } = {}) {
  const lines: Line[] = [];
  const log = (level: string) => (obj: Record<string, unknown>, msg: string) => lines.push({ level, obj, msg });
  const logger = { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') } as never;
  const lock = { taken: 0, released: 0, timeouts: [] as number[] };
  const reads: Array<number | undefined> = [];
  const localReads: Array<{ vip: string; timeoutMs: number | undefined }> = [];
  const plans: Array<{ steps: readonly Step[]; ctx: ExecuteContext; timeouts: number[] }> = [];
  const notified: Array<{ changes: ReadonlyArray<{ action: string; interface: string }>; facts: Record<string, unknown> }> = [];
  let readsLeft = 0;
  const deps: ConvergeDeps = {
    acquireLock: async (_runDir, _vip, timeoutMs) => {
      lock.taken++;
      lock.timeouts.push(timeoutMs);
      return { path: '/fake', waitedMs: 0, release: () => void lock.released++ };
    },
    readLinks: async (timeoutMs) => {
      reads.push(timeoutMs);
      if (readsLeft++ > 0 && o.recheck !== undefined) {
        if (o.recheck instanceof Error) throw o.recheck;
        return o.recheck;
      }
      return o.links ?? unbound;
    },
    readLocalLinks: async (vip, timeoutMs) => {
      localReads.push({ vip, timeoutMs });
      return o.links ?? unbound;
    },
    executePlan: async (steps, ctx) => {
      const plan = { steps, ctx, timeouts: [] as number[] };
      plans.push(plan);
      const results: StepResult[] = [];
      for (const step of steps) {
        if (ctx.timeoutMs) plan.timeouts.push(ctx.timeoutMs());
        const what = step.kind === 'exec' ? step.what : step.kind;
        if (o.fail?.what === what) throw new VipctlError('EXEC', `${what} failed`, { argv: step.kind === 'exec' ? step.argv : [], step: what, ...(o.fail.timedOut ? { timedOut: true } : {}) });
        const r: StepResult =
          step.kind === 'exec' ? { step, action: step.what === 'ip-add' ? 'bind' : step.what === 'ip-del' ? 'unbind' : 'deprecate', durationMs: 1 } : step.kind === 'announce' ? { step, action: 'announce', durationMs: 1, pid: 4242 } : { step, action: 'stop-announce', durationMs: 0, note: 'none running' };
        results.push(r);
        ctx.onStep?.(r);
      }
      return results;
    },
    readHold: () => o.hold ?? null,
    notifyChanges: (n) => void notified.push({ changes: n.changes, facts: n.facts as never }),
    now: () => o.now ?? 1_000_000,
  };
  const pass = (extra: Partial<ConvergeOptions> = {}) =>
    converge({ config, master, logger, announceWhenBound: false, want: (local) => (local.has('198.18.0.11') ? { desired: 'here', reason: 'test: here' } : { desired: 'elsewhere', reason: 'test' }), deps, ...extra });
  const events = () => lines.map((l) => l.obj.event);
  return { lines, lock, reads, localReads, plans, notified, pass, events };
}

const elsewhere = () => ({ desired: 'elsewhere' as const, reason: 'test: elsewhere' });

describe('converge: the lock', () => {
  it.each<[string, Parameters<typeof world>[0], Partial<ConvergeOptions>]>([
    ['a bind', {}, {}],
    ['nothing to do', {}, { want: elsewhere }],
    ['a hold', { hold: { master: 'm', since: 1, until: 2_000_000, reason: 'maint', by: 'root' } }, {}],
    ['a failed command', { fail: { what: 'ip-add' } }, {}],
    ['a want that throws', {}, { want: () => { throw new Error('boom'); } }],
    ['links that cannot be read', { links: undefined }, { readLinks: async () => { throw new VipctlError('EXEC', 'ip hung', {}); } }],
  ])('is taken once and released once: %s', async (_name, w, extra) => {
    const t = world(w);
    await t.pass(extra).catch(() => undefined);
    expect(t.lock).toMatchObject({ taken: 1, released: 1 });
  });

  it('is not taken by a dry run, which runs nothing and logs the plan', async () => {
    const t = world();
    const r = await t.pass({ dryRun: true });
    expect(t.lock.taken).toBe(0);
    expect(t.plans).toEqual([]);
    expect(r.steps.map((s) => s.kind)).toEqual(['exec', 'announce']);
    expect(t.lines).toHaveLength(1);
    expect(t.lines[0]!.obj).toMatchObject({ event: 'plan', dryRun: true, plan: [['ip', 'addr', 'add', '198.18.0.100/24', 'dev', 'eth0'], expect.arrayContaining(['arping'])] });
  });
});

describe('converge: one line per decision', () => {
  it('each action is a line as it happens, and no noop line then', async () => {
    const t = world();
    await t.pass();
    expect(t.events()).toEqual(['bind', 'announce']);
    expect(t.lines[1]!.obj).toMatchObject({ master: 'm', vip: '198.18.0.100/24', interface: 'eth0', pid: 4242, reason: 'test: here; master is on this host' });
  });

  it('nothing to do is one noop line, at info unless told debug', async () => {
    const t = world();
    await t.pass({ want: elsewhere });
    await t.pass({ want: elsewhere, noopLevel: 'debug' });
    expect(t.lines.map((l) => [l.level, l.obj.event])).toEqual([['info', 'noop'], ['debug', 'noop']]);
  });

  it('a stop-announce that stopped nothing is no action: the pass still says noop', async () => {
    const t = world({ links: bound });
    await t.pass({ want: elsewhere, readLinks: async () => unbound });
    expect(t.events()).toEqual(['noop']);
    const t2 = world({ links: bound });
    await t2.pass({ want: elsewhere });
    expect(t2.plans[0]!.steps.map((s) => s.kind)).toEqual(['stop-announce', 'exec']);
    expect(t2.events()).toEqual(['unbind']);
  });
});

describe('converge: the hold', () => {
  const hold: Hold = { master: 'hm', since: 500, until: 2_000_000, reason: 'maintenance', by: 'ops' };
  const held = { ...config, masters: new Map([['hm', { ...master, name: 'hm' }]]) };
  const hm = held.masters.get('hm')!;

  it('leaves the VIP as it is: nothing run, said at info once per hold, then at debug', async () => {
    const t = world({ hold });
    const r = await t.pass({ config: held, master: hm });
    await t.pass({ config: held, master: hm });
    expect(r.steps).toEqual([]);
    expect(t.plans).toEqual([]);
    expect(t.lines.map((l) => [l.level, l.obj.event])).toEqual([['info', 'held'], ['debug', 'held']]);
    const t2 = world({ hold: { ...hold, since: 600 } }); // a new hold is said again
    await t2.pass({ config: held, master: hm });
    expect(t2.lines.map((l) => l.level)).toEqual(['info']);
  });

  it('an expired hold, or the operator\'s own bind (ignoreHold), acts', async () => {
    const expired = world({ hold, now: 2_000_001 });
    await expired.pass({ config: held, master: hm });
    expect(expired.events()).toEqual(['bind', 'announce']);
    const operator = world({ hold });
    await operator.pass({ config: held, master: hm, ignoreHold: true });
    expect(operator.events()).toEqual(['bind', 'announce']);
  });
});

describe("converge: the deadline's reserves", () => {
  it('the lock waits at most until COMMANDS_RESERVE_MS before it; each command until RECHECK_RESERVE_MS before it', async () => {
    const t = world();
    const deadline = performance.now() + COMMANDS_RESERVE_MS + 3000;
    await t.pass({ deadline });
    expect(t.lock.timeouts[0]).toBeLessThanOrEqual(3000);
    expect(t.lock.timeouts[0]).toBeGreaterThan(2500);
    // the read of the links and each step: cut to what is left minus the recheck's reserve
    const cut = deadline - RECHECK_RESERVE_MS - performance.now();
    expect(t.reads[0]).toBeLessThanOrEqual(RUN_TIMEOUT_MS);
    for (const ms of t.plans[0]!.timeouts) {
      expect(ms).toBeLessThanOrEqual(Math.min(RUN_TIMEOUT_MS, cut + 50));
      expect(ms).toBeGreaterThan(Math.min(RUN_TIMEOUT_MS, cut) - 500);
    }
  });

  it('a far deadline changes nothing: the lock gets lockTimeoutMs, commands run()\'s own timeout', async () => {
    const t = world();
    await t.pass({ deadline: performance.now() + 600_000 });
    expect(t.lock.timeouts).toEqual([20_000]);
    expect(t.plans[0]!.timeouts.every((ms) => ms === RUN_TIMEOUT_MS)).toBe(true);
    const none = world();
    await none.pass();
    expect(none.lock.timeouts).toEqual([20_000]);
    expect(none.plans[0]!.ctx.timeoutMs).toBeUndefined();
  });

  it('no time left for the commands: `ip` is not even started, exit 1 naming it, lock released', async () => {
    const t = world();
    await expect(t.pass({ deadline: performance.now() + RECHECK_RESERVE_MS - 100 })).rejects.toMatchObject({ code: 'EXEC', details: { timedOut: true }, message: expect.stringContaining('ip -json addr show: not started') });
    expect(t.reads).toEqual([]);
    expect(t.lock).toMatchObject({ taken: 1, released: 1, timeouts: [0] });
  });
});

describe('converge: an `ip addr add` that timed out', () => {
  it('reads the links again; bound all the same: announces, still fails, and notifies the bind', async () => {
    const t = world({ fail: { what: 'ip-add', timedOut: true }, recheck: bound });
    const err = await t.pass({ moved: () => ({ newMaster: '198.18.0.11:6379' }) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EXEC', details: { boundAfterTimeout: true, interface: 'eth0' } });
    expect(t.reads).toHaveLength(2);
    expect(t.plans.map((p) => p.steps.map((s) => s.kind))).toEqual([['exec', 'announce'], ['announce']]);
    expect(t.events()).toEqual(['bound-after-timeout', 'announce']);
    expect(t.notified).toEqual([{ changes: [{ action: 'bind', interface: 'eth0' }], facts: { reason: 'test: here; master is on this host', newMaster: '198.18.0.11:6379' } }]);
    expect(t.lock.released).toBe(1);
  });

  it('not bound after all: no announcement, boundAfterTimeout false, no change notified', async () => {
    const t = world({ fail: { what: 'ip-add', timedOut: true }, recheck: unbound });
    await expect(t.pass()).rejects.toMatchObject({ details: { boundAfterTimeout: false } });
    expect(t.plans).toHaveLength(1);
    expect(t.events()).toEqual([]);
    expect(t.notified).toEqual([{ changes: [], facts: expect.anything() }]);
  });

  it('the read again fails: one warning, the first error stands', async () => {
    const t = world({ fail: { what: 'ip-add', timedOut: true }, recheck: new Error('ip hung again') });
    await expect(t.pass()).rejects.toMatchObject({ message: 'ip-add failed' });
    expect(t.events()).toEqual(['recheck-failed']);
  });

  it('an add that failed without a timeout is not read again', async () => {
    const t = world({ fail: { what: 'ip-add' }, recheck: bound });
    await expect(t.pass()).rejects.toMatchObject({ code: 'EXEC' });
    expect(t.reads).toHaveLength(1);
  });
});

describe('converge: notify', () => {
  it('after a failure, what did change before it is notified (an unbind before a failed add)', async () => {
    const other: Link[] = [
      { ifname: 'eth0', up: true, mac: null, addresses: [OWN] },
      { ifname: 'eth1', up: true, mac: null, addresses: [{ address: '198.18.0.100', prefix: 24, family: 4 }] },
    ];
    const t = world({ links: other, fail: { what: 'ip-add' } });
    await expect(t.pass({ config: { ...config, masters: new Map([['m', { ...master, interface: 'eth0' }]]) }, master: { ...master, interface: 'eth0' } })).rejects.toMatchObject({ code: 'EXEC' });
    expect(t.events()).toEqual(['unbind']);
    expect(t.notified.map((n) => n.changes)).toEqual([[{ action: 'unbind', interface: 'eth1' }]]);
  });

  it('a pass that changed something notifies it; a master without notify commands notifies nothing', async () => {
    const t = world();
    await t.pass();
    expect(t.notified.map((n) => n.changes)).toEqual([[{ action: 'bind', interface: 'eth0' }]]);
    const quiet = world();
    await quiet.pass({ master: { ...master, notify: undefined } });
    expect(quiet.notified).toEqual([]);
  });
});

describe('converge: localLinks (the hook)', () => {
  it('reads the links under the lock through readLocalLinks, for this VIP, under the deadline; `ip` is not run', async () => {
    const t = world();
    const deadline = performance.now() + COMMANDS_RESERVE_MS + 3000;
    await t.pass({ localLinks: true, deadline });
    expect(t.reads).toEqual([]);
    expect(t.localReads).toHaveLength(1);
    expect(t.localReads[0]!.vip).toBe('198.18.0.100');
    expect(t.localReads[0]!.timeoutMs).toBeLessThanOrEqual(RUN_TIMEOUT_MS);
    expect(t.events()).toEqual(['bind', 'announce']);
  });

  it('without it (reconcile, watch, bind/unbind): `ip -json addr show` as ever', async () => {
    const t = world();
    await t.pass();
    expect(t.localReads).toEqual([]);
    expect(t.reads).toHaveLength(1);
  });

  it('the recheck after a timed-out add is `ip`\'s, not the interface list', async () => {
    const t = world({ fail: { what: 'ip-add', timedOut: true }, recheck: bound });
    await expect(t.pass({ localLinks: true, deadline: performance.now() + 60_000 })).rejects.toMatchObject({ code: 'EXEC' });
    expect(t.localReads).toHaveLength(1);
    expect(t.reads).toHaveLength(1);
  });
});
