/**
 * Fault: two of three Sentinels dead (SIGKILL; their hosts up, their ports
 * answering with connection refused) while the master is healthy (issue 14).
 * No failover can happen without a majority of Sentinels alive, so the
 * watcher on the master's host must not fence: the VIP never leaves the
 * master (the kernel's timeline, `ip monitor address`), the client's writes
 * through it go on. With the Sentinels back, a failover still moves it.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sleep, waitFor, type Lab } from '../../src/lab/lab';
import { LAB_REDIS_PASSWORD } from '../../src/lab/topology';
import type { StatusReport } from '../../src/core/status-report';
import { describeLab, upLab } from './support';
import { AddrMonitor, INCR_CLIENT, expectReleasedBeforeBound, newMasterWithVip, nodeLog, replicasInSync, settledOn, watchersSubscribed } from './watch-support';

describeLab('fault: two of three Sentinels dead, master healthy (root)', () => {
  let lab: Lab;
  let mon: AddrMonitor;
  beforeAll(async () => {
    lab = await upLab({ mode: 'watch' });
    mon = await AddrMonitor.start(lab);
    await settledOn(lab, 15_000);
  });
  afterAll(async () => {
    mon?.stop();
    await lab?.down();
  });

  it('the VIP never leaves the master and writes go on; the Sentinels back, a failover still moves it', async () => {
    const master = await settledOn(lab);
    await replicasInSync(lab, master);
    await watchersSubscribed(lab);
    const client = spawn('ip', ['netns', 'exec', lab.topo.client.ns, 'env', `REDIS_PASSWORD=${LAB_REDIS_PASSWORD}`, process.execPath, INCR_CLIENT, lab.topo.vip, '6379', 'vipctl:test:dead', '10'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    client.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    const closed = new Promise((r) => client.once('close', r));
    const others = lab.topo.nodes.filter((n) => n !== master);
    let restarted = false;
    try {
      await waitFor('writes through the VIP', async () => out.split('\n').length > 20, 10_000);
      const since = Date.now();
      for (const n of others) process.kill(lab.pidOf(n, 'sentinel')!, 'SIGKILL');
      // the fence rule's verdict on the master's host, whichever it is (before the fix: fence, ~1 s after the kill)
      const rule = await waitFor('the master host to log its fence rule', async () => nodeLog(lab, master).find((l) => (l.event === 'fence-skipped' || l.event === 'fence') && Date.parse(String(l.time)) >= since), 15_000);
      // well past the fence time (down-after 1000 ms in the lab)
      await sleep(4000);
      const until = Date.now();
      expect(mon.of(lab.topo.vip).filter((e) => e.t >= since), 'the kernel saw the VIP move').toEqual([]);
      expect(await lab.vipHolders()).toEqual([master]);
      expect(rule).toMatchObject({ event: 'fence-skipped', refusing: 2 });
      expect(String(rule.reason)).toMatch(/2 of 3 sentinels refuse connections/);
      // status says the same of its own round of answers
      const status = JSON.parse((await lab.vipctl(master, ['status', '--json'])).stdout) as StatusReport;
      expect(status.masters[0]!.fence).toMatchObject({ rule: 'fence-skipped', reason: expect.stringMatching(/2 of 3 sentinels refuse connections/) });
      expect(nodeLog(lab, master).filter((l) => Date.parse(String(l.time)) >= since && (l.event === 'fence' || l.event === 'unbind'))).toEqual([]);
      expect(nodeLog(lab, master).filter((l) => l.event === 'fence-skipped' && Date.parse(String(l.time)) >= since), 'logged once per change, not every tick').toHaveLength(1);
      const acked = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { t?: number; v?: number }).filter((r) => r.v !== undefined);
      // writes went on all along: acknowledged writes in every second of the outage of the Sentinels
      for (let t = since; t + 1000 <= until; t += 1000) expect(acked.filter((r) => r.t! >= t && r.t! < t + 1000).length, `acknowledged writes in [${t - since}, ${t - since + 1000}) ms`).toBeGreaterThan(10);
      const values = acked.map((r) => r.v!);
      expect(values.filter((v, i) => i > 0 && v <= values[i - 1]!), 'an INCR reply not above the one before is a lost write').toEqual([]);

      // the Sentinels back: a majority answers again, and a failover still moves the VIP
      const back = Date.now();
      for (const n of others) await lab.startSentinel(n);
      restarted = true;
      await waitFor('the master host to see a majority again', async () => nodeLog(lab, master).some((l) => l.event === 'unfence' && Date.parse(String(l.time)) >= back), 15_000);
      await lab.waitSettled(40_000);
      // every watcher subscribed again to both restarted Sentinels (it must hear their failover events)
      for (const n of lab.topo.nodes) {
        for (const o of others) await waitFor(`${n.name} subscribed to ${o.name}'s Sentinel again`, async () => nodeLog(lab, n).some((l) => l.event === 'sentinel-up' && l.sentinel === `${o.ip}:26379` && Date.parse(String(l.time)) >= back), 20_000);
      }
      const failoverSince = Date.now();
      const f = await lab.failover('sigkill');
      expect(f.node).toBe(master);
      const next = await newMasterWithVip(lab, master, 40_000);
      expectReleasedBeforeBound(mon, lab.topo.vip, master, next, failoverSince);
    } finally {
      client.kill('SIGKILL');
      await closed;
      if (!restarted) for (const n of others) await lab.startSentinel(n).catch(() => undefined);
    }
  });
});
