/**
 * Fault suite: SIGHUP. Twenty reloads leave the watcher's open files as they
 * were (each used to leak its log file: 20 reloads, 21 fds, counted in
 * /proc/<pid>/fd); a broken config on SIGHUP keeps the running one; a config
 * whose log file is on a full filesystem is taken without killing the
 * watcher; the next failover moves the VIP (kernel timeline, acknowledged
 * writes). Watch on every node, each with its own config copy.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { running } from '../../src/adapters/proc';
import { sleep, waitFor, type Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { configVariant, describeLab, settledOn, upLab } from './support';
import { AddrMonitor, expectReleasedBeforeBound, killPid, newMasterWithVip, nodeLog, replicasInSync } from './watch-support';
import { fullTmpfs, incrClient, lostWrites, outLines, startWatchIn } from './fault-support';

describeLab('fault: SIGHUP with good, broken and full-disk configs (root)', () => {
  let lab: Lab;
  let mon: AddrMonitor;
  const watchers = new Map<string, number>();
  const configs = new Map<string, { path: string; good: string }>();
  beforeAll(async () => {
    lab = await upLab({ mode: 'none' });
    mon = await AddrMonitor.start(lab);
  });
  afterAll(async () => {
    for (const pid of watchers.values()) killPid(pid);
    mon?.stop();
    await lab?.down();
  });

  const fullDir = (n: LabHost): string => join(lab.nodeDir(n), 'fullfs');
  const pidOf = (n: LabHost): number => watchers.get(n.name)!;
  const fds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;
  const events = (n: LabHost, event: string): Array<Record<string, unknown>> => nodeLog(lab, n).filter((l) => l.event === event && l.pid === pidOf(n));
  /** After the last watch-start of this watcher: subscribed to every Sentinel again. */
  const resubscribed = (n: LabHost): boolean => {
    const log = nodeLog(lab, n).filter((l) => l.pid === pidOf(n));
    const last = log.map((l) => l.event).lastIndexOf('watch-start');
    return last >= 0 && log.slice(last).filter((l) => l.event === 'sentinel-up').length >= lab.topo.nodes.length;
  };

  it('starts a watcher on every node, each reading its own config copy', async () => {
    for (const n of lab.topo.nodes) {
      // the log file named in the config (no $VIPCTL_LOG_FILE), so that a reload can move it
      const path = configVariant(lab, `reload-${n.name}`, (y) => `${y}log:\n  file: ${lab.logFile(n)}\n`);
      configs.set(n.name, { path, good: (await import('node:fs')).readFileSync(path, 'utf8') });
      watchers.set(n.name, await startWatchIn(lab, n, fullTmpfs(fullDir(n)), 'fault-watch', { VIPCTL_CONFIG: path, VIPCTL_LOG_FILE: undefined as unknown as string }));
    }
    expect(await settledOn(lab, 30_000)).toBe(lab.host('n1'));
    await waitFor('every watcher subscribed', async () => lab.topo.nodes.every(resubscribed), 30_000, 100);
  });

  it('20 SIGHUPs with the same config: the open files stay as they were (no log fd per reload)', async () => {
    const n1 = lab.host('n1');
    const pid = pidOf(n1);
    await sleep(500);
    const before = fds(pid);
    for (let i = 0; i < 20; i++) {
      const starts = events(n1, 'watch-start').length;
      process.kill(pid, 'SIGHUP');
      await waitFor(`reload ${i + 1} done`, async () => events(n1, 'watch-start').length > starts, 15_000, 20);
    }
    await waitFor('subscribed again after the last reload', async () => resubscribed(n1), 30_000, 100);
    await sleep(500);
    const after = fds(pid);
    expect(events(n1, 'reload')).toHaveLength(20);
    expect(after, `fds before ${before}, after 20 reloads ${after}`).toBeLessThanOrEqual(before + 3);
    expect(await lab.vipHolders()).toEqual([n1]);
  });

  it('a broken config on SIGHUP: logged, the running config kept', async () => {
    const since = Date.now();
    for (const n of lab.topo.nodes) {
      writeFileSync(configs.get(n.name)!.path, 'masters: [\n', { mode: 0o600 });
      process.kill(pidOf(n), 'SIGHUP');
    }
    for (const n of lab.topo.nodes) {
      await waitFor(`${n.name} to refuse the broken config`, async () => events(n, 'error').some((l) => Date.parse(String(l.time)) >= since && l.during === 'SIGHUP reload; keeping the running config' && l.exitCode === 2), 15_000, 50);
      expect(running(pidOf(n))).toBe(true);
    }
    expect(await lab.vipHolders()).toEqual([lab.host('n1')]);
  });

  it('a config whose log file is on a full filesystem: taken, the watcher goes on logging to stderr', async () => {
    const since = Date.now();
    for (const n of lab.topo.nodes) {
      writeFileSync(configs.get(n.name)!.path, configs.get(n.name)!.good.replace(`file: ${lab.logFile(n)}`, `file: ${join(fullDir(n), 'vipctl.log')}`), { mode: 0o600 });
      process.kill(pidOf(n), 'SIGHUP');
    }
    for (const n of lab.topo.nodes) {
      await waitFor(`${n.name} to run the new config`, async () => {
        const out = outLines(lab, n, 'fault-watch').filter((l) => Date.parse(String(l.time)) >= since);
        return out.some((l) => l.event === 'watch-start') && out.filter((l) => l.event === 'sentinel-up').length >= lab.topo.nodes.length;
      }, 30_000, 100);
      expect(outLines(lab, n, 'fault-watch').some((l) => l.event === 'log-write-error' && l.error === 'ENOSPC' && Date.parse(String(l.time)) >= since)).toBe(true);
      expect(running(pidOf(n))).toBe(true);
    }
  });

  it('the next failover moves the VIP: released before bound, one holder, no acknowledged write lost, every watcher alive', async () => {
    const old = await settledOn(lab);
    await replicasInSync(lab, old);
    const client = incrClient(lab, 'vipctl:fault-reload');
    try {
      await waitFor('writes through the VIP', async () => client.replies().length > 20, 10_000);
      const since = Date.now();
      const f = await lab.failover('sigkill');
      const next = await newMasterWithVip(lab, old, 40_000);
      await sleep(1000);
      const values = (await client.stop()).map((r) => r.v);
      expect(lostWrites(values), 'acknowledged INCRs lost').toBe(0);
      expect(client.replies().filter((r) => r.t > f.at + 100).length).toBeGreaterThan(10);
      expectReleasedBeforeBound(mon, lab.topo.vip, old, next, since - 5);
      for (const n of lab.topo.nodes) expect(running(pidOf(n)), n.name).toBe(true);
      expect(outLines(lab, next, 'fault-watch').some((l) => l.event === 'bind' && Date.parse(String(l.time)) >= since)).toBe(true);
    } finally {
      await client.stop();
    }
  });
});
