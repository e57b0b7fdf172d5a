/** vipctl bind / unbind with fake adapters (options deps): the real converge runs on fake links, execute and hold. */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config';
import type { DupProbe } from '../../src/core/dup-probe';
import type { Hold } from '../../src/core/hold';
import type { Link } from '../../src/core/local';
import type { SentinelView } from '../../src/core/sentinel-view';
import type { StepResult } from '../../src/adapters/execute';
import { bindCommand, unbindCommand, type ManualDeps } from '../../src/commands/manual';
import { converge, type ConvergeDeps, type ConvergeOptions } from '../../src/pass/converge';

const config = validateConfig({ sentinel: { addresses: ['198.18.0.11:26379', '198.18.0.12:26379', '198.18.0.13:26379'] }, masters: { m: { vip: '198.18.0.100/24' } }, runDir: '/nonexistent/vipctl-test', log: { file: null } }, {});
const OWN_MAC = '02:00:00:00:00:11';
const OWN = { address: '198.18.0.11', prefix: 24, family: 4 as const };
const unbound: Link[] = [{ ifname: 'eth0', up: true, mac: OWN_MAC, addresses: [OWN] }];
const bound: Link[] = [{ ifname: 'eth0', up: true, mac: OWN_MAC, addresses: [OWN, { address: '198.18.0.100', prefix: 24, family: 4 }] }];
const view = (master: string | null): SentinelView => ({ master, agreeing: master ? 3 : 0, total: 3, answers: [] });

type Line = { level: string; obj: Record<string, unknown>; msg: string };

function setup(o: { links?: Link[]; probe?: DupProbe; master?: string | null; hold?: Hold; announcer?: number } = {}) {
  const lines: Line[] = [];
  const logger = (bindings: Record<string, unknown>): never => {
    const log = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push({ level, obj: { ...bindings, ...obj }, msg });
    return { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug'), child: (b: Record<string, unknown>) => logger({ ...bindings, ...b }) } as never;
  };
  const out: string[] = [];
  const err: string[] = [];
  const probes: string[] = [];
  const passes: ConvergeOptions[] = [];
  const pass: Partial<ConvergeDeps> = {
    acquireLock: async () => ({ path: '/fake', waitedMs: 0, release: () => undefined }),
    readLinks: async () => o.links ?? unbound,
    readHold: () => o.hold ?? null,
    notifyChanges: () => undefined,
    executePlan: async (steps, ctx) => {
      const results: StepResult[] = steps.map((step) =>
        step.kind === 'exec' ? { step, action: step.what === 'ip-add' ? 'bind' : step.what === 'ip-del' ? 'unbind' : 'deprecate', durationMs: 1 } : step.kind === 'announce' ? { step, action: 'announce', durationMs: 1, pid: 4242 } : { step, action: 'stop-announce', durationMs: 0, ...(o.announcer ? { pid: o.announcer, note: 'stopped' } : { note: 'none running' }) },
      );
      for (const r of results) ctx.onStep?.(r);
      return results;
    },
  };
  const deps: Partial<ManualDeps> = {
    readLinks: async () => o.links ?? unbound,
    askSentinels: async () => view(o.master === undefined ? '198.18.0.11:6379' : o.master),
    probeDuplicate: async (ifname, vip) => {
      probes.push(`${ifname} ${vip}`);
      return o.probe ?? { kind: 'free' };
    },
    converge: (c) => {
      passes.push(c);
      return converge({ ...c, deps: pass });
    },
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
  };
  const events = () => lines.map((l) => l.obj.event);
  return { lines, out, err, probes, passes, events, deps, logger: logger({}) };
}

describe('vipctl bind', () => {
  it('binds and announces; the probe ran on the VIP\'s interface', async () => {
    const t = setup();
    expect(await bindCommand(config, t.logger, 'm', { deps: t.deps })).toBe(0);
    expect(t.probes).toEqual(['eth0 198.18.0.100']);
    expect(t.events()).toEqual(['bind', 'announce']);
    expect(t.out).toEqual(['bound 198.18.0.100/24 on eth0; announcing (arping pid 4242)\n']);
    expect(t.passes[0]).toMatchObject({ ignoreHold: true, announceWhenBound: true });
  });

  it.each<[string, DupProbe, RegExp]>([
    ['another host answers', { kind: 'taken', macs: ['02:00:00:00:00:99'] }, /^vipctl: not bound: another host already answers for 198\.18\.0\.100 \(MAC 02:00:00:00:00:99\); nothing changed/],
    ['the probe could not run', { kind: 'failed', error: 'arping: not found' }, /^vipctl: not bound: cannot check whether another host answers for 198\.18\.0\.100 \(arping: not found\)/],
  ])('refuses when %s: exit 1, nothing changed, one refused line', async (_name, probe, said) => {
    const t = setup({ probe });
    expect(await bindCommand(config, t.logger, 'm', { deps: t.deps })).toBe(1);
    expect(t.passes).toEqual([]);
    expect(t.err[0]).toMatch(said);
    expect(t.lines.map((l) => [l.obj.event, l.obj.code, l.obj.master])).toEqual([['refused', 'REFUSED', 'm']]);
  });

  it('this host\'s own MAC in the answers is no other host', async () => {
    const t = setup({ probe: { kind: 'taken', macs: [OWN_MAC] } });
    expect(await bindCommand(config, t.logger, 'm', { deps: t.deps })).toBe(0);
    expect(t.events()).toEqual(['bind', 'announce']);
  });

  it('--force binds all the same, and says so in stdout and in every line', async () => {
    const t = setup({ probe: { kind: 'taken', macs: ['02:00:00:00:00:99'] } });
    expect(await bindCommand(config, t.logger, 'm', { force: true, deps: t.deps })).toBe(0);
    expect(t.out[0]).toBe('bound 198.18.0.100/24 on eth0; announcing (arping pid 4242); forced although 02:00:00:00:00:99 answers for it\n');
    expect(t.lines[0]!.obj).toMatchObject({ event: 'bind', force: true, otherHolderMac: '02:00:00:00:00:99', reason: 'operator: vipctl bind --force; --force: bound although 02:00:00:00:00:99 answers for it' });
    const failed = setup({ probe: { kind: 'failed', error: 'arping: not found' } });
    expect(await bindCommand(config, failed.logger, 'm', { force: true, deps: failed.deps })).toBe(0);
    expect(failed.lines[0]!.obj).toMatchObject({ event: 'bind', probeError: 'arping: not found' });
  });

  it('already bound here: no probe (the answer would be our own), nothing added, announced again', async () => {
    const t = setup({ links: bound, probe: { kind: 'taken', macs: ['02:00:00:00:00:99'] } });
    expect(await bindCommand(config, t.logger, 'm', { deps: t.deps })).toBe(0);
    expect(t.probes).toEqual([]);
    expect(t.events()).toEqual(['announce']);
    expect(t.out).toEqual(['198.18.0.100/24 already bound on eth0: nothing to add; announcing (arping pid 4242)\n']);
  });

  it('against Sentinel\'s majority: binds, with a warning line and a warning on stdout', async () => {
    const t = setup({ master: '198.18.0.12:6379' });
    expect(await bindCommand(config, t.logger, 'm', { deps: t.deps })).toBe(0);
    expect(t.events()).toEqual(['warning', 'bind', 'announce']);
    expect(t.out[1]).toMatch(/^warning: Sentinel's majority says the master is 198\.18\.0\.12:6379, not this host \(3\/3 sentinels agree\)/);
  });

  it('a hold does not stop it (the hold is for the operator)', async () => {
    const t = setup({ hold: { master: 'm', since: 1, until: Date.now() + 60_000, reason: 'maint', by: 'ops' } });
    expect(await bindCommand(config, t.logger, 'm', { deps: t.deps })).toBe(0);
    expect(t.events()).toEqual(['bind', 'announce']);
  });

  it('an unknown master: exit 2, nothing asked', async () => {
    const t = setup();
    expect(await bindCommand(config, t.logger, 'nope', { deps: t.deps })).toBe(2);
    expect(t.probes).toEqual([]);
    expect(t.err[0]).toMatch(/^vipctl: not bound: /);
  });
});

describe('vipctl unbind', () => {
  it('removes the VIP and stops the announcer', async () => {
    const t = setup({ links: bound, master: '198.18.0.12:6379', announcer: 777 });
    expect(await unbindCommand(config, t.logger, 'm', { deps: t.deps })).toBe(0);
    expect(t.events()).toEqual(['stop-announce', 'unbind']);
    expect(t.out).toEqual(['removed 198.18.0.100/24 from eth0; stopped announcer pid 777\n']);
  });

  it('not bound here: nothing removed, says so', async () => {
    const t = setup({ master: '198.18.0.12:6379' });
    expect(await unbindCommand(config, t.logger, 'm', { deps: t.deps })).toBe(0);
    expect(t.events()).toEqual(['noop']);
    expect(t.out).toEqual(['198.18.0.100/24 was not bound here: nothing removed\n']);
  });

  it('while Sentinel\'s majority says the master is here: removes it, with a warning; a hold does not stop it', async () => {
    const t = setup({ links: bound, hold: { master: 'm', since: 1, until: Date.now() + 60_000, reason: 'maint', by: 'ops' } });
    expect(await unbindCommand(config, t.logger, 'm', { deps: t.deps })).toBe(0);
    expect(t.events()).toEqual(['warning', 'unbind']);
    expect(t.out[1]).toMatch(/^warning: Sentinel's majority says the master is this host \(198\.18\.0\.11:6379/);
  });
});
