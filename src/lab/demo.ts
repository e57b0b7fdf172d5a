/**
 * `vipctl lab demo`: up, a client writing through the VIP, a failover, the
 * timeline and the measured write outage, then down (always).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Lab, sleep, waitFor, type FailoverKind, type LabOptions } from './lab';
import type { ProbeEvent } from './probe';
import { buildTimeline, type LogLine, type Timeline } from './timeline';
import { REDIS_PORT, SENTINEL_PORT, type LabHost } from './topology';
import { VipctlError } from '../core/errors';
import { parseLogLines } from '../adapters/log-lines';

export interface DemoOptions extends LabOptions {
  kind: FailoverKind;
  /** Steady writes before the failover, ms. */
  warmupMs?: number;
}

interface Probe {
  child: ChildProcess;
  events: ProbeEvent[];
  stop(): Promise<void>;
}

function startProbe(lab: Lab, say: (s: string) => void): Promise<Probe> {
  const t = lab.topo;
  const child = spawn('ip', ['netns', 'exec', t.client.ns, process.execPath, lab.hookPath, 'lab', 'probe',
    '--sentinels', t.nodes.map((n) => `${n.ip}:${SENTINEL_PORT}`).join(','), '--vip', t.vip, '--port', String(REDIS_PORT), '--every', '10'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const events: ProbeEvent[] = [];
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
      if (e.kind === 'ready') {
        clearTimeout(timer);
        say(`client: ${e.message}`);
        resolve({ child, events, stop: async () => {
          child.kill('SIGTERM');
          await Promise.race([exited, sleep(3000)]);
        } });
      } else if (e.kind === 'sentinel' && e.channel && ['+sdown', '+odown', '+promoted-slave', '+switch-master'].includes(e.channel)) {
        if (!events.some((x) => x !== e && x.channel === e.channel)) say(`  ${e.channel} (${e.from}): ${e.message}`);
      } else if (e.kind === 'write-failed' || e.kind === 'write-recovered') {
        say(`  client: ${e.kind === 'write-failed' ? `write failed: ${e.message}` : e.message}`);
      }
    });
  });
}

export function readLogs(lab: Lab): LogLine[] {
  const out: LogLine[] = [];
  for (const n of lab.topo.nodes) {
    const file = lab.logFile(n);
    if (!existsSync(file)) continue;
    for (const record of parseLogLines(readFileSync(file, 'utf8'))) {
      const j = record as { time: string; event?: string; cmd?: string; note?: string };
      if (j.event) out.push({ host: n.name, t: Date.parse(j.time), event: j.event, ...(j.cmd ? { cmd: j.cmd } : {}), ...(j.note ? { note: j.note } : {}) });
    }
  }
  return out;
}

export async function runDemo(o: DemoOptions): Promise<Timeline> {
  const say = o.progress ?? (() => {});
  const started = Date.now();
  const lab = await Lab.up({ ...o, mode: 'hook' });
  let probe: Probe | undefined;
  try {
    probe = await startProbe(lab, say);
    await sleep(o.warmupMs ?? 1000);
    say(`failover: ${o.kind} on the master...`);
    const f = await lab.failover(o.kind);
    const old = f.node;
    const isolated = o.kind === 'link';
    const fresh = await waitFor<LabHost>('the VIP on the new master, and writes through it again', async () => {
      const m = await lab.sentinelMaster();
      if (!m || m === old) return null;
      const holders = (await lab.vipHolders()).filter((h) => !(isolated && h === old));
      const failed = probe!.events.find((e) => e.kind === 'write-failed' && e.t >= f.at - 5);
      const recovered = !failed || probe!.events.some((e) => e.kind === 'write-recovered' && e.t >= failed.t);
      return holders.length === 1 && holders[0] === m && recovered ? m : null;
    }, 30_000, 50);
    say(`VIP ${lab.topo.vip} is on ${fresh.name} (${fresh.ip}), the new master; writes go through again`);
    if (o.kind === 'link' || o.kind === 'sigstop') {
      say(`healing ${old.name} (${o.kind === 'link' ? 'link up' : 'SIGCONT'}); it must drop the VIP once it hears of the failover`);
      await lab.heal(old);
    }
    await waitFor(`${old.name} to hold no VIP`, async () => (await lab.vipHolders()).every((h) => h !== old), 20_000, 50);
    await sleep(300); // trailing events (observer hooks) into the logs
    await probe.stop();
    const timeline = buildTimeline({ kind: o.kind, t0: f.at, oldMaster: old, newMaster: fresh, probe: probe.events, logs: readLogs(lab) });
    say(`demo done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return timeline;
  } finally {
    await probe?.stop();
    await lab.down();
  }
}
