/**
 * Fault: the watcher on the new master's host killed (SIGKILL) between +selected-slave and the
 * promotion, so no watcher there sees its Redis turn master; the test restarts it (as systemd's
 * Restart= would) once every Sentinel names its host. The restarted watcher, which never saw the
 * failover, must bind at once: within moments of its start, not at some later pass or event.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { describeLab } from './support';
import { expectSettledTimeline, faultLab, lostWrites, replicaOf, sentinelEvent, writesGoOn, type FaultLab } from './fault-lab';
import { nodeLog, replicasInSync, sentinelHistory, waitExit } from './watch-support';

/** How many times the race (kill after +selected-slave, before the promotion) may be lost before the test gives up. */
const ATTEMPTS = 3;

describeLab('fault: the new master host watcher killed mid-failover (watch)', () => {
  let f: FaultLab;
  beforeAll(async () => {
    f = await faultLab('watch');
  });
  afterAll(async () => {
    await f?.down();
  });

  it('SIGKILL between +selected-slave and the promotion, then restarted: it binds at once', async () => {
    const { lab, mon } = f;
    let target: LabHost | undefined;
    let since = 0;
    let killedAt = 0;
    for (let attempt = 1; attempt <= ATTEMPTS && !target; attempt++) {
      const master = await lab.waitSettled(60_000);
      await replicasInSync(lab, master);
      since = Date.now();
      const selected = f.probe.next(sentinelEvent('+selected-slave'), 40_000);
      await lab.failover('sigkill');
      const e = await selected;
      const chosen = replicaOf(lab, e);
      expect(chosen, e.message).toBeDefined();
      const pid = lab.kill(chosen!, 'watch');
      killedAt = Date.now();
      await waitExit(pid);
      const promoted = await f.probe.next((x) => x.kind === 'role-master' && x.node === chosen!.ip, 30_000, since);
      // won when the client saw the promotion after the kill and the kernel shows no bind there (the
      // dead watcher's own ROLE poll could have seen it a few ms before the client did)
      const boundBefore = mon.of(lab.topo.vip).some((x) => x.t >= since && x.host === chosen!.name && x.op === 'add');
      if (promoted.t > killedAt && !boundBefore) {
        target = chosen;
        break;
      }
      // lost the race (the promotion came first): put everything back and try again
      await lab.startWatch(chosen!);
      await settle(f, master);
    }
    expect(target, `the kill never landed before the promotion in ${ATTEMPTS} attempts`).toBeDefined();
    const host = target!;
    // Restarted once every Sentinel names its host (their +switch-master to it): no event is left
    // that would make it act, so what binds is its own start, which must not wait for anything.
    const to = new RegExp(` ${host.ip.replaceAll('.', '\\.')} 6379$`);
    const switched = (): number => new Set(f.probe.events.filter((x) => x.kind === 'sentinel' && x.channel === '+switch-master' && x.t >= since && to.test(x.message ?? '')).map((x) => x.from)).size;
    await waitFor('every Sentinel to name the new master', async () => switched() === lab.topo.nodes.length, 30_000, 20);
    expect(mon.of(lab.topo.vip).filter((x) => x.t >= killedAt && x.host === host.name && x.op === 'add'), 'bound with no watcher').toEqual([]);
    const restarted = await lab.startWatch(host);
    const started = await waitFor('the restarted watcher to start', async () => nodeLog(lab, host).find((l) => l.event === 'watch-start' && l.pid === restarted), 20_000);
    const add = await mon.added(host.name, lab.topo.vip, killedAt, 30_000);
    const startAt = Date.parse(String(started.time));
    expect(add - startAt, `bound ${Math.round(add - startAt)} ms after the restarted watcher's start line\n${sentinelHistory(lab)}`).toBeLessThan(2000);

    await expectSettledTimeline(f, host);
    await writesGoOn(f, since);
    expect(lostWrites(f.probe), 'acknowledged writes lost').toEqual([]);
  });
});

/** After a lost race: the old master back as a replica, the cluster quiet again. */
async function settle(f: FaultLab, old: LabHost): Promise<void> {
  await f.lab.heal(old);
  await f.lab.waitSettled(60_000);
}
