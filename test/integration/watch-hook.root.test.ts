/**
 * The hook (Sentinel's client-reconfig-script) and `vipctl watch` both
 * active on every node through a failover: they share the per-VIP lock and
 * their actions are idempotent, so they never fight.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sleep, waitFor, type Lab } from '../../src/lab/lab';
import { describeLab, upLab } from './support';
import { AddrMonitor, nodeLog, newMasterWithVip, sentinelHistory, settledOn } from './watch-support';

const ACTIONS = new Set(['bind', 'unbind', 'announce', 'stop-announce', 'noop']);

describeLab('hook and watch together (root)', () => {
  let lab: Lab;
  let mon: AddrMonitor;
  beforeAll(async () => {
    lab = await upLab({ mode: 'both' }); // the hook in every Sentinel, a watcher on every node
    mon = await AddrMonitor.start(lab);
  });
  afterAll(async () => {
    mon?.stop();
    await lab?.down();
  });

  it('through a SIGKILL failover: one holder at the end, never two, and no pass interleaved with another', async () => {
    const old = await settledOn(lab, 15_000);
    await sleep(1000);
    const since = Date.now();
    await lab.failover('sigkill');
    const next = await newMasterWithVip(lab, old, 40_000);
    // the hooks run on every node after +switch-master: wait until each has logged
    await waitFor('the hook to run on every node', async () => lab.topo.nodes.every((n) => nodeLog(lab, n).some((l) => l.cmd === 'hook' && Date.parse(String(l.time)) >= since)), 20_000);
    await sleep(1500);
    expect(await lab.vipHolders(), sentinelHistory(lab)).toEqual([next]);
    expect(mon.maxHolders(lab.topo.vip, [old.name], since)).toBe(1);

    for (const n of lab.topo.nodes) {
      const actions = nodeLog(lab, n).filter((l) => ACTIONS.has(String(l.event)) && Date.parse(String(l.time)) >= since);
      const hookPids = new Set(actions.filter((l) => l.cmd === 'hook').map((l) => l.pid));
      expect(hookPids.size, n.name).toBeGreaterThan(0);
      expect(actions.some((l) => l.cmd === 'watch'), n.name).toBe(true);
      // each hook run's lines form one block: the lock kept the watcher's passes out of it
      for (const pid of hookPids) {
        const idx = actions.flatMap((l, i) => (l.pid === pid ? [i] : []));
        expect(idx.at(-1)! - idx[0]! + 1, `${n.name}: hook ${String(pid)} interleaved`).toBe(idx.length);
      }
    }
  });
});
