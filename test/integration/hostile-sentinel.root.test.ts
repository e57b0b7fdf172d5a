/**
 * One hostile Sentinel (issue 15, findings 1-3, the watcher's part): a fake
 * speaking RESP on a configured Sentinel address (n3's, whose real Sentinel
 * was killed: any local user can bind the port once the process is gone),
 * run as uid 65534. It answers SENTINEL MASTERS with down-after-milliseconds
 * 1 and failover-timeout 100000000000 and publishes what the test tells it
 * to every watcher. The majority (n1's and n2's real Sentinels) names n1
 * all along. Cases in order (a lone Sentinel's lapsed release makes the
 * next ones suspect: that is part of what is tested).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot, sleep, waitFor, type Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { describeLab, upLab } from './support';
import { AddrMonitor, nodeLog, settledOn } from './watch-support';

const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
const FIXTURE = () => join(repoRoot(), 'test/fixtures/hostile-sentinel.mjs');

/** The fixture as uid 65534 in a host's namespace; resolves once it listens. */
function fake(host: LabHost, ip: string, port: number, master: string, events: string, record: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const c = spawn('ip', ['netns', 'exec', host.ns, ...NOBODY, process.execPath, FIXTURE(), ip, String(port), master, '6379', '1', '100000000000', events, record], { stdio: ['ignore', 'pipe', 'inherit'] });
    c.stdout!.once('data', () => resolve(c));
    c.once('exit', (code) => reject(new Error(`fake sentinel exited ${code}`)));
  });
}

describeLab('one hostile Sentinel: it can neither put the VIP on two hosts, nor take it off a healthy master for good, nor make it flap (root)', () => {
  let lab: Lab;
  let mon: AddrMonitor;
  let n1: LabHost;
  let n2: LabHost;
  let n3: LabHost;
  let sentinel: ChildProcess;
  const recorders: ChildProcess[] = [];
  // the fakes run as uid 65534: their files live in a directory of their own (the lab dir is root's, 0700)
  let dir = '';
  const events = () => join(dir, 'hostile-events.jsonl');
  const record = () => join(dir, 'hostile-commands.jsonl');
  const loopbackRecord = () => join(dir, 'loopback-commands.jsonl');
  let since = 0;
  /** Publish these events from the fake to every watcher, and wait until every watcher has read the first (its `sentinel-event` line, at debug). */
  async function publish(lines: Array<[string, string]>): Promise<number> {
    writeFileSync(events(), lines.map((l) => JSON.stringify(l)).join('\n') + '\n', { mode: 0o644 });
    const at = Date.now();
    sentinel.kill('SIGUSR2');
    // n3 refuses the fake on its own address (see beforeAll): n1 and n2 hear it
    for (const n of [n1, n2]) {
      await waitFor(`${n.name} to act on ${lines[0]![0]}`, async () => nodeLog(lab, n).some((l) => l.event === 'sentinel-event' && l.sentinel === `${n3.ip}:26379` && l.channel === lines[0]![0] && Date.parse(String(l.time)) >= at - 5), 10_000).catch((e: Error) => {
        throw new Error(`${e.message}\n${n.name}'s log since:\n${nodeLog(lab, n).filter((l) => Date.parse(String(l.time)) >= at - 2000).map((l) => JSON.stringify(l)).join('\n')}\nthe fake received:\n${readFileSync(record(), 'utf8').split('\n').slice(-15).join('\n')}`);
      });
    }
    return at;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vipctl-hostile-'));
    chmodSync(dir, 0o777);
    lab = await upLab({ mode: 'watch' });
    [n1, n2, n3] = ['n1', 'n2', 'n3'].map((n) => lab.host(n)) as [LabHost, LabHost, LabHost];
    mon = await AddrMonitor.start(lab);
    expect(await settledOn(lab, 15_000)).toBe(n1);
    // the watchers at debug: their sentinel-event lines say which events they read
    const reload = Date.now();
    writeFileSync(lab.configPath, `${readFileSync(lab.configPath, 'utf8')}log:\n  level: debug\n`);
    for (const n of [n1, n2, n3]) process.kill(lab.pidOf(n, 'watch')!, 'SIGHUP');
    for (const n of [n1, n2, n3]) await waitFor(`${n.name} to reload`, async () => nodeLog(lab, n).some((l) => l.event === 'watch-start' && Date.parse(String(l.time)) >= reload), 30_000).catch((e: Error) => {
      throw new Error(`${e.message}; its last log lines: ${nodeLog(lab, n).slice(-8).map((l) => JSON.stringify(l)).join('\n')}`);
    });
    expect(await settledOn(lab, 15_000)).toBe(n1);
    since = Date.now();
    process.kill(lab.pidOf(n3, 'sentinel')!, 'SIGKILL');
    await waitFor("n3's Sentinel port to be free", async () => {
      try {
        sentinel = await fake(n3, n3.ip, 26379, n1.ip, events(), record());
        return true;
      } catch {
        return false;
      }
    }, 10_000, 100);
    // a squatter on 127.0.0.1:7777 in every node, answering ROLE master, recording whatever reaches it
    for (const n of [n1, n2, n3]) recorders.push(await fake(n, '127.0.0.1', 7777, n1.ip, events(), loopbackRecord()));
    // n1 and n2 see the fake as a remote Sentinel and subscribe; on n3 it is a local socket of uid 65534's,
    // which n3's watcher refuses before sending a byte (credentials only to the real server)
    for (const n of [n1, n2]) {
      await waitFor(`${n.name} subscribed to the fake`, async () => nodeLog(lab, n).some((l) => l.event === 'sentinel-up' && l.sentinel === `${n3.ip}:26379` && Date.parse(String(l.time)) >= since), 20_000);
    }
    await waitFor("n3 refusing the fake on its own address", async () => nodeLog(lab, n3).some((l) => l.sentinel === `${n3.ip}:26379` && /socket belongs to .*not to root/.test(JSON.stringify(l)) && Date.parse(String(l.time)) >= since), 20_000);
  });
  afterAll(async () => {
    sentinel?.kill('SIGKILL');
    for (const r of recorders) r.kill('SIGKILL');
    mon?.stop();
    await lab?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('down-after-milliseconds 1 from one Sentinel: the VIP does not flap (the majority\'s timings, fence time >= 5 pings)', async () => {
    expect(readFileSync(record(), 'utf8')).toMatch(/"SENTINEL","MASTERS"/i); // the watchers asked the fake
    await sleep(4000);
    expect(mon.of(lab.topo.vip).filter((e) => e.t >= since)).toEqual([]);
    expect(await lab.vipHolders()).toEqual([n1]);
    for (const n of [n1, n2, n3]) expect(nodeLog(lab, n).filter((l) => l.event === 'fence' && Date.parse(String(l.time)) >= since), n.name).toEqual([]);
  });

  it('+switch-master to 127.0.0.1 7777: no watcher polls ROLE there (nothing reaches the squatter), none binds', async () => {
    const at = await publish([['+switch-master', `mymaster ${n2.ip} 6379 127.0.0.1 7777`]]);
    await sleep(1000);
    expect(existsSync(loopbackRecord()) ? readFileSync(loopbackRecord(), 'utf8') : '').toBe('');
    for (const n of [n1, n2, n3]) expect(nodeLog(lab, n).filter((l) => l.event === 'poll-role' && Date.parse(String(l.time)) >= at), n.name).toEqual([]);
    expect(await lab.vipHolders()).toEqual([n1]);
  });

  it('+promoted-slave of n2 from one Sentinel: n2 checks ROLE (slave) and never binds; n1 lets go for at most a few seconds and takes the VIP back although the fake says failover-timeout 100000000000', async () => {
    const at = await publish([['+promoted-slave', `slave ${n2.ip}:6379 ${n2.ip} 6379 @ mymaster ${n1.ip} 6379`]]);
    expect(nodeLog(lab, n2).some((l) => l.event === 'poll-role' && Date.parse(String(l.time)) >= at)).toBe(true);
    // n1 lets go on one Sentinel's word (a planned switchover looks like this), provisionally
    await waitFor('the VIP back on n1', async () => {
      const ev = mon.of(lab.topo.vip).filter((e) => e.t >= at);
      return ev.some((e) => e.host === n1.name && e.op === 'add') ? ev : null;
    }, 20_000);
    expect(mon.of(lab.topo.vip).filter((e) => e.t >= at && e.host !== n1.name)).toEqual([]);
    expect(mon.maxHolders(lab.topo.vip, [n1.name], at)).toBe(1);
    expect(await lab.vipHolders()).toEqual([n1]);
    expect(nodeLog(lab, n1).some((l) => /not confirmed by a second sentinel/.test(String(l.reason)) && Date.parse(String(l.time)) >= at)).toBe(true);
  });

  it('+try-failover of the healthy master from the same lone Sentinel: no release now (never again on one word)', async () => {
    const at = await publish([['+try-failover', `master mymaster ${n1.ip} 6379`]]);
    await sleep(2000);
    expect(mon.of(lab.topo.vip).filter((e) => e.t >= at)).toEqual([]);
    expect(await lab.vipHolders()).toEqual([n1]);
    expect(nodeLog(lab, n1).filter((l) => l.event === 'fast-path' && Date.parse(String(l.time)) >= at)).toEqual([]);
  });
});
