/**
 * bind, unbind and status against a real Sentinel cluster in network
 * namespaces (root): the classic incident (a VIP left on the old host, two
 * hosts answering for one address) is what they must catch.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import { waitFor, type Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import type { StatusReport } from '../../src/core/status-report';
import { arpingPids, configVariant, describeLab, longAnnouncer, parseLog, upLab, parseLogFile } from './support';

function addVip(lab: Lab, n: LabHost): Promise<unknown> {
  return run(['ip', '-n', n.ns, 'addr', 'add', lab.topo.vipCidr, 'dev', n.ifname]);
}
function delVip(lab: Lab, n: LabHost): Promise<unknown> {
  return run(['ip', '-n', n.ns, 'addr', 'del', lab.topo.vipCidr, 'dev', n.ifname]);
}

async function addrSnapshot(lab: Lab): Promise<string[]> {
  return Promise.all(lab.topo.nodes.map(async (n) => (await run(['ip', '-n', n.ns, '-br', 'addr'])).stdout));
}

async function status(lab: Lab, n: LabHost): Promise<{ code: number | null; report: StatusReport; m: StatusReport['masters'][number] }> {
  const r = await lab.vipctl(n, ['status', '--json']);
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout) as StatusReport;
  return { code: r.exitCode, report, m: report.masters[0]! };
}

describeLab('bind, unbind, status in the lab (root)', () => {
  let lab: Lab;
  let n1: LabHost, n2: LabHost, n3: LabHost;
  beforeAll(async () => {
    lab = await upLab({ mode: 'hook' }); // only a failover moves the VIP: nothing undoes what a test does by hand
    [n1, n2, n3] = [lab.host('n1'), lab.host('n2'), lab.host('n3')];
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('status --json: ok on the master and on a replica (exit 0), in the contract\'s shape', async () => {
    const master = await status(lab, n1);
    expect(master.code).toBe(0);
    expect(Object.keys(master.report)).toEqual(['masters']);
    expect(master.m).toMatchObject({
      name: 'mymaster', vip: '198.18.0.100/24', interface: 'eth0', boundHere: true,
      sentinelMaster: '198.18.0.11:6379', sentinelsAgreeing: 3, sentinelsTotal: 3, localIsMaster: true, verdict: 'ok',
      otherHolderMac: null, arpProbe: 'no answer',
    });
    expect(master.m.answers).toHaveLength(3);
    const replica = await status(lab, n2);
    expect(replica.code).toBe(0);
    // the replica probes for the VIP and sees the master's host answer
    expect(replica.m).toMatchObject({ boundHere: false, localIsMaster: false, verdict: 'ok', otherHolderMac: await lab.macOf(n1), localRedis: { address: '198.18.0.12:6379', role: 'slave' } });
  });

  it('status without --json: a plain table (no colour when not a terminal)', async () => {
    const r = await lab.vipctl(n1, ['status']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^MASTER +VIP +IFACE +BOUND HERE +SENTINEL MASTER +AGREE +LOCAL REDIS +OTHER HOLDER +VERDICT$/);
    expect(r.stdout).toMatch(/^mymaster +198\.18\.0\.100\/24 +eth0 +yes +198\.18\.0\.11:6379 +3\/3 +master +- +ok$/m);
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('status: should-bind with the VIP missing on the master (exit 1); bind puts it back and announces', async () => {
    await delVip(lab, n1);
    const before = await status(lab, n1);
    expect(before.code).toBe(1);
    expect(before.m).toMatchObject({ boundHere: false, localIsMaster: true, verdict: 'should-bind', otherHolderMac: null, arpProbe: 'no answer' });
    const b = await lab.vipctl(n1, ['bind']); // one master in the config: the name may be left out
    expect(b.exitCode, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/^bound 198\.18\.0\.100\/24 on eth0; announcing \(arping pid \d+\)$/m);
    expect(b.stdout).not.toMatch(/warning/);
    expect(parseLog(b.stderr).map((l) => l.event)).toEqual(['bind', 'announce']);
    expect(await lab.vipHolders()).toEqual([n1]);
    expect((await status(lab, n1)).m.verdict).toBe('ok');
    // again: already bound, says so, exit 0
    const again = await lab.vipctl(n1, ['bind', 'mymaster']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already bound on eth0: nothing to add/);
    expect(parseLog(again.stderr).some((l) => l.event === 'bind')).toBe(false);
    expect(await lab.vipHolders()).toEqual([n1]);
  });

  it('bind on a replica while the master holds the VIP: refused, exit 1, names the MAC, nothing changed', async () => {
    const before = await addrSnapshot(lab);
    const r = await lab.vipctl(n2, ['bind', 'mymaster']);
    expect(r.exitCode, r.stdout).toBe(1);
    const mac = await lab.macOf(n1);
    expect(r.stderr).toContain(`vipctl: not bound: another host already answers for 198.18.0.100 (MAC ${mac})`);
    const refused = parseLog(r.stderr.split('\n').filter((l) => l.startsWith('{')).join('\n'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ event: 'refused', code: 'REFUSED', exitCode: 1, master: 'mymaster' });
    expect(await addrSnapshot(lab)).toEqual(before);
    expect(await arpingPids(n2)).toEqual([]);
    // and in the node's log file, for whoever looks later
    expect(parseLogFile(readFileSync(lab.logFile(n2), 'utf8')).filter((l) => l.event === 'refused')).toHaveLength(1);
  });

  it('bind --force binds anyway, says so in the log line, and warns that Sentinel disagrees; status says should-unbind', async () => {
    const mac = await lab.macOf(n1);
    // an announcer that outlasts this test and the next (the lab's lasts 2 s), whose unbind must stop it
    const r = await lab.vipctl(n2, ['bind', 'mymaster', '--force'], { VIPCTL_CONFIG: configVariant(lab, 'long-announce', longAnnouncer) });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`forced although ${mac} answers for it`);
    expect(r.stdout).toMatch(/^warning: Sentinel's majority says the master is 198\.18\.0\.11:6379, not this host/m);
    const log = parseLog(r.stderr);
    expect(log.find((l) => l.event === 'bind')).toMatchObject({ cmd: 'bind', force: true, otherHolderMac: mac, interface: 'eth0', is: 'unbound', mustBe: 'bound on eth0', reason: `operator: vipctl bind --force; --force: bound although ${mac} answers for it` });
    expect(log.find((l) => l.event === 'warning')).toMatchObject({ level: 'warn', master: 'mymaster' });
    expect(await lab.vipHolders()).toEqual([n1, n2]);
    expect(await arpingPids(n2)).toHaveLength(1);
    const s = await status(lab, n2);
    expect(s.code).toBe(1);
    expect(s.m).toMatchObject({ boundHere: true, localIsMaster: false, verdict: 'should-unbind' });
  });

  it('unbind twice: removes the copy and stops its announcer, then says there was nothing; both exit 0', async () => {
    const first = await lab.vipctl(n2, ['unbind', 'mymaster']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^removed 198\.18\.0\.100\/24 from eth0; stopped announcer pid \d+$/m);
    expect(await lab.vipHolders()).toEqual([n1]);
    await waitFor('the announcer on n2 to exit', async () => (await arpingPids(n2)).length === 0, 5000);
    const second = await lab.vipctl(n2, ['unbind']);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^198\.18\.0\.100\/24 was not bound here: nothing removed$/m);
    expect(parseLog(second.stderr).map((l) => l.event)).toEqual(['noop']);
    expect(await lab.vipHolders()).toEqual([n1]);
    expect((await status(lab, n2)).m.verdict).toBe('ok');
  });

  it('status: should-unbind for a stale copy on a replica (the keepalived incident), while the master stays ok', async () => {
    await addVip(lab, n3);
    try {
      const stale = await status(lab, n3);
      expect(stale.code).toBe(1);
      // bound here too, the probe still runs (the kernel does not answer its own): it hears the master's host
      expect(stale.m).toMatchObject({ boundHere: true, localIsMaster: false, verdict: 'should-unbind', arpProbe: `answered by ${await lab.macOf(n1)}` });
      // and the master's host hears the stale copy: a conflict (foreign-holder detection)
      const master = await status(lab, n1);
      expect(master.code).toBe(1);
      expect(master.m).toMatchObject({ boundHere: true, verdict: 'conflict', otherHolderMac: await lab.macOf(n3) });
    } finally {
      await delVip(lab, n3);
    }
  });

  it('unbind on the master warns that Sentinel wants the VIP there; bind puts it back', async () => {
    const r = await lab.vipctl(n1, ['unbind']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^warning: Sentinel's majority says the master is this host/m);
    expect(parseLog(r.stderr).find((l) => l.event === 'unbind')).toMatchObject({ cmd: 'unbind', reason: 'operator: vipctl unbind', is: 'bound on eth0', mustBe: 'unbound' });
    expect(await lab.vipHolders()).toEqual([]);
    expect((await lab.vipctl(n1, ['bind'])).exitCode).toBe(0);
    expect(await lab.vipHolders()).toEqual([n1]);
  });

  it('status and bind: an unknown master or a bad config is exit 2 and changes nothing', async () => {
    const before = await addrSnapshot(lab);
    const unknown = await lab.vipctl(n2, ['bind', 'othermaster']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/unknown master "othermaster"/);
    const bad = await lab.vipctl(n2, ['status', '--json'], { VIPCTL_CONFIG: `${lab.dir}/missing.yaml` });
    expect(bad.exitCode).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^vipctl: cannot read config .*missing\.yaml: ENOENT \(fix the file/);
    expect(await addrSnapshot(lab)).toEqual(before);
  });
});
