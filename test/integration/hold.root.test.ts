/**
 * `vipctl hold` / `release-hold` with watch on every node (root): while held,
 * the master host's watcher leaves the VIP as the operator put it (its passes
 * say `held`, the kernel shows no add); status says held (exit 1); the hold
 * survives a watcher restart; release-hold, or the hold lapsing by itself,
 * gives the VIP back to the watcher. An unknown master is exit 2.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor, type Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { configVariant, describeLab, settledOn, upLab } from './support';
import { AddrMonitor, nodeLog } from './watch-support';

describeLab('vipctl hold (root)', () => {
  let lab: Lab;
  let mon: AddrMonitor;
  let n1: LabHost;
  /** The watchers log at debug, so that each held pass shows. */
  let debugConfig: string;
  const events = (n: LabHost, event: string, since: number) => nodeLog(lab, n).filter((l) => l.event === event && Date.parse(String(l.time)) >= since);
  const heldPass = (since: number) => waitFor('a held pass of the watcher on n1', async () => (events(n1, 'held', since).some((l) => l.cmd === 'watch') ? true : null), 15_000, 50);
  const watcherBound = (since: number) => waitFor('the watcher on n1 to bind', async () => (events(n1, 'bind', since).some((l) => l.cmd === 'watch') ? true : null), 20_000, 50);

  beforeAll(async () => {
    lab = await upLab({ mode: 'none' });
    n1 = lab.host('n1');
    debugConfig = configVariant(lab, 'debug', (y) => `${y}log:\n  level: debug\n`);
    mon = await AddrMonitor.start(lab);
    for (const n of lab.topo.nodes) await lab.startWatch(n, ['--config', debugConfig]);
    expect(await settledOn(lab, 20_000)).toBe(n1);
  });
  afterAll(async () => {
    mon?.stop();
    await lab?.down();
  });

  const vipctl = (args: string[]) => lab.vipctl(n1, ['--config', debugConfig, ...args]);

  it('an unknown master: exit 2, nothing written', async () => {
    const r = await vipctl(['hold', 'nosuchmaster']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/unknown master "nosuchmaster"/);
  });

  it('while held, a manual unbind stays: the watcher passes say held and never add the VIP; status says held', async () => {
    const t0 = Date.now();
    const h = await vipctl(['hold', 'mymaster', '--for', '10m', '--reason', 'moving the VIP by hand']);
    expect(h.exitCode, h.stderr).toBe(0);
    expect(h.stdout).toMatch(/^mymaster: held by \S+ since .*: moving the VIP by hand; vipctl on this host leaves/);
    await heldPass(t0);
    const u = await vipctl(['unbind', 'mymaster']); // the operator's own hands: the hold does not stop them
    expect(u.exitCode, u.stderr).toBe(0);
    expect(await lab.vipHolders()).toEqual([]);
    const t1 = Date.now();
    await heldPass(t1);
    await heldPass(Date.now()); // two passes after the unbind, each leaving it as it is
    expect(mon.of(lab.topo.vip).filter((c) => c.op === 'add' && c.t >= t1)).toEqual([]);
    expect(await lab.vipHolders()).toEqual([]);
    const s = await vipctl(['status', '--json']);
    expect(s.exitCode).toBe(1);
    const m = (JSON.parse(s.stdout) as { masters: Array<{ verdict: string; reason: string }> }).masters[0]!;
    expect(m.verdict).toBe('held');
    expect(m.reason).toMatch(/moving the VIP by hand; without it: should-bind/);
  });

  it('survives a watcher restart', async () => {
    process.kill(lab.pidOf(n1, 'watch')!, 'SIGKILL');
    const t = Date.now();
    await lab.startWatch(n1, ['--config', debugConfig]);
    await heldPass(t);
    expect(events(n1, 'held', t).find((l) => l.cmd === 'watch')?.level).toBe('info'); // the first held line of this process
    expect(await lab.vipHolders()).toEqual([]);
  });

  it('release-hold: the watcher binds it again', async () => {
    const t = Date.now();
    const r = await vipctl(['release-hold', 'mymaster']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/hold released/);
    await watcherBound(t);
    expect(await settledOn(lab)).toBe(n1);
    expect((await vipctl(['release-hold', 'mymaster'])).stdout).toMatch(/no hold here/);
  });

  it('a hold lapses by itself', async () => {
    const h = await vipctl(['hold', 'mymaster', '--for', '6s']);
    expect(h.exitCode).toBe(0);
    await heldPass(Date.now());
    await vipctl(['unbind', 'mymaster']);
    const t = Date.now();
    await watcherBound(t);
    const bound = Date.parse(String(events(n1, 'bind', t).find((l) => l.cmd === 'watch')!.time));
    const until = Date.parse(/ until (\S+) \(vipctl release-hold/.exec(h.stdout)![1]!);
    expect(bound).toBeGreaterThanOrEqual(until);
    expect(await settledOn(lab)).toBe(n1);
  });
});
