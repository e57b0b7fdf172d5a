/**
 * One measured failover in a running lab, shared by `lab demo` and
 * `bench:failover`: a client writing through the VIP (and polling every
 * node's ROLE), `ip monitor address` on every node, the disturbance, the wait
 * until the VIP is on the new master only and writes go through again, then
 * the timeline with its outage, lost writes and double-holder time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { VipctlError } from '../core/errors';
import { parseLiveLog } from '../adapters/log-lines';
import { AddrMonitor } from './addr-monitor';
import { repoRoot, sleep, waitFor, type FailoverKind, type Lab } from './lab';
import type { ProbeEvent } from './probe';
import { buildTimeline, type LogLine, type Timeline } from './timeline';
import { REDIS_PORT, SENTINEL_PORT, type LabHost } from './topology';

export interface Probe {
  child: ChildProcess;
  events: ProbeEvent[];
  /**
   * The first event (from now on, or already received when `since` is given) that passes `test`,
   * as soon as its line arrives: how a test catches, say, +selected-slave and acts before the promotion.
   */
  next(test: (e: ProbeEvent) => boolean, timeoutMs: number, since?: number): Promise<ProbeEvent>;
  stop(): Promise<void>;
}

/** Sentinel channels the progress lines mention (the first of each). */
const ANNOUNCED = ['+sdown', '+odown', '+promoted-slave', '+switch-master'];

/**
 * `ip netns exec <client> node bin/vipctl lab probe ...`: the probe is the
 * lab's own tool, this checkout's bin/vipctl, whatever vipctl the lab's nodes
 * run (LabOptions.vipctl: a packaged executable, a chroot).
 */
export function probeArgv(lab: Pick<Lab, 'topo' | 'tlsDir'>, o: { roles?: boolean } = {}): string[] {
  const t = lab.topo;
  return ['netns', 'exec', t.client.ns, process.execPath, join(repoRoot(), 'bin', 'vipctl'), 'lab', 'probe',
    '--sentinels', t.nodes.map((n) => `${n.ip}:${SENTINEL_PORT}`).join(','), '--vip', t.vip, '--port', String(REDIS_PORT), '--every', '10',
    ...(o.roles === false ? [] : ['--roles', t.nodes.map((n) => n.ip).join(',')]), ...(lab.tlsDir ? ['--tls', lab.tlsDir] : [])];
}

/** `roles: false`: no ROLE polling of every node (every 5 ms: load a long run does without). */
export function startProbe(lab: Lab, say: (s: string) => void, o: { roles?: boolean } = {}): Promise<Probe> {
  const t = lab.topo;
  const child = spawn('ip', probeArgv(lab, o), { stdio: ['ignore', 'pipe', 'inherit'] });
  const events: ProbeEvent[] = [];
  let waiters: Array<(e: ProbeEvent) => boolean> = [];
  const next = (test: (e: ProbeEvent) => boolean, timeoutMs: number, since?: number): Promise<ProbeEvent> => {
    const seen = since === undefined ? undefined : events.find((e) => e.t >= since && test(e));
    if (seen) return Promise.resolve(seen);
    return new Promise((res, rej) => {
      const w = (e: ProbeEvent): boolean => {
        if (!test(e)) return false;
        clearTimeout(timer);
        res(e);
        return true;
      };
      const timer = setTimeout(() => {
        waiters = waiters.filter((x) => x !== w);
        rej(new VipctlError('LAB', `the client probe saw no matching event within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.push(w);
    });
  };
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new VipctlError('LAB', 'the client probe did not start within 10 s')), 10_000);
    child.once('exit', (code) => reject(new VipctlError('LAB', `the client probe exited (${code}) before it was ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let e: ProbeEvent;
      try {
        e = JSON.parse(line) as ProbeEvent;
      } catch {
        return;
      }
      events.push(e);
      waiters = waiters.filter((w) => !w(e));
      if (e.kind === 'ready') {
        clearTimeout(timer);
        say(`client: ${e.message}`);
        resolve({ child, events, next, stop: async () => {
          child.kill('SIGTERM');
          await Promise.race([exited, sleep(3000)]);
        } });
      } else if (e.kind === 'sentinel' && e.channel && ANNOUNCED.includes(e.channel)) {
        if (!events.some((x) => x !== e && x.channel === e.channel)) say(`  ${e.channel} (${e.from}): ${e.message}`);
      } else if (e.kind === 'write-failed' || e.kind === 'write-recovered' || e.kind === 'writes-lost') {
        say(`  client: ${e.kind === 'write-failed' ? `write failed: ${e.message}` : e.message}`);
      }
    });
  });
}

/** Every node's vipctl log, as timeline lines. */
export function readLogs(lab: Lab): LogLine[] {
  const out: LogLine[] = [];
  for (const n of lab.topo.nodes) {
    const file = lab.logFile(n);
    if (!existsSync(file)) continue;
    for (const record of parseLiveLog(readFileSync(file, 'utf8'))) {
      const j = record as { time: string; event?: string; cmd?: string; note?: string };
      if (j.event) out.push({ host: n.name, t: Date.parse(j.time), event: j.event, ...(j.cmd ? { cmd: j.cmd } : {}), ...(j.note ? { note: j.note } : {}) });
    }
  }
  return out;
}

export interface FailoverRunOptions {
  kind: FailoverKind;
  /** Steady writes before the disturbance, ms. */
  warmupMs?: number;
  say?: (s: string) => void;
}

export interface FailoverRun {
  timeline: Timeline;
  oldMaster: LabHost;
  newMaster: LabHost;
}

export async function measureFailover(lab: Lab, o: FailoverRunOptions): Promise<FailoverRun> {
  const say = o.say ?? (() => {});
  const monitor = await AddrMonitor.start(lab);
  let probe: Probe | undefined;
  try {
    probe = await startProbe(lab, say);
    await sleep(o.warmupMs ?? 1000);
    const initial = (await lab.vipHolders()).map((h) => h.name);
    say(`failover: ${o.kind} on the master (${lab.mode} mode)...`);
    const f = await lab.failover(o.kind);
    const old = f.node;
    const isolated = o.kind === 'link';
    const p = probe;
    const fresh = await waitFor<LabHost>('the VIP on the new master, and writes through it again', async () => {
      const m = await lab.sentinelMaster();
      if (!m || m === old) return null;
      const holders = (await lab.vipHolders()).filter((h) => !(isolated && h === old));
      const failed = p.events.find((e) => e.kind === 'write-failed' && e.t >= f.at - 5);
      const recovered = !failed || p.events.some((e) => e.kind === 'write-recovered' && e.t >= failed.t);
      return holders.length === 1 && holders[0] === m && recovered ? m : null;
    }, 30_000, 50);
    say(`VIP ${lab.topo.vip} is on ${fresh.name} (${fresh.ip}), the new master; writes go through again`);
    if (o.kind === 'link' || o.kind === 'sigstop') {
      say(`healing ${old.name} (${o.kind === 'link' ? 'link up' : 'SIGCONT'}); it must not hold the VIP once it hears of the failover`);
      await lab.heal(old);
    }
    await waitFor(`${old.name} to hold no VIP`, async () => (await lab.vipHolders()).every((h) => h !== old), 20_000, 50);
    await sleep(300); // trailing events (observer hooks, late writes) into the logs
    await probe.stop();
    const timeline = buildTimeline({
      kind: o.kind,
      t0: f.at,
      oldMaster: old,
      newMaster: fresh,
      probe: probe.events,
      logs: readLogs(lab),
      addr: { initial, events: monitor.of(lab.topo.vip), until: Date.now() },
    });
    return { timeline, oldMaster: old, newMaster: fresh };
  } finally {
    await probe?.stop();
    monitor.stop();
  }
}
