/** reconcileCommand with fake adapters (options.deps): the Sentinels' views, converge and stdout are the test's. */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config';
import { decide } from '../../src/core/decide';
import { VipctlError } from '../../src/core/errors';
import type { SentinelView } from '../../src/core/sentinel-view';
import { reconcileCommand, type ReconcileDeps } from '../../src/commands/reconcile';
import type { ConvergeOptions, ConvergeResult } from '../../src/pass/converge';

const config = validateConfig(
  { sentinel: { addresses: ['198.18.0.11:26379', '198.18.0.12:26379', '198.18.0.13:26379'] }, masters: { a: { vip: '198.18.0.100/24' }, b: { vip: '198.18.0.101/24' }, c: { vip: '198.18.0.102/24' } }, log: { file: null } },
  {},
);
const LOCAL = new Set(['198.18.0.11']);
const agreed = (master: string | null): SentinelView => ({ master, agreeing: master ? 3 : 1, total: 3, answers: [{ sentinel: '198.18.0.11:26379', master: master ?? '198.18.0.12:6379' }] });

type Behaviour = 'ok' | Error | { waitMs: number };

function run(views: Record<string, SentinelView>, behave: Record<string, Behaviour> = {}, options: { dryRun?: boolean; json?: boolean } = {}) {
  const out: string[] = [];
  const errors: Array<Record<string, unknown>> = [];
  const finished: string[] = [];
  const wants: Record<string, { desired: string; reason: string }> = {};
  const logger = { info: () => undefined, warn: () => undefined, debug: () => undefined, error: (o: Record<string, unknown>) => void errors.push(o) } as never;
  const converge = async (o: ConvergeOptions): Promise<ConvergeResult> => {
    const b = behave[o.master.name] ?? 'ok';
    if (b instanceof Error) throw b;
    if (typeof b === 'object') await new Promise((r) => setTimeout(r, b.waitMs));
    await o.readLinks!();
    const want = o.want(LOCAL);
    wants[o.master.name] = want;
    const decision = decide(want.desired, { boundOn: [], interface: 'eth0' }, { announceWhenBound: o.announceWhenBound });
    finished.push(o.master.name);
    return { interface: 'eth0', decision, steps: [], results: [], durationMs: 1 };
  };
  let reads = 0;
  const deps: Partial<ReconcileDeps> = {
    askSentinelsForAll: async (_c, names) => new Map([...names].map((n) => [n, views[n]!])),
    resolveMasterNames: async () => new Map(),
    readLinks: async () => {
      reads++;
      return [];
    },
    converge,
    stdout: (t) => void out.push(t),
  };
  const code = reconcileCommand(config, logger, { ...options, deps });
  return { code, out, errors, finished, wants, reads: () => reads };
}

const allHere = { a: agreed('198.18.0.11:6379'), b: agreed('198.18.0.11:6379'), c: agreed('198.18.0.12:6379') };

describe('reconcile', () => {
  it('one pass per master; one summary line each, in the config\'s order; exit 0', async () => {
    const r = run(allHere, { a: { waitMs: 20 } });
    expect(await r.code).toBe(0);
    expect(r.finished).toEqual(['b', 'c', 'a']);
    expect(r.out).toEqual([
      'a 198.18.0.100/24: bind (is unbound, must be bound on eth0): master 198.18.0.11:6379 is this host (3/3 sentinels agree); master is on this host\n',
      'b 198.18.0.101/24: bind (is unbound, must be bound on eth0): master 198.18.0.11:6379 is this host (3/3 sentinels agree); master is on this host\n',
      expect.stringMatching(/^c 198\.18\.0\.102\/24: noop \(is unbound, must be unbound\): master 198\.18\.0\.12:6379 is another host \(3\/3 sentinels agree\)/),
    ]);
    const same = run(allHere);
    await same.code;
    expect(same.reads()).toBe(1); // one read of the links for every master asking in the same turn
  });

  it('no majority on one master: that one is left as it is and the exit code is 1', async () => {
    const r = run({ ...allHere, b: agreed(null) });
    expect(await r.code).toBe(1);
    expect(r.wants.b).toEqual({ desired: 'unknown', reason: 'no majority of sentinels agrees on a master (1/3 sentinels agree; 198.18.0.11:26379: 198.18.0.12:6379)' });
    expect(r.finished).toEqual(['a', 'b', 'c']);
  });

  it("a master's failure is its line (logged with its exit code); the others still run; the worst code wins", async () => {
    const r = run(allHere, { a: new VipctlError('LOCK_TIMEOUT', 'lock held'), c: new VipctlError('CONFIG', 'interface eth9 not found', { key: 'interface' }) });
    expect(await r.code).toBe(2);
    expect(r.finished).toEqual(['b']);
    expect(r.out[0]).toBe('a 198.18.0.100/24: failed (is ?, must be ?): lock held\n');
    expect(r.out[2]).toBe('c 198.18.0.102/24: failed (is ?, must be ?): interface eth9 not found\n');
    expect(r.errors.map((e) => [e.master, e.code, e.exitCode])).toEqual([['a', 'LOCK_TIMEOUT', 1], ['c', 'CONFIG', 2]]);
  });

  it('an unexpected error in one pass does not cut the others short: they run to their end, then it is thrown', async () => {
    const bug = new TypeError('a bug');
    const r = run(allHere, { a: bug, b: { waitMs: 20 }, c: { waitMs: 40 } });
    await expect(r.code).rejects.toBe(bug);
    expect(r.finished).toEqual(['b', 'c']);
    expect(r.out.map((l) => l.split(':')[0])).toEqual(['a 198.18.0.100/24', 'b 198.18.0.101/24', 'c 198.18.0.102/24']);
    expect(r.out[0]).toBe('a 198.18.0.100/24: failed (is ?, must be ?): a bug\n');
  });

  it('--json: one object; --dry-run says would', async () => {
    const r = run(allHere, {}, { json: true, dryRun: true });
    expect(await r.code).toBe(0);
    expect(r.out).toHaveLength(1);
    const j = JSON.parse(r.out[0]!);
    expect(j.dryRun).toBe(true);
    expect(j.masters.map((m: { master: string; action: string }) => [m.master, m.action])).toEqual([['a', 'bind'], ['b', 'bind'], ['c', 'noop']]);
    const text = run(allHere, {}, { dryRun: true });
    await text.code;
    expect(text.out[0]).toMatch(/^a 198\.18\.0\.100\/24: would bind /);
  });
});
