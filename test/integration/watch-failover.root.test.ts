/**
 * `vipctl watch` on every node of a lab built with mode none (the watchers
 * are started by the test, after it leaves a stale VIP behind): start with a stale copy, a planned SENTINEL FAILOVER under writes, SIGKILL
 * of the master, kill -9 and restart of the master's watcher, SIGTERM.
 * Order and correctness are asserted from `ip monitor address` timestamps and
 * the logs; deadlines are generous (the machine is shared).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src/adapters/run';
import { sleep, waitFor, type Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { configVariant, describeLab, upLab } from './support';
import { WATCH_NODE_FLAGS, WATCH_NODE_OPTIONS } from '../../src/core/watch/node-options';
import { LAB_REDIS_PASSWORD } from '../../src/lab/topology';
import { AddrMonitor, INCR_CLIENT, killPid, nodeLog, replicasInSync, newMasterWithVip, settledOn, waitExit, expectReleasedBeforeBound } from './watch-support';

describeLab('watch in the lab (root)', () => {
  let lab: Lab;
  let mon: AddrMonitor;
  beforeAll(async () => {
    lab = await upLab({ mode: 'none' });
    mon = await AddrMonitor.start(lab);
  });
  afterAll(async () => {
    mon?.stop();
    await lab?.down();
  });

  it('removes a stale VIP from a replica and binds it on the master within 2 s of start', async () => {
    const [n1, n2] = [lab.host('n1'), lab.host('n2')];
    await run(['ip', '-n', n2.ns, 'addr', 'add', lab.topo.vipCidr, 'dev', n2.ifname]);
    expect(await lab.vipHolders()).toEqual([n2]);
    for (const n of lab.topo.nodes) await lab.startWatch(n);
    expect(await settledOn(lab, 15_000)).toBe(n1);
    // the lab runs its watchers as deploy/vipctl-watch.service does, with its V8 options
    expect(readFileSync(`/proc/${lab.pidOf(n1, 'watch')!}/environ`, 'utf8').split('\0')).toContain(`NODE_OPTIONS=${WATCH_NODE_OPTIONS}`);
    expect(readFileSync(`/proc/${lab.pidOf(n1, 'watch')!}/cmdline`, 'utf8').split('\0').slice(1, 1 + WATCH_NODE_FLAGS.length)).toEqual(WATCH_NODE_FLAGS);
    for (const n of lab.topo.nodes) expect(nodeLog(lab, n).filter((l) => l.event === 'v8-options'), n.name).toEqual([]); // so no warning about them
    // measured from each watcher's own start line (node start-up is not the watcher's doing)
    const started = (n: LabHost) => Date.parse(String(nodeLog(lab, n).find((l) => l.event === 'watch-start')!.time));
    // the kernel has the change before the pass writes its line (the ip -batch child answers, then the line is logged)
    const bind = await waitFor('n1 logs its bind', async () => nodeLog(lab, n1).find((l) => l.event === 'bind'), 5_000);
    const unbind = await waitFor('n2 logs its unbind', async () => nodeLog(lab, n2).find((l) => l.event === 'unbind'), 5_000);
    expect(bind).toMatchObject({ cmd: 'watch', desired: 'here', action: 'bind', trigger: expect.any(String) });
    expect(unbind).toMatchObject({ cmd: 'watch', desired: 'elsewhere', action: 'unbind' });
    expect(Date.parse(String(bind.time)) - started(n1)).toBeLessThan(2000);
    expect(Date.parse(String(unbind.time)) - started(n2)).toBeLessThan(2000);
  });

  it('SENTINEL FAILOVER: the old host lets go before the new one binds, never two holders, no acknowledged write lost', async () => {
    const old = await settledOn(lab);
    await replicasInSync(lab, old);
    const client = spawn('ip', ['netns', 'exec', lab.topo.client.ns, 'env', `REDIS_PASSWORD=${LAB_REDIS_PASSWORD}`, process.execPath, INCR_CLIENT, lab.topo.vip, '6379', 'vipctl:test:incr', '5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    client.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    const closed = new Promise((r) => client.once('close', r));
    try {
      await waitFor('writes through the VIP', async () => out.split('\n').length > 20, 10_000);
      const since = Date.now();
      const f = await lab.failover('sentinel');
      const next = await newMasterWithVip(lab, old, 30_000);
      await sleep(1000); // writes go on through the new master
      client.kill('SIGTERM');
      await closed;

      const replies = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { t?: number; v?: number; done?: boolean });
      const values = replies.filter((r) => r.v !== undefined).map((r) => r.v!);
      const lost = values.filter((v, i) => i > 0 && v <= Math.max(...values.slice(0, i)));
      expect(lost, 'an INCR reply not above every earlier reply is a lost write').toEqual([]);
      expect(replies.filter((r) => r.v !== undefined && r.t! > f.at + 100).length).toBeGreaterThan(10);

      expectReleasedBeforeBound(mon, lab.topo.vip, old, next, since - 5);
      // the new master's bind came from the ROLE fast path, with the latency fields
      const bind = nodeLog(lab, next).filter((l) => l.event === 'bind').at(-1)!;
      expect(bind).toMatchObject({ trigger: 'role-master', desired: 'here', sinceEventMs: expect.any(Number) });
    } finally {
      client.kill('SIGKILL');
    }
  });

  it('SIGKILL of the master: the VIP ends on the new master only, and the old host released it first', async () => {
    const old = await settledOn(lab);
    await replicasInSync(lab, old);
    const since = Date.now();
    const f = await lab.failover('sigkill');
    expect(f.node).toBe(old);
    const next = await newMasterWithVip(lab, old, 30_000);
    expectReleasedBeforeBound(mon, lab.topo.vip, old, next, since - 5);
    expect(await lab.vipHolders()).toEqual([next]);
    await lab.heal(old); // back as a replica, for the next tests
  });

  it('kill -9 of the master host watcher and a restart: the VIP never leaves the master', async () => {
    // Settled, not only "VIP on the master": every Sentinel names it and sees both replicas.
    // Right after the last test's failover the Sentinels once failed the new master over again
    // 3 s later (the restarted watcher released it at +promoted-slave, as it must).
    const master = await lab.waitSettled(40_000);
    const since = Date.now();
    const pid = lab.pidOf(master, 'watch')!;
    killPid(pid, 'SIGKILL');
    await waitExit(pid);
    // restarted at log level debug, so that its timer passes (noop at debug) are in its log
    const restarted = await lab.startWatch(master, ['--config', configVariant(lab, 'debug', (y) => `${y}log:\n  level: debug\n`)]);
    const mine = () => nodeLog(lab, master).filter((l) => l.pid === restarted);
    // its first pass, whichever trigger it is named after (start, or a subscription coalesced with it)
    await waitFor('the restarted watcher to make its first pass', async () => mine().some((l) => l.event === 'noop'), 15_000);
    // then, once it hears every Sentinel, two level passes: what it would do, it has done
    const heard = await waitFor('the restarted watcher subscribed to every Sentinel', async () => {
      const up = mine().filter((l) => l.event === 'sentinel-up');
      return up.length >= lab.topo.nodes.length ? Date.parse(String(up.at(-1)!.time)) : null;
    }, 15_000);
    await waitFor('two level passes of the restarted watcher after that', async () => mine().filter((l) => l.event === 'noop' && l.trigger === 'timer' && Date.parse(String(l.time)) > heard).length >= 2, 15_000);
    const logSince = () => JSON.stringify(nodeLog(lab, master).filter((l) => Date.parse(String(l.time)) >= since - 2000));
    expect(mon.of(lab.topo.vip).filter((e) => e.t >= since && e.host === master.name), logSince()).toEqual([]);
    expect(await lab.vipHolders(), logSince()).toEqual([master]);
  });

  it('SIGTERM stops the watcher and leaves the VIP; --release-on-exit removes it', async () => {
    const master = await settledOn(lab);
    const pid = lab.pidOf(master, 'watch')!;
    killPid(pid, 'SIGTERM');
    await waitExit(pid);
    expect(await lab.vipHolders()).toEqual([master]);
    expect(nodeLog(lab, master).at(-1)).toMatchObject({ event: 'watch-stop', signal: 'SIGTERM', releaseOnExit: false });

    const again = await lab.startWatch(master, ['--release-on-exit']);
    // its first pass (start, or a subscription coalesced with it): it runs, and found the VIP where it must be
    await waitFor('the watcher to make its first pass', async () => nodeLog(lab, master).some((l) => l.event === 'noop' && l.pid === again), 15_000);
    killPid(again, 'SIGTERM');
    await waitExit(again);
    expect(await lab.vipHolders()).toEqual([]);
    expect(nodeLog(lab, master).some((l) => l.event === 'unbind' && l.trigger === 'exit')).toBe(true);
  });
});
