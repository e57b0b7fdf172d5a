/**
 * `vipctl watch` when the cluster is partly unreachable: one Sentinel down
 * (a failover still moves the VIP), the master's link cut (it fences itself
 * within the fence time and does not take the VIP back after the heal), two
 * Sentinels down (nothing moves, nothing crashes).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { running } from '../../src/adapters/proc';
import { waitFor, type Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { describeLab, upLab } from './support';
import { AddrMonitor, killPid, nodeLog, replicasInSync, newMasterWithVip, settledOn, expectReleasedBeforeBound } from './watch-support';

describeLab('watch with Sentinels or links down (root)', () => {
  let lab: Lab;
  let mon: AddrMonitor;
  const stopped: number[] = [];
  beforeAll(async () => {
    lab = await upLab({ mode: 'watch' });
    mon = await AddrMonitor.start(lab);
    await settledOn(lab, 15_000);
    // at log level debug, so that the timer passes (noop at debug) are in the logs: the waits below count them
    const since = Date.now();
    writeFileSync(lab.configPath, `${readFileSync(lab.configPath, 'utf8')}log:\n  level: debug\n`);
    for (const n of lab.topo.nodes) process.kill(lab.pidOf(n, 'watch')!, 'SIGHUP');
    for (const n of lab.topo.nodes) await waitFor(`${n.name} to reload`, async () => nodeLog(lab, n).some((l) => l.event === 'watch-start' && Date.parse(String(l.time)) >= since), 30_000).catch((e: Error) => {
      throw new Error(`${e.message}; its last log lines: ${nodeLog(lab, n).slice(-8).map((l) => JSON.stringify(l)).join('\n')}`);
    });
  });
  /** Wait until `n`'s watcher has made `count` level passes (timer, any outcome) after `t`; `also` filters them further. */
  const timerPasses = (n: LabHost, t: number, count = 2, also: (l: Record<string, unknown>) => boolean = () => true) =>
    waitFor(`${count} level passes on ${n.name}`, async () => nodeLog(lab, n).filter((l) => l.cmd === 'watch' && l.trigger === 'timer' && l.action !== undefined && Date.parse(String(l.time)) > t && also(l)).length >= count, 15_000, 50);
  afterAll(async () => {
    for (const pid of stopped) killPid(pid, 'SIGCONT');
    mon?.stop();
    await lab?.down();
  });

  it('one Sentinel down: a SIGKILL failover still moves the VIP, old host first, one holder', async () => {
    const old = await settledOn(lab);
    await replicasInSync(lab, old);
    const other = lab.topo.nodes.find((n) => n !== old)!;
    // killed, not stopped: a Sentinel resumed after seconds of SIGSTOP enters TILT for 30 s and would not vote in the next test
    const sentinel = lab.pidOf(other, 'sentinel')!;
    process.kill(sentinel, 'SIGKILL');
    try {
      const since = Date.now();
      await lab.failover('sigkill');
      const next = await newMasterWithVip(lab, old);
      expectReleasedBeforeBound(mon, lab.topo.vip, old, next, since);
    } finally {
      await lab.startSentinel(other);
    }
    await lab.heal(old);
  });

  it("cut the master's link: it releases the VIP within the fence time and does not take it back after the heal", async () => {
    const old = await settledOn(lab);
    await replicasInSync(lab, old, 1);
    const since = Date.now();
    const f = await lab.failover('link');
    let healed = false;
    try {
      expect(f.node).toBe(old);
      const next = await newMasterWithVip(lab, old);
      const del = await waitFor('the cut-off host to release the VIP', async () => mon.of(lab.topo.vip).find((e) => e.t >= since && e.host === old.name && e.op === 'del'), 10_000);
      // fence time = down-after-milliseconds (1000 in the lab); the rest is PING and tick granularity plus a loaded machine
      expect(del.t - f.at).toBeLessThan(1000 + 1500);
      const fence = nodeLog(lab, old).find((l) => l.event === 'unbind' && Date.parse(String(l.time)) >= since);
      // Whichever pass finds the host fenced releases: the fence tick, a timer pass, or one that was
      // already asking the Sentinels when the link went (once, a resubscription's); the reason says fenced.
      expect(fence).toMatchObject({ trigger: expect.any(String), desired: 'elsewhere' });
      expect(String(fence!.reason)).toMatch(/fenced: no majority of sentinels/);

      await lab.heal(old);
      healed = true;
      // the old master still says role:master until Sentinel converts it: wait for that, then for two passes of its watcher
      await waitFor('the old master to be converted to a replica', async () => (await lab.redisRole(old)) === 'slave', 30_000, 50);
      await timerPasses(old, Date.now());
      expect(mon.of(lab.topo.vip).filter((e) => e.t >= del.t && e.host === old.name && e.op === 'add')).toEqual([]);
      expect(await lab.vipHolders()).toEqual([next]);
    } finally {
      if (!healed) await lab.heal(old); // the next tests need every node reachable
    }
  });

  it('SIGHUP: a bad config is refused and the old one kept; a good one is applied (fencing off, metrics on)', async () => {
    const good = readFileSync(lab.configPath, 'utf8');
    const pids = lab.topo.nodes.map((n) => lab.pidOf(n, 'watch')!);
    const since = Date.now();
    writeFileSync(lab.configPath, `${good}bogus: 1\n`);
    for (const pid of pids) process.kill(pid, 'SIGHUP');
    for (const n of lab.topo.nodes) {
      const refused = await waitFor(`${n.name} to refuse the new config`, async () => nodeLog(lab, n).find((l) => l.level === 'error' && Date.parse(String(l.time)) >= since), 10_000);
      expect(String(refused.reason)).toMatch(/bogus: unknown key/);
      expect(refused.during).toMatch(/keeping the running config/);
    }
    for (const pid of pids) expect(running(pid)).toBe(true);
    // with fencing off, for the next test (with it on, a holder cut off from the majority rightly lets go)
    // and metrics on, each node in its own namespace on the same address
    writeFileSync(lab.configPath, `${good}watch:\n  fenceAfterMs: 0\nmetrics:\n  listen: 127.0.0.1:9477\n`);
    for (const pid of pids) process.kill(pid, 'SIGHUP');
    for (const n of lab.topo.nodes) {
      await waitFor(`${n.name} to apply the new config`, async () => nodeLog(lab, n).some((l) => l.event === 'watch-start' && l.fenceAfterMs === 0 && l.metrics === '127.0.0.1:9477' && Date.parse(String(l.time)) >= since), 10_000);
    }
    const master = await settledOn(lab);
    for (const pid of pids) expect(running(pid)).toBe(true);
    const scrape = (n: LabHost) =>
      lab.exec(n, [process.execPath, '-e', 'fetch("http://127.0.0.1:9477/metrics").then((r) => r.text()).then((t) => process.stdout.write(t))']).then((r) => r.stdout);
    const text = await waitFor('a pass counted in the metrics', async () => {
      const t = await scrape(master);
      return /vipctl_reconcile_passes_total\{master="mymaster"\} [1-9]/.test(t) ? t : null;
    }, 10_000);
    expect(text).toContain('vipctl_vip_bound{master="mymaster"} 1');
    expect(text).toMatch(/vipctl_sentinels_reachable 3\b/);
    expect(text).toContain('vipctl_sentinels_configured 3');
    expect(text).toContain('vipctl_fenced{master="mymaster"} 0');
    const other = lab.topo.nodes.find((n) => n !== master)!;
    await waitFor('a pass counted on a replica host', async () => /vipctl_vip_bound\{master="mymaster"\} 0/.test(await scrape(other)), 10_000);
  });

  it('two Sentinels down (fencing off): nothing moves, nothing crashes, also with the master killed', async () => {
    const master = await settledOn(lab);
    const watchers = lab.topo.nodes.map((n) => lab.pidOf(n, 'watch')!);
    const since = Date.now();
    for (const n of lab.topo.nodes) await timerPasses(n, since - 1000, 1); // every watcher runs its level passes
    const down = lab.topo.nodes.filter((n) => n !== master).map((n) => lab.pidOf(n, 'sentinel')!);
    for (const pid of down) {
      process.kill(pid, 'SIGSTOP');
      stopped.push(pid);
    }
    try {
      // each watcher's level passes see no majority (one Sentinel answers): the VIP is left as it is
      const noMajority = (l: Record<string, unknown>) => l.desired === 'unknown';
      for (const n of lab.topo.nodes) await timerPasses(n, Date.now(), 2, noMajority);
      process.kill(lab.pidOf(master, 'redis')!, 'SIGKILL');
      const killed = Date.now();
      for (const n of lab.topo.nodes) await timerPasses(n, killed, 2, noMajority);
      expect(mon.of(lab.topo.vip).filter((e) => e.t >= since)).toEqual([]);
      expect(await lab.vipHolders()).toEqual([master]);
      for (const pid of watchers) expect(running(pid)).toBe(true);
      for (const n of lab.topo.nodes) {
        const lines = nodeLog(lab, n).filter((l) => Date.parse(String(l.time)) >= since);
        expect(lines.filter((l) => l.level === 'error'), n.name).toEqual([]);
      }
    } finally {
      for (const pid of down) process.kill(pid, 'SIGCONT');
    }
  });
});
