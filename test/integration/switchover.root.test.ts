/**
 * `vipctl switchover` in the lab (watch on every node): run from a replica's
 * host, it moves the master and follows until the VIP reaches the new
 * master's Redis; --json gives the moments; with every replica at
 * replica-priority 0 it refuses (exit 1) and changes nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import { waitFor, type Lab } from '../../src/lab/lab';
import { REDIS_PORT, type LabHost } from '../../src/lab/topology';
import { configVariant, describeLab, settledOn, upLab } from './support';
import { replicasInSync, watchersSubscribed } from './watch-support';

describeLab('vipctl switchover (root)', () => {
  let lab: Lab;
  /** The watchers' least-privilege Sentinel user may not fail over: the operator's config names the default user (same password in the lab). */
  let admin: string;
  const switchover = (host: LabHost, args: string[] = []) => lab.vipctl(host, ['--config', admin, 'switchover', ...args]);
  beforeAll(async () => {
    lab = await upLab({ mode: 'watch' });
    admin = configVariant(lab, 'admin', (y) => y.replace(/^ {2}username: vipctl\n/m, ''));
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('from a replica host: SENTINEL FAILOVER, the moments as they come, exit 0 once the VIP reaches the new master', async () => {
    const old = await lab.waitSettled();
    await replicasInSync(lab, old);
    await watchersSubscribed(lab);
    const from = lab.topo.nodes.find((n) => n !== old)!;
    const r = await switchover(from, ['--timeout', '25']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\+\s+0 ms {2}SENTINEL FAILOVER sent/);
    expect(r.stdout).toMatch(/replica selected for promotion/);
    // +promoted-slave comes when the leader next reads the replica's INFO: often after the watcher has bound the VIP
    const done = /done: the VIP reaches the new master (\S+) \((\d+) ms after the request\)/.exec(r.stdout);
    expect(done, r.stdout).not.toBeNull();
    const next = await settledOn(lab, 30_000);
    expect(next).not.toBe(old);
    expect(done![1]).toBe(`${next.ip}:${REDIS_PORT}`);
  });

  it('--json from the new master host: the moments in ms from the request, in order', async () => {
    const old = await lab.waitSettled();
    await replicasInSync(lab, old);
    const to = lab.topo.nodes.find((n) => n !== old)!;
    const r = await switchover(to, ['--json', '--timeout', '25']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { ok: boolean; from: string; to: string; msFromRequest: Record<string, number> };
    expect(j).toMatchObject({ ok: true, from: `${old.ip}:${REDIS_PORT}` });
    const ms = j.msFromRequest;
    expect(ms.sent).toBe(0);
    for (const k of ['selected', 'released', 'bound']) expect(ms[k], k).toBeGreaterThanOrEqual(0);
    expect(ms.selected!).toBeLessThanOrEqual(ms.bound!);
    expect(ms.released!).toBeLessThanOrEqual(ms.bound!);
    expect(await settledOn(lab, 30_000)).toBe(lab.nodeByIp(j.to.split(':')[0]!));
  });

  it("with watch's least-privilege user: refused before anything is done, and the message names the ACL rules", async () => {
    const master = await lab.waitSettled();
    const r = await lab.vipctl(lab.topo.nodes.find((n) => n !== master)!, ['switchover']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/failed: cannot list the replicas of mymaster: SENTINEL REPLICAS: NOPERM .*ACL SETUSER vipctl \+sentinel\|replicas \+sentinel\|failover/);
    expect(await lab.sentinelMaster()).toBe(master);
  });

  it('refuses (exit 1, nothing done) when no replica may be promoted', async () => {
    const master = await lab.waitSettled();
    const replicas = lab.topo.nodes.filter((n) => n !== master);
    for (const n of replicas) await lab.redisCli(n.ip, REDIS_PORT, ['CONFIG', 'SET', 'replica-priority', '0']);
    try {
      // Sentinel reads the priority from INFO every 10 s
      await waitFor('the Sentinels to see priority 0 on every replica', async () => {
        const r = await lab.redisCli(master.ip, 26379, ['SENTINEL', 'REPLICAS', lab.master().name]);
        return (r.stdout.match(/^slave-priority\n0$/gm) ?? []).length === replicas.length ? true : null;
      }, 30_000, 500);
      const r = await switchover(replicas[0]!);
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/failed: no replica of mymaster in sync that Sentinel may promote: .*priority 0/);
      expect(r.stdout).not.toMatch(/SENTINEL FAILOVER sent/);
      expect(await lab.sentinelMaster()).toBe(master);
    } finally {
      for (const n of replicas) await lab.redisCli(n.ip, REDIS_PORT, ['CONFIG', 'SET', 'replica-priority', '100']);
    }
  });
});

describeLab('vipctl switchover when nothing moves the VIP (root)', () => {
  let lab: Lab;
  let admin: string;
  beforeAll(async () => {
    lab = await upLab({ mode: 'none' });
    admin = configVariant(lab, 'admin', (y) => y.replace(/^ {2}username: vipctl\n/m, ''));
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('does not take the old master, still answering ROLE master through the VIP for a moment, for the new one: exit 1 at the timeout', async () => {
    const old = await lab.sentinelMaster();
    expect(old).not.toBeNull();
    await run(['ip', '-n', old!.ns, 'addr', 'add', lab.topo.vipCidr, 'dev', old!.ifname]);
    await replicasInSync(lab, old!);
    const r = await lab.vipctl(old!, ['--config', admin, 'switchover', '--timeout', '8']);
    expect(r.exitCode, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/replica selected for promotion/);
    expect(r.stdout).toMatch(/failed: timeout after 8 s: /);
    expect(r.stdout).not.toMatch(/the VIP reaches the new master/);
    expect(await lab.vipHolders()).toEqual([old]);
  });
});
