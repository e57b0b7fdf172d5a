/**
 * bench:hook's second part: real SIGKILL failovers with three hooks starting
 * at once (one per Sentinel), the packaged hook executable against the seed's
 * bash hook. Two labs are up side by side: one in `hook` mode whose Sentinels
 * run dist/pkg/vipctl-hook (its first bind and other commands through
 * dist/pkg/vipctl), one in `bash` mode (the classic script, src/lab/files.ts,
 * the same as bench/blog-hook.sh). Failovers alternate between the two labs,
 * so machine noise hits both; each is measured as bench:failover's (a): from
 * the new master answering ROLE as master (both replicas polled every 5 ms
 * with redis-cli from the test host) to `ip -ts monitor address` printing
 * the VIP added on it. (Not through src/lab/failover-run.ts: its client probe
 * runs `node <lab.hookPath>`, which a lab with LabOptions.vipctl does not have.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, waitFor } from '../src/lab/lab';
import { AddrMonitor } from '../src/lab/addr-monitor';
import type { LabHost } from '../src/lab/topology';
import { stats, type Stats } from './stats';

const MAX_ABORTED_RUNS = 5;

/** The lab's vipctl: a Sentinel-shaped call (7 arguments) runs the hook executable, anything else the CLI. */
export function dispatcherArgv(hookExe: string, cliExe: string): string[] {
  const script = 'if [ "$#" -eq 7 ]; then exec "$0" "$@"; fi; exec "$VIPCTL_BENCH_CLI" "$@"';
  return ['env', `VIPCTL_BENCH_CLI=${cliExe}`, 'sh', '-c', script, hookExe];
}

export interface FailoverRows {
  packaged: Stats;
  bash: Stats;
  /** An older vipctl-hook (--baseline), in a third lab, in the same rotation. */
  baseline?: Stats;
  /**
   * The same failovers from the moment the new master's own Sentinel queued
   * the hook (its sentinel.log: +promoted-slave when it led the failover,
   * +switch-master when it learnt it from the leader's hello) to the VIP: the
   * hook's own time plus the wait for Sentinel's next timer tick (it forks
   * queued scripts from sentinelTimer, every 1000/hz ms, hz 10-19), without
   * the up-to-1 s of Sentinel's INFO period before it.
   */
  queued: { packaged: Stats; bash: Stats; baseline?: Stats };
  aborted: number;
}

/** Epoch ms of a Redis log line's stamp ("pid:X 03 Dec 2026 13:55:15.389 # ..."), read as this machine's local time. */
export function redisLogTime(line: string): number | null {
  const m = /^\d+:[A-Z] (\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2})\.(\d{3}) /.exec(line);
  if (!m) return null;
  const t = new Date(`${m[1]}`).getTime();
  return Number.isNaN(t) ? null : t + Number(m[2]);
}

/** When `node`'s Sentinel queued its client-reconfig-script for the failover that began at `since` (epoch ms), or null. */
function queuedAt(lab: Lab, node: LabHost, since: number): number | null {
  let text = '';
  try {
    text = readFileSync(join(lab.nodeDir(node), 'sentinel.log'), 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    if (!line.includes(' +promoted-slave ') && !line.includes(' +switch-master ')) continue;
    const t = redisLogTime(line);
    if (t !== null && t >= since - 1) return t;
  }
  return null;
}

/** When (epoch ms) one of `nodes` first answers ROLE as master, polling every 5 ms. */
async function promotion(lab: Lab, nodes: readonly LabHost[], timeoutMs: number): Promise<{ node: LabHost; t: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const asked = Date.now();
    const roles = await Promise.all(nodes.map((n) => lab.redisRole(n)));
    const i = roles.indexOf('master');
    if (i >= 0) return { node: nodes[i]!, t: asked };
    if (Date.now() > deadline) throw new Error(`no replica answered ROLE as master within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** One SIGKILL failover: promotion (ROLE master) to the VIP added on the new master, and queued (its Sentinel) to the VIP, in ms. */
async function oneFailover(lab: Lab): Promise<{ ms: number; queuedMs: number | null }> {
  const monitor = await AddrMonitor.start(lab);
  try {
    const f = await lab.failover('sigkill');
    const p = await promotion(lab, lab.topo.nodes.filter((n) => n !== f.node), 30_000);
    const added = await monitor.added(p.node.name, lab.topo.vip, f.at, 30_000);
    await waitFor('the VIP on the new master only', async () => {
      const h = await lab.vipHolders();
      return h.length === 1 && h[0] === p.node;
    }, 20_000, 50);
    const q = queuedAt(lab, p.node, f.at);
    return { ms: Math.round(added - p.t), queuedMs: q === null ? null : Math.round(added - q) };
  } finally {
    monitor.stop();
  }
}

export async function benchFailovers(o: { runs: number; baseDir: string; hookExe: string; cliExe: string; baselineExe?: string; say: (s: string) => void }): Promise<FailoverRows> {
  const labs: Lab[] = [];
  const names = ['vipctl-hook', 'bash', ...(o.baselineExe ? ['baseline'] : [])];
  try {
    labs.push(await Lab.up({ baseDir: o.baseDir, mode: 'hook', vipctl: dispatcherArgv(o.hookExe, o.cliExe), progress: (s) => o.say(`[vipctl-hook] ${s}`) }));
    labs.push(await Lab.up({ baseDir: o.baseDir, mode: 'bash', progress: (s) => o.say(`[bash] ${s}`) }));
    if (o.baselineExe) labs.push(await Lab.up({ baseDir: o.baseDir, mode: 'hook', vipctl: dispatcherArgv(o.baselineExe, o.cliExe), progress: (s) => o.say(`[baseline] ${s}`) }));
    const samples: number[][] = names.map(() => []);
    const queued: number[][] = names.map(() => []);
    let aborted = 0;
    for (let i = 0; samples.some((s) => s.length < o.runs); i++) {
      const k = i % names.length;
      if (samples[k]!.length >= o.runs) continue;
      const lab = labs[k]!;
      const name = names[k]!;
      await lab.waitSettled(60_000);
      try {
        const { ms, queuedMs } = await oneFailover(lab);
        samples[k]!.push(ms);
        if (queuedMs !== null) queued[k]!.push(queuedMs);
        o.say(`[${name}] failover ${samples[k]!.length}/${o.runs}: promotion -> VIP ${ms} ms; its Sentinel queued the hook -> VIP ${queuedMs ?? '?'} ms`);
      } catch (e) {
        if (++aborted > MAX_ABORTED_RUNS) throw e;
        o.say(`[${name}] run aborted (${(e as Error).message}); healing and running it again`);
      }
      await lab.healAll();
    }
    const rows = (x: number[][]): { packaged: Stats; bash: Stats; baseline?: Stats } => ({ packaged: stats(x[0]!), bash: stats(x[1]!), ...(o.baselineExe ? { baseline: stats(x[2]!) } : {}) });
    return { ...rows(samples), queued: rows(queued), aborted };
  } finally {
    for (const lab of labs) await lab.down();
  }
}
