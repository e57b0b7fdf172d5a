/**
 * Fault: an aborted failover. Every replica has replica-priority 0 (Sentinel may promote none);
 * the master is paused past down-after-milliseconds, the Sentinels try a failover and abort it
 * (-failover-abort-no-good-slave), then the master resumes. The watcher on the master's host
 * lets go of the VIP when the failover starts; the abort must end that at once (not the failover
 * timeout), and the VIP must come back to the master, never anywhere else.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLab } from './support';
import { expectSettledTimeline, faultLab, lostWrites, sentinelEvent, writesGoOn, type FaultLab } from './fault-lab';
import { replicasInSync, sentinelHistory } from './watch-support';
import { DEFAULT_TIMINGS } from '../../src/lab/files';

describeLab('fault: an aborted failover (watch)', () => {
  let f: FaultLab;
  let paused: (() => void) | null = null;
  beforeAll(async () => {
    f = await faultLab('watch');
  });
  afterAll(async () => {
    paused?.();
    await f?.down();
  });

  it('no replica may be promoted: the VIP comes back to / stays on the master', async () => {
    const { lab, mon } = f;
    const master = await lab.waitSettled(30_000);
    await replicasInSync(lab, master);
    for (const r of lab.topo.nodes.filter((n) => n !== master)) await lab.setReplicaPriority(r, 0);
    const t0 = Date.now();
    lab.pause(master);
    paused = () => lab.resume(master);
    const abort = await f.probe.next(sentinelEvent('-failover-abort-no-good-slave'), 40_000, t0);
    lab.resume(master);
    paused = null;

    const end = await expectSettledTimeline(f, master, 30_000);
    expect(end, sentinelHistory(lab)).toBe(master);
    const ev = mon.of(lab.topo.vip).filter((e) => e.t >= t0);
    expect(ev.filter((e) => e.host !== master.name), 'the VIP went to another host').toEqual([]);
    // Released when the failover started (or kept): when released, back within a few seconds of
    // the abort, well before the failover timeout would have ended the hold-off by itself.
    const del = ev.find((e) => e.op === 'del');
    if (del) {
      const back = ev.find((e) => e.op === 'add' && e.t >= del.t);
      expect(back, JSON.stringify(ev)).toBeDefined();
      expect(back!.t - abort.t, `back on the master ${Math.round(back!.t - abort.t)} ms after the abort`).toBeLessThan(DEFAULT_TIMINGS.failoverTimeoutMs / 2);
    }
    await writesGoOn(f, t0);
    expect(lostWrites(f.probe), 'acknowledged writes lost').toEqual([]);
  });
});
