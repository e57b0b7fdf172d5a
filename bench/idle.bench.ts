/**
 * `npm run bench:idle [-- --masters 1,50] [-- --seconds 60] [-- --json]`: one
 * `vipctl watch` at rest, before and after in one run. For each lab size
 * (N masters, 3 nodes, watch.intervalMs 1000, nothing happening) the
 * watchers of n2 and n3 run as built; n1's watcher is started once per variant
 * (VARIANTS below: `--variants spawn,netlink,kept`), and each time:
 *  - CPU: utime+stime of the watcher process over `seconds` (/proc/PID/stat,
 *    its children apart; theirs, cutime+cstime, are printed beside);
 *  - RSS: VmRSS sampled once a second over the same window, median and max;
 *  - spawns: every execve of its descendants over 20 s more
 *    (strace -f -e trace=execve, attached after the CPU window so it does not
 *    weigh on it), per timer pass and by program.
 * Then, in a scratch namespace, 200 times each: a fresh read of the netlink
 * view after an address change vs one `ip -json addr show`; `ip addr add` +
 * `del` through the batch child vs spawned.
 * Targets: CPU <= 1 % of a core with 1 master, <= 3 % with 50; RSS <= 60 MB
 * with 1 master; 0 ip spawns per timer pass. A benchmark: exit 0 even when a
 * target is missed.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Lab, sleep, waitFor } from '../src/lab/lab';
import { initialNode } from '../src/lab/masters';
import { running } from '../src/adapters/proc';
import { run } from '../src/adapters/run';
import { MonitorView } from '../src/adapters/netlink/monitor-view';
import { IpBatch } from '../src/adapters/netlink/ip-batch';
import { machine, stats, UsageError } from './stats';

const LAB_BASE_DIR = process.env.VIPCTL_BENCH_LAB_DIR || '/run/vipctl-lab-bench';
const CLK_TCK = 100;
const STRACE_S = 20;
const INTERVAL_MS = 1000;
/**
 * n1's watcher, each in turn: spawn = `ip -json addr show` per pass and the
 * old Sentinel queries and locks (VIPCTL_LINKS_VIEW=spawn VIPCTL_IDLE_BEFORE=1);
 * netlink = the netlink view, the old queries and locks (VIPCTL_IDLE_BEFORE=1);
 * kept = as built (kept Sentinel connections and lock files: docs-incoming/idle.md).
 */
const VARIANTS = ['spawn', 'netlink', 'kept'] as const;
type Variant = (typeof VARIANTS)[number];
const VARIANT_ENV: Record<Variant, Record<string, string>> = { spawn: { VIPCTL_LINKS_VIEW: 'spawn', VIPCTL_IDLE_BEFORE: '1' }, netlink: { VIPCTL_IDLE_BEFORE: '1' }, kept: {} };

function options(argv: string[]): { masters: number[]; seconds: number; json: boolean; variants: Variant[]; micro: boolean } {
  const { values } = parseArgs({ args: argv, options: { masters: { type: 'string', default: '1,50' }, seconds: { type: 'string', default: '60' }, json: { type: 'boolean', default: false }, variants: { type: 'string', default: VARIANTS.join(',') }, 'no-micro': { type: 'boolean', default: false } } });
  const variants = values.variants!.split(',') as Variant[];
  if (variants.some((v) => !VARIANTS.includes(v))) throw new UsageError(`--variants: some of ${VARIANTS.join(',')}, got ${values.variants}`);
  const masters = values.masters!.split(',').map(Number);
  if (masters.some((m) => !Number.isInteger(m) || m < 1 || m > 100)) throw new UsageError(`--masters: integers 1-100, got ${values.masters}`);
  const seconds = Number(values.seconds);
  if (!Number.isInteger(seconds) || seconds < 10) throw new UsageError(`--seconds must be an integer >= 10, got ${values.seconds}`);
  return { masters, seconds, json: values.json === true, variants, micro: values['no-micro'] !== true };
}

function ticks(pid: number): { own: number; children: number } {
  const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  // fields 14-17 (utime stime cutime cstime) are 11-14 after the state
  return { own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
}

function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : NaN;
}

/** execve calls of pid's descendants over `seconds`, by program. */
async function countSpawns(pid: number, seconds: number, file: string): Promise<Record<string, number>> {
  rmSync(file, { force: true });
  const st = spawn('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', file, '-p', String(pid)], { stdio: 'ignore' });
  await new Promise<void>((r, j) => st.once('spawn', () => r()).once('error', j));
  await sleep(seconds * 1000);
  st.kill('SIGINT');
  await new Promise<void>((r) => st.once('close', () => r()));
  const by: Record<string, number> = {};
  for (const m of readFileSync(file, 'utf8').matchAll(/execve\("([^"]+)"/g)) {
    const name = m[1]!.split('/').pop()!;
    by[name] = (by[name] ?? 0) + 1;
  }
  return by;
}

interface Row {
  masters: number;
  variant: Variant;
  cpuPct: number;
  childCpuPct: number;
  rssMedianMb: number;
  rssMaxMb: number;
  spawnsPerPass: number;
  ipSpawnsPerPass: number;
  spawnsByProgram: Record<string, number>;
}

async function measure(lab: Lab, masters: number, variant: Row['variant'], seconds: number, say: (s: string) => void): Promise<Row> {
  const n1 = lab.topo.nodes[0]!;
  const env = VARIANT_ENV[variant];
  Object.assign(process.env, env);
  const pid = await lab.startWatch(n1);
  for (const k of Object.keys(env)) delete process.env[k];
  try {
    await waitFor('every VIP on its master', async () => {
      const h = await lab.allVipHolders();
      return lab.masters.every((m) => h[m.index]!.length === 1 && h[m.index]![0] === initialNode(m, lab.topo.nodes));
    }, 120_000, 200);
    await sleep(10_000); // start-up over: subscriptions, first passes, JIT
    const t0 = ticks(pid);
    const rss: number[] = [];
    for (let i = 0; i < seconds; i++) {
      await sleep(1000);
      rss.push(rssMb(pid));
    }
    const t1 = ticks(pid);
    const by = await countSpawns(pid, STRACE_S, join(lab.dir, `strace-${variant}.txt`));
    const passes = (STRACE_S * 1000) / INTERVAL_MS;
    const total = Object.values(by).reduce((a, b) => a + b, 0);
    const r = (x: number, d = 10): number => Math.round(x * d) / d;
    const rs = stats(rss);
    const row: Row = {
      masters,
      variant,
      cpuPct: r(((t1.own - t0.own) / CLK_TCK / seconds) * 100, 100),
      childCpuPct: r(((t1.children - t0.children) / CLK_TCK / seconds) * 100, 100),
      rssMedianMb: rs.medianMs,
      rssMaxMb: rs.maxMs,
      spawnsPerPass: r(total / passes, 100),
      ipSpawnsPerPass: r((by.ip ?? 0) / passes, 100),
      spawnsByProgram: by,
    };
    say(`  ${masters} master(s), ${variant}: CPU ${row.cpuPct} % (children ${row.childCpuPct} %), RSS ${row.rssMedianMb} MB (max ${row.rssMaxMb}), spawns/pass ${row.spawnsPerPass} (ip ${row.ipSpawnsPerPass}) ${JSON.stringify(by)}`);
    return row;
  } finally {
    process.kill(pid, 'SIGTERM');
    await waitFor('the watcher to exit', async () => !running(pid), 20_000, 100).catch(() => process.kill(pid, 'SIGKILL'));
  }
}

/** Fresh read vs dump, batch vs spawn, in a namespace of its own (removed by name). */
async function micro(): Promise<Array<{ name: string; medianMs: number; p95Ms: number }>> {
  const ns = `vipctl-idle-${process.pid}`;
  const ip = (...a: string[]) => run(['ip', '-n', ns, ...a]);
  await run(['ip', 'netns', 'add', ns]);
  try {
    await ip('link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd0p');
    await ip('link', 'set', 'd0', 'up');
    const view = await MonitorView.open({ netns: ns });
    const batch = new IpBatch({ netns: ns });
    const t = { fresh: [] as number[], dump: [] as number[], batch: [] as number[], spawn: [] as number[] };
    const time = async (xs: number[], f: () => Promise<unknown>): Promise<void> => {
      const s0 = performance.now();
      await f();
      xs.push(performance.now() - s0);
    };
    for (let i = 0; i < 200; i++) {
      const a = `198.18.${200 + (i % 50)}.1/32`;
      await time(t.batch, async () => {
        const r = await batch.run(['ip', 'addr', 'add', a, 'dev', 'd0']);
        if (r.exitCode !== 0) throw new Error(r.stderr);
      });
      await time(t.fresh, () => view.read({ fresh: true }));
      await time(t.dump, () => run(['ip', 'netns', 'exec', ns, 'ip', '-json', 'addr', 'show']));
      await batch.run(['ip', 'addr', 'del', a, 'dev', 'd0']);
      await time(t.spawn, () => run(['ip', 'netns', 'exec', ns, 'ip', 'addr', 'add', a, 'dev', 'd0']));
      await ip('addr', 'del', a, 'dev', 'd0');
    }
    await view.close();
    await batch.close();
    const row = (name: string, xs: number[]) => ({ name, medianMs: stats(xs).medianMs, p95Ms: stats(xs).p95Ms });
    return [row('fresh read, netlink view (after a change)', t.fresh), row('ip -json addr show (ip netns exec)', t.dump), row('ip addr add, batch child', t.batch), row('ip addr add, spawned (ip netns exec)', t.spawn)];
  } finally {
    await run(['ip', 'netns', 'del', ns]);
  }
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const say = (s: string): void => void process.stderr.write(`${s}\n`);
  const rows: Row[] = [];
  for (const masters of o.masters) {
    const lab = await Lab.up({ baseDir: LAB_BASE_DIR, mode: 'none', masters, progress: (s) => say(`  ${s}`) });
    const stop = (): void => void lab.down().finally(() => process.exit(130));
    process.once('SIGINT', stop).once('SIGTERM', stop);
    try {
      for (const n of lab.topo.nodes.slice(1)) await lab.startWatch(n);
      for (const v of o.variants) rows.push(await measure(lab, masters, v, o.seconds, say));
    } finally {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      await lab.down();
    }
  }
  const target = (r: Row): string => {
    const cpu = r.masters === 1 ? 1 : 3;
    const ok = [r.cpuPct <= cpu ? `cpu<=${cpu}% met` : `cpu<=${cpu}% MISSED`, r.ipSpawnsPerPass === 0 ? '0 ip spawns/pass met' : '0 ip spawns/pass MISSED'];
    if (r.masters === 1) ok.push(r.rssMedianMb <= 60 ? 'rss<=60MB met' : 'rss<=60MB MISSED');
    return ok.join(', ');
  };
  const calls = o.micro ? await micro() : [];
  const result = { calls, seconds: o.seconds, loadavg: loadavg().map((x) => Math.round(x * 10) / 10), machine: machine(), rows: rows.map((r) => ({ ...r, target: r.variant === 'kept' ? target(r) : 'before' })) };
  if (o.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(`idle watcher on n1, ${o.seconds} s per row, watch.intervalMs ${INTERVAL_MS}, load average at the end ${result.loadavg.join(' ')}\n`);
  process.stdout.write(`${'masters'.padEnd(8)} ${'variant'.padEnd(8)} ${'cpu %'.padStart(7)} ${'child %'.padStart(8)} ${'rss MB'.padStart(7)} ${'max'.padStart(6)} ${'spawn/pass'.padStart(11)} ${'ip/pass'.padStart(8)}  target\n`);
  for (const r of result.rows)
    process.stdout.write(`${String(r.masters).padEnd(8)} ${r.variant.padEnd(8)} ${String(r.cpuPct).padStart(7)} ${String(r.childCpuPct).padStart(8)} ${String(r.rssMedianMb).padStart(7)} ${String(r.rssMaxMb).padStart(6)} ${String(r.spawnsPerPass).padStart(11)} ${String(r.ipSpawnsPerPass).padStart(8)}  ${r.target}\n`);
  process.stdout.write(`\n${'call (200 each; the spawned ones include ip netns exec)'.padEnd(58)} ${'median'.padStart(7)} ${'p95'.padStart(7)}\n`);
  for (const c of calls) process.stdout.write(`${c.name.padEnd(58)} ${String(c.medianMs).padStart(7)} ${String(c.p95Ms).padStart(7)}\n`);
}

main().catch((e: Error) => {
  process.stderr.write(`bench:idle: ${e.message}\n`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
