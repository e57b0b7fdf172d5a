/**
 * Many masters on one Sentinel group (`lab up --masters 5`, mode watch): one
 * watcher per node keeps five VIPs, each on its own master; SIGKILL of one
 * master's redis-server moves its VIP to its new master and touches no other
 * VIP anywhere (every address change of every node is recorded with
 * `ip monitor address` from before the kill).
 */
import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor, type Lab } from '../../src/lab/lab';
import { initialNode } from '../../src/lab/masters';
import { describeLab, upLab } from './support';
import { AddrMonitor, nodeLog, watchersSubscribed } from './watch-support';

describeLab('many masters per node (root)', () => {
  let lab: Lab;
  let mon: AddrMonitor;
  beforeAll(async () => {
    lab = await upLab({ mode: 'watch', masters: 5 });
    mon = await AddrMonitor.start(lab);
  });
  afterAll(async () => {
    mon?.stop();
    await lab?.down();
  });

  it('every VIP is on its own master at start, spread over the three nodes, and reconcile finds nothing to do', async () => {
    const holders = await lab.allVipHolders();
    expect(holders.map((h) => h.map((n) => n.name))).toEqual(lab.masters.map((m) => [initialNode(m, lab.topo.nodes).name]));
    expect(new Set(holders.map((h) => h[0]!.name)).size).toBe(3);
    for (const n of lab.topo.nodes) {
      const r = await lab.vipctl(n, ['reconcile'], { VIPCTL_LOG_FILE: '' });
      expect(r.exitCode, r.stderr).toBe(0);
      const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => l.event)).toEqual(lab.masters.map(() => 'noop'));
      expect(lines.map((l) => l.master).sort()).toEqual(lab.masters.map((m) => m.name).sort());
    }
  });

  it('SIGKILL of one master: its VIP follows its new master; no other VIP is added or deleted anywhere', async () => {
    const victim = lab.master(2); // m3, on n3
    // the timer's level passes log their noop lines at debug: reload the watchers at debug so that the test can see them run (after the first test: reconcile's own lines stay at info there)
    const reloadAt = Date.now();
    appendFileSync(lab.configPath, 'log:\n  level: debug\n');
    for (const n of lab.topo.nodes) process.kill(lab.pidOf(n, 'watch')!, 'SIGHUP');
    await waitFor('every watcher reloaded at debug', async () => lab.topo.nodes.every((n) => nodeLog(lab, n).some((l) => l.event === 'timer-passes' && Date.parse(String(l.time)) >= reloadAt)), 20_000, 100);
    await watchersSubscribed(lab, 20_000, reloadAt);
    const before = await lab.allVipHolders();
    const since = Date.now();
    const f = await lab.failover('sigkill', victim.index);
    expect(f.node).toBe(initialNode(victim, lab.topo.nodes));
    const next = await waitFor(`a new master for ${victim.name} holding its VIP alone`, async () => {
      const m = await lab.sentinelMaster(victim.index);
      if (!m || m === f.node || (await lab.redisRole(m, victim.index)) !== 'master') return null;
      const h = await lab.vipHolders(victim.index);
      return h.length === 1 && h[0] === m ? m : null;
    }, 40_000, 100);
    // the victim's VIP: deleted on the old node, added on the new one, never two holders
    const moved = mon.of(victim.vip);
    expect(moved.filter((e) => e.op === 'del').map((e) => e.host)).toEqual([f.node.name]);
    expect(moved.filter((e) => e.op === 'add').map((e) => e.host)).toEqual([next.name]);
    expect(mon.maxHolders(victim.vip, [f.node.name], since)).toBe(1);
    // the watchers run more level passes over all five masters: wait for two of each master's on every node, after the move
    const settled = Date.now();
    const timerPass = (l: Record<string, unknown>, m: string) => l.master === m && l.trigger === 'timer' && Date.parse(String(l.time)) > settled;
    await waitFor('two level passes over every master on every node since the move', async () => lab.topo.nodes.every((n) => {
      const log = nodeLog(lab, n);
      return lab.masters.every((m) => log.filter((l) => timerPass(l, m.name)).length >= 2);
    }), 20_000, 100);
    const after = await lab.allVipHolders();
    for (const m of lab.masters) {
      if (m === victim) continue;
      expect(mon.of(m.vip), `${m.name}'s VIP ${m.vip}`).toEqual([]);
      expect(after[m.index]).toEqual(before[m.index]);
      // and no watcher logged an action for another master since the kill
      for (const n of lab.topo.nodes) {
        const acted = nodeLog(lab, n).filter((l) => l.master === m.name && (l.event === 'bind' || l.event === 'unbind') && Date.parse(String(l.time)) >= since);
        expect(acted, `${n.name} acted on ${m.name}`).toEqual([]);
      }
    }
    // the victim's VIP is on its master alone, as the Sentinels' majority names it once the cluster is quiet: under the
    // full suite's load CI saw the VIP on another replica while the majority still named `next` (a second failover,
    // bound at its promotion before the Sentinels announce it, is the likely reading; the lines below say)
    const story = (): string => lab.topo.nodes.map((n) => `${n.name}:\n${nodeLog(lab, n).filter((l) => l.master === victim.name && Date.parse(String(l.time)) >= since && (l.action !== 'noop' || l.trigger !== 'timer')).map((l) => JSON.stringify(l)).join('\n')}`).join('\n');
    await waitFor(`${victim.name}'s VIP on the master the Sentinels name, alone`, async () => {
      const m = await lab.sentinelMaster(victim.index);
      if (!m || (await lab.redisRole(m, victim.index)) !== 'master') return false;
      const h = await lab.vipHolders(victim.index);
      return h.length === 1 && h[0] === m;
    }, 30_000, 100).catch((e: Error) => {
      throw new Error(`${e.message} (${next.name} right after the move); ${victim.name}'s lines since the kill:\n${story()}`);
    });
    expect(mon.maxHolders(victim.vip, [f.node.name], since), story()).toBe(1); // never two holders, whatever moved it after
  });
});
