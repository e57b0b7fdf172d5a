/**
 * Foreign-holder detection (root): with watch on every node, the VIP added by
 * hand on the lab's client (a namespace that runs no vipctl) is reported by
 * the holder within two probe periods with the client's MAC (log, metric,
 * status, doctor), the holder announces again while it lasts, and all of it
 * clears once the address is gone. An ordinary failover gives no conflict.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor, type Lab } from '../../src/lab/lab';
import { must } from '../../src/lab/exec';
import type { LabHost } from '../../src/lab/topology';
import { configVariant, describeLab, settledOn, upLab } from './support';
import { newMasterWithVip, nodeLog, watchersSubscribed } from './watch-support';

const PROBE_MS = 2000;

describeLab('foreign-holder detection (root)', () => {
  let lab: Lab;
  let holder: LabHost;
  let config: string;
  let clientMac: string;
  const vipCidr = () => `${lab.topo.vip}/24`;
  const events = (n: LabHost, event: string, since: number) => nodeLog(lab, n).filter((l) => l.event === event && Date.parse(String(l.time)) >= since);
  const anyNode = (event: string, since: number) => lab.topo.nodes.flatMap((n) => events(n, event, since).map((l) => ({ node: n.name, ...l })));
  /** `count` probes that counted on `n`, all after `since` (the watchers log each at debug). */
  const probed = (n: LabHost, since: number, count = 1) => waitFor(`${count} conflict probe(s) on ${n.name}`, async () => (events(n, 'conflict-probe', since).filter((l) => l.counts === true).length >= count ? true : null), 8 * PROBE_MS + 20_000, 50);
  const metric = async (n: LabHost): Promise<string | null> => {
    const r = await lab.exec(n, ['curl', '-s', '--max-time', '3', 'http://127.0.0.1:9477/metrics']);
    return r.stdout.split('\n').find((l) => l.startsWith('vipctl_vip_conflict{')) ?? null;
  };
  const status = async (n: LabHost) => {
    const r = await lab.vipctl(n, ['--config', config, 'status', '--json']);
    return { code: r.exitCode, m: (JSON.parse(r.stdout) as { masters: Array<Record<string, unknown>> }).masters[0]! };
  };

  beforeAll(async () => {
    lab = await upLab({ mode: 'none' });
    config = configVariant(lab, 'conflict', (y) => `${y}watch:\n  conflictProbeMs: ${PROBE_MS}\nmetrics:\n  listen: 127.0.0.1:9477\nlog:\n  level: debug\n`);
    for (const n of lab.topo.nodes) await lab.startWatch(n, ['--config', config]);
    holder = await settledOn(lab, 20_000);
    clientMac = await lab.macOf(lab.topo.client);
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('the VIP added by hand on the client: conflict within two probe periods with its MAC, metric 1, status conflict, doctor fails, re-announced; all cleared after it is removed', async () => {
    await probed(holder, 0); // the holder probes (it has held the VIP for one probe period)
    expect(await metric(holder)).toBe('vipctl_vip_conflict{master="mymaster"} 0');
    const added = Date.now();
    await must(['ip', '-n', lab.topo.client.ns, 'addr', 'add', vipCidr(), 'dev', lab.topo.client.ifname]);
    try {
      const line = await waitFor('the conflict line on the holder', async () => events(holder, 'conflict', added)[0] ?? null, 4 * PROBE_MS + 10_000, 20);
      const detectedMs = Date.parse(String(line.time)) - added;
      console.log(`conflict detection: ${detectedMs} ms after ip addr add (probe period ${PROBE_MS} ms)`);
      expect(line).toMatchObject({ level: 'error', master: 'mymaster', macs: [clientMac], sentinelMaster: `${holder.ip}:6379` });
      expect(detectedMs).toBeLessThanOrEqual(2 * PROBE_MS);
      expect(await metric(holder)).toBe('vipctl_vip_conflict{master="mymaster"} 1');
      const s = await status(holder);
      expect(s.code).toBe(1);
      expect(s.m).toMatchObject({ boundHere: true, verdict: 'conflict', otherHolderMac: clientMac });
      // while it lasts, the passes announce the VIP again (at most once per probe period), and the conflict is logged once
      await waitFor('two re-announcements on the holder', async () => (events(holder, 'announce', added).filter((l) => l.reannounce === 'conflict').length >= 2 ? true : null), 4 * PROBE_MS + 10_000, 50);
      const announced = events(holder, 'announce', added).filter((l) => l.reannounce === 'conflict').map((l) => Date.parse(String(l.time)));
      for (let i = 1; i < announced.length; i++) expect(announced[i]! - announced[i - 1]!).toBeGreaterThanOrEqual(PROBE_MS / 2);
      expect(events(holder, 'conflict', added)).toHaveLength(1);
      const doctor = await lab.vipctl(holder, ['--config', config, 'doctor']);
      expect(doctor.stdout).toMatch(new RegExp(`other holders of ${lab.topo.vip.replace(/\./g, '\\.')} \\(mymaster\\).*${clientMac}.* answers for it too`));
    } finally {
      await must(['ip', '-n', lab.topo.client.ns, 'addr', 'del', vipCidr(), 'dev', lab.topo.client.ifname]);
    }
    const removed = Date.now();
    const cleared = await waitFor('conflict-cleared on the holder', async () => events(holder, 'conflict-cleared', removed)[0] ?? null, 4 * PROBE_MS + 10_000, 20);
    expect(cleared).toMatchObject({ master: 'mymaster', macs: [clientMac] });
    expect(await metric(holder)).toBe('vipctl_vip_conflict{master="mymaster"} 0');
    const s = await status(holder);
    expect(s.code).toBe(0);
    expect(s.m).toMatchObject({ verdict: 'ok', otherHolderMac: null });
    expect(anyNode('conflict', 0).map((l) => l.node)).toEqual([holder.name]); // nobody else ever said so
  });

  it('an ordinary failover (SIGKILL of the master) gives no conflict line: the old holder releasing while the new one binds is not a foreign holder', async () => {
    await watchersSubscribed(lab);
    const since = Date.now();
    const f = await lab.failover('sigkill');
    const next = await newMasterWithVip(lab, f.node);
    await probed(next, since, 3); // the new holder has probed three times since
    expect(anyNode('conflict', since)).toEqual([]);
    expect(await metric(next)).toBe('vipctl_vip_conflict{master="mymaster"} 0');
  });
});
