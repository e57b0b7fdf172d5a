/**
 * Fault suite: the log file on a full filesystem (a 64 KiB tmpfs, filled up,
 * mounted in a private mount namespace of the process under test), a log
 * path that is a directory, a read-only log filesystem, a broken stderr.
 * The hook must still bind and announce (exit 0); the watchers, all on full
 * log filesystems, must survive a failover and move the VIP. Asserted from
 * the kernel (`ip monitor address`) and a client's acknowledged writes.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import { running } from '../../src/adapters/proc';
import { sleep, waitFor, type Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { arpingPids, configVariant, describeLab, settledOn, upLab } from './support';
import { AddrMonitor, expectReleasedBeforeBound, killPid, newMasterWithVip, replicasInSync } from './watch-support';
import { fullTmpfs, hookIn, incrClient, inPrivateMounts, lostWrites, outLines, startWatchIn, tolerant } from './fault-support';

describeLab('fault: the log filesystem full, read-only or a directory (root)', () => {
  let lab: Lab;
  let mon: AddrMonitor;
  const watchers = new Map<string, number>();
  beforeAll(async () => {
    lab = await upLab({ mode: 'none' });
    mon = await AddrMonitor.start(lab);
  });
  afterAll(async () => {
    for (const pid of watchers.values()) killPid(pid);
    mon?.stop();
    await lab?.down();
  });

  const logDir = (n: LabHost): string => join(lab.nodeDir(n), 'logfs');
  const hookArgs = (to: LabHost): string[] => ['mymaster', 'leader', 'start', lab.host('n3').ip, '6379', to.ip, '6379'];
  const unbind = async (n: LabHost): Promise<void> => {
    await run(['ip', '-n', n.ns, 'addr', 'del', lab.topo.vipCidr, 'dev', n.ifname]);
  };

  it('the hook on a full log filesystem binds, announces and exits 0; stderr says the file failed (ENOSPC)', async () => {
    const n1 = lab.host('n1');
    expect(await lab.vipHolders()).toEqual([]);
    const since = Date.now();
    const dir = logDir(n1);
    const r = await hookIn(lab, n1, fullTmpfs(dir), hookArgs(n1), { VIPCTL_LOG_FILE: join(dir, 'vipctl.log') });
    expect(r.exitCode, r.stderr).toBe(0);
    await mon.added(n1.name, lab.topo.vip, since - 5);
    expect(await lab.vipHolders()).toEqual([n1]);
    const lines = tolerant(r.stderr);
    expect(lines.find((l) => l.event === 'log-write-error'), r.stderr).toMatchObject({ target: 'file', error: 'ENOSPC' });
    expect(lines.filter((l) => l.event === 'log-write-error')).toHaveLength(1); // said once, not once per line
    expect(lines.map((l) => l.event)).toEqual(expect.arrayContaining(['bind', 'announce']));
    expect(await arpingPids(n1)).not.toEqual([]);
  });

  it.each<[string, (dir: string) => string, RegExp]>([
    ['a directory', (dir) => `mkdir -p ${dir}/vipctl.log`, /EISDIR|not a regular file/],
    ['on a read-only filesystem', (dir) => fullTmpfs(dir, { readOnly: true }), /EROFS/],
  ])('the hook with its log file %s binds and exits 0', async (_what, setup, why) => {
    const n1 = lab.host('n1');
    await unbind(n1);
    const since = Date.now();
    const dir = logDir(n1);
    const r = await hookIn(lab, n1, setup(dir), hookArgs(n1), { VIPCTL_LOG_FILE: join(dir, 'vipctl.log') });
    expect(r.exitCode, r.stderr).toBe(0);
    await mon.added(n1.name, lab.topo.vip, since - 5);
    expect(await lab.vipHolders()).toEqual([n1]);
    const lines = tolerant(r.stderr);
    expect(lines.find((l) => l.event === 'log-file-error')?.msg, r.stderr).toMatch(why);
    expect(lines.map((l) => l.event)).toEqual(expect.arrayContaining(['bind', 'announce']));
  });

  it('the hook with a broken stderr (EPIPE) and a full log filesystem still binds and exits 0', async () => {
    const n1 = lab.host('n1');
    await unbind(n1);
    const since = Date.now();
    const dir = logDir(n1);
    const argv = ['netns', 'exec', n1.ns, 'env', ...Object.entries({ ...lab.nodeEnv(n1), VIPCTL_LOG_FILE: join(dir, 'vipctl.log') }).map(([k, v]) => `${k}=${v}`), ...inPrivateMounts(fullTmpfs(dir), [process.execPath, lab.hookPath, ...hookArgs(n1)])];
    const child = spawn('ip', argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.destroy(); // the reading end closed: every write to stderr is EPIPE
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    await mon.added(n1.name, lab.topo.vip, since - 5);
    expect(await lab.vipHolders()).toEqual([n1]);
  });

  it('watchers whose log filesystems are full survive a SIGKILL failover: the VIP moves, released first, no acknowledged write lost', async () => {
    const metricsConfig = configVariant(lab, 'metrics', (y) => `${y}metrics:\n  listen: 127.0.0.1:9477\n`);
    for (const n of lab.topo.nodes) {
      const dir = join(lab.nodeDir(n), 'watchfs');
      watchers.set(n.name, await startWatchIn(lab, n, fullTmpfs(dir), 'fault-watch', { VIPCTL_LOG_FILE: join(dir, 'vipctl.log'), VIPCTL_CONFIG: metricsConfig }));
    }
    const old = await settledOn(lab, 30_000);
    expect(old).toBe(lab.host('n1'));
    await waitFor('every watcher subscribed to the 3 Sentinels', async () => lab.topo.nodes.every((n) => outLines(lab, n, 'fault-watch').filter((l) => l.event === 'sentinel-up').length >= 3), 30_000, 100);
    for (const n of lab.topo.nodes) expect(outLines(lab, n, 'fault-watch').find((l) => l.event === 'log-write-error'), n.name).toMatchObject({ target: 'file', error: 'ENOSPC' });
    await replicasInSync(lab, old);
    const client = incrClient(lab, 'vipctl:fault-disk');
    try {
      await waitFor('writes through the VIP', async () => client.replies().length > 20, 10_000);
      const since = Date.now();
      const f = await lab.failover('sigkill');
      expect(f.node).toBe(old);
      const next = await newMasterWithVip(lab, old, 40_000);
      await sleep(1000); // writes go on through the new master
      const values = (await client.stop()).map((r) => r.v);
      expect(lostWrites(values), 'acknowledged INCRs lost').toBe(0);
      expect(client.replies().filter((r) => r.t > f.at + 100).length).toBeGreaterThan(10);
      expectReleasedBeforeBound(mon, lab.topo.vip, old, next, since - 5);
      // every watcher still runs, and their stderr has the actions
      for (const [name, pid] of watchers) expect(running(pid), `watcher on ${name}`).toBe(true);
      expect(outLines(lab, next, 'fault-watch').some((l) => l.event === 'bind' && Date.parse(String(l.time)) >= since)).toBe(true);
      expect(outLines(lab, old, 'fault-watch').some((l) => l.event === 'unbind' && Date.parse(String(l.time)) >= since)).toBe(true);
      // the failed writes are counted on /metrics
      const m = await lab.exec(next, ['curl', '-sf', 'http://127.0.0.1:9477/metrics']);
      expect(Number(m.stdout.match(/^vipctl_log_write_errors_total (\d+)$/m)?.[1]), m.stdout).toBeGreaterThan(0);
    } finally {
      await client.stop();
    }
  });
});
