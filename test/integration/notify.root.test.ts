/**
 * Notify commands in the lab: a recording script (the lab dir's recorder.cjs:
 * it appends its argv, environment and network namespace to a file, then does
 * what the mode file says: return, exit 3, or hang with a child) as
 * notify.onBind and notify.onUnbind of every node, `vipctl watch` on every
 * node, then the hook by hand. One call per real change, none for no-ops; a
 * hanging or failing command changes nothing and is logged with its outcome.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { running } from '../../src/adapters/proc';
import { CHILD_ENV } from '../../src/adapters/system';
import { waitFor, type Lab } from '../../src/lab/lab';
import type { LabHost } from '../../src/lab/topology';
import { describeLab, upLab } from './support';
import { killPid, newMasterWithVip, nodeLog, replicasInSync, settledOn, waitExit } from './watch-support';

/** The notify timeout of this file: long enough to act on the lab while a command hangs. */
const TIMEOUT_MS = 12_000;
const PLACEHOLDER_ARGS = ['{action}', '{master}', '{vip}', '{cidr}', '{interface}', 'new={newMaster}', 'old={oldMaster}', '{host}', '{reason}'];

interface Call {
  argv: string[];
  env: Record<string, string>;
  netns: string;
  pid: number;
  child?: number;
  host?: string;
}

describeLab('notify commands in the lab (root)', () => {
  let lab: Lab;
  let record: string;
  let mode: string;
  const setMode = (m: 'ok' | 'fail' | 'hang') => writeFileSync(mode, m);
  /** Every call so far, each with the lab node whose namespace it ran in. */
  const calls = (): Call[] => {
    if (!existsSync(record)) return [];
    const byNs = new Map(lab.topo.nodes.map((n) => [`net:[${statSync(`/run/netns/${n.ns}`).ino}]`, n.name]));
    return readFileSync(record, 'utf8').split('\n').filter(Boolean).map((l) => {
      const c = JSON.parse(l) as Call;
      return { ...c, host: byNs.get(c.netns) ?? `unknown ${c.netns}` };
    });
  };
  const notifyLines = (n: LabHost, since: number, event = 'notify') => nodeLog(lab, n).filter((l) => l.event === event && Date.parse(String(l.time)) >= since);
  const expected = (action: string, n: LabHost, newMaster: string, oldMaster: string) => [
    action, 'mymaster', lab.topo.vip, lab.topo.vipCidr, n.ifname, `new=${newMaster}`, `old=${oldMaster}`, hostname(), expect.any(String),
  ];
  const addr = (n: LabHost) => `${n.ip}:6379`;

  beforeAll(async () => {
    lab = await upLab({ mode: 'none' });
    record = join(lab.dir, 'notify-calls.jsonl');
    mode = join(lab.dir, 'notify-mode');
    const recorder = join(lab.dir, 'recorder.cjs');
    writeFileSync(recorder, `#!${process.execPath}
const fs = require('node:fs');
let mode = 'ok';
try { mode = fs.readFileSync(${JSON.stringify(mode)}, 'utf8').trim(); } catch {}
const child = mode === 'hang' ? require('node:child_process').spawn('/bin/sleep', ['600'], { stdio: 'ignore' }) : undefined;
fs.appendFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), env: process.env, netns: fs.readlinkSync('/proc/self/ns/net'), pid: process.pid, child: child && child.pid }) + '\\n');
if (mode === 'fail') { process.stderr.write('failing on purpose\\n'); process.exit(3); }
if (mode === 'hang') setInterval(() => {}, 1e9);
`);
    chmodSync(recorder, 0o755);
    setMode('ok');
    const argv = JSON.stringify([recorder, ...PLACEHOLDER_ARGS]);
    writeFileSync(lab.configPath, `${readFileSync(lab.configPath, 'utf8')}notify:\n  onBind: ${argv}\n  onUnbind: ${argv}\n  timeoutMs: ${TIMEOUT_MS}\n`, { mode: 0o600 });
    for (const n of lab.topo.nodes) await lab.startWatch(n);
  }, 120_000);
  afterAll(async () => {
    await lab?.down();
  });

  it("the watchers' first bind: one onBind call on the master's host, with its placeholders and CHILD_ENV only, logged with its exit code", async () => {
    const master = await settledOn(lab, 20_000);
    await waitFor('the notify line of the bind', async () => notifyLines(master, 0).length > 0, 15_000);
    expect(calls()).toEqual([expect.objectContaining({ host: master.name, argv: expected('bind', master, addr(master), ''), env: { ...CHILD_ENV } })]);
    expect(calls()[0]!.argv.at(-1)).toMatch(/this host/);
    const [line, ...more] = notifyLines(master, 0);
    expect(more).toEqual([]);
    expect(line).toMatchObject({ level: 'info', cmd: 'notify', master: 'mymaster', vip: lab.topo.vipCidr, action: 'bind', interface: master.ifname, exitCode: 0, durationMs: expect.any(Number) });
    for (const n of lab.topo.nodes.filter((x) => x !== master)) expect(notifyLines(n, 0, 'notify-start'), n.name).toEqual([]);
  }, 60_000);

  it('no-op passes start nothing: reconcile on every node, the hook on the master that holds the VIP already', async () => {
    const master = await settledOn(lab);
    const since = Date.now();
    const before = calls().length;
    for (const n of lab.topo.nodes) expect((await lab.vipctl(n, ['reconcile'])).exitCode, n.name).toBe(0);
    const other = lab.topo.nodes.find((n) => n !== master)!;
    expect((await lab.vipctl(master, ['mymaster', 'leader', 'start', other.ip, '6379', master.ip, '6379'])).exitCode).toBe(0);
    for (const n of lab.topo.nodes) {
      const lines = nodeLog(lab, n).filter((l) => Date.parse(String(l.time)) >= since);
      expect(lines.filter((l) => l.event === 'noop' && l.cmd === 'reconcile'), n.name).toHaveLength(1); // the passes did run
      expect(lines.filter((l) => String(l.event).startsWith('notify')), n.name).toEqual([]);
    }
    expect(calls()).toHaveLength(before);
  }, 60_000);

  it('SIGKILL of the master: exactly one onUnbind on the old host and one onBind on the new one, with the old and new master', async () => {
    const old = await settledOn(lab);
    await replicasInSync(lab, old);
    const before = calls().length;
    const since = Date.now();
    await lab.failover('sigkill');
    const next = await newMasterWithVip(lab, old, 40_000);
    await waitFor('both notify lines', async () => notifyLines(old, since).length > 0 && notifyLines(next, since).length > 0, 20_000);
    await lab.heal(old);
    await lab.waitSettled(40_000);
    const fresh = calls().slice(before);
    expect(fresh.map((c) => [c.host, c.argv[0]]), JSON.stringify(fresh)).toEqual(expect.arrayContaining([[old.name, 'unbind'], [next.name, 'bind']]));
    expect(fresh).toHaveLength(2);
    const unbind = fresh.find((c) => c.argv[0] === 'unbind')!;
    expect(unbind.argv.slice(0, 5)).toEqual(['unbind', 'mymaster', lab.topo.vip, lab.topo.vipCidr, old.ifname]);
    expect(unbind.argv[6]).toBe(`old=${addr(old)}`);
    expect(unbind.argv[5]).toMatch(new RegExp(`^new=(${next.ip.replace(/\./g, '\\.')}:6379)?$`)); // where the failover goes, when it is known yet
    expect(fresh.find((c) => c.argv[0] === 'bind')!.argv).toEqual(expected('bind', next, addr(next), addr(old)));
    expect(notifyLines(old, since)).toEqual([expect.objectContaining({ action: 'unbind', exitCode: 0 })]);
    expect(notifyLines(next, since)).toEqual([expect.objectContaining({ action: 'bind', exitCode: 0 })]);
  }, 150_000);

  it('a hanging command changes nothing: the VIP moves, the pass is not held up, and the command is killed at the timeout and logged so', async () => {
    setMode('hang');
    const old = await settledOn(lab);
    await replicasInSync(lab, old);
    const before = calls().length;
    const since = Date.now();
    await lab.failover('sentinel');
    const next = await newMasterWithVip(lab, old, 40_000);
    await waitFor('both hanging calls', async () => calls().length >= before + 2, 20_000);
    const hanging = calls().slice(before);
    // the new host's lock is free and its passes go on while its command hangs
    const r = await lab.vipctl(next, ['reconcile']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(hanging.every((c) => running(c.pid) && running(c.child!)), 'still hanging after the reconcile').toBe(true);
    await waitFor('both timeouts logged', async () => notifyLines(old, since).length > 0 && notifyLines(next, since).length > 0, TIMEOUT_MS + 20_000);
    for (const n of [old, next]) {
      const [l] = notifyLines(n, since);
      expect(l, n.name).toMatchObject({ level: 'warn', timedOut: true, exitCode: null });
      expect(Number(l!.durationMs)).toBeGreaterThanOrEqual(TIMEOUT_MS);
    }
    for (const c of hanging) {
      await waitExit(c.pid, 5000);
      await waitExit(c.child!, 5000); // killed with its process group
    }
    expect(await lab.vipHolders()).toEqual([next]);
  }, 150_000);

  it('a failing command changes nothing: the next failover works and the exit code is logged', async () => {
    setMode('fail');
    const old = await settledOn(lab);
    await replicasInSync(lab, old);
    const since = Date.now();
    await lab.failover('sentinel');
    const next = await newMasterWithVip(lab, old, 40_000);
    await waitFor('both notify lines', async () => notifyLines(old, since).length > 0 && notifyLines(next, since).length > 0, 20_000);
    expect(notifyLines(old, since)).toEqual([expect.objectContaining({ level: 'warn', action: 'unbind', exitCode: 3, stderr: 'failing on purpose' })]);
    expect(notifyLines(next, since)).toEqual([expect.objectContaining({ level: 'warn', action: 'bind', exitCode: 3, stderr: 'failing on purpose' })]);
    expect(await lab.vipHolders()).toEqual([next]);
  }, 150_000);

  it("the hook exits at once; the command's outcome is logged after it by the supervisor", async () => {
    setMode('hang');
    const from = await settledOn(lab);
    for (const n of lab.topo.nodes) {
      const pid = lab.pidOf(n, 'watch')!;
      killPid(pid, 'SIGTERM');
      await waitExit(pid);
    }
    const to = lab.topo.nodes.find((n) => n !== from)!;
    const before = calls().length;
    const since = Date.now();
    const hookArgs = ['mymaster', 'leader', 'start', from.ip, '6379', to.ip, '6379'];
    for (const n of [from, to]) {
      const started = performance.now();
      const r = await lab.vipctl(n, hookArgs);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(performance.now() - started, 'the hook does not wait for its notify command').toBeLessThan(TIMEOUT_MS / 2);
    }
    expect(await lab.vipHolders()).toEqual([to]);
    await waitFor('both hanging calls', async () => calls().length >= before + 2, 20_000);
    const fresh = calls().slice(before);
    expect(fresh.map((c) => c.host)).toEqual([from.name, to.name]);
    expect(fresh[0]!.argv).toEqual(expected('unbind', from, addr(to), addr(from)));
    expect(fresh[1]!.argv).toEqual(expected('bind', to, addr(to), addr(from)));
    await waitFor('both timeouts logged', async () => notifyLines(from, since).length > 0 && notifyLines(to, since).length > 0, TIMEOUT_MS + 20_000);
    for (const n of [from, to]) expect(notifyLines(n, since), n.name).toEqual([expect.objectContaining({ cmd: 'notify', timedOut: true })]);
  }, 120_000);
});
