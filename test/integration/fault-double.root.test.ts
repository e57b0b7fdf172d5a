/**
 * Fault: two failovers in quick succession. The master is killed; the new master is killed the
 * moment the kernel shows the VIP on it. The VIP must follow to the master the Sentinels settle
 * on, never on two hosts at once, and no write acknowledged through the VIP may vanish but those
 * the short-lived master acknowledged before it died unreplicated (what no VIP mover can save).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../src/lab/lab';
import { describeLab } from './support';
import { expectSettledTimeline, faultLab, lostWrites, writesGoOn, type FaultLab } from './fault-lab';
import { replicasInSync, sentinelHistory } from './watch-support';

describeLab('fault: two failovers in quick succession (watch)', () => {
  let f: FaultLab;
  beforeAll(async () => {
    f = await faultLab('watch');
  });
  afterAll(async () => {
    await f?.down();
  });

  it('the new master killed as soon as it holds the VIP: the VIP follows the second promotion', async () => {
    const { lab, mon } = f;
    const first = await lab.waitSettled(30_000);
    await replicasInSync(lab, first);
    const hit = await lab.failover('sigkill');
    expect(hit.node).toBe(first);
    // the kernel's add on the new master: kill it there and then (polled in-process, no spawn)
    const add = await waitFor('the VIP on another host', async () => mon.of(lab.topo.vip).find((e) => e.t >= hit.at && e.op === 'add' && e.host !== first.name), 40_000, 2);
    const second = lab.host(add.host);
    lab.kill(second, 'redis');
    const killedAt = Date.now();
    const third = lab.topo.nodes.find((n) => n !== first && n !== second)!;

    const end = await expectSettledTimeline(f, third, 60_000);
    expect(end, sentinelHistory(lab)).toBe(third); // the only node with a live Redis
    await writesGoOn(f, hit.at);
    // released before bound on every move: the kernel's del on `second` precedes the add on `third`
    const ev = mon.of(lab.topo.vip).filter((e) => e.t >= add.t);
    const delSecond = ev.find((e) => e.host === second.name && e.op === 'del');
    const addThird = ev.find((e) => e.host === third.name && e.op === 'add');
    expect(delSecond && addThird && delSecond.t <= addThird.t, JSON.stringify(ev)).toBe(true);
    // Lost: only writes `second` acknowledged in its few ms as master, before its replica had them.
    const lost = lostWrites(f.probe, hit.at).filter((e) => !(e.highestAt !== undefined && e.highestAt >= add.t - 5 && e.highestAt <= killedAt + 5));
    expect(lost, 'acknowledged writes lost outside the short-lived master').toEqual([]);
  });
});
