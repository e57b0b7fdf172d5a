/**
 * The hook (Sentinel's client-reconfig-script) and `vipctl watch` both
 * active on every node through a failover: they share the per-VIP lock and
 * their actions are idempotent, so they never fight.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor, type Lab } from '../../src/lab/lab';
import { describeLab, pidsIn, upLab } from './support';
import { AddrMonitor, nodeLog, newMasterWithVip, sentinelHistory, settledOn, watchersSubscribed } from './watch-support';

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
    // every Sentinel agreeing, both replicas known and online, and every watcher listening before the failover
    const old = await lab.waitSettled(30_000);
    await watchersSubscribed(lab);
    const since = Date.now();
    await lab.failover('sigkill');
    const next = await newMasterWithVip(lab, old, 40_000);
    // the hooks run on every node after +switch-master: wait until each has logged
    await waitFor('the hook to run on every node', async () => lab.topo.nodes.every((n) => nodeLog(lab, n).some((l) => l.cmd === 'hook' && Date.parse(String(l.time)) >= since)), 20_000);
    // and every hook run is over (its lines are all written), and every node's watcher has acted since the failover
    await waitFor('no hook running and a watcher pass on every node', async () => {
      for (const n of lab.topo.nodes) if ((await pidsIn(n, (argv) => argv[1]?.endsWith('/bin/vipctl') === true && !argv.includes('watch'))).length > 0) return false;
      return lab.topo.nodes.every((n) => nodeLog(lab, n).some((l) => l.cmd === 'watch' && ACTIONS.has(String(l.event)) && Date.parse(String(l.time)) >= since));
    }, 20_000);
    // Where the VIP must be: on `next`, unless the Sentinels failed over again since (a loaded
    // machine can stall the new master past down-after-milliseconds); then on the master they settled on.
    const end = await settledOn(lab, 20_000);
    if (end !== next) expect(sentinelHistory(lab), `the VIP moved on from ${next.name} to ${end.name}: only a second failover may do that`).toMatch(new RegExp(`\\+switch-master mymaster ${next.ip.replaceAll('.', '\\.')} 6379 ${end.ip.replaceAll('.', '\\.')} 6379`));
    expect(await lab.vipHolders(), sentinelHistory(lab)).toEqual([end]);
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
