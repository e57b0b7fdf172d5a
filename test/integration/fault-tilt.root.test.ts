/**
 * Fault: one replica's Sentinel in TILT (paused 3 s: on resume its timer has jumped past
 * Sentinel's 2 s trigger, and it stays in TILT for 30 s, neither voting nor acting) when the
 * master dies. The two other Sentinels are a majority: they fail over, and the VIP must follow
 * the promotion, never on two hosts, no acknowledged write lost.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sleep } from '../../src/lab/lab';
import { SENTINEL_PORT } from '../../src/lab/topology';
import { describeLab } from './support';
import { expectSettledTimeline, faultLab, lostWrites, writesGoOn, type FaultLab } from './fault-lab';
import { expectReleasedBeforeBound, newMasterWithVip, replicasInSync, sentinelHistory } from './watch-support';

describeLab('fault: a Sentinel in TILT when the master dies (watch)', () => {
  let f: FaultLab;
  let paused: (() => void) | null = null;
  beforeAll(async () => {
    f = await faultLab('watch');
  });
  afterAll(async () => {
    paused?.();
    await f?.down();
  });

  it('the VIP follows the promotion the two other Sentinels make', async () => {
    const { lab, mon } = f;
    const master = await lab.waitSettled(30_000);
    await replicasInSync(lab, master);
    const tilted = lab.topo.nodes.find((n) => n !== master)!;
    const from = `${tilted.ip}:${SENTINEL_PORT}`;
    const t0 = Date.now();
    lab.pause(tilted, 'sentinel');
    paused = () => lab.resume(tilted, 'sentinel');
    await sleep(3000); // the point: time passing while its timer does not run
    lab.resume(tilted, 'sentinel');
    paused = null;
    const tilt = await f.probe.next((e) => e.kind === 'sentinel' && e.channel === '+tilt' && e.from === from, 20_000, t0);

    const since = Date.now();
    // a Sentinel unreachable for 3 s, then in TILT, is one of three: the VIP did not move for it
    expect(mon.of(lab.topo.vip).filter((e) => e.t >= t0), 'the VIP moved before the master died').toEqual([]);
    expect(await lab.vipHolders()).toEqual([master]);
    const hit = await lab.failover('sigkill');
    expect(hit.node).toBe(master);
    const next = await newMasterWithVip(lab, master, 40_000);
    // the failover happened while that Sentinel was still in TILT (30 s)
    const untilt = f.probe.events.find((e) => e.kind === 'sentinel' && e.channel === '-tilt' && e.from === from && e.t >= tilt.t);
    const switched = f.probe.events.find((e) => e.kind === 'sentinel' && e.channel === '+switch-master' && e.t >= since);
    expect(switched, sentinelHistory(lab)).toBeDefined();
    expect(untilt === undefined || untilt.t > switched!.t, `TILT ended before the failover\n${sentinelHistory(lab)}`).toBe(true);

    expectReleasedBeforeBound(mon, lab.topo.vip, master, next, since);
    // the VIP follows the promotion: on the new master within a few seconds of it answering ROLE as master
    const promoted = await f.probe.next((e) => e.kind === 'role-master' && e.node === next.ip, 10_000, since);
    const add = mon.of(lab.topo.vip).find((e) => e.t >= since && e.op === 'add' && e.host === next.name)!;
    expect(add.t - promoted.t, sentinelHistory(lab)).toBeLessThan(3000);
    await expectSettledTimeline(f, next);
    await writesGoOn(f, since);
    expect(lostWrites(f.probe), 'acknowledged writes lost').toEqual([]);
  });
});
