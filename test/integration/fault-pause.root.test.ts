/**
 * Fault: the master paused (SIGSTOP) past down-after-milliseconds, then resumed, with the hook
 * and the watcher on every node. The Sentinels fail over while it sleeps; when it wakes it still
 * answers ROLE as master until Sentinel converts it: it must never take the VIP back. Asserted
 * from the kernel's timeline (ip monitor address) and the client's acknowledged writes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sleep, waitFor } from '../../src/lab/lab';
import { describeLab } from './support';
import { expectSettledTimeline, faultLab, lostWrites, writesGoOn, type FaultLab } from './fault-lab';
import { newMasterWithVip, nodeLog, replicasInSync, sentinelHistory } from './watch-support';

describeLab('fault: the master paused past down-after, then resumed (hook and watch)', () => {
  let f: FaultLab;
  let paused: (() => void) | null = null;
  beforeAll(async () => {
    f = await faultLab('both');
  });
  afterAll(async () => {
    paused?.();
    await f?.down();
  });

  it('the VIP moves to the new master, and the resumed master never takes it back', async () => {
    const { lab, mon } = f;
    const old = await lab.waitSettled(30_000);
    await replicasInSync(lab, old);
    const t0 = Date.now();
    lab.pause(old);
    paused = () => lab.resume(old);
    // paused until the Sentinels have failed over and the VIP is on the new master only
    const next = await newMasterWithVip(lab, old, 40_000);
    const resumedAt = Date.now();
    expect(resumedAt - t0, 'paused past down-after-milliseconds (1000)').toBeGreaterThan(1000);
    lab.resume(old);
    paused = null;
    // Sentinel converts the old master into a replica of the new one once it answers again
    await waitFor(`${old.name} to be a replica again`, async () => (await lab.redisRole(old)) === 'slave', 30_000, 50);
    // the old host's hook ran for the failover (mode both), and its watcher saw the switch
    await waitFor(`the hook to run on ${old.name}`, async () => nodeLog(lab, old).some((l) => l.cmd === 'hook' && Date.parse(String(l.time)) >= t0), 30_000);
    await sleep(2000); // a window after the conversion in which a wrong take-back would show
    await writesGoOn(f, t0);

    const del = mon.of(lab.topo.vip).find((e) => e.t >= t0 && e.host === old.name && e.op === 'del');
    expect(del, 'the paused master released the VIP').toBeDefined();
    const back = mon.of(lab.topo.vip).filter((e) => e.t >= del!.t && e.host === old.name && e.op === 'add');
    expect(back, `the resumed master took the VIP back\n${sentinelHistory(lab)}`).toEqual([]);
    await expectSettledTimeline(f, next);
    expect(lostWrites(f.probe), 'acknowledged writes lost').toEqual([]);
    for (const n of lab.topo.nodes) expect(nodeLog(lab, n).filter((l) => l.level === 'error' && Date.parse(String(l.time)) >= t0), n.name).toEqual([]);
  });
});
