/**
 * The metrics endpoint must not cost the watcher its file descriptors (issue
 * 15, finding 5): local flooders held ~20k idle connections, the watcher hit
 * its fd limit and every pass failed (`lock: cannot be opened (EMFILE)`), so
 * a SIGKILL failover bound 10.6 s late. Here every watcher runs with
 * `metrics.listen` and a low fd limit (256, prlimit), a flooder as uid 65534
 * in each node's namespace keeps 1000 connections open to it, and a SIGKILL
 * failover must still move the VIP, with no EMFILE anywhere.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { waitFor, type Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { WATCH_NODE_FLAGS, WATCH_NODE_OPTIONS } from '../../src/core/watch/node-options';
import { configVariant, describeLab, upLab } from './support';
import { killPid, newMasterWithVip, nodeLog, settledOn, waitExit, watchersSubscribed } from './watch-support';

const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
const FLOOD = 1000;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.pid) killPid(c.pid);
});

/** Keeps `FLOOD` idle connections to 127.0.0.1:9477 open, opening a new one whenever one is closed; prints "ready" after 400 connections made. */
const FLOODER = `const net = require('net');
  let open = 0, made = 0, said = false;
  const one = () => {
    const c = net.connect(9477, '127.0.0.1');
    c.on('error', () => {});
    c.on('connect', () => { open++; made++; if (!said && made >= 400) { said = true; process.stdout.write('ready\\n'); } });
    c.on('close', () => { open = Math.max(0, open - 1); setTimeout(one, 20); });
  };
  for (let i = 0; i < ${FLOOD}; i++) one();`;

describeLab('a metrics flood does not cost the watcher its descriptors (root; flooders as uid 65534)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await upLab({ mode: 'watch' });
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('with 1000 flood connections per node and a 256-fd limit, a SIGKILL failover still moves the VIP and no pass fails with EMFILE', async () => {
    const old = await settledOn(lab);
    const config = configVariant(lab, 'metrics', (y) => `${y}metrics:\n  listen: 127.0.0.1:9477\n`);
    // the lab's watchers replaced by ones with metrics on and 256 descriptors at most
    for (const n of lab.topo.nodes) {
      const pid = lab.pidOf(n, 'watch')!;
      killPid(pid, 'SIGTERM');
      await waitExit(pid);
    }
    const since = Date.now();
    const env = (n: LabHost): string[] => [`VIPCTL_CONFIG=${config}`, `VIPCTL_RUN_DIR=${join(lab.nodeDir(n), 'run')}`, `VIPCTL_LOG_FILE=${lab.logFile(n)}`, `NODE_OPTIONS=${WATCH_NODE_OPTIONS}`];
    for (const n of lab.topo.nodes) {
      const w = spawn('ip', ['netns', 'exec', n.ns, 'prlimit', '--nofile=256:256', 'env', ...env(n), process.execPath, ...WATCH_NODE_FLAGS, lab.hookPath, 'watch'], { stdio: 'ignore' });
      children.push(w);
    }
    await watchersSubscribed(lab, 20_000, since);
    await waitFor('every watcher serving metrics', async () => lab.topo.nodes.every((n) => nodeLog(lab, n).some((l) => l.event === 'watch-start' && l.metrics === '127.0.0.1:9477' && Date.parse(String(l.time)) >= since)), 20_000, 100);
    for (const n of lab.topo.nodes) {
      const f = spawn('ip', ['netns', 'exec', n.ns, ...NOBODY, process.execPath, '-e', FLOODER], { stdio: ['ignore', 'pipe', 'ignore'] });
      children.push(f);
      await new Promise<void>((resolve, reject) => {
        f.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        f.once('exit', (code) => reject(new Error(`flooder exited ${code}`)));
      });
    }
    killPid(lab.pidOf(old, 'redis'));
    const next = await newMasterWithVip(lab, old, 40_000);
    expect(next).not.toBe(old);
    for (const n of lab.topo.nodes) {
      const bad = nodeLog(lab, n).filter((l) => Date.parse(String(l.time)) >= since && /EMFILE/.test(JSON.stringify(l)));
      expect(bad, `${n.name}: ${JSON.stringify(bad.slice(0, 2))}`).toEqual([]);
    }
  });
});
