/**
 * Host names end to end, in one `lab up --hostnames` lab in hook mode:
 * Sentinels with resolve-hostnames/announce-hostnames monitor the master by
 * name and replicas announce their names, so SENTINEL's replies, the events
 * and the hook's arguments carry names (n1.vipctl-lab ...), which each lab
 * namespace resolves through /etc/netns/<ns>/hosts (the lab writes them and
 * removes them on down). The hook by hand first, then reconcile and status,
 * then a planned failover and a SIGKILL with `vipctl watch` on every node
 * and Sentinel's own hook runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import { waitFor, type Lab } from '../../src/lab/lab';
import { LAB_LOOPBACK_NAME, labHostName, NETNS_ETC, netnsEtcDirs } from '../../src/lab/hostnames';
import { readLabState } from '../../src/lab/state';
import { describeLab, upLab, parseLogFile } from './support';
import { AddrMonitor, expectReleasedBeforeBound, newMasterWithVip, nodeLog, replicasInSync, settledOn, watchersSubscribed } from './watch-support';

describeLab('host names: Sentinels announcing names (root)', () => {
  let lab: Lab;
  let mon: AddrMonitor;
  beforeAll(async () => {
    lab = await upLab({ mode: 'hook', hostnames: true });
    mon = await AddrMonitor.start(lab);
  });
  afterAll(async () => {
    mon?.stop();
    await lab?.down();
  });

  const vip = () => lab.topo.vip;
  const holders = async () => (await lab.vipHolders()).map((n) => n.name);
  const name = (node: string) => labHostName(lab.host(node));
  const hook = (node: string, to: string) => lab.vipctl(lab.host(node), ['mymaster', 'leader', 'start', name('n1'), '6379', to, '6379']);
  const addrs = () => Promise.all(lab.topo.nodes.map(async (n) => (await run(['ip', '-n', n.ns, '-br', 'addr'])).stdout));

  it('the Sentinels name the master and the replicas by host name; each namespace resolves them from its own hosts file', async () => {
    const said = await lab.redisCli(lab.host('n2').ip, 26379, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster']);
    expect(said.stdout.split('\n')).toEqual([name('n1'), '6379']);
    const replicas = await lab.redisCli(lab.host('n1').ip, 26379, ['SENTINEL', 'REPLICAS', 'mymaster']);
    expect(replicas.stdout.split('\n').filter((l) => l.endsWith('.vipctl-lab:6379')).sort()).toEqual([`${name('n2')}:6379`, `${name('n3')}:6379`]);
    for (const n of [...lab.topo.nodes, lab.topo.client]) expect(existsSync(join(NETNS_ETC, n.ns, 'hosts')), n.ns).toBe(true);
    expect(readLabState(dirname(lab.dir), lab.id).netnsEtc).toEqual(netnsEtcDirs(lab.topo)); // what down removes
    const r = await lab.exec(lab.host('n3'), ['getent', 'hosts', name('n2')]);
    expect(r.stdout.trim().split(/\s+/)).toEqual([lab.host('n2').ip, name('n2')]);
    expect(await holders()).toEqual(['n1']); // reconcile's first bind, from a master named by name
  });

  it('the hook binds on the host a name resolves to, and only there', async () => {
    for (const n of ['n1', 'n2', 'n3']) {
      const r = await hook(n, name('n2'));
      expect(r.exitCode, r.stderr).toBe(0);
    }
    expect(await holders()).toEqual(['n2']);
    const line = parseLogFile(readFileSync(lab.logFile(lab.host('n2')), 'utf8')).filter((l) => l.event === 'bind').at(-1)!;
    expect(line).toMatchObject({ cmd: 'hook', to: `${name('n2')}:6379`, vip: `${vip()}/24` });
    expect(String(line.reason)).toContain(`: to-ip ${name('n2')} resolves to ${lab.host('n2').ip}, an address of this host`);
  });

  it('a name that does not resolve: exit 1 (Sentinel retries), nothing changed anywhere', async () => {
    const before = await addrs();
    for (const n of ['n1', 'n2', 'n3']) {
      const r = await hook(n, 'nowhere.vipctl-lab');
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/host name nowhere\.vipctl-lab does not resolve/);
    }
    expect(await addrs()).toEqual(before);
  });

  it('a name resolving to loopback (Debian\'s 127.0.1.1) is refused: exit 2, nothing changed', async () => {
    const r = await hook('n2', LAB_LOOPBACK_NAME);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/resolves to 127\.0\.1\.1, a loopback address/);
    expect(await holders()).toEqual(['n2']);
  });

  it('reconcile, from the names Sentinel gives, takes the VIP off n2 and puts it back on the master n1; status says so', async () => {
    for (const n of ['n2', 'n1', 'n3']) {
      const r = await lab.vipctl(lab.host(n), ['reconcile']);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    expect(await holders()).toEqual(['n1']);
    const unbind = parseLogFile(readFileSync(lab.logFile(lab.host('n2')), 'utf8')).filter((l) => l.event === 'unbind' && l.cmd === 'reconcile').at(-1);
    expect(String(unbind?.reason)).toMatch(new RegExp(`master ${name('n1')}:6379 resolves to ${lab.host('n1').ip.replaceAll('.', '\\.')}, another host`));
    for (const [n, boundHere] of [['n1', true], ['n3', false]] as const) {
      const s = await lab.vipctl(lab.host(n), ['status', '--json']);
      expect(s.exitCode, s.stderr).toBe(0);
      expect(JSON.parse(s.stdout).masters[0]).toMatchObject({ sentinelMaster: `${name('n1')}:6379`, sentinelsAgreeing: 3, boundHere, localIsMaster: n === 'n1', verdict: 'ok' });
    }
  });

  it('doctor checks the name the Sentinels give for the master: it resolves here, to one host', async () => {
    const r = await lab.vipctl(lab.host('n2'), ['doctor']);
    expect(r.stdout).toMatch(new RegExp(`PASS +host name ${name('n1').replaceAll('.', '\\.')} \\(mymaster\\) +resolves to ${lab.host('n1').ip.replaceAll('.', '\\.')} \\(another host\\)`));
  });

  it('SENTINEL FAILOVER with watch on every node: the fast paths fire for names (old host releases first, the new one binds on ROLE), one holder; Sentinel\'s hook gets names too', async () => {
    const pids = await Promise.all(lab.topo.nodes.map((n) => lab.startWatch(n)));
    try {
      const old = await settledOn(lab);
      await replicasInSync(lab, old);
      await lab.waitSettled(30_000);
      await watchersSubscribed(lab); // else a watcher may miss the failover's first events and act on its subscribing pass
      const since = Date.now();
      await lab.failover('sentinel');
      const next = await newMasterWithVip(lab, old);
      expectReleasedBeforeBound(mon, vip(), old, next, since - 5);
      const after = (n: typeof old) => nodeLog(lab, n).filter((l) => Date.parse(String(l.time)) >= since);
      // the old host: released by the fast path, on an event naming its master by name
      expect(after(old).find((l) => l.event === 'fast-path' && l.action === 'release')).toMatchObject({ cmd: 'watch', reason: expect.stringContaining(`the master ${labHostName(old)}:6379 is this host`) });
      // the new host: ROLE polled for the name, at the address it resolved to here; bound by the fast path before the Sentinels' majority switched
      expect(after(next).find((l) => l.event === 'poll-role')).toMatchObject({ address: `${labHostName(next)}:6379`, connectTo: next.ip });
      const bound = after(next).find((l) => l.event === 'bind');
      expect(bound).toMatchObject({ cmd: 'watch', desired: 'here' });
      // the fast path (ROLE master), unless a Sentinel (re)subscription's pass, which asks the majority, won the race on a loaded machine (seen in CI)
      if (bound!.trigger !== 'role-master') expect(String(bound!.trigger)).toMatch(/^subscribed /);
      // Sentinel ran vipctl as its client-reconfig-script with names as <from-ip>/<to-ip>
      const hooked = await waitFor('Sentinel to run the hook on the new master', async () => after(next).find((l) => l.cmd === 'hook' && typeof l.to === 'string'), 20_000, 100);
      expect(hooked).toMatchObject({ to: `${labHostName(next)}:6379`, from: `${labHostName(old)}:6379` });
      expect(await lab.vipHolders()).toEqual([next]);
    } finally {
      for (const pid of pids) process.kill(pid, 'SIGTERM');
    }
  });

  it('SIGKILL of the master with watch on every node: the old host releases on the Sentinels\' events that name it, the new one binds on ROLE, one holder', async () => {
    const started = Date.now();
    const pids = await Promise.all(lab.topo.nodes.map((n) => lab.startWatch(n)));
    try {
      const old = await lab.waitSettled(30_000);
      await watchersSubscribed(lab, 20_000, started); // these watchers, not the last test's
      const since = Date.now();
      await lab.failover('sigkill');
      const next = await newMasterWithVip(lab, old);
      expectReleasedBeforeBound(mon, vip(), old, next, since - 5);
      const after = (n: typeof old) => nodeLog(lab, n).filter((l) => Date.parse(String(l.time)) >= since && l.cmd === 'watch');
      // no SENTINEL FAILOVER here: the release comes from +sdown/+odown/+try-failover..., whose <ip> is the dead master's name
      const released = after(old).find((l) => l.event === 'fast-path' && l.action === 'release');
      expect(String(released?.reason)).toMatch(new RegExp(`^\\+(odown|try-failover|selected-slave|failover-state-select-slave|elected-leader)[^:]*: the master ${labHostName(old).replaceAll('.', '\\.')}:6379 is this host`));
      expect(after(next).find((l) => l.event === 'bind')).toMatchObject({ trigger: 'role-master', desired: 'here' });
      expect(await lab.vipHolders()).toEqual([next]);
    } finally {
      for (const pid of pids) process.kill(pid, 'SIGTERM');
    }
  });

  it('lab down removes the /etc/netns directories its state recorded', async () => {
    const dirs = readLabState(dirname(lab.dir), lab.id).netnsEtc!;
    mon.stop();
    await lab.down();
    expect(dirs.filter((d) => existsSync(d))).toEqual([]);
  });
});
