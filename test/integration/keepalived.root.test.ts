/**
 * keepalived made Sentinel-aware with `vipctl check` (Debian's keepalived,
 * VRRP multicast on the lab's segment, the README's keepalived.conf on every
 * node; no vipctl watch or hook: lab mode none). The VIP must follow the
 * Sentinels' master through a SIGKILL failover, and a paused old master that
 * comes back (still saying role:master for a while) must never win it back.
 * Who held the VIP when comes from the kernel (ip monitor address).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor, type Lab } from '../../src/lab/lab';
import { writeKeepalivedConf } from '../../src/lab/keepalived';
import { onPath } from '../../src/lab/prereqs';
import type { LabHost } from '../../src/lab/topology';
import { describeLab, upLab, settledOn } from './support';
import { AddrMonitor } from './watch-support';

describeLab('keepalived with vipctl check (root)', () => {
  let lab: Lab;
  let mon: AddrMonitor;
  beforeAll(async () => {
    // .ci/run installs it; elsewhere say how, rather than fail somewhere inside keepalived's start
    if (!onPath('keepalived', process.env.PATH ?? '')) throw new Error('this test needs Debian\'s keepalived: apt-get install keepalived');
    lab = await upLab({ mode: 'none' });
    mon = await AddrMonitor.start(lab);
    for (const n of lab.topo.nodes) {
      writeKeepalivedConf(lab.nodeDir(n), { vipctl: lab.hookPath, config: lab.configPath, master: lab.master().name, vipCidr: lab.topo.vipCidr, interface: n.ifname, virtualRouterId: 51, timeoutSeconds: 15 }); // a loaded CI machine can take seconds to start node
      await lab.startKeepalived(n);
    }
  });
  afterAll(async () => {
    mon?.stop();
    await lab?.down();
  });

  /** The hosts keepalived has put the VIP on since `since`, in order of their first add. */
  const addedOn = (since: number): string[] => [...new Set(mon.of(lab.topo.vip).filter((c) => c.op === 'add' && c.t >= since).map((c) => c.host))];

  it('vipctl check: 0 on the master host, quiet; 1 elsewhere with the reason; 2 for an unknown master', async () => {
    const master = await lab.sentinelMaster();
    expect(master).not.toBeNull();
    for (const n of lab.topo.nodes) {
      const r = await lab.vipctl(n, ['check', lab.master().name]);
      if (n === master) expect({ code: r.exitCode, out: r.stdout, err: r.stderr }).toEqual({ code: 0, out: '', err: '' });
      else {
        expect(r.exitCode, n.name).toBe(1);
        expect(r.stderr).toMatch(/is not here: master .* is another host \(3\/3 Sentinels agree\)/);
      }
    }
    expect((await lab.vipctl(master!, ["check", "nosuchmaster"])).exitCode).toBe(2);
  });

  it('keepalived puts the VIP on the Sentinel master only', async () => {
    expect(await settledOn(lab, 30_000)).toBe(lab.host('n1'));
  });

  it('a SIGKILL failover: the VIP follows the new master', async () => {
    const old = await settledOn(lab);
    const since = Date.now();
    await lab.failover('sigkill');
    const next = await waitFor('a new master with the VIP', async () => {
      const m = await settledOn(lab, 40_000);
      return m !== old ? m : null;
    }, 40_000);
    expect(addedOn(since)).toEqual([next.name]);
    await lab.healAll();
    // the old master comes back as a replica: the VIP stays where it is
    await waitFor('the old master replicating', async () => ((await lab.redisRole(old)) === 'slave' ? true : null), 30_000);
    expect(await settledOn(lab)).toBe(next);
    expect(addedOn(since)).toEqual([next.name]);
  });

  it('a paused old master that resumes (still role:master for a while) never wins the VIP back', async () => {
    const old = await settledOn(lab);
    const since = Date.now();
    await lab.failover('sigstop');
    const next: LabHost = await waitFor('a new master with the VIP', async () => {
      const m = await settledOn(lab, 40_000);
      return m !== old ? m : null;
    }, 40_000);
    await lab.heal(old); // SIGCONT: it says role:master until Sentinel converts it
    // keepalived acts on check's exit code alone: on the old host it must fail at every moment of that window.
    let checks = 0;
    await waitFor('the old master converted to a replica', async () => {
      const r = await lab.vipctl(old, ['check', lab.master().name]);
      expect(r.exitCode, r.stderr).toBe(1);
      checks++;
      return (await lab.redisRole(old)) === 'slave' ? true : null;
    }, 40_000, 200);
    expect(checks).toBeGreaterThan(0);
    expect(addedOn(since)).toEqual([next.name]);
    expect(await lab.vipHolders()).toEqual([next]);
  });
});
