/**
 * A local squatter on a stopped server's port (issue 15, finding 3): any
 * local user may bind :6379 or :26379 once redis-server or redis-sentinel is
 * gone, and answer RESP. vipctl must send it no credentials, and never
 * believe its ROLE: in a real SIGKILL failover, the selected replica killed
 * right after +selected-slave and a fake answering ROLE=master on its port
 * must not get the VIP. The squatter runs as uid 65534 in the node's namespace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { waitFor, type Lab } from '../../src/lab/lab';
import { LAB_SENTINEL_PASSWORD, SENTINEL_PORT, type LabHost } from '../../src/lab/topology';
import { describeLab, upLab } from './support';
import { AddrMonitor, killPid, nodeLog, replicasInSync, settledOn, waitExit, watchersSubscribed } from './watch-support';

const SQUATTER = fileURLToPath(new URL('../fixtures/squatter-redis.mjs', import.meta.url));
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.pid) killPid(c.pid);
});

/** The squatter, as uid 65534, on ip:port in `host`'s namespace; resolves once it listens. Returns the file its commands go to. */
async function squat(lab: Lab, host: LabHost, ip: string, port: number, name: string): Promise<string> {
  const record = join(lab.dir, `${name}.commands`);
  writeFileSync(record, '');
  chmodSync(record, 0o666);
  const child = spawn('ip', ['netns', 'exec', host.ns, ...NOBODY, process.execPath, SQUATTER, ip, String(port), record], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`squatter exited ${code}`)));
  });
  return record;
}

/** The commands the squatter got from `from` (an address of the squatted node: vipctl there, or its own Sentinel). */
const received = (record: string, from: string): string[][] =>
  (existsSync(record) ? readFileSync(record, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { from: string; argv: string[] }) : []).filter((c) => c.from.replace(/^::ffff:/, '') === from).map((c) => c.argv);
/** What only vipctl sends to a Redis (Sentinel sends neither HELLO nor ROLE). */
const fromVipctl = (cmds: string[][]): string[][] => cmds.filter((a) => ['HELLO', 'ROLE'].includes(a[0]!.toUpperCase()));

describeLab('a squatter on a stopped server port gets no password and never the VIP (root; squatter as uid 65534)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await upLab({ mode: 'watch' });
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('status: a fake Redis on the local 6379 and a fake Sentinel on the local 26379 are refused before any byte, saying whose socket it is', async () => {
    const master = await settledOn(lab);
    const n = lab.topo.nodes.find((x) => x !== master)!;
    killPid(lab.pidOf(n, 'redis'));
    killPid(lab.pidOf(n, 'sentinel'));
    await waitExit(lab.pidOf(n, 'redis')!);
    await waitExit(lab.pidOf(n, 'sentinel')!);
    try {
      const redisRecord = await squat(lab, n, n.ip, 6379, 'status-redis');
      const sentinelRecord = await squat(lab, n, n.ip, SENTINEL_PORT, 'status-sentinel');
      const r = await lab.vipctl(n, ['status', '--json']);
      const m = (JSON.parse(r.stdout) as { masters: Array<Record<string, any>> }).masters[0]!;
      expect(m.localRedis).toMatchObject({ address: `${n.ip}:6379`, role: null, error: expect.stringMatching(new RegExp(`^${n.ip}:6379: the socket belongs to uid 65534 \\(nobody\\), not to root or redis \\(redis.serviceUser\\)|^${n.ip}:6379: the socket belongs to uid 65534 \\(nobody\\), not to root \\(redis.serviceUser redis is no user`)) });
      expect(m.localIsMaster).toBeNull();
      const own = (m.answers as Array<{ sentinel: string; error?: string }>).find((a) => a.sentinel === `${n.ip}:${SENTINEL_PORT}`);
      expect(own?.error).toMatch(/the socket belongs to uid 65534 \(nobody\).*sentinel\.serviceUser.*not sending credentials/);
      // the other Sentinels still answered: the verdict stands on them
      expect(m.sentinelMaster).toBe(`${master.ip}:6379`);
      // nothing at all from this node (its own Sentinel is gone: only vipctl could have connected from here)
      expect(received(redisRecord, n.ip)).toEqual([]);
      expect(received(sentinelRecord, n.ip)).toEqual([]);
      // the watcher on that node: its own Sentinel link is refused too, with a clear line
      await waitFor('the watcher to refuse the fake Sentinel', async () => nodeLog(lab, n).some((l) => /the socket belongs to uid 65534/.test(JSON.stringify(l)) && /26379/.test(JSON.stringify(l))), 15_000, 100);
      expect(received(sentinelRecord, n.ip)).toEqual([]);
    } finally {
      for (const c of children.splice(0)) {
        killPid(c.pid);
        await new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)));
      }
      await lab.startRedis(n);
      await lab.startSentinel(n);
    }
  });

  it('SIGKILL failover: the selected replica killed right after +selected-slave, a fake answering ROLE=master on its port: no VIP there', async () => {
    const master = await settledOn(lab);
    await watchersSubscribed(lab);
    await replicasInSync(lab, master); // both replicas electable (the first test restarted one)
    const sentinels = lab.topo.nodes.map((n) => lab.pidOf(n, 'sentinel')!);
    const redisPids = Object.fromEntries(lab.topo.nodes.map((n) => [n.ip, lab.pidOf(n, 'redis')!]));
    // In the client's namespace: subscribed to every Sentinel (only the leader publishes +selected-slave), and at the
    // first +selected-slave, at once (no round trip through the test), freeze every Sentinel (the leader sends
    // SLAVEOF NO ONE on its next tick, 50-100 ms later) and SIGKILL the selected replica's redis-server.
    const script = `const net = require('net');
      const pids = ${JSON.stringify(redisPids)};
      let ready = 0, done = false;
      for (const ip of ${JSON.stringify(lab.topo.nodes.map((n) => n.ip))}) {
        const s = net.connect(${SENTINEL_PORT}, ip);
        let seen = '', subscribed = false;
        s.on('error', () => {});
        s.on('connect', () => s.write('AUTH ${LAB_SENTINEL_PASSWORD}\\r\\nSUBSCRIBE +selected-slave\\r\\n'));
        s.on('data', (d) => {
          seen += d.toString('latin1');
          if (!subscribed && seen.includes('subscribe')) { subscribed = true; if (++ready === 3) process.stdout.write('subscribed\\n'); }
          const m = /slave \\S+ (\\S+) (\\d+) @/.exec(seen);
          if (m && !done) {
            done = true;
            for (const pid of ${JSON.stringify(sentinels)}) process.kill(pid, 'SIGSTOP');
            process.kill(pids[m[1]], 'SIGKILL');
            process.stdout.write('selected ' + m[1] + '\\n');
            setTimeout(() => process.exit(0), 50);
          }
        });
      }`;
    const sub = spawn('ip', ['netns', 'exec', lab.topo.client.ns, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(sub);
    let said = '';
    const saw = (word: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): void => void (said.includes(word) && resolve());
        sub.stdout!.on('data', (d: Buffer) => {
          said += d.toString();
          check();
        });
        sub.once('exit', () => setImmediate(() => (said.includes(word) ? resolve() : reject(new Error(`subscriber exited: ${said}`)))));
        check();
      });
    const selected = saw('selected ');
    await saw('subscribed');
    const mon = await AddrMonitor.start(lab);
    try {
        const since = Date.now();
        killPid(lab.pidOf(master, 'redis'));
        await Promise.race([selected, new Promise((_, reject) => setTimeout(() => reject(new Error(`no +selected-slave within 40 s: ${said}`)), 40_000))]);
        const chosen = lab.nodeByIp(/selected (\S+)/.exec(said)![1]!)!;
        expect(chosen).not.toBe(master);
        await waitExit(lab.pidOf(chosen, 'redis')!);
        const record = await squat(lab, chosen, chosen.ip, 6379, 'failover-redis');
        for (const pid of sentinels) killPid(pid, 'SIGCONT');
        // the chosen node's watcher polls ROLE of its replica and finds the squatter: wait for the poll's outcome
        const outcome = await waitFor(
          `${chosen.name}'s ROLE poll to end`,
          async () => nodeLog(lab, chosen).find((l) => ((l.event === 'poll-role-failed' && /^refused: /.test(String(l.reason))) || l.event === 'role-master') && Date.parse(String(l.time)) >= since) ?? null,
          30_000,
          50,
        );
        // a while after: the squatter has had every chance; the VIP never went to the chosen node
        await new Promise((r) => setTimeout(r, 3000));
        expect(mon.of(lab.topo.vip).filter((e) => e.op === 'add' && e.host === chosen.name && e.t >= since), JSON.stringify(mon.changes)).toEqual([]);
        expect(nodeLog(lab, chosen).filter((l) => l.event === 'role-master' && Date.parse(String(l.time)) >= since)).toEqual([]);
        // refused, saying whose socket it is
        expect(outcome).toMatchObject({ event: 'poll-role-failed', reason: expect.stringMatching(new RegExp(`^refused: ${chosen.ip}:6379: the socket belongs to uid 65534 \\(nobody\\)`)) });
        expect(fromVipctl(received(record, chosen.ip))).toEqual([]);
    } finally {
      for (const pid of sentinels) killPid(pid, 'SIGCONT');
      mon.stop();
    }
  });
});
