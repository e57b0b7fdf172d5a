/**
 * Fault suite: `ip` hanging. A root-owned script is bound over the ip binary
 * in a private mount namespace of the process under test only (the root
 * namespace, the Sentinels and the other watchers keep the real one). The
 * hook must exit 1 by itself well before Sentinel's 60 s kill, naming the
 * command, leaving no process behind; after an `ip addr add` that did its
 * work and then hung, it must read the links again and announce. A watcher
 * whose ip hangs through a failover logs it and binds once ip answers again.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { running } from '../../src/adapters/proc';
import { waitFor, type Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { arpingPids, describeLab, pidsIn, settledOn, upLab } from './support';
import { AddrMonitor, expectReleasedBeforeBound, killPid, newMasterWithVip, nodeLog, replicasInSync, watchersSubscribed } from './watch-support';
import { bindOverIp, hookIn, incrClient, ipWrapper, lostWrites, realIpPath, startWatchIn, tolerant } from './fault-support';

/** Sentinel kills a client-reconfig-script after 60 s; the hook must be done well before. */
const SENTINEL_SCRIPT_KILL_MS = 60_000;

describeLab('fault: ip hangs (root)', () => {
  let lab: Lab;
  let mon: AddrMonitor;
  let wrapper: ReturnType<typeof ipWrapper>;
  let watcher: number | undefined;
  beforeAll(async () => {
    lab = await upLab({ mode: 'none' });
    mon = await AddrMonitor.start(lab);
    const dir = join(lab.dir, 'ip-hang');
    mkdirSync(dir, { mode: 0o755 });
    wrapper = ipWrapper(dir);
  });
  afterAll(async () => {
    killPid(watcher);
    mon?.stop();
    await lab?.down();
  });

  const flag = (path: string, on: boolean): void => (on ? writeFileSync(path, '') : rmSync(path, { force: true }));
  const hungSleeps = (n: LabHost): Promise<number[]> => pidsIn(n, (argv) => argv.length === wrapper.sleepArgv.length && argv.every((a, i) => a === wrapper.sleepArgv[i]));
  const hookArgs = (to: LabHost): string[] => ['mymaster', 'leader', 'start', lab.host('n3').ip, '6379', to.ip, '6379'];

  it('every ip call hangs: the hook exits 1 on its own, well under 60 s, naming the command, and leaves no process behind', async () => {
    const n1 = lab.host('n1');
    flag(wrapper.hangAll, true);
    try {
      const started = performance.now();
      const r = await hookIn(lab, n1, bindOverIp(wrapper.path), hookArgs(n1));
      const took = performance.now() - started;
      expect(r.exitCode, r.stderr).toBe(1);
      expect(took).toBeLessThan(SENTINEL_SCRIPT_KILL_MS - 15_000);
      const error = tolerant(r.stderr).find((l) => l.event === 'error');
      expect(error, r.stderr).toMatchObject({ exitCode: 1, code: 'EXEC', reason: expect.stringMatching(/^ip addr add \S+ dev \S+: timed out after \d+ ms/) }); // its first ip call: the links are read without ip where os.networkInterfaces() is whole (the lab's nodes)
      expect(await hungSleeps(n1)).toEqual([]);
      expect(await lab.vipHolders()).toEqual([]);
    } finally {
      flag(wrapper.hangAll, false);
    }
  });

  it('ip addr add adds, then hangs: the hook reads the links again, announces the VIP it finds, exits 1 naming the command', async () => {
    const n1 = lab.host('n1');
    flag(wrapper.hangAfterAdd, true);
    try {
      const since = Date.now();
      const started = performance.now();
      const r = await hookIn(lab, n1, bindOverIp(wrapper.path), hookArgs(n1));
      expect(performance.now() - started).toBeLessThan(SENTINEL_SCRIPT_KILL_MS - 15_000);
      expect(r.exitCode, r.stderr).toBe(1);
      await mon.added(n1.name, lab.topo.vip, since - 5);
      expect(await lab.vipHolders()).toEqual([n1]);
      const lines = tolerant(r.stderr);
      expect(lines.find((l) => l.event === 'error'), r.stderr).toMatchObject({ code: 'EXEC', reason: expect.stringMatching(/^ip addr add 198\.18\.0\.100\/24 dev \S+: timed out after \d+ ms/) });
      expect(lines.find((l) => l.event === 'bound-after-timeout'), r.stderr).toMatchObject({ announce: true });
      expect(lines.find((l) => l.event === 'announce'), r.stderr).toMatchObject({ pid: expect.any(Number) });
      expect(await arpingPids(n1)).not.toEqual([]);
      expect(await hungSleeps(n1)).toEqual([]);
    } finally {
      flag(wrapper.hangAfterAdd, false);
    }
  });

  it("a watcher whose ip hangs through a failover logs the command, binds once ip answers, and keeps running", async () => {
    const [n1, n2, n3] = [lab.host('n1'), lab.host('n2'), lab.host('n3')];
    const logStart = Date.now();
    await lab.startWatch(n1);
    await lab.startWatch(n3);
    watcher = await startWatchIn(lab, n2, bindOverIp(wrapper.path), 'fault-watch');
    expect(await settledOn(lab, 30_000)).toBe(n1);
    await watchersSubscribed(lab, 30_000, logStart);
    await replicasInSync(lab, n1);
    // n2 is the only replica Sentinel may promote
    expect((await lab.redisCli(n3.ip, 6379, ['CONFIG', 'SET', 'replica-priority', '0'])).stdout).toBe('OK');
    const client = incrClient(lab, 'vipctl:fault-ip');
    try {
      await waitFor('writes through the VIP', async () => client.replies().length > 20, 10_000);
      flag(wrapper.hangAll, true);
      const since = Date.now();
      await lab.failover('sigkill');
      // the new master's watcher cannot bind while ip hangs: it says which command timed out
      const timedOut = await waitFor('n2 to log an ip that timed out', async () => nodeLog(lab, n2).find((l) => l.event === 'error' && Date.parse(String(l.time)) >= since && /^ip .*timed out after \d+ ms/.test(String(l.reason))) ?? null, 60_000, 200);
      expect(timedOut).toMatchObject({ cmd: 'watch', exitCode: 1, master: 'mymaster' });
      expect((await lab.vipHolders()).includes(n2)).toBe(false);
      flag(wrapper.hangAll, false);
      const next = await newMasterWithVip(lab, n1, 60_000);
      expect(next).toBe(n2);
      expectReleasedBeforeBound(mon, lab.topo.vip, n1, n2, since - 5);
      expect(running(watcher)).toBe(true);
      // the calls that hung were killed with their children
      await waitFor('no hung ip left on n2', async () => (await hungSleeps(n2)).length === 0, 20_000, 200);
      const values = (await client.stop()).map((r) => r.v);
      expect(lostWrites(values), 'acknowledged INCRs lost').toBe(0);
    } finally {
      flag(wrapper.hangAll, false);
      await client.stop();
    }
  });

  it('nothing of the wrapper is mounted in the root namespace', () => {
    expect(existsSync(wrapper.path)).toBe(true);
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
    expect(mounts).not.toContain(realIpPath());
  });
});
